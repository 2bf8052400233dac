/* Tests for kiosk/hb-service.c: reading a catalog service object. */
#include "kiosk/hb-i18n.h"
#include "kiosk-test-data.h"
#include "kiosk-v2-sample.h"

#include <string.h>

static void
test_demo_service_parses (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  const HbFormField *phone;

  g_assert_cmpstr (hb_service_get_code (s), ==, JZZ_CODE);
  g_assert_cmpstr (hb_service_get_name (s)->zh, ==, "居住证签注");
  g_assert_true (hb_service_is_available (s));
  g_assert_true (hb_service_needs_hardware (s, "printer"));
  g_assert_false (hb_service_needs_hardware (s, "camera"));
  g_assert_cmpuint (hb_service_get_fields (s)->len, ==, 5);
  g_assert_cmpuint (hb_service_get_conditions (s)->len, ==, 2);
  g_assert_cmpuint (hb_service_get_materials (s)->len, ==, 2);
  phone = hb_service_find_field (s, "phone");
  g_assert_nonnull (phone);
  g_assert_cmpint (phone->type, ==, HB_FIELD_PHONE);
  g_assert_true (phone->required);
  g_assert_cmpstr (hb_service_get_receipt_title (s)->zh, ==, "居住证签注办件回执");
}

static void
test_every_demo_service_parses (void)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *data = hb_test_read_file (path, NULL);
  g_autoptr(JsonObject) root = hb_json_parse_object (data, -1, 8 << 20, 32, NULL);
  JsonArray *services = json_object_get_array_member (root, "services");
  guint available = 0;

  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      g_autofree char *json = hb_json_to_string (json_array_get_element (services, i));
      g_autoptr(GError) error = NULL;
      g_autoptr(HbService) s = hb_service_new_from_json (json, -1, &error);
      g_assert_no_error (error);
      available += hb_service_is_available (s);
    }
  g_assert_cmpuint (available, >=, 1);
}

static void
test_text_follows_language (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  hb_i18n_set_language ("en");
  g_assert_cmpstr (hb_text_get (hb_service_get_name (s)), ==, "Residence permit endorsement");
  hb_i18n_set_language ("zh_CN");
  g_assert_cmpstr (hb_text_get (hb_service_get_name (s)), ==, "居住证签注");
  /* no English sibling: Chinese */
  g_assert_cmpstr (hb_text_get (&(HbText) { "中文", NULL }), ==, "中文");
  g_assert_cmpstr (hb_text_get (NULL), ==, "");
}

static void
test_receipt_title_defaults_to_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbService) s = hb_service_new_from_json ("{\"code\":\"X\",\"name\":\"测试事项\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hb_service_get_receipt_title (s)->zh, ==, "测试事项回执");
  g_assert_false (hb_service_is_available (s));
}

