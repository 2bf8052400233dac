/* hb-document.h — documents the terminal prints, rendered to PDF with cairo and pango.
 *
 * Fonts: Noto Sans CJK SC (fonts-noto-cjk), embedded as a subset of just the glyphs printed
 * (hb-pdf-text.h).
 * The receipt carries a QR code (libqrencode) of its reference so a clerk can scan it.
 * Rendering is pure (no devices, no files): PDF bytes out. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  HB_PAPER_A4,            /* 210 × 297 mm */
  HB_PAPER_RECEIPT_80MM,  /* 80 mm wide thermal roll (72 mm printable), height to fit */
} HbPaperFormat;

typedef struct {
  const char *label;      /* already translated */
  const char *value;      /* already masked where sensitive */
} HbDocumentRow;

typedef struct {
  const char          *title;          /* "居住证签注办件回执" */
  const char          *service_name;
  const char          *reference;      /* case number, or the queued reference */
  gboolean             queued;         /* TRUE: saved on the terminal, sent when online */
  const char          *applicant;      /* masked, e.g. "张* 310***********123X" */
  const char          *terminal_id;
  GDateTime           *submitted_at;   /* local time */
  const HbDocumentRow *rows;           /* form answers to print */
  gsize                n_rows;
  const char          *language;       /* "zh_CN" (default) or "en": the fixed labels */
  /* Next steps (后续事项), from the service or the platform's reply, already translated.
   * Each NULL/empty one prints a fixed text in the receipt's language instead. */
  const char          *next_step;      /* what happens now, e.g. "3 个工作日内审核" */
  const char          *collect_at;     /* where/how to collect the result */
  const char          *progress_hint;  /* how to check progress */
} HbReceipt;

#define HB_DOCUMENT_ERROR (hb_document_error_quark ())
GQuark hb_document_error_quark (void);
typedef enum {
  HB_DOCUMENT_ERROR_INVALID,    /* missing title/reference, too many rows … */
  HB_DOCUMENT_ERROR_RENDER,     /* cairo/pango/qrencode failed */
} HbDocumentError;

/* Render synchronously (tests, haobanctl). */
GBytes *hb_document_render_receipt (const HbReceipt *receipt, HbPaperFormat format,
                                    GError **error);

/* Render on a worker thread; the receipt is deep-copied before this returns. */
void    hb_document_render_receipt_async  (const HbReceipt *receipt, HbPaperFormat format,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GBytes *hb_document_render_receipt_finish (GAsyncResult *result, GError **error);

G_END_DECLS
