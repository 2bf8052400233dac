/* test-sync-faults.c — the terminal survives every platform-sim fault rate (issue 6,
 * points 6 and 3): a burst of outbox items is pushed through the real HbSync while the
 * sim drops connections, answers 5xx, cuts, garbles or trickles bodies, records then fails,
 * or answers late — one kind at a time at a high rate, then all of them together over
 * 1,000 items. Once the faults are cleared every item is at the platform exactly once
 * (by idempotency key and by payload), with the case number the platform recorded; none
 * is dead. Waits are for conditions, with deadlines. */
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/sync-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define WAIT_MS 120000

typedef struct {
  char       *dir;
  char       *db;
  char       *key;
  HbTestSim  *sim;
  HbStore    *store;
  HbOutbox   *outbox;
  HbSync     *sync;
  GHashTable *delivered;   /* key → response */
  GHashTable *rejected;    /* key → error */
  GPtrArray  *keys;        /* enqueued, in order */
  guint       duplicate_signals;
  guint       catalog_checks;
} Fixture;

static void
on_delivered (HbSync *sync, const char *key, const char *response, Fixture *f)
{
  if (g_hash_table_contains (f->delivered, key))
    f->duplicate_signals++;
  g_hash_table_insert (f->delivered, g_strdup (key), g_strdup (response));
}

static void
on_rejected (HbSync *sync, const char *key, const char *error, Fixture *f)
{
  g_hash_table_insert (f->rejected, g_strdup (key), g_strdup (error));
}

static void
on_catalog_checked (HbSync *sync, guint status, Fixture *f)
{
  f->catalog_checks++;
}

static gboolean
catalog_checked (gpointer data)
{
  return ((Fixture *) data)->catalog_checks > 0;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("sync-faults", &f->dir, &f->db, &f->key);
  f->sim = sync_fixture_start_sim (NULL);
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->outbox = hb_outbox_new (f->store);
  f->delivered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->keys = g_ptr_array_new_with_free_func (g_free);

  HbSyncOptions o = sync_fixture_options (f->db, f->key, f->sim);
  /* short backoffs keep the test quick; the policy itself is test-sync.c's business */
  o.retry_base_ms = 10;
  o.retry_cap_ms = 200;
  f->sync = hb_sync_new (&o);
  g_signal_connect (f->sync, "delivered", G_CALLBACK (on_delivered), f);
  g_signal_connect (f->sync, "rejected", G_CALLBACK (on_rejected), f);
  g_signal_connect (f->sync, "catalog-checked", G_CALLBACK (on_catalog_checked), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  sync_fixture_close (&f->sync, &f->outbox, &f->store, &f->sim);
  g_clear_pointer (&f->delivered, g_hash_table_unref);
  g_clear_pointer (&f->rejected, g_hash_table_unref);
  g_clear_pointer (&f->keys, g_ptr_array_unref);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
}

/* n applications, each with a payload of its own (form.reference) so that a duplicate
 * under another key would show. */
static void
enqueue_burst (Fixture *f, const char *tag, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *body = g_strdup_printf (
        "{\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-XH-0001\","
        "\"applicant\":{\"id_type\":\"resident\",\"id_number\":\"310104198506151237\",\"name\":\"张伟\"},"
        "\"form\":{\"reference\":\"%s-%04u\",\"phone\":\"13800138000\"}}", tag, i);
      char *key = hb_outbox_enqueue (f->outbox, "application", "/v1/applications", body, &error);
      g_assert_no_error (error);
      g_ptr_array_add (f->keys, key);
    }
  hb_sync_kick (f->sync);
}

typedef struct {
  Fixture *f;
  gint64   n;
} Wait;

static gboolean
applications_tried (gpointer data)
{
  Wait *w = data;
  return sync_fixture_sim_counter (w->f->sim, "applications") >= w->n;
}

static gboolean
all_delivered (gpointer data)
{
  Wait *w = data;
  return g_hash_table_size (w->f->delivered) >= (guint) w->n;
}

/* Every enqueued key is at the platform exactly once with the case number the terminal
 * was given; no payload twice; the outbox has everything sent, nothing pending or dead. */