static void
test_invalid_services_are_rejected (void)
{
  struct { const char *json; const char *mentions; } bad[] = {
    { "[]", "object" },
    { "{\"name\":\"x\"}", "code" },
    { "{\"code\":\"\",\"name\":\"x\"}", "code" },
    { "{\"code\":\"c\",\"name\":7}", "name" },
    { "{\"code\":\"c\",\"name\":\"x\",\"name_en\":5}", "name_en" },
    { "{\"code\":\"c\",\"name\":\"x\",\"kiosk\":{\"available\":true}}", "no form" },
    { "{\"code\":\"c\",\"name\":\"x\",\"form\":{\"fields\":[{\"id\":\"A\",\"label\":\"l\",\"type\":\"text\"}]}}", "id" },
    { "{\"code\":\"c\",\"name\":\"x\",\"form\":{\"fields\":[{\"id\":\"a\",\"label\":\"l\",\"type\":\"blob\"}]}}", "type" },
    { "{\"code\":\"c\",\"name\":\"x\",\"form\":{\"fields\":[{\"id\":\"a\",\"label\":\"l\",\"type\":\"text\"},{\"id\":\"a\",\"label\":\"l\",\"type\":\"text\"}]}}", "duplicate" },
    { "{\"code\":\"c\",\"name\":\"x\",\"form\":{\"fields\":[{\"id\":\"a\",\"label\":\"l\",\"type\":\"choice\"}]}}", "options" },
    { "{\"code\":\"c\",\"name\":\"x\",\"form\":{\"fields\":[{\"id\":\"a\",\"label\":\"l\",\"type\":\"choice\",\"default\":\"z\",\"options\":[{\"value\":\"y\",\"label\":\"Y\"}]}]}}", "default" },
    { "{\"code\":\"c\",\"name\":\"x\",\"form\":{\"fields\":[{\"id\":\"a\",\"label\":\"l\",\"type\":\"text\",\"prefill\":\"person.salary\"}]}}", "prefill" },
    { "{\"code\":\"c\",\"name\":\"x\",\"form\":{\"fields\":[{\"id\":\"a\",\"label\":\"l\",\"type\":\"text\",\"max_length\":-1}]}}", "max_length" },
    { "{\"code\":\"c\",\"name\":\"x\",\"guide\":{\"conditions\":[\"bare string\"]}}", "conditions" },
    { "{\"code\":\"c\",\"name\":\"x\",\"guide\":{\"visits_required\":99}}", "visits_required" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbService) s = hb_service_new_from_json (bad[i].json, -1, &error);
      g_assert_null (s);
      g_assert_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID);
      if (strstr (error->message, bad[i].mentions) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": \"%s\" does not mention %s", i, error->message, bad[i].mentions);
    }
}

static void
test_limits_are_enforced (void)
{
  GString *many = g_string_new ("{\"code\":\"c\",\"name\":\"x\",\"form\":{\"fields\":[");
  g_autofree char *json = NULL;
  g_autofree char *long_name = NULL;
  g_autofree char *long_json = NULL;
  g_autoptr(GError) e1 = NULL, e2 = NULL;
  g_autoptr(HbService) s1 = NULL, s2 = NULL;

  for (int i = 0; i <= HB_SERVICE_MAX_FIELDS; i++)
    g_string_append_printf (many, "%s{\"id\":\"f%d\",\"label\":\"l\",\"type\":\"text\"}", i ? "," : "", i);
  g_string_append (many, "]}}");
  json = g_string_free (many, FALSE);
  s1 = hb_service_new_from_json (json, -1, &e1);
  g_assert_null (s1);
  g_assert_error (e1, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID);

  long_name = g_strnfill (HB_SERVICE_TEXT_MAX + 1, 'a');
  long_json = g_strdup_printf ("{\"code\":\"c\",\"name\":\"%s\"}", long_name);
  s2 = hb_service_new_from_json (long_json, -1, &e2);
  g_assert_null (s2);
  g_assert_error (e2, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID);
}


