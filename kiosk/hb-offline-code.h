/* hb-offline-code.h — the offline-verifiable 随申码 printed for residents without a phone
 * (docs/suishenma-offline.md is the normative format):
 *
 *   HB1.<payload>.<signature>     both base64url without padding
 *   payload   {"v":1,"kid","jti","kind":"person|enterprise|place","sub","name","iat","exp"}
 *   signature SM2 with SM3, ID 1234567812345678, DER, over the ASCII bytes "HB1.<payload>"
 *
 * Verification is pure (no I/O, no clock of its own) and bounded; the keys come from the
 * platform through HbKeyring (GET /v1/keys). The kiosk never holds a signing key. */
#pragma once

#include "offline-cache/hb-keyring.h"

G_BEGIN_DECLS

#define HB_OFFLINE_CODE_MAX_CHARS 2048
#define HB_OFFLINE_CODE_PREFIX    "HB1."

typedef enum {
  HB_CODE_VERDICT_OK,
  HB_CODE_VERDICT_EXPIRED,
  HB_CODE_VERDICT_NOT_YET_VALID,
  HB_CODE_VERDICT_BAD_SIGNATURE,
  HB_CODE_VERDICT_UNKNOWN_KEY,
  HB_CODE_VERDICT_REVOKED,
  HB_CODE_VERDICT_MALFORMED,
  HB_CODE_VERDICT_TOO_LONG,
} HbCodeVerdict;

/* "ok", "expired", "not-yet-valid", "bad-signature", "unknown-key", "revoked",
 * "malformed", "too-long". */
const char *hb_code_verdict_to_string (HbCodeVerdict v);

typedef enum {
  HB_OFFLINE_KIND_PERSON,
  HB_OFFLINE_KIND_ENTERPRISE,
  HB_OFFLINE_KIND_PLACE,
} HbOfflineKind;

/* "person", "enterprise", "place". */
const char *hb_offline_kind_to_string (HbOfflineKind k);

typedef struct {
  char         *kid;
  char         *jti;
  HbOfflineKind kind;
  char         *sub;    /* opaque subject id (personal: wiped on free) */
  char         *name;   /* already masked by the platform (wiped on free) */
  gint64        iat;
  gint64        exp;
} HbOfflineClaims;

/* Wipes sub and name. NULL-safe. */
void hb_offline_claims_free (HbOfflineClaims *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbOfflineClaims, hb_offline_claims_free)

/* Cheap test for routing a scan: does text start with "HB1."? */
gboolean hb_offline_code_looks_offline (const char *text, gsize len);

/* Verifies completely (no I/O). Check order: too-long → malformed → unknown-key →
 * bad-signature → revoked → not-yet-valid → expired. *claims (may be NULL) is set when the
 * payload parsed, also for expired/revoked/bad-signature/… so callers can report the kind
 * (trust it only with HB_CODE_VERDICT_OK); NULL for malformed and too-long. */
HbCodeVerdict hb_offline_code_verify (HbKeyring *keyring, const char *text, gsize len,
                                      gint64 now_unix, HbOfflineClaims **claims);

G_END_DECLS
