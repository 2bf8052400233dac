/* hb-sim-enterprises.c — POST /v1/enterprises/login. */
#include "tools/platform-sim/hb-sim-enterprises.h"

#include "tools/platform-sim/hb-sim-file.h"
#include "tools/platform-sim/hb-sim-json.h"
#include "tools/platform-sim/hb-sim-person.h"

#include <string.h>

/* GB 32100-2015: the 31 characters (no I, O, S, V, Z) and the weights of positions 1–17. */
static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const guint uscc_weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };

static int
uscc_value (char c)
{
  const char *p = c ? strchr (uscc_chars, c) : NULL;
  return p ? (int) (p - uscc_chars) : -1;
}

gboolean
hb_sim_uscc_valid (const char *uscc)
{
  guint sum = 0;
  if (uscc == NULL || strlen (uscc) != 18)
    return FALSE;
  for (int i = 0; i < 18; i++)
    if (uscc_value (uscc[i]) < 0)
      return FALSE;
  for (int i = 0; i < 17; i++)
    sum += (guint) uscc_value (uscc[i]) * uscc_weights[i];
  guint check = (31 - sum % 31) % 31;
  return uscc_value (uscc[17]) == (int) check;
}

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

static JsonNode *
answer (const char *name, const char *uscc, const char *legal_rep, const char *address,
        const char *type, gint64 capital, const char *role)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "enterprise");
  json_builder_begin_object (b);
  add_string (b, "name", name);
  add_string (b, "uscc", uscc);
  add_string (b, "legal_rep", legal_rep);
  add_string (b, "address", address);
  add_string (b, "type", type);
  json_builder_set_member_name (b, "registered_capital_fen");
  json_builder_add_int_value (b, capital);
  json_builder_end_object (b);
  add_string (b, "role", role);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The sample enterprise with this USCC (a copy), or NULL. */
static JsonObject *
find_sample (const char *uscc)
{
  g_autofree char *path = g_build_filename (hb_sim_services_get_data_dir (), "sample-enterprises.json", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!hb_sim_file_read (path, HB_SIM_ENTERPRISES_MAX_SIZE, &data, &len, NULL, NULL))
    return NULL;
  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, HB_SIM_JSON_MAX_DEPTH, NULL);
  JsonObject *top = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *list = hb_sim_json_get_array (top, "enterprises");
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      if (g_strcmp0 (hb_sim_json_get_string (o, "uscc"), uscc) == 0)
        return json_object_ref (o);
    }
  return NULL;
}

static const char *
sample_role (JsonObject *e, const char *id)
{
  if (g_strcmp0 (hb_sim_json_get_string (e, "legal_rep_id_number"), id) == 0)
    return "legal_rep";
  JsonArray *agents = hb_sim_json_get_array (e, "agents");
  for (guint i = 0; agents && i < json_array_get_length (agents); i++)
    if (g_strcmp0 (json_array_get_string_element (agents, i), id) == 0)
      return "agent";
  return NULL;
}

static const char *const words[] = { "明达", "恒信", "华润", "嘉禾", "远航", "新锐", "同舟", "安泰" };
static const char *const trades[] = { "信息科技", "贸易", "餐饮管理", "建筑工程", "文化传媒", "物业管理" };
static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄" };
static const char *const given[] = { "建国", "丽华", "志强", "秀兰", "海涛", "静", "磊", "婷婷" };
static const char *const districts[] = { "徐汇区", "黄浦区", "静安区", "长宁区", "浦东新区", "闵行区" };

void
hb_sim_enterprises_login_handle (HbSimContext *ctx, HbSimRequest *req)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  if (root == NULL)
    return;
  JsonObject *body = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *uscc = hb_sim_json_get_string (body, "uscc");
  const char *id = hb_sim_json_get_string (body, "id_number");
  if (uscc == NULL || strlen (uscc) != 18 || !hb_sim_person_id_valid (id))
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          "the body must be {\"uscc\": 18 characters, \"id_number\"}");
      return;
    }
  if (!hb_sim_uscc_valid (uscc))
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-uscc",
                          "not a unified social credit code (characters or check character)");
      return;
    }

  g_autoptr(JsonObject) sample = find_sample (uscc);
  g_autoptr(JsonNode) reply = NULL;
  if (sample)
    {
      const char *role = sample_role (sample, id);
      gint64 capital = 0;
      if (role == NULL)
        {
          hb_sim_reply_error (msg, SOUP_STATUS_FORBIDDEN, "not-authorised",
                              "this person may not act for this enterprise");
          return;
        }
      hb_sim_json_get_int (sample, "registered_capital_fen", &capital);
      reply = answer (hb_sim_json_get_string (sample, "name"), uscc,
                      hb_sim_json_get_string (sample, "legal_rep"),
                      hb_sim_json_get_string (sample, "address"),
                      hb_sim_json_get_string (sample, "type"), capital, role);
    }
  else
    {
      /* Positions 3–8 are the registering region: the Shanghai platform knows only 31…. */
      if (strncmp (uscc + 2, "31", 2) != 0)
        {
          hb_sim_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown-enterprise",
                              "no enterprise with this code is registered here");
          return;
        }
      guint seed = hb_sim_person_pick (uscc, "enterprise");
      g_autofree char *login = g_strconcat (uscc, ":", id, NULL);
      guint r = hb_sim_person_pick (login, "role") % 4;
      explicit_bzero (login, strlen (login));
      if (r == 3)
        {
          hb_sim_reply_error (msg, SOUP_STATUS_FORBIDDEN, "not-authorised",
                              "this person may not act for this enterprise");
          return;
        }
      gboolean sole = uscc[0] == '9' && uscc[1] == '2';
      g_autofree char *name = sole
        ? g_strdup_printf ("上海市%s%s%s店", districts[seed % G_N_ELEMENTS (districts)],
                           words[(seed / 7) % G_N_ELEMENTS (words)], trades[(seed / 3) % G_N_ELEMENTS (trades)])
        : g_strdup_printf ("上海%s%s有限公司", words[(seed / 7) % G_N_ELEMENTS (words)],
                           trades[(seed / 3) % G_N_ELEMENTS (trades)]);
      g_autofree char *rep = g_strconcat (surnames[(seed / 11) % G_N_ELEMENTS (surnames)],
                                          given[(seed / 13) % G_N_ELEMENTS (given)], NULL);
      g_autofree char *address = g_strdup_printf ("上海市%s某某路%u号", districts[seed % G_N_ELEMENTS (districts)],
                                                  1 + seed % 999);
      reply = answer (name, uscc, rep, address,
                      sole ? "个体工商户" : "有限责任公司（自然人投资或控股）",
                      sole ? 0 : (gint64) (1 + seed % 1000) * 1000000,
                      r == 0 ? "legal_rep" : "agent");
    }
  hb_sim_reply_node (msg, SOUP_STATUS_OK, reply);
}
