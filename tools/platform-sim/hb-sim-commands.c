/* hb-sim-commands.c — commands for the terminal, carried by heartbeat replies. */
#include "tools/platform-sim/hb-sim-commands.h"

#include "tools/platform-sim/hb-sim-json.h"

#include <gio/gio.h>
#include <string.h>

void
hb_sim_commands_init (HbSimCommands *self)
{
  g_queue_init (&self->queued);
  g_queue_init (&self->acks);
  self->next_id = 1;
}

void
hb_sim_commands_forget (HbSimCommands *self)
{
  g_queue_clear_full (&self->queued, (GDestroyNotify) json_node_unref);
  g_queue_clear_full (&self->acks, (GDestroyNotify) json_node_unref);
}

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

char *
hb_sim_commands_queue (HbSimCommands *self, JsonNode *body, GError **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  const char *name = hb_sim_json_get_string (o, "name");
  const char *given = hb_sim_json_get_string (o, "id");
  JsonNode *args = o ? json_object_get_member (o, "args") : NULL;
  g_autofree char *id = NULL;

  if (name == NULL || !token_ok (name, 32) || (args != NULL && !JSON_NODE_HOLDS_OBJECT (args))
      || (o != NULL && json_object_has_member (o, "id") && !token_ok (given, 64)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the body must be {\"name\": token, \"args\"?: object, \"id\"?: token}");
      return NULL;
    }
  if (self->queued.length >= HB_SIM_MAX_QUEUED_COMMANDS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "at most %u commands may wait",
                   HB_SIM_MAX_QUEUED_COMMANDS);
      return NULL;
    }
  id = given ? g_strdup (given) : g_strdup_printf ("C%" G_GUINT64_FORMAT, self->next_id++);

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  if (args != NULL)
    {
      json_builder_set_member_name (b, "args");
      json_builder_add_value (b, hb_sim_json_deep_copy (args));
    }
  json_builder_end_object (b);
  g_queue_push_tail (&self->queued, json_builder_get_root (b));
  return g_steal_pointer (&id);
}

void
hb_sim_commands_take_acks (HbSimCommands *self, JsonObject *heartbeat)
{
  JsonArray *acks = hb_sim_json_get_array (heartbeat, "acks");
  const char *terminal = hb_sim_json_get_string (heartbeat, "terminal_id");

  for (guint i = 0; acks != NULL && i < json_array_get_length (acks) && i < 256; i++)
    {
      JsonNode *e = json_array_get_element (acks, i);
      JsonObject *ack = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      const char *id = hb_sim_json_get_string (ack, "id");
      if (id == NULL)
        continue;
      JsonNode *copy = hb_sim_json_deep_copy (e);
      if (terminal)
        json_object_set_string_member (json_node_get_object (copy), "terminal_id", terminal);
      g_queue_push_tail (&self->acks, copy);
      while (self->acks.length > HB_SIM_MAX_ACKS)
        json_node_unref (g_queue_pop_head (&self->acks));
      for (GList *l = self->queued.head; l != NULL;)
        {
          GList *next = l->next;
          if (g_strcmp0 (hb_sim_json_get_string (json_node_get_object (l->data), "id"), id) == 0)
            {
              json_node_unref (l->data);
              g_queue_delete_link (&self->queued, l);
            }
          l = next;
        }
    }
}

static JsonNode *
queue_to_array (GQueue *q)
{
  JsonNode *root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  for (GList *l = q->head; l; l = l->next)
    json_array_add_element (array, hb_sim_json_deep_copy (l->data));
  json_node_take_array (root, array);
  return root;
}

JsonNode *
hb_sim_commands_pending (HbSimCommands *self)
{
  return queue_to_array (&self->queued);
}

JsonNode *
hb_sim_commands_to_json (HbSimCommands *self)
{
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "queued", queue_to_array (&self->queued));
  json_object_set_member (o, "acks", queue_to_array (&self->acks));
  json_node_take_object (root, o);
  return root;
}
