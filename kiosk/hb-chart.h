/* hb-chart.h — simple charts drawn with cairo and pango onto any cairo_t: the maintenance
 * dashboard (a GtkDrawingArea) and the monthly operations report (PDF) use the same code.
 *
 * Each chart fills the box (0, 0, width, height) of the current user space — translate
 * first to place it — and never draws outside it (it clips to the box). Labels are laid
 * out with pango (CJK: Noto Sans CJK SC, the documents' font). With no data (n == 0, or
 * every value 0) the chart draws its title and "暂无数据". No GTK here. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

typedef struct {
  double r, g, b, a;
} HbChartColor;

/* Called to draw each text layout at (x, y) (its top-left) in the current source colour.
 * NULL: pango_cairo_show_layout. The PDF report passes one that draws through its font
 * subsets (kiosk/hb-pdf-text.h). */
typedef void (*HbChartTextFunc) (cairo_t *cr, PangoLayout *layout, double x, double y,
                                 gpointer user_data);

typedef struct {
  const char  *font_family;     /* NULL: "Noto Sans CJK SC" */
  double       title_size;      /* in user units (px on screen, pt in print) */
  double       label_size;
  double       value_size;
  double       padding;
  HbChartColor background;      /* a == 0: nothing painted behind the chart */
  HbChartColor text;
  HbChartColor bar;             /* the bars (the first part of a share chart) */
  HbChartColor bar_alt;         /* the second part of a share chart */
  HbChartColor grid;            /* axis and frame lines */
  gboolean     show_values;     /* value above/after each bar */
  PangoContext *pango_context;  /* NULL: pango_cairo_create_layout (cr) */
  HbChartTextFunc draw_text;    /* NULL: pango_cairo_show_layout */
  gpointer     draw_text_data;
} HbChartStyle;

typedef enum {
  HB_CHART_SCREEN,   /* 1080p dashboard: 20 px labels */
  HB_CHART_ELDER,    /* 长辈模式: larger text, stronger contrast */
  HB_CHART_PRINT,    /* A4 in points: 8 pt labels, black on white, print-safe greys/blue */
} HbChartPreset;

/* Fill style with the defaults of a preset. */
void hb_chart_style_init (HbChartStyle *style, HbChartPreset preset);

/* Vertical bars, one per label (labels under the bars; when they do not fit, every k-th
 * label is shown). For visits per hour (24) and per day (28..31). style NULL: SCREEN. */
void hb_chart_draw_bars (cairo_t *cr, double width, double height, const char *title,
                         const char *const *labels, const double *values, guint n,
                         const HbChartStyle *style);

/* Horizontal bars, labels on the left (ellipsized when long), most important first as
 * given. For top services, 办不成事 reasons, ratings. */
void hb_chart_draw_hbars (cairo_t *cr, double width, double height, const char *title,
                          const char *const *labels, const double *values, guint n,
                          const HbChartStyle *style);

/* One 100 % bar split between parts (e.g. 完成 / 放弃), each with its share in % and a
 * legend. Colours: bar, bar_alt, then greys. */
void hb_chart_draw_share (cairo_t *cr, double width, double height, const char *title,
                          const char *const *labels, const double *values, guint n,
                          const HbChartStyle *style);

/* The text shown when there is no data (already translated). */
const char *hb_chart_empty_text (void);

G_END_DECLS
