/* hb-assets.c — catalog assets: download, verify (size, SHA-256), keep, collect garbage. */
#include "offline-cache/hb-assets-private.h"
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define TMP_PREFIX ".tmp-"

gboolean
hb_asset_sha256_is_valid (const char *sha256)
{
  if (sha256 == NULL || strlen (sha256) != 64)
    return FALSE;
  for (const char *p = sha256; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

gboolean
hb_asset_id_is_valid (const char *id)
{
  gsize n = id ? strlen (id) : 0;
  if (n == 0 || n > HB_ASSET_ID_MAX)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (id[i]) && strchr ("._-", id[i]) == NULL)
      return FALSE;
  return TRUE;
}

char *
hb_assets_default_dir (const char *db_path)
{
  g_autofree char *dir = g_path_get_dirname (db_path);
  return g_build_filename (dir, "assets", NULL);
}

/* The sha256 catalog_asset holds for id, or NULL. */
static char *
stored_sha (HbStore *store, const char *id)
{
  sqlite3_stmt *stmt;
  char *sha = NULL;

  hb_store_lock (store);
  stmt = hb_store_prepare (store, "SELECT sha256 FROM catalog_asset WHERE id = ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        sha = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (store);
  return sha;
}

char *
hb_catalog_dup_asset_path (HbCatalog *catalog, const char *assets_dir, const char *id,
                           GError **error)
{
  g_autofree char *sha = NULL;
  char *path;

  g_return_val_if_fail (HB_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (assets_dir != NULL, NULL);
  if (hb_asset_id_is_valid (id))
    sha = stored_sha (hb_catalog_get_store (catalog), id);
  if (!hb_asset_sha256_is_valid (sha))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
                   "no verified copy of asset %.64s", id ? id : "(null)");
      return NULL;
    }
  path = g_build_filename (assets_dir, sha, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
                   "asset %.64s is missing on disk", id);
      g_free (path);
      return NULL;
    }
  return path;
}

/* --- sync ------------------------------------------------------------------------------ */

typedef struct {
  char  *id;
  char  *sha256;
  gint64 bytes;
} Ref;

static void
ref_free (Ref *r)
{
  g_free (r->id);
  g_free (r->sha256);
  g_free (r);
}

/* Distinct ids in catalog order; the first reference of an id wins. */
static GPtrArray *
referenced (HbStore *store, GError **error)
{
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func ((GDestroyNotify) ref_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt;
  int rc;

  hb_store_lock (store);
  stmt = hb_store_prepare (store,
                           "SELECT json_extract (a.value, '$.id'), json_extract (a.value, '$.sha256'),"
                           " json_extract (a.value, '$.bytes')"
                           " FROM catalog_service s, json_each (s.json, '$.assets') a"
                           " ORDER BY s.position, a.key", error);
  if (stmt == NULL)
    {
      hb_store_unlock (store);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *sha = (const char *) sqlite3_column_text (stmt, 1);
      gint64 bytes = sqlite3_column_int64 (stmt, 2);
      Ref *r;
      if (!hb_asset_id_is_valid (id) || !hb_asset_sha256_is_valid (sha)
          || bytes <= 0 || bytes > HB_ASSET_MAX_BYTES)
        continue;   /* validated when the catalog applied; never trust it twice */
      if (g_hash_table_contains (seen, id))
        continue;
      r = g_new0 (Ref, 1);
      r->id = g_strdup (id);
      r->sha256 = g_strdup (sha);
      r->bytes = bytes;
      g_ptr_array_add (refs, r);
      g_hash_table_add (seen, r->id);
    }
  if (rc != SQLITE_DONE)
    hb_store_set_error_from_db (store, error, "read catalog assets");
  sqlite3_finalize (stmt);
  hb_store_unlock (store);
  return rc == SQLITE_DONE ? g_steal_pointer (&refs) : NULL;
}

static gboolean
sha_matches (const void *data, gsize length, const char *sha256)
{
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
  return g_strcmp0 (sum, sha256) == 0;
}

/* An existing file of the right size and hash. */
static gboolean
file_verified (const char *path, const Ref *r)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size != r->bytes)
    return FALSE;
  if (!g_file_get_contents (path, &data, &length, NULL))
    return FALSE;
  return (gint64) length == r->bytes && sha_matches (data, length, r->sha256);
}

static gboolean
fsync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok = fd >= 0 && fsync (fd) == 0;
  if (fd >= 0)
    close (fd);
  return ok;
}

/* Temporary file in dir, synced, renamed over <dir>/<sha256>: a crash leaves either no file
 * or a complete one (and a stray temporary, removed by the next sync). */
static gboolean
write_file (const char *dir, const Ref *r, const char *data, gsize length, GError **error)
{
  g_autofree char *tmp = NULL;
  g_autofree char *path = g_build_filename (dir, r->sha256, NULL);
  int fd;
  gsize done = 0;

  tmp = g_strdup_printf ("%s/" TMP_PREFIX "%s-%08x", dir, r->sha256, g_random_int ());
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot create %s: %s",
                   tmp, g_strerror (errno));
      return FALSE;
    }
  while (done < length)
    {
      ssize_t n = write (fd, data + done, length - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  if (done != length || fsync (fd) != 0)
    {
      int e = errno;
      close (fd);
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "cannot write %s: %s", tmp,
                   g_strerror (e));
      return FALSE;
    }
  close (fd);
  if (g_rename (tmp, path) != 0)
    {
      int e = errno;
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "cannot rename to %s: %s",
                   path, g_strerror (e));
      return FALSE;
    }
  fsync_dir (dir);
  return TRUE;
}

