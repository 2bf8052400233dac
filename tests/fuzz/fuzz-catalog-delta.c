/* fuzz-catalog-delta.c — the parser of catalog deltas (GET /v1/catalog?since=VERSION). */
#include "offline-cache/hb-catalog-delta-private.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  gboolean is_delta = FALSE;
  g_autoptr(HbCatalogDelta) delta = hb_catalog_delta_parse ((const char *) data, size,
                                                            &is_delta, &error);
  if (delta != NULL)
    {
      g_assert_true (is_delta);
      g_assert_no_error (error);
      g_assert_nonnull (delta->version);
      g_assert_nonnull (delta->from_version);
      g_assert_cmpuint (strlen (delta->version), <=, HB_CATALOG_VERSION_MAX);
      g_assert_cmpuint (delta->upserts->services->len, <=, HB_CATALOG_MAX_SERVICES);
      g_assert_cmpuint (delta->removals->len, <=, HB_CATALOG_MAX_SERVICES);
      for (guint i = 0; i < delta->removals->len; i++)
        g_assert_cmpuint (strlen (delta->removals->pdata[i]), <=, HB_CATALOG_CODE_MAX);
      if (delta->order)
        g_assert_cmpuint (delta->order->len, <=, HB_CATALOG_MAX_SERVICES);
    }
  else if (is_delta)
    g_assert_true (error != NULL && error->domain == HB_STORE_ERROR);
  return 0;
}
