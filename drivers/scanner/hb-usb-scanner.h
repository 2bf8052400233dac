/* hb-usb-scanner.h — USB HID barcode scanners (keyboard wedge and HID POS) read through
 * libusb, never through the kernel's keyboard path.
 *
 * A keyboard-wedge scanner is a keyboard: left to usbhid, a printed code could type
 * Tab/Enter sequences into whatever has focus. So open detaches the kernel driver
 * explicitly, claims the HID interface with libusb's auto-detach (DISCONNECT_CLAIM: no
 * window for usbhid to come back between the two), and checks that no kernel driver is
 * left. If any step fails — another program holds the scanner, no permission — the
 * driver reads hardware-error ("not exclusive") and does not read a single report; it
 * tries the claim again every claim_retry_ms. On close the interface is released without
 * re-attaching usbhid, so the scanner does not turn back into a keyboard under the UI.
 *
 * The personality comes from the interface descriptor: boot keyboard (subclass 1,
 * protocol 1) → hb-hid-wedge.h; any other HID interface → HID POS (hb-hid-pos.h).
 *
 * Its own thread reads the interrupt IN endpoint in slices of slice_ms (a stop is
 * noticed within one slice), feeds the decoder with the arrival time, and emits
 * "code-scanned" from the main context (hb_context_post → hb_scanner_emit_code). Codes are
 * wiped after emission. A stalled endpoint is cleared, and a code it interrupted is
 * rejected (its middle may be lost); stalls_for_fault failures in a row
 * read hardware-error (with backoff up to 1 s between attempts) until a report gets
 * through again. Unplugged (LIBUSB_ERROR_NO_DEVICE): no-device, and the thread waits to be
 * closed — a replugged scanner is a new libusb_device, found by the device manager's
 * hotplug. */
#pragma once

#include <libusb.h>
#include "drivers/scanner/hb-scanner.h"
#include "drivers/scanner/hb-scanner-ids.h"

G_BEGIN_DECLS

typedef struct {
  guint    slice_ms;          /* longest single interrupt transfer (100) */
  guint    gap_ms;            /* inter-report gap that aborts a partial code (200) */
  guint    claim_retry_ms;    /* a scanner that cannot be claimed is retried after (2000) */
  guint    stalls_for_fault;  /* failed transfers in a row before hardware-error (3) */
  gboolean tab_terminates;    /* wedge: Tab ends a code like Enter (FALSE) */
} HbUsbScannerTiming;

void hb_usb_scanner_timing_init (HbUsbScannerTiming *timing);

typedef struct {
  guint codes;       /* delivered */
  guint rejected;    /* too long, not UTF-8, control keys */
  guint aborted;     /* partial codes dropped after the gap */
  guint reports;     /* reports read */
  guint stalls;      /* stalled transfers (cleared) */
} HbUsbScannerStats;

#define HB_TYPE_USB_SCANNER (hb_usb_scanner_get_type ())
G_DECLARE_FINAL_TYPE (HbUsbScanner, hb_usb_scanner, HB, USB_SCANNER, HbScanner)

/* Property "usb-device" (construct-only, a libusb_device*, referenced). The device's
 * libusb context must outlive the scanner (the device manager arranges that).
 * Property "usb-driver-data" (construct-only guint64): the id table's HbScannerUsbKind,
 * a hint only; the descriptors decide. */
HbUsbScanner     *hb_usb_scanner_new (libusb_device *device);
void              hb_usb_scanner_set_timing (HbUsbScanner *self, const HbUsbScannerTiming *timing);
/* WEDGE or POS once open has looked at the descriptors; UNKNOWN before. Any thread. */
HbScannerUsbKind  hb_usb_scanner_get_personality (HbUsbScanner *self);
void              hb_usb_scanner_get_stats (HbUsbScanner *self, HbUsbScannerStats *stats);

G_END_DECLS
