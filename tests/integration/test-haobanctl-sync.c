/* Integration: the technician's `haobanctl sync --once`, `outbox list|park|retry` and
 * `catalog search` — the real binary on a terminal's data dir holding a resident's queued
 * visit, against a real haoban-platform-sim (visit-fixture.h). */
#include "visit-fixture.h"

/* A resident's visit queued while the platform fails; then the terminal stops, so only
 * haobanctl can deliver it. Returns the application's idempotency key. */
static char *
queue_a_visit_and_stop (Visit *v)
{
  const HbSubmission *s;
  char *key;

  visit_fault (v, "{\"status\":503}");
  visit_identify_and_fill (v, 1);
  s = visit_submit (v);
  g_assert_true (s->queued);
  key = g_strdup (s->idempotency_key);
  visit_rate_and_finish (v, 4);
  hb_core_stop (v->core);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 0);
  return key;
}

static void
test_sync_once_delivers_the_outbox (Visit *v, gconstpointer data)
{
  g_autofree char *key = queue_a_visit_and_stop (v);
  g_autofree char *out = NULL, *again = NULL, *want = NULL;
  g_autoptr(JsonArray) apps = NULL;
  int status = -1;

  visit_fault (v, "{}");
  out = visit_ctl (v, &status, "sync", "--once", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "platform "));
  want = g_strdup_printf ("\ndelivered %s SH", key);
  g_assert_nonnull (strstr (out, want));
  g_assert_nonnull (strstr (out, "\ncatalog "));
  g_assert_nonnull (strstr (out, "\n2 delivered, 0 rejected, 0 parked, 0 pending\n"));
  g_assert_null (strstr (out, "\npending "));

  /* On the platform: the application once, with the terminal's key, and the rating. */
  apps = visit_platform_list (v, "/_sim/applications");
  g_assert_cmpuint (json_array_get_length (apps), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (apps, 0),
                                                  "idempotency_key"), ==, key);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/ratings"), ==, 1);

  /* A second round has nothing left to send. */
  again = visit_ctl (v, &status, "sync", "--once", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (again, "catalog "));
  g_assert_nonnull (strstr (again, " unchanged\n"));
  g_assert_nonnull (strstr (again, "\n0 delivered, 0 rejected, 0 parked, 0 pending\n"));
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 1);
}

static void
test_sync_once_reports_what_stays_pending (Visit *v, gconstpointer data)
{
  g_autofree char *key = queue_a_visit_and_stop (v);
  g_autofree char *out = NULL, *want = NULL;
  int status = -1;

  /* The platform answers, but only with 503: nothing goes, and the report says why. */
  out = visit_ctl (v, &status, "sync", "--once", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "answered (HTTP 503)"));
  g_assert_nonnull (strstr (out, "\ncatalog not checked"));
  g_assert_nonnull (strstr (out, "\n0 delivered, 0 rejected, 0 parked, 2 pending\n"));
  want = g_strdup_printf ("\npending %s application attempts ", key);
  g_assert_nonnull (strstr (out, want));
  g_assert_nonnull (strstr (out, "503"));
  g_assert_null (strstr (out, SAMPLE_ID));
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 0);
}

static void
test_sync_once_unreachable_fails (Visit *v, gconstpointer data)
{
  g_autofree char *out = NULL;
  int status = -1;

  hb_core_stop (v->core);
  hb_test_sim_kill (v->sim);
  out = visit_ctl (v, &status, "sync", "--once", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "");
}

static JsonArray *
ctl_json_list (Visit *v, const char *state)
{
  int status = -1;
  g_autofree char *out = state ? visit_ctl (v, &status, "outbox", "list", "--state", state,
                                            "--json", NULL)
                               : visit_ctl (v, &status, "outbox", "list", "--json", NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (status, ==, 0);
  node = hb_json_parse (out, -1, 1 << 20, 16, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

static JsonObject *
find_item (JsonArray *items, const char *key)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);
      if (g_strcmp0 (json_object_get_string_member (o, "key"), key) == 0)
        return o;
    }
  return NULL;
}

