/* Tests for kiosk/hb-report.c: 办不成事 reasons and the report body. */
#include "kiosk/hb-report.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <string.h>

static char *
build (const char *reason, const char *detail, const char *phone, GError **error)
{
  HbReport r = {
    .idempotency_key = "key-r", .terminal_id = "SH-T-1", .service_code = NULL, .step = "form",
    .reason = reason, .detail = detail, .contact_phone = phone,
    .reported_at = "2026-11-27T20:00:00+08:00",
  };
  return hb_report_build_body (&r, error);
}

static void
test_body_carries_step_reason_and_optional_contact (void)
{
  g_autofree char *body = build ("材料不全", NULL, "13800138000", NULL);
  g_autoptr(JsonObject) o = hb_json_parse_object (body, -1, 4096, 4, NULL);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "材料不全");
  g_assert_cmpstr (json_object_get_string_member (o, "step"), ==, "form");
  g_assert_cmpstr (json_object_get_string_member (o, "contact_phone"), ==, "13800138000");
  g_assert_false (json_object_has_member (o, "service_code"));   /* from no service */
  g_assert_false (json_object_has_member (o, "detail"));

  g_autofree char *anonymous = build ("其他", "", "", NULL);
  g_autoptr(JsonObject) a = hb_json_parse_object (anonymous, -1, 4096, 4, NULL);
  g_assert_false (json_object_has_member (a, "contact_phone"));
}

static void
test_only_the_documented_reasons (void)
{
  const char *const *reasons = hb_report_reasons ();
  g_assert_cmpuint (g_strv_length ((char **) reasons), ==, 6);
  for (guint i = 0; reasons[i]; i++)
    {
      g_autofree char *b = build (reasons[i], NULL, NULL, NULL);
      g_assert_nonnull (b);
    }
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = build ("没意思", NULL, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_a_wrong_phone_is_refused_without_quoting_it (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *b = build ("系统故障", NULL, "0213456789", &error);
  g_assert_null (b);
  g_assert_null (strstr (error->message, "0213456789"));
  g_autofree char *long_detail = g_strnfill (HB_REPORT_DETAIL_MAX + 1, 'x');
  g_autofree char *b2 = build ("其他", long_detail, NULL, NULL);
  g_assert_null (b2);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/report/body-carries-step-reason-and-optional-contact",
                   test_body_carries_step_reason_and_optional_contact);
  g_test_add_func ("/kiosk/report/only-the-documented-reasons", test_only_the_documented_reasons);
  g_test_add_func ("/kiosk/report/a-wrong-phone-is-refused-without-quoting-it",
                   test_a_wrong_phone_is_refused_without_quoting_it);
  return g_test_run ();
}
