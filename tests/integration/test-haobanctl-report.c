/* Integration: usage counters recorded by a real terminal during real visits, then the
 * technician's `haobanctl report month --upload` — the real binary on the terminal's data
 * dir — against a real haoban-platform-sim, which receives the PDF (/_sim/operations-reports).
 * Also: uploading while the platform is down queues the report, and a later sync delivers
 * it; nothing personal is in the counters or the PDF. */
#include "visit-fixture.h"
#include "offline-cache/hb-store-private.h"
#include "kiosk/hb-ops-report.h"
#include "tests/support/hb-test-cupsd.h"

#define SAMPLE_NAME "张伟"

static char *
this_month (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m");
}

/* One completed visit (submitted, rated 4) and one abandoned (identified, chose the
 * service, left). The counters are then flushed so another process sees them. */
static void
two_visits (Visit *v)
{
  g_autoptr(GError) error = NULL;
  HbSession *s = hb_core_get_session (v->core);

  visit_identify_and_fill (v, 1);
  g_assert_true (visit_submit (v) != NULL);
  visit_rate_and_finish (v, 4);

  visit_identify_and_fill (v, 1);
  hb_session_wipe (s, HB_WIPE_CANCELLED);
  g_assert_cmpint (hb_session_get_state (s), ==, HB_SESSION_ATTRACT);
  g_free (visit_ctl (v, NULL, "sim", "card-remove", NULL));

  /* the application and the rating reach the platform (their delays are counted) */
  g_assert_true (visit_wait_platform (v, "/_sim/ratings", 1, 20000));
  g_assert_true (hb_usage_flush (hb_core_get_usage (v->core), &error));
  g_assert_no_error (error);
}

static gint64
count_events (Visit *v, const char *where)
{
  g_autofree char *db = hb_config_dup_db_path (v->config);
  g_autofree char *key = hb_config_dup_key_path (v->config);
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM usage_event WHERE %s", where);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  sqlite3_stmt *st;
  gint64 n;

  g_assert_no_error (error);
  st = hb_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return n;
}

static gboolean
delivery_counted (gpointer data)
{
  Visit *v = data;
  hb_usage_flush (hb_core_get_usage (v->core), NULL);
  return count_events (v, "kind = 'delivery-delay' AND key = 'rating'") >= 1;
}

static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) ws = g_regex_new ("\\s+", 0, 0, NULL);
  g_autofree char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* pdftotext drops some spaces between CJK and digits: compare without white space */
  return g_regex_replace_literal (ws, out, -1, 0, "", 0, NULL);
}

static void
test_visits_are_counted_without_personal_data (Visit *v, gconstpointer data)
{
  two_visits (v);
  g_assert_true (hb_test_wait_until (delivery_counted, v, 20000));
  g_assert_cmpint (count_events (v, "kind = 'visit-started'"), ==, 2);
  g_assert_cmpint (count_events (v, "kind = 'visit-completed'"), ==, 1);
  g_assert_cmpint (count_events (v, "kind = 'visit-abandoned'"), ==, 1);
  g_assert_cmpint (count_events (v, "kind = 'service-chosen' AND key = '" JZZ_CODE "'"), ==, 2);
  g_assert_cmpint (count_events (v, "kind = 'submitted' AND key = '" JZZ_CODE "'"), ==, 1);
  g_assert_cmpint (count_events (v, "kind = 'rating' AND value = 4"), ==, 1);
  g_assert_cmpint (count_events (v, "kind = 'delivery-delay' AND key = 'application'"), ==, 1);
  /* every virtual device was seen usable */
  g_assert_cmpint (count_events (v, "kind = 'device-status' AND value = 1"), >=, 3);
  /* nothing personal anywhere in the table */
  g_assert_cmpint (count_events (v, "key LIKE '%" SAMPLE_ID "%' OR key LIKE '%" SAMPLE_NAME
                                    "%' OR key LIKE '%13812345678%'"), ==, 0);
  g_assert_cmpint (count_events (v, "key GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]"
                                    "[0-9][0-9]*'"), ==, 0);
}

