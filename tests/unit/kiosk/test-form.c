/* Tests for kiosk/hb-form.c: pre-fill, validation, masked display, payload. */
#include "kiosk/hb-form.h"
#include "kiosk/hb-i18n.h"
#include "kiosk-test-data.h"
#include "kiosk-v2-sample.h"

#include <string.h>

static void
test_prefill_from_the_card (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbPerson) p = kt_person (1);
  g_autoptr(HbForm) f = hb_form_new (s, p);

  g_assert_cmpstr (hb_form_get_value (f, "name"), ==, "张伟");
  g_assert_cmpstr (hb_form_get_value (f, "id_number"), ==, SAMPLE_ID);
  g_assert_cmpstr (hb_form_get_value (f, "residence_address"), ==, hb_person_get_address (p));
  g_assert_cmpstr (hb_form_get_value (f, "pickup"), ==, "print");   /* default */
  g_assert_null (hb_form_get_value (f, "phone"));
  g_assert_true (hb_form_is_prefilled (f, "name"));
  g_assert_false (hb_form_is_prefilled (f, "pickup"));
  /* name, id, address, pickup of 5 fields */
  g_assert_cmpuint (hb_form_get_prefill_percent (f), ==, 80);
}

static void
test_readonly_fields_refuse_changes (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbPerson) p = kt_person (1);
  g_autoptr(HbForm) f = hb_form_new (s, p);
  g_assert_false (hb_form_set_value (f, "id_number", "11010519491231002X"));
  g_assert_false (hb_form_set_value (f, "no_such_field", "x"));
  g_assert_cmpstr (hb_form_get_value (f, "id_number"), ==, SAMPLE_ID);
}

static void
test_editing_clears_prefilled_and_signals (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbPerson) p = kt_person (1);
  g_autoptr(HbForm) f = hb_form_new (s, p);
  int changed = 0;
  g_signal_connect_swapped (f, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  g_assert_true (hb_form_set_value (f, "residence_address", "上海市长宁区1号"));
  g_assert_false (hb_form_is_prefilled (f, "residence_address"));
  g_assert_cmpint (changed, ==, 1);
  g_assert_true (hb_form_set_value (f, "residence_address", "上海市长宁区1号"));
  g_assert_cmpint (changed, ==, 1);   /* same value: no signal */
}

static void
test_validation_says_what_to_fix (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbPerson) p = kt_person (1);
  g_autoptr(HbForm) f = hb_form_new (s, p);
  g_autoptr(GPtrArray) problems = NULL;
  char *msg;

  hb_i18n_set_language ("zh_CN");
  problems = hb_form_validate (f);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (((HbFormProblem *) problems->pdata[0])->field->id, ==, "phone");
  g_assert_nonnull (strstr (((HbFormProblem *) problems->pdata[0])->message, "联系电话"));

  hb_form_set_value (f, "phone", "1399988877");         /* 10 digits */
  msg = hb_form_validate_field (f, "phone");
  g_assert_nonnull (msg);
  g_assert_null (strstr (msg, "1399988877"));           /* never echoes the value */
  g_free (msg);
  hb_form_set_value (f, "phone", "12812345678");        /* 2nd digit 2 */
  msg = hb_form_validate_field (f, "phone");
  g_assert_nonnull (msg);
  g_free (msg);
  hb_form_set_value (f, "phone", "13812345678");
  g_assert_null (hb_form_validate_field (f, "phone"));

  hb_form_set_value (f, "pickup", "teleport");
  msg = hb_form_validate_field (f, "pickup");
  g_assert_nonnull (msg);
  g_free (msg);
  hb_form_set_value (f, "pickup", "electronic");

  hb_form_set_value (f, "residence_address", "有\x01控制字符");
  msg = hb_form_validate_field (f, "residence_address");
  g_assert_nonnull (msg);
  g_free (msg);
  {
    g_autofree char *long_addr = g_strnfill (101, 'a');
    hb_form_set_value (f, "residence_address", long_addr);
    msg = hb_form_validate_field (f, "residence_address");
    g_assert_nonnull (strstr (msg, "100"));
    g_free (msg);
  }
  hb_form_set_value (f, "residence_address", "");
  msg = hb_form_validate_field (f, "residence_address");
  g_assert_nonnull (msg);
  g_free (msg);
  hb_form_set_value (f, "residence_address", "上海市长宁区1号");
  g_ptr_array_unref (problems);
  problems = hb_form_validate (f);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_display_values_are_masked (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbPerson) p = kt_person (1);
  g_autoptr(HbForm) f = hb_form_new (s, p);
  g_autofree char *id = hb_form_dup_display_value (f, "id_number");
  g_autofree char *pickup = hb_form_dup_display_value (f, "pickup");
  g_autofree char *empty = hb_form_dup_display_value (f, "phone");
  g_assert_cmpstr (id, ==, "310***********1237");
  hb_i18n_set_language ("zh_CN");
  g_assert_cmpstr (pickup, ==, "本机打印回执");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_receipt_values_are_masked (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbPerson) p = kt_person (1);
  g_autoptr(HbForm) f = hb_form_new (s, p);
  g_autofree char *phone = NULL, *addr = NULL, *pickup = NULL, *id = NULL;

  hb_form_set_value (f, "phone", "13812345678");
  phone = hb_form_dup_receipt_value (f, "phone");
  addr = hb_form_dup_receipt_value (f, "residence_address");
  pickup = hb_form_dup_receipt_value (f, "pickup");
  id = hb_form_dup_receipt_value (f, "id_number");
  g_assert_cmpstr (phone, ==, "138****5678");
  g_assert_cmpstr (addr, ==, "上海市徐汇区****");
  g_assert_cmpstr (pickup, ==, "本机打印回执");
  g_assert_cmpstr (id, ==, "310***********1237");
}

