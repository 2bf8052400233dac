/* hb-service.c — parse and validate a catalog service object. */
#include "kiosk/hb-service.h"
#include "kiosk/hb-i18n.h"
#include "common/hb-json.h"

#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK (hb-service-error-quark, hb_service_error)

struct _HbService
{
  GObject    parent_instance;
  char      *code;
  HbText     name, summary, category, department;
  gboolean   available;
  GStrv      hardware;
  GPtrArray *conditions;   /* HbText* */
  GPtrArray *materials;    /* HbMaterial* */
  HbText     time_limit, fee, channel_note, receipt_title;
  char      *consult_phone;
  int        visits_required;
  GPtrArray *fields;       /* HbFormField* */
  /* version 2 */
  HbServiceKind kind;
  char      *service_type;
  HbServiceAudience audience;
  GStrv      life_events, keywords;
  gint64     popularity;
  GPtrArray *situations;   /* HbSituation* */
  GPtrArray *process;      /* HbText* */
  GPtrArray *legal_basis;  /* HbText* */
  gboolean   fee_charged, instant;
  HbText     fee_basis;
  int        legal_workdays, promised_workdays;
  GPtrArray *prereview;    /* HbPrereviewRule* */
  GStrv      bundle_members, bundle_shared;
};

G_DEFINE_FINAL_TYPE (HbService, hb_service, G_TYPE_OBJECT)

const char *
hb_text_get (const HbText *text)
{
  if (text == NULL || text->zh == NULL)
    return "";
  return hb_i18n_pick (text->zh, text->en);
}

static void
text_clear (HbText *t)
{
  g_clear_pointer (&t->zh, g_free);
  g_clear_pointer (&t->en, g_free);
}

static void
text_free (HbText *t)
{
  text_clear (t);
  g_free (t);
}

static void
material_free (HbMaterial *m)
{
  text_clear (&m->name);
  text_clear (&m->note);
  g_free (m->form);
  g_free (m->id);
  g_free (m->licence);
  hb_condition_free (m->required_if);
  g_free (m);
}

static void
option_free (HbFieldOption *o)
{
  g_free (o->value);
  text_clear (&o->label);
  g_free (o);
}

static void
field_free (HbFormField *f)
{
  g_free (f->id);
  text_clear (&f->label);
  text_clear (&f->hint);
  g_free (f->prefill);
  g_free (f->default_value);
  g_clear_pointer (&f->options, g_ptr_array_unref);
  hb_condition_free (f->ask_if);
  g_free (f);
}

static void
situation_free (HbSituation *s)
{
  g_free (s->id);
  text_clear (&s->question);
  text_clear (&s->hint);
  g_clear_pointer (&s->options, g_ptr_array_unref);
  hb_condition_free (s->ask_if);
  g_free (s);
}

static void
rule_free (HbPrereviewRule *r)
{
  g_free (r->id);
  hb_condition_free (r->when);
  hb_condition_free (r->require);
  g_free (r->field);
  text_clear (&r->message);
  g_free (r);
}

static void
hb_service_finalize (GObject *object)
{
  HbService *self = HB_SERVICE (object);
  g_free (self->code);
  text_clear (&self->name);
  text_clear (&self->summary);
  text_clear (&self->category);
  text_clear (&self->department);
  text_clear (&self->time_limit);
  text_clear (&self->fee);
  text_clear (&self->channel_note);
  text_clear (&self->receipt_title);
  g_strfreev (self->hardware);
  g_free (self->consult_phone);
  g_ptr_array_unref (self->conditions);
  g_ptr_array_unref (self->materials);
  g_ptr_array_unref (self->fields);
  g_free (self->service_type);
  g_strfreev (self->life_events);
  g_strfreev (self->keywords);
  g_ptr_array_unref (self->situations);
  g_ptr_array_unref (self->process);
  g_ptr_array_unref (self->legal_basis);
  text_clear (&self->fee_basis);
  g_ptr_array_unref (self->prereview);
  g_strfreev (self->bundle_members);
  g_strfreev (self->bundle_shared);
  G_OBJECT_CLASS (hb_service_parent_class)->finalize (object);
}

static void
hb_service_class_init (HbServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_service_finalize;
}

static void
hb_service_init (HbService *self)
{
  self->conditions = g_ptr_array_new_with_free_func ((GDestroyNotify) text_free);
  self->materials = g_ptr_array_new_with_free_func ((GDestroyNotify) material_free);
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->situations = g_ptr_array_new_with_free_func ((GDestroyNotify) situation_free);
  self->process = g_ptr_array_new_with_free_func ((GDestroyNotify) text_free);
  self->legal_basis = g_ptr_array_new_with_free_func ((GDestroyNotify) text_free);
  self->prereview = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  self->audience = HB_SERVICE_FOR_PERSON;
  self->legal_workdays = self->promised_workdays = -1;
}

