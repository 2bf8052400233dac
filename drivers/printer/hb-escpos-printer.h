/* hb-escpos-printer.h — 80 mm thermal receipt printers spoken to directly with ESC/POS
 * over libusb (bulk OUT for data, bulk IN for DLE EOT status).
 *
 * One owner per printer: the kiosk owns the receipt printer through libusb and keeps its
 * interface claimed; there is NO CUPS queue for it, and the image must not let CUPS
 * auto-create a usb:// queue (cups-browsed / auto-setup off). open detaches the kernel's
 * usblp (auto-detach + explicit detach), claims the printer interface (class 7, or vendor
 * class 0xFF as many receipt printers are) and reads its bulk OUT / bulk IN endpoints
 * from the descriptors. Close releases the interface without re-attaching usblp.
 *
 * Its own thread asks DLE EOT 1..4 every poll_ms while idle and maps the replies to the
 * device status and the paper property (hb_escpos_status_to_device). A job (a ticket
 * encoded with hb-escpos): status before — a printer that is not ready, or does not
 * answer, fails the job without printing; the bytes in bounded bulk OUT chunks; status
 * after the cut — the job COMPLETES only if the printer then reads ready, so "bytes
 * written" is never taken for "printed". Reasons for FAILED: "paper-out", "cover-open",
 * "cutter-jam", "printer-error", "offline", "no-reply", "unplugged", "write-error".
 * Unplugged (LIBUSB_ERROR_NO_DEVICE): no-device "unplugged", the running job fails with
 * HB_DEVICE_ERROR_NO_DEVICE, and the thread waits to be closed — a replugged printer is
 * a new libusb_device, found by the device manager's hotplug.
 *
 * Created by the device manager for the ids in its table (construct property
 * "usb-device", a libusb_device*). */
#pragma once

#include <libusb.h>
#include "drivers/printer/hb-receipt-printer.h"

G_BEGIN_DECLS

typedef struct {
  guint status_timeout_ms;   /* one bulk IN read of a status reply (200) */
  guint write_timeout_ms;    /* one bulk OUT chunk (5000) */
  guint poll_ms;             /* status poll while idle (2000) */
  guint claim_retry_ms;      /* a printer that cannot be claimed is retried after (2000) */
} HbEscposPrinterTiming;

void hb_escpos_printer_timing_init (HbEscposPrinterTiming *timing);

#define HB_TYPE_ESCPOS_PRINTER (hb_escpos_printer_get_type ())
G_DECLARE_FINAL_TYPE (HbEscposPrinter, hb_escpos_printer, HB, ESCPOS_PRINTER, HbReceiptPrinter)

HbEscposPrinter *hb_escpos_printer_new (libusb_device *device);
/* Before open. */
void             hb_escpos_printer_set_timing (HbEscposPrinter *self,
                                               const HbEscposPrinterTiming *timing);

G_END_DECLS
