/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-login-page.h"

struct _DgLoginPage
{
  GtkWidget parent_instance;

  GtkLabel *title_label;
  GtkLabel *description_label;
  AdwEntryRow *username_row;
  AdwEntryRow *password_row;
  AdwEntryRow *confirm_row;
  AdwActionRow *remember_row;
  GtkSwitch *remember_switch;
  GtkLabel *error_label;
  GtkButton *submit_button;
  GtkLabel *submit_label;
  GtkSpinner *spinner;

  DgLoginMode mode;
  gboolean busy;
  char *error;
};

G_DEFINE_TYPE (DgLoginPage, dg_login_page, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (DgLoginMode, dg_login_mode,
                    G_DEFINE_ENUM_VALUE (DG_LOGIN_MODE_SIGN_IN, "sign-in"),
                    G_DEFINE_ENUM_VALUE (DG_LOGIN_MODE_FIRST_RUN, "first-run"))

enum
{
  PROP_0,
  PROP_MODE,
  PROP_BUSY,
  PROP_ERROR,
  N_PROPS
};

enum
{
  SUBMITTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Why the form cannot be sent yet, or NULL when it can. */
static const char *
dg_login_page_input_problem (DgLoginPage *self)
{
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  g_autofree char *trimmed = g_strstrip (g_strdup (username));

  if (*trimmed == '\0')
    return _ ("Enter a username");
  if (*password == '\0')
    return _ ("Enter a password");
  if (self->mode == DG_LOGIN_MODE_FIRST_RUN)
    {
      if (g_utf8_strlen (password, -1) < 8)
        return _ ("Choose a password of at least 8 characters");
      if (g_strcmp0 (password, confirm) != 0)
        return _ ("The passwords do not match");
    }
  return NULL;
}

static void
dg_login_page_update (DgLoginPage *self)
{
  gboolean first_run = self->mode == DG_LOGIN_MODE_FIRST_RUN;

  gtk_label_set_label (self->title_label,
                       first_run ? _ ("Welcome to DataGems") : _ ("Sign In to DataGems"));
  gtk_label_set_label (self->description_label,
                       first_run ? _ ("Create the administrator account of this workstation. "
                                      "There is no default password: choose your own.")
                                 : _ ("Sign in with your DataGems account."));
  gtk_label_set_label (self->submit_label, first_run ? _ ("Create Administrator") : _ ("Sign In"));
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_row), first_run);
  gtk_widget_set_visible (GTK_WIDGET (self->remember_row), !first_run);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->username_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->remember_row), !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.submit",
                                 !self->busy && dg_login_page_input_problem (self) == NULL);

  gtk_label_set_label (self->error_label, self->error ? self->error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->error != NULL);
}

static void
on_changed (DgLoginPage *self)
{
  dg_login_page_update (self);
}

static void
dg_login_page_submit (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  DgLoginPage *self = DG_LOGIN_PAGE (widget);
  const char *problem = dg_login_page_input_problem (self);
  g_autofree char *username = NULL;

  if (self->busy)
    return;
  if (problem != NULL)
    {
      dg_login_page_set_error (self, problem);
      return;
    }

  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  dg_login_page_set_error (self, NULL);
  g_signal_emit (self, signals[SUBMITTED], 0, username,
                 gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                 self->mode == DG_LOGIN_MODE_SIGN_IN &&
                     gtk_switch_get_active (self->remember_switch));
}

static void
on_entry_activated (DgLoginPage *self)
{
  if (self->mode == DG_LOGIN_MODE_FIRST_RUN &&
      gtk_widget_has_focus (GTK_WIDGET (self->password_row)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->confirm_row));
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "login.submit", NULL);
}

static void
dg_login_page_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), DG_TYPE_LOGIN_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (dg_login_page_parent_class)->dispose (object);
}

static void
dg_login_page_finalize (GObject *object)
{
  DgLoginPage *self = DG_LOGIN_PAGE (object);

  g_clear_pointer (&self->error, g_free);
  G_OBJECT_CLASS (dg_login_page_parent_class)->finalize (object);
}

static void
dg_login_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DgLoginPage *self = DG_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dg_login_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DgLoginPage *self = DG_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      dg_login_page_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_BUSY:
      dg_login_page_set_busy (self, g_value_get_boolean (value));
      break;
    case PROP_ERROR:
      dg_login_page_set_error (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dg_login_page_class_init (DgLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dg_login_page_dispose;
  object_class->finalize = dg_login_page_finalize;
  object_class->get_property = dg_login_page_get_property;
  object_class->set_property = dg_login_page_set_property;

  properties[PROP_MODE] =
      g_param_spec_enum ("mode", NULL, NULL, DG_TYPE_LOGIN_MODE, DG_LOGIN_MODE_SIGN_IN,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
      g_param_spec_string ("error", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DgLoginPage::submitted:
   * @username: trimmed username
   * @password: the password as typed
   * @remember: keep a session token on this computer (sign-in mode only)
   */
  signals[SUBMITTED] =
      g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ro/smartclover/DataGems/dg-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, remember_row);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, submit_button);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, submit_label);
  gtk_widget_class_bind_template_child (widget_class, DgLoginPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "login.submit", NULL, dg_login_page_submit);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dg_login_page_init (DgLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  dg_login_page_update (self);
}

GtkWidget *
dg_login_page_new (void)
{
  return g_object_new (DG_TYPE_LOGIN_PAGE, NULL);
}

DgLoginMode
dg_login_page_get_mode (DgLoginPage *self)
{
  g_return_val_if_fail (DG_IS_LOGIN_PAGE (self), DG_LOGIN_MODE_SIGN_IN);
  return self->mode;
}

void
dg_login_page_set_mode (DgLoginPage *self, DgLoginMode mode)
{
  g_return_if_fail (DG_IS_LOGIN_PAGE (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  dg_login_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

gboolean
dg_login_page_get_busy (DgLoginPage *self)
{
  g_return_val_if_fail (DG_IS_LOGIN_PAGE (self), FALSE);
  return self->busy;
}

void
dg_login_page_set_busy (DgLoginPage *self, gboolean busy)
{
  g_return_if_fail (DG_IS_LOGIN_PAGE (self));

  busy = !!busy;
  if (self->busy == busy)
    return;
  self->busy = busy;
  dg_login_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

const char *
dg_login_page_get_error (DgLoginPage *self)
{
  g_return_val_if_fail (DG_IS_LOGIN_PAGE (self), NULL);
  return self->error;
}

void
dg_login_page_set_error (DgLoginPage *self, const char *error)
{
  g_return_if_fail (DG_IS_LOGIN_PAGE (self));

  if (error != NULL && *error == '\0')
    error = NULL;
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  dg_login_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

void
dg_login_page_set_username (DgLoginPage *self, const char *username)
{
  g_return_if_fail (DG_IS_LOGIN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username ? username : "");
}

void
dg_login_page_clear_password (DgLoginPage *self)
{
  g_return_if_fail (DG_IS_LOGIN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
}
