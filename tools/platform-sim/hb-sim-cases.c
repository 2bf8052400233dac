/* hb-sim-cases.c — POST /v1/cases/query. */
#include "tools/platform-sim/hb-sim-cases.h"

#include "tools/platform-sim/hb-sim-benefits.h"
#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-json.h"
#include "tools/platform-sim/hb-sim-person.h"
#include "tools/platform-sim/hb-sim-profile.h"

#include <string.h>

#define CATALOG_MAX_DEPTH 256

static const struct { const char *status, *note, *note_en; } steps[] = {
  { "submitted", "已提交：申请已收到", "Submitted: your application was received" },
  { "accepted", "已受理：材料齐全，予以受理", "Accepted: the application is complete" },
  { "in_review", "审查中：承办部门正在审查", "In review: the department is reviewing it" },
  { "completed", "已办结：办理完成，结果已送达", "Completed: done, the result was delivered" },
};
static const char *const step_names[][2] = {
  { "已提交", "Submitted" }, { "已受理", "Accepted" }, { "审查中", "In review" }, { "已办结", "Completed" },
};

/* --- service names from the catalog (parsed once per version) ----------------------- */

static void
load_names (HbSimContext *ctx)
{
  HbSimServices *s = &ctx->services;
  const char *etag = hb_sim_catalog_get_etag (ctx->catalog);
  if (s->service_names && g_strcmp0 (etag, s->catalog_etag) == 0)
    return;
  g_clear_pointer (&s->service_codes, g_ptr_array_unref);
  g_clear_pointer (&s->service_names, g_hash_table_unref);
  g_free (s->catalog_etag);
  s->catalog_etag = g_strdup (etag);
  s->service_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_node_unref);
  s->service_codes = g_ptr_array_new ();

  gsize len = 0;
  const char *data = g_bytes_get_data (hb_sim_catalog_get_bytes (ctx->catalog), &len);
  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, CATALOG_MAX_DEPTH, NULL);
  JsonObject *top = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *services = hb_sim_json_get_array (top, "services");
  for (guint i = 0; services && i < json_array_get_length (services); i++)
    {
      JsonNode *n = json_array_get_element (services, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *code = hb_sim_json_get_string (o, "code");
      const char *name = hb_sim_json_get_string (o, "name");
      const char *kind = hb_sim_json_get_string (o, "kind");
      if (code == NULL || name == NULL || g_hash_table_contains (s->service_names, code))
        continue;
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "name_en");
      json_builder_add_string_value (b, hb_sim_json_get_string (o, "name_en") ?: name);
      json_builder_end_object (b);
      char *key = g_strdup (code);
      g_hash_table_insert (s->service_names, key, json_builder_get_root (b));
      if (g_strcmp0 (kind, "bundle") != 0)
        g_ptr_array_add (s->service_codes, key);
    }
}

static const char *
service_name (HbSimContext *ctx, const char *code, gboolean en)
{
  JsonNode *n = code ? g_hash_table_lookup (ctx->services.service_names, code) : NULL;
  return n ? hb_sim_json_get_string (json_node_get_object (n), en ? "name_en" : "name") : code;
}

/* --- one case ----------------------------------------------------------------------- */

/* steps_done: how many steps after "submitted" were reached (0 … 3); step_us apart. */
static void
add_case (JsonBuilder *b, const char *number, const char *code, const char *name,
          const char *name_en, GDateTime *submitted, guint steps_done, gint64 step_us)
{
  g_autofree char *at0 = hb_sim_clock_iso8601 (submitted);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "case_number");
  json_builder_add_string_value (b, number);
  json_builder_set_member_name (b, "service_code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "service_name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "service_name_en");
  json_builder_add_string_value (b, name_en);
  json_builder_set_member_name (b, "submitted_at");
  json_builder_add_string_value (b, at0);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, steps[steps_done].status);
  json_builder_set_member_name (b, "status_name");
  json_builder_add_string_value (b, step_names[steps_done][0]);
  json_builder_set_member_name (b, "status_name_en");
  json_builder_add_string_value (b, step_names[steps_done][1]);
  json_builder_set_member_name (b, "timeline");
  json_builder_begin_array (b);
  for (guint i = 0; i <= steps_done; i++)
    {
      g_autoptr(GDateTime) at = g_date_time_add (submitted, (GTimeSpan) i * step_us);
      g_autofree char *text = hb_sim_clock_iso8601 (at);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, steps[i].status);
      json_builder_set_member_name (b, "at");
      json_builder_add_string_value (b, text);
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, steps[i].note);
      json_builder_set_member_name (b, "note_en");
      json_builder_add_string_value (b, steps[i].note_en);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* A live case: its steps follow from the time since it was received. */
