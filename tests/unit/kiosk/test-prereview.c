/* Tests for kiosk/hb-prereview.c: pre-review rules before submit. */
#include "kiosk/hb-prereview.h"
#include "kiosk/hb-i18n.h"
#include "kiosk-test-data.h"
#include "kiosk-v2-sample.h"

#include <string.h>

static const char *const hukou[] = { "hukou_book", NULL };
static const char *const no_licences[] = { NULL };

typedef struct {
  HbService  *service;
  HbPerson   *person;
  HbForm     *form;
  GHashTable *answers;
  GDateTime  *today;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer unused)
{
  f->service = kv2_service ();
  f->person = kt_person (1);   /* born 1985-06-15 */
  f->form = hb_form_new (f->service, f->person);
  f->answers = g_hash_table_new (g_str_hash, g_str_equal);
  f->today = g_date_time_new_local (2026, 11, 27, 9, 0, 0);
  hb_i18n_set_language ("zh_CN");
  g_hash_table_insert (f->answers, "who", "self");
  g_hash_table_insert (f->answers, "married_before", "no");
  hb_form_set_value (f->form, "phone", "13812345678");
  hb_form_set_value (f->form, "partner_name", "李梅");
  hb_form_set_value (f->form, "wedding_date", "2026-12-01");
}

static void
fixture_tear_down (Fixture *f, gconstpointer unused)
{
  g_object_unref (f->form);
  g_object_unref (f->person);
  g_object_unref (f->service);
  g_hash_table_unref (f->answers);
  g_date_time_unref (f->today);
  hb_i18n_set_language ("zh_CN");
}

/* "rule@field,rule@-" in order. */
static char *
run (Fixture *f, const char *const *licences, GDateTime *today)
{
  g_autoptr(GPtrArray) problems = hb_prereview_run (f->form, f->person, f->answers, licences,
                                                    today ? today : f->today);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      HbPrereviewProblem *p = problems->pdata[i];
      g_assert_nonnull (p->message);
      g_assert_cmpstr (p->message, !=, "");
      g_string_append_printf (s, "%s%s@%s", i ? "," : "", p->rule_id,
                              p->field_id ? p->field_id : "-");
    }
  return g_string_free (s, FALSE);
}

static void
test_a_good_application_passes (Fixture *f, gconstpointer unused)
{
  g_autofree char *r = run (f, hukou, NULL);
  g_assert_cmpstr (r, ==, "");
}

static void
test_failures_come_in_rule_order_with_their_field (Fixture *f, gconstpointer unused)
{
  g_autoptr(GDateTime) in_2000 = g_date_time_new_local (2000, 1, 1, 9, 0, 0);
  g_autofree char *r = NULL;
  g_hash_table_insert (f->answers, "married_before", "yes");
  hb_form_set_value (f->form, "divorce_date", "2027-01-01");   /* after the wedding */
  hb_form_set_value (f->form, "wedding_date", "1999-12-01");   /* before "today" */
  r = run (f, no_licences, in_2000);                            /* aged 14 */
  g_assert_cmpstr (r, ==, "age_22@birth_date,divorce_first@divorce_date,"
                          "wedding_future@wedding_date,hukou_online@-");
}

static void
test_messages_follow_the_language (Fixture *f, gconstpointer unused)
{
  g_autoptr(GPtrArray) zh = NULL, en = NULL;
  zh = hb_prereview_run (f->form, f->person, f->answers, no_licences, f->today);
  hb_i18n_set_language ("en");
  en = hb_prereview_run (f->form, f->person, f->answers, no_licences, f->today);
  g_assert_cmpuint (zh->len, ==, 1);
  g_assert_cmpstr (((HbPrereviewProblem *) zh->pdata[0])->message, ==, "请携带户口簿到窗口核验。");
  g_assert_cmpstr (((HbPrereviewProblem *) en->pdata[0])->message, ==,
                   "Bring your hukou book to a window.");
  g_assert_cmpint (((HbPrereviewProblem *) en->pdata[0])->kind, ==, HB_RULE_COMPLETENESS);
}

static void
test_hidden_fields_are_neither_asked_nor_checked (Fixture *f, gconstpointer unused)
{
  g_autoptr(GPtrArray) asked = NULL;
  g_autofree char *r = NULL;
  /* A divorce date left from an earlier answer, then "never married": not checked, and
   * its value does not exist for other rules. */
  g_hash_table_insert (f->answers, "married_before", "yes");
  hb_form_set_value (f->form, "divorce_date", "2027-01-01");
  g_hash_table_insert (f->answers, "married_before", "no");
  r = run (f, hukou, NULL);
  g_assert_cmpstr (r, ==, "");
  asked = hb_prereview_asked_fields (f->form, f->person, f->answers, hukou);
  g_assert_cmpuint (asked->len, ==, hb_service_get_fields (f->service)->len - 1);
  for (guint i = 0; i < asked->len; i++)
    g_assert_cmpstr (((HbFormField *) asked->pdata[i])->id, !=, "divorce_date");
}

