/* fuzz-keys-json.c — /v1/keys documents from the platform (hb_keyring_load_json), then a
 * verification and revocation lookups against whatever was accepted. */
#include "offline-cache/hb-keyring.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(HbKeyring) keyring = hb_keyring_new ();
  static const char msg[] = "HB1.eyJ2IjoxfQ";
  /* A well-formed but wrong DER signature: verification must fail cleanly. */
  static const guint8 sig[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };

  if (hb_keyring_load_json (keyring, (const char *) data, size, NULL))
    {
      if (hb_keyring_get_n_keys (keyring) > HB_KEYRING_MAX_KEYS
          || hb_keyring_get_n_revoked (keyring) > HB_KEYRING_MAX_REVOKED)
        abort ();
      for (const char *kid = "test-1"; kid; kid = g_str_equal (kid, "test-1") ? "sim-2026-1" : NULL)
        if (hb_keyring_verify (keyring, kid, msg, strlen (msg), sig, sizeof sig, 1795000000)
            == HB_KEYRING_VERIFY_OK)
          abort ();
      (void) hb_keyring_is_revoked (keyring, "J-REVOKED-0001", "P-REVOKEDSUBJECT");
    }
  else if (hb_keyring_get_n_keys (keyring) != 0)
    abort ();   /* a rejected document changes nothing */
  return 0;
}
