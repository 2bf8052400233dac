/* hb-sim-api.c — the /v1 endpoints of docs/platform-api.md. */
#include "tools/platform-sim/hb-sim-api.h"

#include "tools/platform-sim/hb-sim-benefits.h"
#include "tools/platform-sim/hb-sim-cases.h"
#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-enterprises.h"
#include "tools/platform-sim/hb-sim-help.h"
#include "tools/platform-sim/hb-sim-idempotency.h"
#include "tools/platform-sim/hb-sim-json.h"
#include "tools/platform-sim/hb-sim-profile.h"
#include "tools/platform-sim/hb-sim-proofs.h"
#include "tools/platform-sim/hb-sim-ratings.h"
#include "tools/platform-sim/hb-sim-staff.h"
#include "tools/platform-sim/hb-sim-terminals.h"
#include "tools/platform-sim/hb-sim-ops-reports.h"

#include <string.h>

static const char *const endpoint_paths[] = {
  [HB_SIM_EP_CATALOG] = "/v1/catalog",
  [HB_SIM_EP_APPLICATIONS] = "/v1/applications",
  [HB_SIM_EP_RATINGS] = "/v1/ratings",
  [HB_SIM_EP_CODES_RESOLVE] = "/v1/codes/resolve",
  [HB_SIM_EP_HEARTBEAT] = "/v1/heartbeat",
  [HB_SIM_EP_KEYS] = "/v1/keys",
  [HB_SIM_EP_CODES_OFFLINE] = "/v1/codes/offline",
  [HB_SIM_EP_DELIVERIES] = "/v1/deliveries",
  [HB_SIM_EP_PROOFS] = "/v1/proofs",
  [HB_SIM_EP_ASSETS] = "/v1/assets",   /* + "/<sha256>" */
  [HB_SIM_EP_PROFILE] = "/v1/profile",
  [HB_SIM_EP_LICENCES] = "/v1/licences",
  [HB_SIM_EP_BENEFITS] = "/v1/benefits",
  [HB_SIM_EP_BENEFITS_CONFIRM] = "/v1/benefits/confirm",
  [HB_SIM_EP_HELP_REQUESTS] = "/v1/help-requests",
  [HB_SIM_EP_HELP_REQUEST] = "/v1/help-requests/",   /* + "<id>" */
  [HB_SIM_EP_REPORTS] = "/v1/reports",
  [HB_SIM_EP_CASES_QUERY] = "/v1/cases/query",
  [HB_SIM_EP_ENTERPRISES_LOGIN] = "/v1/enterprises/login",
  [HB_SIM_EP_STAFF] = "/v1/staff",
  [HB_SIM_EP_SECURITY_EVENTS] = "/v1/security-events",
  [HB_SIM_EP_OPERATIONS_REPORTS] = "/v1/operations-reports",
  [HB_SIM_EP_TERMINALS_REGISTER] = "/v1/terminals/register",
};

