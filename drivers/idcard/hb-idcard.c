/* hb-idcard.c — identity card data: ownership, wiping, validation, the JSON form. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/idcard/hb-idcard-private.h"
#include "common/hb-json.h"

#include <string.h>

G_DEFINE_BOXED_TYPE (HbIdCard, hb_idcard, hb_idcard_copy, hb_idcard_free)
G_DEFINE_QUARK (hb-idcard-error-quark, hb_idcard_error)

#define LONG_TERM HB_IDCARD_LONG_TERM   /* valid_to of cards that never expire */

/* Every owned string of a card, for copy/wipe/free loops. */
#define CARD_STRINGS(c) { &(c)->name, &(c)->name_en, &(c)->nation, &(c)->birth_date, \
                          &(c)->address, &(c)->id_number, &(c)->issuer, &(c)->valid_from, \
                          &(c)->valid_to, &(c)->pass_number, &(c)->issue_count, \
                          &(c)->nationality, &(c)->card_version, &(c)->issuer_code, \
                          &(c)->renewal_count, &(c)->previous_number, &(c)->address_appended }

const char *
hb_idcard_type_to_string (HbIdCardType type)
{
  switch (type)
    {
    case HB_IDCARD_TYPE_RESIDENT:               return "resident";
    case HB_IDCARD_TYPE_FOREIGN_PERMANENT:      return "foreign-permanent";
    case HB_IDCARD_TYPE_HMT_RESIDENCE:          return "hmt-residence";
    case HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023: return "foreign-permanent-2023";
    default:                                    return "unknown";
    }
}

gboolean
hb_idcard_type_from_string (const char *s, HbIdCardType *out)
{
  static const HbIdCardType types[] = {
    HB_IDCARD_TYPE_RESIDENT, HB_IDCARD_TYPE_FOREIGN_PERMANENT, HB_IDCARD_TYPE_HMT_RESIDENCE,
    HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023,
  };

  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (s, hb_idcard_type_to_string (types[i])))
      {
        if (out)
          *out = types[i];
        return TRUE;
      }
  return FALSE;
}

static const char *
sex_to_string (HbSex sex)
{
  switch (sex)
    {
    case HB_SEX_MALE:        return "male";
    case HB_SEX_FEMALE:      return "female";
    case HB_SEX_UNSPECIFIED: return "unspecified";
    default:                 return "unknown";
    }
}

static gboolean
sex_from_string (const char *s, HbSex *out)
{
  if (g_str_equal (s, "male"))
    *out = HB_SEX_MALE;
  else if (g_str_equal (s, "female"))
    *out = HB_SEX_FEMALE;
  else if (g_str_equal (s, "unknown"))
    *out = HB_SEX_UNKNOWN;
  else if (g_str_equal (s, "unspecified"))
    *out = HB_SEX_UNSPECIFIED;
  else
    return FALSE;
  return TRUE;
}

/* --- ownership ---------------------------------------------------------------------- */

HbIdCard *
hb_idcard_new (void)
{
  return g_new0 (HbIdCard, 1);
}

static GBytes *
photo_copy (GBytes *photo)
{
  gsize size = 0;
  const guint8 *data;

  if (photo == NULL)
    return NULL;
  data = g_bytes_get_data (photo, &size);
  /* new_take (g_free) so that wiping can later steal the buffer instead of copying. */
  return g_bytes_new_take (size ? g_memdup2 (data, size) : NULL, size);
}

HbIdCard *
hb_idcard_copy (const HbIdCard *card)
{
  HbIdCard *copy;

  if (card == NULL)
    return NULL;

  copy = hb_idcard_new ();
  copy->type = card->type;
  copy->sex = card->sex;
  {
    char *const *src[] = CARD_STRINGS (card);
    char **dst[] = CARD_STRINGS (copy);
    for (guint i = 0; i < G_N_ELEMENTS (src); i++)
      *dst[i] = g_strdup (*src[i]);
  }
  copy->photo = photo_copy (card->photo);
  return copy;
}

static void
wipe_string (char *s)
{
  if (s != NULL)
    explicit_bzero (s, strlen (s));
}

static void
wipe_photo (GBytes **photo)
{
  gsize size = 0;
  gpointer data;

  if (*photo == NULL)
    return;
  /* Steals the buffer when we hold the only reference (else wipes a private copy; other
   * holders of a shared photo wipe their own). */
  data = g_bytes_unref_to_data (g_steal_pointer (photo), &size);
  if (data != NULL)
    explicit_bzero (data, size);
  g_free (data);
}

