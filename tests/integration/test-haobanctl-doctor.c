/* Integration: `haobanctl doctor`, `devices test` and `diagnostics export` — the real binary
 * on a terminal's data dir, against a real haoban-platform-sim, with the kiosk (HbCore with
 * virtual devices, visit-fixture.h) running in this process or stopped. */
#include "visit-fixture.h"
#include "kiosk/hb-samples.h"
#include "tests/support/hb-test-cupsd.h"

#include <glib/gstdio.h>

static gboolean
status_file_exists (gpointer data)
{
  g_autofree char *path = hb_config_dup_data_path (((Visit *) data)->config, "status.json");
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The kiosk has published its status (doctor sees it running). */
static void
wait_kiosk_status (Visit *v)
{
  g_assert_true (hb_test_wait_until (status_file_exists, v, 10000));
}

/* A stopped kiosk: its process would be gone, so is its status. */
static void
stop_kiosk (Visit *v)
{
  g_autofree char *path = hb_config_dup_data_path (v->config, "status.json");
  hb_core_stop (v->core);
  g_unlink (path);
}

static const char *
line_of (const char *out, const char *level, const char *id)
{
  g_autofree char *head = g_strdup_printf ("%-4s  %-22s  ", level, id);
  const char *at = strstr (out, head);
  if (at == NULL || (at != out && at[-1] != '\n'))
    g_error ("no \"%s\" line in:\n%s", head, out);
  return at;
}

static void
test_doctor_healthy_terminal (Visit *v, gconstpointer data)
{
  g_autofree char *out = NULL;
  int status = -1;

  wait_kiosk_status (v);
  out = visit_ctl (v, &status, "doctor", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (out, "FAIL  "));
  line_of (out, "OK", "data-dir");
  line_of (out, "OK", "store");
  line_of (out, "OK", "outbox");
  g_assert_nonnull (strstr (line_of (out, "OK", "platform"), "answered (HTTP 200"));
  line_of (out, "OK", "clock");
  line_of (out, "OK", "device-idcard");
  line_of (out, "OK", "fonts");
  g_assert_nonnull (strstr (line_of (out, "OK", "kiosk"), "running (pid"));
  /* No config file in this setup: a warning, not a failure, with its fix underneath. */
  g_assert_nonnull (strstr (line_of (out, "WARN", "config"), "\n      fix: write "));
}

static void
test_doctor_json_names_every_check (Visit *v, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *checks;
  int status = -1;

  wait_kiosk_status (v);
  out = visit_ctl (v, &status, "doctor", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  node = hb_json_parse (out, -1, 1 << 20, 16, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "ok"));
  checks = json_object_get_array_member (json_node_get_object (node), "checks");
  g_assert_cmpuint (json_array_get_length (checks), ==, 14);
  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *c = json_array_get_object_element (checks, i);
      const char *level = json_object_get_string_member (c, "level");
      g_assert_true (g_str_equal (level, "OK") || g_str_equal (level, "WARN"));
      g_assert_true (g_str_equal (level, "OK") == json_object_get_null_member (c, "fix"));
    }
}

static void
test_doctor_platform_down_fails_with_a_fix (Visit *v, gconstpointer data)
{
  g_autofree char *out = NULL;
  const char *line;
  int status = -1;

  hb_test_sim_kill (v->sim);
  out = visit_ctl (v, &status, "doctor", NULL);
  g_assert_cmpint (status, ==, 1);
  line = line_of (out, "FAIL", "platform");
  g_assert_nonnull (strstr (line, "not reachable"));
  g_assert_nonnull (strstr (line, "\n      fix: "));
  line_of (out, "WARN", "clock");
}

static gboolean
status_says_paper_out (gpointer data)
{
  g_autofree char *path = hb_config_dup_data_path (((Visit *) data)->config, "status.json");
  g_autofree char *text = hb_test_read_file (path, NULL);
  return text && strstr (text, "paper out");
}

