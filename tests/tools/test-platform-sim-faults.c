/* test-platform-sim-faults.c — the sim's fault rates (docs/platform-sim.md "Faults"):
 * parsing and showing the set, seeded reproducible draws, and what each kind does on the
 * wire — truncated, garbled and slow bodies, drops, errors, fail-after-commit, latency —
 * with the counters of GET /_sim/requests. The fixed faults are in test-platform-sim.c. */
#include "tests/common/hb-test-util.h"

#include <curl/curl.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define SAMPLE_ID_NUMBER "310104198506151237"

/* --- HTTP with the curl result and the announced length --------------------------- */

typedef struct {
  CURLcode    rc;
  long        status;
  GByteArray *body;
  curl_off_t  content_length;   /* -1 when none was announced */
} Reply;

static void
reply_free (Reply *r)
{
  g_byte_array_unref (r->body);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static size_t
append_bytes (char *ptr, size_t size, size_t nmemb, void *user)
{
  g_byte_array_append (user, (const guint8 *) ptr, (guint) (size * nmemb));
  return size * nmemb;
}

static Reply *
http (HbTestSim *sim, const char *method, const char *path, const char *body, const char *key)
{
  Reply *r = g_new0 (Reply, 1);
  g_autofree char *url = g_strconcat (hb_test_sim_url (sim), path, NULL);
  g_autofree char *key_header = key ? g_strdup_printf ("Idempotency-Key: %s", key) : NULL;
  CURL *c = curl_easy_init ();
  struct curl_slist *h = NULL;

  r->body = g_byte_array_new ();
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, 20000L);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, append_bytes);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, r->body);
  curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
  if (body)
    {
      h = curl_slist_append (h, "Content-Type: application/json");
      curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
    }
  if (key_header)
    h = curl_slist_append (h, key_header);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
  r->rc = curl_easy_perform (c);
  curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_easy_getinfo (c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &r->content_length);
  /* NUL-terminated for convenience, not counted in len */
  g_byte_array_append (r->body, (const guint8 *) "", 1);
  g_byte_array_set_size (r->body, r->body->len - 1);
  curl_slist_free_all (h);
  curl_easy_cleanup (c);
  return r;
}

static JsonNode *
parse (const GByteArray *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  json_parser_load_from_data (parser, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static HbTestSim *
start_sim (void)
{
  g_autoptr(GError) error = NULL;
  HbTestSim *sim = hb_test_sim_start (NULL, &error);
  g_assert_no_error (error);
  return sim;
}

static void
set_faults (HbTestSim *sim, const char *faults)
{
  g_autoptr(Reply) r = http (sim, "POST", "/_sim/faults", faults, NULL);
  g_assert_cmpint (r->status, ==, 200);
}

static gint64
counter (HbTestSim *sim, const char *name)
{
  g_autoptr(Reply) r = http (sim, "GET", "/_sim/requests", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_autoptr(JsonNode) root = parse (r->body);
  return json_object_get_int_member_with_default (json_node_get_object (root), name, -1);
}

static Reply *
submit (HbTestSim *sim, const char *key)
{
  g_autofree char *body = g_strdup_printf (
    "{\"idempotency_key\":\"%s\",\"service_code\":\"310000-GA-JZZ-0003\","
    "\"terminal_id\":\"SH-XH-0001\",\"applicant\":{\"id_type\":\"resident\","
    "\"id_number\":\"" SAMPLE_ID_NUMBER "\",\"name\":\"张伟\"},\"form\":{}}", key);
  return http (sim, "POST", "/v1/applications", body, key);
}

/* --- the set ---------------------------------------------------------------------- */

static void
test_rates_are_parsed_and_shown (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  set_faults (sim, "{\"latency_ms\":{\"min\":50,\"max\":400},\"drop_rate\":0.1,\"error_rate\":0.2,"
                   "\"error_status\":503,\"truncate_rate\":0.1,\"garble_rate\":0.05,"
                   "\"slow_body\":{\"rate\":0.1,\"bytes_per_s\":200},"
                   "\"fail_after_commit_rate\":0.1,\"seed\":42}");
  g_autoptr(Reply) r = http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_autoptr(JsonNode) root = parse (r->body);
  JsonObject *o = json_node_get_object (root);
  JsonObject *latency = json_object_get_object_member (o, "latency_ms");
  g_assert_cmpint (json_object_get_int_member (latency, "min"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (latency, "max"), ==, 400);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "drop_rate"), 0.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "error_rate"), 0.2, 1e-9);
  g_assert_cmpint (json_object_get_int_member (o, "error_status"), ==, 503);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "truncate_rate"), 0.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "garble_rate"), 0.05, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "fail_after_commit_rate"), 0.1, 1e-9);
  JsonObject *slow = json_object_get_object_member (o, "slow_body");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (slow, "rate"), 0.1, 1e-9);
  g_assert_cmpint (json_object_get_int_member (slow, "bytes_per_s"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (o, "seed"), ==, 42);

  /* What GET shows can be posted back. */
  g_autoptr(Reply) again = http (sim, "POST", "/_sim/faults", (const char *) r->body->data, NULL);
  g_assert_cmpint (again->status, ==, 200);

  /* Without a seed one is drawn, and shown so the run can be replayed. */
  set_faults (sim, "{\"error_rate\":0.5}");
  g_autoptr(Reply) drawn = http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_autoptr(JsonNode) drawn_root = parse (drawn->body);
  g_assert_true (json_object_has_member (json_node_get_object (drawn_root), "seed"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (drawn_root), "error_status"), ==, 503);

  /* {} still clears everything; fixed faults show no seed. */
  set_faults (sim, "{}");
  g_autoptr(Reply) cleared = http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_assert_cmpmem (cleared->body->data, cleared->body->len, "{}", 2);
  set_faults (sim, "{\"status\":503}");
  g_autoptr(Reply) fixed = http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_assert_cmpmem (fixed->body->data, fixed->body->len, "{\"status\":503}", 14);
}

