/* Tests for kiosk/hb-guidance.c: situations one at a time, then the personal material
 * list with 免于提交. */
#include "kiosk/hb-guidance.h"
#include "kiosk-test-data.h"
#include "kiosk-v2-sample.h"


static GHashTable *
answers_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
answer (GHashTable *answers, const char *id, const char *value)
{
  g_hash_table_insert (answers, g_strdup (id), g_strdup (value));
}

/* "id_card,hukou_book!" — material ids in order, ! marks exempt. */
static char *
material_list (GPtrArray *items)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < items->len; i++)
    {
      HbGuideItem *it = items->pdata[i];
      g_string_append_printf (s, "%s%s%s", i ? "," : "", it->material->id, it->exempt ? "!" : "");
    }
  return g_string_free (s, FALSE);
}

static char *
materials_for (HbService *s, GHashTable *answers, const char *const *licences)
{
  g_autoptr(GPtrArray) items = hb_guidance_materials (s, answers, NULL, licences);
  return material_list (items);
}

static void
test_asks_situations_in_order_skipping_those_that_do_not_apply (void)
{
  g_autoptr(HbService) s = kv2_service ();
  g_autoptr(GHashTable) a = answers_new ();

  g_assert_cmpstr (hb_guidance_next_situation (s, a)->id, ==, "who");
  g_assert_cmpstr (hb_guidance_next_situation (s, NULL)->id, ==, "who");
  answer (a, "who", "self");
  g_assert_cmpstr (hb_guidance_next_situation (s, a)->id, ==, "married_before");
  answer (a, "married_before", "no");
  g_assert_null (hb_guidance_next_situation (s, a));        /* divorce_proof not asked */
  answer (a, "married_before", "yes");
  g_assert_cmpstr (hb_guidance_next_situation (s, a)->id, ==, "divorce_proof");
  answer (a, "divorce_proof", "cert");
  g_assert_null (hb_guidance_next_situation (s, a));
}

static void
test_an_answer_outside_the_options_is_asked_again (void)
{
  g_autoptr(HbService) s = kv2_service ();
  g_autoptr(GHashTable) a = answers_new ();
  answer (a, "who", "neighbour");
  g_assert_cmpstr (hb_guidance_next_situation (s, a)->id, ==, "who");
}

static void
test_material_list_follows_the_answers (void)
{
  g_autoptr(HbService) s = kv2_service ();
  g_autoptr(GHashTable) a = answers_new ();
  g_autofree char *none = NULL, *first = NULL, *divorced = NULL, *judged = NULL, *agent = NULL;

  none = materials_for (s, a, NULL);
  g_assert_cmpstr (none, ==, "id_card,hukou_book");
  answer (a, "who", "self");
  answer (a, "married_before", "no");
  first = materials_for (s, a, NULL);
  g_assert_cmpstr (first, ==, "id_card,hukou_book");
  answer (a, "married_before", "yes");
  answer (a, "divorce_proof", "cert");
  divorced = materials_for (s, a, NULL);
  g_assert_cmpstr (divorced, ==, "id_card,hukou_book,divorce_cert");
  answer (a, "divorce_proof", "judgement");
  judged = materials_for (s, a, NULL);
  g_assert_cmpstr (judged, ==, "id_card,hukou_book,judgement");
  answer (a, "who", "agent");
  agent = materials_for (s, a, NULL);
  g_assert_cmpstr (agent, ==, "id_card,hukou_book,judgement,authorisation");
}

static void
test_stale_answers_do_not_count_and_are_pruned (void)
{
  g_autoptr(HbService) s = kv2_service ();
  g_autoptr(GHashTable) a = answers_new ();
  g_autofree char *list = NULL;
  g_autoptr(GPtrArray) asked = NULL;

  answer (a, "who", "self");
  answer (a, "married_before", "yes");
  answer (a, "divorce_proof", "judgement");
  answer (a, "no_such_question", "x");
  /* The resident goes back and says never married: the judgement is no longer asked. */
  answer (a, "married_before", "no");
  list = materials_for (s, a, NULL);
  g_assert_cmpstr (list, ==, "id_card,hukou_book");
  asked = hb_guidance_asked_situations (s, a);
  g_assert_cmpuint (asked->len, ==, 2);
  g_assert_cmpuint (hb_guidance_prune_answers (s, a), ==, 2);
  g_assert_false (g_hash_table_contains (a, "divorce_proof"));
  g_assert_false (g_hash_table_contains (a, "no_such_question"));
  g_assert_true (g_hash_table_contains (a, "married_before"));
  g_assert_cmpuint (hb_guidance_prune_answers (s, a), ==, 0);
}

