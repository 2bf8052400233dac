/* test-document.c — receipts rendered to PDF (kiosk/hb-document.c, kiosk/hb-qr.c).
 *
 * The PDFs and their PNG renderings are kept under the test output folder
 * (receipt-a4.pdf, receipt-80mm.png, …) so a person can look at them. The text is checked
 * with pdftotext, the page geometry with pdfinfo, the fonts with pdffonts; the QR code is
 * checked module by module on a pdftoppm rendering against libqrencode's own matrix. */
#include "kiosk/hb-document.h"
#include "kiosk/hb-code-slip.h"
#include "kiosk/hb-document-private.h"
#include "kiosk/hb-qr.h"
#include "tests/common/hb-test-util.h"

#include <cairo.h>
#include <locale.h>
#include <math.h>
#include <qrencode.h>
#include <string.h>

#define SAMPLE_TITLE     "居住证签注办件回执"
#define SAMPLE_SERVICE   "上海市居住证签注（续签）"
#define SAMPLE_REFERENCE "SH2405011030K0012"
#define SAMPLE_QUEUED    "Q-XH0012-20240501-0007"
#define SAMPLE_APPLICANT "张* 310***********123X"
#define SAMPLE_TERMINAL  "SH-XH-0012"
#define NOTICE_ZH "网络暂不可用，申请已安全保存在本机，恢复联网后自动提交，无需再次办理。"
#define NOTICE_EN "The network is unavailable. Your application is saved on this terminal " \
                  "and will be sent automatically when the connection returns; you do not " \
                  "need to apply again."

static const HbDocumentRow SAMPLE_ROWS[] = {
  { "证件类型", "居民身份证" },
  { "居住地址", "上海市徐汇区漕溪北路***号" },
  { "联系电话", "138****5678" },
  { "签注类型", "续签" },
  { "领取方式", "邮寄：快递送达前会电话联系，请保持手机畅通；如需改为窗口自取，请提前告知工作人员。" },
};

typedef struct {
  HbReceipt  receipt;
  GDateTime *submitted_at;
} Sample;

static void
sample_init (Sample *s, gboolean queued, const char *language)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+08:00");
  memset (s, 0, sizeof *s);
  s->submitted_at = g_date_time_new (tz, 2024, 5, 1, 10, 30, 15);
  s->receipt = (HbReceipt) {
    .title = SAMPLE_TITLE,
    .service_name = SAMPLE_SERVICE,
    .reference = queued ? SAMPLE_QUEUED : SAMPLE_REFERENCE,
    .queued = queued,
    .applicant = SAMPLE_APPLICANT,
    .terminal_id = SAMPLE_TERMINAL,
    .submitted_at = s->submitted_at,
    .rows = SAMPLE_ROWS,
    .n_rows = G_N_ELEMENTS (SAMPLE_ROWS),
    .language = language,
  };
}

static void
sample_clear (Sample *s)
{
  g_clear_pointer (&s->submitted_at, g_date_time_unref);
}

/* ---- helpers: the poppler tools ------------------------------------------------------- */
/* squashed: hb_test_pdf_text's (no white space: wrapping and line breaks do not matter). */
static void
assert_text_has (const char *squashed, const char *needle)
{
  g_autofree char *n = hb_test_squash (needle);
  if (strstr (squashed, n) == NULL)
    g_error ("PDF text lacks “%s”; it reads: %s", needle, squashed);
}

static void
assert_text_lacks (const char *squashed, const char *needle)
{
  g_autofree char *n = hb_test_squash (needle);
  if (strstr (squashed, n) != NULL)
    g_error ("PDF text unexpectedly has “%s”", needle);
}

/* "Key:   value" line of pdfinfo's output (page 1 geometry). */
static char *
pdf_info_field (const char *pdf, const char *key)
{
  const char *argv[] = { "pdfinfo", pdf, NULL };
  g_autofree char *info = hb_test_run_tool (argv);
  g_auto(GStrv) lines = g_strsplit (info, "\n", -1);
  g_autofree char *prefix = g_strdup_printf ("%s:", key);
  for (char **l = lines; *l != NULL; l++)
    if (g_str_has_prefix (*l, prefix))
      return g_strstrip (g_strdup (*l + strlen (prefix)));
  g_error ("pdfinfo has no %s line:\n%s", key, info);
  return NULL;
}

static void
pdf_page_size (const char *pdf, double *w, double *h)
{
  g_autofree char *size = pdf_info_field (pdf, "Page size");
  char *end = NULL;
  *w = g_ascii_strtod (size, &end);
  g_assert_true (end != size && g_str_has_prefix (end, " x "));
  *h = g_ascii_strtod (end + 3, NULL);
}

/* pdftoppm at 150 dpi, page 1, kept as NAME.png. */
static cairo_surface_t *
pdf_to_png (const char *pdf, const char *name)
{
  g_autofree char *prefix = hb_test_output_path (name);
  const char *argv[] = { "pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1",
                         "-singlefile", pdf, prefix, NULL };
  g_free (hb_test_run_tool (argv));
  g_autofree char *png = g_strdup_printf ("%s.png", prefix);
  cairo_surface_t *img = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (img), ==, CAIRO_STATUS_SUCCESS);
  return img;
}

static double
luminance_at (cairo_surface_t *img, double px, double py)
{
  int x = (int) px, y = (int) py;
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (img));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (img));
  cairo_surface_flush (img);
  const guint8 *row = cairo_image_surface_get_data (img)
                      + (gsize) y * (gsize) cairo_image_surface_get_stride (img);
  guint32 pixel;
  memcpy (&pixel, row + 4 * x, 4);
  double r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255.0;
}

static GBytes *
render_ok (const HbReceipt *r, HbPaperFormat format, HbDocumentLayoutInfo *info)
{
  g_autoptr(GError) error = NULL;
  GBytes *pdf = hb_document_render_receipt_with_info (r, format, info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  return pdf;
}

static void
assert_is_pdf (GBytes *pdf)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (pdf, &len);
  g_assert_cmpuint (len, >, 1000);
  g_assert_true (memcmp (data, "%PDF-", 5) == 0);
  /* Ends with %%EOF and at most a line ending. */
  gsize end = len;
  while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r'))
    end--;
  g_assert_cmpuint (end, >=, 5);
  g_assert_true (memcmp (data + end - 5, "%%EOF", 5) == 0);
}

