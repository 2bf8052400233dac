/* test-usb-transport.c — HbUsbTransport through the real libusb against the fake USB SAM
 * reader of tests/support on a umockdev testbed (the program re-executes itself under
 * umockdev-wrapper). */
#include "drivers/transport/hb-usb-transport.h"
#include "drivers/hb-device.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "tests/common/hb-test-util.h"
#include "tests/support/hb-fake-sam.h"
#include "transport-test.h"

#include <string.h>

static gboolean have_umockdev;

typedef struct
{
  HbSamSim       *sim;
  HbFakeUsbSam   *fake;
  libusb_context *ctx;
  HbUsbTransport *usb;
  HbTransport    *t;
} Fixture;

/* data: the layout of both the fake and the transport. */
static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;
  HbUsbLayout layout = GPOINTER_TO_UINT (data);
  libusb_device *device;

  if (!have_umockdev)
    return;
  card = hb_idcard_new_from_json_data (CARD_JSON, -1, &error);
  g_assert_no_error (error);
  f->sim = hb_sam_sim_new ();
  hb_sam_sim_set_card (f->sim, card, NULL);
  f->fake = hb_fake_usb_sam_new (NULL, layout, hb_fake_sam_sim_peer, f->sim, &error);
  g_assert_no_error (error);
  g_assert_cmpint (libusb_init (&f->ctx), ==, 0);
  device = hb_fake_usb_sam_find_device (f->fake, f->ctx);
  g_assert_nonnull (device);
  f->usb = hb_usb_transport_new (device, layout, HB_SAM_HEADER_LEN);
  f->t = HB_TRANSPORT (f->usb);
  libusb_unref_device (device);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  /* Handles before the context, the context before the testbed. */
  g_clear_object (&f->usb);
  g_clear_pointer (&f->ctx, libusb_exit);
  g_clear_pointer (&f->fake, hb_fake_usb_sam_free);
  g_clear_pointer (&f->sim, hb_sam_sim_free);
}

#define REQUIRE_UMOCKDEV() \
  G_STMT_START { \
    if (!have_umockdev) { g_test_skip ("umockdev-wrapper is not available"); return; } \
  } G_STMT_END

/* An IN URB of the reader has been discarded: its read is under way in libusb. */
static gboolean
a_slice_has_expired (gpointer data)
{
  Fixture *f = data;
  HbFakeUsbStats stats;

  hb_fake_usb_sam_get_stats (f->fake, &stats);
  return stats.discards > 0;
}

/* --- tests --------------------------------------------------------------------------- */

static void
test_open_claims_the_bulk_interface_and_close_releases_it (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  HbFakeUsbStats stats;

  REQUIRE_UMOCKDEV ();
  expected = g_strdup_printf ("usb:%03u/%03u 0400:c35a", hb_fake_usb_sam_get_bus_number (f->fake),
                              hb_fake_usb_sam_get_device_address (f->fake));
  g_assert_cmpstr (hb_transport_get_description (f->t), ==, expected);
  g_assert_nonnull (hb_usb_transport_get_device (f->usb));

  g_assert_true (hb_transport_open (f->t, &error));
  g_assert_no_error (error);
  hb_fake_usb_sam_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.claims, ==, 1);
  g_assert_cmpuint (stats.releases, ==, 0);

  hb_transport_close (f->t);
  hb_fake_usb_sam_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.releases, ==, 1);
}

static void
test_exchange_reassembles_packets (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) status = NULL;
  g_autoptr(GBytes) read = NULL;
  HbFakeUsbStats stats;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  status = exchange (f->t, HB_SAM_CMD_STATUS, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, STATUS_FRAME_LEN);

  /* 1295 bytes come as 21 packets of at most 64. */
  read = exchange (f->t, HB_SAM_CMD_READ_BASE, &error);
  g_assert_no_error (error);
  assert_response (read, HB_SAM_SW3_OK, READ_FRAME_LEN);
  g_assert_cmpuint (hb_sam_sim_count_reads (f->sim), ==, 1);

  hb_fake_usb_sam_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.bytes_out[0], ==, 20);
  g_assert_cmpuint (stats.bytes_in[0], ==, STATUS_FRAME_LEN + READ_FRAME_LEN);
  g_assert_cmpuint (hb_transport_get_bytes_read (f->t), ==, STATUS_FRAME_LEN + READ_FRAME_LEN);
}

