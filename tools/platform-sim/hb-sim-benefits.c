/* hb-sim-benefits.c — 免申即享 benefits, made up from the ID number: at most 3 a person. */
#include "tools/platform-sim/hb-sim-benefits.h"

#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-idempotency.h"
#include "tools/platform-sim/hb-sim-json.h"
#include "tools/platform-sim/hb-sim-person.h"
#include "tools/platform-sim/hb-sim-profile.h"

#include <string.h>

#define MAX_BENEFITS 3

typedef struct {
  const char *id, *name, *name_en, *department, *period, *description, *description_en;
} Benefit;

static const Benefit benefits[] = {
  { "elderly-nutrition", "高龄老人营养补贴", "Nutrition allowance for the very old",
    "上海市民政局", "month",
    "年满70周岁的本市户籍老年人按月发放，70-79周岁每月150元，80-89周岁180元，90-99周岁350元，100周岁以上600元。",
    "Paid monthly to Shanghai residents aged 70 and over: 150 yuan at 70-79, 180 at 80-89, 350 at 90-99, 600 from 100." },
  { "one-child-parents", "独生子女父母年老一次性计划生育奖励", "One-off reward for parents of an only child",
    "上海市卫生健康委员会", "once",
    "独生子女父母达到法定退休年龄时，一次性发放计划生育奖励5000元。",
    "A one-off 5,000 yuan reward for parents of an only child when they reach retirement age." },
  { "childcare-subsidy", "育儿补贴", "Childcare subsidy",
    "上海市卫生健康委员会", "year",
    "3周岁以下婴幼儿每孩每年3600元，按年发放。",
    "3,600 yuan a year for each child under 3, paid yearly." },
  { "disability-living", "困难残疾人生活补贴", "Living allowance for disabled people on low income",
    "上海市残疾人联合会", "month",
    "持证残疾人中的低保、低收入家庭成员，按月发放生活补贴。",
    "Paid monthly to certified disabled people in low-income households." },
};

/* Amount in fen (integers only), 0: not eligible. */
static gint64
amount_for (const Benefit *b, const HbSimPerson *p, const char *id)
{
  guint pick = hb_sim_person_pick (id, b->id);
  if (g_str_equal (b->id, "elderly-nutrition"))
    return !p->shanghai || p->age < 70 ? 0 : p->age < 80 ? 15000 : p->age < 90 ? 18000
           : p->age < 100 ? 35000 : 60000;
  if (g_str_equal (b->id, "one-child-parents"))
    return p->age >= (p->male ? 60 : 55) && pick % 2 == 0 ? 500000 : 0;
  if (g_str_equal (b->id, "childcare-subsidy"))
    return p->age >= 22 && p->age <= 45 && pick % 3 == 0 ? 360000 : 0;
  if (g_str_equal (b->id, "disability-living"))
    return hb_sim_profile_has_licence (p, id, "disability_cert") ? 70000 : 0;
  return 0;
}

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

/* The benefits this person qualifies for, in table order, at most MAX_BENEFITS. */
static guint
eligible (const HbSimPerson *p, const char *id, const Benefit **out, gint64 *amounts)
{
  guint n = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (benefits) && n < MAX_BENEFITS; i++)
    {
      gint64 amount = amount_for (&benefits[i], p, id);
      if (amount > 0)
        {
          out[n] = &benefits[i];
          amounts[n++] = amount;
        }
    }
  return n;
}

char *
hb_sim_benefits_person_key (const char *id_number)
{
  g_autofree char *salted = g_strconcat ("benefits:", id_number, NULL);
  char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, salted, -1);
  explicit_bzero (salted, strlen (salted));
  return sha;
}

void
hb_sim_benefits_handle (HbSimContext *ctx, HbSimRequest *req)
{
  g_autofree char *id = hb_sim_request_id_number (req, NULL);
  if (id == NULL)
    return;
  g_auto(HbSimPerson) p;
  hb_sim_person_init (&p, id);
  const Benefit *list[MAX_BENEFITS];
  gint64 amounts[MAX_BENEFITS];
  guint n = eligible (&p, id, list, amounts);
  g_autofree char *person = hb_sim_benefits_person_key (id);

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "benefits");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strconcat (person, "/", list[i]->id, NULL);
      JsonNode *done = g_hash_table_lookup (ctx->services.confirmed, key);
      json_builder_begin_object (b);
      add_string (b, "id", list[i]->id);
      add_string (b, "name", list[i]->name);
      add_string (b, "name_en", list[i]->name_en);
      add_string (b, "department", list[i]->department);
      json_builder_set_member_name (b, "amount_fen");
      json_builder_add_int_value (b, amounts[i]);
      add_string (b, "period", list[i]->period);
      add_string (b, "description", list[i]->description);
      add_string (b, "description_en", list[i]->description_en);
      /* Already accepted: the terminal shows its case instead of the button. */
      json_builder_set_member_name (b, "case_number");
      if (done)
        json_builder_add_string_value (b, hb_sim_json_get_string (json_node_get_object (done), "case_number"));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  explicit_bzero (id, strlen (id));
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}

