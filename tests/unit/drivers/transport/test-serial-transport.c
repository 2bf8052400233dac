/* test-serial-transport.c — HbSerialTransport against the pty-based serial SAM reader
 * of tests/support. */
#include "drivers/transport/hb-serial-transport.h"
#include "drivers/hb-device.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "tests/common/hb-test-util.h"
#include "tests/support/hb-fake-sam.h"
#include "transport-test.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct
{
  HbSamSim          *sim;
  HbFakeSerialSam   *fake;
  HbSerialTransport *serial;
  HbTransport       *t;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json_data (CARD_JSON, -1, &error);
  guint baud = GPOINTER_TO_UINT (data);

  g_assert_no_error (error);
  f->sim = hb_sam_sim_new ();
  hb_sam_sim_set_card (f->sim, card, NULL);
  f->fake = hb_fake_serial_sam_new (baud, hb_fake_sam_sim_peer, f->sim, &error);
  g_assert_no_error (error);
  f->serial = hb_serial_transport_new (hb_fake_serial_sam_get_path (f->fake), 115200);
  f->t = HB_TRANSPORT (f->serial);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->serial);
  g_clear_pointer (&f->fake, hb_fake_serial_sam_free);
  g_clear_pointer (&f->sim, hb_sam_sim_free);
}

/* --- tests --------------------------------------------------------------------------- */

static void
test_open_configures_raw_8n1_and_close_restores (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  struct termios before, during, after;

  g_assert_true (hb_fake_serial_sam_get_termios (f->fake, &before));
  g_assert_true (hb_transport_open (f->t, &error));
  g_assert_no_error (error);
  {
    g_autofree char *expected = g_strdup_printf ("serial:%s@115200",
                                                 hb_fake_serial_sam_get_path (f->fake));
    g_assert_cmpstr (hb_transport_get_description (f->t), ==, expected);
  }

  g_assert_true (hb_fake_serial_sam_get_termios (f->fake, &during));
  g_assert_cmpuint (cfgetospeed (&during), ==, B115200);
  g_assert_cmpuint (cfgetispeed (&during), ==, B115200);
  g_assert_cmpuint (during.c_cflag & CSIZE, ==, CS8);
  g_assert_cmpuint (during.c_cflag & (PARENB | CSTOPB | CRTSCTS), ==, 0);
  g_assert_cmpuint (during.c_cflag & (CLOCAL | CREAD), ==, CLOCAL | CREAD);
  g_assert_cmpuint (during.c_iflag & (IXON | IXOFF | ICRNL | INLCR), ==, 0);
  g_assert_cmpuint (during.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), ==, 0);
  g_assert_cmpuint (during.c_oflag & OPOST, ==, 0);

  hb_transport_close (f->t);
  g_assert_true (hb_fake_serial_sam_get_termios (f->fake, &after));
  g_assert_cmpuint (cfgetospeed (&after), ==, cfgetospeed (&before));
  g_assert_cmpuint (after.c_cflag, ==, before.c_cflag);
  g_assert_cmpuint (after.c_iflag, ==, before.c_iflag);
  g_assert_cmpuint (after.c_lflag, ==, before.c_lflag);
}

static void
test_exchange_with_the_simulated_sam (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) status = NULL;
  g_autoptr(GBytes) read = NULL;
  gint64 start, elapsed;

  g_assert_true (hb_transport_open (f->t, &error));
  status = exchange (f->t, HB_SAM_CMD_STATUS, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, 11);

  start = g_get_monotonic_time ();
  read = exchange (f->t, HB_SAM_CMD_READ_BASE, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  assert_response (read, HB_SAM_SW3_OK, READ_FRAME_LEN);
  g_assert_cmpuint (hb_sam_sim_count_reads (f->sim), ==, 1);
  g_assert_cmpuint (hb_transport_get_bytes_written (f->t), ==, 20);
  g_assert_cmpuint (hb_transport_get_bytes_read (f->t), ==, 11 + READ_FRAME_LEN);
  g_assert_cmpuint (hb_fake_serial_sam_get_bytes_in (f->fake), ==, 20);

  if (GPOINTER_TO_UINT (data) > 0)
    g_test_message ("pty 30 01 at %u baud: %.2f ms (wire time %.2f ms)", GPOINTER_TO_UINT (data),
                    elapsed / 1000.0,
                    (10 + READ_FRAME_LEN) * 10 * 1000.0 / GPOINTER_TO_UINT (data));

  /* The host can close and open again; the fake keeps the tty alive. */
  hb_transport_close (f->t);
  g_assert_true (hb_transport_open (f->t, &error));
  g_clear_pointer (&status, g_bytes_unref);
  status = exchange (f->t, HB_SAM_CMD_STATUS, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, 11);
}

