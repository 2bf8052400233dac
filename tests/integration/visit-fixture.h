/* visit-fixture.h — a whole terminal without a display for integration tests: HbCore with
 * virtual devices in a private data dir, talking to a real haoban-platform-sim on
 * loopback; devices are driven through the real `haobanctl sim …` command. */
#pragma once

#include "kiosk/hb-core.h"
#include "kiosk/hb-i18n.h"
#include "kiosk/hb-log.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define SAMPLE_ID "310104198506151237"
#define JZZ_CODE  "310000-GA-JZZ-0003"

typedef struct {
  char      *dir;           /* the terminal's data dir */
  char      *platform_dir;  /* the platform's own state: not the terminal's */
  char      *state_file;
  HbTestSim *sim;
  HbConfig  *config;
  HbCore    *core;
  /* async results */
  gboolean   done;
  gboolean   ok;
  guint      job;
  GError    *error;
  char      *identify_failed;
} Visit;

static inline void
visit_config_set (Visit *v, const char *group, const char *key, const char *value)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_config_set (v->config, group, key, value, &error));
  g_assert_no_error (error);
}

static inline void
on_identify_failed (HbCore *core, const char *message, Visit *v)
{
  g_free (v->identify_failed);
  v->identify_failed = g_strdup (message);
}

/* Start the platform and a terminal. submit_wait_ms: how long a submission waits for
 * its case number before it is shown as queued. */
static inline void
visit_setup_full (Visit *v, guint submit_wait_ms, gboolean start_core)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wait = g_strdup_printf ("%u", submit_wait_ms);
  g_autofree char *share = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *logs = NULL;

  hb_i18n_set_language ("zh_CN");
  v->dir = hb_test_mkdtemp ("visit");
  v->platform_dir = hb_test_mkdtemp ("platform");
  v->state_file = g_build_filename (v->platform_dir, "platform-state.json", NULL);
  v->sim = hb_test_sim_start (v->state_file, &error);
  g_assert_no_error (error);

  v->config = hb_config_new ();
  visit_config_set (v, "paths", "data_dir", v->dir);
  visit_config_set (v, "paths", "share_dir", share);
  visit_config_set (v, "platform", "url", hb_test_sim_url (v->sim));
  visit_config_set (v, "platform", "retry_base_ms", "100");
  visit_config_set (v, "platform", "retry_cap_ms", "400");
  visit_config_set (v, "platform", "connect_timeout_ms", "1000");
  visit_config_set (v, "platform", "request_timeout_ms", "3000");
  visit_config_set (v, "devices", "mode", "virtual");
  visit_config_set (v, "session", "submit_wait_ms", wait);
  visit_config_set (v, "session", "idle_timeout", "600");

  logs = hb_config_dup_log_dir (v->config);
  g_assert_true (hb_log_init (logs, "debug", 10 * 1024 * 1024, &error));
  g_assert_no_error (error);

  v->core = hb_core_new (v->config);
  g_signal_connect (v->core, "identify-failed", G_CALLBACK (on_identify_failed), v);
  if (start_core)
    {
      g_assert_true (hb_core_start (v->core, &error));
      g_assert_no_error (error);
    }
}

static inline void
visit_setup (Visit *v, gconstpointer data)
{
  visit_setup_full (v, 4000, TRUE);
}

static inline void
visit_teardown (Visit *v, gconstpointer data)
{
  if (v->core)
    hb_core_stop (v->core);
  g_clear_object (&v->core);
  g_clear_object (&v->config);
  g_clear_pointer (&v->sim, hb_test_sim_free);
  g_clear_error (&v->error);
  g_clear_pointer (&v->identify_failed, g_free);
  hb_log_shutdown ();
  if (g_getenv ("HB_KEEP_TEST_DIRS") == NULL)
    {
      hb_test_rmdir (v->dir);
      hb_test_rmdir (v->platform_dir);
    }
  g_free (v->dir);
  g_free (v->platform_dir);
  g_free (v->state_file);
}

