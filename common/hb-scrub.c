/* hb-scrub.c — masks ID-number and mobile-number shapes in free text. */
#include "common/hb-scrub.h"

#include <string.h>

static gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* Length of the run of ASCII digits starting at p. */
static gsize
digit_run (const char *p)
{
  gsize n = 0;
  while (is_digit (p[n]))
    n++;
  return n;
}

char *
hb_scrub_personal (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  p = text;
  while (*p)
    {
      /* Only look at digit runs that start a "word", so 12-digit timestamps inside
       * longer numbers are not half-masked. */
      if (is_digit (*p) && (p == text || !is_digit (p[-1])))
        {
          gsize n = digit_run (p);
          gboolean x = (n == 17 && (p[17] == 'X' || p[17] == 'x'));
          if (n == 18 || x)
            {
              /* 310***********123X: keep region prefix and the last four. */
              g_string_append_len (out, p, 3);
              g_string_append (out, "***********");
              g_string_append_len (out, p + 14, 4);
              p += 18;
              continue;
            }
          if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9')
            {
              g_string_append_len (out, p, 3);
              g_string_append (out, "****");
              g_string_append_len (out, p + 7, 4);
              p += 11;
              continue;
            }
          g_string_append_len (out, p, n);
          p += n;
          continue;
        }
      g_string_append_c (out, *p);
      p++;
    }
  return g_string_free (out, FALSE);
}
