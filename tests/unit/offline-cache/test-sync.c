/* test-sync.c — offline-cache/hb-sync.c against the real haoban-platform-sim: catalog pulls,
 * exactly-once delivery through faults, outages and restarts, rejection, stop, one-off
 * requests. No timed assertions: every wait is for a condition, with a generous deadline. */
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-http-private.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/sync-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define WAIT_MS 20000
#define APPLICATION_BODY \
  "{\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-XH-0001\"," \
  "\"submitted_at\":\"2026-11-27T10:15:02+08:00\",\"language\":\"zh_CN\"," \
  "\"applicant\":{\"id_type\":\"resident\",\"id_number\":\"310104198506151237\",\"name\":\"张伟\"}," \
  "\"form\":{\"residence_address\":\"上海市徐汇区漕溪北路88号\",\"phone\":\"13800138000\"," \
  "\"pickup\":\"print\"}}"

typedef struct {
  char       *dir;
  char       *db;
  char       *key;
  char       *sim_state;
  HbTestSim  *sim;
  HbStore    *store;      /* the "main thread" connection */
  HbOutbox   *outbox;
  HbCatalog  *catalog;
  HbSync     *sync;
  GHashTable *delivered;  /* key → response */
  GHashTable *rejected;   /* key → error */
  GPtrArray  *versions;
  GArray     *checked;    /* guint statuses */
  guint       unreachable_seen;
  guint       reachable_seen;
} Fixture;

static void
on_delivered (HbSync *sync, const char *key, const char *response, Fixture *f)
{
  g_assert_false (g_hash_table_contains (f->delivered, key));   /* once per key */
  g_hash_table_insert (f->delivered, g_strdup (key), g_strdup (response));
}

static void
on_rejected (HbSync *sync, const char *key, const char *error, Fixture *f)
{
  g_hash_table_insert (f->rejected, g_strdup (key), g_strdup (error));
}

static void
on_catalog_updated (HbSync *sync, const char *version, Fixture *f)
{
  g_ptr_array_add (f->versions, g_strdup (version));
}

static void
on_catalog_checked (HbSync *sync, guint status, Fixture *f)
{
  g_array_append_val (f->checked, status);
}

static void
on_notify_reachable (HbSync *sync, GParamSpec *pspec, Fixture *f)
{
  if (hb_sync_get_reachable (sync))
    f->reachable_seen++;
  else
    f->unreachable_seen++;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("sync", &f->dir, &f->db, &f->key);
  f->sim_state = g_build_filename (f->dir, "sim-state.json", NULL);
  f->sim = sync_fixture_start_sim (f->sim_state);
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->outbox = hb_outbox_new (f->store);
  f->catalog = hb_catalog_new (f->store);
  f->delivered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->versions = g_ptr_array_new_with_free_func (g_free);
  f->checked = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  sync_fixture_stop (&f->sync);
  g_clear_object (&f->catalog);
  g_clear_object (&f->outbox);
  g_clear_object (&f->store);
  g_clear_pointer (&f->sim, hb_test_sim_free);
  g_clear_pointer (&f->delivered, g_hash_table_unref);
  g_clear_pointer (&f->rejected, g_hash_table_unref);
  g_clear_pointer (&f->versions, g_ptr_array_unref);
  g_clear_pointer (&f->checked, g_array_unref);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
  g_free (f->sim_state);
}

static HbSync *
make_sync (Fixture *f, guint request_timeout_ms)
{
  HbSyncOptions o = sync_fixture_options (f->db, f->key, f->sim);
  o.retry_base_ms = 50;
  o.retry_cap_ms = 2000;
  if (request_timeout_ms)
    o.request_timeout_ms = request_timeout_ms;
  HbSync *sync = hb_sync_new (&o);
  g_assert_nonnull (sync);
  g_signal_connect (sync, "delivered", G_CALLBACK (on_delivered), f);
  g_signal_connect (sync, "rejected", G_CALLBACK (on_rejected), f);
  g_signal_connect (sync, "catalog-updated", G_CALLBACK (on_catalog_updated), f);
  g_signal_connect (sync, "catalog-checked", G_CALLBACK (on_catalog_checked), f);
  g_signal_connect (sync, "notify::reachable", G_CALLBACK (on_notify_reachable), f);
  return sync;
}