static gboolean
download (CURL *curl, const HbHttpRequest *base, const char *platform_url, const char *dir,
          const Ref *r, GError **error)
{
  g_autofree char *url = g_strconcat (platform_url, "/v1/assets/", r->sha256, NULL);
  HbHttpRequest req = *base;
  HbHttpReply reply;
  gboolean ok = FALSE;

  req.method = "GET";
  req.url = url;
  req.body = NULL;
  req.body_length = 0;
  req.idempotency_key = NULL;
  req.if_none_match = NULL;
  req.max_reply = (gsize) r->bytes;   /* never more than the catalog announced */
  if (!hb_http_perform (curl, &req, &reply, error))
    return FALSE;
  if (reply.status != 200)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "http %ld", reply.status);
  else if ((gint64) reply.body_length != r->bytes)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "%" G_GSIZE_FORMAT " bytes instead of %" G_GINT64_FORMAT, reply.body_length,
                 r->bytes);
  else if (!sha_matches (reply.body, reply.body_length, r->sha256))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "SHA-256 does not match");
  else
    ok = write_file (dir, r, reply.body, reply.body_length, error);
  hb_http_reply_clear (&reply);
  return ok;
}

static gboolean
record (HbStore *store, const Ref *r, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  hb_store_lock (store);
  stmt = hb_store_prepare (store,
                           "INSERT INTO catalog_asset (id, sha256, bytes, stored_at)"
                           " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET"
                           " sha256 = excluded.sha256, bytes = excluded.bytes,"
                           " stored_at = excluded.stored_at", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, r->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, r->sha256, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, r->bytes);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      if (!ok)
        hb_store_set_error_from_db (store, error, "record asset");
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (store);
  return ok;
}

/* Rows whose id no service references go; then files no row names. */
static gboolean
collect_garbage (HbStore *store, const char *dir, GPtrArray *refs, guint *deleted,
                 GError **error)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  const char *name;
  int rc;

  for (guint i = 0; i < refs->len; i++)
    g_hash_table_add (wanted, ((Ref *) refs->pdata[i])->id);

  hb_store_lock (store);
  stmt = hb_store_prepare (store, "SELECT id, sha256 FROM catalog_asset", error);
  if (stmt == NULL)
    {
      hb_store_unlock (store);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      if (g_hash_table_contains (wanted, id))
        g_hash_table_add (keep, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      else
        g_ptr_array_add (ids, g_strdup (id));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      hb_store_set_error_from_db (store, error, "read assets");
      hb_store_unlock (store);
      return FALSE;
    }
  stmt = hb_store_prepare (store, "DELETE FROM catalog_asset WHERE id = ?1", error);
  for (guint i = 0; stmt != NULL && i < ids->len; i++)
    {
      sqlite3_bind_text (stmt, 1, ids->pdata[i], -1, SQLITE_STATIC);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  hb_store_unlock (store);

  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      /* Only our own names: anything else in the folder is not ours to delete. */
      if (g_str_has_prefix (name, TMP_PREFIX)
          || (hb_asset_sha256_is_valid (name) && !g_hash_table_contains (keep, name)))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          if (g_unlink (path) == 0 && !g_str_has_prefix (name, TMP_PREFIX))
            (*deleted)++;
        }
    }
  return TRUE;
}

gboolean
hb_assets_sync (HbStore *store, const char *dir, CURL *curl, const HbHttpRequest *base,
                const char *platform_url, HbAssetsResult *result, GError **error)
{
  g_autoptr(GPtrArray) refs = NULL;
  gint64 total = 0;

  memset (result, 0, sizeof *result);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot create %s: %s",
                   dir, g_strerror (errno));
      return FALSE;
    }
  refs = referenced (store, error);
  if (refs == NULL)
    return FALSE;
  result->referenced = refs->len;

  for (guint i = 0; i < refs->len; i++)
    {
      Ref *r = refs->pdata[i];
      g_autofree char *current = stored_sha (store, r->id);
      g_autofree char *path = g_build_filename (dir, r->sha256, NULL);
      g_autoptr(GError) local = NULL;

      if (base->should_abort && base->should_abort (base->abort_data))
        {
          result->failed += refs->len - i;
          break;
        }
      total += r->bytes;
      if (total > HB_ASSETS_TOTAL_MAX)
        {
          g_message ("assets: %s skipped: the catalog's assets exceed %d bytes", r->id,
                     HB_ASSETS_TOTAL_MAX);
          result->failed++;
          continue;
        }
      if (g_strcmp0 (current, r->sha256) == 0 && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!file_verified (path, r))   /* another id may already have brought the same file */
        {
          if (!download (curl, base, platform_url, dir, r, &local))
            {
              g_message ("assets: %s (%s) not fetched: %s; %s", r->id, r->sha256, local->message,
                         current ? "keeping the previous file" : "none on this terminal yet");
              result->failed++;
              continue;
            }
          result->fetched++;
        }
      if (!record (store, r, error))
        return FALSE;
      g_debug ("assets: %s is now %s (%" G_GINT64_FORMAT " bytes)", r->id, r->sha256, r->bytes);
    }
  return collect_garbage (store, dir, refs, &result->deleted, error);
}
