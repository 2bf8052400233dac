/* hb-ops-report.c — the monthly operations report (运营报告): two A4 pages laid out in two
 * passes like the other documents (measure: collect the glyphs for the font subsets; draw).
 * Page 1: key figures, visits per day and per hour, completion vs abandonment. Page 2: top
 * services, 办不成事 reasons, ratings, device availability, outbox delivery delays. */
#include "kiosk/hb-ops-report.h"
#include "kiosk/hb-chart.h"
#include "kiosk/hb-document-private.h"
#include "offline-cache/hb-outbox.h"

#include <json-glib/json-glib.h>

#include <math.h>
#include <string.h>

#define MM(v)        HB_DOCUMENT_MM (v)
#define PAGE_W       595.2756
#define PAGE_H       841.8898
#define MARGIN_X     MM (18)
#define MARGIN_TOP   MM (15)
#define MARGIN_BOT   MM (14)
#define TITLE_PT     17
#define HEAD_PT      11
#define BODY_PT      9.5
#define SMALL_PT     8
#define N_PAGES      2
#define TOP_SERVICES 10
#define TOP_REASONS  8
#define MAX_DEVICES  8
#define ID_MAX_BYTES 64

typedef struct {
  const HbOpsReport *r;
  const HbUsageSummary *s;
  PangoContext *pc;
  cairo_t      *cr;        /* NULL while measuring */
  cairo_t      *scratch;   /* charts draw here while measuring (a recording surface) */
  double        content_w, y;
  guint         page;
  char         *month_title;   /* "2026年11月" */
  char         *generated;     /* "2026-12-01 08:00" */
} Ops;

/* --- text ------------------------------------------------------------------------------- */

static PangoLayout *
text (Ops *o, const char *s, double pt, gboolean bold, double width, PangoAlignment align)
{
  return hb_document_layout_new (o->pc, s, pt, bold, width, align, width > 0 ? pt * 1.5 * 2 : 0);
}

/* Draw (or measure) s at (x, y); returns its height. */
static double
put (Ops *o, const char *s, double pt, gboolean bold, double x, double y, double width,
     PangoAlignment align, double grey)
{
  g_autoptr(PangoLayout) l = text (o, s, pt, bold, width, align);
  hb_document_draw_layout (o->cr, l, x, y, grey, 1.0);
  return hb_document_layout_height (l);
}

static void
rule (Ops *o, double y, double width, double grey)
{
  if (o->cr == NULL)
    return;
  cairo_save (o->cr);
  cairo_set_source_rgb (o->cr, grey, grey, grey);
  cairo_set_line_width (o->cr, width);
  cairo_move_to (o->cr, MARGIN_X, y);
  cairo_line_to (o->cr, MARGIN_X + o->content_w, y);
  cairo_stroke (o->cr);
  cairo_restore (o->cr);
}

/* The charts' text goes through the document's font subsets like every other text. */
static void
chart_text (cairo_t *cr, PangoLayout *layout, double x, double y, gpointer data)
{
  Ops *o = data;
  double r = 0, g = 0, b = 0, a = 1;

  cairo_pattern_get_rgba (cairo_get_source (cr), &r, &g, &b, &a);
  hb_document_draw_layout (o->cr ? cr : NULL, layout, x, y,
                           CLAMP (0.30 * r + 0.59 * g + 0.11 * b, 0, 1), 1.0);
}

typedef void (*ChartFunc) (cairo_t *, double, double, const char *, const char *const *,
                           const double *, guint, const HbChartStyle *);

static void
chart (Ops *o, ChartFunc draw, double height, const char *title, const char *const *labels,
       const double *values, guint n)
{
  HbChartStyle st;
  cairo_t *cr = o->cr ? o->cr : o->scratch;

  hb_chart_style_init (&st, HB_CHART_PRINT);
  st.font_family = HB_DOCUMENT_FONT_FAMILY;
  st.title_size = HEAD_PT - 1;
  st.padding = MM (1.5);
  st.pango_context = o->pc;
  st.draw_text = chart_text;
  st.draw_text_data = o;
  cairo_save (cr);
  cairo_translate (cr, MARGIN_X, o->y);
  draw (cr, o->content_w, height, title, labels, values, n, &st);
  cairo_restore (cr);
  o->y += height + MM (4);
}

/* --- formatting ------------------------------------------------------------------------- */

