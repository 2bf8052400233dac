/* test-device-manager.c — HbDeviceManager in virtual and real (USB-less) mode. */
#include "drivers/hb-device-manager-private.h"
#include "drivers/hb-device-private.h"
#include "drivers/virtual/hb-virtual-device.h"
#include "drivers/virtual/hb-virtual-printer.h"
#include "drivers/virtual/hb-virtual-receipt-printer.h"
#include "drivers/scanner/hb-serial-scanner.h"
#include "drivers/scanner/hb-usb-scanner.h"
#include "drivers/scanner/hb-camera-scanner.h"
#include "tests/support/hb-fake-serial-scanner.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

typedef struct
{
  char            *dir;
  HbDeviceManager *manager;
  GPtrArray       *added;       /* HbDevice* (owned) */
  GPtrArray       *removed;
  GPtrArray       *changed;
} Fixture;

static void
record (HbDeviceManager *manager, HbDevice *device, gpointer user_data)
{
  g_ptr_array_add (user_data, g_object_ref (device));
}

static void
setup (Fixture *f, gconstpointer data)
{
  HbDeviceMode mode = GPOINTER_TO_INT (data);
  g_autofree char *sock = NULL, *spool = NULL;

  f->dir = hb_test_mkdtemp ("manager");
  sock = g_build_filename (f->dir, "sim.sock", NULL);
  spool = g_build_filename (f->dir, "spool", NULL);
  f->added = g_ptr_array_new_with_free_func (g_object_unref);
  f->removed = g_ptr_array_new_with_free_func (g_object_unref);
  f->changed = g_ptr_array_new_with_free_func (g_object_unref);
  f->manager = hb_device_manager_new (mode, mode == HB_DEVICE_MODE_VIRTUAL ? sock : NULL, spool);
  g_signal_connect (f->manager, "device-added", G_CALLBACK (record), f->added);
  g_signal_connect (f->manager, "device-removed", G_CALLBACK (record), f->removed);
  g_signal_connect (f->manager, "status-changed", G_CALLBACK (record), f->changed);
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  hb_device_manager_stop (f->manager);
  hb_test_wait_until (nothing_pending, NULL, 1000);
  g_clear_object (&f->manager);
  g_ptr_array_unref (f->added);
  g_ptr_array_unref (f->removed);
  g_ptr_array_unref (f->changed);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
}

static gboolean
all_online (gpointer data)
{
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    if (hb_device_manager_get_kind_status (data, k) != HB_DEVICE_STATUS_ONLINE)
      return FALSE;
  return TRUE;
}

static JsonArray *
describe (HbDeviceManager *manager, JsonNode **out_root)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  hb_device_manager_describe (manager, builder);
  *out_root = json_builder_get_root (builder);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (*out_root));
  return json_node_get_array (*out_root);
}

static void
test_mode_from_string (Fixture *f, gconstpointer data)
{
  HbDeviceMode mode = -1;

  g_assert_true (hb_device_mode_from_string ("virtual", &mode));
  g_assert_cmpint (mode, ==, HB_DEVICE_MODE_VIRTUAL);
  g_assert_true (hb_device_mode_from_string ("real", &mode));
  g_assert_cmpint (mode, ==, HB_DEVICE_MODE_REAL);
  g_assert_false (hb_device_mode_from_string ("Real", &mode));
  g_assert_false (hb_device_mode_from_string ("", &mode));
  g_assert_false (hb_device_mode_from_string (NULL, &mode));
  g_assert_cmpint (hb_device_manager_get_mode (f->manager), ==, HB_DEVICE_MODE_VIRTUAL);
}