/* --- running haobanctl --------------------------------------------------------------- */

typedef struct {
  gboolean done;
  char    *out;
  int      status;
} CtlRun;

static inline void
ctl_done (GObject *source, GAsyncResult *result, gpointer data)
{
  CtlRun *run = data;
  g_autoptr(GError) error = NULL;
  char *out = NULL, *err = NULL;
  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &out, &err, &error);
  g_assert_no_error (error);
  run->out = out;
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  if (run->status != 0)
    g_printerr ("haobanctl exited %d: %s\n", run->status, err ? err : "");
  g_free (err);
  run->done = TRUE;
}

static inline gboolean
ctl_finished (gpointer data)
{
  return ((CtlRun *) data)->done;
}

/* Run `haobanctl ARGS…` against this terminal's data dir while the main loop keeps the
 * terminal (and its simulator socket) running. Returns stdout; *status gets the exit. */
static inline char *
visit_ctl (Visit *v, int *status, const char *first, ...)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  CtlRun run = { 0 };
  va_list ap;

  g_ptr_array_add (argv, g_build_filename (hb_test_builddir (), "haobanctl", NULL));
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (l, "HAOBAN_DATA_DIR", v->dir, TRUE);
  g_subprocess_launcher_setenv (l, "HAOBAN_PLATFORM_URL", hb_test_sim_url (v->sim), TRUE);
  g_subprocess_launcher_unsetenv (l, "HAOBAN_CONFIG");
  proc = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, ctl_done, &run);
  g_assert_true (hb_test_wait_until (ctl_finished, &run, 20000));
  if (status)
    *status = run.status;
  else
    g_assert_cmpint (run.status, ==, 0);
  return run.out;
}

/* --- waiting ------------------------------------------------------------------------- */

typedef struct { HbSession *s; HbSessionState want; } StateWait;

static inline gboolean
state_reached (gpointer data)
{
  StateWait *w = data;
  return hb_session_get_state (w->s) == w->want;
}

static inline gboolean
licences_settled (gpointer core)
{
  return !hb_core_is_fetching_licences (core) && !hb_core_is_fetching_profile (core);
}

static inline void
visit_wait_state (Visit *v, HbSessionState state)
{
  StateWait w = { hb_core_get_session (v->core), state };
  if (!hb_test_wait_until (state_reached, &w, 15000))
    g_error ("session is %s, expected %s",
             hb_session_state_to_string (hb_session_get_state (w.s)),
             hb_session_state_to_string (state));
  /* Identification asks the platform for the resident's licences and profile: let those
   * requests pass before a test arms a one-shot fault for the request it means. */
  if (state == HB_SESSION_IDENTIFIED)
    g_assert_true (hb_test_wait_until (licences_settled, v->core, 15000));
}

typedef struct { HbTestSim *sim; const char *path; int want; } CountWait;

static inline gboolean
count_reached (gpointer data)
{
  CountWait *w = data;
  return hb_test_sim_count (w->sim, w->path) == w->want;
}

/* Wait (iterating the main loop) until the platform holds exactly `want` entries. */
static inline gboolean
visit_wait_platform (Visit *v, const char *path, int want, guint timeout_ms)
{
  CountWait w = { v->sim, path, want };
  return hb_test_wait_until (count_reached, &w, timeout_ms);
}

static inline gboolean
async_done (gpointer data)
{
  return ((Visit *) data)->done;
}

static inline void
submitted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  v->ok = hb_core_submit_finish (HB_CORE (source), result, &v->error);
  v->done = TRUE;
}

static inline void
printed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  v->job = hb_core_print_receipt_finish (HB_CORE (source), result, &v->error);
  v->ok = v->error == NULL;
  v->done = TRUE;
}

static inline void
rated_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  v->ok = hb_core_rate_finish (HB_CORE (source), result, &v->error);
  v->done = TRUE;
}

static inline void
visit_reset_async (Visit *v)
{
  v->done = FALSE;
  v->ok = FALSE;
  v->job = 0;
  g_clear_error (&v->error);
}

