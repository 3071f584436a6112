/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <glib/gstdio.h>

#include "dg-app-harness.h"
#include "dg-job-item.h"
#include "dg-job-runner.h"
#include "dg-job-view.h"
#include "dg-model-standin.h"
#include "dg-notify-standin.h"
#include "dg-preferences-window.h"
#include "dg-test-jobs.h"

/* Sanitizer builds run several times slower (Argon2id above all): give waits room. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW 8
#else
#define SLOW 1
#endif

/*
 * The job page's controls on jobs that run against the model stand-in (real HTTP on
 * loopback), the desktop notification when a job ends unseen, the keyboard shortcuts as
 * real key presses, and the export file chooser itself.
 */

#define OWNER "admin"

static const char people_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
    "\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1},"
    "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},"
    "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";

typedef struct
{
  DgModelStandin *model;
  DgNotifyStandin *notify;
} Fixture;

/* ---- helpers ---- */

static GtkWidget *
find (GtkWidget *root, const char *id)
{
  GtkWidget *widget = dg_app_harness_find (root, GTK_TYPE_WIDGET, id);

  g_assert_nonnull (widget);
  return widget;
}

static DgEngine *
engine_of (DgAppHarness *h)
{
  return dg_application_get_engine (h->app);
}

/* A job of @total people records for OWNER, one request at a time, made as the new-job
 * page does (draft from a schema, confirm). */
static char *
create_job (DgAppHarness *h, const char *title, gint64 total, guint max_attempts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) schema = json_from_string (people_schema, &error);
  g_autoptr (DgDraft) draft = NULL;
  DgDraftRequest request = { 0 };
  DgConfirmRequest confirm = { 0 };
  char *id;

  g_assert_no_error (error);
  request.title = title;
  request.total_records = total;
  request.description = "People in a customer database";
  request.instructions = "Realistic adult names and ages";
  draft = dg_engine_draft_from_schema (engine_of (h), OWNER, &request, schema, &error);
  g_assert_no_error (error);
  confirm.token = draft->token;
  confirm.concurrency = 1;
  confirm.max_attempts = max_attempts;
  id = dg_engine_confirm (engine_of (h), OWNER, &confirm, NULL, NULL, &error);
  g_assert_no_error (error);
  return id;
}

static DgJob *
store_job (DgAppHarness *h, const char *id)
{
  g_autoptr (GError) error = NULL;
  DgJob *job = dg_engine_get_job (engine_of (h), OWNER, id, &error);

  g_assert_no_error (error);
  return job;
}

static DgJobStatus
store_status (DgAppHarness *h, const char *id)
{
  g_autoptr (DgJob) job = store_job (h, id);

  return job->status;
}

static DgJobStatus
engine_status (DgAppHarness *h, const char *id)
{
  g_autoptr (DgJobProgress) progress = dg_engine_get_progress (engine_of (h), id);

  return progress != NULL ? progress->status : DG_JOB_STATUS_QUEUED;
}

static gboolean
job_running (DgAppHarness *h, const char *id)
{
  return dg_job_runner_is_running (dg_engine_get_runner (engine_of (h)), id);
}

/* The row of @id in the window's (filtered) job list, or -1. */
static int
list_position (DgAppHarness *h, const char *id)
{
  GListModel *model = G_LIST_MODEL (
      gtk_list_view_get_model (GTK_LIST_VIEW (find (GTK_WIDGET (h->window), "jobs_view"))));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (DgJobItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (dg_job_item_get_id (item), id) == 0)
        return (int) i;
    }
  return -1;
}

/* The job list shows @id as @status: the window has seen the change. */
static gboolean
listed_as (DgAppHarness *h, const char *id, DgJobStatus status)
{
  GListModel *model = G_LIST_MODEL (
      gtk_list_view_get_model (GTK_LIST_VIEW (find (GTK_WIDGET (h->window), "jobs_view"))));
  int position = list_position (h, id);
  g_autoptr (DgJobItem) item = position >= 0 ? g_list_model_get_item (model, position) : NULL;

  return item != NULL && dg_job_item_get_status (item) == status;
}

