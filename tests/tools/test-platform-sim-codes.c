/* test-platform-sim-codes.c — haoban-platform-sim's offline-code side (docs/platform-sim.md):
 * GET /v1/keys, POST /v1/codes/offline, the /_sim/ minting, revocation and rotation, keys
 * that survive a restart, and POST /v1/codes/resolve for persons, enterprises and places.
 * (Signatures are checked with the kiosk's verifier in tests/unit/kiosk/test-offline-code.c.) */
#include "tests/common/hb-test-util.h"

#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>

#define SAMPLE_ID_NUMBER "310104198506151237"

static JsonObject *
request_object (HbTestSim *sim, const char *method, const char *path, const char *body,
                long want_status)
{
  long status = 0;
  g_autofree char *reply = hb_test_sim_request (sim, method, path, body, &status);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (reply);
  if (status != want_status)
    g_error ("%s %s: status %ld, want %ld: %s", method, path, status, want_status, reply);
  json_parser_load_from_data (parser, reply, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static HbTestSim *
start_sim (const char *state)
{
  g_autoptr(GError) error = NULL;
  HbTestSim *sim = hb_test_sim_start (state, &error);
  g_assert_no_error (error);
  return sim;
}

/* The payload of "HB1.<payload>.<sig>" as an object. */
static JsonObject *
code_payload (const char *code)
{
  g_auto(GStrv) parts = g_strsplit (code, ".", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *b64 = NULL;
  g_autofree guchar *json = NULL;
  gsize n, len = 0;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_assert_cmpstr (parts[0], ==, "HB1");
  g_assert_null (strchr (parts[1], '='));
  g_assert_null (strchr (parts[2], '='));
  n = strlen (parts[1]);
  b64 = g_malloc0 (n + 4);
  for (gsize i = 0; i < n; i++)
    b64[i] = parts[1][i] == '-' ? '+' : parts[1][i] == '_' ? '/' : parts[1][i];
  while (n % 4)
    b64[n++] = '=';
  json = g_base64_decode (b64, &len);
  json_parser_load_from_data (parser, (const char *) json, (gssize) len, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_keys_document (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(JsonObject) doc = request_object (sim, "GET", "/v1/keys", NULL, 200);
  JsonArray *keys = json_object_get_array_member (doc, "keys");
  JsonObject *revoked = json_object_get_object_member (doc, "revoked");
  JsonObject *k;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *kid = g_strdup_printf ("sim-%d-1", g_date_time_get_year (now));

  g_assert_cmpuint (json_array_get_length (keys), ==, 1);
  k = json_array_get_object_element (keys, 0);
  g_assert_cmpstr (json_object_get_string_member (k, "kid"), ==, kid);
  g_assert_cmpstr (json_object_get_string_member (k, "alg"), ==, "SM2");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (k, "public_key_pem"),
                                   "-----BEGIN PUBLIC KEY-----\n"));
  g_assert_null (strstr (json_object_get_string_member (k, "public_key_pem"), "PRIVATE"));
  g_assert_cmpint (json_object_get_int_member (k, "not_before"), <, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (json_object_get_int_member (k, "not_after"), >, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (revoked, "jti")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (revoked, "sub")), ==, 0);

  long status = 0;
  g_autofree char *post = hb_test_sim_request (sim, "POST", "/v1/keys", "{}", &status);
  g_assert_cmpint (status, ==, 405);
}

static void
test_sim_mints_codes (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(JsonObject) r = request_object (sim, "POST", "/_sim/codes/offline",
    "{\"kind\":\"place\",\"sub\":\"S-XH-1\",\"name\":\"徐汇区行政服务中心\",\"iat\":1790000000,\"ttl\":600}", 200);
  g_autoptr(JsonObject) p = code_payload (json_object_get_string_member (r, "code"));

  g_assert_cmpint (json_object_get_int_member (p, "v"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (p, "kind"), ==, "place");
  g_assert_cmpstr (json_object_get_string_member (p, "sub"), ==, "S-XH-1");
  g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, "徐汇区行政服务中心");
  g_assert_cmpstr (json_object_get_string_member (p, "jti"), ==, json_object_get_string_member (r, "jti"));
  g_assert_cmpint (json_object_get_int_member (p, "iat"), ==, 1790000000);
  g_assert_cmpint (json_object_get_int_member (p, "exp"), ==, 1790000600);
  g_assert_cmpint (json_object_get_int_member (r, "exp"), ==, 1790000600);

  /* Two codes never share a jti. */
  g_autoptr(JsonObject) r2 = request_object (sim, "POST", "/_sim/codes/offline",
    "{\"kind\":\"person\",\"sub\":\"P-1\",\"name\":\"张*\",\"exp\":4000000000}", 200);
  g_assert_cmpstr (json_object_get_string_member (r, "jti"), !=, json_object_get_string_member (r2, "jti"));

  const char *bad[] = {
    "{\"kind\":\"vehicle\",\"sub\":\"P-1\",\"name\":\"x\"}",
    "{\"kind\":\"person\",\"name\":\"x\"}",
    "{\"kind\":\"person\",\"sub\":\"has space\",\"name\":\"x\"}",
    "{\"kind\":\"person\",\"sub\":\"P-1\"}",
    "{\"kind\":\"person\",\"sub\":\"P-1\",\"name\":\"x\",\"iat\":\"now\"}",
    "{\"kind\":\"person\",\"sub\":\"P-1\",\"name\":\"x\",\"iat\":100,\"exp\":50}",
    "{\"kind\":\"person\",\"sub\":\"P-1\",\"name\":\"x\",\"exp\":50,\"ttl\":5}",
    "{\"kind\":\"person\",\"sub\":\"P-1\",\"name\":\"x\",\"kid\":\"nope\"}",
    "[]",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) e = request_object (sim, "POST", "/_sim/codes/offline", bad[i], 400);
      g_assert_true (json_object_has_member (e, "error"));
    }
}

/* The real-platform call: sub is derived (never the ID number), the name masked, a year. */
static void
test_platform_issues_person_codes (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  const char *body = "{\"kind\":\"person\",\"id_type\":\"resident\",\"id_number\":\"" SAMPLE_ID_NUMBER
                     "\",\"name\":\"张小伟\"}";
  g_autoptr(JsonObject) r = request_object (sim, "POST", "/v1/codes/offline", body, 200);
  g_autoptr(JsonObject) again = request_object (sim, "POST", "/v1/codes/offline", body, 200);
  const char *code = json_object_get_string_member (r, "code");
  g_autoptr(JsonObject) p = code_payload (code);
  g_autoptr(JsonObject) p2 = code_payload (json_object_get_string_member (again, "code"));
  const char *sub = json_object_get_string_member (p, "sub");

  g_assert_cmpstr (json_object_get_string_member (p, "kind"), ==, "person");
  g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, "张*伟");
  g_assert_true (g_str_has_prefix (sub, "P-"));
  g_assert_cmpuint (strlen (sub), ==, 22);
  g_assert_null (strstr (code, SAMPLE_ID_NUMBER));
  g_assert_null (strstr (sub, "1237"));
  g_assert_cmpstr (sub, ==, json_object_get_string_member (p2, "sub"));   /* stable */
  g_assert_cmpint (json_object_get_int_member (p, "exp") - json_object_get_int_member (p, "iat"), ==,
                   365 * 24 * 3600);
  g_assert_cmpint (json_object_get_int_member (r, "exp"), ==, json_object_get_int_member (p, "exp"));

  /* Another ID number, another subject; a given subject is used as it is. */
  g_autoptr(JsonObject) other = request_object (sim, "POST", "/v1/codes/offline",
    "{\"kind\":\"person\",\"id_type\":\"resident\",\"id_number\":\"310110195203082426\",\"name\":\"李秀英\"}", 200);
  g_autoptr(JsonObject) po = code_payload (json_object_get_string_member (other, "code"));
  g_assert_cmpstr (json_object_get_string_member (po, "sub"), !=, sub);
  g_assert_cmpstr (json_object_get_string_member (po, "name"), ==, "李*英");
  g_autoptr(JsonObject) given = request_object (sim, "POST", "/v1/codes/offline",
    "{\"kind\":\"person\",\"subject\":\"P-SUBJECT-7\",\"name\":\"王五\"}", 200);
  g_autoptr(JsonObject) pg = code_payload (json_object_get_string_member (given, "code"));
  g_assert_cmpstr (json_object_get_string_member (pg, "sub"), ==, "P-SUBJECT-7");
  g_assert_cmpstr (json_object_get_string_member (pg, "name"), ==, "王*");

  const char *bad[] = {
    "{\"kind\":\"enterprise\",\"subject\":\"E-1\",\"name\":\"x\"}",
    "{\"kind\":\"person\",\"name\":\"张三\"}",
    "{\"kind\":\"person\",\"subject\":\"P-1\",\"id_type\":\"resident\",\"id_number\":\"1\",\"name\":\"张三\"}",
    "{\"kind\":\"person\",\"id_number\":\"" SAMPLE_ID_NUMBER "\",\"name\":\"张三\"}",
    "{\"kind\":\"person\",\"subject\":\"P-1\"}",
    "not json",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      long status = 0;
      g_autofree char *reply = hb_test_sim_request (sim, "POST", "/v1/codes/offline", bad[i], &status);
      g_assert_cmpint (status, ==, 400);
      g_assert_null (strstr (reply, SAMPLE_ID_NUMBER));
    }
}

static void
test_revoke_rotate_and_reset (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(JsonObject) a = request_object (sim, "POST", "/_sim/keys/revoke", "{\"jti\":\"J-AAA\"}", 200);
  g_autoptr(JsonObject) b = request_object (sim, "POST", "/_sim/keys/revoke", "{\"sub\":\"P-BBB\"}", 200);
  g_autoptr(JsonObject) doc = request_object (sim, "GET", "/v1/keys", NULL, 200);
  JsonObject *revoked = json_object_get_object_member (doc, "revoked");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (revoked, "jti"), 0), ==, "J-AAA");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (revoked, "sub"), 0), ==, "P-BBB");
  g_autoptr(JsonObject) bad = request_object (sim, "POST", "/_sim/keys/revoke", "{}", 400);

  const char *first = json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (doc, "keys"), 0), "kid");
  g_autoptr(JsonObject) rot = request_object (sim, "POST", "/_sim/keys/rotate", NULL, 200);
  const char *second = json_object_get_string_member (rot, "kid");
  g_assert_cmpstr (first, !=, second);
  g_autoptr(JsonObject) doc2 = request_object (sim, "GET", "/v1/keys", NULL, 200);
  JsonArray *keys = json_object_get_array_member (doc2, "keys");
  g_assert_cmpuint (json_array_get_length (keys), ==, 2);
  /* The old key is retired (not_after: now) but still listed; new codes use the new one. */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (keys, 0), "not_after"), <=,
                   g_get_real_time () / G_USEC_PER_SEC);
  g_autoptr(JsonObject) m = request_object (sim, "POST", "/_sim/codes/offline",
                                            "{\"kind\":\"person\",\"sub\":\"P-1\",\"name\":\"张*\"}", 200);
  g_autoptr(JsonObject) p = code_payload (json_object_get_string_member (m, "code"));
  g_assert_cmpstr (json_object_get_string_member (p, "kid"), ==, second);

  g_autoptr(JsonObject) reset = request_object (sim, "POST", "/_sim/reset", NULL, 200);
  g_autoptr(JsonObject) doc3 = request_object (sim, "GET", "/v1/keys", NULL, 200);
  revoked = json_object_get_object_member (doc3, "revoked");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (revoked, "jti")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (doc3, "keys")), ==, 2);
}

