/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-app"

#include "config.h"

#include <glib/gi18n.h>

#include "dg-util.h"
#include "dg-window-private.h"

/*
 * The login flow of the window: open the database, resume a remembered session, or ask
 * for credentials (creating the administrator on first run). "Remember me" keeps only the
 * signed, revocable session token, never the password.
 */

static void check_first_run (DgWindow *self);

/* A result that arrives after the window closed (or left its application) is dropped. */
static gboolean
window_closed (DgWindow *self, const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || dg_window_is_closed (self);
}

static const char *
friendly_message (const GError *error)
{
  if (g_error_matches (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_CREDENTIALS))
    return _ ("Wrong username or password");
  if (g_error_matches (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INVALID_USERNAME))
    return _ ("Usernames have 3 to 64 characters: lowercase letters, digits, dots, dashes and "
              "underscores");
  if (g_error_matches (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INITIALIZED))
    return _ ("An account was created meanwhile: sign in instead");
  return error->message;
}

static void
forget_token (DgWindow *self)
{
  g_settings_reset (self->settings, "session-token");
}

static void
signed_in (DgWindow *self, DgSession *session, const char *token)
{
  g_autofree char *subtitle = NULL;

  g_clear_pointer (&self->session, dg_session_free);
  g_clear_pointer (&self->session_token, g_free);
  self->session = dg_session_copy (session);
  self->session_token = g_strdup (token);

  /* Translators: the subtitle of the job list, %s is a username */
  subtitle = g_strdup_printf (_ ("Signed in as %s"), session->username);
  adw_window_title_set_subtitle (self->sidebar_title, subtitle);
  dg_login_page_set_busy (self->login_page, FALSE);
  dg_login_page_clear_password (self->login_page);
  dg_window_show_workspace (self);
  dg_window_jobs_signed_in (self);
}

typedef struct
{
  DgWindow *window;
  gboolean remember;
} IssueData;

static void
on_session_issued (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IssueData *data = user_data;
  g_autoptr (DgWindow) self = data->window;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgSession) session = NULL;
  g_autofree char *token = NULL;
  gboolean remember = data->remember;

  g_free (data);
  token = dg_sessions_issue_finish (DG_SESSIONS (source), result, &session, &error);
  if (window_closed (self, error))
    return;
  if (token == NULL)
    {
      dg_login_page_set_busy (self->login_page, FALSE);
      dg_login_page_set_error (self->login_page, friendly_message (error));
      return;
    }

  if (remember)
    {
      g_settings_set_string (self->settings, "session-token", token);
      g_settings_set_string (self->settings, "remembered-username", session->username);
    }
  else
    forget_token (self);
  signed_in (self, session, token);
}

static void
issue_session (DgWindow *self, const DgAccount *account, gboolean remember)
{
  IssueData *data = g_new0 (IssueData, 1);

  data->window = g_object_ref (self);
  data->remember = remember;
  dg_sessions_issue_async (dg_application_get_sessions (dg_window_get_app (self)),
                           account->username, account->role, dg_now_ms (), self->cancellable,
                           on_session_issued, data);
}

typedef struct
{
  DgWindow *window;
  gboolean remember;
  gboolean first_run;
} LoginData;

static void
on_account_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LoginData *data = user_data;
  g_autoptr (DgWindow) self = data->window;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgAccount) account = NULL;
  gboolean remember = data->remember;
  gboolean first_run = data->first_run;

  g_free (data);
  if (first_run)
    account = dg_accounts_create_first_admin_finish (DG_ACCOUNTS (source), result, &error);
  else
    account = dg_accounts_authenticate_finish (DG_ACCOUNTS (source), result, &error);
  if (window_closed (self, error))
    return;
  if (account == NULL)
    {
      dg_login_page_set_busy (self->login_page, FALSE);
      dg_login_page_set_error (self->login_page, friendly_message (error));
      if (g_error_matches (error, DG_ACCOUNTS_ERROR, DG_ACCOUNTS_ERROR_INITIALIZED))
        dg_login_page_set_mode (self->login_page, DG_LOGIN_MODE_SIGN_IN);
      else
        dg_login_page_clear_password (self->login_page);
      return;
    }
  issue_session (self, account, remember);
}

