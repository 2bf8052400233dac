/* hb-sim-idempotency.c — Idempotency-Key handling shared by the recording POSTs. */
#include "tools/platform-sim/hb-sim-idempotency.h"

#include "tools/platform-sim/hb-sim-api.h"
#include "tools/platform-sim/hb-sim-json.h"

JsonNode *
hb_sim_request_idempotent_json (HbSimRequest *req, const char *invalid_code,
                                gboolean body_key_required, const char **key)
{
  SoupServerMessage *msg = req->msg;

  if (!g_str_equal (req->method, SOUP_METHOD_POST))
    {
      hb_sim_reply_method_not_allowed (msg, "POST");
      return NULL;
    }
  switch (hb_sim_request_key (msg, key))
    {
    case HB_SIM_KEY_MISSING:
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "missing-idempotency-key",
                          "the Idempotency-Key header is required");
      return NULL;
    case HB_SIM_KEY_INVALID:
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-idempotency-key",
                          "the Idempotency-Key header must be 1 to 128 printable ASCII characters");
      return NULL;
    case HB_SIM_KEY_OK:
    default:
      break;
    }

  g_autoptr(JsonNode) root = hb_sim_request_parse_json (req);
  if (root == NULL)
    return NULL;
  JsonObject *body = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (body == NULL)
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, invalid_code, "the body must be a JSON object");
      return NULL;
    }
  if ((body_key_required || json_object_has_member (body, "idempotency_key"))
      && g_strcmp0 (hb_sim_json_get_string (body, "idempotency_key"), *key) != 0)
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "idempotency-key-mismatch",
                          "the body's idempotency_key differs from the Idempotency-Key header");
      return NULL;
    }
  return g_steal_pointer (&root);
}

gboolean
hb_sim_idempotent_replay (HbSimContext *ctx, HbSimSvcKind kind, const char *key,
                          HbSimRequest *req, gboolean fail_after_commit)
{
  SoupServerMessage *msg = req->msg;
  const char *response = NULL;
  guint status = 0;

  switch (hb_sim_services_lookup (&ctx->services, kind, key, req->body, &status, &response))
    {
    case HB_SIM_SVC_REPLAY:
      ctx->stats.replays++;
      hb_sim_note (msg, "replay");
      if (fail_after_commit)
        {
          hb_sim_api_reply_fault (ctx, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "fail_after_commit");
          return TRUE;
        }
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Idempotent-Replayed", "true");
      hb_sim_reply_text (msg, SOUP_STATUS_IS_SUCCESSFUL (status) ? SOUP_STATUS_OK : status,
                         response, -1);
      return TRUE;
    case HB_SIM_SVC_CONFLICT:
      hb_sim_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                          "this Idempotency-Key was used with a different body");
      return TRUE;
    case HB_SIM_SVC_NEW:
    default:
      return FALSE;
    }
}

void
hb_sim_idempotent_answer (HbSimContext *ctx, HbSimSvcKind kind, const char *key,
                          HbSimRequest *req, guint status, JsonNode *answer,
                          gboolean fail_after_commit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hb_sim_json_to_string (answer, NULL);
  if (!hb_sim_services_record (&ctx->services, kind, key, req->body, status, text, &error))
    {
      gboolean full = g_error_matches (error, HB_SIM_STORE_ERROR, HB_SIM_STORE_ERROR_FULL);
      g_printerr ("haoban-platform-sim: not recorded: %s\n", error->message);
      hb_sim_reply_error (req->msg, full ? SOUP_STATUS_INSUFFICIENT_STORAGE : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                          full ? "storage-full" : "state-not-saved", error->message);
      return;
    }
  hb_sim_note (req->msg, "accepted");
  if (fail_after_commit)
    {
      hb_sim_api_reply_fault (ctx, req->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "fail_after_commit");
      return;
    }
  hb_sim_reply_text (req->msg, status, text, -1);
}
