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

/* --- the 80 mm roll ---------------------------------------------------------------- */

static void
setup_roll (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  visit_setup_full (v, 4000, FALSE);
  visit_config_set (v, "devices", "receipt_paper", "roll");
  g_assert_true (hb_core_start (v->core, &error));
  g_assert_no_error (error);
}

static gboolean
spool_has (const char *spool, const char *name)
{
  g_autofree char *path = g_build_filename (spool, name, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_receipt_prints_on_the_roll_when_set_up_so (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spool = hb_config_dup_spool_dir (v->config);
  g_autofree char *name = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *gb = NULL;
  gsize len = 0, gb_len = 0;
  guint job;

  visit_identify_and_fill (v, 1);
  visit_submit (v);
  job = visit_print (v, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job, >, 0);
  name = g_strdup_printf ("receipt-%u.bin", job);
  g_assert_true (spool_has (spool, name));
  g_assert_false (spool_has (spool, "job-1.pdf"));
  {
    g_autofree char *path = g_build_filename (spool, name, NULL);
    g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  }
  /* ESC/POS in GB18030: the service's name is on the ticket, the ID number is not. */
  gb = g_convert ("居住证签注", -1, "GB18030", "UTF-8", NULL, &gb_len, NULL);
  g_assert_nonnull (gb);
  g_assert_nonnull (memmem (bytes, len, gb, gb_len));
  g_assert_null (memmem (bytes, len, SAMPLE_ID, strlen (SAMPLE_ID)));
  g_assert_true (len > 2 && (guchar) bytes[0] == 0x1b && bytes[1] == '@');   /* ESC @ */
}

static void
test_roll_out_of_paper_then_retry_prints_on_a4 (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spool = hb_config_dup_spool_dir (v->config);
  guint job;

  visit_identify_and_fill (v, 1);
  visit_submit (v);
  g_free (visit_ctl (v, NULL, "sim", "paper-out", "on", "receipt-printer", NULL));
  hb_test_spin (300);
  /* The roll is out of paper before the print: the receipt goes to A4 at once. */
  job = visit_print (v, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job, >, 0);
  {
    g_autofree char *name = g_strdup_printf ("job-%u.pdf", job);
    g_assert_true (spool_has (spool, name));
  }
}

#define ADD(path, fn) g_test_add (path, Visit, NULL, visit_setup, fn, visit_teardown)
#define ADD_ROLL(path, fn) g_test_add (path, Visit, NULL, setup_roll, fn, visit_teardown)

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
  ADD_ROLL ("/integration/print-fallback/receipt-prints-on-the-roll-when-set-up-so",
            test_receipt_prints_on_the_roll_when_set_up_so);
  ADD_ROLL ("/integration/print-fallback/roll-out-of-paper-then-prints-on-a4",
            test_roll_out_of_paper_then_retry_prints_on_a4);
  return g_test_run ();
}
