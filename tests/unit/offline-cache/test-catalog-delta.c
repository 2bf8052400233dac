/* test-catalog-delta.c — catalog deltas (offline-cache/hb-catalog-delta.c, the delta path of
 * hb-sync.c) against the real haoban-platform-sim: a delta gives exactly the catalog a full
 * pull gives, applies in one transaction, and falls back to a full pull when it does not fit. */
#include "offline-cache/hb-catalog-delta-private.h"
#include "offline-cache/hb-store-private.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/sync-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define WAIT_MS 20000

typedef struct {
  char      *dir;
  HbTestSim *sim;
  JsonNode  *v1;          /* data/catalog.json as the sim serves it first */
} Fixture;

/* One terminal: its store, catalog and sync. */
typedef struct {
  char      *db;
  char      *key;
  HbStore   *store;
  HbCatalog *catalog;
  HbSync    *sync;
  GPtrArray *versions;
} Terminal;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *text = NULL;

  f->dir = hb_test_mkdtemp ("catalog-delta");
  f->sim = sync_fixture_start_sim (NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  f->v1 = json_from_string (text, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->sim, hb_test_sim_free);
  g_clear_pointer (&f->v1, json_node_unref);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
}

static void
on_catalog_updated (HbSync *sync, const char *version, Terminal *t)
{
  g_ptr_array_add (t->versions, g_strdup (version));
}

static Terminal *
terminal_new (Fixture *f, const char *name)
{
  Terminal *t = g_new0 (Terminal, 1);
  t->db = g_strdup_printf ("%s/%s.db", f->dir, name);
  t->key = g_build_filename (f->dir, "store.key", NULL);
  t->store = outbox_fixture_open_store (t->db, t->key);
  t->catalog = hb_catalog_new (t->store);
  t->versions = g_ptr_array_new_with_free_func (g_free);
  return t;
}

static void
terminal_free (Terminal *t)
{
  sync_fixture_stop (&t->sync);
  g_clear_object (&t->catalog);
  g_clear_object (&t->store);
  g_ptr_array_unref (t->versions);
  g_free (t->db);
  g_free (t->key);
  g_free (t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Terminal, terminal_free)

static gboolean
has_versions (gpointer data)
{
  Terminal *t = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  return t->versions->len >= n;
}

/* Waits for the n-th "catalog-updated" of t. */
static void
wait_versions (Terminal *t, guint n)
{
  gpointer d[2] = { t, GUINT_TO_POINTER (n) };
  g_assert_true (hb_test_wait_until (has_versions, d, WAIT_MS));
}

static void
terminal_sync (Fixture *f, Terminal *t)
{
  HbSyncOptions o = sync_fixture_options (t->db, t->key, f->sim);
  o.retry_base_ms = 50;
  o.retry_cap_ms = 500;
  o.heartbeat_interval_s = 3600;
  t->sync = hb_sync_new (&o);
  g_signal_connect (t->sync, "catalog-updated", G_CALLBACK (on_catalog_updated), t);
  sync_fixture_start (t->sync);
}

/* Another pull now (as staff "sync now" does). */
static void
terminal_pull (Terminal *t)
{
  hb_sync_request_catalog (t->sync);
  hb_sync_kick (t->sync);
}

static void
publish (Fixture *f, JsonNode *doc)
{
  g_autofree char *text = json_to_string (doc, FALSE);
  sync_fixture_sim_post (f->sim, "/_sim/catalog", text);
}

static JsonArray *
services_of (JsonNode *doc)
{
  return json_object_get_array_member (json_node_get_object (doc), "services");
}

static JsonObject *
service_object (const char *code, const char *name, const char *summary)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "code", code);
  json_object_set_string_member (o, "name", name);
  json_object_set_string_member (o, "summary", summary);
  return o;
}

/* v1 with one service changed, one removed and one added. */
static JsonNode *
make_v2 (Fixture *f)
{
  g_autofree char *text = json_to_string (f->v1, FALSE);
  JsonNode *v2 = json_from_string (text, NULL);   /* a deep copy */
  JsonObject *root = json_node_get_object (v2);
  JsonArray *s = services_of (v2);
  json_object_set_string_member (root, "version", "2026.11.28-1");
  json_object_set_string_member (json_array_get_object_element (s, 0), "summary",
                                 "居住证签注，今年起可在自助终端办理");
  json_array_remove_element (s, 2);
  json_array_add_object_element (s, service_object ("310000-GA-HZ-0009", "户籍证明开具",
                                                    "户籍证明"));
  return v2;
}

/* Both catalogs hold the same services, in the same order, with the same stored JSON, and
 * answer searches alike. */