/* The first catalog applied and its check reported: the two signals are posted one after
 * the other by the sync thread, so waiting for the first alone may see only it. */
static gboolean
has_version (gpointer data)
{
  return ((Fixture *) data)->versions->len > 0 && ((Fixture *) data)->checked->len > 0;
}

/* Starts sync and waits for the first catalog. */
static void
start_sync (Fixture *f, guint request_timeout_ms)
{
  f->sync = make_sync (f, request_timeout_ms);
  sync_fixture_start (f->sync);
  g_assert_true (hb_test_wait_until (has_version, f, WAIT_MS));
}

/* The /_sim/applications record of key; NULL if absent. Asserts it is there at most once. */
static JsonObject *
sim_application (Fixture *f, const char *key, JsonNode **holder)
{
  JsonObject *found = NULL;
  *holder = sync_fixture_sim_get (f->sim, "/_sim/applications");
  JsonArray *list = json_node_get_array (*holder);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      if (g_strcmp0 (json_object_get_string_member (o, "idempotency_key"), key) == 0)
        {
          g_assert_null (found);
          found = o;
        }
    }
  return found;
}

static char *
enqueue_application (Fixture *f)
{
  char *key = outbox_fixture_enqueue (f->outbox, "application", "/v1/applications",
                                      APPLICATION_BODY);
  hb_sync_kick (f->sync);
  return key;
}

typedef struct {
  Fixture    *f;
  const char *key;
  guint       n;
} KeyWait;

/* The item was tried at least n times and the platform is seen as unreachable. */
static gboolean
tried_unreachable (gpointer data)
{
  KeyWait *w = data;
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (w->f->outbox, w->key, FALSE);
  return item->attempts >= w->n && w->f->unreachable_seen > 0
         && !hb_sync_get_reachable (w->f->sync);
}

static void
wait_delivered (Fixture *f, const char *key)
{
  sync_fixture_wait_for_key (f->delivered, key, WAIT_MS);
}

/* The delivered response's case number equals the platform's record; returns it. */
static char *
assert_delivered_once (Fixture *f, const char *key)
{
  g_autoptr(JsonNode) holder = NULL;
  g_autoptr(JsonNode) response = NULL;
  JsonObject *record = sim_application (f, key, &holder);
  const char *text = g_hash_table_lookup (f->delivered, key);

  g_assert_nonnull (record);
  g_assert_nonnull (text);
  response = json_from_string (text, NULL);
  g_assert_nonnull (response);
  const char *case_number = json_object_get_string_member (json_node_get_object (response),
                                                          "case_number");
  g_assert_nonnull (case_number);
  g_assert_cmpstr (case_number, ==, json_object_get_string_member (record, "case_number"));

  /* The outbox agrees: sent, body gone, the reply kept. */
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, FALSE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_SENT);
  g_assert_null (item->body);
  g_assert_cmpstr (item->response, ==, text);
  return g_strdup (case_number);
}

typedef struct {
  Fixture *f;
  guint    n;
} CountWait;

static gboolean
checked_n (gpointer data)
{
  CountWait *w = data;
  return w->f->checked->len >= w->n;
}

/* One more full round of the sync loop (catalog pull, then outbox push) has run. */
static void
run_one_round (Fixture *f)
{
  CountWait w = { f, f->checked->len + 1 };
  hb_sync_request_catalog (f->sync);
  hb_sync_kick (f->sync);
  g_assert_true (hb_test_wait_until (checked_n, &w, WAIT_MS));
}


/* --- tests ----------------------------------------------------------------------------- */