void
dg_window_on_login_submitted (DgWindow *self, const char *username, const char *password,
                              gboolean remember)
{
  DgAccounts *accounts = dg_application_get_accounts (dg_window_get_app (self));
  LoginData *data;

  g_return_if_fail (accounts != NULL);

  data = g_new0 (LoginData, 1);
  data->window = g_object_ref (self);
  data->remember = remember;
  data->first_run = dg_login_page_get_mode (self->login_page) == DG_LOGIN_MODE_FIRST_RUN;
  dg_login_page_set_busy (self->login_page, TRUE);
  if (data->first_run)
    dg_accounts_create_first_admin_async (accounts, username, password, self->cancellable,
                                          on_account_ready, data);
  else
    dg_accounts_authenticate_async (accounts, username, password, self->cancellable,
                                    on_account_ready, data);
}

static void
on_first_run_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean first_run;

  first_run = dg_accounts_needs_first_admin_finish (DG_ACCOUNTS (source), result, &error);
  if (window_closed (self, error))
    return;
  dg_login_page_set_busy (self->login_page, FALSE);
  if (error != NULL)
    {
      dg_login_page_set_error (self->login_page, friendly_message (error));
      return;
    }
  dg_login_page_set_mode (self->login_page,
                          first_run ? DG_LOGIN_MODE_FIRST_RUN : DG_LOGIN_MODE_SIGN_IN);
  if (!first_run)
    {
      g_autofree char *username = g_settings_get_string (self->settings, "remembered-username");

      dg_login_page_set_username (self->login_page, username);
    }
}

static void
check_first_run (DgWindow *self)
{
  dg_login_page_set_busy (self->login_page, TRUE);
  dg_accounts_needs_first_admin_async (dg_application_get_accounts (dg_window_get_app (self)),
                                       self->cancellable, on_first_run_checked,
                                       g_object_ref (self));
}

static void
on_remembered_session_verified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DgSession) session = NULL;
  g_autofree char *token = g_settings_get_string (self->settings, "session-token");

  session = dg_sessions_verify_finish (DG_SESSIONS (source), result, &error);
  if (window_closed (self, error))
    return;
  if (session == NULL)
    {
      /* Expired, revoked (signed out elsewhere, role changed, account deleted) or from
       * another database: ask for the password again. */
      g_debug ("remembered session not usable: %s", error->message);
      forget_token (self);
      check_first_run (self);
      return;
    }
  signed_in (self, session, token);
}

static void
on_app_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  if (!dg_application_load_finish (DG_APPLICATION (source), result, &error))
    {
      if (window_closed (self, error))
        return;
      dg_login_page_set_busy (self->login_page, FALSE);
      dg_login_page_set_error (self->login_page, error->message);
      return;
    }

  if (window_closed (self, NULL))
    return;
  token = g_settings_get_string (self->settings, "session-token");
  if (*token == '\0')
    {
      check_first_run (self);
      return;
    }
  dg_sessions_verify_async (dg_application_get_sessions (DG_APPLICATION (source)), token,
                            dg_now_ms (), self->cancellable, on_remembered_session_verified,
                            g_object_ref (self));
}

void
dg_window_session_start (DgWindow *self)
{
  dg_login_page_set_busy (self->login_page, TRUE);
  dg_application_load_async (dg_window_get_app (self), self->cancellable, on_app_loaded,
                             g_object_ref (self));
}

static void
on_session_revoked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!dg_sessions_revoke_finish (DG_SESSIONS (source), result, &error))
    g_message ("Could not revoke the session: %s", error->message);
}

void
dg_window_session_clear (DgWindow *self)
{
  g_clear_pointer (&self->session, dg_session_free);
  g_clear_pointer (&self->session_token, g_free);
}

void
dg_window_session_sign_out (DgWindow *self)
{
  if (self->session == NULL)
    return;

  /* Not the window's cancellable: the revocation must happen even if the window closes. */
  dg_sessions_revoke_async (dg_application_get_sessions (dg_window_get_app (self)),
                            self->session->id, dg_now_ms (), NULL, on_session_revoked, NULL);
  forget_token (self);
  dg_window_jobs_signed_out (self);
  dg_window_session_clear (self);
  adw_window_title_set_subtitle (self->sidebar_title, NULL);
  dg_window_show_login (self);
  check_first_run (self);
}
