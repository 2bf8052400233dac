/* test-pipe-transport.c — HbPipeTransport and the HbTransport base behaviour it shares
 * with every transport (open state, argument checks, read_exact, counters). */
#include "drivers/transport/hb-pipe-transport.h"
#include "drivers/hb-device.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "tests/common/hb-test-util.h"
#include "tests/support/hb-fake-sam.h"
#include "transport-test.h"

#include <string.h>

/* --- peers --------------------------------------------------------------------------- */

static GBytes *
echo_peer (const guint8 *data, gsize len, gpointer user_data)
{
  return g_bytes_new (data, len);
}

/* Answers every write with three bytes, whatever was asked. */
static GBytes *
three_bytes_peer (const guint8 *data, gsize len, gpointer user_data)
{
  static const guint8 three[] = { 1, 2, 3 };
  return g_bytes_new_static (three, sizeof three);
}

/* Pulls the plug while the host's request is on its way. */
static GBytes *
unplugging_peer (const guint8 *data, gsize len, gpointer user_data)
{
  hb_pipe_transport_set_connected (*(HbPipeTransport **) user_data, FALSE);
  return g_bytes_new (data, len);
}

static void
count_destroy (gpointer data)
{
  (*(guint *) data)++;
}

static HbSamSim *
sim_with_card (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json_data (CARD_JSON, -1, &error);
  HbSamSim *sim = hb_sam_sim_new ();

  g_assert_no_error (error);
  hb_sam_sim_set_card (sim, card, NULL);
  return sim;
}

/* Sends one request and reads one whole response frame. */
/* --- tests --------------------------------------------------------------------------- */

static void
test_exchange_with_the_simulated_sam (void)
{
  g_autoptr(HbSamSim) sim = sim_with_card ();
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (hb_fake_sam_sim_peer, sim, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) status = NULL;
  g_autoptr(GBytes) read = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_assert_no_error (error);
  g_assert_true (hb_transport_is_open (t));

  status = exchange (t, HB_SAM_CMD_STATUS, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, 11);

  read = exchange (t, HB_SAM_CMD_READ_BASE, &error);
  g_assert_no_error (error);
  assert_response (read, HB_SAM_SW3_OK, READ_FRAME_LEN);
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 1);
}