static void
test_json_carries_the_answers (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbPerson) p = kt_person (1);
  g_autoptr(HbForm) f = hb_form_new (s, p);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  hb_form_set_value (f, "phone", "13812345678");
  node = hb_form_to_json (f);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "phone"), ==, "13812345678");
  g_assert_cmpstr (json_object_get_string_member (o, "id_number"), ==, SAMPLE_ID);
  g_assert_cmpuint (json_object_get_size (o), ==, 5);
}

static void
test_wipe_forgets_answers (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbPerson) p = kt_person (1);
  g_autoptr(HbForm) f = hb_form_new (s, p);
  hb_form_set_value (f, "phone", "13812345678");
  hb_form_wipe (f);
  g_assert_null (hb_form_get_value (f, "phone"));
  g_assert_null (hb_form_get_value (f, "name"));
}

static void
test_form_without_person_uses_defaults (void)
{
  g_autoptr(HbService) s = kt_service (JZZ_CODE);
  g_autoptr(HbForm) f = hb_form_new (s, NULL);
  g_assert_null (hb_form_get_value (f, "name"));
  g_assert_cmpstr (hb_form_get_value (f, "pickup"), ==, "print");
}


static void
assert_problem (HbForm *f, const char *field, const char *value, gboolean ok)
{
  g_autofree char *msg = NULL;
  hb_form_set_value (f, field, value);
  msg = hb_form_validate_field (f, field);
  if (ok && msg)
    g_error ("%s: rejected a good value: %s", field, msg);
  if (!ok && msg == NULL)
    g_error ("%s: accepted a bad value", field);
  if (msg)
    g_assert_null (strstr (msg, value));   /* never echoes the value */
}

static void
test_new_field_types_are_validated (void)
{
  g_autoptr(HbService) s = kv2_service ();
  g_autoptr(HbForm) f = hb_form_new (s, NULL);

  hb_i18n_set_language ("zh_CN");
  assert_problem (f, "wedding_date", "2026-12-01", TRUE);
  assert_problem (f, "wedding_date", "2024-02-29", TRUE);
  assert_problem (f, "wedding_date", "2023-02-29", FALSE);   /* not a real day */
  assert_problem (f, "wedding_date", "2026/12/01", FALSE);
  assert_problem (f, "wedding_date", "20261201", FALSE);
  assert_problem (f, "guests", "12", TRUE);
  assert_problem (f, "guests", "12.5", FALSE);
  assert_problem (f, "guests", "-3", FALSE);
  assert_problem (f, "postcode", "200030", TRUE);
  assert_problem (f, "postcode", "12345", FALSE);
  assert_problem (f, "postcode", "1234567", FALSE);
  assert_problem (f, "employer_uscc", "91350100M000100Y43", TRUE);
  assert_problem (f, "employer_uscc", "91350100M000100Y44", FALSE);   /* check character */
  assert_problem (f, "employer_uscc", "91350100m000100Y43", FALSE);   /* lower case */
  assert_problem (f, "employer_uscc", "91350100M000100Y4", FALSE);
  assert_problem (f, "employer_uscc", "91350100M00O100Y43", FALSE);   /* O is not used */
  {
    g_autofree char *msg = NULL;
    hb_form_set_value (f, "postcode", "1234");
    msg = hb_form_validate_field (f, "postcode");
    g_assert_nonnull (strstr (msg, "6"));                  /* says what a postcode is */
    hb_form_set_value (f, "wedding_date", "tomorrow");
    g_clear_pointer (&msg, g_free);
    msg = hb_form_validate_field (f, "wedding_date");
    g_assert_nonnull (strstr (msg, "2026-01-31"));         /* shows the format */
  }
  g_assert_true (hb_uscc_is_valid ("91350100M000100Y43"));
  g_assert_false (hb_uscc_is_valid (NULL));
}

