/* Tests for kiosk/hb-condition.c: the catalog's condition language. */
#include "kiosk/hb-condition.h"
#include "kiosk-test-data.h"

#include <gio/gio.h>
#include <string.h>

/* A scope with situations who {self, child} and married {yes, no}, and fields
 * name, phone, start_date, end_date, amount, postcode. */
typedef struct {
  GHashTable *situations;
  GHashTable *fields;
  HbConditionScope scope;
  GHashTable *answers;
  GHashTable *values;
  HbConditionContext ctx;
  GDateTime *today;
} Fixture;

static const char *
lookup_value (gpointer data, const char *id)
{
  return g_hash_table_lookup (data, id);
}

static void
fixture_set_up (Fixture *f, gconstpointer unused)
{
  static const char *const who[] = { "self", "child", NULL };
  static const char *const yesno[] = { "yes", "no", NULL };
  static const char *const fields[] = { "name", "phone", "start_date", "end_date", "amount",
                                        "postcode", NULL };
  f->situations = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (f->situations, "who", (gpointer) who);
  g_hash_table_insert (f->situations, "married", (gpointer) yesno);
  f->fields = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; fields[i]; i++)
    g_hash_table_add (f->fields, (gpointer) fields[i]);
  f->scope.situations = f->situations;
  f->scope.fields = f->fields;
  f->answers = g_hash_table_new (g_str_hash, g_str_equal);
  f->values = g_hash_table_new (g_str_hash, g_str_equal);
  f->today = g_date_time_new_local (2026, 11, 27, 12, 0, 0);
  f->ctx.answers = f->answers;
  f->ctx.field_value = lookup_value;
  f->ctx.field_data = f->values;
  f->ctx.today = f->today;
}

static void
fixture_tear_down (Fixture *f, gconstpointer unused)
{
  g_hash_table_unref (f->situations);
  g_hash_table_unref (f->fields);
  g_hash_table_unref (f->answers);
  g_hash_table_unref (f->values);
  g_date_time_unref (f->today);
}

static HbCondition *
parse (Fixture *f, const char *json, GError **error)
{
  g_autoptr(JsonNode) node = hb_json_parse (json, -1, 65536, 64, NULL);
  g_assert_nonnull (node);
  return hb_condition_parse (node, &f->scope, "310000-TEST-0001 prereview[0]", error);
}

static HbCondition *
parse_ok (Fixture *f, const char *json)
{
  g_autoptr(GError) error = NULL;
  HbCondition *c = parse (f, json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

static void
assert_refused (Fixture *f, const char *json, const char *says)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCondition) c = parse (f, json, &error);
  g_assert_null (c);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "310000-TEST-0001 prereview[0]"));
  if (strstr (error->message, says) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, says);
}

static gboolean
holds (Fixture *f, const char *json)
{
  g_autoptr(HbCondition) c = parse_ok (f, json);
  return hb_condition_eval (c, &f->ctx);
}

static void
test_situation_in (Fixture *f, gconstpointer unused)
{
  const char *c = "{\"situation\":\"who\",\"in\":[\"child\"]}";
  g_assert_false (holds (f, c));                      /* not answered yet */
  g_hash_table_insert (f->answers, "who", "self");
  g_assert_false (holds (f, c));
  g_hash_table_insert (f->answers, "who", "child");
  g_assert_true (holds (f, c));
}

static void
test_field_ops (Fixture *f, gconstpointer unused)
{
  g_hash_table_insert (f->values, "name", "张三");
  g_assert_true (holds (f, "{\"field\":\"name\",\"op\":\"eq\",\"value\":\"张三\"}"));
  g_assert_false (holds (f, "{\"field\":\"name\",\"op\":\"ne\",\"value\":\"张三\"}"));
  g_assert_true (holds (f, "{\"field\":\"name\",\"op\":\"in\",\"value\":[\"李四\",\"张三\"]}"));
  g_assert_true (holds (f, "{\"field\":\"name\",\"op\":\"present\"}"));
  g_assert_false (holds (f, "{\"field\":\"phone\",\"op\":\"present\"}"));
  g_assert_true (holds (f, "{\"field\":\"name\",\"op\":\"min_length\",\"value\":2}"));
  g_assert_false (holds (f, "{\"field\":\"name\",\"op\":\"min_length\",\"value\":3}"));
  g_assert_true (holds (f, "{\"field\":\"name\",\"op\":\"max_length\",\"value\":2}"));
  g_assert_false (holds (f, "{\"field\":\"name\",\"op\":\"max_length\",\"value\":1}"));
}

