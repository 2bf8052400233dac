/* hb-store.h — the terminal's one SQLite database.
 *
 * WAL journal, synchronous=FULL (outbox rows must survive power loss), foreign keys on,
 * busy timeout. On open: PRAGMA quick_check; a corrupt file is moved aside
 * (<name>.corrupt-<timestamp>) and a fresh database created — never silently deleted.
 * Schema changes are numbered migrations tracked in PRAGMA user_version.
 *
 * One HbStore is one connection. The sync thread opens its own HbStore on the same file. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HB_STORE_ERROR (hb_store_error_quark ())
GQuark hb_store_error_quark (void);
typedef enum {
  HB_STORE_ERROR_OPEN,
  HB_STORE_ERROR_CORRUPT,
  HB_STORE_ERROR_MIGRATION,
  HB_STORE_ERROR_SQL,
  HB_STORE_ERROR_NOT_FOUND,
  HB_STORE_ERROR_INVALID,     /* input (e.g. catalog JSON) rejected */
  HB_STORE_ERROR_CRYPTO,
  HB_STORE_ERROR_FULL,        /* the disk is full: nothing was written */
} HbStoreError;

#define HB_TYPE_STORE (hb_store_get_type ())
G_DECLARE_FINAL_TYPE (HbStore, hb_store, HB, STORE, GObject)

/* path: database file; its directory is created (0700) if missing.
 * key_path: 32-byte key file for encrypting personal data at rest; created (0600) with
 * random bytes if missing. A key file that is group/other accessible, of the wrong size, or
 * not the one the database was first opened with is refused (HB_STORE_ERROR_CRYPTO). */
HbStore    *hb_store_open (const char *path, const char *key_path, GError **error);
const char *hb_store_get_path (HbStore *self);
int         hb_store_get_schema_version (HbStore *self);
/* TRUE when open() found a corrupt file and quarantined it (for the maintenance screen). */
gboolean    hb_store_was_rebuilt (HbStore *self);
/* After a rebuild: outbox items carried over from the quarantined file, and rows that could
 * not be read there (each may have held an item; staff see both). */
void        hb_store_get_salvage (HbStore *self, guint *salvaged, guint *unreadable);

/* The last GET /v1/keys document the terminal accepted (HbKeyring validated it), kept so
 * that a terminal starting offline still verifies offline codes. NULL when there is none.
 * (transfer full; not personal data: subjects in it are opaque) */
char       *hb_store_dup_keys_document (HbStore *self, gsize *length);
/* Replaces the kept document (data must already have been accepted by an HbKeyring). */
gboolean    hb_store_set_keys_document (HbStore *self, const char *data, gsize length,
                                        GError **error);

G_END_DECLS