/* A help request id as the sim hands them out: logged, so nothing else passes. */
static gboolean
help_request_id (const char *s)
{
  gsize n = strlen (s);
  if (n < 3 || n > 32 || s[0] != 'H' || s[1] != 'R')
    return FALSE;
  for (s += 2; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

HbSimEndpoint
hb_sim_api_route (const char *path)
{
  if (g_str_has_prefix (path, "/v1/assets/"))
    return HB_SIM_EP_ASSETS;
  if (g_str_has_prefix (path, "/v1/help-requests/"))
    return help_request_id (path + strlen ("/v1/help-requests/")) ? HB_SIM_EP_HELP_REQUEST
                                                                  : HB_SIM_EP_UNKNOWN;
  for (gsize i = 0; i < G_N_ELEMENTS (endpoint_paths); i++)
    if (g_str_equal (path, endpoint_paths[i]))
      return (HbSimEndpoint) i;
  return HB_SIM_EP_UNKNOWN;
}

const char *
hb_sim_api_path (HbSimEndpoint endpoint)
{
  return endpoint < G_N_ELEMENTS (endpoint_paths) ? endpoint_paths[endpoint] : NULL;
}

gboolean
hb_sim_api_commits (HbSimEndpoint endpoint, const char *method)
{
  return (endpoint == HB_SIM_EP_APPLICATIONS || endpoint == HB_SIM_EP_RATINGS ||
          endpoint == HB_SIM_EP_DELIVERIES || endpoint == HB_SIM_EP_BENEFITS_CONFIRM ||
          endpoint == HB_SIM_EP_HELP_REQUESTS || endpoint == HB_SIM_EP_REPORTS ||
          endpoint == HB_SIM_EP_SECURITY_EVENTS || endpoint == HB_SIM_EP_OPERATIONS_REPORTS)
         && g_str_equal (method, SOUP_METHOD_POST);
}

void
hb_sim_api_count (HbSimContext *ctx, HbSimEndpoint endpoint)
{
  HbSimStats *s = &ctx->stats;
  switch (endpoint)
    {
    case HB_SIM_EP_CATALOG:       s->catalog++; break;
    case HB_SIM_EP_APPLICATIONS:  s->applications++; break;
    case HB_SIM_EP_RATINGS:       s->ratings++; break;
    case HB_SIM_EP_CODES_RESOLVE: s->codes_resolve++; break;
    case HB_SIM_EP_HEARTBEAT:     s->heartbeat++; break;
    case HB_SIM_EP_KEYS:          s->keys++; break;
    case HB_SIM_EP_CODES_OFFLINE: s->codes_offline++; break;
    case HB_SIM_EP_DELIVERIES:    s->deliveries++; break;
    case HB_SIM_EP_PROOFS:        s->proofs++; break;
    case HB_SIM_EP_ASSETS:        s->assets++; break;
    case HB_SIM_EP_PROFILE:       s->profile++; break;
    case HB_SIM_EP_LICENCES:      s->licences++; break;
    case HB_SIM_EP_BENEFITS:      s->benefits++; break;
    case HB_SIM_EP_BENEFITS_CONFIRM: s->benefits_confirm++; break;
    case HB_SIM_EP_HELP_REQUESTS: s->help_requests++; break;
    case HB_SIM_EP_HELP_REQUEST:  s->help_request_status++; break;
    case HB_SIM_EP_REPORTS:       s->reports++; break;
    case HB_SIM_EP_CASES_QUERY:   s->cases_query++; break;
    case HB_SIM_EP_ENTERPRISES_LOGIN: s->enterprises_login++; break;
    case HB_SIM_EP_STAFF:         /* not counted (H28) */
    case HB_SIM_EP_SECURITY_EVENTS:
    case HB_SIM_EP_OPERATIONS_REPORTS: break;   /* not counted (H29) */
    case HB_SIM_EP_TERMINALS_REGISTER: break;   /* not counted (H33) */
    case HB_SIM_EP_UNKNOWN:
    default:                      s->unknown++; break;
    }
}

void
hb_sim_api_reply_fault (HbSimContext *ctx, SoupServerMessage *msg, guint status, const char *what)
{
  g_autofree char *note = g_strdup_printf ("fault=%s", what);
  ctx->stats.faulted++;
  if (g_str_equal (what, "fail_after_commit"))
    ctx->stats.failed_after_commit++;
  else if (g_str_equal (what, "error"))
    ctx->stats.errors++;
  hb_sim_note (msg, note);
  hb_sim_reply_error (msg, status, "sim-fault", "fault injected by haoban-platform-sim");
}

/* --- GET /v1/catalog -------------------------------------------------------------- */

static void
handle_catalog (HbSimContext *ctx, HbSimRequest *req)
{
  SoupServerMessage *msg = req->msg;
  if (!g_str_equal (req->method, SOUP_METHOD_GET) && !g_str_equal (req->method, SOUP_METHOD_HEAD))
    {
      hb_sim_reply_method_not_allowed (msg, "GET, HEAD");
      return;
    }

  hb_sim_catalog_refresh (ctx->catalog);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  const char *etag = hb_sim_catalog_get_etag (ctx->catalog);
  soup_message_headers_replace (out, "ETag", etag);

  if (hb_sim_catalog_etag_matches (ctx->catalog, soup_message_headers_get_list (in, "If-None-Match")))
    {
      ctx->stats.catalog_not_modified++;
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (out, HB_SIM_JSON_CONTENT_TYPE, NULL);
  /* ?since=V: a delta from V when the sim still knows V, else the full catalog (H12). */
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = query ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL)
                                       : NULL;
  const char *since = params ? g_hash_table_lookup (params, "since") : NULL;
  g_autoptr(GBytes) delta = since ? hb_sim_catalog_delta (ctx->catalog, since) : NULL;
  gboolean gzip = hb_sim_accepts_gzip (msg);
  g_autoptr(GBytes) body = NULL;
  /* The representation depends on Accept-Encoding; caches must know (RFC 9110 §12.5.5). */
  soup_message_headers_replace (out, "Vary", "Accept-Encoding");
  if (delta != NULL)
    {
      ctx->stats.catalog_deltas++;
      hb_sim_note (msg, "delta");
      body = gzip ? hb_sim_gzip (delta) : g_bytes_ref (delta);
    }
  else
    body = g_bytes_ref (gzip ? hb_sim_catalog_get_gzipped (ctx->catalog)
                             : hb_sim_catalog_get_bytes (ctx->catalog));
  if (gzip)
    {
      ctx->stats.catalog_gzipped++;
      soup_message_headers_replace (out, "Content-Encoding", "gzip");
    }
  ctx->stats.catalog_bytes_sent += (guint) MIN (g_bytes_get_size (body), G_MAXUINT);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

/* --- POST /v1/applications, /v1/ratings ------------------------------------------- */

static gboolean
non_empty_string (JsonObject *o, const char *member)
{
  const char *s = hb_sim_json_get_string (o, member);
  return s != NULL && *s != '\0';
}

/* An applicant is a resident with an ID number, a resident known by the platform's
 * subject id (offline code), or a business with its USCC or subject. */
static gboolean
application_is_valid (JsonObject *body)
{
  JsonObject *applicant = hb_sim_json_get_object (body, "applicant");
  return non_empty_string (body, "service_code")
         && (non_empty_string (applicant, "id_number")
             || non_empty_string (applicant, "subject")
             || non_empty_string (applicant, "uscc"));
}

/* A document the terminal could not print, sent another way: to the resident's 随申办
 * account or by post. */
static gboolean
delivery_is_valid (JsonObject *body)
{
  const char *channel = hb_sim_json_get_string (body, "channel");
  return non_empty_string (body, "reference") && channel != NULL &&
         (g_str_equal (channel, "suishenban") || g_str_equal (channel, "mail"));
}

static void
handle_submission (HbSimContext *ctx, HbSimRequest *req, HbSimKind kind, gboolean fail_after_commit)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(GError) error = NULL;
  const char *key = NULL, *response = NULL;
  const char *invalid_code = kind == HB_SIM_KIND_APPLICATION ? "invalid-application"
                           : kind == HB_SIM_KIND_DELIVERY ? "invalid-delivery" : "invalid-rating";

  g_autoptr(JsonNode) root = hb_sim_request_idempotent_json (req, invalid_code, TRUE, &key);
  if (root == NULL)
    return;
  JsonObject *body = json_node_get_object (root);

  switch (hb_sim_store_lookup (ctx->store, kind, key, req->body, &response))
    {
    case HB_SIM_LOOKUP_REPLAY:
      ctx->stats.replays++;
      hb_sim_note (msg, "replay");
      if (fail_after_commit)
        {
          hb_sim_api_reply_fault (ctx, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "fail_after_commit");
          return;
        }
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Idempotent-Replayed", "true");
      hb_sim_reply_text (msg, SOUP_STATUS_OK, response, -1);
      return;
    case HB_SIM_LOOKUP_CONFLICT:
      hb_sim_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                          "this Idempotency-Key was used with a different body");
      return;
    case HB_SIM_LOOKUP_NEW:
    default:
      break;
    }

  if (kind == HB_SIM_KIND_RATING)
    {
      /* Level, indicators, outcome, one rating per case (H19: hb-sim-ratings.c). */
      const char *code = NULL, *message = NULL;
      guint status = hb_sim_ratings_check (ctx, body, &code, &message);
      if (status != 0)
        {
          hb_sim_reply_error (msg, status, code, message);
          return;
        }
    }
  else if (!(kind == HB_SIM_KIND_APPLICATION ? application_is_valid (body) : delivery_is_valid (body)))
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, invalid_code,
                          kind == HB_SIM_KIND_APPLICATION
                            ? "service_code and applicant.id_number, .subject or .uscc are required"
                            : "reference and a channel (suishenban or mail) are required");
      return;
    }

  response = hb_sim_store_accept (ctx->store, kind, key, req->body, root, &error);
  if (response == NULL)
    {
      gboolean full = g_error_matches (error, HB_SIM_STORE_ERROR, HB_SIM_STORE_ERROR_FULL);
      g_printerr ("haoban-platform-sim: not recorded: %s\n", error->message);
      hb_sim_reply_error (msg, full ? SOUP_STATUS_INSUFFICIENT_STORAGE : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                          full ? "storage-full" : "state-not-saved", error->message);
      return;
    }
  hb_sim_note (msg, "accepted");
  if (fail_after_commit)
    {
      hb_sim_api_reply_fault (ctx, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "fail_after_commit");
      return;
    }
  hb_sim_reply_text (msg, SOUP_STATUS_CREATED, response, -1);
}

