/* test-certificate.c — proofs, certificates and e-licence copies from the platform's JSON
 * (kiosk/hb-certificate.c): bounded parsing with named errors, masking by field flag, A4
 * pages with header and "page x of n" footer on each, the verification QR (scanned back
 * with ZBar), and the licence copy's watermark on every page with the text still
 * extractable. PDFs and PNGs are kept in the test output folder. */
#include "kiosk/hb-certificate.h"
#include "kiosk/hb-document-private.h"
#include "common/hb-json.h"
#include "drivers/scanner/hb-qr-decoder.h"
#include "tests/common/hb-test-util.h"

#include <cairo.h>
#include <string.h>

#define VERIFY_URL "https://zwdt.sh.gov.cn/verify?sn=SB2024050100012345"

static const char PROOF_HEAD[] =
  "{\"kind\": \"%s\", \"title\": \"上海市社会保险个人缴费证明\","
  " \"issuer\": \"上海市社会保险事业管理中心\", \"serial\": \"SB2024050100012345\","
  " \"issued_at\": \"2024-05-01T10:30:00+08:00\","
  " \"holder\": [ {\"label\": \"姓名\", \"value\": \"张三丰\", \"mask\": \"name\"},"
  "   {\"label\": \"公民身份号码\", \"value\": \"310104199001011234\", \"mask\": \"id_number\"},"
  "   {\"label\": \"参保状态\", \"value\": \"正常参保\", \"mask\": \"none\"} ],"
  " \"notes\": [\"本证明仅证明上述期间的缴费情况。\", \"如有疑问请拨打 12345。\"],"
  " \"verify_url\": \"" VERIFY_URL "\" %s,"
  " \"table\": {\"columns\": [\"缴费年月\", \"缴费单位\", \"缴费基数\", \"个人缴纳\"], \"rows\": [";

/* A proof with n table rows (row i's month is unique: R%04u), or a licence copy. */
static char *
sample_json (guint n_rows, gboolean licence)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, PROOF_HEAD, licence ? "licence_copy" : "proof",
                          licence ? ", \"watermark\": {\"purpose\": \"办理入学手续\","
                                    " \"date\": \"2024-05-02\"}" : "");
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (s, "%s[\"R%04u\", \"上海某某科技有限公司\", \"%u.00\", \"%u.40\"]",
                            i ? "," : "", i, 7000 + i, 560 + i);
  g_string_append (s, "]}}");
  return g_string_free (s, FALSE);
}

static HbCertificate *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  HbCertificate *cert = hb_certificate_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

/* ---- poppler helpers ------------------------------------------------------------------ */
static guint
count_of (const char *haystack, const char *needle)
{
  g_autofree char *n = hb_test_squash (needle);
  guint count = 0;
  for (const char *p = strstr (haystack, n); p != NULL; p = strstr (p + strlen (n), n))
    count++;
  return count;
}

static void
assert_has (const char *squashed, const char *needle)
{
  if (count_of (squashed, needle) == 0)
    g_error ("PDF text lacks “%s”; it reads: %s", needle, squashed);
}

static guint
pdf_pages (const char *pdf)
{
  const char *argv[] = { "pdfinfo", pdf, NULL };
  g_autofree char *info = hb_test_run_tool (argv);
  const char *p = strstr (info, "\nPages:");
  g_assert_nonnull (p);
  return (guint) g_ascii_strtoull (p + 7 + strspn (p + 7, " "), NULL, 10);
}

static cairo_surface_t *
page_png (const char *pdf, guint page, int dpi, const char *name)
{
  g_autofree char *prefix = hb_test_output_path (name);
  g_autofree char *p = g_strdup_printf ("%u", page);
  g_autofree char *r = g_strdup_printf ("%d", dpi);
  const char *argv[] = { "pdftoppm", "-r", r, "-png", "-f", p, "-l", p, "-singlefile", pdf,
                         prefix, NULL };
  g_free (hb_test_run_tool (argv));
  g_autofree char *png = g_strdup_printf ("%s.png", prefix);
  cairo_surface_t *img = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (img), ==, CAIRO_STATUS_SUCCESS);
  return img;
}

