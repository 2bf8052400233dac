/* A full disk (tests for offline-cache/hb-store.c error mapping, through HbOutbox): a write
 * the disk cannot hold fails as HB_STORE_ERROR_FULL with a plain message, leaves nothing
 * half-written, keeps every earlier item, and the store works again once there is room.
 * The disk is a VFS shim registered as SQLite's default: while "full", any write that
 * would grow a file fails with SQLITE_FULL (overwriting existing bytes still works, as on
 * a real full file system). */
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

/* ---- the full-disk VFS ---------------------------------------------------------------- */

static sqlite3_vfs *base_vfs;
static sqlite3_vfs full_vfs;
static volatile gint disk_full;
static volatile gint refused_writes;

typedef struct {
  sqlite3_file  base;
  sqlite3_file *real;
} FullFile;

#define REAL(f) (((FullFile *) (f))->real)

static int
f_close (sqlite3_file *f)
{
  return REAL (f)->pMethods ? REAL (f)->pMethods->xClose (REAL (f)) : SQLITE_OK;
}

static int
f_read (sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
  return REAL (f)->pMethods->xRead (REAL (f), b, n, o);
}

static int
f_write (sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
  sqlite3_int64 size = 0;
  if (g_atomic_int_get (&disk_full) &&
      (REAL (f)->pMethods->xFileSize (REAL (f), &size) != SQLITE_OK || o + n > size))
    {
      g_atomic_int_inc (&refused_writes);
      return SQLITE_FULL;
    }
  return REAL (f)->pMethods->xWrite (REAL (f), b, n, o);
}

static int f_truncate (sqlite3_file *f, sqlite3_int64 s) { return REAL (f)->pMethods->xTruncate (REAL (f), s); }
static int f_sync (sqlite3_file *f, int fl) { return REAL (f)->pMethods->xSync (REAL (f), fl); }
static int f_file_size (sqlite3_file *f, sqlite3_int64 *s) { return REAL (f)->pMethods->xFileSize (REAL (f), s); }
static int f_lock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xLock (REAL (f), l); }
static int f_unlock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xUnlock (REAL (f), l); }
static int f_check_reserved (sqlite3_file *f, int *r) { return REAL (f)->pMethods->xCheckReservedLock (REAL (f), r); }
static int f_file_control (sqlite3_file *f, int op, void *a) { return REAL (f)->pMethods->xFileControl (REAL (f), op, a); }
static int f_sector_size (sqlite3_file *f) { return REAL (f)->pMethods->xSectorSize (REAL (f)); }
static int f_device_chars (sqlite3_file *f) { return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f)); }
static int f_shm_map (sqlite3_file *f, int i, int sz, int ext, void volatile **pp) { return REAL (f)->pMethods->xShmMap (REAL (f), i, sz, ext, pp); }
static int f_shm_lock (sqlite3_file *f, int off, int n, int fl) { return REAL (f)->pMethods->xShmLock (REAL (f), off, n, fl); }
static void f_shm_barrier (sqlite3_file *f) { REAL (f)->pMethods->xShmBarrier (REAL (f)); }
static int f_shm_unmap (sqlite3_file *f, int del) { return REAL (f)->pMethods->xShmUnmap (REAL (f), del); }
static int f_fetch (sqlite3_file *f, sqlite3_int64 o, int n, void **pp) { return REAL (f)->pMethods->xFetch (REAL (f), o, n, pp); }
static int f_unfetch (sqlite3_file *f, sqlite3_int64 o, void *pg) { return REAL (f)->pMethods->xUnfetch (REAL (f), o, pg); }

static const sqlite3_io_methods full_io = {
  3, f_close, f_read, f_write, f_truncate, f_sync, f_file_size, f_lock, f_unlock,
  f_check_reserved, f_file_control, f_sector_size, f_device_chars, f_shm_map, f_shm_lock,
  f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch,
};

static int
v_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
  FullFile *ff = (FullFile *) f;
  ff->real = (sqlite3_file *) &ff[1];
  int rc = base_vfs->xOpen (base_vfs, name, ff->real, flags, out);
  f->pMethods = rc == SQLITE_OK && ff->real->pMethods ? &full_io : NULL;
  return rc;
}

static int v_delete (sqlite3_vfs *v, const char *n, int s) { return base_vfs->xDelete (base_vfs, n, s); }
static int v_access (sqlite3_vfs *v, const char *n, int fl, int *o) { return base_vfs->xAccess (base_vfs, n, fl, o); }
static int v_full_pathname (sqlite3_vfs *v, const char *n, int sz, char *o) { return base_vfs->xFullPathname (base_vfs, n, sz, o); }
static void *v_dl_open (sqlite3_vfs *v, const char *n) { return base_vfs->xDlOpen (base_vfs, n); }
static void v_dl_error (sqlite3_vfs *v, int n, char *m) { base_vfs->xDlError (base_vfs, n, m); }
static void (*v_dl_sym (sqlite3_vfs *v, void *h, const char *s)) (void) { return base_vfs->xDlSym (base_vfs, h, s); }
static void v_dl_close (sqlite3_vfs *v, void *h) { base_vfs->xDlClose (base_vfs, h); }
static int v_randomness (sqlite3_vfs *v, int n, char *o) { return base_vfs->xRandomness (base_vfs, n, o); }
static int v_sleep (sqlite3_vfs *v, int us) { return base_vfs->xSleep (base_vfs, us); }
static int v_current_time (sqlite3_vfs *v, double *t) { return base_vfs->xCurrentTime (base_vfs, t); }
static int v_last_error (sqlite3_vfs *v, int n, char *m) { return base_vfs->xGetLastError (base_vfs, n, m); }
static int v_current_time64 (sqlite3_vfs *v, sqlite3_int64 *t) { return base_vfs->xCurrentTimeInt64 (base_vfs, t); }