static void
test_catalog_pulled_at_start_then_not_modified (Fixture *f, gconstpointer data)
{
  start_sync (f, 0);

  g_assert_cmpuint (f->versions->len, ==, 1);
  g_assert_cmpstr (f->versions->pdata[0], ==, "2026.11.27-2");
  g_assert_cmpuint (f->checked->len, ==, 1);
  g_assert_cmpuint (g_array_index (f->checked, guint, 0), ==, 200);
  /* Written through the sync thread's connection, visible on ours. */
  g_assert_cmpuint (hb_catalog_count (f->catalog), ==, hb_test_demo_catalog_services ());
  g_autofree char *etag = hb_catalog_dup_etag (f->catalog);
  g_assert_nonnull (etag);
  g_assert_true (hb_sync_get_reachable (f->sync));
  g_assert_cmpuint (f->reachable_seen, ==, 1);
  g_assert_cmpint (hb_sync_get_last_contact (f->sync), >, 0);

  /* The next pull sends If-None-Match and gets 304: nothing re-applied. */
  run_one_round (f);
  g_assert_cmpuint (g_array_index (f->checked, guint, 1), ==, 304);
  g_assert_cmpuint (f->versions->len, ==, 1);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog"), ==, 2);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_not_modified"), ==, 1);
}

static void
test_item_is_delivered_exactly_once (Fixture *f, gconstpointer data)
{
  start_sync (f, 0);
  g_autofree char *key = enqueue_application (f);
  wait_delivered (f, key);
  g_autofree char *case_number = assert_delivered_once (f, key);
  g_assert_true (g_str_has_prefix (case_number, "SH"));

  /* Another round (and a kick) sends nothing again. */
  run_one_round (f);
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/applications"), ==, 1);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "applications"), ==, 1);
  g_assert_cmpuint (g_hash_table_size (f->delivered), ==, 1);
}

static void
test_unavailable_platform_is_retried_with_backoff (Fixture *f, gconstpointer data)
{
  start_sync (f, 0);
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{\"status\":503}");
  g_autofree char *key = enqueue_application (f);

  /* Several attempts, spaced by the backoff, and the platform marked unreachable. */
  KeyWait w = { f, key, 3 };
  g_assert_true (hb_test_wait_until (tried_unreachable, &w, WAIT_MS));
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, FALSE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
  g_assert_cmpstr (item->last_error, ==, "http 503");
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/applications"), ==, 0);

  /* The platform recovers: the retry (no kick) delivers it, once. */
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{}");
  wait_delivered (f, key);
  g_autofree char *case_number = assert_delivered_once (f, key);
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/applications"), ==, 1);
  g_assert_true (hb_sync_get_reachable (f->sync));
  g_assert_cmpuint (f->reachable_seen, >=, 2);
}

static void
test_commit_without_answer_is_replayed_not_duplicated (Fixture *f, gconstpointer data)
{
  start_sync (f, 0);
  /* The platform records the application, then answers 503 (once). */
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{\"fail_after_commit\":true,\"times\":1}");
  g_autofree char *key = enqueue_application (f);
  wait_delivered (f, key);

  g_autofree char *case_number = assert_delivered_once (f, key);
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/applications"), ==, 1);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "replays"), ==, 1);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, FALSE);
  g_assert_cmpuint (item->attempts, ==, 1);
}

static void
test_platform_restart_delivers_once (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  start_sync (f, 0);

  /* One application reaches the platform before it dies. */
  g_autofree char *before = enqueue_application (f);
  wait_delivered (f, before);

  hb_test_sim_kill (f->sim);
  g_autofree char *during = enqueue_application (f);
  KeyWait w = { f, during, 1 };
  g_assert_true (hb_test_wait_until (tried_unreachable, &w, WAIT_MS));
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, during, FALSE);
  g_assert_true (g_str_has_prefix (item->last_error, "network: "));

  /* Back, with its records (--state): the waiting item arrives once, the old one stays once. */
  g_assert_true (hb_test_sim_restart (f->sim, &error));
  g_assert_no_error (error);
  wait_delivered (f, during);
  g_autofree char *c1 = assert_delivered_once (f, during);
  g_autofree char *c0 = assert_delivered_once (f, before);
  g_assert_cmpstr (c0, !=, c1);
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/applications"), ==, 2);
}

