/* test-outbox.c — offline-cache/hb-outbox.c: durable queue, order, states, encryption at rest. */
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/outbox-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define ID_NUMBER "310104198506151237"

static const char body_a[] =
  "{\"service_code\":\"310000-GA-JZZ-0003\",\"applicant\":{\"id_type\":\"resident\","
  "\"id_number\":\"" ID_NUMBER "\",\"name\":\"张三\"},\"form\":{\"phone\":\"13800138000\"}}";

typedef struct {
  char     *dir;
  char     *db;
  char     *key;
  HbStore  *store;
  HbOutbox *outbox;
} Fixture;

static void
fixture_open (Fixture *f)
{
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->outbox = hb_outbox_new (f->store);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->outbox);
  g_clear_object (&f->store);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("outbox", &f->dir, &f->db, &f->key);
  fixture_open (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fixture_close (f);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
}

static char *
enqueue_ok (Fixture *f, const char *kind, const char *path, const char *body)
{
  return outbox_fixture_enqueue (f->outbox, kind, path, body);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
exec_sql (HbStore *store, const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

/* --- tests ----------------------------------------------------------------------------- */

static void
test_enqueue_stores_a_pending_item (Fixture *f, gconstpointer data)
{
  gint64 before = now_s ();
  g_autofree char *key = enqueue_ok (f, "application", "/v1/applications", body_a);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);

  /* A UUIDv4. */
  g_assert_true (g_uuid_string_is_valid (key));
  g_assert_cmpint (key[14], ==, '4');

  g_assert_cmpstr (item->key, ==, key);
  g_assert_cmpstr (item->kind, ==, "application");
  g_assert_cmpstr (item->path, ==, "/v1/applications");
  /* The key went into the body too, in front of the caller's members. */
  g_autofree char *expected = g_strdup_printf ("{\"idempotency_key\":\"%s\",%s", key, body_a + 1);
  g_assert_cmpstr (item->body, ==, expected);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
  g_assert_cmpstr (hb_outbox_state_to_string (item->state), ==, "pending");
  g_assert_cmpuint (item->attempts, ==, 0);
  g_assert_cmpint (item->created_at, >=, before);
  g_assert_cmpint (item->created_at, <=, now_s ());
  g_assert_null (item->last_error);
  g_assert_null (item->response);

  /* Two enqueues, two keys. */
  g_autofree char *other = enqueue_ok (f, "application", "/v1/applications", body_a);
  g_assert_cmpstr (other, !=, key);
}

static void
test_enqueue_adds_the_key_to_the_body (Fixture *f, gconstpointer data)
{
  const char *bodies[] = { "{}", " { } ", "{\"a\":[1,{\"b\":null}]}", "\n{\n\"a\": \"}\"\n}\n" };
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = enqueue_ok (f, "application", "/v1/applications", bodies[i]);
      g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
      g_autoptr(JsonNode) sent = json_from_string (item->body, &error);
      g_autoptr(JsonNode) given = json_from_string (bodies[i], NULL);
      g_assert_no_error (error);
      JsonObject *o = json_node_get_object (sent);
      g_assert_cmpstr (json_object_get_string_member (o, "idempotency_key"), ==, key);
      /* Everything else as given. */
      json_object_remove_member (o, "idempotency_key");
      g_assert_true (json_node_equal (sent, given));
    }
}

static void
test_enqueue_survives_reopen (Fixture *f, gconstpointer data)
{
  g_autofree char *key = enqueue_ok (f, "rating", "/v1/ratings", "{\"level\":5}");
  fixture_close (f);
  fixture_open (f);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_autofree char *expected = g_strdup_printf ("{\"idempotency_key\":\"%s\",\"level\":5}", key);
  g_assert_cmpstr (item->body, ==, expected);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
}