static DgJobView *
job_view (DgAppHarness *h)
{
  return DG_JOB_VIEW (find (GTK_WIDGET (h->window), "job_view"));
}

/* Opens @id by activating its row in the job list, as a click would. */
static void
open_from_list (DgAppHarness *h, const char *id)
{
  GtkWidget *list = find (GTK_WIDGET (h->window), "jobs_view");

  DG_TEST_WAIT (list_position (h, id) >= 0, 10000 * SLOW);
  g_assert_true (
      gtk_widget_activate_action (list, "list.activate-item", "u", (guint) list_position (h, id)));
  DG_TEST_WAIT (g_strcmp0 (dg_job_view_get_job_id (job_view (h)), id) == 0, 10000 * SLOW);
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (GTK_STACK (find (GTK_WIDGET (h->window), "content_stack"))),
      ==, "job");
}

static const char *
view_label (DgAppHarness *h, const char *id)
{
  return gtk_label_get_label (GTK_LABEL (find (GTK_WIDGET (job_view (h)), id)));
}

/* Shown and clickable (its action enabled). */
static gboolean
button_usable (DgAppHarness *h, const char *id)
{
  GtkWidget *button = find (GTK_WIDGET (job_view (h)), id);

  return gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button);
}

/* Activates the button as the keyboard does (GtkButton emits ::clicked a moment later). */
static void
click (DgAppHarness *h, const char *id)
{
  GtkWidget *button = find (GTK_WIDGET (job_view (h)), id);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
}

/* The header shows @status and the store's counts; the buttons are those of @status. */
static void
assert_header (DgAppHarness *h, const char *id, DgJobStatus status)
{
  g_autoptr (DgJob) job = NULL;
  g_autofree char *summary = NULL;
  GtkWidget *status_label = find (GTK_WIDGET (job_view (h)), "status_label");

  /* The buttons stay insensitive until the engine has answered the click. */
  DG_TEST_WAIT (g_strcmp0 (view_label (h, "status_label"), dg_job_status_get_label (status)) == 0 &&
                    !dg_job_view_get_busy (job_view (h)),
                20000 * SLOW);
  g_assert_true (gtk_widget_has_css_class (status_label, dg_job_status_to_string (status)));
  job = store_job (h, id);
  g_assert_cmpint (job->status, ==, status);
  if (dg_job_status_is_final (status) || status == DG_JOB_STATUS_PAUSED)
    {
      /* Nothing moves any more: the page shows exactly what is stored. */
      summary =
          g_strdup_printf ("%lld of %lld records", (long long) (job->total_ok + job->total_failed),
                           (long long) job->total_records);
      if (job->total_failed > 0)
        {
          char *with_failed =
              g_strdup_printf ("%s · %lld failed", summary, (long long) job->total_failed);

          g_free (summary);
          summary = with_failed;
        }
      DG_TEST_WAIT (g_strcmp0 (view_label (h, "summary_label"), summary) == 0, 10000 * SLOW);
    }
  g_assert_cmpint (button_usable (h, "pause_button"), ==,
                   status == DG_JOB_STATUS_RUNNING || status == DG_JOB_STATUS_QUEUED);
  g_assert_cmpint (button_usable (h, "resume_button"), ==, status == DG_JOB_STATUS_PAUSED);
  g_assert_cmpint (button_usable (h, "cancel_button"), ==, !dg_job_status_is_final (status));
  g_assert_cmpint (button_usable (h, "retry_button"), ==,
                   dg_job_status_is_final (status) && job->total_failed > 0);
  g_assert_true (button_usable (h, "delete_button"));

  /* The list row follows. */
  g_assert_true (listed_as (h, id, status));
}

static void
wait_model_idle (DgAppHarness *h, Fixture *f)
{
  DG_TEST_WAIT (({
                  DgStandinStats stats;

                  dg_model_standin_get_stats (f->model, &stats);
                  stats.in_flight == 0;
                }),
                10000 * SLOW);
}