static void
test_bad_rates_are_refused (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  set_faults (sim, "{\"error_rate\":1,\"error_status\":502}");
  const char *bad[] = {
    "{\"error_rate\":1.5}", "{\"error_rate\":-0.1}", "{\"error_rate\":\"0.5\"}",
    "{\"drop_rate\":true}", "{\"error_status\":200}", "{\"error_status\":600}",
    "{\"latency_ms\":100}", "{\"latency_ms\":{\"min\":300,\"max\":200}}",
    "{\"latency_ms\":{\"min\":0,\"max\":60001}}", "{\"latency_ms\":{\"max\":10}}",
    "{\"latency_ms\":{\"min\":0,\"max\":10,\"mean\":5}}",
    "{\"slow_body\":{\"rate\":0.5}}", "{\"slow_body\":{\"rate\":0.5,\"bytes_per_s\":0}}",
    "{\"slow_body\":{\"rate\":2,\"bytes_per_s\":10}}", "{\"slow_body\":0.5}",
    "{\"seed\":-1}", "{\"seed\":1.5}", "{\"seed\":9007199254740992}",
    "{\"garble_rate\":0.1,\"typo_rate\":0.1}", "{\"truncate\":true}", NULL
  };
  for (const char *const *b = bad; *b; b++)
    {
      g_autoptr(Reply) r = http (sim, "POST", "/_sim/faults", *b, NULL);
      if (r->status != 400)
        g_error ("accepted: %s", *b);
      g_autoptr(JsonNode) root = parse (r->body);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "error"), ==, "invalid-fault");
    }
  /* the previous set stays */
  g_autoptr(Reply) catalog = http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (catalog->status, ==, 502);
}

/* The statuses of n GET /v1/keys under the current faults, as a string of 'o' and 'x'. */
static char *
draw_sequence (HbTestSim *sim, guint n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(Reply) r = http (sim, "GET", "/v1/keys", NULL, NULL);
      g_assert_true (r->status == 200 || r->status == 503);
      g_string_append_c (s, r->status == 200 ? 'o' : 'x');
    }
  return g_string_free (s, FALSE);
}

static void
test_same_seed_same_faults (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  set_faults (sim, "{\"error_rate\":0.5,\"seed\":7}");
  g_autofree char *first = draw_sequence (sim, 40);
  set_faults (sim, "{\"error_rate\":0.5,\"seed\":7}");
  g_autofree char *second = draw_sequence (sim, 40);
  set_faults (sim, "{\"error_rate\":0.5,\"seed\":8}");
  g_autofree char *other = draw_sequence (sim, 40);

  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, !=, other);
  /* a rate, not all or nothing */
  g_assert_nonnull (strchr (first, 'o'));
  g_assert_nonnull (strchr (first, 'x'));
  /* Adding another rate does not shift this one's draws. */
  set_faults (sim, "{\"error_rate\":0.5,\"garble_rate\":0.0001,\"seed\":7}");
  g_autofree char *with_other = draw_sequence (sim, 40);
  g_assert_cmpstr (first, ==, with_other);
}

