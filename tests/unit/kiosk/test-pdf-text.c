/* Tests for kiosk/hb-pdf-text.c: text drawn through a per-document font subset looks
 * exactly as pango draws it, stays extractable, embeds only the glyphs it shows, and a
 * layout the measuring pass never saw is left to the caller. */
#include "kiosk/hb-document-private.h"
#include "kiosk/hb-pdf-text.h"
#include "tests/common/hb-test-util.h"

#include <cairo-pdf.h>
#include <string.h>

#define SCALE 3.0
#define SURFACE_W 640
#define SURFACE_H 200

typedef struct {
  const char    *text;
  double         size_pt;
  gboolean       bold;
  double         width;   /* ≤ 0: one line */
  PangoAlignment align;
  double         max_h;   /* > 0: ellipsized */
} Sample;

static const Sample SAMPLES[] = {
  { "居住证签注办件回执", 18, TRUE, 0, PANGO_ALIGN_LEFT, 0 },
  /* “如” is the glyph cairo's own CFF subsetter prints blank. */
  { "如需改为窗口自取，请提前告知工作人员。", 10, FALSE, 0, PANGO_ALIGN_LEFT, 0 },
  { "SH2405011030K0012 · 张* 310***********123X", 12, FALSE, 0, PANGO_ALIGN_LEFT, 0 },
  { "邮寄：快递送达前会电话联系，请保持手机畅通；如需改为窗口自取，请提前告知工作人员。"
    "Office hours: 9:00–17:00, ﬁle № 12.", 10, FALSE, 180, PANGO_ALIGN_CENTER, 0 },
  { "上海市徐汇区漕溪北路某某小区某某号某某室，上海市徐汇区漕溪北路某某小区某某号某某室，"
    "上海市徐汇区漕溪北路某某小区某某号某某室", 9, FALSE, 150, PANGO_ALIGN_RIGHT, 30 },
};

static PangoContext *
context (void)
{
  g_autoptr(GError) error = NULL;
  PangoContext *pc = hb_document_pango_context_new (&error);
  g_assert_no_error (error);
  return pc;
}

static PangoLayout *
layout_for (PangoContext *pc, const Sample *s)
{
  return hb_document_layout_new (pc, s->text, s->size_pt, s->bold, s->width, s->align,
                                 s->max_h);
}

static cairo_surface_t *
blank_image (cairo_t **cr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8,
                                                         (int) (SURFACE_W * SCALE),
                                                         (int) (SURFACE_H * SCALE));
  *cr = cairo_create (surface);
  cairo_scale (*cr, SCALE, SCALE);
  return surface;
}

/* Pixels whose coverage differs by more than 8 of 255; and the total coverage of a. */
static guint
differing_pixels (cairo_surface_t *a, cairo_surface_t *b, guint64 *ink)
{
  cairo_surface_flush (a);
  cairo_surface_flush (b);
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);
  const guint8 *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  guint differ = 0;

  *ink = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int va = pa[y * stride + x], vb = pb[y * stride + x];
        *ink += (guint64) va;
        differ += ABS (va - vb) > 8;
      }
  return differ;
}

