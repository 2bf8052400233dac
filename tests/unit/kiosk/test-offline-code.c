/* test-offline-code.c — kiosk/hb-offline-code.c: every verdict of the offline 随申码 on the
 * committed corpus (tests/data/offline-codes/, made by its generate.sh), the claims it
 * reports, the bounds, and codes minted by haoban-platform-sim verified with its keys. */
#include "kiosk/hb-offline-code.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define CORPUS_NOW 1795000000   /* generate.sh's NOW */

static char *
corpus_path (const char *name)
{
  return g_build_filename (hb_test_srcdir (), "tests", "data", "offline-codes", name, NULL);
}

static HbKeyring *
corpus_keyring (void)
{
  g_autofree char *path = corpus_path ("keys.json");
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *doc = hb_test_read_file (path, &len);
  HbKeyring *keyring = hb_keyring_new ();

  g_assert_nonnull (doc);
  g_assert_true (hb_keyring_load_json (keyring, doc, len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hb_keyring_get_n_keys (keyring), ==, 2);
  return keyring;
}

static char *
corpus_code (const char *name, gsize *len)
{
  g_autofree char *file = g_strconcat (name, ".code", NULL);
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "tests", "data", "offline-codes",
                                            "cases", file, NULL);
  char *text = hb_test_read_file (path, len);
  g_assert_nonnull (text);
  return text;
}

static HbCodeVerdict
verdict_from_string (const char *s)
{
  for (int v = HB_CODE_VERDICT_OK; v <= HB_CODE_VERDICT_TOO_LONG; v++)
    if (g_str_equal (hb_code_verdict_to_string (v), s))
      return v;
  g_error ("unknown verdict %s in expected.txt", s);
  return HB_CODE_VERDICT_MALFORMED;
}

/* Each case of expected.txt gets its verdict, and its kind when the payload parses. */
static void
test_corpus_verdicts (void)
{
  g_autoptr(HbKeyring) keyring = corpus_keyring ();
  g_autofree char *path = corpus_path ("expected.txt");
  g_autofree char *expected = hb_test_read_file (path, NULL);
  g_auto(GStrv) lines = NULL;
  guint n = 0;
  gboolean seen[HB_CODE_VERDICT_TOO_LONG + 1] = { FALSE };

  g_assert_nonnull (expected);
  lines = g_strsplit (expected, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      g_auto(GStrv) f = NULL;
      g_autofree char *text = NULL;
      g_autoptr(HbOfflineClaims) claims = NULL;
      HbCodeVerdict want, got;
      gsize len = 0;

      if (**l == '\0')
        continue;
      f = g_strsplit (*l, " ", 3);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      text = corpus_code (f[0], &len);
      want = verdict_from_string (f[1]);
      got = hb_offline_code_verify (keyring, text, len, CORPUS_NOW, &claims);
      if (got != want)
        g_error ("case %s: got %s, want %s", f[0], hb_code_verdict_to_string (got), f[1]);
      if (g_str_equal (f[2], "-"))
        g_assert_null (claims);
      else
        {
          g_assert_nonnull (claims);
          g_assert_cmpstr (hb_offline_kind_to_string (claims->kind), ==, f[2]);
        }
      seen[got] = TRUE;
      n++;
    }
  g_assert_cmpuint (n, >=, 30);
  for (int v = HB_CODE_VERDICT_OK; v <= HB_CODE_VERDICT_TOO_LONG; v++)
    if (!seen[v])
      g_error ("the corpus has no case for %s", hb_code_verdict_to_string (v));
}

