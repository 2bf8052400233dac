/* fuzz-certificate-json.c — the parser of the platform's proofs, certificates and licence
 * copies (kiosk/hb-certificate.c): never crashes, fails with a GError of the document or
 * JSON domain, and what it accepts keeps its promises (required members present and
 * bounded, rows within bounds, a licence copy always has its watermark). Rendering is left
 * to the unit tests: it is pango and cairo, not outside bytes. */
#include "kiosk/hb-certificate.h"
#include "common/hb-json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_text (const char *text, gsize max)
{
  if (text == NULL || *text == '\0' || strlen (text) > max || !g_utf8_validate (text, -1, NULL))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCertificate) cert = hb_certificate_parse ((const char *) data, size, &error);

  if (cert == NULL)
    {
      if (error == NULL
          || (error->domain != HB_DOCUMENT_ERROR && error->domain != HB_JSON_ERROR))
        abort ();
      return 0;
    }
  if (error != NULL)
    abort ();
  check_text (hb_certificate_get_title (cert), HB_CERTIFICATE_MAX_FIELD_BYTES);
  check_text (hb_certificate_get_serial (cert), HB_CERTIFICATE_MAX_FIELD_BYTES);
  if (hb_certificate_get_n_rows (cert) > HB_CERTIFICATE_MAX_ROWS)
    abort ();
  if (hb_certificate_get_kind (cert) == HB_CERTIFICATE_LICENCE_COPY
      && hb_certificate_get_watermark (cert) == NULL)
    abort ();
  for (guint i = 0; hb_certificate_get_holder_value (cert, i) != NULL; i++)
    if (i >= HB_CERTIFICATE_MAX_HOLDER
        || !g_utf8_validate (hb_certificate_get_holder_value (cert, i), -1, NULL))
      abort ();
  return 0;
}
