/* test-virtual-printer.c — HbVirtualPrinter (and HbPrinter's print action). */
#include "drivers/virtual/hb-virtual-printer.h"
#include "drivers/virtual/hb-virtual-device.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/drivers/virtual/printer-test.h"

#include <string.h>
#include <sys/stat.h>

static const char PDF[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

typedef PrinterTestFixture Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->spool = printer_test_spool ("printer");
  f->printer = hb_virtual_printer_new (f->spool);
  printer_test_open (f);
}

/* Prints and waits; returns the job id (0 on error). */
static guint
print_bytes (Fixture *f, GBytes *bytes, GCancellable *cancellable, GError **error)
{
  guint id;

  g_clear_object (&f->result);
  hb_printer_print_async (HB_PRINTER (f->printer), bytes, "Receipt", cancellable, printer_test_got_result, f);
  g_assert_true (hb_test_wait_until (printer_test_has_result, f, 10000));
  id = hb_printer_print_finish (HB_PRINTER (f->printer), f->result, error);
  g_clear_object (&f->result);
  return id;
}

static char *
job_path (Fixture *f, guint id)
{
  g_autofree char *name = g_strdup_printf ("job-%u.pdf", id);
  return g_build_filename (f->spool, name, NULL);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  return n;
}

static void
test_identity (Fixture *f, gconstpointer data)
{
  HbDeviceClass *klass = HB_DEVICE_GET_CLASS (f->printer);

  g_assert_cmpint (hb_device_get_kind (HB_DEVICE (f->printer)), ==, HB_DEVICE_KIND_PRINTER);
  g_assert_cmpstr (klass->id_table[0].virtual_id, ==, "virtual-printer");
  g_assert_cmpstr (hb_virtual_printer_get_spool_dir (f->printer), ==, f->spool);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_FULL);
  g_assert_cmpstr (hb_paper_status_to_string (HB_PAPER_LOW), ==, "low");
  g_assert_cmpstr (hb_print_job_state_to_string (HB_PRINT_JOB_CANCELLED), ==, "cancelled");
}

static void
test_job_writes_the_same_bytes (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) pdf = g_bytes_new_static (PDF, sizeof PDF - 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL, *contents = NULL;
  gsize len = 0;
  struct stat st;
  guint id;

  id = print_bytes (f, pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (id, >, 0);

  path = job_path (f, id);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, PDF, sizeof PDF - 1);
  /* Documents may name the resident: only the kiosk's user may read them. */
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_ONLINE);
}

static void
test_job_goes_queued_printing_completed (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) pdf = g_bytes_new_static (PDF, sizeof PDF - 1);
  g_autoptr(GError) error = NULL;
  guint first, second;
  g_autofree char *expected = NULL;

  first = print_bytes (f, pdf, NULL, &error);
  second = print_bytes (f, pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second, >, first);
  expected = g_strdup_printf ("%u:queued %u:printing %u:completed %u:queued %u:printing %u:completed ",
                              first, first, first, second, second, second);
  g_assert_cmpstr (f->events->str, ==, expected);
}

static void
count_status (HbDevice *device, gpointer user_data)
{
  g_string_append_printf (user_data, "%s ", hb_device_status_to_string (hb_device_get_status (device)));
}

static void
test_printer_is_busy_while_printing (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) pdf = g_bytes_new_static (PDF, sizeof PDF - 1);
  g_autoptr(GString) statuses = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GAsyncResult *first_result;

  g_signal_connect (f->printer, "status-changed", G_CALLBACK (count_status), statuses);
  hb_printer_print_async (HB_PRINTER (f->printer), pdf, "a", NULL, printer_test_got_result, f);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_BUSY);

  /* One action at a time: a second job is refused, not queued behind. */
  {
    Fixture other = { 0 };
    hb_printer_print_async (HB_PRINTER (f->printer), pdf, "b", NULL, printer_test_got_result, &other);
    g_assert_true (hb_test_wait_until (printer_test_has_result, &other, 5000));
    g_assert_cmpuint (hb_printer_print_finish (HB_PRINTER (f->printer), other.result, &error), ==, 0);
    g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_BUSY);
    g_clear_object (&other.result);
  }

  g_assert_true (hb_test_wait_until (printer_test_has_result, f, 10000));
  first_result = f->result;
  g_clear_error (&error);
  g_assert_cmpuint (hb_printer_print_finish (HB_PRINTER (f->printer), first_result, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpstr (statuses->str, ==, "busy online ");
  g_assert_cmpuint (count_files (f->spool), ==, 1);
}

static void
test_paper_out_fails_the_job (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) pdf = g_bytes_new_static (PDF, sizeof PDF - 1);
  g_autoptr(GError) error = NULL;
  guint id;

  hb_virtual_printer_set_paper_out (f->printer, TRUE);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_OUT);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_USER_ERROR);

  id = print_bytes (f, pdf, NULL, &error);
  g_assert_cmpuint (id, ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:failed/paper-out ");
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_USER_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->printer)), ==, "paper out");
  /* Nothing was written: the spool folder was not even needed. */
  g_assert_cmpuint (count_files (f->spool), ==, 0);
}

