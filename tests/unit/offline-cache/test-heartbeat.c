/* test-heartbeat.c — the heartbeat of hb-sync.c (status up, commands down, each applied at
 * most once and acknowledged) against the real haoban-platform-sim, and the pure reply
 * parser of hb-heartbeat.c. */
#include "offline-cache/hb-heartbeat-private.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/sync-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define WAIT_MS 20000

typedef struct {
  char      *dir;
  char      *db;
  char      *key;
  HbTestSim *sim;
  HbSync    *sync;
  GPtrArray *commands;     /* "id name args-json" strings from "command" */
  guint      heartbeats;   /* "heartbeat-sent" with 200 */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("heartbeat", &f->dir, &f->db, &f->key);
  f->sim = sync_fixture_start_sim (NULL);
  f->commands = g_ptr_array_new_with_free_func (g_free);
}

static void
stop_sync (Fixture *f)
{
  sync_fixture_stop (&f->sync);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  stop_sync (f);
  g_clear_pointer (&f->sim, hb_test_sim_free);
  g_ptr_array_unref (f->commands);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
}

static void
on_command (HbSync *sync, const char *id, const char *name, JsonObject *args, Fixture *f)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  json_node_set_object (node, args);
  text = json_to_string (node, FALSE);
  g_ptr_array_add (f->commands, g_strdup_printf ("%s %s %s", id, name, text));
}

static void
on_heartbeat_sent (HbSync *sync, guint status, Fixture *f)
{
  if (status == 200)
    f->heartbeats++;
}

static void
start_sync (Fixture *f)
{
  HbSyncOptions o = sync_fixture_options (f->db, f->key, f->sim);
  o.retry_base_ms = 50;
  o.retry_cap_ms = 500;
  o.heartbeat_interval_s = 1;
  f->heartbeats = 0;
  f->sync = hb_sync_new (&o);
  g_signal_connect (f->sync, "command", G_CALLBACK (on_command), f);
  g_signal_connect (f->sync, "heartbeat-sent", G_CALLBACK (on_heartbeat_sent), f);
  sync_fixture_start (f->sync);
}

static JsonNode *
sim_get (Fixture *f, const char *path)
{
  return sync_fixture_sim_get (f->sim, path);
}

static void
queue_command (Fixture *f, const char *body)
{
  sync_fixture_sim_post (f->sim, "/_sim/commands", body);
}

/* How many acknowledgements of id the sim received, and the result of the last. */
static guint
acks_of (Fixture *f, const char *id, char **result, char **reason)
{
  g_autoptr(JsonNode) root = sim_get (f, "/_sim/commands");
  JsonArray *acks = json_object_get_array_member (json_node_get_object (root), "acks");
  guint n = 0;
  for (guint i = 0; i < json_array_get_length (acks); i++)
    {
      JsonObject *a = json_array_get_object_element (acks, i);
      if (g_strcmp0 (json_object_get_string_member (a, "id"), id) != 0)
        continue;
      n++;
      g_assert_cmpstr (json_object_get_string_member (a, "terminal_id"), ==, "SH-XH-0001");
      if (result)
        {
          g_free (*result);
          *result = g_strdup (json_object_get_string_member (a, "result"));
        }
      if (reason)
        {
          g_free (*reason);
          *reason = g_strdup (json_object_get_string_member_with_default (a, "reason", ""));
        }
    }
  return n;
}

typedef struct {
  Fixture    *f;
  const char *id;
  guint       n;
} AckWait;

static gboolean
acked (gpointer data)
{
  AckWait *w = data;
  g_usleep (20000);   /* polls the sim over HTTP: not in a tight loop */
  return acks_of (w->f, w->id, NULL, NULL) >= w->n;
}

static void
wait_acks (Fixture *f, const char *id, guint n)
{
  AckWait w = { f, id, n };
  g_assert_true (hb_test_wait_until (acked, &w, WAIT_MS));
}

static gboolean
two_heartbeats (gpointer data)
{
  return ((Fixture *) data)->heartbeats >= 2;
}

/* --- up -------------------------------------------------------------------------------- */