static void
full_vfs_register (void)
{
  base_vfs = sqlite3_vfs_find (NULL);
  full_vfs = (sqlite3_vfs) {
    .iVersion = 2, .szOsFile = (int) sizeof (FullFile) + base_vfs->szOsFile,
    .mxPathname = base_vfs->mxPathname, .zName = "hb-full-disk",
    .xOpen = v_open, .xDelete = v_delete, .xAccess = v_access,
    .xFullPathname = v_full_pathname, .xDlOpen = v_dl_open, .xDlError = v_dl_error,
    .xDlSym = v_dl_sym, .xDlClose = v_dl_close, .xRandomness = v_randomness,
    .xSleep = v_sleep, .xCurrentTime = v_current_time, .xGetLastError = v_last_error,
    .xCurrentTimeInt64 = v_current_time64,
  };
  g_assert_cmpint (sqlite3_vfs_register (&full_vfs, 1), ==, SQLITE_OK);
}

/* ---- tests ------------------------------------------------------------------------------ */

typedef struct {
  char *dir;
  char *db;
  char *key;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = hb_test_mkdtemp ("store-full");
  f->db = g_build_filename (f->dir, "haoban.db", NULL);
  f->key = g_build_filename (f->dir, "store.key", NULL);
  g_atomic_int_set (&disk_full, 0);
  g_atomic_int_set (&refused_writes, 0);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_atomic_int_set (&disk_full, 0);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->key);
}

static char *
enqueue (HbOutbox *outbox, guint n, GError **error)
{
  /* Big enough that the item needs new pages, not just room left on one. */
  g_autofree char *filler = g_strnfill (20000, 'x');
  g_autofree char *body = g_strdup_printf ("{\"n\":%u,\"note\":\"%s\"}", n, filler);
  return hb_outbox_enqueue (outbox, "application", "/v1/applications", body, error);
}

static void
test_full_disk_refuses_plainly_and_corrupts_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (f->db, f->key, &error);
  g_assert_no_error (error);
  g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
  g_autofree char *first = enqueue (outbox, 1, &error);
  g_assert_no_error (error);

  g_atomic_int_set (&disk_full, 1);
  g_autofree char *refused = enqueue (outbox, 2, &error);
  g_assert_null (refused);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_FULL);
  g_assert_cmpint (g_atomic_int_get (&refused_writes), >, 0);
  g_assert_null (strstr (error->message, "xxxx"));   /* errors never quote a body */
  g_clear_error (&error);

  /* The earlier item is intact; the refused one left nothing behind. */
  HbOutboxStats stats;
  g_assert_true (hb_outbox_get_stats (outbox, G_MAXINT64 / 2, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pending, ==, 1);
  g_autoptr(HbOutboxItem) item = hb_outbox_lookup (outbox, first, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (item->body, "\"n\":1"));

  /* Room again: the store works, and the file passes a full integrity check. */
  g_atomic_int_set (&disk_full, 0);
  g_autofree char *second = enqueue (outbox, 3, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  hb_store_lock (store);
  sqlite3_stmt *check = hb_store_prepare (store, "PRAGMA integrity_check", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (check), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (check, 0), ==, "ok");
  sqlite3_finalize (check);
  hb_store_unlock (store);
}

static void
test_store_opens_on_a_full_disk (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  {
    g_autoptr(HbStore) store = hb_store_open (f->db, f->key, &error);
    g_assert_no_error (error);
    g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
    g_autofree char *key = enqueue (outbox, 1, &error);
    g_assert_no_error (error);
  }
  /* A terminal restarted on a full disk still starts and can deliver what it holds. */
  g_atomic_int_set (&disk_full, 1);
  g_autoptr(HbStore) store = hb_store_open (f->db, f->key, &error);
  g_assert_no_error (error);
  g_assert_false (hb_store_was_rebuilt (store));
  g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
  g_autoptr(HbOutboxItem) due = hb_outbox_next_due (outbox, G_MAXINT64 / 2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (due);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  full_vfs_register ();
  g_test_add ("/offline-cache/store/full-disk/refuses-plainly-and-corrupts-nothing", Fixture,
              NULL, setup, test_full_disk_refuses_plainly_and_corrupts_nothing, teardown);
  g_test_add ("/offline-cache/store/full-disk/store-still-opens-and-reads", Fixture, NULL,
              setup, test_store_opens_on_a_full_disk, teardown);
  return g_test_run ();
}
