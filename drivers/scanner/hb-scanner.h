/* hb-scanner.h — the QR/barcode scanner kind: every scanner driver subclasses this. */
#pragma once

#include "drivers/hb-device.h"

G_BEGIN_DECLS

/* A scanned code longer than this is rejected (and reported) rather than delivered. */
#define HB_SCANNER_CODE_MAX 4096

#define HB_TYPE_SCANNER (hb_scanner_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbScanner, hb_scanner, HB, SCANNER, HbDevice)

struct _HbScannerClass
{
  HbDeviceClass parent_class;
  gpointer padding[8];
};

/* Signal "code-scanned" (const char *text): valid UTF-8, 1..HB_SCANNER_CODE_MAX bytes.
 * Drivers call this; it validates and drops (with a warning that does not include the
 * text) anything that is empty, too long or not UTF-8. Returns TRUE when emitted. */
gboolean hb_scanner_emit_code (HbScanner *self, const char *text, gsize length);

G_END_DECLS
