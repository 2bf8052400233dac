/* Tests for kiosk/hb-questions.c: one question per page and the check before submit, for a
 * plain service and a 一件事 bundle (data/catalog.json). */
#include "kiosk/hb-questions.h"
#include "kiosk/hb-i18n.h"
#include "kiosk-test-data.h"

#define RESIDENCE "310000-GA-JZZ-0003"   /* 居住证签注 */
#define RETIRE    "310000-YJS-TX-0003"   /* 退休一件事 */
#define AWARD     "310000-WJ-DS-0103"    /* its member 独生子女父母奖励费申领 (who → principal) */

typedef struct {
  HbService  *service;
  HbPerson   *person;
  HbForm     *form;
  GPtrArray  *members;     /* HbForm* */
  GHashTable *answers;
  HbQuestionsScope scope;
  GDateTime  *today;
} Fixture;

static void
set_up (Fixture *f, const char *code, guint card)
{
  const char *const *codes;

  hb_i18n_set_language ("zh_CN");
  f->service = kt_service (code);
  f->person = kt_person (card);
  f->form = hb_form_new (f->service, f->person);
  f->answers = g_hash_table_new (g_str_hash, g_str_equal);
  f->members = g_ptr_array_new_with_free_func (g_object_unref);
  codes = hb_service_get_bundle_members (f->service);
  for (guint i = 0; codes[i]; i++)
    {
      g_autoptr(HbService) m = kt_service (codes[i]);
      g_ptr_array_add (f->members, hb_form_new (m, f->person));
    }
  f->scope = (HbQuestionsScope) {
    .form = f->form, .members = f->members->len ? f->members : NULL,
    .shared = hb_service_get_bundle_shared (f->service), .person = f->person,
    .answers = f->answers, .licences = NULL,
  };
  f->today = g_date_time_new_local (2026, 11, 27, 9, 0, 0);
}

static void
set_up_plain (Fixture *f, gconstpointer unused)
{
  set_up (f, RESIDENCE, 1);
}

static void
set_up_bundle (Fixture *f, gconstpointer unused)
{
  set_up (f, RETIRE, 2);   /* 李秀英, born 1952: of retirement age */
}

static void
tear_down (Fixture *f, gconstpointer unused)
{
  g_ptr_array_unref (f->members);
  g_object_unref (f->form);
  g_object_unref (f->person);
  g_object_unref (f->service);
  g_hash_table_unref (f->answers);
  g_date_time_unref (f->today);
}

/* "part:field" for every question (or only those that get a page). */
static char *
describe (GPtrArray *questions, gboolean paged_only)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < questions->len; i++)
    {
      HbQuestion *q = questions->pdata[i];
      if (paged_only && !hb_question_needs_page (q))
        continue;
      g_string_append_printf (s, "%s%u:%s", s->len ? "," : "", q->part, q->field->id);
    }
  return g_string_free (s, FALSE);
}

static char *
describe_problems (GPtrArray *problems)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      HbQuestionProblem *p = problems->pdata[i];
      g_assert_nonnull (p->message);
      g_assert_cmpstr (p->message, !=, "");
      g_string_append_printf (s, "%s%u:%s", s->len ? "," : "", p->part,
                              p->field_id ? p->field_id : "-");
    }
  return g_string_free (s, FALSE);
}

static void
test_plain_service_pages_only_what_the_card_did_not_answer (Fixture *f, gconstpointer d)
{
  g_autoptr(GPtrArray) questions = hb_questions_list (&f->scope);
  g_autofree char *all = describe (questions, FALSE);
  g_autofree char *paged = describe (questions, TRUE);

  g_assert_cmpstr (all, ==, "0:name,0:id_number,0:residence_address,0:phone,0:pickup");
  /* Name and number are read-only; the address came from the card; the pick-up choice has
   * only a default, so it is still asked. */
  g_assert_cmpstr (paged, ==, "0:phone,0:pickup");
  g_assert_cmpint (hb_questions_find (questions, f->form, "phone"), ==, 3);
  g_assert_cmpint (hb_questions_find (questions, f->form, "nope"), ==, -1);
}

