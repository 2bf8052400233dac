/* test-bundle.c — 一件事 through the whole core against platform-sim: a bundle asks its
 * situations and shared data once, each member what it asks besides, and submits one
 * application per member, saved together, in order, each exactly once — online and
 * offline; pre-review stops a submission the resident still has to fix. */
#include "visit-fixture.h"

#define RETIRE "310000-YJS-TX-0003"   /* 退休一件事: 4 members */

static void
choose_retirement (Visit *v)
{
  g_autofree char *out = visit_ctl (v, NULL, "sim", "card-insert", "--sample", "2", NULL);
  g_autoptr(GError) error = NULL;

  visit_wait_state (v, HB_SESSION_IDENTIFIED);   /* 李秀英, born 1952 */
  g_assert_true (hb_core_choose_service (v->core, RETIRE, &error));
  g_assert_no_error (error);
}

/* Answers every situation the visit asks, first option each time, and says which. */
static char *
answer_situations (Visit *v)
{
  GString *asked = g_string_new (NULL);
  const HbSituation *s;
  guint guard = 0;

  while ((s = hb_core_next_situation (v->core)) != NULL && guard++ < 20)
    {
      g_string_append_printf (asked, "%s%s", asked->len ? "," : "", s->id);
      hb_core_set_answer (v->core, s->id, ((HbFieldOption *) s->options->pdata[0])->value);
    }
  g_assert_cmpuint (guard, <, 20);
  return g_string_free (asked, FALSE);
}

static char *
in_a_month (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 30);
  return g_date_time_format (later, "%Y-%m-%d");
}

/* Goes through the questions as the form page does — each answer may change what is asked
 * next — typing an answer into every empty one that gets a page. */
static void
fill_questions (Visit *v)
{
  g_autofree char *date = in_a_month ();

  for (guint guard = 0; guard < 50; guard++)
    {
      g_autoptr(GPtrArray) questions = hb_core_list_questions (v->core);
      HbQuestion *q = NULL;
      const char *id, *value;

      for (guint i = 0; i < questions->len && q == NULL; i++)
        {
          HbQuestion *c = questions->pdata[i];
          const char *now = hb_form_get_value (c->form, c->field->id);
          if (hb_question_needs_page (c) && (now == NULL || *now == '\0'))
            q = c;
        }
      if (q == NULL)
        {
          g_autoptr(GPtrArray) problems = hb_core_check_answers (v->core);
          for (guint i = 0; i < problems->len; i++)
            {
              HbQuestionProblem *p = problems->pdata[i];
              g_test_message ("still to fix: part %u %s: %s", p->part,
                              p->field_id ? p->field_id : "-", p->message);
            }
          return;
        }
      id = q->field->id;
      value = g_str_equal (id, "phone") ? "13912345678"
            : g_str_equal (id, "address") || g_str_equal (id, "mail_address")
              ? "上海市杨浦区控江路1555弄12号602室"
            : g_str_equal (id, "bank_account") ? "6222021001112223334"
            : g_str_equal (id, "retire_date") ? date
            : g_str_equal (id, "delivery") ? "window"
            : NULL;
      if (value == NULL)
        g_error ("a question this test does not know: %s", id);
      g_assert_true (hb_form_set_value (q->form, id, value));
    }
  g_assert_not_reached ();
}

static void
test_a_bundle_submits_one_application_per_member (Visit *v, gconstpointer data)
{
  HbSession *session = hb_core_get_session (v->core);
  g_autofree char *asked = NULL, *phone = NULL;
  g_autoptr(JsonArray) apps = NULL;
  const HbSubmission *s;
  GPtrArray *members;
  const char *first_key;

  choose_retirement (v);
  members = hb_session_get_member_forms (session);
  g_assert_nonnull (members);
  g_assert_cmpuint (members->len, ==, 4);

  /* The bundle's situation, then each member's own — 谁来办理 once although two share it. */
  asked = answer_situations (v);
  g_assert_cmpstr (asked, ==, "one_child,retire_kind,who");

  fill_questions (v);
  phone = g_strdup (hb_form_get_value (hb_session_get_form (session), "phone"));
  g_assert_nonnull (phone);
  s = visit_submit (v);
  g_assert_false (s->queued);
  g_assert_nonnull (s->members);
  g_assert_cmpuint (s->members->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const HbSubmission *m = s->members->pdata[i];
      g_assert_true (g_str_has_prefix (m->case_number, "SH"));
      g_assert_cmpstr (m->service_code, ==,
                       hb_service_get_code (hb_form_get_service (members->pdata[i])));
    }
  g_assert_cmpstr (s->case_number, ==,
                   ((HbSubmission *) s->members->pdata[0])->case_number);

  /* The platform got four applications in order, linked to the bundle, with the shared
   * answers in each and no read-only duplicate work for the resident. */
  apps = visit_platform_list (v, "/_sim/applications");
  g_assert_cmpuint (json_array_get_length (apps), ==, 4);
  first_key = json_object_get_string_member (json_array_get_object_element (apps, 0),
                                             "idempotency_key");
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *app = json_array_get_object_element (apps, i);
      JsonObject *body = json_object_get_object_member (app, "body");
      JsonObject *bundle = json_object_get_object_member (body, "bundle");
      JsonObject *form = json_object_get_object_member (body, "form");
      const HbSubmission *m = s->members->pdata[i];
      g_assert_cmpstr (json_object_get_string_member (app, "service_code"), ==, m->service_code);
      g_assert_cmpstr (json_object_get_string_member (app, "case_number"), ==, m->case_number);
      g_assert_cmpstr (json_object_get_string_member (bundle, "code"), ==, RETIRE);
      g_assert_cmpstr (json_object_get_string_member (bundle, "first_key"), ==, first_key);
      g_assert_cmpint (json_object_get_int_member (bundle, "part"), ==, i + 1);
      g_assert_cmpint (json_object_get_int_member (bundle, "of"), ==, 4);
      g_assert_cmpstr (json_object_get_string_member (form, "phone"), ==, phone);
      /* Applying for herself: the principal's fields are not sent. */
      g_assert_false (json_object_has_member (form, "principal_name"));
    }
  visit_rate_and_finish (v, 5);
  g_assert_null (hb_session_get_member_forms (session));
}