/* ---- content ------------------------------------------------------------------------ */
static void
check_content (HbPaperFormat format, const char *name)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, format, NULL);
  assert_is_pdf (pdf);

  g_autofree char *file = g_strdup_printf ("%s.pdf", name);
  g_autofree char *path = hb_test_write_output (file, pdf);
  g_autofree char *text = hb_test_pdf_text (path, 0);
  assert_text_has (text, SAMPLE_TITLE);
  assert_text_has (text, SAMPLE_SERVICE);
  assert_text_has (text, SAMPLE_REFERENCE);
  assert_text_has (text, SAMPLE_APPLICANT);
  assert_text_has (text, SAMPLE_TERMINAL);
  assert_text_has (text, "2024-05-01 10:30");
  assert_text_has (text, "办件编号");
  assert_text_has (text, "申请人");
  assert_text_has (text, "提交时间");
  assert_text_has (text, "终端编号");
  assert_text_has (text, "证件类型");
  assert_text_has (text, "居民身份证");
  assert_text_has (text, "138****5678");
  assert_text_has (text, "咨询电话 12345 · 上海市一网通办");
  /* Chinese is the default: no English labels, no queued notice. */
  assert_text_lacks (text, "Case number");
  assert_text_lacks (text, "受理凭证号");
  assert_text_lacks (text, "网络暂不可用");

  cairo_surface_destroy (pdf_to_png (path, name));
  sample_clear (&s);
}

static void
test_a4_content (void)
{
  check_content (HB_PAPER_A4, "receipt-a4");
}

static void
test_80mm_content (void)
{
  check_content (HB_PAPER_RECEIPT_80MM, "receipt-80mm");
}

static void
check_queued (HbPaperFormat format, const char *language, const char *name)
{
  gboolean en = g_strcmp0 (language, "en") == 0;
  Sample s;
  sample_init (&s, TRUE, language);
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, format, NULL);
  assert_is_pdf (pdf);
  g_autofree char *file = g_strdup_printf ("%s.pdf", name);
  g_autofree char *path = hb_test_write_output (file, pdf);
  g_autofree char *text = hb_test_pdf_text (path, 0);

  assert_text_has (text, SAMPLE_QUEUED);
  assert_text_has (text, SAMPLE_TITLE);
  assert_text_has (text, SAMPLE_APPLICANT);
  assert_text_has (text, en ? "Queued reference" : "受理凭证号");
  assert_text_has (text, en ? NOTICE_EN : NOTICE_ZH);
  assert_text_lacks (text, en ? "Case number" : "办件编号");

  cairo_surface_destroy (pdf_to_png (path, name));
  sample_clear (&s);
}

static void
test_a4_queued (void)
{
  check_queued (HB_PAPER_A4, NULL, "receipt-a4-queued");
}

static void
test_80mm_queued (void)
{
  check_queued (HB_PAPER_RECEIPT_80MM, NULL, "receipt-80mm-queued");
}

static void
test_a4_queued_en (void)
{
  check_queued (HB_PAPER_A4, "en", "receipt-a4-queued-en");
}

static void
test_80mm_queued_en (void)
{
  check_queued (HB_PAPER_RECEIPT_80MM, "en", "receipt-80mm-queued-en");
}

static void
check_english (HbPaperFormat format, const char *name)
{
  Sample s;
  sample_init (&s, FALSE, "en");
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, format, NULL);
  g_autofree char *file = g_strdup_printf ("%s.pdf", name);
  g_autofree char *path = hb_test_write_output (file, pdf);
  g_autofree char *text = hb_test_pdf_text (path, 0);

  assert_text_has (text, "Case number");
  assert_text_has (text, "Applicant");
  assert_text_has (text, "Submitted");
  assert_text_has (text, "Terminal");
  assert_text_has (text, "Hotline 12345 · Shanghai One Network");
  assert_text_has (text, SAMPLE_REFERENCE);
  /* The caller's strings are printed as given. */
  assert_text_has (text, SAMPLE_TITLE);
  assert_text_has (text, "证件类型");
  assert_text_lacks (text, "办件编号");
  assert_text_lacks (text, "申请人");
  assert_text_lacks (text, "咨询电话");

  cairo_surface_destroy (pdf_to_png (path, name));
  sample_clear (&s);
}

static void
test_a4_english (void)
{
  check_english (HB_PAPER_A4, "receipt-a4-en");
}

static void
test_80mm_english (void)
{
  check_english (HB_PAPER_RECEIPT_80MM, "receipt-80mm-en");
}

static void
test_language_variants (void)
{
  /* Locale-style names count as English too; anything else falls back to Chinese. */
  const struct { const char *language; gboolean en; } cases[] = {
    { "en_US.UTF-8", TRUE }, { "en-GB", TRUE }, { "EN", TRUE },
    { "zh_CN", FALSE }, { "", FALSE }, { "english", FALSE }, { "fr", FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Sample s;
      sample_init (&s, FALSE, cases[i].language);
      s.receipt.n_rows = 0;
      g_autoptr(GBytes) pdf = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, NULL);
      g_autofree char *path = hb_test_write_output ("receipt-language.pdf", pdf);
      g_autofree char *text = hb_test_pdf_text (path, 0);
      if (cases[i].en)
        assert_text_has (text, "Case number");
      else
        assert_text_has (text, "办件编号");
      sample_clear (&s);
    }
}

static void
test_control_and_bidi_characters_dropped (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  /* A right-to-left override would print "Z-1234" as something that reads differently. */
  HbDocumentRow rows[] = { { "备注", "A\xe2\x80\xae" "Z-1234\x07\tB\r\nC" } };
  s.receipt.rows = rows;
  s.receipt.n_rows = 1;
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, NULL);
  g_autofree char *path = hb_test_write_output ("receipt-controls.pdf", pdf);
  g_autofree char *text = hb_test_pdf_text (path, 0);
  assert_text_has (text, "AZ-1234BC");
  g_assert_null (strstr (text, "\xe2\x80\xae"));
  sample_clear (&s);
}

/* ---- geometry ------------------------------------------------------------------------- */
static void
test_a4_page_size (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  HbDocumentLayoutInfo info;
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, HB_PAPER_A4, &info);
  g_autofree char *path = hb_test_write_output ("receipt-a4-size.pdf", pdf);
  double w = 0, h = 0;
  pdf_page_size (path, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 595.28, 0.5);
  g_assert_cmpfloat_with_epsilon (h, 841.89, 0.5);
  g_autofree char *pages = pdf_info_field (path, "Pages");
  g_assert_cmpstr (pages, ==, "1");
  g_assert_cmpuint (info.n_pages, ==, 1);
  sample_clear (&s);
}