static void
test_draws_what_pango_draws (void)
{
  PangoContext *pc = context ();
  g_autoptr(HbPdfText) text = hb_pdf_text_new ();
  PangoLayout *layouts[G_N_ELEMENTS (SAMPLES)];

  /* Measuring pass first, as the documents do. */
  for (gsize i = 0; i < G_N_ELEMENTS (SAMPLES); i++)
    {
      layouts[i] = layout_for (pc, &SAMPLES[i]);
      hb_pdf_text_collect (text, layouts[i]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (SAMPLES); i++)
    {
      cairo_t *cr_ref, *cr_sub;
      cairo_surface_t *ref = blank_image (&cr_ref), *sub = blank_image (&cr_sub);
      cairo_move_to (cr_ref, 12.5, 20.25);
      pango_cairo_show_layout (cr_ref, layouts[i]);
      g_assert_true (hb_pdf_text_draw (text, cr_sub, layouts[i], 12.5, 20.25));

      guint64 ink = 0;
      guint differ = differing_pixels (ref, sub, &ink);
      g_test_message ("sample %" G_GSIZE_FORMAT ": %u pixels differ, ink %" G_GUINT64_FORMAT,
                      i, differ, ink);
      g_assert_cmpuint (ink, >, 255u * 200u);  /* something was drawn */
      g_assert_cmpuint (differ, ==, 0);
      cairo_destroy (cr_ref);
      cairo_destroy (cr_sub);
      cairo_surface_destroy (ref);
      cairo_surface_destroy (sub);
      g_object_unref (layouts[i]);
    }
  /* Two faces (regular and bold), each cut down to a few KB. */
  g_assert_cmpuint (hb_pdf_text_n_subsets (text), ==, 2);
  g_assert_cmpuint (hb_pdf_text_subset_bytes (text), <, 48 * 1024);
  g_object_unref (pc);
}

static void
test_uncollected_layout_is_left_to_the_caller (void)
{
  PangoContext *pc = context ();
  g_autoptr(HbPdfText) text = hb_pdf_text_new ();
  g_autoptr(PangoLayout) seen = hb_document_layout_new (pc, "居住证", 12, FALSE, 0,
                                                        PANGO_ALIGN_LEFT, 0);
  g_autoptr(PangoLayout) other_glyph = hb_document_layout_new (pc, "住如", 12, FALSE, 0,
                                                               PANGO_ALIGN_LEFT, 0);
  g_autoptr(PangoLayout) other_face = hb_document_layout_new (pc, "居住证", 12, TRUE, 0,
                                                              PANGO_ALIGN_LEFT, 0);
  cairo_t *cr;
  cairo_surface_t *surface = blank_image (&cr);

  hb_pdf_text_collect (text, seen);
  g_assert_true (hb_pdf_text_draw (text, cr, seen, 0, 0));
  g_assert_false (hb_pdf_text_draw (text, cr, other_glyph, 0, 40));
  g_assert_false (hb_pdf_text_draw (text, cr, other_face, 0, 80));
  /* Once drawing began the subsets are fixed: collecting more changes nothing. */
  hb_pdf_text_collect (text, other_glyph);
  g_assert_false (hb_pdf_text_draw (text, cr, other_glyph, 0, 40));
  g_assert_cmpuint (hb_pdf_text_n_subsets (text), ==, 1);

  /* Nothing drawn for the refused layouts: only "居住证" is on the surface. */
  cairo_t *cr_ref;
  cairo_surface_t *ref = blank_image (&cr_ref);
  cairo_move_to (cr_ref, 0, 0);
  pango_cairo_show_layout (cr_ref, seen);
  guint64 ink;
  g_assert_cmpuint (differing_pixels (ref, surface, &ink), ==, 0);
  cairo_destroy (cr_ref);
  cairo_surface_destroy (ref);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_object_unref (pc);
}

static cairo_status_t
append (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
test_pdf_text_is_extractable_and_small (void)
{
  PangoContext *pc = context ();
  g_autoptr(HbPdfText) text = hb_pdf_text_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  PangoLayout *layouts[G_N_ELEMENTS (SAMPLES) - 1];

  /* All but the ellipsized sample, whose elided text is (rightly) in the PDF too. */
  for (gsize i = 0; i < G_N_ELEMENTS (layouts); i++)
    {
      layouts[i] = layout_for (pc, &SAMPLES[i]);
      hb_pdf_text_collect (text, layouts[i]);
    }
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (append, bytes, 595, 842);
  cairo_t *cr = cairo_create (surface);
  double y = 40;
  for (gsize i = 0; i < G_N_ELEMENTS (layouts); i++)
    {
      g_assert_true (hb_pdf_text_draw (text, cr, layouts[i], 40, y));
      y += hb_document_layout_height (layouts[i]) + 12;
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  g_autofree char *path = hb_test_output_path ("pdf-text.pdf");
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
  /* cairo would embed about 100 KB per weight of Noto Sans CJK for this. */
  g_assert_cmpuint (bytes->len, <, 32 * 1024);

  g_autofree char *flat = hb_test_pdf_text (path, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (layouts); i++)
    {
      g_autofree char *w = hb_test_squash (SAMPLES[i].text);
      if (strstr (flat, w) == NULL)
        g_error ("PDF text lacks “%s”; pdftotext gave “%s”", w, flat);
      g_object_unref (layouts[i]);
    }
  g_object_unref (pc);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/pdf-text/draws-exactly-what-pango-draws",
                   test_draws_what_pango_draws);
  g_test_add_func ("/kiosk/pdf-text/uncollected-layout-is-left-to-the-caller",
                   test_uncollected_layout_is_left_to_the_caller);
  g_test_add_func ("/kiosk/pdf-text/pdf-text-is-extractable-and-embeds-only-its-glyphs",
                   test_pdf_text_is_extractable_and_small);
  return g_test_run ();
}
