/* hb-chart.c — bar, horizontal-bar and share charts with cairo and pango (no GTK). */
#include "kiosk/hb-chart.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define DEFAULT_FAMILY "Noto Sans CJK SC"
/* Labels longer than this many bytes are cut before layout (bounded work per label). */
#define LABEL_MAX_BYTES 256

const char *
hb_chart_empty_text (void)
{
  return _("暂无数据");
}

void
hb_chart_style_init (HbChartStyle *style, HbChartPreset preset)
{
  memset (style, 0, sizeof *style);
  style->show_values = TRUE;
  switch (preset)
    {
    case HB_CHART_PRINT:
      style->title_size = 10;
      style->label_size = 7.5;
      style->value_size = 7;
      style->padding = 6;
      style->background = (HbChartColor) { 1, 1, 1, 0 };
      style->text = (HbChartColor) { 0, 0, 0, 1 };
      style->bar = (HbChartColor) { 0.18, 0.38, 0.70, 1 };
      style->bar_alt = (HbChartColor) { 0.85, 0.52, 0.12, 1 };
      style->grid = (HbChartColor) { 0.55, 0.55, 0.55, 1 };
      break;
    case HB_CHART_ELDER:
      style->title_size = 32;
      style->label_size = 26;
      style->value_size = 24;
      style->padding = 16;
      style->background = (HbChartColor) { 1, 1, 1, 0 };
      style->text = (HbChartColor) { 0, 0, 0, 1 };
      style->bar = (HbChartColor) { 0.0, 0.25, 0.60, 1 };
      style->bar_alt = (HbChartColor) { 0.72, 0.33, 0.0, 1 };
      style->grid = (HbChartColor) { 0.30, 0.30, 0.30, 1 };
      break;
    case HB_CHART_SCREEN:
    default:
      style->title_size = 22;
      style->label_size = 18;
      style->value_size = 16;
      style->padding = 12;
      style->background = (HbChartColor) { 1, 1, 1, 0 };
      style->text = (HbChartColor) { 0.12, 0.16, 0.22, 1 };
      style->bar = (HbChartColor) { 0.09, 0.47, 1.0, 1 };
      style->bar_alt = (HbChartColor) { 0.96, 0.62, 0.04, 1 };
      style->grid = (HbChartColor) { 0.70, 0.72, 0.76, 1 };
      break;
    }
}

/* --- drawing helpers -------------------------------------------------------------------- */

typedef struct {
  cairo_t            *cr;
  const HbChartStyle *st;
  double              w, h;
} Chart;

static void
set_color (cairo_t *cr, const HbChartColor *c)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a);
}