static void
test_doctor_shows_paper_out_and_a_parked_item (Visit *v, gconstpointer data)
{
  const HbSubmission *s;
  g_autofree char *key = NULL, *out = NULL, *parked = NULL;
  int status = -1;

  /* A visit queued while the platform fails, then parked by staff. */
  visit_fault (v, "{\"status\":503}");
  visit_identify_and_fill (v, 1);
  s = visit_submit (v);
  g_assert_true (s->queued);
  key = g_strdup (s->idempotency_key);
  visit_rate_and_finish (v, 5);
  parked = visit_ctl (v, NULL, "outbox", "park", key, NULL);
  g_free (visit_ctl (v, NULL, "sim", "paper-out", "on", NULL));
  g_assert_true (hb_test_wait_until (status_says_paper_out, v, 10000));
  visit_fault (v, "{}");

  out = visit_ctl (v, &status, "doctor", NULL);
  g_assert_cmpint (status, ==, 0);   /* warnings only */
  g_assert_nonnull (strstr (line_of (out, "WARN", "device-printer"), "paper out"));
  g_assert_nonnull (strstr (line_of (out, "WARN", "device-printer"), "fix: load paper"));
  g_assert_nonnull (strstr (line_of (out, "WARN", "outbox"), "1 parked"));
  g_assert_nonnull (strstr (line_of (out, "WARN", "outbox"), "haobanctl outbox retry"));
  g_assert_null (strstr (out, SAMPLE_ID));
}

/* --- devices test ------------------------------------------------------------------------- */

static void
test_devices_refused_while_the_kiosk_runs (Visit *v, gconstpointer data)
{
  g_autofree char *out = NULL;
  int status = -1;

  wait_kiosk_status (v);
  out = visit_ctl (v, &status, "devices", "test", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "");
}

/* haobanctl running in the background; its stderr prompts are watched line by line. */
typedef struct {
  GSubprocess      *proc;
  GDataInputStream *err;
  GString          *err_text;
  gboolean          card_prompt, scan_prompt, err_closed, exited;
} Bg;

static void read_err_line (Bg *bg);

static void
err_line (GObject *source, GAsyncResult *result, gpointer data)
{
  Bg *bg = data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                    result, NULL, NULL);
  if (line == NULL)
    {
      bg->err_closed = TRUE;
      return;
    }
  g_string_append_printf (bg->err_text, "%s\n", line);
  if (strstr (line, "place an ID card"))
    bg->card_prompt = TRUE;
  if (strstr (line, "show a QR code"))
    bg->scan_prompt = TRUE;
  read_err_line (bg);
}

static void
read_err_line (Bg *bg)
{
  g_data_input_stream_read_line_async (bg->err, G_PRIORITY_DEFAULT, NULL, err_line, bg);
}

static void
bg_start (Bg *bg, Visit *v, const char *const *args)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, g_build_filename (hb_test_builddir (), "haobanctl", NULL));
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (l, "HAOBAN_DATA_DIR", v->dir, TRUE);
  g_subprocess_launcher_setenv (l, "HAOBAN_PLATFORM_URL", hb_test_sim_url (v->sim), TRUE);
  g_subprocess_launcher_unsetenv (l, "HAOBAN_CONFIG");
  bg->proc = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  bg->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (bg->proc));
  bg->err_text = g_string_new (NULL);
  read_err_line (bg);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
bg_exited (GObject *source, GAsyncResult *result, gpointer data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  ((Bg *) data)->exited = TRUE;
}

/* Waits for the exit; returns stdout (transfer full), *status the exit status. */
static char *
bg_finish (Bg *bg, int *status)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (bg->proc);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  char *text;

  g_subprocess_wait_async (bg->proc, NULL, bg_exited, bg);
  g_assert_true (hb_test_wait_until (flag_set, &bg->exited, 60000));
  g_assert_true (hb_test_wait_until (flag_set, &bg->err_closed, 10000));
  g_output_stream_splice (mem, out, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write (mem, "", 1, NULL, NULL);
  *status = g_subprocess_get_exit_status (bg->proc);
  text = g_strdup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (mem)));
  if (*status != 0)
    g_printerr ("haobanctl exited %d; stderr:\n%s", *status, bg->err_text->str);
  g_clear_object (&bg->err);
  g_clear_object (&bg->proc);
  g_string_free (bg->err_text, TRUE);
  return text;
}

