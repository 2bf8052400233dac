/* hb-scanner-ids.h — USB ids of the scanners we know (reference scanners-and-suishenma.md
 * §6) and which personality each id is.
 *
 * Keyboard-wedge and HID POS ids are driven by HbUsbScanner through libusb (the kernel's
 * usbhid is detached so the scanner can never type). CDC ids belong to the kernel's
 * cdc_acm: they are listed for udev rules and maintenance screens, and configured by tty
 * path ([devices] scanner_serial) for HbSerialScanner. */
#pragma once

#include "drivers/hb-device.h"

G_BEGIN_DECLS

typedef enum {
  HB_SCANNER_USB_UNKNOWN = 0,
  HB_SCANNER_USB_WEDGE,     /* HID boot keyboard */
  HB_SCANNER_USB_POS,       /* HID POS, usage page 0x8C */
  HB_SCANNER_USB_CDC,       /* CDC-ACM virtual COM port */
} HbScannerUsbKind;

typedef struct {
  guint16          vid;
  guint16          pid;
  HbScannerUsbKind kind;
  const char      *model;
} HbScannerId;

/* "wedge", "pos", "cdc", "unknown" */
const char        *hb_scanner_usb_kind_to_string (HbScannerUsbKind kind);

/* The known entry for vid:pid, or NULL. */
const HbScannerId *hb_scanner_ids_lookup (guint16 vid, guint16 pid);
/* All known entries; *n gets the count. */
const HbScannerId *hb_scanner_ids_all (gsize *n);

/* The HbDeviceIdEntry table for the libusb driver: every wedge and POS id, with
 * driver_data = the HbScannerUsbKind. Terminated like every id table. */
const HbDeviceIdEntry *hb_scanner_ids_usb_table (void);

G_END_DECLS
