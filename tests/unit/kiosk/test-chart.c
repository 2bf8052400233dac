/* test-chart.c — kiosk/hb-chart.c: charts drawn onto an image surface; bar heights follow
 * the values, nothing is drawn outside the chart's box, CJK labels have glyphs, and empty
 * data says 暂无数据. PNGs of each chart are kept in the test output folder. */
#include "kiosk/hb-chart.h"
#include "tests/common/hb-test-util.h"

#include <math.h>
#include <string.h>

#define W 640
#define H 360

typedef struct {
  GPtrArray *texts;   /* what was drawn, in order */
  guint      unknown_glyphs;
  double     min_x, min_y, max_x, max_y;  /* extents of drawn text (device space) */
} Recorder;

static void
record_text (cairo_t *cr, PangoLayout *layout, double x, double y, gpointer data)
{
  Recorder *r = data;
  PangoRectangle ink;
  double x0, y0, x1, y1;

  g_ptr_array_add (r->texts, g_strdup (pango_layout_get_text (layout)));
  r->unknown_glyphs += pango_layout_get_unknown_glyphs_count (layout);
  pango_layout_get_pixel_extents (layout, &ink, NULL);
  x0 = x + ink.x;
  y0 = y + ink.y;
  x1 = x0 + ink.width;
  y1 = y0 + ink.height;
  cairo_user_to_device (cr, &x0, &y0);
  cairo_user_to_device (cr, &x1, &y1);
  r->min_x = MIN (r->min_x, x0);
  r->min_y = MIN (r->min_y, y0);
  r->max_x = MAX (r->max_x, x1);
  r->max_y = MAX (r->max_y, y1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
recorder_init (Recorder *r, HbChartStyle *style)
{
  r->texts = g_ptr_array_new_with_free_func (g_free);
  r->unknown_glyphs = 0;
  r->min_x = r->min_y = G_MAXDOUBLE;
  r->max_x = r->max_y = -G_MAXDOUBLE;
  style->draw_text = record_text;
  style->draw_text_data = r;
}

static gboolean
drew (Recorder *r, const char *text)
{
  for (guint i = 0; i < r->texts->len; i++)
    if (strstr (r->texts->pdata[i], text))
      return TRUE;
  return FALSE;
}

static void
save_png (cairo_surface_t *surface, const char *name)
{
  g_autofree char *path = hb_test_output_path (name);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
}

/* A pure-colour style so bars can be found by pixel. */
static void
test_style (HbChartStyle *st, HbChartPreset preset)
{
  hb_chart_style_init (st, preset);
  st->background = (HbChartColor) { 1, 1, 1, 1 };
  st->bar = (HbChartColor) { 0, 0, 1, 1 };
  st->bar_alt = (HbChartColor) { 1, 0, 0, 1 };
}

static gboolean
is_bar (const guint8 *px)   /* ARGB32 little-endian: B G R A */
{
  return px[0] > 200 && px[1] < 60 && px[2] < 60;
}

/* Height in pixels of the bar colour in column x. */
static int
bar_pixels (cairo_surface_t *s, int x)
{
  const guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s), n = 0;

  for (int y = 0; y < cairo_image_surface_get_height (s); y++)
    if (is_bar (data + y * stride + x * 4))
      n++;
  return n;
}

static void
test_bar_heights_follow_the_values (void)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (s);
  const char *labels[] = { "周一", "周二", "周三", "周四", NULL };
  const double values[] = { 1, 8, 4, 2 };
  HbChartStyle st;
  Recorder rec;
  int heights[4], tallest = 0;

  test_style (&st, HB_CHART_SCREEN);
  recorder_init (&rec, &st);
  hb_chart_draw_bars (cr, W, H, "每日访问量", labels, values, 4, &st);
  cairo_surface_flush (s);
  save_png (s, "chart-bars.png");

  /* Sample each bar at its slot's centre. */
  for (int i = 0; i < 4; i++)
    {
      double slot = (W - 2 * st.padding) / 4;
      heights[i] = bar_pixels (s, (int) (st.padding + (i + 0.5) * slot));
      if (heights[i] > heights[tallest])
        tallest = i;
    }
  g_assert_cmpint (tallest, ==, 1);
  g_assert_cmpint (heights[1], >, H / 3);
  /* proportional within a pixel or two */
  g_assert_cmpint (ABS (heights[2] * 2 - heights[1]), <=, 3);
  g_assert_cmpint (ABS (heights[0] * 8 - heights[1]), <=, 16);
  g_assert_cmpint (ABS (heights[3] * 4 - heights[1]), <=, 5);
  /* between the bars: background */
  g_assert_cmpint (bar_pixels (s, (int) st.padding + 1), ==, 0);

  g_assert_true (drew (&rec, "每日访问量"));
  g_assert_true (drew (&rec, "周二"));
  g_assert_true (drew (&rec, "8"));
  g_assert_cmpuint (rec.unknown_glyphs, ==, 0);

  g_ptr_array_unref (rec.texts);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* Translated into a bigger surface with long labels: every pixel outside the box stays
 * untouched (transparent), text included. */
static void
check_nothing_outside (void (*draw) (cairo_t *, double, double, const char *,
                                     const char *const *, const double *, guint,
                                     const HbChartStyle *),
                       const char *png)
{
  const int bx = 50, by = 40, bw = 300, bh = 160;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 260);
  cairo_t *cr = cairo_create (s);
  const char *labels[] = {
    "居住证签注（居住证有效期延长）一个非常非常长的服务名称用来测试省略号",
    "社会保险缴费证明打印", "x", NULL };
  const double values[] = { 12345678, 3, 0 };
  HbChartStyle st;
  const guint8 *data;
  int stride;

  hb_chart_style_init (&st, HB_CHART_ELDER);   /* the largest text */
  cairo_translate (cr, bx, by);
  draw (cr, bw, bh,
        "一个超出图表宽度很多很多的标题文字，一个超出图表宽度很多很多的标题文字",
        labels, values, 3, &st);
  cairo_surface_flush (s);
  save_png (s, png);

  data = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < 260; y++)
    for (int x = 0; x < 400; x++)
      if (x < bx || x >= bx + bw || y < by || y >= by + bh)
        {
          guint32 px = *(const guint32 *) (const void *) (data + y * stride + x * 4);
          if (px != 0)
            g_error ("%s: pixel (%d, %d) outside the box was drawn", png, x, y);
        }
  /* and something was drawn inside */
  {
    gboolean any = FALSE;
    for (int y = by; y < by + bh && !any; y++)
      for (int x = bx; x < bx + bw && !any; x++)
        any = *(const guint32 *) (const void *) (data + y * stride + x * 4) != 0;
    g_assert_true (any);
  }
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_nothing_is_drawn_outside_the_box (void)
{
  check_nothing_outside (hb_chart_draw_bars, "chart-clip-bars.png");
  check_nothing_outside (hb_chart_draw_hbars, "chart-clip-hbars.png");
  check_nothing_outside (hb_chart_draw_share, "chart-clip-share.png");
}