static void
test_devices_each_virtual_device_with_the_kiosk_stopped (Visit *v, gconstpointer data)
{
  static const char *const args[] = { "devices", "test", "all", "--timeout", "20", NULL };
  g_autofree char *out = NULL, *spool = hb_config_dup_spool_dir (v->config);
  g_autofree char *pdf = g_build_filename (spool, "job-1.pdf", NULL);
  Bg bg = { 0 };
  int status = -1;

  stop_kiosk (v);
  g_unlink (pdf);
  bg_start (&bg, v, args);
  /* A card once the reader waits for one, a code once the scanner does. */
  g_assert_true (hb_test_wait_until (flag_set, &bg.card_prompt, 20000));
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  g_assert_true (hb_test_wait_until (flag_set, &bg.scan_prompt, 20000));
  g_free (visit_ctl (v, NULL, "sim", "scan", "HB-DEVICE-TEST", NULL));
  out = bg_finish (&bg, &status);

  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "PASS  idcard           "));
  g_assert_nonnull (strstr (out, "310***********1237"));
  g_assert_null (strstr (out, SAMPLE_ID));
  g_assert_nonnull (strstr (out, "PASS  scanner          "));
  g_assert_nonnull (strstr (out, "read a code of 14 bytes"));
  g_assert_null (strstr (out, "HB-DEVICE-TEST"));
  g_assert_nonnull (strstr (out, "PASS  printer          "));
  g_assert_nonnull (strstr (out, "PASS  receipt-printer  "));
  g_assert_nonnull (strstr (out, "devices test: 4 passed, 0 failed\n"));
  /* The test page really went to the (virtual) A4 printer. */
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
}

static void
test_devices_no_card_fails_with_what_to_do (Visit *v, gconstpointer data)
{
  g_autofree char *out = NULL;
  int status = -1;

  stop_kiosk (v);
  out = visit_ctl (v, &status, "devices", "test", "idcard", "--timeout", "1", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "FAIL  idcard           no card read within 1 s\n      fix: "));
  g_assert_nonnull (strstr (out, "devices test: 0 passed, 1 failed\n"));
}