static void
test_read_keeps_the_rest_of_a_transfer (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint8 frame[STATUS_FRAME_LEN];
  gssize n;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  g_assert_true (send_request (f->t, HB_SAM_CMD_STATUS, &error));
  /* One transfer brings all 11 bytes; the caller takes 3, the rest waits. */
  g_assert_cmpint (hb_transport_read (f->t, frame, 3, TIMEOUT, NULL, &error), ==, 3);
  n = hb_transport_read (f->t, frame + 3, sizeof frame - 3, TIMEOUT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, sizeof frame - 3);
  {
    HbSamResponse response;
    g_assert_true (hb_sam_response_parse (frame, sizeof frame, &response, &error));
    g_assert_cmpuint (response.sw3, ==, HB_SAM_SW3_OK);
  }
}

static void
test_split_layout_sends_header_and_body_apart (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) status = NULL;
  g_autoptr(GBytes) read = NULL;
  HbFakeUsbStats stats;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  g_assert_no_error (error);
  status = exchange (f->t, HB_SAM_CMD_STATUS, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, STATUS_FRAME_LEN);
  read = exchange (f->t, HB_SAM_CMD_READ_BASE, &error);
  g_assert_no_error (error);
  assert_response (read, HB_SAM_SW3_OK, READ_FRAME_LEN);

  /* Two 10-byte requests: 7 + 3 each. Two answers: headers on 0x81, the rest on 0x85. */
  hb_fake_usb_sam_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.bytes_out[0], ==, 2 * 7);
  g_assert_cmpuint (stats.bytes_out[1], ==, 2 * 3);
  g_assert_cmpuint (stats.bytes_in[0], ==, 2 * 7);
  g_assert_cmpuint (stats.bytes_in[1], ==, STATUS_FRAME_LEN + READ_FRAME_LEN - 2 * 7);
}

static void
test_split_layout_frames_may_span_writes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) request = hb_sam_request_build (HB_SAM_CMD_STATUS, NULL, 0);
  g_autoptr(GBytes) status = NULL;
  const guint8 *bytes = g_bytes_get_data (request, NULL);
  HbFakeUsbStats stats;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  /* 4 + 5 + 1 bytes: the header completes in the second write. */
  g_assert_true (hb_transport_write (f->t, bytes, 4, TIMEOUT, NULL, &error));
  g_assert_true (hb_transport_write (f->t, bytes + 4, 5, TIMEOUT, NULL, &error));
  g_assert_true (hb_transport_write (f->t, bytes + 9, 1, TIMEOUT, NULL, &error));
  status = read_frame (f->t, TIMEOUT, NULL, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, STATUS_FRAME_LEN);
  hb_fake_usb_sam_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.bytes_out[0], ==, 7);
  g_assert_cmpuint (stats.bytes_out[1], ==, 3);
}

