/* hb-sim-idempotency.h — the Idempotency-Key handling every recording POST shares
 * (docs/platform-api.md "POST /v1/applications": header, JSON object, key match, then the
 * key lookup), and the replay of the resident-service endpoints' answers. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

/* Method POST, Idempotency-Key present and valid, body JSON, an object, and the body's
 * "idempotency_key" equal to the header (required when body_key_required, else checked
 * only when present). On failure the request is answered (400/405) and NULL returned;
 * else the parsed body (transfer full) and *key (owned by the request). invalid_code is
 * the endpoint's 400 code for a body that is not an object. */
JsonNode *hb_sim_request_idempotent_json (HbSimRequest *req, const char *invalid_code,
                                          gboolean body_key_required, const char **key);

/* For a key seen before: answers the replay (the first status's 2xx becomes 200 with
 * Idempotent-Replayed: true; 503 under fail_after_commit) or 422 idempotency-key-reused,
 * and returns TRUE. FALSE: a new key, nothing answered. */
gboolean  hb_sim_idempotent_replay (HbSimContext *ctx, HbSimSvcKind kind, const char *key,
                                    HbSimRequest *req, gboolean fail_after_commit);

/* Records answer as the first answer to key and sends it with status (201), or 503 after
 * recording under fail_after_commit, or 507 storage-full without recording. */
void      hb_sim_idempotent_answer (HbSimContext *ctx, HbSimSvcKind kind, const char *key,
                                    HbSimRequest *req, guint status, JsonNode *answer,
                                    gboolean fail_after_commit);

G_END_DECLS
