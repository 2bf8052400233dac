/* hb-pinyin.c — pinyin initials and full pinyin from the generated reading table. */
#include "offline-cache/hb-pinyin.h"
#include "offline-cache/hb-pinyin-private.h"

#include <stdlib.h>

/* The reading of c, or NULL when c is not a hanzi we know. */
static const char *
reading_of (gunichar c)
{
  guint16 r;
  if (c < HB_PINYIN_FIRST || c > HB_PINYIN_LAST)
    return NULL;
  r = hb_pinyin_reading[c - HB_PINYIN_FIRST];
  return r ? hb_pinyin_syllables[r - 1] : NULL;
}

static int
alt_cmp (const void *key, const void *elem)
{
  guint32 c = *(const guint32 *) key;
  const HbPinyinAlt *a = elem;
  return c < a->cp ? -1 : c > a->cp ? 1 : 0;
}

static guint32
alt_mask (gunichar c)
{
  guint32 key = c;
  const HbPinyinAlt *a = bsearch (&key, hb_pinyin_alt, HB_PINYIN_ALTS, sizeof *hb_pinyin_alt,
                                  alt_cmp);
  return a ? a->mask : 0;
}

/* Walks utf8 calling emit for each kept unit: a reading (hanzi) or a folded ASCII
 * letter/digit (as a 1-char string). Invalid UTF-8 is skipped byte by byte. */
typedef void (*EmitFunc) (gunichar c, const char *reading, char ascii, gpointer data);

static void
walk (const char *utf8, EmitFunc emit, gpointer data)
{
  const char *p = utf8;

  if (p == NULL)
    return;
  while (*p)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          p++;
          continue;
        }
      if (c < 0x80)
        {
          if (g_ascii_isalnum ((char) c))
            emit (c, NULL, g_ascii_tolower ((char) c), data);
        }
      else
        {
          const char *r = reading_of (c);
          if (r != NULL)
            emit (c, r, 0, data);
        }
      p = g_utf8_next_char (p);
    }
}

static void
emit_initial (gunichar c, const char *reading, char ascii, gpointer data)
{
  g_string_append_c (data, reading ? reading[0] : ascii);
}

static void
emit_full (gunichar c, const char *reading, char ascii, gpointer data)
{
  if (reading)
    g_string_append (data, reading);
  else
    g_string_append_c (data, ascii);
}

char *
hb_pinyin_initials (const char *utf8)
{
  GString *s = g_string_new (NULL);
  walk (utf8, emit_initial, s);
  return g_string_free (s, FALSE);
}

char *
hb_pinyin_full (const char *utf8)
{
  GString *s = g_string_new (NULL);
  walk (utf8, emit_full, s);
  return g_string_free (s, FALSE);
}

typedef struct {
  GPtrArray *variants;   /* GString*, all the same length */
  guint      max;
} Variants;

static void
emit_variant (gunichar c, const char *reading, char ascii, gpointer data)
{
  Variants *v = data;
  char first = reading ? reading[0] : ascii;
  guint32 mask = reading ? alt_mask (c) : 0;
  guint n = v->variants->len;

  /* Other letters fork every variant so far, while there is room: the most common
   * readings stay in the earlier variants. */
  for (guint bit = 0; bit < 26 && mask != 0; bit++)
    {
      if (!(mask & (1u << bit)))
        continue;
      for (guint i = 0; i < n && v->variants->len < v->max; i++)
        {
          GString *fork = g_string_new_len (((GString *) v->variants->pdata[i])->str,
                                            ((GString *) v->variants->pdata[i])->len);
          g_string_append_c (fork, (char) ('a' + bit));
          g_ptr_array_add (v->variants, fork);
        }
    }
  for (guint i = 0; i < n; i++)
    g_string_append_c (v->variants->pdata[i], first);
}

static void
string_free (gpointer s)
{
  g_string_free (s, TRUE);
}

GStrv
hb_pinyin_initials_variants (const char *utf8, guint max_variants)
{
  Variants v;
  GStrv out;

  v.max = MAX (max_variants, 1);
  v.variants = g_ptr_array_new_with_free_func (string_free);
  g_ptr_array_add (v.variants, g_string_new (NULL));
  walk (utf8, emit_variant, &v);

  out = g_new0 (char *, v.variants->len + 1);
  for (guint i = 0; i < v.variants->len; i++)
    out[i] = g_strdup (((GString *) v.variants->pdata[i])->str);
  g_ptr_array_unref (v.variants);
  return out;
}