/* With a state file, keys and revocations outlive a restart (printed slips stay valid). */
static void
test_keys_survive_restart (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("sim-keys");
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);
  g_autofree char *keys_file = g_strconcat (state, ".keys", NULL);
  g_autoptr(HbTestSim) sim = start_sim (state);
  g_autoptr(GError) error = NULL;
  long s1 = 0, s2 = 0;
  g_autoptr(JsonObject) r = request_object (sim, "POST", "/_sim/keys/revoke", "{\"jti\":\"J-KEEP\"}", 200);
  g_autofree char *before = hb_test_sim_request (sim, "GET", "/v1/keys", NULL, &s1);
  GStatBuf st;

  g_assert_cmpint (g_stat (keys_file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_assert_true (hb_test_sim_restart (sim, &error));
  g_assert_no_error (error);
  g_autofree char *after = hb_test_sim_request (sim, "GET", "/v1/keys", NULL, &s2);
  g_assert_cmpint (s1, ==, 200);
  g_assert_cmpint (s2, ==, 200);
  g_assert_cmpstr (before, ==, after);
  g_assert_nonnull (strstr (after, "J-KEEP"));
  hb_test_sim_free (g_steal_pointer (&sim));

  /* A damaged key file stops the sim rather than silently making new keys. */
  g_assert_true (g_file_set_contents (keys_file, "{\"format\":\"nope\"}", -1, NULL));
  HbTestSim *broken = hb_test_sim_start (state, &error);
  g_assert_null (broken);
  g_assert_nonnull (error);
  hb_test_rmdir (dir);
}

static JsonObject *
resolve (HbTestSim *sim, const char *code)
{
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\"}", code);
  return request_object (sim, "POST", "/v1/codes/resolve", body, 200);
}