static void
test_licences_mark_materials_exempt (void)
{
  static const char *const held[] = { "hukou_book", "driving_licence", NULL };
  g_autoptr(HbService) s = kv2_service ();
  g_autoptr(GHashTable) a = answers_new ();
  g_autofree char *list = NULL;
  answer (a, "married_before", "yes");
  answer (a, "divorce_proof", "cert");
  list = materials_for (s, a, held);
  /* The hukou book comes from the licence store; the divorce certificate has no
   * electronic licence, so it is still asked for. */
  g_assert_cmpstr (list, ==, "id_card,hukou_book!,divorce_cert");
}

static void
test_version_1_services_list_every_material (void)
{
  g_autoptr(HbService) s = hb_service_new_from_json (V1_SERVICE, -1, NULL);
  g_autoptr(GPtrArray) items = hb_guidance_materials (s, NULL, NULL, NULL);
  g_assert_null (hb_guidance_next_situation (s, NULL));
  g_assert_cmpuint (items->len, ==, hb_service_get_materials (s)->len);
  g_assert_false (((HbGuideItem *) items->pdata[0])->exempt);
}

static void
test_undecidable_conditions_ask_and_list (void)
{
  static const char *const none[] = { NULL };
  static const char *const held[] = { "hukou_book", NULL };
  const char *json =
    "{\"code\":\"c\",\"name\":\"n\","
    " \"situations\":[{\"id\":\"elderly\",\"question\":\"q\",\"ask_if\":{\"person\":\"age\",\"op\":\"ge\",\"value\":60},"
    "   \"options\":[{\"value\":\"yes\",\"label\":\"是\"},{\"value\":\"no\",\"label\":\"否\"}]}],"
    " \"guide\":{\"materials\":[{\"id\":\"hukou_copy\",\"name\":\"户口簿复印件\",\"required_if\":{\"not\":{\"licence\":\"hukou_book\"}}}]}}";
  g_autoptr(HbService) s = hb_service_new_from_json (json, -1, NULL);
  g_autoptr(HbPerson) young = kt_person (1);   /* 41 */
  g_autoptr(GPtrArray) unknown = NULL, not_held = NULL, is_held = NULL;
  g_assert_nonnull (s);
  /* No person: cannot tell the age, so the question is asked. */
  g_assert_nonnull (hb_guidance_next_situation (s, NULL));
  /* Licences not fetched: the copy is listed; fetched: only when the licence is missing. */
  unknown = hb_guidance_materials (s, NULL, young, NULL);
  not_held = hb_guidance_materials (s, NULL, young, none);
  is_held = hb_guidance_materials (s, NULL, young, held);
  g_assert_cmpuint (unknown->len, ==, 1);
  g_assert_cmpuint (not_held->len, ==, 1);
  g_assert_cmpuint (is_held->len, ==, 0);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/guidance/asks-situations-in-order-skipping-those-that-do-not-apply",
                   test_asks_situations_in_order_skipping_those_that_do_not_apply);
  g_test_add_func ("/kiosk/guidance/an-answer-outside-the-options-is-asked-again",
                   test_an_answer_outside_the_options_is_asked_again);
  g_test_add_func ("/kiosk/guidance/material-list-follows-the-answers",
                   test_material_list_follows_the_answers);
  g_test_add_func ("/kiosk/guidance/stale-answers-do-not-count-and-are-pruned",
                   test_stale_answers_do_not_count_and_are_pruned);
  g_test_add_func ("/kiosk/guidance/held-licences-mark-materials-exempt",
                   test_licences_mark_materials_exempt);
  g_test_add_func ("/kiosk/guidance/version-1-services-list-every-material",
                   test_version_1_services_list_every_material);
  g_test_add_func ("/kiosk/guidance/undecidable-conditions-ask-and-list",
                   test_undecidable_conditions_ask_and_list);
  return g_test_run ();
}