static guint8 *
grey_of (cairo_surface_t *img, guint *w, guint *h)
{
  cairo_surface_flush (img);
  *w = (guint) cairo_image_surface_get_width (img);
  *h = (guint) cairo_image_surface_get_height (img);
  guint8 *grey = g_malloc ((gsize) *w * *h);
  const guint8 *data = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  for (guint y = 0; y < *h; y++)
    for (guint x = 0; x < *w; x++)
      {
        guint32 px;
        memcpy (&px, data + (gsize) y * stride + 4 * x, 4);
        grey[(gsize) y * *w + x] = (guint8) ((((px >> 16) & 0xff) * 299 + ((px >> 8) & 0xff) * 587
                                              + (px & 0xff) * 114) / 1000);
      }
  return grey;
}

/* Non-white pixels in the left and right page margins (3 to 17 mm in, 20 mm below the
 * top to 20 mm above the bottom), where the page itself never draws: only a watermark
 * across the whole page reaches there. */
static gsize
margin_marks (cairo_surface_t *img)
{
  guint w, h;
  g_autofree guint8 *grey = grey_of (img, &w, &h);
  double px_per_mm = w / 210.0;
  gsize n = 0;
  for (guint y = (guint) (20 * px_per_mm); y < h - (guint) (20 * px_per_mm); y++)
    for (guint x = (guint) (3 * px_per_mm); x < (guint) (17 * px_per_mm); x++)
      n += (grey[(gsize) y * w + x] < 245) + (grey[(gsize) y * w + (w - 1 - x)] < 245);
  return n;
}