static void
test_80mm_page_width (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  HbDocumentLayoutInfo info;
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, &info);
  g_autofree char *path = hb_test_write_output ("receipt-80mm-size.pdf", pdf);
  double w = 0, h = 0;
  pdf_page_size (path, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 226.77, 0.5);
  g_assert_cmpfloat_with_epsilon (h, info.page_height, 0.5);
  /* Not an A4 page cut short or a fixed roll length: about as long as its content. */
  g_assert_cmpfloat (h, >, 300);
  g_assert_cmpfloat (h, <, 841);
  g_autofree char *pages = pdf_info_field (path, "Pages");
  g_assert_cmpstr (pages, ==, "1");
  sample_clear (&s);
}

static double
receipt_height_with_rows (gsize n_rows, HbDocumentRow *rows)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  s.receipt.rows = rows;
  s.receipt.n_rows = n_rows;
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, NULL);
  g_autofree char *name = g_strdup_printf ("receipt-80mm-%zu-rows.pdf", n_rows);
  g_autofree char *path = hb_test_write_output (name, pdf);
  double w = 0, h = 0;
  pdf_page_size (path, &w, &h);
  sample_clear (&s);
  return h;
}

static void
test_80mm_height_grows_with_rows (void)
{
  HbDocumentRow rows[20];
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    rows[i] = (HbDocumentRow) { "材料名称", "户口簿首页及本人页复印件" };

  double h0 = receipt_height_with_rows (0, rows);
  double h2 = receipt_height_with_rows (2, rows);
  double h20 = receipt_height_with_rows (20, rows);
  g_assert_cmpfloat (h2, >, h0);
  /* 18 more rows of at least one 8.5 pt line each. */
  g_assert_cmpfloat (h20, >, h2 + 18 * 8.5);

  /* A value that wraps takes more paper than one that does not. */
  HbDocumentRow long_row = { "情况说明", "申请人因工作调动需要在本市继续居住，"
                             "现按规定申请居住证签注续签，所附材料均为本人提供，真实有效。" };
  double h_long = receipt_height_with_rows (1, &long_row);
  double h_short = receipt_height_with_rows (1, rows);
  g_assert_cmpfloat (h_long, >, h_short + 8);
}

static void
test_a4_many_rows_continue_on_next_page (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  HbDocumentRow rows[HB_DOCUMENT_MAX_ROWS];
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      char *label = g_strdup_printf ("事项%02zu", i + 1);
      char *value = g_strdup_printf ("第%02zu项材料：身份证明、居住证明、就业或就学证明，"
                                     "复印件一式两份，原件核验后当场退还。", i + 1);
      g_ptr_array_add (strings, label);
      g_ptr_array_add (strings, value);
      rows[i] = (HbDocumentRow) { label, value };
    }
  s.receipt.rows = rows;
  s.receipt.n_rows = G_N_ELEMENTS (rows);

  HbDocumentLayoutInfo info;
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, HB_PAPER_A4, &info);
  g_autofree char *path = hb_test_write_output ("receipt-a4-64-rows.pdf", pdf);
  g_autofree char *pages = pdf_info_field (path, "Pages");
  g_assert_cmpuint (info.n_pages, >=, 2);
  g_assert_cmpuint (g_ascii_strtoull (pages, NULL, 10), ==, info.n_pages);

  g_autofree char *text = hb_test_pdf_text (path, 0);
  assert_text_has (text, "事项01");
  assert_text_has (text, "事项64");
  g_autofree char *first = g_strdup_printf ("第 1 页 / 共 %u 页", info.n_pages);
  g_autofree char *last = g_strdup_printf ("第 %u 页 / 共 %u 页", info.n_pages, info.n_pages);
  assert_text_has (text, first);
  assert_text_has (text, last);
  assert_text_has (text, "（续）");

  /* A look at the second page. */
  g_autofree char *prefix = hb_test_output_path ("receipt-a4-64-rows-page2");
  const char *argv[] = { "pdftoppm", "-r", "150", "-png", "-f", "2", "-l", "2",
                         "-singlefile", path, prefix, NULL };
  g_free (hb_test_run_tool (argv));

  /* The 80 mm roll takes all 64 rows on one page. */
  g_autoptr(GBytes) roll = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, &info);
  g_assert_cmpuint (info.n_pages, ==, 1);
  sample_clear (&s);
}

static void
test_80mm_too_long_for_the_roll (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  /* 64 rows of 1 KiB each would be metres of paper, past what a PDF page can be. */
  char value[HB_DOCUMENT_MAX_FIELD_BYTES + 1];
  GString *v = g_string_new (NULL);
  while (v->len + 3 <= HB_DOCUMENT_MAX_FIELD_BYTES)
    g_string_append (v, "测");
  g_strlcpy (value, v->str, sizeof value);
  g_string_free (v, TRUE);
  HbDocumentRow rows[HB_DOCUMENT_MAX_ROWS];
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    rows[i] = (HbDocumentRow) { "说明", value };
  s.receipt.rows = rows;
  s.receipt.n_rows = G_N_ELEMENTS (rows);

  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hb_document_render_receipt (&s.receipt, HB_PAPER_RECEIPT_80MM,
                                                      &error);
  g_assert_null (pdf);
  g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "A4"));

  /* A4 paginates the same content. */
  g_autoptr(GBytes) a4 = hb_document_render_receipt (&s.receipt, HB_PAPER_A4, NULL);
  g_assert_nonnull (a4);
  sample_clear (&s);
}

static char *
fill_bytes (const char *unit, gsize max_bytes)
{
  GString *s = g_string_new (NULL);
  while (s->len + strlen (unit) <= max_bytes)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

/* Nothing is drawn in the side margins, however long the fields: every text wraps or is
 * cut off with an ellipsis inside its column. */
static void
assert_margins_blank (const char *pdf, const char *name, double margin_mm, guint page)
{
  g_autofree char *prefix = hb_test_output_path (name);
  g_autofree char *first = g_strdup_printf ("%u", page);
  const char *argv[] = { "pdftoppm", "-r", "150", "-png", "-f", first, "-l", first,
                         "-singlefile", pdf, prefix, NULL };
  g_free (hb_test_run_tool (argv));
  g_autofree char *png = g_strdup_printf ("%s.png", prefix);
  cairo_surface_t *img = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (img), ==, CAIRO_STATUS_SUCCESS);
  int w = cairo_image_surface_get_width (img), h = cairo_image_surface_get_height (img);
  int strip = (int) ((margin_mm - 0.5) / 25.4 * 150);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < strip; x++)
      {
        if (luminance_at (img, x, y) < 0.9 || luminance_at (img, w - 1 - x, y) < 0.9)
          g_error ("%s: ink in the margin at (%d, %d)", name, x, y);
      }
  cairo_surface_destroy (img);
}

