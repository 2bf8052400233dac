/* test-usb-scanner.c — HbUsbScanner over real libusb against fake HID scanners on a
 * umockdev bus: the kernel's keyboard driver is detached and the interface claimed before
 * a single report is read; codes round-trip for both personalities; stalls, gaps,
 * over-length and garbage; unplug mid-scan; hotplug and replug through the device
 * manager. */
#include "drivers/hb-device-manager.h"
#include "drivers/hb-device-private.h"
#include "drivers/scanner/hb-usb-scanner.h"
#include "drivers/scanner/hb-hid-wedge.h"
#include "drivers/scanner/hb-hid-pos.h"
#include "tests/support/hb-fake-hid-scanner.h"
#include "tests/support/hb-fake-sam.h"
#include "tests/unit/drivers/scanner/scanner-test.h"

#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (libusb_device, libusb_unref_device)

typedef struct {
  HbFakeHidScanner *fake;
  libusb_context   *usb;
  HbUsbScanner     *scanner;
  GPtrArray        *codes;      /* char* (owned) */
} Fixture;

/* A scanner on the fake, fast timings so faults show quickly. */
static void
make_scanner (Fixture *f)
{
  g_autoptr(libusb_device) device = NULL;
  HbUsbScannerTiming timing;

  device = hb_fake_hid_scanner_find_device (f->fake, f->usb);
  g_assert_nonnull (device);
  f->scanner = hb_usb_scanner_new (device);
  hb_usb_scanner_timing_init (&timing);
  timing.slice_ms = 50;
  timing.gap_ms = 150;
  timing.claim_retry_ms = 100;
  hb_usb_scanner_set_timing (f->scanner, &timing);
  scanner_test_collect (f->scanner, f->codes);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->fake = hb_fake_hid_scanner_new (NULL, GPOINTER_TO_INT (data), &error);
  g_assert_no_error (error);
  g_assert_cmpint (libusb_init (&f->usb), ==, 0);
  f->codes = g_ptr_array_new_with_free_func (g_free);
}

static void
setup_scanner (Fixture *f, gconstpointer data)
{
  setup (f, data);
  make_scanner (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  if (f->scanner)
    {
      if (hb_device_is_open (HB_DEVICE (f->scanner)))
        scanner_test_close (f->scanner);
      hb_test_spin (50);
      g_clear_object (&f->scanner);
    }
  libusb_exit (f->usb);
  hb_fake_hid_scanner_free (f->fake);
  g_ptr_array_unref (f->codes);
}

static HbUsbScannerStats
stats_of (Fixture *f)
{
  HbUsbScannerStats s;

  hb_usb_scanner_get_stats (f->scanner, &s);
  return s;
}

static char *
offline_code (gsize target)
{
  GString *s = g_string_new ("HB1.");

  while (s->len < target * 2 / 3)
    g_string_append (s, "eyJ2IjoxLCJraWQiOiJrMSJ9-_AZaz09");
  g_string_append_c (s, '.');
  while (s->len < target)
    g_string_append (s, "MEUCIQDx_-9");
  return g_string_free (s, FALSE);
}

/* --- exclusivity ---------------------------------------------------------------------- */

static void
test_wedge_is_detached_claimed_and_cannot_type (Fixture *f, gconstpointer data)
{
  HbFakeHidStats before, after;
  libusb_device_handle *other = NULL;
  g_autoptr(libusb_device) device = NULL;
  g_autofree char *offline = offline_code (2100);
  static const char suishenma[] = "https://ywtb.sh.gov.cn/ssm?c=Zx9-Q_a1b2C3d4&t=1732700000";

  /* Left to the kernel, the scanner is a keyboard: a scan becomes key presses. */
  g_assert_true (hb_fake_hid_scanner_kernel_driver_bound (f->fake));
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "typed", 5));
  hb_fake_hid_scanner_get_stats (f->fake, &before);
  g_assert_cmpuint (before.typed_by_kernel, ==, 12);

  make_scanner (f);
  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpint (hb_usb_scanner_get_personality (f->scanner), ==, HB_SCANNER_USB_WEDGE);
  g_assert_false (hb_fake_hid_scanner_kernel_driver_bound (f->fake));
  g_assert_true (hb_fake_hid_scanner_is_claimed (f->fake));

  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "Ab1:/?x=_", 9));
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, suishenma, strlen (suishenma)));
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, offline, strlen (offline)));
  scanner_test_wait_codes (f->codes, 3);
  g_assert_cmpstr (f->codes->pdata[0], ==, "Ab1:/?x=_");
  g_assert_cmpstr (f->codes->pdata[1], ==, suishenma);
  g_assert_cmpstr (f->codes->pdata[2], ==, offline);

  hb_fake_hid_scanner_get_stats (f->fake, &after);
  g_assert_cmpuint (after.typed_by_kernel, ==, before.typed_by_kernel);   /* not one key */
  g_assert_cmpuint (after.detaches, ==, 1);
  g_assert_cmpuint (after.claims, ==, 1);
  g_assert_cmpuint (after.hid_requests, ==, 2);    /* SET_PROTOCOL boot, SET_IDLE 0 */

  /* Nobody else gets the interface: not another program, not the kernel. */
  device = hb_fake_hid_scanner_find_device (f->fake, f->usb);
  g_assert_cmpint (libusb_open (device, &other), ==, 0);
  g_assert_cmpint (libusb_kernel_driver_active (other, 0), ==, 0);
  g_assert_cmpint (libusb_claim_interface (other, 0), ==, LIBUSB_ERROR_BUSY);
  libusb_close (other);

  /* Closing lets go without handing the scanner back to usbhid. */
  scanner_test_close (f->scanner);
  g_assert_false (hb_fake_hid_scanner_is_claimed (f->fake));
  g_assert_false (hb_fake_hid_scanner_kernel_driver_bound (f->fake));
  hb_fake_hid_scanner_get_stats (f->fake, &after);
  g_assert_cmpuint (after.attaches, ==, 0);
  g_assert_cmpuint (after.releases, ==, 1);
}