static void
test_v2_members_are_read (void)
{
  g_autoptr(HbService) s = kv2_service ();
  const HbSituation *proof;
  HbMaterial *m;
  HbPrereviewRule *r;

  g_assert_cmpint (hb_service_get_kind (s), ==, HB_SERVICE_KIND_SERVICE);
  g_assert_cmpstr (hb_service_get_service_type (s), ==, "QR");
  g_assert_cmpint (hb_service_get_audience (s), ==, HB_SERVICE_FOR_PERSON);
  g_assert_true (g_strv_contains (hb_service_get_life_events (s), "marriage"));
  g_assert_true (g_strv_contains (hb_service_get_keywords (s), "结婚"));
  g_assert_cmpint (hb_service_get_popularity (s), ==, 120000);
  g_assert_cmpuint (hb_service_get_situations (s)->len, ==, 3);
  proof = hb_service_find_situation (s, "divorce_proof");
  g_assert_nonnull (proof);
  g_assert_nonnull (proof->ask_if);
  g_assert_cmpuint (proof->options->len, ==, 2);
  g_assert_null (((HbSituation *) hb_service_get_situations (s)->pdata[0])->ask_if);
  g_assert_cmpuint (hb_service_get_process (s)->len, ==, 2);
  g_assert_cmpuint (hb_service_get_legal_basis (s)->len, ==, 1);
  g_assert_true (hb_service_is_fee_charged (s));
  g_assert_cmpstr (hb_service_get_fee_basis (s)->zh, ==, "发改价格〔2003〕");
  g_assert_cmpint (hb_service_get_legal_workdays (s), ==, 1);
  g_assert_cmpint (hb_service_get_promised_workdays (s), ==, 0);
  g_assert_true (hb_service_is_instant (s));
  m = hb_service_get_materials (s)->pdata[3];
  g_assert_cmpstr (m->id, ==, "judgement");
  g_assert_cmpuint (m->count, ==, 2);
  g_assert_nonnull (m->required_if);
  m = hb_service_get_materials (s)->pdata[1];
  g_assert_cmpstr (m->licence, ==, "hukou_book");
  g_assert_cmpuint (m->count, ==, 1);
  g_assert_null (m->required_if);
  g_assert_cmpint (hb_service_find_field (s, "birth_date")->type, ==, HB_FIELD_DATE);
  g_assert_cmpint (hb_service_find_field (s, "guests")->type, ==, HB_FIELD_NUMBER);
  g_assert_cmpint (hb_service_find_field (s, "employer_uscc")->type, ==, HB_FIELD_USCC);
  g_assert_cmpint (hb_service_find_field (s, "postcode")->type, ==, HB_FIELD_POSTCODE);
  g_assert_cmpstr (hb_service_find_field (s, "postcode")->prefill, ==, "history.postcode");
  g_assert_nonnull (hb_service_find_field (s, "divorce_date")->ask_if);
  g_assert_cmpuint (hb_service_get_prereview (s)->len, ==, 5);
  r = hb_service_get_prereview (s)->pdata[3];
  g_assert_cmpstr (r->id, ==, "judgement_has_date");
  g_assert_cmpint (r->kind, ==, HB_RULE_COMPLETENESS);
  g_assert_nonnull (r->when);
  g_assert_nonnull (r->require);
  g_assert_cmpstr (r->field, ==, "divorce_date");
  r = hb_service_get_prereview (s)->pdata[4];
  g_assert_null (r->field);
  g_assert_null (r->when);
  g_assert_cmpuint (g_strv_length ((GStrv) hb_service_get_bundle_members (s)), ==, 0);
}

static void
test_v1_defaults (void)
{
  g_autoptr(HbService) s = hb_service_new_from_json (V1_SERVICE, -1, NULL);
  g_assert_nonnull (s);
  g_assert_cmpint (hb_service_get_kind (s), ==, HB_SERVICE_KIND_SERVICE);
  g_assert_cmpint (hb_service_get_audience (s), ==, HB_SERVICE_FOR_PERSON);
  g_assert_cmpuint (hb_service_get_situations (s)->len, ==, 0);
  g_assert_cmpuint (hb_service_get_prereview (s)->len, ==, 0);
  g_assert_nonnull (hb_service_get_life_events (s));
  g_assert_null (((HbMaterial *) hb_service_get_materials (s)->pdata[0])->required_if);
  g_assert_cmpuint (((HbMaterial *) hb_service_get_materials (s)->pdata[0])->count, ==, 1);
}

