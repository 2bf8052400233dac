/* test-usage.c — offline-cache/hb-usage.c: counters recorded off the caller's thread,
 * summaries over crafted events (rates, top services, hour and day buckets across a month
 * boundary, ratings, device availability, delivery delays), pruning, no personal data. */
#include "offline-cache/hb-usage.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/outbox-fixture.h"

#include <string.h>

#define ID_NUMBER "310104198506151237"
#define PHONE     "13800138000"

typedef struct {
  char    *dir, *db, *key;
  HbStore *store;
  HbUsage *usage;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("usage", &f->dir, &f->db, &f->key);
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->usage = hb_usage_new (f->store);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->usage);
  g_clear_object (&f->store);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
}

/* Local (Asia/Shanghai, set in main) unix time. */
static gint64
local (int y, int mo, int d, int h, int mi)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (y, mo, d, h, mi, 0);
  return g_date_time_to_unix (dt);
}

static void
rec (Fixture *f, HbUsageKind kind, gint64 at, const char *key, gint64 value)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_usage_record (f->usage, kind, at, key, value, &error));
  g_assert_no_error (error);
}

static HbUsageSummary *
summarize (Fixture *f, gint64 from, gint64 to)
{
  g_autoptr(GError) error = NULL;
  HbUsageSummary *s = hb_usage_summarize (f->usage, from, to, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

static gint64
count_rows (HbStore *store, const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM usage_event WHERE %s", where);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *st;
  gint64 n;

  hb_store_lock (store);
  st = hb_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  hb_store_unlock (store);
  return n;
}

/* --- tests ------------------------------------------------------------------------------ */

static void
test_migration_creates_the_event_table (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (hb_store_get_schema_version (f->store), ==, HB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (f->store, "1"), ==, 0);
}

static void
test_completion_and_abandon_rates (Fixture *f, gconstpointer data)
{
  gint64 t = local (2026, 11, 10, 9, 0);
  g_autoptr(HbUsageSummary) s = NULL;

  for (int i = 0; i < 4; i++)
    rec (f, HB_USAGE_VISIT_STARTED, t + i * 600, NULL, 0);
  rec (f, HB_USAGE_VISIT_COMPLETED, t + 100, NULL, 100);
  rec (f, HB_USAGE_VISIT_COMPLETED, t + 700, NULL, 300);
  rec (f, HB_USAGE_VISIT_COMPLETED, t + 1300, NULL, 200);
  rec (f, HB_USAGE_VISIT_ABANDONED, t + 1900, NULL, 90);
  rec (f, HB_USAGE_SUBMITTED, t + 90, "310000-GA-JZZ-0003", 0);

  s = summarize (f, local (2026, 11, 1, 0, 0), local (2026, 12, 1, 0, 0));
  g_assert_cmpuint (s->visits, ==, 4);
  g_assert_cmpuint (s->completed, ==, 3);
  g_assert_cmpuint (s->abandoned, ==, 1);
  g_assert_cmpfloat_with_epsilon (s->completion_rate, 0.75, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->abandon_rate, 0.25, 1e-9);
  /* durations 90 100 200 300 → (100 + 200) / 2 */
  g_assert_cmpint (s->visit_median_s, ==, 150);
  g_assert_cmpuint (s->submissions, ==, 1);
  g_assert_cmpuint (s->n_days, ==, 30);
  g_assert_cmpuint (s->visits_per_day[9], ==, 4);
  g_assert_cmpuint (s->visits_per_hour[9], ==, 4);
}

static void
test_no_visits_gives_zero_rates (Fixture *f, gconstpointer data)
{
  g_autoptr(HbUsageSummary) s = summarize (f, local (2026, 2, 1, 0, 0), local (2026, 3, 1, 0, 0));

  g_assert_cmpuint (s->visits + s->completed + s->abandoned, ==, 0);
  g_assert_cmpfloat (s->completion_rate, ==, 0);
  g_assert_cmpuint (s->n_days, ==, 28);
  g_assert_cmpuint (s->n_services + s->n_reasons + s->n_devices + s->deliveries, ==, 0);
}

static void
test_hour_and_day_buckets_across_a_month_boundary (Fixture *f, gconstpointer data)
{
  g_autoptr(HbUsageSummary) oct = NULL;
  g_autoptr(HbUsageSummary) nov = NULL;
  gint64 oct_from, oct_to, nov_from, nov_to;

  rec (f, HB_USAGE_VISIT_STARTED, local (2026, 10, 31, 23, 30), NULL, 0);
  rec (f, HB_USAGE_VISIT_STARTED, local (2026, 10, 31, 23, 59), NULL, 0);
  rec (f, HB_USAGE_VISIT_STARTED, local (2026, 11, 1, 0, 10), NULL, 0);
  rec (f, HB_USAGE_VISIT_STARTED, local (2026, 11, 30, 17, 45), NULL, 0);
  rec (f, HB_USAGE_VISIT_STARTED, local (2026, 12, 1, 0, 0), NULL, 0);   /* not November */

  g_assert_true (hb_usage_parse_month ("2026-10", &oct_from, &oct_to));
  g_assert_true (hb_usage_parse_month ("2026-11", &nov_from, &nov_to));
  g_assert_cmpint (oct_to, ==, nov_from);
  g_assert_cmpint (nov_from, ==, local (2026, 11, 1, 0, 0));

  oct = summarize (f, oct_from, oct_to);
  g_assert_cmpuint (oct->visits, ==, 2);
  g_assert_cmpuint (oct->n_days, ==, 31);
  g_assert_cmpuint (oct->visits_per_day[30], ==, 2);
  g_assert_cmpuint (oct->visits_per_hour[23], ==, 2);
  g_assert_cmpuint (oct->visits_per_hour[0], ==, 0);
  g_assert_cmpint (g_date_time_get_day_of_month (oct->first_day), ==, 1);
  g_assert_cmpint (g_date_time_get_month (oct->first_day), ==, 10);

  nov = summarize (f, nov_from, nov_to);
  g_assert_cmpuint (nov->visits, ==, 2);
  g_assert_cmpuint (nov->n_days, ==, 30);
  g_assert_cmpuint (nov->visits_per_day[0], ==, 1);
  g_assert_cmpuint (nov->visits_per_day[29], ==, 1);
  g_assert_cmpuint (nov->visits_per_hour[0], ==, 1);
  g_assert_cmpuint (nov->visits_per_hour[17], ==, 1);
  g_assert_cmpuint (nov->visits_per_hour[23], ==, 0);
}

static void
test_top_services_and_reasons_are_ranked (Fixture *f, gconstpointer data)
{
  gint64 t = local (2026, 11, 3, 10, 0);
  g_autoptr(HbUsageSummary) s = NULL;
  const char **labels = NULL;
  double *values = NULL;
  guint n;

  for (int i = 0; i < 5; i++)
    rec (f, HB_USAGE_SERVICE_CHOSEN, t + i, "310000-RS-SBDY-0012", 0);
  for (int i = 0; i < 2; i++)
    rec (f, HB_USAGE_SERVICE_CHOSEN, t + i, "310000-GA-JZZ-0003", 0);
  for (int i = 0; i < 2; i++)
    rec (f, HB_USAGE_SERVICE_CHOSEN, t + i, "310000-BB-AAAA-0001", 0);
  rec (f, HB_USAGE_SERVICE_CHOSEN, t, "310000-YB-CX-0001", 0);
  rec (f, HB_USAGE_REPORT, t, "材料不全", 0);
  rec (f, HB_USAGE_REPORT, t + 1, "材料不全", 0);
  rec (f, HB_USAGE_REPORT, t + 2, "设备故障", 0);

  s = summarize (f, local (2026, 11, 1, 0, 0), local (2026, 12, 1, 0, 0));
  g_assert_cmpuint (s->n_services, ==, 4);
  g_assert_cmpstr (s->services[0].key, ==, "310000-RS-SBDY-0012");
  g_assert_cmpuint (s->services[0].count, ==, 5);
  /* a tie goes by code */
  g_assert_cmpstr (s->services[1].key, ==, "310000-BB-AAAA-0001");
  g_assert_cmpstr (s->services[2].key, ==, "310000-GA-JZZ-0003");
  g_assert_cmpuint (s->services[3].count, ==, 1);

  g_assert_cmpuint (s->reports, ==, 3);
  g_assert_cmpuint (s->n_reasons, ==, 2);
  g_assert_cmpstr (s->reasons[0].key, ==, "材料不全");
  g_assert_cmpuint (s->reasons[0].count, ==, 2);

  n = hb_usage_counts_top (s->services, s->n_services, 3, &labels, &values);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (labels[0], ==, "310000-RS-SBDY-0012");
  g_assert_null (labels[3]);
  g_assert_cmpfloat (values[0], ==, 5);
  g_assert_cmpfloat (values[2], ==, 2);
  g_free (labels);
  g_free (values);
}

static void
test_rating_distribution (Fixture *f, gconstpointer data)
{
  gint64 t = local (2026, 11, 5, 15, 0);
  int levels[] = { 5, 5, 5, 4, 1 };
  g_autoptr(HbUsageSummary) s = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    rec (f, HB_USAGE_RATING, t + i, NULL, levels[i]);
  g_assert_false (hb_usage_record (f->usage, HB_USAGE_RATING, t, NULL, 6, &error));
  g_assert_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);

  s = summarize (f, local (2026, 11, 1, 0, 0), local (2026, 12, 1, 0, 0));
  g_assert_cmpuint (s->n_ratings, ==, 5);
  g_assert_cmpuint (s->ratings[4], ==, 3);
  g_assert_cmpuint (s->ratings[3], ==, 1);
  g_assert_cmpuint (s->ratings[1], ==, 0);
  g_assert_cmpuint (s->ratings[0], ==, 1);
  g_assert_cmpfloat_with_epsilon (s->rating_mean, 4.0, 1e-9);
}

static void
test_device_availability (Fixture *f, gconstpointer data)
{
  gint64 from = local (2026, 11, 1, 0, 0), to = local (2026, 11, 2, 0, 0);
  g_autoptr(HbUsageSummary) s = NULL;

  /* printer: usable since before the day; out 06:00–12:00 → 75 %, one outage */
  rec (f, HB_USAGE_DEVICE_STATUS, from - 3600, "printer", 1);
  rec (f, HB_USAGE_DEVICE_STATUS, from + 6 * 3600, "printer", 0);
  rec (f, HB_USAGE_DEVICE_STATUS, from + 12 * 3600, "printer", 1);
  /* idcard: first known at 12:00 (usable), so half the day is observed, all usable */
  rec (f, HB_USAGE_DEVICE_STATUS, from + 12 * 3600, "idcard", 1);
  /* scanner: only known after the day → not in this summary */
  rec (f, HB_USAGE_DEVICE_STATUS, to + 60, "scanner", 0);

  s = summarize (f, from, to);
  g_assert_cmpuint (s->n_devices, ==, 2);
  g_assert_cmpstr (s->devices[0].kind, ==, "idcard");
  g_assert_cmpint (s->devices[0].observed_s, ==, 12 * 3600);
  g_assert_cmpfloat_with_epsilon (s->devices[0].availability, 1.0, 1e-9);
  g_assert_cmpuint (s->devices[0].outages, ==, 0);
  g_assert_cmpstr (s->devices[1].kind, ==, "printer");
  g_assert_cmpint (s->devices[1].observed_s, ==, 24 * 3600);
  g_assert_cmpint (s->devices[1].usable_s, ==, 18 * 3600);
  g_assert_cmpfloat_with_epsilon (s->devices[1].availability, 0.75, 1e-9);
  g_assert_cmpuint (s->devices[1].outages, ==, 1);
}

static void
test_delivery_delays (Fixture *f, gconstpointer data)
{
  gint64 t = local (2026, 11, 7, 8, 0);
  g_autoptr(HbUsageSummary) s = NULL;

  /* 1..20 s and one long outage of 3600 s: median 11, p95 (rank 20 of 21) 20, max 3600 */
  for (int i = 1; i <= 20; i++)
    rec (f, HB_USAGE_DELIVERY_DELAY, t + i, "application", i);
  rec (f, HB_USAGE_DELIVERY_DELAY, t + 100, "rating", 3600);

  s = summarize (f, local (2026, 11, 1, 0, 0), local (2026, 12, 1, 0, 0));
  g_assert_cmpuint (s->deliveries, ==, 21);
  g_assert_cmpint (s->delay_median_s, ==, 11);
  g_assert_cmpint (s->delay_p95_s, ==, 20);
  g_assert_cmpint (s->delay_max_s, ==, 3600);
}

static void
test_delivery_is_measured_from_the_outbox_row (Fixture *f, gconstpointer data)
{
  g_autoptr(HbOutbox) outbox = hb_outbox_new (f->store);
  g_autofree char *key = outbox_fixture_enqueue (outbox, "rating", "/v1/ratings",
                                                 "{\"level\":5}");
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (outbox, key, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbUsageSummary) s = NULL;
  gint64 delivered = item->created_at + 42;

  g_assert_true (hb_usage_record_delivery (f->usage, key, delivered, &error));
  g_assert_no_error (error);
  /* an unknown key records nothing; a malformed one is refused */
  g_assert_true (hb_usage_record_delivery (f->usage, "00000000-0000-4000-8000-000000000000",
                                           delivered, &error));
  g_assert_false (hb_usage_record_delivery (f->usage, "bad key'", delivered, &error));
  g_assert_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);

  s = summarize (f, item->created_at - 10, delivered + 10);
  g_assert_cmpuint (s->deliveries, ==, 1);
  g_assert_cmpint (s->delay_max_s, ==, 42);
  g_assert_cmpint (count_rows (f->store, "kind = 'delivery-delay' AND key = 'rating'"), ==, 1);
}

