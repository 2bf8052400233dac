/* hb-sim-context.c — state shared by the request handlers. */
#include "tools/platform-sim/hb-sim-context.h"

#include "tools/platform-sim/hb-sim-json.h"

#include <string.h>

void
hb_sim_context_init (HbSimContext *ctx, HbSimCatalog *catalog, HbSimCodes *codes,
                     HbSimStore *store, HbSimKeys *keys)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->catalog = g_object_ref (catalog);
  ctx->codes = g_object_ref (codes);
  ctx->store = g_object_ref (store);
  ctx->keys = g_object_ref (keys);
  g_queue_init (&ctx->heartbeats);
  hb_sim_commands_init (&ctx->commands);
  hb_sim_assets_init (&ctx->assets);
  hb_sim_services_init (&ctx->services);
}

void
hb_sim_context_forget (HbSimContext *ctx)
{
  g_queue_clear_full (&ctx->heartbeats, (GDestroyNotify) json_node_unref);
  hb_sim_commands_forget (&ctx->commands);
  hb_sim_services_forget (&ctx->services);
  memset (&ctx->faults, 0, sizeof ctx->faults);
  memset (&ctx->stats, 0, sizeof ctx->stats);
}

void
hb_sim_context_clear (HbSimContext *ctx)
{
  hb_sim_context_forget (ctx);
  hb_sim_assets_clear (&ctx->assets);
  hb_sim_services_clear (&ctx->services);
  g_clear_object (&ctx->catalog);
  g_clear_object (&ctx->codes);
  g_clear_object (&ctx->store);
  g_clear_object (&ctx->keys);
}

void
hb_sim_context_add_heartbeat (HbSimContext *ctx, JsonNode *body)
{
  g_queue_push_tail (&ctx->heartbeats, hb_sim_json_deep_copy (body));
  while (ctx->heartbeats.length > HB_SIM_MAX_HEARTBEATS)
    json_node_unref (g_queue_pop_head (&ctx->heartbeats));
}
