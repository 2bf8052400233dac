/* bench-scan-identify.c — scan-to-identified for an offline 随申码, on the whole terminal.
 *
 * HbCore with virtual devices and no platform at all (the case the offline code exists
 * for): a code is "scanned" on the virtual scanner, the core verifies it on a worker
 * thread with the keyring, the session identifies the resident; the time from the scan to
 * the session's IDENTIFIED is measured on the main loop. Baseline in the same run: the bare
 * verification (hb_offline_code_verify) of the same codes, so the ratio shows what the
 * path around it costs. Budget (issue 4): ≤ 50 ms.
 *
 * Codes are signed here with the corpus's test-only key (tests/data/offline-codes/
 * test-1.pem) with iat = now, so the bench never ages. Prints one JSON object.
 * Usage: bench-scan-identify [ROUNDS] */
#include "kiosk/hb-core.h"
#include "kiosk/hb-offline-code.h"
#include "kiosk/hb-log.h"
#include "drivers/virtual/hb-virtual-scanner.h"
#include "tests/common/hb-test-util.h"
#include "tests/bench/bench-util.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET_MS 50.0

static char *
b64url (const guint8 *data, gsize len)
{
  g_autofree char *b = g_base64_encode (data, len);
  GString *s = g_string_new (NULL);
  for (char *p = b; *p && *p != '='; p++)
    g_string_append_c (s, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  return g_string_free (s, FALSE);
}

/* HB1.<payload>.<SM2/SM3 signature, ID 1234567812345678> — docs/suishenma-offline.md. */
static char *
sign_code (EVP_PKEY *key, guint serial, gint64 now)
{
  g_autofree char *claims = g_strdup_printf (
      "{\"v\":1,\"kid\":\"test-1\",\"jti\":\"J-BENCH-%06u\",\"kind\":\"person\","
      "\"sub\":\"P-BENCH%06u\",\"name\":\"张*伟\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%"
      G_GINT64_FORMAT "}", serial, serial, now, now + 86400);
  g_autofree char *payload = b64url ((const guint8 *) claims, strlen (claims));
  g_autofree char *signed_part = g_strconcat ("HB1.", payload, NULL);
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new (key, NULL);
  guint8 sig[128];
  size_t sig_len = sizeof sig;
  g_autofree char *sig64 = NULL;

  g_assert_true (EVP_PKEY_CTX_set1_id (pctx, "1234567812345678", 16) > 0);
  EVP_MD_CTX_set_pkey_ctx (md, pctx);
  g_assert_true (EVP_DigestSignInit (md, NULL, EVP_sm3 (), NULL, key) == 1);
  g_assert_true (EVP_DigestSign (md, sig, &sig_len, (const guint8 *) signed_part,
                                 strlen (signed_part)) == 1);
  EVP_MD_CTX_free (md);
  EVP_PKEY_CTX_free (pctx);
  sig64 = b64url (sig, sig_len);
  return g_strconcat (signed_part, ".", sig64, NULL);
}

static gboolean
identified (gpointer data)
{
  return hb_session_get_state (hb_core_get_session (data)) == HB_SESSION_IDENTIFIED;
}

static gboolean
at_attract (gpointer data)
{
  return hb_session_get_state (hb_core_get_session (data)) == HB_SESSION_ATTRACT;
}

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 200;
  g_autofree char *dir = NULL;
  g_autofree char *share = NULL;
  g_autofree char *pem_path = NULL;
  g_autofree char *keys_path = NULL;
  g_autofree char *keys = NULL;
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autoptr(HbCore) core = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  HbKeyring *keyring;
  HbVirtualScanner *scanner;
  EVP_PKEY *key;
  FILE *f;
  gsize keys_len = 0;
  double *path_ms = g_new (double, rounds), *verify_ms = g_new (double, rounds);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
  hb_test_init (&argc, &argv);
  dir = hb_test_mkdtemp ("bench-scan");
  share = g_build_filename (hb_test_srcdir (), "data", NULL);
  pem_path = g_build_filename (hb_test_srcdir (), "tests", "data", "offline-codes", "test-1.pem", NULL);
  keys_path = g_build_filename (hb_test_srcdir (), "tests", "data", "offline-codes", "keys.json", NULL);

  f = fopen (pem_path, "r");
  g_assert_nonnull (f);
  key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
  fclose (f);
  g_assert_nonnull (key);
  for (guint i = 0; i < rounds; i++)
    g_ptr_array_add (codes, sign_code (key, i, now));
  EVP_PKEY_free (key);

  g_assert_true (hb_config_set (config, "paths", "data_dir", dir, NULL));
  g_assert_true (hb_config_set (config, "paths", "share_dir", share, NULL));
  /* No platform: port 9 on loopback refuses at once. */
  g_assert_true (hb_config_set (config, "platform", "url", "http://127.0.0.1:9", NULL));
  g_assert_true (hb_config_set (config, "devices", "mode", "virtual", NULL));
  core = hb_core_new (config);
  g_assert_true (hb_core_start (core, &error));
  g_assert_no_error (error);

  /* The keys a terminal would have synced earlier. */
  g_assert_true (g_file_get_contents (keys_path, &keys, &keys_len, NULL));
  keyring = hb_sync_get_keyring (hb_core_get_sync (core));
  g_assert_true (hb_keyring_load_json (keyring, keys, keys_len, &error));
  g_assert_no_error (error);
  scanner = HB_VIRTUAL_SCANNER (hb_device_manager_get_device (hb_core_get_devices (core),
                                                              HB_DEVICE_KIND_SCANNER));
  g_assert_nonnull (scanner);
  hb_test_spin (300);   /* devices settle */

  for (guint i = 0; i < rounds; i++)
    {
      const char *code = codes->pdata[i];
      gint64 t0, t1;
      g_autoptr(HbOfflineClaims) claims = NULL;

      /* Baseline: the verification alone. */
      t0 = g_get_monotonic_time ();
      g_assert_cmpint (hb_offline_code_verify (keyring, code, strlen (code), now, &claims), ==,
                       HB_CODE_VERDICT_OK);
      verify_ms[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;

      /* The whole path: scanner event → worker verify → session identified. */
      t0 = g_get_monotonic_time ();
      g_assert_true (hb_virtual_scanner_scan (scanner, code, strlen (code), &error));
      while (!identified (core))
        g_main_context_iteration (NULL, TRUE);
      t1 = g_get_monotonic_time ();
      path_ms[i] = (double) (t1 - t0) / 1000.0;

      hb_session_wipe (hb_core_get_session (core), HB_WIPE_CANCELLED);
      g_assert_true (hb_test_wait_until (at_attract, core, 5000));
    }

  {
    double p50 = bench_percentile (path_ms, rounds, 0.5), p95 = bench_percentile (path_ms, rounds, 0.95);
    double max = bench_percentile (path_ms, rounds, 1.0);
    double v50 = bench_percentile (verify_ms, rounds, 0.5);
    printf ("{\"rounds\": %u, \"code_chars\": %zu,\n"
            " \"scan_to_identified_ms_p50\": %.3f, \"scan_to_identified_ms_p95\": %.3f,"
            " \"scan_to_identified_ms_max\": %.3f,\n"
            " \"verify_only_ms_p50\": %.3f, \"path_vs_verify_ratio\": %.2f,"
            " \"p95_vs_budget_ratio\": %.3f, \"budget_ms\": %.0f, \"within_budget\": %s}\n",
            rounds, strlen (codes->pdata[0]), p50, p95, max, v50, p50 / v50,
            p95 / BUDGET_MS, BUDGET_MS, p95 <= BUDGET_MS ? "true" : "false");
  }
  hb_core_stop (core);
  hb_test_rmdir (dir);
  g_free (path_ms);
  g_free (verify_ms);
  return 0;
}
