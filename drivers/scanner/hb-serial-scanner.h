/* hb-serial-scanner.h — scanners that are a serial line: CDC-ACM ("virtual COM", the
 * kernel's cdc_acm gives /dev/ttyACM*) or a scanner behind a USB-serial bridge, read
 * through HbSerialTransport (termios, raw 8N1).
 *
 * Such a scanner is no keyboard, so nothing needs detaching: the bytes only reach us. It
 * sends each code followed by its suffix, CR or CR LF (or LF); the driver splits lines at
 * CR and LF (an empty line, the LF of a CR LF, is nothing), and checks each code like the
 * HID decoders: 1..HB_SCANNER_CODE_MAX bytes (longer lines are rejected whole and the
 * reader resynchronises at the next line end), valid UTF-8 without NUL. A gap longer than
 * gap_ms inside a line aborts it (a burst that stops is not a code).
 *
 * Its own thread reads in slices of slice_ms; a tty that is missing or hangs up (the
 * scanner was unplugged) reads no-device and is reopened every reopen_ms, so a replugged
 * scanner comes back by itself at the same path (use a /dev/serial/by-id/ link). Codes
 * are emitted from the main context and wiped afterwards. */
#pragma once

#include "drivers/scanner/hb-scanner.h"
#include "drivers/transport/hb-transport.h"

G_BEGIN_DECLS

typedef struct {
  guint slice_ms;    /* longest single read (100) */
  guint gap_ms;      /* inter-byte gap that aborts a partial line (200) */
  guint reopen_ms;   /* a missing tty is tried again after (2000) */
} HbSerialScannerTiming;

void hb_serial_scanner_timing_init (HbSerialScannerTiming *timing);

typedef struct {
  guint codes;
  guint rejected;
  guint aborted;
  guint reopened;    /* times the line came back after being lost */
} HbSerialScannerStats;

#define HB_TYPE_SERIAL_SCANNER (hb_serial_scanner_get_type ())
G_DECLARE_FINAL_TYPE (HbSerialScanner, hb_serial_scanner, HB, SERIAL_SCANNER, HbScanner)

/* Property "transport" (construct-only): normally an HbSerialTransport. */
HbSerialScanner *hb_serial_scanner_new (HbTransport *transport);
HbTransport     *hb_serial_scanner_get_transport (HbSerialScanner *self);
/* Before open; copies. */
void             hb_serial_scanner_set_timing (HbSerialScanner *self,
                                               const HbSerialScannerTiming *timing);
void             hb_serial_scanner_get_stats (HbSerialScanner *self, HbSerialScannerStats *stats);

G_END_DECLS