static void
test_list_shows_items_without_personal_data (Visit *v, gconstpointer data)
{
  g_autofree char *key = queue_a_visit_and_stop (v);
  g_autoptr(JsonArray) all = ctl_json_list (v, NULL);
  g_autoptr(JsonArray) sent = ctl_json_list (v, "sent");
  g_autofree char *plain = NULL, *json = NULL, *summary = NULL;
  JsonObject *app;
  int status = -1;

  /* The application and its rating, both pending, with the reason they wait. */
  g_assert_cmpuint (json_array_get_length (all), ==, 2);
  app = find_item (all, key);
  g_assert_nonnull (app);
  g_assert_cmpstr (json_object_get_string_member (app, "kind"), ==, "application");
  g_assert_cmpstr (json_object_get_string_member (app, "state"), ==, "pending");
  g_assert_cmpint (json_object_get_int_member (app, "attempts"), >=, 1);
  /* A 503 says the platform is down, not that this item is wrong: no failure counted. */
  g_assert_cmpint (json_object_get_int_member (app, "failures"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (app, "age_s"), >=, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (app, "last_error"), "503"));
  g_assert_false (json_object_has_member (app, "body"));
  g_assert_cmpuint (json_array_get_length (sent), ==, 0);

  /* Neither form shows the resident. */
  plain = visit_ctl (v, &status, "outbox", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (plain, key));
  json = visit_ctl (v, &status, "outbox", "list", "--json", NULL);
  for (const char *const *p = (const char *const[]) { SAMPLE_ID, "张伟", "13812345678", NULL };
       *p; p++)
    {
      g_assert_null (strstr (plain, *p));
      g_assert_null (strstr (json, *p));
    }

  /* The summary still works, with the parked count added. */
  summary = visit_ctl (v, &status, "outbox", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (summary, "pending 2\n"));
  g_assert_nonnull (strstr (summary, "\nparked 0\n"));

  g_free (visit_ctl (v, &status, "outbox", "list", "--state", "lost", NULL));
  g_assert_cmpint (status, ==, 2);
}

static void
test_park_and_retry (Visit *v, gconstpointer data)
{
  g_autofree char *key = queue_a_visit_and_stop (v);
  g_autofree char *out = NULL;
  int status = -1;

  /* Parked by hand: out of the queue, with the technician's reason. */
  g_free (visit_ctl (v, &status, "outbox", "park", key, "--reason", "checked by technician", NULL));
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(JsonArray) parked = ctl_json_list (v, "parked");
    g_autoptr(JsonArray) pending = ctl_json_list (v, "pending");
    JsonObject *o = find_item (parked, key);
    g_assert_nonnull (o);
    g_assert_cmpstr (json_object_get_string_member (o, "last_error"), ==, "checked by technician");
    g_assert_null (find_item (pending, key));
  }
  out = visit_ctl (v, &status, "outbox", NULL);
  g_assert_nonnull (strstr (out, "\nparked 1\n"));
  g_clear_pointer (&out, g_free);

  /* Only a pending item can be parked; only a parked one retried. */
  g_free (visit_ctl (v, &status, "outbox", "park", key, NULL));
  g_assert_cmpint (status, ==, 1);
  g_free (visit_ctl (v, &status, "outbox", "retry", "no-such-key", NULL));
  g_assert_cmpint (status, ==, 1);

  g_free (visit_ctl (v, &status, "outbox", "retry", key, NULL));
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(JsonArray) pending = ctl_json_list (v, "pending");
    JsonObject *o = find_item (pending, key);
    g_assert_nonnull (o);
    g_assert_cmpint (json_object_get_int_member (o, "failures"), ==, 0);
  }

  g_free (visit_ctl (v, &status, "outbox", "park", key, NULL));
  g_assert_cmpint (status, ==, 0);
  out = visit_ctl (v, &status, "outbox", "retry", "--all", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "1 item back in the queue\n");

  /* Back in the queue, it goes out once the platform is well again: exactly once. */
  visit_fault (v, "{}");
  g_free (visit_ctl (v, &status, "sync", "--once", NULL));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 1);
  {
    g_autoptr(JsonArray) sent = ctl_json_list (v, "sent");
    g_autoptr(JsonArray) left = ctl_json_list (v, NULL);
    g_assert_nonnull (find_item (sent, key));
    g_assert_cmpuint (json_array_get_length (left), ==, 0);
  }

  /* Each park and retry by hand is in the audit log, by haobanctl, with the item's key. */
  g_clear_pointer (&out, g_free);
  out = visit_ctl (v, &status, "audit", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
    guint parks = 0, retries = 0, all = 0;
    for (guint i = 0; lines[i]; i++)
      if (strstr (lines[i], "haobanctl"))
        {
          gboolean this_key = strstr (lines[i], key) != NULL;
          parks += this_key && strstr (lines[i], "outbox.park") != NULL;
          retries += this_key && strstr (lines[i], "outbox.retry") != NULL;
          all += strstr (lines[i], "outbox.retry") && strstr (lines[i], "--all");
        }
    g_assert_cmpuint (parks, ==, 2);
    g_assert_cmpuint (retries, ==, 1);
    g_assert_cmpuint (all, ==, 1);
  }
}

