/* test-idcard.c — HbIdCard: check digits, the JSON form and its bounds, copy and wipe. */
#include "drivers/idcard/hb-idcard-private.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

/* Sample card 1 of data/sample-cards.json, as a JSON object we can tamper with. */
static JsonObject *
sample_object (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *json =
    "{\"type\":\"resident\",\"name\":\"张伟\",\"sex\":\"male\",\"nation\":\"汉\","
    "\"birth_date\":\"19850615\",\"address\":\"上海市徐汇区漕溪北路88号5号楼1203室\","
    "\"id_number\":\"310104198506151237\",\"issuer\":\"上海市公安局徐汇分局\","
    "\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}";

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
object_to_data (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

/* Parses @object through both entry points and expects the same invalid-field error. */
static void
assert_rejected (JsonObject *object, const char *field, const char *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json (object, &error);
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", field);
  g_autofree char *data = object_to_data (object);

  g_assert_null (card);
  g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, quoted));
  if (secret)
    g_assert_null (strstr (error->message, secret));
  g_clear_error (&error);

  card = hb_idcard_new_from_json_data (data, -1, &error);
  g_assert_null (card);
  g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, quoted));
  if (secret)
    g_assert_null (strstr (error->message, secret));
}

static void
test_number_accepts_valid_check_digits (void)
{
  const char *valid[] = {
    "310104198506151237", "310110195203082426", "310115199309210051",
    "11010519491231002X", "11010519491231002x", "440524188001010014",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (hb_idcard_number_is_valid (valid[i]));
}

static void
test_number_rejects_wrong_digits_and_shapes (void)
{
  const char *invalid[] = {
    "110101199003071234",     /* check digit should be 3 */
    "310104198506151238",     /* sample 1 with the last digit changed */
    "310104198506151273",     /* two digits swapped */
    "11010519491231002Y",
    "1101051949123100X2",     /* X only as the last character */
    "31010419850615123",      /* 17 characters */
    "3101041985061512370",    /* 19 characters */
    "31010419850615123 ",
    "",
    "３１０１０４１９８５０６１５１２３７",   /* fullwidth digits */
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (hb_idcard_number_is_valid (invalid[i]));
  g_assert_false (hb_idcard_number_is_valid (NULL));
}

static void
test_parses_every_sample_card (void)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "sample-cards.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *cards;
  /* The first three are the residents the demo and older tests use, in this order. */
  const char *expected_ids[] = { "310104198506151237", "310110195203082426", "310115199309210051",
                                 "810000199005120020", "DEU310880315023", "931826198507040136" };
  const HbIdCardType expected_types[] = {
    HB_IDCARD_TYPE_RESIDENT, HB_IDCARD_TYPE_RESIDENT, HB_IDCARD_TYPE_RESIDENT,
    HB_IDCARD_TYPE_HMT_RESIDENCE, HB_IDCARD_TYPE_FOREIGN_PERMANENT,
    HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023,
  };

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  cards = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "cards");
  g_assert_cmpuint (json_array_get_length (cards), ==, G_N_ELEMENTS (expected_ids));

  for (guint i = 0; i < json_array_get_length (cards); i++)
    {
      g_autoptr(HbIdCard) card = hb_idcard_new_from_json (json_array_get_object_element (cards, i), &error);
      g_assert_no_error (error);
      g_assert_nonnull (card);
      g_assert_cmpint (card->type, ==, expected_types[i]);
      g_assert_cmpstr (card->id_number, ==, expected_ids[i]);
      g_assert_nonnull (card->name);
      g_assert_null (card->photo);
      switch (card->type)
        {
        case HB_IDCARD_TYPE_RESIDENT:
          g_assert_nonnull (card->nation);
          g_assert_null (card->name_en);
          break;
        case HB_IDCARD_TYPE_HMT_RESIDENCE:
          g_assert_true (g_str_has_prefix (card->id_number, "81"));
          g_assert_cmpstr (card->pass_number, ==, "H60123456");
          g_assert_cmpstr (card->issue_count, ==, "01");
          break;
        case HB_IDCARD_TYPE_FOREIGN_PERMANENT:
          g_assert_nonnull (card->name_en);
          g_assert_cmpstr (card->nationality, ==, "DEU");
          g_assert_nonnull (card->card_version);
          g_assert_nonnull (card->issuer_code);
          break;
        case HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023:
          g_assert_cmpuint (strlen (card->name_en), >, 35);   /* fills both name parts */
          g_assert_cmpstr (card->nationality, ==, "GBR");
          g_assert_nonnull (card->renewal_count);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static void
test_sample_fields_are_parsed (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json (o, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (card->name, ==, "张伟");
  g_assert_cmpint (card->sex, ==, HB_SEX_MALE);
  g_assert_cmpstr (card->nation, ==, "汉");
  g_assert_cmpstr (card->birth_date, ==, "19850615");
  g_assert_cmpstr (card->address, ==, "上海市徐汇区漕溪北路88号5号楼1203室");
  g_assert_cmpstr (card->issuer, ==, "上海市公安局徐汇分局");
  g_assert_cmpstr (card->valid_from, ==, "20160302");
  g_assert_cmpstr (card->valid_to, ==, "20360302");
}

static void
test_round_trips_through_to_json (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL, again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *data = NULL;
  static const guint8 photo[] = { 0x57, 0x4c, 0x00, 0xff, 0x10 };

  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  card->photo = g_bytes_new_static (photo, sizeof photo);

  node = hb_idcard_to_json (card);
  data = json_to_string (node, FALSE);
  again = hb_idcard_new_from_json_data (data, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->type, ==, card->type);
  g_assert_cmpint (again->sex, ==, card->sex);
  g_assert_cmpstr (again->name, ==, card->name);
  g_assert_cmpstr (again->nation, ==, card->nation);
  g_assert_cmpstr (again->birth_date, ==, card->birth_date);
  g_assert_cmpstr (again->address, ==, card->address);
  g_assert_cmpstr (again->id_number, ==, card->id_number);
  g_assert_cmpstr (again->issuer, ==, card->issuer);
  g_assert_cmpstr (again->valid_from, ==, card->valid_from);
  g_assert_cmpstr (again->valid_to, ==, card->valid_to);
  g_assert_true (g_bytes_equal (again->photo, card->photo));
}

static void
test_lowercase_x_is_stored_uppercase (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;

  json_object_set_string_member (o, "id_number", "11010519491231002x");
  json_object_set_string_member (o, "birth_date", "19491231");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->id_number, ==, "11010519491231002X");
}

static void
test_rejects_over_long_field (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GString) address = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;

  /* Exactly the limit is fine (3-byte characters: 85 × 3 = 255, plus one ASCII byte). */
  for (guint i = 0; i < 85; i++)
    g_string_append (address, "路");
  g_string_append_c (address, '1');
  g_assert_cmpuint (address->len, ==, HB_IDCARD_FIELD_MAX);
  json_object_set_string_member (o, "address", address->str);
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (card);

  g_string_append_c (address, '2');
  json_object_set_string_member (o, "address", address->str);
  assert_rejected (o, "address", "路路路");
}

static void
test_rejects_bad_utf8 (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;
  const char *data =
    "{\"type\":\"resident\",\"name\":\"Secret\xff\xfeName\",\"sex\":\"male\",\"nation\":\"汉\","
    "\"birth_date\":\"19850615\",\"address\":\"a\",\"id_number\":\"310104198506151237\","
    "\"issuer\":\"b\",\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}";

  /* Through a JsonObject (no parser in between to catch it). */
  json_object_set_string_member (o, "name", "Secret\xc3\x28Name");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_null (card);
  g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "\"name\""));
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  g_assert_null (strstr (error->message, "Secret"));
  g_clear_error (&error);

  /* Through raw bytes: still names the field. */
  card = hb_idcard_new_from_json_data (data, -1, &error);
  g_assert_null (card);
  g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "\"name\""));
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  g_assert_null (strstr (error->message, "Secret"));
}

