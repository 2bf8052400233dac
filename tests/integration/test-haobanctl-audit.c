/* Integration: the audit log end to end — a submission is appended by the terminal, its head
 * goes to the platform with the heartbeat, and the real `haobanctl audit verify` passes an
 * intact log (exit 0) and names each kind of tampering made with raw SQL on the store file
 * (exit 1, "audit: record 17 was edited (hash mismatch)"). */
#include "visit-fixture.h"
#include "offline-cache/hb-audit.h"

#include <sqlite3.h>

/* 20 records, as staff and residents would leave them. */
static void
fill_log (Visit *v)
{
  g_autofree char *db = hb_config_dup_db_path (v->config);
  g_autofree char *key = hb_config_dup_key_path (v->config);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_autoptr(HbAudit) audit = NULL;

  g_assert_no_error (error);
  audit = hb_audit_new (store);
  for (guint i = 1; i <= 20; i++)
    {
      g_autofree char *subject = g_strdup_printf ("key-%u", i);
      g_assert_true (hb_audit_append (audit, i % 4 ? "resident" : "staff:S0042",
                                      i % 4 ? "submission" : "outbox.retry", subject,
                                      i % 4 ? JZZ_CODE : NULL, &error));
      g_assert_no_error (error);
    }
}

static void
tamper (Visit *v, const char *sql)
{
  g_autofree char *db = hb_config_dup_db_path (v->config);
  sqlite3 *h = NULL;
  char *msg = NULL;

  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  sqlite3_busy_timeout (h, 5000);
  if (sqlite3_exec (h, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("tamper: %s", msg);
  sqlite3_close (h);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = hb_json_parse (text, -1, 4 << 20, 16, &error);
  g_assert_no_error (error);
  return node;
}

typedef struct {
  const char *name;
  const char *sql;
  const char *line;     /* haobanctl's line */
  const char *fault;    /* --json "fault" */
  gint64      seq;
} Tampering;

static const Tampering tamperings[] = {
  { "edited", "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 17",
    "audit: record 17 was edited (hash mismatch)", "edited", 17 },
  { "removed-from-the-middle", "DELETE FROM audit_log WHERE seq = 9",
    "audit: record 9 was removed (gap in the sequence)", "removed", 9 },
  { "removed-from-the-tail", "DELETE FROM audit_log WHERE seq > 18",
    "audit: records 19-20 were removed from the end (the log ends before the anchored head)",
    "truncated", 19 },
  { "reordered", "UPDATE audit_log SET seq = -12 WHERE seq = 12;"
                 "UPDATE audit_log SET seq = 12 WHERE seq = 13;"
                 "UPDATE audit_log SET seq = 13 WHERE seq = -12;",
    "audit: record 12 was reordered (out of order: it sits at position 13)", "reordered", 12 },
  { "inserted", "DROP INDEX audit_log_prev;"
                "UPDATE audit_log SET seq = -seq - 1 WHERE seq >= 6;"
                "UPDATE audit_log SET seq = -seq WHERE seq < 0;"
                "INSERT INTO audit_log SELECT 6, time, actor, action, 'key-x', detail, "
                "  prev_hash, hash FROM audit_log WHERE seq = 7;",
    "audit: record 6 was inserted (not part of the chain; the genuine record follows it)",
    "inserted", 6 },
};

static void
test_verify_names_the_tampering (Visit *v, gconstpointer data)
{
  const Tampering *t = data;
  g_autofree char *intact = NULL;
  g_autofree char *line = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  int status = -1;

  fill_log (v);
  intact = visit_ctl (v, &status, "audit", "verify", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (intact, "audit: intact, 20 records, head 20 "));

  tamper (v, t->sql);
  line = visit_ctl (v, &status, "audit", "verify", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (g_strchomp (line), ==, t->line);

  json = visit_ctl (v, &status, "audit", "verify", "--json", NULL);
  g_assert_cmpint (status, ==, 1);
  node = parse (json);
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "intact"));
  g_assert_cmpstr (json_object_get_string_member (o, "fault"), ==, t->fault);
  g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, t->seq);
}

static void
test_list_and_head (Visit *v, gconstpointer data)
{
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *head = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *a;
  int status = -1;

  fill_log (v);
  json = visit_ctl (v, NULL, "audit", "list", "--since", "15", "--limit", "3", "--json", NULL);
  node = parse (json);
  a = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (a), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (a, 0), "seq"), ==,
                   16);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, 0),
                                                  "action"), ==, "outbox.retry");

  /* Without --since: the newest, oldest first. */
  text = visit_ctl (v, NULL, "audit", "list", "--limit", "2", NULL);
  g_assert_nonnull (strstr (text, "    19  "));
  g_assert_nonnull (strstr (text, "    20  "));
  g_assert_null (strstr (text, "    18  "));
  g_assert_true (strstr (text, "    19  ") < strstr (text, "    20  "));

  head = visit_ctl (v, NULL, "audit", "head", NULL);
  g_assert_true (g_str_has_prefix (head, "20:"));
  g_assert_cmpuint (strlen (g_strchomp (head)), ==, 3 + 64);

  g_free (visit_ctl (v, &status, "audit", "list", "--limit", "0", NULL));
  g_assert_cmpint (status, ==, 2);
  g_free (visit_ctl (v, &status, "audit", "verify", "--head", "20:xyz", NULL));
  g_assert_cmpint (status, ==, 2);
}

/* The heartbeat the platform kept last that carries an audit head, as "SEQ:HASH". */
typedef struct {
  Visit *v;
  gint64 want_seq;
  char  *head;
} HeadWait;