static void
test_audience_both_and_bundles (void)
{
  const char *json =
    "{\"code\":\"310000-YJS-0001\",\"name\":\"企业开办一件事\",\"kind\":\"bundle\","
    " \"audience\":[\"person\",\"enterprise\"],"
    " \"bundle\":{\"members\":[\"310000-A\",\"310000-B\"],\"shared\":[\"company_name\"]},"
    " \"form\":{\"fields\":[{\"id\":\"company_name\",\"label\":\"企业名称\",\"type\":\"text\"}]}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(HbService) s = hb_service_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hb_service_get_kind (s), ==, HB_SERVICE_KIND_BUNDLE);
  g_assert_cmpint (hb_service_get_audience (s), ==,
                   HB_SERVICE_FOR_PERSON | HB_SERVICE_FOR_ENTERPRISE);
  g_assert_cmpstr (hb_service_get_bundle_members (s)[1], ==, "310000-B");
  g_assert_cmpstr (hb_service_get_bundle_shared (s)[0], ==, "company_name");
}

/* Replace the first occurrence of `from` in the v2 sample with `to`. */
static char *
v2_with (const char *from, const char *to)
{
  const char *at = strstr (V2_SERVICE, from);
  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - V2_SERVICE), V2_SERVICE, to, at + strlen (from));
}

static void
test_v2_breaking_objects_are_refused (void)
{
  static const struct { const char *from, *to, *says; } cases[] = {
    { "\"type\":\"QR\"", "\"type\":\"ZZ\"", "unknown type" },
    { "\"kind\":\"service\"", "\"kind\":\"thing\"", "unknown kind" },
    { "[\"marriage\"]", "[\"wedding\"]", "life_events" },
    { "\"audience\":[\"person\"]", "\"audience\":[\"people\"]", "audience" },
    { "\"audience\":[\"person\"]", "\"audience\":\"everyone\"", "audience" },
    { "\"popularity\":120000", "\"popularity\":-1", "popularity" },
    /* ask_if may only look back: divorce_proof asks about itself. */
    { "\"ask_if\":{\"situation\":\"married_before\"", "\"ask_if\":{\"situation\":\"divorce_proof\"",
      "situations[2] (divorce_proof).ask_if: unknown situation" },
    { "\"in\":[\"judgement\"]", "\"in\":[\"verdict\"]", "no option" },
    { "\"required_if\":{\"situation\":\"who\"", "\"required_if\":{\"situation\":\"whom\"",
      "guide.materials[4] (authorisation).required_if" },
    { "\"op\":\"ge_field\"", "\"op\":\"later_than\"", "prereview[1] (divorce_first).require: unknown op" },
    { "\"kind\":\"eligibility\"", "\"kind\":\"vibes\"", "unknown kind" },
    { "\"field\":\"birth_date\",\"message\"", "\"field\":\"birthday\",\"message\"", "unknown field" },
    { "\"id\":\"age_22\",\"kind\":\"eligibility\",\"require\":{\"person\":\"age\",\"op\":\"ge\",\"value\":22},",
      "\"id\":\"age_22\",\"kind\":\"eligibility\",", "\"require\" is missing" },
    { "\"id\":\"divorce_first\"", "\"id\":\"age_22\"", "duplicate id" },
    { "\"prefill\":\"profile.employer\"", "\"prefill\":\"profile.salary\"", "prefill" },
    { "\"prefill\":\"history.postcode\"", "\"prefill\":\"history.Post Code\"", "prefill" },
    { "\"type\":\"postcode\"", "\"type\":\"zip\"", "unknown type" },
    { "\"licence\":\"hukou_book\"}", "\"licence\":\"Hukou!\"}", "licence" },
    { "\"id\":\"judgement\",", "\"id\":\"divorce_cert\",", "duplicate id" },
    { "\"count\":2", "\"count\":0", "count" },
    { "{\"value\":\"no\",\"label\":\"否\",\"label_en\":\"No\"}", "{\"value\":\"yes\",\"label\":\"否\"}", "duplicate option" },
    { "\"options\":[{\"value\":\"self\",\"label\":\"本人\",\"label_en\":\"Myself\"},",
      "\"options\":[", "2 to 8" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = v2_with (cases[i].from, cases[i].to);
      g_autoptr(GError) error = NULL;
      g_autoptr(HbService) s = hb_service_new_from_json (json, -1, &error);
      g_assert_null (s);
      g_assert_error (error, HB_SERVICE_ERROR, HB_SERVICE_ERROR_INVALID);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: \"%s\" does not say \"%s\"", i, error->message, cases[i].says);
    }
}

