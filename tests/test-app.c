/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include "dg-app-harness.h"

/* Sanitizer builds run several times slower (Argon2id above all): give waits room. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW 8
#else
#define SLOW 1
#endif
#include "dg-job-editor.h"
#include "dg-job-view.h"
#include "dg-login-page.h"
#include "dg-preferences-window.h"
#include "dg-record-model.h"
#include "dg-schema-editor.h"
#include "dg-schema-field.h"

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

/* Login: first run creates the administrator (no default password), later runs sign in,
 * "remember me" keeps a session token (never the password) that the next start resumes. */

static void
login_first_run (DgAppHarness *h, gpointer data)
{
  DgLoginPage *page;
  GSettings *settings = dg_application_get_settings (h->app);
  g_autofree char *token = NULL;

  g_settings_reset (settings, "session-token");
  page = DG_LOGIN_PAGE (dg_app_harness_find (GTK_WIDGET (h->window), DG_TYPE_LOGIN_PAGE, NULL));
  DG_TEST_WAIT (!dg_login_page_get_busy (page), 20000 * SLOW);
  g_assert_cmpint (dg_login_page_get_mode (page), ==, DG_LOGIN_MODE_FIRST_RUN);
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (h->window)) == FALSE);

  dg_app_harness_login (h, "analyst.admin", "correct horse battery", FALSE);
  dg_app_harness_wait_page (h, "workspace");
  token = g_settings_get_string (settings, "session-token");
  g_assert_cmpstr (token, ==, "");

  /* Sign out: back to the login page, now in sign-in mode. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (h->window), "win.sign-out", NULL));
  g_assert_cmpstr (dg_window_get_page (h->window), ==, "login");
  DG_TEST_WAIT (!dg_login_page_get_busy (page), 20000 * SLOW);
  g_assert_cmpint (dg_login_page_get_mode (page), ==, DG_LOGIN_MODE_SIGN_IN);

  /* A wrong password says so and stays on the page. */
  dg_app_harness_login (h, "analyst.admin", "wrong password", FALSE);
  DG_TEST_WAIT (dg_login_page_get_error (page) != NULL, 20000 * SLOW);
  g_assert_cmpstr (dg_window_get_page (h->window), ==, "login");

  dg_app_harness_login (h, "Analyst.Admin", "correct horse battery", TRUE);
  dg_app_harness_wait_page (h, "workspace");
  g_clear_pointer (&token, g_free);
  token = g_settings_get_string (settings, "session-token");
  g_assert_cmpstr (token, !=, "");
  g_assert_null (strstr (token, "correct horse"));
}

static void
login_remembered (DgAppHarness *h, gpointer data)
{
  /* The token from the previous run signs in without the password. */
  dg_app_harness_wait_page (h, "workspace");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (h->window), "win.sign-out", NULL));
  {
    g_autofree char *token =
        g_settings_get_string (dg_application_get_settings (h->app), "session-token");

    g_assert_cmpstr (token, ==, "");
  }
}

static void
login_forgotten (DgAppHarness *h, gpointer data)
{
  DgLoginPage *page =
      DG_LOGIN_PAGE (dg_app_harness_find (GTK_WIDGET (h->window), DG_TYPE_LOGIN_PAGE, NULL));

  DG_TEST_WAIT (!dg_login_page_get_busy (page), 20000 * SLOW);
  g_assert_cmpstr (dg_window_get_page (h->window), ==, "login");
  g_assert_cmpint (dg_login_page_get_mode (page), ==, DG_LOGIN_MODE_SIGN_IN);
}

static void
test_login (void)
{
  g_autoptr (DgTestDir) dir = dg_test_dir_new ();

  dg_app_harness_run_in (dir->path, NULL, login_first_run, NULL);
  dg_app_harness_run_in (dir->path, NULL, login_remembered, NULL);
  /* Signing out revoked the remembered session. */
  dg_app_harness_run_in (dir->path, NULL, login_forgotten, NULL);
}