static guint
model_arrivals (Fixture *f)
{
  DgStandinStats stats;

  dg_model_standin_get_stats (f->model, &stats);
  return stats.total;
}

/* The label or button text under @root that equals @text, or NULL. */
static GtkWidget *
find_text (GtkWidget *root, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if ((GTK_IS_LABEL (child) && gtk_widget_get_visible (child) &&
           g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0) ||
          (GTK_IS_BUTTON (child) &&
           g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), text) == 0))
        return child;
      if ((found = find_text (child, text)) != NULL)
        return found;
    }
  return NULL;
}

static void
sign_in (DgAppHarness *h)
{
  dg_app_harness_login (h, OWNER, "administrator", FALSE);
  dg_app_harness_wait_page (h, "workspace");
  dg_app_harness_focus (GTK_WINDOW (h->window));
}

/* ---- job controls ---- */

/* Pause, resume and cancel a long job; delete it through its confirmation dialog. */
static void
pause_resume_cancel_delete (DgAppHarness *h, Fixture *f)
{
  g_autofree char *id = NULL;
  g_autofree char *sql = NULL;
  g_autoptr (DgJob) paused = NULL;
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;
  gint64 done;

  /* 60 records, one at a time, 400 ms each: it runs far longer than this test acts. */
  dg_model_standin_set_latency_ms (f->model, 400);
  id = create_job (h, "Long job", 60, 0);
  open_from_list (h, id);
  DG_TEST_WAIT (engine_status (h, id) == DG_JOB_STATUS_RUNNING, 10000 * SLOW);
  assert_header (h, id, DG_JOB_STATUS_RUNNING);
  DG_TEST_WAIT (model_arrivals (f) > 0, 10000 * SLOW);

  click (h, "pause_button");
  DG_TEST_WAIT (engine_status (h, id) == DG_JOB_STATUS_PAUSED && !job_running (h, id),
                10000 * SLOW);
  assert_header (h, id, DG_JOB_STATUS_PAUSED);
  paused = store_job (h, id);
  g_assert_cmpint (paused->total_ok, <, 60);
  wait_model_idle (h, f);

  click (h, "resume_button");
  DG_TEST_WAIT (engine_status (h, id) == DG_JOB_STATUS_RUNNING, 10000 * SLOW);
  assert_header (h, id, DG_JOB_STATUS_RUNNING);
  /* It really goes on: more records are stored than when it was paused. */
  DG_TEST_WAIT (({
                  g_autoptr (DgJob) j = store_job (h, id);
                  j->total_ok > paused->total_ok;
                }),
                20000 * SLOW);

  /* Shown among the active jobs while it runs; the filter drops it when it ends (the list
   * refilters on status changes, not on every progress report). */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (GTK_WIDGET (h->window), "filter_dropdown")), 1);
  g_assert_cmpint (list_position (h, id), >=, 0);

  click (h, "cancel_button");
  DG_TEST_WAIT (engine_status (h, id) == DG_JOB_STATUS_CANCELLED && !job_running (h, id),
                10000 * SLOW);
  DG_TEST_WAIT (list_position (h, id) < 0, 10000 * SLOW);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (GTK_WIDGET (h->window), "filter_dropdown")), 0);
  DG_TEST_WAIT (list_position (h, id) >= 0, 10000 * SLOW);
  assert_header (h, id, DG_JOB_STATUS_CANCELLED);
  {
    g_autoptr (DgJob) cancelled = store_job (h, id);

    done = cancelled->total_ok;
    g_assert_cmpint (done, <, 60);
    g_assert_nonnull (cancelled->finished_at);
  }
  /* Cancelled is final: the engine refuses to resume it too. */
  g_assert_false (dg_engine_control (engine_of (h), OWNER, id, DG_JOB_ACTION_RESUME, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_STATE);
  wait_model_idle (h, f);

  /* Delete asks first; the job, its records and its page go. */
  click (h, "delete_button");
  DG_TEST_WAIT (dg_app_harness_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL, 5000 * SLOW);
  dialog = ADW_MESSAGE_DIALOG (dg_app_harness_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "Long job"));
  g_assert_true (gtk_widget_activate (find_text (GTK_WIDGET (dialog), "_Delete")));
  DG_TEST_WAIT (list_position (h, id) < 0, 10000 * SLOW);
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (GTK_STACK (find (GTK_WIDGET (h->window), "content_stack"))),
      ==, "empty");
  g_clear_error (&error);
  g_assert_null (dg_engine_get_job (engine_of (h), OWNER, id, &error));
  g_assert_error (error, DG_ENGINE_ERROR, DG_ENGINE_ERROR_NOT_FOUND);
  sql = g_strdup_printf ("SELECT count(*) FROM records WHERE job_id = '%s'", id);
  g_assert_cmpint (dg_test_jobs_query_int (dg_application_get_config (h->app)->database_path, sql),
                   ==, 0);
  g_assert_null (dg_app_harness_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  /* Without a window manager nobody hands the focus back after a dialog closes. */
  dg_app_harness_focus (GTK_WINDOW (h->window));
}

