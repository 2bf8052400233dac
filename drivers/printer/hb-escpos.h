/* hb-escpos.h — ESC/POS for 80 mm thermal receipt printers: a pure encoder (bytes into a
 * GByteArray) and the decoder of DLE EOT real-time status replies. No I/O.
 *
 * Command bytes follow shared/reference/printing-cups-escpos.md §2: ESC @ init, FS & / FS .
 * around GB18030 text, GS ! size, ESC E bold, ESC a align, GS v 0 raster, GS ( k QR
 * (model 2), ESC d feed, GS V 1 partial cut, DLE EOT 1..4 status.
 *
 * Every function appends to @out and refuses (GError, @out unchanged) what would make
 * @out grow past HB_ESCPOS_JOB_MAX. */
#pragma once

#include "drivers/hb-device.h"
#include "drivers/printer/hb-printer.h"
#include "drivers/printer/hb-ticket.h"

G_BEGIN_DECLS

#define HB_ESCPOS_JOB_MAX        (64 * 1024)
#define HB_ESCPOS_RASTER_MAX_W   576      /* dots: the print width of 80 mm paper */
#define HB_ESCPOS_RASTER_MAX_H   1024     /* dots */
#define HB_ESCPOS_QR_MODULE      6        /* dots per module for tickets */
#define HB_ESCPOS_STATUS_LEN     4        /* replies to DLE EOT 1, 2, 3, 4: one byte each */

#define HB_ESCPOS_ERROR (hb_escpos_error_quark ())
GQuark hb_escpos_error_quark (void);
typedef enum {
  HB_ESCPOS_ERROR_UNPRINTABLE,  /* text the printer's GBK font cannot print */
  HB_ESCPOS_ERROR_TOO_LARGE,    /* past a bound */
  HB_ESCPOS_ERROR_INVALID,      /* bad arguments: raster geometry, QR level */
  HB_ESCPOS_ERROR_STATUS,       /* a status reply that is not one */
} HbEscposError;

typedef enum {
  HB_ESCPOS_ECC_L = '0',
  HB_ESCPOS_ECC_M = '1',
  HB_ESCPOS_ECC_Q = '2',
  HB_ESCPOS_ECC_H = '3',
} HbEscposEcc;

/* Decoded DLE EOT replies (table in the reference §2.3). */
typedef enum {
  HB_ESCPOS_STATUS_OFFLINE          = 1 << 0,  /* n1 0x08 */
  HB_ESCPOS_STATUS_COVER_OPEN       = 1 << 1,  /* n2 0x04 */
  HB_ESCPOS_STATUS_PAPER_OUT        = 1 << 2,  /* n4 0x60 or n2 0x20 */
  HB_ESCPOS_STATUS_PAPER_LOW        = 1 << 3,  /* n4 0x0C */
  HB_ESCPOS_STATUS_ERROR            = 1 << 4,  /* n2 0x40 */
  HB_ESCPOS_STATUS_CUTTER_ERROR     = 1 << 5,  /* n3 0x08 */
  HB_ESCPOS_STATUS_UNRECOVERABLE    = 1 << 6,  /* n3 0x20 */
  HB_ESCPOS_STATUS_AUTO_RECOVERABLE = 1 << 7,  /* n3 0x40 */
} HbEscposStatus;

/* Commands. */
void     hb_escpos_init        (GByteArray *out);                        /* ESC @ */
void     hb_escpos_align       (GByteArray *out, HbTicketAlign align);   /* ESC a n */
void     hb_escpos_size        (GByteArray *out, HbTicketSize size);     /* GS ! n */
void     hb_escpos_bold        (GByteArray *out, gboolean bold);         /* ESC E n */
void     hb_escpos_feed        (GByteArray *out, guint8 lines);          /* ESC d n */
void     hb_escpos_cut         (GByteArray *out);                        /* GS V 1 */
/* UTF-8 → GB18030 between FS & and FS . (plain bytes for ASCII-only text), no line feed.
 * Refuses characters GB18030 cannot hold and those only its 4-byte form holds (生僻字
 * such as 𠮷): a GBK printer font has no glyph for them; render those as a raster. */
gboolean hb_escpos_text        (GByteArray *out, const char *utf8, GError **error);
/* GS v 0: a 1-bit bitmap, MSB first, 1 = black; rows of @stride bytes, @width dots
 * (≤ HB_ESCPOS_RASTER_MAX_W), @height rows (≤ HB_ESCPOS_RASTER_MAX_H). */
gboolean hb_escpos_raster      (GByteArray *out, const guint8 *bits, gsize stride,
                                guint width, guint height, GError **error);
/* GS ( k: model 2, module size (1..16), error level, store, print. */
gboolean hb_escpos_qr          (GByteArray *out, const char *data, guint8 module,
                                HbEscposEcc ecc, GError **error);
/* DLE EOT 1, 2, 3, 4: four one-byte replies follow on bulk IN. Send only between
 * complete commands. */
void     hb_escpos_status_request (GByteArray *out);

/* A whole ticket: ESC @, the items, and a feed + cut at the end if the ticket has none.
 * NULL with an error for unprintable text or a result over HB_ESCPOS_JOB_MAX. */
GByteArray *hb_escpos_encode_ticket (const HbTicket *ticket, GError **error);

/* Decodes the HB_ESCPOS_STATUS_LEN replies; FALSE (HB_ESCPOS_ERROR_STATUS) for a wrong
 * length or a byte whose fixed bits are wrong ((b & 0x93) != 0x12). */
gboolean hb_escpos_decode_status (const guint8 *reply, gsize length, HbEscposStatus *status,
                                  GError **error);

/* The device status model for decoded flags: status, a short detail ("paper out",
 * "cover open", "cutter jam", "printer error", "offline"; NULL when online) and paper. */
void     hb_escpos_status_to_device (HbEscposStatus status, HbDeviceStatus *device_status,
                                     const char **detail, HbPaperStatus *paper);

G_END_DECLS