/* One line of text in the chart font; width > 0 ellipsizes at the end. */
static PangoLayout *
text_new (Chart *c, const char *text, double size, gboolean bold, double width)
{
  PangoLayout *layout = c->st->pango_context ? pango_layout_new (c->st->pango_context)
                                             : pango_cairo_create_layout (c->cr);
  PangoFontDescription *font = pango_font_description_new ();
  g_autofree char *cut = NULL;
  const char *end;

  pango_font_description_set_family (font, c->st->font_family ? c->st->font_family
                                                              : DEFAULT_FAMILY);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (font, MAX (size, 1) * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) floor (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  text = text ? text : "";
  /* Valid UTF-8 only, bounded: a label is a name or a code, never a document. */
  g_utf8_validate (text, -1, &end);
  cut = g_strndup (text, MIN ((gsize) (end - text), LABEL_MAX_BYTES));
  if (!g_utf8_validate (cut, -1, &end))
    cut[end - cut] = '\0';
  pango_layout_set_text (layout, cut, -1);
  return layout;
}

static void
text_size (PangoLayout *layout, double *w, double *h)
{
  PangoRectangle logical;
  pango_layout_get_extents (layout, NULL, &logical);
  if (w)
    *w = (double) logical.width / PANGO_SCALE;
  if (h)
    *h = (double) logical.height / PANGO_SCALE;
}

static void
text_draw (Chart *c, PangoLayout *layout, double x, double y, const HbChartColor *color)
{
  cairo_save (c->cr);
  cairo_new_path (c->cr);
  set_color (c->cr, color);
  if (c->st->draw_text)
    c->st->draw_text (c->cr, layout, x, y, c->st->draw_text_data);
  else
    {
      cairo_move_to (c->cr, x, y);
      pango_cairo_show_layout (c->cr, layout);
    }
  cairo_restore (c->cr);
}

/* Draws the frame (clip, background, title). Returns the top of the plot area. */
static double
begin (Chart *c, const char *title)
{
  double pad = c->st->padding, th = 0;

  cairo_save (c->cr);
  cairo_rectangle (c->cr, 0, 0, c->w, c->h);
  cairo_clip (c->cr);
  cairo_new_path (c->cr);
  if (c->st->background.a > 0)
    {
      set_color (c->cr, &c->st->background);
      cairo_paint (c->cr);
    }
  if (title && *title)
    {
      g_autoptr(PangoLayout) l = text_new (c, title, c->st->title_size, TRUE, c->w - 2 * pad);
      text_size (l, NULL, &th);
      text_draw (c, l, pad, pad, &c->st->text);
    }
  return pad + th + pad / 2;
}

static void
end (Chart *c)
{
  cairo_restore (c->cr);
}

static gboolean has_data (const double *values, guint n);
static void draw_empty (Chart *c, double top);

/* Common start of every chart: style (NULL: SCREEN), frame and title. Returns FALSE when
 * the chart is done already (no room, or no data: then it says so). */
static gboolean
open_chart (Chart *c, HbChartStyle *fallback, const char *title, const double *values,
            guint n, double *top)
{
  if (c->st == NULL)
    {
      hb_chart_style_init (fallback, HB_CHART_SCREEN);
      c->st = fallback;
    }
  if (c->w <= 0 || c->h <= 0)
    return FALSE;
  *top = begin (c, title);
  if (n == 0 || values == NULL || !has_data (values, n))
    {
      draw_empty (c, *top);
      end (c);
      return FALSE;
    }
  return TRUE;
}

static gboolean
has_data (const double *values, guint n)
{
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]) && values[i] > 0)
      return TRUE;
  return FALSE;
}

static double
max_value (const double *values, guint n)
{
  double m = 0;
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]) && values[i] > m)
      m = values[i];
  return m;
}

static double
clean_value (double v)
{
  return isfinite (v) && v > 0 ? v : 0;
}

static char *
format_value (double v)
{
  if (fabs (v - round (v)) < 1e-9)
    return g_strdup_printf ("%.0f", v);
  return g_strdup_printf ("%.1f", v);
}

static void
draw_empty (Chart *c, double top)
{
  double pad = c->st->padding, tw, th;
  g_autoptr(PangoLayout) l = text_new (c, hb_chart_empty_text (), c->st->label_size, FALSE,
                                       c->w - 2 * pad);
  HbChartColor dim = c->st->text;

  dim.a *= 0.7;
  text_size (l, &tw, &th);
  text_draw (c, l, MAX (pad, (c->w - tw) / 2), top + MAX (0, (c->h - top - pad - th) / 2), &dim);
}

static void
baseline (Chart *c, double x0, double y0, double x1, double y1)
{
  cairo_save (c->cr);
  set_color (c->cr, &c->st->grid);
  cairo_set_line_width (c->cr, MAX (0.5, c->st->label_size / 18));
  cairo_move_to (c->cr, x0, y0);
  cairo_line_to (c->cr, x1, y1);
  cairo_stroke (c->cr);
  cairo_restore (c->cr);
}

/* --- vertical bars ---------------------------------------------------------------------- */

