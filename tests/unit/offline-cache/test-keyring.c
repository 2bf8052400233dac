/* test-keyring.c — offline-cache/hb-keyring.c: /v1/keys documents, their bounds, atomic
 * replacement, revocation lists and SM2-with-SM3 verification. */
#include "offline-cache/hb-keyring.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

typedef struct {
  EVP_PKEY *key;
  char     *pem;     /* public, JSON-escaped */
} TestKey;

static void
test_key_init (TestKey *k, const char *algorithm)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long n;
  GString *s = g_string_new (NULL);

  k->key = EVP_PKEY_Q_keygen (NULL, NULL, algorithm, "P-256");
  g_assert_nonnull (k->key);
  g_assert_cmpint (PEM_write_bio_PUBKEY (bio, k->key), ==, 1);
  n = BIO_get_mem_data (bio, &data);
  for (long i = 0; i < n; i++)
    {
      if (data[i] == '\n')
        g_string_append (s, "\\n");
      else
        g_string_append_c (s, data[i]);
    }
  BIO_free (bio);
  k->pem = g_string_free (s, FALSE);
}

static void
test_key_clear (TestKey *k)
{
  EVP_PKEY_free (k->key);
  g_free (k->pem);
}

static GBytes *
sm2_sign (EVP_PKEY *key, const char *msg)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = NULL;
  guint8 sig[128];
  size_t len = sizeof sig;

  g_assert_cmpint (EVP_DigestSignInit_ex (md, &pctx, "SM3", NULL, NULL, key, NULL), ==, 1);
  g_assert_cmpint (EVP_PKEY_CTX_set1_id (pctx, "1234567812345678", 16), ==, 1);
  g_assert_cmpint (EVP_DigestSign (md, sig, &len, (const guint8 *) msg, strlen (msg)), ==, 1);
  EVP_MD_CTX_free (md);
  return g_bytes_new (sig, len);
}

static char *
doc_one_key (const char *kid, const char *pem, gint64 nb, gint64 na, const char *revoked)
{
  return g_strdup_printf ("{\"keys\":[{\"kid\":\"%s\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\","
                          "\"not_before\":%" G_GINT64_FORMAT ",\"not_after\":%" G_GINT64_FORMAT "}],"
                          "\"revoked\":%s}", kid, pem, nb, na, revoked ? revoked : "{}");
}

static void
test_loads_and_verifies (void)
{
  TestKey k;
  g_autoptr(HbKeyring) ring = hb_keyring_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = NULL;
  g_autoptr(GBytes) sig = NULL;
  const char *msg = "HB1.eyJ2IjoxfQ";
  gsize sl = 0;
  const guint8 *s;
  g_autofree guint8 *bad = NULL;

  test_key_init (&k, "SM2");
  doc = doc_one_key ("k-1", k.pem, 1000, 2000, "{\"jti\":[\"J-1\"],\"sub\":[\"P-1\",\"P-2\"]}");
  g_assert_true (hb_keyring_load_json (ring, doc, strlen (doc), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hb_keyring_get_n_keys (ring), ==, 1);
  g_assert_cmpuint (hb_keyring_get_n_revoked (ring), ==, 3);

  sig = sm2_sign (k.key, msg);
  s = g_bytes_get_data (sig, &sl);
  g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg), s, sl, 1500), ==, HB_KEYRING_VERIFY_OK);
  g_assert_cmpint (hb_keyring_verify (ring, "k-2", msg, strlen (msg), s, sl, 1500), ==, HB_KEYRING_VERIFY_UNKNOWN_KEY);
  g_assert_cmpint (hb_keyring_verify (ring, NULL, msg, strlen (msg), s, sl, 1500), ==, HB_KEYRING_VERIFY_UNKNOWN_KEY);
  /* One byte less of the message, one bit of the signature: both fail. */
  g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg) - 1, s, sl, 1500), ==, HB_KEYRING_VERIFY_BAD_SIGNATURE);
  bad = g_memdup2 (s, sl);
  bad[sl / 2] ^= 0x01;
  g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg), bad, sl, 1500), ==, HB_KEYRING_VERIFY_BAD_SIGNATURE);
  g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg), s, 0, 1500), ==, HB_KEYRING_VERIFY_BAD_SIGNATURE);
  /* The key vouches for codes signed within its window (± 300 s). */
  g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg), s, sl, 700), ==, HB_KEYRING_VERIFY_OK);
  g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg), s, sl, 699), ==, HB_KEYRING_VERIFY_UNKNOWN_KEY);
  g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg), s, sl, 2300), ==, HB_KEYRING_VERIFY_OK);
  g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg), s, sl, 2301), ==, HB_KEYRING_VERIFY_UNKNOWN_KEY);

  g_assert_true (hb_keyring_is_revoked (ring, "J-1", "P-9"));
  g_assert_true (hb_keyring_is_revoked (ring, "J-9", "P-2"));
  g_assert_false (hb_keyring_is_revoked (ring, "J-9", "P-9"));
  g_assert_false (hb_keyring_is_revoked (ring, NULL, NULL));
  test_key_clear (&k);
}