static void
test_completeness_asks_for_what_is_missing (Fixture *f, gconstpointer unused)
{
  g_autoptr(GPtrArray) asked = NULL;
  g_autofree char *r = NULL;
  g_hash_table_insert (f->answers, "married_before", "yes");
  asked = hb_prereview_asked_fields (f->form, f->person, f->answers, hukou);
  g_assert_cmpuint (asked->len, ==, hb_service_get_fields (f->service)->len);
  /* Empty divorce date: the consistency rule has nothing to compare, the completeness
   * rule says what to do. */
  r = run (f, hukou, NULL);
  g_assert_cmpstr (r, ==, "judgement_has_date@divorce_date");
  hb_form_set_value (f->form, "divorce_date", "2020-05-05");
  g_clear_pointer (&r, g_free);
  r = run (f, hukou, NULL);
  g_assert_cmpstr (r, ==, "");
}

static void
test_a_service_without_rules_has_no_problems (void)
{
  g_autoptr(HbService) s = hb_service_new_from_json (V1_SERVICE, -1, NULL);
  g_autoptr(HbForm) form = hb_form_new (s, NULL);
  g_autoptr(GPtrArray) problems = hb_prereview_run (form, NULL, NULL, NULL, NULL);
  g_autoptr(GPtrArray) asked = hb_prereview_asked_fields (form, NULL, NULL, NULL);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (asked->len, ==, hb_service_get_fields (s)->len);
}

static void
test_only_asked_fields_are_validated_and_sent (Fixture *f, gconstpointer unused)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) all = NULL;
  const char *bad_date = "2026-02-30";
  /* A wrong divorce date typed before the answer changed to "never married". */
  g_hash_table_insert (f->answers, "married_before", "yes");
  hb_form_set_value (f->form, "divorce_date", bad_date);
  problems = hb_prereview_validate_asked (f->form, f->person, f->answers, hukou);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (((HbFormProblem *) problems->pdata[0])->field->id, ==, "divorce_date");
  g_clear_pointer (&problems, g_ptr_array_unref);
  g_hash_table_insert (f->answers, "married_before", "no");
  problems = hb_prereview_validate_asked (f->form, f->person, f->answers, hukou);
  g_assert_cmpuint (problems->len, ==, 0);
  json = hb_prereview_asked_json (f->form, f->person, f->answers, hukou);
  all = hb_form_to_json (f->form);
  g_assert_true (json_object_has_member (json_node_get_object (all), "divorce_date"));
  g_assert_false (json_object_has_member (json_node_get_object (json), "divorce_date"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "partner_name"),
                   ==, "李梅");
  g_assert_cmpuint (json_object_get_size (json_node_get_object (json)), ==,
                    json_object_get_size (json_node_get_object (all)) - 1);
}

static void
test_what_only_the_platform_knows_is_not_reported (Fixture *f, gconstpointer unused)
{
  g_autoptr(GDateTime) in_2000 = g_date_time_new_local (2000, 1, 1, 9, 0, 0);
  g_autoptr(HbPerson) subject = hb_person_new_subject ("subj-1", "张*", HB_IDENTITY_OFFLINE_CODE);
  g_autoptr(GPtrArray) problems = NULL;
  /* Known only by an offline code: no age here, so the age rule is the platform's; licences
   * not fetched (NULL): the hukou rule too. */
  problems = hb_prereview_run (f->form, subject, f->answers, NULL, in_2000);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = hb_prereview_run (f->form, f->person, f->answers, no_licences, in_2000);
  g_assert_cmpuint (problems->len, ==, 2);   /* age_22, hukou_online */
}

#define ADD(path, fn) \
  g_test_add ("/kiosk/prereview/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("a-good-application-passes", test_a_good_application_passes);
  ADD ("failures-come-in-rule-order-with-their-field", test_failures_come_in_rule_order_with_their_field);
  ADD ("messages-follow-the-language", test_messages_follow_the_language);
  ADD ("hidden-fields-are-neither-asked-nor-checked", test_hidden_fields_are_neither_asked_nor_checked);
  ADD ("completeness-asks-for-what-is-missing", test_completeness_asks_for_what_is_missing);
  ADD ("only-asked-fields-are-validated-and-sent", test_only_asked_fields_are_validated_and_sent);
  ADD ("what-only-the-platform-knows-is-not-reported", test_what_only_the_platform_knows_is_not_reported);
  g_test_add_func ("/kiosk/prereview/a-service-without-rules-has-no-problems",
                   test_a_service_without_rules_has_no_problems);
  return g_test_run ();
}