static GBytes *
render_ok (const HbCertificate *cert, guint *pages)
{
  g_autoptr(GError) error = NULL;
  GBytes *pdf = hb_certificate_render_with_pages (cert, pages, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  return pdf;
}

/* ---- parsing -------------------------------------------------------------------------- */
static void
test_parse_sample (void)
{
  g_autofree char *json = sample_json (3, FALSE);
  g_autoptr(HbCertificate) cert = parse_ok (json);
  g_assert_cmpint (hb_certificate_get_kind (cert), ==, HB_CERTIFICATE_PROOF);
  g_assert_cmpstr (hb_certificate_get_title (cert), ==, "上海市社会保险个人缴费证明");
  g_assert_cmpstr (hb_certificate_get_serial (cert), ==, "SB2024050100012345");
  g_assert_cmpuint (hb_certificate_get_n_rows (cert), ==, 3);
  g_assert_cmpstr (hb_certificate_get_holder_value (cert, 0), ==, "张**");
  g_assert_cmpstr (hb_certificate_get_holder_value (cert, 1), ==, "310***********1234");
  g_assert_cmpstr (hb_certificate_get_holder_value (cert, 2), ==, "正常参保");
  g_assert_null (hb_certificate_get_holder_value (cert, 3));
  g_assert_null (hb_certificate_get_watermark (cert));
}

static void
test_mask_flags (void)
{
  struct { const char *in; HbCertificateMask mask; const char *out; } cases[] = {
    { "张三丰", HB_CERTIFICATE_MASK_NAME, "张**" },
    { "欧阳", HB_CERTIFICATE_MASK_NAME, "欧*" },
    { "31010419900101123X", HB_CERTIFICATE_MASK_ID_NUMBER, "310***********123X" },
    { "13812345678", HB_CERTIFICATE_MASK_PHONE, "138****5678" },
    { "1234567", HB_CERTIFICATE_MASK_PHONE, "*******" },
    { "上海市徐汇区漕溪北路88号", HB_CERTIFICATE_MASK_ADDRESS, "上海市徐汇区***" },
    { "秘密", HB_CERTIFICATE_MASK_ALL, "**" },
    { "正常", HB_CERTIFICATE_MASK_NONE, "正常" },
    { "", HB_CERTIFICATE_MASK_ID_NUMBER, "" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *m = hb_certificate_mask (cases[i].in, cases[i].mask);
      g_assert_cmpstr (m, ==, cases[i].out);
    }
}

static void
test_holder_without_mask_is_masked_whole (void)
{
  const char *json = "{\"title\": \"t\", \"issuer\": \"i\", \"serial\": \"s\","
                     " \"issued_at\": \"2024-05-01T10:30:00+08:00\", \"verify_url\": \"https://x/\","
                     " \"holder\": [{\"label\": \"电话\", \"value\": \"13812345678\"}]}";
  g_autoptr(HbCertificate) cert = parse_ok (json);
  g_assert_cmpstr (hb_certificate_get_holder_value (cert, 0), ==, "***********");
}

static void
test_invalid_members_are_named (void)
{
  struct { const char *json; const char *member; } cases[] = {
    { "{\"issuer\": \"i\", \"serial\": \"s\", \"issued_at\": \"2024-05-01T10:30:00Z\","
      " \"verify_url\": \"https://x/\"}", "“title” is required" },
    { "{\"title\": 5, \"issuer\": \"i\", \"serial\": \"s\", \"issued_at\": \"2024-05-01T10:30:00Z\","
      " \"verify_url\": \"https://x/\"}", "“title” is not a string" },
    { "{\"title\": \"t\", \"issuer\": \"i\", \"serial\": \"s\", \"issued_at\": \"yesterday\","
      " \"verify_url\": \"https://x/\"}", "“issued_at”" },
    { "{\"title\": \"t\", \"issuer\": \"i\", \"serial\": \"s\", \"issued_at\": \"2024-05-01T10:30:00Z\","
      " \"verify_url\": \"http://x/SECRET\"}", "“verify_url”" },
    { "{\"kind\": \"passport\", \"title\": \"t\"}", "“kind”" },
    { "{\"kind\": \"licence_copy\", \"title\": \"t\", \"issuer\": \"i\", \"serial\": \"s\","
      " \"issued_at\": \"2024-05-01T10:30:00Z\", \"verify_url\": \"https://x/\"}",
      "“watermark” is required for a licence copy" },
    { "{\"title\": \"t\", \"issuer\": \"i\", \"serial\": \"s\", \"issued_at\": \"2024-05-01T10:30:00Z\","
      " \"verify_url\": \"https://x/\", \"holder\": [{\"label\": \"l\", \"value\": \"SECRET\","
      " \"mask\": \"some\"}]}", "“holder[].mask”" },
    { "{\"title\": \"t\", \"issuer\": \"i\", \"serial\": \"s\", \"issued_at\": \"2024-05-01T10:30:00Z\","
      " \"verify_url\": \"https://x/\", \"table\": {\"columns\": [\"a\", \"b\"],"
      " \"rows\": [[\"SECRET\"]]}}", "“table.rows”" },
    { "{\"title\": \"t\", \"issuer\": \"i\", \"serial\": \"s\", \"issued_at\": \"2024-05-01T10:30:00Z\","
      " \"verify_url\": \"https://x/\", \"table\": {\"columns\": [\"1\",\"2\",\"3\",\"4\",\"5\","
      "\"6\",\"7\",\"8\",\"9\"]}}", "“columns” has too many elements" },
    { "[1, 2]", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbCertificate) cert = hb_certificate_parse (cases[i].json, strlen (cases[i].json),
                                                            &error);
      g_assert_null (cert);
      g_assert_nonnull (error);
      if (cases[i].member != NULL)
        {
          g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
          if (strstr (error->message, cases[i].member) == NULL)
            g_error ("case %" G_GSIZE_FORMAT ": “%s” does not name %s", i, error->message,
                     cases[i].member);
        }
      g_assert_null (strstr (error->message, "SECRET"));
    }
}

static void
test_bounds (void)
{
  g_autoptr(GError) error = NULL;
  GString *deep = g_string_new ("{\"a\":");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_autoptr(HbCertificate) c1 = hb_certificate_parse (deep->str, deep->len, &error);
  g_assert_null (c1);
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_TOO_DEEP);
  g_string_free (deep, TRUE);
  g_clear_error (&error);

  g_autofree char *big = g_malloc (HB_CERTIFICATE_MAX_BYTES + 2);
  memset (big, ' ', HB_CERTIFICATE_MAX_BYTES + 1);
  big[0] = '{';
  big[HB_CERTIFICATE_MAX_BYTES] = '}';
  g_autoptr(HbCertificate) c2 = hb_certificate_parse (big, HB_CERTIFICATE_MAX_BYTES + 1, &error);
  g_assert_null (c2);
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_autofree char *many = sample_json (HB_CERTIFICATE_MAX_ROWS + 1, FALSE);
  g_autoptr(HbCertificate) c3 = hb_certificate_parse (many, strlen (many), &error);
  g_assert_null (c3);
  g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“rows” has too many elements"));
}

/* The fuzz target's valid seeds are what the docs show: they parse. */
static void
test_fuzz_seeds_parse (void)
{
  const char *seeds[] = { "proof.json", "licence-copy.json" };
  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = g_build_filename (hb_test_srcdir (), "tests", "fuzz", "corpus",
                                                "fuzz-certificate-json", seeds[i], NULL);
      gsize len = 0;
      g_autofree char *json = hb_test_read_file (path, &len);
      g_assert_nonnull (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(HbCertificate) cert = hb_certificate_parse (json, len, &error);
      g_assert_no_error (error);
      g_assert_nonnull (cert);
    }
}

/* ---- rendering ------------------------------------------------------------------------ */
static void
test_proof_text_is_extractable (void)
{
  g_autofree char *json = sample_json (5, FALSE);
  g_autoptr(HbCertificate) cert = parse_ok (json);
  guint pages = 0;
  g_autoptr(GBytes) pdf = render_ok (cert, &pages);
  g_autofree char *path = hb_test_write_output ("certificate-proof.pdf", pdf);
  g_autofree char *text = hb_test_pdf_text (path, 0);
  g_assert_cmpuint (pages, ==, 1);
  g_assert_cmpuint (pdf_pages (path), ==, 1);
  assert_has (text, "上海市社会保险个人缴费证明");
  assert_has (text, "上海市社会保险事业管理中心");
  assert_has (text, "SB2024050100012345");
  assert_has (text, "张**");
  assert_has (text, "310***********1234");
  assert_has (text, "出具日期2024-05-01");
  assert_has (text, "缴费年月");
  assert_has (text, "R0004");
  assert_has (text, "7004.00");
  assert_has (text, "本证明仅证明上述期间的缴费情况。");
  assert_has (text, VERIFY_URL);
  assert_has (text, "第 1 页 / 共 1 页");
  g_assert_cmpuint (count_of (text, "张三丰"), ==, 0);
  g_assert_cmpuint (count_of (text, "310104199001011234"), ==, 0);
  g_assert_cmpuint (count_of (text, "仅供"), ==, 0);
}

static void
test_long_table_pages (void)
{
  const guint n_rows = 260;
  g_autofree char *json = sample_json (n_rows, FALSE);
  g_autoptr(HbCertificate) cert = parse_ok (json);
  guint pages = 0;
  g_autoptr(GBytes) pdf = render_ok (cert, &pages);
  g_autofree char *path = hb_test_write_output ("certificate-long.pdf", pdf);
  g_assert_cmpuint (pages, >=, 4);
  g_assert_cmpuint (pdf_pages (path), ==, pages);

  GString *all = g_string_new (NULL);
  for (guint p = 1; p <= pages; p++)
    {
      g_autofree char *text = hb_test_pdf_text (path, p);
      g_autofree char *footer = g_strdup_printf ("第 %u 页 / 共 %u 页", p, pages);
      assert_has (text, "上海市社会保险事业管理中心");
      assert_has (text, "编号 SB2024050100012345");
      assert_has (text, footer);
      /* The column names head the table on every page it runs over. */
      if (p < pages)
        assert_has (text, "缴费年月缴费单位缴费基数个人缴纳");
      if (p > 1)
        assert_has (text, "上海市社会保险个人缴费证明（续）");
      g_string_append (all, text);
    }
  /* Every row printed exactly once, in order. */
  const char *prev = all->str;
  for (guint i = 0; i < n_rows; i++)
    {
      char id[16];
      g_snprintf (id, sizeof id, "R%04u", i);
      g_assert_cmpuint (count_of (all->str, id), ==, 1);
      const char *at = strstr (all->str, id);
      g_assert_true (at >= prev);
      prev = at;
    }
  /* The verification block comes last. */
  g_autofree char *last = hb_test_pdf_text (path, pages);
  assert_has (last, VERIFY_URL);
  g_string_free (all, TRUE);
}

static void
test_verification_qr_scans (void)
{
  g_autofree char *json = sample_json (3, FALSE);
  g_autoptr(HbCertificate) cert = parse_ok (json);
  g_autoptr(GBytes) pdf = render_ok (cert, NULL);
  g_autofree char *path = hb_test_write_output ("certificate-qr.pdf", pdf);
  cairo_surface_t *img = page_png (path, 1, 150, "certificate-qr");
  guint w, h;
  g_autofree guint8 *grey = grey_of (img, &w, &h);
  cairo_surface_destroy (img);
  g_autoptr(HbQrDecoder) dec = hb_qr_decoder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = hb_qr_decoder_decode (dec, grey, (gsize) w * h, w, h, w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (((HbQrSymbol *) g_ptr_array_index (codes, 0))->text, ==, VERIFY_URL);
}

static void
test_licence_copy_watermark (void)
{
  const guint n_rows = 120;
  g_autofree char *pj = sample_json (n_rows, FALSE);
  g_autofree char *lj = sample_json (n_rows, TRUE);
  g_autoptr(HbCertificate) proof = parse_ok (pj);
  g_autoptr(HbCertificate) copy = parse_ok (lj);
  const char *mark = "仅供办理入学手续使用，再次复印无效 · 2024-05-02";
  g_assert_cmpstr (hb_certificate_get_watermark (copy), ==, mark);

  guint pages = 0, proof_pages = 0;
  g_autoptr(GBytes) pdf = render_ok (copy, &pages);
  g_autoptr(GBytes) plain = render_ok (proof, &proof_pages);
  g_autofree char *path = hb_test_write_output ("licence-copy.pdf", pdf);
  g_autofree char *plain_path = hb_test_write_output ("licence-copy-unmarked.pdf", plain);
  g_assert_cmpuint (pages, >=, 2);

  /* The text underneath reads as without the watermark: every row once, in full. */
  g_autofree char *text = hb_test_pdf_text (path, 0);
  for (guint i = 0; i < n_rows; i++)
    {
      char id[16];
      g_snprintf (id, sizeof id, "R%04u", i);
      g_assert_cmpuint (count_of (text, id), ==, 1);
    }
  assert_has (text, "上海市社会保险个人缴费证明");
  assert_has (text, "310***********1234");
  /* The restriction is in the text once per page (the footer line); the diagonal copies
   * are outlines, so they neither repeat in nor break up the extracted text. */
  g_assert_cmpuint (count_of (text, mark), ==, pages);

  for (guint p = 1; p <= pages; p++)
    {
      g_autofree char *name = g_strdup_printf ("licence-copy-p%u", p);
      cairo_surface_t *img = page_png (path, p, 50, name);
      gsize marked = margin_marks (img);
      cairo_surface_destroy (img);
      /* Both margins of every page crossed again and again (each crossing a few dozen
       * pixels at 50 dpi): repeated across the page, not one stamp. */
      g_assert_cmpuint (marked, >, 400);
    }
  for (guint p = 1; p <= proof_pages; p++)
    {
      g_autofree char *name = g_strdup_printf ("licence-copy-unmarked-p%u", p);
      cairo_surface_t *img = page_png (plain_path, p, 50, name);
      g_assert_cmpuint (margin_marks (img), ==, 0);
      cairo_surface_destroy (img);
    }
}

static void
test_same_input_same_bytes (void)
{
  g_autofree char *json = sample_json (40, TRUE);
  g_autoptr(HbCertificate) cert = parse_ok (json);
  g_autoptr(GBytes) a = render_ok (cert, NULL);
  g_autoptr(GBytes) b = render_ok (cert, NULL);
  g_assert_true (g_bytes_equal (a, b));
}

static void
test_longest_fields_render (void)
{
  /* Every string at its bound, every cell too: still renders, pages stay A4. */
  g_autofree char *long_s = g_strnfill (HB_CERTIFICATE_MAX_FIELD_BYTES / 3, 'x');
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "{\"title\": \"%s\", \"issuer\": \"%s\", \"serial\": \"%s\","
                          " \"issued_at\": \"2024-05-01T10:30:00+08:00\","
                          " \"verify_url\": \"https://x/%s\", \"notes\": [\"%s\"],"
                          " \"table\": {\"columns\": [\"%s\", \"%s\"], \"rows\": [",
                          long_s, long_s, long_s, long_s, long_s, long_s, long_s);
  for (int i = 0; i < 30; i++)
    g_string_append_printf (s, "%s[\"%s\", \"%s\"]", i ? "," : "", long_s, long_s);
  g_string_append (s, "]}}");
  g_autoptr(HbCertificate) cert = parse_ok (s->str);
  g_string_free (s, TRUE);
  guint pages = 0;
  g_autoptr(GBytes) pdf = render_ok (cert, &pages);
  g_autofree char *path = hb_test_write_output ("certificate-longest.pdf", pdf);
  g_assert_cmpuint (pdf_pages (path), ==, pages);
  g_assert_cmpuint (pages, >=, 2);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/certificate/parse/sample-proof-has-every-member-holder-masked",
                   test_parse_sample);
  g_test_add_func ("/kiosk/certificate/mask/each-flag-keeps-what-it-promises", test_mask_flags);
  g_test_add_func ("/kiosk/certificate/parse/holder-without-mask-flag-is-masked-whole",
                   test_holder_without_mask_is_masked_whole);
  g_test_add_func ("/kiosk/certificate/parse/invalid-members-are-named-never-their-values",
                   test_invalid_members_are_named);
  g_test_add_func ("/kiosk/certificate/parse/too-deep-too-large-too-many-rows-are-refused",
                   test_bounds);
  g_test_add_func ("/kiosk/certificate/parse/valid-fuzz-seeds-parse", test_fuzz_seeds_parse);
  g_test_add_func ("/kiosk/certificate/render/proof-text-is-extractable-and-masked",
                   test_proof_text_is_extractable);
  g_test_add_func ("/kiosk/certificate/render/long-table-breaks-pages-with-header-and-page-x-of-n",
                   test_long_table_pages);
  g_test_add_func ("/kiosk/certificate/render/verification-qr-scans-back-to-the-url",
                   test_verification_qr_scans);
  g_test_add_func ("/kiosk/certificate/render/licence-copy-watermark-on-every-page-text-intact",
                   test_licence_copy_watermark);
  g_test_add_func ("/kiosk/certificate/render/same-input-same-bytes", test_same_input_same_bytes);
  g_test_add_func ("/kiosk/certificate/render/longest-fields-still-render",
                   test_longest_fields_render);
  return g_test_run ();
}