static char *
format_duration (gint64 s)
{
  if (s < 60)
    return g_strdup_printf ("%" G_GINT64_FORMAT " 秒", s);
  if (s < 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT " 分 %" G_GINT64_FORMAT " 秒", s / 60, s % 60);
  if (s < 86400)
    return g_strdup_printf ("%" G_GINT64_FORMAT " 小时 %" G_GINT64_FORMAT " 分", s / 3600,
                            (s % 3600) / 60);
  return g_strdup_printf ("%" G_GINT64_FORMAT " 天 %" G_GINT64_FORMAT " 小时", s / 86400,
                          (s % 86400) / 3600);
}

static const char *
device_name (const char *kind)
{
  if (g_strcmp0 (kind, "idcard") == 0)
    return "身份证读卡器";
  if (g_strcmp0 (kind, "scanner") == 0)
    return "扫码器";
  if (g_strcmp0 (kind, "printer") == 0)
    return "A4 打印机";
  if (g_strcmp0 (kind, "receipt-printer") == 0)
    return "小票打印机";
  return kind;
}

static const char *
service_name (Ops *o, const char *code)
{
  const char *name = o->r->service_names ? g_hash_table_lookup (o->r->service_names, code)
                                         : NULL;
  return name && *name ? name : code;
}

/* --- page furniture --------------------------------------------------------------------- */

static void
page_header (Ops *o)
{
  g_autofree char *left = g_strdup_printf ("好办自助终端运营报告 · 终端 %s", o->r->terminal_id);
  double half = o->content_w / 2;

  o->y = MARGIN_TOP;
  put (o, left, SMALL_PT, FALSE, MARGIN_X, o->y, half + MM (20), PANGO_ALIGN_LEFT, 0.35);
  o->y += put (o, o->month_title, SMALL_PT, FALSE, MARGIN_X + half, o->y, half,
               PANGO_ALIGN_RIGHT, 0.35) + MM (1.5);
  rule (o, o->y, 0.6, 0.6);
  o->y += MM (4);
}

static void
page_footer (Ops *o)
{
  g_autofree char *page = g_strdup_printf ("第 %u 页 / 共 %u 页", o->page, N_PAGES);
  double y = PAGE_H - MARGIN_BOT;

  rule (o, y - MM (2), 0.6, 0.6);
  put (o, "本报告由终端根据本机使用计数生成，不含任何个人信息。", SMALL_PT, FALSE, MARGIN_X, y,
       o->content_w * 0.75, PANGO_ALIGN_LEFT, 0.35);
  put (o, page, SMALL_PT, FALSE, MARGIN_X, y, o->content_w, PANGO_ALIGN_RIGHT, 0.35);
  if (o->cr != NULL)
    cairo_show_page (o->cr);
}

static void
section (Ops *o, const char *title)
{
  o->y += put (o, title, HEAD_PT, TRUE, MARGIN_X, o->y, o->content_w, PANGO_ALIGN_LEFT, 0)
          + MM (1.5);
}

/* Lines in two columns, each "label value" in one layout (so text extraction keeps them
 * together: "完成率 75.0%"). */
static void
figures (Ops *o, char **lines)
{
  guint n = g_strv_length (lines);
  double col = o->content_w / 2, line_h = 0;

  for (guint i = 0; i < n; i++)
    {
      double h = put (o, lines[i], BODY_PT + 0.5, FALSE, MARGIN_X + (i % 2) * col,
                      o->y + (i / 2) * (BODY_PT * 1.9), col - MM (3), PANGO_ALIGN_LEFT, 0);
      line_h = MAX (line_h, h);
    }
  o->y += ((n + 1) / 2) * (BODY_PT * 1.9) + MM (3);
}

/* --- page 1 ----------------------------------------------------------------------------- */

