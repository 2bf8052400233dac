/* hb-fake-hid-scanner.c — a HID barcode scanner (keyboard wedge or HID POS) on a umockdev
 * testbed, with the kernel's usbhid binding modelled so injection can be observed. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-hid-scanner.h"
#include "drivers/scanner/hb-hid-wedge.h"
#include "drivers/scanner/hb-hid-pos.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>   /* after sys/ioctl.h, or the USBDEVFS_* macros break */

#define KERNEL_DRIVER "usbhid"

/* Device descriptor: USB 2.0, class 0, EP0 64, VID 1eab (Newland), bcdDevice 1.00,
 * strings 1/2/0, one configuration. PID 1303 = keyboard, 1310 = HID POS. */
#define DEVICE_DESC(pid) "1201000200000040" "AB1E" pid "0001" "010200" "01"
static const char wedge_descriptors[] =
  DEVICE_DESC ("0313")
  "0902220001010080" "32"                 /* config, wTotalLength 34 */
  "090400000103010100"                    /* iface 0: 1 EP, HID, boot, keyboard */
  "092111010001223F00"                    /* HID 1.11, report descriptor 63 bytes */
  "0705810308000A";                       /* 0x81 IN, interrupt, 8 bytes, 10 ms */
static const char pos_descriptors[] =
  DEVICE_DESC ("1013")
  "0902290001010080" "32"                 /* config, wTotalLength 41 */
  "090400000203000000"                    /* iface 0: 2 EPs, HID, no boot protocol */
  "09211101000122A000"                    /* HID 1.11, report descriptor 160 bytes */
  "07058103400001"                        /* 0x81 IN, interrupt, 64 bytes, 1 ms */
  "07050203400001";                       /* 0x02 OUT, interrupt, 64 bytes */

struct _HbFakeHidScanner
{
  UMockdevTestbed   *testbed;
  UMockdevIoctlBase *handler;
  HbFakeHidKind      kind;
  gsize              report_len;
  guint8             busnum;
  guint8             devnum;
  char              *syspath;
  char              *devnode;
  char              *record;

  GMutex             lock;           /* everything below */
  GQueue             done;           /* UMockdevIoctlData* URBs ready to reap */
  GQueue             pending_in;
  GQueue             reports;        /* GBytes*, one report each */
  gboolean           plugged;
  gboolean           added;
  gboolean           bound;          /* usbhid owns the interface */
  gboolean           claimed;        /* usbfs (some handle) owns it */
  gboolean           block_claim;
  gboolean           stall_next;
  gboolean           stalled;
  HbFakeHidStats     stats;
};

/* Bus addresses of their own, apart from the SAM fakes' (20…250). */
static guint next_devnum = 2;
G_LOCK_DEFINE_STATIC (next_devnum);

static struct usbdevfs_urb *
urb_of (UMockdevIoctlData *data)
{
  return (struct usbdevfs_urb *) data->data;
}

static void
complete_urb (HbFakeHidScanner *self, UMockdevIoctlData *urb, int status, int actual)
{
  urb_of (urb)->status = status;
  urb_of (urb)->actual_length = actual;
  g_queue_push_tail (&self->done, urb);
}

/* One queued report per pending IN URB. Lock held. */
static void
service_in (HbFakeHidScanner *self)
{
  while (!g_queue_is_empty (&self->pending_in) &&
         (!g_queue_is_empty (&self->reports) || self->stalled))
    {
      UMockdevIoctlData *urb = g_queue_pop_head (&self->pending_in);
      UMockdevIoctlData *buf = g_object_get_data (G_OBJECT (urb), "buf");
      GBytes *report;
      gsize n;
      const guint8 *data;

      if (self->stall_next || self->stalled)
        {
          self->stall_next = FALSE;
          self->stats.stalls++;
          complete_urb (self, urb, -EPIPE, 0);
          continue;
        }
      report = g_queue_pop_head (&self->reports);
      data = g_bytes_get_data (report, &n);
      n = MIN (n, (gsize) MAX (urb_of (urb)->buffer_length, 0));
      memcpy (buf->data, data, n);
      self->stats.reports_sent++;
      complete_urb (self, urb, 0, (int) n);
      g_bytes_unref (report);
    }
}

