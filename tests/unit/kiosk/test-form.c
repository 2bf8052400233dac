/* Tests for kiosk/hb-form.c: pre-fill, validation, masked display, payload. */
#include "kiosk/hb-form.h"
#include "kiosk/hb-i18n.h"
#include "kiosk-test-data.h"

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
  return g_test_run ();
}
