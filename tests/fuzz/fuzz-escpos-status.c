/* fuzz-escpos-status.c — the DLE EOT status decoder on arbitrary replies, and the text
 * encoder on arbitrary (UTF-8 or not) strings: outside bytes from the printer, and
 * strings from the platform that end up on a ticket. */
#include "drivers/printer/hb-escpos.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  HbEscposStatus status = 0;
  GError *error = NULL;
  GByteArray *out;
  char *text;

  /* The whole input as one reply (wrong lengths must fail cleanly), then in 4-byte reads. */
  if (hb_escpos_decode_status (data, size, &status, &error))
    {
      HbDeviceStatus ds;
      const char *detail;
      HbPaperStatus paper;

      hb_escpos_status_to_device (status, &ds, &detail, &paper);
      if (ds == HB_DEVICE_STATUS_ONLINE && detail != NULL)
        __builtin_trap ();
    }
  g_clear_error (&error);
  for (size_t i = 0; i + HB_ESCPOS_STATUS_LEN <= size && i < 4096; i += HB_ESCPOS_STATUS_LEN)
    {
      if (!hb_escpos_decode_status (data + i, HB_ESCPOS_STATUS_LEN, &status, &error))
        g_clear_error (&error);
    }

  /* As text: either refused, or encoded without a control byte outside FS & / FS . */
  if (size > 4096)
    return 0;
  text = g_strndup ((const char *) data, size);
  out = g_byte_array_new ();
  if (!hb_escpos_text (out, text, &error))
    {
      if (out->len != 0)
        __builtin_trap ();
      g_clear_error (&error);
    }
  g_byte_array_unref (out);
  g_free (text);
  return 0;
}
