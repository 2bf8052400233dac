/* hb-sim-staff.c — GET /v1/staff, POST /v1/security-events, GET /_sim/security-events. */
#include "tools/platform-sim/hb-sim-staff.h"

#include "tools/platform-sim/hb-sim-api.h"
#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-idempotency.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <string.h>

#define TEXT_MAX 64

/* The sim serves one platform per process: its records are the module's. */
static GQueue      events = G_QUEUE_INIT;   /* JsonNode* records, oldest first */
static GHashTable *answers;                  /* idempotency key → body text it came with */

void
hb_sim_staff_forget (void)
{
  g_queue_clear_full (&events, (GDestroyNotify) json_node_unref);
  g_clear_pointer (&answers, g_hash_table_unref);
}

/* --- GET /v1/staff ---------------------------------------------------------------- */

void
hb_sim_staff_handle (HbSimContext *ctx, HbSimRequest *req)
{
  g_autofree char *path = g_build_filename (hb_sim_services_get_data_dir (), "sample-staff.json",
                                            NULL);
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_str_equal (req->method, SOUP_METHOD_GET))
    {
      hb_sim_reply_method_not_allowed (req->msg, "GET");
      return;
    }
  if (!g_file_get_contents (path, &text, &len, NULL) || len > HB_SIM_STAFF_LIST_MAX)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "no-staff-list",
                          "this platform has no staff allow-list (sample-staff.json)");
      return;
    }
  hb_sim_reply_text (req->msg, SOUP_STATUS_OK, text, (gssize) len);
}

/* --- POST /v1/security-events ------------------------------------------------------- */

static gboolean
text_ok (JsonObject *o, const char *member)
{
  const char *s = hb_sim_json_get_string (o, member);
  return s != NULL && *s != '\0' && strlen (s) <= TEXT_MAX;
}

static gboolean
event_ok (JsonObject *o)
{
  gint64 failures = 0, locked_for = -1;
  const char *at = hb_sim_json_get_string (o, "at");
  g_autoptr(GDateTime) when = at ? g_date_time_new_from_iso8601 (at, NULL) : NULL;

  return text_ok (o, "terminal_id")
         && g_strcmp0 (hb_sim_json_get_string (o, "kind"), "maintenance-lockout") == 0
         && hb_sim_json_get_int (o, "failures", &failures) && failures >= 1 && failures <= 1000000
         && hb_sim_json_get_int (o, "locked_for_s", &locked_for) && locked_for >= 0
         && locked_for <= 24 * 3600
         && when != NULL;
}

void
hb_sim_security_events_handle (HbSimContext *ctx, HbSimRequest *req, gboolean fail_after_commit)
{
  const char *key = NULL;
  g_autoptr(JsonNode) root = hb_sim_request_idempotent_json (req, "invalid-security-event",
                                                             FALSE, &key);
  gsize len = 0;
  const char *body = root ? g_bytes_get_data (req->body, &len) : NULL;
  const char *seen;

  if (root == NULL)
    return;
  if (answers == NULL)
    answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  seen = g_hash_table_lookup (answers, key);
  if (seen != NULL)
    {
      if (strlen (seen) != len || memcmp (seen, body, len) != 0)
        {
          hb_sim_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                              "this Idempotency-Key was used with a different body");
          return;
        }
      ctx->stats.replays++;
      hb_sim_note (req->msg, "replay");
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Idempotent-Replayed", "true");
      hb_sim_reply_text (req->msg, SOUP_STATUS_OK, "{\"status\":\"recorded\"}", -1);
      return;
    }
  if (!event_ok (json_node_get_object (root)))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-security-event",
                          "the body must be {\"terminal_id\", \"kind\": \"maintenance-lockout\", "
                          "\"failures\" (1 or more), \"locked_for_s\" (0 to 86400), \"at\" "
                          "(ISO 8601)}");
      return;
    }

  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  g_autofree char *received = hb_sim_clock_iso8601 (now);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "idempotency_key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "received_at");
  json_builder_add_string_value (b, received);
  json_builder_set_member_name (b, "body");
  json_builder_add_value (b, hb_sim_json_deep_copy (root));
  json_builder_end_object (b);
  g_queue_push_tail (&events, json_builder_get_root (b));
  g_hash_table_insert (answers, g_strdup (key), g_strndup (body, len));
  /* Bounded: a forgotten event takes its key along (its replay then counts as new). */
  while (g_queue_get_length (&events) > HB_SIM_STAFF_MAX_EVENTS)
    {
      JsonNode *old = g_queue_pop_head (&events);
      g_hash_table_remove (answers, hb_sim_json_get_string (json_node_get_object (old),
                                                            "idempotency_key"));
      json_node_unref (old);
    }
  hb_sim_note (req->msg, "security-event");
  if (fail_after_commit)
    {
      hb_sim_api_reply_fault (ctx, req->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "fail_after_commit");
      return;
    }
  hb_sim_reply_text (req->msg, SOUP_STATUS_CREATED, "{\"status\":\"recorded\"}", -1);
}

/* --- /_sim/security-events ---------------------------------------------------------- */

gboolean
hb_sim_staff_test_knows (const char *path)
{
  return g_str_equal (path, "/_sim/security-events");
}

void
hb_sim_staff_test_handle (HbSimContext *ctx, HbSimRequest *req)
{
  hb_sim_reply_queue (req->msg, req->method, &events);
}