static gboolean
platform_has_head (gpointer data)
{
  HeadWait *w = data;
  g_autoptr(JsonArray) beats = visit_platform_list (w->v, "/_sim/heartbeats");
  guint n = json_array_get_length (beats);

  for (guint i = n; i-- > 0;)
    {
      JsonObject *beat = json_array_get_object_element (beats, i);
      JsonObject *h;
      if (beat == NULL || !json_object_has_member (beat, "audit_head"))
        continue;
      h = json_object_get_object_member (beat, "audit_head");
      if (json_object_get_int_member (h, "seq") < w->want_seq)
        break;
      g_free (w->head);
      w->head = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", json_object_get_int_member (h, "seq"),
                                 json_object_get_string_member (h, "hash"));
      return TRUE;
    }
  hb_sync_request_heartbeat (hb_core_get_sync (w->v->core));
  return FALSE;
}

static void
test_submission_is_recorded_and_its_head_reaches_the_platform (Visit *v, gconstpointer data)
{
  const HbSubmission *sub;
  g_autofree char *json = NULL;
  g_autofree char *head = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *rec = NULL;
  JsonArray *a;
  HeadWait w = { v, 0, NULL };
  int status = -1;

  visit_identify_and_fill (v, 1);
  sub = visit_submit (v);
  g_assert_nonnull (sub->idempotency_key);

  json = visit_ctl (v, NULL, "audit", "list", "--json", NULL);
  g_assert_null (strstr (json, SAMPLE_ID));
  g_assert_null (strstr (json, "13812345678"));
  node = parse (json);
  a = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      if (g_str_equal (json_object_get_string_member (o, "action"), "submission"))
        {
          g_assert_null (rec);   /* one application, one record */
          rec = o;
        }
    }
  g_assert_nonnull (rec);
  g_assert_cmpstr (json_object_get_string_member (rec, "actor"), ==, "resident");
  g_assert_cmpstr (json_object_get_string_member (rec, "subject"), ==, sub->idempotency_key);
  g_assert_cmpstr (json_object_get_string_member (rec, "detail"), ==, JZZ_CODE);

  /* The platform keeps the head it was sent. */
  w.want_seq = json_object_get_int_member (rec, "seq");
  g_assert_true (hb_test_wait_until (platform_has_head, &w, 20000));
  head = visit_ctl (v, NULL, "audit", "head", NULL);
  g_assert_cmpstr (g_strchomp (head), ==, w.head);
  g_free (visit_ctl (v, &status, "audit", "verify", "--head", w.head, NULL));
  g_assert_cmpint (status, ==, 0);

  /* Someone empties the log and its anchor on the terminal: the log alone looks empty and
   * whole, the platform's head does not. */
  hb_core_stop (v->core);
  tamper (v, "DELETE FROM audit_log; DELETE FROM meta WHERE key = 'audit.head';");
  g_free (visit_ctl (v, &status, "audit", "verify", NULL));
  g_assert_cmpint (status, ==, 0);
  line = visit_ctl (v, &status, "audit", "verify", "--head", w.head, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_suffix (g_strchomp (line),
                                   "removed from the end (the log ends before the head held by "
                                   "the platform)"));
  g_free (w.head);
}

/* A terminal updated from software without the audit log (or that died between the outbox
 * commit and the record) has applications without records: the core adds them at start. */
static void
test_submissions_without_records_are_added_at_start (Visit *v, gconstpointer data)
{
  const HbSubmission *sub;
  g_autofree char *key = NULL;
  g_autofree char *json = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *rec;
  int status = -1;

  visit_identify_and_fill (v, 1);
  sub = visit_submit (v);
  key = g_strdup (sub->idempotency_key);
  hb_core_stop (v->core);
  g_clear_object (&v->core);
  tamper (v, "DELETE FROM audit_log; DELETE FROM meta WHERE key = 'audit.head';");

  v->core = hb_core_new (v->config);
  g_assert_true (hb_core_start (v->core, &error));
  g_assert_no_error (error);
  json = visit_ctl (v, NULL, "audit", "list", "--json", NULL);
  node = parse (json);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  rec = json_array_get_object_element (json_node_get_array (node), 0);
  g_assert_cmpstr (json_object_get_string_member (rec, "action"), ==, "submission");
  g_assert_cmpstr (json_object_get_string_member (rec, "subject"), ==, key);
  g_assert_cmpstr (json_object_get_string_member (rec, "detail"), ==, "recorded at start");
  line = visit_ctl (v, &status, "audit", "verify", NULL);
  g_assert_cmpint (status, ==, 0);
}

static void
setup_no_core (Visit *v, gconstpointer data)
{
  visit_setup_full (v, 4000, FALSE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (tamperings); i++)
    {
      g_autofree char *path = g_strdup_printf ("/integration/haobanctl/audit/verify-exits-1-and-"
                                               "names-a-record-%s", tamperings[i].name);
      g_test_add (path, Visit, &tamperings[i], setup_no_core, test_verify_names_the_tampering,
                  visit_teardown);
    }
  g_test_add ("/integration/haobanctl/audit/list-pages-and-head-prints-seq-and-hash", Visit,
              NULL, setup_no_core, test_list_and_head, visit_teardown);
  g_test_add ("/integration/haobanctl/audit/submission-is-recorded-and-its-head-reaches-the-"
              "platform", Visit, NULL, visit_setup,
              test_submission_is_recorded_and_its_head_reaches_the_platform, visit_teardown);
  g_test_add ("/integration/haobanctl/audit/submissions-without-records-are-added-at-start",
              Visit, NULL, visit_setup, test_submissions_without_records_are_added_at_start,
              visit_teardown);
  return g_test_run ();
}