static void
test_empty_data_says_no_data (void)
{
  const double zeros[] = { 0, 0, 0 };
  const char *labels[] = { "a", "b", "c", NULL };
  void (*draws[]) (cairo_t *, double, double, const char *, const char *const *,
                   const double *, guint, const HbChartStyle *) = {
    hb_chart_draw_bars, hb_chart_draw_hbars, hb_chart_draw_share };

  for (guint k = 0; k < G_N_ELEMENTS (draws); k++)
    for (guint n = 0; n <= 3; n += 3)
      {
        cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
        cairo_t *cr = cairo_create (s);
        HbChartStyle st;
        Recorder rec;

        test_style (&st, HB_CHART_SCREEN);
        recorder_init (&rec, &st);
        draws[k] (cr, W, H, "办不成事原因", labels, n ? zeros : NULL, n, &st);
        cairo_surface_flush (s);
        if (k == 0 && n == 0)
          save_png (s, "chart-empty.png");
        g_assert_true (drew (&rec, "暂无数据"));
        g_assert_true (drew (&rec, "办不成事原因"));
        /* no bars, no labels of absent data */
        g_assert_false (drew (&rec, "b"));
        for (int x = 0; x < W; x += 7)
          g_assert_cmpint (bar_pixels (s, x), ==, 0);
        /* the message sits in the middle half of the box */
        g_assert_cmpfloat (rec.max_y, >, H / 4.0);
        g_assert_cmpfloat (rec.max_x, <, W);
        g_assert_cmpuint (rec.unknown_glyphs, ==, 0);
        g_ptr_array_unref (rec.texts);
        cairo_destroy (cr);
        cairo_surface_destroy (s);
      }
}