static void
test_an_edited_answer_keeps_its_page (Fixture *f, gconstpointer d)
{
  g_autoptr(GPtrArray) questions = NULL;
  g_autofree char *paged = NULL;

  /* Changed on the check page: from then on it is the resident's answer, asked in turn. */
  g_assert_true (hb_form_set_value (f->form, "residence_address", "上海市黄浦区人民大道200号"));
  questions = hb_questions_list (&f->scope);
  paged = describe (questions, TRUE);
  g_assert_cmpstr (paged, ==, "0:residence_address,0:phone,0:pickup");
}

static void
test_plain_service_check_names_each_problem_and_where (Fixture *f, gconstpointer d)
{
  g_autoptr(GPtrArray) missing = hb_questions_check (&f->scope, f->today);
  g_autofree char *m = describe_problems (missing);
  g_autoptr(GPtrArray) bad = NULL, none = NULL;
  g_autofree char *b = NULL;

  g_assert_cmpstr (m, ==, "0:phone");
  hb_form_set_value (f->form, "phone", "12345");
  bad = hb_questions_check (&f->scope, f->today);
  b = describe_problems (bad);
  g_assert_cmpstr (b, ==, "0:phone");
  hb_form_set_value (f->form, "phone", "13812345678");
  none = hb_questions_check (&f->scope, f->today);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_bundle_asks_shared_data_once_then_each_members_rest (Fixture *f, gconstpointer d)
{
  g_autoptr(GPtrArray) questions = NULL;
  g_autofree char *paged = NULL;

  g_assert_cmpuint (f->members->len, ==, 4);
  g_hash_table_insert (f->answers, "who", "agent");
  questions = hb_questions_list (&f->scope);
  paged = describe (questions, TRUE);
  /* The bundle's phone, address, account and date once; then only what 独生子女父母奖励费
   * asks besides (the principal, since an agent applies); 敬老卡 asks its delivery (and the
   * postal address, until the delivery is known not to be by post). */
  g_assert_cmpstr (paged, ==,
                   "0:phone,0:address,0:bank_account,0:retire_date,"
                   "3:principal_name,3:principal_id_number,4:delivery,4:mail_address");

  /* Applying for oneself: the principal is not asked. */
  g_hash_table_insert (f->answers, "who", "self");
  g_clear_pointer (&questions, g_ptr_array_unref);
  g_clear_pointer (&paged, g_free);
  questions = hb_questions_list (&f->scope);
  paged = describe (questions, TRUE);
  g_assert_cmpstr (paged, ==, "0:phone,0:address,0:bank_account,0:retire_date,4:delivery,"
                              "4:mail_address");
  /* …and once the delivery is chosen, the postal address only when it goes by post. */
  hb_form_set_value (f->members->pdata[3], "delivery", "window");
  g_clear_pointer (&questions, g_ptr_array_unref);
  g_clear_pointer (&paged, g_free);
  questions = hb_questions_list (&f->scope);
  paged = describe (questions, TRUE);
  g_assert_cmpstr (paged, ==, "0:phone,0:address,0:bank_account,0:retire_date,4:delivery");
}

static void
test_shared_answers_reach_every_member (Fixture *f, gconstpointer d)
{
  hb_form_set_value (f->form, "phone", "13912345678");
  hb_form_set_value (f->form, "retire_date", "2026-12-01");
  hb_questions_share (&f->scope);
  for (guint i = 0; i < f->members->len; i++)
    {
      HbForm *m = f->members->pdata[i];
      g_assert_cmpstr (hb_form_get_value (m, "phone"), ==, "13912345678");
      if (hb_service_find_field (hb_form_get_service (m), "retire_date"))
        g_assert_cmpstr (hb_form_get_value (m, "retire_date"), ==, "2026-12-01");
    }
}

static void
fill_bundle (Fixture *f)
{
  g_hash_table_insert (f->answers, "one_child", "yes");
  g_hash_table_insert (f->answers, "retire_kind", "normal");
  g_hash_table_insert (f->answers, "who", "self");
  hb_form_set_value (f->form, "phone", "13912345678");
  hb_form_set_value (f->form, "address", "上海市杨浦区控江路1555弄12号602室");
  hb_form_set_value (f->form, "bank_account", "6222021001112223334");
  hb_form_set_value (f->form, "retire_date", "2026-12-01");
  hb_form_set_value (f->members->pdata[3], "delivery", "window");
}

static void
test_bundle_check_reports_shared_problems_once_at_the_bundle (Fixture *f, gconstpointer d)
{
  g_autoptr(GPtrArray) ok = NULL, bad = NULL;
  g_autofree char *b = NULL;

  fill_bundle (f);
  ok = hb_questions_check (&f->scope, f->today);
  /* Members disagree about the shared retirement date (one wants it to come, two want it
   * past): the bundle's rule decides; nothing left for the resident to fix. */
  g_assert_cmpuint (ok->len, ==, 0);

  /* A bad shared phone: every member has a phone rule, the resident sees it once. */
  hb_form_set_value (f->form, "phone", "139");
  bad = hb_questions_check (&f->scope, f->today);
  b = describe_problems (bad);
  g_assert_cmpstr (b, ==, "0:phone");
}

static void
test_bundle_check_reports_a_members_own_problem_at_its_part (Fixture *f, gconstpointer d)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *p = NULL;

  fill_bundle (f);
  hb_form_set_value (f->members->pdata[3], "delivery", NULL);
  problems = hb_questions_check (&f->scope, f->today);
  p = describe_problems (problems);
  g_assert_cmpstr (p, ==, "4:delivery");
  g_assert_true (((HbQuestionProblem *) problems->pdata[0])->form == f->members->pdata[3]);
}

