/* hb-json.c — bounded JSON parsing. */
#include "common/hb-json.h"

#include <string.h>

G_DEFINE_QUARK (hb-json-error-quark, hb_json_error)

guint
hb_json_depth (const char *data, gsize length, guint max_depth)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE, escaped = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];
      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > deepest)
            deepest = depth;
          if (deepest > max_depth)
            return deepest;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return deepest;
}

static int
hex4 (const char *p)
{
  int v = 0;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v << 4 | d;
    }
  return v;
}

/* Escapes as RFC 8259 has them, checked before json-glib sees them: json-glib 1.6 turns
 * "\7" into a stray 0xC0 byte, a lone surrogate "\ud800" into invalid UTF-8, and cuts a
 * string at "\u0000" — each would reach our parsers as a string that is not what was
 * sent. */
static gboolean
escapes_ok (const char *data, gsize n)
{
  gboolean in_string = FALSE;

  for (gsize i = 0; i < n; i++)
    {
      if (!in_string)
        {
          in_string = data[i] == '"';
          continue;
        }
      if (data[i] == '"')
        in_string = FALSE;
      else if (data[i] == '\\')
        {
          int u, low;
          if (++i >= n)
            return FALSE;
          if (strchr ("\"\\/bfnrt", data[i]) != NULL && data[i] != '\0')
            continue;
          if (data[i] != 'u' || i + 4 >= n || (u = hex4 (data + i + 1)) <= 0)
            return FALSE;   /* unknown escape, short or bad \u, or \u0000 */
          i += 4;
          if (u >= 0xDC00 && u <= 0xDFFF)
            return FALSE;   /* a low surrogate without its high one */
          if (u >= 0xD800 && u <= 0xDBFF)
            {
              if (i + 6 >= n || data[i + 1] != '\\' || data[i + 2] != 'u' ||
                  (low = hex4 (data + i + 3)) < 0xDC00 || low > 0xDFFF)
                return FALSE;
              i += 6;
            }
        }
    }
  return TRUE;
}

JsonNode *
hb_json_parse (const char *data, gssize length, gsize max_bytes, guint max_depth,
               GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  gsize n;
  JsonNode *root;

  if (data == NULL)
    {
      g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID, "no JSON data");
      return NULL;
    }
  n = length < 0 ? strlen (data) : (gsize) length;
  if (n > max_bytes)
    {
      g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_TOO_LARGE,
                   "JSON larger than %" G_GSIZE_FORMAT " bytes", max_bytes);
      return NULL;
    }
  if (!g_utf8_validate_len (data, n, NULL))
    {
      g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID, "JSON is not valid UTF-8");
      return NULL;
    }
  if (hb_json_depth (data, n, max_depth) > max_depth)
    {
      g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_TOO_DEEP,
                   "JSON nested deeper than %u levels", max_depth);
      return NULL;
    }
  if (!escapes_ok (data, n))
    {
      g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID,
                   "JSON has an invalid string escape");
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) n, &local))
    {
      g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID, "invalid JSON: %s",
                   local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID, "empty JSON document");
      return NULL;
    }
  return json_node_ref (root);   /* outlives the parser */
}

JsonObject *
hb_json_parse_object (const char *data, gssize length, gsize max_bytes, guint max_depth,
                      GError **error)
{
  g_autoptr(JsonNode) root = hb_json_parse (data, length, max_bytes, max_depth, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID, "JSON must be an object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

char *
hb_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

char *
hb_json_dup_text_member (JsonObject *o, const char *name, gsize max, gboolean *bad)
{
  JsonNode *n = json_object_get_member (o, name);
  const char *s;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING
      || strlen (s = json_node_get_string (n)) > max || !g_utf8_validate (s, -1, NULL))
    {
      *bad = TRUE;
      return NULL;
    }
  for (const char *p = s; *p; p++)
    if ((guchar) *p < 0x20)
      {
        *bad = TRUE;
        return NULL;
      }
  return g_strdup (s);
}

/* --- wiping ---------------------------------------------------------------------- */

static void wipe_node (JsonNode *node);

static void
wipe_array (JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    wipe_node (json_array_get_element (array, i));
}

static void
wipe_node (JsonNode *node)
{
  if (node == NULL)
    return;
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      hb_json_object_wipe (json_node_get_object (node));
      break;
    case JSON_NODE_ARRAY:
      wipe_array (json_node_get_array (node));
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          /* The node owns the string; zero it where it lies. */
          char *s = (char *) json_node_get_string (node);
          if (s)
            explicit_bzero (s, strlen (s));
        }
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

void
hb_json_object_wipe (JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (object == NULL)
    return;
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    wipe_node (node);
}