/* Two records fail for good (one attempt each); "Retry Failed" makes them again. */
static void
retry_failed (DgAppHarness *h, Fixture *f)
{
  g_autofree char *id = NULL;
  g_autoptr (DgJob) job = NULL;
  GtkWidget *errors_group;
  guint next;
  DgStandinStats stats;

  dg_model_standin_set_latency_ms (f->model, 5);
  wait_model_idle (h, f);
  next = model_arrivals (f);
  dg_model_standin_set_fault_at (f->model, next + 1, DG_STANDIN_FAULT_INVALID_RECORD);
  dg_model_standin_set_fault_at (f->model, next + 3, DG_STANDIN_FAULT_NOT_JSON);
  id = create_job (h, "Flaky job", 6, 1);
  open_from_list (h, id);
  DG_TEST_WAIT (engine_status (h, id) == DG_JOB_STATUS_SUCCEEDED && !job_running (h, id),
                20000 * SLOW);
  assert_header (h, id, DG_JOB_STATUS_SUCCEEDED);
  job = store_job (h, id);
  g_assert_cmpint (job->total_ok, ==, 4);
  g_assert_cmpint (job->total_failed, ==, 2);
  g_assert_cmpstr (view_label (h, "summary_label"), ==, "6 of 6 records · 2 failed");
  /* The page lists why each record failed. */
  errors_group = find (GTK_WIDGET (job_view (h)), "errors_group");
  DG_TEST_WAIT (gtk_widget_get_visible (errors_group), 10000 * SLOW);
  g_assert_nonnull (find_text (errors_group, "Record 1"));
  g_assert_nonnull (find_text (errors_group, "Record 3"));
  dg_model_standin_get_stats (f->model, &stats);
  g_assert_cmpuint (stats.faults[DG_STANDIN_FAULT_INVALID_RECORD], ==, 1);
  g_assert_cmpuint (stats.faults[DG_STANDIN_FAULT_NOT_JSON], ==, 1);

  click (h, "retry_button");
  DG_TEST_WAIT (({
                  g_autoptr (DgJob) j = store_job (h, id);
                  j->status == DG_JOB_STATUS_SUCCEEDED && j->total_ok == 6 && !job_running (h, id);
                }),
                20000 * SLOW);
  assert_header (h, id, DG_JOB_STATUS_SUCCEEDED);
  g_assert_cmpstr (view_label (h, "summary_label"), ==, "6 of 6 records");
  g_assert_false (button_usable (h, "retry_button"));
  DG_TEST_WAIT (!gtk_widget_get_visible (errors_group), 10000 * SLOW);
  /* Only the two failed records were asked again. */
  dg_model_standin_get_stats (f->model, &stats);
  g_assert_cmpuint (stats.total, ==, next + 8);
}

/* ---- the finish notification ---- */

