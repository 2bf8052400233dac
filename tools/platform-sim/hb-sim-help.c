/* hb-sim-help.c — 帮办 help requests, 办不成事 reports and their /_sim/ knobs. */
#include "tools/platform-sim/hb-sim-help.h"

#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-idempotency.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <string.h>

#define HELP_TARGET_SECONDS 60
#define TEXT_MAX            64     /* terminal_id, service_code, page, step: bytes */
#define LANGUAGE_MAX        16
#define DETAIL_MAX_CHARS    500
#define PHONE_MAX           20

const char *const hb_sim_report_reasons[] = {
  "不会操作", "材料不全", "系统故障", "设备故障", "不符合条件", "其他", NULL,
};

static const struct { const char *name, *number; } agents[] = {
  { "王敏", "0231" }, { "陈刚", "0417" }, { "刘芳", "0562" }, { "周杰", "0608" },
};

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* A member that must be a UTF-8 string of 1 … max bytes (or may be absent/null). */
static gboolean
text_ok (JsonObject *o, const char *member, gsize max, gboolean required)
{
  JsonNode *n = json_object_get_member (o, member);
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return !required;
  const char *s = hb_sim_json_get_string (o, member);
  return s != NULL && *s != '\0' && strlen (s) <= max;
}

/* --- help requests ------------------------------------------------------------------ */

/* Connects an agent once answer_after_ms passed (checked when asked: no timers to clean). */
static void
update_help (HbSimContext *ctx, HbSimHelpRequest *h)
{
  gint after = ctx->services.help_after_ms;
  if (h->closed_us != 0 || h->connected_us != 0 || after < 0)
    return;
  gint64 now = g_get_monotonic_time ();
  if (now - h->created_us >= (gint64) after * 1000)
    h->connected_us = MAX (now, h->created_us + 1);
}

static JsonNode *
help_to_json (HbSimContext *ctx, HbSimHelpRequest *h, gboolean full)
{
  update_help (ctx, h);
  /* Waiting ends when an agent answers or the resident leaves. */
  gint64 end = h->connected_us ? h->connected_us : h->closed_us ? h->closed_us : g_get_monotonic_time ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "id", h->id);
  add_string (b, "status", h->closed_us ? "closed" : h->connected_us ? "connected" : "waiting");
  if (h->connected_us)
    {
      json_builder_set_member_name (b, "agent");
      json_builder_begin_object (b);
      add_string (b, "name", agents[h->agent % G_N_ELEMENTS (agents)].name);
      add_string (b, "number", agents[h->agent % G_N_ELEMENTS (agents)].number);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "waited_seconds");
  json_builder_add_int_value (b, (end - h->created_us) / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "target_seconds");
  json_builder_add_int_value (b, HELP_TARGET_SECONDS);
  if (full)
    {
      add_string (b, "created_at", h->created_at);
      json_builder_set_member_name (b, "body");
      json_builder_add_value (b, hb_sim_json_deep_copy (h->body));
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
hb_sim_help_create_handle (HbSimContext *ctx, HbSimRequest *req, gboolean fail_after_commit)
{
  const char *key = NULL;
  g_autoptr(JsonNode) root = hb_sim_request_idempotent_json (req, "invalid-help-request", FALSE, &key);
  if (root == NULL || hb_sim_idempotent_replay (ctx, HB_SIM_SVC_HELP, key, req, fail_after_commit))
    return;
  JsonObject *body = json_node_get_object (root);
  if (!text_ok (body, "terminal_id", TEXT_MAX, TRUE) || !text_ok (body, "service_code", TEXT_MAX, FALSE)
      || !text_ok (body, "page", TEXT_MAX, TRUE) || !text_ok (body, "language", LANGUAGE_MAX, TRUE))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-help-request",
                          "the body must be {\"terminal_id\", \"page\", \"language\", \"service_code\"?} "
                          "(strings of at most 64 bytes; language 16)");
      return;
    }
  if (hb_sim_services_full (&ctx->services, HB_SIM_SVC_HELP))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "storage-full",
                          "the sim holds too many help requests");
      return;
    }
  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  g_autofree char *ymd = hb_sim_clock_ymd (now);
  g_autofree char *id = g_strdup_printf ("HR%s%06u", ymd,
                                         hb_sim_services_next_number (&ctx->services, HB_SIM_SVC_HELP));
  hb_sim_services_add_help (&ctx->services, id, hb_sim_json_deep_copy (root));

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "id", id);
  add_string (b, "status", "waiting");
  json_builder_set_member_name (b, "target_seconds");
  json_builder_add_int_value (b, HELP_TARGET_SECONDS);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_note (req->msg, id);
  hb_sim_idempotent_answer (ctx, HB_SIM_SVC_HELP, key, req, SOUP_STATUS_CREATED, answer,
                            fail_after_commit);
}

