/* Tests for kiosk/hb-service.c: reading a catalog service object. */
#include "kiosk/hb-i18n.h"
#include "kiosk-test-data.h"

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
  return g_test_run ();
}