/* --- bounded JSON helpers --------------------------------------------------------- */

static gboolean
get_string (JsonObject *o, const char *member, gboolean required, char **out,
            const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, member);
  const char *s;

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (required)
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s: \"%s\" is missing", where, member);
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" must be a string", where, member);
      return FALSE;
    }
  s = json_node_get_string (n);
  if (strlen (s) > HB_SERVICE_TEXT_MAX)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" is longer than %d bytes", where, member, HB_SERVICE_TEXT_MAX);
      return FALSE;
    }
  if (required && *s == '\0')
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" is empty", where, member);
      return FALSE;
    }
  *out = g_strdup (s);
  return TRUE;
}

/* "x" and its English sibling "x_en". */
static gboolean
get_text (JsonObject *o, const char *member, gboolean required, HbText *out,
          const char *where, GError **error)
{
  g_autofree char *en_member = g_strconcat (member, "_en", NULL);
  if (!get_string (o, member, required, &out->zh, where, error))
    return FALSE;
  if (!get_string (o, en_member, FALSE, &out->en, where, error))
    return FALSE;
  if (out->zh == NULL && out->en != NULL)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" without \"%s\"", where, en_member, member);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_bool (JsonObject *o, const char *member, gboolean def, gboolean *out, const char *where,
          GError **error)
{
  JsonNode *n = json_object_get_member (o, member);
  *out = def;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" must be true or false", where, member);
      return FALSE;
    }
  *out = json_node_get_boolean (n);
  return TRUE;
}

static gboolean
get_int (JsonObject *o, const char *member, gint64 def, gint64 min, gint64 max, gint64 *out,
         const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, member);
  *out = def;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
      json_node_get_int (n) < min || json_node_get_int (n) > max)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" must be a whole number from %" G_GINT64_FORMAT " to %"
                   G_GINT64_FORMAT, where, member, min, max);
      return FALSE;
    }
  *out = json_node_get_int (n);
  return TRUE;
}

/* An optional member that must be an object when present. */
static gboolean
get_object (JsonObject *o, const char *member, JsonObject **out, const char *where,
            GError **error)
{
  JsonNode *n = json_object_get_member (o, member);
  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" must be an object", where, member);
      return FALSE;
    }
  *out = json_node_get_object (n);
  return TRUE;
}

static gboolean
get_array (JsonObject *o, const char *member, guint max, JsonArray **out, const char *where,
           GError **error)
{
  JsonNode *n = json_object_get_member (o, member);
  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" must be an array", where, member);
      return FALSE;
    }
  *out = json_node_get_array (n);
  if (json_array_get_length (*out) > max)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"%s\" has more than %u entries", where, member, max);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
array_object (JsonArray *a, guint i, const char *where, GError **error)
{
  JsonNode *n = json_array_get_element (a, i);
  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s[%u] must be an object", where, i);
      return NULL;
    }
  return json_node_get_object (n);
}

/* --- parts -------------------------------------------------------------------------- */

/* docs/service-format.md "Pre-fill sources"; enterprise.legal_person is the version-1
 * name of enterprise.legal_rep and stays accepted. history.<field id> is checked apart. */
static const char *const prefill_sources[] = {
  "person.name", "person.id_number", "person.address", "person.birth_date", "person.sex",
  "person.nation",
  "profile.phone", "profile.address", "profile.email", "profile.employer",
  "profile.education", "profile.marital_status", "profile.bank_account",
  "enterprise.name", "enterprise.uscc", "enterprise.legal_person", "enterprise.legal_rep",
  "enterprise.address", "enterprise.type", "enterprise.registered_capital", NULL
};

static gboolean
valid_prefill (const char *source)
{
  if (g_str_has_prefix (source, "history."))
    return hb_catalog_id_is_valid (source + strlen ("history."));
  return g_strv_contains (prefill_sources, source);
}

static const struct { const char *name; HbFieldType type; } field_types[] = {
  { "text", HB_FIELD_TEXT }, { "id_number", HB_FIELD_ID_NUMBER }, { "phone", HB_FIELD_PHONE },
  { "choice", HB_FIELD_CHOICE }, { "date", HB_FIELD_DATE }, { "number", HB_FIELD_NUMBER },
  { "uscc", HB_FIELD_USCC }, { "postcode", HB_FIELD_POSTCODE },
};

