/* hb-profile.c — the resident's platform profile and earlier answers (see the header). */
#include "kiosk/hb-profile.h"
#include "kiosk/hb-platform-call.h"
#include "common/hb-json.h"

#include <gio/gio.h>
#include <string.h>

static gboolean
name_ok (const char *name)
{
  gsize n = strlen (name);
  if (n == 0 || n > HB_PROFILE_NAME_MAX)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
text_ok (const char *s)
{
  gsize n = strlen (s);
  if (n > HB_PROFILE_VALUE_MAX || !g_utf8_validate (s, (gssize) n, NULL))
    return FALSE;
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/* Copies the usable members of the object node into a new object; NULL when the node is
 * not an object or breaks the contract (the header lists how). */
static JsonObject *
copy_members (JsonNode *node, guint max_members)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *v;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)
      || json_object_get_size (json_node_get_object (node)) > max_members)
    return NULL;
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &v))
    {
      if (!name_ok (name) || JSON_NODE_HOLDS_OBJECT (v) || JSON_NODE_HOLDS_ARRAY (v))
        {
          hb_json_object_wipe (copy);
          return NULL;
        }
      if (!JSON_NODE_HOLDS_VALUE (v))
        continue;   /* null: the platform knows nothing */
      if (json_node_get_value_type (v) == G_TYPE_STRING)
        {
          if (!text_ok (json_node_get_string (v)))
            {
              hb_json_object_wipe (copy);
              return NULL;
            }
          json_object_set_string_member (copy, name, json_node_get_string (v));
        }
      else if (json_node_get_value_type (v) == G_TYPE_INT64)
        json_object_set_int_member (copy, name, json_node_get_int (v));
      /* booleans and fractions: no form field takes them */
    }
  return g_steal_pointer (&copy);
}

HbProfile *
hb_profile_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(JsonObject) root = hb_json_parse_object (data, (gssize) length,
                                                     HB_PROFILE_REPLY_MAX, 8, NULL);
  JsonNode *history = root ? json_object_get_member (root, "history") : NULL;
  HbProfile *p = g_new0 (HbProfile, 1);

  if (root != NULL)
    p->profile = copy_members (json_object_get_member (root, "profile"), HB_PROFILE_MAX_MEMBERS);
  if (p->profile != NULL)
    p->history = history == NULL || JSON_NODE_HOLDS_NULL (history)
                 ? json_object_new () : copy_members (history, HB_PROFILE_MAX_HISTORY);
  if (root)
    hb_json_object_wipe (root);   /* the parser's copies of the same values */
  if (p->history == NULL)
    {
      hb_profile_free (p);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "profile reply is not valid");
      return NULL;
    }
  return p;
}

void
hb_profile_free (HbProfile *p)
{
  if (p == NULL)
    return;
  if (p->profile)
    {
      hb_json_object_wipe (p->profile);
      json_object_unref (p->profile);
    }
  if (p->history)
    {
      hb_json_object_wipe (p->history);
      json_object_unref (p->history);
    }
  g_free (p);
}

static gpointer
parse_reply (const char *data, gsize length, GError **error)
{
  return hb_profile_parse (data, length, error);
}

void
hb_profile_fetch_async (HbSync *sync, const char *id_number, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  hb_platform_call_async (sync, "/v1/profile", id_number, parse_reply,
                          (GDestroyNotify) hb_profile_free, hb_profile_fetch_async, cancellable, callback,
                          user_data);
}

HbProfile *
hb_profile_fetch_finish (GAsyncResult *result, GError **error)
{
  return hb_platform_call_finish (result, error);
}
