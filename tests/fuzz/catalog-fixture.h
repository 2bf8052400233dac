/* catalog-fixture.h — the store and catalog the catalog fuzz targets share: one store in a
 * private temp folder for the whole run, removed at exit. Header-only; include once per
 * target. */
#pragma once

#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-store-private.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static HbCatalog *catalog;
static HbStore *store;
static char *dir;

static inline void
fuzz_catalog_cleanup (void)
{
  const char *names[] = { "fuzz.db", "fuzz.db-wal", "fuzz.db-shm", "fuzz.key" };
  g_clear_object (&catalog);
  g_clear_object (&store);
  for (gsize i = 0; dir && i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  if (dir)
    g_rmdir (dir);
  g_clear_pointer (&dir, g_free);
}

/* Opens the store in a new folder named after dir_template and sets `store` and `catalog`. */
static inline void
fuzz_catalog_open (const char *dir_template)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL, *key = NULL;

  dir = g_dir_make_tmp (dir_template, &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "fuzz.db", NULL);
  key = g_build_filename (dir, "fuzz.key", NULL);
  store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  /* Durability is not under test here; speed is. */
  g_assert_true (hb_store_exec (store, "PRAGMA synchronous = OFF", NULL));
  catalog = hb_catalog_new (store);
  atexit (fuzz_catalog_cleanup);
}
