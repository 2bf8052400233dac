/* test-escpos-printer.c — HbEscposPrinter over real libusb against a fake ESC/POS printer
 * on a umockdev bus: usblp detached and the interface claimed; a ticket arrives byte for
 * byte (the golden transcript) between status queries; paper out before and during the
 * job, cover open, a silent printer, unplug mid-job; the device manager creates it. */
#include "drivers/hb-device-manager.h"
#include "drivers/hb-device-private.h"
#include "drivers/printer/hb-escpos-printer.h"
#include "drivers/printer/hb-escpos.h"
#include "tests/support/hb-fake-escpos.h"
#include "tests/support/hb-fake-sam.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (libusb_device, libusb_unref_device)

static const guint8 NORMAL[4]     = { 0x12, 0x12, 0x12, 0x12 };
static const guint8 PAPER_OUT[4]  = { 0x12, 0x32, 0x12, 0x72 };
static const guint8 PAPER_LOW[4]  = { 0x12, 0x12, 0x12, 0x1e };
static const guint8 COVER_OPEN[4] = { 0x1a, 0x16, 0x12, 0x12 };

typedef struct {
  HbFakeEscpos    *fake;
  libusb_context  *usb;
  HbEscposPrinter *printer;
  GString         *events;
  GAsyncResult    *result;
  gboolean         done;
} Fixture;

