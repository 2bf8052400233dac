/* hb-licences.c — the resident's electronic licence types (see the header). */
#include "kiosk/hb-licences.h"
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

static void
fetched (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint status = 0;
  char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  GStrv types;

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  types = status == 200 ? hb_licences_parse (body, strlen (body), &error) : NULL;
  if (status != 200)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                         "the platform answered %u to POST /v1/licences", status);
  explicit_bzero (body, strlen (body));   /* masked numbers, names of documents */
  g_free (body);
  if (types == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, types, (GDestroyNotify) g_strfreev);
}

void
hb_licences_fetch_async (HbSync *sync, const char *id_number, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (sync, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *body;

  g_task_set_source_tag (task, hb_licences_fetch_async);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id_number");
  json_builder_add_string_value (b, id_number);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);
  hb_sync_request_async (sync, "POST", "/v1/licences", body, cancellable, fetched, task);
  explicit_bzero (body, strlen (body));
  g_free (body);
}

GStrv
hb_licences_fetch_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
