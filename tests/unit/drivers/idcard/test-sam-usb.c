/* The SAM reader driver over real libusb, found by the device manager in real mode, against
 * a fake USB reader on a umockdev bus: both endpoint layouts, faults below the protocol,
 * unplug mid-read and replug (hotplug), a hundred times over. */
#include "drivers/hb-device-manager.h"
#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "tests/support/hb-fake-sam.h"
#include "tests/common/hb-test-util.h"

#include <stdlib.h>
#include <string.h>

#define SAMPLE_ID "310104198506151237"

typedef struct {
  HbSamSim        *sim;
  HbFakeUsbSam    *fake;
  HbDeviceManager *manager;
  GPtrArray       *ids;        /* id numbers delivered by card-read, any reader instance */
  guint            added, removed;
  HbDevice        *departed;   /* the last reader the manager let go of, until it is closed */
} Fixture;

static void
on_card (HbCardReader *r, HbIdCard *card, Fixture *f)
{
  g_ptr_array_add (f->ids, g_strdup (card->id_number));
}

static void
on_added (HbDeviceManager *m, HbDevice *device, Fixture *f)
{
  f->added++;
  if (HB_IS_CARD_READER (device))
    g_signal_connect (device, "card-read", G_CALLBACK (on_card), f);
}

static void
on_removed (HbDeviceManager *m, HbDevice *device, Fixture *f)
{
  f->removed++;
  g_signal_handlers_disconnect_by_data (device, f);
  g_set_object (&f->departed, device);
}

static gboolean
departed_closed (gpointer data)
{
  Fixture *f = data;
  return f->departed == NULL || !hb_device_is_open (f->departed);
}

/* A hand takes longer to plug a reader back than the driver takes to let go of it; the
 * fake bus needs that too (umockdev objects to a node vanishing under an open client). */
static void
replug (Fixture *f)
{
  g_assert_true (hb_test_wait_until (departed_closed, f, 10000));
  g_clear_object (&f->departed);
  hb_fake_usb_sam_replug (f->fake);
}

static void
setup (Fixture *f, gconstpointer data)
{
  HbUsbLayout layout = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;

  f->sim = hb_sam_sim_new ();
  f->fake = hb_fake_usb_sam_new (NULL, layout, hb_fake_sam_sim_peer, f->sim, &error);
  g_assert_no_error (error);
  f->ids = g_ptr_array_new_with_free_func (g_free);
  f->manager = hb_device_manager_new (HB_DEVICE_MODE_REAL, NULL, NULL);
  g_signal_connect (f->manager, "device-added", G_CALLBACK (on_added), f);
  g_signal_connect (f->manager, "device-removed", G_CALLBACK (on_removed), f);
  g_assert_true (hb_device_manager_start (f->manager, &error));
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  hb_device_manager_stop (f->manager);
  g_assert_true (hb_test_wait_until (departed_closed, f, 10000));
  g_clear_object (&f->departed);
  hb_test_spin (100);     /* the close tasks finish and let go of the transports */
  g_clear_object (&f->manager);
  hb_fake_usb_sam_free (f->fake);
  hb_sam_sim_free (f->sim);
  g_ptr_array_unref (f->ids);
}

static gboolean
reader_online (gpointer data)
{
  Fixture *f = data;
  return hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_IDCARD) == HB_DEVICE_STATUS_ONLINE;
}

/* Gone = the manager handled the hotplug "left" and let the reader go (the driver's own
 * no-device status can come first). */
static gboolean
reader_gone (gpointer data)
{
  Fixture *f = data;
  return hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_IDCARD) == NULL &&
         hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_IDCARD) == HB_DEVICE_STATUS_NO_DEVICE;
}

static gboolean
reader_faulty (gpointer data)
{
  Fixture *f = data;
  return hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_IDCARD) == HB_DEVICE_STATUS_HARDWARE_ERROR;
}

typedef struct { Fixture *f; guint n; } Count;