static JsonObject *
only_report (Visit *v)
{
  g_autoptr(JsonArray) list = visit_platform_list (v, "/_sim/operations-reports");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  return json_object_ref (json_array_get_object_element (list, 0));
}

static void
test_report_month_upload_reaches_the_platform (Visit *v, gconstpointer data)
{
  g_autofree char *month = this_month ();
  g_autofree char *pdf = g_build_filename (v->dir, "report.pdf", NULL);
  g_autofree char *out = NULL, *again = NULL, *text = NULL, *bytes = NULL, *sha = NULL;
  g_autofree char *want = NULL;
  g_autoptr(JsonObject) got = NULL;
  gsize n = 0;
  int status = -1;

  two_visits (v);
  out = visit_ctl (v, &status, "report", "month", "--month", month, "--output", pdf,
                   "--upload", NULL);
  g_assert_cmpint (status, ==, 0);
  want = g_strdup_printf ("uploaded %s %s", hb_config_get_string (v->config, "terminal", "id"),
                          month);
  g_assert_nonnull (strstr (out, want));
  g_assert_nonnull (strstr (out, "upload queued opsreport-"));

  /* The PDF on disk: the terminal, the month, the figures, no personal data. */
  g_assert_true (g_file_get_contents (pdf, &bytes, &n, NULL));
  g_assert_true (g_str_has_prefix (bytes, "%PDF-"));
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, hb_config_get_string (v->config, "terminal", "id")));
  g_assert_nonnull (strstr (text, month));
  g_assert_nonnull (strstr (text, "访问人次2"));
  g_assert_nonnull (strstr (text, "完成率50.0%"));
  g_assert_nonnull (strstr (text, "放弃率50.0%"));
  g_assert_nonnull (strstr (text, "提交申请1件"));
  g_assert_nonnull (strstr (text, "评价1条，平均4.0分"));
  g_assert_nonnull (strstr (text, "居住证签注"));   /* the service by its catalog name */
  g_assert_null (strstr (text, SAMPLE_ID));
  g_assert_null (strstr (text, SAMPLE_NAME));
  g_test_message ("operations report: %" G_GSIZE_FORMAT " bytes", n);

  /* What the platform holds is exactly that file. */
  got = only_report (v);
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, n);
  g_assert_cmpstr (json_object_get_string_member (got, "terminal_id"), ==,
                   hb_config_get_string (v->config, "terminal", "id"));
  g_assert_cmpstr (json_object_get_string_member (got, "month"), ==, month);
  g_assert_cmpint (json_object_get_int_member (got, "bytes"), ==, (gint64) n);
  g_assert_cmpstr (json_object_get_string_member (got, "sha256"), ==, sha);

  /* Again: the platform keeps one report per terminal and month (the newer). */
  again = visit_ctl (v, &status, "report", "month", "--month", month, "--upload", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (again, want));
  json_object_unref (only_report (v));
}