void
hb_chart_draw_bars (cairo_t *cr, double width, double height, const char *title,
                    const char *const *labels, const double *values, guint n,
                    const HbChartStyle *style)
{
  HbChartStyle fallback;
  Chart c = { cr, style, width, height };
  double pad, top, bottom, slot, label_h = 0, value_h = 0, label_w = 0, vmax;
  guint every = 1;

  g_return_if_fail (cr != NULL);
  if (!open_chart (&c, &fallback, title, values, n, &top))
    return;
  pad = c.st->padding;

  slot = (width - 2 * pad) / n;
  /* Label height and the widest label decide how many labels fit under the bars. */
  for (guint i = 0; labels && i < n; i++)
    {
      g_autoptr(PangoLayout) l = text_new (&c, labels[i], c.st->label_size, FALSE, 0);
      double lw, lh;
      text_size (l, &lw, &lh);
      label_w = MAX (label_w, lw);
      label_h = MAX (label_h, lh);
    }
  if (labels && label_w > 0)
    every = (guint) MAX (1, ceil ((label_w + c.st->label_size * 0.5) / slot));
  if (c.st->show_values)
    {
      g_autoptr(PangoLayout) l = text_new (&c, "0", c.st->value_size, FALSE, 0);
      text_size (l, NULL, &value_h);
    }
  bottom = height - pad - (label_h > 0 ? label_h + pad / 3 : 0);
  top += value_h;
  if (bottom - top < 2)
    {
      end (&c);
      return;
    }
  vmax = max_value (values, n);

  for (guint i = 0; i < n; i++)
    {
      double v = clean_value (values[i]);
      double bh = (bottom - top) * v / vmax;
      double bw = MAX (1, slot * 0.72);
      double x = pad + i * slot + (slot - bw) / 2;

      if (bh > 0)
        {
          set_color (cr, &c.st->bar);
          cairo_rectangle (cr, x, bottom - bh, bw, bh);
          cairo_fill (cr);
        }
      if (c.st->show_values && v > 0)
        {
          g_autofree char *s = format_value (v);
          g_autoptr(PangoLayout) l = text_new (&c, s, c.st->value_size, FALSE, 0);
          double vw;
          text_size (l, &vw, NULL);
          /* Values are shown where they fit (and always on the tallest bar). */
          if (vw <= slot * 1.1 || v == vmax)
            text_draw (&c, l, CLAMP (x + bw / 2 - vw / 2, 0, width - vw), bottom - bh - value_h,
                       &c.st->text);
        }
      if (labels && labels[i] && i % every == 0)
        {
          g_autoptr(PangoLayout) l = text_new (&c, labels[i], c.st->label_size, FALSE,
                                               slot * every);
          double lw;
          text_size (l, &lw, NULL);
          text_draw (&c, l, CLAMP (pad + (i + 0.5) * slot - lw / 2, 0, width - lw),
                     bottom + pad / 3, &c.st->text);
        }
    }
  baseline (&c, pad, bottom, width - pad, bottom);
  end (&c);
}

/* --- horizontal bars -------------------------------------------------------------------- */

void
hb_chart_draw_hbars (cairo_t *cr, double width, double height, const char *title,
                     const char *const *labels, const double *values, guint n,
                     const HbChartStyle *style)
{
  HbChartStyle fallback;
  Chart c = { cr, style, width, height };
  double pad, top, row, label_col = 0, value_col = 0, line_h = 0, vmax, x0, x1;

  g_return_if_fail (cr != NULL);
  if (!open_chart (&c, &fallback, title, values, n, &top))
    return;
  pad = c.st->padding;
  vmax = max_value (values, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PangoLayout) l = text_new (&c, labels ? labels[i] : "", c.st->label_size,
                                           FALSE, 0);
      double lw, lh;
      text_size (l, &lw, &lh);
      label_col = MAX (label_col, lw);
      line_h = MAX (line_h, lh);
      if (c.st->show_values)
        {
          g_autofree char *s = format_value (clean_value (values[i]));
          g_autoptr(PangoLayout) v = text_new (&c, s, c.st->value_size, FALSE, 0);
          text_size (v, &lw, NULL);
          value_col = MAX (value_col, lw);
        }
    }
  label_col = MIN (label_col, (width - 2 * pad) * 0.42);
  x0 = pad + label_col + pad / 2;
  x1 = width - pad - (value_col > 0 ? value_col + pad / 2 : 0);
  /* Rows no taller than a comfortable line pitch; rows that do not fit are not drawn. */
  row = MIN ((height - pad - top) / n, line_h * 1.8);
  if (row < line_h * 0.9 || x1 - x0 < 4)
    row = MAX (row, line_h);

  for (guint i = 0; i < n; i++)
    {
      double v = clean_value (values[i]);
      double y = top + i * row;
      double bh = MAX (1, row * 0.62);
      double bl = (x1 - x0) * v / vmax;

      if (y + row > height - pad / 2 + 0.01)
        break;
      if (labels && labels[i])
        {
          g_autoptr(PangoLayout) l = text_new (&c, labels[i], c.st->label_size, FALSE, label_col);
          double lw, lh;
          text_size (l, &lw, &lh);
          text_draw (&c, l, pad + label_col - lw, y + (row - lh) / 2, &c.st->text);
        }
      if (bl > 0)
        {
          set_color (cr, &c.st->bar);
          cairo_rectangle (cr, x0, y + (row - bh) / 2, bl, bh);
          cairo_fill (cr);
        }
      if (c.st->show_values)
        {
          g_autofree char *s = format_value (v);
          g_autoptr(PangoLayout) l = text_new (&c, s, c.st->value_size, FALSE, 0);
          double lh;
          text_size (l, NULL, &lh);
          text_draw (&c, l, x0 + bl + pad / 2, y + (row - lh) / 2, &c.st->text);
        }
    }
  baseline (&c, x0, top, x0, MIN (top + n * row, height - pad / 2));
  end (&c);
}

