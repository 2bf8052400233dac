/* fuzz-hid-wedge.c — keyboard-wedge boot reports from an arbitrary byte stream.
 * The first byte picks options (gap, Tab terminator, a small max length) and a time step
 * per report; the rest is cut into 8-byte reports (a short tail is fed as is).
 * Invariants: every code handed out is valid UTF-8, holds no NUL and no control
 * character, and fits the max length; every failure is HB_DEVICE_ERROR_PROTOCOL. */
#include "drivers/scanner/hb-hid-wedge.h"
#include "drivers/hb-device.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  HbHidWedgeOptions o;
  g_autoptr(HbHidWedge) w = NULL;
  gint64 now = 0;
  guint8 flags;

  if (size < 1)
    return 0;
  flags = data[0];
  hb_hid_wedge_options_init (&o);
  o.tab_terminates = flags & 1;
  o.max_length = (flags & 2) ? 16 : o.max_length;
  o.gap_ms = 50;
  w = hb_hid_wedge_new (&o);
  data++;
  size--;

  for (size_t off = 0; off < size; off += HB_HID_BOOT_REPORT_LEN)
    {
      g_autoptr(GError) error = NULL;
      char *code = NULL;
      gsize len = 0;
      size_t n = MIN (size - off, (size_t) HB_HID_BOOT_REPORT_LEN);

      /* Mostly quick reports, now and then a long pause. */
      now += (data[off] & 0x0f) == 0x0f ? 100000 : 1000;
      if (hb_hid_wedge_feed (w, data + off, n, now, &code, &len, &error))
        {
          CHECK (error == NULL);
          if (code)
            {
              CHECK (len > 0 && len <= o.max_length);
              CHECK (strlen (code) == len);
              CHECK (g_utf8_validate (code, (gssize) len, NULL));
              for (const char *p = code; *p; p = g_utf8_next_char (p))
                CHECK (!g_unichar_iscntrl (g_utf8_get_char (p)));
              explicit_bzero (code, len);
              g_free (code);
            }
        }
      else
        {
          CHECK (code == NULL);
          CHECK (error && error->domain == HB_DEVICE_ERROR &&
                 error->code == HB_DEVICE_ERROR_PROTOCOL);
        }
      if (flags & 4)
        hb_hid_wedge_expire (w, now + 60000);
    }
  return 0;
}
