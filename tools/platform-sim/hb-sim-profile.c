/* hb-sim-profile.c — POST /v1/profile and POST /v1/licences. */
#include "tools/platform-sim/hb-sim-profile.h"

#include "tools/platform-sim/hb-sim-json.h"

#include <string.h>

#define HISTORY_VALUE_MAX 2048

static const char *const districts[] = {
  "徐汇区", "黄浦区", "静安区", "长宁区", "普陀区", "虹口区", "杨浦区", "浦东新区", "闵行区", "宝山区",
};
static const char *const roads[] = {
  "漕溪北路", "淮海中路", "南京西路", "延安西路", "曹杨路", "四川北路", "控江路", "张杨路", "莘庄路", "牡丹江路",
};
static const char *const employers[] = {
  "上海某某科技有限公司", "上海市某某中学", "上海某某贸易有限公司", "上海某某医院",
  "上海某某物流有限公司", "上海某某设计咨询有限公司",
};
static const char *const educations[] = {
  "初中", "高中", "大学专科", "大学本科", "大学本科", "硕士研究生", "博士研究生",
};

static const char *
education_of (const HbSimPerson *p, const char *id)
{
  guint pick = hb_sim_person_pick (id, "education");
  if (p->age >= 0 && p->age < 16)
    return "小学";
  if (p->age >= 0 && p->age < 19)
    return "初中";
  return educations[pick % G_N_ELEMENTS (educations)];
}

static gboolean
has_degree (const HbSimPerson *p, const char *id)
{
  const char *e = education_of (p, id);
  return g_str_equal (e, "大学本科") || g_str_has_suffix (e, "研究生");
}

static const char *
marital_of (const HbSimPerson *p, const char *id)
{
  guint pick = hb_sim_person_pick (id, "marital") % 10;
  if (p->age >= 0 && p->age < 22)
    return "未婚";
  if (p->age >= 65 && pick < 2)
    return "丧偶";
  return pick < 6 ? "已婚" : pick < 9 ? "未婚" : "离异";
}

static gboolean
retired (const HbSimPerson *p)
{
  return p->age >= (p->male ? 60 : 55);
}

gboolean
hb_sim_profile_has_licence (const HbSimPerson *p, const char *id, const char *type)
{
  guint pick = hb_sim_person_pick (id, type);
  if (g_str_equal (type, "id_card"))
    return TRUE;
  if (g_str_equal (type, "hukou_book"))
    return p->shanghai;
  if (g_str_equal (type, "residence_permit"))
    return p->mainland && !p->shanghai && p->age >= 16;
  if (g_str_equal (type, "social_security_card"))
    return p->age < 0 || p->age >= 16;
  if (g_str_equal (type, "marriage_cert"))
    return g_str_equal (marital_of (p, id), "已婚");
  if (g_str_equal (type, "degree_cert"))
    return has_degree (p, id);
  if (g_str_equal (type, "property_cert"))
    return p->seed % 2 == 1;   /* as /v1/proofs' property-registration */
  if (g_str_equal (type, "driving_licence"))
    return p->age >= 18 && pick % 2 == 0;
  if (g_str_equal (type, "retirement_cert"))
    return retired (p);
  if (g_str_equal (type, "disability_cert"))
    return pick % 10 == 0;
  if (g_str_equal (type, "business_licence"))
    return p->age >= 18 && pick % 8 == 0;   /* 个体工商户 */
  return FALSE;
}

char *
hb_sim_request_id_number (HbSimRequest *req, JsonNode **root_out)
{
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  if (root == NULL)
    return NULL;
  JsonObject *body = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *id = hb_sim_json_get_string (body, "id_number");
  if (!hb_sim_person_id_valid (id))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          "the body must be {\"id_number\": 6 to 32 letters and digits}");
      return NULL;
    }
  char *copy = g_strdup (id);
  if (root_out)
    *root_out = g_steal_pointer (&root);
  return copy;
}

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