static void
page_one (Ops *o)
{
  const HbUsageSummary *s = o->s;
  g_autofree char *title = g_strdup_printf ("运营报告 %s", o->month_title);
  g_autofree char *sub = g_strdup_printf ("终端编号 %s　　统计月份 %s　　生成时间 %s",
                                          o->r->terminal_id, o->r->month, o->generated);
  g_autofree char *median = format_duration (s->visit_median_s);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char **day_labels = g_new0 (char *, s->n_days + 1);
  g_autofree double *day_values = g_new0 (double, MAX (s->n_days, 1));
  char *hour_labels[25] = { 0 };
  double hour_values[24];
  const char *share_labels[] = { "完成", "放弃", NULL };
  double share_values[2] = { s->completed, s->abandoned };

  o->page = 1;
  page_header (o);
  o->y += put (o, title, TITLE_PT, TRUE, MARGIN_X, o->y, o->content_w, PANGO_ALIGN_CENTER, 0)
          + MM (2);
  o->y += put (o, sub, BODY_PT, FALSE, MARGIN_X, o->y, o->content_w, PANGO_ALIGN_CENTER, 0.3)
          + MM (6);

  section (o, "一、概况");
  g_ptr_array_add (lines, g_strdup_printf ("访问人次 %u", s->visits));
  g_ptr_array_add (lines, g_strdup_printf ("提交申请 %u 件", s->submissions));
  g_ptr_array_add (lines, g_strdup_printf ("完成率 %.1f%%（%u/%u）", 100 * s->completion_rate,
                                           s->completed, s->completed + s->abandoned));
  g_ptr_array_add (lines, g_strdup_printf ("放弃率 %.1f%%（%u/%u）", 100 * s->abandon_rate,
                                           s->abandoned, s->completed + s->abandoned));
  g_ptr_array_add (lines, g_strdup_printf ("办理时长中位数 %s", median));
  g_ptr_array_add (lines, g_strdup_printf ("办不成事反馈 %u 条", s->reports));
  if (s->n_ratings > 0)
    g_ptr_array_add (lines, g_strdup_printf ("评价 %u 条，平均 %.1f 分", s->n_ratings,
                                             s->rating_mean));
  else
    g_ptr_array_add (lines, g_strdup ("评价 0 条"));
  g_ptr_array_add (lines, g_strdup_printf ("回传 %u 件", s->deliveries));
  g_ptr_array_add (lines, NULL);
  figures (o, (char **) lines->pdata);

  section (o, "二、访问量");
  for (guint i = 0; i < s->n_days; i++)
    {
      day_labels[i] = g_strdup_printf ("%u", i + 1);
      day_values[i] = s->visits_per_day[i];
    }
  chart (o, hb_chart_draw_bars, MM (52), "每日访问人次", (const char *const *) day_labels,
         day_values, s->n_days);
  for (guint h = 0; h < 24; h++)
    {
      hour_labels[h] = g_strdup_printf ("%u", h);
      hour_values[h] = s->visits_per_hour[h];
    }
  chart (o, hb_chart_draw_bars, MM (52), "各时段访问人次（时）",
         (const char *const *) hour_labels, hour_values, 24);
  chart (o, hb_chart_draw_share, MM (24), "完成与放弃", share_labels, share_values, 2);

  for (guint i = 0; i < s->n_days; i++)
    g_free (day_labels[i]);
  for (guint h = 0; h < 24; h++)
    g_free (hour_labels[h]);
  page_footer (o);
}

/* --- page 2 ----------------------------------------------------------------------------- */

static void
table_row (Ops *o, const char *const *cells, const double *widths, guint n, gboolean header)
{
  double x = MARGIN_X, h = 0;

  for (guint i = 0; i < n; i++)
    {
      h = MAX (h, put (o, cells[i], BODY_PT, header, x, o->y, widths[i] - MM (2),
                       i == 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT, header ? 0.3 : 0));
      x += widths[i];
    }
  o->y += h + MM (1);
  if (header)
    {
      rule (o, o->y - MM (0.5), 0.4, 0.7);
      o->y += MM (0.5);
    }
}

