/* fuzz-transport-check.c — the start-time transport checks of offline-cache/hb-http-tls.c:
 * the platform URL (plain http only to loopback) and the public-key pins, both from the
 * configuration. Input: URL, a newline, pins. */
#include "offline-cache/hb-http-private.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);   /* stops at a NUL */
  char *nl = strchr (text, '\n');
  const char *pins = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *normal = NULL;

  if (nl != NULL)
    {
      *nl = '\0';
      pins = nl + 1;
    }
  HbHttpTls tls = { .pins = pins };
  gboolean ok = hb_http_check_transport (text, &tls, &error);
  gboolean loopback = hb_http_url_is_loopback (text);

  g_assert_true (ok == (error == NULL));
  if (ok && g_ascii_strncasecmp (text, "https://", 8) != 0)
    g_assert_true (loopback);   /* plain http passes only to a loopback host */
  if (ok && pins != NULL)
    {
      guint n = 0;
      normal = hb_http_normalize_pins (pins);
      if (normal != NULL)
        {
          g_auto(GStrv) items = g_strsplit (normal, ";", -1);
          for (char **p = items; *p; p++, n++)
            {
              g_assert_cmpuint (strlen (*p), ==, 8 + 44);
              g_assert_true (g_str_has_prefix (*p, "sha256//"));
            }
        }
      g_assert_cmpuint (n, <=, HB_HTTP_MAX_PINS);
    }
  return 0;
}
