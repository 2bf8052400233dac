/* hb-staff-store.c — staff allow-list and lockout rows (see the header). */
#include "offline-cache/hb-staff-store.h"
#include "offline-cache/hb-store-private.h"

#include <string.h>

#define META_VERSION   "staff.allowlist_version"
#define META_STORED_AT "staff.allowlist_stored_at"

/* Call with the lock held. */
static gboolean
read_lockout (HbStore *store, HbStaffLockout *out, GError **error)
{
  sqlite3_stmt *stmt = hb_store_prepare (store, "SELECT failures, lockouts, locked_until"
                                                " FROM staff_lockout WHERE one = 1", error);
  int rc;

  memset (out, 0, sizeof *out);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->failures = (guint) CLAMP (sqlite3_column_int64 (stmt, 0), 0, G_MAXUINT);
      out->lockouts = (guint) CLAMP (sqlite3_column_int64 (stmt, 1), 0, G_MAXUINT);
      out->locked_until = sqlite3_column_int64 (stmt, 2);
    }
  else if (rc != SQLITE_DONE)
    {
      hb_store_set_error_from_db (store, error, "staff lockout");
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

gboolean
hb_staff_store_get_lockout (HbStore *store, HbStaffLockout *out, GError **error)
{
  gboolean ok;
  hb_store_lock (store);
  ok = read_lockout (store, out, error);
  hb_store_unlock (store);
  return ok;
}

typedef struct {
  HbStaffLockoutFunc func;
  gpointer           data;
  HbStaffLockout     state;
} Update;

static gboolean
update_txn (HbStore *store, gpointer data, GError **error)
{
  Update *u = data;
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!read_lockout (store, &u->state, error))
    return FALSE;
  u->func (&u->state, u->data);
  stmt = hb_store_prepare (store, "INSERT INTO staff_lockout (one, failures, lockouts, locked_until)"
                                  " VALUES (1, ?1, ?2, ?3) ON CONFLICT (one) DO UPDATE SET"
                                  " failures = excluded.failures, lockouts = excluded.lockouts,"
                                  " locked_until = excluded.locked_until", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, u->state.failures);
  sqlite3_bind_int64 (stmt, 2, u->state.lockouts);
  sqlite3_bind_int64 (stmt, 3, u->state.locked_until);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    hb_store_set_error_from_db (store, error, "staff lockout");
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
hb_staff_store_update_lockout (HbStore *store, HbStaffLockoutFunc func, gpointer user_data,
                               HbStaffLockout *out, GError **error)
{
  Update u = { func, user_data, { 0 } };

  g_return_val_if_fail (func != NULL, FALSE);
  if (!hb_store_transaction (store, update_txn, &u, error))
    return FALSE;
  if (out)
    *out = u.state;
  return TRUE;
}

typedef struct {
  const char       *version;
  const HbStaffRow *rows;
  guint             n;
  gint64            now;
} Replace;

static gboolean
replace_txn (HbStore *store, gpointer data, GError **error)
{
  Replace *r = data;
  g_autofree char *stamp = g_strdup_printf ("%" G_GINT64_FORMAT, r->now);
  sqlite3_stmt *stmt;

  if (!hb_store_exec (store, "DELETE FROM staff_allowlist", error))
    return FALSE;
  stmt = hb_store_prepare (store, "INSERT INTO staff_allowlist (id_number_sm3, staff_id, role)"
                                  " VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < r->n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, r->rows[i].id_number_sm3, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, r->rows[i].staff_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, r->rows[i].role, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          hb_store_set_error_from_db (store, error, "staff allow-list");
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);
  return hb_store_set_meta (store, META_VERSION, r->version, error)
         && hb_store_set_meta (store, META_STORED_AT, stamp, error);
}

gboolean
hb_staff_store_replace_allowlist (HbStore *store, const char *version, const HbStaffRow *rows,
                                  guint n, gint64 now, GError **error)
{
  Replace r = { version, rows, n, now };

  g_return_val_if_fail (version != NULL && (rows != NULL || n == 0), FALSE);
  return hb_store_transaction (store, replace_txn, &r, error);
}

gboolean
hb_staff_store_lookup (HbStore *store, const char *id_number_sm3, char **staff_id, char **role,
                       GError **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  hb_store_lock (store);
  stmt = hb_store_prepare (store, "SELECT staff_id, role FROM staff_allowlist"
                                  " WHERE id_number_sm3 = ?1", error);
  if (stmt == NULL)
    {
      hb_store_unlock (store);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, id_number_sm3, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      found = TRUE;
      if (staff_id)
        *staff_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (role)
        *role = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND, "not on the staff allow-list");
  else
    hb_store_set_error_from_db (store, error, "staff allow-list");
  sqlite3_finalize (stmt);
  hb_store_unlock (store);
  return found;
}

gboolean
hb_staff_store_get_allowlist_info (HbStore *store, char **version, guint *n_entries,
                                   gint64 *stored_at, GError **error)
{
  g_autofree char *stamp = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  hb_store_lock (store);
  stmt = hb_store_prepare (store, "SELECT count (*) FROM staff_allowlist", error);
  if (stmt != NULL)
    {
      ok = sqlite3_step (stmt) == SQLITE_ROW;
      if (ok && n_entries)
        *n_entries = (guint) sqlite3_column_int64 (stmt, 0);
      if (!ok)
        hb_store_set_error_from_db (store, error, "staff allow-list");
      sqlite3_finalize (stmt);
    }
  if (ok)
    {
      if (version)
        *version = hb_store_dup_meta (store, META_VERSION);
      stamp = hb_store_dup_meta (store, META_STORED_AT);
      if (stored_at)
        *stored_at = stamp ? g_ascii_strtoll (stamp, NULL, 10) : 0;
    }
  hb_store_unlock (store);
  return ok;
}
