/* bench-code-verify.c — offline 随申码 verifications per second on one core.
 *
 * Peer in the same run: a bare OpenSSL loop (EVP_DigestVerifyInit_ex "SM3" + set1_id +
 * EVP_DigestVerify) over the same bytes with the same key, i.e. the SM2 cost alone. The
 * full path (hb_offline_code_verify: length check, base64url, bounded JSON, keyring lookup,
 * SM2-with-SM3, revocation and time checks) is reported as a ratio to it. Inputs: the
 * committed corpus (tests/data/offline-codes/keys.json, cases/ok-person.code).
 * Prints one JSON object on stdout. Usage: bench-code-verify [ROUNDS] (default 2000) */
#include "kiosk/hb-offline-code.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CORPUS_NOW 1795000000

static char *
read_corpus (const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "tests", "data", "offline-codes",
                                            name, NULL);
  char *data = hb_test_read_file (path, len);
  if (data == NULL)
    g_error ("bench-code-verify: cannot read %s", path);
  return data;
}

static guchar *
b64url_decode (const char *s, gsize n, gsize *out_len)
{
  g_autofree char *b64 = g_malloc0 (n + 4);
  gsize m = n;
  for (gsize i = 0; i < n; i++)
    b64[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
  while (m % 4)
    b64[m++] = '=';
  return g_base64_decode (b64, out_len);
}

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 2000;
  gsize keys_len = 0, code_len = 0, sig_len = 0;
  g_autofree char *keys = read_corpus ("keys.json", &keys_len);
  g_autofree char *code = read_corpus ("cases/ok-person.code", &code_len);
  g_autoptr(HbKeyring) keyring = hb_keyring_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  const char *pem, *dot;
  g_autofree guchar *sig = NULL;
  EVP_PKEY *pkey;
  BIO *bio;
  gint64 t0, t1;
  double bare_us, full_us;
  guint ok = 0;

  if (rounds == 0)
    rounds = 2000;
  if (!hb_keyring_load_json (keyring, keys, keys_len, &error))
    g_error ("bench-code-verify: %s", error->message);
  doc = hb_json_parse_object (keys, (gssize) keys_len, HB_KEYRING_MAX_BYTES, 8, &error);
  g_assert_no_error (error);
  pem = json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (doc, "keys"), 0), "public_key_pem");
  bio = BIO_new_mem_buf (pem, -1);
  pkey = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert_nonnull (pkey);
  dot = strrchr (code, '.');
  sig = b64url_decode (dot + 1, strlen (dot + 1), &sig_len);

  /* Warm both paths (OpenSSL fetches algorithms lazily). */
  g_assert_cmpint (hb_offline_code_verify (keyring, code, code_len, CORPUS_NOW, NULL), ==,
                   HB_CODE_VERDICT_OK);

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < rounds; i++)
    {
      EVP_MD_CTX *md = EVP_MD_CTX_new ();
      EVP_PKEY_CTX *pctx = NULL;
      EVP_DigestVerifyInit_ex (md, &pctx, "SM3", NULL, NULL, pkey, NULL);
      EVP_PKEY_CTX_set1_id (pctx, "1234567812345678", 16);
      ok += EVP_DigestVerify (md, sig, sig_len, (const guchar *) code, (gsize) (dot - code)) == 1;
      EVP_MD_CTX_free (md);
    }
  t1 = g_get_monotonic_time ();
  g_assert_cmpuint (ok, ==, rounds);
  bare_us = (double) (t1 - t0) / rounds;

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < rounds; i++)
    ok += hb_offline_code_verify (keyring, code, code_len, CORPUS_NOW, NULL) == HB_CODE_VERDICT_OK;
  t1 = g_get_monotonic_time ();
  g_assert_cmpuint (ok, ==, 2 * rounds);
  full_us = (double) (t1 - t0) / rounds;

  printf ("{\"rounds\": %u, \"code_chars\": %" G_GSIZE_FORMAT ",\n"
          " \"bare_sm2_verify_us\": %.1f, \"bare_sm2_verifies_per_s\": %.0f,\n"
          " \"code_verify_us\": %.1f, \"code_verifies_per_s\": %.0f,\n"
          " \"code_verify_ms\": %.3f, \"overhead_vs_bare_ratio\": %.3f}\n",
          rounds, code_len, bare_us, 1e6 / bare_us, full_us, 1e6 / full_us, full_us / 1000.0,
          full_us / bare_us);
  EVP_PKEY_free (pkey);
  return 0;
}