static void
test_rejected_item_goes_dead_and_is_not_retried (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *first = g_strdup_printf ("{\"idempotency_key\":\"%s\",%s", key, APPLICATION_BODY + 1);
  g_autofree char *header = g_strdup_printf ("Idempotency-Key: %s", key);
  g_autofree char *url = g_strconcat (hb_test_sim_url (f->sim), "/v1/applications", NULL);
  const char *headers[] = { header, "X-Terminal-Id: OTHER", NULL };
  long status = 0;

  start_sync (f, 0);
  /* Someone already used this key with another body: the platform answers 422. */
  g_autofree char *reply = hb_test_http ("POST", url, first, headers, &status);
  g_assert_cmpint (status, ==, 201);
  g_autofree char *second = g_strdup_printf ("{\"idempotency_key\":\"%s\",\"note\":\"different\",%s",
                                             key, APPLICATION_BODY + 1);
  g_assert_true (hb_outbox_enqueue_with_key (f->outbox, key, "application", "/v1/applications",
                                             second, &error));
  g_assert_no_error (error);
  hb_sync_kick (f->sync);

  sync_fixture_wait_for_key (f->rejected, key, WAIT_MS);
  g_assert_cmpstr (g_hash_table_lookup (f->rejected, key), ==, "http 422 idempotency-key-reused");
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, FALSE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_DEAD);
  g_assert_cmpstr (item->last_error, ==, "http 422 idempotency-key-reused");
  g_assert_cmpuint (item->attempts, ==, 0);
  g_assert_nonnull (item->body);                 /* kept for staff */
  g_assert_true (hb_sync_get_reachable (f->sync)); /* the platform did answer */

  /* The queue moves on; the dead item is never sent again, not even on a kick. */
  g_autofree char *next = enqueue_application (f);
  wait_delivered (f, next);
  run_one_round (f);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "applications"), ==, 3);   /* direct, rejected, next */
  g_assert_false (g_hash_table_contains (f->delivered, key));
  HbOutboxStats stats;
  g_assert_true (hb_outbox_get_stats (f->outbox, g_get_real_time () / G_USEC_PER_SEC, &stats, NULL));
  g_assert_cmpuint (stats.dead, ==, 1);
  g_assert_cmpuint (stats.pending, ==, 0);
}

static void
test_invalid_application_is_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  start_sync (f, 0);
  /* No applicant.id_number: 400 invalid-application. */
  g_autofree char *key = hb_outbox_enqueue (f->outbox, "application", "/v1/applications",
                                            "{\"service_code\":\"310000-GA-JZZ-0003\"}", &error);
  g_assert_no_error (error);
  hb_sync_kick (f->sync);
  sync_fixture_wait_for_key (f->rejected, key, WAIT_MS);
  g_assert_cmpstr (g_hash_table_lookup (f->rejected, key), ==, "http 400 invalid-application");
}

typedef struct {
  HbSync  *sync;
  gboolean returned;
} StopData;

static gpointer
stop_in_thread (gpointer data)
{
  StopData *d = data;
  hb_sync_stop (d->sync);
  g_atomic_int_set (&d->returned, TRUE);
  return NULL;
}

static gboolean
stop_returned (gpointer data)
{
  return g_atomic_int_get (&((StopData *) data)->returned);
}

typedef struct {
  Fixture    *f;
  const char *counter;
  gint64      n;
} CounterWait;

static gboolean
counter_reaches (gpointer data)
{
  CounterWait *w = data;
  return sync_fixture_sim_counter (w->f->sim, w->counter) >= w->n;
}

static void
test_stop_interrupts_a_request_in_progress (Fixture *f, gconstpointer data)
{
  /* A request timeout far beyond the delay: only stop() can end the transfer early. */
  start_sync (f, 120000);
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{\"delay_ms\":30000}");
  g_autofree char *key = enqueue_application (f);
  CounterWait held = { f, "delayed", 1 };
  g_assert_true (hb_test_wait_until (counter_reaches, &held, WAIT_MS));

  StopData d = { f->sync, FALSE };
  GThread *t = g_thread_new ("stop", stop_in_thread, &d);
  /* Generous, but well short of the 30 s the platform holds the request. */
  g_assert_true (hb_test_wait_until (stop_returned, &d, 15000));
  g_thread_join (t);

  /* Stopping is not a failed attempt. */
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, FALSE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
  g_assert_cmpuint (item->attempts, ==, 0);

  /* And it can start again. */
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{}");
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_sync_start (f->sync, &error));
  g_assert_no_error (error);
  wait_delivered (f, key);
}

