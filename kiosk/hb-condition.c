/* hb-condition.c — parse, check and evaluate catalog conditions. */
#include "kiosk/hb-condition.h"

#include <gio/gio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
  COND_SITUATION,
  COND_FIELD,
  COND_AGE,
  COND_SEX,
  COND_LICENCE,
  COND_ALL,
  COND_ANY,
  COND_NOT,
} CondKind;

typedef enum {
  OP_EQ, OP_NE, OP_IN, OP_PRESENT, OP_MATCHES, OP_MIN_LENGTH, OP_MAX_LENGTH,
  OP_GE, OP_LE, OP_GE_FIELD, OP_LE_FIELD, OP_BEFORE_TODAY, OP_AFTER_TODAY,
} CondOp;

static const char *const op_names[] = {
  "eq", "ne", "in", "present", "matches", "min_length", "max_length",
  "ge", "le", "ge_field", "le_field", "before_today", "after_today", NULL
};

struct _HbCondition
{
  CondKind   kind;
  CondOp     op;
  char      *id;          /* situation, field, licence type; other field for *_field */
  char      *other;       /* ge_field / le_field: the other field id */
  GStrv      values;      /* situation "in", field eq/ne/in, sex */
  gint64     number;      /* age, lengths, numeric ge/le */
  gboolean   is_date;     /* ge/le against a date */
  guint32    julian;      /* that date */
  GRegex    *regex;
  GPtrArray *children;    /* HbCondition*: all/any/not */
};

void
hb_condition_free (HbCondition *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->other);
  g_strfreev (c->values);
  g_clear_pointer (&c->regex, g_regex_unref);
  g_clear_pointer (&c->children, g_ptr_array_unref);
  g_free (c);
}

const char *
hb_condition_get_field (const HbCondition *c)
{
  return c && c->kind == COND_FIELD ? c->id : NULL;
}

/* --- parsing ------------------------------------------------------------------------ */

static gboolean
fail (GError **error, const char *where, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, const char *where, const char *format, ...)
{
  va_list ap;
  g_autofree char *what = NULL;
  va_start (ap, format);
  what = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", where, what);
  return FALSE;
}