static void
test_read_returns_at_most_max_and_keeps_the_rest (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (echo_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 sent[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  guint8 got[10] = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_write (t, sent, sizeof sent, TIMEOUT, NULL, &error));
  g_assert_cmpint (hb_transport_read (t, got, 4, TIMEOUT, NULL, &error), ==, 4);
  g_assert_cmpint (hb_transport_read (t, got + 4, 16 - 10, TIMEOUT, NULL, &error), ==, 6);
  g_assert_no_error (error);
  g_assert_cmpmem (got, sizeof got, sent, sizeof sent);
}

static void
test_read_times_out_when_the_peer_is_silent (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (NULL, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 request[] = { 0xAA };
  guint8 buf[4];
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_write (t, request, sizeof request, TIMEOUT, NULL, &error));
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, 50, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  /* A zero timeout polls. */
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, 0, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
test_read_exact_gathers_several_answers (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (three_bytes_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 request[] = { 0x55 };
  static const guint8 expected[] = { 1, 2, 3, 1, 2, 3 };
  guint8 got[6];
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_write (t, request, 1, TIMEOUT, NULL, &error));
  g_assert_true (hb_transport_write (t, request, 1, TIMEOUT, NULL, &error));
  g_assert_true (hb_transport_read_exact (t, got, sizeof got, TIMEOUT, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (got, sizeof got, expected, sizeof expected);
}

static void
test_read_exact_has_one_deadline_and_says_how_much_came (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (three_bytes_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 request[] = { 0x55 };
  guint8 got[10];
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_write (t, request, 1, TIMEOUT, NULL, &error));
  g_assert_false (hb_transport_read_exact (t, got, sizeof got, 100, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "3 of 10 bytes"));
}

static void
test_closed_transport_fails_with_not_open (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (echo_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 byte[] = { 1 };
  guint8 buf[4];
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_transport_is_open (t));
  g_assert_false (hb_transport_write (t, byte, 1, TIMEOUT, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN);
  g_clear_error (&error);
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, TIMEOUT, NULL, &error), ==, -1);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN);
  g_clear_error (&error);
  g_assert_false (hb_transport_read_exact (t, buf, sizeof buf, TIMEOUT, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN);
  g_clear_error (&error);

  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_open (t, &error));   /* idempotent */
  hb_transport_close (t);
  hb_transport_close (t);
  g_assert_false (hb_transport_is_open (t));
  g_assert_false (hb_transport_write (t, byte, 1, TIMEOUT, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN);
  hb_transport_flush (t);   /* harmless when closed */
}

static void
test_bad_arguments_are_refused (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (echo_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  guint8 buf[4];
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_test_expect_message ("hb-drivers", G_LOG_LEVEL_CRITICAL, "*max > 0*");
  g_assert_cmpint (hb_transport_read (t, buf, 0, TIMEOUT, NULL, &error), ==, -1);
  g_test_expect_message ("hb-drivers", G_LOG_LEVEL_CRITICAL, "*buffer != NULL*");
  g_assert_cmpint (hb_transport_read (t, NULL, 4, TIMEOUT, NULL, &error), ==, -1);
  g_test_expect_message ("hb-drivers", G_LOG_LEVEL_CRITICAL, "*data != NULL*");
  g_assert_false (hb_transport_write (t, NULL, 4, TIMEOUT, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  /* Empty writes and reads of nothing succeed without touching the peer. */
  g_assert_true (hb_transport_write (t, NULL, 0, TIMEOUT, NULL, &error));
  g_assert_true (hb_transport_read_exact (t, buf, 0, TIMEOUT, NULL, &error));
  g_assert_cmpuint (hb_transport_get_bytes_written (t), ==, 0);
}

static void
test_cancel_fails_at_once_when_already_cancelled (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (echo_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  static const guint8 byte[] = { 1 };
  guint8 buf[4];
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_cancellable_cancel (cancellable);
  g_assert_false (hb_transport_write (t, byte, 1, TIMEOUT, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (hb_transport_read (t, buf, 1, TIMEOUT, cancellable, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (hb_transport_get_bytes_written (t), ==, 0);
}

static void
test_cancel_wakes_a_waiting_reader (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (NULL, NULL, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Reader r = { HB_TRANSPORT (pipe), cancellable, 60000 };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_assert_true (hb_transport_open (r.transport, &error));
  thread = g_thread_new ("reader", reader_thread, &r);
  g_assert_true (hb_test_wait_until (flag_set, &r.started, 5000));
  g_cancellable_cancel (cancellable);
  /* Far sooner than the read's own 60 s timeout. */
  g_assert_true (hb_test_wait_until (flag_set, &r.done, 10000));
  g_thread_join (thread);
  g_assert_cmpint (r.result, ==, -1);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
}

static void
test_disconnect_fails_every_call_with_no_device (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (echo_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 byte[] = { 7 };
  guint8 buf[4];
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_write (t, byte, 1, TIMEOUT, NULL, &error));
  hb_pipe_transport_set_connected (pipe, FALSE);
  g_assert_false (hb_pipe_transport_get_connected (pipe));

  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, TIMEOUT, NULL, &error), ==, -1);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&error);
  g_assert_false (hb_transport_write (t, byte, 1, TIMEOUT, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&error);
  hb_transport_close (t);
  g_assert_false (hb_transport_open (t, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&error);

  /* Back again: a fresh open works and the echo from before the unplug is gone. */
  hb_pipe_transport_set_connected (pipe, TRUE);
  g_assert_true (hb_transport_open (t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, 0, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_assert_true (hb_transport_write (t, byte, 1, TIMEOUT, NULL, &error));
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, TIMEOUT, NULL, &error), ==, 1);
  g_assert_cmpuint (buf[0], ==, 7);
}

static void
test_disconnect_wakes_a_waiting_reader (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (NULL, NULL, NULL);
  Reader r = { HB_TRANSPORT (pipe), NULL, 60000 };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_assert_true (hb_transport_open (r.transport, &error));
  thread = g_thread_new ("reader", reader_thread, &r);
  g_assert_true (hb_test_wait_until (flag_set, &r.started, 5000));
  hb_pipe_transport_set_connected (pipe, FALSE);
  g_assert_true (hb_test_wait_until (flag_set, &r.done, 10000));
  g_thread_join (thread);
  g_assert_cmpint (r.result, ==, -1);
  g_assert_error (r.error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&r.error);
}

static void
test_disconnect_during_a_write_fails_it (void)
{
  HbPipeTransport *self_ref = NULL;
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (unplugging_peer, &self_ref, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 byte[] = { 7 };
  guint8 buf[4];
  g_autoptr(GError) error = NULL;

  self_ref = pipe;
  g_assert_true (hb_transport_open (t, &error));
  g_assert_false (hb_transport_write (t, byte, 1, TIMEOUT, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&error);
  /* The echo was lost with the device. */
  hb_pipe_transport_set_connected (pipe, TRUE);
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, 0, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
test_flush_drops_unread_bytes (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (echo_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 stale[] = { 1, 2, 3 };
  static const guint8 fresh[] = { 9 };
  guint8 buf[8];
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_write (t, stale, sizeof stale, TIMEOUT, NULL, &error));
  hb_transport_flush (t);
  g_assert_true (hb_transport_write (t, fresh, sizeof fresh, TIMEOUT, NULL, &error));
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, TIMEOUT, NULL, &error), ==, 1);
  g_assert_cmpuint (buf[0], ==, 9);
}

static void
test_counters_count_both_directions_since_open (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (three_bytes_peer, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 request[5] = { 0 };
  guint8 buf[8];
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_write (t, request, sizeof request, TIMEOUT, NULL, &error));
  g_assert_true (hb_transport_read_exact (t, buf, 3, TIMEOUT, NULL, &error));
  g_assert_cmpuint (hb_transport_get_bytes_written (t), ==, 5);
  g_assert_cmpuint (hb_transport_get_bytes_read (t), ==, 3);
  /* Failed calls count nothing. */
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, 0, NULL, &error), ==, -1);
  g_clear_error (&error);
  g_assert_cmpuint (hb_transport_get_bytes_read (t), ==, 3);

  hb_transport_close (t);
  g_assert_cmpuint (hb_transport_get_bytes_written (t), ==, 5);   /* kept while closed */
  g_assert_true (hb_transport_open (t, &error));
  g_assert_cmpuint (hb_transport_get_bytes_written (t), ==, 0);
  g_assert_cmpuint (hb_transport_get_bytes_read (t), ==, 0);
}

static void
test_description_has_a_default_and_can_be_set (void)
{
  guint destroyed = 0;
  HbPipeTransport *pipe = hb_pipe_transport_new (echo_peer, &destroyed, count_destroy);
  HbTransport *t = HB_TRANSPORT (pipe);

  g_assert_cmpstr (hb_transport_get_description (t), ==, "pipe");
  hb_transport_set_description (t, "pipe:virtual-sam");
  g_assert_cmpstr (hb_transport_get_description (t), ==, "pipe:virtual-sam");

  /* Dropping an open transport closes it and releases the peer's data. */
  g_assert_true (hb_transport_open (t, NULL));
  g_object_unref (pipe);
  g_assert_cmpuint (destroyed, ==, 1);
}

static void
test_inject_queues_unsolicited_bytes (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (NULL, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  static const guint8 noise[] = { 0x13, 0x37 };
  guint8 buf[4];
  g_autoptr(GError) error = NULL;

  hb_pipe_transport_inject (pipe, noise, sizeof noise);   /* closed: dropped */
  g_assert_true (hb_transport_open (t, &error));
  g_assert_cmpint (hb_transport_read (t, buf, sizeof buf, 0, NULL, &error), ==, -1);
  g_clear_error (&error);
  hb_pipe_transport_inject (pipe, noise, sizeof noise);
  g_assert_true (hb_transport_read_exact (t, buf, 2, TIMEOUT, NULL, &error));
  g_assert_cmpmem (buf, 2, noise, sizeof noise);
}

static void
test_paced_answer_is_not_there_at_once (void)
{
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (NULL, NULL, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  guint8 answer[240];
  guint8 buf[240];
  gssize n;
  g_autoptr(GError) error = NULL;

  /* 240 bytes at 1200 baud take 2 s on the wire: a read right away cannot have them
   * all (no timing is measured, only that pacing holds bytes back). */
  for (guint i = 0; i < sizeof answer; i++)
    answer[i] = (guint8) i;
  hb_pipe_transport_set_baud (pipe, 1200);
  g_assert_cmpuint (hb_pipe_transport_get_baud (pipe), ==, 1200);
  g_assert_true (hb_transport_open (t, &error));
  hb_pipe_transport_inject (pipe, answer, sizeof answer);
  n = hb_transport_read (t, buf, sizeof buf, 0, NULL, &error);
  g_assert_true (n < (gssize) sizeof answer);
  g_clear_error (&error);
}

static void
test_paced_read_arrives_whole_and_in_order (void)
{
  g_autoptr(HbSamSim) sim = sim_with_card ();
  g_autoptr(HbPipeTransport) pipe = hb_pipe_transport_new (hb_fake_sam_sim_peer, sim, NULL);
  HbTransport *t = HB_TRANSPORT (pipe);
  g_autoptr(HbPipeTransport) instant = hb_pipe_transport_new (hb_fake_sam_sim_peer, sim, NULL);
  g_autoptr(GBytes) paced = NULL;
  g_autoptr(GBytes) reference = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;

  hb_pipe_transport_set_baud (pipe, 115200);
  g_assert_true (hb_transport_open (t, &error));
  g_assert_true (hb_transport_open (HB_TRANSPORT (instant), &error));

  start = g_get_monotonic_time ();
  paced = exchange (t, HB_SAM_CMD_READ_BASE, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  assert_response (paced, HB_SAM_SW3_OK, READ_FRAME_LEN);

  reference = exchange (HB_TRANSPORT (instant), HB_SAM_CMD_READ_BASE, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (paced, reference));

  /* Reported, not asserted (benchmarks judge speed): 10-byte request + 1295-byte answer. */
  g_test_message ("paced 30 01 at 115200 baud: %.2f ms (wire time %.2f ms)",
                  elapsed / 1000.0, (10 + READ_FRAME_LEN) * 10 * 1000.0 / 115200);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add_func ("/drivers/transport/pipe/" path, fn)
  ADD ("exchange/answers-of-the-simulated-sam-are-readable", test_exchange_with_the_simulated_sam);
  ADD ("read/returns-at-most-max-and-keeps-the-rest", test_read_returns_at_most_max_and_keeps_the_rest);
  ADD ("read/times-out-when-the-peer-is-silent", test_read_times_out_when_the_peer_is_silent);
  ADD ("read-exact/gathers-several-answers", test_read_exact_gathers_several_answers);
  ADD ("read-exact/has-one-deadline-and-says-how-much-came", test_read_exact_has_one_deadline_and_says_how_much_came);
  ADD ("open/calls-on-a-closed-transport-fail-with-not-open", test_closed_transport_fails_with_not_open);
  ADD ("arguments/bad-ones-are-refused", test_bad_arguments_are_refused);
  ADD ("cancel/fails-at-once-when-already-cancelled", test_cancel_fails_at_once_when_already_cancelled);
  ADD ("cancel/wakes-a-waiting-reader", test_cancel_wakes_a_waiting_reader);
  ADD ("disconnect/fails-every-call-with-no-device-until-reconnected", test_disconnect_fails_every_call_with_no_device);
  ADD ("disconnect/wakes-a-waiting-reader", test_disconnect_wakes_a_waiting_reader);
  ADD ("disconnect/during-a-write-fails-it", test_disconnect_during_a_write_fails_it);
  ADD ("flush/drops-unread-bytes", test_flush_drops_unread_bytes);
  ADD ("counters/count-both-directions-since-open", test_counters_count_both_directions_since_open);
  ADD ("description/has-a-default-and-can-be-set", test_description_has_a_default_and_can_be_set);
  ADD ("inject/queues-unsolicited-bytes", test_inject_queues_unsolicited_bytes);
  ADD ("pacing/an-answer-is-not-there-at-once", test_paced_answer_is_not_there_at_once);
  ADD ("pacing/a-full-read-arrives-whole-and-in-order", test_paced_read_arrives_whole_and_in_order);
#undef ADD

  return g_test_run ();
}
