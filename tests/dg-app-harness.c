/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#ifdef DG_HAVE_XTST
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>
#include <gdk/x11/gdkx.h>
#endif

#include "dg-app-harness.h"
#include "dg-login-page.h"

/* Sanitizer builds run several times slower (Argon2id above all): give waits room. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW 8
#else
#define SLOW 1
#endif

typedef struct
{
  DgAppHarness harness;
  DgAppHarnessFunc func;
  gpointer user_data;
  gboolean ran;
} HarnessRun;

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void (*activate_hook) (GApplication *app);

void
dg_app_harness_set_activate_hook (void (*hook) (GApplication *app))
{
  activate_hook = hook;
}

static void
on_activate (GApplication *app, HarnessRun *run)
{
  DgAppHarness *harness = &run->harness;

  if (run->ran)
    return;
  run->ran = TRUE;
  if (activate_hook != NULL)
    activate_hook (app);

  harness->window = DG_WINDOW (dg_application_get_main_window (harness->app));
  g_assert_nonnull (harness->window);
  g_object_add_weak_pointer (G_OBJECT (harness->window), (gpointer *) &harness->window);
  dg_app_harness_wait_frames (GTK_WIDGET (harness->window), 1);

  run->func (harness, run->user_data);

  if (harness->window != NULL)
    gtk_window_destroy (GTK_WINDOW (harness->window));
  /* GTK finalises widgets from idle callbacks once the last reference goes. */
  g_assert_true (dg_test_wait_until (NULL, pointer_cleared, &harness->window, 5000));
}

void
dg_app_harness_run (const char *const *extra_env, DgAppHarnessFunc func, gpointer user_data)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();

  dg_app_harness_run_in (dir->path, extra_env, func, user_data);
}

void
dg_app_harness_run_in (const char *data_dir, const char *const *extra_env, DgAppHarnessFunc func,
                       gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DgConfig) config = NULL;
  g_autoptr (GPtrArray) env = g_ptr_array_new_with_free_func (g_free);
  char *argv[] = { (char *) "test-app", NULL };
  HarnessRun run = { { 0 }, func, user_data, FALSE };
  GApplication *app;
  int status;

  run.harness.data_dir = data_dir;
  g_ptr_array_add (env, g_strdup_printf ("DATAGEMS_DATA_DIR=%s", data_dir));
  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i++)
    g_ptr_array_add (env, g_strdup (extra_env[i]));
  g_ptr_array_add (env, NULL);

  config = dg_config_new_from_environ ((const char *const *) env->pdata, &error);
  g_assert_no_error (error);

  run.harness.app = dg_application_new (config);
  app = G_APPLICATION (run.harness.app);
  /* Tests run side by side: never hand over to another instance. */
  g_application_set_flags (app, G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &run);
  status = g_application_run (app, 1, argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.ran);

  g_object_add_weak_pointer (G_OBJECT (app), (gpointer *) &app);
  g_object_unref (run.harness.app);
  g_assert_true (dg_test_wait_until (NULL, pointer_cleared, &app, 5000));
}

typedef struct
{
  guint remaining;
} FrameWait;

static gboolean
count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  FrameWait *wait = data;

  if (wait->remaining > 0)
    wait->remaining--;
  return wait->remaining > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
frames_done (gpointer data)
{
  FrameWait *wait = data;

  return wait->remaining == 0;
}

void
dg_app_harness_wait_frames (GtkWidget *widget, guint n_frames)
{
  FrameWait wait = { n_frames };
  guint id;

  if (n_frames == 0)
    return;
  gtk_widget_queue_draw (widget);
  id = gtk_widget_add_tick_callback (widget, count_frame, &wait, NULL);
  if (!dg_test_wait_until (NULL, frames_done, &wait, 5000))
    {
      gtk_widget_remove_tick_callback (widget, id);
      g_error ("no frame drawn within 5 s");
    }
}

typedef struct
{
  GtkWidget *widget;
  int width;
  int height;
} SizeWait;

static gboolean
size_reached (gpointer data)
{
  SizeWait *wait = data;

  return gtk_widget_get_width (wait->widget) == wait->width &&
         gtk_widget_get_height (wait->widget) == wait->height;
}

void
dg_app_harness_resize (GtkWindow *window, int width, int height)
{
  SizeWait wait = { GTK_WIDGET (window), width, height };
  int default_width, default_height;

  /* The default size counts the client-side decorations' margins; the widget does not. */
  gtk_window_unmaximize (window);
  gtk_window_get_default_size (window, &default_width, &default_height);
  if (gtk_widget_get_width (GTK_WIDGET (window)) > 0 && default_width > 0)
    {
      default_width -= gtk_widget_get_width (GTK_WIDGET (window));
      default_height -= gtk_widget_get_height (GTK_WIDGET (window));
    }
  else
    default_width = default_height = 0;
  gtk_window_set_default_size (window, width + MAX (0, default_width),
                               height + MAX (0, default_height));
  gtk_widget_queue_resize (GTK_WIDGET (window));
  if (!dg_test_wait_until (NULL, size_reached, &wait, 5000))
    g_error ("window did not reach %d×%d (it is %d×%d)", width, height,
             gtk_widget_get_width (GTK_WIDGET (window)),
             gtk_widget_get_height (GTK_WIDGET (window)));
  dg_app_harness_wait_frames (GTK_WIDGET (window), 2);
}

