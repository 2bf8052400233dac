/* Tests for kiosk/hb-code-slip.c: the printed offline code scans back to the very code
 * the platform issued, and nothing unusable is printed. */
#include "kiosk/hb-code-slip-private.h"
#include "drivers/scanner/hb-qr-decoder.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

/* A code of realistic length: HB1.<~200 chars payload>.<~96 chars signature>. */
static char *
sample_code (gsize payload_chars)
{
  GString *s = g_string_new ("HB1.");
  const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (gsize i = 0; i < payload_chars; i++)
    g_string_append_c (s, alphabet[(i * 7 + 3) % 64]);
  g_string_append_c (s, '.');
  for (gsize i = 0; i < 96; i++)
    g_string_append_c (s, alphabet[(i * 11 + 5) % 64]);
  return g_string_free (s, FALSE);
}

static HbCodeSlip
slip_for (const char *code, GDateTime *expires, GDateTime *issued)
{
  HbCodeSlip slip = { code, "张*伟", expires, "T-XH-0001", issued };
  return slip;
}

static void
test_pdf_is_rendered (void)
{
  g_autofree char *code = sample_code (220);
  g_autoptr(GDateTime) issued = g_date_time_new_local (2026, 11, 27, 10, 0, 0);
  g_autoptr(GDateTime) expires = g_date_time_add_years (issued, 1);
  HbCodeSlip slip = slip_for (code, expires, issued);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hb_code_slip_render (&slip, &error);
  g_autoptr(GBytes) again = hb_code_slip_render (&slip, NULL);
  gsize len = 0;
  const char *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (pdf, &len);
  g_assert_cmpuint (len, >, 1000);
  g_assert_true (memcmp (data, "%PDF", 4) == 0);
  /* Only the glyphs it prints are embedded (hb-pdf-text.c); cairo's own subset of Noto Sans
   * CJK would be about 100 KB per weight. */
  g_test_message ("slip PDF: %" G_GSIZE_FORMAT " bytes", len);
  g_assert_cmpuint (len, <, 48 * 1024);
  /* Same slip, same bytes: a reprint is identical. */
  g_assert_true (g_bytes_equal (pdf, again));
}

/* The printed symbol, rasterised at a given resolution, decodes to the issued code. */
static void
scan_back (gsize payload_chars, double dpi)
{
  g_autofree char *code = sample_code (payload_chars);
  g_autoptr(GDateTime) issued = g_date_time_new_local (2026, 11, 27, 10, 0, 0);
  g_autoptr(GDateTime) expires = g_date_time_add_years (issued, 1);
  HbCodeSlip slip = slip_for (code, expires, issued);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *image = hb_code_slip_render_image (&slip, dpi, &error);
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  g_autoptr(GPtrArray) found = NULL;
  int w, h, stride;
  const guint8 *px;
  g_autofree guint8 *grey = NULL;
  HbQrSymbol *symbol;

  g_assert_no_error (error);
  g_assert_nonnull (image);
  w = cairo_image_surface_get_width (image);
  h = cairo_image_surface_get_height (image);
  stride = cairo_image_surface_get_stride (image);
  px = cairo_image_surface_get_data (image);
  grey = g_malloc ((gsize) w * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = *(const guint32 *) (px + (gsize) y * stride + (gsize) x * 4);
        grey[(gsize) y * w + x] = (guint8) ((((p >> 16) & 0xff) * 30 + ((p >> 8) & 0xff) * 59 +
                                             (p & 0xff) * 11) / 100);
      }
  cairo_surface_destroy (image);

  found = hb_qr_decoder_decode (decoder, grey, (gsize) w * h, w, h, w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  symbol = found->pdata[0];
  g_assert_cmpstr (symbol->text, ==, code);
}

static void
test_printed_code_scans_back (void)
{
  scan_back (220, 200);
}

static void
test_longest_code_still_scans_at_printer_resolution (void)
{
  /* 2,048 characters in all: the longest code a terminal accepts. */
  scan_back (2048 - 4 - 1 - 96, 600);
}

static void
test_unusable_slips_are_refused (void)
{
  g_autoptr(GDateTime) issued = g_date_time_new_local (2026, 11, 27, 10, 0, 0);
  g_autoptr(GDateTime) expires = g_date_time_add_years (issued, 1);
  g_autofree char *too_long = sample_code (2048);
  const char *bad_codes[] = { "", "HB1.abc def.xyz", "HB1.\xe4\xb8\xad.x", too_long };

  for (guint i = 0; i < G_N_ELEMENTS (bad_codes); i++)
    {
      HbCodeSlip slip = slip_for (bad_codes[i], expires, issued);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = hb_code_slip_render (&slip, &error);
      g_assert_null (pdf);
      g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
    }
  {
    HbCodeSlip slip = slip_for ("HB1.abc.def", NULL, issued);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) pdf = hb_code_slip_render (&slip, &error);
    g_assert_null (pdf);
    g_assert_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID);
  }
}

static void
rendered (GObject *source, GAsyncResult *result, gpointer data)
{
  GBytes **out = data;
  g_autoptr(GError) error = NULL;
  *out = hb_code_slip_render_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
have (gpointer data)
{
  return *(GBytes **) data != NULL;
}

static void
test_async_render_matches_sync (void)
{
  g_autofree char *code = sample_code (300);
  g_autoptr(GDateTime) issued = g_date_time_new_local (2026, 11, 27, 10, 0, 0);
  g_autoptr(GDateTime) expires = g_date_time_add_years (issued, 1);
  HbCodeSlip slip = slip_for (code, expires, issued);
  g_autoptr(GBytes) sync_pdf = hb_code_slip_render (&slip, NULL);
  g_autoptr(GBytes) async_pdf = NULL;

  hb_code_slip_render_async (&slip, NULL, rendered, &async_pdf);
  /* The slip was copied: the caller's strings may go at once. */
  memset (code, 'x', strlen (code));
  g_assert_true (hb_test_wait_until (have, &async_pdf, 20000));
  g_assert_true (g_bytes_equal (sync_pdf, async_pdf));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/code-slip/pdf-is-rendered", test_pdf_is_rendered);
  g_test_add_func ("/kiosk/code-slip/printed-code-scans-back", test_printed_code_scans_back);
  g_test_add_func ("/kiosk/code-slip/longest-code-still-scans-at-printer-resolution",
                   test_longest_code_still_scans_at_printer_resolution);
  g_test_add_func ("/kiosk/code-slip/unusable-slips-are-refused", test_unusable_slips_are_refused);
  g_test_add_func ("/kiosk/code-slip/async-render-matches-sync", test_async_render_matches_sync);
  return g_test_run ();
}
