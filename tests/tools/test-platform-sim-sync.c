/* test-platform-sim-sync.c — the sim's sync additions (docs/platform-sim.md): catalog
 * versions and deltas (POST /_sim/catalog, GET /v1/catalog?since=), assets
 * (POST /_sim/assets, GET /v1/assets/<sha256>) and commands carried by heartbeat replies
 * (POST/GET /_sim/commands). */
#include "tests/common/hb-test-util.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define V1 "2026.11.27-2"


static HbTestSim *
start (void)
{
  g_autoptr(GError) error = NULL;
  HbTestSim *sim = hb_test_sim_start (NULL, &error);
  g_assert_no_error (error);
  return sim;
}

static JsonNode *
request_json (HbTestSim *sim, const char *method, const char *path, const char *body,
              long expected)
{
  long status = 0;
  g_autofree char *reply = hb_test_sim_request (sim, method, path, body, &status);
  g_assert_cmpint (status, ==, expected);
  JsonNode *root = json_from_string (reply, NULL);
  g_assert_nonnull (root);
  return root;
}

static const char *
error_code (JsonNode *root)
{
  return json_object_get_string_member (json_node_get_object (root), "error");
}

/* --- catalog versions ------------------------------------------------------------------ */

static void
test_delta_from_a_known_version_full_otherwise (void)
{
  g_autoptr(HbTestSim) sim = start ();
  static const char v2[] =
    "{\"version\":\"v2\",\"services\":["
    "{\"code\":\"310000-GA-JZZ-0003\",\"name\":\"居住证签注（新）\"},"
    "{\"code\":\"NEW-1\",\"name\":\"新事项\"}]}";

  g_autoptr(JsonNode) published = request_json (sim, "POST", "/_sim/catalog", v2, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (published), "etag"),
                   ==, "\"v2\"");

  /* From the file's version: one changed, one new, all others removed, the derived order. */
  g_autoptr(JsonNode) delta = request_json (sim, "GET", "/v1/catalog?since=" V1, NULL, 200);
  JsonObject *d = json_node_get_object (delta);
  g_assert_cmpstr (json_object_get_string_member (d, "version"), ==, "v2");
  g_assert_cmpstr (json_object_get_string_member (d, "from_version"), ==, V1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (d, "upserts")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (d, "removals")), ==,
                    hb_test_demo_catalog_services () - 1);
  g_assert_false (json_object_has_member (d, "order"));

  /* An unknown version gets the full document. */
  g_autoptr(JsonNode) full = request_json (sim, "GET", "/v1/catalog?since=nope", NULL, 200);
  g_assert_false (json_object_has_member (json_node_get_object (full), "from_version"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (full), "services")), ==, 2);

  /* A new order that is not the derived one is spelled out. */
  static const char v3[] =
    "{\"version\":\"v3\",\"services\":[{\"code\":\"NEW-1\",\"name\":\"新事项\"},"
    "{\"code\":\"310000-GA-JZZ-0003\",\"name\":\"居住证签注（新）\"}]}";
  g_autoptr(JsonNode) p3 = request_json (sim, "POST", "/_sim/catalog", v3, 200);
  g_autoptr(JsonNode) d3 = request_json (sim, "GET", "/v1/catalog?since=v2", NULL, 200);
  JsonObject *o3 = json_node_get_object (d3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o3, "upserts")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o3, "order")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o3, "order"), 0),
                   ==, "NEW-1");

  g_autoptr(JsonNode) counters = request_json (sim, "GET", "/_sim/requests", NULL, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (counters), "catalog_deltas"),
                   ==, 2);
}

static void
test_publishing_a_broken_catalog_is_refused (void)
{
  g_autoptr(HbTestSim) sim = start ();
  static const char *const bad[] = { "[]", "{\"services\":[]}", "{\"version\":\"a\\\"b\"}", "{" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      long status = 0;
      g_autofree char *reply = hb_test_sim_request (sim, "POST", "/_sim/catalog", bad[i], &status);
      g_assert_cmpint (status, ==, 400);
    }
  /* The file's catalog is still served. */
  g_autoptr(JsonNode) full = request_json (sim, "GET", "/v1/catalog", NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (full), "version"), ==, V1);
}