static void
on_job (HbPrinter *printer, guint id, HbPrintJobState state, const char *reason, gpointer user_data)
{
  Fixture *f = user_data;

  g_string_append_printf (f->events, "%u:%s%s%s ", id, hb_print_job_state_to_string (state),
                          reason ? "/" : "", reason ? reason : "");
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (hb_device_open_finish (HB_DEVICE (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (hb_device_close_finish (HB_DEVICE (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
make_printer (Fixture *f)
{
  g_autoptr(libusb_device) device = hb_fake_escpos_find_device (f->fake, f->usb);
  HbEscposPrinterTiming timing;

  g_assert_nonnull (device);
  f->printer = hb_escpos_printer_new (device);
  hb_escpos_printer_timing_init (&timing);
  timing.poll_ms = 100;
  timing.claim_retry_ms = 100;
  timing.status_timeout_ms = 100;
  hb_escpos_printer_set_timing (f->printer, &timing);
  g_signal_connect (f->printer, "job-changed", G_CALLBACK (on_job), f);
}

static void
open_printer (Fixture *f)
{
  gboolean done = FALSE;

  hb_device_open_async (HB_DEVICE (f->printer), NULL, opened, &done);
  g_assert_true (hb_test_wait_until (is_true, &done, 10000));
}

typedef struct { HbDevice *device; HbDeviceStatus status; } StatusWait;

static gboolean
has_status (gpointer data)
{
  StatusWait *w = data;
  return hb_device_get_status (w->device) == w->status;
}

static void
wait_status (Fixture *f, HbDeviceStatus status)
{
  StatusWait w = { HB_DEVICE (f->printer), status };
  g_assert_true (hb_test_wait_until (has_status, &w, 10000));
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->fake = hb_fake_escpos_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (libusb_init (&f->usb), ==, 0);
  f->events = g_string_new (NULL);
  make_printer (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  if (f->printer)
    {
      if (hb_device_is_open (HB_DEVICE (f->printer)))
        {
          gboolean done = FALSE;
          hb_device_close_async (HB_DEVICE (f->printer), NULL, closed, &done);
          g_assert_true (hb_test_wait_until (is_true, &done, 10000));
        }
      hb_test_spin (50);
      g_clear_object (&f->printer);
    }
  g_clear_object (&f->result);
  libusb_exit (f->usb);
  hb_fake_escpos_free (f->fake);
  g_string_free (f->events, TRUE);
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;
  g_set_object (&f->result, result);
}

static gboolean
has_result (gpointer data)
{
  return ((Fixture *) data)->result != NULL;
}

static HbTicket *
golden_ticket (void)
{
  /* The same ticket as test-escpos.c's golden transcript. */
  HbTicket *t = hb_ticket_new ();

  g_assert_true (hb_ticket_add_text (t, "办理回执", HB_TICKET_SIZE_DOUBLE, TRUE,
                                     HB_TICKET_ALIGN_CENTER, NULL));
  g_assert_true (hb_ticket_add_separator (t, NULL));
  g_assert_true (hb_ticket_add_row (t, "事项", "居住证办理", NULL));
  g_assert_true (hb_ticket_add_row (t, "受理时间", "2026-01-01 10:00", NULL));
  g_assert_true (hb_ticket_add_row (t, "Case", "K001-000123", NULL));
  g_assert_true (hb_ticket_add_qr (t, "https://example.invalid/q?c=K001-000123", NULL));
  g_assert_true (hb_ticket_add_text (t, "咨询电话 12345", HB_TICKET_SIZE_NORMAL, FALSE,
                                     HB_TICKET_ALIGN_RIGHT, NULL));
  g_assert_true (hb_ticket_add_cut (t, NULL));
  return t;
}

static void
start_print (Fixture *f)
{
  g_autoptr(HbTicket) ticket = golden_ticket ();

  g_clear_object (&f->result);
  hb_receipt_printer_print_ticket_async (HB_RECEIPT_PRINTER (f->printer), ticket, NULL,
                                         got_result, f);
}

static guint
finish_print (Fixture *f, GError **error)
{
  g_assert_true (hb_test_wait_until (has_result, f, 10000));
  return hb_receipt_printer_print_ticket_finish (HB_RECEIPT_PRINTER (f->printer), f->result,
                                                 error);
}

static gsize
data_len (Fixture *f)
{
  g_autoptr(GBytes) data = hb_fake_escpos_get_data (f->fake);
  return g_bytes_get_size (data);
}

/* --- tests ---------------------------------------------------------------------------- */

static void
test_claims_and_reads_online (Fixture *f, gconstpointer data)
{
  HbFakeEscposStats st;

  g_assert_true (hb_fake_escpos_kernel_driver_bound (f->fake));
  g_assert_cmpint (hb_device_get_kind (HB_DEVICE (f->printer)), ==,
                   HB_DEVICE_KIND_RECEIPT_PRINTER);
  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  g_assert_false (hb_fake_escpos_kernel_driver_bound (f->fake));
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_FULL);
  hb_fake_escpos_get_stats (f->fake, &st);
  g_assert_cmpuint (st.claims, ==, 1);
  g_assert_cmpuint (st.detaches, >=, 1);
  g_assert_cmpuint (st.status_requests, >=, 4);
  g_assert_cmpuint (st.data_transfers, ==, 0);   /* status only: nothing printed */
}

static void
test_prints_the_golden_transcript (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "tests", "data", "escpos",
                                            "queue-ticket.bin", NULL);
  g_autofree char *golden = NULL;
  g_autoptr(GBytes) printed = NULL;
  g_autoptr(GError) error = NULL;
  HbFakeEscposStats before, after;
  gsize golden_len = 0;

  g_assert_true (g_file_get_contents (path, &golden, &golden_len, NULL));
  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  hb_fake_escpos_get_stats (f->fake, &before);

  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:printing 1:completed ");
  printed = hb_fake_escpos_get_data (f->fake);
  g_assert_cmpmem (g_bytes_get_data (printed, NULL), g_bytes_get_size (printed), golden,
                   golden_len);
  /* Asked before and after the job. */
  hb_fake_escpos_get_stats (f->fake, &after);
  g_assert_cmpuint (after.status_requests - before.status_requests, >=, 8);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
}

static void
test_paper_out_before_the_job_prints_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_fake_escpos_set_status (f->fake, PAPER_OUT);
  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_USER_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->printer)), ==, "paper out");
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_OUT);

  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:failed/paper-out ");
  g_assert_cmpuint (data_len (f), ==, 0);

  /* Paper back: the poll sees it, and the next ticket prints. */
  hb_fake_escpos_set_status (f->fake, NORMAL);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_FULL);
  g_clear_error (&error);
  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 2);
  g_assert_no_error (error);
}

static void
test_paper_out_during_the_job_fails_it (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  hb_fake_escpos_set_status_after_data (f->fake, PAPER_OUT);

  /* The bytes went out, but the printer reads paper-out after the cut: not printed. */
  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER);
  g_assert_nonnull (strstr (error->message, "during the job"));
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:printing 1:failed/paper-out ");
  g_assert_cmpuint (data_len (f), >, 0);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_USER_ERROR);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_OUT);
}

