/* hb-staff-auth.h — who may enter maintenance: a staff PIN or a staff ID card, and the
 * lockout that stops a resident from guessing (issue 9; docs/maintenance-access.md).
 *
 * PINs are 6–12 digits and live in the config only as PBKDF2-HMAC-SHA256 hashes
 * ([maintenance] staff_pin_hash, technician_pin_hash: "pbkdf2-sha256$ITER$SALT_B64$HASH_B64").
 * Staff cards are checked against the platform's allow-list (GET /v1/staff), which names
 * each card only by the SM3 hash of its ID number; the list is cached in the store.
 * 5 consecutive failures (wrong PIN, unknown card) lock entry for 60 s, doubling with each
 * further lockout up to 1 h; a success resets both. The lockout lives in the store, so a
 * restart does not clear it and the kiosk and haobanctl share it.
 *
 * HbStaffAuth itself logs (never a PIN or a card number), appends to the audit log
 * ("maintenance.login", "maintenance.login-failed", "maintenance.lockout",
 * "maintenance.unlock") and queues a "security-event" outbox item for each lockout:
 * callers must not append those again. */
#pragma once

#include <gio/gio.h>

#include "kiosk/hb-config.h"
#include "offline-cache/hb-audit.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-sync.h"

G_BEGIN_DECLS

#define HB_STAFF_PIN_MIN_DIGITS     6
#define HB_STAFF_PIN_MAX_DIGITS     12
#define HB_STAFF_PBKDF2_MIN_ITER    100000
#define HB_STAFF_PBKDF2_MAX_ITER    10000000
#define HB_STAFF_PBKDF2_DEFAULT_ITER 200000
#define HB_STAFF_MAX_FAILURES       5      /* consecutive failures that lock */
#define HB_STAFF_LOCKOUT_FIRST_S    60     /* first lockout; doubles each further one */
#define HB_STAFF_LOCKOUT_CAP_S      3600
#define HB_STAFF_ALLOWLIST_MAX      500    /* entries in GET /v1/staff (one site's staff) */
#define HB_STAFF_ALLOWLIST_REPLY_MAX (64 * 1024)   /* hb_sync_request's reply limit */

typedef enum {
  HB_STAFF_ROLE_NONE,
  HB_STAFF_ROLE_STAFF,        /* hall clerk: dashboard and everyday actions */
  HB_STAFF_ROLE_TECHNICIAN,   /* also device configuration and leaving the kiosk */
} HbStaffRole;

/* "none", "staff", "technician" */
const char  *hb_staff_role_to_string (HbStaffRole role);
/* "staff" / "technician" → the role; anything else → HB_STAFF_ROLE_NONE. */
HbStaffRole  hb_staff_role_from_string (const char *text);

#define HB_STAFF_AUTH_ERROR (hb_staff_auth_error_quark ())
GQuark hb_staff_auth_error_quark (void);
typedef enum {
  HB_STAFF_AUTH_ERROR_WRONG,          /* wrong PIN (counted) */
  HB_STAFF_AUTH_ERROR_UNKNOWN_CARD,   /* card not on the allow-list (counted) */
  HB_STAFF_AUTH_ERROR_LOCKED,         /* locked: nothing was checked (*retry_after_s) */
  HB_STAFF_AUTH_ERROR_NOT_CONFIGURED, /* no PIN hash in the config / no allow-list yet
                                       * (not counted: nothing could match) */
  HB_STAFF_AUTH_ERROR_INVALID,        /* a malformed hash string or allow-list document (a
                                       * PIN that is not 6–12 digits is only _WRONG) */
  HB_STAFF_AUTH_ERROR_FAILED,         /* the store failed */
} HbStaffAuthError;

/* ---- PIN hashes (pure; no object needed) ---- */

/* A new hash string for the config: "pbkdf2-sha256$ITER$SALT_B64$HASH_B64" with a random
 * 16-byte salt and a 32-byte PBKDF2-HMAC-SHA256 hash (standard base64 with padding).
 * iterations: 0 = HB_STAFF_PBKDF2_DEFAULT_ITER, else within [MIN_ITER, MAX_ITER].
 * Slow by design: not on the main thread. NULL + HB_STAFF_AUTH_ERROR_INVALID for a PIN
 * that is not 6–12 ASCII digits. */
char        *hb_staff_auth_hash_pin (const char *pin, guint iterations, GError **error);
/* TRUE when text is a well-formed hash string (iterations within bounds, salt 16 bytes,
 * hash 32 bytes); else HB_STAFF_AUTH_ERROR_INVALID saying which part is wrong (never
 * quoting the value). hb-config uses it to reject a malformed config value. */
gboolean     hb_staff_auth_validate_hash (const char *text, GError **error);
/* Constant-time comparison of PBKDF2(pin) with a hash string. FALSE without an error for a
 * wrong PIN; FALSE + HB_STAFF_AUTH_ERROR_INVALID when the hash string is malformed. */
gboolean     hb_staff_auth_verify_pin (const char *pin, const char *hash, GError **error);

/* The allow-list key of a card's number: lowercase hex SM3 of the number as the reader
 * gave it, ASCII letters upper-cased (a resident ID's check letter 'x' → 'X'; foreign
 * permanent cards carry letters too). NULL unless 6–32 ASCII letters/digits. */
char        *hb_staff_auth_card_digest (const char *id_number);

/* ---- the allow-list document (pure, bounded: tests/fuzz/fuzz-staff-allowlist.c) ---- */