void
hb_idcard_wipe (HbIdCard *card)
{
  if (card == NULL)
    return;
  {
    char **fields[] = CARD_STRINGS (card);
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      wipe_string (*fields[i]);
  }
  wipe_photo (&card->photo);
  card->sex = HB_SEX_UNKNOWN;
}

void
hb_idcard_free (HbIdCard *card)
{
  if (card == NULL)
    return;

  hb_idcard_wipe (card);
  {
    char **fields[] = CARD_STRINGS (card);
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      g_clear_pointer (fields[i], g_free);
  }
  explicit_bzero (card, sizeof *card);
  g_free (card);
}

/* --- validation --------------------------------------------------------------------- */

gboolean
hb_idcard_number_is_valid (const char *id_number)
{
  /* GB 11643-1999: weights of digits 1..17, then "10X98765432"[sum mod 11]. */
  static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  int sum = 0;

  if (id_number == NULL || strlen (id_number) != 18)
    return FALSE;
  for (int i = 0; i < 17; i++)
    {
      if (!g_ascii_isdigit (id_number[i]))
        return FALSE;
      sum += (id_number[i] - '0') * weights[i];
    }
  return "10X98765432"[sum % 11] == g_ascii_toupper (id_number[17]);
}

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Messages name the field only: values are personal data. */
static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID,
                                                format, args));
  va_end (args);
  return FALSE;
}