static void
on_ping (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply =
      g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Returns once the notification server has every call the application made so far: D-Bus
 * keeps the order of one connection's messages, so an answer to a later call means that. */
static void
notify_barrier (DgAppHarness *h)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (h->app));
  gboolean answered = FALSE;

  g_assert_nonnull (bus);
  g_dbus_connection_call (bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                          "org.freedesktop.Notifications", "GetServerInformation", NULL,
                          G_VARIANT_TYPE ("(ssss)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_ping,
                          &answered);
  DG_TEST_WAIT (answered, 10000 * SLOW);
}

static void
notification_when_unfocused (DgAppHarness *h, Fixture *f)
{
  GtkWidget *other = gtk_window_new ();
  GSettings *settings = dg_application_get_settings (h->app);
  g_autofree char *id = NULL;
  g_autofree char *quiet_id = NULL;
  const DgNotifyCall *call;

  /* Every job above ended with the window focused: no notification. */
  notify_barrier (h);
  g_assert_cmpuint (dg_notify_standin_get_n_calls (f->notify), ==, 0);

  /* Another window takes the focus, as when the user switches to another application. */
  g_object_add_weak_pointer (G_OBJECT (other), (gpointer *) &other);
  dg_app_harness_focus (GTK_WINDOW (other));
  DG_TEST_WAIT (!gtk_window_is_active (GTK_WINDOW (h->window)), 5000 * SLOW);

  dg_model_standin_set_latency_ms (f->model, 50);
  id = create_job (h, "Unseen job", 3, 0);
  DG_TEST_WAIT (dg_notify_standin_get_n_calls (f->notify) == 1, 20000 * SLOW);
  call = dg_notify_standin_get_call (f->notify, 0);
  g_assert_cmpstr (call->summary, ==, "Job Finished");
  g_assert_cmpstr (call->body, ==, "Unseen job\n3 of 3 records");
  g_assert_true (g_strv_contains ((const char *const *) call->actions, "default"));
  g_assert_cmpint (store_status (h, id), ==, DG_JOB_STATUS_SUCCEEDED);

  /* Switched off in the preferences: nothing, even unfocused. */
  g_settings_set_boolean (settings, "notify-on-finish", FALSE);
  quiet_id = create_job (h, "Quiet job", 2, 0);
  DG_TEST_WAIT (listed_as (h, quiet_id, DG_JOB_STATUS_SUCCEEDED), 20000 * SLOW);
  notify_barrier (h);
  g_assert_cmpuint (dg_notify_standin_get_n_calls (f->notify), ==, 1);
  g_settings_reset (settings, "notify-on-finish");

  /* Clicking it brings the window back with that job open. */
  dg_notify_standin_invoke (f->notify, call->id, "default");
  DG_TEST_WAIT (g_strcmp0 (dg_job_view_get_job_id (job_view (h)), id) == 0, 10000 * SLOW);
  DG_TEST_WAIT (gtk_window_is_active (GTK_WINDOW (h->window)), 5000 * SLOW);

  gtk_window_destroy (GTK_WINDOW (other));
  DG_TEST_WAIT (other == NULL, 5000 * SLOW);
}

static void
jobs_flow (DgAppHarness *h, gpointer data)
{
  Fixture *f = data;

  sign_in (h);
  pause_resume_cancel_delete (h, f);
  retry_failed (h, f);
  notification_when_unfocused (h, f);
}

static void
run_with_model (DgAppHarnessFunc body, Fixture *f)
{
  g_autofree char *url = NULL;

  f->model = dg_model_standin_new ();
  url = g_strdup_printf ("DATAGEN_INFERENCE_BASE_URL=%s", dg_model_standin_get_url (f->model));
  dg_app_harness_run ((const char *const[]){ url, NULL }, body, f);
  g_clear_pointer (&f->model, dg_model_standin_free);
}

static void
test_jobs (void)
{
  g_autoptr (GError) error = NULL;
  Fixture f = { 0 };

  f.notify = dg_notify_standin_new (&error);
  if (f.notify == NULL)
    {
      g_test_skip_printf ("no session bus to own org.freedesktop.Notifications on: %s",
                          error->message);
      return;
    }
  run_with_model (jobs_flow, &f);
  dg_notify_standin_free (f.notify);
}

/* ---- keyboard shortcuts and the export file chooser ---- */