static void
test_upload_while_offline_is_sent_later (Visit *v, gconstpointer data)
{
  g_autofree char *month = this_month ();
  g_autofree char *out = NULL, *sync = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  two_visits (v);
  hb_core_stop (v->core);
  hb_test_sim_kill (v->sim);
  out = visit_ctl (v, &status, "report", "month", "--month", month, "--upload", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "upload queued opsreport-"));
  g_assert_nonnull (strstr (out, "upload pending: platform not reachable"));
  /* the default output file was written in the current directory: not wanted here */
  g_assert_null (strstr (out, "report "));

  g_assert_true (hb_test_sim_restart (v->sim, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/operations-reports"), ==, 0);
  sync = visit_ctl (v, &status, "sync", "--once", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (sync, "delivered opsreport-"));
  json_object_unref (only_report (v));
}

static gboolean
printer_out_counted (gpointer data)
{
  Visit *v = data;
  hb_usage_flush (hb_core_get_usage (v->core), NULL);
  return count_events (v, "kind = 'device-status' AND key = 'printer' AND value = 0") == 1;
}

static gboolean
printer_back_counted (gpointer data)
{
  Visit *v = data;
  hb_usage_flush (hb_core_get_usage (v->core), NULL);
  return count_events (v, "kind = 'device-status' AND key = 'printer' AND value = 1") == 2;
}

/* Paper out makes the A4 printer unusable for availability; paper back, usable again. */
static void
test_paper_out_is_an_outage (Visit *v, gconstpointer data)
{
  g_autofree char *month = this_month ();
  g_autofree char *pdf = g_build_filename (v->dir, "report.pdf", NULL);
  g_autofree char *text = NULL;
  int status = -1;

  g_free (visit_ctl (v, NULL, "sim", "paper-out", "on", NULL));
  g_assert_true (hb_test_wait_until (printer_out_counted, v, 10000));
  g_free (visit_ctl (v, NULL, "sim", "paper-out", "off", NULL));
  g_assert_true (hb_test_wait_until (printer_back_counted, v, 10000));

  g_free (visit_ctl (v, &status, "report", "month", "--month", month, "--output", pdf, NULL));
  g_assert_cmpint (status, ==, 0);
  text = pdf_text (pdf);
  /* one outage of the printer, none of the reader (availability: "—" when the test ran
   * within one second) */
  g_assert_true (g_regex_match_simple ("A4打印机(—|[0-9.]+%)1", text, 0, 0));
  g_assert_true (g_regex_match_simple ("身份证读卡器(—|100\\.0%)0", text, 0, 0));
}

static gboolean
abandoned_counted (gpointer data)
{
  Visit *v = data;
  hb_usage_flush (hb_core_get_usage (v->core), NULL);
  return count_events (v, "kind = 'visit-abandoned'") == 1;
}

static void
test_an_idle_timeout_is_an_abandoned_visit (Visit *v, gconstpointer data)
{
  HbSession *s = hb_core_get_session (v->core);

  /* Identified, then nobody touches the screen: the idle timeout wipes the visit. */
  hb_session_set_timeouts (s, 200, 200);
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  g_assert_true (hb_test_wait_until (abandoned_counted, v, 20000));
  g_free (visit_ctl (v, NULL, "sim", "card-remove", NULL));
  g_assert_true (hb_usage_flush (hb_core_get_usage (v->core), NULL));
  g_assert_cmpint (hb_session_get_state (s), ==, HB_SESSION_ATTRACT);
  g_assert_cmpint (count_events (v, "kind = 'visit-started'"), ==, 1);
  g_assert_cmpint (count_events (v, "kind = 'visit-completed'"), ==, 0);
}

/* --- the kiosk queues last month's report by itself ------------------------------------ */

static void
setup_stopped (Visit *v, gconstpointer data)
{
  visit_setup_full (v, 4000, FALSE);
}

static gboolean
report_arrived (gpointer data)
{
  Visit *v = data;
  return hb_test_sim_count (v->sim, "/_sim/operations-reports") == 1;
}

static void
test_the_kiosk_uploads_last_month_by_itself (Visit *v, gconstpointer data)
{
  g_autofree char *db = hb_config_dup_db_path (v->config);
  g_autofree char *key = hb_config_dup_key_path (v->config);
  g_autofree char *month = hb_ops_report_previous_month (g_get_real_time () / G_USEC_PER_SEC);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) got = NULL;
  gint64 from, to;

  /* Last month, before this start: three visits, two completed. */
  g_assert_true (hb_usage_parse_month (month, &from, &to));
  {
    g_autoptr(HbStore) store = hb_store_open (db, key, &error);
    g_autoptr(HbUsage) usage = NULL;
    g_assert_no_error (error);
    usage = hb_usage_new (store);
    for (int i = 0; i < 3; i++)
      g_assert_true (hb_usage_record (usage, HB_USAGE_VISIT_STARTED, from + 3600 * (i + 9),
                                      NULL, 0, NULL));
    g_assert_true (hb_usage_record (usage, HB_USAGE_VISIT_COMPLETED, from + 9 * 3600 + 100,
                                    NULL, 100, NULL));
    g_assert_true (hb_usage_record (usage, HB_USAGE_VISIT_COMPLETED, from + 10 * 3600 + 100,
                                    NULL, 100, NULL));
    g_assert_true (hb_usage_record (usage, HB_USAGE_VISIT_ABANDONED, from + 11 * 3600 + 100,
                                    NULL, 30, NULL));
  }
  g_assert_true (hb_core_start (v->core, &error));
  g_assert_no_error (error);

  hb_core_queue_operations_report (v->core);
  g_assert_true (hb_test_wait_until (report_arrived, v, 20000));
  got = only_report (v);
  g_assert_cmpstr (json_object_get_string_member (got, "month"), ==, month);
  g_assert_cmpstr (json_object_get_string_member (got, "terminal_id"), ==,
                   hb_config_get_string (v->config, "terminal", "id"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (got, "idempotency_key"),
                                   "opsreport-auto-"));

  json_object_unref (only_report (v));
}

