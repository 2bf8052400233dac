/* catalog-fixture.h — what the catalog tests share: a store in a fresh test folder with an
 * HbCatalog on it, applying a document that must be accepted, and the result codes of a
 * list or search as one comma-joined string. Header-only (static inline). */
#pragma once

#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#ifndef CATALOG_FIXTURE_DIR
#error "define CATALOG_FIXTURE_DIR (the test folder's name) before including catalog-fixture.h"
#endif

typedef struct {
  char      *dir;
  HbStore   *store;
  HbCatalog *catalog;
} CatalogFixture;

/* Opens haoban.db (key store.key) in a new test folder named after name. */
static inline void
catalog_fixture_open (CatalogFixture *f, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL, *key = NULL;

  f->dir = hb_test_mkdtemp (name);
  db = g_build_filename (f->dir, "haoban.db", NULL);
  key = g_build_filename (f->dir, "store.key", NULL);
  f->store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  f->catalog = hb_catalog_new (f->store);
}

static inline void
catalog_fixture_close (CatalogFixture *f)
{
  g_clear_object (&f->catalog);
  g_clear_object (&f->store);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
}

/* GTest setup and teardown; the includer names the test folder with CATALOG_FIXTURE_DIR. */
static inline void
catalog_fixture_setup (CatalogFixture *f, gconstpointer data)
{
  catalog_fixture_open (f, CATALOG_FIXTURE_DIR);
}

static inline void
catalog_fixture_teardown (CatalogFixture *f, gconstpointer data)
{
  catalog_fixture_close (f);
}

static inline void
catalog_fixture_apply (CatalogFixture *f, const char *json, const char *etag)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_catalog_apply_json (f->catalog, json, strlen (json), etag, &error));
  g_assert_no_error (error);
}

/* The codes of entries (HbCatalogEntry), comma-joined, in order. */
static inline char *
catalog_fixture_join_codes (GPtrArray *entries)
{
  g_autoptr(GString) out = g_string_new (NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      HbCatalogEntry *e = entries->pdata[i];
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, e->code);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Codes of the search results, comma-joined, in result order. */
static inline char *
catalog_fixture_search_codes (CatalogFixture *f, const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = hb_catalog_search (f->catalog, query, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return catalog_fixture_join_codes (hits);
}