static void
test_rows_older_than_400_days_are_pruned (Fixture *f, gconstpointer data)
{
  /* a "now" 100 days ahead, so the writer's own pruning (by the real clock) keeps all */
  gint64 now = g_get_real_time () / G_USEC_PER_SEC + 100 * 86400;
  g_autoptr(GError) error = NULL;
  gint64 pruned;

  rec (f, HB_USAGE_VISIT_STARTED, now - 401 * 86400, NULL, 0);
  rec (f, HB_USAGE_RATING, now - 450 * 86400, NULL, 3);
  rec (f, HB_USAGE_VISIT_STARTED, now - 399 * 86400, NULL, 0);
  rec (f, HB_USAGE_VISIT_STARTED, now - 1, NULL, 0);
  g_assert_true (hb_usage_flush (f->usage, &error));
  g_assert_cmpint (count_rows (f->store, "1"), ==, 4);

  pruned = hb_usage_prune (f->usage, now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pruned, ==, 2);
  g_assert_cmpint (count_rows (f->store, "1"), ==, 2);
  g_assert_cmpint (count_rows (f->store, "at < 0"), ==, 0);
  g_assert_cmpint (hb_usage_prune (f->usage, now, &error), ==, 0);
}

static void
test_the_writer_prunes_by_itself (Fixture *f, gconstpointer data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  rec (f, HB_USAGE_VISIT_STARTED, now - 401 * 86400, NULL, 0);
  rec (f, HB_USAGE_VISIT_STARTED, now - 60, NULL, 0);
  g_assert_true (hb_usage_flush (f->usage, NULL));
  g_assert_cmpint (count_rows (f->store, "1"), ==, 1);
}

