/* hb-pdf-text.c — the documents' text in PDF through per-document font subsets.
 *
 * Left to itself, cairo 1.16 embeds Noto Sans CJK by subsetting the font's whole CFF on
 * every render: it copies the 16 MB table, keeps most of its shared subroutines (about
 * 100 KB per weight even for a receipt, all of it deflated again), and miscounts
 * hint-mask bytes when a glyph's first hintmask follows path operators, so it drops
 * subroutines some glyphs call and they print blank (“如”). Here harfbuzz subsets the face
 * first, to exactly the glyphs the document draws and with every subroutine inlined: the
 * font cairo then embeds is a few KB, and there is no subroutine left for it to drop.
 *
 * The glyph runs are pango's own (shaping, positions and clusters come from the layout),
 * drawn with cairo_show_text_glyphs with each glyph id mapped into the subset, so the
 * page is what pango_cairo_show_layout would draw and its text is extractable. */
#include "kiosk/hb-pdf-text.h"

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-subset.h>
#include <hb.h>

/* One face pango draws with, and what became of it. */
typedef struct {
  hb_face_t         *face;        /* pango's, referenced */
  hb_set_t          *glyphs;      /* collected glyph ids (.notdef included) */
  hb_map_t          *old_to_new;  /* once subset */
  cairo_font_face_t *subset;      /* once subset; NULL when harfbuzz or FreeType failed */
  gsize              subset_bytes;
} PdfFace;

struct _HbPdfText {
  GHashTable *faces;  /* hb_face_t* → PdfFace* */
  GHashTable *fonts;  /* PangoFont* → cairo_scaled_font_t* on the subset (NULL: unusable) */
  gboolean    sealed; /* subsets made: no more glyphs can be added */
};

/* Keeps a subset font's bytes and FreeType objects for as long as cairo holds the face
 * (cairo may keep it past the document, in its cache of recently used fonts). Its own
 * FT_Library: cairo may drop the face from any thread, and a library is not thread-safe. */
typedef struct {
  FT_Library library;
  FT_Face    face;
  hb_blob_t *blob;
} SubsetHold;

static const cairo_user_data_key_t subset_hold_key;

static void
subset_hold_free (void *data)
{
  SubsetHold *hold = data;

  if (hold->face != NULL)
    FT_Done_Face (hold->face);
  if (hold->library != NULL)
    FT_Done_FreeType (hold->library);
  hb_blob_destroy (hold->blob);
  g_free (hold);
}

static void
pdf_face_free (gpointer data)
{
  PdfFace *f = data;

  hb_face_destroy (f->face);
  hb_set_destroy (f->glyphs);
  if (f->old_to_new != NULL)
    hb_map_destroy (f->old_to_new);
  if (f->subset != NULL)
    cairo_font_face_destroy (f->subset);
  g_free (f);
}

static void
scaled_font_free (gpointer data)
{
  if (data != NULL)
    cairo_scaled_font_destroy (data);
}

HbPdfText *
hb_pdf_text_new (void)
{
  HbPdfText *text = g_new0 (HbPdfText, 1);

  text->faces = g_hash_table_new_full (NULL, NULL, NULL, pdf_face_free);
  text->fonts = g_hash_table_new_full (NULL, NULL, g_object_unref, scaled_font_free);
  return text;
}

void
hb_pdf_text_free (HbPdfText *text)
{
  if (text == NULL)
    return;
  g_hash_table_destroy (text->fonts);
  g_hash_table_destroy (text->faces);
  g_free (text);
}

/* pango's cairo scaled font for a run, when drawing it from a subset keeps it exact: an
 * outline (FreeType) font without synthetic bold or oblique and without variations. */