static void
test_paper_back_restores_online (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) pdf = g_bytes_new_static (PDF, sizeof PDF - 1);
  g_autoptr(GError) error = NULL;
  guint id;

  hb_virtual_printer_set_paper_out (f->printer, TRUE);
  hb_virtual_printer_set_paper_out (f->printer, FALSE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_ONLINE);
  g_assert_null (hb_device_get_status_detail (HB_DEVICE (f->printer)));
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f->printer)), ==, HB_PAPER_FULL);

  id = print_bytes (f, pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (id, >, 0);
}

static void
test_rejects_non_pdf_and_oversize (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) text = g_bytes_new_static ("hello", 5);
  g_autoptr(GBytes) tiny = g_bytes_new_static ("%PD", 3);
  g_autoptr(GError) error = NULL;
  gsize big_len = HB_PRINTER_JOB_MAX + 1;
  char *big_data = g_malloc0 (big_len);
  g_autoptr(GBytes) big = NULL;

  memcpy (big_data, "%PDF-", 5);
  big = g_bytes_new_take (big_data, big_len);

  g_assert_cmpuint (print_bytes (f, text, NULL, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_cmpuint (print_bytes (f, tiny, NULL, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_cmpuint (print_bytes (f, big, NULL, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);

  /* Refused before becoming jobs. */
  g_assert_cmpstr (f->events->str, ==, "");
  g_assert_cmpuint (count_files (f->spool), ==, 0);
}

static void
test_unplugged_printer_fails_no_device (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) pdf = g_bytes_new_static (PDF, sizeof PDF - 1);
  g_autoptr(GError) error = NULL;

  hb_virtual_device_set_plugged (HB_DEVICE (f->printer), FALSE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpuint (print_bytes (f, pdf, NULL, &error), ==, 0);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_assert_cmpuint (count_files (f->spool), ==, 0);

  hb_virtual_device_set_plugged (HB_DEVICE (f->printer), TRUE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_ONLINE);
  g_clear_error (&error);
  g_assert_cmpuint (print_bytes (f, pdf, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_plug_keeps_paper_out (Fixture *f, gconstpointer data)
{
  hb_virtual_printer_set_paper_out (f->printer, TRUE);
  hb_virtual_device_set_plugged (HB_DEVICE (f->printer), FALSE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_NO_DEVICE);
  hb_virtual_device_set_plugged (HB_DEVICE (f->printer), TRUE);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_USER_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->printer)), ==, "paper out");
}

static void
test_cancelled_job_prints_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) pdf = g_bytes_new_static (PDF, sizeof PDF - 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (print_bytes (f, pdf, cancellable, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (f->events->str, ==, "1:queued 1:cancelled/cancelled ");
  g_assert_cmpuint (count_files (f->spool), ==, 0);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->printer)), ==, HB_DEVICE_STATUS_ONLINE);
}

static void
test_describe_adds_paper (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  hb_virtual_printer_set_paper_out (f->printer, TRUE);
  json_builder_begin_object (builder);
  hb_device_describe (HB_DEVICE (f->printer), builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "printer");
  g_assert_cmpstr (json_object_get_string_member (o, "paper"), ==, "out");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "user-error");
  g_assert_cmpstr (json_object_get_string_member (o, "detail"), ==, "paper out");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) \
  g_test_add ("/drivers/virtual/printer/" path, Fixture, NULL, setup, fn, printer_test_teardown)
  ADD ("is-the-virtual-printer-driver", test_identity);
  ADD ("spool-file-holds-the-same-bytes", test_job_writes_the_same_bytes);
  ADD ("job-goes-queued-printing-completed", test_job_goes_queued_printing_completed);
  ADD ("is-busy-while-printing-and-refuses-a-second-job", test_printer_is_busy_while_printing);
  ADD ("paper-out-fails-the-job-and-writes-nothing", test_paper_out_fails_the_job);
  ADD ("paper-back-restores-online", test_paper_back_restores_online);
  ADD ("rejects-non-pdf-and-oversize-documents", test_rejects_non_pdf_and_oversize);
  ADD ("unplugged-printer-fails-no-device-until-plugged", test_unplugged_printer_fails_no_device);
  ADD ("plug-keeps-paper-out", test_plug_keeps_paper_out);
  ADD ("cancelled-job-prints-nothing", test_cancelled_job_prints_nothing);
  ADD ("describe-adds-paper", test_describe_adds_paper);
#undef ADD

  return g_test_run ();
}
