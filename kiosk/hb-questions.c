/* hb-questions.c — one question per page and the check before submit, over a service's
 * form or a bundle's forms. */
#include "kiosk/hb-questions.h"

void
hb_question_problem_free (HbQuestionProblem *problem)
{
  g_free (problem->message);
  g_free (problem);
}

static guint
n_parts (const HbQuestionsScope *scope)
{
  return 1 + (scope->members ? scope->members->len : 0);
}

static HbForm *
part_form (const HbQuestionsScope *scope, guint part)
{
  return part == 0 ? scope->form : scope->members->pdata[part - 1];
}

static gboolean
is_shared (const HbQuestionsScope *scope, const char *field_id)
{
  return scope->shared && g_strv_contains (scope->shared, field_id);
}

void
hb_questions_share (const HbQuestionsScope *scope)
{
  for (guint part = 1; part < n_parts (scope); part++)
    for (guint i = 0; scope->shared && scope->shared[i]; i++)
      {
        HbForm *member = part_form (scope, part);
        const char *id = scope->shared[i];
        const HbFormField *f = hb_service_find_field (hb_form_get_service (member), id);
        /* Read-only fields come from the same card in every form. */
        if (f && !f->readonly && hb_service_find_field (hb_form_get_service (scope->form), id))
          hb_form_set_value (member, id, hb_form_get_value (scope->form, id));
      }
}

GPtrArray *
hb_questions_list (const HbQuestionsScope *scope)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint part = 0; part < n_parts (scope); part++)
    {
      HbForm *form = part_form (scope, part);
      g_autoptr(GPtrArray) asked =
        hb_prereview_asked_fields (form, scope->person, scope->answers, scope->licences);
      for (guint i = 0; i < asked->len; i++)
        {
          const HbFormField *f = asked->pdata[i];
          HbQuestion *q;
          if (part > 0 && is_shared (scope, f->id))
            continue;
          q = g_new (HbQuestion, 1);
          q->form = form;
          q->field = f;
          q->part = part;
          g_ptr_array_add (out, q);
        }
    }
  return out;
}

gboolean
hb_question_needs_page (const HbQuestion *question)
{
  return !question->field->readonly &&
         !hb_form_is_prefilled (question->form, question->field->id);
}

int
hb_questions_find (GPtrArray *questions, HbForm *form, const char *field_id)
{
  for (guint i = 0; questions && i < questions->len; i++)
    {
      HbQuestion *q = questions->pdata[i];
      if (q->form == form && g_strcmp0 (q->field->id, field_id) == 0)
        return (int) i;
    }
  return -1;
}

/* A shared answer is the bundle's: its own field and rules check it (members' rules about
 * it may even disagree — one member wants a retirement date still to come, another one
 * already past — and the platform settles each member's timing). So a member's problem at
 * a shared field is not the resident's to fix here. */
static void
add_problem (GPtrArray *out, const HbQuestionsScope *scope, guint part, const char *field_id,
             const char *message)
{
  HbQuestionProblem *p;

  if (part > 0 && field_id && is_shared (scope, field_id) &&
      hb_service_find_field (hb_form_get_service (scope->form), field_id))
    return;
  /* One message per answer is enough to fix it (the field's own check comes first). */
  for (guint i = 0; i < out->len; i++)
    {
      HbQuestionProblem *seen = out->pdata[i];
      if (seen->part == part && g_strcmp0 (seen->field_id, field_id) == 0 &&
          (field_id != NULL || g_str_equal (seen->message, message)))
        return;
    }
  p = g_new0 (HbQuestionProblem, 1);
  p->part = part;
  p->form = part_form (scope, part);
  p->field_id = field_id;
  p->message = g_strdup (message);
  g_ptr_array_add (out, p);
}

GPtrArray *
hb_questions_check (const HbQuestionsScope *scope, GDateTime *today)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_question_problem_free);

  hb_questions_share (scope);
  for (guint part = 0; part < n_parts (scope); part++)
    {
      HbForm *form = part_form (scope, part);
      g_autoptr(GPtrArray) fields =
        hb_prereview_validate_asked (form, scope->person, scope->answers, scope->licences);
      g_autoptr(GPtrArray) rules =
        hb_prereview_run (form, scope->person, scope->answers, scope->licences, today);

      for (guint i = 0; i < fields->len; i++)
        {
          HbFormProblem *p = fields->pdata[i];
          add_problem (out, scope, part, p->field->id, p->message);
        }
      for (guint i = 0; i < rules->len; i++)
        {
          HbPrereviewProblem *p = rules->pdata[i];
          add_problem (out, scope, part, p->field_id, p->message);
        }
    }
  return out;
}

JsonNode *
hb_questions_part_json (const HbQuestionsScope *scope, guint part)
{
  g_return_val_if_fail (part < n_parts (scope), NULL);
  hb_questions_share (scope);
  return hb_prereview_asked_json (part_form (scope, part), scope->person, scope->answers,
                                  scope->licences);
}