/* Reports from the scanner: the kernel's usbhid types them while it is bound. */
static void
queue_reports_locked (HbFakeHidScanner *self, const guint8 *data, gsize len)
{
  for (gsize off = 0; off + self->report_len <= len; off += self->report_len)
    {
      if (self->bound)
        self->stats.typed_by_kernel++;
      else if (self->block_claim)
        continue;   /* the program that holds the scanner reads them */
      else
        g_queue_push_tail (&self->reports, g_bytes_new (data + off, self->report_len));
    }
  service_in (self);
}

static void
submit_urb (HbFakeHidScanner *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UMockdevIoctlData) urb = umockdev_ioctl_data_resolve (arg, 0,
                                                                  sizeof (struct usbdevfs_urb),
                                                                  &error);
  g_autoptr(UMockdevIoctlData) buf = NULL;
  struct usbdevfs_urb *u;

  if (urb == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  u = urb_of (urb);
  buf = umockdev_ioctl_data_resolve (urb, offsetof (struct usbdevfs_urb, buffer),
                                     (gsize) MAX (u->buffer_length, 0), &error);
  if (buf == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  g_object_ref (urb);
  g_object_set_data_full (G_OBJECT (urb), "buf", g_object_ref (buf), g_object_unref);

  if (u->type == USBDEVFS_URB_TYPE_CONTROL)
    {
      const guint8 *setup = buf->data;

      /* HID class requests to the interface: SET_IDLE (0x0A), SET_PROTOCOL (0x0B). */
      if (u->buffer_length >= 8 && setup[0] == 0x21 && (setup[1] == 0x0A || setup[1] == 0x0B))
        {
          self->stats.hid_requests++;
          complete_urb (self, urb, 0, 0);
        }
      else
        complete_urb (self, urb, -EPIPE, 0);
    }
  else if (u->type != USBDEVFS_URB_TYPE_INTERRUPT)
    complete_urb (self, urb, -EINVAL, 0);
  else if (!(u->endpoint & 0x80))
    complete_urb (self, urb, 0, u->buffer_length);   /* POS output reports: accepted */
  else if (u->endpoint != 0x81)
    complete_urb (self, urb, -EPIPE, 0);
  else
    {
      self->stats.in_urbs++;
      g_queue_push_tail (&self->pending_in, urb);
    }
  service_in (self);
  umockdev_ioctl_client_complete (client, 0, 0);
}

static void
reap_urb (HbFakeHidScanner *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  UMockdevIoctlData *urb = g_queue_pop_head (&self->done);
  g_autoptr(UMockdevIoctlData) ptr = NULL;

  if (urb == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, self->plugged ? EAGAIN : ENODEV);
      return;
    }
  ptr = umockdev_ioctl_data_resolve (arg, 0, sizeof (gpointer), &error);
  if (ptr == NULL)
    {
      g_queue_push_head (&self->done, urb);
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  umockdev_ioctl_data_set_ptr (ptr, 0, urb);
  umockdev_ioctl_client_complete (client, 0, 0);
  g_object_unref (urb);
}

static void
discard_urb (HbFakeHidScanner *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  gulong addr = *(gulong *) arg->data;

  for (GList *l = self->pending_in.head; l; l = l->next)
    {
      UMockdevIoctlData *urb = l->data;

      if (urb->client_addr != addr)
        continue;
      g_queue_delete_link (&self->pending_in, l);
      self->stats.discards++;
      complete_urb (self, urb, -ENOENT, 0);
      umockdev_ioctl_client_complete (client, 0, 0);
      return;
    }
  umockdev_ioctl_client_complete (client, -1, EINVAL);
}

static void
claim (HbFakeHidScanner *self, UMockdevIoctlClient *client, gboolean disconnect)
{
  if (disconnect && self->bound && !self->block_claim && !self->claimed)
    {
      self->bound = FALSE;
      self->stats.detaches++;
    }
  if (self->bound || self->claimed || self->block_claim)
    {
      self->stats.refused_claims++;
      umockdev_ioctl_client_complete (client, -1, EBUSY);
      return;
    }
  self->claimed = TRUE;
  self->stats.claims++;
  umockdev_ioctl_client_complete (client, 0, 0);
}

static void
get_driver (HbFakeHidScanner *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UMockdevIoctlData) gd = NULL;
  const char *name = self->claimed ? "usbfs" : self->bound ? KERNEL_DRIVER : NULL;

  if (name == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, ENODATA);
      return;
    }
  gd = umockdev_ioctl_data_resolve (arg, 0, sizeof (struct usbdevfs_getdriver), &error);
  if (gd == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  g_strlcpy (((struct usbdevfs_getdriver *) gd->data)->driver, name, USBDEVFS_MAXDRIVERNAME + 1);
  umockdev_ioctl_client_complete (client, 0, 0);
}