static void
test_empty_values_hold_only_ne_and_max_length (Fixture *f, gconstpointer unused)
{
  g_hash_table_insert (f->values, "phone", "");
  g_assert_false (holds (f, "{\"field\":\"phone\",\"op\":\"eq\",\"value\":\"\"}"));
  g_assert_true (holds (f, "{\"field\":\"phone\",\"op\":\"ne\",\"value\":\"1\"}"));
  g_assert_true (holds (f, "{\"field\":\"phone\",\"op\":\"max_length\",\"value\":3}"));
  g_assert_false (holds (f, "{\"field\":\"phone\",\"op\":\"matches\",\"value\":\".*\"}"));
  g_assert_false (holds (f, "{\"field\":\"phone\",\"op\":\"le\",\"value\":5}"));
}

static void
test_matches_the_whole_value (Fixture *f, gconstpointer unused)
{
  const char *c = "{\"field\":\"postcode\",\"op\":\"matches\",\"value\":\"[0-9]{6}\"}";
  g_hash_table_insert (f->values, "postcode", "200030");
  g_assert_true (holds (f, c));
  g_hash_table_insert (f->values, "postcode", "2000301");
  g_assert_false (holds (f, c));
  g_hash_table_insert (f->values, "postcode", "x200030");
  g_assert_false (holds (f, c));
  g_hash_table_insert (f->values, "postcode", "200030\n");
  g_assert_false (holds (f, c));
  /* An alternation cannot escape the anchors. */
  g_hash_table_insert (f->values, "postcode", "200030abc");
  g_assert_false (holds (f, "{\"field\":\"postcode\",\"op\":\"matches\",\"value\":\"x|[0-9]{6}\"}"));
}

static void
test_catastrophic_regex_ends_without_a_match (Fixture *f, gconstpointer unused)
{
  /* (a+)+b over 2,000 a's backtracks exponentially; PCRE's match limit stops it. */
  g_autofree char *many = g_strnfill (2000, 'a');
  g_hash_table_insert (f->values, "name", many);
  g_assert_false (holds (f, "{\"field\":\"name\",\"op\":\"matches\",\"value\":\"(a+)+b\"}"));
  /* Longer than any value may be: never matched at all. */
  {
    g_autofree char *huge = g_strnfill (HB_CONDITION_VALUE_MAX + 1, 'a');
    g_hash_table_insert (f->values, "name", huge);
    g_assert_false (holds (f, "{\"field\":\"name\",\"op\":\"matches\",\"value\":\"a*\"}"));
    g_hash_table_remove (f->values, "name");
  }
}

static void
test_numbers_and_dates_compare (Fixture *f, gconstpointer unused)
{
  g_hash_table_insert (f->values, "amount", "120");
  g_assert_true (holds (f, "{\"field\":\"amount\",\"op\":\"ge\",\"value\":100}"));
  g_assert_false (holds (f, "{\"field\":\"amount\",\"op\":\"le\",\"value\":100}"));
  g_hash_table_insert (f->values, "amount", "12x");
  g_assert_false (holds (f, "{\"field\":\"amount\",\"op\":\"ge\",\"value\":1}"));

  g_hash_table_insert (f->values, "start_date", "2026-03-01");
  g_hash_table_insert (f->values, "end_date", "2026-02-28");
  g_assert_true (holds (f, "{\"field\":\"start_date\",\"op\":\"ge\",\"value\":\"2026-01-01\"}"));
  g_assert_false (holds (f, "{\"field\":\"end_date\",\"op\":\"ge_field\",\"value\":\"start_date\"}"));
  g_assert_true (holds (f, "{\"field\":\"end_date\",\"op\":\"le_field\",\"value\":\"start_date\"}"));
  g_hash_table_insert (f->values, "end_date", "2026-03-01");
  g_assert_true (holds (f, "{\"field\":\"end_date\",\"op\":\"ge_field\",\"value\":\"start_date\"}"));
  /* 2026-02-30 is no date: nothing to compare. */
  g_hash_table_insert (f->values, "end_date", "2026-02-30");
  g_assert_false (holds (f, "{\"field\":\"end_date\",\"op\":\"ge_field\",\"value\":\"start_date\"}"));
  g_assert_false (holds (f, "{\"field\":\"end_date\",\"op\":\"le_field\",\"value\":\"start_date\"}"));
}