static void
window_adaptive (DgAppHarness *h, gpointer data)
{
  AdwLeaflet *leaflet =
      ADW_LEAFLET (dg_app_harness_find (GTK_WIDGET (h->window), ADW_TYPE_LEAFLET, NULL));

  dg_app_harness_login (h, "admin", "administrator", FALSE);
  dg_app_harness_wait_page (h, "workspace");
  dg_app_harness_resize (GTK_WINDOW (h->window), 1280, 800);
  g_assert_false (adw_leaflet_get_folded (leaflet));
  dg_app_harness_resize (GTK_WINDOW (h->window), 600, 800);
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (h->window), "win.search", NULL));
  dg_app_harness_resize (GTK_WINDOW (h->window), 1280, 800);
  g_assert_false (adw_leaflet_get_folded (leaflet));
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
  DG_TEST_WAIT (page == NULL, 5000 * SLOW);
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

/* Schema editor: the form and the JSON text stay in step, problems show inline. */

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_schema_editor (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *editor = dg_schema_editor_new ();
  DgSchemaEditor *ed = DG_SCHEMA_EDITOR (editor);
  g_autoptr (JsonNode) schema = parse_json (
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"Patient\","
      "\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":\"Full "
      "name\","
      "\"minLength\":2},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},"
      "\"required\":[\"name\"],\"additionalProperties\":false}");
  g_autoptr (JsonNode) out = NULL;
  g_autoptr (DgSchemaField) age = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GListModel *fields;

  g_object_add_weak_pointer (G_OBJECT (editor), (gpointer *) &editor);
  gtk_window_set_child (GTK_WINDOW (window), editor);
  gtk_window_present (GTK_WINDOW (window));

  dg_schema_editor_set_schema (ed, schema);
  g_assert_true (dg_schema_editor_get_valid (ed));
  fields = dg_schema_editor_get_fields (ed);
  g_assert_cmpuint (g_list_model_get_n_items (fields), ==, 2);
  age = g_list_model_get_item (fields, 1);
  g_assert_cmpstr (dg_schema_field_get_name (age), ==, "age");
  g_assert_cmpstr (dg_schema_field_get_field_type (age), ==, "integer");
  g_assert_false (dg_schema_field_get_required (age));
  g_assert_cmpstr (dg_schema_field_get_constraints (age), ==, "{\"minimum\":0,\"maximum\":120}");

  /* Editing a field in the form rewrites the JSON. */
  dg_schema_field_set_required (age, TRUE);
  dg_schema_field_set_description (age, "Age in years");
  dg_schema_editor_flush (ed);
  text = buffer_text (dg_schema_editor_get_json_buffer (ed));
  g_assert_nonnull (strstr (text, "\"Age in years\""));
  out = dg_schema_editor_dup_schema (ed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (out), "title"), ==,
                   "Patient");
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (json_node_get_object (out), "required")),
      ==, 2);
  g_clear_pointer (&out, json_node_unref);

  /* Bad constraints are reported with the field's name and block confirming. */
  dg_schema_field_set_constraints (age, "{\"minimum\": ");
  dg_schema_editor_flush (ed);
  g_assert_false (dg_schema_editor_get_valid (ed));
  g_assert_nonnull (strstr (dg_schema_editor_get_issues (ed), "age"));
  out = dg_schema_editor_dup_schema (ed, &error);
  g_assert_error (error, DG_SCHEMA_FIELD_ERROR, DG_SCHEMA_FIELD_ERROR_INVALID);
  g_assert_null (out);
  g_clear_error (&error);
  dg_schema_field_set_constraints (age, "{\"minimum\": 18}");
  dg_schema_editor_flush (ed);
  g_assert_true (dg_schema_editor_get_valid (ed));

  /* The meta-schema check catches a keyword of the wrong kind. */
  dg_schema_field_set_constraints (age, "{\"minimum\": \"eighteen\"}");
  dg_schema_editor_flush (ed);
  g_assert_false (dg_schema_editor_get_valid (ed));
  g_assert_nonnull (strstr (dg_schema_editor_get_issues (ed), "/properties/age/minimum"));
  dg_schema_field_set_constraints (age, "");
  dg_schema_editor_flush (ed);
  g_assert_true (dg_schema_editor_get_valid (ed));

  /* Editing the JSON rebuilds the form; broken JSON keeps the form and says why. */
  gtk_text_buffer_set_text (dg_schema_editor_get_json_buffer (ed), "{\"type\": \"object\", ", -1);
  dg_schema_editor_flush (ed);
  g_assert_false (dg_schema_editor_get_valid (ed));
  g_assert_cmpuint (g_list_model_get_n_items (fields), ==, 2);
  gtk_text_buffer_set_text (dg_schema_editor_get_json_buffer (ed),
                            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                            "\"required\":[\"city\"]}",
                            -1);
  dg_schema_editor_flush (ed);
  g_assert_true (dg_schema_editor_get_valid (ed));
  g_assert_cmpuint (g_list_model_get_n_items (fields), ==, 1);

  /* Adding fields in the form; names must be unique. */
  dg_schema_editor_add_field (ed);
  g_assert_cmpuint (g_list_model_get_n_items (fields), ==, 2);
  {
    g_autoptr (DgSchemaField) added = g_list_model_get_item (fields, 1);

    g_assert_cmpstr (dg_schema_field_get_name (added), ==, "field_2");
    dg_schema_field_set_name (added, "city");
    dg_schema_editor_flush (ed);
    g_assert_false (dg_schema_editor_get_valid (ed));
    dg_schema_field_set_name (added, "zip");
    dg_schema_editor_flush (ed);
    g_assert_true (dg_schema_editor_get_valid (ed));
  }
  out = dg_schema_editor_dup_schema (ed, &error);
  g_assert_no_error (error);
  g_assert_true (
      json_object_get_boolean_member (json_node_get_object (out), "additionalProperties") == FALSE);
  g_assert_true (json_object_has_member (
      json_object_get_object_member (json_node_get_object (out), "properties"), "zip"));

  gtk_window_destroy (GTK_WINDOW (window));
  DG_TEST_WAIT (editor == NULL, 5000 * SLOW);
}