static cairo_scaled_font_t *
usable_scaled_font (PangoFont *font)
{
  if (!PANGO_IS_CAIRO_FONT (font))
    return NULL;
  cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font (PANGO_CAIRO_FONT (font));
  if (sf == NULL || cairo_scaled_font_status (sf) != CAIRO_STATUS_SUCCESS)
    return NULL;
  cairo_font_face_t *cf = cairo_scaled_font_get_font_face (sf);
  if (cairo_font_face_get_type (cf) != CAIRO_FONT_TYPE_FT ||
      cairo_ft_font_face_get_synthesize (cf) != 0)
    return NULL;

  hb_font_t *hf = pango_font_get_hb_font (font);
  unsigned int n_coords = 0;
  if (hf == NULL || hb_font_get_var_coords_normalized (hf, &n_coords) != NULL || n_coords > 0)
    return NULL;
  return sf;
}

static PdfFace *
face_for_font (HbPdfText *text, PangoFont *font)
{
  if (font == NULL || usable_scaled_font (font) == NULL)
    return NULL;
  hb_face_t *face = hb_font_get_face (pango_font_get_hb_font (font));
  PdfFace *f = g_hash_table_lookup (text->faces, face);

  if (f == NULL)
    {
      f = g_new0 (PdfFace, 1);
      f->face = hb_face_reference (face);
      f->glyphs = hb_set_create ();
      hb_set_add (f->glyphs, 0);
      g_hash_table_insert (text->faces, face, f);
    }
  return f;
}

static gboolean
glyph_is_drawn (PangoGlyph glyph)
{
  return glyph != PANGO_GLYPH_EMPTY && (glyph & PANGO_GLYPH_UNKNOWN_FLAG) == 0;
}

void
hb_pdf_text_collect (HbPdfText *text, PangoLayout *layout)
{
  g_return_if_fail (text != NULL && PANGO_IS_LAYOUT (layout));
  if (text->sealed)
    return;

  PangoLayoutIter *it = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (it);
      if (run == NULL)
        continue;
      PdfFace *f = face_for_font (text, run->item->analysis.font);
      if (f == NULL)
        continue;
      for (int i = 0; i < run->glyphs->num_glyphs; i++)
        if (glyph_is_drawn (run->glyphs->glyphs[i].glyph))
          hb_set_add (f->glyphs, run->glyphs->glyphs[i].glyph);
    }
  while (pango_layout_iter_next_run (it));
  pango_layout_iter_free (it);
}

/* Tables a PDF font needs (outlines, metrics, names); the rest (layout, vertical
 * metrics, cmap: pango has already shaped) is left out of the subset. */
static const char *const DROPPED_TABLES[] = {
  "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx", "DSIG", "cmap",
};