static void
test_before_and_after_today (Fixture *f, gconstpointer unused)
{
  const char *before = "{\"field\":\"start_date\",\"op\":\"before_today\"}";
  const char *after = "{\"field\":\"start_date\",\"op\":\"after_today\"}";
  g_hash_table_insert (f->values, "start_date", "2026-11-26");
  g_assert_true (holds (f, before));
  g_assert_false (holds (f, after));
  g_hash_table_insert (f->values, "start_date", "2026-11-27");   /* today: neither */
  g_assert_false (holds (f, before));
  g_assert_false (holds (f, after));
  g_hash_table_insert (f->values, "start_date", "2026-11-28");
  g_assert_true (holds (f, after));
}

static void
test_person_age_and_sex (Fixture *f, gconstpointer unused)
{
  g_autoptr(HbPerson) zhang = kt_person (1);   /* male, born 1985-06-15 */
  g_autoptr(HbPerson) li = kt_person (2);      /* female, born 1952-03-08 */
  g_autoptr(GDateTime) birthday_eve = g_date_time_new_local (2001, 6, 14, 12, 0, 0);

  /* No person: an age or sex can never be asserted. */
  g_assert_false (holds (f, "{\"person\":\"age\",\"op\":\"le\",\"value\":150}"));
  f->ctx.person = zhang;
  g_assert_true (holds (f, "{\"person\":\"age\",\"op\":\"ge\",\"value\":41}"));
  g_assert_false (holds (f, "{\"person\":\"age\",\"op\":\"ge\",\"value\":42}"));
  g_assert_true (holds (f, "{\"person\":\"sex\",\"op\":\"eq\",\"value\":\"男\"}"));
  g_assert_false (holds (f, "{\"person\":\"sex\",\"op\":\"eq\",\"value\":\"女\"}"));
  f->ctx.today = birthday_eve;   /* whole years: 15 the day before the 16th birthday */
  g_assert_false (holds (f, "{\"person\":\"age\",\"op\":\"ge\",\"value\":16}"));
  f->ctx.today = f->today;
  f->ctx.person = li;
  g_assert_true (holds (f, "{\"person\":\"age\",\"op\":\"ge\",\"value\":70}"));
  g_assert_true (holds (f, "{\"person\":\"sex\",\"op\":\"eq\",\"value\":\"女\"}"));
  hb_person_wipe (li);
  g_assert_false (holds (f, "{\"person\":\"age\",\"op\":\"ge\",\"value\":0}"));
}

static void
test_licences_and_combinators (Fixture *f, gconstpointer unused)
{
  static const char *const held[] = { "id_card", "hukou_book", NULL };
  const char *c = "{\"all\":[{\"licence\":\"hukou_book\"},"
                  "{\"any\":[{\"situation\":\"married\",\"in\":[\"yes\"]},"
                  "{\"not\":{\"licence\":\"id_card\"}}]}]}";
  g_assert_false (holds (f, "{\"licence\":\"hukou_book\"}"));
  f->ctx.licences = held;
  g_assert_true (holds (f, "{\"licence\":\"hukou_book\"}"));
  g_assert_false (holds (f, "{\"licence\":\"marriage_cert\"}"));
  g_assert_false (holds (f, c));
  g_hash_table_insert (f->answers, "married", "yes");
  g_assert_true (holds (f, c));
}

static void
test_no_condition_and_empty_context (Fixture *f, gconstpointer unused)
{
  g_autoptr(HbCondition) c = parse_ok (f, "{\"not\":{\"field\":\"name\",\"op\":\"present\"}}");
  g_assert_true (hb_condition_eval (NULL, &f->ctx));
  g_assert_true (hb_condition_eval (c, NULL));
  g_assert_cmpstr (hb_condition_get_field (c), ==, NULL);
}