static void
assert_same_catalog (Terminal *a, Terminal *b)
{
  g_autoptr(GPtrArray) la = hb_catalog_list (a->catalog);
  g_autoptr(GPtrArray) lb = hb_catalog_list (b->catalog);
  g_autofree char *va = hb_catalog_dup_version (a->catalog);
  g_autofree char *vb = hb_catalog_dup_version (b->catalog);
  static const char *const queries[] = { "证", "居住", "居住证", "户籍证明", "查询打印", "jzz" };

  g_assert_cmpstr (va, ==, vb);
  g_assert_cmpuint (la->len, ==, lb->len);
  for (guint i = 0; i < la->len; i++)
    {
      HbCatalogEntry *ea = la->pdata[i], *eb = lb->pdata[i];
      g_autofree char *ja = hb_catalog_dup_service_json (a->catalog, ea->code, NULL);
      g_autofree char *jb = hb_catalog_dup_service_json (b->catalog, eb->code, NULL);
      g_assert_cmpstr (ea->code, ==, eb->code);
      g_assert_cmpstr (ea->name, ==, eb->name);
      g_assert_cmpstr (ea->summary, ==, eb->summary);
      g_assert_cmpstr (ja, ==, jb);
    }
  for (gsize q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) ra = hb_catalog_search (a->catalog, queries[q], &error);
      g_assert_no_error (error);
      g_autoptr(GPtrArray) rb = hb_catalog_search (b->catalog, queries[q], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ra->len, ==, rb->len);
      for (guint i = 0; i < ra->len; i++)
        g_assert_cmpstr (((HbCatalogEntry *) ra->pdata[i])->code, ==,
                         ((HbCatalogEntry *) rb->pdata[i])->code);
    }
}

static void
test_delta_gives_the_same_catalog_as_a_full_pull (Fixture *f, gconstpointer data)
{
  g_autoptr(Terminal) a = terminal_new (f, "a");
  g_autoptr(Terminal) b = terminal_new (f, "b");
  g_autoptr(JsonNode) v2 = make_v2 (f);

  terminal_sync (f, a);
  wait_versions (a, 1);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_deltas"), ==, 0);

  publish (f, v2);
  terminal_pull (a);
  wait_versions (a, 2);
  g_assert_cmpstr (a->versions->pdata[1], ==, "2026.11.28-1");
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_deltas"), ==, 1);
  g_assert_cmpuint (hb_catalog_count (a->catalog), ==, json_array_get_length (services_of (v2)));

  terminal_sync (f, b);   /* a fresh terminal: the full v2 */
  wait_versions (b, 1);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_deltas"), ==, 1);
  assert_same_catalog (a, b);

  /* The ETag moved with the delta: the next pull is a 304. */
  gint64 before = sync_fixture_sim_counter (f->sim, "catalog_not_modified");
  terminal_pull (a);
  for (guint i = 0; i < 200 && sync_fixture_sim_counter (f->sim, "catalog_not_modified") == before; i++)
    hb_test_spin (20);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_not_modified"), ==, before + 1);
}

static void
test_a_reordering_delta_carries_the_order (Fixture *f, gconstpointer data)
{
  g_autoptr(Terminal) a = terminal_new (f, "a");
  g_autoptr(Terminal) b = terminal_new (f, "b");
  g_autoptr(JsonNode) v2 = make_v2 (f);
  JsonArray *s = services_of (v2);
  JsonNode *last = json_node_copy (json_array_get_element (s, json_array_get_length (s) - 1));
  g_autoptr(JsonArray) reordered = json_array_new ();

  /* v2, then the new service moved to the front. */
  json_array_add_element (reordered, last);
  for (guint i = 0; i + 1 < json_array_get_length (s); i++)
    json_array_add_element (reordered, json_node_copy (json_array_get_element (s, i)));
  json_object_set_array_member (json_node_get_object (v2), "services",
                                json_array_ref (reordered));

  terminal_sync (f, a);
  wait_versions (a, 1);
  publish (f, v2);
  terminal_pull (a);
  wait_versions (a, 2);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_deltas"), ==, 1);
  g_autoptr(GPtrArray) list = hb_catalog_list (a->catalog);
  g_assert_cmpstr (((HbCatalogEntry *) list->pdata[0])->code, ==, "310000-GA-HZ-0009");

  terminal_sync (f, b);
  wait_versions (b, 1);
  assert_same_catalog (a, b);
}