/* Choice options and situation options: {value, label, label_en}, values unique. */
static gboolean
parse_options (JsonArray *options, GPtrArray **out, const char *where, GError **error)
{
  *out = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);
  for (guint i = 0; i < json_array_get_length (options); i++)
    {
      g_autofree char *owhere = g_strdup_printf ("%s.options[%u]", where, i);
      JsonObject *oo = array_object (options, i, owhere, error);
      HbFieldOption *opt;
      if (oo == NULL)
        return FALSE;
      opt = g_new0 (HbFieldOption, 1);
      g_ptr_array_add (*out, opt);
      if (!get_string (oo, "value", TRUE, &opt->value, owhere, error) ||
          !get_text (oo, "label", TRUE, &opt->label, owhere, error))
        return FALSE;
      for (guint j = 0; j + 1 < (*out)->len; j++)
        if (g_str_equal (((HbFieldOption *) (*out)->pdata[j])->value, opt->value))
          {
            g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                         "%s: duplicate option value", owhere);
            return FALSE;
          }
    }
  return TRUE;
}

static gboolean
parse_field (HbService *self, JsonObject *o, guint index, GError **error)
{
  g_autofree char *where = g_strdup_printf ("form.fields[%u]", index);
  g_autofree char *type = NULL;
  HbFormField *f = g_new0 (HbFormField, 1);
  gint64 max_length;
  JsonArray *options;

  g_ptr_array_add (self->fields, f);   /* owned from here on, also on error */
  if (!get_string (o, "id", TRUE, &f->id, where, error) ||
      !get_text (o, "label", TRUE, &f->label, where, error) ||
      !get_text (o, "hint", FALSE, &f->hint, where, error) ||
      !get_string (o, "type", TRUE, &type, where, error) ||
      !get_string (o, "prefill", FALSE, &f->prefill, where, error) ||
      !get_string (o, "default", FALSE, &f->default_value, where, error) ||
      !get_bool (o, "readonly", FALSE, &f->readonly, where, error) ||
      !get_bool (o, "required", FALSE, &f->required, where, error) ||
      !get_bool (o, "sensitive", FALSE, &f->sensitive, where, error) ||
      !get_int (o, "max_length", 0, 0, 1000, &max_length, where, error) ||
      !get_array (o, "options", HB_SERVICE_MAX_OPTIONS, &options, where, error))
    return FALSE;
  f->max_length = (guint) max_length;

  if (!hb_catalog_id_is_valid (f->id))
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"id\" must be 1-32 characters of a-z, 0-9 and _", where);
      return FALSE;
    }
  if (hb_service_find_field (self, f->id) != f)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: duplicate id \"%s\"", where, f->id);
      return FALSE;
    }
  {
    guint k;
    for (k = 0; k < G_N_ELEMENTS (field_types) && !g_str_equal (type, field_types[k].name); k++)
      ;
    if (k == G_N_ELEMENTS (field_types))
      {
        g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                     "%s: unknown type \"%.32s\"", where, type);
        return FALSE;
      }
    f->type = field_types[k].type;
  }
  if (f->prefill && !valid_prefill (f->prefill))
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: unknown prefill source \"%.32s\"", where, f->prefill);
      return FALSE;
    }

  if (f->type == HB_FIELD_CHOICE)
    {
      if (options == NULL || json_array_get_length (options) == 0)
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s: a choice needs \"options\"", where);
          return FALSE;
        }
      if (!parse_options (options, &f->options, where, error))
        return FALSE;
      if (f->default_value)
        {
          gboolean found = FALSE;
          for (guint i = 0; i < f->options->len; i++)
            found |= g_str_equal (((HbFieldOption *) f->options->pdata[i])->value,
                                  f->default_value);
          if (!found)
            {
              g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                           "%s: \"default\" is not one of the options", where);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* An array of {text, text_en} (受理条件, 办理流程, 设定依据). */
static gboolean
parse_text_list (JsonArray *a, GPtrArray *out, const char *member, GError **error)
{
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      g_autofree char *where = g_strdup_printf ("guide.%s[%u]", member, i);
      JsonObject *o = array_object (a, i, where, error);
      HbText *t;
      if (o == NULL)
        return FALSE;
      t = g_new0 (HbText, 1);
      g_ptr_array_add (out, t);
      if (!get_text (o, "text", TRUE, t, where, error))
        return FALSE;
    }
  return TRUE;
}

