/* hb-sim-http.c — one request as the handlers see it, and the ways to answer it. */
#include "tools/platform-sim/hb-sim-http.h"

#include "tools/platform-sim/hb-sim-json.h"

#include <string.h>

static GQuark
note_quark (void)
{
  return g_quark_from_static_string ("hb-sim-note");
}

typedef struct {
  gsize len;
  guint8 data[];
} WipedBuf;

static void
wiped_buf_free (gpointer data)
{
  WipedBuf *buf = data;
  explicit_bzero (buf->data, buf->len);
  g_free (buf);
}

GBytes *
hb_sim_bytes_new_wiped (const guint8 *data, gsize len)
{
  WipedBuf *buf = g_malloc (sizeof (WipedBuf) + len + 1);
  buf->len = len;
  if (len)
    memcpy (buf->data, data, len);
  buf->data[len] = 0;
  return g_bytes_new_with_free_func (buf->data, len, wiped_buf_free, buf);
}

HbSimRequest *
hb_sim_request_new (SoupServerMessage *msg, const char *path, GBytes *body)
{
  HbSimRequest *req = g_new0 (HbSimRequest, 1);
  req->msg = g_object_ref (msg);
  req->method = soup_server_message_get_method (msg);
  req->path = g_strdup (path);
  req->body = body ? g_bytes_ref (body) : g_bytes_new_static ("", 0);
  return req;
}

void
hb_sim_request_free (HbSimRequest *req)
{
  if (req == NULL)
    return;
  g_object_unref (req->msg);
  g_free (req->path);
  g_bytes_unref (req->body);
  g_free (req);
}

JsonNode *
hb_sim_request_post_json (HbSimRequest *req)
{
  if (!g_str_equal (req->method, SOUP_METHOD_POST))
    {
      hb_sim_reply_method_not_allowed (req->msg, "POST");
      return NULL;
    }
  return hb_sim_request_parse_json (req);
}

JsonNode *
hb_sim_request_parse_json (HbSimRequest *req)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (req->body, &len);
  JsonNode *node = hb_sim_json_parse (data, len, HB_SIM_JSON_MAX_DEPTH, &error);
  if (node == NULL)
    {
      g_autofree char *message = g_strdup_printf ("request body: %s", error->message);
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-json", message);
    }
  return node;
}

HbSimKeyState
hb_sim_request_key (SoupServerMessage *msg, const char **key)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (h, "Idempotency-Key");
  if (value == NULL)
    return HB_SIM_KEY_MISSING;
  gsize n = strlen (value);
  if (n == 0 || n > HB_SIM_MAX_KEY_LENGTH)
    return HB_SIM_KEY_INVALID;
  for (const char *p = value; *p; p++)
    if (*p < 0x21 || *p > 0x7e)
      return HB_SIM_KEY_INVALID;
  *key = value;
  return HB_SIM_KEY_OK;
}

void
hb_sim_reply_text (SoupServerMessage *msg, guint status, const char *json, gssize len)
{
  gsize n = len < 0 ? strlen (json) : (gsize) len;
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, HB_SIM_JSON_CONTENT_TYPE, SOUP_MEMORY_COPY, json, n);
}

void
hb_sim_reply_node (SoupServerMessage *msg, guint status, JsonNode *node)
{
  gsize len = 0;
  char *text = hb_sim_json_to_string (node, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, HB_SIM_JSON_CONTENT_TYPE, SOUP_MEMORY_TAKE, text, len);
}

void
hb_sim_reply_queue (SoupServerMessage *msg, const char *method, GQueue *items)
{
  g_autoptr(JsonNode) list = NULL;
  JsonArray *array;

  if (!g_str_equal (method, SOUP_METHOD_GET))
    {
      hb_sim_reply_method_not_allowed (msg, "GET");
      return;
    }
  list = json_node_new (JSON_NODE_ARRAY);
  array = json_array_new ();
  for (GList *l = items->head; l; l = l->next)
    json_array_add_element (array, hb_sim_json_deep_copy (l->data));
  json_node_take_array (list, array);
  hb_sim_reply_node (msg, SOUP_STATUS_OK, list);
}

void
hb_sim_reply_error (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  hb_sim_reply_node (msg, status, root);
}

void
hb_sim_reply_method_not_allowed (SoupServerMessage *msg, const char *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  hb_sim_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                      "method not allowed on this path");
}

void
hb_sim_note (SoupServerMessage *msg, const char *note)
{
  const char *old = g_object_get_qdata (G_OBJECT (msg), note_quark ());
  char *text = old ? g_strconcat (old, " ", note, NULL) : g_strdup (note);
  g_object_set_qdata_full (G_OBJECT (msg), note_quark (), text, g_free);
}

const char *
hb_sim_get_note (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), note_quark ());
}

GBytes *
hb_sim_gzip (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (gz));
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  /* In memory: neither write nor close can fail. */
  g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

gboolean
hb_sim_accepts_gzip (SoupServerMessage *msg)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  const char *list = soup_message_headers_get_list (in, "Accept-Encoding");
  g_auto(GStrv) codings = list ? g_strsplit (list, ",", -1) : NULL;

  for (guint i = 0; codings && codings[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (codings[i], ";", 2);
      const char *name = g_strstrip (parts[0]);
      const char *q = parts[1] ? strstr (parts[1], "q=") : NULL;
      if ((g_ascii_strcasecmp (name, "gzip") == 0 || g_strcmp0 (name, "*") == 0)
          && (q == NULL || g_ascii_strtod (q + 2, NULL) > 0))
        return TRUE;
    }
  return FALSE;
}