/* --- POST /v1/codes/resolve ------------------------------------------------------- */

static void
handle_codes_resolve (HbSimContext *ctx, HbSimRequest *req)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  if (root == NULL)
    return;
  const char *code = JSON_NODE_HOLDS_OBJECT (root)
    ? hb_sim_json_get_string (json_node_get_object (root), "code") : NULL;
  if (code == NULL)
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          "the body must be {\"code\": \"<scanned text>\"}");
      return;
    }

  g_autoptr(JsonNode) card = NULL;
  switch (hb_sim_codes_resolve (ctx->codes, code, &card))
    {
    case HB_SIM_CODE_VALID:
      hb_sim_reply_node (msg, SOUP_STATUS_OK, card);
      return;
    case HB_SIM_CODE_EXPIRED:
      hb_sim_reply_error (msg, SOUP_STATUS_GONE, "expired-code", "the code has expired");
      return;
    case HB_SIM_CODE_UNKNOWN:
    default:
      hb_sim_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown-code", "the code is not known");
      return;
    }
}

/* --- GET /v1/assets/<sha256> (H12) ------------------------------------------------ */

static void
handle_asset (HbSimContext *ctx, HbSimRequest *req)
{
  if (!g_str_equal (req->method, SOUP_METHOD_GET))
    {
      hb_sim_reply_method_not_allowed (req->msg, "GET");
      return;
    }
  GBytes *data = hb_sim_assets_lookup (&ctx->assets, req->path + strlen ("/v1/assets/"));
  if (data == NULL)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not-found", "no such asset");
      return;
    }
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (req->msg),
                                         "application/octet-stream", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), data);
}