gboolean
hb_sim_profile_is_applicant (HbSimContext *ctx, JsonObject *body, const char *id)
{
  JsonObject *applicant = hb_sim_json_get_object (body, "applicant");
  const char *number = hb_sim_json_get_string (applicant, "id_number");
  const char *subject = hb_sim_json_get_string (applicant, "subject");
  if (number != NULL)
    return g_str_equal (number, id);
  if (subject == NULL)
    return FALSE;
  g_autofree char *mine = hb_sim_keys_subject (ctx->keys, "resident", id);
  return g_strcmp0 (mine, subject) == 0;
}

/* The form values of this person's accepted applications, the latest last. */
static void
add_history (HbSimContext *ctx, JsonBuilder *b, const char *id)
{
  g_autoptr(JsonNode) list = hb_sim_store_list (ctx->store, HB_SIM_KIND_APPLICATION);
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  JsonArray *array = json_node_get_array (list);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *rec = json_array_get_object_element (array, i);
      JsonObject *body = hb_sim_json_get_object (rec, "body");
      JsonObject *form = hb_sim_json_get_object (body, "form");
      if (form == NULL || !hb_sim_profile_is_applicant (ctx, body, id))
        continue;
      g_autoptr(GList) members = json_object_get_members (form);
      for (GList *m = members; m; m = m->next)
        {
          JsonNode *v = json_object_get_member (form, m->data);
          if (!JSON_NODE_HOLDS_VALUE (v)
              || (json_node_get_value_type (v) == G_TYPE_STRING
                  && strlen (json_node_get_string (v)) > HISTORY_VALUE_MAX))
            continue;
          if (!g_hash_table_contains (values, m->data))
            {
              if (order->len >= HB_SIM_PROFILE_MAX_HISTORY)
                continue;
              g_ptr_array_add (order, m->data);
            }
          g_hash_table_insert (values, m->data, v);
        }
    }
  json_builder_set_member_name (b, "history");
  json_builder_begin_object (b);
  for (guint i = 0; i < order->len; i++)
    {
      json_builder_set_member_name (b, order->pdata[i]);
      json_builder_add_value (b, json_node_copy (g_hash_table_lookup (values, order->pdata[i])));
    }
  json_builder_end_object (b);
}

void
hb_sim_profile_handle (HbSimContext *ctx, HbSimRequest *req)
{
  g_autofree char *id = hb_sim_request_id_number (req, NULL);
  if (id == NULL)
    return;
  g_auto(HbSimPerson) p;
  hb_sim_person_init (&p, id);

  guint a = hb_sim_person_pick (id, "address"), c = hb_sim_person_pick (id, "contact");
  g_autofree char *phone = g_strdup_printf ("1%u%09u", 3 + c % 7, hb_sim_person_pick (id, "phone") % 1000000000u);
  g_autofree char *made_up = g_strdup_printf ("上海市%s%s%u弄%u号%u室", districts[a % G_N_ELEMENTS (districts)],
                                              roads[(a / 10) % G_N_ELEMENTS (roads)], 1 + a % 1500,
                                              1 + (a / 7) % 40, 101 + (a / 13) % 20 * 100 + (a / 17) % 4);
  g_autofree char *email = g_strdup_printf ("hb%08x@example.cn", c);
  g_autofree char *bank = g_strdup_printf ("6222********%04u", hb_sim_person_pick (id, "bank") % 10000);
  const char *employer = retired (&p) || (p.age >= 0 && p.age < 18) ? NULL
                         : employers[hb_sim_person_pick (id, "employer") % G_N_ELEMENTS (employers)];

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_begin_object (b);
  add_string (b, "phone", phone);
  add_string (b, "address", p.address ? p.address : made_up);
  add_string (b, "email", email);
  add_string (b, "employer", employer);
  add_string (b, "education", education_of (&p, id));
  add_string (b, "marital_status", marital_of (&p, id));
  add_string (b, "bank_account", bank);
  json_builder_end_object (b);
  add_history (ctx, b, id);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  explicit_bzero (id, strlen (id));
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}

