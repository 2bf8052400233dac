/* hb-keyring.h — the public keys that sign offline 随申码 (docs/suishenma-offline.md), and
 * the platform's revocation lists, as served by GET /v1/keys.
 *
 * Pure of I/O: sync feeds it documents, the kiosk asks it to verify. Reads (verify,
 * is_revoked, counts) may run on any thread while another thread loads a new document:
 * a load replaces the whole content atomically, or changes nothing. No OpenSSL types
 * appear here, so the kiosk layer needs no OpenSSL headers. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Bounds of a /v1/keys document. */
#define HB_KEYRING_MAX_BYTES      (4 * 1024 * 1024)   /* room for the 100 000 revocations */
#define HB_KEYRING_MAX_KEYS       64
#define HB_KEYRING_MAX_REVOKED    100000   /* jti and sub entries together */
#define HB_KEYRING_MAX_PEM_BYTES  4096
#define HB_KEYRING_MAX_ID_BYTES   128      /* a kid, jti or sub */
/* Tolerated difference between the terminal's clock and the platform's. */
#define HB_KEYRING_CLOCK_SKEW_S   300

#define HB_KEYRING_ERROR (hb_keyring_error_quark ())
GQuark hb_keyring_error_quark (void);
typedef enum {
  HB_KEYRING_ERROR_INVALID,   /* the document is malformed or breaks a bound */
} HbKeyringError;

#define HB_TYPE_KEYRING (hb_keyring_get_type ())
G_DECLARE_FINAL_TYPE (HbKeyring, hb_keyring, HB, KEYRING, GObject)

HbKeyring *hb_keyring_new (void);

/* Parses a /v1/keys document
 *   {"keys":[{"kid","alg":"SM2","public_key_pem","not_before","not_after"}],
 *    "revoked":{"jti":[…],"sub":[…]}}
 * (bounded: HB_KEYRING_MAX_BYTES, HB_KEYRING_MAX_KEYS, HB_KEYRING_MAX_REVOKED), replacing
 * the content atomically. A rejected document (HB_KEYRING_ERROR_INVALID, or HB_JSON_ERROR
 * for bad JSON) leaves the previous content in place. */
gboolean   hb_keyring_load_json (HbKeyring *self, const char *data, gsize len, GError **error);
guint      hb_keyring_get_n_keys (HbKeyring *self);
guint      hb_keyring_get_n_revoked (HbKeyring *self);

/* Whether s is a valid kid, jti or sub: 1 to HB_KEYRING_MAX_ID_BYTES of A–Z a–z 0–9 - _ . :
 * (ids may be logged, so they are short printable tokens). */
gboolean   hb_keyring_id_is_valid (const char *s);

/* For hb-offline-code.c. */
typedef enum {
  HB_KEYRING_VERIFY_OK,
  HB_KEYRING_VERIFY_UNKNOWN_KEY,     /* no key kid, or kid's window does not cover signed_at */
  HB_KEYRING_VERIFY_BAD_SIGNATURE,   /* SM2-with-SM3 (ID 1234567812345678) check failed */
} HbKeyringVerify;

/* Verifies the DER SM2 signature sig over msg with key kid. A key is valid for codes
 * signed (iat) within [not_before − skew, not_after + skew]; a code keeps its own exp
 * after its key was retired (docs/suishenma-offline.md, "Keys"). */
HbKeyringVerify hb_keyring_verify (HbKeyring *self, const char *kid, const void *msg,
                                   gsize msg_len, const guint8 *sig, gsize sig_len,
                                   gint64 signed_at);
/* Whether the platform revoked this code (jti) or every code of this subject (sub). */
gboolean   hb_keyring_is_revoked (HbKeyring *self, const char *jti, const char *sub);

G_END_DECLS