static void
press (DgAppHarness *h, const char *accelerator)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (dg_app_harness_press_keys (GTK_WIDGET (h->window), accelerator, &error));
  g_assert_no_error (error);
}

static GtkWidget *
focus_widget (DgAppHarness *h)
{
  return gtk_root_get_focus (GTK_ROOT (h->window));
}

/* In the real file chooser dialog (opened in @dir): types @name, picks the filter named
 * @filter_name and presses the accept button. */
static void
choose_export_file (GtkFileChooser *chooser, const char *dir, const char *name,
                    const char *filter_name)
{
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autoptr (GFile) want = g_file_get_child (folder, name);
  g_autoptr (GListModel) filters = gtk_file_chooser_get_filters (chooser);
  GtkWidget *accept;
  gboolean found = FALSE;

  /* The chooser loads the folder in the background before it takes a name. */
  DG_TEST_WAIT (({
                  g_autoptr (GFile) current = gtk_file_chooser_get_current_folder (chooser);
                  current != NULL &&g_file_equal (current, folder);
                }),
                10000 * SLOW);
  gtk_file_chooser_set_current_name (chooser, name);
  DG_TEST_WAIT (({
                  g_autoptr (GFile) chosen = gtk_file_chooser_get_file (chooser);
                  chosen != NULL &&g_file_equal (chosen, want);
                }),
                10000 * SLOW);
  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr (GtkFileFilter) filter = g_list_model_get_item (filters, i);

      if (g_strcmp0 (gtk_file_filter_get_name (filter), filter_name) == 0)
        {
          gtk_file_chooser_set_filter (chooser, filter);
          found = TRUE;
        }
    }
  g_assert_true (found);
  accept = gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_nonnull (accept);
  g_assert_true (gtk_widget_activate (accept));
}

static void
export_through_chooser (DgAppHarness *h, gpointer data)
{
  Fixture *f = data;
  g_autoptr (DgTestDir) out_dir = dg_test_dir_new ();
  g_autofree char *path = g_build_filename (out_dir->path, "people", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *folder_uri = NULL;
  g_autofree char *format = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) lines = NULL;
  GtkWindow *chooser;
  GtkWidget *button;
  GVariant *target;

  sign_in (h);
  dg_model_standin_set_latency_ms (f->model, 0);
  id = create_job (h, "Export me", 5, 0);
  open_from_list (h, id);
  DG_TEST_WAIT (store_status (h, id) == DG_JOB_STATUS_SUCCEEDED, 20000 * SLOW);
  dg_app_harness_focus (GTK_WINDOW (h->window));
  /* The chooser opens where the last export went. */
  g_settings_set_string (dg_application_get_settings (h->app), "export-folder", out_dir->path);

  /* Ctrl+E opens the file chooser (GtkFileChooserNative falls back to the GTK dialog). */
  press (h, "<Control>e");
  DG_TEST_WAIT (dg_app_harness_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL, 10000 * SLOW);
  chooser = dg_app_harness_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SAVE);
  g_assert_true (gtk_window_get_transient_for (chooser) == GTK_WINDOW (h->window));

  /* A name without an extension: the chosen filter says the format. */
  choose_export_file (GTK_FILE_CHOOSER (chooser), out_dir->path, "people", "CSV spreadsheet");
  DG_TEST_WAIT (g_file_test (path, G_FILE_TEST_EXISTS) &&
                    find_text (find (GTK_WIDGET (h->window), "toast_overlay"), "Exported people"),
                20000 * SLOW);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (g_strstrip (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_cmpstr (lines[0], ==, "name,age");
  format = g_settings_get_string (dg_application_get_settings (h->app), "export-format");
  g_assert_cmpstr (format, ==, "csv");
  {
    g_autofree char *folder =
        g_settings_get_string (dg_application_get_settings (h->app), "export-folder");

    g_assert_cmpstr (folder, ==, out_dir->path);
  }

  /* The toast offers the folder. */
  button = find_text (find (GTK_WIDGET (h->window), "toast_overlay"), "Open Folder");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.open-folder");
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button));
  folder_uri = g_filename_to_uri (out_dir->path, NULL, NULL);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, folder_uri);
  DG_TEST_WAIT (dg_app_harness_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL, 5000 * SLOW);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