void
hb_sim_help_status_handle (HbSimContext *ctx, HbSimRequest *req)
{
  const char *id = req->path + strlen ("/v1/help-requests/");
  gboolean del = g_str_equal (req->method, SOUP_METHOD_DELETE);
  if (!del && !g_str_equal (req->method, SOUP_METHOD_GET))
    {
      hb_sim_reply_method_not_allowed (req->msg, "GET, DELETE");
      return;
    }
  HbSimHelpRequest *h = hb_sim_services_find_help (&ctx->services, id);
  if (h == NULL)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "unknown-help-request",
                          "no such help request");
      return;
    }
  if (del && h->closed_us == 0)
    {
      update_help (ctx, h);
      h->closed_us = g_get_monotonic_time ();
    }
  g_autoptr(JsonNode) answer = help_to_json (ctx, h, FALSE);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}

/* --- reports ------------------------------------------------------------------------ */

static gboolean
reason_ok (const char *reason)
{
  for (const char *const *r = hb_sim_report_reasons; reason && *r; r++)
    if (g_str_equal (*r, reason))
      return TRUE;
  return FALSE;
}

static gboolean
phone_ok (JsonObject *o)
{
  JsonNode *n = json_object_get_member (o, "contact_phone");
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  const char *s = hb_sim_json_get_string (o, "contact_phone");
  gsize digits = 0, len = s ? strlen (s) : 0;
  if (len == 0 || len > PHONE_MAX)
    return FALSE;
  for (const char *p = s; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p != '-' && *p != ' ' && !(*p == '+' && p == s))
        return FALSE;
    }
  return digits >= 5;
}

static gboolean
detail_ok (JsonObject *o)
{
  JsonNode *n = json_object_get_member (o, "detail");
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  const char *s = hb_sim_json_get_string (o, "detail");
  return s != NULL && g_utf8_strlen (s, -1) <= DETAIL_MAX_CHARS;
}

void
hb_sim_reports_handle (HbSimContext *ctx, HbSimRequest *req, gboolean fail_after_commit)
{
  const char *key = NULL;
  g_autoptr(JsonNode) root = hb_sim_request_idempotent_json (req, "invalid-report", FALSE, &key);
  if (root == NULL || hb_sim_idempotent_replay (ctx, HB_SIM_SVC_REPORT, key, req, fail_after_commit))
    return;
  JsonObject *body = json_node_get_object (root);
  if (!text_ok (body, "terminal_id", TEXT_MAX, TRUE) || !text_ok (body, "service_code", TEXT_MAX, FALSE)
      || !text_ok (body, "step", TEXT_MAX, TRUE) || !reason_ok (hb_sim_json_get_string (body, "reason"))
      || !detail_ok (body) || !phone_ok (body))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-report",
                          "the body must be {\"terminal_id\", \"step\", \"reason\" (不会操作, 材料不全, "
                          "系统故障, 设备故障, 不符合条件 or 其他), \"service_code\"?, \"detail\"? "
                          "(at most 500 characters), \"contact_phone\"? (5 to 20 digits, spaces, dashes)}");
      return;
    }
  if (hb_sim_services_full (&ctx->services, HB_SIM_SVC_REPORT))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "storage-full",
                          "the sim holds too many reports");
      return;
    }
  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  g_autofree char *ymd = hb_sim_clock_ymd (now);
  g_autofree char *at = hb_sim_clock_iso8601 (now);
  g_autofree char *number = g_strdup_printf ("BC%s%06u", ymd,
                                             hb_sim_services_next_number (&ctx->services, HB_SIM_SVC_REPORT));
  g_autoptr(JsonBuilder) rb = json_builder_new ();
  json_builder_begin_object (rb);
  add_string (rb, "report_number", number);
  add_string (rb, "idempotency_key", key);
  add_string (rb, "received_at", at);
  json_builder_set_member_name (rb, "body");
  json_builder_add_value (rb, hb_sim_json_deep_copy (root));
  json_builder_end_object (rb);
  g_ptr_array_add (ctx->services.reports, json_builder_get_root (rb));

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "report_number", number);
  add_string (b, "status", "accepted");
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_note (req->msg, number);
  hb_sim_idempotent_answer (ctx, HB_SIM_SVC_REPORT, key, req, SOUP_STATUS_CREATED, answer,
                            fail_after_commit);
}