static void
test_read_times_out_when_the_reader_is_mute (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) request = hb_sam_request_build (HB_SAM_CMD_STATUS, NULL, 0);
  guint8 buf[16];

  hb_fake_serial_sam_set_mute (f->fake, TRUE);
  g_assert_true (hb_transport_open (f->t, &error));
  g_assert_true (hb_transport_write (f->t, g_bytes_get_data (request, NULL),
                                     g_bytes_get_size (request), TIMEOUT, NULL, &error));
  g_assert_cmpint (hb_transport_read (f->t, buf, sizeof buf, 100, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_assert_false (hb_transport_read_exact (f->t, buf, sizeof buf, 100, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "0 of 16 bytes"));
  g_clear_error (&error);

  /* It talks again once unmuted. */
  hb_fake_serial_sam_set_mute (f->fake, FALSE);
  g_clear_pointer (&request, g_bytes_unref);
  {
    g_autoptr(GBytes) status = exchange (f->t, HB_SAM_CMD_STATUS, &error);
    g_assert_no_error (error);
    assert_response (status, HB_SAM_SW3_OK, 11);
  }
}

static void
test_cancel_wakes_a_waiting_reader (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Reader r = { f->t, cancellable };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_assert_true (hb_transport_open (f->t, &error));
  thread = g_thread_new ("reader", reader_thread, &r);
  g_assert_true (hb_test_wait_until (flag_set, &r.started, 5000));
  g_cancellable_cancel (cancellable);
  g_assert_true (hb_test_wait_until (flag_set, &r.done, 10000));   /* not the read's 60 s */
  g_thread_join (thread);
  g_assert_cmpint (r.result, ==, -1);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  /* An already cancelled write does not reach the device. */
  g_assert_false (hb_transport_write (f->t, (const guint8 *) "x", 1, TIMEOUT, cancellable,
                                      &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (hb_fake_serial_sam_get_bytes_in (f->fake), ==, 0);
}

static void
test_hang_up_fails_a_waiting_read_with_no_device (Fixture *f, gconstpointer data)
{
  Reader r = { f->t, NULL };
  g_autoptr(GError) error = NULL;
  GThread *thread;
  guint8 buf[4];

  g_assert_true (hb_transport_open (f->t, &error));
  thread = g_thread_new ("reader", reader_thread, &r);
  g_assert_true (hb_test_wait_until (flag_set, &r.started, 5000));
  hb_fake_serial_sam_hang_up (f->fake);
  g_assert_true (hb_test_wait_until (flag_set, &r.done, 10000));
  g_thread_join (thread);
  g_assert_cmpint (r.result, ==, -1);
  g_assert_error (r.error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&r.error);

  /* Every later call says the same; close still works. */
  g_assert_cmpint (hb_transport_read (f->t, buf, sizeof buf, 100, NULL, &error), ==, -1);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&error);
  g_assert_false (hb_transport_write (f->t, (const guint8 *) "x", 1, TIMEOUT, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  hb_transport_close (f->t);
  g_assert_false (hb_transport_is_open (f->t));
}

static void
test_bad_baud_fails_open_with_invalid_argument (Fixture *f, gconstpointer data)
{
  g_autoptr(HbSerialTransport) serial = hb_serial_transport_new (
    hb_fake_serial_sam_get_path (f->fake), 12345);
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_transport_open (HB_TRANSPORT (serial), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (hb_transport_is_open (HB_TRANSPORT (serial)));

  /* Every rate of the table opens. */
  {
    static const guint rates[] = { 9600, 19200, 38400, 57600, 115200, 230400 };
    for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
      {
        g_autoptr(HbSerialTransport) ok = hb_serial_transport_new (
          hb_fake_serial_sam_get_path (f->fake), rates[i]);
        g_assert_true (hb_transport_open (HB_TRANSPORT (ok), NULL));
      }
  }
}

static void
test_missing_device_fails_open_with_no_device (Fixture *f, gconstpointer data)
{
  g_autoptr(HbSerialTransport) missing = hb_serial_transport_new ("/dev/ttyUSB-not-there", 115200);
  g_autoptr(HbSerialTransport) not_tty = hb_serial_transport_new ("/dev/null", 115200);
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_transport_open (HB_TRANSPORT (missing), &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&error);
  g_assert_false (hb_transport_open (HB_TRANSPORT (not_tty), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Can another program open the tty now? Root bypasses TIOCEXCL (CAP_SYS_ADMIN), so as
 * root the attempt is made by a child that has become an ordinary user. Returns the
 * errno of the refusal, or 0 when the open succeeded. */
static int
other_program_opens (const char *path)
{
  pid_t pid;
  int status = 0;

  if (geteuid () != 0)
    {
      int fd = open (path, O_RDWR | O_NOCTTY);
      int e = errno;
      if (fd >= 0)
        close (fd);
      return fd >= 0 ? 0 : e;
    }
  g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd;
      if (setgid (65534) != 0 || setuid (65534) != 0)
        _exit (100);
      fd = open (path, O_RDWR | O_NOCTTY);
      _exit (fd >= 0 ? 0 : errno);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 100);
  return WEXITSTATUS (status);
}

static void
test_second_opener_is_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *path = hb_fake_serial_sam_get_path (f->fake);

  g_assert_true (hb_transport_open (f->t, &error));
  g_assert_cmpint (other_program_opens (path), ==, EBUSY);
  hb_transport_close (f->t);
  /* Released on close. */
  g_assert_cmpint (other_program_opens (path), ==, 0);
}

/* The 27-byte SAM ID answer, less the byte already read. */
static gboolean
rest_is_queued (gpointer fake)
{
  return hb_fake_serial_sam_get_unread (fake) == 26;
}

static void
test_flush_drops_unread_input (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) request = hb_sam_request_build (HB_SAM_CMD_SAM_ID, NULL, 0);
  g_autoptr(GBytes) status = NULL;
  guint8 first;

  g_assert_true (hb_transport_open (f->t, &error));
  g_assert_true (hb_transport_write (f->t, g_bytes_get_data (request, NULL),
                                     g_bytes_get_size (request), TIMEOUT, NULL, &error));
  /* Wait until the rest of the answer waits in the tty, then throw it away. */
  g_assert_cmpint (hb_transport_read (f->t, &first, 1, TIMEOUT, NULL, &error), ==, 1);
  g_assert_true (hb_test_wait_until (rest_is_queued, f->fake, TIMEOUT));
  hb_transport_flush (f->t);

  status = exchange (f->t, HB_SAM_CMD_STATUS, &error);
  g_assert_no_error (error);
  assert_response (status, HB_SAM_SW3_OK, 11);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, baud, fn) g_test_add ("/drivers/transport/serial/" path, Fixture, \
                                        GUINT_TO_POINTER (baud), setup, fn, teardown)
  ADD ("open/configures-raw-8n1-at-the-baud-and-close-restores", 0, test_open_configures_raw_8n1_and_close_restores);
  ADD ("exchange/answers-of-the-simulated-sam-are-readable", 0, test_exchange_with_the_simulated_sam);
  ADD ("exchange/paced-at-115200-baud", 115200, test_exchange_with_the_simulated_sam);
  ADD ("read/times-out-when-the-reader-is-mute", 0, test_read_times_out_when_the_reader_is_mute);
  ADD ("cancel/wakes-a-waiting-reader", 0, test_cancel_wakes_a_waiting_reader);
  ADD ("hang-up/fails-a-waiting-read-and-every-later-call-with-no-device", 0, test_hang_up_fails_a_waiting_read_with_no_device);
  ADD ("open/an-unsupported-baud-rate-is-an-invalid-argument", 0, test_bad_baud_fails_open_with_invalid_argument);
  ADD ("open/a-missing-device-is-no-device", 0, test_missing_device_fails_open_with_no_device);
  ADD ("open/is-exclusive", 0, test_second_opener_is_refused);
  ADD ("flush/drops-unread-input", 0, test_flush_drops_unread_input);
#undef ADD

  return g_test_run ();
}
