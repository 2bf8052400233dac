/* hb-benefits.c — 免申即享 (see the header). */
#include "kiosk/hb-benefits.h"
#include "kiosk/hb-i18n.h"
#include "common/hb-json.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#define TEXT_MAX 512
#define ID_MAX   64

void
hb_benefit_free (HbBenefit *b)
{
  if (b == NULL)
    return;
  g_free (b->id);
  g_free (b->name.zh);
  g_free (b->name.en);
  g_free (b->description.zh);
  g_free (b->description.en);
  g_free (b->department);
  g_free (b->period);
  g_free (b->case_number);
  g_free (b);
}


static gboolean
id_ok (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > ID_MAX)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static HbBenefit *
parse_one (JsonNode *node)
{
  g_autoptr(HbBenefit) b = g_new0 (HbBenefit, 1);
  gboolean bad = FALSE;
  JsonObject *o;
  JsonNode *amount;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  o = json_node_get_object (node);
  b->id = hb_json_dup_text_member (o, "id", ID_MAX, &bad);
  b->name.zh = hb_json_dup_text_member (o, "name", TEXT_MAX, &bad);
  b->name.en = hb_json_dup_text_member (o, "name_en", TEXT_MAX, &bad);
  b->description.zh = hb_json_dup_text_member (o, "description", TEXT_MAX, &bad);
  b->description.en = hb_json_dup_text_member (o, "description_en", TEXT_MAX, &bad);
  b->department = hb_json_dup_text_member (o, "department", TEXT_MAX, &bad);
  b->period = hb_json_dup_text_member (o, "period", 16, &bad);
  b->case_number = hb_json_dup_text_member (o, "case_number", ID_MAX, &bad);
  amount = json_object_get_member (o, "amount_fen");
  if (amount && !JSON_NODE_HOLDS_NULL (amount))
    {
      if (!JSON_NODE_HOLDS_VALUE (amount) || json_node_get_value_type (amount) != G_TYPE_INT64
          || json_node_get_int (amount) < 0 || json_node_get_int (amount) > G_GINT64_CONSTANT (100000000000))
        return NULL;
      b->amount_fen = json_node_get_int (amount);
    }
  if (bad || !id_ok (b->id) || b->name.zh == NULL || *b->name.zh == '\0'
      || (b->period && !g_strv_contains ((const char *const[]) { "month", "year", "once", NULL },
                                         b->period)))
    return NULL;
  return g_steal_pointer (&b);
}

GPtrArray *
hb_benefits_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_benefit_free);
  g_autoptr(JsonObject) root = NULL;
  JsonNode *list;
  JsonArray *array;

  root = hb_json_parse_object (data, (gssize) length, HB_BENEFITS_REPLY_MAX, 8, NULL);
  list = root ? json_object_get_member (root, "benefits") : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "benefits reply is not valid");
      return NULL;
    }
  array = json_node_get_array (list);
  if (json_array_get_length (array) > HB_BENEFITS_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "more than %d benefits",
                   HB_BENEFITS_MAX);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      HbBenefit *b = parse_one (json_array_get_element (array, i));
      if (b == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "benefit %u is not valid", i);
          return NULL;
        }
      g_ptr_array_add (out, b);
    }
  return g_steal_pointer (&out);
}

char *
hb_benefit_dup_amount_text (const HbBenefit *b)
{
  /* Integer fen to 元 with two decimals, never through floating point. */
  g_autofree char *yuan = NULL;
  const char *per;
  if (b->amount_fen <= 0)
    return g_strdup ("");
  yuan = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", b->amount_fen / 100,
                          (int) (b->amount_fen % 100));
  per = g_strcmp0 (b->period, "month") == 0 ? _("/月")
        : g_strcmp0 (b->period, "year") == 0 ? _("/年") : "";
  /* TRANSLATORS: an amount of money in yuan, then "/月" or "/年" or nothing */
  return g_strdup_printf (_("%s 元%s"), yuan, per);
}

/* --- platform ----------------------------------------------------------------------------- */

static char *
body_for (const char *id_number, const char *benefit_id)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id_number");
  json_builder_add_string_value (b, id_number);
  if (benefit_id)
    {
      json_builder_set_member_name (b, "benefit_id");
      json_builder_add_string_value (b, benefit_id);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return hb_json_to_string (root);
}

static void
wipe_free (char *s)
{
  if (s)
    explicit_bzero (s, strlen (s));
  g_free (s);
}

static void
listed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint status = 0;
  char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  GPtrArray *benefits;

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (status != 200)
    {
      wipe_free (body);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "the platform answered %u to POST /v1/benefits", status);
      return;
    }
  benefits = hb_benefits_parse (body, strlen (body), &error);
  wipe_free (body);
  if (benefits == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, benefits, (GDestroyNotify) g_ptr_array_unref);
}

void
hb_benefits_list_async (HbSync *sync, const char *id_number, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (sync, cancellable, callback, user_data);
  char *body = body_for (id_number, NULL);
  g_task_set_source_tag (task, hb_benefits_list_async);
  hb_sync_request_async (sync, "POST", "/v1/benefits", body, cancellable, listed, task);
  wipe_free (body);
}

GPtrArray *
hb_benefits_list_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
confirmed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint status = 0;
  char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  g_autoptr(JsonObject) o = NULL;
  gboolean bad = FALSE;
  char *case_number;

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  o = hb_json_parse_object (body, -1, HB_BENEFITS_REPLY_MAX, 4, NULL);
  wipe_free (body);
  if (status == 409 || status == 404)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "the platform does not grant this benefit (%u)", status);
      return;
    }
  case_number = (status == 200 || status == 201) && o ? hb_json_dup_text_member (o, "case_number", ID_MAX, &bad)
                                                      : NULL;
  if (case_number == NULL || bad || !id_ok (case_number))
    {
      g_free (case_number);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "the platform answered %u to POST /v1/benefits/confirm", status);
      return;
    }
  g_task_return_pointer (task, case_number, g_free);
}

void
hb_benefits_confirm_async (HbSync *sync, const char *id_number, const char *benefit_id,
                           const char *key, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (sync, cancellable, callback, user_data);
  char *body = body_for (id_number, benefit_id);
  g_task_set_source_tag (task, hb_benefits_confirm_async);
  hb_sync_request_with_key_async (sync, "POST", "/v1/benefits/confirm", body, key,
                                  cancellable, confirmed, task);
  wipe_free (body);
}

char *
hb_benefits_confirm_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
