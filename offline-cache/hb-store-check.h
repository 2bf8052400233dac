/* hb-store-check.h — look at the terminal's database without changing it (haobanctl
 * doctor, diagnostics). hb_store_open() quarantines a corrupt file and migrates an old one;
 * a check must do neither, so this opens the file read-only with SQLite directly. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean ok;              /* PRAGMA integrity_check said "ok" */
  int      schema_version;  /* PRAGMA user_version */
  char    *problem;         /* the first problem integrity_check (or the open) reported,
                             * or NULL when ok; never row contents (only SQLite's message) */
} HbStoreCheck;

void hb_store_check_clear (HbStoreCheck *check);

/* Runs PRAGMA integrity_check (at most max_errors lines; 0: 10) on the database at path,
 * opened read-only (a running kiosk may keep writing: WAL readers do not block it; a busy
 * database waits up to busy_ms). FALSE + G_IO_ERROR when the file cannot be opened or read
 * at all (_NOT_FOUND, _PERMISSION_DENIED, _FAILED); TRUE with check->ok FALSE when SQLite
 * read it and found it damaged (or it is not a database). */
gboolean    hb_store_check_file (const char *path, guint max_errors, guint busy_ms,
                                 HbStoreCheck *check, GError **error);

/* The schema version this build's HbStore migrates to. */
int         hb_store_check_expected_version (void);
/* sqlite3_libversion(). */
const char *hb_store_check_sqlite_version (void);

G_END_DECLS
