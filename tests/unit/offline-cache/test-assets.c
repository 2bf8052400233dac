/* test-assets.c — catalog assets (offline-cache/hb-assets.c and the sync thread) against the
 * real haoban-platform-sim: downloaded after the catalog applies, checked for size and
 * SHA-256, the old file kept until a new one verified, unreferenced files deleted. */
#include "offline-cache/hb-assets-private.h"
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/sync-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define WAIT_MS 20000

typedef struct {
  char      *dir;
  char      *db;
  char      *key;
  char      *assets;
  HbTestSim *sim;
  HbStore   *store;
  HbCatalog *catalog;
  HbSync    *sync;
  GArray    *synced;     /* guint failures per "assets-synced" */
  guint      version;    /* catalog versions published */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("assets", &f->dir, &f->db, &f->key);
  f->assets = hb_assets_default_dir (f->db);
  f->sim = sync_fixture_start_sim (NULL);
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->catalog = hb_catalog_new (f->store);
  f->synced = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  sync_fixture_stop (&f->sync);
  g_clear_object (&f->catalog);
  g_clear_object (&f->store);
  g_clear_pointer (&f->sim, hb_test_sim_free);
  g_array_unref (f->synced);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
  g_free (f->assets);
}

static void
on_assets_synced (HbSync *sync, guint failed, Fixture *f)
{
  g_array_append_val (f->synced, failed);
}

static void
start_sync (Fixture *f)
{
  HbSyncOptions o = sync_fixture_options (f->db, f->key, f->sim);
  o.retry_base_ms = 50;
  o.retry_cap_ms = 300;   /* failed downloads are retried after 0.3 s */
  o.heartbeat_interval_s = 3600;
  f->sync = hb_sync_new (&o);
  g_signal_connect (f->sync, "assets-synced", G_CALLBACK (on_assets_synced), f);
  sync_fixture_start (f->sync);
}

typedef struct {
  Fixture *f;
  guint    failed;
} SyncWait;

static gboolean
synced_with (gpointer data)
{
  SyncWait *w = data;
  GArray *a = w->f->synced;
  return a->len > 0 && g_array_index (a, guint, a->len - 1) == w->failed;
}

/* Waits for a run of the downloader that ended with `failed` failures. */
static void
wait_synced (Fixture *f, guint failed)
{
  SyncWait w = { f, failed };
  g_array_set_size (f->synced, 0);
  g_assert_true (hb_test_wait_until (synced_with, &w, WAIT_MS));
}

static char *
sim_add_asset (Fixture *f, const char *data, gsize len, const char *as)
{
  long status = 0;
  g_autofree char *url = g_strdup_printf ("%s/_sim/assets%s%s", hb_test_sim_url (f->sim),
                                          as ? "?as=" : "", as ? as : "");
  g_autofree char *body = g_strndup (data, len);   /* hb_test_http sends a C string */
  g_autofree char *reply = hb_test_http ("POST", url, body, NULL, &status);
  g_assert_cmpint (status, ==, 200);
  g_autoptr(JsonNode) root = json_from_string (reply, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "sha256"));
}

/* The sim's catalog with one guide image on the first service (or none). */
static void
publish (Fixture *f, const char *sha, gsize bytes)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) doc = NULL;
  g_autofree char *version = g_strdup_printf ("assets-test-%u", ++f->version);
  g_autofree char *out = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  doc = json_from_string (text, NULL);
  json_object_set_string_member (json_node_get_object (doc), "version", version);
  if (sha != NULL)
    {
      JsonObject *service = json_array_get_object_element (
        json_object_get_array_member (json_node_get_object (doc), "services"), 0);
      JsonArray *assets = json_array_new ();
      JsonObject *a = json_object_new ();
      json_object_set_string_member (a, "id", "jzz-guide-1");
      json_object_set_string_member (a, "sha256", sha);
      json_object_set_int_member (a, "bytes", (gint64) bytes);
      json_object_set_string_member (a, "media_type", "image/png");
      json_array_add_object_element (assets, a);
      json_object_set_array_member (service, "assets", assets);
    }
  out = json_to_string (doc, FALSE);
  sync_fixture_sim_post (f->sim, "/_sim/catalog", out);
}

static void
pull (Fixture *f)
{
  hb_sync_request_catalog (f->sync);
  hb_sync_kick (f->sync);
}