static void
test_part_json_sends_the_asked_fields_with_the_shared_values (Fixture *f, gconstpointer d)
{
  g_autoptr(JsonNode) award = NULL;
  JsonObject *o;

  fill_bundle (f);
  /* A principal typed while "agent" was chosen, then the answer changed back. */
  hb_form_set_value (f->members->pdata[2], "principal_name", "王五");
  award = hb_questions_part_json (&f->scope, 3);
  o = json_node_get_object (award);
  g_assert_cmpstr (json_object_get_string_member (o, "phone"), ==, "13912345678");
  g_assert_cmpstr (json_object_get_string_member (o, "retire_date"), ==, "2026-12-01");
  g_assert_false (json_object_has_member (o, "principal_name"));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, setup, fn) g_test_add (path, Fixture, NULL, setup, fn, tear_down)
  ADD ("/kiosk/questions/plain-service-pages-only-what-the-card-did-not-answer",
       set_up_plain, test_plain_service_pages_only_what_the_card_did_not_answer);
  ADD ("/kiosk/questions/an-edited-answer-keeps-its-page", set_up_plain,
       test_an_edited_answer_keeps_its_page);
  ADD ("/kiosk/questions/plain-service-check-names-each-problem-and-where", set_up_plain,
       test_plain_service_check_names_each_problem_and_where);
  ADD ("/kiosk/questions/bundle-asks-shared-data-once-then-each-members-rest", set_up_bundle,
       test_bundle_asks_shared_data_once_then_each_members_rest);
  ADD ("/kiosk/questions/shared-answers-reach-every-member", set_up_bundle,
       test_shared_answers_reach_every_member);
  ADD ("/kiosk/questions/bundle-check-reports-shared-problems-once-at-the-bundle",
       set_up_bundle, test_bundle_check_reports_shared_problems_once_at_the_bundle);
  ADD ("/kiosk/questions/bundle-check-reports-a-members-own-problem-at-its-part",
       set_up_bundle, test_bundle_check_reports_a_members_own_problem_at_its_part);
  ADD ("/kiosk/questions/part-json-sends-the-asked-fields-with-the-shared-values",
       set_up_bundle, test_part_json_sends_the_asked_fields_with_the_shared_values);
  return g_test_run ();
}
