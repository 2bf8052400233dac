/* fuzz-catalog-json.c — catalog documents from the platform (hb_catalog_apply_json), then
 * the readers and the search over whatever was accepted, with the input as a query too.
 * One store in a private temp folder for the whole run. */
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-store-private.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static HbCatalog *catalog;
static char *dir;

static void
cleanup (void)
{
  const char *names[] = { "fuzz.db", "fuzz.db-wal", "fuzz.db-shm", "fuzz.key" };
  g_clear_object (&catalog);
  for (gsize i = 0; dir && i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  if (dir)
    g_rmdir (dir);
  g_clear_pointer (&dir, g_free);
}

static void
init_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = NULL;
  g_autofree char *db = NULL, *key = NULL;

  dir = g_dir_make_tmp ("hb-fuzz-catalog-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "fuzz.db", NULL);
  key = g_build_filename (dir, "fuzz.key", NULL);
  store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  /* Durability is not under test here; speed is. */
  g_assert_true (hb_store_exec (store, "PRAGMA synchronous = OFF", NULL));
  catalog = hb_catalog_new (store);
  atexit (cleanup);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;

  if (catalog == NULL)
    init_once ();

  if (hb_catalog_apply_json (catalog, (const char *) data, size, NULL, &error))
    {
      g_autofree char *version = hb_catalog_dup_version (catalog);
      g_autoptr(GPtrArray) all = hb_catalog_list (catalog);
      g_assert_nonnull (version);
      g_assert_cmpuint (all->len, ==, hb_catalog_count (catalog));
      for (guint i = 0; i < all->len && i < 50; i++)
        {
          HbCatalogEntry *e = all->pdata[i];
          g_autofree char *json = hb_catalog_dup_service_json (catalog, e->code, &error);
          g_assert_no_error (error);
          g_assert_nonnull (json);
          g_assert_true (g_utf8_validate (e->name, -1, NULL));
        }
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == HB_STORE_ERROR);
      g_clear_error (&error);
    }

  /* The same bytes as a search query (against whichever catalog is current). */
  g_autofree char *query = g_strndup ((const char *) data, MIN (size, 256));
  g_autoptr(GPtrArray) hits = hb_catalog_search (catalog, query, &error);
  if (hits != NULL)
    g_assert_cmpuint (hits->len, <=, HB_CATALOG_SEARCH_MAX_RESULTS);
  else
    g_assert_true (g_error_matches (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID));
  return 0;
}
