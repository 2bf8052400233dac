/* fuzz-offline-code.c — the offline 随申码 parser and verifier (hb_offline_code_verify) on
 * arbitrary scanned text, with a fixed keyring: the test keys of tests/data/offline-codes/
 * (keys.json, copied here so the target needs no files), at several clock readings. */
#include "kiosk/hb-offline-code.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char keys_json[] =
  "{\"keys\":[{\"kid\":\"test-1\",\"alg\":\"SM2\",\"public_key_pem\":\"-----BEGIN PUBLIC KEY-----\\nMFkwEwY"
  "HKoZIzj0CAQYIKoEcz1UBgi0DQgAEU0fW7HWEeGQ38WYYt1IDNrpwG4Fx\\npFUz7JcExdYcB1tVz+GktUBeVHJagbH"
  "6zR5sCI609leJq+c5d0YU2vQRlg==\\n-----END PUBLIC KEY-----\\n\",\"not_before\":1767225600,\"not_af"
  "ter\":1830297600},{\"kid\":\"test-2\",\"alg\":\"SM2\",\"public_key_pem\":\"-----BEGIN PUBLIC KEY-----\\"
  "nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEDyqaatEURCj5QQ5ColRzYK030hla\\nOGQPnu6z7yBLjbxHdeqLt4P"
  "GPQ2ybQv2xm9LWEI4ip7jT5Dmch9xPnq+RA==\\n-----END PUBLIC KEY-----\\n\",\"not_before\":1735689600"
  ",\"not_after\":1780272000}],\"revoked\":{\"jti\":[\"J-REVOKED-0001\"],\"sub\":[\"P-REVOKEDSUBJECT\"]}}";

static HbKeyring *keyring;

static void
cleanup (void)
{
  g_clear_object (&keyring);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const gint64 clocks[] = { 0, 1795000000, G_MAXINT64 / 2 };
  if (keyring == NULL)
    {
      g_autoptr(GError) error = NULL;
      keyring = hb_keyring_new ();
      if (!hb_keyring_load_json (keyring, keys_json, strlen (keys_json), &error))
        g_error ("fuzz-offline-code: fixed keys rejected: %s", error->message);
      atexit (cleanup);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (clocks); i++)
    {
      HbOfflineClaims *claims = NULL;
      HbCodeVerdict v = hb_offline_code_verify (keyring, (const char *) data, size, clocks[i], &claims);
      /* Invariants of the API: claims exactly when the payload parsed. */
      if ((v == HB_CODE_VERDICT_MALFORMED || v == HB_CODE_VERDICT_TOO_LONG) != (claims == NULL))
        abort ();
      if (size > HB_OFFLINE_CODE_MAX_CHARS && v != HB_CODE_VERDICT_TOO_LONG)
        abort ();
      if (claims != NULL && (claims->kid == NULL || claims->sub == NULL || claims->exp <= claims->iat))
        abort ();
      (void) hb_code_verdict_to_string (v);
      hb_offline_claims_free (claims);
    }
  (void) hb_offline_code_looks_offline ((const char *) data, size);
  return 0;
}