static void
test_personal_data_is_refused_and_never_quoted (Fixture *f, gconstpointer data)
{
  const char *bad[] = { ID_NUMBER, "31010419850615123X", PHONE, "tel:" PHONE, "张 三",
                        "line\nbreak", "", "a-key-that-is-far-too-long-to-be-any-code-we-use-"
                        "anywhere-on-the-terminal" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (hb_usage_record (f->usage, HB_USAGE_SERVICE_CHOSEN, 0, bad[i], 0, &error));
      g_assert_error (error, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);
      g_assert_null (strstr (error->message, "3800138000"));
      g_assert_null (strstr (error->message, "198506"));
      g_assert_null (strstr (error->message, "张"));
    }
  /* codes and reason names pass */
  rec (f, HB_USAGE_SERVICE_CHOSEN, 0, "310000-GA-JZZ-0003", 0);
  rec (f, HB_USAGE_REPORT, 0, "不符合条件", 0);
  rec (f, HB_USAGE_DEVICE_STATUS, 0, "receipt-printer", 1);
  g_assert_true (hb_usage_flush (f->usage, NULL));
  g_assert_cmpint (count_rows (f->store, "1"), ==, 3);
  g_assert_cmpint (count_rows (f->store, "key GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9]"
                                          "[0-9][0-9][0-9][0-9]*'"), ==, 0);
}