gboolean
hb_idcard_date_is_valid (const char *s)
{
  int y, m, d;

  if (s == NULL || strlen (s) != 8)
    return FALSE;
  for (int i = 0; i < 8; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  m = (s[4] - '0') * 10 + (s[5] - '0');
  d = (s[6] - '0') * 10 + (s[7] - '0');
  /* Wide enough for every living person and every validity period. */
  if (y < 1800 || y > 2199)
    return FALSE;
  return g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

static gboolean
has_control_chars (const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Reads member @field as a bounded, valid, printable UTF-8 string. Absent, null or ""
 * give *out = NULL, which is an error only when @required. */
static gboolean
get_string (JsonObject *object, const char *field, gboolean required, char **out,
            GError **error)
{
  JsonNode *node = json_object_get_member (object, field);
  const char *s;
  gsize len;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? invalid (error, "Card field \"%s\" is missing", field) : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, "Card field \"%s\" must be a string", field);

  s = json_node_get_string (node);
  len = s ? strlen (s) : 0;
  if (len == 0)
    return required ? invalid (error, "Card field \"%s\" is empty", field) : TRUE;
  if (len > HB_IDCARD_FIELD_MAX)
    {
      return invalid (error, "Card field \"%s\" is longer than %d bytes", field,
                      HB_IDCARD_FIELD_MAX);
    }
  if (!g_utf8_validate (s, len, NULL))
    return invalid (error, "Card field \"%s\" is not valid UTF-8", field);
  if (has_control_chars (s))
    return invalid (error, "Card field \"%s\" contains control characters", field);

  *out = g_strndup (s, len);
  return TRUE;
}

static gboolean
get_date (JsonObject *object, const char *field, gboolean required, gboolean allow_long_term,
          char **out, GError **error)
{
  if (!get_string (object, field, required, out, error))
    return FALSE;
  if (*out == NULL)
    return TRUE;
  if (hb_idcard_date_is_valid (*out) || (allow_long_term && g_str_equal (*out, LONG_TERM)))
    return TRUE;
  g_clear_pointer (out, g_free);
  return invalid (error, allow_long_term
                           ? "Card field \"%s\" is not a real date (YYYYMMDD or 长期)"
                           : "Card field \"%s\" is not a real date (YYYYMMDD)", field);
}

static gboolean
get_photo (JsonObject *object, GBytes **out, GError **error)
{
  /* Base64 of at most HB_IDCARD_PHOTO_MAX bytes. */
  const gsize max_encoded = (HB_IDCARD_PHOTO_MAX + 2) / 3 * 4;
  JsonNode *node = json_object_get_member (object, "photo");
  const char *s;
  gsize len, size = 0;
  guchar *data;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, "Card field \"%s\" must be a string", "photo");
  s = json_node_get_string (node);
  len = s ? strlen (s) : 0;
  if (len == 0)
    return TRUE;
  if (len > max_encoded)
    {
      g_set_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID,
                   "Card field \"photo\" is longer than %d bytes", HB_IDCARD_PHOTO_MAX);
      return FALSE;
    }
  if (len % 4 != 0 || strspn (s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != len)
    return invalid (error, "Card field \"%s\" is not base64", "photo");

  data = g_base64_decode (s, &size);
  if (size > HB_IDCARD_PHOTO_MAX)
    {
      explicit_bzero (data, size);
      g_free (data);
      return invalid (error, "Card field \"%s\" is too large", "photo");
    }
  *out = g_bytes_new_take (data, size);
  return TRUE;
}

HbIdCard *
hb_idcard_new_from_json (JsonObject *object, GError **error)
{
  g_autoptr(HbIdCard) card = hb_idcard_new ();
  g_autofree char *type = NULL;
  g_autofree char *sex = NULL;
  gboolean foreign, resident;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!get_string (object, "type", TRUE, &type, error))
    return NULL;
  if (!hb_idcard_type_from_string (type, &card->type))
    {
      invalid (error, "Card field \"%s\" is not one of resident, foreign-permanent, "
               "hmt-residence, foreign-permanent-2023", "type");
      return NULL;
    }
  foreign = card->type == HB_IDCARD_TYPE_FOREIGN_PERMANENT ||
            card->type == HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023;
  resident = card->type == HB_IDCARD_TYPE_RESIDENT;

  if (!get_string (object, "sex", FALSE, &sex, error))
    return NULL;
  if (sex != NULL && !sex_from_string (sex, &card->sex))
    {
      invalid (error, "Card field \"%s\" is not one of male, female, unknown, unspecified", "sex");
      return NULL;
    }

  /* Foreign cards may carry only an English name; every card needs a name of some kind. */
  if (!get_string (object, "name", !foreign, &card->name, error) ||
      !get_string (object, "name_en", FALSE, &card->name_en, error))
    return NULL;
  if (card->name == NULL && card->name_en == NULL)
    {
      invalid (error, "Card field \"%s\" is missing", "name");
      return NULL;
    }

  if (!get_string (object, "nation", resident, &card->nation, error) ||
      !get_date (object, "birth_date", TRUE, FALSE, &card->birth_date, error) ||
      !get_string (object, "address", !foreign, &card->address, error) ||
      !get_string (object, "id_number", TRUE, &card->id_number, error) ||
      !get_string (object, "issuer", !foreign, &card->issuer, error) ||
      !get_date (object, "valid_from", TRUE, FALSE, &card->valid_from, error) ||
      !get_date (object, "valid_to", TRUE, TRUE, &card->valid_to, error) ||
      !get_photo (object, &card->photo, error))
    return NULL;

  /* Optional everywhere: which layout has room for which is the SAM encoder's business. */
  if (!get_string (object, "pass_number", FALSE, &card->pass_number, error) ||
      !get_string (object, "issue_count", FALSE, &card->issue_count, error) ||
      !get_string (object, "nationality", FALSE, &card->nationality, error) ||
      !get_string (object, "card_version", FALSE, &card->card_version, error) ||
      !get_string (object, "issuer_code", FALSE, &card->issuer_code, error) ||
      !get_string (object, "renewal_count", FALSE, &card->renewal_count, error) ||
      !get_string (object, "previous_number", FALSE, &card->previous_number, error) ||
      !get_string (object, "address_appended", FALSE, &card->address_appended, error))
    return NULL;

  /* 2017 foreign permanent cards carry a 15-character number of letters and digits
   * (no published check digit); every other number is 18 characters, ISO 7064. */
  if (card->type == HB_IDCARD_TYPE_FOREIGN_PERMANENT && strlen (card->id_number) == 15)
    {
      for (int i = 0; i < 15; i++)
        {
          if (!g_ascii_isalnum (card->id_number[i]))
            {
              invalid (error, "Card field \"%s\" must be letters and digits", "id_number");
              return NULL;
            }
          card->id_number[i] = g_ascii_toupper (card->id_number[i]);
        }
      return g_steal_pointer (&card);
    }

  if (strlen (card->id_number) != 18)
    {
      invalid (error, "Card field \"%s\" must be 18 characters", "id_number");
      return NULL;
    }
  if (!hb_idcard_number_is_valid (card->id_number))
    {
      invalid (error, "Card field \"%s\" has a wrong check digit or is not a number", "id_number");
      return NULL;
    }
  card->id_number[17] = g_ascii_toupper (card->id_number[17]);

  return g_steal_pointer (&card);
}

