/* Tests for drivers/scanner/hb-qr-decoder.c: ZBar in binary mode on generated camera
 * frames (tests/support/hb-qr-image.c) — Chinese payloads byte for byte (and the Shift-JIS
 * trap of ZBar's text mode), rotation, low contrast, noise, several codes per frame, the
 * offline code format, empty frames, and refusal of impossible frames and bad payloads. */
#include "drivers/scanner/hb-qr-decoder.h"
#include "drivers/scanner/hb-scanner.h"
#include "tests/support/hb-qr-image.h"
#include "tests/common/hb-test-util.h"

#include <string.h>
#include <zbar.h>

/* 社保查询 and 查询 are the strings ZBar's text mode turns into Shift-JIS mojibake. */
static const char *const chinese[] = {
  "社保查询", "查询", "社保", "居住证", "请插入身份证", "居住证办理", "¥100 元",
  "居住证办理|K001|https://example.invalid/q?t=abc", "上海市徐汇区漕溪北路88号 社保查询 ✓",
};

static GPtrArray *
decode_frame (HbQrDecoder *decoder, const HbQrScene *scene, const HbQrPlacement *codes,
              guint n, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = hb_qr_image_render (scene, codes, n, &error);
  GPtrArray *found;

  g_assert_no_error (error);
  found = hb_qr_decoder_decode (decoder, pixels, (gsize) scene->width * scene->height,
                                scene->width, scene->height, scene->width, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  if (found->len != n && name)
    {
      /* Keep the frame for a look (tests/run-tests.sh keeps test-output/). */
      g_autofree char *path = hb_test_output_path (name);
      hb_qr_image_write_pgm (path, pixels, scene->width, scene->height, NULL);
      g_test_message ("frame kept as %s", path);
    }
  return found;
}

static void
assert_single (GPtrArray *found, const char *text, gsize length)
{
  HbQrSymbol *code;
  g_assert_cmpuint (found->len, ==, 1);
  code = found->pdata[0];
  g_assert_cmpuint (code->length, ==, length);
  g_assert_cmpmem (code->text, code->length, text, length);
  g_assert_cmpint (code->text[code->length], ==, '\0');
}

static void
test_chinese_round_trip (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  HbQrScene scene = { .width = 640, .height = 480 };

  for (guint i = 0; i < G_N_ELEMENTS (chinese); i++)
    {
      HbQrPlacement p = { .data = chinese[i], .length = -1, .cx = 320, .cy = 240, .module_px = 6 };
      g_autoptr(GPtrArray) found = decode_frame (decoder, &scene, &p, 1, "chinese.pgm");
      assert_single (found, chinese[i], strlen (chinese[i]));
      /* Centred where it was drawn. */
      g_assert_cmpint (ABS (((HbQrSymbol *) found->pdata[0])->x - 320), <, 12);
      g_assert_cmpint (ABS (((HbQrSymbol *) found->pdata[0])->y - 240), <, 12);
    }
}

/* ZBar's own text mode on the same frame: the control that shows the trap is real, so
 * the test above would fail if the decoder ever lost ZBAR_CFG_BINARY. */
static char *
zbar_text_mode (const guint8 *pixels, guint w, guint h)
{
  zbar_image_scanner_t *sc = zbar_image_scanner_create ();
  zbar_image_t *image = zbar_image_create ();
  char *text = NULL;

  zbar_image_scanner_set_config (sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, w, h);
  zbar_image_set_data (image, pixels, (unsigned long) w * h, NULL);
  if (zbar_scan_image (sc, image) > 0)
    text = g_strdup (zbar_symbol_get_data (zbar_image_first_symbol (image)));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (sc);
  return text;
}

static void
test_no_shift_jis_mojibake (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  const char *const traps[] = { "社保查询", "查询" };

  for (guint i = 0; i < G_N_ELEMENTS (traps); i++)
    {
      HbQrScene scene = { .width = 640, .height = 480 };
      HbQrPlacement p = { .data = traps[i], .length = -1, .cx = 320, .cy = 240, .module_px = 6 };
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *pixels = hb_qr_image_render (&scene, &p, 1, &error);
      g_autofree char *text_mode = zbar_text_mode (pixels, 640, 480);
      g_autoptr(GPtrArray) found = NULL;

      /* Text mode garbles it (遉ｾ菫晄衍隸｢ for 社保查询) … */
      g_assert_nonnull (text_mode);
      g_assert_cmpstr (text_mode, !=, traps[i]);
      /* … binary mode does not. */
      found = hb_qr_decoder_decode (decoder, pixels, 640 * 480, 640, 480, 640, &error);
      g_assert_no_error (error);
      assert_single (found, traps[i], strlen (traps[i]));
      g_assert_cmpstr (((HbQrSymbol *) found->pdata[0])->text, !=, text_mode);
    }
}

static void
test_rotated (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  const double angles[] = { 15, 30, 45, 90, 135, 180, 270, 347 };

  for (guint i = 0; i < G_N_ELEMENTS (angles); i++)
    {
      HbQrScene scene = { .width = 640, .height = 480 };
      HbQrPlacement p = { .data = "社保查询", .length = -1, .cx = 300, .cy = 250,
                          .module_px = 6, .angle_deg = angles[i] };
      g_autofree char *name = g_strdup_printf ("rotated-%g.pgm", angles[i]);
      g_autoptr(GPtrArray) found = decode_frame (decoder, &scene, &p, 1, name);
      g_test_message ("angle %g°", angles[i]);
      assert_single (found, "社保查询", strlen ("社保查询"));
    }
}

static void
test_low_contrast (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  /* A phone screen under the kiosk's lights: 40 grey levels between light and dark. */
  HbQrScene scene = { .width = 640, .height = 480, .light = 150, .dark = 110 };
  HbQrPlacement p = { .data = "居住证办理", .length = -1, .cx = 320, .cy = 240, .module_px = 5,
                      .angle_deg = 8 };
  g_autoptr(GPtrArray) found = decode_frame (decoder, &scene, &p, 1, "low-contrast.pgm");
  assert_single (found, "居住证办理", strlen ("居住证办理"));
}

static void
test_noisy (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();

  /* Gaussian noise of σ 8 grey levels on every pixel, independently (a camera's is
   * smoother); ZBar's line scanner gives up from about σ 12 (docs/camera-scanning.md). */
  for (guint seed = 1; seed <= 6; seed++)
    {
      HbQrScene scene = { .width = 1280, .height = 720, .light = 200, .dark = 40, .noise = 8,
                          .seed = seed };
      HbQrPlacement p = { .data = "社保查询", .length = -1, .cx = 700, .cy = 330,
                          .module_px = seed % 2 ? 7 : 4, .angle_deg = 12 };
      g_autoptr(GPtrArray) found = decode_frame (decoder, &scene, &p, 1, "noisy.pgm");
      assert_single (found, "社保查询", strlen ("社保查询"));
    }
}

static gboolean
contains (GPtrArray *found, const char *text)
{
  for (guint i = 0; i < found->len; i++)
    if (strcmp (((HbQrSymbol *) found->pdata[i])->text, text) == 0)
      return TRUE;
  return FALSE;
}

static void
test_several_codes (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  HbQrScene scene = { .width = 1280, .height = 720, .noise = 6, .seed = 3 };
  HbQrPlacement p[] = {
    { .data = "社保查询", .length = -1, .cx = 220, .cy = 200, .module_px = 6 },
    { .data = "居住证办理", .length = -1, .cx = 640, .cy = 380, .module_px = 5, .angle_deg = 20 },
    { .data = "https://example.invalid/place/310104", .length = -1, .cx = 1050, .cy = 200,
      .module_px = 5, .angle_deg = 90 },
    { .data = "查询", .length = -1, .cx = 1050, .cy = 560, .module_px = 6, .angle_deg = 180 },
  };
  g_autoptr(GPtrArray) found = decode_frame (decoder, &scene, p, G_N_ELEMENTS (p), "several.pgm");

  g_assert_cmpuint (found->len, ==, G_N_ELEMENTS (p));
  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    g_assert_true (contains (found, p[i].data));
}

/* HB1.<base64url payload>.<base64url signature>, as docs/suishenma-offline.md defines. */
static char *
offline_code (gsize payload_bytes)
{
  g_autoptr(GString) json = g_string_new ("{\"v\":1,\"kid\":\"k2026\",\"jti\":\"");
  g_autofree char *b64 = NULL;
  guint8 sig[72];
  GString *code;
  g_autofree char *sig64 = NULL;

  while (json->len + 40 < payload_bytes)
    g_string_append_c (json, 'a' + (char) (json->len % 26));
  g_string_append (json, "\",\"kind\":\"person\",\"name\":\"张*\",\"exp\":1795000000}");
  b64 = g_base64_encode ((const guchar *) json->str, json->len);
  for (gsize i = 0; i < sizeof sig; i++)
    sig[i] = (guint8) (i * 37 + 11);
  sig64 = g_base64_encode (sig, sizeof sig);
  code = g_string_new ("HB1.");
  g_string_append (code, b64);
  g_string_append_c (code, '.');
  g_string_append (code, sig64);
  /* base64 → base64url without padding */
  for (gsize i = 0; i < code->len; i++)
    code->str[i] = code->str[i] == '+' ? '-' : code->str[i] == '/' ? '_' : code->str[i];
  while (code->len && code->str[code->len - 1] == '=')
    g_string_truncate (code, code->len - 1);
  {
    /* padding inside (after the payload part) goes too */
    g_autofree char *s = g_string_free (code, FALSE);
    g_auto(GStrv) parts = g_strsplit (s, ".", -1);
    for (guint i = 0; parts[i]; i++)
      g_strdelimit (parts[i], "=", '\0');
    return g_strjoinv (".", parts);
  }
}

static void
test_offline_format (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  const gsize sizes[] = { 160, 250, 330 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *code = offline_code (sizes[i]);
      HbQrScene scene = { .width = 1280, .height = 720, .noise = 4, .seed = i + 1 };
      HbQrPlacement p = { .data = code, .length = -1, .cx = 640, .cy = 360, .module_px = 6,
                          .angle_deg = 5 };
      g_autoptr(GPtrArray) found = NULL;

      g_test_message ("offline code of %zu chars, %u modules", strlen (code),
                      hb_qr_image_symbol_width (code, -1, 0));
      g_assert_true (g_str_has_prefix (code, "HB1."));
      g_assert_cmpuint (strlen (code), >=, 300);
      g_assert_cmpuint (strlen (code), <=, 650);
      found = decode_frame (decoder, &scene, &p, 1, "offline.pgm");
      assert_single (found, code, strlen (code));
    }
}

static void
test_empty_frame (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  HbQrScene plain = { .width = 640, .height = 480 };
  HbQrScene noisy = { .width = 1280, .height = 720, .light = 128, .noise = 40, .seed = 9 };
  g_autoptr(GPtrArray) a = decode_frame (decoder, &plain, NULL, 0, NULL);
  g_autoptr(GPtrArray) b = decode_frame (decoder, &noisy, NULL, 0, NULL);

  g_assert_cmpuint (a->len, ==, 0);
  g_assert_cmpuint (b->len, ==, 0);
  g_assert_cmpuint (hb_qr_decoder_get_rejected (decoder), ==, 0);
}

static void
test_frame_sizes_and_stride (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  const guint sizes[][2] = { { 640, 480 }, { 1280, 720 }, { 320, 240 }, { 1920, 1080 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      HbQrScene scene = { .width = sizes[i][0], .height = sizes[i][1] };
      HbQrPlacement p = { .data = "社保查询", .length = -1, .cx = sizes[i][0] / 3.0,
                          .cy = sizes[i][1] / 2.0, .module_px = sizes[i][0] >= 1280 ? 8 : 4 };
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *pixels = hb_qr_image_render (&scene, &p, 1, &error);
      gsize stride = scene.width + 64;       /* rows padded, as V4L2 drivers may */
      g_autofree guint8 *padded = g_malloc0 (stride * scene.height);
      g_autoptr(GPtrArray) plain = NULL, strided = NULL;

      for (guint row = 0; row < scene.height; row++)
        memcpy (padded + row * stride, pixels + (gsize) row * scene.width, scene.width);
      plain = hb_qr_decoder_decode (decoder, pixels, (gsize) scene.width * scene.height,
                                    scene.width, scene.height, scene.width, &error);
      g_assert_no_error (error);
      assert_single (plain, "社保查询", strlen ("社保查询"));
      /* The last row need not be padded. */
      strided = hb_qr_decoder_decode (decoder, padded, stride * (scene.height - 1) + scene.width,
                                      scene.width, scene.height, stride, &error);
      g_assert_no_error (error);
      assert_single (strided, "社保查询", strlen ("社保查询"));
    }
}

static void
test_density (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  HbQrScene scene = { .width = 640, .height = 480 };
  HbQrPlacement p = { .data = "居住证", .length = -1, .cx = 320, .cy = 240, .module_px = 6 };
  g_autoptr(GPtrArray) found = NULL;

  hb_qr_decoder_set_density (decoder, 2);
  found = decode_frame (decoder, &scene, &p, 1, "density.pgm");
  assert_single (found, "居住证", strlen ("居住证"));
}

static void
test_bad_frames (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  guint8 small[64] = { 0 };
  struct { guint w, h; gsize stride, len; const guint8 *data; } cases[] = {
    { 0, 8, 8, 64, small },                           /* no width */
    { 8, 0, 8, 64, small },                           /* no height */
    { 8, 8, 7, 64, small },                           /* stride < width */
    { 8, 9, 8, 64, small },                           /* data too short */
    { 8, 8, 8, 64, NULL },                            /* no data */
    { HB_QR_FRAME_MAX_SIDE + 1, 1, HB_QR_FRAME_MAX_SIDE + 1, 64, small },   /* too wide */
    { 1, HB_QR_FRAME_MAX_SIDE + 1, 1, 64, small },    /* too high */
    { 8, 8, G_MAXSIZE / 2, 64, small },               /* stride that would overflow */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      GPtrArray *found = hb_qr_decoder_decode (decoder, cases[i].data, cases[i].len, cases[i].w,
                                               cases[i].h, cases[i].stride, &error);
      g_assert_null (found);
      g_assert_error (error, HB_QR_DECODER_ERROR, HB_QR_DECODER_ERROR_FRAME);
    }
  /* The boundary itself is fine. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) found = hb_qr_decoder_decode (decoder, small, 64, 8, 8, 8, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 0);
  }
}

static void
test_bad_payloads_rejected (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  /* GBK 社保 (not UTF-8), a lone continuation byte, an embedded NUL. */
  static const char gbk[] = "\xc9\xe7\xb1\xa3";
  static const char broken[] = "abc\x80xyz";
  static const char nul[] = "ab\0cd";
  struct { const char *data; gssize len; } bad[] = {
    { gbk, sizeof gbk - 1 }, { broken, sizeof broken - 1 }, { nul, sizeof nul - 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      HbQrScene scene = { .width = 640, .height = 480 };
      HbQrPlacement p[] = {
        { .data = bad[i].data, .length = bad[i].len, .cx = 180, .cy = 240, .module_px = 6 },
        { .data = "社保查询", .length = -1, .cx = 460, .cy = 240, .module_px = 6 },
      };
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *pixels = hb_qr_image_render (&scene, p, 2, &error);
      g_autoptr(GPtrArray) found = hb_qr_decoder_decode (decoder, pixels, 640 * 480, 640, 480,
                                                         640, &error);
      g_assert_no_error (error);
      /* The good code next to it still comes through; the bad one never does. */
      assert_single (found, "社保查询", strlen ("社保查询"));
      g_assert_cmpuint (hb_qr_decoder_get_rejected (decoder), ==, i + 1);
    }
}

static void
test_reused_across_frames (void)
{
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();

  for (guint i = 0; i < 24; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s #%u", chinese[i % G_N_ELEMENTS (chinese)], i);
      HbQrScene scene = { .width = 640, .height = 480, .noise = i % 3 ? 5 : 0, .seed = i };
      HbQrPlacement p = { .data = text, .length = -1, .cx = 200 + 10 * i, .cy = 240,
                          .module_px = 5, .angle_deg = 15.0 * i };
      g_autoptr(GPtrArray) found = decode_frame (decoder, &scene, &p, 1, "reused.pgm");
      assert_single (found, text, strlen (text));
      if (i % 4 == 3)
        {
          g_autoptr(GPtrArray) none = decode_frame (decoder, &scene, NULL, 0, NULL);
          g_assert_cmpuint (none->len, ==, 0);
        }
    }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/drivers/scanner/qr-decoder/chinese-payloads-round-trip-byte-for-byte",
                   test_chinese_round_trip);
  g_test_add_func ("/drivers/scanner/qr-decoder/binary-mode-never-produces-shift-jis-mojibake",
                   test_no_shift_jis_mojibake);
  g_test_add_func ("/drivers/scanner/qr-decoder/rotated-codes-decode", test_rotated);
  g_test_add_func ("/drivers/scanner/qr-decoder/low-contrast-code-decodes", test_low_contrast);
  g_test_add_func ("/drivers/scanner/qr-decoder/noisy-code-decodes", test_noisy);
  g_test_add_func ("/drivers/scanner/qr-decoder/several-codes-in-one-frame-are-all-found",
                   test_several_codes);
  g_test_add_func ("/drivers/scanner/qr-decoder/offline-code-format-round-trips",
                   test_offline_format);
  g_test_add_func ("/drivers/scanner/qr-decoder/frame-without-a-code-yields-nothing",
                   test_empty_frame);
  g_test_add_func ("/drivers/scanner/qr-decoder/frame-sizes-and-padded-rows", test_frame_sizes_and_stride);
  g_test_add_func ("/drivers/scanner/qr-decoder/sparser-scan-density-still-decodes", test_density);
  g_test_add_func ("/drivers/scanner/qr-decoder/impossible-frames-are-refused", test_bad_frames);
  g_test_add_func ("/drivers/scanner/qr-decoder/non-utf8-and-nul-payloads-are-dropped",
                   test_bad_payloads_rejected);
  g_test_add_func ("/drivers/scanner/qr-decoder/one-decoder-serves-many-frames",
                   test_reused_across_frames);
  return g_test_run ();
}
