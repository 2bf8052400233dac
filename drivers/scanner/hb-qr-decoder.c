/* hb-qr-decoder.c — QR codes in a Y800 frame through ZBar in binary mode. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-qr-decoder.h"
#include "drivers/scanner/hb-scanner-private.h"

#include <string.h>
#include <zbar.h>

G_DEFINE_QUARK (hb-qr-decoder-error-quark, hb_qr_decoder_error)

struct _HbQrDecoder
{
  zbar_image_scanner_t *scanner;
  guint8               *packed;      /* rows copied together when stride > width */
  gsize                 packed_size;
  guint                 rejected;
};

void
hb_qr_symbol_free (HbQrSymbol *code)
{
  if (code == NULL)
    return;
  if (code->text)
    explicit_bzero (code->text, code->length);
  g_free (code->text);
  g_free (code);
}

HbQrDecoder *
hb_qr_decoder_new (void)
{
  HbQrDecoder *self = g_new0 (HbQrDecoder, 1);

  self->scanner = zbar_image_scanner_create ();
  /* QR only: every other symbology costs a pass per line and could misread a QR's
   * finder patterns as a 1-D code. */
  zbar_image_scanner_set_config (self->scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (self->scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  /* Raw payload bytes: text mode's charset guess garbles UTF-8 Chinese into Shift-JIS. */
  zbar_image_scanner_set_config (self->scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  /* Every frame is judged on its own; repeats are the camera scanner's business. */
  zbar_image_scanner_enable_cache (self->scanner, 0);
  return self;
}

void
hb_qr_decoder_free (HbQrDecoder *self)
{
  if (self == NULL)
    return;
  zbar_image_scanner_destroy (self->scanner);
  g_free (self->packed);
  g_free (self);
}

void
hb_qr_decoder_set_density (HbQrDecoder *self, guint n)
{
  n = CLAMP (n, 1u, 8u);
  zbar_image_scanner_set_config (self->scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, (int) n);
  zbar_image_scanner_set_config (self->scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, (int) n);
}

guint
hb_qr_decoder_get_rejected (HbQrDecoder *self)
{
  return self->rejected;
}

static gboolean
check_frame (gsize data_len, guint width, guint height, gsize stride, GError **error)
{
  if (width == 0 || height == 0 || width > HB_QR_FRAME_MAX_SIDE || height > HB_QR_FRAME_MAX_SIDE)
    {
      g_set_error (error, HB_QR_DECODER_ERROR, HB_QR_DECODER_ERROR_FRAME,
                   "Frame of %ux%u pixels is outside 1..%u on a side",
                   width, height, HB_QR_FRAME_MAX_SIDE);
      return FALSE;
    }
  /* stride ≤ 4 × max side keeps stride × height far from overflowing. */
  if (stride < width || stride > 4 * (gsize) HB_QR_FRAME_MAX_SIDE)
    {
      g_set_error (error, HB_QR_DECODER_ERROR, HB_QR_DECODER_ERROR_FRAME,
                   "Frame stride %" G_GSIZE_FORMAT " does not fit a width of %u", stride, width);
      return FALSE;
    }
  if (data_len < stride * (height - 1) + width)
    {
      g_set_error (error, HB_QR_DECODER_ERROR, HB_QR_DECODER_ERROR_FRAME,
                   "Frame of %ux%u (stride %" G_GSIZE_FORMAT ") needs %" G_GSIZE_FORMAT
                   " bytes, got %" G_GSIZE_FORMAT,
                   width, height, stride, stride * (height - 1) + width, data_len);
      return FALSE;
    }
  return TRUE;
}

static HbQrSymbol *
take_symbol (HbQrDecoder *self, const zbar_symbol_t *symbol)
{
  const char *data = zbar_symbol_get_data (symbol);
  gsize length = zbar_symbol_get_data_length (symbol);
  g_autoptr(GError) error = NULL;
  HbQrSymbol *code = NULL;

  if (hb_scanner_check_code (data, length, &error))
    {
      unsigned points = zbar_symbol_get_loc_size (symbol);
      gint64 sx = 0, sy = 0;

      code = g_new0 (HbQrSymbol, 1);
      code->text = g_strndup (data, length);
      code->length = length;
      for (unsigned i = 0; i < points; i++)
        {
          sx += zbar_symbol_get_loc_x (symbol, i);
          sy += zbar_symbol_get_loc_y (symbol, i);
        }
      code->x = points ? (int) (sx / points) : 0;
      code->y = points ? (int) (sy / points) : 0;
    }
  else
    {
      self->rejected++;
      g_debug ("qr: dropped a code: %s", error->message);
    }
  /* ZBar keeps symbol buffers for reuse; a code may identify a person. */
  if (data != NULL && length > 0)
    explicit_bzero ((char *) data, length);
  return code;
}

GPtrArray *
hb_qr_decoder_decode (HbQrDecoder *self, const guint8 *data, gsize data_len,
                      guint width, guint height, gsize stride, GError **error)
{
  GPtrArray *codes;
  zbar_image_t *image;
  const guint8 *pixels = data;
  int found;

  g_return_val_if_fail (self != NULL, NULL);
  if (!check_frame (data == NULL ? 0 : data_len, width, height, stride, error))
    return NULL;

  if (stride != width)
    {
      gsize need = (gsize) width * height;
      if (self->packed_size < need)
        {
          g_free (self->packed);
          self->packed = g_malloc (need);
          self->packed_size = need;
        }
      for (guint row = 0; row < height; row++)
        memcpy (self->packed + (gsize) row * width, data + (gsize) row * stride, width);
      pixels = self->packed;
    }

  codes = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_qr_symbol_free);
  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  /* ZBar only reads Y800 data; no cleanup handler: the caller owns it. */
  zbar_image_set_data (image, pixels, (unsigned long) width * height, NULL);
  found = zbar_scan_image (self->scanner, image);
  if (found > 0)
    for (const zbar_symbol_t *s = zbar_image_first_symbol (image); s; s = zbar_symbol_next (s))
      {
        HbQrSymbol *code;
        if (zbar_symbol_get_type (s) != ZBAR_QRCODE)
          continue;
        code = take_symbol (self, s);
        if (code)
          g_ptr_array_add (codes, code);
      }
  zbar_image_destroy (image);
  return codes;
}
