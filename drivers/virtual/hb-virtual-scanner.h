/* hb-virtual-scanner.h — a QR/barcode scanner driven by the simulator (no hardware). */
#pragma once

#include "drivers/scanner/hb-scanner.h"

G_BEGIN_DECLS

#define HB_TYPE_VIRTUAL_SCANNER (hb_virtual_scanner_get_type ())
G_DECLARE_FINAL_TYPE (HbVirtualScanner, hb_virtual_scanner, HB, VIRTUAL_SCANNER, HbScanner)

HbVirtualScanner *hb_virtual_scanner_new (void);

/* The scanner reads @text: emits "code-scanned". Fails with HB_DEVICE_ERROR_NO_DEVICE
 * (unplugged), _NOT_OPEN, or _PROTOCOL (empty, too long, not UTF-8; nothing emitted). */
gboolean hb_virtual_scanner_scan (HbVirtualScanner *self, const char *text, gsize length,
                                  GError **error);

G_END_DECLS