static gboolean
ids_reach (gpointer data)
{
  return ((Count *) data)->f->ids->len >= ((Count *) data)->n;
}

static void
wait_online (Fixture *f)
{
  if (!hb_test_wait_until (reader_online, f, 10000))
    g_error ("the USB reader did not come online (status %s)",
             hb_device_status_to_string (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_IDCARD)));
}

static void
wait_ids (Fixture *f, guint n)
{
  Count c = { f, n };
  if (!hb_test_wait_until (ids_reach, &c, 10000))
    g_error ("expected %u card(s), got %u", n, f->ids->len);
}

static void
lay_sample (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json_data (
    "{\"type\":\"resident\",\"name\":\"张伟\",\"sex\":\"male\",\"nation\":\"汉\","
    "\"birth_date\":\"19850615\",\"address\":\"上海市徐汇区漕溪北路88号5号楼1203室\","
    "\"id_number\":\"" SAMPLE_ID "\",\"issuer\":\"上海市公安局徐汇分局\","
    "\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}", -1, &error);
  g_assert_no_error (error);
  hb_sam_sim_set_card (f->sim, card, NULL);
}

static void
test_found_on_usb_and_reads (Fixture *f, gconstpointer data)
{
  HbDevice *reader;
  HbFakeUsbStats stats;

  wait_online (f);
  reader = hb_device_manager_get_device (f->manager, HB_DEVICE_KIND_IDCARD);
  g_assert_true (HB_IS_SAM_CARD_READER (reader));
  g_assert_cmpstr (hb_device_get_driver_id (reader), ==, "sam");
  lay_sample (f);
  wait_ids (f, 1);
  g_assert_cmpstr (f->ids->pdata[0], ==, SAMPLE_ID);
  hb_fake_usb_sam_get_stats (f->fake, &stats);
  g_assert_cmpuint (stats.claims, >=, 1);
  if (GPOINTER_TO_INT (data) == HB_USB_SPLIT_HEADER)
    {
      /* Headers on 02/81, the rest of each frame on 06/85. */
      g_assert_cmpuint (stats.bytes_out[1], >, 0);
      g_assert_cmpuint (stats.bytes_in[1], >=, 1295 - 7);
    }
}

static void
test_stall_is_recovered (Fixture *f, gconstpointer data)
{
  wait_online (f);
  hb_fake_usb_sam_stall_next_in (f->fake);
  lay_sample (f);
  wait_ids (f, 1);
}

static void
test_mute_reader_is_a_hardware_error (Fixture *f, gconstpointer data)
{
  wait_online (f);
  hb_fake_usb_sam_set_mute (f->fake, TRUE);
  g_assert_true (hb_test_wait_until (reader_faulty, f, 15000));
  hb_fake_usb_sam_set_mute (f->fake, FALSE);
  wait_online (f);
  lay_sample (f);
  wait_ids (f, 1);
}

static gboolean
card_left (gpointer data)
{
  HbDevice *reader = hb_device_manager_get_device (((Fixture *) data)->manager, HB_DEVICE_KIND_IDCARD);
  return reader && hb_card_reader_get_media (HB_CARD_READER (reader)) == HB_CARD_MEDIA_NOT_PRESENT;
}

/* The SAM-level faults (status bytes, damaged frames, silence) arrive through libusb in
 * 64-byte packets like real answers; the driver gets every card through them. */
