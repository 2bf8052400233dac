/* hb-json-members.c — top-level slices of JSON text (see the header for why). */
#include "common/hb-json-members.h"
#include "common/hb-json.h"

#include <string.h>

typedef struct {
  const char *p, *end;
} Scan;

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID, "invalid JSON: %s", what);
  return FALSE;
}

static void
skip_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

/* At '"': moves past the closing quote. */
static gboolean
skip_string (Scan *s, GError **error)
{
  for (s->p++; s->p < s->end; s->p++)
    {
      if (*s->p == '\\')
        {
          if (++s->p == s->end)
            break;
        }
      else if (*s->p == '"')
        {
          s->p++;
          return TRUE;
        }
      else if ((guchar) *s->p < 0x20)
        return fail (error, "control character in a string");
    }
  return fail (error, "unterminated string");
}

static gboolean
digits (const char **p, const char *end)
{
  const char *start = *p;
  while (*p < end && g_ascii_isdigit (**p))
    (*p)++;
  return *p > start;
}

/* true, false, null, or a number as RFC 8259 spells it. */
static gboolean
scalar_ok (const char *p, gsize n)
{
  const char *end = p + n;
  if ((n == 4 && memcmp (p, "true", 4) == 0) || (n == 5 && memcmp (p, "false", 5) == 0)
      || (n == 4 && memcmp (p, "null", 4) == 0))
    return TRUE;
  if (p < end && *p == '-')
    p++;
  if (p < end && *p == '0')
    p++;
  else if (!digits (&p, end))
    return FALSE;
  if (p < end && *p == '.' && (p++, !digits (&p, end)))
    return FALSE;
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (!digits (&p, end))
        return FALSE;
    }
  return p == end;
}

/* Moves past one value: a string, an object or array (brackets matched, strings skipped),
 * or a scalar (up to the next delimiter; the caller's parse checks its spelling). */
static gboolean
skip_value (Scan *s, GError **error)
{
  guint64 kinds = 0;   /* bit d: level d+1 is an object */
  guint depth = 0;

  if (s->p == s->end)
    return fail (error, "value expected");
  if (*s->p == '"')
    return skip_string (s, error);
  if (*s->p != '{' && *s->p != '[')
    {
      const char *start = s->p;
      while (s->p < s->end && !strchr (",:]} \t\r\n{[\"", *s->p))
        s->p++;
      /* Checked here: json-glib alone accepts some non-JSON scalars (".") that it refuses
       * inside a document (found by fuzz-json-members). */
      return scalar_ok (start, (gsize) (s->p - start)) || fail (error, "invalid value");
    }
  while (s->p < s->end)
    {
      char c = *s->p;
      if (c == '"')
        {
          if (!skip_string (s, error))
            return FALSE;
          continue;
        }
      if (c == '{' || c == '[')
        {
          if (depth == HB_JSON_MEMBERS_MAX_DEPTH)
            return fail (error, "nested too deeply");
          kinds = c == '{' ? kinds | (G_GUINT64_CONSTANT (1) << depth)
                           : kinds & ~(G_GUINT64_CONSTANT (1) << depth);
          depth++;
        }
      else if (c == '}' || c == ']')
        {
          gboolean object = (kinds >> (depth - 1)) & 1;
          if (object != (c == '}'))
            return fail (error, "mismatched brackets");
          if (--depth == 0)
            {
              s->p++;
              return TRUE;
            }
        }
      s->p++;
    }
  return fail (error, "unterminated object or array");
}

static char *
decode_key (const char *text, gsize length, GError **error)
{
  g_autoptr(JsonNode) node = NULL;
  if (memchr (text, '\\', length) == NULL)
    return g_strndup (text + 1, length - 2);
  node = hb_json_parse (text, (gssize) length, length, 1, error);
  if (node == NULL)
    return NULL;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      fail (error, "object key is not a string");
      return NULL;
    }
  return g_strdup (json_node_get_string (node));
}

