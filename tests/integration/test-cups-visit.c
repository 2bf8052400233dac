/* test-cups-visit.c — a visit whose receipt goes to an A4 printer behind a real cupsd
 * (private, on loopback, an IPP Everywhere printer behind it): printed only when CUPS says
 * the job completed; a printer out of paper fails the print plainly, prints nothing later
 * for the next person, and shows in the status for staff. */
#include "visit-fixture.h"
#include "tests/support/hb-test-cupsd.h"

typedef struct {
  Visit        v;
  HbTestCupsd *cupsd;
} CupsVisit;

static void
setup (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->cupsd = hb_test_cupsd_start (&error);
  if (f->cupsd == NULL)
    {
      g_test_skip_printf ("no private cupsd here: %s", error->message);
      return;
    }
  visit_setup_full (&f->v, 4000, FALSE);
  visit_config_set (&f->v, "devices", "cups_server", hb_test_cupsd_get_server (f->cupsd));
  visit_config_set (&f->v, "devices", "cups_queue", hb_test_cupsd_get_queue (f->cupsd));
  g_assert_true (hb_core_start (f->v.core, &error));
  g_assert_no_error (error);
}

static void
teardown (CupsVisit *f, gconstpointer data)
{
  if (f->v.dir)
    visit_teardown (&f->v, data);
  g_clear_pointer (&f->cupsd, hb_test_cupsd_free);
}

static gboolean
printer_online (gpointer data)
{
  HbPrinter *p = hb_device_manager_get_printer (hb_core_get_devices (data));
  return p && hb_device_get_status (HB_DEVICE (p)) == HB_DEVICE_STATUS_ONLINE;
}

static void
test_receipt_prints_through_cups (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbPrinter *printer;

  if (f->cupsd == NULL)
    return;
  printer = hb_device_manager_get_printer (hb_core_get_devices (f->v.core));
  g_assert_cmpstr (hb_device_get_driver_id (HB_DEVICE (printer)), ==, "cups");
  g_assert_true (hb_test_wait_until (printer_online, f->v.core, 20000));
  visit_identify_and_fill (&f->v, 1);
  visit_submit (&f->v);
  g_assert_cmpuint (visit_print (&f->v, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, 1);
  visit_rate_and_finish (&f->v, 5);
}

static void
test_paper_out_fails_plainly_and_shows_for_staff (CupsVisit *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = NULL;
  JsonObject *attention;

  if (f->cupsd == NULL)
    return;
  g_assert_true (hb_test_wait_until (printer_online, f->v.core, 20000));
  visit_identify_and_fill (&f->v, 1);
  visit_submit (&f->v);
  hb_test_cupsd_set_fault (f->cupsd, "media-empty");
  g_assert_cmpuint (visit_print (&f->v, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_true (error->domain == HB_DEVICE_ERROR);
  g_assert_nonnull (strstr (error->message, "纸"));   /* a plain message: out of paper */

  status = hb_core_describe (f->v.core);
  attention = json_object_get_object_member (json_node_get_object (status), "attention");
  g_assert_cmpint (json_object_get_int_member (attention, "print_failures"), ==, 1);

  /* Nothing prints later by itself: the failed job was cancelled, not left queued. */
  {
    guint printed = hb_test_cupsd_count_printed (f->cupsd);
    hb_test_cupsd_set_fault (f->cupsd, NULL);
    hb_test_spin (3000);
    g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, printed);
  }
}

#define ADD(path, fn) g_test_add (path, CupsVisit, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("/integration/cups-visit/receipt-prints-through-cups", test_receipt_prints_through_cups);
  ADD ("/integration/cups-visit/paper-out-fails-plainly-and-shows-for-staff",
       test_paper_out_fails_plainly_and_shows_for_staff);
  return g_test_run ();
}