static void
test_virtual_mode_creates_four_online_devices (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *drivers[] = { "virtual-idcard", "virtual-scanner", "virtual-printer",
                            "virtual-receipt-printer" };

  /* Nothing exists before start. */
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, k), ==, HB_DEVICE_STATUS_NO_DEVICE);

  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->added->len, ==, HB_DEVICE_N_KINDS);
  g_assert_true (hb_test_wait_until (all_online, f->manager, 5000));

  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    {
      HbDevice *device = hb_device_manager_get_device (f->manager, k);
      g_assert_nonnull (device);
      g_assert_true (hb_virtual_device_is_virtual (device));
      g_assert_cmpint (hb_device_get_kind (device), ==, k);
      g_assert_cmpstr (hb_device_get_driver_id (device), ==, drivers[k]);
      g_assert_true (hb_device_is_open (device));
    }
  g_assert_true (HB_IS_CARD_READER (hb_device_manager_get_card_reader (f->manager)));
  g_assert_true (HB_IS_SCANNER (hb_device_manager_get_scanner (f->manager)));
  g_assert_true (HB_IS_PRINTER (hb_device_manager_get_printer (f->manager)));
  g_assert_false (HB_IS_RECEIPT_PRINTER (hb_device_manager_get_printer (f->manager)));
  g_assert_true (HB_IS_RECEIPT_PRINTER (hb_device_manager_get_device (f->manager,
                                                                     HB_DEVICE_KIND_RECEIPT_PRINTER)));
  g_assert_nonnull (hb_device_manager_get_sim_server (f->manager));
  {
    g_autofree char *spool = g_build_filename (f->dir, "spool", NULL);
    g_assert_cmpstr (hb_virtual_printer_get_spool_dir (HB_VIRTUAL_PRINTER (hb_device_manager_get_printer (f->manager))),
                     ==, spool);
    g_assert_cmpstr (hb_virtual_receipt_printer_get_spool_dir (HB_VIRTUAL_RECEIPT_PRINTER (
                       hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_RECEIPT_PRINTER))),
                     ==, spool);
  }

  /* Starting twice changes nothing. */
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_cmpuint (f->added->len, ==, HB_DEVICE_N_KINDS);
}

static void
test_status_changes_are_forwarded (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbDevice *printer;

  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_true (hb_test_wait_until (all_online, f->manager, 5000));
  g_ptr_array_set_size (f->changed, 0);

  printer = HB_DEVICE (hb_device_manager_get_printer (f->manager));
  hb_virtual_printer_set_paper_out (HB_VIRTUAL_PRINTER (printer), TRUE);
  g_assert_cmpuint (f->changed->len, ==, 1);
  g_assert_true (f->changed->pdata[0] == printer);
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_PRINTER), ==,
                   HB_DEVICE_STATUS_USER_ERROR);
}

static void
test_describe_lists_every_kind (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) before = NULL, after = NULL;
  JsonArray *array;
  const char *kinds[] = { "idcard", "scanner", "printer", "receipt-printer" };

  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == HB_DEVICE_N_KINDS);
  /* Before start every kind is there, as no-device. */
  array = describe (f->manager, &before);
  g_assert_cmpuint (json_array_get_length (array), ==, HB_DEVICE_N_KINDS);
  for (guint i = 0; i < HB_DEVICE_N_KINDS; i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, kinds[i]);
      g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "no-device");
      g_assert_cmpuint (json_object_get_size (o), ==, 2);
    }

  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_true (hb_test_wait_until (all_online, f->manager, 5000));
  array = describe (f->manager, &after);
  g_assert_cmpuint (json_array_get_length (array), ==, HB_DEVICE_N_KINDS);
  for (guint i = 0; i < HB_DEVICE_N_KINDS; i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, kinds[i]);
      g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "online");
      g_assert_true (json_object_has_member (o, "driver"));
      g_assert_true (json_object_has_member (o, "name"));
      g_assert_true (json_object_has_member (o, "detail"));
    }
  g_assert_true (json_object_has_member (json_array_get_object_element (array, 0), "media"));
  g_assert_true (json_object_has_member (json_array_get_object_element (array, 2), "paper"));
  g_assert_true (json_object_has_member (json_array_get_object_element (array, 3), "paper"));
}

static void
test_stop_removes_every_device (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_true (hb_test_wait_until (all_online, f->manager, 5000));
  hb_device_manager_stop (f->manager);
  g_assert_cmpuint (f->removed->len, ==, HB_DEVICE_N_KINDS);
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    {
      g_assert_null (hb_device_manager_get_device (f->manager, k));
      g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, k), ==, HB_DEVICE_STATUS_NO_DEVICE);
    }
  g_assert_null (hb_device_manager_get_sim_server (f->manager));
  hb_device_manager_stop (f->manager);   /* idempotent */
  g_assert_cmpuint (f->removed->len, ==, HB_DEVICE_N_KINDS);
}