static void
test_bad_conditions_are_refused_naming_the_rule (Fixture *f, gconstpointer unused)
{
  assert_refused (f, "{\"situation\":\"spouse\",\"in\":[\"yes\"]}", "unknown situation");
  assert_refused (f, "{\"situation\":\"who\",\"in\":[\"grandchild\"]}", "no option");
  assert_refused (f, "{\"situation\":\"who\",\"in\":[]}", "\"in\"");
  assert_refused (f, "{\"field\":\"nope\",\"op\":\"present\"}", "unknown field");
  assert_refused (f, "{\"field\":\"name\",\"op\":\"like\",\"value\":\"x\"}", "unknown op");
  assert_refused (f, "{\"field\":\"name\",\"op\":\"present\",\"value\":1}", "takes no");
  assert_refused (f, "{\"field\":\"name\",\"op\":\"matches\",\"value\":\"([a-z\"}", "compile");
  assert_refused (f, "{\"field\":\"name\",\"op\":\"ge\",\"value\":\"soon\"}", "date");
  assert_refused (f, "{\"field\":\"end_date\",\"op\":\"ge_field\",\"value\":\"nope\"}",
                  "unknown field");
  assert_refused (f, "{\"person\":\"height\",\"op\":\"ge\",\"value\":1}", "person");
  assert_refused (f, "{\"person\":\"sex\",\"op\":\"eq\",\"value\":\"M\"}", "男");
  assert_refused (f, "{\"licence\":\"Hukou Book\"}", "licence");
  assert_refused (f, "{\"field\":\"name\",\"op\":\"present\",\"situation\":\"who\"}",
                  "unexpected member");
  assert_refused (f, "{\"field\":\"name\",\"opp\":\"present\"}", "unexpected member");
  assert_refused (f, "{\"all\":[]}", "\"all\"");
  assert_refused (f, "[1]", "object");
  assert_refused (f, "{}", "unknown kind");
}

static void
test_nesting_is_bounded (Fixture *f, gconstpointer unused)
{
  GString *ok = g_string_new (NULL), *deep = g_string_new (NULL);
  g_autoptr(HbCondition) c = NULL;
  /* 7 nots around a leaf: depth 8 is allowed; 8 nots (depth 9) are not. */
  for (int i = 0; i < 7; i++)
    g_string_append (ok, "{\"not\":");
  g_string_append (ok, "{\"licence\":\"id_card\"}");
  for (int i = 0; i < 7; i++)
    g_string_append_c (ok, '}');
  c = parse_ok (f, ok->str);
  f->ctx.licences = (const char *const[]) { NULL };
  g_assert_true (hb_condition_eval (c, &f->ctx));   /* odd number of nots around a false leaf */
  g_string_append (deep, "{\"not\":");
  g_string_append (deep, ok->str);
  g_string_append_c (deep, '}');
  assert_refused (f, deep->str, "deeper than 8");
  g_string_free (ok, TRUE);
  g_string_free (deep, TRUE);
}

static void
test_error_never_carries_a_value (Fixture *f, gconstpointer unused)
{
  /* A value in the data is not a resident's, but a pattern that fails to compile is echoed
   * only through PCRE's own message; the rule is named, not the pattern text. */
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCondition) c = parse (f, "{\"field\":\"name\",\"op\":\"matches\",\"value\":\"310104198506151237(\"}", &error);
  g_assert_null (c);
  g_assert_null (strstr (error->message, "310104198506151237"));
}