/* An optional array of short strings; each must be one of `allowed` when given. */
static gboolean
get_strv (JsonObject *o, const char *member, const char *const *allowed, GStrv *out,
          const char *where, GError **error)
{
  JsonArray *a;
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  if (!get_array (o, member, HB_SERVICE_MAX_ITEMS, &a, where, error))
    return FALSE;
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      const char *v;
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING ||
          strlen (json_node_get_string (e)) > 256)
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s: \"%s\"[%u] must be a short string", where, member, i);
          return FALSE;
        }
      v = json_node_get_string (e);
      if (allowed && !g_strv_contains (allowed, v))
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s: \"%s\"[%u] is not a known value (\"%.32s\")", where, member, i, v);
          return FALSE;
        }
      g_strv_builder_add (b, v);
    }
  *out = g_strv_builder_end (b);
  return TRUE;
}

static gboolean
parse_material (HbService *self, JsonObject *o, HbMaterial *m, const char *where,
                GError **error)
{
  gint64 count;
  if (!get_text (o, "name", TRUE, &m->name, where, error) ||
      !get_text (o, "note", FALSE, &m->note, where, error) ||
      !get_string (o, "form", FALSE, &m->form, where, error) ||
      !get_string (o, "id", FALSE, &m->id, where, error) ||
      !get_int (o, "count", 1, 1, 99, &count, where, error) ||
      !get_string (o, "licence", FALSE, &m->licence, where, error))
    return FALSE;
  m->count = (guint) count;
  if (m->id && !hb_catalog_id_is_valid (m->id))
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"id\" must be 1-32 characters of a-z, 0-9 and _", where);
      return FALSE;
    }
  for (guint i = 0; m->id && i + 1 < self->materials->len; i++)
    if (g_strcmp0 (((HbMaterial *) self->materials->pdata[i])->id, m->id) == 0)
      {
        g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                     "%s: duplicate id \"%s\"", where, m->id);
        return FALSE;
      }
  if (m->licence && !hb_catalog_id_is_valid (m->licence))
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: \"licence\" must be a licence type", where);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_guide (HbService *self, JsonObject *guide, GError **error)
{
  JsonArray *conditions, *materials, *process, *legal_basis;
  JsonObject *time_limit, *fee;
  gint64 visits;

  if (!get_array (guide, "conditions", HB_SERVICE_MAX_ITEMS, &conditions, "guide", error) ||
      !get_array (guide, "materials", HB_SERVICE_MAX_ITEMS, &materials, "guide", error) ||
      !get_object (guide, "time_limit", &time_limit, "guide", error) ||
      !get_object (guide, "fee", &fee, "guide", error) ||
      !get_string (guide, "consult_phone", FALSE, &self->consult_phone, "guide", error) ||
      !get_text (guide, "channel_note", FALSE, &self->channel_note, "guide", error) ||
      !get_int (guide, "visits_required", 0, 0, 10, &visits, "guide", error) ||
      !get_array (guide, "process", HB_SERVICE_MAX_ITEMS, &process, "guide", error) ||
      !get_array (guide, "legal_basis", HB_SERVICE_MAX_ITEMS, &legal_basis, "guide", error))
    return FALSE;
  self->visits_required = (int) visits;

  if (!parse_text_list (conditions, self->conditions, "conditions", error) ||
      !parse_text_list (process, self->process, "process", error) ||
      !parse_text_list (legal_basis, self->legal_basis, "legal_basis", error))
    return FALSE;
  for (guint i = 0; materials && i < json_array_get_length (materials); i++)
    {
      g_autofree char *where = g_strdup_printf ("guide.materials[%u]", i);
      JsonObject *o = array_object (materials, i, where, error);
      HbMaterial *m;
      if (o == NULL)
        return FALSE;
      m = g_new0 (HbMaterial, 1);
      g_ptr_array_add (self->materials, m);
      if (!parse_material (self, o, m, where, error))
        return FALSE;
    }
  if (time_limit)
    {
      gint64 legal, promised;
      if (!get_text (time_limit, "text", FALSE, &self->time_limit, "guide.time_limit", error) ||
          !get_int (time_limit, "legal_workdays", -1, 0, 365, &legal, "guide.time_limit", error) ||
          !get_int (time_limit, "promised_workdays", -1, 0, 365, &promised, "guide.time_limit",
                    error) ||
          !get_bool (time_limit, "instant", FALSE, &self->instant, "guide.time_limit", error))
        return FALSE;
      self->legal_workdays = (int) legal;
      self->promised_workdays = (int) promised;
    }
  if (fee && (!get_text (fee, "text", FALSE, &self->fee, "guide.fee", error) ||
              !get_bool (fee, "charged", FALSE, &self->fee_charged, "guide.fee", error) ||
              !get_text (fee, "basis", FALSE, &self->fee_basis, "guide.fee", error)))
    return FALSE;
  return TRUE;
}

static const char *const service_types[] = { "XK", "QR", "CJ", "GF", "JL", "BA", "QT", "GG", NULL };