static gboolean
catalog_stored (gpointer data)
{
  return hb_catalog_count (((Fixture *) data)->catalog) > 0;
}

static void
test_emissions_after_dispose_are_dropped (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->sync = make_sync (f, 0);
  g_assert_true (hb_sync_start (f->sync, &error));

  /* Wait without iterating the main context, so the emissions stay queued… */
  gint64 end = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;
  while (!catalog_stored (f) && g_get_monotonic_time () < end)
    g_usleep (5000);
  g_assert_true (catalog_stored (f));
  hb_sync_stop (f->sync);   /* joined: everything the thread emits is queued by now */
  g_assert_true (g_main_context_pending (NULL));
  /* …then drop the HbSync before the main context runs them. */
  g_clear_object (&f->sync);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (f->versions->len, ==, 0);
  g_assert_cmpuint (f->checked->len, ==, 0);
  g_assert_cmpuint (f->reachable_seen, ==, 0);
}

/* --- one-off requests ------------------------------------------------------------------ */

typedef struct {
  GAsyncResult *result;
} AsyncWait;

static void
on_request_done (GObject *source, GAsyncResult *result, gpointer data)
{
  ((AsyncWait *) data)->result = g_object_ref (result);
}

static gboolean
async_done (gpointer data)
{
  return ((AsyncWait *) data)->result != NULL;
}

static char *
request (Fixture *f, const char *method, const char *path, const char *body,
         GCancellable *cancellable, guint *status, GError **error)
{
  AsyncWait w = { NULL };
  hb_sync_request_async (f->sync, method, path, body, cancellable, on_request_done, &w);
  g_assert_true (hb_test_wait_until (async_done, &w, WAIT_MS));
  char *reply = hb_sync_request_finish (f->sync, w.result, status, error);
  g_object_unref (w.result);
  return reply;
}

