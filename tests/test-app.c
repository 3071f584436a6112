/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include "dg-app-harness.h"
#include "dg-login-page.h"

/* Shell: the window opens on the login page, its state lives in GSettings, and it folds
 * into one pane at narrow widths. */

static void
window_shell (DgAppHarness *h, gpointer data)
{
  GtkWidget *window = GTK_WIDGET (h->window);

  g_assert_cmpstr (dg_window_get_page (h->window), ==, "login");
  g_assert_true (gtk_widget_get_mapped (window));
  g_assert_nonnull (dg_window_get_cancellable (h->window));
  g_assert_false (g_cancellable_is_cancelled (dg_window_get_cancellable (h->window)));

  /* The help overlay comes from the resource bundle. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (h->app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (h->app), "about"));
}

static void
window_state_save (DgAppHarness *h, gpointer data)
{
  GSettings *settings = dg_application_get_settings (h->app);
  int width, height;

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  dg_app_harness_resize (GTK_WINDOW (h->window), 900, 640);
  gtk_window_get_default_size (GTK_WINDOW (h->window), &width, &height);
  g_assert_cmpint (width, >=, 900);
  g_assert_cmpint (height, >=, 640);
  gtk_window_close (GTK_WINDOW (h->window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, width);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, height);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
window_state_restore (DgAppHarness *h, gpointer data)
{
  GSettings *settings = dg_application_get_settings (h->app);
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (h->window), &width, &height);
  g_assert_cmpint (width, ==, g_settings_get_int (settings, "window-width"));
  g_assert_cmpint (height, ==, g_settings_get_int (settings, "window-height"));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (h->window)), ==, 900);
}

static void
test_window_state (void)
{
  /* The memory GSettings backend lives as long as the process: the second run sees what
   * the first one saved. */
  dg_app_harness_run (NULL, window_state_save, NULL);
  dg_app_harness_run (NULL, window_state_restore, NULL);
}

/* The login page checks its input itself and only then emits ::submitted. */

typedef struct
{
  int count;
  char *username;
  char *password;
  gboolean remember;
} Submitted;

static void
on_submitted (DgLoginPage *page, const char *username, const char *password, gboolean remember,
              Submitted *s)
{
  s->count++;
  g_free (s->username);
  g_free (s->password);
  s->username = g_strdup (username);
  s->password = g_strdup (password);
  s->remember = remember;
}

static void
type_into (GtkWidget *root, const char *row_id, const char *text)
{
  GtkWidget *row = dg_app_harness_find (root, ADW_TYPE_ENTRY_ROW, row_id);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
test_login_page_first_run (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = dg_login_page_new ();
  Submitted s = { 0 };

  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &page);
  gtk_window_set_child (GTK_WINDOW (window), page);
  g_signal_connect (page, "submitted", G_CALLBACK (on_submitted), &s);
  dg_login_page_set_mode (DG_LOGIN_PAGE (page), DG_LOGIN_MODE_FIRST_RUN);
  gtk_window_present (GTK_WINDOW (window));

  type_into (page, "username_row", "  admin ");
  type_into (page, "password_row", "correct horse");
  type_into (page, "confirm_row", "correct hors");
  g_assert_false (gtk_widget_activate_action (page, "login.submit", NULL) && s.count > 0);
  g_assert_cmpint (s.count, ==, 0);

  type_into (page, "confirm_row", "correct horse");
  g_assert_true (gtk_widget_activate_action (page, "login.submit", NULL));
  g_assert_cmpint (s.count, ==, 1);
  g_assert_cmpstr (s.username, ==, "admin");
  g_assert_cmpstr (s.password, ==, "correct horse");
  g_assert_false (s.remember);

  /* Busy: a second press does nothing until the window answers. */
  dg_login_page_set_busy (DG_LOGIN_PAGE (page), TRUE);
  gtk_widget_activate_action (page, "login.submit", NULL);
  g_assert_cmpint (s.count, ==, 1);
  dg_login_page_set_busy (DG_LOGIN_PAGE (page), FALSE);
  dg_login_page_set_error (DG_LOGIN_PAGE (page), "Wrong password");
  g_assert_cmpstr (dg_login_page_get_error (DG_LOGIN_PAGE (page)), ==, "Wrong password");

  gtk_window_destroy (GTK_WINDOW (window));
  DG_TEST_WAIT (page == NULL, 5000);
  g_free (s.username);
  g_free (s.password);
}

static void
test_login_page_short_password (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = dg_login_page_new ();
  Submitted s = { 0 };

  gtk_window_set_child (GTK_WINDOW (window), page);
  g_signal_connect (page, "submitted", G_CALLBACK (on_submitted), &s);
  dg_login_page_set_mode (DG_LOGIN_PAGE (page), DG_LOGIN_MODE_FIRST_RUN);
  type_into (page, "username_row", "admin");
  type_into (page, "password_row", "short");
  type_into (page, "confirm_row", "short");
  gtk_widget_activate_action (page, "login.submit", NULL);
  g_assert_cmpint (s.count, ==, 0);

  /* Signing in has no length rule: old accounts keep their passwords. */
  dg_login_page_set_mode (DG_LOGIN_PAGE (page), DG_LOGIN_MODE_SIGN_IN);
  gtk_widget_activate_action (page, "login.submit", NULL);
  g_assert_cmpint (s.count, ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (s.username);
  g_free (s.password);
}

/* g_test_add_data_func() glue: the test data is the body to run inside the app. */
static void
run_app (gconstpointer body)
{
  dg_app_harness_run (NULL, (DgAppHarnessFunc) body, NULL);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_data_func ("/app/window/shell", window_shell, run_app);
  g_test_add_func ("/app/window/state", test_window_state);
  g_test_add_func ("/app/login-page/first-run", test_login_page_first_run);
  g_test_add_func ("/app/login-page/short-password", test_login_page_short_password);
  return g_test_run ();
}