static void
test_refuses_to_read_when_the_claim_fails (Fixture *f, gconstpointer data)
{
  HbFakeHidStats stats;

  hb_fake_hid_scanner_set_block_claim (f->fake, TRUE);
  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_HARDWARE_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->scanner)), ==, "not exclusive");
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "nope", 4));
  hb_test_spin (400);    /* several claim retries */
  hb_fake_hid_scanner_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.refused_claims, >=, 2);
  g_assert_cmpuint (stats.in_urbs, ==, 0);          /* not a single read */
  g_assert_cmpuint (f->codes->len, ==, 0);

  /* The other program lets go: the driver claims it and reads. */
  hb_fake_hid_scanner_set_block_claim (f->fake, FALSE);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  g_assert_true (hb_fake_hid_scanner_is_claimed (f->fake));
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "now", 3));
  scanner_test_wait_codes (f->codes, 1);
  g_assert_cmpstr (f->codes->pdata[f->codes->len - 1], ==, "now");
}

/* --- decoding over the wire ------------------------------------------------------------- */

static void
test_pos_round_trips_utf8_and_rejects_garbage (Fixture *f, gconstpointer data)
{
  static const char gbk[] = "\xc9\xe7\xb1\xa3\r";
  static const char chinese[] = "社保查询 居住证办理 ¥100 元";
  g_autofree char *offline = offline_code (2100);
  g_autoptr(GBytes) bad = hb_hid_pos_encode ((const guint8 *) gbk, 5, NULL);

  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpint (hb_usb_scanner_get_personality (f->scanner), ==, HB_SCANNER_USB_POS);
  g_assert_false (hb_fake_hid_scanner_kernel_driver_bound (f->fake));

  g_assert_true (hb_fake_hid_scanner_scan (f->fake, chinese, strlen (chinese)));
  hb_fake_hid_scanner_send_reports (f->fake, g_bytes_get_data (bad, NULL), g_bytes_get_size (bad));
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, offline, strlen (offline)));
  scanner_test_wait_codes (f->codes, 2);
  g_assert_cmpstr (f->codes->pdata[0], ==, chinese);
  g_assert_cmpstr (f->codes->pdata[1], ==, offline);
  g_assert_cmpuint (stats_of (f).rejected, ==, 1);
}

static void
test_over_length_is_rejected_and_the_next_code_read (Fixture *f, gconstpointer data)
{
  g_autofree char *big = g_strnfill (HB_SCANNER_CODE_MAX + 1, 'x');

  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, big, strlen (big)));
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "after", 5));
  scanner_test_wait_codes (f->codes, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, "after");
  g_assert_cmpuint (stats_of (f).rejected, ==, 1);
}

static gboolean
one_aborted (gpointer data)
{
  Fixture *f = data;
  return stats_of (f).aborted >= 1;
}

static void
test_a_stopped_burst_is_dropped_after_the_gap (Fixture *f, gconstpointer data)
{
  guint8 r[2 * HB_HID_BOOT_REPORT_LEN];
  g_autoptr(GByteArray) partial = g_byte_array_new ();

  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  for (const char *p = "PARTIAL"; *p; p++)
    {
      hb_hid_wedge_encode_char (*p, r);
      g_byte_array_append (partial, r, sizeof r);
    }
  hb_fake_hid_scanner_send_reports (f->fake, partial->data, partial->len);
  g_assert_true (hb_test_wait_until (one_aborted, f, 10000));
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "whole", 5));
  scanner_test_wait_codes (f->codes, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, "whole");   /* not "PARTIALwhole" */
  g_assert_cmpuint (f->codes->len, ==, 1);
}