/* The whole path of a job: draft with the offline backend, edit a field, confirm, watch it
 * finish, preview its records, export them; then the preferences. */

static GtkWidget *
find_named (GtkWidget *root, const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_strcmp0 (gtk_widget_get_name (child), name) == 0)
        return child;
      if ((found = find_named (child, name)) != NULL)
        return found;
    }
  return NULL;
}

/* Lines of a complete export file, -1 while it is not there (it is renamed into place). */
static int
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  lines = g_strsplit (g_strstrip (contents), "\n", -1);
  return (int) g_strv_length (lines);
}

static gboolean
strv_has (GStrv strv, const char *value)
{
  return strv != NULL && g_strv_contains ((const char *const *) strv, value);
}

static gboolean
usernames_have (DgPreferencesWindow *prefs, const char *username)
{
  g_auto (GStrv) names = dg_preferences_window_dup_usernames (prefs);

  return !dg_preferences_window_get_busy (prefs) && strv_has (names, username);
}

static void
job_flow (DgAppHarness *h, gpointer data)
{
  GtkWidget *window = GTK_WIDGET (h->window);
  DgJobEditor *editor;
  DgJobView *view;
  DgSchemaEditor *schema_editor;
  DgRecordModel *records;
  GListModel *fields;
  g_autoptr (DgSchemaField) field = NULL;
  g_autoptr (DgTestDir) out_dir = dg_test_dir_new ();
  g_autofree char *out_path = g_build_filename (out_dir->path, "records.jsonl", NULL);
  g_autoptr (GFile) out_file = g_file_new_for_path (out_path);
  g_autoptr (DgRecordItem) first = NULL;
  const char *job_id;

  dg_app_harness_login (h, "admin", "administrator", FALSE);
  dg_app_harness_wait_page (h, "workspace");

  /* Ctrl+N's action opens an empty editor with the default record count. */
  g_settings_set_int (dg_application_get_settings (h->app), "default-records", 25);
  g_assert_true (gtk_widget_activate_action (window, "win.new-job", NULL));
  editor = DG_JOB_EDITOR (dg_app_harness_find_id (window, "job_editor"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  g_assert_cmpint (dg_job_editor_get_records (editor), ==, 25);
  /* The workstation's owner is not held to the shared server's 200 records per job. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (
                         dg_app_harness_find_id (GTK_WIDGET (editor), "records_spin")))),
                     ==, DG_CONFIG_OWNER_MAX_RECORDS);
  g_assert_nonnull (dg_job_editor_get_problem (editor));

  gtk_editable_set_text (GTK_EDITABLE (dg_app_harness_find_id (GTK_WIDGET (editor), "title_row")),
                         "Support tickets");
  gtk_editable_set_text (
      GTK_EDITABLE (dg_app_harness_find_id (GTK_WIDGET (editor), "description_row")),
      "Customer support tickets of a software company");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                                dg_app_harness_find_id (GTK_WIDGET (editor), "instructions_view"))),
                            "Short subjects, realistic priorities, English.", -1);
  g_assert_null (dg_job_editor_get_problem (editor));

  /* Draft with the offline backend (no model configured here). */
  g_assert_cmpstr (dg_job_editor_get_profile_id (editor), ==, "offline");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.draft", NULL));
  DG_TEST_WAIT (dg_job_editor_has_schema (editor) && !dg_job_editor_get_drafting (editor),
                30000 * SLOW);
  schema_editor = DG_SCHEMA_EDITOR (dg_job_editor_get_schema_editor (editor));
  g_assert_true (dg_schema_editor_get_valid (schema_editor));
  fields = dg_schema_editor_get_fields (schema_editor);
  g_assert_cmpuint (g_list_model_get_n_items (fields), >, 0);

  /* Edit a field in the form. */
  field = g_list_model_get_item (fields, 0);
  dg_schema_field_set_description (field, "Edited in the desktop app");
  dg_schema_editor_flush (schema_editor);
  g_assert_true (dg_schema_editor_get_valid (schema_editor));

  /* Confirm: the job page opens and the job runs to the end. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.confirm", NULL));
  view = DG_JOB_VIEW (dg_app_harness_find_id (window, "job_view"));
  DG_TEST_WAIT (dg_job_view_get_job (view) != NULL, 30000 * SLOW);
  job_id = dg_job_view_get_job_id (view);
  g_assert_nonnull (job_id);
  DG_TEST_WAIT (dg_job_view_get_job (view)->status == DG_JOB_STATUS_SUCCEEDED, 60000 * SLOW);
  g_assert_cmpint (dg_job_view_get_job (view)->total_ok, ==, 25);
  {
    JsonNode *schema = dg_job_get_schema (dg_job_view_get_job (view));
    g_autofree char *text = json_to_string (schema, FALSE);

    g_assert_nonnull (strstr (text, "Edited in the desktop app"));
  }

  /* The job list shows it too. */
  DG_TEST_WAIT (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (
                    GTK_LIST_VIEW (dg_app_harness_find_id (window, "jobs_view"))))) == 1,
                10000 * SLOW);

  /* Search and filter (Ctrl+F's action opens the search bar). */
  {
    GtkStack *jobs_stack = GTK_STACK (dg_app_harness_find_id (window, "jobs_stack"));
    GtkEditable *search = GTK_EDITABLE (dg_app_harness_find_id (window, "search_entry"));
    GtkDropDown *filter = GTK_DROP_DOWN (dg_app_harness_find_id (window, "filter_dropdown"));

    g_assert_true (gtk_widget_activate_action (window, "win.search", NULL));
    g_assert_true (gtk_search_bar_get_search_mode (
        GTK_SEARCH_BAR (dg_app_harness_find_id (window, "search_bar"))));
    gtk_editable_set_text (search, "no such job");
    DG_TEST_WAIT (g_strcmp0 (gtk_stack_get_visible_child_name (jobs_stack), "no-match") == 0,
                  5000 * SLOW);
    gtk_editable_set_text (search, "support");
    DG_TEST_WAIT (g_strcmp0 (gtk_stack_get_visible_child_name (jobs_stack), "list") == 0,
                  5000 * SLOW);
    gtk_drop_down_set_selected (filter, 1); /* active: the job is finished */
    g_assert_cmpstr (gtk_stack_get_visible_child_name (jobs_stack), ==, "no-match");
    gtk_drop_down_set_selected (filter, 2); /* finished */
    g_assert_cmpstr (gtk_stack_get_visible_child_name (jobs_stack), ==, "list");
    gtk_drop_down_set_selected (filter, 0);
    gtk_editable_set_text (search, "");
  }

  /* Record preview: a row per record, read page by page. */
  records = dg_job_view_get_records (view);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (records)), ==, 25);
  first = g_list_model_get_item (G_LIST_MODEL (records), 0);
  DG_TEST_WAIT (dg_record_item_get_state (first) == DG_RECORD_STATE_OK, 10000 * SLOW);

  /* Export as JSON Lines (the format from the extension); the file chooser of win.export
   * calls the same function. */
  dg_window_export_to_file (h->window, out_file, NULL);
  DG_TEST_WAIT (count_lines (out_path) == 25, 30000 * SLOW);
  {
    g_autofree char *format =
        g_settings_get_string (dg_application_get_settings (h->app), "export-format");

    g_assert_cmpstr (format, ==, "jsonl");
  }
}