static void
test_prefill_from_profile_history_and_enterprise (void)
{
  g_autoptr(HbService) s = kv2_service ();
  g_autoptr(HbPerson) p = kt_person (3);   /* 马晓东, 回族, born 1993-09-21 */
  g_autoptr(JsonObject) profile = hb_json_parse_object (
    "{\"phone\":\"13900001111\",\"employer\":\"上海某科技有限公司\",\"email\":7}", -1, 4096, 8, NULL);
  g_autoptr(JsonObject) history = hb_json_parse_object ("{\"postcode\":\"200120\"}", -1, 4096, 8, NULL);
  g_autoptr(JsonObject) enterprise = hb_json_parse_object (
    "{\"name\":\"上海某科技有限公司\",\"uscc\":\"91350100M000100Y43\",\"legal_rep\":\"马*东\","
    "\"registered_capital_fen\":123456}", -1, 4096, 8, NULL);
  HbPrefill sources = { profile, history, enterprise };
  g_autoptr(HbForm) f = hb_form_new_full (s, p, &sources);

  g_assert_cmpstr (hb_form_get_value (f, "nation"), ==, "回");
  g_assert_cmpstr (hb_form_get_value (f, "birth_date"), ==, "1993-09-21");   /* a date field */
  g_assert_null (hb_form_validate_field (f, "birth_date"));
  g_assert_cmpstr (hb_form_get_value (f, "phone"), ==, "13900001111");
  g_assert_cmpstr (hb_form_get_value (f, "employer"), ==, "上海某科技有限公司");
  g_assert_cmpstr (hb_form_get_value (f, "postcode"), ==, "200120");
  g_assert_cmpstr (hb_form_get_value (f, "employer_uscc"), ==, "91350100M000100Y43");
  g_assert_true (hb_form_is_prefilled (f, "phone"));
  g_assert_true (hb_form_is_prefilled (f, "postcode"));
  g_assert_false (hb_form_is_prefilled (f, "partner_name"));
  /* name, id, sex, nation, birth date, phone, employer, postcode, uscc of 13 fields */
  g_assert_cmpuint (hb_form_get_prefill_percent (f), ==, 9 * 100 / 13);
  hb_form_wipe (f);
  g_assert_null (hb_form_get_value (f, "phone"));
  g_assert_null (hb_form_get_value (f, "postcode"));
}

static void
test_missing_sources_leave_fields_empty (void)
{
  g_autoptr(HbService) s = kv2_service ();
  HbPrefill none = { NULL, NULL, NULL };
  g_autoptr(HbForm) f = hb_form_new_full (s, NULL, &none);
  g_autoptr(HbForm) g = hb_form_new (s, NULL);
  g_assert_null (hb_form_get_value (f, "phone"));
  g_assert_null (hb_form_get_value (f, "postcode"));
  g_assert_null (hb_form_get_value (g, "employer_uscc"));
  g_assert_cmpuint (hb_form_get_prefill_percent (f), ==, 0);
}

static void
test_registered_capital_in_yuan (void)
{
  const char *json =
    "{\"code\":\"c\",\"name\":\"n\",\"form\":{\"fields\":["
    "{\"id\":\"cap\",\"label\":\"注册资本\",\"type\":\"text\",\"prefill\":\"enterprise.registered_capital\"},"
    "{\"id\":\"rep\",\"label\":\"法定代表人\",\"type\":\"text\",\"prefill\":\"enterprise.legal_person\"}]}}";
  g_autoptr(HbService) s = hb_service_new_from_json (json, -1, NULL);
  g_autoptr(JsonObject) e = hb_json_parse_object (
    "{\"registered_capital_fen\":1000000000,\"legal_rep\":\"王*\"}", -1, 4096, 8, NULL);
  HbPrefill sources = { NULL, NULL, e };
  g_autoptr(HbForm) f = hb_form_new_full (s, NULL, &sources);
  g_assert_cmpstr (hb_form_get_value (f, "cap"), ==, "10000000");
  g_assert_cmpstr (hb_form_get_value (f, "rep"), ==, "王*");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  hb_i18n_set_language ("zh_CN");
  g_test_add_func ("/kiosk/form/prefills-from-the-card", test_prefill_from_the_card);
  g_test_add_func ("/kiosk/form/read-only-fields-refuse-changes", test_readonly_fields_refuse_changes);
  g_test_add_func ("/kiosk/form/editing-clears-prefilled-and-signals-once", test_editing_clears_prefilled_and_signals);
  g_test_add_func ("/kiosk/form/validation-says-what-to-fix-without-echoing", test_validation_says_what_to_fix);
  g_test_add_func ("/kiosk/form/display-values-are-masked", test_display_values_are_masked);
  g_test_add_func ("/kiosk/form/receipt-values-are-masked", test_receipt_values_are_masked);
  g_test_add_func ("/kiosk/form/json-carries-the-answers", test_json_carries_the_answers);
  g_test_add_func ("/kiosk/form/wipe-forgets-answers", test_wipe_forgets_answers);
  g_test_add_func ("/kiosk/form/without-a-person-uses-defaults", test_form_without_person_uses_defaults);
  g_test_add_func ("/kiosk/form/date-number-uscc-postcode-are-validated-with-how-to-fix",
                   test_new_field_types_are_validated);
  g_test_add_func ("/kiosk/form/prefill-from-card-profile-history-and-enterprise",
                   test_prefill_from_profile_history_and_enterprise);
  g_test_add_func ("/kiosk/form/missing-sources-leave-fields-empty",
                   test_missing_sources_leave_fields_empty);
  g_test_add_func ("/kiosk/form/registered-capital-comes-in-yuan",
                   test_registered_capital_in_yuan);
  return g_test_run ();
}