static void
test_other_bad_events_are_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;

  g_assert_false (hb_usage_record (f->usage, HB_USAGE_N_KINDS, 0, NULL, 0, &e1));
  g_assert_error (e1, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);
  g_assert_false (hb_usage_record (f->usage, HB_USAGE_VISIT_COMPLETED, 0, NULL, -5, &e2));
  g_assert_error (e2, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);
  g_assert_false (hb_usage_record (f->usage, HB_USAGE_DEVICE_STATUS, 0, "printer", 2, &e3));
  g_assert_error (e3, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);
  g_assert_false (hb_usage_record (f->usage, HB_USAGE_REPORT, 0, NULL, 0, &e4));
  g_assert_error (e4, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);
  g_assert_true (hb_usage_flush (f->usage, NULL));
  g_assert_cmpint (count_rows (f->store, "1"), ==, 0);
}

static void
test_invalid_periods_are_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  gint64 from, to;

  g_assert_null (hb_usage_summarize (f->usage, 100, 100, &e1));
  g_assert_error (e1, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);
  from = local (2024, 1, 1, 0, 0);
  g_assert_null (hb_usage_summarize (f->usage, from, from + 500 * 86400, &e2));
  g_assert_error (e2, HB_USAGE_ERROR, HB_USAGE_ERROR_INVALID);
  g_assert_false (hb_usage_parse_month ("2026-13", &from, &to));
  g_assert_false (hb_usage_parse_month ("2026-1", &from, &to));
  g_assert_false (hb_usage_parse_month ("26-11-01", &from, &to));
  g_assert_false (hb_usage_parse_month (NULL, &from, &to));
  g_assert_true (hb_usage_parse_month ("2026-12", &from, &to));
  g_assert_cmpint (to, ==, local (2027, 1, 1, 0, 0));
  hb_usage_month_bounds (local (2026, 2, 14, 13, 0), &from, &to);
  g_assert_cmpint (from, ==, local (2026, 2, 1, 0, 0));
  g_assert_cmpint (to, ==, local (2026, 3, 1, 0, 0));
}