/* Card on the reader → identified → service chosen → form completed. */
static inline void
visit_identify_and_fill (Visit *v, guint sample)
{
  g_autofree char *n = g_strdup_printf ("%u", sample);
  g_autofree char *out = visit_ctl (v, NULL, "sim", "card-insert", "--sample", n, NULL);
  g_autoptr(GError) error = NULL;
  HbForm *form;

  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  g_assert_true (hb_core_choose_service (v->core, JZZ_CODE, &error));
  g_assert_no_error (error);
  form = hb_session_get_form (hb_core_get_session (v->core));
  g_assert_true (hb_form_set_value (form, "phone", "13812345678"));
}

/* Submit and wait for the outcome; returns the session's submission. */
static inline const HbSubmission *
visit_submit (Visit *v)
{
  visit_reset_async (v);
  hb_core_submit_async (v->core, NULL, submitted_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 30000));
  g_assert_no_error (v->error);
  g_assert_true (v->ok);
  return hb_session_get_submission (hb_core_get_session (v->core));
}

/* Waits for a call that completes with a print job id, and hands its error over. */
static inline guint
visit_wait_job (Visit *v, GError **error)
{
  g_assert_true (hb_test_wait_until (async_done, v, 30000));
  if (v->error)
    {
      g_propagate_error (error, v->error);
      v->error = NULL;
    }
  return v->job;
}

static inline void
offline_code_printed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  v->job = hb_core_print_offline_code_finish (HB_CORE (source), result, &v->error);
  v->ok = v->error == NULL;
  v->done = TRUE;
}

static inline void
proof_printed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  v->job = hb_core_print_proof_finish (HB_CORE (source), result, &v->error);
  v->ok = v->error == NULL;
  v->done = TRUE;
}

static inline guint
visit_print (Visit *v, GError **error)
{
  visit_reset_async (v);
  hb_core_print_receipt_async (v->core, NULL, printed_cb, v);
  return visit_wait_job (v, error);
}

/* Have the platform issue an offline code for the identified resident and print it. */
static inline guint
visit_print_offline_code (Visit *v, GError **error)
{
  visit_reset_async (v);
  hb_core_print_offline_code_async (v->core, NULL, offline_code_printed_cb, v);
  return visit_wait_job (v, error);
}

/* Have the platform issue a proof (or licence copy) for the identified resident and print it. */
static inline guint
visit_print_proof (Visit *v, const char *proof, const char *licence, const char *purpose,
                   GError **error)
{
  visit_reset_async (v);
  hb_core_print_proof_async (v->core, proof, licence, purpose, NULL, proof_printed_cb, v);
  return visit_wait_job (v, error);
}

static inline void
visit_rate_and_finish (Visit *v, int level)
{
  HbSession *s = hb_core_get_session (v->core);
  g_assert_true (hb_session_begin_rating (s));
  visit_reset_async (v);
  /* A 差评 (1–2) says what went wrong. */
  static const char *const bad[] = { "服务效率低", NULL };
  hb_core_rate_async (v->core, level, level <= 2 ? bad : NULL, NULL, rated_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 30000));
  g_assert_no_error (v->error);
  g_assert_true (hb_session_finish (s));
  g_assert_cmpint (hb_session_get_state (s), ==, HB_SESSION_ATTRACT);
  g_free (visit_ctl (v, NULL, "sim", "card-remove", NULL));
}

static inline void
visit_fault (Visit *v, const char *json)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (v->sim, "POST", "/_sim/faults", json, &status);
  g_assert_cmpint (status, ==, 200);
}

/* The platform's accepted applications. (transfer full) */
static inline JsonArray *
visit_platform_list (Visit *v, const char *path)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (v->sim, "GET", path, NULL, &status);
  g_autoptr(JsonNode) node = NULL;
  g_assert_cmpint (status, ==, 200);
  node = hb_json_parse (body, -1, 16 << 20, 64, NULL);
  g_assert_nonnull (node);
  return json_array_ref (json_node_get_array (node));
}