static void
subset_face (PdfFace *f)
{
  hb_subset_input_t *input = hb_subset_input_create_or_fail ();
  if (input == NULL)
    return;
  hb_set_union (hb_subset_input_glyph_set (input), f->glyphs);
  hb_subset_input_set_flags (input, HB_SUBSET_FLAGS_DESUBROUTINIZE | HB_SUBSET_FLAGS_NO_HINTING);
  hb_set_t *drop = hb_subset_input_set (input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (gsize i = 0; i < G_N_ELEMENTS (DROPPED_TABLES); i++)
    hb_set_add (drop, hb_tag_from_string (DROPPED_TABLES[i], -1));

  hb_subset_plan_t *plan = hb_subset_plan_create_or_fail (f->face, input);
  hb_subset_input_destroy (input);
  if (plan == NULL)
    return;
  hb_face_t *subset = hb_subset_plan_execute_or_fail (plan);
  if (subset == NULL)
    {
      hb_subset_plan_destroy (plan);
      return;
    }
  hb_map_t *old_to_new = hb_map_copy (hb_subset_plan_old_to_new_glyph_mapping (plan));
  hb_subset_plan_destroy (plan);

  SubsetHold *hold = g_new0 (SubsetHold, 1);
  hold->blob = hb_face_reference_blob (subset);
  hb_face_destroy (subset);
  unsigned int length = 0;
  const char *data = hb_blob_get_data (hold->blob, &length);

  cairo_font_face_t *cf = NULL;
  if (length > 0 && hb_map_allocation_successful (old_to_new) &&
      FT_Init_FreeType (&hold->library) == 0 &&
      FT_New_Memory_Face (hold->library, (const FT_Byte *) data, length, 0, &hold->face) == 0)
    {
      /* Outlines only: hinting means nothing in a PDF and the layout was not hinted. */
      cf = cairo_ft_font_face_create_for_ft_face (hold->face, FT_LOAD_NO_HINTING);
      if (cairo_font_face_set_user_data (cf, &subset_hold_key, hold, subset_hold_free) !=
          CAIRO_STATUS_SUCCESS)
        {
          cairo_font_face_destroy (cf);
          cf = NULL;
        }
      else
        hold = NULL;  /* cairo's now */
    }
  if (hold != NULL)
    subset_hold_free (hold);
  if (cf == NULL)
    {
      hb_map_destroy (old_to_new);
      return;
    }
  f->subset = cf;
  f->subset_bytes = length;
  f->old_to_new = old_to_new;
}

static void
seal (HbPdfText *text)
{
  GHashTableIter iter;
  gpointer value;

  text->sealed = TRUE;
  g_hash_table_iter_init (&iter, text->faces);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    subset_face (value);
}

/* The subset's scaled font for a pango font: same size, matrix and options. */
static cairo_scaled_font_t *
subset_scaled_font (HbPdfText *text, PangoFont *font, PdfFace **face_out)
{
  PdfFace *f = face_for_font (text, font);
  *face_out = f;
  if (f == NULL || f->subset == NULL)
    return NULL;

  cairo_scaled_font_t *sf;
  if (g_hash_table_lookup_extended (text->fonts, font, NULL, (gpointer *) &sf))
    return sf;

  cairo_scaled_font_t *orig = usable_scaled_font (font);
  cairo_matrix_t font_matrix, ctm;
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_scaled_font_get_font_matrix (orig, &font_matrix);
  cairo_scaled_font_get_ctm (orig, &ctm);
  cairo_scaled_font_get_font_options (orig, options);
  sf = cairo_scaled_font_create (f->subset, &font_matrix, &ctm, options);
  cairo_font_options_destroy (options);
  if (cairo_scaled_font_status (sf) != CAIRO_STATUS_SUCCESS)
    {
      cairo_scaled_font_destroy (sf);
      sf = NULL;
    }
  g_hash_table_insert (text->fonts, g_object_ref (font), sf);
  return sf;
}

/* Every glyph of every run has its place in a subset. */
static gboolean
layout_covered (HbPdfText *text, PangoLayout *layout)
{
  gboolean covered = TRUE;
  PangoLayoutIter *it = pango_layout_get_iter (layout);

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (it);
      if (run == NULL)
        continue;
      PdfFace *f;
      if (subset_scaled_font (text, run->item->analysis.font, &f) == NULL)
        covered = FALSE;
      for (int i = 0; covered && i < run->glyphs->num_glyphs; i++)
        {
          PangoGlyph g = run->glyphs->glyphs[i].glyph;
          /* pango draws hex boxes for unknown glyphs: not ours to imitate. */
          if ((g & PANGO_GLYPH_UNKNOWN_FLAG) && g != (0x20 | PANGO_GLYPH_UNKNOWN_FLAG))
            covered = FALSE;
          else if (glyph_is_drawn (g) && !hb_map_has (f->old_to_new, g))
            covered = FALSE;
        }
    }
  while (covered && pango_layout_iter_next_run (it));
  pango_layout_iter_free (it);
  return covered;
}

/* One run at its baseline origin (bx, by), as pango's cairo renderer does it: glyphs at
 * their advances and offsets, clusters in logical order mapping the run's text to them. */