static void
test_rates_zero_and_one (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  set_faults (sim, "{\"error_rate\":1,\"error_status\":502,\"drop_rate\":0,\"seed\":1}");
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(Reply) r = http (sim, "GET", "/v1/catalog", NULL, NULL);
      g_assert_cmpint (r->status, ==, 502);
      g_autoptr(JsonNode) root = parse (r->body);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "error"), ==, "sim-fault");
    }
  g_assert_cmpint (counter (sim, "errors"), ==, 5);
  g_assert_cmpint (counter (sim, "faulted"), ==, 5);
  g_assert_cmpint (counter (sim, "dropped"), ==, 0);

  /* times limits rates too */
  set_faults (sim, "{\"error_rate\":1,\"times\":2}");
  g_autofree char *seq = draw_sequence (sim, 3);
  g_assert_cmpstr (seq, ==, "xxo");
  g_autoptr(Reply) current = http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_assert_cmpmem (current->body->data, current->body->len, "{}", 2);
}

/* --- each kind on the wire -------------------------------------------------------- */

static void
test_truncated_body_announces_the_whole_length (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  g_autoptr(Reply) whole = http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (whole->status, ==, 200);

  set_faults (sim, "{\"truncate_rate\":1}");
  g_autoptr(Reply) cut = http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (cut->rc, ==, CURLE_PARTIAL_FILE);
  g_assert_cmpint (cut->status, ==, 200);
  g_assert_cmpint (cut->content_length, ==, (curl_off_t) whole->body->len);
  g_assert_cmpuint (cut->body->len, ==, whole->body->len / 2);
  g_assert_cmpmem (cut->body->data, cut->body->len, whole->body->data, whole->body->len / 2);

  /* An application is recorded before its answer is cut: the retry is a replay. */
  g_autoptr(Reply) app = submit (sim, "key-truncated");
  g_assert_cmpint (app->rc, ==, CURLE_PARTIAL_FILE);
  g_assert_cmpint (app->status, ==, 201);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);
  set_faults (sim, "{}");
  g_autoptr(Reply) retry = submit (sim, "key-truncated");
  g_assert_cmpint (retry->status, ==, 200);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);
  g_assert_cmpint (counter (sim, "truncated"), ==, 2);
  g_assert_cmpint (counter (sim, "replays"), ==, 1);
}

static void
test_garbled_body_keeps_its_length_and_breaks_utf8 (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  g_autoptr(Reply) whole = http (sim, "GET", "/v1/catalog", NULL, NULL);

  set_faults (sim, "{\"garble_rate\":1,\"seed\":5}");
  g_autoptr(Reply) garbled = http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (garbled->rc, ==, CURLE_OK);
  g_assert_cmpint (garbled->status, ==, 200);
  g_assert_cmpuint (garbled->body->len, ==, whole->body->len);
  guint differ = 0;
  for (guint i = 0; i < whole->body->len; i++)
    differ += garbled->body->data[i] != whole->body->data[i];
  g_assert_cmpuint (differ, >=, 1);
  g_assert_cmpuint (differ, <=, 1 + whole->body->len / 64);
  g_assert_false (g_utf8_validate ((const char *) garbled->body->data, garbled->body->len, NULL));
  g_assert_cmpint (counter (sim, "garbled"), ==, 1);

  /* A tiny body is garbled too (a one-byte flip at least). */
  g_autoptr(Reply) app = submit (sim, "key-garbled");
  g_assert_cmpint (app->status, ==, 201);
  g_assert_false (g_utf8_validate ((const char *) app->body->data, app->body->len, NULL));
}

static void
test_slow_body_arrives_whole (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  g_autoptr(Reply) whole = http (sim, "GET", "/v1/keys", NULL, NULL);

  set_faults (sim, "{\"slow_body\":{\"rate\":1,\"bytes_per_s\":5000}}");
  g_autoptr(Reply) slow = http (sim, "GET", "/v1/keys", NULL, NULL);
  g_assert_cmpint (slow->rc, ==, CURLE_OK);
  g_assert_cmpint (slow->status, ==, 200);
  g_assert_cmpmem (slow->body->data, slow->body->len, whole->body->data, whole->body->len);
  g_assert_cmpint (counter (sim, "slowed"), ==, 1);
  g_assert_cmpint (counter (sim, "faulted"), ==, 0);   /* slow is not broken */

  /* slow and truncated together: trickled, then cut */
  set_faults (sim, "{\"slow_body\":{\"rate\":1,\"bytes_per_s\":5000},\"truncate_rate\":1}");
  g_autoptr(Reply) both = http (sim, "GET", "/v1/keys", NULL, NULL);
  g_assert_cmpint (both->rc, ==, CURLE_PARTIAL_FILE);
  g_assert_cmpuint (both->body->len, ==, whole->body->len / 2);
}