static void
test_existing_key_is_not_enqueued_twice (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *key = "b7d7c0a2-4f8e-4d7b-9d61-5a3f4c1e2d10";
  HbOutboxStats stats;

  g_assert_true (hb_outbox_enqueue_with_key (f->outbox, key, "application", "/v1/applications",
                                             "{\"first\":true}", &error));
  g_assert_no_error (error);
  g_assert_true (hb_outbox_enqueue_with_key (f->outbox, key, "application", "/v1/applications",
                                             "{\"second\":true}", &error));
  g_assert_no_error (error);

  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpstr (item->body, ==, "{\"first\":true}");
  g_assert_true (hb_outbox_get_stats (f->outbox, now_s (), &stats, &error));
  g_assert_cmpuint (stats.pending, ==, 1);
}

static void
test_invalid_items_are_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *big = g_malloc (HB_OUTBOX_BODY_MAX + 3);
  struct { const char *key, *kind, *path, *body; } bad[] = {
    { "k1", "application", "/v1/applications", "not json" },
    { "k2", "application", "/v1/applications", "[1,2]" },
    { "k3", "application", "/v1/applications", "{" },
    { "k4", "application", "/v1/applications", "\xff{}" },
    { "k5", "application", "/v2/applications", "{}" },
    { "k6", "application", "/v1/../_sim/reset", "{}" },
    { "k7", "application", "http://evil/v1/x", "{}" },
    { "k8", "application", "/v1/applications?x=1", "{}" },
    { "k9", "", "/v1/applications", "{}" },
    { "k10", "app lication", "/v1/applications", "{}" },
    { "", "application", "/v1/applications", "{}" },
    { "key\r\nInjected: 1", "application", "/v1/applications", "{}" },
    { "k11", "application", "/v1/applications", big },
  };
  HbOutboxStats stats;

  big[0] = '{';
  memset (big + 1, ' ', HB_OUTBOX_BODY_MAX + 1);
  big[HB_OUTBOX_BODY_MAX + 1] = '}';
  big[HB_OUTBOX_BODY_MAX + 2] = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_test_message ("bad item %u", i);
      g_assert_false (hb_outbox_enqueue_with_key (f->outbox, bad[i].key, bad[i].kind,
                                                  bad[i].path, bad[i].body, &error));
      g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
      /* The message never quotes the body. */
      if (strlen (bad[i].body) > 3)
        g_assert_null (strstr (error->message, bad[i].body));
    }
  g_assert_true (hb_outbox_get_stats (f->outbox, now_s (), &stats, NULL));
  g_assert_cmpuint (stats.pending, ==, 0);
}