static void
test_cover_open_is_a_user_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_fake_escpos_set_status (f->fake, COVER_OPEN);
  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_USER_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->printer)), ==, "cover open");
  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:failed/cover-open ");
  g_assert_cmpuint (data_len (f), ==, 0);
}

static void
test_paper_low_keeps_printing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_fake_escpos_set_status (f->fake, PAPER_LOW);
  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_LOW);
  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 1);
  g_assert_no_error (error);
}

static void
test_silent_printer_is_offline_and_prints_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_fake_escpos_set_silent (f->fake, TRUE);
  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_OFFLINE);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->printer)), ==, "no status reply");
  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_TIMEOUT);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:failed/no-reply ");
  g_assert_cmpuint (data_len (f), ==, 0);
}

static void
test_unplug_mid_job_is_no_device (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  hb_fake_escpos_unplug_on_data (f->fake);
  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:printing 1:failed/unplugged ");
  hb_fake_escpos_unplug (f->fake);
  wait_status (f, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->printer)), ==, "unplugged");

  /* Further jobs fail at once with no-device; close is prompt. */
  g_clear_error (&error);
  start_print (f);
  g_assert_cmpuint (finish_print (f, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
}

static void
test_unplug_while_idle_is_no_device (Fixture *f, gconstpointer data)
{
  open_printer (f);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  hb_fake_escpos_unplug (f->fake);
  wait_status (f, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_UNKNOWN);
}

static gboolean
has_receipt_printer (gpointer data)
{
  HbDevice *device = hb_device_manager_get_device (data, HB_DEVICE_KIND_RECEIPT_PRINTER);
  return device != NULL && hb_device_is_open (device) &&
         hb_device_get_status (device) == HB_DEVICE_STATUS_ONLINE;
}

static gboolean
no_receipt_printer (gpointer data)
{
  return hb_device_manager_get_device (data, HB_DEVICE_KIND_RECEIPT_PRINTER) == NULL;
}

static void
test_device_manager_creates_it (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = hb_test_mkdtemp ("escpos-manager");
  g_autoptr(HbDeviceManager) manager = hb_device_manager_new (HB_DEVICE_MODE_REAL, NULL, dir);
  g_autoptr(GError) error = NULL;
  HbDevice *device;

  /* This fixture's own printer object stays closed: the manager's is the owner. */
  g_assert_true (hb_device_manager_start (manager, &error));
  g_assert_no_error (error);
  g_assert_true (hb_test_wait_until (has_receipt_printer, manager, 10000));
  device = hb_device_manager_get_device (manager, HB_DEVICE_KIND_RECEIPT_PRINTER);
  g_assert_true (HB_IS_ESCPOS_PRINTER (device));
  g_assert_cmpstr (hb_device_get_driver_id (device), ==, "escpos-usb");
  g_assert_null (hb_device_manager_get_device (manager, HB_DEVICE_KIND_PRINTER));

  hb_fake_escpos_unplug (f->fake);
  g_assert_true (hb_test_wait_until (no_receipt_printer, manager, 10000));
  hb_device_manager_stop (manager);
  hb_test_spin (100);
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  if (!hb_fake_reexec_under_umockdev (argc, argv))
    {
      g_printerr ("umockdev preload not available\n");
      return 77;
    }
  hb_test_init (&argc, &argv);

#define ADD(path, fn) \
  g_test_add ("/drivers/printer/escpos-usb/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("usblp-detached-interface-claimed-online", test_claims_and_reads_online);
  ADD ("prints-the-golden-transcript-between-status-queries", test_prints_the_golden_transcript);
  ADD ("paper-out-before-the-job-prints-nothing", test_paper_out_before_the_job_prints_nothing);
  ADD ("paper-out-during-the-job-fails-it", test_paper_out_during_the_job_fails_it);
  ADD ("cover-open-is-a-user-error", test_cover_open_is_a_user_error);
  ADD ("paper-low-keeps-printing", test_paper_low_keeps_printing);
  ADD ("silent-printer-is-offline-and-prints-nothing", test_silent_printer_is_offline_and_prints_nothing);
  ADD ("unplug-mid-job-is-no-device", test_unplug_mid_job_is_no_device);
  ADD ("unplug-while-idle-is-no-device", test_unplug_while_idle_is_no_device);
  ADD ("device-manager-creates-it", test_device_manager_creates_it);
#undef ADD
  return g_test_run ();
}
