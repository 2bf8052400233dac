/* test-ops-report.c — kiosk/hb-ops-report.c: the monthly operations report PDF, checked
 * with pdftotext and pdfinfo (poppler-utils): terminal id, month, the figures, reason and
 * service names, device availability, delays; two A4 pages; empty months; bad input. */
#include "kiosk/hb-ops-report.h"
#include "kiosk/hb-document.h"
#include "offline-cache/hb-store.h"
#include "tests/common/hb-test-util.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define TERMINAL "SH-XH-0042"

/* 3 of 4 visits completed, a month of November 2026 in Asia/Shanghai. */
static HbUsageSummary *
sample_summary (void)
{
  HbUsageSummary *s = g_new0 (HbUsageSummary, 1);
  gint64 from, to;

  g_assert_true (hb_usage_parse_month ("2026-11", &from, &to));
  s->from = from;
  s->to = to;
  s->visits = 4;
  s->completed = 3;
  s->abandoned = 1;
  s->completion_rate = 0.75;
  s->abandon_rate = 0.25;
  s->visit_median_s = 150;
  s->visits_per_hour[9] = 3;
  s->visits_per_hour[14] = 1;
  s->first_day = g_date_time_new_local (2026, 11, 1, 0, 0, 0);
  s->n_days = 30;
  s->visits_per_day = g_new0 (guint, 30);
  s->visits_per_day[2] = 3;
  s->visits_per_day[17] = 1;
  s->submissions = 3;
  s->n_services = 2;
  s->services = g_new0 (HbUsageCount, 2);
  s->services[0] = (HbUsageCount) { g_strdup ("310000-GA-JZZ-0003"), 3 };
  s->services[1] = (HbUsageCount) { g_strdup ("310000-RS-SBDY-0012"), 1 };
  s->reports = 3;
  s->n_reasons = 2;
  s->reasons = g_new0 (HbUsageCount, 2);
  s->reasons[0] = (HbUsageCount) { g_strdup ("材料不全"), 2 };
  s->reasons[1] = (HbUsageCount) { g_strdup ("设备故障"), 1 };
  s->ratings[4] = 2;
  s->ratings[3] = 1;
  s->n_ratings = 3;
  s->rating_mean = 14.0 / 3;
  s->n_devices = 2;
  s->devices = g_new0 (HbUsageDevice, 2);
  s->devices[0] = (HbUsageDevice) { g_strdup ("idcard"), 1.0, 86400 * 30, 86400 * 30, 0 };
  s->devices[1] = (HbUsageDevice) { g_strdup ("printer"), 0.75, 86400 * 30,
                                    86400 * 30 * 3 / 4, 2 };
  s->deliveries = 5;
  s->delay_median_s = 11;
  s->delay_p95_s = 200;
  s->delay_max_s = 3700;
  return s;
}

/* Runs argv (NULL-terminated) and returns its stdout; it must exit 0. */
static char *
run_tool (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* pdftotext output with runs of white space folded to one space. */
static char *
pdf_text (GBytes *pdf, const char *name, guint *pages)
{
  g_autofree char *path = hb_test_output_path (name);
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *info = NULL;
  g_autoptr(GRegex) ws = g_regex_new ("\\s+", 0, 0, NULL);
  const char *p;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL),
                                      g_bytes_get_size (pdf), &error));
  g_assert_no_error (error);
  {
    const char *totext[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
    const char *pdfinfo[] = { "pdfinfo", path, NULL };
    raw = run_tool (totext);
    info = run_tool (pdfinfo);
  }
  p = strstr (info, "Pages:");
  g_assert_nonnull (p);
  *pages = (guint) atoi (p + strlen ("Pages:"));
  g_assert_nonnull (strstr (info, "595.276 x 841.89"));   /* A4 */
  return g_regex_replace_literal (ws, raw, -1, 0, " ", 0, NULL);
}

/* pdftotext drops some spaces between CJK and digits: compare without white space. */
static void
assert_has (const char *text, const char *needle)
{
  g_autoptr(GRegex) ws = g_regex_new ("\\s+", 0, 0, NULL);
  g_autofree char *t = g_regex_replace_literal (ws, text, -1, 0, "", 0, NULL);
  g_autofree char *n = g_regex_replace_literal (ws, needle, -1, 0, "", 0, NULL);

  if (strstr (t, n) == NULL)
    g_error ("report text lacks \"%s\" (text in the test output folder)", needle);
}

