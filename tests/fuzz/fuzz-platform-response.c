/* fuzz-platform-response.c — every pure parser of what the platform sends back: replies to
 * outbox POSTs and error bodies, response header lines (ETag), and catalog documents. */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-platform-reply.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_token (const char *s)
{
  if (s == NULL)
    return;
  g_assert_cmpuint (strlen (s), >, 0);
  g_assert_cmpuint (strlen (s), <=, HB_PLATFORM_TOKEN_MAX);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  g_autoptr(GError) error = NULL;
  HbPlatformReply reply;

  if (hb_platform_reply_parse (text, size, &reply, &error))
    {
      check_token (reply.case_number);
      check_token (reply.status);
      check_token (reply.error_code);
      hb_platform_reply_clear (&reply);
    }
  else
    {
      g_assert_true (error->domain == G_IO_ERROR);
      g_clear_error (&error);
    }

  g_autofree char *etag = hb_platform_etag_from_header (text, size);
  if (etag != NULL)
    g_assert_true (hb_platform_etag_is_valid (etag));

  g_autoptr(HbCatalogDocument) doc = hb_catalog_document_parse (text, size, &error);
  if (doc != NULL)
    {
      g_assert_nonnull (doc->version);
      g_assert_cmpuint (doc->services->len, <=, HB_CATALOG_MAX_SERVICES);
      for (guint i = 0; i < doc->services->len; i++)
        {
          HbCatalogRecord *r = doc->services->pdata[i];
          g_assert_nonnull (r->code);
          g_assert_nonnull (r->name);
          g_assert_nonnull (r->json);
        }
    }
  else
    g_assert_true (error->domain == HB_STORE_ERROR);

  /* A status taken from the input, for the classification table. */
  if (size >= 2)
    (void) hb_platform_status_is_transient ((long) (data[0] << 8 | data[1]) - 1000);
  return 0;
}
