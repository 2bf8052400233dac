/* fuzz-heartbeat-reply.c — the parser of POST /v1/heartbeat replies (commands). */
#include "offline-cache/hb-heartbeat-private.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  HbHeartbeatReply reply;

  if (!hb_heartbeat_reply_parse ((const char *) data, size, &reply, &error))
    {
      g_assert_true (error != NULL && error->domain == G_IO_ERROR);
      hb_heartbeat_reply_clear (&reply);
      return 0;
    }
  g_assert_cmpuint (reply.commands->len, <=, HB_HEARTBEAT_MAX_COMMANDS);
  for (guint i = 0; i < reply.commands->len; i++)
    {
      HbHeartbeatCommand *c = reply.commands->pdata[i];
      g_assert_cmpuint (strlen (c->id), >, 0);
      g_assert_cmpuint (strlen (c->id), <=, HB_HEARTBEAT_ID_MAX);
      g_assert_nonnull (c->name);
      if (c->kind == HB_COMMAND_REJECTED)
        g_assert_nonnull (c->reason);
      else
        g_assert_nonnull (c->args);
      if (c->kind == HB_COMMAND_CONFIG)
        {
          JsonObjectIter iter;
          const char *key;
          JsonNode *value;
          json_object_iter_init (&iter, c->args);
          while (json_object_iter_next (&iter, &key, &value))
            {
              g_assert_true (hb_heartbeat_config_key_allowed (key));
              g_assert_cmpuint (strlen (json_node_get_string (value)), <=,
                                HB_HEARTBEAT_CONFIG_VALUE_MAX);
            }
        }
    }
  hb_heartbeat_reply_clear (&reply);
  return 0;
}
