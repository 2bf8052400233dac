/* hb-cases.c — 进度查询 (see the header). */
#include "kiosk/hb-cases.h"
#include "common/hb-json.h"

#include <gio/gio.h>
#include <string.h>

#define TEXT_MAX 512
#define ID_MAX   64

static void
step_free (HbCaseStep *s)
{
  g_free (s->status);
  g_free (s->at);
  g_free (s->note.zh);
  g_free (s->note.en);
  g_free (s);
}

void
hb_case_free (HbCase *c)
{
  if (c == NULL)
    return;
  g_free (c->case_number);
  g_free (c->service_code);
  g_free (c->service_name.zh);
  g_free (c->service_name.en);
  g_free (c->submitted_at);
  g_free (c->status);
  g_free (c->status_name.zh);
  g_free (c->status_name.en);
  g_clear_pointer (&c->timeline, g_ptr_array_unref);
  g_free (c);
}


static HbCase *
parse_case (JsonNode *node)
{
  g_autoptr(HbCase) c = g_new0 (HbCase, 1);
  gboolean bad = FALSE;
  JsonObject *o;
  JsonNode *timeline;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  o = json_node_get_object (node);
  c->case_number = hb_json_dup_text_member (o, "case_number", ID_MAX, &bad);
  c->service_code = hb_json_dup_text_member (o, "service_code", ID_MAX, &bad);
  c->service_name.zh = hb_json_dup_text_member (o, "service_name", TEXT_MAX, &bad);
  c->service_name.en = hb_json_dup_text_member (o, "service_name_en", TEXT_MAX, &bad);
  c->submitted_at = hb_json_dup_text_member (o, "submitted_at", 64, &bad);
  c->status = hb_json_dup_text_member (o, "status", 32, &bad);
  c->status_name.zh = hb_json_dup_text_member (o, "status_name", TEXT_MAX, &bad);
  c->status_name.en = hb_json_dup_text_member (o, "status_name_en", TEXT_MAX, &bad);
  c->timeline = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  if (bad || c->case_number == NULL || c->status == NULL)
    return NULL;
  timeline = json_object_get_member (o, "timeline");
  if (timeline && !JSON_NODE_HOLDS_NULL (timeline))
    {
      JsonArray *a;
      if (!JSON_NODE_HOLDS_ARRAY (timeline)
          || json_array_get_length (a = json_node_get_array (timeline)) > HB_CASES_STEPS_MAX)
        return NULL;
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          HbCaseStep *s;
          if (!JSON_NODE_HOLDS_OBJECT (e))
            return NULL;
          s = g_new0 (HbCaseStep, 1);
          g_ptr_array_add (c->timeline, s);
          s->status = hb_json_dup_text_member (json_node_get_object (e), "status", 32, &bad);
          s->at = hb_json_dup_text_member (json_node_get_object (e), "at", 64, &bad);
          s->note.zh = hb_json_dup_text_member (json_node_get_object (e), "note", TEXT_MAX, &bad);
          s->note.en = hb_json_dup_text_member (json_node_get_object (e), "note_en", TEXT_MAX, &bad);
          if (bad || s->status == NULL)
            return NULL;
        }
    }
  return g_steal_pointer (&c);
}

GPtrArray *
hb_cases_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_case_free);
  g_autoptr(JsonObject) root = hb_json_parse_object (data, (gssize) length, HB_CASES_REPLY_MAX,
                                                     8, NULL);
  JsonNode *list = root ? json_object_get_member (root, "cases") : NULL;
  JsonArray *array;

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list)
      || json_array_get_length (array = json_node_get_array (list)) > HB_CASES_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cases reply is not valid");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      HbCase *c = parse_case (json_array_get_element (array, i));
      if (c == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "case %u is not valid", i);
          return NULL;
        }
      g_ptr_array_add (out, c);
    }
  return g_steal_pointer (&out);
}

gboolean
hb_cases_is_reference (const char *text)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gsize letters = 0, i;

  if (text == NULL || strlen (text) > ID_MAX)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (*p != ' ')
      g_string_append_c (s, g_ascii_toupper (*p));
  /* HB<YYYYMMDD>-<8 hex>: a reference printed while the application was queued. */
  if (s->len == 19 && g_str_has_prefix (s->str, "HB") && s->str[10] == '-')
    {
      for (i = 2; i < 10; i++)
        if (!g_ascii_isdigit (s->str[i]))
          return FALSE;
      for (i = 11; i < 19; i++)
        if (!g_ascii_isxdigit (s->str[i]))
          return FALSE;
      return TRUE;
    }
  /* A case number: 2–4 letters, then at least 8 digits. */
  while (letters < s->len && g_ascii_isalpha (s->str[letters]))
    letters++;
  if (letters < 2 || letters > 4 || s->len - letters < 8)
    return FALSE;
  for (i = letters; i < s->len; i++)
    if (!g_ascii_isdigit (s->str[i]))
      return FALSE;
  return TRUE;
}

static void
queried (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint status = 0;
  char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  GPtrArray *cases;

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (status == 404)
    {
      g_free (body);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such case");
      return;
    }
  if (status != 200)
    {
      g_free (body);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "the platform answered %u to POST /v1/cases/query", status);
      return;
    }
  cases = hb_cases_parse (body, strlen (body), &error);
  explicit_bzero (body, strlen (body));
  g_free (body);
  if (cases == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cases, (GDestroyNotify) g_ptr_array_unref);
}

void
hb_cases_query_async (HbSync *sync, const char *case_number, const char *id_number,
                      GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  GTask *task = g_task_new (sync, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *body;

  g_task_set_source_tag (task, hb_cases_query_async);
  if ((case_number == NULL) == (id_number == NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "a case is looked up by its number or by the resident");
      g_object_unref (task);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, case_number ? "case_number" : "id_number");
  json_builder_add_string_value (b, case_number ? case_number : id_number);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);
  hb_sync_request_async (sync, "POST", "/v1/cases/query", body, cancellable, queried, task);
  explicit_bzero (body, strlen (body));
  g_free (body);
}

GPtrArray *
hb_cases_query_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
