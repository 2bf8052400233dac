/* test-print-fallback.c — when the printer fails mid-visit nothing is silently lost: staff
 * see the fault in the status, and the receipt can go to the resident's 随申办 account or
 * by post instead — queued durably and delivered exactly once, also across an outage. */
#include "visit-fixture.h"

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Visit *v = data;
  v->ok = hb_core_send_receipt_finish (HB_CORE (source), result, &v->error);
  v->done = TRUE;
}

static void
send_receipt (Visit *v, HbDeliveryChannel channel)
{
  visit_reset_async (v);
  hb_core_send_receipt_async (v->core, channel, NULL, sent_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 15000));
  g_assert_no_error (v->error);
  g_assert_true (v->ok);
}

/* Paper out: the print fails and the status says so. */
static const HbSubmission *
fail_a_print (Visit *v)
{
  g_autoptr(GError) error = NULL;
  const HbSubmission *sub;

  visit_identify_and_fill (v, 1);
  sub = visit_submit (v);
  g_free (visit_ctl (v, NULL, "sim", "paper-out", "on", NULL));
  g_assert_cmpuint (visit_print (v, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER);
  return sub;
}

static void
test_staff_see_a_failed_print_in_the_status (Visit *v, gconstpointer data)
{
  g_autoptr(JsonNode) status = NULL;
  JsonObject *attention;

  fail_a_print (v);
  status = hb_core_describe (v->core);
  attention = json_object_get_object_member (json_node_get_object (status), "attention");
  g_assert_cmpint (json_object_get_int_member (attention, "print_failures"), ==, 1);
  g_assert_false (json_object_get_null_member (attention, "last_print_failure"));
  g_assert_true (json_object_get_null_member (attention, "help_requested"));

  hb_core_request_help (v->core, "printer");
  g_clear_pointer (&status, json_node_unref);
  status = hb_core_describe (v->core);
  attention = json_object_get_object_member (json_node_get_object (status), "attention");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (attention, "help_requested"), "why"),
                   ==, "printer");
}

static void
test_receipt_goes_to_suishenban_instead (Visit *v, gconstpointer data)
{
  const HbSubmission *sub = fail_a_print (v);
  g_autoptr(JsonArray) list = NULL;
  JsonObject *d;

  send_receipt (v, HB_DELIVERY_SUISHENBAN);
  g_assert_true (visit_wait_platform (v, "/_sim/deliveries", 1, 15000));
  list = visit_platform_list (v, "/_sim/deliveries");
  d = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (d, "channel"), ==, "suishenban");
  g_assert_cmpstr (json_object_get_string_member (d, "reference"), ==, sub->reference);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (d, "delivery_id"), "D"));
}

static void
test_mail_request_made_offline_arrives_once (Visit *v, gconstpointer data)
{
  g_autoptr(JsonArray) list = NULL;

  fail_a_print (v);
  visit_fault (v, "{\"status\":503}");
  send_receipt (v, HB_DELIVERY_MAIL);   /* saved on the terminal, not sent */
  hb_test_spin (500);
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/deliveries"), ==, 0);
  visit_fault (v, "{}");
  g_assert_true (visit_wait_platform (v, "/_sim/deliveries", 1, 20000));
  hb_test_spin (1500);   /* retries would show up here */
  list = visit_platform_list (v, "/_sim/deliveries");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                  "channel"), ==, "mail");
}

static void
test_nothing_to_send_before_a_submission (Visit *v, gconstpointer data)
{
  visit_reset_async (v);
  hb_core_send_receipt_async (v->core, HB_DELIVERY_MAIL, NULL, sent_cb, v);
  g_assert_true (hb_test_wait_until (async_done, v, 5000));
  g_assert_error (v->error, HB_CORE_ERROR, HB_CORE_ERROR_STATE);
}

#define ADD(path, fn) g_test_add (path, Visit, NULL, visit_setup, fn, visit_teardown)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("/integration/print-fallback/staff-see-a-failed-print-in-the-status",
       test_staff_see_a_failed_print_in_the_status);
  ADD ("/integration/print-fallback/receipt-goes-to-suishenban-instead",
       test_receipt_goes_to_suishenban_instead);
  ADD ("/integration/print-fallback/mail-request-made-offline-arrives-once",
       test_mail_request_made_offline_arrives_once);
  ADD ("/integration/print-fallback/nothing-to-send-before-a-submission",
       test_nothing_to_send_before_a_submission);
  return g_test_run ();
}