/* A rejected document changes nothing; a good one replaces everything. */
static void
test_bad_document_keeps_previous (void)
{
  TestKey k, other;
  g_autoptr(HbKeyring) ring = hb_keyring_new ();
  g_autofree char *doc = NULL, *doc2 = NULL;
  g_autoptr(GError) error = NULL;

  test_key_init (&k, "SM2");
  test_key_init (&other, "SM2");
  doc = doc_one_key ("k-1", k.pem, 0, 2000000000, "{\"jti\":[\"J-1\"]}");
  g_assert_true (hb_keyring_load_json (ring, doc, strlen (doc), NULL));
  g_assert_false (hb_keyring_load_json (ring, "{\"keys\":", 8, &error));
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID);
  g_assert_cmpuint (hb_keyring_get_n_keys (ring), ==, 1);
  g_assert_true (hb_keyring_is_revoked (ring, "J-1", NULL));

  doc2 = doc_one_key ("k-2", other.pem, 0, 2000000000, NULL);
  g_assert_true (hb_keyring_load_json (ring, doc2, strlen (doc2), NULL));
  g_assert_cmpuint (hb_keyring_get_n_keys (ring), ==, 1);
  g_assert_false (hb_keyring_is_revoked (ring, "J-1", NULL));
  g_assert_true (hb_keyring_load_json (ring, "{\"keys\":[]}", 11, NULL));
  g_assert_cmpuint (hb_keyring_get_n_keys (ring), ==, 0);
  test_key_clear (&k);
  test_key_clear (&other);
}

static void
test_parse_errors (void)
{
  TestKey k, ec;
  g_autoptr(HbKeyring) ring = hb_keyring_new ();
  test_key_init (&k, "SM2");
  test_key_init (&ec, "EC");
  const char *p = k.pem;
  char *cases[] = {
    g_strdup ("[]"),
    g_strdup ("{}"),
    g_strdup ("{\"keys\":{}}"),
    g_strdup ("{\"keys\":[1]}"),
    g_strdup_printf ("{\"keys\":[{\"alg\":\"SM2\",\"public_key_pem\":\"%s\",\"not_before\":0,\"not_after\":1}]}", p),
    g_strdup_printf ("{\"keys\":[{\"kid\":\"a b\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\",\"not_before\":0,\"not_after\":1}]}", p),
    g_strdup_printf ("{\"keys\":[{\"kid\":\"k\",\"alg\":\"ECDSA\",\"public_key_pem\":\"%s\",\"not_before\":0,\"not_after\":1}]}", p),
    g_strdup_printf ("{\"keys\":[{\"kid\":\"k\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\",\"not_before\":0}]}", p),
    g_strdup_printf ("{\"keys\":[{\"kid\":\"k\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\",\"not_before\":\"0\",\"not_after\":1}]}", p),
    g_strdup_printf ("{\"keys\":[{\"kid\":\"k\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\",\"not_before\":5,\"not_after\":1}]}", p),
    g_strdup ("{\"keys\":[{\"kid\":\"k\",\"alg\":\"SM2\",\"public_key_pem\":\"not a pem\",\"not_before\":0,\"not_after\":1}]}"),
    /* A P-256 key labelled SM2 is not an SM2 key. */
    g_strdup_printf ("{\"keys\":[{\"kid\":\"k\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\",\"not_before\":0,\"not_after\":1}]}", ec.pem),
    g_strdup_printf ("{\"keys\":[{\"kid\":\"k\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\",\"not_before\":0,\"not_after\":1},"
                     "{\"kid\":\"k\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\",\"not_before\":0,\"not_after\":1}]}", p, p),
    g_strdup ("{\"keys\":[],\"revoked\":[]}"),
    g_strdup ("{\"keys\":[],\"revoked\":{\"jti\":\"J-1\"}}"),
    g_strdup ("{\"keys\":[],\"revoked\":{\"jti\":[1]}}"),
    g_strdup ("{\"keys\":[],\"revoked\":{\"sub\":[\"\"]}}"),
    g_strdup ("{\"keys\":[],\"revoked\":{\"sub\":[\"张三\"]}}"),
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      if (hb_keyring_load_json (ring, cases[i], strlen (cases[i]), &error))
        g_error ("case %" G_GSIZE_FORMAT " was accepted", i);
      g_assert_nonnull (error);
      g_assert_true (error->domain == HB_KEYRING_ERROR || error->domain == HB_JSON_ERROR);
      g_free (cases[i]);
    }
  test_key_clear (&k);
  test_key_clear (&ec);
}