static void
draw_run (HbPdfText *text, cairo_t *cr, const char *layout_text, PangoLayoutRun *run,
          double bx, double by)
{
  PdfFace *f;
  cairo_scaled_font_t *sf = subset_scaled_font (text, run->item->analysis.font, &f);
  PangoGlyphString *gs = run->glyphs;
  g_autofree cairo_glyph_t *glyphs = g_new (cairo_glyph_t, MAX (gs->num_glyphs, 1));
  /* Index of each pango glyph in glyphs[], -1 when nothing is drawn for it. */
  g_autofree int *drawn_at = g_new (int, MAX (gs->num_glyphs, 1));
  int n_glyphs = 0, x_position = 0;

  for (int i = 0; i < gs->num_glyphs; i++)
    {
      const PangoGlyphInfo *gi = &gs->glyphs[i];
      drawn_at[i] = -1;
      if (glyph_is_drawn (gi->glyph))
        {
          glyphs[n_glyphs].index = hb_map_get (f->old_to_new, gi->glyph);
          glyphs[n_glyphs].x = bx + (double) (x_position + gi->geometry.x_offset) / PANGO_SCALE;
          glyphs[n_glyphs].y = by + (double) gi->geometry.y_offset / PANGO_SCALE;
          drawn_at[i] = n_glyphs++;
        }
      x_position += gi->geometry.width;
    }

  gboolean backward = (run->item->analysis.level & 1) != 0;
  g_autofree cairo_text_cluster_t *clusters = g_new (cairo_text_cluster_t,
                                                     MAX (run->item->num_chars, 1));
  int n_clusters = 0;
  PangoGlyphItemIter iter;
  for (gboolean more = pango_glyph_item_iter_init_start (&iter, run, layout_text); more;
       more = pango_glyph_item_iter_next_cluster (&iter))
    {
      int lo = backward ? iter.end_glyph + 1 : iter.start_glyph;
      int hi = backward ? iter.start_glyph + 1 : iter.end_glyph;
      int n = 0;
      for (int g = lo; g < hi; g++)
        n += drawn_at[g] >= 0;
      if (n_clusters == run->item->num_chars)
        break;  /* a cluster holds at least one character: cannot happen */
      clusters[n_clusters].num_bytes = iter.end_index - iter.start_index;
      clusters[n_clusters].num_glyphs = n;
      n_clusters++;
    }

  cairo_set_scaled_font (cr, sf);
  cairo_show_text_glyphs (cr, layout_text + run->item->offset, run->item->length, glyphs,
                          n_glyphs, clusters, n_clusters,
                          backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
}

gboolean
hb_pdf_text_draw (HbPdfText *text, cairo_t *cr, PangoLayout *layout, double x, double y)
{
  g_return_val_if_fail (text != NULL && cr != NULL && PANGO_IS_LAYOUT (layout), FALSE);
  if (!text->sealed)
    seal (text);
  if (!layout_covered (text, layout))
    return FALSE;

  const char *layout_text = pango_layout_get_text (layout);
  PangoLayoutIter *it = pango_layout_get_iter (layout);
  cairo_save (cr);
  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (it);
      if (run == NULL || run->glyphs->num_glyphs == 0)
        continue;
      PangoRectangle logical;
      pango_layout_iter_get_run_extents (it, NULL, &logical);
      double bx = x + (double) logical.x / PANGO_SCALE;
      double by = y + (double) pango_layout_iter_get_baseline (it) / PANGO_SCALE -
                  (double) run->y_offset / PANGO_SCALE;
      draw_run (text, cr, layout_text, run, bx, by);
    }
  while (pango_layout_iter_next_run (it));
  pango_layout_iter_free (it);
  cairo_restore (cr);
  return TRUE;
}

guint
hb_pdf_text_n_subsets (HbPdfText *text)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, text->faces);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((PdfFace *) value)->subset != NULL;
  return n;
}

gsize
hb_pdf_text_subset_bytes (HbPdfText *text)
{
  GHashTableIter iter;
  gpointer value;
  gsize n = 0;

  g_hash_table_iter_init (&iter, text->faces);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((PdfFace *) value)->subset_bytes;
  return n;
}