static void
add_live_case (HbSimContext *ctx, JsonBuilder *b, const char *number, const char *code,
               const char *name, const char *name_en, const char *received_at)
{
  g_autoptr(GDateTime) submitted = received_at ? g_date_time_new_from_iso8601 (received_at, NULL) : NULL;
  if (submitted == NULL)
    submitted = hb_sim_clock_now ();
  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  gint64 step_us = (gint64) ctx->services.case_step_ms * 1000;
  gint64 elapsed = g_date_time_difference (now, submitted);
  guint done = elapsed <= 0 ? 0 : (guint) MIN (elapsed / step_us, 3);
  add_case (b, number, code, name ? name : code, name_en ? name_en : code, submitted, done, step_us);
}

static char *
normalize (const char *reference)
{
  GString *s = g_string_new (NULL);
  for (const char *p = reference; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (s, g_ascii_toupper (*p));
  return g_string_free (s, FALSE);
}

/* "HB<8 digits>-<1..8>" → the key head, else NULL. */
static const char *
queued_head (const char *ref)
{
  gsize n = strlen (ref);
  if (n < 12 || n > 19 || !g_str_has_prefix (ref, "HB") || ref[10] != '-')
    return NULL;
  for (int i = 2; i < 10; i++)
    if (!g_ascii_isdigit (ref[i]))
      return NULL;
  return ref + 11;
}

/* The accepted application a reference names (in list), or NULL. */
static JsonObject *
find_application (JsonArray *list, const char *ref)
{
  const char *head = queued_head (ref);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *rec = json_array_get_object_element (list, i);
      const char *number = hb_sim_json_get_string (rec, "case_number");
      const char *key = hb_sim_json_get_string (rec, "idempotency_key");
      if (g_strcmp0 (number, ref) == 0)
        return rec;
      if (head && key && strlen (key) >= strlen (head))
        {
          g_autofree char *up = g_ascii_strup (key, (gssize) strlen (head));
          if (g_str_equal (up, head))
            return rec;
        }
    }
  return NULL;
}

static JsonObject *
find_confirmation (HbSimContext *ctx, const char *ref)
{
  for (guint i = 0; i < ctx->services.confirmations->len; i++)
    {
      JsonObject *o = json_node_get_object (ctx->services.confirmations->pdata[i]);
      if (g_strcmp0 (hb_sim_json_get_string (o, "case_number"), ref) == 0)
        return o;
    }
  return NULL;
}

char *
hb_sim_cases_resolve_in (HbSimContext *ctx, JsonArray *applications, const char *reference)
{
  g_autofree char *ref = normalize (reference);
  JsonObject *app = find_application (applications, ref);
  if (app)
    return g_strdup (hb_sim_json_get_string (app, "case_number"));
  return find_confirmation (ctx, ref) ? g_steal_pointer (&ref) : NULL;
}


static void
add_application (HbSimContext *ctx, JsonBuilder *b, JsonObject *rec)
{
  const char *code = hb_sim_json_get_string (rec, "service_code");
  add_live_case (ctx, b, hb_sim_json_get_string (rec, "case_number"), code ? code : "",
                 service_name (ctx, code, FALSE), service_name (ctx, code, TRUE),
                 hb_sim_json_get_string (rec, "received_at"));
}

