/* hb-store-salvage.c — after a corrupt database was moved aside, carry what residents
 * submitted and the platform has not confirmed over into the fresh one.
 *
 * Everything else in the database comes back from the platform (catalog, keys) or does not
 * matter (sent rows). An outbox row is taken over as it was: same idempotency key, same
 * sealed body (the key file is the same), so a row that did reach the platform before the
 * damage is deduplicated there and the effect stays exactly once. The quarantined copy is
 * read with its own connection, read-only; a row that cannot be read is skipped and
 * counted, so a damaged page costs the rows on it, never the rest, and never the start. */
#include "offline-cache/hb-store-private.h"

/* Bounds of the walk over a damaged table: when the scan by id breaks off, ids after the
 * last readable one are probed one by one, at most this many. */
#define SALVAGE_MAX_PROBES 65536

typedef struct {
  HbStore *store;
  sqlite3 *old;
  guint    salvaged;
  guint    lost;
} Salvage;

/* Copies the outbox row with this id (if readable, not yet sent and not already here). */
static int
copy_row (Salvage *s, sqlite3_stmt *read, sqlite3_stmt *write, sqlite3_int64 id)
{
  int rc;

  sqlite3_reset (read);
  sqlite3_bind_int64 (read, 1, id);
  rc = sqlite3_step (read);
  if (rc == SQLITE_DONE)
    return SQLITE_DONE;
  if (rc != SQLITE_ROW)
    return rc;
  /* Sent rows have no body left: nothing to deliver. */
  const char *state = (const char *) sqlite3_column_text (read, 6);
  if (state == NULL || g_str_equal (state, "sent"))
    return SQLITE_ROW;
  if (sqlite3_column_type (read, 0) != SQLITE_TEXT || sqlite3_column_type (read, 3) != SQLITE_BLOB)
    {
      s->lost++;
      return SQLITE_ROW;
    }
  sqlite3_reset (write);
  for (int c = 0; c < 6; c++)
    sqlite3_bind_value (write, c + 1, sqlite3_column_value (read, c));
  /* pending and parked go back to pending (tried again at once: the platform dedups);
   * dead stays dead for staff. */
  sqlite3_bind_text (write, 7, g_str_equal (state, "dead") ? "dead" : "pending", -1,
                     SQLITE_STATIC);
  rc = sqlite3_step (write);
  if (rc == SQLITE_DONE)
    s->salvaged += sqlite3_changes (hb_store_get_db (s->store)) > 0;
  else
    s->lost++;
  return SQLITE_ROW;
}

gboolean
hb_store_salvage_outbox (HbStore *self, const char *corrupt_path, guint *salvaged,
                         guint *lost, GError **error)
{
  Salvage s = { .store = self };
  sqlite3_stmt *read = NULL, *write = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (sqlite3_int64));
  gboolean ok = FALSE;

  *salvaged = *lost = 0;
  /* Read-only, no locking games: the file is ours alone in the quarantine. */
  if (sqlite3_open_v2 (corrupt_path, &s.old, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CORRUPT,
                   "quarantined database cannot be opened: %s",
                   s.old ? sqlite3_errmsg (s.old) : "out of memory");
      sqlite3_close (s.old);
      return FALSE;
    }
  sqlite3_busy_timeout (s.old, 1000);
  if (sqlite3_prepare_v2 (s.old,
                          "SELECT idempotency_key, kind, path, body, created_at, attempts, state"
                          "  FROM outbox WHERE id = ?", -1, &read, NULL) != SQLITE_OK)
    {
      /* No outbox table to read (the schema itself is damaged): nothing to carry over. */
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CORRUPT,
                   "quarantined outbox cannot be read: %s", sqlite3_errmsg (s.old));
      goto out;
    }

  hb_store_lock (self);
  write = hb_store_prepare (self,
                            "INSERT OR IGNORE INTO outbox (idempotency_key, kind, path, body,"
                            "  created_at, attempts, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            error);
  if (write == NULL || !hb_store_exec (self, "BEGIN IMMEDIATE", error))
    {
      hb_store_unlock (self);
      goto out;
    }

  /* The ids in order, as far as the table can be scanned. */
  sqlite3_stmt *scan = NULL;
  gboolean broken = TRUE;
  if (sqlite3_prepare_v2 (s.old, "SELECT id FROM outbox ORDER BY id", -1, &scan, NULL) == SQLITE_OK)
    {
      int rc;
      while ((rc = sqlite3_step (scan)) == SQLITE_ROW)
        {
          sqlite3_int64 id = sqlite3_column_int64 (scan, 0);
          g_array_append_val (ids, id);
        }
      broken = rc != SQLITE_DONE;
    }
  sqlite3_finalize (scan);
  /* The scan broke off at a damaged page: probe the ids after the last one it read, up to
   * the highest id ever handed out (sqlite_sequence, if readable). */
  if (broken)
    {
      sqlite3_int64 last = ids->len ? g_array_index (ids, sqlite3_int64, ids->len - 1) : 0;
      sqlite3_int64 seq = last + SALVAGE_MAX_PROBES;
      sqlite3_stmt *q = NULL;
      if (sqlite3_prepare_v2 (s.old, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'",
                              -1, &q, NULL) == SQLITE_OK && sqlite3_step (q) == SQLITE_ROW)
        seq = sqlite3_column_int64 (q, 0);
      sqlite3_finalize (q);
      for (sqlite3_int64 id = MAX (last + 1, seq - SALVAGE_MAX_PROBES + 1); id <= seq; id++)
        g_array_append_val (ids, id);
    }
  for (guint i = 0; i < ids->len; i++)
    {
      int rc = copy_row (&s, read, write, g_array_index (ids, sqlite3_int64, i));
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s.lost++;   /* unreadable: may have held an item */
    }
  ok = hb_store_exec (self, "COMMIT", error);
  if (!ok)
    hb_store_exec (self, "ROLLBACK", NULL);
  hb_store_unlock (self);
  *salvaged = s.salvaged;
  *lost = s.lost;

out:
  sqlite3_finalize (read);
  sqlite3_finalize (write);
  sqlite3_close (s.old);
  return ok;
}