static const char *const life_event_ids[] = {
  "birth", "schooling", "employment", "marriage", "housing", "health", "retirement",
  "elderly", "disability", "death", "residence", "travel", "social_aid", "business_start",
  "business_change", "business_operation", "hiring", "tax", "business_close", NULL
};

static const char *const rule_kinds[] = { "eligibility", "consistency", "format", "completeness", NULL };

static gboolean
parse_situations (HbService *self, JsonArray *a, GError **error)
{
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      g_autofree char *where = g_strdup_printf ("situations[%u]", i);
      JsonObject *o = array_object (a, i, where, error);
      JsonArray *options;
      HbSituation *sit;
      if (o == NULL)
        return FALSE;
      sit = g_new0 (HbSituation, 1);
      g_ptr_array_add (self->situations, sit);
      if (!get_string (o, "id", TRUE, &sit->id, where, error) ||
          !get_text (o, "question", TRUE, &sit->question, where, error) ||
          !get_text (o, "hint", FALSE, &sit->hint, where, error) ||
          !get_array (o, "options", 8, &options, where, error))
        return FALSE;
      if (!hb_catalog_id_is_valid (sit->id))
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s: \"id\" must be 1-32 characters of a-z, 0-9 and _", where);
          return FALSE;
        }
      if (hb_service_find_situation (self, sit->id) != sit)
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s: duplicate id \"%s\"", where, sit->id);
          return FALSE;
        }
      if (options == NULL || json_array_get_length (options) < 2)
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s: a situation needs 2 to 8 \"options\"", where);
          return FALSE;
        }
      if (!parse_options (options, &sit->options, where, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_prereview (HbService *self, JsonArray *a, GError **error)
{
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      g_autofree char *where = g_strdup_printf ("prereview[%u]", i);
      g_autofree char *kind = NULL;
      JsonObject *o = array_object (a, i, where, error);
      HbPrereviewRule *r;
      guint k;
      if (o == NULL)
        return FALSE;
      r = g_new0 (HbPrereviewRule, 1);
      g_ptr_array_add (self->prereview, r);
      if (!get_string (o, "id", TRUE, &r->id, where, error) ||
          !get_string (o, "kind", TRUE, &kind, where, error) ||
          !get_string (o, "field", FALSE, &r->field, where, error) ||
          !get_text (o, "message", TRUE, &r->message, where, error))
        return FALSE;
      if (!hb_catalog_id_is_valid (r->id))
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s: \"id\" must be 1-32 characters of a-z, 0-9 and _", where);
          return FALSE;
        }
      for (guint j = 0; j + 1 < self->prereview->len; j++)
        if (g_str_equal (((HbPrereviewRule *) self->prereview->pdata[j])->id, r->id))
          {
            g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                         "%s: duplicate id \"%s\"", where, r->id);
            return FALSE;
          }
      for (k = 0; rule_kinds[k] && !g_str_equal (kind, rule_kinds[k]); k++)
        ;
      if (rule_kinds[k] == NULL)
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s (%s): unknown kind \"%.32s\"", where, r->id, kind);
          return FALSE;
        }
      r->kind = (HbRuleKind) k;
      if (r->field && hb_service_find_field (self, r->field) == NULL)
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s (%s): unknown field \"%.32s\"", where, r->id, r->field);
          return FALSE;
        }
      if (json_object_get_member (o, "require") == NULL)
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "%s (%s): \"require\" is missing", where, r->id);
          return FALSE;
        }
    }
  return TRUE;
}

/* One condition member of o (absent or null = no condition). Errors name the service and
 * the place, never a value a resident gave (conditions see none while parsing). */