static void
test_longest_fields_stay_inside (void)
{
  g_autofree char *title = fill_bytes ("居住证签注办件回执", HB_DOCUMENT_MAX_FIELD_BYTES);
  g_autofree char *service = fill_bytes ("上海市居住证签注", HB_DOCUMENT_MAX_FIELD_BYTES);
  g_autofree char *reference = fill_bytes ("SH2405011030K0012", HB_DOCUMENT_MAX_FIELD_BYTES);
  g_autofree char *applicant = fill_bytes ("张* 310***********123X ", HB_DOCUMENT_MAX_FIELD_BYTES);
  g_autofree char *terminal = fill_bytes ("X", HB_DOCUMENT_MAX_FIELD_BYTES);
  g_autofree char *label = fill_bytes ("材料名称", HB_DOCUMENT_MAX_FIELD_BYTES);
  g_autofree char *value = fill_bytes ("行\n", HB_DOCUMENT_MAX_FIELD_BYTES);
  HbDocumentRow rows[HB_DOCUMENT_MAX_ROWS];
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    rows[i] = (HbDocumentRow) { label, value };
  Sample s;
  sample_init (&s, TRUE, NULL);
  s.receipt.title = title;
  s.receipt.service_name = service;
  s.receipt.reference = reference;
  s.receipt.applicant = applicant;
  s.receipt.terminal_id = terminal;
  s.receipt.rows = rows;
  s.receipt.n_rows = G_N_ELEMENTS (rows);

  HbDocumentLayoutInfo info;
  g_autoptr(GBytes) a4 = render_ok (&s.receipt, HB_PAPER_A4, &info);
  g_autofree char *a4_path = hb_test_write_output ("receipt-a4-longest.pdf", a4);
  g_assert_cmpuint (info.n_pages, >, 1);
  assert_margins_blank (a4_path, "receipt-a4-longest", 20, 1);
  assert_margins_blank (a4_path, "receipt-a4-longest-page2", 20, 2);

  s.receipt.n_rows = 3;
  g_autoptr(GBytes) roll = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, &info);
  g_autofree char *roll_path = hb_test_write_output ("receipt-80mm-longest.pdf", roll);
  assert_margins_blank (roll_path, "receipt-80mm-longest", 4, 1);
  sample_clear (&s);
}

/* ---- PDF properties ------------------------------------------------------------------- */
static void
test_metadata (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, HB_PAPER_A4, NULL);
  g_autofree char *path = hb_test_write_output ("receipt-metadata.pdf", pdf);
  g_autofree char *title = pdf_info_field (path, "Title");
  g_autofree char *creator = pdf_info_field (path, "Creator");
  g_assert_cmpstr (title, ==, SAMPLE_TITLE);
  g_assert_cmpstr (creator, ==, "Haoban");
  sample_clear (&s);
}

static void
test_embeds_noto_cjk (void)
{
  for (int format = HB_PAPER_A4; format <= HB_PAPER_RECEIPT_80MM; format++)
    {
      Sample s;
      sample_init (&s, TRUE, NULL);
      g_autoptr(GBytes) pdf = render_ok (&s.receipt, format, NULL);
      g_autofree char *path = hb_test_write_output ("receipt-fonts.pdf", pdf);
      const char *argv[] = { "pdffonts", path, NULL };
      g_autofree char *fonts = hb_test_run_tool (argv);
      g_assert_nonnull (strstr (fonts, "NotoSansCJK"));
      /* Every font is embedded (the "emb" column): the printer needs no fonts. */
      g_auto(GStrv) lines = g_strsplit (fonts, "\n", -1);
      guint n = 0;
      for (guint i = 2; lines[i] != NULL; i++)
        if (*lines[i] != '\0')
          {
            g_assert_nonnull (strstr (lines[i], " yes "));
            n++;
          }
      g_assert_cmpuint (n, >, 0);
      /* Only the glyphs it prints (hb-pdf-text.c): cairo's own subset of Noto Sans CJK
       * made this receipt 225 KB. */
      g_assert_cmpuint (g_bytes_get_size (pdf), <, 64 * 1024);
      sample_clear (&s);
    }
}

static void
test_same_receipt_same_bytes (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  g_autoptr(GBytes) a = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, NULL);
  g_autoptr(GBytes) b = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, NULL);
  g_assert_true (g_bytes_equal (a, b));
  sample_clear (&s);
}

static void
test_optional_fields_may_be_missing (void)
{
  HbReceipt r = {
    .title = SAMPLE_TITLE, .service_name = SAMPLE_SERVICE, .reference = SAMPLE_REFERENCE,
  };
  HbDocumentRow empty_value = { "备注", NULL };
  r.rows = &empty_value;
  r.n_rows = 1;
  for (int format = HB_PAPER_A4; format <= HB_PAPER_RECEIPT_80MM; format++)
    {
      g_autoptr(GBytes) pdf = render_ok (&r, format, NULL);
      g_autofree char *path = hb_test_write_output ("receipt-minimal.pdf", pdf);
      g_autofree char *text = hb_test_pdf_text (path, 0);
      assert_text_has (text, SAMPLE_REFERENCE);
      assert_text_has (text, "备注");
      assert_text_lacks (text, "申请人");
      assert_text_lacks (text, "提交时间");
      assert_text_lacks (text, "终端编号");
    }
}

/* Dark pixels on page 1 at 150 dpi. */
static guint64
count_ink (const char *pdf, const char *name)
{
  cairo_surface_t *img = pdf_to_png (pdf, name);
  guint64 ink = 0;
  int w = cairo_image_surface_get_width (img), h = cairo_image_surface_get_height (img);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (luminance_at (img, x, y) < 0.5)
        ink++;
  cairo_surface_destroy (img);
  return ink;
}

static void
test_every_glyph_prints (void)
{
  /* cairo 1.16's CFF subsetter drops subroutines some Noto CJK glyphs need (“如” prints
   * blank in poppler, as a box in Ghostscript): the visible text must not depend on it. */
  for (int format = HB_PAPER_A4; format <= HB_PAPER_RECEIPT_80MM; format++)
    {
      Sample s;
      sample_init (&s, FALSE, NULL);
      s.receipt.service_name = "　";   /* ideographic space: no ink */
      g_autoptr(GBytes) blank = render_ok (&s.receipt, format, NULL);
      g_autofree char *blank_path = hb_test_write_output ("receipt-glyphs-blank.pdf", blank);
      guint64 blank_ink = count_ink (blank_path, "receipt-glyphs-blank");

      s.receipt.service_name = "如如如如如如";
      g_autoptr(GBytes) pdf = render_ok (&s.receipt, format, NULL);
      g_autofree char *path = hb_test_write_output ("receipt-glyphs.pdf", pdf);
      guint64 ink = count_ink (path, "receipt-glyphs");
      /* Six characters of at least 10 pt: well over 300 dark pixels at 150 dpi. */
      g_assert_cmpuint (ink, >, blank_ink + 300);
      g_autofree char *text = hb_test_pdf_text (path, 0);
      assert_text_has (text, "如如如如如如");
      sample_clear (&s);
    }
}