/* --- faults below the decoder ------------------------------------------------------------ */

static void
test_a_stall_is_cleared_and_the_code_it_broke_rejected (Fixture *f, gconstpointer data)
{
  HbFakeHidStats stats;
  guint8 r[2 * HB_HID_BOOT_REPORT_LEN];
  g_autoptr(GByteArray) head = g_byte_array_new ();
  g_autoptr(GByteArray) tail = g_byte_array_new ();

  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);

  /* Between codes: the stalled transfer loses nothing, the code is read. */
  hb_fake_hid_scanner_stall_next_in (f->fake);
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "one", 3));
  scanner_test_wait_codes (f->codes, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, "one");

  /* In the middle of a code: that code is rejected, not delivered without its middle. */
  for (const char *p = "tw"; *p; p++)
    {
      hb_hid_wedge_encode_char (*p, r);
      g_byte_array_append (head, r, sizeof r);
    }
  hb_hid_wedge_encode_char ('o', r);
  g_byte_array_append (tail, r, sizeof r);
  hb_hid_wedge_encode_char ('\r', r);
  g_byte_array_append (tail, r, sizeof r);
  hb_fake_hid_scanner_send_reports (f->fake, head->data, head->len);
  while (hb_fake_hid_scanner_get_queued (f->fake) > 0)
    hb_test_spin (5);
  hb_fake_hid_scanner_stall_next_in (f->fake);
  hb_fake_hid_scanner_send_reports (f->fake, tail->data, tail->len);
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "three", 5));
  scanner_test_wait_codes (f->codes, 2);
  g_assert_cmpstr (f->codes->pdata[1], ==, "three");
  g_assert_cmpuint (stats_of (f).rejected, ==, 1);

  hb_fake_hid_scanner_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.stalls, ==, 2);
  g_assert_cmpuint (stats.halts_cleared, >=, 2);
  g_assert_cmpuint (stats_of (f).stalls, ==, 2);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->scanner)), ==, HB_DEVICE_STATUS_ONLINE);
}

static void
test_a_stalled_endpoint_is_a_fault_until_it_recovers (Fixture *f, gconstpointer data)
{
  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  hb_fake_hid_scanner_set_stalled (f->fake, TRUE);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_HARDWARE_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->scanner)), ==, "endpoint stalls");
  hb_fake_hid_scanner_set_stalled (f->fake, FALSE);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "back", 4));
  scanner_test_wait_codes (f->codes, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, "back");
}

static void
test_unplug_mid_scan_is_no_device_and_closes_promptly (Fixture *f, gconstpointer data)
{
  guint8 r[2 * HB_HID_BOOT_REPORT_LEN];

  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  hb_hid_wedge_encode_char ('h', r);
  hb_fake_hid_scanner_send_reports (f->fake, r, sizeof r);
  hb_test_spin (60);
  hb_fake_hid_scanner_unplug (f->fake);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->scanner)), ==, "unplugged");
  g_assert_cmpuint (f->codes->len, ==, 0);
  scanner_test_close (f->scanner);
}

static void
test_opening_an_unplugged_scanner_reads_no_device (Fixture *f, gconstpointer data)
{
  hb_fake_hid_scanner_unplug (f->fake);
  scanner_test_open (f->scanner);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_NO_DEVICE);
  scanner_test_close (f->scanner);
}

/* --- through the device manager ------------------------------------------------------------- */

typedef struct {
  Fixture         *f;
  HbDeviceManager *manager;
  guint            added, removed;
  HbDevice        *departed;
} Managed;

static void
on_added (HbDeviceManager *m, HbDevice *device, Managed *mg)
{
  mg->added++;
  if (HB_IS_SCANNER (device))
    scanner_test_collect (device, mg->f->codes);
}

static void
on_removed (HbDeviceManager *m, HbDevice *device, Managed *mg)
{
  mg->removed++;
  g_signal_handlers_disconnect_by_data (device, mg->f);
  g_set_object (&mg->departed, device);
}

static gboolean
scanner_online (gpointer data)
{
  Managed *mg = data;
  return hb_device_manager_get_kind_status (mg->manager, HB_DEVICE_KIND_SCANNER) == HB_DEVICE_STATUS_ONLINE;
}

static gboolean
scanner_gone (gpointer data)
{
  Managed *mg = data;
  return hb_device_manager_get_device (mg->manager, HB_DEVICE_KIND_SCANNER) == NULL;
}

static gboolean
departed_closed (gpointer data)
{
  Managed *mg = data;
  return mg->departed == NULL || !hb_device_is_open (mg->departed);
}