static void
member_clear (gpointer data)
{
  g_free (((HbJsonMember *) data)->key);
}

/* Opens the container: at open after whitespace; on return the scanner is inside it. */
static gboolean
open_container (Scan *s, char open, GError **error)
{
  skip_space (s);
  if (s->p == s->end || *s->p != open)
    return fail (error, open == '{' ? "not an object" : "not an array");
  s->p++;
  return TRUE;
}

/* After a member or element: ',' (more follow: TRUE, *done FALSE) or the close. */
static gboolean
next_or_close (Scan *s, char close, gboolean *done, GError **error)
{
  skip_space (s);
  if (s->p == s->end)
    return fail (error, "unterminated object or array");
  if (*s->p == ',')
    {
      s->p++;
      *done = FALSE;
      return TRUE;
    }
  if (*s->p != close)
    return fail (error, "',' or end expected");
  s->p++;
  *done = TRUE;
  skip_space (s);
  return s->p == s->end || fail (error, "text after the end");
}

GArray *
hb_json_object_members (const char *data, gsize length, GError **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (HbJsonMember));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  Scan s = { data, data + length };
  gboolean done = FALSE;

  g_array_set_clear_func (out, member_clear);
  if (!open_container (&s, '{', error))
    return NULL;
  skip_space (&s);
  if (s.p < s.end && *s.p == '}')
    {
      s.p++;
      skip_space (&s);
      return s.p == s.end ? g_steal_pointer (&out) : (fail (error, "text after the end"), NULL);
    }
  while (!done)
    {
      HbJsonMember m = { 0 };
      const char *key;
      skip_space (&s);
      if (s.p == s.end || *s.p != '"')
        return fail (error, "object key expected"), NULL;
      key = s.p;
      if (!skip_string (&s, error)
          || (m.key = decode_key (key, (gsize) (s.p - key), error)) == NULL)
        return NULL;
      if (g_hash_table_contains (seen, m.key))
        {
          g_free (m.key);
          return fail (error, "duplicate object key"), NULL;
        }
      g_array_append_val (out, m);
      g_hash_table_add (seen, m.key);
      skip_space (&s);
      if (s.p == s.end || *s.p != ':')
        return fail (error, "':' expected"), NULL;
      s.p++;
      skip_space (&s);
      HbJsonMember *last = &g_array_index (out, HbJsonMember, out->len - 1);
      last->value.text = s.p;
      if (!skip_value (&s, error))
        return NULL;
      last->value.length = (gsize) (s.p - last->value.text);
      if (!next_or_close (&s, '}', &done, error))
        return NULL;
    }
  return g_steal_pointer (&out);
}

GArray *
hb_json_array_elements (const char *data, gsize length, guint max_elements, GError **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (HbJsonSlice));
  Scan s = { data, data + length };
  gboolean done = FALSE;

  if (!open_container (&s, '[', error))
    return NULL;
  skip_space (&s);
  if (s.p < s.end && *s.p == ']')
    {
      s.p++;
      skip_space (&s);
      return s.p == s.end ? g_steal_pointer (&out) : (fail (error, "text after the end"), NULL);
    }
  while (!done)
    {
      HbJsonSlice e;
      if (out->len == max_elements)
        {
          g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_TOO_LARGE,
                       "array has more than %u elements", max_elements);
          return NULL;
        }
      skip_space (&s);
      e.text = s.p;
      if (!skip_value (&s, error))
        return NULL;
      e.length = (gsize) (s.p - e.text);
      g_array_append_val (out, e);
      if (!next_or_close (&s, ']', &done, error))
        return NULL;
    }
  return g_steal_pointer (&out);
}

const HbJsonSlice *
hb_json_members_lookup (GArray *members, const char *key)
{
  for (guint i = 0; members != NULL && i < members->len; i++)
    if (g_str_equal (g_array_index (members, HbJsonMember, i).key, key))
      return &g_array_index (members, HbJsonMember, i).value;
  return NULL;
}
