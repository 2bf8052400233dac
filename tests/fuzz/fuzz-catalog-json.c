/* fuzz-catalog-json.c — catalog documents from the platform (hb_catalog_apply_json), then
 * the readers and the search over whatever was accepted, with the input as a query too.
 * One store in a private temp folder for the whole run. */
#include "tests/fuzz/catalog-fixture.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;

  if (catalog == NULL)
    fuzz_catalog_open ("hb-fuzz-catalog-XXXXXX");

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