static void
test_hotplug_through_the_device_manager (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  Managed mg = { .f = f };
  HbDevice *scanner;

  mg.manager = hb_device_manager_new (HB_DEVICE_MODE_REAL, NULL, NULL);
  g_signal_connect (mg.manager, "device-added", G_CALLBACK (on_added), &mg);
  g_signal_connect (mg.manager, "device-removed", G_CALLBACK (on_removed), &mg);
  g_assert_true (hb_device_manager_start (mg.manager, &error));
  g_assert_no_error (error);

  g_assert_true (hb_test_wait_until (scanner_online, &mg, 10000));
  scanner = hb_device_manager_get_device (mg.manager, HB_DEVICE_KIND_SCANNER);
  g_assert_true (HB_IS_USB_SCANNER (scanner));
  g_assert_cmpstr (hb_device_get_driver_id (scanner), ==, "usb-hid-scanner");
  g_assert_false (hb_fake_hid_scanner_kernel_driver_bound (f->fake));
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "first", 5));
  scanner_test_wait_codes (f->codes, 1);

  for (guint i = 0; i < 5; i++)
    {
      if (i == 0)
        {
          /* Pulled out in the middle of a scan. */
          guint8 r[2 * HB_HID_BOOT_REPORT_LEN];

          hb_hid_wedge_encode_char ('H', r);
          hb_fake_hid_scanner_send_reports (f->fake, r, sizeof r);
          while (hb_fake_hid_scanner_get_queued (f->fake) > 0)
            hb_test_spin (5);
        }
      hb_fake_hid_scanner_unplug (f->fake);
      g_assert_true (hb_test_wait_until (scanner_gone, &mg, 10000));
      g_assert_true (hb_test_wait_until (departed_closed, &mg, 10000));
      g_clear_object (&mg.departed);
      hb_fake_hid_scanner_replug (f->fake);
      g_assert_true (hb_test_wait_until (scanner_online, &mg, 10000));
      /* A fresh plug-in binds usbhid again; the new instance detaches it again. */
      g_assert_false (hb_fake_hid_scanner_kernel_driver_bound (f->fake));
    }
  g_assert_cmpuint (mg.added, ==, 6);
  g_assert_cmpuint (mg.removed, ==, 5);
  g_assert_true (hb_fake_hid_scanner_scan (f->fake, "last", 4));
  scanner_test_wait_codes (f->codes, 2);
  g_assert_cmpstr (f->codes->pdata[1], ==, "last");   /* not "Hlast" */
  g_assert_cmpuint (f->codes->len, ==, 2);

  hb_device_manager_stop (mg.manager);
  g_assert_true (hb_test_wait_until (departed_closed, &mg, 10000));
  g_clear_object (&mg.departed);
  hb_test_spin (100);
  g_clear_object (&mg.manager);
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

#define W GINT_TO_POINTER (HB_FAKE_HID_WEDGE)
#define P GINT_TO_POINTER (HB_FAKE_HID_POS)
#define ADD(path, kind, set, fn) \
  g_test_add ("/drivers/scanner/usb/" path, Fixture, kind, set, fn, teardown)
  ADD ("wedge/kernel-driver-detached-interface-claimed-nothing-typed", W, setup, test_wedge_is_detached_claimed_and_cannot_type);
  ADD ("wedge/refuses-to-read-when-the-claim-fails", W, setup_scanner, test_refuses_to_read_when_the_claim_fails);
  ADD ("pos/round-trips-utf8-and-rejects-garbage", P, setup_scanner, test_pos_round_trips_utf8_and_rejects_garbage);
  ADD ("wedge/over-length-is-rejected-and-the-next-code-read", W, setup_scanner, test_over_length_is_rejected_and_the_next_code_read);
  ADD ("pos/over-length-is-rejected-and-the-next-code-read", P, setup_scanner, test_over_length_is_rejected_and_the_next_code_read);
  ADD ("wedge/a-stopped-burst-is-dropped-after-the-gap", W, setup_scanner, test_a_stopped_burst_is_dropped_after_the_gap);
  ADD ("wedge/a-stall-is-cleared-and-the-code-it-broke-rejected", W, setup_scanner, test_a_stall_is_cleared_and_the_code_it_broke_rejected);
  ADD ("pos/a-stalled-endpoint-is-a-fault-until-it-recovers", P, setup_scanner, test_a_stalled_endpoint_is_a_fault_until_it_recovers);
  ADD ("wedge/unplug-mid-scan-is-no-device-and-closes", W, setup_scanner, test_unplug_mid_scan_is_no_device_and_closes_promptly);
  ADD ("wedge/opening-an-unplugged-scanner-reads-no-device", W, setup_scanner, test_opening_an_unplugged_scanner_reads_no_device);
  ADD ("wedge/hotplug-and-replug-through-the-device-manager", W, setup, test_hotplug_through_the_device_manager);
#undef ADD
  return g_test_run ();
}