static void
test_a_delta_that_does_not_fit_falls_back_to_a_full_pull (Fixture *f, gconstpointer data)
{
  g_autoptr(Terminal) a = terminal_new (f, "a");
  g_autoptr(Terminal) b = terminal_new (f, "b");
  g_autoptr(JsonNode) v2 = make_v2 (f);
  g_autoptr(GError) error = NULL;

  terminal_sync (f, a);
  wait_versions (a, 1);
  /* The terminal's copy lost the service the delta removes (as if damaged): the delta's
   * removal names an unknown code, so it must not apply. */
  hb_store_lock (a->store);
  g_assert_true (hb_store_exec (a->store,
                                "DELETE FROM catalog_service WHERE code = '310000-YB-JYJLC-0004'",
                                &error));
  hb_store_unlock (a->store);
  g_assert_no_error (error);

  publish (f, v2);
  gint64 pulls = sync_fixture_sim_counter (f->sim, "catalog");
  terminal_pull (a);
  wait_versions (a, 2);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_deltas"), ==, 1);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog"), ==, pulls + 2);   /* the delta, then the full */

  terminal_sync (f, b);
  wait_versions (b, 1);
  assert_same_catalog (a, b);
}

/* --- applying directly: nothing half-done ---------------------------------------------- */

static void
assert_apply_fails (Terminal *t, const char *doc, gint code)
{
  g_autoptr(GError) error = NULL;
  gboolean was_delta = FALSE;
  g_autofree char *before_version = hb_catalog_dup_version (t->catalog);
  guint before_count = hb_catalog_count (t->catalog);
  g_autofree char *before_json = hb_catalog_dup_service_json (t->catalog, "A", NULL);

  g_assert_false (hb_catalog_apply_reply (t->catalog, doc, strlen (doc), "\"x\"", &was_delta,
                                          &error));
  g_assert_true (was_delta);
  g_assert_error (error, HB_STORE_ERROR, code);
  g_autofree char *after_version = hb_catalog_dup_version (t->catalog);
  g_autofree char *after_json = hb_catalog_dup_service_json (t->catalog, "A", NULL);
  g_assert_cmpstr (after_version, ==, before_version);
  g_assert_cmpuint (hb_catalog_count (t->catalog), ==, before_count);
  g_assert_cmpstr (after_json, ==, before_json);
}

static void
test_apply_is_all_or_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(Terminal) t = terminal_new (f, "t");
  g_autoptr(GError) error = NULL;
  static const char v1[] =
    "{\"version\":\"v1\",\"services\":[{\"code\":\"A\",\"name\":\"甲证\"},"
    "{\"code\":\"B\",\"name\":\"乙证\"},{\"code\":\"C\",\"name\":\"丙证\"}]}";
  gboolean was_delta = TRUE;

  g_assert_true (hb_catalog_apply_reply (t->catalog, v1, strlen (v1), "\"v1\"", &was_delta,
                                         &error));
  g_assert_no_error (error);
  g_assert_false (was_delta);

  /* Another starting version. */
  assert_apply_fails (t, "{\"version\":\"v3\",\"from_version\":\"v2\",\"upserts\":[],"
                         "\"removals\":[\"B\"]}", HB_STORE_ERROR_NOT_FOUND);
  /* A removal of an unknown code, after a valid upsert: the upsert does not stay. */
  assert_apply_fails (t, "{\"version\":\"v2\",\"from_version\":\"v1\","
                         "\"upserts\":[{\"code\":\"A\",\"name\":\"新甲证\"}],"
                         "\"removals\":[\"Z\"]}", HB_STORE_ERROR_NOT_FOUND);
  /* An order that does not list exactly the resulting services. */
  assert_apply_fails (t, "{\"version\":\"v2\",\"from_version\":\"v1\",\"upserts\":[],"
                         "\"removals\":[\"B\"],\"order\":[\"C\",\"A\",\"B\"]}",
                      HB_STORE_ERROR_NOT_FOUND);
  /* Malformed: an upsert without a name, a code both upserted and removed. */
  assert_apply_fails (t, "{\"version\":\"v2\",\"from_version\":\"v1\","
                         "\"upserts\":[{\"code\":\"A\"}],\"removals\":[]}",
                      HB_STORE_ERROR_INVALID);
  assert_apply_fails (t, "{\"version\":\"v2\",\"from_version\":\"v1\","
                         "\"upserts\":[{\"code\":\"A\",\"name\":\"x\"}],\"removals\":[\"A\"]}",
                      HB_STORE_ERROR_INVALID);

  /* A good one: in place, new ones appended. */
  static const char delta[] =
    "{\"version\":\"v2\",\"from_version\":\"v1\","
    "\"upserts\":[{\"code\":\"A\",\"name\":\"新甲证\"},{\"code\":\"D\",\"name\":\"丁证\"}],"
    "\"removals\":[\"B\"]}";
  g_assert_true (hb_catalog_apply_reply (t->catalog, delta, strlen (delta), "\"v2\"",
                                         &was_delta, &error));
  g_assert_no_error (error);
  g_assert_true (was_delta);
  g_autoptr(GPtrArray) list = hb_catalog_list (t->catalog);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((HbCatalogEntry *) list->pdata[0])->name, ==, "新甲证");
  g_assert_cmpstr (((HbCatalogEntry *) list->pdata[1])->code, ==, "C");
  g_assert_cmpstr (((HbCatalogEntry *) list->pdata[2])->code, ==, "D");
  g_autofree char *etag = hb_catalog_dup_etag (t->catalog);
  g_assert_cmpstr (etag, ==, "\"v2\"");
  g_autoptr(GPtrArray) found = hb_catalog_search (t->catalog, "丁", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_autoptr(GPtrArray) gone = hb_catalog_search (t->catalog, "乙证", &error);
  g_assert_cmpuint (gone->len, ==, 0);
}

