/* hb-scanner-private.h — what scanner drivers share beyond hb-scanner.h. */
#pragma once

#include "drivers/scanner/hb-scanner.h"

G_BEGIN_DECLS

/* The check hb_scanner_emit_code() applies: 1..HB_SCANNER_CODE_MAX bytes of valid UTF-8
 * without NUL. The error (HB_DEVICE_ERROR_PROTOCOL) never quotes the text. */
gboolean hb_scanner_check_code (const char *text, gsize length, GError **error);

G_END_DECLS
