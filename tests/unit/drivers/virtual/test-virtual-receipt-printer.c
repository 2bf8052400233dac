/* test-virtual-receipt-printer.c — HbVirtualReceiptPrinter (and HbReceiptPrinter's
 * print-ticket action). */
#include "drivers/virtual/hb-virtual-receipt-printer.h"
#include "drivers/virtual/hb-virtual-device.h"
#include "drivers/printer/hb-escpos.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/drivers/virtual/printer-test.h"

#include <string.h>
#include <sys/stat.h>

typedef PrinterTestFixture Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->spool = printer_test_spool ("receipt");
  f->printer = hb_virtual_receipt_printer_new (f->spool);
  printer_test_open (f);
}

static HbTicket *
queue_ticket (void)
{
  HbTicket *t = hb_ticket_new ();

  g_assert_true (hb_ticket_add_text (t, "排队叫号", HB_TICKET_SIZE_DOUBLE, TRUE,
                                     HB_TICKET_ALIGN_CENTER, NULL));
  g_assert_true (hb_ticket_add_row (t, "号码", "A023", NULL));
  g_assert_true (hb_ticket_add_qr (t, "https://example.invalid/q?c=A023", NULL));
  return t;
}

/* Prints and waits; returns the job id (0 on error). */
static guint
print_ticket (Fixture *f, const HbTicket *ticket, GCancellable *cancellable, GError **error)
{
  guint id;

  g_clear_object (&f->result);
  hb_receipt_printer_print_ticket_async (HB_RECEIPT_PRINTER (f->printer), ticket, cancellable,
                                         printer_test_got_result, f);
  g_assert_true (hb_test_wait_until (printer_test_has_result, f, 10000));
  id = hb_receipt_printer_print_ticket_finish (HB_RECEIPT_PRINTER (f->printer), f->result,
                                               error);
  g_clear_object (&f->result);
  return id;
}

static char *
receipt_path (Fixture *f, guint id)
{
  g_autofree char *name = g_strdup_printf ("receipt-%u.bin", id);
  return g_build_filename (f->spool, name, NULL);
}

static void
test_identity (Fixture *f, gconstpointer data)
{
  HbDeviceClass *klass = HB_DEVICE_GET_CLASS (f->printer);

  g_assert_cmpint (hb_device_get_kind (HB_DEVICE (f->printer)), ==,
                   HB_DEVICE_KIND_RECEIPT_PRINTER);
  g_assert_cmpstr (hb_device_kind_to_string (HB_DEVICE_KIND_RECEIPT_PRINTER), ==,
                   "receipt-printer");
  g_assert_true (HB_IS_PRINTER (f->printer));
  g_assert_true (hb_virtual_device_is_virtual (HB_DEVICE (f->printer)));
  g_assert_cmpstr (klass->id_table[0].virtual_id, ==, "virtual-receipt-printer");
  g_assert_cmpstr (hb_device_get_driver_id (HB_DEVICE (f->printer)), ==,
                   "virtual-receipt-printer");
  g_assert_cmpstr (hb_virtual_receipt_printer_get_spool_dir (f->printer), ==, f->spool);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_FULL);
}

