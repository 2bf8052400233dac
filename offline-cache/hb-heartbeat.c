/* hb-heartbeat.c — heartbeat body, bounded reply parser, ledger of command ids. */
#include "offline-cache/hb-heartbeat-private.h"
#include "offline-cache/hb-platform-reply.h"
#include "offline-cache/hb-store-private.h"

#include <string.h>

#define META_DONE "heartbeat.done"
#define META_ACKS "heartbeat.acks"
/* The ledger is ours, but it is read back from disk: bound it like outside input. */
#define LEDGER_MAX (64 * 1024)

static const char *const config_allowed[] = {
  "platform.catalog_interval", "platform.heartbeat_interval",
  "platform.retry_base_ms", "platform.retry_cap_ms",
  "session.idle_timeout", "session.warning_seconds", "session.submit_wait_ms",
  "session.result_seconds", "ui.language", "log.level",
};

gboolean
hb_heartbeat_config_key_allowed (const char *key)
{
  for (gsize i = 0; key != NULL && i < G_N_ELEMENTS (config_allowed); i++)
    if (g_str_equal (key, config_allowed[i]))
      return TRUE;
  return FALSE;
}

/* Printable ASCII without quotes or backslashes, 1..max bytes. */
static gboolean
token_ok (const char *s, gsize max)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > max)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
      return FALSE;
  return TRUE;
}

/* Text for people (a reason, a config value): UTF-8, no control characters, bounded. */
static gboolean
text_ok (const char *s, gsize max)
{
  gsize n = s ? strlen (s) : 0;
  if (s == NULL || n > max || !g_utf8_validate (s, (gssize) n, NULL))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if ((guchar) s[i] < 0x20 || s[i] == 0x7f)
      return FALSE;
  return TRUE;
}

static const char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static void
command_free (HbHeartbeatCommand *c)
{
  g_free (c->id);
  g_free (c->name);
  if (c->args)
    json_object_unref (c->args);
  g_free (c->reason);
  g_free (c);
}

/* {on: bool, reason?: string} → the same, checked. */
static JsonObject *
out_of_service_args (JsonObject *args)
{
  JsonNode *on = args ? json_object_get_member (args, "on") : NULL;
  JsonNode *reason = args ? json_object_get_member (args, "reason") : NULL;
  JsonObject *out;

  if (on == NULL || !JSON_NODE_HOLDS_VALUE (on) || json_node_get_value_type (on) != G_TYPE_BOOLEAN)
    return NULL;
  if (reason != NULL && !JSON_NODE_HOLDS_NULL (reason)
      && !text_ok (string_member (args, "reason"), HB_HEARTBEAT_REASON_MAX))
    return NULL;
  out = json_object_new ();
  json_object_set_boolean_member (out, "on", json_node_get_boolean (on));
  if (string_member (args, "reason") != NULL)
    json_object_set_string_member (out, "reason", string_member (args, "reason"));
  return out;
}

/* {"group.key": string | integer | boolean, …} → every value as a string, every key
 * allow-listed; the kiosk validates the values like a config file's (hb_config_set). */
static JsonObject *
config_args (JsonObject *args)
{
  g_autoptr(JsonObject) out = NULL;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  guint n = 0;

  if (args == NULL || json_object_get_size (args) == 0
      || json_object_get_size (args) > HB_HEARTBEAT_CONFIG_MAX_KEYS)
    return NULL;
  out = json_object_new ();
  json_object_iter_init (&iter, args);
  while (json_object_iter_next (&iter, &key, &value))
    {
      g_autofree char *text = NULL;
      if (!hb_heartbeat_config_key_allowed (key) || !JSON_NODE_HOLDS_VALUE (value))
        return NULL;
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_STRING:
          text = g_strdup (json_node_get_string (value));
          break;
        case G_TYPE_INT64:
          text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
          break;
        case G_TYPE_BOOLEAN:
          text = g_strdup (json_node_get_boolean (value) ? "true" : "false");
          break;
        default:
          return NULL;
        }
      if (!text_ok (text, HB_HEARTBEAT_CONFIG_VALUE_MAX))
        return NULL;
      json_object_set_string_member (out, key, text);
      n++;
    }
  return n > 0 ? g_steal_pointer (&out) : NULL;
}

