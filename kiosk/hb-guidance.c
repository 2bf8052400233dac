/* hb-guidance.c — situations in order, then the personal material list. */
#include "kiosk/hb-guidance.h"

/* answers restricted to the situations that apply, walking in order: a situation's ask_if
 * sees only the answers kept before it (ask_if refers to earlier situations only). */
static GHashTable *
effective_answers (HbService *service, GHashTable *answers)
{
  GPtrArray *situations = hb_service_get_situations (service);
  GHashTable *kept = g_hash_table_new (g_str_hash, g_str_equal);
  HbConditionContext ctx = { .answers = kept };

  for (guint i = 0; answers && i < situations->len; i++)
    {
      const HbSituation *s = situations->pdata[i];
      const char *v = g_hash_table_lookup (answers, s->id);
      gboolean valid = FALSE;
      if (v == NULL || hb_condition_eval3 (s->ask_if, &ctx) == HB_CONDITION_FALSE)
        continue;
      for (guint j = 0; j < s->options->len; j++)
        valid |= g_str_equal (((HbFieldOption *) s->options->pdata[j])->value, v);
      if (valid)
        g_hash_table_insert (kept, s->id, (gpointer) v);
    }
  return kept;
}

const HbSituation *
hb_guidance_next_situation (HbService *service, GHashTable *answers)
{
  GPtrArray *situations = hb_service_get_situations (service);
  g_autoptr(GHashTable) kept = effective_answers (service, answers);
  HbConditionContext ctx = { .answers = kept };

  for (guint i = 0; i < situations->len; i++)
    {
      const HbSituation *s = situations->pdata[i];
      if (!g_hash_table_contains (kept, s->id) &&
          hb_condition_eval3 (s->ask_if, &ctx) != HB_CONDITION_FALSE)
        return s;
    }
  return NULL;
}

GPtrArray *
hb_guidance_asked_situations (HbService *service, GHashTable *answers)
{
  GPtrArray *situations = hb_service_get_situations (service);
  g_autoptr(GHashTable) kept = effective_answers (service, answers);
  HbConditionContext ctx = { .answers = kept };
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < situations->len; i++)
    {
      HbSituation *s = situations->pdata[i];
      if (hb_condition_eval3 (s->ask_if, &ctx) != HB_CONDITION_FALSE)
        g_ptr_array_add (out, s);
    }
  return out;
}

guint
hb_guidance_prune_answers (HbService *service, GHashTable *answers)
{
  return hb_guidance_prune_answers_of (&service, 1, answers);
}

guint
hb_guidance_prune_answers_of (HbService *const *services, guint n, GHashTable *answers)
{
  g_autoptr(GPtrArray) drop = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  GHashTableIter it;
  gpointer key;

  if (answers == NULL)
    return 0;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (kept, effective_answers (services[i], answers));
  g_hash_table_iter_init (&it, answers);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      gboolean keep = FALSE;
      for (guint i = 0; i < kept->len && !keep; i++)
        keep = g_hash_table_contains (kept->pdata[i], key);
      if (!keep)
        g_ptr_array_add (drop, g_strdup (key));
    }
  for (guint i = 0; i < drop->len; i++)
    g_hash_table_remove (answers, drop->pdata[i]);
  return drop->len;
}

GPtrArray *
hb_guidance_materials (HbService *service, GHashTable *answers, HbPerson *person,
                       const char *const *licences)
{
  GPtrArray *materials = hb_service_get_materials (service);
  g_autoptr(GHashTable) kept = effective_answers (service, answers);
  HbConditionContext ctx = { .answers = kept, .person = person, .licences = licences };
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < materials->len; i++)
    {
      const HbMaterial *m = materials->pdata[i];
      HbGuideItem *item;
      /* Cannot tell (no licences fetched, no age known): list it — one paper too many
       * beats a wasted trip. */
      if (hb_condition_eval3 (m->required_if, &ctx) == HB_CONDITION_FALSE)
        continue;
      item = g_new0 (HbGuideItem, 1);
      item->material = m;
      item->exempt = m->licence && licences && g_strv_contains (licences, m->licence);
      g_ptr_array_add (out, item);
    }
  return out;
}
