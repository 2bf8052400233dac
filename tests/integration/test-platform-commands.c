/* test-platform-commands.c — the platform steers a terminal through its heartbeat: the
 * terminal reports its devices and attention up, and applies commands down — out of service
 * (no new visit, a visit in progress goes on, kept across a restart) and allow-listed
 * configuration — each once, acknowledged. */
#include "visit-fixture.h"

static void
queue_command (Visit *v, const char *json)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (v->sim, "POST", "/_sim/commands", json, &status);
  g_assert_cmpint (status, >=, 200);
  g_assert_cmpint (status, <, 300);
}

static gboolean
out_of_service (gpointer data)
{
  return hb_core_get_out_of_service (((Visit *) data)->core, NULL);
}

static gboolean
in_service (gpointer data)
{
  return !out_of_service (data);
}

static gboolean
idle_timeout_is_120 (gpointer data)
{
  return hb_config_get_int (hb_core_get_config (((Visit *) data)->core), "session",
                            "idle_timeout") == 120;
}

/* The last heartbeat the platform received (GET /_sim/heartbeats: oldest first). */
static JsonObject *
last_heartbeat (Visit *v)
{
  g_autoptr(JsonArray) beats = visit_platform_list (v, "/_sim/heartbeats");
  guint n = json_array_get_length (beats);
  g_assert_cmpuint (n, >, 0);
  return json_object_ref (json_array_get_object_element (beats, n - 1));
}

static gboolean
heartbeat_reports_out_of_service (gpointer data)
{
  Visit *v = data;
  hb_sync_request_heartbeat (hb_core_get_sync (v->core));
  g_autoptr(JsonArray) beats = visit_platform_list (v, "/_sim/heartbeats");
  guint n = json_array_get_length (beats);
  if (n == 0)
    return FALSE;
  JsonObject *beat = json_array_get_object_element (beats, n - 1);
  JsonObject *attention = json_object_get_object_member (beat, "attention");
  return attention && json_object_has_member (attention, "out_of_service") &&
         !json_node_is_null (json_object_get_member (attention, "out_of_service"));
}

static void
test_out_of_service_command_stops_new_visits_not_the_current (Visit *v, gconstpointer data)
{
  HbSession *session = hb_core_get_session (v->core);

  /* A resident is in the middle of a visit when the command arrives. */
  visit_identify_and_fill (v, 1);
  queue_command (v, "{\"name\":\"out-of-service\",\"args\":{\"on\":true,\"reason\":\"打印机维修\"}}");
  hb_sync_request_heartbeat (hb_core_get_sync (v->core));
  g_assert_true (hb_test_wait_until (out_of_service, v, 15000));
  const char *reason = NULL;
  hb_core_get_out_of_service (v->core, &reason);
  g_assert_cmpstr (reason, ==, "打印机维修");

  /* … and finishes it: submitted, receipt, rating. */
  visit_submit (v);
  visit_rate_and_finish (v, 5);
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 1, 20000));

  /* The next resident cannot start one. */
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "2", NULL));
  hb_test_spin (1500);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_ATTRACT);

  /* The platform sees it in the heartbeat, with the command acknowledged. */
  g_assert_true (hb_test_wait_until (heartbeat_reports_out_of_service, v, 15000));
  g_autoptr(JsonObject) beat = last_heartbeat (v);
  g_assert_true (json_object_has_member (beat, "devices"));

  /* A restart does not reopen a terminal the platform closed. */
  hb_core_stop (v->core);
  g_clear_object (&v->core);
  v->core = hb_core_new (v->config);
  g_assert_true (hb_core_start (v->core, NULL));
  g_assert_true (hb_core_get_out_of_service (v->core, NULL));

  /* Back in service: a visit starts again. */
  queue_command (v, "{\"name\":\"out-of-service\",\"args\":{\"on\":false}}");
  hb_sync_request_heartbeat (hb_core_get_sync (v->core));
  g_assert_true (hb_test_wait_until (in_service, v, 15000));
  g_free (visit_ctl (v, NULL, "sim", "card-remove", NULL));
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "2", NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
}

static void
test_config_command_changes_allow_listed_keys_only (Visit *v, gconstpointer data)
{
  HbConfig *config = hb_core_get_config (v->core);
  g_autofree char *url = g_strdup (hb_config_get_string (config, "platform", "url"));

  queue_command (v, "{\"name\":\"config\",\"args\":{\"session.idle_timeout\":120}}");
  /* Not on the allow-list: what the terminal trusts is never changed from afar. */
  queue_command (v, "{\"name\":\"config\",\"args\":{\"platform.url\":\"http://127.0.0.1:9\"}}");
  hb_sync_request_heartbeat (hb_core_get_sync (v->core));
  g_assert_true (hb_test_wait_until (idle_timeout_is_120, v, 15000));
  hb_test_spin (1000);
  g_assert_cmpstr (hb_config_get_string (config, "platform", "url"), ==, url);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add ("/integration/platform-commands/out-of-service-stops-new-visits-not-the-current",
              Visit, NULL, visit_setup,
              test_out_of_service_command_stops_new_visits_not_the_current, visit_teardown);
  g_test_add ("/integration/platform-commands/config-changes-allow-listed-keys-only", Visit, NULL,
              visit_setup, test_config_command_changes_allow_listed_keys_only, visit_teardown);
  return g_test_run ();
}