static void
test_devices_unknown_kind_is_a_usage_error (Visit *v, gconstpointer data)
{
  g_autofree char *out = NULL;
  int status = -1;

  stop_kiosk (v);
  out = visit_ctl (v, &status, "devices", "test", "fingerprint", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpstr (out, ==, "");
}

/* --- a real CUPS queue ---------------------------------------------------------------------- */

/* haobanctl --config CONF ARGS… on this terminal's data dir (kiosk not needed). */
static int
ctl_with_config (Visit *v, const char *conf, char **out, const char *a1, const char *a2,
                 const char *a3)
{
  g_setenv ("HAOBAN_DATA_DIR", v->dir, TRUE);
  g_setenv ("HAOBAN_PLATFORM_URL", hb_test_sim_url (v->sim), TRUE);
  g_unsetenv ("HAOBAN_CONFIG");
  return hb_test_run_program (out, NULL, 120000, "haobanctl", "--config", conf, a1, a2, a3, NULL);
}

static char *
write_conf (Visit *v, const char *name, const char *server, const char *queue)
{
  g_autofree char *text = g_strdup_printf ("[devices]\ncups_server = %s\ncups_queue = %s\n",
                                           server, queue);
  char *path = g_build_filename (v->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_cups_queue_checked_and_test_page_printed (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTestCupsd) cupsd = hb_test_cupsd_start (&error);
  g_autofree char *good = NULL, *wrong = NULL, *out = NULL;
  const char *line;

  if (cupsd == NULL)
    {
      g_test_skip_printf ("no private cupsd here: %s", error->message);
      return;
    }
  stop_kiosk (v);
  good = write_conf (v, "cups.conf", hb_test_cupsd_get_server (cupsd),
                     hb_test_cupsd_get_queue (cupsd));
  wrong = write_conf (v, "wrong.conf", hb_test_cupsd_get_server (cupsd), "no-such-queue");

  g_assert_cmpint (ctl_with_config (v, good, &out, "doctor", "--offline", NULL), ==, 0);
  line = line_of (out, "OK", "device-printer");
  g_assert_nonnull (strstr (line, "CUPS queue kiosk on "));
  g_assert_nonnull (strstr (line, " is ready"));
  g_clear_pointer (&out, g_free);

  /* The A4 test page goes through CUPS to the printer. */
  g_assert_cmpint (ctl_with_config (v, good, &out, "devices", "test", "printer"), ==, 0);
  g_assert_nonnull (strstr (out, "PASS  printer          "));
  g_assert_cmpuint (hb_test_cupsd_count_printed (cupsd), ==, 1);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (ctl_with_config (v, wrong, &out, "doctor", "--offline", NULL), ==, 1);
  line = line_of (out, "FAIL", "device-printer");
  g_assert_nonnull (strstr (line, "no CUPS queue no-such-queue"));
  g_assert_nonnull (strstr (line, "fix: add the printer to CUPS (lpadmin"));
  g_clear_pointer (&out, g_free);

  hb_test_cupsd_kill_cupsd (cupsd);
  g_assert_cmpint (ctl_with_config (v, good, &out, "doctor", "--offline", NULL), ==, 1);
  line = line_of (out, "FAIL", "device-printer");
  g_assert_nonnull (strstr (line, "cupsd does not answer"));
  g_assert_nonnull (strstr (line, "systemctl start cups"));
}

/* --- diagnostics ---------------------------------------------------------------------------- */

static void
test_diagnostics_export_holds_no_personal_data (Visit *v, gconstpointer data)
{
  g_autofree char *stick = g_build_filename (v->dir, "stick", NULL);
  g_autofree char *out = NULL, *contents = NULL, *listing = NULL;
  const HbSubmission *s;
  int status = -1;

  /* A whole visit first, so the log and the outbox have something to say. */
  visit_fault (v, "{\"status\":503}");
  visit_identify_and_fill (v, 1);
  s = visit_submit (v);
  g_assert_true (s->queued);
  visit_rate_and_finish (v, 5);
  g_message ("test: a careless line for %s and %s", SAMPLE_ID, "13812345678");
  /* The platform still fails: the application stays queued. */

  out = visit_ctl (v, &status, "diagnostics", "export", stick, NULL);
  g_assert_cmpint (status, ==, 1);           /* no such folder (no stick) */
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  g_free (out);
  out = visit_ctl (v, &status, "diagnostics", "export", stick, NULL);
  g_assert_cmpint (status, ==, 0);
  g_strchomp (out);
  g_assert_true (g_str_has_prefix (out, stick));
  g_assert_true (g_str_has_suffix (out, ".tar.gz"));

  listing = hb_test_run_tool ((const char *const[]) { "tar", "-tzf", out, NULL });
  g_assert_nonnull (strstr (listing, "/logs/haoban.log\n"));
  g_assert_nonnull (strstr (listing, "/status.json\n"));
  g_assert_nonnull (strstr (listing, "/outbox.json\n"));
  g_assert_nonnull (strstr (listing, "/doctor.txt\n"));
  contents = hb_test_run_tool ((const char *const[]) { "tar", "-xzOf", out, NULL });
  g_assert_nonnull (strstr (contents, "core: "));          /* the kiosk's log is there */
  g_assert_nonnull (strstr (contents, "310***********1237"));
  g_assert_null (strstr (contents, SAMPLE_ID));
  g_assert_null (strstr (contents, "13812345678"));
  g_assert_nonnull (strstr (contents, "\"application\""));  /* the queued item, no body */
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define T(path, fn) g_test_add ("/integration/haobanctl/" path, Visit, NULL, visit_setup, fn, visit_teardown)
  T ("doctor/healthy-terminal-against-the-sim-exits-0", test_doctor_healthy_terminal);
  T ("doctor/json-names-every-check", test_doctor_json_names_every_check);
  T ("doctor/platform-down-fails-with-a-fix", test_doctor_platform_down_fails_with_a_fix);
  T ("doctor/paper-out-and-a-parked-item-show-with-their-fixes",
     test_doctor_shows_paper_out_and_a_parked_item);
  T ("devices/refused-while-the-kiosk-runs", test_devices_refused_while_the_kiosk_runs);
  T ("devices/reads-a-card-a-code-and-prints-on-both-printers-with-the-kiosk-stopped",
     test_devices_each_virtual_device_with_the_kiosk_stopped);
  T ("devices/no-card-fails-with-what-to-do", test_devices_no_card_fails_with_what_to_do);
  T ("devices/unknown-kind-is-a-usage-error", test_devices_unknown_kind_is_a_usage_error);
  T ("doctor-and-devices/cups-queue-checked-and-a-test-page-printed-through-it",
     test_cups_queue_checked_and_test_page_printed);
  T ("diagnostics/export-to-a-stick-holds-no-personal-data",
     test_diagnostics_export_holds_no_personal_data);
#undef T
  return g_test_run ();
}
