/* hb-sim-proofs.c — POST /v1/proofs (docs/platform-api.md): the platform looks up the
 * identified resident's record and answers with the document to print. The records are
 * made up, deterministically from the ID number, so tests know what to expect:
 *   social-insurance-payment  24 months of contributions ending last month
 *   property-registration     one property, or "no record" (by a hash of the ID number)
 *   licence-copy              a copy of household-register or marriage-certificate, with
 *                             the purpose in the watermark (required)
 * An ID number whose sequence digits (15–17) are 999 has no record of anything: 404. */
#include "tools/platform-sim/hb-sim-proofs.h"

#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <string.h>

#define PURPOSE_MAX_CHARS 32

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

static void
add_holder (JsonBuilder *b, const char *name, const char *id_number, const char *subject)
{
  json_builder_set_member_name (b, "holder");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "label", "姓名");
  add_string (b, "value", name ? name : "随申码用户");
  add_string (b, "mask", "name");
  json_builder_end_object (b);
  json_builder_begin_object (b);
  if (id_number != NULL)
    {
      add_string (b, "label", "公民身份号码");
      add_string (b, "value", id_number);
      add_string (b, "mask", "id_number");
    }
  else
    {
      /* Identified by an offline code: the platform knows the person by the subject. */
      g_autofree char *head = g_strndup (subject, 8);
      g_autofree char *ref = g_strdup_printf ("随申码 %s…", head);
      add_string (b, "label", "身份核验");
      add_string (b, "value", ref);
    }
  json_builder_end_object (b);
  json_builder_end_array (b);
}

static void
add_row (JsonBuilder *b, const char *const *cells)
{
  json_builder_begin_array (b);
  for (; *cells; cells++)
    json_builder_add_string_value (b, *cells);
  json_builder_end_array (b);
}

static void
begin_table (JsonBuilder *b, const char *const *columns)
{
  json_builder_set_member_name (b, "table");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "columns");
  add_row (b, columns);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
}

