/* hb-store-private.h — what the other offline-cache files need from HbStore.
 *
 * Only offline-cache/ (and its tests) include this: nothing above this layer ever sees
 * sqlite3. One HbStore is one connection; it may be used from several threads (the
 * connection is opened SQLITE_OPEN_FULLMUTEX), and a recursive lock keeps a multi-statement
 * unit (a transaction, or prepare → step → read the error) from interleaving with another
 * thread's use of the same connection. */
#pragma once

#include <sqlite3.h>

#include "offline-cache/hb-store.h"

G_BEGIN_DECLS

/* Schema version after all migrations (PRAGMA user_version). */
#define HB_STORE_SCHEMA_VERSION 6
#define HB_STORE_KEY_BYTES      32
#define HB_STORE_BUSY_TIMEOUT_MS 5000

/* Sealed blob layout: format byte (1) | nonce (12) | ciphertext (n) | GCM tag (16). */
#define HB_STORE_SEAL_FORMAT    1
#define HB_STORE_SEAL_NONCE     12
#define HB_STORE_SEAL_TAG       16
#define HB_STORE_SEAL_OVERHEAD  (1 + HB_STORE_SEAL_NONCE + HB_STORE_SEAL_TAG)

sqlite3 *hb_store_get_db (HbStore *self);

/* Hold the connection for a unit of work (recursive). */
void     hb_store_lock   (HbStore *self);
void     hb_store_unlock (HbStore *self);

/* Runs func inside BEGIN IMMEDIATE … COMMIT with the lock held; ROLLBACK when func or the
 * COMMIT fails (old data stays). Note: a failed COMMIT does not prove the data is absent. */
typedef gboolean (*HbStoreTxnFunc) (HbStore *store, gpointer user_data, GError **error);
gboolean hb_store_transaction (HbStore *self, HbStoreTxnFunc func, gpointer user_data,
                               GError **error);

/* Helpers; call with the lock held. The error is HB_STORE_ERROR_SQL (or _CORRUPT) and reads
 * "<what>: <sqlite message>" — SQLite messages name tables and constraints, never values. */
void          hb_store_set_error_from_db (HbStore *self, GError **error, const char *what);
gboolean      hb_store_exec    (HbStore *self, const char *sql, GError **error);
sqlite3_stmt *hb_store_prepare (HbStore *self, const char *sql, GError **error);

/* meta key/value table. dup returns NULL when absent; set with value NULL deletes. */
char    *hb_store_dup_meta (HbStore *self, const char *key);
gboolean hb_store_set_meta (HbStore *self, const char *key, const char *value, GError **error);

/* AES-256-GCM under the store key, random 12-byte nonce; ad (associated data, e.g. an
 * outbox item's idempotency key) is authenticated but not stored, so a sealed blob only
 * opens for the row it was made for. */
GBytes  *hb_store_seal   (HbStore *self, const char *ad, const void *plain, gsize length,
                          GError **error);
/* Returns the NUL-terminated plaintext (wipe it with explicit_bzero before g_free) or
 * NULL + HB_STORE_ERROR_CRYPTO when the blob is damaged, tampered with or for another ad. */
char    *hb_store_unseal (HbStore *self, const char *ad, const void *sealed, gsize length,
                          gsize *out_length, GError **error);

/* Copies the outbox items not yet sent from a quarantined database (hb-store-salvage.c). */
gboolean hb_store_salvage_outbox (HbStore *self, const char *corrupt_path, guint *salvaged,
                                  guint *unreadable, GError **error);

/* Frees a string holding personal data after wiping it. NULL-safe. */
void     hb_store_wipe_free (char *text);

G_END_DECLS
