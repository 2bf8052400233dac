/* sync-fixture.h — what the tests that run an HbSync against the real haoban-platform-sim
 * share: starting the sim, the usual options, starting and stopping the sync, and asking
 * the sim over its test API. Header-only (static inline). */
#pragma once

#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/outbox-fixture.h"

#include <json-glib/json-glib.h>

/* A platform-sim keeping its state in state_path (NULL: in memory). */
static inline HbTestSim *
sync_fixture_start_sim (const char *state_path)
{
  g_autoptr(GError) error = NULL;
  HbTestSim *sim = hb_test_sim_start (state_path, &error);
  g_assert_no_error (error);
  return sim;
}

/* The options every sync test starts from: this store, this sim (NULL: no URL yet), terminal
 * SH-XH-0001, the catalog checked every 300 s, 2 s to connect, 5 s a request. Tests set
 * their backoff. */
static inline HbSyncOptions
sync_fixture_options (const char *db, const char *key, HbTestSim *sim)
{
  HbSyncOptions o = {
    .db_path = db,
    .key_path = key,
    .platform_url = sim ? hb_test_sim_url (sim) : NULL,
    .terminal_id = "SH-XH-0001",
    .catalog_interval_s = 300,
    .connect_timeout_ms = 2000,
    .request_timeout_ms = 5000,
  };
  return o;
}

static inline void
sync_fixture_start (HbSync *sync)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_sync_start (sync, &error));
  g_assert_no_error (error);
}

/* Drops the sync and lets its queued emissions run (and find it gone). */
static inline void
sync_fixture_stop (HbSync **sync)
{
  g_clear_object (sync);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Stops the sync (as above), then drops the outbox, the store and the sim. */
static inline void
sync_fixture_close (HbSync **sync, HbOutbox **outbox, HbStore **store, HbTestSim **sim)
{
  sync_fixture_stop (sync);
  g_clear_object (outbox);
  g_clear_object (store);
  g_clear_pointer (sim, hb_test_sim_free);
}

/* POSTs body to the sim's path; asserts 200. */
static inline void
sync_fixture_sim_post (HbTestSim *sim, const char *path, const char *body)
{
  long status = 0;
  g_autofree char *reply = hb_test_sim_request (sim, "POST", path, body, &status);
  g_assert_cmpint (status, ==, 200);
}

/* The sim's JSON answer to GET path; asserts 200 and JSON. */
static inline JsonNode *
sync_fixture_sim_get (HbTestSim *sim, const char *path)
{
  long status = 0;
  g_autofree char *reply = hb_test_sim_request (sim, "GET", path, NULL, &status);
  g_assert_cmpint (status, ==, 200);
  JsonNode *root = json_from_string (reply, NULL);
  g_assert_nonnull (root);
  return root;
}

/* The sim's /_sim/requests counter name (asserts it is there). */
static inline gint64
sync_fixture_sim_counter (HbTestSim *sim, const char *name)
{
  g_autoptr(JsonNode) root = sync_fixture_sim_get (sim, "/_sim/requests");
  return json_object_get_int_member (json_node_get_object (root), name);
}

typedef struct {
  GHashTable *table;
  const char *key;
} SyncFixtureKeyWait;

static inline gboolean
sync_fixture_table_has_key (gpointer data)
{
  SyncFixtureKeyWait *w = data;
  return g_hash_table_contains (w->table, w->key);
}

/* Waits until table (say, keys seen in "delivered") holds key; asserts it does in time. */
static inline void
sync_fixture_wait_for_key (GHashTable *table, const char *key, guint deadline_ms)
{
  SyncFixtureKeyWait w = { table, key };
  g_assert_true (hb_test_wait_until (sync_fixture_table_has_key, &w, deadline_ms));
}