static void
add_confirmation (HbSimContext *ctx, JsonBuilder *b, JsonObject *o)
{
  g_autofree char *code = g_strconcat ("benefit:", hb_sim_json_get_string (o, "benefit_id"), NULL);
  add_live_case (ctx, b, hb_sim_json_get_string (o, "case_number"), code,
                 hb_sim_json_get_string (o, "name"), hb_sim_json_get_string (o, "name_en"),
                 hb_sim_json_get_string (o, "confirmed_at"));
}

/* 1–2 finished cases from months back, for sample cards, of services in the catalog. */
static void
add_older_cases (HbSimContext *ctx, JsonBuilder *b, const char *id)
{
  GPtrArray *codes = ctx->services.service_codes;
  if (codes->len == 0)
    return;
  guint n = 1 + hb_sim_person_pick (id, "cases") % 2;
  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  for (guint i = 0; i < n; i++)
    {
      guint pick = hb_sim_person_pick (id, i == 0 ? "case-1" : "case-2");
      const char *code = codes->pdata[pick % codes->len];
      g_autoptr(GDateTime) day = g_date_time_add_days (now, -(gint) (30 + i * 120 + pick % 90));
      g_autoptr(GDateTime) submitted = g_date_time_new_local (g_date_time_get_year (day),
                                                              g_date_time_get_month (day),
                                                              g_date_time_get_day_of_month (day),
                                                              9 + (gint) (pick % 8), (gint) (pick % 60), 0);
      g_autofree char *ymd = hb_sim_clock_ymd (submitted);
      g_autofree char *number = g_strdup_printf ("SH%s9%05u", ymd, pick % 100000);
      add_case (b, number, code, service_name (ctx, code, FALSE), service_name (ctx, code, TRUE),
                submitted, 3, (gint64) G_USEC_PER_SEC * 3600 * 24);
    }
}

void
hb_sim_cases_handle (HbSimContext *ctx, HbSimRequest *req)
{
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  if (root == NULL)
    return;
  JsonObject *body = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *number = hb_sim_json_get_string (body, "case_number");
  const char *id = hb_sim_json_get_string (body, "id_number");
  if ((number == NULL) == (id == NULL) || (id && !hb_sim_person_id_valid (id))
      || (number && (*number == '\0' || strlen (number) > HB_SIM_CASE_NUMBER_MAX)))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          "the body must be {\"case_number\"} (at most 64 characters) or {\"id_number\"}");
      return;
    }
  load_names (ctx);
  g_autoptr(JsonNode) list = hb_sim_store_list (ctx->store, HB_SIM_KIND_APPLICATION);
  JsonArray *apps = json_node_get_array (list);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cases");
  json_builder_begin_array (b);
  if (number)
    {
      g_autofree char *ref = normalize (number);
      JsonObject *app = find_application (apps, ref);
      JsonObject *confirmation = app ? NULL : find_confirmation (ctx, ref);
      if (app == NULL && confirmation == NULL)
        {
          hb_sim_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "unknown-case", "no such case");
          return;
        }
      if (app)
        add_application (ctx, b, app);
      else
        add_confirmation (ctx, b, confirmation);
    }
  else
    {
      g_auto(HbSimPerson) p;
      hb_sim_person_init (&p, id);
      if (p.sample)
        add_older_cases (ctx, b, id);
      for (guint i = 0; i < json_array_get_length (apps); i++)
        {
          JsonObject *rec = json_array_get_object_element (apps, i);
          if (hb_sim_profile_is_applicant (ctx, hb_sim_json_get_object (rec, "body"), id))
            add_application (ctx, b, rec);
        }
      g_autofree char *person = hb_sim_benefits_person_key (id);
      for (guint i = 0; i < ctx->services.confirmations->len; i++)
        {
          JsonObject *o = json_node_get_object (ctx->services.confirmations->pdata[i]);
          if (g_strcmp0 (hb_sim_json_get_string (o, "person"), person) == 0)
            add_confirmation (ctx, b, o);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}
