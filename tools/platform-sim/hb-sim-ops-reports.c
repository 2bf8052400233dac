/* hb-sim-ops-reports.c — POST /v1/operations-reports, GET /_sim/operations-reports. */
#include "tools/platform-sim/hb-sim-ops-reports.h"

#include "tools/platform-sim/hb-sim-api.h"
#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-idempotency.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <string.h>

#define TEXT_MAX 64
/* base64 of the largest PDF accepted, and some slack */
#define BASE64_MAX (HB_SIM_OPS_REPORT_PDF_MAX / 3 * 4 + 8)

/* The sim serves one platform per process: its records are the module's. */
static GQueue      reports = G_QUEUE_INIT;  /* JsonNode* records, oldest first */
static GHashTable *answers;                 /* idempotency key → sha256 of the body it came with */
/* Keys remembered for replays; past this the sim forgets them all (a test platform). */
#define ANSWERS_MAX 10000u

void
hb_sim_ops_reports_forget (void)
{
  g_queue_clear_full (&reports, (GDestroyNotify) json_node_unref);
  g_clear_pointer (&answers, g_hash_table_unref);
}

static gboolean
month_ok (const char *m)
{
  if (m == NULL || strlen (m) != 7 || m[4] != '-')
    return FALSE;
  for (int i = 0; i < 7; i++)
    if (i != 4 && !g_ascii_isdigit (m[i]))
      return FALSE;
  return (m[5] == '0' && m[6] >= '1') || (m[5] == '1' && m[6] <= '2');
}

static gboolean
text_ok (const char *s)
{
  return s != NULL && *s != '\0' && strlen (s) <= TEXT_MAX && g_utf8_validate (s, -1, NULL);
}

static void
bad (HbSimRequest *req, const char *code, const char *message)
{
  hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, code, message);
}

/* Checks the body; on success *sha (transfer full) and *n_bytes describe the PDF. */
static gboolean
report_ok (HbSimRequest *req, JsonObject *o, char **sha, gsize *n_bytes)
{
  const char *b64 = hb_sim_json_get_string (o, "pdf_base64");
  const char *claimed = hb_sim_json_get_string (o, "sha256");
  gint64 bytes = -1;
  g_autofree guchar *pdf = NULL;
  gsize len = 0;

  if (!text_ok (hb_sim_json_get_string (o, "terminal_id")) ||
      !month_ok (hb_sim_json_get_string (o, "month")) ||
      !hb_sim_json_get_int (o, "bytes", &bytes) || b64 == NULL || claimed == NULL)
    {
      bad (req, "invalid-operations-report",
           "the body must be {\"terminal_id\", \"month\": \"YYYY-MM\", \"generated_at\", "
           "\"bytes\", \"sha256\", \"pdf_base64\"}");
      return FALSE;
    }
  if (strlen (b64) > BASE64_MAX)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "report-too-large",
                          "the PDF is larger than this platform accepts");
      return FALSE;
    }
  pdf = g_base64_decode (b64, &len);
  if (len < 5 || memcmp (pdf, "%PDF-", 5) != 0)
    {
      bad (req, "not-a-pdf", "pdf_base64 does not hold a PDF");
      return FALSE;
    }
  *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, pdf, len);
  if ((gint64) len != bytes || g_ascii_strcasecmp (*sha, claimed) != 0)
    {
      g_clear_pointer (sha, g_free);
      bad (req, "report-damaged", "the PDF does not match its bytes and sha256");
      return FALSE;
    }
  *n_bytes = len;
  return TRUE;
}

void
hb_sim_ops_reports_handle (HbSimContext *ctx, HbSimRequest *req, gboolean fail_after_commit)
{
  const char *key = NULL;
  g_autoptr(JsonNode) root = hb_sim_request_idempotent_json (req, "invalid-operations-report",
                                                             FALSE, &key);
  gsize len = 0, n_bytes = 0;
  const char *body = root ? g_bytes_get_data (req->body, &len) : NULL;
  g_autofree char *body_sha = body ? g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                                  (const guchar *) body, len)
                                   : NULL;
  const char *seen;
  g_autofree char *sha = NULL;
  JsonObject *o;

  if (root == NULL)
    return;
  if (answers == NULL)
    answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  seen = g_hash_table_lookup (answers, key);
  if (seen != NULL)
    {
      if (!g_str_equal (seen, body_sha))
        {
          hb_sim_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                              "this Idempotency-Key was used with a different body");
          return;
        }
      ctx->stats.replays++;
      hb_sim_note (req->msg, "replay");
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Idempotent-Replayed", "true");
      hb_sim_reply_text (req->msg, SOUP_STATUS_OK, "{\"status\":\"stored\"}", -1);
      return;
    }
  o = json_node_get_object (root);
  if (!report_ok (req, o, &sha, &n_bytes))
    return;

  const char *terminal = hb_sim_json_get_string (o, "terminal_id");
  const char *month = hb_sim_json_get_string (o, "month");
  const char *generated = hb_sim_json_get_string (o, "generated_at");
  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  g_autofree char *received = hb_sim_clock_iso8601 (now);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  /* A newer report of the same terminal and month replaces the older one. */
  for (GList *l = reports.head; l; )
    {
      GList *next = l->next;
      JsonObject *r = json_node_get_object (l->data);
      if (g_strcmp0 (hb_sim_json_get_string (r, "terminal_id"), terminal) == 0 &&
          g_strcmp0 (hb_sim_json_get_string (r, "month"), month) == 0)
        {
          json_node_unref (l->data);
          g_queue_delete_link (&reports, l);
        }
      l = next;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, terminal);
  json_builder_set_member_name (b, "month");
  json_builder_add_string_value (b, month);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64) n_bytes);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha);
  json_builder_set_member_name (b, "generated_at");
  json_builder_add_string_value (b, generated ? generated : "");
  json_builder_set_member_name (b, "received_at");
  json_builder_add_string_value (b, received);
  json_builder_set_member_name (b, "idempotency_key");
  json_builder_add_string_value (b, key);
  json_builder_end_object (b);
  g_queue_push_tail (&reports, json_builder_get_root (b));
  while (g_queue_get_length (&reports) > HB_SIM_OPS_REPORTS_MAX)
    json_node_unref (g_queue_pop_head (&reports));
  if (g_hash_table_size (answers) >= ANSWERS_MAX)
    g_hash_table_remove_all (answers);
  g_hash_table_insert (answers, g_strdup (key), g_steal_pointer (&body_sha));
  hb_sim_note (req->msg, "operations-report");
  if (fail_after_commit)
    {
      hb_sim_api_reply_fault (ctx, req->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "fail_after_commit");
      return;
    }
  hb_sim_reply_text (req->msg, SOUP_STATUS_CREATED, "{\"status\":\"stored\"}", -1);
}

gboolean
hb_sim_ops_reports_test_knows (const char *path)
{
  return g_str_equal (path, "/_sim/operations-reports");
}

void
hb_sim_ops_reports_test_handle (HbSimContext *ctx, HbSimRequest *req)
{
  hb_sim_reply_queue (req->msg, req->method, &reports);
}