static void
assert_exactly_once (Fixture *f)
{
  g_autoptr(JsonNode) root = sync_fixture_sim_get (f->sim, "/_sim/applications");
  JsonArray *list = json_node_get_array (root);
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_reference = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (json_array_get_length (list), ==, f->keys->len);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *record = json_array_get_object_element (list, i);
      const char *key = json_object_get_string_member (record, "idempotency_key");
      JsonObject *form = json_object_get_object_member (json_object_get_object_member (record, "body"), "form");
      const char *reference = json_object_get_string_member (form, "reference");
      g_assert_false (g_hash_table_contains (by_key, key));
      g_assert_false (g_hash_table_contains (by_reference, reference));
      g_hash_table_insert (by_key, (gpointer) key, record);
      g_hash_table_add (by_reference, (gpointer) reference);
    }
  for (guint i = 0; i < f->keys->len; i++)
    {
      const char *key = f->keys->pdata[i];
      JsonObject *record = g_hash_table_lookup (by_key, key);
      g_assert_nonnull (record);
      const char *response = g_hash_table_lookup (f->delivered, key);
      g_assert_nonnull (response);
      g_autoptr(JsonNode) answer = json_from_string (response, NULL);
      g_assert_nonnull (answer);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "case_number"), ==,
                       json_object_get_string_member (record, "case_number"));
    }
  g_assert_cmpuint (f->duplicate_signals, ==, 0);
  g_assert_cmpuint (g_hash_table_size (f->rejected), ==, 0);

  HbOutboxStats stats;
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_outbox_get_stats (f->outbox, g_get_real_time () / G_USEC_PER_SEC, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pending, ==, 0);
  g_assert_cmpuint (stats.dead, ==, 0);
  g_assert_cmpuint (stats.sent, ==, f->keys->len);   /* so none parked either */
}

typedef struct {
  const char *name;
  const char *faults;    /* the rate under test, high */
  const char *counter;   /* the /_sim/requests counter that proves it was applied */
} FaultCase;

/* Faults on, a burst, at least `tried` application requests under them, faults off, drain.
 * after_catalog: turn the faults on only once the first catalog pull is through (a 10 KB
 * catalog trickled at 2 KB/s would only make the test slower). */
static void
run_burst (Fixture *f, const char *faults, const char *tag, guint n, guint tried,
           gboolean after_catalog)
{
  sync_fixture_start (f->sync);
  if (after_catalog)
    g_assert_true (hb_test_wait_until (catalog_checked, f, WAIT_MS));
  sync_fixture_sim_post (f->sim, "/_sim/faults", faults);
  enqueue_burst (f, tag, n);
  Wait w = { f, tried };
  g_assert_true (hb_test_wait_until (applications_tried, &w, WAIT_MS));
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{}");
  hb_sync_kick (f->sync);
  Wait all = { f, n };
  g_assert_true (hb_test_wait_until (all_delivered, &all, WAIT_MS));
}

static void
test_fault_kind (Fixture *f, gconstpointer data)
{
  const FaultCase *c = data;
  run_burst (f, c->faults, c->name, 40, 40, TRUE);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, c->counter), >, 0);
  assert_exactly_once (f);
}

static void
test_all_faults_together (Fixture *f, gconstpointer data)
{
  /* Issue 6 "must show": under every fault at once, 1,000 queued submissions all arrive
   * exactly once after the faults stop. */
  run_burst (f, "{\"latency_ms\":{\"min\":0,\"max\":10},\"drop_rate\":0.1,\"error_rate\":0.1,"
                "\"truncate_rate\":0.1,\"garble_rate\":0.1,"
                "\"slow_body\":{\"rate\":0.1,\"bytes_per_s\":20000},"
                "\"fail_after_commit_rate\":0.1,\"seed\":20261127}",
             "all", 1000, 400, FALSE);
  const char *kinds[] = { "dropped", "errors", "truncated", "garbled", "slowed",
                          "failed_after_commit", "latency", NULL };
  for (const char *const *k = kinds; *k; k++)
    if (sync_fixture_sim_counter (f->sim, *k) == 0)
      g_error ("fault kind %s was never applied", *k);
  assert_exactly_once (f);
}

static const FaultCase cases[] = {
  { "latency", "{\"latency_ms\":{\"min\":5,\"max\":60},\"seed\":1}", "latency" },
  { "drop", "{\"drop_rate\":0.6,\"seed\":2}", "dropped" },
  { "error-5xx", "{\"error_rate\":0.6,\"error_status\":503,\"seed\":3}", "errors" },
  { "error-429", "{\"error_rate\":0.6,\"error_status\":429,\"seed\":4}", "errors" },
  { "truncate", "{\"truncate_rate\":0.6,\"seed\":5}", "truncated" },
  { "garble", "{\"garble_rate\":0.6,\"seed\":6}", "garbled" },
  { "slow-body", "{\"slow_body\":{\"rate\":0.6,\"bytes_per_s\":2000},\"seed\":7}", "slowed" },
  { "fail-after-commit", "{\"fail_after_commit_rate\":0.6,\"seed\":8}", "failed_after_commit" },
};

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/offline-cache/sync-faults/%s-at-a-high-rate-then-cleared-delivers-each-once",
                                               cases[i].name);
      g_test_add (path, Fixture, &cases[i], fixture_setup, test_fault_kind, fixture_teardown);
    }
  g_test_add ("/offline-cache/sync-faults/all-together-1000-items-each-arrive-once", Fixture, NULL,
              fixture_setup, test_all_faults_together, fixture_teardown);
  return g_test_run ();
}