static void
test_split_layout_needs_two_endpoint_pairs (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbUsbTransport) split = NULL;

  REQUIRE_UMOCKDEV ();
  split = hb_usb_transport_new (hb_usb_transport_get_device (f->usb), HB_USB_SPLIT_HEADER,
                                HB_SAM_HEADER_LEN);
  g_assert_false (hb_transport_open (HB_TRANSPORT (split), &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* A header shorter than the SAM's 7 bytes cannot carry LEN. */
  g_clear_object (&split);
  split = hb_usb_transport_new (hb_usb_transport_get_device (f->usb), HB_USB_SPLIT_HEADER, 4);
  g_assert_false (hb_transport_open (HB_TRANSPORT (split), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_read_times_out_and_discards_the_urb (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[16];
  HbFakeUsbStats stats;

  REQUIRE_UMOCKDEV ();
  hb_fake_usb_sam_set_mute (f->fake, TRUE);
  g_assert_true (hb_transport_open (f->t, &error));
  g_assert_true (send_request (f->t, HB_SAM_CMD_STATUS, &error));
  g_assert_cmpint (hb_transport_read (f->t, buf, sizeof buf, 200, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  hb_fake_usb_sam_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.discards, >=, 1);

  /* The device talks again: the next exchange works. */
  hb_fake_usb_sam_set_mute (f->fake, FALSE);
  {
    g_autoptr(GBytes) status = exchange (f->t, HB_SAM_CMD_STATUS, &error);
    g_assert_no_error (error);
    assert_response (status, HB_SAM_SW3_OK, STATUS_FRAME_LEN);
  }
}

static void
test_stall_clears_the_halt_and_fails_with_hardware (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) lost = NULL;
  g_autoptr(GBytes) status = NULL;
  HbFakeUsbStats stats;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  hb_fake_usb_sam_stall_next_in (f->fake);
  lost = exchange (f->t, HB_SAM_CMD_STATUS, &error);
  g_assert_null (lost);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE);
  g_clear_error (&error);
  hb_fake_usb_sam_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.stalls, ==, 1);
  g_assert_cmpuint (stats.halts_cleared, ==, 1);

  status = exchange (f->t, HB_SAM_CMD_STATUS, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, STATUS_FRAME_LEN);
}

static void
test_cancel_wakes_a_waiting_reader (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Reader r = { f->t, cancellable };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  thread = g_thread_new ("reader", reader_thread, &r);
  g_assert_true (hb_test_wait_until (flag_set, &r.started, 5000));
  /* Wait until the read has gone through at least one slice in libusb. */
  g_assert_true (hb_test_wait_until (a_slice_has_expired, f, 5000));
  g_cancellable_cancel (cancellable);
  g_assert_true (hb_test_wait_until (flag_set, &r.done, 10000));   /* not the read's 60 s */
  g_thread_join (thread);
  g_assert_cmpint (r.result, ==, -1);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
}

static void
test_unplug_mid_read_fails_with_no_device (Fixture *f, gconstpointer data)
{
  Reader r = { f->t, NULL };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  thread = g_thread_new ("reader", reader_thread, &r);
  g_assert_true (hb_test_wait_until (flag_set, &r.started, 5000));
  g_assert_true (hb_test_wait_until (a_slice_has_expired, f, 5000));
  hb_fake_usb_sam_unplug (f->fake);
  g_assert_true (hb_test_wait_until (flag_set, &r.done, 10000));
  g_thread_join (thread);
  g_assert_cmpint (r.result, ==, -1);
  g_assert_error (r.error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&r.error);

  /* Dead until reopened; closing it is fine. */
  g_assert_false (send_request (f->t, HB_SAM_CMD_STATUS, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&error);
  hb_transport_close (f->t);
  g_assert_false (hb_transport_open (f->t, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
}

static gboolean
device_is_back (gpointer data)
{
  Fixture *f = data;
  libusb_device *device = hb_fake_usb_sam_find_device (f->fake, f->ctx);

  if (device == NULL)
    return FALSE;
  libusb_unref_device (device);
  return TRUE;
}

static gboolean
device_is_gone (gpointer data)
{
  return !device_is_back (data);
}

static void
test_open_after_replug_works (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbUsbTransport) again = NULL;
  g_autoptr(GBytes) status = NULL;
  libusb_device *device;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  hb_fake_usb_sam_unplug (f->fake);
  g_assert_false (hb_fake_usb_sam_is_plugged (f->fake));
  g_assert_true (hb_test_wait_until (device_is_gone, f, 5000));
  hb_transport_close (f->t);

  hb_fake_usb_sam_replug (f->fake);
  g_assert_true (hb_test_wait_until (device_is_back, f, 5000));
  device = hb_fake_usb_sam_find_device (f->fake, f->ctx);
  again = hb_usb_transport_new (device, GPOINTER_TO_UINT (data), HB_SAM_HEADER_LEN);
  libusb_unref_device (device);
  g_assert_true (hb_transport_open (HB_TRANSPORT (again), &error));
  g_assert_no_error (error);
  status = exchange (HB_TRANSPORT (again), HB_SAM_CMD_STATUS, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, STATUS_FRAME_LEN);
}

static void
test_open_while_unplugged_fails_with_no_device (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  REQUIRE_UMOCKDEV ();
  hb_fake_usb_sam_unplug (f->fake);
  g_assert_false (hb_transport_open (f->t, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_assert_false (hb_transport_is_open (f->t));
}

static void
test_flush_drops_a_late_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sam_id = NULL;

  REQUIRE_UMOCKDEV ();
  g_assert_true (hb_transport_open (f->t, &error));
  /* The status answer is never read (its request "timed out")… */
  g_assert_true (send_request (f->t, HB_SAM_CMD_STATUS, &error));
  hb_transport_flush (f->t);
  /* …so the next answer read is the SAM ID (27 bytes), not the stale status. */
  sam_id = exchange (f->t, HB_SAM_CMD_SAM_ID, &error);
  g_assert_no_error (error);
  assert_response (sam_id, HB_SAM_SW3_OK, 27);
}

int
main (int argc, char **argv)
{
  have_umockdev = hb_fake_reexec_under_umockdev (argc, argv);
  hb_test_init (&argc, &argv);

#define ADD(path, layout, fn) g_test_add ("/drivers/transport/usb/" path, Fixture, \
                                          GUINT_TO_POINTER (layout), setup, fn, teardown)
  ADD ("open/claims-the-bulk-interface-and-close-releases-it", HB_USB_PLAIN, test_open_claims_the_bulk_interface_and_close_releases_it);
  ADD ("exchange/reassembles-an-answer-from-64-byte-packets", HB_USB_PLAIN, test_exchange_reassembles_packets);
  ADD ("read/keeps-the-rest-of-a-transfer-for-the-next-read", HB_USB_PLAIN, test_read_keeps_the_rest_of_a_transfer);
  ADD ("split/header-and-body-travel-on-their-own-endpoints", HB_USB_SPLIT_HEADER, test_split_layout_sends_header_and_body_apart);
  ADD ("split/a-frame-may-span-writes", HB_USB_SPLIT_HEADER, test_split_layout_frames_may_span_writes);
  ADD ("split/needs-two-endpoint-pairs-and-a-sam-header", HB_USB_PLAIN, test_split_layout_needs_two_endpoint_pairs);
  ADD ("read/times-out-and-discards-the-urb", HB_USB_PLAIN, test_read_times_out_and_discards_the_urb);
  ADD ("read/times-out-in-the-split-layout-too", HB_USB_SPLIT_HEADER, test_read_times_out_and_discards_the_urb);
  ADD ("stall/clears-the-halt-and-fails-with-hardware", HB_USB_PLAIN, test_stall_clears_the_halt_and_fails_with_hardware);
  ADD ("cancel/wakes-a-waiting-reader", HB_USB_PLAIN, test_cancel_wakes_a_waiting_reader);
  ADD ("unplug/mid-read-fails-with-no-device", HB_USB_PLAIN, test_unplug_mid_read_fails_with_no_device);
  ADD ("unplug/open-while-unplugged-fails-with-no-device", HB_USB_PLAIN, test_open_while_unplugged_fails_with_no_device);
  ADD ("replug/open-after-replug-works", HB_USB_PLAIN, test_open_after_replug_works);
  ADD ("replug/open-after-replug-works-split", HB_USB_SPLIT_HEADER, test_open_after_replug_works);
  ADD ("flush/drops-a-late-answer", HB_USB_PLAIN, test_flush_drops_a_late_answer);
#undef ADD

  return g_test_run ();
}
