/* bench-document.c — PDF render time of the documents the terminal prints.
 *
 * Receipt (A4 and 80 mm, the sample of tests/unit/kiosk/test-document.c with next steps),
 * a certificate (100-row table, 3 pages) and a watermarked licence copy (same data). Peer
 * in the same run: the floor of any such render — a fresh pango font map and context, one
 * line of Noto Sans CJK on an empty cairo PDF page, written to memory (what every
 * document pays before its own layout). Issue 5 wants the receipt ≤ 20 ms.
 * Prints one JSON object on stdout (median and mean per render, in ms).
 * Usage: bench-document [ROUNDS] (default 40) */
#include "kiosk/hb-certificate.h"
#include "kiosk/hb-document.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const HbDocumentRow ROWS[] = {
  { "证件类型", "居民身份证" },
  { "居住地址", "上海市徐汇区漕溪北路***号" },
  { "联系电话", "138****5678" },
  { "签注类型", "续签" },
  { "领取方式", "邮寄：快递送达前会电话联系，请保持手机畅通；如需改为窗口自取，请提前告知工作人员。" },
};

static cairo_status_t
sink (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
baseline_render (void)
{
  GByteArray *bytes = g_byte_array_new ();
  PangoFontMap *map = pango_cairo_font_map_new ();
  PangoContext *pc = pango_font_map_create_context (map);
  pango_cairo_context_set_resolution (pc, 72.0);
  PangoLayout *layout = pango_layout_new (pc);
  PangoFontDescription *font = pango_font_description_from_string ("Noto Sans CJK SC 12");
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, "居住证签注办件回执 SH2405011030K0012", -1);
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (sink, bytes, 595.2756, 841.8898);
  cairo_t *cr = cairo_create (surface);
  cairo_move_to (cr, 56, 56);
  pango_cairo_show_layout (cr, layout);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  pango_font_description_free (font);
  g_object_unref (layout);
  g_object_unref (pc);
  g_object_unref (map);
  return g_byte_array_free_to_bytes (bytes);
}

static char *
certificate_json (guint n_rows, gboolean licence)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s,
    "{\"kind\": \"%s\", \"title\": \"上海市社会保险个人缴费证明\","
    " \"issuer\": \"上海市社会保险事业管理中心\", \"serial\": \"SB2024050100012345\","
    " \"issued_at\": \"2024-05-01T10:30:00+08:00\","
    " \"holder\": [{\"label\": \"姓名\", \"value\": \"张三丰\", \"mask\": \"name\"},"
    "  {\"label\": \"公民身份号码\", \"value\": \"310104199001011234\", \"mask\": \"id_number\"}],"
    " \"notes\": [\"本证明仅证明上述期间的缴费情况。\"],"
    " \"verify_url\": \"https://zwdt.sh.gov.cn/verify?sn=SB2024050100012345\"%s,"
    " \"table\": {\"columns\": [\"缴费年月\", \"缴费单位\", \"缴费基数\", \"个人缴纳\"], \"rows\": [",
    licence ? "licence_copy" : "proof",
    licence ? ", \"watermark\": {\"purpose\": \"办理入学手续\", \"date\": \"2024-05-02\"}" : "");
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (s, "%s[\"%u-%02u\", \"上海某某科技有限公司\", \"%u.00\", \"%u.40\"]",
                            i ? "," : "", 2016 + i / 12, 1 + i % 12, 7000 + i, 560 + i);
  g_string_append (s, "]}}");
  return g_string_free (s, FALSE);
}

typedef GBytes *(*RenderFn) (gconstpointer data);

static GBytes *
render_a4 (gconstpointer data)
{
  return hb_document_render_receipt (data, HB_PAPER_A4, NULL);
}

static GBytes *
render_80mm (gconstpointer data)
{
  return hb_document_render_receipt (data, HB_PAPER_RECEIPT_80MM, NULL);
}

static GBytes *
render_cert (gconstpointer data)
{
  return hb_certificate_render (data, NULL);
}

