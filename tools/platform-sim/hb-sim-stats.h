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
  guint profile;               /* resident services (H19) */
  guint licences;
  guint benefits;
  guint benefits_confirm;
  guint help_requests;         /* POST /v1/help-requests */
  guint help_request_status;   /* GET, DELETE /v1/help-requests/<id> */
  guint reports;
  guint cases_query;
  guint enterprises_login;
  guint unknown;               /* /v1 paths that are no endpoint */
  /* how some were answered */
  guint catalog_not_modified;  /* 304 */
  guint catalog_deltas;        /* 200 with a delta document (?since=) */
  guint catalog_bytes_sent;    /* catalog bodies (full or delta) as sent, after gzip */
  guint catalog_gzipped;       /* catalog answers sent gzip-compressed */
  guint assets;                /* GET /v1/assets/<sha256> */
  guint replays;               /* 200 Idempotent-Replayed (applications and ratings) */
  guint faulted;               /* answer replaced or broken by a fault: status, error_rate,
                                * drop, fail_after_commit, truncate, garble */
  guint dropped;               /* of those, connections closed without an answer */
  guint delayed;               /* requests held back by delay_ms or latency_ms */
  /* each fault kind applied (a request may count in several) */
  guint errors;                /* error_rate answers */
  guint failed_after_commit;   /* recorded, then 503 (fail_after_commit or its rate) */
  guint truncated;             /* connection closed half-way through the body */
  guint garbled;               /* body bytes flipped */
  guint slowed;                /* body trickled */
  guint latency;               /* requests given a latency_ms delay */
} HbSimStats;

JsonNode *hb_sim_stats_to_json (const HbSimStats *stats);

G_END_DECLS
