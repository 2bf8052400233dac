/* test-store.c — offline-cache/hb-store.c: open, pragmas, migrations, quarantine, key file,
 * sealing. */
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  char *dir;
  char *db;
  char *key;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = hb_test_mkdtemp ("store");
  /* A folder that does not exist yet: open() must create it (0700). */
  f->db = g_build_filename (f->dir, "var", "haoban.db", NULL);
  f->key = g_build_filename (f->dir, "keys", "store.key", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->key);
}

static HbStore *
open_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  HbStore *store = hb_store_open (f->db, f->key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static char *
pragma_text (HbStore *store, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *out = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (hb_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return out;
}

static gint64
pragma_int (HbStore *store, const char *sql)
{
  g_autofree char *text = pragma_text (store, sql);
  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

static void
exec_sql (HbStore *store, const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static void
write_file (const char *path, const void *data, gsize len, int mode)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (g_file_set_contents_full (path, data, (gssize) len,
                                           G_FILE_SET_CONTENTS_NONE, mode, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

/* Names in dir starting with prefix. */
static GPtrArray *
list_prefixed (const char *dir, const char *prefix)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      g_ptr_array_add (out, g_strdup (name));
  return out;
}

/* --- tests ----------------------------------------------------------------------------- */

static void
test_open_creates_schema_and_private_dirs (Fixture *f, gconstpointer data)
{
  g_autoptr(HbStore) store = open_ok (f);
  g_autofree char *dbdir = g_path_get_dirname (f->db);
  g_autofree char *keydir = g_path_get_dirname (f->key);
  struct stat st;

  g_assert_cmpint (hb_store_get_schema_version (store), ==, HB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (pragma_int (store, "PRAGMA user_version"), ==, HB_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (hb_store_get_path (store), ==, f->db);
  g_assert_false (hb_store_was_rebuilt (store));

  g_assert_cmpint (g_stat (dbdir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (keydir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Every table of migration 1 is there. */
  const char *tables[] = { "meta", "catalog_service", "catalog_fts", "outbox" };
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf (
        "SELECT count(*) FROM sqlite_schema WHERE name = '%s'", tables[i]);
      g_assert_cmpint (pragma_int (store, sql), ==, 1);
    }
}

static void
test_pragmas_wal_and_synchronous_full (Fixture *f, gconstpointer data)
{
  g_autoptr(HbStore) store = open_ok (f);
  g_autofree char *mode = pragma_text (store, "PRAGMA journal_mode");

  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (pragma_int (store, "PRAGMA synchronous"), ==, 2);   /* FULL */
  g_assert_cmpint (pragma_int (store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (pragma_int (store, "PRAGMA busy_timeout"), ==, 5000);
  g_assert_cmpint (pragma_int (store, "PRAGMA secure_delete"), ==, 1);
}

static void
test_reopen_keeps_data_without_migrating_again (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbStore *store = open_ok (f);
  g_assert_true (hb_store_set_meta (store, "probe", "42", &error));
  g_assert_no_error (error);
  g_object_unref (store);

  store = open_ok (f);
  g_autofree char *value = hb_store_dup_meta (store, "probe");
  g_assert_cmpstr (value, ==, "42");
  g_assert_cmpint (hb_store_get_schema_version (store), ==, HB_STORE_SCHEMA_VERSION);
  g_assert_false (hb_store_was_rebuilt (store));

  /* set NULL deletes */
  g_assert_true (hb_store_set_meta (store, "probe", NULL, &error));
  g_autofree char *gone = hb_store_dup_meta (store, "probe");
  g_assert_null (gone);
  g_object_unref (store);
}

static void
test_newer_schema_is_refused_and_left_alone (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbStore *store = open_ok (f);
  exec_sql (store, "PRAGMA user_version = 99");
  g_object_unref (store);

  store = hb_store_open (f->db, f->key, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_MIGRATION);
  g_assert_null (store);

  /* Not quarantined: a newer database is not a corrupt one. */
  g_autofree char *dir = g_path_get_dirname (f->db);
  g_autoptr(GPtrArray) moved = list_prefixed (dir, "haoban.db.corrupt-");
  g_assert_cmpuint (moved->len, ==, 0);
  g_assert_true (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_garbage_file_is_quarantined_and_rebuilt (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_path_get_dirname (f->db);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *garbage = g_strnfill (8192, 'x');
  g_autoptr(GError) error = NULL;
  HbStore *store;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_file (f->db, garbage, 8192, 0600);
  write_file (wal, "not a wal either", 16, 0600);

  store = open_ok (f);
  g_assert_true (hb_store_was_rebuilt (store));
  g_assert_cmpint (hb_store_get_schema_version (store), ==, HB_STORE_SCHEMA_VERSION);
  g_assert_true (hb_store_set_meta (store, "after", "rebuild", &error));
  g_assert_no_error (error);

  /* The bad file is kept, with its WAL, under one quarantine name. */
  g_autoptr(GPtrArray) moved = list_prefixed (dir, "haoban.db.corrupt-");
  g_autofree char *kept_db = NULL, *kept_wal = NULL;
  g_assert_cmpuint (moved->len, >=, 2);   /* db, -wal (and -shm if SQLite made one) */
  for (guint i = 0; i < moved->len; i++)
    {
      const char *name = moved->pdata[i];
      if (g_str_has_suffix (name, "-wal"))
        kept_wal = g_build_filename (dir, name, NULL);
      else if (!g_str_has_suffix (name, "-shm"))
        {
          g_assert_null (kept_db);
          kept_db = g_build_filename (dir, name, NULL);
        }
    }
  g_assert_nonnull (kept_db);
  g_assert_nonnull (kept_wal);
  gsize len = 0;
  g_autofree char *content = hb_test_read_file (kept_db, &len);
  g_assert_cmpuint (len, ==, 8192);
  g_assert_cmpmem (content, len, garbage, 8192);
  g_autofree char *expected_wal = g_strconcat (kept_db, "-wal", NULL);
  g_assert_cmpstr (kept_wal, ==, expected_wal);
  g_object_unref (store);

  /* The rebuilt database is healthy: a reopen does not quarantine again. */
  store = open_ok (f);
  g_assert_false (hb_store_was_rebuilt (store));
  g_autofree char *value = hb_store_dup_meta (store, "after");
  g_assert_cmpstr (value, ==, "rebuild");
  g_object_unref (store);
}

static void
test_damaged_page_is_quarantined (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbStore *store = open_ok (f);

  /* Enough rows for several b-tree pages. */
  exec_sql (store, "BEGIN");
  for (int i = 0; i < 400; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%04d", i);
      g_autofree char *value = g_strnfill (200, 'a' + i % 26);
      g_assert_true (hb_store_set_meta (store, key, value, &error));
    }
  exec_sql (store, "COMMIT");
  exec_sql (store, "PRAGMA wal_checkpoint(TRUNCATE)");
  gint64 page = pragma_int (store, "PRAGMA page_size");
  gint64 pages = pragma_int (store, "PRAGMA page_count");
  g_assert_cmpint (pages, >, 6);
  g_object_unref (store);

  /* Overwrite pages 3..5 (inside the tables) with junk. */
  gsize len = 0;
  g_autofree char *bytes = hb_test_read_file (f->db, &len);
  g_assert_cmpuint (len, ==, (gsize) (page * pages));
  memset (bytes + 2 * page, 0x5a, (gsize) (3 * page));
  write_file (f->db, bytes, len, 0600);

  store = open_ok (f);
  g_assert_true (hb_store_was_rebuilt (store));
  g_autofree char *value = hb_store_dup_meta (store, "k0001");
  g_assert_null (value);
  g_object_unref (store);
}

static void
test_key_file_created_private (Fixture *f, gconstpointer data)
{
  g_autoptr(HbStore) store = open_ok (f);
  struct stat st;

  g_assert_cmpint (g_stat (f->key, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, HB_STORE_KEY_BYTES);

  /* Random, not zeros. */
  gsize len = 0;
  g_autofree char *key = hb_test_read_file (f->key, &len);
  guint8 zeros[HB_STORE_KEY_BYTES] = { 0 };
  g_assert_cmpuint (len, ==, HB_STORE_KEY_BYTES);
  g_assert_true (memcmp (key, zeros, sizeof zeros) != 0);
  /* No leftovers from the create-then-link dance. */
  g_autofree char *dir = g_path_get_dirname (f->key);
  g_autoptr(GPtrArray) tmp = list_prefixed (dir, "store.key.new-");
  g_assert_cmpuint (tmp->len, ==, 0);
}

static void
test_key_file_readable_by_others_is_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbStore *store = open_ok (f);
  g_object_unref (store);

  g_assert_cmpint (g_chmod (f->key, 0640), ==, 0);
  store = hb_store_open (f->db, f->key, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (store);
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (f->key, 0604), ==, 0);
  store = hb_store_open (f->db, f->key, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (store);
}

static void
test_key_file_of_wrong_size_is_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->key);
  HbStore *store;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_file (f->key, "0123456789012345678901234567890", 31, 0600);
  store = hb_store_open (f->db, f->key, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (store);
  g_clear_error (&error);

  write_file (f->key, "012345678901234567890123456789012", 33, 0600);
  store = hb_store_open (f->db, f->key, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (store);
}

static void
test_lost_key_file_is_not_silently_replaced (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbStore *store = open_ok (f);
  g_object_unref (store);

  /* The key file vanishes: a new one would be created, but it cannot open what the
   * database already holds, so the store refuses to open. */
  g_assert_cmpint (g_unlink (f->key), ==, 0);
  store = hb_store_open (f->db, f->key, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (store);
}

static void
test_seal_binds_associated_data (Fixture *f, gconstpointer data)
{
  g_autoptr(HbStore) store = open_ok (f);
  g_autoptr(GError) error = NULL;
  const char *plain = "{\"id_number\":\"310104198506151237\"}";
  gsize len = 0, out_len = 0;

  g_autoptr(GBytes) sealed = hb_store_seal (store, "key-1", plain, strlen (plain), &error);
  g_assert_no_error (error);
  const guint8 *blob = g_bytes_get_data (sealed, &len);
  g_assert_cmpuint (len, ==, strlen (plain) + HB_STORE_SEAL_OVERHEAD);
  g_assert_null (memmem (blob, len, "310104198506151237", 18));

  g_autofree char *back = hb_store_unseal (store, "key-1", blob, len, &out_len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back, ==, plain);
  g_assert_cmpuint (out_len, ==, strlen (plain));

  /* Another row's key, a flipped bit, a truncated blob: all refused. */
  char *wrong = hb_store_unseal (store, "key-2", blob, len, NULL, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (wrong);
  g_clear_error (&error);

  g_autofree guint8 *flipped = g_memdup2 (blob, len);
  flipped[HB_STORE_SEAL_OVERHEAD] ^= 0x01;
  wrong = hb_store_unseal (store, "key-1", flipped, len, NULL, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (wrong);
  g_clear_error (&error);

  wrong = hb_store_unseal (store, "key-1", blob, HB_STORE_SEAL_OVERHEAD - 1, NULL, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (wrong);
  g_clear_error (&error);

  /* Two seals of the same text differ (fresh nonce each time). */
  g_autoptr(GBytes) again = hb_store_seal (store, "key-1", plain, strlen (plain), &error);
  g_assert_false (g_bytes_equal (sealed, again));
}

static void
test_second_connection_shares_the_key (Fixture *f, gconstpointer data)
{
  g_autoptr(HbStore) a = open_ok (f);
  g_autoptr(HbStore) b = open_ok (f);
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  g_autoptr(GBytes) sealed = hb_store_seal (a, "k", "{}", 2, &error);
  const void *blob = g_bytes_get_data (sealed, &len);
  g_autofree char *back = hb_store_unseal (b, "k", blob, len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back, ==, "{}");
}

static gpointer
open_in_thread (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  HbStore *store = hb_store_open (f->db, f->key, &error);
  if (store == NULL)
    g_printerr ("concurrent open: %s\n", error->message);
  return store;
}

static void
test_concurrent_first_open_agrees (Fixture *f, gconstpointer data)
{
  /* The main connection and the sync thread's may open a fresh install at the same time:
   * both must migrate safely and end up with the same key. */
  GThread *threads[4];
  HbStore *stores[4];
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("open", open_in_thread, f);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      stores[i] = g_thread_join (threads[i]);
      g_assert_nonnull (stores[i]);
      g_assert_cmpint (hb_store_get_schema_version (stores[i]), ==, HB_STORE_SCHEMA_VERSION);
    }
  g_autoptr(GBytes) sealed = hb_store_seal (stores[0], "k", "{}", 2, &error);
  const void *blob = g_bytes_get_data (sealed, &len);
  for (guint i = 1; i < G_N_ELEMENTS (stores); i++)
    {
      g_autofree char *back = hb_store_unseal (stores[i], "k", blob, len, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (back, ==, "{}");
    }
  for (guint i = 0; i < G_N_ELEMENTS (stores); i++)
    g_object_unref (stores[i]);
}

static gboolean
insert_then_fail (HbStore *store, gpointer user_data, GError **error)
{
  g_assert_true (hb_store_set_meta (store, "half", "done", NULL));
  g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, "changed my mind");
  return FALSE;
}

static gboolean
insert_ok (HbStore *store, gpointer user_data, GError **error)
{
  return hb_store_set_meta (store, "whole", "done", error);
}

static void
test_transaction_rolls_back_on_failure (Fixture *f, gconstpointer data)
{
  g_autoptr(HbStore) store = open_ok (f);
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_store_transaction (store, insert_then_fail, NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  g_autofree char *half = hb_store_dup_meta (store, "half");
  g_assert_null (half);
  g_assert_true (sqlite3_get_autocommit (hb_store_get_db (store)));
  g_clear_error (&error);

  g_assert_true (hb_store_transaction (store, insert_ok, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *whole = hb_store_dup_meta (store, "whole");
  g_assert_cmpstr (whole, ==, "done");
}

/* The last accepted /v1/keys document outlives the connection (a terminal starting
 * offline needs it), and is replaced whole. */
static void
test_keys_document_is_kept (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *doc1 = "{\"keys\":[],\"revoked\":{\"jti\":[\"J-1\"]}}";
  const char *doc2 = "{\"keys\":[]}";
  gsize len = 99;
  {
    g_autoptr(HbStore) store = open_ok (f);
    g_assert_null (hb_store_dup_keys_document (store, &len));
    g_assert_cmpuint (len, ==, 0);
    g_assert_true (hb_store_set_keys_document (store, doc1, strlen (doc1), &error));
    g_assert_no_error (error);
    g_assert_true (hb_store_set_keys_document (store, doc2, strlen (doc2), &error));
    g_assert_false (hb_store_set_keys_document (store, "{\0}", 3, &error));
    g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  }
  g_autoptr(HbStore) again = open_ok (f);
  g_autofree char *kept = hb_store_dup_keys_document (again, &len);
  g_assert_cmpstr (kept, ==, doc2);
  g_assert_cmpuint (len, ==, strlen (doc2));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/offline-cache/store/" path, Fixture, NULL, \
                                  fixture_setup, fn, fixture_teardown)
  ADD ("open-creates-the-schema-and-private-folders", test_open_creates_schema_and_private_dirs);
  ADD ("connection-uses-wal-and-synchronous-full", test_pragmas_wal_and_synchronous_full);
  ADD ("reopen-keeps-data-without-migrating-again", test_reopen_keeps_data_without_migrating_again);
  ADD ("newer-schema-is-refused-and-left-alone", test_newer_schema_is_refused_and_left_alone);
  ADD ("garbage-file-is-quarantined-and-rebuilt", test_garbage_file_is_quarantined_and_rebuilt);
  ADD ("damaged-page-is-quarantined-and-rebuilt", test_damaged_page_is_quarantined);
  ADD ("key-file-is-created-private-and-random", test_key_file_created_private);
  ADD ("key-file-readable-by-others-is-refused", test_key_file_readable_by_others_is_refused);
  ADD ("key-file-of-wrong-size-is-refused", test_key_file_of_wrong_size_is_refused);
  ADD ("lost-key-file-is-not-silently-replaced", test_lost_key_file_is_not_silently_replaced);
  ADD ("sealed-data-opens-only-with-its-associated-data", test_seal_binds_associated_data);
  ADD ("second-connection-shares-the-key", test_second_connection_shares_the_key);
  ADD ("concurrent-first-opens-agree-on-schema-and-key", test_concurrent_first_open_agrees);
  ADD ("failed-transaction-leaves-nothing-behind", test_transaction_rolls_back_on_failure);
  ADD ("keys-document-survives-reopen", test_keys_document_is_kept);
#undef ADD

  return g_test_run ();
}