static void
print_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_cancel_all_cancels_a_running_job (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbPrinter *printer;
  GCancellable *action;

  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_true (hb_test_wait_until (all_online, f->manager, 5000));
  printer = hb_device_manager_get_printer (f->manager);

  /* Safe with nothing running. */
  hb_device_manager_cancel_all (f->manager);

  {
    static const char pdf[] = "%PDF-1.4\n%%EOF\n";
    g_autoptr(GBytes) bytes = g_bytes_new_static (pdf, sizeof pdf - 1);
    g_autoptr(GCancellable) keep = NULL;

    gboolean done = FALSE;

    hb_printer_print_async (printer, bytes, "t", NULL, print_done, &done);
    action = hb_device_action_get_cancellable (HB_DEVICE (printer));
    g_assert_nonnull (action);
    keep = g_object_ref (action);
    hb_device_manager_cancel_all (f->manager);
    g_assert_true (g_cancellable_is_cancelled (keep));
    /* Whether the page made it out first is a race; that the job ends is not. */
    g_assert_true (hb_test_wait_until (is_true, &done, 10000));
    g_assert_null (hb_device_action_get_cancellable (HB_DEVICE (printer)));
  }
}

static gboolean
is_closed (gpointer data)
{
  return !hb_device_is_open (data);
}

static void
test_stop_closes_a_busy_device_once_its_action_ends (Fixture *f, gconstpointer data)
{
  static const char pdf[] = "%PDF-1.4\n%%EOF\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (pdf, sizeof pdf - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbPrinter) printer = NULL;
  gboolean done = FALSE;

  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_true (hb_test_wait_until (all_online, f->manager, 5000));
  printer = g_object_ref (hb_device_manager_get_printer (f->manager));

  hb_printer_print_async (printer, bytes, "t", NULL, print_done, &done);
  hb_device_manager_stop (f->manager);
  g_assert_true (hb_test_wait_until (is_true, &done, 10000));
  g_assert_true (hb_test_wait_until (is_closed, printer, 10000));
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (printer)), ==, HB_DEVICE_STATUS_OFFLINE);
}

static void
test_register_driver_accepts_only_concrete_devices (Fixture *f, gconstpointer data)
{
  /* Registering a virtual type is harmless: it has no USB ids to match. */
  hb_device_manager_register_driver (HB_TYPE_VIRTUAL_PRINTER);
  hb_device_manager_register_driver (HB_TYPE_VIRTUAL_PRINTER);

  if (g_test_subprocess ())
    {
      hb_device_manager_register_driver (HB_TYPE_PRINTER);   /* abstract */
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*G_TYPE_IS_ABSTRACT*");
}

static gboolean
usb_probed (gpointer data)
{
  return hb_device_manager_usb_probed (data);
}

static gboolean
usb_warning_is_not_fatal (const char *domain, GLogLevelFlags level, const char *message,
                          gpointer user_data)
{
  return !(g_strcmp0 (domain, "hb-drivers") == 0 &&
           g_str_has_prefix (message, "USB is not available"));
}

static void
count_warnings (const char *domain, GLogLevelFlags level, const char *message,
                gpointer user_data)
{
  if (g_str_has_prefix (message, "USB is not available"))
    (*(guint *) user_data)++;
  else
    g_test_message ("unexpected warning: %s", message);
}

static void
test_real_mode_without_devices_reads_no_device (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  guint warnings = 0;
  guint handler;

  /* This machine has no USB in its kernel: libusb either starts with an empty bus or
   * fails with exactly one warning. Either way nothing matches a driver. */
  g_test_log_set_fatal_handler (usb_warning_is_not_fatal, NULL);
  handler = g_log_set_handler ("hb-drivers", G_LOG_LEVEL_WARNING, count_warnings, &warnings);
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  /* USB is probed off the main thread; every kind reads no-device meanwhile too. */
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, k), ==, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_true (hb_test_wait_until (usb_probed, f->manager, 10000));
  hb_test_wait_until (nothing_pending, NULL, 1000);   /* enumeration results, if any */
  g_log_remove_handler ("hb-drivers", handler);
  g_test_log_set_fatal_handler (NULL, NULL);
  if (hb_device_manager_has_usb (f->manager))
    g_assert_cmpuint (warnings, ==, 0);
  else
    g_assert_cmpuint (warnings, ==, 1);

  g_assert_cmpuint (f->added->len, ==, 0);
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    {
      g_assert_null (hb_device_manager_get_device (f->manager, k));
      g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, k), ==, HB_DEVICE_STATUS_NO_DEVICE);
    }
  g_assert_null (hb_device_manager_get_card_reader (f->manager));
  g_assert_null (hb_device_manager_get_sim_server (f->manager));
  array = describe (f->manager, &root);
  g_assert_cmpuint (json_array_get_length (array), ==, HB_DEVICE_N_KINDS);
  for (guint i = 0; i < HB_DEVICE_N_KINDS; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i), "status"),
                     ==, "no-device");

  /* Stopping joins the USB event thread promptly and is idempotent. */
  hb_device_manager_stop (f->manager);
  g_assert_false (hb_device_manager_has_usb (f->manager));
  hb_device_manager_stop (f->manager);
}

