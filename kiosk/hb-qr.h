/* hb-qr.h — QR codes for documents: libqrencode's module matrix, drawn with cairo.
 *
 * Kept apart from the page layout so the exact modules a document prints can be checked
 * against libqrencode in tests (no QR decoder is available on the terminal image). */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Light modules around the symbol, as ISO/IEC 18004 requires. */
#define HB_QR_QUIET_ZONE 4

typedef struct {
  guint   width;    /* modules per side, quiet zone not included */
  guint8 *modules;  /* width × width, row-major; 1 = dark, 0 = light */
} HbQrCode;

/* Encode UTF-8 text (8-bit mode, error correction level M, smallest version that fits).
 * Fails with HB_DOCUMENT_ERROR_RENDER; the message never contains the text. */
HbQrCode *hb_qr_encode    (const char *text, GError **error);
void      hb_qr_code_free (HbQrCode *qr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbQrCode, hb_qr_code_free)

/* TRUE when module (x, y) is dark; coordinates include the quiet zone, so
 * 0 ≤ x, y < width + 2 × HB_QR_QUIET_ZONE and the zone itself is always light. */
gboolean  hb_qr_code_is_dark   (const HbQrCode *qr, guint x, guint y);
/* Modules per side including the quiet zone. */
guint     hb_qr_code_full_size (const HbQrCode *qr);

/* Paint the symbol with its quiet zone as a square of full_size × module units whose
 * top-left corner is (x, y): the square in white, then the dark modules in black as one
 * path of horizontal runs (one fill, so adjacent modules leave no hairline seams). */
void      hb_qr_draw (const HbQrCode *qr, cairo_t *cr, double x, double y, double module);

G_END_DECLS