gboolean
hb_catalog_id_is_valid (const char *id)
{
  gsize n = id ? strlen (id) : 0;
  if (n == 0 || n > 32)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static const char *
node_string (JsonNode *n)
{
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
node_int (JsonNode *n, gint64 *out)
{
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

/* A scalar compared as text: a string, a whole number or a boolean. */
static char *
node_scalar_text (JsonNode *n)
{
  const char *s = node_string (n);
  gint64 i;
  if (s)
    return strlen (s) <= HB_CONDITION_VALUE_MAX ? g_strdup (s) : NULL;
  if (node_int (n, &i))
    return g_strdup_printf ("%" G_GINT64_FORMAT, i);
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (n) ? "true" : "false");
  return NULL;
}

/* Every member of o is one of the allowed names: a typo must not silently change a rule. */
static gboolean
only_members (JsonObject *o, const char *const *allowed, const char *where, GError **error)
{
  g_autoptr(GList) names = json_object_get_members (o);
  for (GList *l = names; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      return fail (error, where, "unexpected member \"%.32s\" in a condition",
                   (const char *) l->data);
  return TRUE;
}

static GStrv
string_array (JsonNode *n, guint min, const char *where, const char *what, GError **error)
{
  JsonArray *a;
  g_autoptr(GStrvBuilder) b = NULL;
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    {
      fail (error, where, "\"%s\" must be an array", what);
      return NULL;
    }
  a = json_node_get_array (n);
  if (json_array_get_length (a) < min || json_array_get_length (a) > HB_CONDITION_MAX_CHILDREN)
    {
      fail (error, where, "\"%s\" must have %u to %u entries", what, min,
            HB_CONDITION_MAX_CHILDREN);
      return NULL;
    }
  b = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      char *s = node_scalar_text (json_array_get_element (a, i));
      if (s == NULL)
        {
          fail (error, where, "\"%s\"[%u] must be a short string or number", what, i);
          return NULL;
        }
      g_strv_builder_add (b, s);
      g_free (s);
    }
  return g_strv_builder_end (b);
}

static HbCondition *parse_node (JsonNode *node, const HbConditionScope *scope,
                                const char *where, guint depth, GError **error);

static HbCondition *
parse_situation (JsonObject *o, const HbConditionScope *scope, const char *where,
                 GError **error)
{
  static const char *const allowed[] = { "situation", "in", NULL };
  g_autoptr(HbCondition) c = g_new0 (HbCondition, 1);
  const char *id = node_string (json_object_get_member (o, "situation"));
  const char *const *options;

  c->kind = COND_SITUATION;
  if (!only_members (o, allowed, where, error))
    return NULL;
  if (id == NULL || !hb_catalog_id_is_valid (id))
    return fail (error, where, "\"situation\" must be a situation id"), NULL;
  options = scope && scope->situations ? g_hash_table_lookup (scope->situations, id) : NULL;
  if (options == NULL)
    return fail (error, where, "unknown situation \"%s\"", id), NULL;
  c->id = g_strdup (id);
  c->values = string_array (json_object_get_member (o, "in"), 1, where, "in", error);
  if (c->values == NULL)
    return NULL;
  for (guint i = 0; c->values[i]; i++)
    if (!g_strv_contains (options, c->values[i]))
      return fail (error, where, "situation \"%s\" has no option \"%.32s\"", id,
                   c->values[i]), NULL;
  return g_steal_pointer (&c);
}

static gboolean
known_field (const HbConditionScope *scope, const char *id)
{
  return id && scope && scope->fields && g_hash_table_contains (scope->fields, id);
}

static HbCondition *
parse_field (JsonObject *o, const HbConditionScope *scope, const char *where, GError **error)
{
  static const char *const allowed[] = { "field", "op", "value", NULL };
  g_autoptr(HbCondition) c = g_new0 (HbCondition, 1);
  const char *id = node_string (json_object_get_member (o, "field"));
  const char *op = node_string (json_object_get_member (o, "op"));
  JsonNode *value = json_object_get_member (o, "value");
  guint k;

  c->kind = COND_FIELD;
  if (!only_members (o, allowed, where, error))
    return NULL;
  if (!known_field (scope, id))
    return fail (error, where, "unknown field \"%.32s\"", id ? id : "(none)"), NULL;
  c->id = g_strdup (id);
  for (k = 0; op_names[k] && g_strcmp0 (op, op_names[k]) != 0; k++)
    ;
  if (op == NULL || op_names[k] == NULL)
    return fail (error, where, "unknown op \"%.32s\"", op ? op : "(none)"), NULL;
  c->op = (CondOp) k;

  switch (c->op)
    {
    case OP_EQ:
    case OP_NE:
      {
        char *s = node_scalar_text (value);
        if (s == NULL)
          return fail (error, where, "\"%s\" needs a string or number \"value\"", op), NULL;
        c->values = g_new0 (char *, 2);
        c->values[0] = s;
        break;
      }
    case OP_IN:
      c->values = string_array (value, 1, where, "value", error);
      if (c->values == NULL)
        return NULL;
      break;
    case OP_PRESENT:
    case OP_BEFORE_TODAY:
    case OP_AFTER_TODAY:
      if (value != NULL)
        return fail (error, where, "\"%s\" takes no \"value\"", op), NULL;
      break;
    case OP_MATCHES:
      {
        const char *pattern = node_string (value);
        g_autofree char *whole = NULL;
        g_autoptr(GError) local = NULL;
        if (pattern == NULL || strlen (pattern) > HB_CONDITION_REGEX_MAX)
          return fail (error, where, "\"matches\" needs a pattern of at most %d bytes",
                       HB_CONDITION_REGEX_MAX), NULL;
        /* The whole value must match; \A…\z so a trailing newline cannot slip through. */
        whole = g_strconcat ("\\A(?:", pattern, ")\\z", NULL);
        c->regex = g_regex_new (whole, G_REGEX_DOLLAR_ENDONLY, 0,
                                &local);
        if (c->regex == NULL)
          /* GLib's message quotes the pattern; the code says enough. */
          return fail (error, where, "\"matches\" pattern does not compile (PCRE error %d)",
                       local->code), NULL;
        break;
      }
    case OP_MIN_LENGTH:
    case OP_MAX_LENGTH:
      if (!node_int (value, &c->number) || c->number < 0 || c->number > 10000)
        return fail (error, where, "\"%s\" needs a whole number 0-10000", op), NULL;
      break;
    case OP_GE:
    case OP_LE:
      {
        const char *s = node_string (value);
        if (s != NULL && hb_condition_parse_date (s, &c->julian) && strchr (s, '-'))
          c->is_date = TRUE;
        else if (!node_int (value, &c->number))
          return fail (error, where, "\"%s\" needs a whole number or a YYYY-MM-DD date", op),
                 NULL;
        break;
      }
    case OP_GE_FIELD:
    case OP_LE_FIELD:
      {
        const char *other = node_string (value);
        if (!known_field (scope, other))
          return fail (error, where, "\"%s\" names unknown field \"%.32s\"", op,
                       other ? other : "(none)"), NULL;
        c->other = g_strdup (other);
        break;
      }
    default:
      g_assert_not_reached ();
    }
  return g_steal_pointer (&c);
}

static HbCondition *
parse_person (JsonObject *o, const char *where, GError **error)
{
  static const char *const allowed[] = { "person", "op", "value", NULL };
  g_autoptr(HbCondition) c = g_new0 (HbCondition, 1);
  const char *what = node_string (json_object_get_member (o, "person"));
  const char *op = node_string (json_object_get_member (o, "op"));
  JsonNode *value = json_object_get_member (o, "value");

  if (!only_members (o, allowed, where, error))
    return NULL;
  if (g_strcmp0 (what, "age") == 0)
    {
      c->kind = COND_AGE;
      if (g_strcmp0 (op, "ge") == 0)
        c->op = OP_GE;
      else if (g_strcmp0 (op, "le") == 0)
        c->op = OP_LE;
      else
        return fail (error, where, "person age: unknown op \"%.32s\"", op ? op : "(none)"),
               NULL;
      if (!node_int (value, &c->number) || c->number < 0 || c->number > 150)
        return fail (error, where, "person age needs a whole number 0-150"), NULL;
      return g_steal_pointer (&c);
    }
  if (g_strcmp0 (what, "sex") == 0)
    {
      const char *v = node_string (value);
      c->kind = COND_SEX;
      c->op = OP_EQ;
      if (g_strcmp0 (op, "eq") != 0)
        return fail (error, where, "person sex: unknown op \"%.32s\"", op ? op : "(none)"),
               NULL;
      if (g_strcmp0 (v, "男") != 0 && g_strcmp0 (v, "女") != 0)
        return fail (error, where, "person sex must be \"男\" or \"女\""), NULL;
      c->values = g_new0 (char *, 2);
      c->values[0] = g_strdup (v);
      return g_steal_pointer (&c);
    }
  return fail (error, where, "unknown person property \"%.32s\"", what ? what : "(none)"),
         NULL;
}

static HbCondition *
parse_group (JsonObject *o, const char *name, const HbConditionScope *scope,
             const char *where, guint depth, GError **error)
{
  g_autoptr(HbCondition) c = g_new0 (HbCondition, 1);
  JsonNode *n = json_object_get_member (o, name);
  const char *const allowed[] = { name, NULL };

  if (!only_members (o, allowed, where, error))
    return NULL;
  c->children = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_condition_free);
  if (g_str_equal (name, "not"))
    {
      HbCondition *child;
      c->kind = COND_NOT;
      child = parse_node (n, scope, where, depth + 1, error);
      if (child == NULL)
        return NULL;
      g_ptr_array_add (c->children, child);
      return g_steal_pointer (&c);
    }
  c->kind = g_str_equal (name, "all") ? COND_ALL : COND_ANY;
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n) ||
      json_array_get_length (json_node_get_array (n)) == 0 ||
      json_array_get_length (json_node_get_array (n)) > HB_CONDITION_MAX_CHILDREN)
    return fail (error, where, "\"%s\" needs an array of 1 to %d conditions", name,
                 HB_CONDITION_MAX_CHILDREN), NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (n)); i++)
    {
      HbCondition *child = parse_node (json_array_get_element (json_node_get_array (n), i),
                                       scope, where, depth + 1, error);
      if (child == NULL)
        return NULL;
      g_ptr_array_add (c->children, child);
    }
  return g_steal_pointer (&c);
}