/* --- a registered driver found on a (mock) USB bus ------------------------------------ */

#define TEST_TYPE_USB_PRINTER (test_usb_printer_get_type ())
G_DECLARE_FINAL_TYPE (TestUsbPrinter, test_usb_printer, TEST, USB_PRINTER, HbPrinter)
struct _TestUsbPrinter { HbPrinter parent_instance; };
G_DEFINE_FINAL_TYPE (TestUsbPrinter, test_usb_printer, HB_TYPE_PRINTER)

static const HbDeviceIdEntry usb_printer_ids[] = {
  { .vid = 0x0416, .pid = 0x5011 },
  { .vid = 0, .virtual_id = NULL },
};

static void
test_usb_printer_class_init (TestUsbPrinterClass *klass)
{
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  device_class->driver_id = "test-usb-printer";
  device_class->full_name = "Test USB receipt printer";
  device_class->id_table = usb_printer_ids;
}

static void
test_usb_printer_init (TestUsbPrinter *self)
{
}

/* The ESC/POS printer of shared/reference/examples/escpos.umockdev. */
static const char *USB_PRINTER_UMOCKDEV =
  "P: /devices/pci0000:00/0000:00:14.0/usb1/1-3\n"
  "N: bus/usb/001/011\n"
  "E: DEVNAME=/dev/bus/usb/001/011\n"
  "E: DEVTYPE=usb_device\n"
  "E: DRIVER=usb\n"
  "E: PRODUCT=416/5011/100\n"
  "E: BUSNUM=001\n"
  "E: DEVNUM=011\n"
  "E: MAJOR=189\n"
  "E: MINOR=10\n"
  "E: SUBSYSTEM=usb\n"
  "A: bConfigurationValue=1\n"
  "A: busnum=1\n"
  "A: devnum=11\n"
  "A: idVendor=0416\n"
  "A: idProduct=5011\n"
  "A: speed=12\n"
  "H: descriptors=12010002000000401604115000010102030109022000010100C0320904000002070102000705020240000007058102400000\n";

static gboolean
has_printer (gpointer data)
{
  HbDevice *device = hb_device_manager_get_device (data, HB_DEVICE_KIND_PRINTER);
  return device != NULL && hb_device_is_open (device);
}

