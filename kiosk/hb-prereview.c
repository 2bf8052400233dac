/* hb-prereview.c — run pre-review rules over a form. */
#include "kiosk/hb-prereview.h"

void
hb_prereview_problem_free (HbPrereviewProblem *problem)
{
  g_free (problem->message);
  g_free (problem);
}

typedef struct {
  HbForm     *form;
  GHashTable *asked;   /* field id set */
} Visible;

/* Values of fields that are not asked do not exist for conditions. */
static const char *
visible_value (gpointer data, const char *field_id)
{
  Visible *v = data;
  if (!g_hash_table_contains (v->asked, field_id))
    return NULL;
  return hb_form_get_value (v->form, field_id);
}

/* Fills visible->asked in order (a field's ask_if refers to earlier fields only). */
static GPtrArray *
asked_fields (HbForm *form, Visible *visible, HbConditionContext *ctx)
{
  GPtrArray *fields = hb_service_get_fields (hb_form_get_service (form));
  GPtrArray *out = g_ptr_array_new ();

  ctx->field_value = visible_value;
  ctx->field_data = visible;
  for (guint i = 0; i < fields->len; i++)
    {
      HbFormField *f = fields->pdata[i];
      if (hb_condition_eval3 (f->ask_if, ctx) != HB_CONDITION_FALSE)
        {
          g_hash_table_add (visible->asked, f->id);
          g_ptr_array_add (out, f);
        }
    }
  return out;
}

GPtrArray *
hb_prereview_asked_fields (HbForm *form, HbPerson *person, GHashTable *answers,
                           const char *const *licences)
{
  g_autoptr(GHashTable) asked = g_hash_table_new (g_str_hash, g_str_equal);
  Visible visible = { form, asked };
  HbConditionContext ctx = { .answers = answers, .person = person, .licences = licences };
  return asked_fields (form, &visible, &ctx);
}

GPtrArray *
hb_prereview_validate_asked (HbForm *form, HbPerson *person, GHashTable *answers,
                             const char *const *licences)
{
  g_autoptr(GPtrArray) asked = hb_prereview_asked_fields (form, person, answers, licences);
  g_autoptr(GPtrArray) all = hb_form_validate (form);
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_form_problem_free);

  for (guint i = 0; i < all->len; i++)
    {
      HbFormProblem *p = all->pdata[i];
      if (g_ptr_array_find (asked, p->field, NULL))
        g_ptr_array_add (problems, g_ptr_array_steal_index (all, i--));
    }
  return problems;
}

JsonNode *
hb_prereview_asked_json (HbForm *form, HbPerson *person, GHashTable *answers,
                         const char *const *licences)
{
  g_autoptr(GPtrArray) asked = hb_prereview_asked_fields (form, person, answers, licences);
  g_autoptr(JsonNode) all = hb_form_to_json (form);
  JsonObject *from = json_node_get_object (all);
  JsonObject *to = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < asked->len; i++)
    {
      const char *id = ((HbFormField *) asked->pdata[i])->id;
      if (json_object_has_member (from, id))
        json_object_set_member (to, id, json_node_copy (json_object_get_member (from, id)));
    }
  json_node_take_object (node, to);
  return node;
}

GPtrArray *
hb_prereview_run (HbForm *form, HbPerson *person, GHashTable *answers,
                  const char *const *licences, GDateTime *today)
{
  GPtrArray *rules = hb_service_get_prereview (hb_form_get_service (form));
  g_autoptr(GHashTable) asked = g_hash_table_new (g_str_hash, g_str_equal);
  Visible visible = { form, asked };
  HbConditionContext ctx = { .answers = answers, .person = person, .licences = licences,
                             .today = today };
  GPtrArray *problems =
    g_ptr_array_new_with_free_func ((GDestroyNotify) hb_prereview_problem_free);

  g_ptr_array_unref (asked_fields (form, &visible, &ctx));   /* fills `asked` */

  for (guint i = 0; i < rules->len; i++)
    {
      const HbPrereviewRule *r = rules->pdata[i];
      HbPrereviewProblem *p;
      if (r->field)
        {
          const char *v = visible_value (&visible, r->field);
          if (!g_hash_table_contains (asked, r->field))
            continue;   /* hidden: neither asked nor checked */
          if ((r->kind == HB_RULE_FORMAT || r->kind == HB_RULE_CONSISTENCY) &&
              (v == NULL || *v == '\0'))
            continue;   /* nothing entered to check */
        }
      /* Only a rule that surely applies and surely fails is reported: what the terminal
       * cannot know (an offline code's age, licences not fetched) the platform checks. */
      if (hb_condition_eval3 (r->when, &ctx) != HB_CONDITION_TRUE ||
          hb_condition_eval3 (r->require, &ctx) != HB_CONDITION_FALSE)
        continue;
      p = g_new0 (HbPrereviewProblem, 1);
      p->rule_id = r->id;
      p->kind = r->kind;
      p->field_id = r->field;
      p->message = g_strdup (hb_text_get (&r->message));
      g_ptr_array_add (problems, p);
    }
  return problems;
}
