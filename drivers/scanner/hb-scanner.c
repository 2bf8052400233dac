/* hb-scanner.c — the QR/barcode scanner kind: validated "code-scanned" events. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-scanner-private.h"

#include <string.h>

G_DEFINE_ABSTRACT_TYPE (HbScanner, hb_scanner, HB_TYPE_DEVICE)

enum {
  SIGNAL_CODE_SCANNED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
hb_scanner_class_init (HbScannerClass *klass)
{
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  device_class->kind = HB_DEVICE_KIND_SCANNER;

  /* The text is only valid during emission; handlers copy what they keep. */
  signals[SIGNAL_CODE_SCANNED] =
    g_signal_new ("code-scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hb_scanner_init (HbScanner *self)
{
}

gboolean
hb_scanner_check_code (const char *text, gsize length, GError **error)
{
  const char *problem = NULL;

  if (text == NULL || length == 0)
    problem = "is empty";
  else if (length > HB_SCANNER_CODE_MAX)
    problem = "is longer than " G_STRINGIFY (HB_SCANNER_CODE_MAX) " bytes";
  else if (memchr (text, '\0', length) != NULL)
    problem = "contains a NUL byte";
  else if (!g_utf8_validate (text, (gssize) length, NULL))
    problem = "is not valid UTF-8";

  if (problem == NULL)
    return TRUE;
  /* The text may be a personal code (随申码): say what is wrong, never what it was. */
  g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
               "Scanned code of %" G_GSIZE_FORMAT " bytes %s", length, problem);
  return FALSE;
}

gboolean
hb_scanner_emit_code (HbScanner *self, const char *text, gsize length)
{
  g_autoptr(GError) error = NULL;
  char *copy;

  g_return_val_if_fail (HB_IS_SCANNER (self), FALSE);

  if (!hb_scanner_check_code (text, length, &error))
    {
      g_warning ("%s: dropped a code: %s", hb_device_get_driver_id (HB_DEVICE (self)),
                 error->message);
      return FALSE;
    }

  /* NUL-terminated for the signal; wiped afterwards since codes identify people. */
  copy = g_strndup (text, length);
  g_signal_emit (self, signals[SIGNAL_CODE_SCANNED], 0, copy);
  explicit_bzero (copy, length);
  g_free (copy);
  return TRUE;
}