static gboolean
subprocess_done (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
got_wait (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs this test again under umockdev-run with one device described by text; the child
 * sees $UMOCKDEV_DIR and does the checking. */
static void
run_under_umockdev (Fixture *f, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *umockdev_run = g_find_program_in_path ("umockdev-run");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *devfile = g_build_filename (f->dir, "device.umockdev", NULL);
  g_autofree char *asan = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (umockdev_run == NULL || self == NULL)
    {
      g_test_skip ("umockdev-run is not installed");
      return;
    }
  g_assert_true (g_file_set_contents (devfile, text, -1, &error));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  asan = g_strconcat (g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "",
                      ":verify_asan_link_order=0", NULL);
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", asan, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, umockdev_run, "-d", devfile, "--",
                                       self, "-p", g_test_get_path (), NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (child, NULL, got_wait, &result);
  if (!hb_test_wait_until (subprocess_done, &result, 60000))
    {
      g_subprocess_force_exit (child);
      g_assert_not_reached ();
    }
  g_assert_true (g_subprocess_wait_finish (child, result, &error));
  {
    g_autoptr(GBytes) out = g_input_stream_read_bytes (g_subprocess_get_stdout_pipe (child),
                                                       1 << 20, NULL, NULL);
    if (out)
      g_test_message ("child: %.*s", (int) g_bytes_get_size (out),
                      (const char *) g_bytes_get_data (out, NULL));
  }
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
}

static void
test_real_mode_matches_a_registered_driver (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbDevice *printer;

  if (g_getenv ("UMOCKDEV_DIR") == NULL)
    {
      run_under_umockdev (f, USB_PRINTER_UMOCKDEV);
      return;
    }

  /* The child, on a mock USB bus holding one 0416:5011 printer. */
  hb_device_manager_register_driver (TEST_TYPE_USB_PRINTER);
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  g_assert_true (hb_test_wait_until (has_printer, f->manager, 10000));
  printer = hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_PRINTER);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (printer, TEST_TYPE_USB_PRINTER));
  g_assert_cmpuint (f->added->len, ==, 1);
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_PRINTER), ==,
                   HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_IDCARD), ==,
                   HB_DEVICE_STATUS_NO_DEVICE);
}

static int
failing_usb_init (libusb_context **ctx)
{
  *ctx = NULL;
  return LIBUSB_ERROR_NOT_SUPPORTED;
}

static void
test_real_mode_survives_libusb_failure_with_one_warning (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_device_manager_set_usb_init_func (f->manager, failing_usb_init);
  g_test_expect_message ("hb-drivers", G_LOG_LEVEL_WARNING,
                         "USB is not available (LIBUSB_ERROR_NOT_SUPPORTED): every device kind reads no-device");
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  g_assert_true (hb_test_wait_until (usb_probed, f->manager, 10000));
  hb_test_wait_until (nothing_pending, NULL, 200);
  g_test_assert_expected_messages ();   /* exactly one: a second would be fatal */

  g_assert_false (hb_device_manager_has_usb (f->manager));
  for (guint k = 0; k < HB_DEVICE_N_KINDS; k++)
    g_assert_cmpint (hb_device_manager_get_kind_status (f->manager, k), ==, HB_DEVICE_STATUS_NO_DEVICE);
  hb_device_manager_cancel_all (f->manager);
}

/* --- scanners in real mode ------------------------------------------------------------ */

static void
on_scanned (HbScanner *scanner, const char *text, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (text));
}

static gboolean
scanner_online (gpointer data)
{
  return hb_device_manager_get_kind_status (data, HB_DEVICE_KIND_SCANNER) == HB_DEVICE_STATUS_ONLINE;
}

static gboolean
has_one (gpointer data)
{
  return ((GPtrArray *) data)->len >= 1;
}

