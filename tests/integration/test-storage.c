/* test-storage.c — a whole terminal whose disk lets it down: a database damaged while the
 * terminal was off is moved aside at start, the catalog comes back from the platform and
 * the application that was still queued is delivered exactly once; a disk with too little
 * room refuses new applications plainly, says so to staff, and takes them again once
 * there is room. */
#include "visit-fixture.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

/* Overwrites the root page of a table of the (closed) database with garbage. */
static void
smash_table (const char *db_path, const char *table)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int root = 0, page_size = 0;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage FROM sqlite_schema WHERE name = ?",
                                       -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  root = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_size", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  page_size = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);

  g_autofree guint8 *junk = g_malloc (page_size);
  for (int i = 0; i < page_size; i++)
    junk[i] = (guint8) (0x5a ^ (i * 17));
  int fd = open (db_path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, junk, page_size, (off_t) (root - 1) * page_size), ==, page_size);
  close (fd);
}

static gboolean
catalog_back (gpointer data)
{
  Visit *v = data;
  return hb_catalog_count (hb_core_get_catalog (v->core)) > 0;
}

static JsonObject *
attention (Visit *v)
{
  g_autoptr(JsonNode) status = hb_core_describe (v->core);
  return json_object_ref (json_object_get_object_member (json_node_get_object (status),
                                                         "attention"));
}

static void
test_damaged_database_is_rebuilt_and_loses_nothing (Visit *v, gconstpointer data)
{
  g_autofree char *key = NULL;
  g_autofree char *db_path = g_build_filename (v->dir, "haoban.db", NULL);

  /* An application queued while the platform is away … */
  visit_fault (v, "{\"status\":503}");
  visit_identify_and_fill (v, 1);
  const HbSubmission *s = visit_submit (v);
  g_assert_true (s->queued);
  key = g_strdup (s->idempotency_key);
  visit_rate_and_finish (v, 5);
  hb_core_stop (v->core);
  g_clear_object (&v->core);

  /* … then the disk damages the catalog while the terminal is off. */
  smash_table (db_path, "catalog_service");
  visit_fault (v, "{}");
  v->core = hb_core_new (v->config);
  g_signal_connect (v->core, "identify-failed", G_CALLBACK (on_identify_failed), v);
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_core_start (v->core, &error));
  g_assert_no_error (error);

  /* The catalog comes back from the platform; the queued application (and the rating)
   * reach it exactly once; staff see that the database was rebuilt. */
  g_assert_true (hb_test_wait_until (catalog_back, v, 20000));
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 1, 20000));
  g_assert_true (visit_wait_platform (v, "/_sim/ratings", 1, 20000));
  hb_test_spin (1500);   /* a second delivery would show up now */
  g_autoptr(JsonArray) apps = visit_platform_list (v, "/_sim/applications");
  g_assert_cmpuint (json_array_get_length (apps), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (apps, 0),
                                                  "idempotency_key"), ==, key);
  g_autoptr(JsonObject) a = attention (v);
  JsonObject *rebuilt = json_object_get_object_member (a, "store_rebuilt");
  g_assert_nonnull (rebuilt);
  g_assert_cmpint (json_object_get_int_member (rebuilt, "salvaged"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (rebuilt, "unreadable"), ==, 0);

  /* The damaged file is kept for a technician, not deleted. */
  g_autoptr(GDir) dir = g_dir_open (v->dir, 0, NULL);
  gboolean kept = FALSE;
  for (const char *n; (n = g_dir_read_name (dir)) != NULL;)
    kept |= g_str_has_prefix (n, "haoban.db.corrupt-");
  g_assert_true (kept);
}

static void
test_low_disk_refuses_new_applications_plainly (Visit *v, gconstpointer data)
{
  /* More room demanded than any test machine has: as good as a full disk. */
  visit_config_set (v, "store", "min_free_mb", "102400");
  visit_identify_and_fill (v, 1);
  visit_reset_async (v);
  hb_core_submit_async (v->core, NULL, submitted_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 30000));
  g_assert_error (v->error, HB_CORE_ERROR, HB_CORE_ERROR_STORAGE_FULL);
  g_clear_error (&v->error);

  /* Nothing was queued or sent; the visit can still go on; staff see it. */
  HbOutboxStats stats;
  g_assert_true (hb_outbox_get_stats (hb_core_get_outbox (v->core),
                                      g_get_real_time () / G_USEC_PER_SEC, &stats, NULL));
  g_assert_cmpuint (stats.pending, ==, 0);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 0);
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (v->core)), ==,
                   HB_SESSION_IN_SERVICE);
  {
    g_autoptr(JsonObject) a = attention (v);
    g_assert_true (json_object_get_boolean_member (a, "storage_full"));
  }

  /* Room again: the same form goes through. */
  visit_config_set (v, "store", "min_free_mb", "1");
  visit_submit (v);
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 1, 20000));
  g_autoptr(JsonObject) a = attention (v);
  g_assert_false (json_object_get_boolean_member (a, "storage_full"));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add ("/integration/storage/damaged-database-is-rebuilt-and-loses-nothing", Visit, NULL,
              visit_setup, test_damaged_database_is_rebuilt_and_loses_nothing, visit_teardown);
  g_test_add ("/integration/storage/low-disk-refuses-new-applications-plainly", Visit, NULL,
              visit_setup, test_low_disk_refuses_new_applications_plainly, visit_teardown);
  return g_test_run ();
}