static void
test_catalog_search_json_ranks_like_the_kiosk (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) want = hb_catalog_search (hb_core_get_catalog (v->core), "居住证", &error);
  g_autofree char *out = NULL, *plain = NULL, *list = NULL, *none = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *got;
  int status = -1;

  g_assert_no_error (error);
  g_assert_cmpuint (want->len, >=, 2);
  out = visit_ctl (v, &status, "catalog", "search", "居住证", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  node = hb_json_parse (out, -1, 1 << 20, 16, &error);
  g_assert_no_error (error);
  got = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (got), ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      JsonObject *o = json_array_get_object_element (got, i);
      const HbCatalogEntry *e = want->pdata[i];
      g_assert_cmpstr (json_object_get_string_member (o, "code"), ==, e->code);
      g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, e->name);
      g_assert_true (json_object_has_member (o, "audience"));
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (got, 0), "code"),
                   ==, JZZ_CODE);

  /* Plain text (pinyin initials as on the kiosk), and the other subcommands still work. */
  plain = visit_ctl (v, &status, "catalog", "search", "jzz", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (plain, JZZ_CODE "\t居住证签注\n"));
  list = visit_ctl (v, &status, "catalog", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  {
    guint lines = 0;
    for (const char *c = list; *c; c++)
      lines += *c == '\n';
    g_assert_cmpuint (lines, ==, hb_catalog_count (hb_core_get_catalog (v->core)));
  }
  none = visit_ctl (v, &status, "catalog", "search", "没有这种事项", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (none, ==, "[]\n");
  g_free (visit_ctl (v, &status, "catalog", "search", NULL));
  g_assert_cmpint (status, ==, 2);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add ("/integration/haobanctl/sync-once-delivers-the-outbox-exactly-once", Visit, NULL,
              visit_setup, test_sync_once_delivers_the_outbox, visit_teardown);
  g_test_add ("/integration/haobanctl/sync-once-reports-what-stays-pending-and-why", Visit, NULL,
              visit_setup, test_sync_once_reports_what_stays_pending, visit_teardown);
  g_test_add ("/integration/haobanctl/sync-once-fails-when-the-platform-is-unreachable", Visit,
              NULL, visit_setup, test_sync_once_unreachable_fails, visit_teardown);
  g_test_add ("/integration/haobanctl/outbox-list-shows-items-without-personal-data", Visit,
              NULL, visit_setup, test_list_shows_items_without_personal_data, visit_teardown);
  g_test_add ("/integration/haobanctl/outbox-park-and-retry-then-delivered-once", Visit, NULL,
              visit_setup, test_park_and_retry, visit_teardown);
  g_test_add ("/integration/haobanctl/catalog-search-json-ranks-like-the-kiosk", Visit, NULL,
              visit_setup, test_catalog_search_json_ranks_like_the_kiosk, visit_teardown);
  return g_test_run ();
}