static const char *const card_fields[] = {
  "type", "name", "name_en", "sex", "nation", "birth_date", "address", "id_number",
  "issuer", "valid_from", "valid_to", "photo", "pass_number", "issue_count", "nationality",
  "card_version", "issuer_code", "renewal_count", "previous_number", "address_appended",
};

/* The JSON parser rejects a document that is not UTF-8 without saying where. Parse a
 * repaired copy (bad bytes become U+FFFD) to name the field that held them. */
static void
utf8_error (const char *data, gsize len, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  char *repaired = g_utf8_make_valid (data, (gssize) len);
  const char *field = NULL;

  if (json_parser_load_from_data (parser, repaired, -1, NULL) &&
      json_parser_get_root (parser) != NULL &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));

      for (guint i = 0; i < G_N_ELEMENTS (card_fields) && field == NULL; i++)
        {
          JsonNode *node = json_object_get_member (object, card_fields[i]);
          if (node && JSON_NODE_HOLDS_VALUE (node) &&
              json_node_get_value_type (node) == G_TYPE_STRING &&
              strstr (json_node_get_string (node), "\xEF\xBF\xBD") != NULL)
            field = card_fields[i];
        }
    }
  explicit_bzero (repaired, strlen (repaired));
  g_free (repaired);

  if (field)
    invalid (error, "Card field \"%s\" is not valid UTF-8", field);
  else
    invalid (error, "Card data is not valid UTF-8");
}

HbIdCard *
hb_idcard_new_from_json_data (const char *data, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  gsize len;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = length < 0 ? strlen (data) : (gsize) length;
  if (len > HB_IDCARD_JSON_MAX)
    {
      g_set_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID,
                   "Card data is longer than %d bytes", HB_IDCARD_JSON_MAX);
      return NULL;
    }
  if (len == 0 || memchr (data, '\0', len) != NULL)
    {
      g_set_error_literal (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID,
                           len == 0 ? "Card data is empty" : "Card data contains a NUL byte");
      return NULL;
    }

  /* json-glib recurses per nesting level: bound its stack before it sees the bytes. */
  if (hb_json_depth (data, len, HB_JSON_DEFAULT_MAX_DEPTH) > HB_JSON_DEFAULT_MAX_DEPTH)
    {
      g_set_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID,
                   "Card data is nested deeper than %d levels", HB_JSON_DEFAULT_MAX_DEPTH);
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      utf8_error (data, len, error);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &parse_error))
    {
      /* The parser's message may quote the input; report only the kind of problem. */
      GEnumClass *klass = g_type_class_ref (JSON_TYPE_PARSER_ERROR);
      GEnumValue *value = parse_error->domain == JSON_PARSER_ERROR
                            ? g_enum_get_value (klass, parse_error->code) : NULL;
      g_set_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID,
                   "Card data is not valid JSON (%s)", value ? value->value_nick : "unreadable");
      g_type_class_unref (klass);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID,
                           "Card data is not a JSON object");
      return NULL;
    }
  return hb_idcard_new_from_json (json_node_get_object (root), error);
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

JsonNode *
hb_idcard_to_json (const HbIdCard *card)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (card != NULL, NULL);

  json_builder_begin_object (builder);
  add_string (builder, "type", hb_idcard_type_to_string (card->type));
  add_string (builder, "name", card->name);
  add_string (builder, "name_en", card->name_en);
  add_string (builder, "sex", sex_to_string (card->sex));
  add_string (builder, "nation", card->nation);
  add_string (builder, "birth_date", card->birth_date);
  add_string (builder, "address", card->address);
  add_string (builder, "id_number", card->id_number);
  add_string (builder, "issuer", card->issuer);
  add_string (builder, "valid_from", card->valid_from);
  add_string (builder, "valid_to", card->valid_to);
  add_string (builder, "pass_number", card->pass_number);
  add_string (builder, "issue_count", card->issue_count);
  add_string (builder, "nationality", card->nationality);
  add_string (builder, "card_version", card->card_version);
  add_string (builder, "issuer_code", card->issuer_code);
  add_string (builder, "renewal_count", card->renewal_count);
  add_string (builder, "previous_number", card->previous_number);
  add_string (builder, "address_appended", card->address_appended);
  if (card->photo != NULL && g_bytes_get_size (card->photo) > 0)
    {
      gsize size;
      const guchar *data = g_bytes_get_data (card->photo, &size);
      g_autofree char *b64 = g_base64_encode (data, size);
      add_string (builder, "photo", b64);
      explicit_bzero (b64, strlen (b64));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
