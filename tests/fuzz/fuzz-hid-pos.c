/* fuzz-hid-pos.c — HID POS reports from an arbitrary byte stream. The first byte picks a
 * report length (1..64) for the whole run; the rest is cut into reports of that length.
 * Invariants: every code handed out is valid UTF-8 without NUL within the max length;
 * every failure is HB_DEVICE_ERROR_PROTOCOL; encoding a code and feeding the reports back
 * gives it again byte for byte. */
#include "drivers/scanner/hb-hid-pos.h"
#include "drivers/scanner/hb-scanner.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)

static void
check_round_trip (const char *code, gsize len)
{
  g_autoptr(HbHidPos) p = hb_hid_pos_new (0, 0);
  /* A code ending in CR or LF would lose it as a suffix: add one that goes. */
  g_autofree char *with_suffix = g_strconcat (code, "\r\n", NULL);
  g_autoptr(GBytes) r = hb_hid_pos_encode ((const guint8 *) with_suffix, len + 2, NULL);
  gsize rlen;
  const guint8 *rd = g_bytes_get_data (r, &rlen);
  char *back = NULL;

  for (gsize off = 0; off < rlen; off += HB_HID_POS_REPORT_LEN)
    {
      char *c = NULL;
      gsize clen = 0;

      CHECK (hb_hid_pos_feed (p, rd + off, HB_HID_POS_REPORT_LEN, 0, &c, &clen, NULL));
      if (c)
        {
          CHECK (back == NULL);
          back = c;
        }
    }
  CHECK (back != NULL && strcmp (back, code) == 0);
  g_free (back);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(HbHidPos) p = NULL;
  gsize step;
  gint64 now = 0;

  if (size < 1)
    return 0;
  step = 1 + data[0] % HB_HID_POS_REPORT_LEN;
  p = hb_hid_pos_new (0, 50);
  data++;
  size--;

  for (size_t off = 0; off < size; off += step)
    {
      g_autoptr(GError) error = NULL;
      char *code = NULL;
      gsize len = 0;

      now += 1000;
      if (hb_hid_pos_feed (p, data + off, MIN (size - off, step), now, &code, &len, &error))
        {
          CHECK (error == NULL);
          if (code)
            {
              CHECK (len > 0 && len <= HB_SCANNER_CODE_MAX && strlen (code) == len);
              CHECK (g_utf8_validate (code, (gssize) len, NULL));
              check_round_trip (code, len);
              g_free (code);
            }
        }
      else
        CHECK (code == NULL && error && error->domain == HB_DEVICE_ERROR &&
               error->code == HB_DEVICE_ERROR_PROTOCOL);
    }
  return 0;
}
