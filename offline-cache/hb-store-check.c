/* hb-store-check.c — read-only integrity check of the database file. */
#include "offline-cache/hb-store-check.h"
#include "offline-cache/hb-store-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

/* SQLite's messages are short; a damaged file could still make them long. */
#define PROBLEM_MAX 512

void
hb_store_check_clear (HbStoreCheck *check)
{
  g_clear_pointer (&check->problem, g_free);
  memset (check, 0, sizeof *check);
}

static char *
bounded (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  if (strlen (valid) > PROBLEM_MAX)
    {
      const char *end = g_utf8_find_prev_char (valid, valid + PROBLEM_MAX);
      g_autofree char *head = g_strndup (valid, (gsize) (end - valid));
      return g_strconcat (head, "…", NULL);
    }
  return g_steal_pointer (&valid);
}

gboolean
hb_store_check_file (const char *path, guint max_errors, guint busy_ms, HbStoreCheck *check,
                     GError **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_autofree char *sql = NULL;
  int rc;

  memset (check, 0, sizeof *check);
  if (g_access (path, F_OK) != 0 || g_access (path, R_OK) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  /* Read-only, and no URI tricks: the path is the path. */
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot open: %s", path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, (int) (busy_ms ? busy_ms : 5000));

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK && sqlite3_step (st) == SQLITE_ROW)
    check->schema_version = sqlite3_column_int (st, 0);
  else
    {
      /* Not a database at all ("file is not a database"): damaged, not unreadable. */
      check->problem = bounded (sqlite3_errmsg (db));
      sqlite3_finalize (st);
      sqlite3_close (db);
      return TRUE;
    }
  sqlite3_finalize (st);
  st = NULL;

  sql = g_strdup_printf ("PRAGMA integrity_check(%u)", max_errors ? max_errors : 10);
  rc = sqlite3_prepare_v2 (db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      const char *first = (const char *) sqlite3_column_text (st, 0);
      check->ok = g_strcmp0 (first, "ok") == 0;
      if (!check->ok)
        check->problem = bounded (first);
    }
  else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "%s: busy: %s", path, sqlite3_errmsg (db));
      sqlite3_finalize (st);
      sqlite3_close (db);
      return FALSE;
    }
  else
    check->problem = bounded (sqlite3_errmsg (db));
  sqlite3_finalize (st);
  sqlite3_close (db);
  return TRUE;
}

int
hb_store_check_expected_version (void)
{
  return HB_STORE_SCHEMA_VERSION;
}

const char *
hb_store_check_sqlite_version (void)
{
  return sqlite3_libversion ();
}
