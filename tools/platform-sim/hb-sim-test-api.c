/* hb-sim-test-api.c — the test-only /_sim/ endpoints. */
#include "tools/platform-sim/hb-sim-test-api.h"

#include "tools/platform-sim/hb-sim-help.h"
#include "tools/platform-sim/hb-sim-json.h"
#include "tools/platform-sim/hb-sim-staff.h"
#include "tools/platform-sim/hb-sim-ops-reports.h"
#include "tools/platform-sim/hb-sim-terminals.h"

#include <string.h>

static const char *const sim_paths[] = {
  "/_sim/applications", "/_sim/ratings", "/_sim/deliveries", "/_sim/requests", "/_sim/heartbeats",
  "/_sim/faults", "/_sim/reset", "/_sim/codes/offline", "/_sim/keys/revoke", "/_sim/keys/rotate", "/_sim/keys/override",
  "/_sim/commands", "/_sim/catalog", "/_sim/assets",
};

gboolean
hb_sim_test_api_knows (const char *path)
{
  for (gsize i = 0; i < G_N_ELEMENTS (sim_paths); i++)
    if (g_str_equal (path, sim_paths[i]))
      return TRUE;
  return hb_sim_services_test_knows (path)   /* /_sim/help, /_sim/cases, /_sim/reports (H19) */
         || hb_sim_staff_test_knows (path)   /* /_sim/security-events (H28) */
         || hb_sim_ops_reports_test_knows (path)   /* /_sim/operations-reports (H29) */
         || hb_sim_terminals_test_knows (path);    /* /_sim/terminals, terminal-tokens, terminal-ca (H33) */
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
  hb_sim_staff_forget ();
  hb_sim_ops_reports_forget ();
  hb_sim_terminals_forget ();
  if (!hb_sim_store_reset (ctx->store, &error) || !hb_sim_keys_reset (ctx->keys, &error)
      || !hb_sim_services_reset (&ctx->services, &error))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "state-not-saved",
                          error->message);
      return;
    }
  hb_sim_reply_text (req->msg, SOUP_STATUS_OK, "{\"status\":\"reset\"}", -1);
}

/* --- offline codes: test-only minting, revocation, rotation ----------------------- */

static void
reply_keys_error (SoupServerMessage *msg, GError *error)
{
  gboolean bad = g_error_matches (error, HB_SIM_KEYS_ERROR, HB_SIM_KEYS_ERROR_INVALID);
  hb_sim_reply_error (msg, bad ? SOUP_STATUS_BAD_REQUEST : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                      bad ? "invalid-request" : "state-not-saved", error->message);
}

/* Optional integer member: absent is fine, anything else must be an integer. */
static gboolean
optional_int (JsonObject *o, const char *member, gint64 *out, gboolean *given)
{
  *given = json_object_has_member (o, member);
  return !*given || hb_sim_json_get_int (o, member, out);
}

static void
handle_mint (HbSimContext *ctx, HbSimRequest *req)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(GError) error = NULL;
  if (!want (req, SOUP_METHOD_POST))
    return;
  g_autoptr(JsonNode) root = hb_sim_request_parse_json (req);
  if (root == NULL)
    return;
  JsonObject *body = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 iat = now, exp = 0, ttl = HB_SIM_KEYS_CODE_TTL_S;
  gboolean has_iat, has_exp, has_ttl;
  if (body == NULL || !optional_int (body, "iat", &iat, &has_iat)
      || !optional_int (body, "exp", &exp, &has_exp) || !optional_int (body, "ttl", &ttl, &has_ttl)
      || (has_exp && has_ttl) || (json_object_has_member (body, "kid")
                                  && hb_sim_json_get_string (body, "kid") == NULL))
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          "the body must be {\"kind\",\"sub\",\"name\"} with optional integer "
                          "iat and exp or ttl, and a kid string");
      return;
    }
  if (!has_exp)
    exp = ttl > 0 && iat <= G_MAXINT64 - ttl ? iat + ttl : iat;
  g_autofree char *jti = NULL;
  g_autofree char *code = hb_sim_keys_mint (ctx->keys, hb_sim_json_get_string (body, "kid"),
                                            hb_sim_json_get_string (body, "kind"),
                                            hb_sim_json_get_string (body, "sub"),
                                            hb_sim_json_get_string (body, "name"),
                                            iat, exp, &jti, &error);
  if (code == NULL)
    {
      reply_keys_error (msg, error);
      return;
    }
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "jti");
  json_builder_add_string_value (b, jti);
  json_builder_set_member_name (b, "exp");
  json_builder_add_int_value (b, exp);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (msg, SOUP_STATUS_OK, answer);
}

static void
handle_revoke (HbSimContext *ctx, HbSimRequest *req)
{
  g_autoptr(GError) error = NULL;
  if (!want (req, SOUP_METHOD_POST))
    return;
  g_autoptr(JsonNode) root = hb_sim_request_parse_json (req);
  if (root == NULL)
    return;
  JsonObject *body = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (!hb_sim_keys_revoke (ctx->keys, hb_sim_json_get_string (body, "jti"),
                           hb_sim_json_get_string (body, "sub"), &error))
    {
      reply_keys_error (req->msg, error);
      return;
    }
  g_autoptr(JsonNode) doc = hb_sim_keys_document (ctx->keys);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, doc);
}

