/* hb-pdf-text.h — the documents' text in PDF through per-document font subsets.
 *
 * A document is laid out twice (measure, then draw). Layouts shown to
 * hb_pdf_text_collect() in the measuring pass have their glyphs gathered per font face;
 * at the first hb_pdf_text_draw() each face is subset to exactly those glyphs by harfbuzz
 * (desubroutinized) and the glyph runs are drawn with that subset font as real, extractable
 * text. Why not let cairo embed Noto Sans CJK itself: see hb-pdf-text.c. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

typedef struct _HbPdfText HbPdfText;

HbPdfText *hb_pdf_text_new     (void);
void       hb_pdf_text_free    (HbPdfText *text);

/* Measuring pass: remember the glyphs the layout will draw. Ignored once drawing began. */
void       hb_pdf_text_collect (HbPdfText *text, PangoLayout *layout);

/* Draw the layout with its top-left at (x, y) in the current source. FALSE, having drawn
 * nothing, when some glyph of it was not collected or its font cannot be subset: the
 * caller then draws it another way. */
gboolean   hb_pdf_text_draw    (HbPdfText *text, cairo_t *cr, PangoLayout *layout, double x,
                                double y);

/* Font faces subset so far, and the bytes of those subsets (tests, benchmarks). */
guint      hb_pdf_text_n_subsets     (HbPdfText *text);
gsize      hb_pdf_text_subset_bytes  (HbPdfText *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbPdfText, hb_pdf_text_free)

G_END_DECLS
