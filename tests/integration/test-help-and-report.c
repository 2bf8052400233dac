/* test-help-and-report.c — 帮办 and 办不成事 through the whole core against platform-sim:
 * a help call counts down to the desk's target and shows the agent who answers; without the
 * platform it ends at once with the 12345 advice; a 办不成事 report is queued and reaches the
 * platform exactly once, offline included, with the page it came from. */
#include "visit-fixture.h"
#include "kiosk/hb-help-call.h"
#include "kiosk/hb-report.h"

static void
sim_post (Visit *v, const char *path, const char *json)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (v->sim, "POST", path, json, &status);
  g_assert_cmpint (status, ==, 200);
}

typedef struct { HbHelpCall *call; HbHelpState want; } HelpWait;

static gboolean
call_in_state (gpointer data)
{
  HelpWait *w = data;
  return hb_help_call_get_state (w->call) == w->want;
}

static void
wait_call (HbHelpCall *call, HbHelpState want, guint ms)
{
  HelpWait w = { call, want };
  g_assert_true (hb_test_wait_until (call_in_state, &w, ms));
}

static void
test_help_counts_down_then_shows_the_agent (Visit *v, gconstpointer data)
{
  sim_post (v, "/_sim/help", "{\"answer_after_ms\": 2500}");
  visit_identify_and_fill (v, 1);
  g_autoptr(HbHelpCall) call = hb_core_call_help (v->core, "form");
  wait_call (call, HB_HELP_WAITING, 10000);
  /* The desk's one-minute target, counting down. */
  guint first = hb_help_call_get_seconds_left (call);
  g_assert_cmpuint (first, <=, 60);
  g_assert_cmpuint (first, >=, 55);
  wait_call (call, HB_HELP_CONNECTED, 15000);
  g_assert_nonnull (hb_help_call_get_agent_name (call));
  /* Staff on site see it too. */
  g_autofree char *status = hb_core_dup_status_path (v->core);
  g_autofree char *text = hb_test_read_file (status, NULL);
  for (guint i = 0; i < 50 && (text == NULL || strstr (text, "resident") == NULL); i++)
    {
      hb_test_spin (50);
      g_free (text);
      text = hb_test_read_file (status, NULL);
    }
  g_assert_nonnull (strstr (text, "resident"));
}

static void
test_a_resident_who_leaves_withdraws_the_request (Visit *v, gconstpointer data)
{
  sim_post (v, "/_sim/help", "{\"answer_after_ms\": -1}");
  g_autoptr(HbHelpCall) call = hb_core_call_help (v->core, "catalog");
  wait_call (call, HB_HELP_WAITING, 10000);
  hb_help_call_cancel (call);
  g_assert_cmpint (hb_help_call_get_state (call), ==, HB_HELP_CLOSED);
  /* The desk sees it closed. */
  g_autofree char *path = g_strdup_printf ("/v1/help-requests/%s", hb_help_call_get_id (call));
  for (guint i = 0; i < 100; i++)
    {
      long status = 0;
      g_autofree char *body = hb_test_sim_request (v->sim, "GET", path, NULL, &status);
      if (status == 200 && strstr (body, "\"closed\""))
        return;
      hb_test_spin (50);
    }
  g_error ("the help request was not withdrawn");
}

static void
test_help_without_the_platform_says_12345_at_once (Visit *v, gconstpointer data)
{
  visit_fault (v, "{\"status\": 503}");
  g_autoptr(HbHelpCall) call = hb_core_call_help (v->core, "catalog");
  wait_call (call, HB_HELP_OFFLINE, 10000);
  visit_fault (v, "{}");
  hb_test_sim_kill (v->sim);
  g_autoptr(HbHelpCall) dead = hb_core_call_help (v->core, "catalog");
  wait_call (dead, HB_HELP_OFFLINE, 15000);
}

static void
reported_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  v->ok = hb_core_report_finish (HB_CORE (source), result, &v->error);
  v->done = TRUE;
}

static void
test_a_report_reaches_the_platform_exactly_once (Visit *v, gconstpointer data)
{
  visit_identify_and_fill (v, 1);
  /* Offline first: queued, delivered when the platform is back. */
  visit_fault (v, "{\"status\": 503}");
  visit_reset_async (v);
  hb_core_report_async (v->core, "form", "材料不全", NULL, "13800138000", NULL, reported_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 10000));
  g_assert_no_error (v->error);
  g_assert_true (v->ok);
  hb_test_spin (500);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/reports"), ==, 0);
  visit_fault (v, "{}");
  hb_sync_kick (hb_core_get_sync (v->core));
  g_assert_true (visit_wait_platform (v, "/_sim/reports", 1, 20000));
  hb_test_spin (500);
  g_autoptr(JsonArray) reports = visit_platform_list (v, "/_sim/reports");
  g_assert_cmpuint (json_array_get_length (reports), ==, 1);
  JsonObject *r = json_array_get_object_element (reports, 0);
  g_autofree char *text = hb_json_to_string (json_array_get_element (reports, 0));
  g_assert_nonnull (strstr (text, "材料不全"));
  g_assert_nonnull (strstr (text, "form"));
  g_assert_nonnull (r);

  /* A reason outside the list is refused before anything is queued. */
  visit_reset_async (v);
  hb_core_report_async (v->core, "form", "没意思", NULL, NULL, NULL, reported_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 10000));
  g_assert_false (v->ok);
  g_clear_error (&v->error);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/integration/help-and-report/" path, Visit, NULL, \
                                  visit_setup, fn, visit_teardown)
  ADD ("help-counts-down-then-shows-the-agent", test_help_counts_down_then_shows_the_agent);
  ADD ("a-resident-who-leaves-withdraws-the-request",
       test_a_resident_who_leaves_withdraws_the_request);
  ADD ("help-without-the-platform-says-12345-at-once",
       test_help_without_the_platform_says_12345_at_once);
  ADD ("a-report-reaches-the-platform-exactly-once",
       test_a_report_reaches_the_platform_exactly_once);
  return g_test_run ();
}