/* --- licences --------------------------------------------------------------------- */

typedef struct {
  const char *type, *name, *name_en, *issuer, *prefix;
  const char *trust;
  guint       years;   /* validity from issue; 0: 长期 (valid_until null) */
} LicenceKind;

static const LicenceKind licence_kinds[] = {
  { "id_card", "居民身份证", "Resident identity card", "上海市公安局", "", "A", 20 },
  { "hukou_book", "居民户口簿", "Household register", "上海市公安局", "HK", "A", 0 },
  { "residence_permit", "上海市居住证", "Shanghai residence permit", "上海市公安局", "JZ", "A", 3 },
  { "social_security_card", "社会保障卡", "Social security card", "上海市人力资源和社会保障局", "SB", "A", 10 },
  { "marriage_cert", "结婚证", "Marriage certificate", "上海市民政局", "JH", "A", 0 },
  { "degree_cert", "学位证书", "Degree certificate", "教育部学位与研究生教育发展中心", "XW", "B", 0 },
  { "property_cert", "不动产权证书", "Real estate title certificate", "上海市不动产登记局", "BDC", "A", 0 },
  { "driving_licence", "机动车驾驶证", "Driving licence", "上海市公安局交通警察总队", "JS", "A", 6 },
  { "retirement_cert", "退休证", "Retirement certificate", "上海市人力资源和社会保障局", "TX", "A", 0 },
  { "disability_cert", "中华人民共和国残疾人证", "Disability certificate", "上海市残疾人联合会", "CJ", "A", 10 },
  { "business_licence", "营业执照（个体工商户）", "Business licence (sole trader)", "上海市市场监督管理局", "92", "A", 0 },
};

void
hb_sim_licences_handle (HbSimContext *ctx, HbSimRequest *req)
{
  g_autofree char *id = hb_sim_request_id_number (req, NULL);
  if (id == NULL)
    return;
  g_auto(HbSimPerson) p;
  hb_sim_person_init (&p, id);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "licences");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (licence_kinds); i++)
    {
      const LicenceKind *k = &licence_kinds[i];
      if (!hb_sim_profile_has_licence (&p, id, k->type))
        continue;
      guint pick = hb_sim_person_pick (id, k->type);
      g_autofree char *number = k->prefix[0] == '\0' ? hb_sim_mask_middle (id, 3, 4)
                                : g_strdup_printf ("%s****%04u", k->prefix, pick % 10000);
      const char *name = k->name;
      if (g_str_equal (k->type, "id_card") && !p.mainland)
        name = g_str_has_prefix (id, "8") ? "港澳台居民居住证" : "外国人永久居留身份证";
      json_builder_begin_object (b);
      add_string (b, "type", k->type);
      add_string (b, "name", name);
      add_string (b, "name_en", g_str_equal (name, k->name) ? k->name_en
                                : g_str_has_prefix (name, "港澳") ? "Residence permit for HK, Macao and Taiwan residents"
                                : "Foreign permanent resident ID card");
      add_string (b, "issuer", k->issuer);
      add_string (b, "number", number);
      add_string (b, "trust_level", k->trust);
      json_builder_set_member_name (b, "valid_until");
      if (k->years == 0)
        json_builder_add_null_value (b);
      else
        {
          /* Issued some years back; still valid for 1 … years-1 more years. */
          g_autoptr(GDateTime) until = g_date_time_add_days (now, 30 + (gint) (pick % (k->years * 365 - 30)));
          g_autofree char *ymd = g_date_time_format (until, "%Y-%m-%d");
          json_builder_add_string_value (b, ymd);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  explicit_bzero (id, strlen (id));
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, answer);
}
