/* Tests for offline-cache/hb-store-salvage.c: a database damaged on disk is moved aside at
 * start, and the outbox items the platform has not confirmed come back into the fresh one
 * with their keys and sealed bodies intact; a damaged outbox costs its unreadable rows,
 * never the start of the terminal. */
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define BODY "{\"applicant\":{\"id_number\":\"310104199001011234\"},\"n\":%u}"

typedef struct {
  char *dir;
  char *db;
  char *key;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = hb_test_mkdtemp ("salvage");
  f->db = g_build_filename (f->dir, "haoban.db", NULL);
  f->key = g_build_filename (f->dir, "keys", "store.key", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->key);
}

/* Fills a fresh store with n items, marks item `sent` (1-based; 0: none) sent, closes it
 * (the WAL is checkpointed into the file). Returns the keys in order. */
static GPtrArray *
fill (Fixture *f, guint n, guint sent)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (f->db, f->key, &error);
  g_assert_no_error (error);
  g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *body = g_strdup_printf (BODY, i);
      char *key = hb_outbox_enqueue (outbox, "application", "/v1/applications", body, &error);
      g_assert_no_error (error);
      g_ptr_array_add (keys, key);
    }
  if (sent > 0)
    {
      g_autoptr(HbOutboxItem) item = hb_outbox_lookup (outbox, keys->pdata[sent - 1], &error);
      g_assert_no_error (error);
      g_assert_true (hb_outbox_mark_sent (outbox, item->id, "{\"case_number\":\"C1\"}", &error));
      g_assert_no_error (error);
    }
  return keys;
}

/* Root page of a table, read with a plain connection. */
static int
root_page (Fixture *f, const char *table, int *page_size)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int root = 0;

  g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage FROM sqlite_schema WHERE name = ?",
                                       -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  root = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_size", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  *page_size = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_cmpint (root, >, 1);
  return root;
}

/* Overwrites one page of the file with garbage, as a bad sector or a torn write would. */
static void
smash_page (Fixture *f, const char *table)
{
  int page_size = 0;
  int page = root_page (f, table, &page_size);
  g_autofree guint8 *junk = g_malloc (page_size);
  int fd = open (f->db, O_WRONLY);

  for (int i = 0; i < page_size; i++)
    junk[i] = (guint8) (0xa5 ^ (i * 31));
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, junk, page_size, (off_t) (page - 1) * page_size), ==, page_size);
  close (fd);
}

static void
test_pending_items_survive_a_damaged_catalog (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) keys = fill (f, 5, 2);
  g_autoptr(GError) error = NULL;
  guint salvaged = 0, unreadable = 0;

  smash_page (f, "catalog_service");
  g_autoptr(HbStore) store = hb_store_open (f->db, f->key, &error);
  g_assert_no_error (error);
  g_assert_true (hb_store_was_rebuilt (store));
  hb_store_get_salvage (store, &salvaged, &unreadable);
  g_assert_cmpuint (salvaged, ==, 4);
  g_assert_cmpuint (unreadable, ==, 0);

  /* Same keys, same bodies (the seal still opens: same key file), still pending, in order;
   * the one the platform had confirmed is not sent again. */
  g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
  gint64 last_id = 0;
  for (guint i = 1; i <= 5; i++)
    {
      g_autoptr(HbOutboxItem) item = hb_outbox_lookup (outbox, keys->pdata[i - 1], NULL);
      if (i == 2)
        {
          g_assert_null (item);
          continue;
        }
      g_assert_nonnull (item);
      g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
      g_autofree char *want = g_strdup_printf ("\"n\":%u", i);
      g_assert_nonnull (strstr (item->body, want));
      g_assert_cmpint (item->id, >, last_id);
      last_id = item->id;
    }
  g_autoptr(HbOutboxItem) due = hb_outbox_next_due (outbox, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (due->key, ==, keys->pdata[0]);
}

static void
test_damaged_outbox_costs_its_rows_never_the_start (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) keys = fill (f, 3, 0);
  g_autoptr(GError) error = NULL;
  guint salvaged = 0, unreadable = 0;

  smash_page (f, "outbox");
  g_autoptr(HbStore) store = hb_store_open (f->db, f->key, &error);
  g_assert_no_error (error);
  g_assert_true (hb_store_was_rebuilt (store));
  hb_store_get_salvage (store, &salvaged, &unreadable);
  g_assert_cmpuint (salvaged, ==, 0);
  /* The ids the platform had never confirmed are counted for staff. */
  g_assert_cmpuint (unreadable, ==, 3);

  /* The terminal carries on: a new submission is accepted. */
  g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
  g_autofree char *key = hb_outbox_enqueue (outbox, "application", "/v1/applications",
                                            "{\"n\":9}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
}

static void
test_healthy_database_is_not_touched (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) keys = fill (f, 2, 0);
  g_autoptr(GError) error = NULL;
  guint salvaged = 7, unreadable = 7;
  g_autoptr(HbStore) store = hb_store_open (f->db, f->key, &error);

  g_assert_no_error (error);
  g_assert_false (hb_store_was_rebuilt (store));
  hb_store_get_salvage (store, &salvaged, &unreadable);
  g_assert_cmpuint (salvaged, ==, 0);
  g_assert_cmpuint (unreadable, ==, 0);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) \
  g_test_add ("/offline-cache/store/salvage/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("pending-items-survive-a-damaged-catalog-with-their-keys-and-order",
       test_pending_items_survive_a_damaged_catalog);
  ADD ("damaged-outbox-costs-its-rows-never-the-start",
       test_damaged_outbox_costs_its_rows_never_the_start);
  ADD ("healthy-database-is-not-touched", test_healthy_database_is_not_touched);
#undef ADD
  return g_test_run ();
}
