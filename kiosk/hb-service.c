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
  g_free (f);
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

static gboolean
valid_field_id (const char *id)
{
  gsize n = strlen (id);
  if (n == 0 || n > 32)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static const char *const prefill_sources[] = {
  "person.name", "person.id_number", "person.address", "person.birth_date", "person.sex",
  "enterprise.name", "enterprise.uscc", "enterprise.legal_person", NULL
};

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

  if (!valid_field_id (f->id))
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
  if (g_str_equal (type, "text"))
    f->type = HB_FIELD_TEXT;
  else if (g_str_equal (type, "id_number"))
    f->type = HB_FIELD_ID_NUMBER;
  else if (g_str_equal (type, "phone"))
    f->type = HB_FIELD_PHONE;
  else if (g_str_equal (type, "choice"))
    f->type = HB_FIELD_CHOICE;
  else
    {
      g_set_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID,
                   "%s: unknown type \"%.32s\"", where, type);
      return FALSE;
    }
  if (f->prefill && !g_strv_contains (prefill_sources, f->prefill))
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
      f->options = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);
      for (guint i = 0; i < json_array_get_length (options); i++)
        {
          g_autofree char *owhere = g_strdup_printf ("%s.options[%u]", where, i);
          JsonObject *oo = array_object (options, i, owhere, error);
          HbFieldOption *opt;
          if (oo == NULL)
            return FALSE;
          opt = g_new0 (HbFieldOption, 1);
          g_ptr_array_add (f->options, opt);
          if (!get_string (oo, "value", TRUE, &opt->value, owhere, error) ||
              !get_text (oo, "label", TRUE, &opt->label, owhere, error))
            return FALSE;
        }
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

static gboolean
parse_guide (HbService *self, JsonObject *guide, GError **error)
{
  JsonArray *conditions, *materials;
  JsonObject *time_limit, *fee;
  gint64 visits;

  if (!get_array (guide, "conditions", HB_SERVICE_MAX_ITEMS, &conditions, "guide", error) ||
      !get_array (guide, "materials", HB_SERVICE_MAX_ITEMS, &materials, "guide", error) ||
      !get_object (guide, "time_limit", &time_limit, "guide", error) ||
      !get_object (guide, "fee", &fee, "guide", error) ||
      !get_string (guide, "consult_phone", FALSE, &self->consult_phone, "guide", error) ||
      !get_text (guide, "channel_note", FALSE, &self->channel_note, "guide", error) ||
      !get_int (guide, "visits_required", 0, 0, 10, &visits, "guide", error))
    return FALSE;
  self->visits_required = (int) visits;

  for (guint i = 0; conditions && i < json_array_get_length (conditions); i++)
    {
      g_autofree char *where = g_strdup_printf ("guide.conditions[%u]", i);
      JsonObject *o = array_object (conditions, i, where, error);
      HbText *t;
      if (o == NULL)
        return FALSE;
      t = g_new0 (HbText, 1);
      g_ptr_array_add (self->conditions, t);
      if (!get_text (o, "text", TRUE, t, where, error))
        return FALSE;
    }
  for (guint i = 0; materials && i < json_array_get_length (materials); i++)
    {
      g_autofree char *where = g_strdup_printf ("guide.materials[%u]", i);
      JsonObject *o = array_object (materials, i, where, error);
      HbMaterial *m;
      if (o == NULL)
        return FALSE;
      m = g_new0 (HbMaterial, 1);
      g_ptr_array_add (self->materials, m);
      if (!get_text (o, "name", TRUE, &m->name, where, error) ||
          !get_text (o, "note", FALSE, &m->note, where, error) ||
          !get_string (o, "form", FALSE, &m->form, where, error))
        return FALSE;
    }
  if (time_limit && !get_text (time_limit, "text", FALSE, &self->time_limit, "guide.time_limit", error))
    return FALSE;
  if (fee && !get_text (fee, "text", FALSE, &self->fee, "guide.fee", error))
    return FALSE;
  return TRUE;
}

HbService *
hb_service_new_from_json (const char *data, gssize length, GError **error)
{
  g_autoptr(HbService) self = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonObject) o = NULL;
  JsonObject *kiosk, *guide, *form, *receipt;
  JsonArray *fields;

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
      !get_object (o, "receipt", &receipt, "service", error))
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