static void
test_claims_of_a_good_code (void)
{
  g_autoptr(HbKeyring) keyring = corpus_keyring ();
  g_autoptr(HbOfflineClaims) claims = NULL;
  gsize len = 0;
  g_autofree char *text = corpus_code ("ok-person", &len);

  g_assert_true (hb_offline_code_looks_offline (text, len));
  g_assert_cmpint (hb_offline_code_verify (keyring, text, len, CORPUS_NOW, &claims), ==,
                   HB_CODE_VERDICT_OK);
  g_assert_cmpstr (claims->kid, ==, "test-1");
  g_assert_cmpstr (claims->jti, ==, "J-0001");
  g_assert_cmpint (claims->kind, ==, HB_OFFLINE_KIND_PERSON);
  g_assert_cmpstr (claims->sub, ==, "P-0A1B2C3D");
  g_assert_cmpstr (claims->name, ==, "张*伟");
  g_assert_cmpint (claims->iat, ==, CORPUS_NOW - 86400);
  g_assert_cmpint (claims->exp, ==, CORPUS_NOW + 31536000);
  /* NULL claims is allowed. */
  g_assert_cmpint (hb_offline_code_verify (keyring, text, len, CORPUS_NOW, NULL), ==,
                   HB_CODE_VERDICT_OK);
}

