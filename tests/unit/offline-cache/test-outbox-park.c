/* test-outbox-park.c — parked outbox items (offline-cache/hb-outbox.c, schema step 3, and the
 * parking policy of hb-sync.c against the real haoban-platform-sim). */
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store-private.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/sync-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define WAIT_MS 20000
#define BODY \
  "{\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-XH-0001\"," \
  "\"applicant\":{\"id_type\":\"resident\",\"id_number\":\"310104198506151237\",\"name\":\"张伟\"}}"

typedef struct {
  char      *dir;
  char      *db;
  char      *key;
  HbStore   *store;
  HbOutbox  *outbox;
  HbTestSim *sim;
  HbSync    *sync;
  GPtrArray *parked;      /* keys from "parked" */
  GPtrArray *delivered;   /* keys from "delivered" */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("outbox-park", &f->dir, &f->db, &f->key);
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->outbox = hb_outbox_new (f->store);
  f->parked = g_ptr_array_new_with_free_func (g_free);
  f->delivered = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  sync_fixture_close (&f->sync, &f->outbox, &f->store, &f->sim);
  g_ptr_array_unref (f->parked);
  g_ptr_array_unref (f->delivered);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
}

static char *
enqueue (Fixture *f, const char *kind)
{
  return outbox_fixture_enqueue (f->outbox, kind,
                                 kind[0] == 'r' ? "/v1/ratings" : "/v1/applications", BODY);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* --- the queue ------------------------------------------------------------------------- */

static void
test_parks_after_n_failures (Fixture *f, gconstpointer data)
{
  g_autofree char *key = enqueue (f, "application");
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_autoptr(GError) error = NULL;
  gboolean parked = TRUE;

  for (guint i = 1; i <= 3; i++)
    {
      g_assert_true (hb_outbox_mark_failed (f->outbox, item->id, 0, "http 503", 3, 0, &parked,
                                            &error));
      g_assert_no_error (error);
      g_assert_true (parked == (i == 3));
    }
  g_autoptr(HbOutboxItem) after = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpint (after->state, ==, HB_OUTBOX_PARKED);
  g_assert_cmpstr (after->last_error, ==, "http 503");
  g_assert_cmpuint (after->failures, ==, 3);
  g_assert_cmpuint (after->attempts, ==, 3);
  g_assert_cmpint (after->parked_at, >, 0);
  /* Kept with its body, never retried automatically. */
  g_assert_nonnull (after->body);
  g_assert_null (hb_outbox_next_due (f->outbox, G_MAXINT64, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hb_outbox_next_due_time (f->outbox), ==, G_MAXINT64);
  /* No further failure can be recorded on it. */
  g_assert_false (hb_outbox_mark_failed (f->outbox, item->id, 0, "x", 3, 0, NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
}

static void
test_parked_item_does_not_hold_later_items_of_its_kind (Fixture *f, gconstpointer data)
{
  g_autofree char *first = enqueue (f, "application");
  g_autofree char *second = enqueue (f, "application");
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_outbox_park (f->outbox, first, "parked by staff", &error));
  g_assert_no_error (error);
  g_autoptr(HbOutboxItem) due = hb_outbox_next_due (f->outbox, now_s (), &error);
  g_assert_no_error (error);
  g_assert_nonnull (due);
  g_assert_cmpstr (due->key, ==, second);
}

static void
test_transport_failures_never_park (Fixture *f, gconstpointer data)
{
  g_autofree char *key = enqueue (f, "application");
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < HB_OUTBOX_PARK_AFTER_FAILURES + 5; i++)
    g_assert_true (hb_outbox_mark_retry (f->outbox, item->id, 0, "network: down", &error));
  g_autoptr(HbOutboxItem) after = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpint (after->state, ==, HB_OUTBOX_PENDING);
  g_assert_cmpuint (after->failures, ==, 0);
  g_assert_cmpuint (after->attempts, ==, HB_OUTBOX_PARK_AFTER_FAILURES + 5);
}

static void
test_age_parks_only_after_a_few_failures (Fixture *f, gconstpointer data)
{
  g_autofree char *key = enqueue (f, "application");
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_autoptr(GError) error = NULL;
  gboolean parked = TRUE;
  sqlite3_stmt *stmt;

  /* Queued long ago (a long outage). */
  stmt = hb_store_prepare (f->store, "UPDATE outbox SET created_at = ?1 WHERE id = ?2", &error);
  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, now_s () - 1000);
  sqlite3_bind_int64 (stmt, 2, item->id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  for (guint i = 1; i <= HB_OUTBOX_PARK_MIN_FAILURES; i++)
    {
      g_assert_true (hb_outbox_mark_failed (f->outbox, item->id, 0, "http 502", 100, 500,
                                            &parked, &error));
      g_assert_true (parked == (i == HB_OUTBOX_PARK_MIN_FAILURES));
    }
}

static void
test_stats_count_parked_and_oldest_age (Fixture *f, gconstpointer data)
{
  g_autofree char *a = enqueue (f, "application");
  g_autofree char *b = enqueue (f, "rating");
  g_autofree char *c = enqueue (f, "rating");
  g_autoptr(GError) error = NULL;
  HbOutboxStats stats;

  g_assert_true (hb_outbox_park (f->outbox, a, "by staff", &error));
  g_assert_true (hb_outbox_park (f->outbox, b, "by staff", &error));
  g_assert_true (hb_outbox_get_stats (f->outbox, now_s () + 100, &stats, &error));
  g_assert_cmpuint (stats.parked, ==, 2);
  g_assert_cmpuint (stats.pending, ==, 1);
  g_assert_cmpint (stats.oldest_parked_age, >=, 100);

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  hb_outbox_stats_build_json (&stats, builder);
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "parked"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "oldest_parked_age_s"), >=, 100);

  /* The staff list: reasons, no bodies. */
  g_autoptr(GPtrArray) list = hb_outbox_list (f->outbox, HB_OUTBOX_PARKED, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  for (guint i = 0; i < list->len; i++)
    {
      HbOutboxItem *item = g_ptr_array_index (list, i);
      g_assert_null (item->body);
      g_assert_cmpstr (item->last_error, ==, "by staff");
      g_assert_cmpint (item->state, ==, HB_OUTBOX_PARKED);
    }
  g_assert_cmpstr (((HbOutboxItem *) g_ptr_array_index (list, 0))->key, ==, a);
}

static void
test_unpark_puts_it_back_due_now (Fixture *f, gconstpointer data)
{
  g_autofree char *a = enqueue (f, "application");
  g_autofree char *b = enqueue (f, "rating");
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (hb_outbox_park (f->outbox, a, NULL, &error));
  g_assert_true (hb_outbox_park (f->outbox, b, NULL, &error));
  g_assert_true (hb_outbox_unpark (f->outbox, a, &error));
  g_assert_no_error (error);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, a, TRUE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
  g_assert_cmpuint (item->failures, ==, 0);
  g_assert_cmpint (item->next_try_at, ==, 0);

  /* Only parked items can be unparked, only pending ones parked. */
  g_assert_false (hb_outbox_unpark (f->outbox, a, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hb_outbox_park (f->outbox, b, NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hb_outbox_park (f->outbox, "no-such-key", NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (hb_outbox_unpark_all (f->outbox, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  g_autoptr(HbOutboxItem) rb = outbox_fixture_lookup (f->outbox, b, TRUE);
  g_assert_cmpint (rb->state, ==, HB_OUTBOX_PENDING);
}

/* --- migration: step 3 rebuilds the outbox keeping everything -------------------------- */

static void
test_migration_keeps_ids_rows_and_sequence (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_db = g_build_filename (f->dir, "v1.db", NULL);
  sqlite3 *db = NULL;

  /* A schema-1 outbox as released, with ids that are not contiguous and a sequence ahead
   * of the largest id (the newest rows were purged). */
  g_assert_cmpint (sqlite3_open (old_db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE catalog_service (position INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL, name_en TEXT, category TEXT, summary TEXT, json TEXT NOT NULL) STRICT;"
    "CREATE VIRTUAL TABLE catalog_fts USING fts5 (name, summary, name_en, keywords,"
    " tokenize = 'trigram');"
    "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, path TEXT NOT NULL, body BLOB,"
    " created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " next_try_at INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
    " state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sent','dead')),"
    " response TEXT, sent_at INTEGER, CHECK (state <> 'pending' OR body IS NOT NULL)) STRICT;"
    "CREATE INDEX outbox_by_state_kind ON outbox (state, kind, id);"
    "INSERT INTO outbox (id, idempotency_key, kind, path, body, created_at, attempts,"
    " last_error, state, response, sent_at) VALUES"
    " (5, 'k-sent', 'application', '/v1/applications', NULL, 100, 1, NULL, 'sent',"
    "  '{\"case_number\":\"SH1\"}', 101),"
    " (7, 'k-dead', 'rating', '/v1/ratings', x'00', 102, 2, 'http 400 invalid-rating', 'dead',"
    "  NULL, NULL);"
    "UPDATE sqlite_sequence SET seq = 9 WHERE name = 'outbox';"
    "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_autoptr(HbStore) store = hb_store_open (old_db, f->key, &error);
  g_assert_no_error (error);
  /* migrated to the current schema (3 made the outbox parkable; later steps add tables) */
  g_assert_cmpint (hb_store_get_schema_version (store), ==, HB_STORE_SCHEMA_VERSION);
  g_autoptr(HbOutbox) outbox = hb_outbox_new (store);

  g_autoptr(HbOutboxItem) sent = hb_outbox_lookup (outbox, "k-sent", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sent->id, ==, 5);
  g_assert_cmpint (sent->state, ==, HB_OUTBOX_SENT);
  g_assert_cmpstr (sent->response, ==, "{\"case_number\":\"SH1\"}");
  g_assert_cmpint (sent->created_at, ==, 100);

  g_autoptr(GPtrArray) deads = hb_outbox_list (outbox, HB_OUTBOX_DEAD, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (deads->len, ==, 1);
  HbOutboxItem *d = g_ptr_array_index (deads, 0);
  g_assert_cmpint (d->id, ==, 7);
  g_assert_cmpuint (d->attempts, ==, 2);
  g_assert_cmpstr (d->last_error, ==, "http 400 invalid-rating");

  /* A new item continues after the old sequence: ids are never handed out twice. */
  g_autofree char *key = hb_outbox_enqueue (outbox, "application", "/v1/applications", BODY,
                                            &error);
  g_assert_no_error (error);
  g_autoptr(HbOutboxItem) fresh = hb_outbox_lookup (outbox, key, &error);
  g_assert_cmpint (fresh->id, ==, 10);
}

/* --- with the sync thread and the sim -------------------------------------------------- */

static void
on_parked (HbSync *sync, const char *key, const char *reason, Fixture *f)
{
  g_ptr_array_add (f->parked, g_strdup (key));
}

static void
on_delivered (HbSync *sync, const char *key, const char *response, Fixture *f)
{
  g_ptr_array_add (f->delivered, g_strdup (key));
}

static void
start_sync (Fixture *f, guint park_after)
{
  HbSyncOptions o = sync_fixture_options (f->db, f->key, f->sim);
  if (f->sim == NULL)
    o.platform_url = "http://127.0.0.1:9";
  o.retry_base_ms = 20;
  o.retry_cap_ms = 100;
  o.heartbeat_interval_s = 3600;
  o.park_after_failures = park_after;
  f->sync = hb_sync_new (&o);
  g_signal_connect (f->sync, "parked", G_CALLBACK (on_parked), f);
  g_signal_connect (f->sync, "delivered", G_CALLBACK (on_delivered), f);
  sync_fixture_start (f->sync);
}

static gboolean
something_parked (gpointer data)
{
  return ((Fixture *) data)->parked->len > 0;
}

static gboolean
something_delivered (gpointer data)
{
  return ((Fixture *) data)->delivered->len > 0;
}

static void
test_sync_parks_an_item_the_platform_keeps_failing_then_staff_retry_delivers_it_once (Fixture *f,
                                                                                       gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  f->sim = sync_fixture_start_sim (NULL);
  /* 500: the platform fails on this item (a 503 would say it is down: never parks). */
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{\"status\": 500}");
  key = enqueue (f, "application");
  start_sync (f, 3);
  hb_sync_kick (f->sync);

  g_assert_true (hb_test_wait_until (something_parked, f, WAIT_MS));
  g_assert_cmpstr (g_ptr_array_index (f->parked, 0), ==, key);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PARKED);
  g_assert_cmpstr (item->last_error, ==, "http 500");
  g_assert_cmpuint (item->failures, ==, 3);

  /* The platform is fine again; the parked item stays put until staff act. */
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{}");
  hb_sync_kick (f->sync);
  hb_test_spin (300);
  g_assert_cmpuint (f->delivered->len, ==, 0);
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/applications"), ==, 0);

  g_assert_true (hb_outbox_unpark (f->outbox, key, &error));
  hb_sync_kick (f->sync);
  g_assert_true (hb_test_wait_until (something_delivered, f, WAIT_MS));
  g_assert_cmpstr (g_ptr_array_index (f->delivered, 0), ==, key);
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/applications"), ==, 1);
}

static gboolean
tried_often (gpointer data)
{
  Fixture *f = data;
  GPtrArray *list = hb_outbox_list (f->outbox, HB_OUTBOX_PENDING, 0, NULL);
  gboolean done = list && list->len == 1 && ((HbOutboxItem *) list->pdata[0])->attempts >= 6;
  g_clear_pointer (&list, g_ptr_array_unref);
  return done;
}

static void
test_sync_never_parks_while_the_platform_is_unreachable (Fixture *f, gconstpointer data)
{
  g_autofree char *key = enqueue (f, "application");
  start_sync (f, 2);   /* nothing listens on port 9 */
  for (guint i = 0; i < 50 && !tried_often (f); i++)
    {
      hb_sync_kick (f->sync);
      hb_test_wait_until (tried_often, f, 200);
    }
  g_assert_true (tried_often (f));
  g_assert_cmpuint (f->parked->len, ==, 0);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
  g_assert_cmpuint (item->failures, ==, 0);
}

static void
test_sync_never_parks_while_the_platform_says_it_is_unavailable (Fixture *f, gconstpointer data)
{
  f->sim = sync_fixture_start_sim (NULL);
  /* A maintenance window behind a proxy: 503 to everything, for longer than the limit. */
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{\"status\": 503}");
  g_autofree char *key = enqueue (f, "application");
  start_sync (f, 2);
  for (guint i = 0; i < 50 && !tried_often (f); i++)
    {
      hb_sync_kick (f->sync);
      hb_test_wait_until (tried_often, f, 200);
    }
  g_assert_true (tried_often (f));
  g_assert_cmpuint (f->parked->len, ==, 0);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
  g_assert_cmpuint (item->failures, ==, 0);
  g_assert_cmpstr (item->last_error, ==, "http 503");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/offline-cache/outbox-park/" path, Fixture, NULL, \
                                  fixture_setup, fn, fixture_teardown)
  ADD ("parks-after-n-answered-failures", test_parks_after_n_failures);
  ADD ("parked-item-does-not-hold-later-items-of-its-kind",
       test_parked_item_does_not_hold_later_items_of_its_kind);
  ADD ("transport-failures-never-park", test_transport_failures_never_park);
  ADD ("age-parks-only-after-a-few-failures", test_age_parks_only_after_a_few_failures);
  ADD ("stats-count-parked-and-oldest-age-list-has-no-bodies",
       test_stats_count_parked_and_oldest_age);
  ADD ("unpark-puts-it-back-due-now", test_unpark_puts_it_back_due_now);
  ADD ("migration-keeps-ids-rows-and-sequence", test_migration_keeps_ids_rows_and_sequence);
  ADD ("sync-parks-what-the-platform-keeps-failing-staff-retry-delivers-once",
       test_sync_parks_an_item_the_platform_keeps_failing_then_staff_retry_delivers_it_once);
  ADD ("sync-never-parks-while-the-platform-says-it-is-unavailable",
       test_sync_never_parks_while_the_platform_says_it_is_unavailable);
  ADD ("sync-never-parks-while-the-platform-is-unreachable",
       test_sync_never_parks_while_the_platform_is_unreachable);
  return g_test_run ();
}
