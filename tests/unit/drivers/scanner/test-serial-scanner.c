/* test-serial-scanner.c — HbSerialScanner over HbSerialTransport (termios) against a
 * CDC-ACM scanner on a pty: line endings, UTF-8 byte for byte, garbage and over-length
 * lines, the inter-byte gap, unplug and replug at the same path. */
#include "drivers/hb-device-private.h"
#include "drivers/scanner/hb-serial-scanner.h"
#include "drivers/transport/hb-serial-transport.h"
#include "tests/support/hb-fake-serial-scanner.h"
#include "tests/unit/drivers/scanner/scanner-test.h"

#include <string.h>

typedef struct {
  HbFakeSerialScanner *fake;
  HbSerialScanner     *scanner;
  GPtrArray           *codes;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbSerialTransport) transport = NULL;
  HbSerialScannerTiming timing;

  f->fake = hb_fake_serial_scanner_new (&error);
  g_assert_no_error (error);
  f->codes = g_ptr_array_new_with_free_func (g_free);
  if (GPOINTER_TO_INT (data))
    hb_fake_serial_scanner_unplug (f->fake);   /* not there when the kiosk starts */
  transport = hb_serial_transport_new (hb_fake_serial_scanner_get_path (f->fake), 9600);
  f->scanner = hb_serial_scanner_new (HB_TRANSPORT (transport));
  hb_serial_scanner_timing_init (&timing);
  timing.slice_ms = 50;
  timing.gap_ms = 150;
  timing.reopen_ms = 100;
  hb_serial_scanner_set_timing (f->scanner, &timing);
  scanner_test_collect (f->scanner, f->codes);
  scanner_test_open (f->scanner);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  scanner_test_close (f->scanner);
  hb_test_spin (20);
  g_clear_object (&f->scanner);
  hb_fake_serial_scanner_free (f->fake);
  g_ptr_array_unref (f->codes);
}

static HbSerialScannerStats
stats_of (Fixture *f)
{
  HbSerialScannerStats s;

  hb_serial_scanner_get_stats (f->scanner, &s);
  return s;
}

static void
scan (Fixture *f, const char *text, const char *suffix)
{
  g_assert_true (hb_fake_serial_scanner_scan (f->fake, text, strlen (text), suffix));
}

static void
test_lines_round_trip_byte_for_byte (Fixture *f, gconstpointer data)
{
  static const char chinese[] = "社保查询 居住证办理 ¥100 元";
  static const char suishenma[] = "https://ywtb.sh.gov.cn/ssm?c=Zx9-Q_a1b2C3d4&t=1732700000";
  GString *offline = g_string_new ("HB1.");

  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  while (offline->len < 1400)
    g_string_append (offline, "eyJ2IjoxLCJraWQiOiJrMSJ9-_AZaz09");
  g_string_append_c (offline, '.');
  while (offline->len < 2100)
    g_string_append (offline, "MEUCIQDx_-9");

  scan (f, chinese, "\r\n");
  scan (f, suishenma, "\r");
  scan (f, offline->str, "\n");
  /* A code that arrives in pieces, the suffix in a piece of its own. */
  scan (f, "pie", NULL);
  scan (f, "ces", NULL);
  scan (f, "", "\r");
  scan (f, "", "\r\n");      /* a blank line is no code */
  scanner_test_wait_codes (f->codes, 4);
  g_assert_cmpstr (f->codes->pdata[0], ==, chinese);
  g_assert_cmpstr (f->codes->pdata[1], ==, suishenma);
  g_assert_cmpstr (f->codes->pdata[2], ==, offline->str);
  g_assert_cmpstr (f->codes->pdata[3], ==, "pieces");
  hb_test_spin (100);
  g_assert_cmpuint (f->codes->len, ==, 4);
  g_assert_cmpuint (stats_of (f).rejected, ==, 0);
  g_string_free (offline, TRUE);
}

static void
test_garbage_and_over_length_are_rejected_then_resync (Fixture *f, gconstpointer data)
{
  static const guint8 gbk[] = { 0xc9, 0xe7, 0xb1, 0xa3, '\r' };
  static const guint8 nul[] = { 'a', 0, 'b', '\r' };
  g_autofree char *big = g_strnfill (HB_SCANNER_CODE_MAX + 10, 'x');
  g_autofree char *exact = g_strnfill (HB_SCANNER_CODE_MAX, 'y');

  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  g_assert_true (hb_fake_serial_scanner_write (f->fake, gbk, sizeof gbk));
  g_assert_true (hb_fake_serial_scanner_write (f->fake, nul, sizeof nul));
  scan (f, big, "\r\n");
  scan (f, "after", "\r\n");
  scan (f, exact, "\r\n");
  scanner_test_wait_codes (f->codes, 2);
  g_assert_cmpstr (f->codes->pdata[0], ==, "after");
  g_assert_cmpstr (f->codes->pdata[1], ==, exact);
  g_assert_cmpuint (stats_of (f).rejected, ==, 3);
}

static gboolean
one_aborted (gpointer data)
{
  Fixture *f = data;
  return stats_of (f).aborted >= 1;
}

static void
test_a_stopped_line_is_dropped_after_the_gap (Fixture *f, gconstpointer data)
{
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  scan (f, "PARTIAL", NULL);
  g_assert_true (hb_test_wait_until (one_aborted, f, 10000));
  scan (f, "whole", "\r");
  scanner_test_wait_codes (f->codes, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, "whole");
}

static void
test_unplug_mid_line_then_replug_at_the_same_path (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  scan (f, "first", "\r");
  scanner_test_wait_codes (f->codes, 1);
  scan (f, "half-a-co", NULL);
  hb_test_spin (20);
  hb_fake_serial_scanner_unplug (f->fake);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->scanner)), ==, "unplugged");
  hb_test_spin (250);      /* a few reopen attempts on a missing path */

  g_assert_true (hb_fake_serial_scanner_replug (f->fake, &error));
  g_assert_no_error (error);
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpuint (stats_of (f).reopened, ==, 1);
  scan (f, "second", "\r");
  scanner_test_wait_codes (f->codes, 2);
  /* "half-a-co" went with the cable; it is not glued to the next code. */
  g_assert_cmpstr (f->codes->pdata[1], ==, "second");
  g_assert_cmpuint (stats_of (f).aborted, ==, 1);
}

static void
test_a_scanner_plugged_in_later_comes_online (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->scanner)), ==, "not connected");
  g_assert_true (hb_fake_serial_scanner_replug (f->fake, &error));
  scanner_test_wait_status (f->scanner, HB_DEVICE_STATUS_ONLINE);
  scan (f, "late", "\r\n");
  scanner_test_wait_codes (f->codes, 1);
  g_assert_cmpstr (f->codes->pdata[0], ==, "late");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, absent, fn) \
  g_test_add ("/drivers/scanner/serial/" path, Fixture, GINT_TO_POINTER (absent), setup, fn, teardown)
  ADD ("cr-lf-and-crlf-lines-round-trip-byte-for-byte", FALSE, test_lines_round_trip_byte_for_byte);
  ADD ("garbage-and-over-length-rejected-then-resync", FALSE, test_garbage_and_over_length_are_rejected_then_resync);
  ADD ("a-stopped-line-is-dropped-after-the-gap", FALSE, test_a_stopped_line_is_dropped_after_the_gap);
  ADD ("unplug-mid-line-then-replug-at-the-same-path", FALSE, test_unplug_mid_line_then_replug_at_the_same_path);
  ADD ("a-scanner-plugged-in-later-comes-online", TRUE, test_a_scanner_plugged_in_later_comes_online);
#undef ADD
  return g_test_run ();
}