static void
test_real_mode_reads_a_configured_cdc_scanner (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbFakeSerialScanner) fake = hb_fake_serial_scanner_new (&error);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  HbScanner *scanner;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  g_assert_no_error (error);
  hb_device_manager_set_scanner_serial (f->manager, hb_fake_serial_scanner_get_path (fake), 0);
  /* This machine may have no USB: that warning is beside the point here. */
  g_test_log_set_fatal_handler (usb_warning_is_not_fatal, NULL);
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);

  /* The scanner exists at once (it is configured, not discovered) and comes online. */
  scanner = hb_device_manager_get_scanner (f->manager);
  g_assert_true (HB_IS_SERIAL_SCANNER (scanner));
  g_assert_cmpuint (f->added->len, ==, 1);
  g_assert_true (hb_test_wait_until (scanner_online, f->manager, 10000));
  g_assert_true (hb_test_wait_until (usb_probed, f->manager, 10000));

  g_signal_connect (scanner, "code-scanned", G_CALLBACK (on_scanned), codes);
  g_assert_true (hb_fake_serial_scanner_scan (fake, "社保查询", strlen ("社保查询"), "\r\n"));
  g_assert_true (hb_test_wait_until (has_one, codes, 10000));
  g_assert_cmpstr (codes->pdata[0], ==, "社保查询");
  g_signal_handlers_disconnect_by_data (scanner, codes);

  array = describe (f->manager, &root);
  {
    JsonObject *o = json_array_get_object_element (array, HB_DEVICE_KIND_SCANNER);
    g_assert_cmpstr (json_object_get_string_member (o, "driver"), ==, "serial-scanner");
    g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "online");
  }
  hb_device_manager_stop (f->manager);
  g_assert_null (hb_device_manager_get_scanner (f->manager));
  g_test_log_set_fatal_handler (NULL, NULL);
}

/* A keyboard-wedge scanner (Newland 1eab:1303) on a mock bus whose device node answers no
 * usbdevfs ioctl: the interface cannot be claimed, so the scanner must not be read. */
static const char *USB_WEDGE_UMOCKDEV =
  "P: /devices/pci0000:00/0000:00:14.0/usb1/1-4\n"
  "N: bus/usb/001/012\n"
  "E: DEVNAME=/dev/bus/usb/001/012\n"
  "E: DEVTYPE=usb_device\n"
  "E: DRIVER=usb\n"
  "E: PRODUCT=1eab/1303/100\n"
  "E: BUSNUM=001\n"
  "E: DEVNUM=012\n"
  "E: MAJOR=189\n"
  "E: MINOR=11\n"
  "E: SUBSYSTEM=usb\n"
  "A: bConfigurationValue=1\n"
  "A: busnum=1\n"
  "A: devnum=12\n"
  "A: idVendor=1eab\n"
  "A: idProduct=1303\n"
  "A: speed=12\n"
  "H: descriptors=1201000200000040AB1E0313000101020001"   /* 1eab:1303, one config */
  "090222000101008032" "090400000103010100"               /* boot keyboard interface */
  "092111010001223F00" "0705810308000A\n";                /* HID, interrupt IN 0x81 */

static gboolean
has_scanner (gpointer data)
{
  HbDevice *device = hb_device_manager_get_device (data, HB_DEVICE_KIND_SCANNER);
  return device != NULL && hb_device_is_open (device) &&
         hb_device_get_status (device) != HB_DEVICE_STATUS_STARTING;
}

static void
test_real_mode_never_reads_a_hid_scanner_it_cannot_claim (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  if (g_getenv ("UMOCKDEV_DIR") == NULL)
    {
      run_under_umockdev (f, USB_WEDGE_UMOCKDEV);
      return;
    }

  /* The child: the scanner is matched by its id and gets its libusb_device... */
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  g_assert_true (hb_test_wait_until (has_scanner, f->manager, 10000));
  {
    HbDevice *scanner = hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_SCANNER);
    libusb_device *device = NULL;

    g_assert_true (HB_IS_USB_SCANNER (scanner));
    g_object_get (scanner, "usb-device", &device, NULL);
    g_assert_nonnull (device);
    g_assert_cmpuint (libusb_get_device_address (device), ==, 12);
    /* ...but the interface cannot be taken from the kernel: no reading, a fault. */
    g_assert_cmpint (hb_device_get_status (scanner), ==, HB_DEVICE_STATUS_HARDWARE_ERROR);
    g_assert_cmpstr (hb_device_get_status_detail (scanner), ==, "not exclusive");
  }
}

static gboolean
scanner_settled (gpointer data)
{
  HbDevice *device = hb_device_manager_get_device (data, HB_DEVICE_KIND_SCANNER);
  return device != NULL && hb_device_get_status (device) != HB_DEVICE_STATUS_STARTING;
}