static gboolean
profiles_have (DgPreferencesWindow *prefs, const char *name)
{
  DgProfilesGroup *group = dg_preferences_window_get_profiles_group (prefs);
  g_auto (GStrv) names = dg_profiles_group_dup_names (group);

  return !dg_profiles_group_get_busy (group) && strv_has (names, name);
}

/* The visible model-server editor (other message dialogs may still be open). */
static AdwMessageDialog *
find_profile_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          g_object_get_data (G_OBJECT (window), "api-key") != NULL)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* No label or entry under @widget shows @secret. */
static void
assert_not_shown (GtkWidget *widget, const char *secret)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_label (GTK_LABEL (widget));
  else if (GTK_IS_EDITABLE (widget))
    text = gtk_editable_get_text (GTK_EDITABLE (widget));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  g_assert_true (text == NULL || strstr (text, secret) == NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    assert_not_shown (c, secret);
}

/* Model servers: add one with a key, see it listed, reopen, still there, the key never shown. */
static void
profiles_round_trip (DgAppHarness *h, DgPreferencesWindow *prefs)
{
  const char *secret = "sk-app-test-4242-secret";
  DgProfilesGroup *group = dg_preferences_window_get_profiles_group (prefs);
  AdwMessageDialog *dialog;
  const char *id;
  g_autofree char *saved_id = NULL;
  DgJobEditor *editor;

  g_object_add_weak_pointer (G_OBJECT (prefs), (gpointer *) &prefs);
  g_assert_nonnull (group);
  DG_TEST_WAIT (!dg_profiles_group_get_busy (group), 20000 * SLOW);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "profiles.add", NULL));
  dialog = find_profile_dialog ();
  g_assert_nonnull (dialog);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "name"), "Local llama");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "base-url"),
                         "http://127.0.0.1:8080/v1");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "model"), "llama-3");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "api-key"), secret);
  adw_message_dialog_response (dialog, "save");
  g_assert_cmpstr (gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "api-key")), ==,
                   "");
  gtk_window_destroy (GTK_WINDOW (dialog));
  DG_TEST_WAIT (profiles_have (prefs, "Local llama"), 20000 * SLOW);
  assert_not_shown (GTK_WIDGET (prefs), secret);

  gtk_window_destroy (GTK_WINDOW (prefs));
  DG_TEST_WAIT (prefs == NULL, 5000 * SLOW);

  /* Reopened: read back from the store; editing shows the key as saved, never its text. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (h->window), "win.preferences", NULL));
  prefs = DG_PREFERENCES_WINDOW (dg_app_harness_find_toplevel (DG_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (prefs);
  g_object_add_weak_pointer (G_OBJECT (prefs), (gpointer *) &prefs);
  DG_TEST_WAIT (profiles_have (prefs, "Local llama"), 20000 * SLOW);
  group = dg_preferences_window_get_profiles_group (prefs);
  id = dg_profiles_group_find_id (group, "Local llama");
  g_assert_nonnull (id);
  saved_id = g_strdup (id);
  /* The row says where the key is kept (the UI tests run with DATAGEMS_KEYRING=off). */
  g_assert_nonnull (find_named (GTK_WIDGET (group), id));
  g_assert_nonnull (
      strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_named (GTK_WIDGET (group), id))),
              "API key encrypted in the DataGems database"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "profiles.edit", "s", id));
  dialog = find_profile_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "api-key")), ==,
                   "");
  g_assert_nonnull (strstr (
      adw_preferences_row_get_title (g_object_get_data (G_OBJECT (dialog), "api-key")), "saved"));
  g_assert_cmpstr (gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "base-url")), ==,
                   "http://127.0.0.1:8080/v1");
  assert_not_shown (GTK_WIDGET (dialog), secret);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (prefs));
  DG_TEST_WAIT (prefs == NULL, 5000 * SLOW);

  /* The new-job page offers the user's profile first: it is the one in use. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (h->window), "win.new-job", NULL));
  editor = DG_JOB_EDITOR (dg_app_harness_find_id (GTK_WIDGET (h->window), "job_editor"));
  DG_TEST_WAIT (g_strcmp0 (dg_job_editor_get_profile_id (editor), saved_id) == 0, 20000 * SLOW);
}

static void
preferences_flow (DgAppHarness *h, gpointer data)
{
  GtkWidget *window = GTK_WIDGET (h->window);
  DgPreferencesWindow *prefs;
  AdwMessageDialog *dialog;
  GtkWidget *password_label;

  dg_app_harness_login (h, "admin", "administrator", FALSE);
  dg_app_harness_wait_page (h, "workspace");

  g_assert_true (gtk_widget_activate_action (window, "win.preferences", NULL));
  prefs = DG_PREFERENCES_WINDOW (dg_app_harness_find_toplevel (DG_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (prefs);
  g_object_add_weak_pointer (G_OBJECT (prefs), (gpointer *) &prefs);
  DG_TEST_WAIT (usernames_have (prefs, "admin"), 20000 * SLOW);

  /* GSettings round trip through the widgets. */
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (dg_app_harness_find_id (GTK_WIDGET (prefs), "records_spin")), 42);
  g_assert_cmpint (g_settings_get_int (dg_application_get_settings (h->app), "default-records"), ==,
                   42);
  /* The concurrency preference is the engine's live budget, not only new jobs' default. */
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (dg_app_harness_find_id (GTK_WIDGET (prefs), "concurrency_spin")), 24);
  g_assert_cmpuint (
      dg_inference_get_concurrency (dg_engine_get_inference (dg_application_get_engine (h->app))),
      ==, 24);
  gtk_switch_set_active (GTK_SWITCH (dg_app_harness_find_id (GTK_WIDGET (prefs), "notify_switch")),
                         FALSE);
  g_assert_false (
      g_settings_get_boolean (dg_application_get_settings (h->app), "notify-on-finish"));
  g_settings_reset (dg_application_get_settings (h->app), "notify-on-finish");

  /* Self-registration: the default from the configuration, then stored in the database. */
  {
    GtkSwitch *registration =
        GTK_SWITCH (dg_app_harness_find_id (GTK_WIDGET (prefs), "registration_switch"));

    g_assert_true (gtk_switch_get_active (registration));
    gtk_switch_set_active (registration, FALSE);
    DG_TEST_WAIT (!dg_preferences_window_get_busy (prefs), 20000 * SLOW);
    g_assert_false (gtk_switch_get_active (registration));
  }

  /* Create an account through the dialog. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "accounts.add", NULL));
  dialog = ADW_MESSAGE_DIALOG (dg_app_harness_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "username"), "bob");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "password"), "bob password 1");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "add"));
  adw_message_dialog_response (dialog, "add");
  gtk_window_destroy (GTK_WINDOW (dialog));
  DG_TEST_WAIT (usernames_have (prefs, "bob"), 20000 * SLOW);

  /* Make bob an administrator, reset his password, then delete him. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (prefs), "accounts.set-role", "(ss)", "bob", "admin"));
  DG_TEST_WAIT (!dg_preferences_window_get_busy (prefs), 20000 * SLOW);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (prefs), "accounts.reset-password", "s", "bob"));
  DG_TEST_WAIT (!dg_preferences_window_get_busy (prefs) &&
                    dg_app_harness_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL,
                20000);
  dialog = ADW_MESSAGE_DIALOG (dg_app_harness_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  password_label = adw_message_dialog_get_extra_child (dialog);
  g_assert_cmpuint (strlen (gtk_label_get_label (GTK_LABEL (password_label))), >=, 8);
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "accounts.delete", "s", "bob"));
  dialog = ADW_MESSAGE_DIALOG (dg_app_harness_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "delete");
  DG_TEST_WAIT (!dg_preferences_window_get_busy (prefs) && !usernames_have (prefs, "bob"),
                20000 * SLOW);

  profiles_round_trip (h, prefs);
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
  g_test_add_data_func ("/app/window/adaptive", window_adaptive, run_app);
  g_test_add_func ("/app/login/first-run-and-remember", test_login);
  g_test_add_data_func ("/app/jobs/draft-confirm-finish-export", job_flow, run_app);
  g_test_add_data_func ("/app/preferences/round-trip", preferences_flow, run_app);
  g_test_add_func ("/app/window/state", test_window_state);
  g_test_add_func ("/app/login-page/first-run", test_login_page_first_run);
  g_test_add_func ("/app/login-page/short-password", test_login_page_short_password);
  g_test_add_func ("/app/schema-editor/round-trip", test_schema_editor);
  return g_test_run ();
}