/* Many threads record at once; everything recorded before a summary is in it, and the
 * writer thread (not the callers) wrote it. */
#define THREADS 4
#define PER_THREAD 500

static gpointer
record_many (gpointer data)
{
  Fixture *f = data;
  gint64 t = local (2026, 11, 20, 14, 0);

  for (int i = 0; i < PER_THREAD; i++)
    g_assert_true (hb_usage_record (f->usage, HB_USAGE_VISIT_STARTED, t + i, NULL, 0, NULL));
  return NULL;
}

static void
test_recording_from_many_threads (Fixture *f, gconstpointer data)
{
  GThread *threads[THREADS];
  g_autoptr(HbUsageSummary) s = NULL;

  for (int i = 0; i < THREADS; i++)
    threads[i] = g_thread_new ("rec", record_many, f);
  for (int i = 0; i < THREADS; i++)
    g_thread_join (threads[i]);
  s = summarize (f, local (2026, 11, 1, 0, 0), local (2026, 12, 1, 0, 0));
  g_assert_cmpuint (s->visits, ==, THREADS * PER_THREAD);
  g_assert_cmpuint (hb_usage_get_dropped (f->usage), ==, 0);
}

static gboolean
rows_written (gpointer data)
{
  Fixture *f = data;
  return count_rows (f->store, "1") == 2;
}

