/* hb-platform-reply.c — pure, bounded parsing of platform replies. */
#include "offline-cache/hb-platform-reply.h"
#include "common/hb-json.h"

#include <string.h>

gboolean
hb_platform_json_check (const char *data, gsize length, gsize max_bytes, const char *what,
                        GError **error)
{
  if (length > max_bytes)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "%s is %" G_GSIZE_FORMAT " bytes, more than the limit of %" G_GSIZE_FORMAT,
                   what, length, max_bytes);
      return FALSE;
    }
  if (length == 0 || data == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is empty", what);
      return FALSE;
    }
  /* With an explicit length g_utf8_validate also rejects NUL bytes. */
  if (!g_utf8_validate (data, (gssize) length, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not valid UTF-8", what);
      return FALSE;
    }
  if (hb_json_depth (data, length, HB_PLATFORM_JSON_MAX_DEPTH) > HB_PLATFORM_JSON_MAX_DEPTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is nested more than %d levels deep", what, HB_PLATFORM_JSON_MAX_DEPTH);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
hb_platform_json_parse (const char *data, gsize length, gsize max_bytes, const char *what,
                        gboolean quote_parser_errors, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (!hb_platform_json_check (data, length, max_bytes, what, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
    {
      if (quote_parser_errors)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not valid JSON: %s",
                     what, local->message);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not valid JSON", what);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is empty", what);
      return NULL;
    }
  return json_node_ref (root);
}

static gboolean
is_token (const char *s)
{
  gsize n = strlen (s);
  if (n == 0 || n > HB_PLATFORM_TOKEN_MAX)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if ((guchar) s[i] < 0x20 || (guchar) s[i] == 0x7f)
      return FALSE;
  return TRUE;
}

/* A known member must be absent, null, or a short printable string. */
static gboolean
take_token (JsonObject *obj, const char *name, char **out)
{
  JsonNode *node = json_object_get_member (obj, name);
  const char *s;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  s = json_node_get_string (node);
  if (s == NULL || !is_token (s))
    return FALSE;
  *out = g_strdup (s);
  return TRUE;
}

gboolean
hb_platform_reply_parse (const char *data, gsize length, HbPlatformReply *reply,
                         GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;

  g_return_val_if_fail (reply != NULL, FALSE);
  memset (reply, 0, sizeof *reply);
  if (length == 0)
    return TRUE;

  root = hb_platform_json_parse (data, length, HB_PLATFORM_REPLY_MAX, "platform reply",
                                 FALSE, error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "platform reply is not a JSON object");
      return FALSE;
    }
  obj = json_node_get_object (root);
  if (!take_token (obj, "case_number", &reply->case_number)
      || !take_token (obj, "status", &reply->status)
      || !take_token (obj, "error", &reply->error_code))
    {
      hb_platform_reply_clear (reply);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "platform reply has a malformed case_number, status or error member");
      return FALSE;
    }
  return TRUE;
}

void
hb_platform_reply_clear (HbPlatformReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->case_number, g_free);
  g_clear_pointer (&reply->status, g_free);
  g_clear_pointer (&reply->error_code, g_free);
}

gboolean
hb_platform_etag_is_valid (const char *etag)
{
  gsize n;
  if (etag == NULL)
    return FALSE;
  n = strlen (etag);
  if (n == 0 || n > HB_PLATFORM_ETAG_MAX)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if ((guchar) etag[i] < 0x20 || (guchar) etag[i] >= 0x7f)
      return FALSE;
  return TRUE;
}

char *
hb_platform_etag_from_header (const char *line, gsize length)
{
  static const char name[] = "etag:";
  gsize start, end;
  g_autofree char *value = NULL;

  if (line == NULL || length <= strlen (name) || length > HB_PLATFORM_ETAG_MAX + 64
      || g_ascii_strncasecmp (line, name, strlen (name)) != 0)
    return NULL;
  start = strlen (name);
  end = length;
  while (start < end && (line[start] == ' ' || line[start] == '\t'))
    start++;
  while (end > start && (line[end - 1] == '\r' || line[end - 1] == '\n'
                         || line[end - 1] == ' ' || line[end - 1] == '\t'))
    end--;
  if (end == start || memchr (line + start, '\0', end - start) != NULL)
    return NULL;
  value = g_strndup (line + start, end - start);
  return hb_platform_etag_is_valid (value) ? g_steal_pointer (&value) : NULL;
}

gboolean
hb_platform_status_is_transient (long status)
{
  if (status >= 200 && status < 300)
    return FALSE;
  if (status == 408 || status == 425 || status == 429)
    return TRUE;
  if (status >= 400 && status < 500)
    return FALSE;
  return TRUE;   /* 5xx, and 1xx/3xx/other: not an answer we can act on; try again later */
}