static void
test_bounds (void)
{
  TestKey k;
  g_autoptr(HbKeyring) ring = hb_keyring_new ();
  g_autoptr(GString) many = g_string_new ("{\"keys\":[");
  g_autoptr(GString) revoked = g_string_new ("{\"keys\":[],\"revoked\":{\"jti\":[");
  g_autofree char *big = g_malloc (HB_KEYRING_MAX_BYTES + 2);
  g_autoptr(GError) error = NULL;

  test_key_init (&k, "SM2");
  for (int i = 0; i <= HB_KEYRING_MAX_KEYS; i++)
    g_string_append_printf (many, "%s{\"kid\":\"k%d\",\"alg\":\"SM2\",\"public_key_pem\":\"%s\","
                            "\"not_before\":0,\"not_after\":1}", i ? "," : "", i, k.pem);
  g_string_append (many, "]}");
  g_assert_false (hb_keyring_load_json (ring, many->str, many->len, &error));
  g_assert_error (error, HB_KEYRING_ERROR, HB_KEYRING_ERROR_INVALID);
  g_clear_error (&error);

  /* A full list of typical ids (J- plus 16 hex digits) fits the size bound and loads… */
  for (int i = 0; i < HB_KEYRING_MAX_REVOKED; i++)
    g_string_append_printf (revoked, i ? ",\"J-%016x\"" : "\"J-%016x\"", i);
  {
    g_autoptr(GString) full = g_string_new (revoked->str);
    g_string_append (full, "]}}");
    g_assert_cmpuint (full->len, <=, HB_KEYRING_MAX_BYTES);
    g_assert_true (hb_keyring_load_json (ring, full->str, full->len, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (hb_keyring_get_n_revoked (ring), ==, HB_KEYRING_MAX_REVOKED);
    g_assert_true (hb_keyring_is_revoked (ring, "J-0000000000001a2b", NULL));
  }
  /* …and one entry more is refused. */
  g_string_append (revoked, ",\"J-ONE-TOO-MANY\"]}}");
  g_assert_false (hb_keyring_load_json (ring, revoked->str, revoked->len, &error));
  g_assert_error (error, HB_KEYRING_ERROR, HB_KEYRING_ERROR_INVALID);
  g_clear_error (&error);

  memset (big, ' ', HB_KEYRING_MAX_BYTES + 1);
  memcpy (big, "{\"keys\":[]}", 11);
  g_assert_false (hb_keyring_load_json (ring, big, HB_KEYRING_MAX_BYTES + 1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (hb_keyring_load_json (ring, big, HB_KEYRING_MAX_BYTES, &error));
  g_assert_no_error (error);
  test_key_clear (&k);
}

typedef struct {
  HbKeyring *ring;
  const char *doc_a, *doc_b;
  gint stop;
} Race;

static gpointer
loader (gpointer data)
{
  Race *r = data;
  for (int i = 0; i < 200; i++)
    {
      const char *d = i % 2 ? r->doc_a : r->doc_b;
      g_assert_true (hb_keyring_load_json (r->ring, d, strlen (d), NULL));
    }
  g_atomic_int_set (&r->stop, 1);
  return NULL;
}

/* Verifications on one thread while another replaces the keys: each sees a whole
 * document (both documents hold the signing key under the same kid). */
static void
test_reads_during_reload (void)
{
  TestKey k;
  g_autoptr(HbKeyring) ring = hb_keyring_new ();
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GBytes) sig = NULL;
  const char *msg = "HB1.race";
  Race r;
  GThread *t;
  gsize sl;
  const guint8 *s;
  guint n = 0;

  test_key_init (&k, "SM2");
  a = doc_one_key ("k-1", k.pem, 0, 2000000000, "{\"jti\":[\"J-1\"]}");
  b = doc_one_key ("k-1", k.pem, 0, 2000000000, "{\"sub\":[\"P-1\"]}");
  g_assert_true (hb_keyring_load_json (ring, a, strlen (a), NULL));
  sig = sm2_sign (k.key, msg);
  s = g_bytes_get_data (sig, &sl);
  r = (Race) { ring, a, b, 0 };
  t = g_thread_new ("loader", loader, &r);
  while (!g_atomic_int_get (&r.stop) || n == 0)
    {
      g_assert_cmpint (hb_keyring_verify (ring, "k-1", msg, strlen (msg), s, sl, 1), ==, HB_KEYRING_VERIFY_OK);
      g_assert_cmpuint (hb_keyring_get_n_revoked (ring), ==, 1);
      n++;
    }
  g_thread_join (t);
  test_key_clear (&k);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/offline-cache/keyring/loads-keys-and-verifies-sm2-sm3", test_loads_and_verifies);
  g_test_add_func ("/offline-cache/keyring/bad-document-keeps-the-previous-keys", test_bad_document_keeps_previous);
  g_test_add_func ("/offline-cache/keyring/malformed-documents-are-rejected", test_parse_errors);
  g_test_add_func ("/offline-cache/keyring/size-key-and-revocation-bounds", test_bounds);
  g_test_add_func ("/offline-cache/keyring/verifies-while-keys-are-replaced", test_reads_during_reload);
  return g_test_run ();
}