static void
page_two (Ops *o)
{
  const HbUsageSummary *s = o->s;
  guint n_top = MIN (s->n_services, TOP_SERVICES), n_reasons = MIN (s->n_reasons, TOP_REASONS);
  const char *svc_labels[TOP_SERVICES + 1] = { 0 };
  double svc_values[TOP_SERVICES];
  const char *reason_labels[TOP_REASONS + 1] = { 0 };
  double reason_values[TOP_REASONS];
  const char *rating_labels[] = { "5 分 非常满意", "4 分 满意", "3 分 基本满意", "2 分 不满意",
                                  "1 分 非常不满意", NULL };
  double rating_values[5];
  const double dev_w[] = { o->content_w * 0.34, o->content_w * 0.22, o->content_w * 0.22,
                           o->content_w * 0.22 };
  const char *dev_head[] = { "设备", "可用率", "故障次数", "有记录时长" };

  o->page = 2;
  page_header (o);

  section (o, "三、服务与反馈");
  for (guint i = 0; i < n_top; i++)
    {
      svc_labels[i] = service_name (o, s->services[i].key);
      svc_values[i] = s->services[i].count;
    }
  chart (o, hb_chart_draw_hbars, MM (10) + MM (5) * MAX (n_top, 3), "热门服务（选择次数）",
         svc_labels, svc_values, n_top);
  for (guint i = 0; i < n_reasons; i++)
    {
      reason_labels[i] = s->reasons[i].key;
      reason_values[i] = s->reasons[i].count;
    }
  chart (o, hb_chart_draw_hbars, MM (10) + MM (5) * MAX (n_reasons, 3), "办不成事原因",
         reason_labels, reason_values, n_reasons);
  for (guint i = 0; i < 5; i++)
    rating_values[i] = s->ratings[4 - i];
  chart (o, hb_chart_draw_hbars, MM (10) + MM (5) * 5, "评价分布", rating_labels,
         rating_values, s->n_ratings > 0 ? 5 : 0);

  section (o, "四、设备可用率");
  if (s->n_devices == 0)
    o->y += put (o, "本月无设备状态记录。", BODY_PT, FALSE, MARGIN_X, o->y, o->content_w,
                 PANGO_ALIGN_LEFT, 0.3) + MM (2);
  else
    {
      table_row (o, dev_head, dev_w, 4, TRUE);
      for (guint i = 0; i < MIN (s->n_devices, MAX_DEVICES); i++)
        {
          const HbUsageDevice *d = &s->devices[i];
          /* No observed time (e.g. the month has just begun): no figure rather than 0 %. */
          g_autofree char *avail = d->observed_s > 0
                                   ? g_strdup_printf ("%.1f%%", 100 * d->availability)
                                   : g_strdup ("—");
          g_autofree char *outages = g_strdup_printf ("%u", d->outages);
          g_autofree char *observed = format_duration (d->observed_s);
          const char *cells[] = { device_name (d->kind), avail, outages, observed };
          table_row (o, cells, dev_w, 4, FALSE);
        }
      o->y += MM (3);
    }

  section (o, "五、离线回传延迟");
  if (s->deliveries == 0)
    o->y += put (o, "本月没有回传记录。", BODY_PT, FALSE, MARGIN_X, o->y, o->content_w,
                 PANGO_ALIGN_LEFT, 0.3);
  else
    {
      g_autofree char *med = format_duration (s->delay_median_s);
      g_autofree char *p95 = format_duration (s->delay_p95_s);
      g_autofree char *max = format_duration (s->delay_max_s);
      g_autofree char *n = g_strdup_printf ("回传 %u 件", s->deliveries);
      g_autofree char *l1 = g_strdup_printf ("中位数 %s", med);
      g_autofree char *l2 = g_strdup_printf ("95 分位 %s", p95);
      g_autofree char *l3 = g_strdup_printf ("最长 %s", max);
      char *lines[] = { n, l1, l2, l3, NULL };
      figures (o, lines);
      put (o, "延迟：从提交（入队）到平台确认收到的时间；断网期间提交的件在恢复后补传。",
           SMALL_PT, FALSE, MARGIN_X, o->y - MM (1), o->content_w, PANGO_ALIGN_LEFT, 0.35);
    }
  page_footer (o);
}

/* --- render ----------------------------------------------------------------------------- */

static gboolean
valid (const HbOpsReport *r, GError **error)
{
  gint64 from, to;

  if (r == NULL || r->summary == NULL)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "operations report: no counters");
      return FALSE;
    }
  if (r->terminal_id == NULL || *r->terminal_id == '\0' || strlen (r->terminal_id) > ID_MAX_BYTES
      || !g_utf8_validate (r->terminal_id, -1, NULL))
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "operations report: missing or overlong terminal id");
      return FALSE;
    }
  if (!hb_usage_parse_month (r->month, &from, &to))
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "operations report: month must be YYYY-MM");
      return FALSE;
    }
  return TRUE;
}

static void
ops_pass (Ops *o)
{
  page_one (o);
  page_two (o);
}

