/* hb-sim-test-api.c — the test-only /_sim/ endpoints. */
#include "tools/platform-sim/hb-sim-test-api.h"

#include <string.h>

static const char *const sim_paths[] = {
  "/_sim/applications", "/_sim/ratings", "/_sim/requests", "/_sim/heartbeats",
  "/_sim/faults", "/_sim/reset",
};

gboolean
hb_sim_test_api_knows (const char *path)
{
  for (gsize i = 0; i < G_N_ELEMENTS (sim_paths); i++)
    if (g_str_equal (path, sim_paths[i]))
      return TRUE;
  return FALSE;
}

static gboolean
want (HbSimRequest *req, const char *method)
{
  if (g_str_equal (req->method, method))
    return TRUE;
  hb_sim_reply_method_not_allowed (req->msg, method);
  return FALSE;
}

static void
reply_heartbeats (HbSimContext *ctx, SoupServerMessage *msg)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  for (GList *l = ctx->heartbeats.head; l; l = l->next)
    json_array_add_element (array, json_node_copy (l->data));
  json_node_take_array (root, array);
  hb_sim_reply_node (msg, SOUP_STATUS_OK, root);
}

static void
handle_faults (HbSimContext *ctx, HbSimRequest *req)
{
  SoupServerMessage *msg = req->msg;
  if (g_str_equal (req->method, SOUP_METHOD_POST))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = hb_sim_request_parse_json (req);
      HbSimFaults faults;
      if (root == NULL)
        return;
      if (!hb_sim_faults_parse (root, &faults, &error))
        {
          hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-fault", error->message);
          return;
        }
      ctx->faults = faults;
    }
  else if (!g_str_equal (req->method, SOUP_METHOD_GET))
    {
      hb_sim_reply_method_not_allowed (msg, "GET, POST");
      return;
    }
  g_autoptr(JsonNode) current = hb_sim_faults_to_json (&ctx->faults);
  hb_sim_reply_node (msg, SOUP_STATUS_OK, current);
}

static void
handle_reset (HbSimContext *ctx, HbSimRequest *req)
{
  g_autoptr(GError) error = NULL;
  if (!want (req, SOUP_METHOD_POST))
    return;
  hb_sim_context_forget (ctx);
  if (!hb_sim_store_reset (ctx->store, &error))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "state-not-saved",
                          error->message);
      return;
    }
  hb_sim_reply_text (req->msg, SOUP_STATUS_OK, "{\"status\":\"reset\"}", -1);
}

void
hb_sim_test_api_handle (HbSimContext *ctx, HbSimRequest *req)
{
  const char *path = req->path;
  SoupServerMessage *msg = req->msg;

  if (g_str_equal (path, "/_sim/applications") || g_str_equal (path, "/_sim/ratings"))
    {
      if (!want (req, SOUP_METHOD_GET))
        return;
      HbSimKind kind = g_str_equal (path, "/_sim/ratings") ? HB_SIM_KIND_RATING
                                                           : HB_SIM_KIND_APPLICATION;
      g_autoptr(JsonNode) list = hb_sim_store_list (ctx->store, kind);
      hb_sim_reply_node (msg, SOUP_STATUS_OK, list);
    }
  else if (g_str_equal (path, "/_sim/requests"))
    {
      if (!want (req, SOUP_METHOD_GET))
        return;
      g_autoptr(JsonNode) stats = hb_sim_stats_to_json (&ctx->stats);
      hb_sim_reply_node (msg, SOUP_STATUS_OK, stats);
    }
  else if (g_str_equal (path, "/_sim/heartbeats"))
    {
      if (want (req, SOUP_METHOD_GET))
        reply_heartbeats (ctx, msg);
    }
  else if (g_str_equal (path, "/_sim/faults"))
    handle_faults (ctx, req);
  else if (g_str_equal (path, "/_sim/reset"))
    handle_reset (ctx, req);
  else
    hb_sim_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "no such /_sim/ endpoint");
}
