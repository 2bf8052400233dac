/* hb-document-private.h — what the renderer knows about the page it laid out, for tests
 * that check the printed result (page geometry, where the QR code is). */
#pragma once

#include "kiosk/hb-document.h"

#include <cairo.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

/* Limits of a receipt (checked before anything is laid out). */
#define HB_DOCUMENT_MAX_ROWS         64
#define HB_DOCUMENT_MAX_FIELD_BYTES  1024
/* The PDF bytes are collected in memory; past this the render fails. */
#define HB_DOCUMENT_MAX_PDF_BYTES    (32u * 1024u * 1024u)

typedef struct {
  guint  n_pages;
  double page_width;    /* points (1/72 in) */
  double page_height;   /* points; the 80 mm receipt's is computed from its content */
  /* The QR code on page 1, quiet zone included, in points from the page's top-left. */
  double qr_x, qr_y, qr_size;
  guint  qr_modules;    /* modules per side, quiet zone included */
} HbDocumentLayoutInfo;

/* hb_document_render_receipt, also reporting the layout it produced. */
GBytes *hb_document_render_receipt_with_info (const HbReceipt *receipt, HbPaperFormat format,
                                              HbDocumentLayoutInfo *info, GError **error);

/* ---- shared by the documents of kiosk/ (receipt, certificate, code slip) ------------------------ */
#define HB_DOCUMENT_FONT_FAMILY "Noto Sans CJK SC"
#define HB_DOCUMENT_MM(v) ((v) * 72.0 / 25.4)

/* A pango context laid out at 72 dpi with hinting and glyph rounding off, on a private
 * font map (so it is confined to the calling thread). Fails with
 * HB_DOCUMENT_ERROR_RENDER when no font has Chinese glyphs. (transfer full) */
PangoContext *hb_document_pango_context_new (GError **error);

/* Text cleaned (controls → spaces, bidi overrides dropped) and laid out in the document
 * font. width ≤ 0: unwrapped; max_h > 0 (with width): ellipsized past that height. */
PangoLayout  *hb_document_layout_new (PangoContext *pc, const char *text, double size_pt,
                                      gboolean bold, double width, PangoAlignment align,
                                      double max_h);
double        hb_document_layout_height (PangoLayout *layout);
double        hb_document_layout_width  (PangoLayout *layout);

/* Draw the layout at (x, y) in grey (0 black … 1 white). cr NULL: the measuring pass,
 * which shows the layout to the document's font subsets (hb-pdf-text.h); drawn then as
 * text in those subsets, or else as filled outlines over the same text in bg, the colour
 * of what lies below — see the comment in hb-document.c. */
void          hb_document_draw_layout (cairo_t *cr, PangoLayout *layout, double x, double y,
                                       double grey, double bg);

/* PDF bytes collected in memory, at most HB_DOCUMENT_MAX_PDF_BYTES. */
typedef struct {
  GByteArray *bytes;
  gboolean    overflow;
} HbDocumentPdfSink;

cairo_surface_t *hb_document_pdf_surface_new (HbDocumentPdfSink *sink, double width,
                                              double height, const char *title,
                                              GDateTime *created);
/* Finish the surface (cr already destroyed) and hand out the bytes, or fail RENDER. */
GBytes          *hb_document_pdf_finish (HbDocumentPdfSink *sink, cairo_surface_t *surface,
                                         cairo_status_t cr_status, GError **error);

/* Overwrite and free a string that may hold personal data. */
void             hb_document_wipe_string (char *s);

G_END_DECLS