static HbHeartbeatCommand *
parse_command (JsonNode *node)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id = string_member (o, "id");
  const char *name = string_member (o, "name");
  JsonNode *args_node = o ? json_object_get_member (o, "args") : NULL;
  JsonObject *args = NULL;
  HbHeartbeatCommand *c;

  if (!token_ok (id, HB_HEARTBEAT_ID_MAX))
    return NULL;   /* cannot be acknowledged: ignored (the platform sees no ack) */
  c = g_new0 (HbHeartbeatCommand, 1);
  c->id = g_strdup (id);
  c->name = token_ok (name, HB_HEARTBEAT_NAME_MAX) ? g_strdup (name) : g_strdup ("?");
  c->kind = HB_COMMAND_REJECTED;

  if (args_node != NULL && !JSON_NODE_HOLDS_NULL (args_node) && !JSON_NODE_HOLDS_OBJECT (args_node))
    {
      c->reason = g_strdup ("invalid-arguments");
      return c;
    }
  args = args_node && JSON_NODE_HOLDS_OBJECT (args_node) ? json_node_get_object (args_node) : NULL;

  if (g_strcmp0 (name, "sync-now") == 0)
    {
      c->kind = HB_COMMAND_SYNC_NOW;
      c->args = json_object_new ();
    }
  else if (g_strcmp0 (name, "out-of-service") == 0)
    {
      c->args = out_of_service_args (args);
      c->kind = c->args ? HB_COMMAND_OUT_OF_SERVICE : HB_COMMAND_REJECTED;
    }
  else if (g_strcmp0 (name, "config") == 0)
    {
      c->args = config_args (args);
      c->kind = c->args ? HB_COMMAND_CONFIG : HB_COMMAND_REJECTED;
    }
  else
    {
      c->reason = g_strdup ("unknown-command");
      return c;
    }
  if (c->kind == HB_COMMAND_REJECTED)
    c->reason = g_strdup ("invalid-arguments");
  return c;
}

gboolean
hb_heartbeat_reply_parse (const char *data, gsize length, HbHeartbeatReply *reply,
                          GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  JsonNode *commands;
  JsonArray *array;
  guint n;

  memset (reply, 0, sizeof *reply);
  reply->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);
  if (length == 0)
    return TRUE;   /* an empty 200: no commands */
  root = hb_platform_json_parse (data, length, HB_HEARTBEAT_REPLY_MAX, "heartbeat reply",
                                 FALSE, error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "heartbeat reply is not a JSON object");
      return FALSE;
    }
  obj = json_node_get_object (root);
  if (text_ok (string_member (obj, "server_time"), 64))
    reply->server_time = g_strdup (string_member (obj, "server_time"));
  commands = json_object_get_member (obj, "commands");
  if (commands == NULL || JSON_NODE_HOLDS_NULL (commands))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (commands)
      || (n = json_array_get_length (array = json_node_get_array (commands)))
         > HB_HEARTBEAT_MAX_COMMANDS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "heartbeat reply: \"commands\" is not an array of at most %d commands",
                   HB_HEARTBEAT_MAX_COMMANDS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      HbHeartbeatCommand *c = parse_command (json_array_get_element (array, i));
      if (c != NULL)
        g_ptr_array_add (reply->commands, c);
    }
  return TRUE;
}

void
hb_heartbeat_reply_clear (HbHeartbeatReply *reply)
{
  g_clear_pointer (&reply->server_time, g_free);
  g_clear_pointer (&reply->commands, g_ptr_array_unref);
}

/* --- body ------------------------------------------------------------------------------ */

static gboolean
reserved_member (const char *name)
{
  static const char *const reserved[] = { "terminal_id", "sent_at", "catalog_version",
                                          "outbox", "acks" };
  for (gsize i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (g_str_equal (name, reserved[i]))
      return TRUE;
  return FALSE;
}

static JsonNode *
parse_ours (const char *text, gsize max)
{
  if (text == NULL)
    return NULL;
  return hb_platform_json_parse (text, strlen (text), max, "heartbeat data", FALSE, NULL);
}

char *
hb_heartbeat_build (const char *terminal_id, const char *status_json,
                    const char *catalog_version, const HbOutboxStats *stats,
                    const char *acks_json)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) status = parse_ours (status_json, HB_HEARTBEAT_STATUS_MAX);
  g_autoptr(JsonNode) acks = parse_ours (acks_json, LEDGER_MAX);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, terminal_id);
  json_builder_set_member_name (b, "sent_at");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "catalog_version");
  if (catalog_version)
    json_builder_add_string_value (b, catalog_version);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "outbox");
  hb_outbox_stats_build_json (stats, b);
  json_builder_set_member_name (b, "acks");
  if (acks != NULL && JSON_NODE_HOLDS_ARRAY (acks))
    json_builder_add_value (b, json_node_copy (acks));
  else
    {
      json_builder_begin_array (b);
      json_builder_end_array (b);
    }
  if (status != NULL && JSON_NODE_HOLDS_OBJECT (status))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;
      json_object_iter_init (&iter, json_node_get_object (status));
      while (json_object_iter_next (&iter, &name, &value))
        if (!reserved_member (name))
          {
            json_builder_set_member_name (b, name);
            json_builder_add_value (b, json_node_copy (value));
          }
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* --- ledger ---------------------------------------------------------------------------- */