static gboolean
parse_condition_member (HbService *self, JsonObject *o, const char *member,
                        const HbConditionScope *scope, const char *where,
                        HbCondition **out, GError **error)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *full = NULL;

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  full = g_strdup_printf ("service %s: %s.%s", self->code, where, member);
  *out = hb_condition_parse (n, scope, full, &local);
  if (*out == NULL)
    {
      g_set_error_literal (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID, local->message);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
element_object (JsonArray *a, guint i)
{
  return a && i < json_array_get_length (a) ? json_array_get_object_element (a, i) : NULL;
}

/* Second pass, once every situation and field is known: ask_if refers only to earlier
 * situations (and, for fields, earlier fields); required_if to situations; prereview
 * rules to anything. */
static gboolean
parse_conditions (HbService *self, JsonArray *situations, JsonArray *fields,
                  JsonArray *materials, JsonArray *prereview, GError **error)
{
  g_autoptr(GHashTable) sit_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) field_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) value_lists = g_ptr_array_new_with_free_func (g_free);
  HbConditionScope scope = { sit_ids, NULL };

  for (guint i = 0; i < self->situations->len; i++)
    {
      HbSituation *sit = self->situations->pdata[i];
      g_autofree char *where = g_strdup_printf ("situations[%u] (%s)", i, sit->id);
      const char **values = g_new0 (const char *, sit->options->len + 1);
      if (!parse_condition_member (self, element_object (situations, i), "ask_if", &scope,
                                   where, &sit->ask_if, error))
        {
          g_free (values);
          return FALSE;
        }
      for (guint j = 0; j < sit->options->len; j++)
        values[j] = ((HbFieldOption *) sit->options->pdata[j])->value;
      g_ptr_array_add (value_lists, values);
      g_hash_table_insert (sit_ids, sit->id, values);
    }
  scope.fields = field_ids;
  for (guint i = 0; i < self->fields->len; i++)
    {
      HbFormField *f = self->fields->pdata[i];
      g_autofree char *where = g_strdup_printf ("form.fields[%u] (%s)", i, f->id);
      if (!parse_condition_member (self, element_object (fields, i), "ask_if", &scope, where,
                                   &f->ask_if, error))
        return FALSE;
      g_hash_table_add (field_ids, f->id);
    }
  scope.fields = NULL;
  for (guint i = 0; i < self->materials->len; i++)
    {
      HbMaterial *m = self->materials->pdata[i];
      g_autofree char *where = g_strdup_printf ("guide.materials[%u]%s%s%s", i,
                                                m->id ? " (" : "", m->id ? m->id : "",
                                                m->id ? ")" : "");
      if (!parse_condition_member (self, element_object (materials, i), "required_if", &scope,
                                   where, &m->required_if, error))
        return FALSE;
    }
  scope.fields = field_ids;
  for (guint i = 0; i < self->prereview->len; i++)
    {
      HbPrereviewRule *r = self->prereview->pdata[i];
      g_autofree char *where = g_strdup_printf ("prereview[%u] (%s)", i, r->id);
      JsonObject *o = element_object (prereview, i);
      if (!parse_condition_member (self, o, "when", &scope, where, &r->when, error) ||
          !parse_condition_member (self, o, "require", &scope, where, &r->require, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_identity_v2 (HbService *self, JsonObject *o, GError **error)
{
  g_autofree char *kind = NULL;
  JsonNode *audience = json_object_get_member (o, "audience");
  gint64 popularity;

  if (!get_string (o, "kind", FALSE, &kind, "service", error) ||
      !get_string (o, "type", FALSE, &self->service_type, "service", error) ||
      !get_strv (o, "life_events", life_event_ids, &self->life_events, "service", error) ||
      !get_strv (o, "keywords", NULL, &self->keywords, "service", error) ||
      !get_int (o, "popularity", 0, 0, G_MAXINT64, &popularity, "service", error))
    return FALSE;
  self->popularity = popularity;
  if (kind == NULL || g_str_equal (kind, "service"))
    self->kind = HB_SERVICE_KIND_SERVICE;
  else if (g_str_equal (kind, "bundle"))
    self->kind = HB_SERVICE_KIND_BUNDLE;
  else
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "service: unknown kind \"%.32s\"", kind);
      return FALSE;
    }
  if (self->service_type && !g_strv_contains (service_types, self->service_type))
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "service: unknown type \"%.32s\"", self->service_type);
      return FALSE;
    }
  if (audience && !JSON_NODE_HOLDS_NULL (audience))
    {
      static const char *const audiences[] = { "person", "enterprise", NULL };
      g_auto(GStrv) list = NULL;
      if (JSON_NODE_HOLDS_VALUE (audience) && json_node_get_value_type (audience) == G_TYPE_STRING)
        {
          list = g_new0 (char *, 2);
          list[0] = g_strdup (json_node_get_string (audience));
          if (!g_strv_contains (audiences, list[0]))
            list[0][0] = '\0';   /* refused below */
        }
      else if (!get_strv (o, "audience", audiences, &list, "service", error))
        return FALSE;
      self->audience = 0;
      for (guint i = 0; list[i]; i++)
        self->audience |= g_str_equal (list[i], "person") ? HB_SERVICE_FOR_PERSON
                        : g_str_equal (list[i], "enterprise") ? HB_SERVICE_FOR_ENTERPRISE : 0;
      if (self->audience == 0 || (list[0] && list[0][0] == '\0'))
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "service: \"audience\" must be \"person\", \"enterprise\" or both");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_bundle (HbService *self, JsonObject *o, GError **error)
{
  JsonObject *bundle;
  if (self->kind != HB_SERVICE_KIND_BUNDLE)
    return TRUE;
  if (!get_object (o, "bundle", &bundle, "service", error))
    return FALSE;
  if (bundle == NULL ||
      !get_strv (bundle, "members", NULL, &self->bundle_members, "bundle", error) ||
      !get_strv (bundle, "shared", NULL, &self->bundle_shared, "bundle", error))
    {
      if (bundle == NULL)
        g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                     "service: a bundle needs \"bundle\"");
      return FALSE;
    }
  if (g_strv_length (self->bundle_members) < 1 ||
      g_strv_length (self->bundle_members) > HB_SERVICE_MAX_BUNDLE_MEMBERS)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "bundle: \"members\" must list 1 to %d services",
                   HB_SERVICE_MAX_BUNDLE_MEMBERS);
      return FALSE;
    }
  for (guint i = 0; self->bundle_members[i]; i++)
    {
      const char *m = self->bundle_members[i];
      if (*m == '\0' || strlen (m) > 64 || g_str_equal (m, self->code))
        {
          g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                       "bundle: members[%u] must be another service's code", i);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (self->bundle_members[j], m))
          {
            g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                         "bundle: members[%u] is listed twice", i);
            return FALSE;
          }
    }
  for (guint i = 0; self->bundle_shared[i]; i++)
    if (hb_service_find_field (self, self->bundle_shared[i]) == NULL)
      {
        g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                     "bundle: shared[%u] is not a field of the bundle's form", i);
        return FALSE;
      }
  return TRUE;
}

