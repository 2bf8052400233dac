/* hb-form.c — form engine: pre-fill, validation, masked display. */
#include "kiosk/hb-form.h"
#include "kiosk/hb-i18n.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define TEXT_DEFAULT_MAX 200

struct _HbForm
{
  GObject     parent_instance;
  HbService  *service;
  GHashTable *values;      /* field id → value (owned, wiped) */
  GHashTable *prefilled;   /* field id set: value still as pre-filled */
  GHashTable *by_platform; /* field id set: the platform fills it from the subject */
  guint       filled_at_start;
};

G_DEFINE_FINAL_TYPE (HbForm, hb_form, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
hb_form_problem_free (HbFormProblem *problem)
{
  g_free (problem->message);
  g_free (problem);
}

void
hb_form_wipe (HbForm *self)
{
  g_hash_table_remove_all (self->values);
  g_hash_table_remove_all (self->prefilled);
}

static void
hb_form_finalize (GObject *object)
{
  HbForm *self = HB_FORM (object);
  hb_form_wipe (self);
  g_hash_table_unref (self->values);
  g_hash_table_unref (self->prefilled);
  g_hash_table_unref (self->by_platform);
  g_clear_object (&self->service);
  G_OBJECT_CLASS (hb_form_parent_class)->finalize (object);
}

static void
hb_form_class_init (HbFormClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_form_finalize;
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hb_form_init (HbForm *self)
{
  /* hb_secure_free zeroes values before freeing them. */
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) hb_secure_free);
  self->prefilled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_platform = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

HbForm *
hb_form_new (HbService *service, HbPerson *person)
{
  HbForm *self = g_object_new (HB_TYPE_FORM, NULL);
  GPtrArray *fields = hb_service_get_fields (service);

  self->service = g_object_ref (service);
  for (guint i = 0; i < fields->len; i++)
    {
      const HbFormField *f = fields->pdata[i];
      char *v = NULL;
      if (f->prefill && person)
        v = hb_person_dup_prefill (person, f->prefill);
      if (v != NULL && *v != '\0')
        {
          g_hash_table_insert (self->values, g_strdup (f->id), v);
          g_hash_table_add (self->prefilled, g_strdup (f->id));
          self->filled_at_start++;
          continue;
        }
      hb_secure_free (v);
      /* A read-only card field of a resident known only by a subject (offline code):
       * nothing to show or check here; the platform fills it from its own records. */
      if (f->prefill && f->readonly && person && !hb_person_has_card_data (person) &&
          hb_person_get_principal (person) == HB_PRINCIPAL_PERSON &&
          g_str_has_prefix (f->prefill, "person."))
        {
          g_hash_table_add (self->by_platform, g_strdup (f->id));
          self->filled_at_start++;
          continue;
        }
      if (f->default_value)
        {
          g_hash_table_insert (self->values, g_strdup (f->id), g_strdup (f->default_value));
          self->filled_at_start++;
        }
    }
  return self;
}

HbService *
hb_form_get_service (HbForm *self)
{
  return self->service;
}

const char *
hb_form_get_value (HbForm *self, const char *field_id)
{
  return g_hash_table_lookup (self->values, field_id);
}

gboolean
hb_form_set_value (HbForm *self, const char *field_id, const char *value)
{
  const HbFormField *f = hb_service_find_field (self->service, field_id);
  if (f == NULL || f->readonly)
    return FALSE;
  if (g_strcmp0 (hb_form_get_value (self, field_id), value) == 0)
    return TRUE;
  if (value == NULL)
    g_hash_table_remove (self->values, field_id);
  else
    g_hash_table_insert (self->values, g_strdup (field_id), g_strdup (value));
  g_hash_table_remove (self->prefilled, field_id);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, field_id);
  return TRUE;
}

gboolean
hb_form_is_prefilled (HbForm *self, const char *field_id)
{
  return g_hash_table_contains (self->prefilled, field_id);
}

gboolean
hb_form_is_filled_by_platform (HbForm *self, const char *field_id)
{
  return g_hash_table_contains (self->by_platform, field_id);
}