static void
test_one_off_requests (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint status = 0;

  /* Works without the sync thread running. */
  f->sync = make_sync (f, 0);

  g_autofree char *unknown = request (f, "POST", "/v1/codes/resolve", "{\"code\":\"nope\"}",
                                      NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
  g_assert_nonnull (strstr (unknown, "unknown-code"));
  g_assert_true (hb_sync_get_reachable (f->sync));

  /* A GET (the catalog itself is larger than a one-off reply may be: the sync pulls it). */
  g_autofree char *keys = request (f, "GET", "/v1/keys", NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (keys, "\"keys\""));

  char *bad = request (f, "POST", "/_sim/reset", "{}", NULL, &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (bad);
  g_clear_error (&error);

  /* Cancelled while the platform holds the request. */
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{\"delay_ms\":30000}");
  AsyncWait w = { NULL };
  hb_sync_request_async (f->sync, "POST", "/v1/codes/resolve", "{\"code\":\"x\"}", cancellable,
                         on_request_done, &w);
  CounterWait held = { f, "delayed", 1 };
  g_assert_true (hb_test_wait_until (counter_reaches, &held, WAIT_MS));
  g_cancellable_cancel (cancellable);
  g_assert_true (hb_test_wait_until (async_done, &w, 15000));
  bad = hb_sync_request_finish (f->sync, w.result, &status, &error);
  g_object_unref (w.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (bad);
  g_assert_cmpuint (status, ==, 0);
  g_clear_error (&error);
  sync_fixture_sim_post (f->sim, "/_sim/faults", "{}");

  /* Platform gone: a clear transport error, and unreachable. */
  hb_test_sim_kill (f->sim);
  bad = request (f, "POST", "/v1/codes/resolve", "{\"code\":\"x\"}", NULL, &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, "platform unreachable"));
  g_assert_null (bad);
  g_assert_false (hb_sync_get_reachable (f->sync));
}

static void
test_reply_over_the_limit_is_cut_off (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (hb_test_sim_url (f->sim), "/v1/catalog", NULL);
  HbHttpRequest req = {
    .method = "GET", .url = url, .terminal_id = "SH-XH-0001",
    .max_reply = 1024, .connect_timeout_ms = 2000, .timeout_ms = 5000,
  };
  HbHttpReply reply;
  CURL *curl = curl_easy_init ();

  g_assert_false (hb_http_perform (curl, &req, &reply, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_clear_error (&error);

  /* Within the limit it works, and the ETag comes back for If-None-Match. */
  req.max_reply = HB_CATALOG_MAX_BYTES;
  g_assert_true (hb_http_perform (curl, &req, &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_nonnull (reply.etag);
  g_autofree char *etag = g_strdup (reply.etag);
  hb_http_reply_clear (&reply);
  req.if_none_match = etag;
  g_assert_true (hb_http_perform (curl, &req, &reply, &error));
  g_assert_cmpint (reply.status, ==, 304);
  g_assert_cmpuint (reply.body_length, ==, 0);
  hb_http_reply_clear (&reply);
  curl_easy_cleanup (curl);
}

/* --- offline-code keys --------------------------------------------------------------- */

static gboolean
has_keys (gpointer data)
{
  Fixture *f = data;
  return hb_keyring_get_n_keys (hb_sync_get_keyring (f->sync)) > 0;
}

typedef struct {
  Fixture *f;
  gint64   n;
} KeysPulls;

static gboolean
keys_pulled (gpointer data)
{
  KeysPulls *k = data;
  return sync_fixture_sim_counter (k->f->sim, "keys") >= k->n;
}

typedef struct {
  Fixture *f;
  guint    n;
} KeysCount;

static gboolean
has_n_keys (gpointer data)
{
  KeysCount *k = data;
  return hb_keyring_get_n_keys (hb_sync_get_keyring (k->f->sync)) == k->n;
}

/* Pulled at start, kept in the store; a terminal that starts without the platform
 * verifies with the stored keys. */
static void
test_keys_pulled_stored_and_used_offline (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbKeyring *keyring;
  gsize len = 0;

  f->sync = make_sync (f, 0);
  keyring = hb_sync_get_keyring (f->sync);
  g_assert_nonnull (keyring);
  g_assert_cmpuint (hb_keyring_get_n_keys (keyring), ==, 0);
  g_assert_true (hb_sync_start (f->sync, &error));
  g_assert_true (hb_test_wait_until (has_keys, f, WAIT_MS));
  g_assert_true (hb_sync_get_keyring (f->sync) == keyring);   /* same object, new content */

  g_autofree char *stored = hb_store_dup_keys_document (f->store, &len);
  g_assert_nonnull (stored);
  g_assert_cmpuint (len, ==, strlen (stored));
  g_assert_nonnull (strstr (stored, "\"alg\":\"SM2\""));

  /* Platform gone; a fresh HbSync (a rebooted terminal) has the keys at once. */
  g_clear_object (&f->sync);
  hb_test_sim_kill (f->sim);
  f->sync = make_sync (f, 0);
  g_assert_cmpuint (hb_keyring_get_n_keys (hb_sync_get_keyring (f->sync)), ==, 0);
  g_assert_true (hb_sync_start (f->sync, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hb_keyring_get_n_keys (hb_sync_get_keyring (f->sync)), ==, 1);
}

/* Counts emissions announcing the rotated (two-key) document; the first pull's emission
 * may still be queued when the handler is connected. */
static void
on_keys_updated (HbSync *sync, guint n_keys, guint *updated)
{
  if (n_keys == 2)
    (*updated)++;
}

static gboolean
was_updated (gpointer data)
{
  return *(guint *) data > 0;
}

/* A broken document from the platform is refused: the keys in hand and in the store stay.
 * The next good one (after a key rotation) replaces them, emitting "keys-updated". */
static void
test_bad_keys_document_keeps_previous (Fixture *f, gconstpointer data)
{
  KeysPulls pulls = { f, 0 };
  KeysCount two = { f, 2 };
  guint updated = 0;
  long status = 0;

  start_sync (f, 0);
  g_assert_true (hb_test_wait_until (has_keys, f, WAIT_MS));
  g_signal_connect (f->sync, "keys-updated", G_CALLBACK (on_keys_updated), &updated);
  g_autofree char *before = hb_store_dup_keys_document (f->store, NULL);

  const char *broken[] = {
    "{\"keys\":[{\"kid\":\"k\",\"alg\":\"SM2\",\"public_key_pem\":\"junk\",\"not_before\":0,\"not_after\":1}]}",
    "{\"keys\":",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      sync_fixture_sim_post (f->sim, "/_sim/keys/override", broken[i]);
      pulls.n = sync_fixture_sim_counter (f->sim, "keys") + 1;
      hb_sync_request_catalog (f->sync);
      hb_sync_kick (f->sync);
      g_assert_true (hb_test_wait_until (keys_pulled, &pulls, WAIT_MS));
      /* The thread may still be parsing: stopping joins it. */
      hb_sync_stop (f->sync);
      g_assert_cmpuint (hb_keyring_get_n_keys (hb_sync_get_keyring (f->sync)), ==, 1);
      g_autofree char *after = hb_store_dup_keys_document (f->store, NULL);
      g_assert_cmpstr (before, ==, after);
      g_autoptr(GError) error = NULL;
      g_assert_true (hb_sync_start (f->sync, &error));
    }

  g_autofree char *r1 = hb_test_sim_request (f->sim, "DELETE", "/_sim/keys/override", NULL, &status);
  g_autofree char *r2 = hb_test_sim_request (f->sim, "POST", "/_sim/keys/rotate", "{}", &status);
  g_assert_cmpint (status, ==, 200);
  hb_sync_request_catalog (f->sync);
  hb_sync_kick (f->sync);
  g_assert_true (hb_test_wait_until (has_n_keys, &two, WAIT_MS));
  g_assert_true (hb_test_wait_until (was_updated, &updated, WAIT_MS));
  g_autofree char *stored = hb_store_dup_keys_document (f->store, NULL);
  g_assert_cmpstr (stored, !=, before);
}

/* A stored document that no longer parses (say, written by a buggy build) is ignored. */
static void
test_unusable_stored_keys_are_ignored (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_store_set_keys_document (f->store, "{\"keys\":[1]}", 12, &error));
  g_assert_no_error (error);
  hb_test_sim_kill (f->sim);
  f->sync = make_sync (f, 0);
  g_assert_true (hb_sync_start (f->sync, &error));
  g_assert_cmpuint (hb_keyring_get_n_keys (hb_sync_get_keyring (f->sync)), ==, 0);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/offline-cache/sync/" path, Fixture, NULL, \
                                  fixture_setup, fn, fixture_teardown)
  ADD ("catalog-is-pulled-at-start-then-not-modified", test_catalog_pulled_at_start_then_not_modified);
  ADD ("outbox-item-is-delivered-exactly-once", test_item_is_delivered_exactly_once);
  ADD ("unavailable-platform-is-retried-with-backoff", test_unavailable_platform_is_retried_with_backoff);
  ADD ("commit-without-answer-is-replayed-not-duplicated", test_commit_without_answer_is_replayed_not_duplicated);
  ADD ("platform-killed-and-restarted-gets-each-item-once", test_platform_restart_delivers_once);
  ADD ("rejected-item-goes-dead-and-is-not-retried", test_rejected_item_goes_dead_and_is_not_retried);
  ADD ("invalid-application-is-rejected-with-its-error-code", test_invalid_application_is_rejected);
  ADD ("stop-interrupts-a-request-in-progress", test_stop_interrupts_a_request_in_progress);
  ADD ("emissions-after-dispose-are-dropped", test_emissions_after_dispose_are_dropped);
  ADD ("one-off-requests-return-status-body-or-transport-error", test_one_off_requests);
  ADD ("reply-over-the-limit-is-cut-off", test_reply_over_the_limit_is_cut_off);
  ADD ("keys/pulled-stored-and-used-when-starting-offline", test_keys_pulled_stored_and_used_offline);
  ADD ("keys/bad-document-keeps-the-previous-keys", test_bad_keys_document_keeps_previous);
  ADD ("keys/unusable-stored-document-is-ignored", test_unusable_stored_keys_are_ignored);
#undef ADD

  return g_test_run ();
}