/* The clock decides between ok, not-yet-valid and expired, with 300 s of tolerance. */
static void
test_time_window_and_skew (void)
{
  g_autoptr(HbKeyring) keyring = corpus_keyring ();
  gsize len = 0;
  g_autofree char *text = corpus_code ("ok-person", &len);
  gint64 iat = CORPUS_NOW - 86400, exp = CORPUS_NOW + 31536000;
  struct { gint64 now; HbCodeVerdict v; } cases[] = {
    { iat - 301, HB_CODE_VERDICT_NOT_YET_VALID },
    { iat - 300, HB_CODE_VERDICT_OK },
    { exp + 299, HB_CODE_VERDICT_OK },
    { exp + 300, HB_CODE_VERDICT_EXPIRED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (hb_offline_code_verify (keyring, text, len, cases[i].now, NULL), ==,
                     cases[i].v);
}

/* Longer than 2048 is too-long before anything is looked at; 2048 is parsed. */
static void
test_length_bound (void)
{
  g_autoptr(HbKeyring) keyring = hb_keyring_new ();
  g_autoptr(HbOfflineClaims) claims = NULL;
  g_autofree char *text = g_malloc (HB_OFFLINE_CODE_MAX_CHARS + 2);

  memset (text, 'A', HB_OFFLINE_CODE_MAX_CHARS + 1);
  memcpy (text, "HB1.", 4);
  text[HB_OFFLINE_CODE_MAX_CHARS + 1] = '\0';
  g_assert_cmpint (hb_offline_code_verify (keyring, text, HB_OFFLINE_CODE_MAX_CHARS + 1, 0, &claims),
                   ==, HB_CODE_VERDICT_TOO_LONG);
  g_assert_null (claims);
  g_assert_cmpint (hb_offline_code_verify (keyring, text, HB_OFFLINE_CODE_MAX_CHARS, 0, &claims),
                   ==, HB_CODE_VERDICT_MALFORMED);
  g_assert_cmpint (hb_offline_code_verify (keyring, "", 0, 0, NULL), ==, HB_CODE_VERDICT_MALFORMED);
  g_assert_cmpint (hb_offline_code_verify (keyring, NULL, 0, 0, NULL), ==, HB_CODE_VERDICT_MALFORMED);
}

/* The length is the caller's: bytes after it (or an embedded NUL) are not the code. */
static void
test_length_is_respected (void)
{
  g_autoptr(HbKeyring) keyring = corpus_keyring ();
  gsize len = 0;
  g_autofree char *text = corpus_code ("ok-person", &len);
  g_autofree char *longer = g_strconcat (text, "XYZ", NULL);

  g_assert_cmpint (hb_offline_code_verify (keyring, longer, len, CORPUS_NOW, NULL), ==,
                   HB_CODE_VERDICT_OK);
  g_assert_cmpint (hb_offline_code_verify (keyring, longer, len + 3, CORPUS_NOW, NULL), !=,
                   HB_CODE_VERDICT_OK);
  text[len / 2] = '\0';
  g_assert_cmpint (hb_offline_code_verify (keyring, text, len, CORPUS_NOW, NULL), ==,
                   HB_CODE_VERDICT_MALFORMED);
}

/* An empty keyring (a terminal that never synced) knows no key. */
static void
test_empty_keyring_knows_no_key (void)
{
  g_autoptr(HbKeyring) keyring = hb_keyring_new ();
  g_autoptr(HbOfflineClaims) claims = NULL;
  gsize len = 0;
  g_autofree char *text = corpus_code ("ok-place", &len);

  g_assert_cmpint (hb_offline_code_verify (keyring, text, len, CORPUS_NOW, &claims), ==,
                   HB_CODE_VERDICT_UNKNOWN_KEY);
  g_assert_nonnull (claims);
  g_assert_cmpint (claims->kind, ==, HB_OFFLINE_KIND_PLACE);
}

static void
test_names (void)
{
  const char *verdicts[] = { "ok", "expired", "not-yet-valid", "bad-signature", "unknown-key",
                             "revoked", "malformed", "too-long" };
  for (int v = 0; v < (int) G_N_ELEMENTS (verdicts); v++)
    g_assert_cmpstr (hb_code_verdict_to_string (v), ==, verdicts[v]);
  g_assert_cmpstr (hb_offline_kind_to_string (HB_OFFLINE_KIND_PERSON), ==, "person");
  g_assert_cmpstr (hb_offline_kind_to_string (HB_OFFLINE_KIND_ENTERPRISE), ==, "enterprise");
  g_assert_cmpstr (hb_offline_kind_to_string (HB_OFFLINE_KIND_PLACE), ==, "place");
  g_assert_false (hb_offline_code_looks_offline ("HB1", 3));
  g_assert_false (hb_offline_code_looks_offline ("SSM1:DEMO:1", 11));
  g_assert_true (hb_offline_code_looks_offline ("HB1.x", 5));
}

/* --- against haoban-platform-sim ----------------------------------------------------- */

static char *
sim_json_string (const char *json, const char *member)
{
  g_autoptr(JsonObject) o = hb_json_parse_object (json, -1, 65536, 8, NULL);
  g_assert_nonnull (o);
  return g_strdup (json_object_get_string_member (o, member));
}

static char *
sim_post (HbTestSim *sim, const char *path, const char *body)
{
  long status = 0;
  char *reply = hb_test_sim_request (sim, "POST", path, body, &status);
  if (status != 200)
    g_error ("POST %s: %ld %s", path, status, reply);
  return reply;
}

static void
sim_load_keys (HbTestSim *sim, HbKeyring *keyring)
{
  long status = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = hb_test_sim_request (sim, "GET", "/v1/keys", NULL, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_true (hb_keyring_load_json (keyring, doc, strlen (doc), &error));
  g_assert_no_error (error);
}

static HbCodeVerdict
verify_reply (HbKeyring *keyring, const char *reply, gint64 now, HbOfflineClaims **claims)
{
  g_autofree char *code = sim_json_string (reply, "code");
  return hb_offline_code_verify (keyring, code, strlen (code), now, claims);
}

/* Codes the platform issues verify with the keys it publishes; revocation and key
 * rotation reach the terminal with the next keys document. */
static void
test_sim_codes_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTestSim) sim = hb_test_sim_start (NULL, &error);
  g_autoptr(HbKeyring) keyring = hb_keyring_new ();
  g_autoptr(HbOfflineClaims) claims = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  sim_load_keys (sim, keyring);

  g_autofree char *issued = sim_post (sim, "/v1/codes/offline",
    "{\"kind\":\"person\",\"id_type\":\"resident\",\"id_number\":\"310104198506151237\",\"name\":\"张小伟\"}");
  g_assert_cmpint (verify_reply (keyring, issued, now, &claims), ==, HB_CODE_VERDICT_OK);
  g_assert_cmpint (claims->kind, ==, HB_OFFLINE_KIND_PERSON);
  g_assert_cmpstr (claims->name, ==, "张*伟");
  /* Still good 364 days later (the slip is kept), expired after a year. */
  g_assert_cmpint (verify_reply (keyring, issued, now + 364 * 86400, NULL), ==, HB_CODE_VERDICT_OK);
  g_assert_cmpint (verify_reply (keyring, issued, now + 366 * 86400, NULL), ==, HB_CODE_VERDICT_EXPIRED);

  g_autofree char *place = sim_post (sim, "/_sim/codes/offline",
    "{\"kind\":\"place\",\"sub\":\"S-XH-1\",\"name\":\"徐汇区行政服务中心\"}");
  g_autofree char *future = g_strdup_printf ("{\"kind\":\"enterprise\",\"sub\":\"E-1\",\"name\":\"上海好办示范科技有限公司\","
                                             "\"iat\":%" G_GINT64_FORMAT "}", now + 3600);
  g_autofree char *later = sim_post (sim, "/_sim/codes/offline", future);
  g_clear_pointer (&claims, hb_offline_claims_free);
  g_assert_cmpint (verify_reply (keyring, place, now, &claims), ==, HB_CODE_VERDICT_OK);
  g_assert_cmpint (claims->kind, ==, HB_OFFLINE_KIND_PLACE);
  g_assert_cmpint (verify_reply (keyring, later, now, NULL), ==, HB_CODE_VERDICT_NOT_YET_VALID);

  /* Revoke the issued code; the terminal learns it from the next document. */
  g_autofree char *jti = sim_json_string (issued, "jti");
  g_autofree char *revoke = g_strdup_printf ("{\"jti\":\"%s\"}", jti);
  g_autofree char *revoked = sim_post (sim, "/_sim/keys/revoke", revoke);
  g_assert_cmpint (verify_reply (keyring, issued, now, NULL), ==, HB_CODE_VERDICT_OK);
  sim_load_keys (sim, keyring);
  g_assert_cmpint (verify_reply (keyring, issued, now, NULL), ==, HB_CODE_VERDICT_REVOKED);

  /* A rotated key: codes of the old key stay good, new codes need the new document. */
  g_autofree char *rotated = sim_post (sim, "/_sim/keys/rotate", "{}");
  g_autofree char *fresh = sim_post (sim, "/_sim/codes/offline",
    "{\"kind\":\"person\",\"sub\":\"P-2\",\"name\":\"李*英\"}");
  g_assert_cmpint (verify_reply (keyring, fresh, now, NULL), ==, HB_CODE_VERDICT_UNKNOWN_KEY);
  sim_load_keys (sim, keyring);
  g_assert_cmpint (hb_keyring_get_n_keys (keyring), ==, 2);
  g_assert_cmpint (verify_reply (keyring, fresh, now, NULL), ==, HB_CODE_VERDICT_OK);
  g_assert_cmpint (verify_reply (keyring, place, now, NULL), ==, HB_CODE_VERDICT_OK);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/offline-code/corpus-gets-every-verdict-right", test_corpus_verdicts);
  g_test_add_func ("/kiosk/offline-code/good-code-reports-its-claims", test_claims_of_a_good_code);
  g_test_add_func ("/kiosk/offline-code/validity-window-tolerates-300s-skew", test_time_window_and_skew);
  g_test_add_func ("/kiosk/offline-code/over-2048-chars-is-too-long", test_length_bound);
  g_test_add_func ("/kiosk/offline-code/only-len-bytes-are-the-code", test_length_is_respected);
  g_test_add_func ("/kiosk/offline-code/empty-keyring-gives-unknown-key", test_empty_keyring_knows_no_key);
  g_test_add_func ("/kiosk/offline-code/verdict-and-kind-names", test_names);
  g_test_add_func ("/kiosk/offline-code/platform-sim-codes-verify-with-its-keys", test_sim_codes_verify);
  return g_test_run ();
}
