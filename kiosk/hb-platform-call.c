/* hb-platform-call.c — a small POST about the resident, bodies wiped (see the header). */
#include "kiosk/hb-platform-call.h"
#include "common/hb-json.h"

#include <string.h>

typedef struct {
  char               *path;
  HbPlatformParseFunc parse;
  GDestroyNotify      free_result;
} Call;

static void
call_free (Call *call)
{
  g_free (call->path);
  g_free (call);
}

static void
answered (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  guint status = 0;
  char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  gpointer parsed = NULL;

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (status == 200)
    parsed = call->parse (body, strlen (body), &error);
  else
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "the platform answered %u to POST %s",
                         status, call->path);
  explicit_bzero (body, strlen (body));   /* the resident's records */
  g_free (body);
  if (parsed == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, parsed, call->free_result);
}

void
hb_platform_call_async (HbSync *sync, const char *path, const char *id_number,
                        HbPlatformParseFunc parse, GDestroyNotify free_result,
                        gpointer source_tag, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (sync, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  Call *call = g_new0 (Call, 1);
  char *body;

  call->path = g_strdup (path);
  call->parse = parse;
  call->free_result = free_result;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_set_source_tag (task, source_tag);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id_number");
  json_builder_add_string_value (b, id_number);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);
  hb_sync_request_async (sync, "POST", path, body, cancellable, answered, task);
  explicit_bzero (body, strlen (body));
  g_free (body);
  hb_json_object_wipe (json_node_get_object (root));
}

gpointer
hb_platform_call_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