/* ---- QR code ------------------------------------------------------------------------- */
static void
assert_qr_matches_libqrencode (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbQrCode) qr = hb_qr_encode (text, &error);
  g_assert_no_error (error);
  QRcode *ref = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  g_assert_nonnull (ref);
  g_assert_cmpuint (qr->width, ==, (guint) ref->width);
  g_assert_cmpuint (hb_qr_code_full_size (qr), ==, (guint) ref->width + 8);
  for (guint y = 0; y < hb_qr_code_full_size (qr); y++)
    for (guint x = 0; x < hb_qr_code_full_size (qr); x++)
      {
        gboolean in_symbol = x >= 4 && y >= 4 && x < qr->width + 4 && y < qr->width + 4;
        gboolean expect = in_symbol
                          && (ref->data[(y - 4) * ref->width + (x - 4)] & 1);
        g_assert_cmpint (hb_qr_code_is_dark (qr, x, y), ==, expect);
      }
  QRcode_free (ref);
}

static void
test_qr_matches_libqrencode_level_m (void)
{
  assert_qr_matches_libqrencode (SAMPLE_REFERENCE);
  assert_qr_matches_libqrencode (SAMPLE_QUEUED);
  assert_qr_matches_libqrencode ("居住证签注|SH2405011030K0012");
  g_autofree char *long_ref = g_strnfill (HB_DOCUMENT_MAX_FIELD_BYTES, '7');
  assert_qr_matches_libqrencode (long_ref);

  /* Level M, not L: the format bits in the matrix differ between levels, so a matrix
   * equal to libqrencode's level-M one cannot be another level's. */
  g_autoptr(HbQrCode) qr = hb_qr_encode (SAMPLE_REFERENCE, NULL);
  QRcode *low = QRcode_encodeString (SAMPLE_REFERENCE, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
  gboolean same = (guint) low->width == qr->width;
  for (guint i = 0; same && i < qr->width * qr->width; i++)
    same = (low->data[i] & 1) == qr->modules[i];
  g_assert_false (same);
  QRcode_free (low);
}

static void
test_qr_too_long_fails (void)
{
  g_autofree char *text = g_strnfill (4000, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(HbQrCode) qr = hb_qr_encode (text, &error);
  g_assert_null (qr);
  g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_RENDER);
  g_assert_null (strstr (error->message, "xxxx"));
}

static void
test_qr_draw_paints_modules_and_quiet_zone (void)
{
  g_autoptr(HbQrCode) qr = hb_qr_encode (SAMPLE_REFERENCE, NULL);
  guint full = hb_qr_code_full_size (qr);
  const int scale = 6, offset = 10;
  int side = (int) full * scale + 2 * offset;
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
  cairo_t *cr = cairo_create (img);
  /* Mid grey underneath: the quiet zone must be painted white, not left as it was. */
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_paint (cr);
  hb_qr_draw (qr, cr, offset, offset, scale);
  cairo_destroy (cr);

  for (guint y = 0; y < full; y++)
    for (guint x = 0; x < full; x++)
      {
        double l = luminance_at (img, offset + (x + 0.5) * scale, offset + (y + 0.5) * scale);
        g_assert_cmpfloat (l, ==, hb_qr_code_is_dark (qr, x, y) ? 0.0 : 1.0);
      }
  g_autofree char *png = hb_test_output_path ("qr.png");
  cairo_surface_write_to_png (img, png);
  cairo_surface_destroy (img);
}

/* The symbol on the printed page is exactly the reference's QR: sampled at every module
 * centre of a 150 dpi rendering, quiet zone included. */
static void
check_printed_qr (HbPaperFormat format, gboolean queued, const char *name)
{
  Sample s;
  sample_init (&s, queued, NULL);
  HbDocumentLayoutInfo info;
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, format, &info);
  g_autofree char *file = g_strdup_printf ("%s.pdf", name);
  g_autofree char *path = hb_test_write_output (file, pdf);
  cairo_surface_t *img = pdf_to_png (path, name);

  g_autoptr(HbQrCode) qr = hb_qr_encode (s.receipt.reference, NULL);
  g_assert_cmpuint (info.qr_modules, ==, hb_qr_code_full_size (qr));
  g_assert_cmpfloat (info.qr_x, >=, 0);
  g_assert_cmpfloat (info.qr_x + info.qr_size, <=, info.page_width);
  g_assert_cmpfloat (info.qr_y + info.qr_size, <=, info.page_height);
  double px_per_pt = 150.0 / 72.0;
  double module = info.qr_size / info.qr_modules;
  /* Big enough to scan from paper: at least 0.25 mm a module, 2 printer dots. */
  g_assert_cmpfloat (module, >=, 0.25 * 72 / 25.4 - 1e-6);

  guint dark = 0, light = 0;
  for (guint y = 0; y < info.qr_modules; y++)
    for (guint x = 0; x < info.qr_modules; x++)
      {
        double l = luminance_at (img, (info.qr_x + (x + 0.5) * module) * px_per_pt,
                                 (info.qr_y + (y + 0.5) * module) * px_per_pt);
        if (hb_qr_code_is_dark (qr, x, y))
          {
            g_assert_cmpfloat (l, <, 0.35);
            dark++;
          }
        else
          {
            g_assert_cmpfloat (l, >, 0.65);
            light++;
          }
      }
  g_assert_cmpuint (dark, >, 100);
  g_assert_cmpuint (light, >, 100);

  if (format == HB_PAPER_RECEIPT_80MM)
    {
      /* On a 203 dpi head every module is a whole number of dots (0.125 mm). */
      double dot = 72.0 / 25.4 / 8;
      double dots = module / dot;
      g_assert_cmpfloat (fabs (dots - round (dots)), <, 1e-6);
      g_assert_cmpfloat (fabs (info.qr_x / dot - round (info.qr_x / dot)), <, 1e-6);
    }
  cairo_surface_destroy (img);
  sample_clear (&s);
}

static void
test_a4_printed_qr (void)
{
  check_printed_qr (HB_PAPER_A4, FALSE, "receipt-a4-qr");
}

static void
test_80mm_printed_qr (void)
{
  check_printed_qr (HB_PAPER_RECEIPT_80MM, FALSE, "receipt-80mm-qr");
}

static void
test_80mm_queued_printed_qr (void)
{
  check_printed_qr (HB_PAPER_RECEIPT_80MM, TRUE, "receipt-80mm-queued-qr");
}

