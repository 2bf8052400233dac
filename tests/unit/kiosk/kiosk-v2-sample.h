/* A version-2 service object (docs/service-format.md) shared by the kiosk tests of
 * conditions, guidance, pre-review, pre-fill and statistics. Written here, not taken from
 * data/catalog.json, so these tests do not move when the catalog data does. */
#pragma once

#include "kiosk/hb-service.h"

#define V2_CODE "310000-TEST-MARRY-0001"

/* Situations: who (self/agent), married_before (yes/no), divorce_proof (cert/judgement)
 * asked only when married_before = yes. Materials: ID card (always, licence id_card),
 * hukou book (licence hukou_book), divorce certificate when married before and the proof is
 * a certificate, court judgement otherwise, the agent's authorisation when who = agent.
 * Fields cover every type and pre-fill source family; rules cover every kind. */
static const char V2_SERVICE[] =
  "{\"code\":\"" V2_CODE "\",\"name\":\"婚姻登记预约\",\"name_en\":\"Marriage registration\","
  " \"kind\":\"service\",\"type\":\"QR\",\"audience\":[\"person\"],"
  " \"life_events\":[\"marriage\"],\"popularity\":120000,\"keywords\":[\"结婚\"],"
  " \"department\":\"上海市民政局\",\"department_en\":\"Civil Affairs Bureau\","
  " \"kiosk\":{\"available\":true,\"hardware_needed\":[\"idcard\"]},"
  " \"situations\":["
  "  {\"id\":\"who\",\"question\":\"为谁办理？\",\"question_en\":\"Who applies?\","
  "   \"options\":[{\"value\":\"self\",\"label\":\"本人\",\"label_en\":\"Myself\"},"
  "                {\"value\":\"agent\",\"label\":\"代办\",\"label_en\":\"On behalf\"}]},"
  "  {\"id\":\"married_before\",\"question\":\"是否有过婚姻？\",\"question_en\":\"Married before?\","
  "   \"options\":[{\"value\":\"yes\",\"label\":\"是\",\"label_en\":\"Yes\"},"
  "                {\"value\":\"no\",\"label\":\"否\",\"label_en\":\"No\"}]},"
  "  {\"id\":\"divorce_proof\",\"question\":\"离婚证明是哪种？\",\"question_en\":\"Proof of divorce?\","
  "   \"ask_if\":{\"situation\":\"married_before\",\"in\":[\"yes\"]},"
  "   \"options\":[{\"value\":\"cert\",\"label\":\"离婚证\",\"label_en\":\"Certificate\"},"
  "                {\"value\":\"judgement\",\"label\":\"法院判决书\",\"label_en\":\"Judgement\"}]}],"
  " \"guide\":{\"conditions\":[{\"text\":\"双方自愿\",\"text_en\":\"Both agree\"}],"
  "  \"process\":[{\"text\":\"预约\",\"text_en\":\"Book\"},{\"text\":\"登记\",\"text_en\":\"Register\"}],"
  "  \"legal_basis\":[{\"text\":\"《婚姻登记条例》第五条\",\"text_en\":\"Marriage Registration Regulations, art. 5\"}],"
  "  \"time_limit\":{\"legal_workdays\":1,\"promised_workdays\":0,\"instant\":true,\"text\":\"即办\",\"text_en\":\"At once\"},"
  "  \"fee\":{\"charged\":true,\"text\":\"9元\",\"text_en\":\"9 yuan\",\"basis\":\"发改价格〔2003〕\",\"basis_en\":\"NDRC pricing notice\"},"
  "  \"consult_phone\":\"12345\",\"visits_required\":1,"
  "  \"materials\":["
  "   {\"id\":\"id_card\",\"name\":\"居民身份证\",\"name_en\":\"ID card\",\"form\":\"original\",\"licence\":\"id_card\"},"
  "   {\"id\":\"hukou_book\",\"name\":\"户口簿\",\"name_en\":\"Hukou book\",\"form\":\"original\",\"count\":1,\"licence\":\"hukou_book\"},"
  "   {\"id\":\"divorce_cert\",\"name\":\"离婚证\",\"name_en\":\"Divorce certificate\",\"form\":\"original\","
  "    \"required_if\":{\"all\":[{\"situation\":\"married_before\",\"in\":[\"yes\"]},{\"situation\":\"divorce_proof\",\"in\":[\"cert\"]}]}},"
  "   {\"id\":\"judgement\",\"name\":\"法院判决书\",\"name_en\":\"Court judgement\",\"form\":\"copy\",\"count\":2,"
  "    \"required_if\":{\"situation\":\"divorce_proof\",\"in\":[\"judgement\"]}},"
  "   {\"id\":\"authorisation\",\"name\":\"授权委托书\",\"name_en\":\"Letter of authorisation\",\"form\":\"original\","
  "    \"required_if\":{\"situation\":\"who\",\"in\":[\"agent\"]}}]},"
  " \"form\":{\"fields\":["
  "  {\"id\":\"name\",\"label\":\"姓名\",\"label_en\":\"Name\",\"type\":\"text\",\"prefill\":\"person.name\",\"readonly\":true},"
  "  {\"id\":\"id_number\",\"label\":\"身份证号\",\"label_en\":\"ID number\",\"type\":\"id_number\",\"prefill\":\"person.id_number\",\"readonly\":true,\"sensitive\":true},"
  "  {\"id\":\"sex\",\"label\":\"性别\",\"label_en\":\"Sex\",\"type\":\"text\",\"prefill\":\"person.sex\",\"readonly\":true},"
  "  {\"id\":\"nation\",\"label\":\"民族\",\"label_en\":\"Ethnicity\",\"type\":\"text\",\"prefill\":\"person.nation\"},"
  "  {\"id\":\"birth_date\",\"label\":\"出生日期\",\"label_en\":\"Date of birth\",\"type\":\"date\",\"prefill\":\"person.birth_date\",\"required\":true},"
  "  {\"id\":\"phone\",\"label\":\"联系电话\",\"label_en\":\"Phone\",\"type\":\"phone\",\"prefill\":\"profile.phone\",\"required\":true},"
  "  {\"id\":\"employer\",\"label\":\"工作单位\",\"label_en\":\"Employer\",\"type\":\"text\",\"prefill\":\"profile.employer\"},"
  "  {\"id\":\"postcode\",\"label\":\"邮政编码\",\"label_en\":\"Postcode\",\"type\":\"postcode\",\"prefill\":\"history.postcode\"},"
  "  {\"id\":\"partner_name\",\"label\":\"对方姓名\",\"label_en\":\"Partner's name\",\"type\":\"text\",\"required\":true},"
  "  {\"id\":\"wedding_date\",\"label\":\"登记日期\",\"label_en\":\"Registration date\",\"type\":\"date\",\"required\":true},"
  "  {\"id\":\"divorce_date\",\"label\":\"离婚日期\",\"label_en\":\"Date of divorce\",\"type\":\"date\","
  "   \"ask_if\":{\"situation\":\"married_before\",\"in\":[\"yes\"]}},"
  "  {\"id\":\"guests\",\"label\":\"来宾人数\",\"label_en\":\"Guests\",\"type\":\"number\"},"
  "  {\"id\":\"employer_uscc\",\"label\":\"单位信用代码\",\"label_en\":\"Employer's credit code\",\"type\":\"uscc\",\"prefill\":\"enterprise.uscc\"}]},"
  " \"prereview\":["
  "  {\"id\":\"age_22\",\"kind\":\"eligibility\",\"require\":{\"person\":\"age\",\"op\":\"ge\",\"value\":22},"
  "   \"field\":\"birth_date\",\"message\":\"未达法定婚龄。\",\"message_en\":\"Below the legal age.\"},"
  "  {\"id\":\"divorce_first\",\"kind\":\"consistency\","
  "   \"require\":{\"field\":\"wedding_date\",\"op\":\"ge_field\",\"value\":\"divorce_date\"},"
  "   \"field\":\"divorce_date\",\"message\":\"离婚日期须早于登记日期。\",\"message_en\":\"The divorce must come before the new registration.\"},"
  "  {\"id\":\"wedding_future\",\"kind\":\"format\",\"require\":{\"not\":{\"field\":\"wedding_date\",\"op\":\"before_today\"}},"
  "   \"field\":\"wedding_date\",\"message\":\"登记日期不能早于今天。\",\"message_en\":\"Pick today or a later date.\"},"
  "  {\"id\":\"judgement_has_date\",\"kind\":\"completeness\","
  "   \"when\":{\"situation\":\"married_before\",\"in\":[\"yes\"]},"
  "   \"require\":{\"field\":\"divorce_date\",\"op\":\"present\"},"
  "   \"field\":\"divorce_date\",\"message\":\"请填写离婚日期。\",\"message_en\":\"Enter the date of the divorce.\"},"
  "  {\"id\":\"hukou_online\",\"kind\":\"completeness\",\"require\":{\"licence\":\"hukou_book\"},"
  "   \"message\":\"请携带户口簿到窗口核验。\",\"message_en\":\"Bring your hukou book to a window.\"}]}";

static inline HbService *
kv2_service (void)
{
  g_autoptr(GError) error = NULL;
  HbService *s = hb_service_new_from_json (V2_SERVICE, -1, &error);
  g_assert_no_error (error);
  return s;
}

/* A version-1 object (before situations, rules, material ids): still read, with defaults. */
static const char V1_SERVICE[] =
  "{\"code\":\"310000-TEST-V1-0001\",\"name\":\"旧格式事项\",\"name_en\":\"Old-format service\","
  " \"kiosk\":{\"available\":true},"
  " \"guide\":{\"conditions\":[{\"text\":\"条件\",\"text_en\":\"Condition\"}],"
  "  \"materials\":[{\"name\":\"居民身份证\",\"name_en\":\"ID card\",\"form\":\"original\"},"
  "               {\"name\":\"照片\",\"name_en\":\"Photo\",\"form\":\"original\"}]},"
  " \"form\":{\"fields\":[{\"id\":\"name\",\"label\":\"姓名\",\"type\":\"text\",\"prefill\":\"person.name\",\"readonly\":true},"
  "                      {\"id\":\"phone\",\"label\":\"联系电话\",\"type\":\"phone\",\"required\":true}]}}";