/* --- assets ---------------------------------------------------------------------------- */

static void
test_assets_are_served_by_their_hash (void)
{
  g_autoptr(HbTestSim) sim = start ();
  static const char image[] = "not really a PNG";
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, image, -1);
  g_autofree char *path = g_strdup_printf ("/v1/assets/%s", sha);
  long status = 0;

  g_autoptr(JsonNode) added = request_json (sim, "POST", "/_sim/assets", image, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (added), "sha256"), ==, sha);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (added), "bytes"), ==,
                   strlen (image));
  g_autofree char *got = hb_test_sim_request (sim, "GET", path, NULL, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_cmpstr (got, ==, image);

  g_autoptr(JsonNode) missing = request_json (sim, "GET",
    "/v1/assets/0000000000000000000000000000000000000000000000000000000000000000", NULL, 404);
  g_assert_cmpstr (error_code (missing), ==, "not-found");
  g_autoptr(JsonNode) bad_as = request_json (sim, "POST", "/_sim/assets?as=XYZ", image, 400);
  g_assert_cmpstr (error_code (bad_as), ==, "invalid-asset");
}

/* --- commands -------------------------------------------------------------------------- */

static void
test_commands_ride_heartbeat_replies_until_acknowledged (void)
{
  g_autoptr(HbTestSim) sim = start ();

  g_autoptr(JsonNode) q = request_json (sim, "POST", "/_sim/commands",
                                        "{\"name\":\"sync-now\"}", 200);
  const char *id = json_object_get_string_member (json_node_get_object (q), "id");
  g_assert_cmpstr (id, ==, "C1");
  g_autoptr(JsonNode) bad = request_json (sim, "POST", "/_sim/commands", "{\"args\":{}}", 400);
  g_assert_cmpstr (error_code (bad), ==, "invalid-command");

  /* Sent again and again until a heartbeat acknowledges it. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) r = request_json (sim, "POST", "/v1/heartbeat",
                                            "{\"terminal_id\":\"SH-XH-0001\"}", 200);
      JsonArray *cmds = json_object_get_array_member (json_node_get_object (r), "commands");
      g_assert_cmpuint (json_array_get_length (cmds), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cmds, 0),
                                                      "name"), ==, "sync-now");
    }
  g_autoptr(JsonNode) acked = request_json (sim, "POST", "/v1/heartbeat",
    "{\"terminal_id\":\"SH-XH-0001\",\"acks\":[{\"id\":\"C1\",\"result\":\"applied\"}]}", 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (acked), "commands")), ==, 0);

  g_autoptr(JsonNode) state = request_json (sim, "GET", "/_sim/commands", NULL, 200);
  JsonArray *acks = json_object_get_array_member (json_node_get_object (state), "acks");
  g_assert_cmpuint (json_array_get_length (acks), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (acks, 0),
                                                  "terminal_id"), ==, "SH-XH-0001");

  /* A reset forgets commands and acks. */
  g_autoptr(JsonNode) again = request_json (sim, "POST", "/_sim/commands",
                                            "{\"name\":\"config\",\"args\":{}}", 200);
  g_autoptr(JsonNode) reset = request_json (sim, "POST", "/_sim/reset", NULL, 200);
  g_autoptr(JsonNode) empty = request_json (sim, "GET", "/_sim/commands", NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (empty), "queued")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (empty), "acks")), ==, 0);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/tools/platform-sim/sync/delta-from-a-known-version-full-otherwise",
                   test_delta_from_a_known_version_full_otherwise);
  g_test_add_func ("/tools/platform-sim/sync/publishing-a-broken-catalog-is-refused",
                   test_publishing_a_broken_catalog_is_refused);
  g_test_add_func ("/tools/platform-sim/sync/assets-are-served-by-their-hash",
                   test_assets_are_served_by_their_hash);
  g_test_add_func ("/tools/platform-sim/sync/commands-ride-heartbeat-replies-until-acknowledged",
                   test_commands_ride_heartbeat_replies_until_acknowledged);
  return g_test_run ();
}