char *
hb_form_dup_display_value (HbForm *self, const char *field_id)
{
  const HbFormField *f = hb_service_find_field (self->service, field_id);
  const char *v = hb_form_get_value (self, field_id);

  if (hb_form_is_filled_by_platform (self, field_id))
    return g_strdup (_("由平台根据随申码填写"));
  if (f == NULL || v == NULL)
    return g_strdup ("");
  switch (f->type)
    {
    case HB_FIELD_ID_NUMBER:
      return hb_mask_id_number (v);
    case HB_FIELD_PHONE:
      return f->sensitive ? hb_mask_phone (v) : g_strdup (v);
    case HB_FIELD_CHOICE:
      for (guint i = 0; f->options && i < f->options->len; i++)
        {
          HbFieldOption *o = f->options->pdata[i];
          if (g_str_equal (o->value, v))
            return g_strdup (hb_text_get (&o->label));
        }
      return g_strdup (v);
    case HB_FIELD_TEXT:
    default:
      return f->sensitive ? hb_mask_address (v) : g_strdup (v);
    }
}

char *
hb_form_dup_receipt_value (HbForm *self, const char *field_id)
{
  const HbFormField *f = hb_service_find_field (self->service, field_id);
  const char *v = hb_form_get_value (self, field_id);

  if (hb_form_is_filled_by_platform (self, field_id))
    return g_strdup (_("由平台根据随申码填写"));
  if (f == NULL || v == NULL)
    return g_strdup ("");
  switch (f->type)
    {
    case HB_FIELD_ID_NUMBER:
      return hb_mask_id_number (v);
    case HB_FIELD_PHONE:
      return hb_mask_phone (v);
    case HB_FIELD_CHOICE:
      return hb_form_dup_display_value (self, field_id);
    case HB_FIELD_TEXT:
    default:
      return hb_mask_address (v);
    }
}

static gboolean
is_mobile (const char *v)
{
  if (strlen (v) != 11 || v[0] != '1' || v[1] < '3' || v[1] > '9')
    return FALSE;
  for (const char *p = v; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static gboolean
has_control_chars (const char *v)
{
  for (const char *p = v; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

char *
hb_form_validate_field (HbForm *self, const char *field_id)
{
  const HbFormField *f = hb_service_find_field (self->service, field_id);
  const char *v = hb_form_get_value (self, field_id);
  const char *label;

  if (f == NULL)
    return g_strdup (_("未知的填写项"));
  if (hb_form_is_filled_by_platform (self, field_id))
    return NULL;
  label = hb_text_get (&f->label);

  if (v == NULL || *v == '\0')
    return f->required ? g_strdup_printf (_("请填写%s"), label) : NULL;
  if (!g_utf8_validate (v, -1, NULL) || has_control_chars (v))
    return g_strdup_printf (_("%s含有无法识别的字符，请重新输入"), label);

  switch (f->type)
    {
    case HB_FIELD_PHONE:
      if (!is_mobile (v))
        return g_strdup (_("请输入11位手机号码，以1开头，例如13812345678"));
      return NULL;
    case HB_FIELD_ID_NUMBER:
      if (!hb_idcard_number_is_valid (v))
        return g_strdup (_("公民身份号码不正确，请核对18位号码"));
      return NULL;
    case HB_FIELD_CHOICE:
      for (guint i = 0; f->options && i < f->options->len; i++)
        if (g_str_equal (((HbFieldOption *) f->options->pdata[i])->value, v))
          return NULL;
      return g_strdup_printf (_("请选择%s"), label);
    case HB_FIELD_TEXT:
    default:
      {
        guint max = f->max_length ? f->max_length : TEXT_DEFAULT_MAX;
        if ((guint) g_utf8_strlen (v, -1) > max)
          return g_strdup_printf (_("%s不能超过%u个字"), label, max);
        return NULL;
      }
    }
}

GPtrArray *
hb_form_validate (HbForm *self)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_form_problem_free);
  GPtrArray *fields = hb_service_get_fields (self->service);
  for (guint i = 0; i < fields->len; i++)
    {
      const HbFormField *f = fields->pdata[i];
      char *msg = hb_form_validate_field (self, f->id);
      if (msg)
        {
          HbFormProblem *p = g_new0 (HbFormProblem, 1);
          p->field = f;
          p->message = msg;
          g_ptr_array_add (problems, p);
        }
    }
  return problems;
}

JsonNode *
hb_form_to_json (HbForm *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GPtrArray *fields = hb_service_get_fields (self->service);

  json_builder_begin_object (b);
  for (guint i = 0; i < fields->len; i++)
    {
      const HbFormField *f = fields->pdata[i];
      const char *v = hb_form_get_value (self, f->id);
      if (v == NULL)
        continue;
      json_builder_set_member_name (b, f->id);
      json_builder_add_string_value (b, v);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

guint
hb_form_get_prefill_percent (HbForm *self)
{
  guint n = hb_service_get_fields (self->service)->len;
  return n ? self->filled_at_start * 100 / n : 0;
}