static HbCondition *
parse_node (JsonNode *node, const HbConditionScope *scope, const char *where, guint depth,
            GError **error)
{
  JsonObject *o;

  if (depth > HB_CONDITION_MAX_DEPTH)
    return fail (error, where, "conditions nest deeper than %d", HB_CONDITION_MAX_DEPTH),
           NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, where, "a condition must be an object"), NULL;
  o = json_node_get_object (node);
  if (json_object_has_member (o, "situation"))
    return parse_situation (o, scope, where, error);
  if (json_object_has_member (o, "field"))
    return parse_field (o, scope, where, error);
  if (json_object_has_member (o, "person"))
    return parse_person (o, where, error);
  if (json_object_has_member (o, "licence"))
    {
      static const char *const allowed[] = { "licence", NULL };
      const char *type = node_string (json_object_get_member (o, "licence"));
      HbCondition *c;
      if (!only_members (o, allowed, where, error))
        return NULL;
      if (type == NULL || !hb_catalog_id_is_valid (type))
        return fail (error, where, "\"licence\" must be a licence type"), NULL;
      c = g_new0 (HbCondition, 1);
      c->kind = COND_LICENCE;
      c->id = g_strdup (type);
      return c;
    }
  for (guint i = 0; i < 3; i++)
    {
      static const char *const groups[] = { "all", "any", "not" };
      if (json_object_has_member (o, groups[i]))
        return parse_group (o, groups[i], scope, where, depth, error);
    }
  return fail (error, where, "unknown kind of condition"), NULL;
}