static void
test_rejects_impossible_dates (void)
{
  const char *bad[] = { "19850230", "19851301", "1985061", "198506150", "19850x15", "00000000",
                        "长期" /* only valid_to may be long-term */ };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) o = sample_object ();
      json_object_set_string_member (o, "birth_date", bad[i]);
      assert_rejected (o, "birth_date", bad[i]);
    }
  {
    g_autoptr(JsonObject) o = sample_object ();
    json_object_set_string_member (o, "valid_from", "20230229");
    assert_rejected (o, "valid_from", "20230229");
  }
  {
    g_autoptr(JsonObject) o = sample_object ();
    json_object_set_string_member (o, "valid_to", "永久");
    assert_rejected (o, "valid_to", "永久");
  }
}

static void
test_accepts_long_term_validity_and_leap_day (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;

  json_object_set_string_member (o, "valid_to", "长期");
  json_object_set_string_member (o, "valid_from", "20240229");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->valid_to, ==, "长期");
}

static void
test_rejects_bad_check_digit (void)
{
  g_autoptr(JsonObject) o = sample_object ();

  json_object_set_string_member (o, "id_number", "310104198506151238");
  assert_rejected (o, "id_number", "310104198506151238");

  json_object_set_string_member (o, "id_number", "31010419850615123");
  assert_rejected (o, "id_number", "31010419850615123");
}