static void
end_table (JsonBuilder *b)
{
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_notes (JsonBuilder *b, const char *const *notes)
{
  json_builder_set_member_name (b, "notes");
  add_row (b, notes);
}

static void
social_insurance (JsonBuilder *b, guint seed, GDateTime *now)
{
  static const char *const columns[] = { "缴费年月", "缴费单位", "缴费基数", "个人缴纳", NULL };
  static const char *const notes[] = {
    "本证明仅证明上述期间在本市的社会保险缴费情况。",
    "可扫描二维码或登录“一网通办”输入证明编号核验真伪。", NULL,
  };
  add_string (b, "title", "上海市社会保险个人缴费证明");
  add_string (b, "issuer", "上海市社会保险事业管理中心");
  begin_table (b, columns);
  guint base = 6520 + seed % 4000;
  g_autoptr(GDateTime) month = g_date_time_add_months (now, -24);
  for (int i = 0; i < 24; i++)
    {
      g_autoptr(GDateTime) next = g_date_time_add_months (month, 1);
      g_autofree char *ym = g_date_time_format (month, "%Y-%m");
      g_autofree char *base_s = g_strdup_printf ("%u.00", base);
      /* 8 % of the base, in fen: integers only. */
      guint fen = base * 8;
      g_autofree char *own = g_strdup_printf ("%u.%02u", fen / 100, fen % 100);
      const char *row[] = { ym, "上海某某科技有限公司", base_s, own, NULL };
      add_row (b, row);
      g_date_time_unref (month);
      month = g_steal_pointer (&next);
    }
  end_table (b);
  add_notes (b, notes);
}

static void
property (JsonBuilder *b, guint seed)
{
  static const char *const columns[] = { "不动产权证号", "坐落", "用途", "面积(㎡)", NULL };
  static const char *const notes_some[] = {
    "本结果仅反映查询时点的登记信息。", NULL,
  };
  static const char *const notes_none[] = {
    "经查询，本市不动产登记簿中未发现权利人为上述人员的登记记录。",
    "本结果仅反映查询时点的登记信息。", NULL,
  };
  add_string (b, "title", "上海市不动产登记信息查询结果（无房/有房证明）");
  add_string (b, "issuer", "上海市不动产登记局");
  if (seed % 2 == 0)
    {
      add_notes (b, notes_none);
      return;
    }
  begin_table (b, columns);
  g_autofree char *no = g_strdup_printf ("沪(%u)徐字不动产权第%06u号", 2018 + seed % 6,
                                         seed % 1000000);
  g_autofree char *area = g_strdup_printf ("%u.%02u", 60 + seed % 60, seed % 100);
  const char *row[] = { no, "徐汇区漕溪北路某某弄某号某室", "住宅", area, NULL };
  add_row (b, row);
  end_table (b);
  add_notes (b, notes_some);
}

static gboolean
licence_copy (JsonBuilder *b, const char *licence, const char *purpose, guint seed,
              GDateTime *now)
{
  static const char *const columns[] = { "项目", "内容", NULL };
  const char *title, *issuer;

  if (g_strcmp0 (licence, "household-register") == 0)
    {
      title = "居民户口簿（电子证照复印件）";
      issuer = "上海市公安局";
    }
  else if (g_strcmp0 (licence, "marriage-certificate") == 0)
    {
      title = "结婚证（电子证照复印件）";
      issuer = "上海市民政局";
    }
  else
    return FALSE;
  add_string (b, "title", title);
  add_string (b, "issuer", issuer);
  begin_table (b, columns);
  g_autofree char *no = g_strdup_printf ("%s%010u", licence[0] == 'h' ? "HK" : "JH", seed);
  g_autofree char *date = g_strdup_printf ("%u-%02u-%02u", 2010 + seed % 12, 1 + seed % 12,
                                           1 + seed % 28);
  const char *rows[][3] = {
    { "证照名称", title, NULL }, { "证照编号", no, NULL }, { "发证机关", issuer, NULL },
    { "发证日期", date, NULL }, { "可信等级", "A 级（源头签发，已核验）", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    add_row (b, rows[i]);
  end_table (b);
  /* The copy says what it may be used for, and how far it can be trusted, on every page. */
  g_autofree char *ymd = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *text = g_strdup_printf ("仅供%s使用，再次复印无效 · 可信等级 A", purpose);
  json_builder_set_member_name (b, "watermark");
  json_builder_begin_object (b);
  add_string (b, "purpose", purpose);
  add_string (b, "date", ymd);
  add_string (b, "text", text);
  json_builder_end_object (b);
  return TRUE;
}

void
hb_sim_proofs_handle (HbSimContext *ctx, HbSimRequest *req)
{
  SoupServerMessage *msg = req->msg;

  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  if (root == NULL)
    return;
  JsonObject *body = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *proof = hb_sim_json_get_string (body, "proof");
  const char *purpose = hb_sim_json_get_string (body, "purpose");
  const char *licence = hb_sim_json_get_string (body, "licence");
  JsonNode *an = body ? json_object_get_member (body, "applicant") : NULL;
  JsonObject *applicant = an && JSON_NODE_HOLDS_OBJECT (an) ? json_node_get_object (an) : NULL;
  const char *kind = hb_sim_json_get_string (applicant, "kind");
  const char *id_number = hb_sim_json_get_string (applicant, "id_number");
  const char *subject = hb_sim_json_get_string (applicant, "subject");
  const char *name = hb_sim_json_get_string (applicant, "name");

  if (proof == NULL || g_strcmp0 (kind, "person") != 0 ||
      (id_number == NULL && subject == NULL) ||
      (id_number != NULL && (strlen (id_number) != 18 || name == NULL)) ||
      (subject != NULL && strlen (subject) > 128) ||
      (purpose != NULL && (!g_utf8_validate (purpose, -1, NULL) || *purpose == '\0' ||
                           g_utf8_strlen (purpose, -1) > PURPOSE_MAX_CHARS)))
    {
      hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                          "the body must be {\"proof\", \"applicant\": {\"kind\":\"person\", "
                          "\"name\", \"id_number\"} or {\"kind\":\"person\", \"subject\"}}");
      return;
    }
  if (id_number != NULL && strncmp (id_number + 14, "999", 3) == 0)
    {
      hb_sim_note (msg, "no-record");
      hb_sim_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no-record",
                          "the platform holds no such record for this person");
      return;
    }

  guint seed = g_str_hash (id_number ? id_number : subject);
  g_autoptr(GDateTime) now = hb_sim_clock_now ();
  g_autofree char *issued_at = hb_sim_clock_iso8601 (now);
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d");
  g_autofree char *serial = g_strdup_printf ("%s%s%06u",
                                             g_str_has_prefix (proof, "social") ? "SB"
                                             : g_str_has_prefix (proof, "property") ? "BDC"
                                             : "ZZ", stamp, ctx->stats.proofs);
  g_autofree char *verify = g_strdup_printf ("https://zwdt.sh.gov.cn/verify?sn=%s", serial);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gboolean known = TRUE;

  json_builder_begin_object (b);
  if (g_str_equal (proof, "social-insurance-payment"))
    social_insurance (b, seed, now);
  else if (g_str_equal (proof, "property-registration"))
    property (b, seed);
  else if (g_str_equal (proof, "licence-copy"))
    {
      if (purpose == NULL || !licence_copy (b, licence, purpose, seed, now))
        {
          hb_sim_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-request",
                              "a licence copy needs \"licence\" (household-register or "
                              "marriage-certificate) and \"purpose\"");
          return;
        }
    }
  else
    known = FALSE;
  if (!known)
    {
      hb_sim_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown-proof", "no such proof type");
      return;
    }
  add_string (b, "kind", g_str_equal (proof, "licence-copy") ? "licence_copy" : "proof");
  add_string (b, "serial", serial);
  add_string (b, "issued_at", issued_at);
  add_string (b, "verify_url", verify);
  add_holder (b, name, id_number, subject);
  json_builder_end_object (b);
  hb_sim_note (msg, serial);
  g_autoptr(JsonNode) answer = json_builder_get_root (b);
  hb_sim_reply_node (msg, SOUP_STATUS_OK, answer);
}
