/* Integration: the terminal in real device mode with a SAM reader on a (umockdev) USB bus.
 * The reader is hot-plugged after the terminal started, and swapped during a visit: a
 * card laid on it still starts a visit, without a restart. And haobanctl reads it. */
#include "visit-fixture.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "tests/support/hb-fake-sam.h"

typedef struct {
  Visit         v;
  HbSamSim     *sim;
  HbFakeUsbSam *fake;
} UsbVisit;

static void
lay_card (UsbVisit *u, const char *name, const char *id_number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"type\":\"resident\",\"name\":\"%s\",\"sex\":\"male\",\"nation\":\"汉\","
    "\"birth_date\":\"%.8s\",\"address\":\"上海市徐汇区漕溪北路88号5号楼1203室\","
    "\"id_number\":\"%s\",\"issuer\":\"上海市公安局徐汇分局\","
    "\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}", name, id_number + 6, id_number);
  g_autoptr(HbIdCard) card = hb_idcard_new_from_json_data (json, -1, &error);
  g_assert_no_error (error);
  hb_sam_sim_set_card (u->sim, card, NULL);
}

static gboolean
reader_is (gpointer data)
{
  gpointer *w = data;
  HbDeviceManager *devices = hb_core_get_devices (((UsbVisit *) w[0])->v.core);
  return hb_device_manager_get_kind_status (devices, HB_DEVICE_KIND_IDCARD) ==
         (HbDeviceStatus) GPOINTER_TO_INT (w[1]);
}

static gboolean
reader_closed (gpointer data)
{
  UsbVisit *u = data;
  return hb_device_manager_get_device (hb_core_get_devices (u->v.core), HB_DEVICE_KIND_IDCARD) == NULL;
}

static void
wait_reader (UsbVisit *u, HbDeviceStatus status)
{
  gpointer w[2] = { u, GINT_TO_POINTER (status) };
  if (!hb_test_wait_until (reader_is, w, 10000))
    g_error ("the reader is %s, expected %s",
             hb_device_status_to_string (hb_device_manager_get_kind_status (
               hb_core_get_devices (u->v.core), HB_DEVICE_KIND_IDCARD)),
             hb_device_status_to_string (status));
}

static void
unplug (UsbVisit *u)
{
  hb_fake_usb_sam_unplug (u->fake);
  /* The manager lets the reader go; a hand is slower than that before it plugs again. */
  g_assert_true (hb_test_wait_until (reader_closed, u, 10000));
  hb_test_spin (100);
}

static void
setup (UsbVisit *u, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  u->sim = hb_sam_sim_new ();
  u->fake = hb_fake_usb_sam_new (NULL, HB_USB_PLAIN, hb_fake_sam_sim_peer, u->sim, &error);
  g_assert_no_error (error);
  hb_fake_usb_sam_unplug (u->fake);     /* the technician connects it later */

  visit_setup_full (&u->v, 4000, FALSE);
  visit_config_set (&u->v, "devices", "mode", "real");
  g_assert_true (hb_core_start (u->v.core, &error));
  g_assert_no_error (error);
}

static void
teardown (UsbVisit *u, gconstpointer data)
{
  visit_teardown (&u->v, data);
  hb_test_spin (100);     /* the reader's close task lets go of the transport */
  hb_fake_usb_sam_free (u->fake);
  hb_sam_sim_free (u->sim);
}

static void
test_reader_plugged_after_start_identifies (UsbVisit *u, gconstpointer data)
{
  HbSession *session = hb_core_get_session (u->v.core);

  g_assert_cmpint (hb_device_manager_get_kind_status (hb_core_get_devices (u->v.core),
                                                      HB_DEVICE_KIND_IDCARD),
                   ==, HB_DEVICE_STATUS_NO_DEVICE);
  hb_fake_usb_sam_replug (u->fake);
  wait_reader (u, HB_DEVICE_STATUS_ONLINE);

  lay_card (u, "张伟", SAMPLE_ID);
  visit_wait_state (&u->v, HB_SESSION_IDENTIFIED);
  g_assert_cmpint (hb_person_get_source (hb_session_get_person (session)), ==, HB_IDENTITY_ID_CARD);
  g_assert_cmpstr (hb_person_get_id_number (hb_session_get_person (session)), ==, SAMPLE_ID);
  g_assert_cmpstr (hb_person_get_name (hb_session_get_person (session)), ==, "张伟");
}