static void
test_carries_status_outbox_and_catalog_version (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = json_from_string (
    "{\"software_version\":\"0.6.0\",\"devices\":[{\"name\":\"printer\",\"status\":\"ok\"}],"
    "\"counters\":{\"visits\":3},\"terminal_id\":\"not-this\",\"outbox\":\"not-this\"}", &error);
  g_assert_no_error (error);

  /* Something waiting in the outbox, reported as depth. */
  {
    g_autoptr(HbStore) store = hb_store_open (f->db, f->key, &error);
    g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
    g_autofree char *key = hb_outbox_enqueue (outbox, "rating", "/v1/ratings",
                                              "{\"case_number\":\"\",\"level\":9}", &error);
    g_assert_no_error (error);
    g_assert_true (hb_outbox_park (outbox, key, "test", &error));
  }

  start_sync (f);
  hb_sync_set_heartbeat_status (f->sync, json_node_get_object (status));
  hb_sync_request_heartbeat (f->sync);
  g_assert_true (hb_test_wait_until (two_heartbeats, f, WAIT_MS));

  g_autoptr(JsonNode) list = sim_get (f, "/_sim/heartbeats");
  JsonArray *a = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (a), >=, 2);
  JsonObject *last = json_array_get_object_element (a, json_array_get_length (a) - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "terminal_id"), ==, "SH-XH-0001");
  g_assert_cmpstr (json_object_get_string_member (last, "software_version"), ==, "0.6.0");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (last, "counters"),
                                               "visits"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (last, "devices")), ==, 1);
  JsonObject *outbox = json_object_get_object_member (last, "outbox");
  g_assert_nonnull (outbox);
  g_assert_cmpint (json_object_get_int_member (outbox, "parked"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (outbox, "pending"), ==, 0);
  g_assert_true (json_object_has_member (outbox, "oldest_parked_age_s"));
  /* The catalog was pulled at start (data/catalog.json of the sim). */
  g_assert_nonnull (json_object_get_string_member (last, "catalog_version"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (last, "acks")), ==, 0);
}

/* --- down ------------------------------------------------------------------------------ */

static void
test_commands_are_applied_once_and_acknowledged (Fixture *f, gconstpointer data)
{
  g_autofree char *result = NULL;

  start_sync (f);
  queue_command (f, "{\"id\":\"oos-1\",\"name\":\"out-of-service\","
                    "\"args\":{\"on\":true,\"reason\":\"打印机维护\"}}");
  queue_command (f, "{\"id\":\"cfg-1\",\"name\":\"config\","
                    "\"args\":{\"session.idle_timeout\":120,\"ui.language\":\"en\"}}");
  wait_acks (f, "oos-1", 1);
  wait_acks (f, "cfg-1", 1);
  g_assert_cmpuint (acks_of (f, "oos-1", &result, NULL), ==, 1);
  g_assert_cmpstr (result, ==, "applied");
  g_assert_cmpuint (acks_of (f, "cfg-1", &result, NULL), ==, 1);
  g_assert_cmpstr (result, ==, "applied");

  /* Emitted once each, in order, with normalised arguments. */
  hb_test_spin (50);
  g_assert_cmpuint (f->commands->len, ==, 2);
  g_assert_cmpstr (f->commands->pdata[0], ==,
                   "oos-1 out-of-service {\"on\":true,\"reason\":\"打印机维护\"}");
  /* (member order is not kept by json-glib) */
  g_assert_true (g_str_has_prefix (f->commands->pdata[1], "cfg-1 config {"));
  g_assert_nonnull (strstr (f->commands->pdata[1], "\"session.idle_timeout\":\"120\""));
  g_assert_nonnull (strstr (f->commands->pdata[1], "\"ui.language\":\"en\""));
  g_assert_cmpuint (strlen (f->commands->pdata[1]),
                    ==, strlen ("cfg-1 config {\"session.idle_timeout\":\"120\",\"ui.language\":\"en\"}"));

  /* Acknowledged commands are no longer sent. */
  g_autoptr(JsonNode) state = sim_get (f, "/_sim/commands");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (state), "queued")), ==, 0);

  /* The platform sends the same id again: acknowledged again, not applied again. */
  queue_command (f, "{\"id\":\"oos-1\",\"name\":\"out-of-service\",\"args\":{\"on\":false}}");
  wait_acks (f, "oos-1", 2);
  g_assert_cmpuint (f->commands->len, ==, 2);

  /* Not after a restart either: the ids are in the store. */
  stop_sync (f);
  start_sync (f);
  queue_command (f, "{\"id\":\"oos-1\",\"name\":\"out-of-service\",\"args\":{\"on\":false}}");
  wait_acks (f, "oos-1", 3);
  hb_test_spin (50);
  g_assert_cmpuint (f->commands->len, ==, 2);
  g_assert_cmpuint (acks_of (f, "oos-1", &result, NULL), ==, 3);
  g_assert_cmpstr (result, ==, "applied");
}

static void
test_unknown_and_unsafe_commands_are_rejected_not_applied (Fixture *f, gconstpointer data)
{
  g_autofree char *result = NULL;
  g_autofree char *reason = NULL;

  start_sync (f);
  queue_command (f, "{\"id\":\"x-1\",\"name\":\"reboot\"}");
  queue_command (f, "{\"id\":\"x-2\",\"name\":\"config\","
                    "\"args\":{\"platform.url\":\"http://elsewhere.example\"}}");
  queue_command (f, "{\"id\":\"x-3\",\"name\":\"out-of-service\",\"args\":{\"on\":\"yes\"}}");
  wait_acks (f, "x-1", 1);
  wait_acks (f, "x-2", 1);
  wait_acks (f, "x-3", 1);
  acks_of (f, "x-1", &result, &reason);
  g_assert_cmpstr (result, ==, "rejected");
  g_assert_cmpstr (reason, ==, "unknown-command");
  acks_of (f, "x-2", &result, &reason);
  g_assert_cmpstr (result, ==, "rejected");
  g_assert_cmpstr (reason, ==, "invalid-arguments");
  acks_of (f, "x-3", &result, &reason);
  g_assert_cmpstr (result, ==, "rejected");
  hb_test_spin (50);
  g_assert_cmpuint (f->commands->len, ==, 0);
}