GBytes *
hb_ops_report_render (const HbOpsReport *report, GError **error)
{
  Ops o = { 0 };
  g_autoptr(GDateTime) now = NULL;
  GDateTime *generated;
  HbDocumentPdfSink sink;
  cairo_surface_t *surface, *scratch;
  cairo_status_t status;
  g_autofree char *doc_title = NULL;
  GBytes *pdf;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!valid (report, error))
    return NULL;
  o.r = report;
  o.s = report->summary;
  o.content_w = PAGE_W - 2 * MARGIN_X;
  o.pc = hb_document_pango_context_new (error);
  if (o.pc == NULL)
    return NULL;
  generated = report->generated_at;
  if (generated == NULL)
    generated = now = g_date_time_new_now_local ();
  o.generated = g_date_time_format (generated, "%Y-%m-%d %H:%M");
  o.month_title = g_strdup_printf ("%.4s年%s月", report->month,
                                   report->month[5] == '0' ? report->month + 6
                                                           : report->month + 5);
  doc_title = g_strdup_printf ("运营报告 %s %s", report->terminal_id, report->month);

  /* Measure: every layout is shown to the font subsets (charts draw onto a scratch
   * surface meanwhile). */
  scratch = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  o.scratch = cairo_create (scratch);
  ops_pass (&o);
  cairo_destroy (o.scratch);
  cairo_surface_destroy (scratch);
  o.scratch = NULL;

  surface = hb_document_pdf_surface_new (&sink, PAGE_W, PAGE_H, doc_title, generated);
  o.cr = cairo_create (surface);
  ops_pass (&o);
  status = cairo_status (o.cr);
  cairo_destroy (o.cr);
  o.cr = NULL;
  pdf = hb_document_pdf_finish (&sink, surface, status, error);

  g_free (o.generated);
  g_free (o.month_title);
  g_object_unref (o.pc);
  return pdf;
}

/* --- upload ----------------------------------------------------------------------------- */

char *
hb_ops_report_upload_body (const char *terminal, const char *month, GBytes *pdf,
                           const char *key, char **key_out)
{
  gsize n = g_bytes_get_size (pdf);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (pdf, NULL), n);
  g_autofree char *derived = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *generated = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  if (key == NULL)
    {
      g_autofree char *seed = g_strdup_printf ("%s|%s|%s", terminal, month, sha);
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);
      key = derived = g_strdup_printf ("opsreport-%.40s", digest);
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "idempotency_key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, terminal);
  json_builder_set_member_name (b, "month");
  json_builder_add_string_value (b, month);
  json_builder_set_member_name (b, "generated_at");
  json_builder_add_string_value (b, generated);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64) n);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha);
  json_builder_set_member_name (b, "pdf_base64");
  json_builder_add_string_value (b, b64);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  if (key_out)
    *key_out = g_strdup (key);
  return json_generator_to_data (gen, NULL);
}

char *
hb_ops_report_auto_key (const char *terminal, const char *month)
{
  g_autofree char *seed = g_strdup_printf ("auto|%s|%s", terminal, month);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);
  return g_strdup_printf ("opsreport-auto-%.40s", digest);
}

char *
hb_ops_report_previous_month (gint64 now)
{
  gint64 from, to;
  g_autoptr(GDateTime) start = NULL;

  hb_usage_month_bounds (now, &from, &to);
  hb_usage_month_bounds (from - 1, &from, &to);
  start = g_date_time_new_from_unix_local (from);
  return g_date_time_format (start, "%Y-%m");
}

static gboolean
summary_is_empty (const HbUsageSummary *s)
{
  return s->visits == 0 && s->completed == 0 && s->abandoned == 0 && s->n_services == 0
         && s->reports == 0 && s->n_ratings == 0 && s->n_devices == 0 && s->deliveries == 0;
}

char *
hb_ops_report_build_upload (HbUsage *usage, const char *terminal, const char *month,
                            GHashTable *service_names, const char *key, GError **error)
{
  g_autoptr(HbUsageSummary) summary = NULL;
  g_autoptr(GBytes) pdf = NULL;
  gint64 from, to;
  char *body;

  if (!hb_usage_parse_month (month, &from, &to))
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "operations report: month must be YYYY-MM");
      return NULL;
    }
  summary = hb_usage_summarize (usage, from, to, error);
  if (summary == NULL)
    return NULL;
  if (summary_is_empty (summary))
    return NULL;
  {
    HbOpsReport report = { terminal, month, summary, NULL, service_names };
    pdf = hb_ops_report_render (&report, error);
  }
  if (pdf == NULL)
    return NULL;
  body = hb_ops_report_upload_body (terminal, month, pdf, key, NULL);
  if (strlen (body) > HB_OUTBOX_BODY_MAX)
    {
      g_free (body);
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_RENDER,
                   "operations report: the PDF is too large to upload");
      return NULL;
    }
  return body;
}
