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

/* A member of a platform object as text: strings as they are, whole numbers printed. */
static char *
member_text (JsonObject *o, const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  const char *s;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return NULL;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
  if (json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  s = json_node_get_string (n);
  if (strlen (s) > HB_SERVICE_TEXT_MAX || !g_utf8_validate (s, -1, NULL))
    return NULL;
  return g_strdup (s);
}

static char *
enterprise_value (JsonObject *e, const char *what)
{
  JsonNode *fen;
  if (g_str_equal (what, "legal_person"))   /* the version-1 name */
    what = "legal_rep";
  if (!g_str_equal (what, "registered_capital") || json_object_has_member (e, what))
    return member_text (e, what);
  /* The platform gives capital in fen (分); forms show yuan. */
  fen = json_object_get_member (e, "registered_capital_fen");
  if (fen && JSON_NODE_HOLDS_VALUE (fen) && json_node_get_value_type (fen) == G_TYPE_INT64 &&
      json_node_get_int (fen) >= 0)
    {
      gint64 v = json_node_get_int (fen);
      return v % 100 ? g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", v / 100, (int) (v % 100))
                     : g_strdup_printf ("%" G_GINT64_FORMAT, v / 100);
    }
  return NULL;
}

/* The value of a field's pre-fill source, or NULL. */
static char *
prefill_value (const HbFormField *f, HbPerson *person, const HbPrefill *sources)
{
  const char *src = f->prefill;
  char *v = NULL;

  if (g_str_has_prefix (src, "profile."))
    return sources ? member_text (sources->profile, src + strlen ("profile.")) : NULL;
  if (g_str_has_prefix (src, "history."))
    return sources ? member_text (sources->history, src + strlen ("history.")) : NULL;
  if (g_str_has_prefix (src, "enterprise.") && sources && sources->enterprise)
    return enterprise_value (sources->enterprise, src + strlen ("enterprise."));
  if (person == NULL)
    return NULL;
  if (g_str_equal (src, "enterprise.legal_rep"))
    src = "enterprise.legal_person";
  v = hb_person_dup_prefill (person, src);
  /* The card says 19850615; a date field holds 1985-06-15. */
  if (v && f->type == HB_FIELD_DATE && strlen (v) == 8 && hb_condition_parse_date (v, NULL))
    {
      char *dashed = g_strdup_printf ("%.4s-%.2s-%.2s", v, v + 4, v + 6);
      hb_secure_free (v);
      v = dashed;
    }
  return v;
}

HbForm *
hb_form_new (HbService *service, HbPerson *person)
{
  return hb_form_new_full (service, person, NULL);
}

HbForm *
hb_form_new_full (HbService *service, HbPerson *person, const HbPrefill *sources)
{
  HbForm *self = g_object_new (HB_TYPE_FORM, NULL);
  GPtrArray *fields = hb_service_get_fields (service);

  self->service = g_object_ref (service);
  for (guint i = 0; i < fields->len; i++)
    {
      const HbFormField *f = fields->pdata[i];
      char *v = NULL;
      if (f->prefill)
        v = prefill_value (f, person, sources);
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

gboolean
hb_uscc_is_valid (const char *code)
{
  static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
  int sum = 0, check;

  if (code == NULL || strlen (code) != 18)
    return FALSE;
  for (int i = 0; i < 18; i++)
    if (code[i] == '\0' || strchr (charset, code[i]) == NULL)
      return FALSE;
  for (int i = 0; i < 17; i++)
    sum += (int) (strchr (charset, code[i]) - charset) * weights[i];
  check = (31 - sum % 31) % 31;
  return code[17] == charset[check];
}

static gboolean
all_digits (const char *v, gsize min, gsize max)
{
  gsize n = strlen (v);
  if (n < min || n > max)
    return FALSE;
  for (const char *p = v; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

const char *
hb_form_lookup_value (gpointer form, const char *field_id)
{
  return hb_form_get_value (HB_FORM (form), field_id);
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
    case HB_FIELD_DATE:
      if (strlen (v) != 10 || v[4] != '-' || v[7] != '-')
        return g_strdup_printf (_("%s请按“年-月-日”填写，例如2026-01-31"), label);
      if (!hb_condition_parse_date (v, NULL))
        return g_strdup_printf (_("%s不是日历上的日期，请核对月份和日"), label);
      return NULL;
    case HB_FIELD_NUMBER:
      if (!all_digits (v, 1, 15))
        return g_strdup_printf (_("%s请只填写数字，例如3"), label);
      return NULL;
    case HB_FIELD_USCC:
      if (strlen (v) != 18)
        return g_strdup (_("统一社会信用代码为18位，请对照营业执照填写"));
      if (!hb_uscc_is_valid (v))
        return g_strdup (_("统一社会信用代码不正确，请核对营业执照上的18位代码（字母须大写）"));
      return NULL;
    case HB_FIELD_POSTCODE:
      if (!all_digits (v, 6, 6))
        return g_strdup (_("邮政编码为6位数字，例如200030"));
      return NULL;
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