static void
test_rejects_missing_and_mistyped_fields (void)
{
  const char *required[] = { "type", "name", "nation", "birth_date", "address", "id_number",
                             "issuer", "valid_from", "valid_to" };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autoptr(JsonObject) o = sample_object ();
      json_object_remove_member (o, required[i]);
      assert_rejected (o, required[i], NULL);
    }
  {
    g_autoptr(JsonObject) o = sample_object ();
    json_object_set_int_member (o, "birth_date", 19850615);
    assert_rejected (o, "birth_date", NULL);
  }
  {
    g_autoptr(JsonObject) o = sample_object ();
    json_object_set_string_member (o, "sex", "M");
    assert_rejected (o, "sex", NULL);
  }
  {
    g_autoptr(JsonObject) o = sample_object ();
    json_object_set_string_member (o, "type", "passport");
    assert_rejected (o, "type", NULL);
  }
  {
    g_autoptr(JsonObject) o = sample_object ();
    json_object_set_string_member (o, "name", "张\n伟");
    assert_rejected (o, "name", "张");
  }
}

static void
test_rejects_malformed_json_without_echoing_it (void)
{
  const char *bad[] = {
    "{\"name\": SECRET}",
    "{\"type\":\"resident\",\"name\":\"SECRET\"",
    "[\"SECRET\"]",
    "\"SECRET\"",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbIdCard) card = hb_idcard_new_from_json_data (bad[i], -1, &error);

      g_assert_null (card);
      g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
      g_assert_null (strstr (error->message, "SECRET"));
      g_assert_cmpstr (error->message, !=, "");
    }
  {
    /* An embedded NUL and an over-long document are refused before parsing. */
    g_autoptr(GError) error = NULL;
    g_autofree char *huge = g_strnfill (HB_IDCARD_JSON_MAX + 1, ' ');
    g_assert_null (hb_idcard_new_from_json_data ("{\"a\":\"b\0\"}", 10, &error));
    g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (hb_idcard_new_from_json_data (huge, -1, &error));
    g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
  }
}

static void
test_foreign_card_needs_no_nation_or_address (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;

  json_object_set_string_member (o, "type", "foreign-permanent");
  json_object_remove_member (o, "nation");
  json_object_remove_member (o, "address");
  json_object_remove_member (o, "issuer");
  json_object_remove_member (o, "name");
  json_object_set_string_member (o, "name_en", "SMITH, JOHN");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card->type, ==, HB_IDCARD_TYPE_FOREIGN_PERMANENT);
  g_assert_cmpstr (card->name_en, ==, "SMITH, JOHN");
  g_assert_null (card->name);
  g_assert_null (card->nation);

  /* But some name it must have. */
  json_object_remove_member (o, "name_en");
  assert_rejected (o, "name", NULL);
}

static void
test_photo_is_bounded_base64 (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;
  g_autofree guchar *raw = g_malloc0 (HB_IDCARD_PHOTO_MAX + 1);
  g_autofree char *ok = g_base64_encode (raw, HB_IDCARD_PHOTO_MAX);
  g_autofree char *big = g_base64_encode (raw, HB_IDCARD_PHOTO_MAX + 1);

  json_object_set_string_member (o, "photo", ok);
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (card->photo), ==, HB_IDCARD_PHOTO_MAX);

  json_object_set_string_member (o, "photo", big);
  assert_rejected (o, "photo", NULL);
  json_object_set_string_member (o, "photo", "not base64!");
  assert_rejected (o, "photo", NULL);
}

