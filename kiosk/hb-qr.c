/* hb-qr.c — QR module matrix from libqrencode, drawn with cairo. */
#include "kiosk/hb-qr.h"

#include "kiosk/hb-document.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

HbQrCode *
hb_qr_encode (const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  /* QR_MODE_8 hint: bytes go in as they are (UTF-8), never re-read as Shift-JIS Kanji;
   * libqrencode still packs digit/alphanumeric runs compactly. */
  errno = 0;
  QRcode *q = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (q == NULL)
    {
      int saved = errno;
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_RENDER,
                   "QR encoding failed: %s",
                   saved == ERANGE ? "reference too long for a QR code"
                                   : g_strerror (saved ? saved : EINVAL));
      return NULL;
    }

  HbQrCode *qr = g_new0 (HbQrCode, 1);
  qr->width = (guint) q->width;
  qr->modules = g_malloc ((gsize) qr->width * qr->width);
  /* libqrencode packs flags in each byte; bit 0 is the module colour. */
  for (gsize i = 0; i < (gsize) qr->width * qr->width; i++)
    qr->modules[i] = q->data[i] & 1;
  QRcode_free (q);
  return qr;
}

void
hb_qr_code_free (HbQrCode *qr)
{
  if (qr == NULL)
    return;
  g_free (qr->modules);
  g_free (qr);
}

guint
hb_qr_code_full_size (const HbQrCode *qr)
{
  return qr->width + 2 * HB_QR_QUIET_ZONE;
}

gboolean
hb_qr_code_is_dark (const HbQrCode *qr, guint x, guint y)
{
  if (x < HB_QR_QUIET_ZONE || y < HB_QR_QUIET_ZONE)
    return FALSE;
  x -= HB_QR_QUIET_ZONE;
  y -= HB_QR_QUIET_ZONE;
  if (x >= qr->width || y >= qr->width)
    return FALSE;
  return qr->modules[(gsize) y * qr->width + x] != 0;
}

void
hb_qr_draw (const HbQrCode *qr, cairo_t *cr, double x, double y, double module)
{
  guint full = hb_qr_code_full_size (qr);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, full * module, full * module);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  for (guint row = 0; row < full; row++)
    {
      guint col = 0;
      while (col < full)
        {
          if (!hb_qr_code_is_dark (qr, col, row))
            {
              col++;
              continue;
            }
          guint start = col;
          while (col < full && hb_qr_code_is_dark (qr, col, row))
            col++;
          cairo_rectangle (cr, x + start * module, y + row * module,
                           (col - start) * module, module);
        }
    }
  cairo_fill (cr);
  cairo_restore (cr);
}