static void
handle_rotate (HbSimContext *ctx, HbSimRequest *req)
{
  g_autoptr(GError) error = NULL;
  if (!want (req, SOUP_METHOD_POST))
    return;
  const char *kid = hb_sim_keys_rotate (ctx->keys, &error);
  if (kid == NULL)
    {
      reply_keys_error (req->msg, error);
      return;
    }
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, kid);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}

/* --- commands for the terminal, catalog versions (H12) ------------------------------ */

static void
handle_commands (HbSimContext *ctx, HbSimRequest *req)
{
  g_autoptr(GError) error = NULL;
  if (g_str_equal (req->method, SOUP_METHOD_GET))
    {
      g_autoptr(JsonNode) all = hb_sim_commands_to_json (&ctx->commands);
      hb_sim_reply_node (req->msg, SOUP_STATUS_OK, all);
      return;
    }
  if (!want (req, SOUP_METHOD_POST))
    return;
  g_autoptr(JsonNode) root = hb_sim_request_parse_json (req);
  if (root == NULL)
    return;
  g_autofree char *id = hb_sim_commands_queue (&ctx->commands, root, &error);
  if (id == NULL)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-command", error->message);
      return;
    }
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}

static void
handle_publish_catalog (HbSimContext *ctx, HbSimRequest *req)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data;
  if (!want (req, SOUP_METHOD_POST))
    return;
  data = g_bytes_get_data (req->body, &len);
  if (!hb_sim_catalog_publish (ctx->catalog, data, len, &error))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-catalog", error->message);
      return;
    }
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "etag");
  json_builder_add_string_value (b, hb_sim_catalog_get_etag (ctx->catalog));
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}

/* POST /_sim/assets?as=<sha256>: the body becomes GET /v1/assets/<its sha256> (or <as>). */
static void
handle_add_asset (HbSimContext *ctx, HbSimRequest *req)
{
  g_autoptr(GError) error = NULL;
  if (!want (req, SOUP_METHOD_POST))
    return;
  const char *query = g_uri_get_query (soup_server_message_get_uri (req->msg));
  g_autoptr(GHashTable) params = query ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL)
                                       : NULL;
  g_autofree char *sha = hb_sim_assets_add (&ctx->assets, req->body,
                                            params ? g_hash_table_lookup (params, "as") : NULL,
                                            &error);
  if (sha == NULL)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-asset", error->message);
      return;
    }
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64) g_bytes_get_size (req->body));
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}

void
hb_sim_test_api_handle (HbSimContext *ctx, HbSimRequest *req)
{
  const char *path = req->path;
  SoupServerMessage *msg = req->msg;

  if (g_str_equal (path, "/_sim/applications") || g_str_equal (path, "/_sim/ratings") ||
      g_str_equal (path, "/_sim/deliveries"))
    {
      if (!want (req, SOUP_METHOD_GET))
        return;
      HbSimKind kind = g_str_equal (path, "/_sim/ratings") ? HB_SIM_KIND_RATING
                     : g_str_equal (path, "/_sim/deliveries") ? HB_SIM_KIND_DELIVERY
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
  else if (g_str_equal (path, "/_sim/codes/offline"))
    handle_mint (ctx, req);
  else if (g_str_equal (path, "/_sim/keys/revoke"))
    handle_revoke (ctx, req);
  else if (g_str_equal (path, "/_sim/keys/rotate"))
    handle_rotate (ctx, req);
  else if (g_str_equal (path, "/_sim/commands"))
    handle_commands (ctx, req);
  else if (g_str_equal (path, "/_sim/catalog"))
    handle_publish_catalog (ctx, req);
  else if (g_str_equal (path, "/_sim/assets"))
    handle_add_asset (ctx, req);
  else if (hb_sim_services_test_knows (path))
    hb_sim_services_test_handle (ctx, req);
  else if (hb_sim_staff_test_knows (path))
    hb_sim_staff_test_handle (ctx, req);
  else if (hb_sim_ops_reports_test_knows (path))
    hb_sim_ops_reports_test_handle (ctx, req);
  else if (hb_sim_terminals_test_knows (path))
    hb_sim_terminals_test_handle (ctx, req);
  else if (g_str_equal (path, "/_sim/keys/override"))
    {
      /* POST: serve the body verbatim as GET /v1/keys; DELETE: back to the real one. */
      if (g_str_equal (req->method, SOUP_METHOD_DELETE))
        hb_sim_keys_set_override (ctx->keys, NULL);
      else if (want (req, SOUP_METHOD_POST))
        hb_sim_keys_set_override (ctx->keys, req->body);
      else
        return;
      hb_sim_reply_text (msg, SOUP_STATUS_OK, "{\"status\":\"ok\"}", -1);
    }
  else
    hb_sim_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "no such /_sim/ endpoint");
}
