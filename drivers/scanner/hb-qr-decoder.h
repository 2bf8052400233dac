/* hb-qr-decoder.h — QR codes in one 8-bit grey (Y800) camera frame, decoded with ZBar.
 *
 * ZBar runs in binary mode (ZBAR_CFG_BINARY): its text mode guesses the charset and turns
 * some UTF-8 Chinese (社保查询) into Shift-JIS mojibake, so the payload comes back as raw
 * bytes and is checked here: valid UTF-8, no NUL, 1..HB_SCANNER_CODE_MAX bytes. Codes
 * that fail the check are dropped and counted, never returned.
 *
 * Pure: no devices, no threads. A decoder keeps ZBar's scanner (and a line buffer)
 * between frames, so make one per thread and reuse it; it is not thread-safe. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Frames larger than this on either side are refused before ZBar sees them. */
#define HB_QR_FRAME_MAX_SIDE 4096

#define HB_QR_DECODER_ERROR (hb_qr_decoder_error_quark ())
GQuark hb_qr_decoder_error_quark (void);
typedef enum {
  HB_QR_DECODER_ERROR_FRAME,   /* zero or oversized dimensions, stride < width, short data */
} HbQrDecoderError;

/* One decoded code. text is NUL-terminated valid UTF-8 of length bytes; (x, y) is the
 * centre of the symbol in frame pixels. hb_qr_symbol_free wipes the text. */
typedef struct {
  char  *text;
  gsize  length;
  int    x;
  int    y;
} HbQrSymbol;

void hb_qr_symbol_free (HbQrSymbol *code);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbQrSymbol, hb_qr_symbol_free)

typedef struct _HbQrDecoder HbQrDecoder;

HbQrDecoder *hb_qr_decoder_new  (void);
void         hb_qr_decoder_free (HbQrDecoder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbQrDecoder, hb_qr_decoder_free)

/* Scan density: ZBar looks at every n-th row and column (1, the default, finds the most;
 * 2 roughly halves the linear scan work). 1..8. */
void         hb_qr_decoder_set_density (HbQrDecoder *self, guint n);

/* Decodes every QR code in a width × height frame whose rows start stride bytes apart
 * (data holds at least stride × (height − 1) + width bytes, given in data_len). Returns
 * the codes in the order ZBar found them (an empty array: no code); NULL with
 * HB_QR_DECODER_ERROR_FRAME for an impossible frame. Element free func: hb_qr_symbol_free. */
GPtrArray   *hb_qr_decoder_decode (HbQrDecoder *self, const guint8 *data, gsize data_len,
                                   guint width, guint height, gsize stride, GError **error);

/* Codes dropped since creation because they were not valid UTF-8, contained NUL, or
 * were empty or longer than HB_SCANNER_CODE_MAX. */
guint        hb_qr_decoder_get_rejected (HbQrDecoder *self);

G_END_DECLS
