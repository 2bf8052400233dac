/* fuzz-log-scrub.c — the personal-data scrubber every log line passes through
 * (hb_log_scrub). Log messages carry outside bytes (error texts, device replies): whatever
 * comes in, no 18-character ID-number run survives and nothing else grows or is lost. */
#include "kiosk/hb-log.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
has_id_run (const char *s)
{
  for (const char *p = s; *p; p++)
    {
      gsize n = 0;
      if (p != s && g_ascii_isdigit (p[-1]))
        continue;
      while (g_ascii_isdigit (p[n]))
        n++;
      if (n == 18 || (n == 17 && (p[17] == 'X' || p[17] == 'x')))
        return TRUE;
    }
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);   /* stops at a NUL */
  g_autofree char *clean = hb_log_scrub (text);
  g_assert_nonnull (clean);
  g_assert_cmpuint (strlen (clean), ==, strlen (text));   /* masks replace, never drop */
  g_assert_false (has_id_run (clean));
  return 0;
}