static void
test_type_strings_round_trip (void)
{
  HbIdCardType types[] = { HB_IDCARD_TYPE_RESIDENT, HB_IDCARD_TYPE_FOREIGN_PERMANENT,
                           HB_IDCARD_TYPE_HMT_RESIDENCE, HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023 };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      HbIdCardType t = -1;
      g_assert_true (hb_idcard_type_from_string (hb_idcard_type_to_string (types[i]), &t));
      g_assert_cmpint (t, ==, types[i]);
    }
  g_assert_false (hb_idcard_type_from_string ("Resident", NULL));
  g_assert_false (hb_idcard_type_from_string (NULL, NULL));
  g_assert_cmpstr (hb_idcard_type_to_string (HB_IDCARD_TYPE_HMT_RESIDENCE), ==, "hmt-residence");
  g_assert_cmpstr (hb_idcard_type_to_string (HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023), ==,
                   "foreign-permanent-2023");
}

static void
test_copy_is_deep (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json (o, &error);
  HbIdCard *copy;
  static const guint8 photo[] = { 1, 2, 3, 4 };

  g_assert_no_error (error);
  card->photo = g_bytes_new (photo, sizeof photo);
  copy = hb_idcard_copy (card);
  g_assert_true (copy->name != card->name);
  g_assert_cmpstr (copy->name, ==, card->name);
  g_assert_true (copy->id_number != card->id_number);
  g_assert_cmpstr (copy->id_number, ==, card->id_number);
  g_assert_true (copy->photo != card->photo);
  g_assert_true (g_bytes_equal (copy->photo, card->photo));

  /* The boxed type uses the same functions. */
  {
    HbIdCard *boxed = g_boxed_copy (HB_TYPE_IDCARD, card);
    g_assert_cmpstr (boxed->address, ==, card->address);
    g_boxed_free (HB_TYPE_IDCARD, boxed);
  }

  hb_idcard_free (copy);
  g_assert_cmpstr (card->name, ==, "张伟");   /* the original is untouched */
  hb_idcard_free (NULL);
  g_assert_null (hb_idcard_copy (NULL));
}

static gboolean
all_zero (const char *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] != 0)
      return FALSE;
  return TRUE;
}

static void
test_wipe_zeroes_every_string (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  HbIdCard *card;
  char **fields[9];
  gsize lengths[9];
  static const guint8 photo[] = { 9, 9, 9 };

  json_object_set_string_member (o, "name_en", "ZHANG WEI");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  card->photo = g_bytes_new (photo, sizeof photo);

  fields[0] = &card->name; fields[1] = &card->name_en; fields[2] = &card->nation;
  fields[3] = &card->birth_date; fields[4] = &card->address; fields[5] = &card->id_number;
  fields[6] = &card->issuer; fields[7] = &card->valid_from; fields[8] = &card->valid_to;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_assert_nonnull (*fields[i]);
      lengths[i] = strlen (*fields[i]);
      g_assert_cmpuint (lengths[i], >, 0);
    }

  hb_idcard_wipe (card);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (all_zero (*fields[i], lengths[i]));
  g_assert_null (card->photo);
  g_assert_cmpint (card->sex, ==, HB_SEX_UNKNOWN);

  hb_idcard_free (card);
}

static void
test_deep_nesting_is_refused (void)
{
  /* 100000 '[' overflow json-glib's recursive parser; the card parser must stop first. */
  gsize n = 30000;
  g_autofree char *deep = g_malloc (2 * n + 1);
  g_autoptr(GError) error = NULL;
  HbIdCard *card;

  memset (deep, '[', n);
  memset (deep + n, ']', n);
  deep[2 * n] = '\0';
  card = hb_idcard_new_from_json_data (deep, -1, &error);
  g_assert_null (card);
  g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nested"));
}