/* ---- invalid input -------------------------------------------------------------------- */
static void
assert_invalid (const HbReceipt *r, const char *field, const char *secret)
{
  for (int format = HB_PAPER_A4; format <= HB_PAPER_RECEIPT_80MM; format++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = hb_document_render_receipt (r, format, &error);
      g_assert_null (pdf);
      g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
      g_autofree char *quoted = g_strdup_printf ("“%s”", field);
      if (strstr (error->message, quoted) == NULL)
        g_error ("error “%s” does not name %s", error->message, field);
      if (secret != NULL)
        g_assert_null (strstr (error->message, secret));
    }
}

static void
test_invalid_missing_required (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  HbReceipt r = s.receipt;
  r.reference = NULL;
  assert_invalid (&r, "reference", NULL);
  r.reference = "";
  assert_invalid (&r, "reference", NULL);
  r = s.receipt;
  r.title = NULL;
  assert_invalid (&r, "title", NULL);
  r = s.receipt;
  r.service_name = "";
  assert_invalid (&r, "service_name", NULL);
  r = s.receipt;
  HbDocumentRow rows[] = { { "证件类型", "居民身份证" }, { NULL, "x" } };
  r.rows = rows;
  r.n_rows = 2;
  assert_invalid (&r, "rows[1].label", NULL);
  r.rows = NULL;
  assert_invalid (&r, "rows", NULL);
  sample_clear (&s);
}

static void
test_invalid_too_many_rows (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  HbDocumentRow rows[HB_DOCUMENT_MAX_ROWS + 1];
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    rows[i] = (HbDocumentRow) { "材料", "复印件" };
  s.receipt.rows = rows;
  s.receipt.n_rows = G_N_ELEMENTS (rows);
  assert_invalid (&s.receipt, "rows", NULL);

  s.receipt.n_rows = HB_DOCUMENT_MAX_ROWS;   /* the limit itself is fine */
  g_autoptr(GBytes) pdf = render_ok (&s.receipt, HB_PAPER_A4, NULL);
  sample_clear (&s);
}

static void
test_invalid_bad_utf8 (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  HbReceipt r = s.receipt;
  r.applicant = "SECRET\xff\xfe张*";
  assert_invalid (&r, "applicant", "SECRET");

  r = s.receipt;
  HbDocumentRow rows[4];
  memcpy (rows, SAMPLE_ROWS, sizeof rows);
  rows[3].value = "SECRET\xc3";
  r.rows = rows;
  r.n_rows = G_N_ELEMENTS (rows);
  assert_invalid (&r, "rows[3].value", "SECRET");

  r = s.receipt;
  r.title = "\xe5\xb1";
  assert_invalid (&r, "title", NULL);
  sample_clear (&s);
}

static void
test_invalid_too_long (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  g_autofree char *at_limit = g_strnfill (HB_DOCUMENT_MAX_FIELD_BYTES, 'A');
  g_autofree char *over = g_strnfill (HB_DOCUMENT_MAX_FIELD_BYTES + 1, 'A');
  HbReceipt r = s.receipt;
  r.terminal_id = over;
  assert_invalid (&r, "terminal_id", "AAAA");
  r.terminal_id = at_limit;
  g_autoptr(GBytes) pdf = render_ok (&r, HB_PAPER_RECEIPT_80MM, NULL);
  sample_clear (&s);
}

/* ---- async ------------------------------------------------------------------------- */
typedef struct {
  GBytes  *pdf;
  GError  *error;
  gboolean done;
} AsyncResult;

static void
on_rendered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *ar = user_data;
  ar->pdf = hb_document_render_receipt_finish (result, &ar->error);
  ar->done = TRUE;
}

static gboolean
async_done (gpointer data)
{
  return ((AsyncResult *) data)->done;
}

static void
test_async_matches_sync (void)
{
  for (int format = HB_PAPER_A4; format <= HB_PAPER_RECEIPT_80MM; format++)
    {
      Sample s;
      sample_init (&s, TRUE, NULL);
      g_autoptr(GBytes) expected = render_ok (&s.receipt, format, NULL);

      /* The caller's receipt lives in buffers that are scribbled over and freed as soon as
       * the call returns: the worker must be rendering its own deep copy. */
      HbDocumentRow *rows = g_new (HbDocumentRow, G_N_ELEMENTS (SAMPLE_ROWS));
      for (gsize i = 0; i < G_N_ELEMENTS (SAMPLE_ROWS); i++)
        rows[i] = (HbDocumentRow) { g_strdup (SAMPLE_ROWS[i].label),
                                    g_strdup (SAMPLE_ROWS[i].value) };
      HbReceipt r = s.receipt;
      r.title = g_strdup (SAMPLE_TITLE);
      r.reference = g_strdup (SAMPLE_QUEUED);
      r.applicant = g_strdup (SAMPLE_APPLICANT);
      r.rows = rows;
      r.submitted_at = g_date_time_add (s.submitted_at, 0);

      AsyncResult ar = { 0 };
      hb_document_render_receipt_async (&r, format, NULL, on_rendered, &ar);
      g_assert_false (ar.done);   /* never completes synchronously */

      for (gsize i = 0; i < G_N_ELEMENTS (SAMPLE_ROWS); i++)
        {
          memset ((char *) rows[i].label, 'X', strlen (rows[i].label));
          memset ((char *) rows[i].value, 'X', strlen (rows[i].value));
          g_free ((char *) rows[i].label);
          g_free ((char *) rows[i].value);
        }
      memset (rows, 0, sizeof (HbDocumentRow) * G_N_ELEMENTS (SAMPLE_ROWS));
      g_free (rows);
      memset ((char *) r.title, 'X', strlen (r.title));
      memset ((char *) r.reference, 'X', strlen (r.reference));
      g_free ((char *) r.title);
      g_free ((char *) r.reference);
      g_free ((char *) r.applicant);
      g_date_time_unref (r.submitted_at);

      g_assert_true (hb_test_wait_until (async_done, &ar, 60000));
      g_assert_no_error (ar.error);
      g_assert_nonnull (ar.pdf);
      g_assert_true (g_bytes_equal (ar.pdf, expected));
      g_bytes_unref (ar.pdf);
      sample_clear (&s);
    }
}

