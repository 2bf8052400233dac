/* fuzz-qr-decoder.c — arbitrary bytes as a small Y800 frame through the camera decoder
 * (ZBar in binary mode + our payload checks).
 * Input: [0..1] width − 1 (little-endian, mod 256), [2] row padding (mod 16), then the
 * pixels; the height is whatever whole rows the rest holds (at most 256). Every fourth
 * input also claims one row more than it has, which must be refused, not read.
 * Invariants: an impossible frame is refused with HB_QR_DECODER_ERROR_FRAME and nothing
 * else; every code handed out is NUL-terminated valid UTF-8 without NUL of
 * 1..HB_SCANNER_CODE_MAX bytes. One decoder serves every input, as on the camera thread. */
#include "drivers/scanner/hb-qr-decoder.h"
#include "drivers/scanner/hb-scanner.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)
#define SIDE_MAX 256
#define HEADER 3

static HbQrDecoder *decoder;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint width, height;
  gsize stride, n;
  const guint8 *pixels;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  gboolean lie;

  if (decoder == NULL)
    decoder = hb_qr_decoder_new ();
  if (size < HEADER)
    return 0;
  width = 1 + ((guint) data[0] | (guint) data[1] << 8) % SIDE_MAX;
  stride = width + data[2] % 16;
  pixels = data + HEADER;
  n = size - HEADER;
  height = n >= width ? (guint) MIN ((n - width) / stride + 1, SIDE_MAX) : 0;
  lie = (data[0] & 3) == 3 && height > 0 && height < SIDE_MAX &&
        stride * height + width > n;

  codes = hb_qr_decoder_decode (decoder, pixels, n, width, lie ? height + 1 : height, stride,
                                &error);
  if (height == 0 || lie)
    {
      CHECK (codes == NULL);
      CHECK (g_error_matches (error, HB_QR_DECODER_ERROR, HB_QR_DECODER_ERROR_FRAME));
      return 0;
    }
  CHECK (codes != NULL && error == NULL);
  for (guint i = 0; i < codes->len; i++)
    {
      const HbQrSymbol *code = codes->pdata[i];
      CHECK (code->length >= 1 && code->length <= HB_SCANNER_CODE_MAX);
      CHECK (code->text[code->length] == '\0');
      CHECK (memchr (code->text, '\0', code->length) == NULL);
      CHECK (g_utf8_validate (code->text, (gssize) code->length, NULL));
    }
  return 0;
}