/* Every field the SAM layouts added, set through JSON. */
static const char *const extra_fields[] = {
  "pass_number", "issue_count", "nationality", "card_version", "issuer_code",
  "renewal_count", "previous_number", "address_appended",
};

static char **
extra_member (HbIdCard *card, guint i)
{
  char **members[] = { &card->pass_number, &card->issue_count, &card->nationality,
                       &card->card_version, &card->issuer_code, &card->renewal_count,
                       &card->previous_number, &card->address_appended };
  g_assert_cmpuint (i, <, G_N_ELEMENTS (members));
  return members[i];
}

static void
test_new_fields_round_trip_through_json (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL, again = NULL, copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *data = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (extra_fields); i++)
    {
      g_autofree char *value = g_strdup_printf ("值%u-%s", i, extra_fields[i]);
      json_object_set_string_member (o, extra_fields[i], value);
    }
  json_object_set_string_member (o, "sex", "unspecified");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card->sex, ==, HB_SEX_UNSPECIFIED);

  node = hb_idcard_to_json (card);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "sex"), ==,
                   "unspecified");
  data = json_to_string (node, FALSE);
  again = hb_idcard_new_from_json_data (data, -1, &error);
  g_assert_no_error (error);
  copy = hb_idcard_copy (again);
  for (guint i = 0; i < G_N_ELEMENTS (extra_fields); i++)
    {
      g_autofree char *value = g_strdup_printf ("值%u-%s", i, extra_fields[i]);
      g_assert_cmpstr (*extra_member (card, i), ==, value);
      g_assert_cmpstr (*extra_member (again, i), ==, value);
      g_assert_cmpstr (*extra_member (copy, i), ==, value);
      g_assert_true (*extra_member (copy, i) != *extra_member (again, i));
    }
  g_assert_cmpint (again->sex, ==, HB_SEX_UNSPECIFIED);

  /* Absent stays absent in the JSON form. */
  {
    g_autoptr(JsonObject) plain = sample_object ();
    g_autoptr(HbIdCard) c = hb_idcard_new_from_json (plain, &error);
    g_autoptr(JsonNode) n = hb_idcard_to_json (c);
    for (guint i = 0; i < G_N_ELEMENTS (extra_fields); i++)
      {
        g_assert_null (*extra_member (c, i));
        g_assert_false (json_object_has_member (json_node_get_object (n), extra_fields[i]));
      }
  }
}

static void
test_new_fields_are_bounded_and_named (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (extra_fields); i++)
    {
      g_autoptr(JsonObject) o = sample_object ();
      g_autofree char *huge = g_strnfill (HB_IDCARD_FIELD_MAX + 1, '7');

      json_object_set_string_member (o, extra_fields[i], huge);
      assert_rejected (o, extra_fields[i], "7777");
      json_object_set_string_member (o, extra_fields[i], "SECRET\x01");
      assert_rejected (o, extra_fields[i], "SECRET");
      json_object_set_int_member (o, extra_fields[i], 1);
      assert_rejected (o, extra_fields[i], NULL);
    }
}

static void
test_wipe_zeroes_the_new_fields (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  HbIdCard *card;
  gsize lengths[G_N_ELEMENTS (extra_fields)];

  for (guint i = 0; i < G_N_ELEMENTS (extra_fields); i++)
    json_object_set_string_member (o, extra_fields[i], "上海市黄浦区人民大道200号");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (extra_fields); i++)
    lengths[i] = strlen (*extra_member (card, i));

  hb_idcard_wipe (card);
  for (guint i = 0; i < G_N_ELEMENTS (extra_fields); i++)
    g_assert_true (all_zero (*extra_member (card, i), lengths[i]));
  hb_idcard_free (card);
}

