/* hb-sim-json.c — bounded parsing of JSON from outside. */
#include "tools/platform-sim/hb-sim-json.h"
#include "common/hb-json.h"

#include <string.h>

G_DEFINE_QUARK (hb-sim-json-error-quark, hb_sim_json_error)


JsonNode *
hb_sim_json_parse (const char *data, gsize len, guint max_depth, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;

  if (data == NULL || len == 0)
    {
      g_set_error (error, HB_SIM_JSON_ERROR, HB_SIM_JSON_ERROR_EMPTY, "empty document");
      return NULL;
    }
  if (len > G_MAXSSIZE || !g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, HB_SIM_JSON_ERROR, HB_SIM_JSON_ERROR_ENCODING, "not UTF-8");
      return NULL;
    }
  if (hb_json_depth (data, len, max_depth) > max_depth)
    {
      g_set_error (error, HB_SIM_JSON_ERROR, HB_SIM_JSON_ERROR_TOO_DEEP,
                   "nested deeper than %u levels", max_depth);
      return NULL;
    }
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    {
      /* json-glib's message carries a line/column and sometimes a token of the input;
       * keep only the position-free gist so no personal data leaks into logs. */
      g_set_error (error, HB_SIM_JSON_ERROR, HB_SIM_JSON_ERROR_SYNTAX, "malformed JSON");
      return NULL;
    }
  JsonNode *root = json_parser_steal_root (parser);
  if (root == NULL)
    g_set_error (error, HB_SIM_JSON_ERROR, HB_SIM_JSON_ERROR_EMPTY, "empty document");
  return root;
}

const char *
hb_sim_json_get_string (JsonObject *obj, const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
hb_sim_json_get_int (JsonObject *obj, const char *member, gint64 *out)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
hb_sim_json_get_bool (JsonObject *obj, const char *member, gboolean *out)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

JsonObject *
hb_sim_json_get_object (JsonObject *obj, const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
hb_sim_json_get_array (JsonObject *obj, const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

char *
hb_sim_json_to_string (JsonNode *node, gsize *length)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, length);
}

JsonNode *
hb_sim_json_deep_copy (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *src = json_node_get_object (node);
      JsonObject *dst = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;
      /* Keep the member order: copies are shown to people reading test output. */
      json_object_iter_init_ordered (&iter, src);
      while (json_object_iter_next_ordered (&iter, &name, &member))
        json_object_set_member (dst, name, hb_sim_json_deep_copy (member));
      JsonNode *out = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (out, dst);
      return out;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *src = json_node_get_array (node);
      JsonArray *dst = json_array_sized_new (json_array_get_length (src));
      for (guint i = 0; i < json_array_get_length (src); i++)
        json_array_add_element (dst, hb_sim_json_deep_copy (json_array_get_element (src, i)));
      JsonNode *out = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (out, dst);
      return out;
    }
  return json_node_copy (node);
}