static void
test_hbars_rank_with_labels_and_values (void)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (s);
  const char *labels[] = { "材料不全", "不会操作", "设备故障", NULL };
  const double values[] = { 6, 3, 1 };
  const guint8 *data;
  int stride, widths[3] = { 0 }, row = 0;
  HbChartStyle st;
  Recorder rec;

  test_style (&st, HB_CHART_SCREEN);
  recorder_init (&rec, &st);
  hb_chart_draw_hbars (cr, W, H, "办不成事原因", labels, values, 3, &st);
  cairo_surface_flush (s);
  save_png (s, "chart-hbars.png");
  for (guint i = 0; i < 3; i++)
    g_assert_true (drew (&rec, labels[i]));
  g_assert_true (drew (&rec, "6"));
  g_assert_cmpuint (rec.unknown_glyphs, ==, 0);

  /* Bar lengths by row (rows top to bottom in the order given). */
  data = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < H && row < 3; y++)
    {
      int n = 0;
      for (int x = 0; x < W; x++)
        n += is_bar (data + y * stride + x * 4);
      if (n > 0)
        {
          widths[row] = MAX (widths[row], n);
          /* skip the rest of this bar */
          int yy = y;
          while (yy < H)
            {
              int m = 0;
              for (int x = 0; x < W; x++)
                m += is_bar (data + yy * stride + x * 4);
              if (m == 0)
                break;
              yy++;
            }
          y = yy;
          row++;
        }
    }
  g_assert_cmpint (row, ==, 3);
  g_assert_cmpint (widths[0], >, widths[1]);
  g_assert_cmpint (widths[1], >, widths[2]);
  g_assert_cmpint (ABS (widths[1] * 2 - widths[0]), <=, 3);

  g_ptr_array_unref (rec.texts);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_share_shows_percentages (void)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, 200);
  cairo_t *cr = cairo_create (s);
  const char *labels[] = { "完成", "放弃", NULL };
  const double values[] = { 3, 1 };
  const guint8 *data;
  int stride, blue = 0, red = 0;
  HbChartStyle st;
  Recorder rec;

  test_style (&st, HB_CHART_SCREEN);
  recorder_init (&rec, &st);
  hb_chart_draw_share (cr, W, 200, "完成与放弃", labels, values, 2, &st);
  cairo_surface_flush (s);
  save_png (s, "chart-share.png");
  g_assert_true (drew (&rec, "75.0%"));
  g_assert_true (drew (&rec, "完成 3 (75.0%)"));
  g_assert_true (drew (&rec, "放弃 1 (25.0%)"));

  /* One row through the bar: three quarters blue, one quarter red. */
  data = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  {
    /* the bar's first rows are above its text */
    int y = 0;
    for (y = 0; y < 200; y++)
      if (is_bar (data + y * stride + (int) (st.padding + 2) * 4))
        break;
    g_assert_cmpint (y, <, 200);
    for (int x = 0; x < W; x++)
      {
        const guint8 *px = data + (y + 1) * stride + x * 4;
        blue += is_bar (px);
        red += px[2] > 200 && px[1] < 60 && px[0] < 60;
      }
  }
  g_assert_cmpint (ABS (blue - 3 * red), <=, 4);
  g_ptr_array_unref (rec.texts);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_many_day_labels_are_thinned_not_overlapped (void)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 480, 240);
  cairo_t *cr = cairo_create (s);
  char *labels[32];
  double values[31];
  HbChartStyle st;
  Recorder rec;

  for (int i = 0; i < 31; i++)
    {
      labels[i] = g_strdup_printf ("11-%02d", i + 1);
      values[i] = (i * 7) % 11;
    }
  labels[31] = NULL;
  test_style (&st, HB_CHART_SCREEN);
  recorder_init (&rec, &st);
  hb_chart_draw_bars (cr, 480, 240, "每日", (const char *const *) labels, values, 31, &st);
  cairo_surface_flush (s);
  save_png (s, "chart-days.png");
  g_assert_true (drew (&rec, "11-01"));
  /* fewer than all 31 labels fit at 480 px; some are shown */
  {
    guint n = 0;
    for (guint i = 0; i < rec.texts->len; i++)
      n += g_str_has_prefix (rec.texts->pdata[i], "11-");
    g_assert_cmpuint (n, >=, 4);
    g_assert_cmpuint (n, <, 31);
  }
  for (int i = 0; i < 31; i++)
    g_free (labels[i]);
  g_ptr_array_unref (rec.texts);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_null_style_and_odd_values_are_safe (void)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 100, 60);
  cairo_t *cr = cairo_create (s);
  const double odd[] = { -3, INFINITY, NAN, 2 };

  hb_chart_draw_bars (cr, 100, 60, NULL, NULL, odd, 4, NULL);
  hb_chart_draw_hbars (cr, 100, 60, "t", NULL, odd, 4, NULL);
  hb_chart_draw_share (cr, 100, 60, "t", NULL, odd, 4, NULL);
  hb_chart_draw_bars (cr, 0, 0, "t", NULL, odd, 4, NULL);
  hb_chart_draw_bars (cr, 3, 3, "t", NULL, odd, 4, NULL);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/chart/bar-heights-follow-the-values-tallest-is-the-largest",
                   test_bar_heights_follow_the_values);
  g_test_add_func ("/kiosk/chart/nothing-is-drawn-outside-the-box",
                   test_nothing_is_drawn_outside_the_box);
  g_test_add_func ("/kiosk/chart/empty-data-says-no-data", test_empty_data_says_no_data);
  g_test_add_func ("/kiosk/chart/hbars-rank-with-cjk-labels-and-values",
                   test_hbars_rank_with_labels_and_values);
  g_test_add_func ("/kiosk/chart/share-shows-parts-and-percentages",
                   test_share_shows_percentages);
  g_test_add_func ("/kiosk/chart/many-day-labels-are-thinned", test_many_day_labels_are_thinned_not_overlapped);
  g_test_add_func ("/kiosk/chart/null-style-and-odd-values-are-safe",
                   test_null_style_and_odd_values_are_safe);
  return g_test_run ();
}