/* A file's bytes, asserted present. */
static char *
asset_content (Fixture *f, const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = hb_catalog_dup_asset_path (f->catalog, f->assets, id, &error);
  char *data = NULL;
  g_assert_no_error (error);
  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

/* Names in the assets folder. */
static guint
files_in_assets (Fixture *f, gboolean *stray_tmp)
{
  g_autoptr(GDir) d = g_dir_open (f->assets, 0, NULL);
  const char *name;
  guint n = 0;
  *stray_tmp = FALSE;
  while (d && (name = g_dir_read_name (d)))
    {
      n++;
      if (g_str_has_prefix (name, ".tmp-"))
        *stray_tmp = TRUE;
    }
  return n;
}

static void
test_fetched_verified_replaced_and_collected (Fixture *f, gconstpointer data)
{
  static const char first[] = "PNG first guide image: 居住证签注 step 1";
  static const char second[] = "PNG second guide image: step 1 (updated)";
  g_autofree char *sha1 = sim_add_asset (f, first, strlen (first), NULL);
  g_autofree char *sha2 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, second, -1);
  g_autoptr(GError) error = NULL;
  gboolean stray = FALSE;

  publish (f, sha1, strlen (first));
  start_sync (f);
  wait_synced (f, 0);
  g_autofree char *got1 = asset_content (f, "jzz-guide-1");
  g_assert_cmpstr (got1, ==, first);
  g_assert_cmpuint (files_in_assets (f, &stray), ==, 1);

  /* A new version whose file the platform serves with the wrong content (same size): refused,
   * and the kiosk keeps showing the old image. */
  g_assert_cmpuint (strlen (first), !=, strlen (second));
  {
    char wrong[sizeof second];
    memset (wrong, 'x', sizeof wrong);
    g_free (sim_add_asset (f, wrong, strlen (second), sha2));
  }
  publish (f, sha2, strlen (second));
  pull (f);
  wait_synced (f, 1);
  g_autofree char *still = asset_content (f, "jzz-guide-1");
  g_assert_cmpstr (still, ==, first);
  g_assert_cmpuint (files_in_assets (f, &stray), ==, 1);
  g_assert_false (stray);

  /* The platform fixes the file: the retry verifies it, the old one goes. */
  g_autofree char *sha2_again = sim_add_asset (f, second, strlen (second), NULL);
  g_assert_cmpstr (sha2_again, ==, sha2);
  wait_synced (f, 0);
  g_autofree char *got2 = asset_content (f, "jzz-guide-1");
  g_assert_cmpstr (got2, ==, second);
  g_assert_cmpuint (files_in_assets (f, &stray), ==, 1);

  /* No service references it any more: deleted. */
  publish (f, NULL, 0);
  pull (f);
  wait_synced (f, 0);
  g_assert_null (hb_catalog_dup_asset_path (f->catalog, f->assets, "jzz-guide-1", &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (files_in_assets (f, &stray), ==, 0);
}

static void
test_a_file_larger_than_announced_is_refused (Fixture *f, gconstpointer data)
{
  static const char big[] = "this file is longer than the catalog says it is";
  g_autofree char *sha = sim_add_asset (f, big, strlen (big), NULL);
  g_autoptr(GError) error = NULL;
  gboolean stray = FALSE;

  publish (f, sha, 10);   /* the catalog announces 10 bytes */
  start_sync (f);
  wait_synced (f, 1);
  g_assert_null (hb_catalog_dup_asset_path (f->catalog, f->assets, "jzz-guide-1", &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (files_in_assets (f, &stray), ==, 0);
}

static void
test_catalog_rejects_malformed_asset_references (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = {
    "[{\"id\":\"g\",\"sha256\":\"ABC\",\"bytes\":1}]",
    "[{\"id\":\"g/../x\",\"sha256\":\"" "0000000000000000000000000000000000000000000000000000000000000000"
    "\",\"bytes\":1}]",
    "[{\"id\":\"g\",\"sha256\":\"" "0000000000000000000000000000000000000000000000000000000000000000"
    "\",\"bytes\":99999999}]",
    "[{\"id\":\"g\",\"sha256\":\"" "0000000000000000000000000000000000000000000000000000000000000000"
    "\",\"bytes\":1,\"media_type\":\"text/html\"}]",
    "{\"id\":\"g\"}",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *doc = g_strdup_printf (
        "{\"version\":\"v\",\"services\":[{\"code\":\"A\",\"name\":\"甲\",\"assets\":%s}]}", bad[i]);
      g_assert_false (hb_catalog_apply_json (f->catalog, doc, strlen (doc), NULL, &error));
      g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
    }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/offline-cache/assets/" path, Fixture, NULL, \
                                  fixture_setup, fn, fixture_teardown)
  ADD ("fetched-verified-wrong-hash-refused-old-kept-then-replaced-and-collected",
       test_fetched_verified_replaced_and_collected);
  ADD ("a-file-larger-than-announced-is-refused", test_a_file_larger_than_announced_is_refused);
  ADD ("catalog-rejects-malformed-asset-references",
       test_catalog_rejects_malformed_asset_references);
  return g_test_run ();
}