/* A stored array of {"id",…} objects; a missing or damaged value is an empty array. */
static JsonArray *
load_array (HbStore *store, const char *key)
{
  g_autofree char *text = hb_store_dup_meta (store, key);
  g_autoptr(JsonNode) node = parse_ours (text, LEDGER_MAX);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return json_array_new ();
  return json_array_ref (json_node_get_array (node));
}

static gboolean
save_array (HbStore *store, const char *key, JsonArray *array, GError **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;
  json_node_set_array (node, array);
  text = json_to_string (node, FALSE);
  return hb_store_set_meta (store, key, text, error);
}

static JsonObject *
find_id (JsonArray *array, const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      if (g_strcmp0 (string_member (o, "id"), id) == 0)
        return o;
    }
  return NULL;
}

static JsonObject *
ack_new (const char *id, const char *result, const char *reason)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "result", result);
  if (reason)
    json_object_set_string_member (o, "reason", reason);
  return o;
}

/* Drops the oldest entries beyond max. */
static void
trim (JsonArray *array, guint max)
{
  while (json_array_get_length (array) > max)
    json_array_remove_element (array, 0);
}

typedef struct {
  const char *id;
  const char *result;
  const char *reason;
  gboolean    already;
} RecordData;

static gboolean
record_txn (HbStore *store, gpointer user_data, GError **error)
{
  RecordData *d = user_data;
  g_autoptr(JsonArray) done = load_array (store, META_DONE);
  g_autoptr(JsonArray) acks = load_array (store, META_ACKS);
  JsonObject *seen = find_id (done, d->id);

  d->already = seen != NULL;
  if (seen != NULL)
    {
      /* The platform did not see our acknowledgement (or repeats itself): say it again. */
      if (find_id (acks, d->id) == NULL)
        json_array_add_object_element (acks, ack_new (d->id, string_member (seen, "result"),
                                                      string_member (seen, "reason")));
    }
  else
    {
      json_array_add_object_element (done, ack_new (d->id, d->result, d->reason));
      trim (done, HB_HEARTBEAT_REMEMBERED_IDS);
      json_array_add_object_element (acks, ack_new (d->id, d->result, d->reason));
    }
  trim (acks, HB_HEARTBEAT_MAX_ACKS);
  return save_array (store, META_DONE, done, error) && save_array (store, META_ACKS, acks, error);
}

gboolean
hb_heartbeat_record (HbStore *store, const char *id, const char *result, const char *reason,
                     gboolean *already, GError **error)
{
  RecordData d = { id, result, reason, FALSE };
  gboolean ok;

  g_return_val_if_fail (HB_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL && result != NULL, FALSE);
  ok = hb_store_transaction (store, record_txn, &d, error);
  if (already)
    *already = ok && d.already;
  return ok;
}

char *
hb_heartbeat_dup_acks (HbStore *store)
{
  g_autoptr(JsonArray) acks = load_array (store, META_ACKS);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, acks);
  return json_to_string (node, FALSE);
}

typedef struct {
  JsonArray *sent;
} SentData;

static gboolean
acks_sent_txn (HbStore *store, gpointer user_data, GError **error)
{
  SentData *d = user_data;
  g_autoptr(JsonArray) acks = load_array (store, META_ACKS);
  g_autoptr(JsonArray) keep = json_array_new ();

  for (guint i = 0; i < json_array_get_length (acks); i++)
    {
      JsonNode *e = json_array_get_element (acks, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      const char *id = string_member (o, "id");
      if (id != NULL && find_id (d->sent, id) == NULL)
        json_array_add_element (keep, json_node_copy (e));
    }
  return save_array (store, META_ACKS, keep, error);
}

gboolean
hb_heartbeat_acks_sent (HbStore *store, const char *acks_json, GError **error)
{
  g_autoptr(JsonNode) node = parse_ours (acks_json, LEDGER_MAX);
  SentData d;

  g_return_val_if_fail (HB_IS_STORE (store), FALSE);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (json_node_get_array (node)) == 0)
    return TRUE;
  d.sent = json_node_get_array (node);
  return hb_store_transaction (store, acks_sent_txn, &d, error);
}