/* --print: through the kiosk's A4 path (CUPS), here a private cupsd with an IPP printer. */
static void
test_report_prints_on_the_a4_queue (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTestCupsd) cupsd = hb_test_cupsd_start (&error);
  g_autofree char *month = this_month ();
  g_autofree char *out = NULL;
  int status = -1;

  if (cupsd == NULL)
    {
      g_test_skip_printf ("no private cupsd here: %s", error->message);
      return;
    }
  two_visits (v);
  out = visit_ctl (v, &status, "report", "month", "--month", month, "--print",
                   "--cups-server", hb_test_cupsd_get_server (cupsd),
                   "--printer", hb_test_cupsd_get_queue (cupsd), "--timeout", "15", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, " completed on "));
  g_assert_cmpuint (hb_test_cupsd_count_printed (cupsd), ==, 1);
  /* no file was left behind in the working directory */
  g_assert_null (strstr (out, "report "));
}

static void
test_bad_arguments_are_usage_errors (Visit *v, gconstpointer data)
{
  int status = -1;
  g_free (visit_ctl (v, &status, "report", "month", "--month", "2026-13", NULL));
  g_assert_cmpint (status, ==, 2);
  g_free (visit_ctl (v, &status, "report", "week", NULL));
  g_assert_cmpint (status, ==, 2);
  g_free (visit_ctl (v, &status, "report", "month", "--bogus", NULL));
  g_assert_cmpint (status, ==, 2);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/integration/haobanctl/report/" path, Visit, NULL, \
                                  visit_setup, fn, visit_teardown)
  ADD ("visits-are-counted-without-personal-data", test_visits_are_counted_without_personal_data);
  ADD ("month-upload-reaches-the-platform", test_report_month_upload_reaches_the_platform);
  ADD ("upload-while-offline-is-queued-and-sent-later", test_upload_while_offline_is_sent_later);
  ADD ("paper-out-is-an-outage-of-the-printer", test_paper_out_is_an_outage);
  ADD ("an-idle-timeout-is-an-abandoned-visit", test_an_idle_timeout_is_an_abandoned_visit);
  g_test_add ("/integration/haobanctl/report/the-kiosk-uploads-last-month-by-itself-once", Visit,
              NULL, setup_stopped, test_the_kiosk_uploads_last_month_by_itself, visit_teardown);
  ADD ("month-print-goes-to-the-a4-queue", test_report_prints_on_the_a4_queue);
  ADD ("bad-arguments-are-usage-errors", test_bad_arguments_are_usage_errors);
#undef ADD
  return g_test_run ();
}