/* 10,000 services shaped like data/catalog.json's (guide, form, English: ~3 KB each), so
 * the document is several times the old 8 MiB limit. */
static JsonNode *
make_large (Fixture *f, const char *version, guint n)
{
  JsonArray *base = services_of (f->v1);
  JsonNode *doc = json_node_new (JSON_NODE_OBJECT);
  JsonObject *root = json_object_new ();
  JsonArray *services = json_array_new ();
  for (guint i = 0; i < n; i++)
    {
      /* json_node_copy shares the object: a deep copy goes through text. */
      g_autofree char *text = json_to_string (json_array_get_element (base, i % json_array_get_length (base)), FALSE);
      JsonNode *s = json_from_string (text, NULL);
      JsonObject *o = json_node_get_object (s);
      g_autofree char *code = g_strdup_printf ("310000-L-%05u", i);
      g_autofree char *name = g_strdup_printf ("%s（%u）", json_object_get_string_member (o, "name"), i);
      json_object_set_string_member (o, "code", code);
      json_object_set_string_member (o, "name", name);
      json_array_add_element (services, s);
    }
  json_object_set_string_member (root, "version", version);
  json_object_set_array_member (root, "services", services);
  json_node_take_object (doc, root);
  return doc;
}

static void
test_a_large_catalog_arrives_compressed (Fixture *f, gconstpointer data)
{
  g_autoptr(Terminal) t = terminal_new (f, "large");
#ifdef __SANITIZE_ADDRESS__
  /* The same paths at a fifth of the size: with fast_unwind_on_malloc=0 (hb_test_init)
   * every allocation of 20 MB of JSON costs a full unwind. */
  const guint n = 2000;
#else
  const guint n = 10000;
#endif
  g_autoptr(JsonNode) v1 = make_large (f, "large-1", n);
  g_autofree char *text = json_to_string (v1, FALSE);
  gsize plain = strlen (text);
  g_autofree char *last = g_strdup_printf ("310000-L-%05u", n - 1);

  if (n == 10000)
    g_assert_cmpuint (plain, >, 2 * 8 * 1024 * 1024);   /* twice the old limit */
  sync_fixture_sim_post (f->sim, "/_sim/catalog", text);
  terminal_sync (f, t);
  wait_versions (t, 1);
  g_assert_cmpstr (t->versions->pdata[0], ==, "large-1");
  g_assert_cmpuint (hb_catalog_count (t->catalog), ==, n);
  /* Asked with Accept-Encoding and sent gzipped: a fraction of the text on the wire. */
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_gzipped"), ==, 1);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_bytes_sent"), <, plain / 5);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *json = hb_catalog_dup_service_json (t->catalog, last, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (json, "\"guide\""));
  }

  /* A delta against it is compressed too, and applies. */
  json_object_set_string_member (json_node_get_object (v1), "version", "large-2");
  json_object_set_string_member (json_array_get_object_element (services_of (v1), n / 2),
                                 "summary", "改为全程网办");
  publish (f, v1);
  terminal_pull (t);
  wait_versions (t, 2);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_deltas"), ==, 1);
  g_assert_cmpint (sync_fixture_sim_counter (f->sim, "catalog_gzipped"), ==, 2);
  g_assert_cmpuint (hb_catalog_count (t->catalog), ==, n);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/offline-cache/catalog-delta/" path, Fixture, NULL, \
                                  fixture_setup, fn, fixture_teardown)
  ADD ("delta-gives-the-same-catalog-as-a-full-pull",
       test_delta_gives_the_same_catalog_as_a_full_pull);
  ADD ("a-reordering-delta-carries-the-order", test_a_reordering_delta_carries_the_order);
  ADD ("a-delta-that-does-not-fit-falls-back-to-a-full-pull",
       test_a_delta_that_does_not_fit_falls_back_to_a_full_pull);
  ADD ("apply-is-all-or-nothing", test_apply_is_all_or_nothing);
  ADD ("a-large-catalog-arrives-compressed", test_a_large_catalog_arrives_compressed);
  return g_test_run ();
}
