/* hb-licences.c — the resident's electronic licence types (see the header). */
#include "kiosk/hb-licences.h"
#include "kiosk/hb-platform-call.h"
#include "common/hb-json.h"

#include <gio/gio.h>
#include <string.h>

#define TYPE_MAX 32

/* [a-z0-9_]{1,32}: the documented types, and any the platform adds. */
static gboolean
type_ok (const char *t)
{
  gsize n = strlen (t);
  if (n == 0 || n > TYPE_MAX)
    return FALSE;
  for (const char *p = t; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

GStrv
hb_licences_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(JsonObject) root = hb_json_parse_object (data, (gssize) length,
                                                     HB_LICENCES_REPLY_MAX, 8, NULL);
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  JsonNode *list = root ? json_object_get_member (root, "licences") : NULL;
  JsonArray *array;

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list)
      || json_array_get_length (array = json_node_get_array (list)) > HB_LICENCES_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "licences reply is not valid");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      JsonNode *t = JSON_NODE_HOLDS_OBJECT (e)
                    ? json_object_get_member (json_node_get_object (e), "type") : NULL;
      const char *type;
      if (t == NULL || !JSON_NODE_HOLDS_VALUE (t) || json_node_get_value_type (t) != G_TYPE_STRING
          || !type_ok (type = json_node_get_string (t)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "licence %u is not valid", i);
          return NULL;
        }
      gboolean seen = FALSE;
      for (guint j = 0; j < types->len && !seen; j++)
        seen = g_str_equal (types->pdata[j], type);
      if (!seen)
        g_ptr_array_add (types, g_strdup (type));
    }
  g_ptr_array_add (types, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&types), FALSE);
}

static gpointer
parse_reply (const char *data, gsize length, GError **error)
{
  return hb_licences_parse (data, length, error);
}

void
hb_licences_fetch_async (HbSync *sync, const char *id_number, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  hb_platform_call_async (sync, "/v1/licences", id_number, parse_reply,
                          (GDestroyNotify) g_strfreev, hb_licences_fetch_async, cancellable,
                          callback, user_data);
}

GStrv
hb_licences_fetch_finish (GAsyncResult *result, GError **error)
{
  return hb_platform_call_finish (result, error);
}
