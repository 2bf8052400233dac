/* hb-sim-stats.h — request counters for GET /_sim/requests. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  /* every /v1 request received, per endpoint (faulted ones included) */
  guint catalog;
  guint applications;
  guint ratings;
  guint codes_resolve;
  guint heartbeat;
  guint keys;
  guint codes_offline;
  guint deliveries;
  guint proofs;
  guint unknown;               /* /v1 paths that are no endpoint */
  /* how some were answered */
  guint catalog_not_modified;  /* 304 */
  guint replays;               /* 200 Idempotent-Replayed (applications and ratings) */
  guint faulted;               /* answer replaced by a fault: status, drop, fail_after_commit */
  guint dropped;               /* of those, connections closed without an answer */
  guint delayed;               /* requests held back by delay_ms */
} HbSimStats;

JsonNode *hb_sim_stats_to_json (const HbSimStats *stats);

G_END_DECLS