static void
test_real_mode_reads_a_configured_camera (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hb_test_mkdtemp ("camera");
  g_autofree char *path = g_build_filename (dir, "video9", NULL);
  HbDevice *scanner;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  /* The camera is configured, not discovered: it takes the scanner slot at once and waits
   * for its device node (none here), saying so. */
  hb_device_manager_set_camera (f->manager, path);
  g_test_log_set_fatal_handler (usb_warning_is_not_fatal, NULL);
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  scanner = hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_SCANNER);
  g_assert_true (HB_IS_CAMERA_SCANNER (scanner));
  g_assert_true (hb_test_wait_until (scanner_settled, f->manager, 10000));
  g_assert_cmpint (hb_device_get_status (scanner), ==, HB_DEVICE_STATUS_NO_DEVICE);

  array = describe (f->manager, &root);
  {
    JsonObject *o = json_array_get_object_element (array, HB_DEVICE_KIND_SCANNER);
    g_assert_cmpstr (json_object_get_string_member (o, "driver"), ==, "camera");
    g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "no-device");
  }
  hb_device_manager_stop (f->manager);
  g_test_log_set_fatal_handler (NULL, NULL);
  hb_test_rmdir (dir);
}

static void
test_real_mode_serial_scanner_wins_over_the_camera (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbFakeSerialScanner) fake = hb_fake_serial_scanner_new (&error);

  g_assert_no_error (error);
  hb_device_manager_set_scanner_serial (f->manager, hb_fake_serial_scanner_get_path (fake), 0);
  hb_device_manager_set_camera (f->manager, "/nonexistent/video0");
  g_test_log_set_fatal_handler (usb_warning_is_not_fatal, NULL);
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_true (HB_IS_SERIAL_SCANNER (hb_device_manager_get_device (f->manager,
                                                                     HB_DEVICE_KIND_SCANNER)));
  g_assert_cmpuint (f->added->len, ==, 1);
  hb_device_manager_stop (f->manager);
  g_test_log_set_fatal_handler (NULL, NULL);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADDV(path, fn) g_test_add ("/drivers/device-manager/" path, Fixture, \
                                   GINT_TO_POINTER (HB_DEVICE_MODE_VIRTUAL), setup, fn, teardown)
#define ADDR(path, fn) g_test_add ("/drivers/device-manager/" path, Fixture, \
                                   GINT_TO_POINTER (HB_DEVICE_MODE_REAL), setup, fn, teardown)
  ADDV ("mode/parses-virtual-and-real", test_mode_from_string);
  ADDV ("virtual/creates-one-online-device-per-kind", test_virtual_mode_creates_four_online_devices);
  ADDV ("virtual/forwards-status-changes", test_status_changes_are_forwarded);
  ADDV ("describe/lists-every-kind-present-or-not", test_describe_lists_every_kind);
  ADDV ("stop/removes-every-device", test_stop_removes_every_device);
  ADDV ("cancel-all/cancels-a-running-job", test_cancel_all_cancels_a_running_job);
  ADDV ("stop/closes-a-busy-device-once-its-action-ends", test_stop_closes_a_busy_device_once_its_action_ends);
  ADDV ("register-driver/accepts-only-concrete-devices", test_register_driver_accepts_only_concrete_devices);
  ADDR ("real/without-usb-devices-every-kind-reads-no-device", test_real_mode_without_devices_reads_no_device);
  ADDR ("real/matches-a-registered-driver-by-usb-id", test_real_mode_matches_a_registered_driver);
  ADDR ("real/libusb-failure-still-starts-with-one-warning", test_real_mode_survives_libusb_failure_with_one_warning);
  ADDR ("real/reads-a-configured-cdc-scanner", test_real_mode_reads_a_configured_cdc_scanner);
  ADDR ("real/never-reads-a-hid-scanner-it-cannot-claim", test_real_mode_never_reads_a_hid_scanner_it_cannot_claim);
  ADDR ("real/reads-a-configured-camera", test_real_mode_reads_a_configured_camera);
  ADDR ("real/serial-scanner-wins-over-the-camera", test_real_mode_serial_scanner_wins_over_the_camera);
#undef ADDV
#undef ADDR

  return g_test_run ();
}