HbService *
hb_service_new_from_json (const char *data, gssize length, GError **error)
{
  g_autoptr(HbService) self = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonObject) o = NULL;
  JsonObject *kiosk, *guide, *form, *receipt;
  JsonArray *fields = NULL, *situations, *prereview, *materials = NULL;

  o = hb_json_parse_object (data, length, HB_SERVICE_MAX_BYTES, HB_JSON_DEFAULT_MAX_DEPTH,
                            &local);
  if (o == NULL)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID, "service: %s",
                   local->message);
      return NULL;
    }
  self = g_object_new (HB_TYPE_SERVICE, NULL);

  if (!get_string (o, "code", TRUE, &self->code, "service", error) ||
      !get_text (o, "name", TRUE, &self->name, "service", error) ||
      !get_text (o, "summary", FALSE, &self->summary, "service", error) ||
      !get_text (o, "category", FALSE, &self->category, "service", error) ||
      !get_text (o, "department", FALSE, &self->department, "service", error) ||
      !get_object (o, "kiosk", &kiosk, "service", error) ||
      !get_object (o, "guide", &guide, "service", error) ||
      !get_object (o, "form", &form, "service", error) ||
      !get_object (o, "receipt", &receipt, "service", error) ||
      !get_array (o, "situations", HB_SERVICE_MAX_ITEMS, &situations, "service", error) ||
      !get_array (o, "prereview", HB_SERVICE_MAX_ITEMS, &prereview, "service", error) ||
      !parse_identity_v2 (self, o, error))
    return NULL;
  if (!parse_situations (self, situations, error))
    return NULL;

  if (kiosk)
    {
      JsonArray *hw;
      if (!get_bool (kiosk, "available", FALSE, &self->available, "kiosk", error) ||
          !get_array (kiosk, "hardware_needed", 8, &hw, "kiosk", error))
        return NULL;
      self->hardware = g_new0 (char *, (hw ? json_array_get_length (hw) : 0) + 1);
      for (guint i = 0; hw && i < json_array_get_length (hw); i++)
        {
          JsonNode *e = json_array_get_element (hw, i);
          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING ||
              strlen (json_node_get_string (e)) > 32)
            {
              g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                           "kiosk.hardware_needed[%u] must be a short string", i);
              return NULL;
            }
          self->hardware[i] = g_strdup (json_node_get_string (e));
        }
    }
  if (guide && !parse_guide (self, guide, error))
    return NULL;
  if (guide && json_object_has_member (guide, "materials") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (guide, "materials")))
    materials = json_node_get_array (json_object_get_member (guide, "materials"));
  if (form)
    {
      if (!get_array (form, "fields", HB_SERVICE_MAX_FIELDS, &fields, "form", error))
        return NULL;
      for (guint i = 0; fields && i < json_array_get_length (fields); i++)
        {
          g_autofree char *where = g_strdup_printf ("form.fields[%u]", i);
          JsonObject *fo = array_object (fields, i, where, error);
          if (fo == NULL || !parse_field (self, fo, i, error))
            return NULL;
        }
    }
  if (!parse_prereview (self, prereview, error) ||
      !parse_conditions (self, situations, fields, materials, prereview, error) ||
      !parse_bundle (self, o, error))
    return NULL;
  if (self->available && self->fields->len == 0)
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "service: available at the terminal but has no form fields");
      return NULL;
    }
  if (receipt && !get_text (receipt, "title", FALSE, &self->receipt_title, "receipt", error))
    return NULL;
  if (self->receipt_title.zh == NULL)
    {
      /* A receipt always has a title: the service name followed by 回执. */
      self->receipt_title.zh = g_strconcat (self->name.zh, "回执", NULL);
      if (self->name.en)
        self->receipt_title.en = g_strconcat (self->name.en, " receipt", NULL);
    }
  return g_steal_pointer (&self);
}

