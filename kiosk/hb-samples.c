/* hb-samples.c — sample cards and codes for virtual devices. */
#include "kiosk/hb-samples.h"
#include "common/hb-json.h"

static JsonArray *
load_list (const char *share_dir, const char *list, JsonObject **root, GError **error)
{
  g_autofree char *path = g_build_filename (share_dir, "sample-cards.json", NULL);
  g_autofree char *data = NULL;
  gsize length = 0;
  JsonNode *member;

  *root = NULL;
  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  *root = hb_json_parse_object (data, (gssize) length, HB_SAMPLES_MAX_BYTES,
                                HB_JSON_DEFAULT_MAX_DEPTH, error);
  if (*root == NULL)
    return NULL;
  member = json_object_get_member (*root, list);
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s has no \"%s\" list", path, list);
      return NULL;
    }
  return json_node_get_array (member);
}

static JsonObject *
entry (JsonArray *a, guint n, GError **error)
{
  JsonNode *node;
  if (n < 1 || n > json_array_get_length (a))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "there is no sample %u (1–%u)",
                   n, json_array_get_length (a));
      return NULL;
    }
  node = json_array_get_element (a, n - 1);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "sample %u is not an object", n);
      return NULL;
    }
  return json_node_get_object (node);
}

guint
hb_samples_count (const char *share_dir, const char *list)
{
  g_autoptr(JsonObject) root = NULL;
  JsonArray *a = load_list (share_dir, list, &root, NULL);
  return a ? json_array_get_length (a) : 0;
}

char *
hb_samples_card_json (const char *share_dir, guint n, GError **error)
{
  g_autoptr(JsonObject) root = NULL;
  JsonArray *a = load_list (share_dir, "cards", &root, error);
  JsonObject *o = a ? entry (a, n, error) : NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObjectIter it;
  const char *name;
  JsonNode *value;

  if (o == NULL)
    return NULL;
  copy = json_object_new ();
  json_object_iter_init (&it, o);
  while (json_object_iter_next (&it, &name, &value))
    if (!g_str_equal (name, "label"))
      json_object_set_member (copy, name, json_node_copy (value));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, copy);
  return hb_json_to_string (node);
}

char *
hb_samples_code_text (const char *share_dir, guint n, GError **error)
{
  g_autoptr(JsonObject) root = NULL;
  JsonArray *a = load_list (share_dir, "codes", &root, error);
  JsonObject *o = a ? entry (a, n, error) : NULL;
  const char *text = o ? json_object_get_string_member_with_default (o, "text", NULL) : NULL;
  if (o != NULL && text == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "sample code %u has no text", n);
  return g_strdup (text);
}

char *
hb_samples_label (const char *share_dir, const char *list, guint n)
{
  g_autoptr(JsonObject) root = NULL;
  JsonArray *a = load_list (share_dir, list, &root, NULL);
  JsonObject *o = a ? entry (a, n, NULL) : NULL;
  return o ? g_strdup (json_object_get_string_member_with_default (o, "label", "")) : NULL;
}

const char *
hb_samples_code_kind (const char *share_dir, guint n)
{
  g_autoptr(JsonObject) root = NULL;
  JsonArray *a = load_list (share_dir, "codes", &root, NULL);
  JsonObject *o = a ? entry (a, n, NULL) : NULL;

  if (o == NULL)
    return NULL;
  if (json_object_has_member (o, "enterprise"))
    return "enterprise";
  if (json_object_has_member (o, "place"))
    return "place";
  return "person";
}