/* --- POST /v1/heartbeat ----------------------------------------------------------- */

static void
handle_heartbeat (HbSimContext *ctx, HbSimRequest *req)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  if (root == NULL)
    return;
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || !non_empty_string (json_node_get_object (root), "terminal_id"))
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-heartbeat",
                          "the body must be an object with a terminal_id");
      return;
    }
  hb_sim_context_add_heartbeat (ctx, root);
  /* Acknowledged commands stop being sent; the rest go out again (H12). */
  hb_sim_commands_take_acks (&ctx->commands, json_node_get_object (root));

  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  g_autofree char *server_time = hb_sim_clock_iso8601 (now);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_string_value (b, server_time);
  json_builder_set_member_name (b, "commands");
  json_builder_add_value (b, hb_sim_commands_pending (&ctx->commands));
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (msg, SOUP_STATUS_OK, answer);
}

/* --- GET /v1/keys, POST /v1/codes/offline ----------------------------------------- */

static void
handle_keys (HbSimContext *ctx, HbSimRequest *req)
{
  if (!g_str_equal (req->method, SOUP_METHOD_GET))
    {
      hb_sim_reply_method_not_allowed (req->msg, "GET");
      return;
    }
  GBytes *override = hb_sim_keys_get_override (ctx->keys);
  if (override != NULL)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (override, &len);
      hb_sim_note (req->msg, "override");
      hb_sim_reply_text (req->msg, SOUP_STATUS_OK, data ? data : "", (gssize) len);
      return;
    }
  g_autoptr(JsonNode) doc = hb_sim_keys_document (ctx->keys);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, doc);
}

/* A new offline code for an identified resident: the platform derives the opaque subject
 * from the ID number and masks the name, so the slip carries neither. */