static void
test_protocol_faults_over_usb (Fixture *f, gconstpointer data)
{
  static const HbSamSimFault once[] = {
    HB_SAM_SIM_FAULT_SELECT, HB_SAM_SIM_FAULT_READ, HB_SAM_SIM_FAULT_BAD_CHECKSUM,
    HB_SAM_SIM_FAULT_SHORT_FRAME, HB_SAM_SIM_FAULT_GARBAGE, HB_SAM_SIM_FAULT_STALL,
  };

  wait_online (f);
  /* 80 "no card" while the card lies there: nothing is read. */
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_NO_CARD, 0);
  lay_sample (f);
  hb_test_spin (1200);
  g_assert_cmpuint (f->ids->len, ==, 0);
  g_assert_cmpuint (hb_sam_sim_count_reads (f->sim), ==, 0);
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_NONE, 0);
  wait_ids (f, 1);

  for (guint i = 0; i < G_N_ELEMENTS (once); i++)
    {
      hb_sam_sim_set_card (f->sim, NULL, NULL);
      g_assert_true (hb_test_wait_until (card_left, f, 10000));
      hb_sam_sim_set_fault (f->sim, once[i], 1);
      lay_sample (f);
      wait_ids (f, i + 2);
      g_assert_cmpstr (f->ids->pdata[i + 1], ==, SAMPLE_ID);
    }
  g_assert_true (reader_online (f));
  g_assert_cmpuint (f->added, ==, 1);
}

static void
test_unplug_mid_read_then_replug (Fixture *f, gconstpointer data)
{
  wait_online (f);
  /* The reader goes quiet with a card on it, then vanishes while the driver waits. */
  hb_fake_usb_sam_set_mute (f->fake, TRUE);
  lay_sample (f);
  hb_test_spin (300);
  hb_fake_usb_sam_unplug (f->fake);
  g_assert_true (hb_test_wait_until (reader_gone, f, 10000));
  g_assert_cmpuint (f->removed, ==, 1);
  g_assert_cmpuint (f->ids->len, ==, 0);

  hb_fake_usb_sam_set_mute (f->fake, FALSE);
  replug (f);
  wait_online (f);
  g_assert_cmpuint (f->added, ==, 2);
  /* The card is still on the (simulated) field: the new driver instance reads it. */
  wait_ids (f, 1);
}

static void
test_replug_a_hundred_times (Fixture *f, gconstpointer data)
{
  guint loops = g_getenv ("HB_REPLUG_LOOPS") ? (guint) atoi (g_getenv ("HB_REPLUG_LOOPS")) : 100;

  wait_online (f);
  for (guint i = 0; i < loops; i++)
    {
      hb_fake_usb_sam_unplug (f->fake);
      if (!hb_test_wait_until (reader_gone, f, 10000))
        g_error ("unplug %u: the reader still reads %s", i,
                 hb_device_status_to_string (hb_device_manager_get_kind_status (f->manager, HB_DEVICE_KIND_IDCARD)));
      replug (f);
      wait_online (f);
    }
  g_assert_cmpuint (f->added, ==, loops + 1);
  g_assert_cmpuint (f->removed, ==, loops);
  lay_sample (f);
  wait_ids (f, 1);
}

#define ADD(path, layout, fn) \
  g_test_add ("/drivers/idcard/sam-usb/" path, Fixture, GINT_TO_POINTER (layout), setup, fn, teardown)

int
main (int argc, char **argv)
{
  if (!hb_fake_reexec_under_umockdev (argc, argv))
    {
      g_printerr ("umockdev-wrapper is missing: make deps installs it\n");
      return 1;
    }
  hb_test_init (&argc, &argv);
  ADD ("found-by-the-manager-and-reads-a-card", HB_USB_PLAIN, test_found_on_usb_and_reads);
  ADD ("split-header-layout-reads-a-card", HB_USB_SPLIT_HEADER, test_found_on_usb_and_reads);
  ADD ("a-stall-is-cleared-and-the-read-completes", HB_USB_PLAIN, test_stall_is_recovered);
  ADD ("a-mute-reader-is-a-hardware-error-until-it-answers", HB_USB_PLAIN, test_mute_reader_is_a_hardware_error);
  ADD ("no-card-select-read-checksum-short-noise-and-silence-faults-are-survived", HB_USB_PLAIN,
       test_protocol_faults_over_usb);
  ADD ("unplug-mid-read-then-replug-recovers", HB_USB_PLAIN, test_unplug_mid_read_then_replug);
  ADD ("unplug-and-replug-a-hundred-times", HB_USB_PLAIN, test_replug_a_hundred_times);
  return g_test_run ();
}