const char   *hb_service_get_code        (HbService *self) { return self->code; }
const HbText *hb_service_get_name        (HbService *self) { return &self->name; }
const HbText *hb_service_get_summary     (HbService *self) { return &self->summary; }
const HbText *hb_service_get_category    (HbService *self) { return &self->category; }
const HbText *hb_service_get_department  (HbService *self) { return &self->department; }
gboolean      hb_service_is_available    (HbService *self) { return self->available; }
GPtrArray    *hb_service_get_conditions  (HbService *self) { return self->conditions; }
GPtrArray    *hb_service_get_materials   (HbService *self) { return self->materials; }
const HbText *hb_service_get_time_limit  (HbService *self) { return &self->time_limit; }
const HbText *hb_service_get_fee         (HbService *self) { return &self->fee; }
const char   *hb_service_get_consult_phone (HbService *self) { return self->consult_phone; }
const HbText *hb_service_get_channel_note  (HbService *self) { return &self->channel_note; }
int           hb_service_get_visits_required (HbService *self) { return self->visits_required; }
GPtrArray    *hb_service_get_fields      (HbService *self) { return self->fields; }
const HbText *hb_service_get_receipt_title (HbService *self) { return &self->receipt_title; }

gboolean
hb_service_needs_hardware (HbService *self, const char *kind)
{
  return self->hardware && g_strv_contains ((const char *const *) self->hardware, kind);
}

const HbFormField *
hb_service_find_field (HbService *self, const char *id)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      HbFormField *f = self->fields->pdata[i];
      if (f->id && g_str_equal (f->id, id))
        return f;
    }
  return NULL;
}

HbServiceKind hb_service_get_kind        (HbService *self) { return self->kind; }
const char   *hb_service_get_service_type (HbService *self) { return self->service_type; }
HbServiceAudience hb_service_get_audience (HbService *self) { return self->audience; }
gint64        hb_service_get_popularity  (HbService *self) { return self->popularity; }
GPtrArray    *hb_service_get_situations  (HbService *self) { return self->situations; }
GPtrArray    *hb_service_get_process     (HbService *self) { return self->process; }
GPtrArray    *hb_service_get_legal_basis (HbService *self) { return self->legal_basis; }
gboolean      hb_service_is_fee_charged  (HbService *self) { return self->fee_charged; }
const HbText *hb_service_get_fee_basis   (HbService *self) { return &self->fee_basis; }
int           hb_service_get_legal_workdays    (HbService *self) { return self->legal_workdays; }
int           hb_service_get_promised_workdays (HbService *self) { return self->promised_workdays; }
gboolean      hb_service_is_instant      (HbService *self) { return self->instant; }
GPtrArray    *hb_service_get_prereview   (HbService *self) { return self->prereview; }

static const char *const empty_strv[] = { NULL };

const char *const *
hb_service_get_life_events (HbService *self)
{
  return self->life_events ? (const char *const *) self->life_events : empty_strv;
}

const char *const *
hb_service_get_keywords (HbService *self)
{
  return self->keywords ? (const char *const *) self->keywords : empty_strv;
}

const char *const *
hb_service_get_bundle_members (HbService *self)
{
  return self->bundle_members ? (const char *const *) self->bundle_members : empty_strv;
}

const char *const *
hb_service_get_bundle_shared (HbService *self)
{
  return self->bundle_shared ? (const char *const *) self->bundle_shared : empty_strv;
}

const HbSituation *
hb_service_find_situation (HbService *self, const char *id)
{
  for (guint i = 0; id && i < self->situations->len; i++)
    {
      HbSituation *s = self->situations->pdata[i];
      if (s->id && g_str_equal (s->id, id))
        return s;
    }
  return NULL;
}

gboolean
hb_service_field_is_asked (HbService *self, const HbFormField *field,
                           const HbConditionContext *context)
{
  return hb_condition_eval3 (field->ask_if, context) != HB_CONDITION_FALSE;
}