static void
test_async_invalid (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  s.receipt.reference = NULL;
  AsyncResult ar = { 0 };
  hb_document_render_receipt_async (&s.receipt, HB_PAPER_A4, NULL, on_rendered, &ar);
  g_assert_true (hb_test_wait_until (async_done, &ar, 60000));
  g_assert_null (ar.pdf);
  g_assert_error (ar.error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
  g_clear_error (&ar.error);
  sample_clear (&s);
}

static void
test_async_cancelled (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  AsyncResult ar = { 0 };
  hb_document_render_receipt_async (&s.receipt, HB_PAPER_A4, cancellable, on_rendered, &ar);
  g_assert_true (hb_test_wait_until (async_done, &ar, 60000));
  g_assert_null (ar.pdf);
  g_assert_error (ar.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&ar.error);
  sample_clear (&s);
}

static void
test_async_parallel (void)
{
  /* Several renders at once on worker threads (each with its own font map) agree. */
  Sample s;
  sample_init (&s, FALSE, "en");
  g_autoptr(GBytes) expected = render_ok (&s.receipt, HB_PAPER_RECEIPT_80MM, NULL);
  AsyncResult ar[4] = { { 0 } };
  for (gsize i = 0; i < G_N_ELEMENTS (ar); i++)
    hb_document_render_receipt_async (&s.receipt, HB_PAPER_RECEIPT_80MM, NULL, on_rendered,
                                      &ar[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (ar); i++)
    {
      g_assert_true (hb_test_wait_until (async_done, &ar[i], 60000));
      g_assert_no_error (ar[i].error);
      g_assert_true (g_bytes_equal (ar[i].pdf, expected));
      g_bytes_unref (ar[i].pdf);
    }
  sample_clear (&s);
}

/* ---- next steps ------------------------------------------------------------------------ */
#define NEXT_ZH      "工作人员将按承诺时限审核办理，结果以短信通知。"
#define NEXT_ZH_Q    "恢复联网后自动提交，提交成功后将以短信通知您。"
#define COLLECT_ZH   "领取方式以申请信息为准；窗口领取请携带本人身份证件及本回执。"
#define PROGRESS_ZH  "扫描二维码、登录“随申办”或拨打 12345，凭编号查询办理进度。"
#define PROGRESS_EN  "Scan the QR code, use the Suishenban app or call 12345 with this number " \
                     "to check progress."

static char *
render_text (const HbReceipt *r, HbPaperFormat format, const char *name,
             HbDocumentLayoutInfo *info)
{
  g_autoptr(GBytes) pdf = render_ok (r, format, info);
  g_autofree char *path = hb_test_write_output (name, pdf);
  return hb_test_pdf_text (path, 0);
}

static void
check_next_steps_fixed (HbPaperFormat format, const char *name)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  HbDocumentLayoutInfo info;
  g_autofree char *text = render_text (&s.receipt, format, name, &info);
  assert_text_has (text, "后续事项");
  assert_text_has (text, "1." NEXT_ZH);
  assert_text_has (text, "2." COLLECT_ZH);
  assert_text_has (text, "3." PROGRESS_ZH);
  assert_text_lacks (text, NEXT_ZH_Q);
  /* The sample still fits one A4 page; on the roll the QR stays last. */
  g_assert_cmpuint (info.n_pages, ==, 1);
  g_autofree char *tail = g_strrstr (text, "扫码查询办件") ? g_strdup (g_strrstr (text, "扫码查询办件")) : NULL;
  g_assert_nonnull (tail);
  if (format == HB_PAPER_RECEIPT_80MM)
    g_assert_null (strstr (tail, "后续事项"));
  sample_clear (&s);
}

static void
test_a4_next_steps_fixed (void)
{
  check_next_steps_fixed (HB_PAPER_A4, "receipt-a4-next-steps.pdf");
}

static void
test_80mm_next_steps_fixed (void)
{
  check_next_steps_fixed (HB_PAPER_RECEIPT_80MM, "receipt-80mm-next-steps.pdf");
}

static void
check_next_steps_given (HbPaperFormat format, const char *name)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  s.receipt.next_step = "3 个工作日内审核，审核通过后制证";
  s.receipt.collect_at = "徐汇区行政服务中心 2 楼 B12 窗口（漕溪北路 336 号）";
  s.receipt.progress_hint = NULL;   /* absent: its fixed text */
  g_autofree char *text = render_text (&s.receipt, format, name, NULL);
  assert_text_has (text, "1.3 个工作日内审核，审核通过后制证");
  assert_text_has (text, "2.徐汇区行政服务中心 2 楼 B12 窗口（漕溪北路 336 号）");
  assert_text_has (text, "3." PROGRESS_ZH);
  assert_text_lacks (text, NEXT_ZH);
  assert_text_lacks (text, COLLECT_ZH);
  sample_clear (&s);
}

static void
test_a4_next_steps_given (void)
{
  check_next_steps_given (HB_PAPER_A4, "receipt-a4-next-steps-given.pdf");
}

static void
test_80mm_next_steps_given (void)
{
  check_next_steps_given (HB_PAPER_RECEIPT_80MM, "receipt-80mm-next-steps-given.pdf");
}

static void
test_next_steps_queued_and_english (void)
{
  Sample s;
  sample_init (&s, TRUE, NULL);
  g_autofree char *zh = render_text (&s.receipt, HB_PAPER_A4, "receipt-a4-next-queued.pdf", NULL);
  assert_text_has (zh, "1." NEXT_ZH_Q);
  assert_text_lacks (zh, NEXT_ZH);
  sample_clear (&s);

  sample_init (&s, FALSE, "en");
  g_autofree char *en = render_text (&s.receipt, HB_PAPER_RECEIPT_80MM,
                                     "receipt-80mm-next-en.pdf", NULL);
  assert_text_has (en, "Next steps");
  assert_text_has (en, "3." PROGRESS_EN);
  assert_text_lacks (en, "后续事项");
  sample_clear (&s);
}

static void
test_next_steps_validated (void)
{
  Sample s;
  sample_init (&s, FALSE, NULL);
  char bad[] = { 'a', (char) 0xC3, 0 };
  s.receipt.collect_at = bad;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hb_document_render_receipt (&s.receipt, HB_PAPER_A4, &error);
  g_assert_null (pdf);
  g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "collect_at"));
  g_clear_error (&error);

  g_autofree char *long_text = g_strnfill (HB_DOCUMENT_MAX_FIELD_BYTES + 1, 'x');
  s.receipt.collect_at = NULL;
  s.receipt.next_step = long_text;
  g_autoptr(GBytes) pdf2 = hb_document_render_receipt (&s.receipt, HB_PAPER_RECEIPT_80MM, &error);
  g_assert_null (pdf2);
  g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "next_step"));
  sample_clear (&s);
}

