/* hb-document-private.h — what the renderer knows about the page it laid out, for tests
 * that check the printed result (page geometry, where the QR code is). */
#pragma once

#include "kiosk/hb-document.h"

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

G_END_DECLS
