/* hb-sim-keys.h — the sim's offline-code signing keys (SM2), revocation lists and the
 * keyed hash that turns an ID number into an opaque subject (docs/platform-sim.md).
 *
 * The keys are generated at first start and kept in <state>.keys (0600) when the sim has a
 * state file, so codes printed in a demo stay valid across restarts; without one they live
 * in memory only. The kiosk never sees a private key: only GET /v1/keys' public PEMs. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_SIM_KEYS_ERROR (hb_sim_keys_error_quark ())
GQuark hb_sim_keys_error_quark (void);
typedef enum {
  HB_SIM_KEYS_ERROR_STATE,     /* the key file is unreadable or malformed */
  HB_SIM_KEYS_ERROR_SAVE,      /* the key file could not be written */
  HB_SIM_KEYS_ERROR_INVALID,   /* a request's arguments (unknown kid, bad id, …) */
  HB_SIM_KEYS_ERROR_CRYPTO,
} HbSimKeysError;

#define HB_SIM_KEYS_MAX_KEYS    16
#define HB_SIM_KEYS_MAX_REVOKED 10000
/* An issued offline code lasts a year: elderly residents keep the printed slip. */
#define HB_SIM_KEYS_CODE_TTL_S  (365 * 24 * 3600)

#define HB_TYPE_SIM_KEYS (hb_sim_keys_get_type ())
G_DECLARE_FINAL_TYPE (HbSimKeys, hb_sim_keys, HB, SIM_KEYS, GObject)

/* path NULL: in memory. An existing file is loaded (a malformed one is an error);
 * a missing one is created with a fresh key "sim-<year>-1". */
HbSimKeys  *hb_sim_keys_new (const char *path, GError **error);

/* The GET /v1/keys document (transfer full). */
JsonNode   *hb_sim_keys_document (HbSimKeys *self);
const char *hb_sim_keys_active_kid (HbSimKeys *self);

/* Signs an offline code. kid NULL: the active key. Returns "HB1.…" (transfer full) and
 * the new jti in *jti. The claims are checked as the kiosk checks them. */
char       *hb_sim_keys_mint (HbSimKeys *self, const char *kid, const char *kind,
                              const char *sub, const char *name, gint64 iat, gint64 exp,
                              char **jti, GError **error);

/* Adds jti or sub (one may be NULL) to the revocation lists. */
gboolean    hb_sim_keys_revoke (HbSimKeys *self, const char *jti, const char *sub,
                                GError **error);
/* Generates a new key that becomes the active one; the previous active key is retired
 * (not_after = now) but still listed, so the codes it signed stay valid. Returns the kid. */
const char *hb_sim_keys_rotate (HbSimKeys *self, GError **error);
/* Test-only: GET /v1/keys answers these bytes verbatim instead of the document (to show a
 * terminal a broken one); NULL ends it, as does a reset. Never saved. */
void        hb_sim_keys_set_override (HbSimKeys *self, GBytes *document);
GBytes     *hb_sim_keys_get_override (HbSimKeys *self);
/* Forgets the revocation lists and any override (POST /_sim/reset); the keys stay. */
gboolean    hb_sim_keys_reset (HbSimKeys *self, GError **error);

/* "P-" + 20 upper-case hex digits of HMAC-SM3(secret, id_type ":" id_number): stable for
 * one sim, never reversible to the ID number. (transfer full) */
char       *hb_sim_keys_subject (HbSimKeys *self, const char *id_type, const char *id_number);

/* 张*, 李*英, 欧**娜 (first and last character kept; the same rule as the kiosk's). */
char       *hb_sim_mask_name (const char *name);

G_END_DECLS