static void
handle_codes_offline (HbSimContext *ctx, HbSimRequest *req)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  if (root == NULL)
    return;
  JsonObject *body = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *kind = hb_sim_json_get_string (body, "kind");
  const char *id_type = hb_sim_json_get_string (body, "id_type");
  const char *id_number = hb_sim_json_get_string (body, "id_number");
  const char *subject = hb_sim_json_get_string (body, "subject");
  const char *name = hb_sim_json_get_string (body, "name");
  if (g_strcmp0 (kind, "person") != 0 || name == NULL || *name == '\0'
      || (subject == NULL) == (id_number == NULL)
      || (id_number != NULL && (*id_number == '\0' || strlen (id_number) > 64
                                || id_type == NULL || *id_type == '\0' || strlen (id_type) > 32)))
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          "the body must be {\"kind\":\"person\",\"name\",\"id_type\",\"id_number\"} "
                          "or {\"kind\":\"person\",\"name\",\"subject\"}");
      return;
    }
  g_autofree char *sub = subject ? g_strdup (subject)
                                 : hb_sim_keys_subject (ctx->keys, id_type, id_number);
  g_autofree char *masked = hb_sim_mask_name (name);
  gint64 iat = g_get_real_time () / G_USEC_PER_SEC;
  gint64 exp = iat + HB_SIM_KEYS_CODE_TTL_S;
  g_autofree char *jti = NULL;
  g_autofree char *code = masked && sub ? hb_sim_keys_mint (ctx->keys, NULL, "person", sub, masked,
                                                            iat, exp, &jti, &error)
                                        : NULL;
  if (code == NULL)
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          error ? error->message : "the name must be UTF-8");
      return;
    }
  hb_sim_note (msg, jti);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "jti");
  json_builder_add_string_value (b, jti);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "person");
  json_builder_set_member_name (b, "exp");
  json_builder_add_int_value (b, exp);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (msg, SOUP_STATUS_OK, answer);
}

void
hb_sim_api_handle (HbSimContext *ctx, HbSimRequest *req, HbSimEndpoint endpoint,
                   gboolean fail_after_commit)
{
  switch (endpoint)
    {
    case HB_SIM_EP_CATALOG:
      handle_catalog (ctx, req);
      break;
    case HB_SIM_EP_APPLICATIONS:
      handle_submission (ctx, req, HB_SIM_KIND_APPLICATION, fail_after_commit);
      break;
    case HB_SIM_EP_RATINGS:
      handle_submission (ctx, req, HB_SIM_KIND_RATING, fail_after_commit);
      break;
    case HB_SIM_EP_CODES_RESOLVE:
      handle_codes_resolve (ctx, req);
      break;
    case HB_SIM_EP_HEARTBEAT:
      handle_heartbeat (ctx, req);
      break;
    case HB_SIM_EP_KEYS:
      handle_keys (ctx, req);
      break;
    case HB_SIM_EP_CODES_OFFLINE:
      handle_codes_offline (ctx, req);
      break;
    case HB_SIM_EP_DELIVERIES:
      handle_submission (ctx, req, HB_SIM_KIND_DELIVERY, fail_after_commit);
      break;
    case HB_SIM_EP_PROOFS:
      hb_sim_proofs_handle (ctx, req);
      break;
    case HB_SIM_EP_ASSETS:
      handle_asset (ctx, req);
      break;
    case HB_SIM_EP_PROFILE:
      hb_sim_profile_handle (ctx, req);
      break;
    case HB_SIM_EP_LICENCES:
      hb_sim_licences_handle (ctx, req);
      break;
    case HB_SIM_EP_BENEFITS:
      hb_sim_benefits_handle (ctx, req);
      break;
    case HB_SIM_EP_BENEFITS_CONFIRM:
      hb_sim_benefits_confirm_handle (ctx, req, fail_after_commit);
      break;
    case HB_SIM_EP_HELP_REQUESTS:
      hb_sim_help_create_handle (ctx, req, fail_after_commit);
      break;
    case HB_SIM_EP_HELP_REQUEST:
      hb_sim_help_status_handle (ctx, req);
      break;
    case HB_SIM_EP_REPORTS:
      hb_sim_reports_handle (ctx, req, fail_after_commit);
      break;
    case HB_SIM_EP_CASES_QUERY:
      hb_sim_cases_handle (ctx, req);
      break;
    case HB_SIM_EP_ENTERPRISES_LOGIN:
      hb_sim_enterprises_login_handle (ctx, req);
      break;
    case HB_SIM_EP_STAFF:
      hb_sim_staff_handle (ctx, req);
      break;
    case HB_SIM_EP_SECURITY_EVENTS:
      hb_sim_security_events_handle (ctx, req, fail_after_commit);
      break;
    case HB_SIM_EP_OPERATIONS_REPORTS:
      hb_sim_ops_reports_handle (ctx, req, fail_after_commit);
      break;
    case HB_SIM_EP_TERMINALS_REGISTER:
      hb_sim_terminals_handle (ctx, req);
      break;
    case HB_SIM_EP_UNKNOWN:
    default:
      hb_sim_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not-found", "no such endpoint");
      break;
    }
}