/* USBDEVFS_IOCTL: the kernel-driver requests libusb makes (disconnect, connect). */
static void
driver_ioctl (HbFakeHidScanner *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UMockdevIoctlData) cmd = umockdev_ioctl_data_resolve (arg, 0,
                                                                  sizeof (struct usbdevfs_ioctl),
                                                                  &error);
  int code;

  if (cmd == NULL)
    {
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  code = ((struct usbdevfs_ioctl *) cmd->data)->ioctl_code;
  if (code == (int) USBDEVFS_DISCONNECT)
    {
      if (!self->bound)
        {
          umockdev_ioctl_client_complete (client, -1, ENODATA);
          return;
        }
      self->bound = FALSE;
      self->stats.detaches++;
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else if (code == (int) USBDEVFS_CONNECT)
    {
      if (!self->claimed && !self->bound)
        {
          self->bound = TRUE;
          self->stats.attaches++;
        }
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else
    umockdev_ioctl_client_complete (client, -1, ENOTTY);
}

static gboolean
on_ioctl (UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user_data)
{
  HbFakeHidScanner *self = user_data;
  gulong request = umockdev_ioctl_client_get_request (client);
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);

  g_mutex_lock (&self->lock);
  if (!self->plugged && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY)
    umockdev_ioctl_client_complete (client, -1, ENODEV);
  else if (request == USBDEVFS_GET_CAPABILITIES)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UMockdevIoctlData) caps = umockdev_ioctl_data_resolve (arg, 0, sizeof (guint32), &error);

      if (caps)
        {
          *(guint32 *) caps->data = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                                    USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
          umockdev_ioctl_client_complete (client, 0, 0);
        }
      else
        umockdev_ioctl_client_complete (client, -1, EFAULT);
    }
  else if (request == USBDEVFS_CLAIMINTERFACE)
    claim (self, client, FALSE);
  else if (request == USBDEVFS_DISCONNECT_CLAIM)
    claim (self, client, TRUE);
  else if (request == USBDEVFS_RELEASEINTERFACE)
    {
      if (self->claimed)
        {
          self->claimed = FALSE;
          self->stats.releases++;
        }
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else if (request == USBDEVFS_GETDRIVER)
    get_driver (self, client, arg);
  else if (request == USBDEVFS_IOCTL)
    driver_ioctl (self, client, arg);
  else if (request == USBDEVFS_CLEAR_HALT)
    {
      self->stats.halts_cleared++;
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else if (request == USBDEVFS_SETCONFIGURATION || request == USBDEVFS_RESET ||
           request == USBDEVFS_SETINTERFACE)
    umockdev_ioctl_client_complete (client, 0, 0);
  else if (request == USBDEVFS_SUBMITURB)
    submit_urb (self, client, arg);
  else if (request == USBDEVFS_REAPURB || request == USBDEVFS_REAPURBNDELAY)
    reap_urb (self, client, arg);
  else if (request == USBDEVFS_DISCARDURB)
    discard_urb (self, client, arg);
  else
    {
      g_debug ("fake HID scanner: unhandled ioctl 0x%lx", request);
      umockdev_ioctl_client_complete (client, -1, ENOTTY);
    }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
drop_urbs_locked (HbFakeHidScanner *self)
{
  g_queue_clear_full (&self->done, g_object_unref);
  g_queue_clear_full (&self->pending_in, g_object_unref);
}

static void
release (gpointer data, GClosure *closure)
{
  HbFakeHidScanner *self = data;

  drop_urbs_locked (self);
  g_queue_clear_full (&self->reports, (GDestroyNotify) g_bytes_unref);
  g_free (self->syspath);
  g_free (self->devnode);
  g_free (self->record);
  g_mutex_clear (&self->lock);
  g_free (self);
}

HbFakeHidScanner *
hb_fake_hid_scanner_new (UMockdevTestbed *testbed, HbFakeHidKind kind, GError **error)
{
  g_autoptr(HbFakeHidScanner) self = g_new0 (HbFakeHidScanner, 1);
  gboolean pos = kind == HB_FAKE_HID_POS;
  guint port, minor;

  g_mutex_init (&self->lock);
  self->kind = kind;
  self->report_len = pos ? HB_HID_POS_REPORT_LEN : HB_HID_BOOT_REPORT_LEN;
  self->testbed = testbed ? g_object_ref (testbed) : umockdev_testbed_new ();
  if (!umockdev_in_mock_environment ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Not running under umockdev's preload (see hb_fake_reexec_under_umockdev)");
      return NULL;
    }

  G_LOCK (next_devnum);
  self->devnum = (guint8) next_devnum;
  next_devnum = next_devnum >= 19 ? 2 : next_devnum + 1;
  G_UNLOCK (next_devnum);
  self->busnum = 2;      /* a bus of their own: never the SAM fakes' addresses */
  port = self->devnum;
  minor = (self->busnum - 1) * 128 + self->devnum - 1;

  self->syspath = g_strdup_printf ("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-%u", port);
  self->devnode = g_strdup_printf ("/dev/bus/usb/%03u/%03u", self->busnum, self->devnum);
  self->record = g_strdup_printf (
    "P: /devices/pci0000:00/0000:00:14.0/usb2/2-%u\n"
    "N: bus/usb/%03u/%03u\n"
    "E: DEVNAME=/dev/bus/usb/%03u/%03u\n"
    "E: DEVTYPE=usb_device\n"
    "E: DRIVER=usb\n"
    "E: PRODUCT=1eab/%s/100\n"
    "E: TYPE=0/0/0\n"
    "E: BUSNUM=%03u\n"
    "E: DEVNUM=%03u\n"
    "E: MAJOR=189\n"
    "E: MINOR=%u\n"
    "E: SUBSYSTEM=usb\n"
    "E: ID_VENDOR_ID=1eab\n"
    "E: ID_MODEL_ID=%s\n"
    "E: ID_BUS=usb\n"
    "A: bConfigurationValue=1\n"
    "A: bDeviceClass=00\n"
    "A: bNumConfigurations=1\n"
    "A: bNumInterfaces= 1\n"
    "A: busnum=%u\n"
    "A: devnum=%u\n"
    "A: devpath=%u\n"
    "A: dev=189:%u\n"
    "A: idVendor=1eab\n"
    "A: idProduct=%s\n"
    "A: speed=12\n"
    "A: manufacturer=Fake\n"
    "A: product=%s\n"
    "H: descriptors=%s\n",
    port, self->busnum, self->devnum, self->busnum, self->devnum, pos ? "1310" : "1303",
    self->busnum, self->devnum, minor, pos ? "1310" : "1303", self->busnum, self->devnum,
    port, minor, pos ? "1310" : "1303",
    pos ? "HID POS scanner" : "Keyboard wedge scanner",
    pos ? pos_descriptors : wedge_descriptors);

  if (!umockdev_testbed_add_from_string (self->testbed, self->record, error))
    return NULL;
  self->added = TRUE;
  self->handler = umockdev_ioctl_base_new ();
  g_signal_connect_data (self->handler, "handle-ioctl", G_CALLBACK (on_ioctl), self, release, 0);
  if (!umockdev_testbed_attach_ioctl (self->testbed, self->devnode, self->handler, error))
    return NULL;
  self->plugged = TRUE;
  self->bound = TRUE;
  return g_steal_pointer (&self);
}

void
hb_fake_hid_scanner_free (HbFakeHidScanner *self)
{
  UMockdevIoctlBase *handler;

  if (self == NULL)
    return;
  handler = g_steal_pointer (&self->handler);
  if (handler)
    umockdev_testbed_detach_ioctl (self->testbed, self->devnode, NULL);
  if (self->plugged && self->added)
    umockdev_testbed_remove_device (self->testbed, self->syspath);
  g_clear_object (&self->testbed);
  if (handler)
    {
      g_signal_handlers_disconnect_by_data (handler, self);
      g_object_unref (handler);
    }
  else
    release (self, NULL);
}

UMockdevTestbed *
hb_fake_hid_scanner_get_testbed (HbFakeHidScanner *self)
{
  return self->testbed;
}

guint16
hb_fake_hid_scanner_get_pid (HbFakeHidScanner *self)
{
  return self->kind == HB_FAKE_HID_POS ? 0x1310 : 0x1303;
}

libusb_device *
hb_fake_hid_scanner_find_device (HbFakeHidScanner *self, libusb_context *ctx)
{
  libusb_device **list = NULL;
  libusb_device *found = NULL;
  ssize_t n = libusb_get_device_list (ctx, &list);

  for (ssize_t i = 0; i < n; i++)
    if (libusb_get_bus_number (list[i]) == self->busnum &&
        libusb_get_device_address (list[i]) == self->devnum)
      {
        found = libusb_ref_device (list[i]);
        break;
      }
  if (n >= 0)
    libusb_free_device_list (list, 1);
  return found;
}

gboolean
hb_fake_hid_scanner_scan (HbFakeHidScanner *self, const char *text, gsize len)
{
  g_autoptr(GByteArray) reports = g_byte_array_new ();

  if (self->kind == HB_FAKE_HID_WEDGE)
    {
      guint8 r[2 * HB_HID_BOOT_REPORT_LEN];

      for (gsize i = 0; i < len; i++)
        {
          if (!hb_hid_wedge_encode_char (text[i], r))
            return FALSE;
          g_byte_array_append (reports, r, sizeof r);
        }
      hb_hid_wedge_encode_char ('\r', r);
      g_byte_array_append (reports, r, sizeof r);
    }
  else
    {
      g_autofree char *with_suffix = g_malloc (len + 1);
      g_autoptr(GBytes) bytes = NULL;
      gsize n;
      const guint8 *data;

      memcpy (with_suffix, text, len);
      with_suffix[len] = '\r';
      bytes = hb_hid_pos_encode ((const guint8 *) with_suffix, len + 1, NULL);
      data = g_bytes_get_data (bytes, &n);
      g_byte_array_append (reports, data, (guint) n);
    }
  g_mutex_lock (&self->lock);
  queue_reports_locked (self, reports->data, reports->len);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
hb_fake_hid_scanner_send_reports (HbFakeHidScanner *self, const guint8 *data, gsize len)
{
  g_mutex_lock (&self->lock);
  queue_reports_locked (self, data, len);
  g_mutex_unlock (&self->lock);
}

guint
hb_fake_hid_scanner_get_queued (HbFakeHidScanner *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = g_queue_get_length (&self->reports);
  g_mutex_unlock (&self->lock);
  return n;
}

void
hb_fake_hid_scanner_stall_next_in (HbFakeHidScanner *self)
{
  g_mutex_lock (&self->lock);
  self->stall_next = TRUE;
  g_mutex_unlock (&self->lock);
}

void
hb_fake_hid_scanner_set_stalled (HbFakeHidScanner *self, gboolean stalled)
{
  g_mutex_lock (&self->lock);
  self->stalled = stalled;
  service_in (self);
  g_mutex_unlock (&self->lock);
}

void
hb_fake_hid_scanner_set_block_claim (HbFakeHidScanner *self, gboolean block)
{
  g_mutex_lock (&self->lock);
  self->block_claim = block;
  g_mutex_unlock (&self->lock);
}

void
hb_fake_hid_scanner_unplug (HbFakeHidScanner *self)
{
  UMockdevIoctlData *urb;

  g_mutex_lock (&self->lock);
  if (!self->plugged)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->plugged = FALSE;
  while ((urb = g_queue_pop_head (&self->pending_in)))
    complete_urb (self, urb, -ESHUTDOWN, 0);
  g_queue_clear_full (&self->reports, (GDestroyNotify) g_bytes_unref);
  g_mutex_unlock (&self->lock);

  umockdev_testbed_uevent (self->testbed, self->syspath, "remove");
  umockdev_testbed_remove_device (self->testbed, self->syspath);
}

void
hb_fake_hid_scanner_replug (HbFakeHidScanner *self)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->lock);
  if (self->plugged)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  drop_urbs_locked (self);
  self->stall_next = FALSE;
  self->stalled = FALSE;
  self->claimed = FALSE;
  self->bound = TRUE;      /* a fresh plug-in: usbhid binds first */
  self->plugged = TRUE;
  g_mutex_unlock (&self->lock);

  if (!umockdev_testbed_add_from_string (self->testbed, self->record, &error))
    g_error ("fake HID scanner: cannot replug: %s", error->message);
}

gboolean
hb_fake_hid_scanner_kernel_driver_bound (HbFakeHidScanner *self)
{
  gboolean bound;

  g_mutex_lock (&self->lock);
  bound = self->bound;
  g_mutex_unlock (&self->lock);
  return bound;
}

gboolean
hb_fake_hid_scanner_is_claimed (HbFakeHidScanner *self)
{
  gboolean claimed;

  g_mutex_lock (&self->lock);
  claimed = self->claimed;
  g_mutex_unlock (&self->lock);
  return claimed;
}

void
hb_fake_hid_scanner_get_stats (HbFakeHidScanner *self, HbFakeHidStats *stats)
{
  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}
