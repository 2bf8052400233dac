/* hb-sim-context.h — everything the request handlers share: data, records, faults,
 * counters. Owned by HbSimPlatform; handlers run on its main context only. */
#pragma once

#include "tools/platform-sim/hb-sim-assets.h"
#include "tools/platform-sim/hb-sim-catalog.h"
#include "tools/platform-sim/hb-sim-codes.h"
#include "tools/platform-sim/hb-sim-commands.h"
#include "tools/platform-sim/hb-sim-faults.h"
#include "tools/platform-sim/hb-sim-keys.h"
#include "tools/platform-sim/hb-sim-services.h"
#include "tools/platform-sim/hb-sim-stats.h"
#include "tools/platform-sim/hb-sim-store.h"

G_BEGIN_DECLS

/* Heartbeats kept for GET /_sim/heartbeats (the oldest are forgotten). */
#define HB_SIM_MAX_HEARTBEATS 100u

typedef struct {
  HbSimCatalog *catalog;
  HbSimCodes   *codes;
  HbSimStore   *store;
  HbSimKeys    *keys;         /* offline-code signing keys and revocations */
  HbSimFaults   faults;       /* active fault set */
  HbSimStats    stats;
  GQueue        heartbeats;   /* JsonNode* bodies, oldest first */
  HbSimCommands commands;     /* for the terminal, via heartbeat replies (H12) */
  HbSimAssets   assets;       /* GET /v1/assets/<sha256> (H12); kept over resets, like the catalog */
  HbSimServices services;     /* resident-service endpoints (H19): help, reports, benefits … */
} HbSimContext;

void hb_sim_context_init  (HbSimContext *ctx, HbSimCatalog *catalog, HbSimCodes *codes,
                           HbSimStore *store, HbSimKeys *keys);
void hb_sim_context_clear (HbSimContext *ctx);
/* Remember a heartbeat body (a copy is kept). */
void hb_sim_context_add_heartbeat (HbSimContext *ctx, JsonNode *body);
/* Forget heartbeats, faults and counters (records are the store's business). */
void hb_sim_context_forget (HbSimContext *ctx);

G_END_DECLS