static void
test_condition_errors_name_the_service (void)
{
  g_autofree char *json = v2_with ("\"op\":\"before_today\"", "\"op\":\"yesterday\"");
  g_autoptr(GError) error = NULL;
  g_autoptr(HbService) s = hb_service_new_from_json (json, -1, &error);
  g_assert_null (s);
  g_assert_nonnull (strstr (error->message, "service " V2_CODE ": prereview[2] (wedding_future)"));
}

static void
test_bundles_are_checked (void)
{
  static const struct { const char *bundle, *says; } cases[] = {
    { "", "needs \"bundle\"" },
    { ",\"bundle\":{\"members\":[],\"shared\":[]}", "1 to 20" },
    { ",\"bundle\":{\"members\":[\"B\",\"B\"]}", "twice" },
    { ",\"bundle\":{\"members\":[\"X\"]}", "another service" },
    { ",\"bundle\":{\"members\":[\"B\"],\"shared\":[\"nope\"]}", "not a field" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"code\":\"X\",\"name\":\"b\",\"kind\":\"bundle\"%s,"
        "\"form\":{\"fields\":[{\"id\":\"a\",\"label\":\"l\",\"type\":\"text\"}]}}",
        cases[i].bundle);
      g_autoptr(GError) error = NULL;
      g_autoptr(HbService) s = hb_service_new_from_json (json, -1, &error);
      g_assert_null (s);
      if (error == NULL || strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: \"%s\" does not say \"%s\"", i, error ? error->message : "(none)",
                 cases[i].says);
    }
}

static void
test_field_ask_if_looks_back_only (void)
{
  g_autofree char *json = v2_with ("\"type\":\"number\"}",
    "\"type\":\"number\",\"ask_if\":{\"field\":\"employer_uscc\",\"op\":\"present\"}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HbService) s = hb_service_new_from_json (json, -1, &error);
  g_assert_null (s);
  g_assert_nonnull (strstr (error->message, "form.fields[11] (guests).ask_if: unknown field"));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/service/demo-service-parses", test_demo_service_parses);
  g_test_add_func ("/kiosk/service/every-demo-service-parses", test_every_demo_service_parses);
  g_test_add_func ("/kiosk/service/text-follows-the-language", test_text_follows_language);
  g_test_add_func ("/kiosk/service/receipt-title-defaults-to-the-name", test_receipt_title_defaults_to_name);
  g_test_add_func ("/kiosk/service/invalid-services-are-rejected-naming-the-problem", test_invalid_services_are_rejected);
  g_test_add_func ("/kiosk/service/field-count-and-text-length-are-bounded", test_limits_are_enforced);
  g_test_add_func ("/kiosk/service/v2/members-are-read", test_v2_members_are_read);
  g_test_add_func ("/kiosk/service/v2/version-1-objects-get-defaults", test_v1_defaults);
  g_test_add_func ("/kiosk/service/v2/audience-both-and-bundles", test_audience_both_and_bundles);
  g_test_add_func ("/kiosk/service/v2/objects-that-break-the-rules-are-refused", test_v2_breaking_objects_are_refused);
  g_test_add_func ("/kiosk/service/v2/condition-errors-name-the-service-and-rule", test_condition_errors_name_the_service);
  g_test_add_func ("/kiosk/service/v2/bundles-are-checked", test_bundles_are_checked);
  g_test_add_func ("/kiosk/service/v2/field-ask-if-looks-back-only", test_field_ask_if_looks_back_only);
  return g_test_run ();
}
