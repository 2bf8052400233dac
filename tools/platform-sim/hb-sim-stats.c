/* hb-sim-stats.c — request counters for GET /_sim/requests. */
#include "tools/platform-sim/hb-sim-stats.h"

JsonNode *
hb_sim_stats_to_json (const HbSimStats *s)
{
  const struct { const char *name; guint value; } counters[] = {
    { "catalog", s->catalog },
    { "applications", s->applications },
    { "ratings", s->ratings },
    { "codes_resolve", s->codes_resolve },
    { "heartbeat", s->heartbeat },
    { "keys", s->keys },
    { "codes_offline", s->codes_offline },
    { "proofs", s->proofs },
    { "deliveries", s->deliveries },
    { "profile", s->profile },
    { "licences", s->licences },
    { "benefits", s->benefits },
    { "benefits_confirm", s->benefits_confirm },
    { "help_requests", s->help_requests },
    { "help_request_status", s->help_request_status },
    { "reports", s->reports },
    { "cases_query", s->cases_query },
    { "enterprises_login", s->enterprises_login },
    { "unknown", s->unknown },
    { "catalog_not_modified", s->catalog_not_modified },
    { "catalog_deltas", s->catalog_deltas },
    { "catalog_bytes_sent", s->catalog_bytes_sent },
    { "catalog_gzipped", s->catalog_gzipped },
    { "assets", s->assets },
    { "replays", s->replays },
    { "faulted", s->faulted },
    { "dropped", s->dropped },
    { "delayed", s->delayed },
    { "errors", s->errors },
    { "failed_after_commit", s->failed_after_commit },
    { "truncated", s->truncated },
    { "garbled", s->garbled },
    { "slowed", s->slowed },
    { "latency", s->latency },
  };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  for (gsize i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      json_builder_set_member_name (b, counters[i].name);
      json_builder_add_int_value (b, counters[i].value);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