/* ---- the offline 随申码 slip (kiosk/hb-code-slip.c): its text is extractable too --------- */
static void
test_code_slip_text (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+08:00");
  g_autoptr(GDateTime) issued = g_date_time_new (tz, 2026, 11, 27, 10, 0, 0);
  g_autoptr(GDateTime) expires = g_date_time_add_years (issued, 1);
  HbCodeSlip slip = { "HB1.QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo.c2lnbmF0dXJl", "张*伟", expires,
                      "T-XH-0001", issued };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hb_code_slip_render (&slip, &error);
  g_assert_no_error (error);
  g_autofree char *path = hb_test_write_output ("code-slip.pdf", pdf);
  g_autofree char *text = hb_test_pdf_text (path, 0);
  assert_text_has (text, "随申码");
  assert_text_has (text, "张*伟");
  assert_text_has (text, "2027-11-27");
  assert_text_has (text, "T-XH-0001");
  /* The code itself is only in the QR symbol, not in the text. */
  assert_text_lacks (text, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");   /* so failure messages show Chinese, not “???” */
  hb_test_init (&argc, &argv);

  g_test_add_func ("/kiosk/document/receipt/a4/prints-title-service-reference-applicant-and-rows",
                   test_a4_content);
  g_test_add_func ("/kiosk/document/receipt/a4/next-steps-absent-print-fixed-texts-on-one-page",
                   test_a4_next_steps_fixed);
  g_test_add_func ("/kiosk/document/receipt/80mm/next-steps-absent-print-fixed-texts-before-the-qr",
                   test_80mm_next_steps_fixed);
  g_test_add_func ("/kiosk/document/receipt/a4/next-steps-given-replace-their-fixed-texts",
                   test_a4_next_steps_given);
  g_test_add_func ("/kiosk/document/receipt/80mm/next-steps-given-replace-their-fixed-texts",
                   test_80mm_next_steps_given);
  g_test_add_func ("/kiosk/document/receipt/next-steps-follow-queued-and-language",
                   test_next_steps_queued_and_english);
  g_test_add_func ("/kiosk/document/receipt/invalid/next-steps-are-validated-and-named",
                   test_next_steps_validated);
  g_test_add_func ("/kiosk/document/code-slip/text-is-extractable", test_code_slip_text);
  g_test_add_func ("/kiosk/document/receipt/80mm/prints-title-service-reference-applicant-and-rows",
                   test_80mm_content);
  g_test_add_func ("/kiosk/document/receipt/a4/queued-prints-queued-reference-and-notice",
                   test_a4_queued);
  g_test_add_func ("/kiosk/document/receipt/80mm/queued-prints-queued-reference-and-notice",
                   test_80mm_queued);
  g_test_add_func ("/kiosk/document/receipt/a4/queued-in-english-prints-the-english-notice",
                   test_a4_queued_en);
  g_test_add_func ("/kiosk/document/receipt/80mm/queued-in-english-prints-the-english-notice",
                   test_80mm_queued_en);
  g_test_add_func ("/kiosk/document/receipt/a4/english-language-gives-english-labels",
                   test_a4_english);
  g_test_add_func ("/kiosk/document/receipt/80mm/english-language-gives-english-labels",
                   test_80mm_english);
  g_test_add_func ("/kiosk/document/receipt/language-names-en-variants-english-others-chinese",
                   test_language_variants);
  g_test_add_func ("/kiosk/document/receipt/control-and-bidi-characters-are-dropped",
                   test_control_and_bidi_characters_dropped);
  g_test_add_func ("/kiosk/document/receipt/optional-fields-may-be-missing",
                   test_optional_fields_may_be_missing);
  g_test_add_func ("/kiosk/document/receipt/a4/page-is-595-by-842-points", test_a4_page_size);
  g_test_add_func ("/kiosk/document/receipt/80mm/page-is-80mm-wide-and-as-long-as-its-content",
                   test_80mm_page_width);
  g_test_add_func ("/kiosk/document/receipt/80mm/height-grows-with-rows",
                   test_80mm_height_grows_with_rows);
  g_test_add_func ("/kiosk/document/receipt/a4/many-rows-continue-on-numbered-pages",
                   test_a4_many_rows_continue_on_next_page);
  g_test_add_func ("/kiosk/document/receipt/80mm/too-long-for-the-roll-fails-invalid",
                   test_80mm_too_long_for_the_roll);
  g_test_add_func ("/kiosk/document/receipt/longest-fields-stay-inside-the-margins",
                   test_longest_fields_stay_inside);
  g_test_add_func ("/kiosk/document/receipt/pdf-has-title-and-creator-metadata", test_metadata);
  g_test_add_func ("/kiosk/document/receipt/pdf-embeds-noto-sans-cjk-only-the-glyphs-printed", test_embeds_noto_cjk);
  g_test_add_func ("/kiosk/document/receipt/same-receipt-gives-same-bytes",
                   test_same_receipt_same_bytes);
  g_test_add_func ("/kiosk/document/receipt/every-glyph-prints-despite-cairo-cff-subsetting",
                   test_every_glyph_prints);
  g_test_add_func ("/kiosk/document/qr/modules-match-libqrencode-level-m",
                   test_qr_matches_libqrencode_level_m);
  g_test_add_func ("/kiosk/document/qr/too-long-text-fails-render", test_qr_too_long_fails);
  g_test_add_func ("/kiosk/document/qr/draw-paints-modules-and-white-quiet-zone",
                   test_qr_draw_paints_modules_and_quiet_zone);
  g_test_add_func ("/kiosk/document/receipt/a4/printed-qr-is-the-reference", test_a4_printed_qr);
  g_test_add_func ("/kiosk/document/receipt/80mm/printed-qr-is-the-reference-on-the-dot-grid",
                   test_80mm_printed_qr);
  g_test_add_func ("/kiosk/document/receipt/80mm/queued-printed-qr-is-the-queued-reference",
                   test_80mm_queued_printed_qr);
  g_test_add_func ("/kiosk/document/receipt/invalid/missing-required-field-is-named",
                   test_invalid_missing_required);
  g_test_add_func ("/kiosk/document/receipt/invalid/more-than-64-rows", test_invalid_too_many_rows);
  g_test_add_func ("/kiosk/document/receipt/invalid/bad-utf8-names-field-not-value",
                   test_invalid_bad_utf8);
  g_test_add_func ("/kiosk/document/receipt/invalid/field-over-1024-bytes", test_invalid_too_long);
  g_test_add_func ("/kiosk/document/receipt/async/gives-the-same-bytes-from-a-deep-copy",
                   test_async_matches_sync);
  g_test_add_func ("/kiosk/document/receipt/async/invalid-receipt-fails-invalid",
                   test_async_invalid);
  g_test_add_func ("/kiosk/document/receipt/async/cancelled-fails-cancelled", test_async_cancelled);
  g_test_add_func ("/kiosk/document/receipt/async/parallel-renders-agree", test_async_parallel);

  return g_test_run ();
}