static void
test_foreign_2017_numbers_are_fifteen_letters_and_digits (void)
{
  g_autoptr(JsonObject) o = sample_object ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;

  json_object_set_string_member (o, "type", "foreign-permanent");
  json_object_set_string_member (o, "id_number", "deu310880315023");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->id_number, ==, "DEU310880315023");

  json_object_set_string_member (o, "id_number", "DEU-10880315023");
  assert_rejected (o, "id_number", "DEU-1");
  json_object_set_string_member (o, "id_number", "DEU3108803150");
  assert_rejected (o, "id_number", "DEU31");

  /* Only the 2017 edition has them; the 2023 edition is ISO 7064 like residents. */
  json_object_set_string_member (o, "type", "foreign-permanent-2023");
  json_object_set_string_member (o, "id_number", "DEU310880315023");
  assert_rejected (o, "id_number", "DEU31");
  json_object_set_string_member (o, "id_number", "931826198507040136");
  g_clear_pointer (&card, hb_idcard_free);
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card->type, ==, HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023);
}

static void
test_date_helper (void)
{
  g_assert_true (hb_idcard_date_is_valid ("20240229"));
  g_assert_true (hb_idcard_date_is_valid ("18000101"));
  g_assert_false (hb_idcard_date_is_valid ("20230229"));
  g_assert_false (hb_idcard_date_is_valid ("17991231"));
  g_assert_false (hb_idcard_date_is_valid ("2024022"));
  g_assert_false (hb_idcard_date_is_valid (HB_IDCARD_LONG_TERM));
  g_assert_false (hb_idcard_date_is_valid (NULL));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/drivers/idcard/number/accepts-valid-check-digits", test_number_accepts_valid_check_digits);
  g_test_add_func ("/drivers/idcard/number/rejects-wrong-digits-and-shapes", test_number_rejects_wrong_digits_and_shapes);
  g_test_add_func ("/drivers/idcard/json/parses-every-sample-card", test_parses_every_sample_card);
  g_test_add_func ("/drivers/idcard/json/reads-every-field", test_sample_fields_are_parsed);
  g_test_add_func ("/drivers/idcard/json/round-trips-through-to-json", test_round_trips_through_to_json);
  g_test_add_func ("/drivers/idcard/json/stores-lowercase-x-uppercase", test_lowercase_x_is_stored_uppercase);
  g_test_add_func ("/drivers/idcard/json/rejects-over-long-field-naming-it", test_rejects_over_long_field);
  g_test_add_func ("/drivers/idcard/json/rejects-bad-utf8-naming-the-field", test_rejects_bad_utf8);
  g_test_add_func ("/drivers/idcard/json/rejects-impossible-dates", test_rejects_impossible_dates);
  g_test_add_func ("/drivers/idcard/json/accepts-long-term-validity", test_accepts_long_term_validity_and_leap_day);
  g_test_add_func ("/drivers/idcard/json/rejects-bad-check-digit", test_rejects_bad_check_digit);
  g_test_add_func ("/drivers/idcard/json/rejects-missing-and-mistyped-fields", test_rejects_missing_and_mistyped_fields);
  g_test_add_func ("/drivers/idcard/json/rejects-malformed-json-without-echoing-it", test_rejects_malformed_json_without_echoing_it);
  g_test_add_func ("/drivers/idcard/json/foreign-card-needs-no-nation-or-address", test_foreign_card_needs_no_nation_or_address);
  g_test_add_func ("/drivers/idcard/json/photo-is-bounded-base64", test_photo_is_bounded_base64);
  g_test_add_func ("/drivers/idcard/type/round-trips-through-its-name", test_type_strings_round_trip);
  g_test_add_func ("/drivers/idcard/copy/is-deep", test_copy_is_deep);
  g_test_add_func ("/drivers/idcard/free/wipes-every-string", test_wipe_zeroes_every_string);
  g_test_add_func ("/drivers/idcard/json/deep-nesting-is-refused-before-parsing", test_deep_nesting_is_refused);
  g_test_add_func ("/drivers/idcard/json/new-fields-round-trip", test_new_fields_round_trip_through_json);
  g_test_add_func ("/drivers/idcard/json/new-fields-are-bounded-and-named", test_new_fields_are_bounded_and_named);
  g_test_add_func ("/drivers/idcard/free/wipes-the-new-fields", test_wipe_zeroes_the_new_fields);
  g_test_add_func ("/drivers/idcard/json/foreign-2017-numbers-are-fifteen-letters-and-digits", test_foreign_2017_numbers_are_fifteen_letters_and_digits);
  g_test_add_func ("/drivers/idcard/date/is-a-real-calendar-date", test_date_helper);

  return g_test_run ();
}