static void
test_the_writer_thread_commits_without_a_flush (Fixture *f, gconstpointer data)
{
  rec (f, HB_USAGE_VISIT_STARTED, 0, NULL, 0);
  rec (f, HB_USAGE_VISIT_ABANDONED, 0, NULL, 12);
  g_assert_true (hb_test_wait_until (rows_written, f, 10000));
}

static void
test_events_queued_at_dispose_are_kept (Fixture *f, gconstpointer data)
{
  for (int i = 0; i < 50; i++)
    rec (f, HB_USAGE_SERVICE_CHOSEN, 0, "310000-GA-JZZ-0003", 0);
  g_clear_object (&f->usage);
  g_assert_cmpint (count_rows (f->store, "kind = 'service-chosen'"), ==, 50);
}

static void
summarized (GObject *source, GAsyncResult *result, gpointer data)
{
  HbUsageSummary **out = data;
  g_autoptr(GError) error = NULL;

  *out = hb_usage_summarize_finish (HB_USAGE (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
test_summarize_async (Fixture *f, gconstpointer data)
{
  g_autoptr(HbUsageSummary) s = NULL;

  rec (f, HB_USAGE_VISIT_STARTED, local (2026, 11, 9, 11, 0), NULL, 0);
  hb_usage_summarize_async (f->usage, local (2026, 11, 1, 0, 0), local (2026, 12, 1, 0, 0),
                            NULL, summarized, &s);
  g_assert_true (hb_test_wait_until (is_set, &s, 10000));
  g_assert_cmpuint (s->visits, ==, 1);
  g_assert_cmpuint (s->visits_per_hour[11], ==, 1);
}

int
main (int argc, char **argv)
{
  /* Hours and days are local: pin the zone the terminals run in. */
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/offline-cache/usage/" path, Fixture, NULL, \
                                  fixture_setup, fn, fixture_teardown)
  ADD ("migration-creates-the-event-table", test_migration_creates_the_event_table);
  ADD ("summary/completion-and-abandon-rates-over-ended-visits",
       test_completion_and_abandon_rates);
  ADD ("summary/no-visits-gives-zero-rates", test_no_visits_gives_zero_rates);
  ADD ("summary/hour-and-day-buckets-are-local-across-a-month-boundary",
       test_hour_and_day_buckets_across_a_month_boundary);
  ADD ("summary/top-services-and-reasons-are-ranked-ties-by-code",
       test_top_services_and_reasons_are_ranked);
  ADD ("summary/rating-distribution-and-mean", test_rating_distribution);
  ADD ("summary/device-availability-is-the-usable-share-of-observed-time",
       test_device_availability);
  ADD ("summary/delivery-delays-median-p95-max", test_delivery_delays);
  ADD ("delivery-delay-is-measured-from-the-outbox-row",
       test_delivery_is_measured_from_the_outbox_row);
  ADD ("rows-older-than-400-days-are-pruned", test_rows_older_than_400_days_are_pruned);
  ADD ("the-writer-prunes-old-rows-by-itself", test_the_writer_prunes_by_itself);
  ADD ("personal-data-is-refused-and-never-quoted",
       test_personal_data_is_refused_and_never_quoted);
  ADD ("bad-kinds-values-and-missing-keys-are-refused", test_other_bad_events_are_refused);
  ADD ("invalid-periods-and-months-are-refused", test_invalid_periods_are_refused);
  ADD ("recording-from-many-threads-loses-nothing", test_recording_from_many_threads);
  ADD ("the-writer-thread-commits-without-a-flush",
       test_the_writer_thread_commits_without_a_flush);
  ADD ("events-queued-at-dispose-are-kept", test_events_queued_at_dispose_are_kept);
  ADD ("summarize-async-runs-off-the-main-thread", test_summarize_async);
#undef ADD

  return g_test_run ();
}