static void
test_resolve_kinds (void)
{
  g_autoptr(HbTestSim) sim = start_sim (NULL);
  g_autoptr(JsonObject) person = resolve (sim, "SSM1:DEMO:7F3A9C21E5B04D18");
  g_autoptr(JsonObject) ent = resolve (sim, "SSM1:ENT:5C1D8E7A30B94F26");
  g_autoptr(JsonObject) place = resolve (sim, "SSM1:PLACE:0D4B9F62E8A1C735");
  JsonObject *e, *p;
  const char *uscc;

  g_assert_cmpstr (json_object_get_string_member (person, "kind"), ==, "person");
  g_assert_cmpstr (json_object_get_string_member (person, "id_number"), ==, SAMPLE_ID_NUMBER);

  g_assert_cmpstr (json_object_get_string_member (ent, "kind"), ==, "enterprise");
  e = json_object_get_object_member (ent, "enterprise");
  g_assert_cmpstr (json_object_get_string_member (e, "name"), ==, "上海好办示范科技有限公司");
  uscc = json_object_get_string_member (e, "uscc");
  g_assert_cmpuint (strlen (uscc), ==, 18);
  for (int i = 0; i < 18; i++)
    g_assert_true (g_ascii_isdigit (uscc[i]) || g_ascii_isupper (uscc[i]));
  g_assert_nonnull (strstr (json_object_get_string_member (e, "legal_person"), "*"));
  g_assert_false (json_object_has_member (ent, "label"));

  g_assert_cmpstr (json_object_get_string_member (place, "kind"), ==, "place");
  p = json_object_get_object_member (place, "place");
  g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, "徐汇区行政服务中心");
  g_assert_cmpstr (json_object_get_string_member (p, "hours"), ==, "周一至周五 9:00-17:00");
  g_assert_nonnull (json_object_get_string_member (p, "id"));
  g_assert_nonnull (json_object_get_string_member (p, "address"));
  g_assert_nonnull (json_object_get_string_member (p, "notice"));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/tools/platform-sim/keys/serves-its-sm2-public-key", test_keys_document);
  g_test_add_func ("/tools/platform-sim/keys/sim-mints-offline-codes", test_sim_mints_codes);
  g_test_add_func ("/tools/platform-sim/keys/issues-person-codes-without-the-id-number", test_platform_issues_person_codes);
  g_test_add_func ("/tools/platform-sim/keys/revoke-rotate-and-reset", test_revoke_rotate_and_reset);
  g_test_add_func ("/tools/platform-sim/keys/keys-survive-a-restart", test_keys_survive_restart);
  g_test_add_func ("/tools/platform-sim/codes/resolves-persons-enterprises-and-places", test_resolve_kinds);
  return g_test_run ();
}