static void
test_spool_file_holds_the_escpos_bytes (Fixture *f, gconstpointer data)
{
  g_autoptr(HbTicket) ticket = queue_ticket ();
  g_autoptr(GByteArray) want = hb_escpos_encode_ticket (ticket, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL, *contents = NULL;
  gsize len = 0;
  struct stat st;
  guint id;

  id = print_ticket (f, ticket, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (id, ==, 1);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:printing 1:completed ");

  path = receipt_path (f, id);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_nonnull (want);
  g_assert_cmpmem (contents, len, want->data, want->len);
  /* ESC @ first, a cut last. */
  g_assert_cmpmem (contents, 2, "\x1b\x40", 2);
  g_assert_cmpmem (contents + len - 3, 3, "\x1d\x56\x01", 3);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_ONLINE);

  /* The next job gets the next id and its own file. */
  g_assert_cmpuint (print_ticket (f, ticket, NULL, &error), ==, 2);
  g_assert_no_error (error);
  g_free (path);
  path = receipt_path (f, 2);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_paper_out_fails_the_job (Fixture *f, gconstpointer data)
{
  g_autoptr(HbTicket) ticket = queue_ticket ();
  g_autoptr(GError) error = NULL;

  hb_virtual_receipt_printer_set_paper_out (f->printer, TRUE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_USER_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->printer)), ==, "paper out");
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_OUT);

  g_assert_cmpuint (print_ticket (f, ticket, NULL, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:failed/paper-out ");
  g_assert_false (g_file_test (f->spool, G_FILE_TEST_EXISTS));

  /* Paper back: online, and the next ticket prints. */
  hb_virtual_receipt_printer_set_paper_out (f->printer, FALSE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_ONLINE);
  g_clear_error (&error);
  g_assert_cmpuint (print_ticket (f, ticket, NULL, &error), ==, 2);
  g_assert_no_error (error);
}

static void
test_unprintable_ticket_fails (Fixture *f, gconstpointer data)
{
  g_autoptr(HbTicket) ticket = hb_ticket_new ();
  g_autoptr(GError) error = NULL;

  /* 𠮷 is only in GB18030's four-byte range: a GBK printer font has no glyph for it. */
  g_assert_true (hb_ticket_add_text (ticket, "吉\xf0\xa0\xae\xb7", HB_TICKET_SIZE_NORMAL, FALSE,
                                     HB_TICKET_ALIGN_LEFT, NULL));
  g_assert_cmpuint (print_ticket (f, ticket, NULL, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:failed/unprintable ");
  g_assert_false (g_file_test (f->spool, G_FILE_TEST_EXISTS));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_ONLINE);
}

static void
test_empty_ticket_is_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(HbTicket) ticket = hb_ticket_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (print_ticket (f, ticket, NULL, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_assert_cmpstr (f->events->str, ==, "");
}

static void
test_unplugged_fails_no_device_until_plugged (Fixture *f, gconstpointer data)
{
  g_autoptr(HbTicket) ticket = queue_ticket ();
  g_autoptr(GError) error = NULL;

  hb_virtual_device_set_plugged (HB_DEVICE (f->printer), FALSE);
  g_assert_false (hb_virtual_device_get_plugged (HB_DEVICE (f->printer)));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpuint (print_ticket (f, ticket, NULL, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_assert_false (g_file_test (f->spool, G_FILE_TEST_EXISTS));

  hb_virtual_device_set_plugged (HB_DEVICE (f->printer), TRUE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_ONLINE);
  g_clear_error (&error);
  g_assert_cmpuint (print_ticket (f, ticket, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_cancelled_job_prints_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(HbTicket) ticket = queue_ticket ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (print_ticket (f, ticket, cancellable, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (f->spool, G_FILE_TEST_EXISTS));
}

static void
test_pdf_is_not_supported (Fixture *f, gconstpointer data)
{
  static const char pdf[] = "%PDF-1.4\n%%EOF\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (pdf, sizeof pdf - 1);
  g_autoptr(GError) error = NULL;

  /* A receipt printer prints tickets; PDFs go to the A4 printer. */
  hb_printer_print_async (HB_PRINTER (f->printer), bytes, "x", NULL, printer_test_got_result, f);
  g_assert_true (hb_test_wait_until (printer_test_has_result, f, 5000));
  g_assert_cmpuint (hb_printer_print_finish (HB_PRINTER (f->printer), f->result, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) \
  g_test_add ("/drivers/virtual/receipt-printer/" path, Fixture, NULL, setup, fn, \
              printer_test_teardown)
  ADD ("is-the-virtual-receipt-printer-driver", test_identity);
  ADD ("spool-file-holds-the-escpos-bytes", test_spool_file_holds_the_escpos_bytes);
  ADD ("paper-out-fails-the-job-and-writes-nothing", test_paper_out_fails_the_job);
  ADD ("unprintable-ticket-fails-and-writes-nothing", test_unprintable_ticket_fails);
  ADD ("empty-ticket-is-refused", test_empty_ticket_is_refused);
  ADD ("unplugged-fails-no-device-until-plugged", test_unplugged_fails_no_device_until_plugged);
  ADD ("cancelled-job-prints-nothing", test_cancelled_job_prints_nothing);
  ADD ("pdf-is-not-supported", test_pdf_is_not_supported);
#undef ADD

  return g_test_run ();
}