typedef struct {
  char        *staff_id;       /* "S0012": [A-Za-z0-9_-]{1,32} */
  HbStaffRole  role;
  char        *id_number_sm3;  /* 64 lowercase hex */
} HbStaffEntry;

typedef struct {
  char      *version;          /* printable, at most 64 bytes */
  GPtrArray *entries;          /* of HbStaffEntry*, at most HB_STAFF_ALLOWLIST_MAX */
} HbStaffAllowlist;

void              hb_staff_allowlist_free (HbStaffAllowlist *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbStaffAllowlist, hb_staff_allowlist_free)
/* {"version": "…", "staff": [{"id", "role", "id_number_sm3"}, …]} → the list, or NULL with
 * HB_STAFF_AUTH_ERROR_INVALID naming the entry index and member (never a value).
 * Duplicate digests are an error (a card must have one role). */
HbStaffAllowlist *hb_staff_allowlist_parse (const char *data, gsize length, GError **error);

/* ---- the gate ---- */

#define HB_TYPE_STAFF_AUTH (hb_staff_auth_get_type ())
G_DECLARE_FINAL_TYPE (HbStaffAuth, hb_staff_auth, HB, STAFF_AUTH, GObject)

/* config: the PIN hashes and [terminal] id; store: allow-list cache and lockout (it may be
 * used from a worker thread); audit: nullable (then nothing is appended). The hashes are
 * read from config at each check, so a changed config takes effect at the next check. */
HbStaffAuth *hb_staff_auth_new (HbConfig *config, HbStore *store, HbAudit *audit);

/* The security-event outbox item is always queued in the store; with a sync set, it is
 * also kicked so it leaves now (the kiosk sets the core's; haobanctl leaves it NULL and
 * the kiosk delivers it later). */
void         hb_staff_auth_set_sync (HbStaffAuth *self, HbSync *sync);

/* Checks a PIN against both hashes (PBKDF2 runs on a worker thread). Completes with the
 * role and *staff_id ("pin"; transfer full) — or HB_STAFF_ROLE_NONE and an error:
 * _WRONG (counted, also for a PIN that is not 6–12 digits; hb_staff_auth_attempts_left
 * tells how many remain), _LOCKED (now or by this failure; *retry_after_s > 0 says for how
 * long), _NOT_CONFIGURED, _INVALID (a hash in the config is malformed: not counted),
 * _FAILED. staff_id and retry_after_s may be NULL. */
void         hb_staff_auth_check_pin_async  (HbStaffAuth *self, const char *pin,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
HbStaffRole  hb_staff_auth_check_pin_finish (HbStaffAuth *self, GAsyncResult *result,
                                             char **staff_id, gint64 *retry_after_s,
                                             GError **error);
/* The same, blocking (haobanctl, tests; never on the main thread). */
HbStaffRole  hb_staff_auth_check_pin (HbStaffAuth *self, const char *pin, char **staff_id,
                                      gint64 *retry_after_s, GError **error);

/* A card read (the id_number of the HbPerson the reader gave; only its SM3 digest is used
 * and nothing of it is kept). Completes with the role and *staff_id (the allow-list's id),
 * or NONE and _UNKNOWN_CARD (counted), _LOCKED, _NOT_CONFIGURED (no allow-list cached yet:
 * not counted), _FAILED. The async variant does the store work on a worker thread. */
void         hb_staff_auth_check_card_async  (HbStaffAuth *self, const char *id_number,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
HbStaffRole  hb_staff_auth_check_card_finish (HbStaffAuth *self, GAsyncResult *result,
                                              char **staff_id, gint64 *retry_after_s,
                                              GError **error);
HbStaffRole  hb_staff_auth_check_card (HbStaffAuth *self, const char *id_number,
                                       char **staff_id, gint64 *retry_after_s,
                                       GError **error);

/* Seconds the entry stays locked (0 = open). Reads the store (cheap), so it sees a lockout
 * or an unlock made by the other process. */
gint64       hb_staff_auth_locked_for (HbStaffAuth *self);
/* Tries left before the next lockout (HB_STAFF_MAX_FAILURES when nothing failed; 0 while
 * locked). */
guint        hb_staff_auth_attempts_left (HbStaffAuth *self);
/* Clears a lockout and the failure count (technician over the shell: haobanctl
 * maintenance unlock). actor: the audit actor, e.g. "haobanctl". */
gboolean     hb_staff_auth_unlock (HbStaffAuth *self, const char *actor, GError **error);

/* GET /v1/staff through sync (a one-off request), parse, and replace the cached list in
 * one transaction (parse and store on a worker thread). The kiosk calls it through
 * hb_core_refresh_staff when the maintenance entry opens and when the cached list is a day
 * old; a failure keeps the cached list. Completes with the number of entries. */
void         hb_staff_auth_refresh_async  (HbStaffAuth *self, HbSync *sync,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean     hb_staff_auth_refresh_finish (HbStaffAuth *self, GAsyncResult *result,
                                           guint *n_entries, GError **error);
/* Stores an already-parsed list (tests, and the refresh above). */
gboolean     hb_staff_auth_store_allowlist (HbStaffAuth *self, const HbStaffAllowlist *list,
                                            GError **error);
/* The cached list: version (NULL if never fetched; transfer full), entries, and when it was
 * stored (unix seconds, 0 if never). */
void         hb_staff_auth_get_allowlist_info (HbStaffAuth *self, char **version,
                                               guint *n_entries, gint64 *stored_at);

G_END_DECLS