static void
test_what_the_terminal_cannot_know_is_unknown (Fixture *f, gconstpointer unused)
{
  g_autoptr(HbPerson) subject = hb_person_new_subject ("subj-1", "张*", HB_IDENTITY_OFFLINE_CODE);
  g_autoptr(HbPerson) zhang = kt_person (1);
  g_autoptr(HbCondition) age = parse_ok (f, "{\"person\":\"age\",\"op\":\"ge\",\"value\":16}");
  g_autoptr(HbCondition) sex = parse_ok (f, "{\"person\":\"sex\",\"op\":\"eq\",\"value\":\"女\"}");
  g_autoptr(HbCondition) not_age = parse_ok (f, "{\"not\":{\"person\":\"age\",\"op\":\"ge\",\"value\":16}}");
  g_autoptr(HbCondition) lic = parse_ok (f, "{\"licence\":\"hukou_book\"}");
  g_autoptr(HbCondition) all_false = parse_ok (f,
    "{\"all\":[{\"licence\":\"hukou_book\"},{\"field\":\"name\",\"op\":\"present\"}]}");
  g_autoptr(HbCondition) any_true = parse_ok (f,
    "{\"any\":[{\"licence\":\"hukou_book\"},{\"not\":{\"field\":\"name\",\"op\":\"present\"}}]}");
  g_autoptr(HbCondition) all_unknown = parse_ok (f,
    "{\"all\":[{\"licence\":\"hukou_book\"},{\"not\":{\"field\":\"name\",\"op\":\"present\"}}]}");

  /* No person, or one known only by an offline code's subject: age and sex unknown. */
  g_assert_cmpint (hb_condition_eval3 (age, &f->ctx), ==, HB_CONDITION_UNKNOWN);
  f->ctx.person = subject;
  g_assert_cmpint (hb_condition_eval3 (age, &f->ctx), ==, HB_CONDITION_UNKNOWN);
  g_assert_cmpint (hb_condition_eval3 (sex, &f->ctx), ==, HB_CONDITION_UNKNOWN);
  g_assert_cmpint (hb_condition_eval3 (not_age, &f->ctx), ==, HB_CONDITION_UNKNOWN);
  g_assert_false (hb_condition_eval (not_age, &f->ctx));
  f->ctx.person = zhang;
  g_assert_cmpint (hb_condition_eval3 (age, &f->ctx), ==, HB_CONDITION_TRUE);
  g_assert_cmpint (hb_condition_eval3 (sex, &f->ctx), ==, HB_CONDITION_FALSE);
  g_assert_cmpint (hb_condition_eval3 (not_age, &f->ctx), ==, HB_CONDITION_FALSE);

  /* Licences not fetched: unknown; fetched and not held: false. Kleene for all/any. */
  g_assert_cmpint (hb_condition_eval3 (lic, &f->ctx), ==, HB_CONDITION_UNKNOWN);
  g_assert_cmpint (hb_condition_eval3 (all_false, &f->ctx), ==, HB_CONDITION_FALSE);
  g_assert_cmpint (hb_condition_eval3 (any_true, &f->ctx), ==, HB_CONDITION_TRUE);
  g_assert_cmpint (hb_condition_eval3 (all_unknown, &f->ctx), ==, HB_CONDITION_UNKNOWN);
  f->ctx.licences = (const char *const[]) { NULL };
  g_assert_cmpint (hb_condition_eval3 (lic, &f->ctx), ==, HB_CONDITION_FALSE);
  g_assert_cmpint (hb_condition_eval3 (all_unknown, &f->ctx), ==, HB_CONDITION_FALSE);
  g_assert_cmpint (hb_condition_eval3 (NULL, &f->ctx), ==, HB_CONDITION_TRUE);
}

static void
test_dates_parse_strictly (void)
{
  guint32 a, b;
  g_assert_true (hb_condition_parse_date ("2024-02-29", &a));
  g_assert_true (hb_condition_parse_date ("20240229", &b));
  g_assert_cmpuint (a, ==, b);
  g_assert_false (hb_condition_parse_date ("2023-02-29", NULL));
  g_assert_false (hb_condition_parse_date ("2023-13-01", NULL));
  g_assert_false (hb_condition_parse_date ("2023-1-01", NULL));
  g_assert_false (hb_condition_parse_date ("2023/01/01", NULL));
  g_assert_false (hb_condition_parse_date ("0000-01-01", NULL));
  g_assert_false (hb_condition_parse_date ("", NULL));
  g_assert_false (hb_condition_parse_date (NULL, NULL));
}

#define ADD(path, fn) \
  g_test_add ("/kiosk/condition/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("situation-holds-when-the-answer-is-listed", test_situation_in);
  ADD ("field-ops-compare-the-value", test_field_ops);
  ADD ("an-empty-value-holds-only-ne-and-max-length", test_empty_values_hold_only_ne_and_max_length);
  ADD ("matches-needs-the-whole-value", test_matches_the_whole_value);
  ADD ("runaway-regex-ends-without-a-match", test_catastrophic_regex_ends_without_a_match);
  ADD ("numbers-and-dates-compare-with-each-other-and-fields", test_numbers_and_dates_compare);
  ADD ("before-and-after-today-exclude-today", test_before_and_after_today);
  ADD ("person-age-in-whole-years-and-sex", test_person_age_and_sex);
  ADD ("licences-and-all-any-not", test_licences_and_combinators);
  ADD ("no-condition-holds-and-empty-context-is-safe", test_no_condition_and_empty_context);
  ADD ("bad-conditions-are-refused-naming-the-rule", test_bad_conditions_are_refused_naming_the_rule);
  ADD ("nesting-is-at-most-8-deep", test_nesting_is_bounded);
  ADD ("errors-never-carry-an-id-number", test_error_never_carries_a_value);
  ADD ("what-the-terminal-cannot-know-is-unknown", test_what_the_terminal_cannot_know_is_unknown);
  g_test_add_func ("/kiosk/condition/dates-are-real-calendar-dates", test_dates_parse_strictly);
  return g_test_run ();
}