gboolean
dg_app_harness_save_png (GtkWidget *widget, const char *path, GError **error)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nothing was drawn");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}

GtkWidget *
dg_app_harness_find (GtkWidget *root, GType type, const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (name == NULL ||
           g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (child)), name) == 0 ||
           g_strcmp0 (gtk_widget_get_name (child), name) == 0))
        return child;
      found = dg_app_harness_find (child, type, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
dg_app_harness_find_id (GtkWidget *root, const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUILDABLE (child) &&
          g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (child)), id) == 0)
        return child;
      if ((found = dg_app_harness_find_id (child, id)) != NULL)
        return found;
    }
  return NULL;
}

gpointer
dg_app_harness_login (DgAppHarness *harness, const char *username, const char *password,
                      gboolean remember)
{
  DgLoginPage *page =
      DG_LOGIN_PAGE (dg_app_harness_find (GTK_WIDGET (harness->window), DG_TYPE_LOGIN_PAGE, NULL));
  GtkWidget *remember_switch;

  g_assert_nonnull (page);
  DG_TEST_WAIT (!dg_login_page_get_busy (page), 20000 * SLOW);
  gtk_editable_set_text (GTK_EDITABLE (dg_app_harness_find_id (GTK_WIDGET (page), "username_row")),
                         username);
  gtk_editable_set_text (GTK_EDITABLE (dg_app_harness_find_id (GTK_WIDGET (page), "password_row")),
                         password);
  gtk_editable_set_text (GTK_EDITABLE (dg_app_harness_find_id (GTK_WIDGET (page), "confirm_row")),
                         password);
  remember_switch = dg_app_harness_find_id (GTK_WIDGET (page), "remember_switch");
  gtk_switch_set_active (GTK_SWITCH (remember_switch), remember);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "login.submit", NULL));
  return page;
}

typedef struct
{
  DgAppHarness *harness;
  const char *page;
} PageWait;

static gboolean
page_shown (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (dg_window_get_page (wait->harness->window), wait->page) == 0;
}

void
dg_app_harness_wait_page (DgAppHarness *harness, const char *page)
{
  PageWait wait = { harness, page };

  if (!dg_test_wait_until (NULL, page_shown, &wait, 30000 * SLOW))
    g_error ("the window shows “%s”, not “%s”", dg_window_get_page (harness->window), page);
}

GtkWindow *
dg_app_harness_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

void
dg_app_harness_focus (GtkWindow *window)
{
  gtk_window_present (window);
  DG_TEST_WAIT (gtk_window_is_active (window), 5000 * SLOW);
}

#ifdef DG_HAVE_XTST
static Display *
xtest_display (GdkDisplay *display, GError **error)
{
  Display *xdisplay;
  int event_base, error_base, major, minor;

  if (!GDK_IS_X11_DISPLAY (display))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not an X11 display");
      return NULL;
    }
  xdisplay = gdk_x11_display_get_xdisplay (GDK_X11_DISPLAY (display));
  if (!XTestQueryExtension (xdisplay, &event_base, &error_base, &major, &minor))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "the X server has no XTest extension");
      return NULL;
    }
  return xdisplay;
}
#endif

gboolean
dg_app_harness_can_press_keys (GError **error)
{
#ifdef DG_HAVE_XTST
  return xtest_display (gdk_display_get_default (), error) != NULL;
#else
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "built without XTest (install libxtst-dev and reconfigure)");
  return FALSE;
#endif
}

gboolean
dg_app_harness_press_keys (GtkWidget *widget, const char *accelerator, GError **error)
{
#ifdef DG_HAVE_XTST
  GdkDisplay *display = gtk_widget_get_display (widget);
  Display *xdisplay = xtest_display (display, error);
  guint keyval;
  GdkModifierType mods;
  g_autofree GdkKeymapKey *keys = NULL;
  int n_keys = 0;
  KeyCode codes[4];
  guint n_codes = 0;

  if (xdisplay == NULL)
    return FALSE;
  if (!gtk_accelerator_parse (accelerator, &keyval, &mods) ||
      !gdk_display_map_keyval (display, keyval, &keys, &n_keys) || n_keys == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no key for “%s”", accelerator);
      return FALSE;
    }
  /* A character on the second level ("?" is Shift+/) needs Shift as well. */
  if (keys[0].level == 1)
    mods |= GDK_SHIFT_MASK;
  if (mods & GDK_CONTROL_MASK)
    codes[n_codes++] = XKeysymToKeycode (xdisplay, XK_Control_L);
  if (mods & GDK_SHIFT_MASK)
    codes[n_codes++] = XKeysymToKeycode (xdisplay, XK_Shift_L);
  if (mods & GDK_ALT_MASK)
    codes[n_codes++] = XKeysymToKeycode (xdisplay, XK_Alt_L);
  codes[n_codes++] = (KeyCode) keys[0].keycode;
  for (guint i = 0; i < n_codes; i++)
    XTestFakeKeyEvent (xdisplay, codes[i], True, CurrentTime);
  for (guint i = n_codes; i > 0; i--)
    XTestFakeKeyEvent (xdisplay, codes[i - 1], False, CurrentTime);
  XFlush (xdisplay);
  return TRUE;
#else
  return dg_app_harness_can_press_keys (error);
#endif
}
