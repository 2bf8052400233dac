/* fuzz-json-members.c — the slicer the catalog is parsed through (common/hb-json-members.c),
 * checked against json-glib on the same bytes: whenever the slices are accepted and each
 * parses, the whole text parses too, to the same members with equal values. So slicing
 * never reads a document differently from parsing it whole. */
#include "common/hb-json.h"
#include "common/hb-json-members.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static JsonNode *
parse_slice (const HbJsonSlice *s)
{
  return hb_json_parse (s->text, (gssize) s->length, s->length, 8, NULL);
}

static void
check_elements (const HbJsonSlice *value, JsonNode *whole)
{
  g_autoptr(GArray) elements = hb_json_array_elements (value->text, value->length, 64, NULL);
  JsonArray *array;
  if (elements == NULL)
    return;
  g_assert_true (JSON_NODE_HOLDS_ARRAY (whole));
  array = json_node_get_array (whole);
  g_assert_cmpuint (elements->len, ==, json_array_get_length (array));
  for (guint i = 0; i < elements->len; i++)
    {
      g_autoptr(JsonNode) e = parse_slice (&g_array_index (elements, HbJsonSlice, i));
      g_assert_nonnull (e);
      g_assert_true (json_node_equal (e, json_array_get_element (array, i)));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonNode) whole = NULL;
  JsonObject *obj;

  if (size > 1 << 16 || !g_utf8_validate (text, (gssize) size, NULL)
      || hb_json_depth (text, size, 8) > 8)
    return 0;
  members = hb_json_object_members (text, size, NULL);
  if (members == NULL)
    return 0;
  for (guint i = 0; i < members->len; i++)
    {
      JsonNode *v = parse_slice (&g_array_index (members, HbJsonMember, i).value);
      if (v == NULL)
        return 0;   /* the caller refuses the document */
      g_ptr_array_add (values, v);
    }
  whole = hb_json_parse (text, (gssize) size, size, 8, NULL);
  g_assert_nonnull (whole);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (whole));
  obj = json_node_get_object (whole);
  g_assert_cmpuint (json_object_get_size (obj), ==, members->len);
  for (guint i = 0; i < members->len; i++)
    {
      HbJsonMember *m = &g_array_index (members, HbJsonMember, i);
      JsonNode *w = json_object_get_member (obj, m->key);
      g_assert_nonnull (w);
      g_assert_true (json_node_equal (values->pdata[i], w));
      if (m->value.text[0] == '[')
        check_elements (&m->value, w);
    }
  return 0;
}