static void
test_items_flow_through_their_states (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = now_s ();
  g_autofree char *a1 = enqueue_ok (f, "application", "/v1/applications", "{\"n\":1}");
  g_autofree char *a2 = enqueue_ok (f, "application", "/v1/applications", "{\"n\":2}");
  g_autofree char *r1 = enqueue_ok (f, "rating", "/v1/ratings", "{\"level\":4}");
  HbOutboxItem *item;

  /* Oldest first. */
  item = hb_outbox_next_due (f->outbox, now, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, a1);
  gint64 a1_id = item->id;
  g_assert_true (hb_outbox_mark_retry (f->outbox, a1_id, now + 100, "http 503", &error));
  g_assert_no_error (error);
  hb_outbox_item_free (item);

  /* a1 waits; a2 waits behind it (one kind stays in order); the rating is not held up. */
  item = hb_outbox_next_due (f->outbox, now, &error);
  g_assert_cmpstr (item->key, ==, r1);
  g_assert_cmpint (hb_outbox_next_due_time (f->outbox), <=, now);
  g_assert_true (hb_outbox_mark_sent (f->outbox, item->id, "{\"rating_id\":\"R1\"}", &error));
  g_assert_no_error (error);
  hb_outbox_item_free (item);

  item = hb_outbox_next_due (f->outbox, now, &error);
  g_assert_no_error (error);
  g_assert_null (item);
  g_assert_cmpint (hb_outbox_next_due_time (f->outbox), ==, now + 100);

  /* When a1 is due again it comes back with its history. */
  item = hb_outbox_next_due (f->outbox, now + 100, &error);
  g_assert_cmpstr (item->key, ==, a1);
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpstr (item->last_error, ==, "http 503");
  g_assert_cmpint (item->next_try_at, ==, now + 100);
  g_assert_true (hb_outbox_mark_sent (f->outbox, item->id,
                                      "{\"case_number\":\"SH1\",\"status\":\"accepted\"}", &error));
  hb_outbox_item_free (item);

  HbOutboxItem *sent = outbox_fixture_lookup (f->outbox, a1, TRUE);
  g_assert_cmpint (sent->state, ==, HB_OUTBOX_SENT);
  g_assert_null (sent->body);     /* dropped once sent */
  g_assert_cmpstr (sent->response, ==, "{\"case_number\":\"SH1\",\"status\":\"accepted\"}");
  g_assert_null (sent->last_error);
  hb_outbox_item_free (sent);

  /* a2 is rejected for good: dead, body kept for staff, never due again. */
  item = hb_outbox_next_due (f->outbox, now, &error);
  g_assert_cmpstr (item->key, ==, a2);
  g_assert_true (hb_outbox_mark_dead (f->outbox, item->id, "http 422 idempotency-key-reused", &error));
  hb_outbox_item_free (item);
  HbOutboxItem *dead = outbox_fixture_lookup (f->outbox, a2, TRUE);
  g_assert_cmpint (dead->state, ==, HB_OUTBOX_DEAD);
  g_assert_nonnull (strstr (dead->body, "\"n\":2}"));
  g_assert_cmpstr (dead->last_error, ==, "http 422 idempotency-key-reused");
  g_assert_cmpuint (dead->attempts, ==, 0);
  hb_outbox_item_free (dead);

  g_assert_null (hb_outbox_next_due (f->outbox, G_MAXINT64, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hb_outbox_next_due_time (f->outbox), ==, G_MAXINT64);

  /* Only pending items change state. */
  g_assert_false (hb_outbox_mark_sent (f->outbox, a1_id, NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hb_outbox_mark_retry (f->outbox, 9999, now, "x", &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
}

static void
test_stats_and_purge (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbOutboxStats stats;
  gint64 now = now_s ();
  guint purged = 0;

  g_assert_true (hb_outbox_get_stats (f->outbox, now, &stats, &error));
  g_assert_cmpuint (stats.pending + stats.sent + stats.dead, ==, 0);
  g_assert_cmpint (stats.oldest_pending_age, ==, 0);

  g_autofree char *k1 = enqueue_ok (f, "application", "/v1/applications", "{}");
  g_autofree char *k2 = enqueue_ok (f, "rating", "/v1/ratings", "{}");
  g_autofree char *k3 = enqueue_ok (f, "report", "/v1/reports", "{}");
  g_autofree char *k4 = enqueue_ok (f, "help", "/v1/help", "{}");
  exec_sql (f->store, "UPDATE outbox SET created_at = created_at - 600 WHERE id = 1");
  g_autoptr(HbOutboxItem) i2 = outbox_fixture_lookup (f->outbox, k2, TRUE);
  g_autoptr(HbOutboxItem) i3 = outbox_fixture_lookup (f->outbox, k3, TRUE);
  g_assert_true (hb_outbox_mark_sent (f->outbox, i2->id, NULL, &error));
  g_assert_true (hb_outbox_mark_dead (f->outbox, i3->id, "http 400", &error));

  g_assert_true (hb_outbox_get_stats (f->outbox, now, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pending, ==, 2);
  g_assert_cmpuint (stats.sent, ==, 1);
  g_assert_cmpuint (stats.dead, ==, 1);
  g_assert_cmpint (stats.oldest_pending_age, >=, 600);
  g_assert_cmpint (stats.oldest_pending_age, <=, 602);

  /* Sent rows go after the retention period; nothing else does. */
  g_assert_true (hb_outbox_purge_sent (f->outbox, now - HB_OUTBOX_SENT_RETENTION_S, &purged, &error));
  g_assert_cmpuint (purged, ==, 0);
  g_assert_true (hb_outbox_purge_sent (f->outbox, now + 10, &purged, &error));
  g_assert_cmpuint (purged, ==, 1);
  g_assert_true (hb_outbox_get_stats (f->outbox, now, &stats, &error));
  g_assert_cmpuint (stats.pending, ==, 2);
  g_assert_cmpuint (stats.sent, ==, 0);
  g_assert_cmpuint (stats.dead, ==, 1);
}

/* Whether any of the database files contains needle. */
static gboolean
files_contain (Fixture *f, const char *needle)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->db, suffixes[i], NULL);
      gsize len = 0;
      g_autofree char *content = hb_test_read_file (path, &len);
      if (content && memmem (content, len, needle, strlen (needle)) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_body_is_encrypted_at_rest (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = enqueue_ok (f, "application", "/v1/applications", body_a);

  /* In the WAL right after the commit… */
  g_assert_false (files_contain (f, ID_NUMBER));
  g_assert_false (files_contain (f, "13800138000"));
  g_assert_false (files_contain (f, "张三"));
  /* …and in the main file after a checkpoint. */
  exec_sql (f->store, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_assert_false (files_contain (f, ID_NUMBER));
  g_assert_false (files_contain (f, "13800138000"));
  /* The test can fail: the key itself is stored in clear. */
  g_assert_true (files_contain (f, key));

  /* Still readable through the outbox. */
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_nonnull (strstr (item->body, ID_NUMBER));

  /* Once sent, the body is gone from the row. */
  g_assert_true (hb_outbox_mark_sent (f->outbox, item->id, "{}", &error));
  g_assert_no_error (error);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (hb_store_get_db (f->store),
                                       "SELECT body IS NULL FROM outbox", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
}

/* Flips one bit at offset of row id's stored body. */
static void
tamper_body (Fixture *f, gint64 id, int offset)
{
  sqlite3 *db = hb_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  g_autofree guint8 *blob = NULL;
  int len;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT body FROM outbox WHERE id = ?1", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  len = sqlite3_column_bytes (stmt, 0);
  g_assert_cmpint (len, >, offset);
  blob = g_memdup2 (sqlite3_column_blob (stmt, 0), (gsize) len);
  sqlite3_finalize (stmt);
  blob[offset] ^= 0x01;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE outbox SET body = ?2 WHERE id = ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_blob (stmt, 2, blob, len, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

static void
test_tampered_body_is_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *k1 = enqueue_ok (f, "application", "/v1/applications", body_a);
  g_autofree char *k2 = enqueue_ok (f, "application", "/v1/applications", "{\"n\":2}");
  HbOutboxItem *item;
  HbOutboxStats stats;

  /* Flip one ciphertext bit of the first row. */
  tamper_body (f, 1, 20);
  item = hb_outbox_lookup (f->outbox, k1, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (item);
  g_assert_null (strstr (error->message, ID_NUMBER));
  g_clear_error (&error);

  /* The sync loop's view: the broken item goes dead (kept), the queue moves on. */
  item = hb_outbox_next_due (f->outbox, G_MAXINT64, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (item);
  g_clear_error (&error);
  item = hb_outbox_next_due (f->outbox, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, k2);
  hb_outbox_item_free (item);
  g_assert_true (hb_outbox_get_stats (f->outbox, now_s (), &stats, &error));
  g_assert_cmpuint (stats.dead, ==, 1);
  g_assert_cmpuint (stats.pending, ==, 1);
}

static void
test_swapped_bodies_are_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *k1 = enqueue_ok (f, "application", "/v1/applications", body_a);
  g_autofree char *k2 = enqueue_ok (f, "application", "/v1/applications", "{\"n\":2}");

  /* Valid ciphertext, wrong row: the idempotency key is bound as associated data. */
  exec_sql (f->store, "UPDATE outbox SET body = (SELECT body FROM outbox WHERE id = 1) WHERE id = 2");
  HbOutboxItem *item = hb_outbox_lookup (f->outbox, k2, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (item);
}

static void
test_other_key_file_cannot_read (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *k1 = enqueue_ok (f, "application", "/v1/applications", body_a);
  g_autofree char *other_key = g_build_filename (f->dir, "other.key", NULL);
  fixture_close (f);

  /* A wrong (or re-created) key file is refused at open, before anything goes dead. */
  HbStore *wrong = hb_store_open (f->db, other_key, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO);
  g_assert_null (wrong);

  /* With the right key everything is still there. */
  fixture_open (f);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, k1, TRUE);
  g_assert_nonnull (strstr (item->body, ID_NUMBER));
}

static void
test_unknown_key_is_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbOutboxItem *item = hb_outbox_lookup (f->outbox, "no-such-key", &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_assert_null (item);
}

static void
test_long_last_error_is_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = enqueue_ok (f, "application", "/v1/applications", "{}");
  g_autoptr(GString) longer = g_string_new (NULL);
  for (int i = 0; i < 200; i++)
    g_string_append (longer, "错");
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_true (hb_outbox_mark_retry (f->outbox, item->id, 0, longer->str, &error));
  g_autoptr(HbOutboxItem) again = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpuint (strlen (again->last_error), <=, 256);
  g_assert_cmpuint (strlen (again->last_error), >, 200);
  g_assert_true (g_utf8_validate (again->last_error, -1, NULL));
}

static gint64
in_visit (Fixture *f, const char *key, const char *visit, const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = g_strdup_printf ("{\"idempotency_key\":\"%s\"}", key);
  g_assert_true (hb_outbox_enqueue_in_visit (f->outbox, key, visit, kind, "/v1/x", body, &error));
  g_assert_no_error (error);
  g_autoptr(HbOutboxItem) item = hb_outbox_lookup (f->outbox, key, &error);
  g_assert_no_error (error);
  return item->id;
}

static char *
next_due_key (Fixture *f, gint64 now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbOutboxItem) item = hb_outbox_next_due (f->outbox, now, &error);
  g_assert_no_error (error);
  return item ? g_strdup (item->key) : NULL;
}

static void
test_items_of_a_visit_go_out_in_order (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 app = in_visit (f, "app-1", "app-1", "application");
  in_visit (f, "rating-1", "app-1", "rating");
  in_visit (f, "rating-2", "app-2", "rating");   /* another visit's */

  /* The application waits for a retry: its own visit's rating waits with it, another
   * visit's rating does not. */
  g_autofree char *first = next_due_key (f, now);
  g_assert_cmpstr (first, ==, "app-1");
  g_assert_true (hb_outbox_mark_retry (f->outbox, app, now + 600, "http 503", &error));
  g_assert_no_error (error);
  g_autofree char *second = next_due_key (f, now);
  g_assert_cmpstr (second, ==, "rating-2");
  g_autoptr(HbOutboxItem) r2 = hb_outbox_lookup (f->outbox, "rating-2", NULL);
  g_assert_true (hb_outbox_mark_sent (f->outbox, r2->id, "{}", &error));
  g_autofree char *none = next_due_key (f, now);
  g_assert_null (none);

  /* Parked for staff: still ahead of its visit's rating. */
  g_assert_true (hb_outbox_park (f->outbox, "app-1", "staff", &error));
  g_assert_no_error (error);
  g_autofree char *still_none = next_due_key (f, now + 3600);
  g_assert_null (still_none);

  /* Back in the queue and delivered: then the rating follows. */
  g_assert_true (hb_outbox_unpark (f->outbox, "app-1", &error));
  g_autofree char *again = next_due_key (f, now + 3600);
  g_assert_cmpstr (again, ==, "app-1");
  g_assert_true (hb_outbox_mark_sent (f->outbox, app, "{}", &error));
  g_autofree char *last = next_due_key (f, now + 3600);
  g_assert_cmpstr (last, ==, "rating-1");
}

/* 一件事: several applications are saved together or not at all. */
static void
test_a_batch_is_saved_whole_or_not_at_all (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const HbOutboxEntry good[] = {
    { "m-1", "application", "/v1/applications", "{\"idempotency_key\":\"m-1\"}" },
    { "m-2", "application", "/v1/applications", "{\"idempotency_key\":\"m-2\"}" },
    { "m-3", "application", "/v1/applications", "{\"idempotency_key\":\"m-3\"}" },
  };
  const HbOutboxEntry bad[] = {
    { "n-1", "application", "/v1/applications", "{\"idempotency_key\":\"n-1\"}" },
    { "n-2", "application", "/v1/applications", "not json" },
  };

  g_assert_false (hb_outbox_enqueue_batch (f->outbox, "n-1", bad, G_N_ELEMENTS (bad), &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_autoptr(HbOutboxItem) n1 = hb_outbox_lookup (f->outbox, "n-1", NULL);
  g_assert_null (n1);

  /* A constraint failing half-way (a row of another table in the way) rolls it all back. */
  exec_sql (f->store, "CREATE TRIGGER refuse_m3 BEFORE INSERT ON outbox "
                      "WHEN NEW.idempotency_key = 'm-3' BEGIN SELECT RAISE(ABORT, 'no'); END");
  g_assert_false (hb_outbox_enqueue_batch (f->outbox, "m-1", good, G_N_ELEMENTS (good), &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_autoptr(HbOutboxItem) m1_none = hb_outbox_lookup (f->outbox, "m-1", NULL);
  g_assert_null (m1_none);
  exec_sql (f->store, "DROP TRIGGER refuse_m3");

  g_assert_true (hb_outbox_enqueue_batch (f->outbox, "m-1", good, G_N_ELEMENTS (good), &error));
  g_assert_no_error (error);
  /* In order, one at a time: the visit's later items wait for the earlier ones. */
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *key = next_due_key (f, now);
      g_autoptr(HbOutboxItem) item = hb_outbox_lookup (f->outbox, good[i].key, NULL);
      g_assert_cmpstr (key, ==, good[i].key);
      g_assert_true (hb_outbox_mark_sent (f->outbox, item->id, "{}", &error));
      g_assert_no_error (error);
    }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/offline-cache/outbox/" path, Fixture, NULL, \
                                  fixture_setup, fn, fixture_teardown)
  ADD ("enqueue-stores-a-pending-item-with-a-uuid4-key", test_enqueue_stores_a_pending_item);
  ADD ("enqueue-adds-the-key-to-the-body", test_enqueue_adds_the_key_to_the_body);
  ADD ("enqueued-item-survives-a-reopen", test_enqueue_survives_reopen);
  ADD ("existing-key-is-not-enqueued-twice", test_existing_key_is_not_enqueued_twice);
  ADD ("invalid-items-are-refused", test_invalid_items_are_refused);
  ADD ("items-flow-pending-retry-sent-dead-in-order", test_items_flow_through_their_states);
  ADD ("stats-count-states-and-purge-drops-old-sent-rows", test_stats_and_purge);
  ADD ("body-is-encrypted-at-rest-and-dropped-once-sent", test_body_is_encrypted_at_rest);
  ADD ("tampered-body-fails-with-crypto-error", test_tampered_body_is_refused);
  ADD ("body-moved-to-another-row-fails-with-crypto-error", test_swapped_bodies_are_refused);
  ADD ("another-key-file-is-refused-at-open", test_other_key_file_cannot_read);
  ADD ("unknown-key-is-not-found", test_unknown_key_is_not_found);
  ADD ("long-last-error-is-bounded", test_long_last_error_is_bounded);
  ADD ("items-of-a-visit-go-out-in-order-across-kinds-also-past-a-parked-one",
       test_items_of_a_visit_go_out_in_order);
  ADD ("a-batch-is-saved-whole-or-not-at-all", test_a_batch_is_saved_whole_or_not_at_all);
#undef ADD

  return g_test_run ();
}