/* --- /_sim/help, /_sim/cases, /_sim/reports ------------------------------------------ */

gboolean
hb_sim_services_test_knows (const char *path)
{
  return g_str_equal (path, "/_sim/help") || g_str_equal (path, "/_sim/cases")
         || g_str_equal (path, "/_sim/reports");
}

/* POST {"<member>": N} with min ≤ N ≤ max (and nothing else). */
static gboolean
set_knob (HbSimRequest *req, const char *member, gint min, gint max, gint *knob)
{
  g_autoptr(JsonNode) root = hb_sim_request_parse_json (req);
  if (root == NULL)
    return FALSE;
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  gint64 v = 0;
  if (o == NULL || json_object_get_size (o) != 1 || !hb_sim_json_get_int (o, member, &v)
      || v < min || v > max)
    {
      g_autofree char *message = g_strdup_printf ("the body must be {\"%s\": %d..%d}", member, min, max);
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-request", message);
      return FALSE;
    }
  *knob = (gint) v;
  return TRUE;
}

void
hb_sim_services_test_handle (HbSimContext *ctx, HbSimRequest *req)
{
  gboolean post = g_str_equal (req->method, SOUP_METHOD_POST);
  gboolean get = g_str_equal (req->method, SOUP_METHOD_GET);
  HbSimServices *s = &ctx->services;

  if (g_str_equal (req->path, "/_sim/reports"))
    {
      if (!get)
        {
          hb_sim_reply_method_not_allowed (req->msg, "GET");
          return;
        }
      g_autoptr(JsonNode) list = json_node_new (JSON_NODE_ARRAY);
      JsonArray *a = json_array_new ();
      for (guint i = 0; i < s->reports->len; i++)
        json_array_add_element (a, hb_sim_json_deep_copy (s->reports->pdata[i]));
      json_node_take_array (list, a);
      hb_sim_reply_node (req->msg, SOUP_STATUS_OK, list);
      return;
    }
  if (!get && !post)
    {
      hb_sim_reply_method_not_allowed (req->msg, "GET, POST");
      return;
    }
  gboolean help = g_str_equal (req->path, "/_sim/help");
  if (post && !(help ? set_knob (req, "answer_after_ms", -1, HB_SIM_SVC_HELP_MAX_MS, &s->help_after_ms)
                     : set_knob (req, "step_ms", 1, HB_SIM_SVC_STEP_MAX_MS, &s->case_step_ms)))
    return;

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, help ? "answer_after_ms" : "step_ms");
  json_builder_add_int_value (b, help ? s->help_after_ms : s->case_step_ms);
  if (help)
    {
      json_builder_set_member_name (b, "requests");
      json_builder_begin_array (b);
      for (GList *l = s->help.head; l; l = l->next)
        json_builder_add_value (b, help_to_json (ctx, l->data, TRUE));
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}