HbCondition *
hb_condition_parse (JsonNode *node, const HbConditionScope *scope, const char *where,
                    GError **error)
{
  return parse_node (node, scope, where ? where : "condition", 1, error);
}

/* --- evaluation --------------------------------------------------------------------- */

gboolean
hb_condition_parse_date (const char *text, guint32 *julian)
{
  unsigned y, m, d;
  gsize n = text ? strlen (text) : 0;

  if (n == 10 && text[4] == '-' && text[7] == '-')
    {
      for (gsize i = 0; i < n; i++)
        if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
          return FALSE;
      y = (unsigned) atoi (text);
      m = (unsigned) atoi (text + 5);
      d = (unsigned) atoi (text + 8);
    }
  else if (n == 8)
    {
      for (gsize i = 0; i < n; i++)
        if (!g_ascii_isdigit (text[i]))
          return FALSE;
      y = (text[0] - '0') * 1000u + (text[1] - '0') * 100u + (text[2] - '0') * 10u + (text[3] - '0');
      m = (text[4] - '0') * 10u + (text[5] - '0');
      d = (text[6] - '0') * 10u + (text[7] - '0');
    }
  else
    return FALSE;
  if (y < 1 || y > 9999 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  if (julian)
    {
      GDate date;
      g_date_clear (&date, 1);
      g_date_set_dmy (&date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
      *julian = g_date_get_julian (&date);
    }
  return TRUE;
}

static gboolean
parse_number (const char *text, gint64 *out)
{
  char *end = NULL;
  gint64 v;
  if (text == NULL || *text == '\0' || strlen (text) > 19)
    return FALSE;
  errno = 0;
  v = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

static guint32
today_julian (const HbConditionContext *ctx)
{
  g_autoptr(GDateTime) now = NULL;
  GDateTime *t = ctx->today;
  GDate date;
  if (t == NULL)
    t = now = g_date_time_new_now_local ();
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) g_date_time_get_day_of_month (t),
                  (GDateMonth) g_date_time_get_month (t), (GDateYear) g_date_time_get_year (t));
  return g_date_get_julian (&date);
}

static const char *
field_value (const HbConditionContext *ctx, const char *id)
{
  const char *v = ctx->field_value ? ctx->field_value (ctx->field_data, id) : NULL;
  return v && *v ? v : NULL;
}

/* Compare two field values: as dates when both are dates, else as whole numbers. */
static gboolean
compare_values (const char *a, const char *b, int *cmp)
{
  guint32 ja, jb;
  gint64 na, nb;
  if (hb_condition_parse_date (a, &ja) && hb_condition_parse_date (b, &jb))
    {
      *cmp = ja < jb ? -1 : ja > jb;
      return TRUE;
    }
  if (parse_number (a, &na) && parse_number (b, &nb))
    {
      *cmp = na < nb ? -1 : na > nb;
      return TRUE;
    }
  return FALSE;
}

static gboolean
eval_field (const HbCondition *c, const HbConditionContext *ctx)
{
  const char *v = field_value (ctx, c->id);

  if (v == NULL)
    /* An empty answer: only "ne" and "max_length" can hold (nothing equals it, nothing
     * is longer). */
    return c->op == OP_NE || c->op == OP_MAX_LENGTH;
  switch (c->op)
    {
    case OP_EQ:
      return g_str_equal (v, c->values[0]);
    case OP_NE:
      return !g_str_equal (v, c->values[0]);
    case OP_IN:
      return g_strv_contains ((const char *const *) c->values, v);
    case OP_PRESENT:
      return TRUE;
    case OP_MATCHES:
      {
        /* Bounded: patterns ≤ HB_CONDITION_REGEX_MAX, values ≤ HB_CONDITION_VALUE_MAX,
         * and PCRE's match limit ends runaway backtracking with an error (= no match). */
        g_autoptr(GError) local = NULL;
        if (strlen (v) > HB_CONDITION_VALUE_MAX || !g_utf8_validate (v, -1, NULL))
          return FALSE;
        return g_regex_match_full (c->regex, v, -1, 0, 0, NULL, &local) && local == NULL;
      }
    case OP_MIN_LENGTH:
      return g_utf8_validate (v, -1, NULL) && g_utf8_strlen (v, -1) >= c->number;
    case OP_MAX_LENGTH:
      return g_utf8_validate (v, -1, NULL) && g_utf8_strlen (v, -1) <= c->number;
    case OP_GE:
    case OP_LE:
      {
        int cmp;
        if (c->is_date)
          {
            guint32 j;
            if (!hb_condition_parse_date (v, &j))
              return FALSE;
            cmp = j < c->julian ? -1 : j > c->julian;
          }
        else
          {
            gint64 n;
            if (!parse_number (v, &n))
              return FALSE;
            cmp = n < c->number ? -1 : n > c->number;
          }
        return c->op == OP_GE ? cmp >= 0 : cmp <= 0;
      }
    case OP_GE_FIELD:
    case OP_LE_FIELD:
      {
        const char *other = field_value (ctx, c->other);
        int cmp;
        if (other == NULL || !compare_values (v, other, &cmp))
          return FALSE;
        return c->op == OP_GE_FIELD ? cmp >= 0 : cmp <= 0;
      }
    case OP_BEFORE_TODAY:
    case OP_AFTER_TODAY:
      {
        guint32 j, t;
        if (!hb_condition_parse_date (v, &j))
          return FALSE;
        t = today_julian (ctx);
        return c->op == OP_BEFORE_TODAY ? j < t : j > t;
      }
    default:
      return FALSE;
    }
}

#define TRI(b) ((b) ? HB_CONDITION_TRUE : HB_CONDITION_FALSE)

/* Age and sex come only from an identity with card data. */
static gboolean
person_known (const HbConditionContext *ctx)
{
  return ctx->person && !hb_person_is_wiped (ctx->person) &&
         hb_person_has_card_data (ctx->person);
}

HbConditionResult
hb_condition_eval3 (const HbCondition *c, const HbConditionContext *ctx)
{
  static const HbConditionContext empty = { 0 };

  if (c == NULL)
    return HB_CONDITION_TRUE;   /* no condition: always holds */
  if (ctx == NULL)
    ctx = &empty;
  switch (c->kind)
    {
    case COND_SITUATION:
      {
        const char *answer = ctx->answers ? g_hash_table_lookup (ctx->answers, c->id) : NULL;
        return TRI (answer && g_strv_contains ((const char *const *) c->values, answer));
      }
    case COND_FIELD:
      return TRI (eval_field (c, ctx));
    case COND_AGE:
      {
        int age = person_known (ctx) ? hb_person_get_age (ctx->person, ctx->today) : -1;
        if (age < 0)
          return HB_CONDITION_UNKNOWN;
        return TRI (c->op == OP_GE ? age >= c->number : age <= c->number);
      }
    case COND_SEX:
      {
        HbSex sex = person_known (ctx) ? hb_person_get_sex (ctx->person) : HB_SEX_UNKNOWN;
        if (sex != HB_SEX_MALE && sex != HB_SEX_FEMALE)
          return HB_CONDITION_UNKNOWN;
        return TRI ((sex == HB_SEX_MALE) == g_str_equal (c->values[0], "男"));
      }
    case COND_LICENCE:
      if (ctx->licences == NULL)
        return HB_CONDITION_UNKNOWN;
      return TRI (g_strv_contains (ctx->licences, c->id));
    case COND_ALL:
    case COND_ANY:
      {
        /* Kleene: for all, one FALSE decides; for any, one TRUE decides. */
        HbConditionResult decisive = c->kind == COND_ALL ? HB_CONDITION_FALSE : HB_CONDITION_TRUE;
        gboolean unknown = FALSE;
        for (guint i = 0; i < c->children->len; i++)
          {
            HbConditionResult r = hb_condition_eval3 (c->children->pdata[i], ctx);
            if (r == decisive)
              return decisive;
            unknown |= r == HB_CONDITION_UNKNOWN;
          }
        if (unknown)
          return HB_CONDITION_UNKNOWN;
        return c->kind == COND_ALL ? HB_CONDITION_TRUE : HB_CONDITION_FALSE;
      }
    case COND_NOT:
      switch (hb_condition_eval3 (c->children->pdata[0], ctx))
        {
        case HB_CONDITION_TRUE:  return HB_CONDITION_FALSE;
        case HB_CONDITION_FALSE: return HB_CONDITION_TRUE;
        default:                 return HB_CONDITION_UNKNOWN;
        }
    default:
      return HB_CONDITION_UNKNOWN;
    }
}

gboolean
hb_condition_eval (const HbCondition *c, const HbConditionContext *ctx)
{
  return hb_condition_eval3 (c, ctx) == HB_CONDITION_TRUE;
}