static void
test_report_holds_the_figures (void)
{
  g_autoptr(HbUsageSummary) s = sample_summary ();
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDateTime) gen = g_date_time_new_local (2026, 12, 1, 8, 0, 0);
  HbOpsReport r = { TERMINAL, "2026-11", s, gen, names };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *text = NULL;
  guint pages = 0;

  g_hash_table_insert (names, "310000-GA-JZZ-0003", "居住证签注");
  pdf = hb_ops_report_render (&r, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  text = pdf_text (pdf, "ops-report-2026-11.pdf", &pages);
  g_test_message ("report: %u pages, %" G_GSIZE_FORMAT " bytes", pages, g_bytes_get_size (pdf));
  g_assert_cmpuint (pages, ==, 2);
  g_assert_cmpuint (g_bytes_get_size (pdf), <, 512 * 1024);

  assert_has (text, TERMINAL);
  assert_has (text, "2026-11");
  assert_has (text, "2026年11月");
  assert_has (text, "访问人次 4");
  assert_has (text, "完成率 75.0%");
  assert_has (text, "放弃率 25.0%");
  assert_has (text, "提交申请 3 件");
  assert_has (text, "办理时长中位数 2 分 30 秒");
  assert_has (text, "评价 3 条，平均 4.7 分");
  /* reasons and services by name; a service without a name by its code */
  assert_has (text, "材料不全");
  assert_has (text, "设备故障");
  assert_has (text, "居住证签注");
  assert_has (text, "310000-RS-SBDY-0012");
  /* device availability */
  assert_has (text, "身份证读卡器 100.0%");
  assert_has (text, "A4 打印机 75.0% 2");
  /* delays */
  assert_has (text, "中位数 11 秒");
  assert_has (text, "95 分位 3 分 20 秒");
  assert_has (text, "最长 1 小时 1 分");
  /* chart titles and the footer */
  assert_has (text, "每日访问人次");
  assert_has (text, "各时段访问人次");
  assert_has (text, "热门服务");
  assert_has (text, "评价分布");
  assert_has (text, "第 2 页 / 共 2 页");
  assert_has (text, "不含任何个人信息");
}

static void
test_same_counters_same_bytes (void)
{
  g_autoptr(HbUsageSummary) s = sample_summary ();
  g_autoptr(GDateTime) gen = g_date_time_new_local (2026, 12, 1, 8, 0, 0);
  HbOpsReport r = { TERMINAL, "2026-11", s, gen, NULL };
  g_autoptr(GBytes) a = hb_ops_report_render (&r, NULL);
  g_autoptr(GBytes) b = hb_ops_report_render (&r, NULL);

  g_assert_nonnull (a);
  g_assert_true (g_bytes_equal (a, b));
}

static void
test_an_empty_month_says_no_data (void)
{
  HbUsageSummary *s = g_new0 (HbUsageSummary, 1);
  g_autoptr(HbUsageSummary) owned = s;
  HbOpsReport r = { TERMINAL, "2026-02", s, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *text = NULL;
  guint pages = 0;

  s->first_day = g_date_time_new_local (2026, 2, 1, 0, 0, 0);
  s->n_days = 28;
  s->visits_per_day = g_new0 (guint, 28);
  pdf = hb_ops_report_render (&r, &error);
  g_assert_no_error (error);
  text = pdf_text (pdf, "ops-report-empty.pdf", &pages);
  g_assert_cmpuint (pages, ==, 2);
  assert_has (text, "2026年2月");
  assert_has (text, "访问人次 0");
  assert_has (text, "完成率 0.0%");
  assert_has (text, "暂无数据");
  assert_has (text, "本月无设备状态记录");
  assert_has (text, "本月没有回传记录");
}

static void
test_bad_input_is_refused (void)
{
  g_autoptr(HbUsageSummary) s = sample_summary ();
  HbOpsReport no_id = { NULL, "2026-11", s, NULL, NULL };
  HbOpsReport bad_month = { TERMINAL, "2026-13", s, NULL, NULL };
  HbOpsReport no_summary = { TERMINAL, "2026-11", NULL, NULL, NULL };
  HbOpsReport *bad[] = { &no_id, &bad_month, &no_summary };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_null (hb_ops_report_render (bad[i], &error));
      g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
    }
}