/* --- share (100 % bar) ------------------------------------------------------------------ */

static HbChartColor
part_color (const HbChartStyle *st, guint i)
{
  static const double greys[] = { 0.55, 0.75, 0.35, 0.85 };
  if (i == 0)
    return st->bar;
  if (i == 1)
    return st->bar_alt;
  return (HbChartColor) { greys[(i - 2) % 4], greys[(i - 2) % 4], greys[(i - 2) % 4], 1 };
}

void
hb_chart_draw_share (cairo_t *cr, double width, double height, const char *title,
                     const char *const *labels, const double *values, guint n,
                     const HbChartStyle *style)
{
  HbChartStyle fallback;
  Chart c = { cr, style, width, height };
  double pad, top, total = 0, bar_h, x, line_h, legend_y, legend_x;

  g_return_if_fail (cr != NULL);
  if (!open_chart (&c, &fallback, title, values, n, &top))
    return;
  pad = c.st->padding;
  for (guint i = 0; i < n; i++)
    total += clean_value (values[i]);
  {
    g_autoptr(PangoLayout) l = text_new (&c, "100%", c.st->label_size, FALSE, 0);
    text_size (l, NULL, &line_h);
  }
  bar_h = MAX (4, MIN (line_h * 1.8, (height - top - pad) * 0.45));

  x = pad;
  for (guint i = 0; i < n; i++)
    {
      double v = clean_value (values[i]);
      double pw = (width - 2 * pad) * v / total;
      HbChartColor col = part_color (c.st, i);

      if (pw <= 0)
        continue;
      set_color (cr, &col);
      cairo_rectangle (cr, x, top, pw, bar_h);
      cairo_fill (cr);
      {
        g_autofree char *pct = g_strdup_printf ("%.1f%%", 100.0 * v / total);
        g_autoptr(PangoLayout) l = text_new (&c, pct, c.st->value_size, TRUE, 0);
        HbChartColor white = { 1, 1, 1, 1 };
        double tw, th;
        text_size (l, &tw, &th);
        if (tw + pad / 2 < pw)
          text_draw (&c, l, x + (pw - tw) / 2, top + (bar_h - th) / 2, &white);
      }
      x += pw;
    }

  /* Legend: swatch, label, count and share, wrapping to a new line when full. */
  legend_y = top + bar_h + pad / 2;
  legend_x = pad;
  for (guint i = 0; i < n; i++)
    {
      double v = clean_value (values[i]);
      g_autofree char *val = format_value (v);
      g_autofree char *s = g_strdup_printf ("%s %s (%.1f%%)", labels && labels[i] ? labels[i] : "",
                                            val, 100.0 * v / total);
      g_autoptr(PangoLayout) l = text_new (&c, s, c.st->label_size, FALSE,
                                           width - 2 * pad - line_h);
      HbChartColor col = part_color (c.st, i);
      double tw, th, item_w;

      text_size (l, &tw, &th);
      item_w = line_h * 0.8 + pad / 3 + tw + pad;
      if (legend_x > pad && legend_x + item_w > width - pad)
        {
          legend_x = pad;
          legend_y += th * 1.2;
        }
      set_color (cr, &col);
      cairo_rectangle (cr, legend_x, legend_y + (th - line_h * 0.7) / 2, line_h * 0.7,
                       line_h * 0.7);
      cairo_fill (cr);
      text_draw (&c, l, legend_x + line_h * 0.8 + pad / 3, legend_y, &c.st->text);
      legend_x += item_w;
    }
  end (&c);
}