static void
test_reader_swapped_mid_visit_serves_the_next_resident (UsbVisit *u, gconstpointer data)
{
  HbSession *session = hb_core_get_session (u->v.core);

  hb_fake_usb_sam_replug (u->fake);
  wait_reader (u, HB_DEVICE_STATUS_ONLINE);
  lay_card (u, "张伟", SAMPLE_ID);
  visit_wait_state (&u->v, HB_SESSION_IDENTIFIED);

  /* The reader is pulled out during the visit: the visit goes on. */
  unplug (u);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_IDENTIFIED);
  hb_session_wipe (session, HB_WIPE_FINISHED);
  visit_wait_state (&u->v, HB_SESSION_ATTRACT);

  /* Back in, with the next resident's card (the first one was taken away). */
  hb_sam_sim_set_card (u->sim, NULL, NULL);
  hb_fake_usb_sam_replug (u->fake);
  wait_reader (u, HB_DEVICE_STATUS_ONLINE);
  lay_card (u, "李强", "310101199001011234");
  visit_wait_state (&u->v, HB_SESSION_IDENTIFIED);
  g_assert_cmpstr (hb_person_get_id_number (hb_session_get_person (session)), ==,
                   "310101199001011234");
}

/* `haobanctl idcard read` opens a USB reader itself (the kiosk not running), whatever its
 * endpoint layout. */
static void
test_haobanctl_reads_the_usb_reader (gconstpointer data)
{
  HbUsbLayout layout = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  UsbVisit u = { 0 };
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *bin = g_build_filename (hb_test_builddir (), "haobanctl", NULL);
  g_autofree char *out = NULL, *err = NULL;
  HbFakeUsbStats stats;

  u.sim = hb_sam_sim_new ();
  u.fake = hb_fake_usb_sam_new (NULL, layout, hb_fake_sam_sim_peer, u.sim, &error);
  g_assert_no_error (error);
  lay_card (&u, "张伟", SAMPLE_ID);

  /* The child inherits the umockdev preload and testbed of this process. */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error, bin, "idcard", "read", "--device", "usb:0400:c35a",
                           "--timeout", "10", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (proc) != 0)
    g_error ("haobanctl failed: %s", err);
  g_assert_nonnull (strstr (out, "\"id_number\" : \"310***********1237\""));
  g_assert_null (strstr (out, SAMPLE_ID));
  hb_fake_usb_sam_get_stats (u.fake, &stats);
  g_assert_cmpuint (stats.claims, ==, 1);
  g_assert_cmpuint (stats.releases, ==, 1);
  if (layout == HB_USB_SPLIT_HEADER)
    g_assert_cmpuint (stats.bytes_in[1], >=, 1295 - 7);
  else
    g_assert_cmpuint (stats.bytes_in[1], ==, 0);

  hb_fake_usb_sam_free (u.fake);
  hb_sam_sim_free (u.sim);
}

#define ADD(path, fn) \
  g_test_add ("/integration/usb-reader/" path, UsbVisit, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
  if (!hb_fake_reexec_under_umockdev (argc, argv))
    {
      g_printerr ("umockdev-wrapper is missing: make deps installs it\n");
      return 1;
    }
  hb_test_init (&argc, &argv);
  ADD ("a-reader-plugged-in-after-start-identifies-the-resident",
       test_reader_plugged_after_start_identifies);
  ADD ("a-reader-swapped-during-a-visit-serves-the-next-resident",
       test_reader_swapped_mid_visit_serves_the_next_resident);
  g_test_add_data_func ("/integration/usb-reader/haobanctl-reads-a-plain-reader",
                        GINT_TO_POINTER (HB_USB_PLAIN), test_haobanctl_reads_the_usb_reader);
  g_test_add_data_func ("/integration/usb-reader/haobanctl-reads-a-split-header-reader",
                        GINT_TO_POINTER (HB_USB_SPLIT_HEADER), test_haobanctl_reads_the_usb_reader);
  return g_test_run ();
}