static void
test_drop_error_and_fail_after_commit_rates (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  set_faults (sim, "{\"drop_rate\":1}");
  g_autoptr(Reply) dropped = submit (sim, "key-drop-rate");
  g_assert_cmpint (dropped->rc, ==, CURLE_GOT_NOTHING);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  g_assert_cmpint (counter (sim, "dropped"), ==, 1);

  set_faults (sim, "{\"fail_after_commit_rate\":1}");
  g_autoptr(Reply) failed = submit (sim, "key-fac-rate");
  g_assert_cmpint (failed->status, ==, 503);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);
  /* only requests that record something */
  g_autoptr(Reply) catalog = http (sim, "GET", "/v1/catalog", NULL, NULL);
  g_assert_cmpint (catalog->status, ==, 200);
  g_assert_cmpint (counter (sim, "failed_after_commit"), ==, 1);

  /* everything at once: each request gets at most one answer, and an error answer
   * replaces the handler (nothing recorded) */
  set_faults (sim, "{\"error_rate\":1,\"fail_after_commit_rate\":1,\"garble_rate\":1,\"seed\":3}");
  g_autoptr(Reply) mixed = submit (sim, "key-mixed");
  g_assert_cmpint (mixed->status, ==, 503);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);
  g_assert_cmpint (counter (sim, "errors"), ==, 1);
  g_assert_cmpint (counter (sim, "garbled"), ==, 1);
  /* faulted counts requests: drop, fail-after-commit, then one for error + garble */
  g_assert_cmpint (counter (sim, "faulted"), ==, 3);
}

static void
test_latency_delays_every_request (void)
{
  g_autoptr(HbTestSim) sim = start_sim ();
  set_faults (sim, "{\"latency_ms\":{\"min\":20,\"max\":40}}");
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(Reply) r = http (sim, "GET", "/v1/keys", NULL, NULL);
      g_assert_cmpint (r->status, ==, 200);
    }
  g_assert_cmpint (counter (sim, "latency"), ==, 3);
  g_assert_cmpint (counter (sim, "delayed"), ==, 3);
  g_assert_cmpint (counter (sim, "faulted"), ==, 0);

  /* /_sim/reset clears rates and counters */
  g_autoptr(Reply) reset = http (sim, "POST", "/_sim/reset", NULL, NULL);
  g_assert_cmpint (reset->status, ==, 200);
  g_autoptr(Reply) current = http (sim, "GET", "/_sim/faults", NULL, NULL);
  g_assert_cmpmem (current->body->data, current->body->len, "{}", 2);
  g_assert_cmpint (counter (sim, "latency"), ==, 0);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  g_test_add_func ("/tools/platform-sim/fault-rates/are-parsed-and-shown", test_rates_are_parsed_and_shown);
  g_test_add_func ("/tools/platform-sim/fault-rates/bad-values-are-refused", test_bad_rates_are_refused);
  g_test_add_func ("/tools/platform-sim/fault-rates/same-seed-gives-same-faults", test_same_seed_same_faults);
  g_test_add_func ("/tools/platform-sim/fault-rates/zero-and-one-and-times", test_rates_zero_and_one);
  g_test_add_func ("/tools/platform-sim/fault-rates/truncated-body-announces-the-whole-length", test_truncated_body_announces_the_whole_length);
  g_test_add_func ("/tools/platform-sim/fault-rates/garbled-body-keeps-its-length-and-breaks-utf8", test_garbled_body_keeps_its_length_and_breaks_utf8);
  g_test_add_func ("/tools/platform-sim/fault-rates/slow-body-arrives-whole", test_slow_body_arrives_whole);
  g_test_add_func ("/tools/platform-sim/fault-rates/drop-error-and-fail-after-commit", test_drop_error_and_fail_after_commit_rates);
  g_test_add_func ("/tools/platform-sim/fault-rates/latency-delays-every-request", test_latency_delays_every_request);
  int rc = g_test_run ();
  curl_global_cleanup ();
  return rc;
}