static void
test_pre_review_stops_a_bundle_until_fixed (Visit *v, gconstpointer data)
{
  g_autoptr(GPtrArray) problems = NULL;
  HbForm *form;
  HbQuestionProblem *p;

  choose_retirement (v);
  g_free (answer_situations (v));
  fill_questions (v);
  form = hb_session_get_form (hb_core_get_session (v->core));
  /* A retirement date already past fails the bundle's rule: say so, refuse, send nothing. */
  g_assert_true (hb_form_set_value (form, "retire_date", "2020-01-31"));
  problems = hb_core_check_answers (v->core);
  g_assert_cmpuint (problems->len, ==, 1);
  p = problems->pdata[0];
  g_assert_cmpuint (p->part, ==, 0);
  g_assert_cmpstr (p->field_id, ==, "retire_date");
  g_assert_nonnull (strstr (p->message, "退休日期"));

  visit_reset_async (v);
  hb_core_submit_async (v->core, NULL, submitted_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 10000));
  g_assert_error (v->error, HB_CORE_ERROR, HB_CORE_ERROR_INVALID);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 0);

  /* Fixed: it goes. */
  {
    g_autofree char *date = in_a_month ();
    g_assert_true (hb_form_set_value (form, "retire_date", date));
  }
  g_assert_false (visit_submit (v)->queued);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/applications"), ==, 4);
}

static void
test_an_offline_bundle_is_queued_whole_and_delivered_once (Visit *v, gconstpointer data)
{
  const HbSubmission *s;
  HbOutboxStats stats;
  g_autoptr(JsonArray) apps = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  visit_fault (v, "{\"status\":503}");
  choose_retirement (v);
  g_free (answer_situations (v));
  fill_questions (v);
  s = visit_submit (v);
  g_assert_true (s->queued);
  g_assert_cmpuint (s->members->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const HbSubmission *m = s->members->pdata[i];
      g_assert_true (m->queued);
      g_assert_true (g_str_has_prefix (m->reference, "HB"));
      g_ptr_array_add (keys, g_strdup (m->idempotency_key));
    }
  g_assert_true (hb_outbox_get_stats (hb_core_get_outbox (v->core),
                                      g_get_real_time () / G_USEC_PER_SEC, &stats, NULL));
  g_assert_cmpuint (stats.pending, ==, 4);
  visit_rate_and_finish (v, 4);

  visit_fault (v, "{}");
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 4, 30000));
  g_assert_true (visit_wait_platform (v, "/_sim/ratings", 1, 20000));
  hb_test_spin (1500);   /* further retries would show up as duplicates */
  apps = visit_platform_list (v, "/_sim/applications");
  g_assert_cmpuint (json_array_get_length (apps), ==, 4);
  for (guint i = 0; i < 4; i++)   /* in the bundle's order */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (apps, i),
                                                    "idempotency_key"), ==, keys->pdata[i]);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Visit, NULL, visit_setup, fn, visit_teardown)
  ADD ("/integration/bundle/submits-one-application-per-member-in-order",
       test_a_bundle_submits_one_application_per_member);
  ADD ("/integration/bundle/pre-review-stops-it-until-fixed",
       test_pre_review_stops_a_bundle_until_fixed);
  ADD ("/integration/bundle/offline-it-is-queued-whole-and-delivered-once",
       test_an_offline_bundle_is_queued_whole_and_delivered_once);
  return g_test_run ();
}