static void
test_upload_body_carries_the_pdf (void)
{
  g_autoptr(HbUsageSummary) s = sample_summary ();
  g_autoptr(GDateTime) gen = g_date_time_new_local (2026, 12, 1, 8, 0, 0);
  HbOpsReport r = { TERMINAL, "2026-11", s, gen, NULL };
  g_autoptr(GBytes) pdf = hb_ops_report_render (&r, NULL);
  g_autofree char *key = NULL, *key2 = NULL, *sha = NULL;
  g_autofree char *body = hb_ops_report_upload_body (TERMINAL, "2026-11", pdf, NULL, &key);
  g_autofree char *again = hb_ops_report_upload_body (TERMINAL, "2026-11", pdf, NULL, &key2);
  g_autofree guchar *decoded = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  gsize n = 0;

  g_assert_nonnull (body);
  node = json_from_string (body, NULL);
  g_assert_nonnull (node);
  o = json_node_get_object (node);
  /* the key: content-derived, stable, a valid outbox key */
  g_assert_true (g_str_has_prefix (key, "opsreport-"));
  g_assert_cmpuint (strlen (key), <=, 64);
  g_assert_cmpstr (key, ==, key2);
  g_assert_cmpstr (json_object_get_string_member (o, "idempotency_key"), ==, key);
  g_assert_cmpstr (json_object_get_string_member (o, "terminal_id"), ==, TERMINAL);
  g_assert_cmpstr (json_object_get_string_member (o, "month"), ==, "2026-11");
  decoded = g_base64_decode (json_object_get_string_member (o, "pdf_base64"), &n);
  g_assert_cmpuint (n, ==, g_bytes_get_size (pdf));
  g_assert_cmpmem (decoded, n, g_bytes_get_data (pdf, NULL), n);
  g_assert_cmpint (json_object_get_int_member (o, "bytes"), ==, (gint64) n);
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  g_assert_cmpstr (json_object_get_string_member (o, "sha256"), ==, sha);
}

static void
test_auto_key_and_previous_month (void)
{
  g_autofree char *a = hb_ops_report_auto_key (TERMINAL, "2026-11");
  g_autofree char *b = hb_ops_report_auto_key (TERMINAL, "2026-11");
  g_autofree char *c = hb_ops_report_auto_key (TERMINAL, "2026-10");
  g_autofree char *d = hb_ops_report_auto_key ("SH-XH-0043", "2026-11");
  g_autoptr(GDateTime) jan = g_date_time_new_local (2027, 1, 1, 0, 30, 0);
  g_autoptr(GDateTime) mid = g_date_time_new_local (2026, 11, 28, 9, 0, 0);
  g_autofree char *dec = hb_ops_report_previous_month (g_date_time_to_unix (jan));
  g_autofree char *oct = hb_ops_report_previous_month (g_date_time_to_unix (mid));

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpstr (a, !=, d);
  g_assert_true (g_str_has_prefix (a, "opsreport-auto-"));
  g_assert_cmpuint (strlen (a), <=, 64);
  g_assert_cmpstr (dec, ==, "2026-12");
  g_assert_cmpstr (oct, ==, "2026-10");
}

/* From counters in a store: nothing for an empty month, a body for one with events. */
static void
test_build_upload_from_counters (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("ops-report");
  g_autofree char *db = g_build_filename (dir, "haoban.db", NULL);
  g_autofree char *keyf = g_build_filename (dir, "store.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (db, keyf, &error);
  g_autoptr(HbUsage) usage = NULL;
  g_autofree char *empty = NULL, *body = NULL;
  gint64 from, to;

  g_assert_no_error (error);
  usage = hb_usage_new (store);
  empty = hb_ops_report_build_upload (usage, TERMINAL, "2026-10", NULL, "k-1", &error);
  g_assert_no_error (error);
  g_assert_null (empty);

  g_assert_true (hb_usage_parse_month ("2026-10", &from, &to));
  g_assert_true (hb_usage_record (usage, HB_USAGE_VISIT_STARTED, from + 100, NULL, 0, NULL));
  body = hb_ops_report_build_upload (usage, TERMINAL, "2026-10", NULL, "k-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_nonnull (strstr (body, "\"idempotency_key\":\"k-1\""));
  g_assert_nonnull (strstr (body, "\"month\":\"2026-10\""));
  g_assert_null (hb_ops_report_build_upload (usage, TERMINAL, "2026/10", NULL, "k-1", &error));
  g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);

  g_clear_object (&usage);
  g_clear_object (&store);
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/ops-report/pdf-holds-terminal-month-rates-reasons-devices-delays",
                   test_report_holds_the_figures);
  g_test_add_func ("/kiosk/ops-report/same-counters-give-the-same-bytes",
                   test_same_counters_same_bytes);
  g_test_add_func ("/kiosk/ops-report/an-empty-month-says-no-data",
                   test_an_empty_month_says_no_data);
  g_test_add_func ("/kiosk/ops-report/bad-input-is-refused", test_bad_input_is_refused);
  g_test_add_func ("/kiosk/ops-report/upload-body-carries-the-pdf-with-its-size-and-sha256",
                   test_upload_body_carries_the_pdf);
  g_test_add_func ("/kiosk/ops-report/auto-key-is-one-per-terminal-and-month",
                   test_auto_key_and_previous_month);
  g_test_add_func ("/kiosk/ops-report/build-upload-skips-an-empty-month",
                   test_build_upload_from_counters);
  return g_test_run ();
}