typedef struct {
  Fixture *f;
  gint64   above;
} CounterWait;

static gint64
catalog_requests (Fixture *f)
{
  g_autoptr(JsonNode) root = sim_get (f, "/_sim/requests");
  return json_object_get_int_member (json_node_get_object (root), "catalog");
}

static gboolean
catalog_pulled_again (gpointer data)
{
  CounterWait *w = data;
  g_usleep (20000);
  return catalog_requests (w->f) > w->above;
}

static gboolean
first_heartbeat (gpointer data)
{
  return ((Fixture *) data)->heartbeats >= 1;
}

static void
test_sync_now_pulls_the_catalog_at_once (Fixture *f, gconstpointer data)
{
  CounterWait w = { f, 0 };

  start_sync (f);   /* catalog interval 300 s: no pull of its own during the test */
  g_assert_true (hb_test_wait_until (first_heartbeat, f, WAIT_MS));
  w.above = catalog_requests (f);
  g_assert_cmpint (w.above, >=, 1);
  queue_command (f, "{\"id\":\"s-1\",\"name\":\"sync-now\"}");
  g_assert_true (hb_test_wait_until (catalog_pulled_again, &w, WAIT_MS));
  wait_acks (f, "s-1", 1);
  hb_test_spin (50);
  g_assert_cmpuint (f->commands->len, ==, 0);   /* handled by HbSync itself */
}

/* --- the parser ------------------------------------------------------------------------ */

static void
test_reply_parser_bounds_and_normalises (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) many = g_string_new ("{\"commands\":[");
  HbHeartbeatReply reply;
  static const char good[] =
    "{\"server_time\":\"t\",\"commands\":[{\"id\":\"a\",\"name\":\"config\","
    "\"args\":{\"session.idle_timeout\":90,\"ui.fullscreen\":true}},"
    "{\"id\":\"b\",\"name\":\"config\",\"args\":{\"log.level\":\"debug\"}},"
    "{\"name\":\"sync-now\"},{\"id\":\"with space\",\"name\":\"sync-now\"},"
    "{\"id\":\"c\",\"name\":\"sync-now\",\"args\":[1]}]}";

  g_assert_true (hb_heartbeat_reply_parse (good, strlen (good), &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (reply.server_time, ==, "t");
  /* Commands without a usable id are dropped: they could not be acknowledged. */
  g_assert_cmpuint (reply.commands->len, ==, 3);
  HbHeartbeatCommand *a = reply.commands->pdata[0];
  g_assert_cmpint (a->kind, ==, HB_COMMAND_REJECTED);   /* ui.fullscreen is not allowed */
  g_assert_cmpstr (a->reason, ==, "invalid-arguments");
  HbHeartbeatCommand *b = reply.commands->pdata[1];
  g_assert_cmpint (b->kind, ==, HB_COMMAND_CONFIG);
  g_assert_cmpstr (json_object_get_string_member (b->args, "log.level"), ==, "debug");
  HbHeartbeatCommand *c = reply.commands->pdata[2];
  g_assert_cmpint (c->kind, ==, HB_COMMAND_REJECTED);
  hb_heartbeat_reply_clear (&reply);

  for (guint i = 0; i <= HB_HEARTBEAT_MAX_COMMANDS; i++)
    g_string_append_printf (many, "%s{\"id\":\"c%u\",\"name\":\"sync-now\"}", i ? "," : "", i);
  g_string_append (many, "]}");
  g_assert_false (hb_heartbeat_reply_parse (many->str, many->len, &reply, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  hb_heartbeat_reply_clear (&reply);
  g_clear_error (&error);

  g_assert_false (hb_heartbeat_reply_parse ("[]", 2, &reply, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  hb_heartbeat_reply_clear (&reply);
  g_clear_error (&error);

  /* An empty 200 carries no commands. */
  g_assert_true (hb_heartbeat_reply_parse ("", 0, &reply, &error));
  g_assert_cmpuint (reply.commands->len, ==, 0);
  hb_heartbeat_reply_clear (&reply);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/offline-cache/heartbeat/" path, Fixture, NULL, \
                                  fixture_setup, fn, fixture_teardown)
  ADD ("carries-kiosk-status-outbox-depth-and-catalog-version",
       test_carries_status_outbox_and_catalog_version);
  ADD ("commands-are-applied-once-and-acknowledged-even-across-restarts",
       test_commands_are_applied_once_and_acknowledged);
  ADD ("unknown-and-unsafe-commands-are-rejected-not-applied",
       test_unknown_and_unsafe_commands_are_rejected_not_applied);
  ADD ("sync-now-pulls-the-catalog-at-once", test_sync_now_pulls_the_catalog_at_once);
  g_test_add_func ("/offline-cache/heartbeat/reply-parser-bounds-and-normalises",
                   test_reply_parser_bounds_and_normalises);
  return g_test_run ();
}