static GBytes *
render_baseline (gconstpointer data)
{
  return baseline_render ();
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Median and mean in ms over rounds (after one warm-up render). */
static void
measure (RenderFn fn, gconstpointer data, guint rounds, double *median, double *mean,
         gsize *bytes)
{
  g_autofree double *ms = g_new (double, rounds);
  double sum = 0;
  GBytes *warm = fn (data);
  if (warm == NULL)
    g_error ("bench-document: render failed");
  *bytes = g_bytes_get_size (warm);
  g_bytes_unref (warm);
  for (guint i = 0; i < rounds; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      GBytes *pdf = fn (data);
      ms[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;
      g_bytes_unref (pdf);
      sum += ms[i];
    }
  qsort (ms, rounds, sizeof *ms, compare_double);
  *median = ms[rounds / 2];
  *mean = sum / rounds;
}

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 40;
  if (rounds == 0)
    rounds = 40;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+08:00");
  g_autoptr(GDateTime) at = g_date_time_new (tz, 2024, 5, 1, 10, 30, 15);
  HbReceipt receipt = {
    .title = "居住证签注办件回执", .service_name = "上海市居住证签注（续签）",
    .reference = "SH2405011030K0012", .applicant = "张* 310***********123X",
    .terminal_id = "SH-XH-0012", .submitted_at = at, .rows = ROWS,
    .n_rows = G_N_ELEMENTS (ROWS), .next_step = "3 个工作日内审核，审核通过后制证",
  };
  g_autofree char *cj = certificate_json (100, FALSE);
  g_autofree char *lj = certificate_json (100, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCertificate) cert = hb_certificate_parse (cj, strlen (cj), &error);
  g_assert_no_error (error);
  g_autoptr(HbCertificate) copy = hb_certificate_parse (lj, strlen (lj), &error);
  g_assert_no_error (error);
  guint pages = 0;
  g_bytes_unref (hb_certificate_render_with_pages (cert, &pages, &error));
  g_assert_no_error (error);

  double base_med, base_mean, a4_med, a4_mean, r80_med, r80_mean, c_med, c_mean, l_med, l_mean;
  gsize base_b, a4_b, r80_b, c_b, l_b;
  measure (render_baseline, NULL, rounds, &base_med, &base_mean, &base_b);
  measure (render_a4, &receipt, rounds, &a4_med, &a4_mean, &a4_b);
  measure (render_80mm, &receipt, rounds, &r80_med, &r80_mean, &r80_b);
  measure (render_cert, cert, rounds, &c_med, &c_mean, &c_b);
  measure (render_cert, copy, rounds, &l_med, &l_mean, &l_b);

  printf ("{\"rounds\": %u,\n"
          " \"baseline_one_line_pdf_ms\": %.2f, \"baseline_one_line_pdf_mean_ms\": %.2f,\n"
          " \"receipt_a4_ms\": %.2f, \"receipt_a4_mean_ms\": %.2f, \"receipt_a4_bytes\": %" G_GSIZE_FORMAT ",\n"
          " \"receipt_80mm_ms\": %.2f, \"receipt_80mm_mean_ms\": %.2f, \"receipt_80mm_bytes\": %" G_GSIZE_FORMAT ",\n"
          " \"certificate_100_rows_pages\": %u,\n"
          " \"certificate_ms\": %.2f, \"certificate_mean_ms\": %.2f, \"certificate_bytes\": %" G_GSIZE_FORMAT ",\n"
          " \"licence_copy_ms\": %.2f, \"licence_copy_mean_ms\": %.2f, \"licence_copy_bytes\": %" G_GSIZE_FORMAT ",\n"
          " \"receipt_a4_vs_baseline_ratio\": %.2f, \"receipt_target_ms\": 20,"
          " \"receipt_within_target\": %s}\n",
          rounds, base_med, base_mean, a4_med, a4_mean, a4_b, r80_med, r80_mean, r80_b, pages,
          c_med, c_mean, c_b, l_med, l_mean, l_b, a4_med / base_med,
          MAX (a4_med, r80_med) <= 20.0 ? "true" : "false");
  return 0;
}