shortcuts_flow (DgAppHarness *h, gpointer data)
{
  GtkWidget *window = GTK_WIDGET (h->window);
  GtkWidget *search_entry = find (window, "search_entry");
  GtkWindow *prefs, *help;

  sign_in (h);

  /* Ctrl+E without an open job says what to do. */
  press (h, "<Control>e");
  DG_TEST_WAIT (find_text (find (window, "toast_overlay"), "Open a job to export its records"),
                5000 * SLOW);

  /* Ctrl+F: the search bar opens with the keyboard in its entry; Escape closes it. */
  press (h, "<Control>f");
  DG_TEST_WAIT (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (find (window, "search_bar"))),
                5000 * SLOW);
  DG_TEST_WAIT (focus_widget (h) != NULL && gtk_widget_is_ancestor (focus_widget (h), search_entry),
                5000 * SLOW);
  /* A revealer lets no event through while it slides open (GTK 4.8), nor would a user type
   * into a bar that is still moving. */
  DG_TEST_WAIT (gtk_revealer_get_child_revealed (GTK_REVEALER (
                    dg_app_harness_find (find (window, "search_bar"), GTK_TYPE_REVEALER, NULL))),
                5000 * SLOW);
  press (h, "Escape");
  DG_TEST_WAIT (!gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (find (window, "search_bar"))),
                5000 * SLOW);

  /* Ctrl+N: the new-job page. */
  press (h, "<Control>n");
  DG_TEST_WAIT (
      g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (find (window, "content_stack"))),
                 "editor") == 0,
      5000 * SLOW);
  g_assert_true (gtk_widget_get_mapped (find (window, "job_editor")));

  /* Ctrl+, : preferences, over the window. */
  press (h, "<Control>comma");
  DG_TEST_WAIT (dg_app_harness_find_toplevel (DG_TYPE_PREFERENCES_WINDOW) != NULL, 5000 * SLOW);
  prefs = dg_app_harness_find_toplevel (DG_TYPE_PREFERENCES_WINDOW);
  g_assert_true (gtk_window_get_transient_for (prefs) == GTK_WINDOW (window));
  g_object_add_weak_pointer (G_OBJECT (prefs), (gpointer *) &prefs);
  gtk_window_destroy (prefs);
  DG_TEST_WAIT (prefs == NULL, 5000 * SLOW);
  dg_app_harness_focus (GTK_WINDOW (window));

  /* Ctrl+? : the shortcuts window. */
  help = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (help)));
  press (h, "<Control>question");
  DG_TEST_WAIT (gtk_widget_get_visible (GTK_WIDGET (help)), 5000 * SLOW);
  gtk_widget_hide (GTK_WIDGET (help));
  dg_app_harness_focus (GTK_WINDOW (window));

  /* Ctrl+Q quits: the window closes and the application's run ends. */
  press (h, "<Control>q");
  DG_TEST_WAIT (h->window == NULL, 10000 * SLOW);
}

static void
test_shortcuts (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;

  if (!dg_app_harness_can_press_keys (&error))
    {
      g_test_skip_printf ("no real key presses: %s", error->message);
      return;
    }
  run_with_model (shortcuts_flow, &f);
}

static void
test_export_chooser (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;

  if (!dg_app_harness_can_press_keys (&error))
    {
      g_test_skip_printf ("no real key presses: %s", error->message);
      return;
    }
  run_with_model (export_through_chooser, &f);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The user's list of recent files is not the tests' to write. */
  g_object_set (gtk_settings_get_default (), "gtk-recent-files-enabled", FALSE, NULL);

  g_test_add_func ("/app/jobs/controls-and-notification", test_jobs);
  g_test_add_func ("/app/jobs/shortcuts", test_shortcuts);
  g_test_add_func ("/app/jobs/export-chooser", test_export_chooser);
  return g_test_run ();
}