void
hb_sim_benefits_confirm_handle (HbSimContext *ctx, HbSimRequest *req, gboolean fail_after_commit)
{
  SoupServerMessage *msg = req->msg;
  const char *key = NULL;
  g_autoptr(JsonNode) root = hb_sim_request_idempotent_json (req, "invalid-request", FALSE, &key);
  if (root == NULL || hb_sim_idempotent_replay (ctx, HB_SIM_SVC_CONFIRM, key, req, fail_after_commit))
    return;
  JsonObject *body = json_node_get_object (root);
  const char *id = hb_sim_json_get_string (body, "id_number");
  const char *benefit_id = hb_sim_json_get_string (body, "benefit_id");
  if (!hb_sim_person_id_valid (id) || benefit_id == NULL || strlen (benefit_id) > 64)
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          "the body must be {\"id_number\", \"benefit_id\"}");
      return;
    }
  const Benefit *benefit = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (benefits); i++)
    if (g_str_equal (benefits[i].id, benefit_id))
      benefit = &benefits[i];
  if (benefit == NULL)
    {
      hb_sim_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown-benefit", "no such benefit");
      return;
    }
  g_auto(HbSimPerson) p;
  hb_sim_person_init (&p, id);
  const Benefit *list[MAX_BENEFITS];
  gint64 amounts[MAX_BENEFITS];
  guint n = eligible (&p, id, list, amounts);
  gboolean ok = FALSE;
  for (guint i = 0; i < n; i++)
    ok = ok || list[i] == benefit;
  if (!ok)
    {
      hb_sim_reply_error (msg, SOUP_STATUS_CONFLICT, "not-eligible",
                          "this person does not qualify for this benefit");
      return;
    }
  if (hb_sim_services_full (&ctx->services, HB_SIM_SVC_CONFIRM))
    {
      hb_sim_reply_error (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "storage-full",
                          "the sim holds too many confirmations");
      return;
    }

  g_autofree char *person = hb_sim_benefits_person_key (id);
  g_autofree char *book_key = g_strconcat (person, "/", benefit->id, NULL);
  JsonNode *record = g_hash_table_lookup (ctx->services.confirmed, book_key);
  guint status = SOUP_STATUS_OK;   /* confirmed before, with another key: the same case */
  if (record == NULL)
    {
      g_autoptr(GDateTime) now = hb_sim_clock_now ();
      g_autofree char *ymd = hb_sim_clock_ymd (now);
      g_autofree char *at = hb_sim_clock_iso8601 (now);
      g_autofree char *number = g_strdup_printf ("MS%s%06u", ymd,
                                                 hb_sim_services_next_number (&ctx->services, HB_SIM_SVC_CONFIRM));
      g_autoptr(JsonBuilder) rb = json_builder_new ();
      json_builder_begin_object (rb);
      add_string (rb, "case_number", number);
      add_string (rb, "benefit_id", benefit->id);
      add_string (rb, "name", benefit->name);
      add_string (rb, "name_en", benefit->name_en);
      add_string (rb, "person", person);
      add_string (rb, "confirmed_at", at);
      json_builder_set_member_name (rb, "amount_fen");
      for (guint i = 0; i < n; i++)
        if (list[i] == benefit)
          json_builder_add_int_value (rb, amounts[i]);
      json_builder_end_object (rb);
      record = json_builder_get_root (rb);
      g_hash_table_insert (ctx->services.confirmed, g_strdup (book_key), record);
      g_ptr_array_add (ctx->services.confirmations, record);
      status = SOUP_STATUS_CREATED;
    }
  JsonObject *r = json_node_get_object (record);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "status", "confirmed");
  add_string (b, "case_number", hb_sim_json_get_string (r, "case_number"));
  add_string (b, "benefit_id", benefit->id);
  add_string (b, "confirmed_at", hb_sim_json_get_string (r, "confirmed_at"));
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_note (msg, hb_sim_json_get_string (r, "case_number"));
  hb_sim_idempotent_answer (ctx, HB_SIM_SVC_CONFIRM, key, req, status, answer, fail_after_commit);
}
