/* The SAM reader driver over a real tty (termios), as the device manager sets it up for a
 * reader behind a USB-serial bridge: configured by a stable path (a /dev/serial/by-id style
 * link), read at 115200 baud, pulled out and plugged back in without a restart. */
#include "drivers/hb-device-manager.h"
#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "tests/support/hb-fake-sam.h"
#include "tests/common/hb-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  HbSamSim        *sim;
  HbFakeSerialSam *fake;
  char            *dir;
  char            *link;       /* what the configuration names */
  HbDeviceManager *manager;
  GPtrArray       *ids;
} Fixture;

static void
on_card (HbCardReader *r, HbIdCard *card, Fixture *f)
{
  g_ptr_array_add (f->ids, g_strdup (card->id_number));
}

static void
point_link (Fixture *f)
{
  g_unlink (f->link);
  g_assert_cmpint (symlink (hb_fake_serial_sam_get_path (f->fake), f->link), ==, 0);
}

static void
new_fake (Fixture *f, guint baud)
{
  g_autoptr(GError) error = NULL;
  f->fake = hb_fake_serial_sam_new (baud, hb_fake_sam_sim_peer, f->sim, &error);
  g_assert_no_error (error);
  point_link (f);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbDevice *reader;

  f->sim = hb_sam_sim_new ();
  f->dir = hb_test_mkdtemp ("serial");
  f->link = g_build_filename (f->dir, "usb-1a86_USB_Serial-if00-port0", NULL);
  f->ids = g_ptr_array_new_with_free_func (g_free);
  new_fake (f, 115200);
  f->manager = hb_device_manager_new (HB_DEVICE_MODE_REAL, NULL, NULL);
  hb_device_manager_set_idcard_serial (f->manager, f->link, 115200);
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
  reader = hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_IDCARD);
  g_assert_nonnull (reader);
  g_signal_connect (reader, "card-read", G_CALLBACK (on_card), f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  hb_device_manager_stop (f->manager);
  hb_test_spin (100);
  g_clear_object (&f->manager);
  g_clear_pointer (&f->fake, hb_fake_serial_sam_free);
  hb_sam_sim_free (f->sim);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->link);
  g_ptr_array_unref (f->ids);
}

typedef struct { Fixture *f; HbDeviceStatus s; } StatusWait;

static gboolean
status_is (gpointer data)
{
  StatusWait *w = data;
  return hb_device_manager_get_kind_status (w->f->manager, HB_DEVICE_KIND_IDCARD) == w->s;
}

static void
wait_status (Fixture *f, HbDeviceStatus status)
{
  StatusWait w = { f, status };
  if (!hb_test_wait_until (status_is, &w, 15000))
    g_error ("reader status %s, expected %s",
             hb_device_status_to_string (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_IDCARD)),
             hb_device_status_to_string (status));
}

static gboolean
has_ids (gpointer data)
{
  Fixture *f = data;
  return f->ids->len > 0;
}

static void
lay_sample (Fixture *f)
{
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json_data (
    "{\"type\":\"resident\",\"name\":\"马晓东\",\"sex\":\"male\",\"nation\":\"回\","
    "\"birth_date\":\"19930921\",\"address\":\"上海市浦东新区世纪大道2001号3号楼801室\","
    "\"id_number\":\"310115199309210051\",\"issuer\":\"上海市公安局浦东分局\","
    "\"valid_from\":\"20210518\",\"valid_to\":\"20310518\"}", -1, NULL);
  g_assert_nonnull (card);
  hb_sam_sim_set_card (f->sim, card, NULL);
}

static void
test_reads_at_115200 (Fixture *f, gconstpointer data)
{
  struct termios t;
  HbDevice *reader = hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_IDCARD);

  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  g_assert_true (g_str_has_prefix (hb_device_get_name (reader), "serial:"));
  /* The driver set the line up: raw 8N1 at 115200, no flow control. */
  g_assert_true (hb_fake_serial_sam_get_termios (f->fake, &t));
  g_assert_cmpuint (cfgetispeed (&t), ==, B115200);
  g_assert_cmpuint (t.c_cflag & CSIZE, ==, CS8);
  g_assert_cmpuint (t.c_cflag & (PARENB | CSTOPB | CRTSCTS), ==, 0);
  g_assert_cmpuint (t.c_lflag & (ICANON | ECHO), ==, 0);
  lay_sample (f);
  g_assert_true (hb_test_wait_until (has_ids, f, 10000));
  g_assert_cmpstr (f->ids->pdata[0], ==, "310115199309210051");
}

static void
test_pulled_out_and_plugged_back (Fixture *f, gconstpointer data)
{
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  hb_fake_serial_sam_hang_up (f->fake);
  wait_status (f, HB_DEVICE_STATUS_NO_DEVICE);
  /* The adapter comes back (as a new tty behind the same by-id link). */
  g_clear_pointer (&f->fake, hb_fake_serial_sam_free);
  new_fake (f, 115200);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  lay_sample (f);
  g_assert_true (hb_test_wait_until (has_ids, f, 10000));
}

static void
test_absent_at_start_then_plugged_in (Fixture *f, gconstpointer data)
{
  /* Restart the manager with the adapter missing: the reader waits for it. */
  hb_device_manager_stop (f->manager);
  hb_test_spin (100);
  g_clear_object (&f->manager);
  g_clear_pointer (&f->fake, hb_fake_serial_sam_free);
  g_unlink (f->link);

  f->manager = hb_device_manager_new (HB_DEVICE_MODE_REAL, NULL, NULL);
  hb_device_manager_set_idcard_serial (f->manager, f->link, 115200);
  g_assert_true (hb_device_manager_start (f->manager, NULL));
  wait_status (f, HB_DEVICE_STATUS_NO_DEVICE);
  new_fake (f, 115200);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
}

static void
test_mute_line_is_a_hardware_error (Fixture *f, gconstpointer data)
{
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  hb_fake_serial_sam_set_mute (f->fake, TRUE);
  wait_status (f, HB_DEVICE_STATUS_HARDWARE_ERROR);
  hb_fake_serial_sam_set_mute (f->fake, FALSE);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/drivers/idcard/sam-serial/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("reads-a-card-at-115200-8n1", test_reads_at_115200);
  ADD ("pulled-out-and-plugged-back-recovers-without-restart", test_pulled_out_and_plugged_back);
  ADD ("absent-at-start-then-plugged-in", test_absent_at_start_then_plugged_in);
  ADD ("a-mute-line-is-a-hardware-error", test_mute_line_is_a_hardware_error);
#undef ADD
  return g_test_run ();
}
