/* hb-fake-usb-sam.c — a USB SAM ID reader (0400:C35A) on a umockdev testbed: a
 * "handle-ioctl" handler implements the usbdevfs ioctls libusb makes and feeds a peer. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-sam.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>   /* after sys/ioctl.h, or the USBDEVFS_* macros break */

#define PACKET 64
#define SAM_HEADER 7

/* Device descriptor: USB 2.0, class 0, EP0 64, 0400:C35A, bcdDevice 1.00, strings 1/2/0,
 * one configuration. */
#define DEVICE_DESC "1201000200000040" "0004" "5AC3" "0001" "010200" "01"
static const char plain_descriptors[] =
  DEVICE_DESC
  "09022000010100803209040000" "02" "FF000000"   /* config 32 bytes; iface: 2 EPs, vendor */
  "0705020240000007058102400000";                /* 0x02 OUT, 0x81 IN, bulk 64 */
static const char split_descriptors[] =
  DEVICE_DESC
  "09022E00010100803209040000" "04" "FF000000"   /* config 46 bytes; iface: 4 EPs, vendor */
  "07050202400000" "07050602400000"              /* 0x02, 0x06 OUT */
  "07058102400000" "07058502400000";             /* 0x81, 0x85 IN */

struct _HbFakeUsbSam
{
  UMockdevTestbed   *testbed;
  UMockdevIoctlBase *handler;
  HbUsbLayout        layout;
  HbPipePeerFunc     peer;
  gpointer           peer_data;
  guint8             busnum;
  guint8             devnum;
  char              *syspath;      /* /sys/devices/… */
  char              *devnode;      /* /dev/bus/usb/001/0NN */
  char              *record;       /* the umockdev description, for replug */

  GMutex             lock;         /* everything below: the handler runs on umockdev's thread */
  GQueue             done;         /* UMockdevIoctlData* (URBs), ready to reap */
  GQueue             pending_in[2];
  GByteArray        *answer;       /* device→host bytes not yet sent */
  gsize              body_left;    /* split layout: body bytes of the frame on the wire */
  gboolean           in_body;
  gboolean           mute;
  gboolean           stall_next;
  gboolean           plugged;
  gboolean           added;        /* in the testbed at least once */
  HbFakeUsbStats     stats;
};

/* Each fake gets its own bus address, so libusb never confuses two fakes (or a fake
 * with the one a previous test removed). */
static guint next_devnum = 20;
G_LOCK_DEFINE_STATIC (next_devnum);

/* Answers carry card data. */
static void
wipe (GByteArray *array)
{
  if (array->len)
    explicit_bzero (array->data, array->len);
  g_byte_array_set_size (array, 0);
}

static int
out_index (HbFakeUsbSam *self, guint8 endpoint)
{
  return (self->layout & HB_USB_SPLIT_HEADER) && endpoint == 0x06 ? 1 : 0;
}

static int
in_index (HbFakeUsbSam *self, guint8 endpoint)
{
  if (endpoint == 0x81)
    return 0;
  if ((self->layout & HB_USB_SPLIT_HEADER) && endpoint == 0x85)
    return 1;
  return -1;
}

static struct usbdevfs_urb *
urb_of (UMockdevIoctlData *data)
{
  return (struct usbdevfs_urb *) data->data;
}

static void
complete_urb (HbFakeUsbSam *self, UMockdevIoctlData *urb, int status, int actual)
{
  urb_of (urb)->status = status;
  urb_of (urb)->actual_length = actual;
  g_queue_push_tail (&self->done, urb);
}

/* How many answer bytes the next URB on IN endpoint k may carry now (0: none yet). */
static gsize
in_available (HbFakeUsbSam *self, int k)
{
  gsize n = self->answer->len;

  if (!(self->layout & HB_USB_SPLIT_HEADER))
    return MIN (n, PACKET);
  if (!self->in_body)
    /* The header endpoint sends whole headers only. */
    return k == 0 && n >= SAM_HEADER ? SAM_HEADER : 0;
  return k == 1 ? MIN (MIN (n, self->body_left), PACKET) : 0;
}

static void
in_consumed (HbFakeUsbSam *self, int k, gsize n)
{
  if (!(self->layout & HB_USB_SPLIT_HEADER))
    return;
  if (k == 0)
    {
      const guint8 *h = self->answer->data;

      self->body_left = (gsize) h[5] << 8 | h[6];
      self->in_body = self->body_left > 0;
    }
  else
    {
      self->body_left -= n;
      self->in_body = self->body_left > 0;
    }
}

/* Answers pending IN URBs from the pending answer, one packet each. Lock held. */
static void
service_in (HbFakeUsbSam *self)
{
  for (int k = 0; k < 2; k++)
    while (!g_queue_is_empty (&self->pending_in[k]))
      {
        UMockdevIoctlData *urb = g_queue_peek_head (&self->pending_in[k]);
        UMockdevIoctlData *buf = g_object_get_data (G_OBJECT (urb), "buf");
        gsize n = MIN (in_available (self, k), (gsize) MAX (urb_of (urb)->buffer_length, 0));

        if (n == 0)
          break;
        g_queue_pop_head (&self->pending_in[k]);
        if (self->stall_next)
          {
            /* The device gives up on this answer. */
            self->stall_next = FALSE;
            self->stats.stalls++;
            wipe (self->answer);
            self->in_body = FALSE;
            self->body_left = 0;
            complete_urb (self, urb, -EPIPE, 0);
            continue;
          }
        memcpy (buf->data, self->answer->data, n);
        in_consumed (self, k, n);
        explicit_bzero (self->answer->data, n);
        g_byte_array_remove_range (self->answer, 0, (guint) n);
        self->stats.bytes_in[k] += n;
        complete_urb (self, urb, 0, (int) n);
      }
}

/* Host bytes to the device model. Called with the lock held; the peer runs without it,
 * so it may take its time or poke the fake's knobs. */
static void
feed_peer (HbFakeUsbSam *self, const guint8 *data, gsize len)
{
  g_autoptr(GBytes) reply = NULL;

  if (self->mute || self->peer == NULL || len == 0)
    return;
  g_mutex_unlock (&self->lock);
  reply = self->peer (data, len, self->peer_data);
  g_mutex_lock (&self->lock);
  if (reply && self->plugged && !self->mute)
    {
      gsize n;
      const guint8 *bytes = g_bytes_get_data (reply, &n);

      g_byte_array_append (self->answer, bytes, (guint) n);
    }
}

static void
submit_urb (HbFakeUsbSam *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  /* resolve() hands out new references (transfer full): ours end with this call; the
   * queues take their own. */
  g_autoptr(UMockdevIoctlData) urb = umockdev_ioctl_data_resolve (arg, 0,
                                                                  sizeof (struct usbdevfs_urb),
                                                                  &error);
  struct usbdevfs_urb *u;
  g_autoptr(UMockdevIoctlData) buf = NULL;

  if (urb == NULL)
    {
      g_warning ("fake USB SAM: cannot resolve URB: %s", error->message);
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  u = urb_of (urb);
  buf = umockdev_ioctl_data_resolve (urb, offsetof (struct usbdevfs_urb, buffer),
                                     (gsize) MAX (u->buffer_length, 0), &error);
  if (buf == NULL)
    {
      g_warning ("fake USB SAM: cannot resolve URB buffer: %s", error->message);
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  /* The queues hold the URB (one reference, dropped when it is reaped); its buffer with it. */
  g_object_ref (urb);
  g_object_set_data_full (G_OBJECT (urb), "buf", g_object_ref (buf), g_object_unref);

  if (u->type == USBDEVFS_URB_TYPE_CONTROL)
    complete_urb (self, urb, -EPIPE, 0);   /* no vendor requests: stall */
  else if (u->type != USBDEVFS_URB_TYPE_BULK)
    complete_urb (self, urb, -EINVAL, 0);
  else if (!(u->endpoint & 0x80))
    {
      int k = out_index (self, u->endpoint);

      self->stats.bytes_out[k] += (guint64) MAX (u->buffer_length, 0);
      complete_urb (self, urb, 0, u->buffer_length);
      feed_peer (self, buf->data, (gsize) MAX (u->buffer_length, 0));
    }
  else
    {
      int k = in_index (self, u->endpoint);

      if (k < 0)
        complete_urb (self, urb, -EPIPE, 0);
      else if (!self->plugged)
        complete_urb (self, urb, -ESHUTDOWN, 0);   /* unplugged while we were unlocked */
      else
        g_queue_push_tail (&self->pending_in[k], urb);
    }
  service_in (self);
  umockdev_ioctl_client_complete (client, 0, 0);
}

static void
reap_urb (HbFakeUsbSam *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  g_autoptr(GError) error = NULL;
  UMockdevIoctlData *urb = g_queue_pop_head (&self->done);
  g_autoptr(UMockdevIoctlData) ptr = NULL;

  if (urb == NULL)
    {
      /* Like usbfs: completed URBs can be reaped after a disconnect, then ENODEV. */
      umockdev_ioctl_client_complete (client, -1, self->plugged ? EAGAIN : ENODEV);
      return;
    }
  ptr = umockdev_ioctl_data_resolve (arg, 0, sizeof (gpointer), &error);
  if (ptr == NULL)
    {
      g_warning ("fake USB SAM: cannot resolve reap pointer: %s", error->message);
      g_queue_push_head (&self->done, urb);
      umockdev_ioctl_client_complete (client, -1, EFAULT);
      return;
    }
  /* *arg becomes the client's own address of that URB. */
  umockdev_ioctl_data_set_ptr (ptr, 0, urb);
  umockdev_ioctl_client_complete (client, 0, 0);
  g_object_unref (urb);
}

static void
discard_urb (HbFakeUsbSam *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  gulong addr = *(gulong *) arg->data;

  for (int k = 0; k < 2; k++)
    for (GList *l = self->pending_in[k].head; l; l = l->next)
      {
        UMockdevIoctlData *urb = l->data;

        if (urb->client_addr != addr)
          continue;
        g_queue_delete_link (&self->pending_in[k], l);
        self->stats.discards++;
        complete_urb (self, urb, -ENOENT, 0);
        umockdev_ioctl_client_complete (client, 0, 0);
        return;
      }
  /* Already completed (it raced with the answer): the kernel says EINVAL too. */
  umockdev_ioctl_client_complete (client, -1, EINVAL);
}

static gboolean
on_ioctl (UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user_data)
{
  HbFakeUsbSam *self = user_data;
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
  else if (request == USBDEVFS_CLAIMINTERFACE || request == USBDEVFS_DISCONNECT_CLAIM)
    {
      /* DISCONNECT_CLAIM: what libusb's auto-detach uses; no driver to disconnect. */
      self->stats.claims++;
      umockdev_ioctl_client_complete (client, 0, 0);
    }
  else if (request == USBDEVFS_RELEASEINTERFACE)
    {
      self->stats.releases++;
      umockdev_ioctl_client_complete (client, 0, 0);
    }
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
  else if (request == USBDEVFS_GETDRIVER || request == USBDEVFS_IOCTL)
    umockdev_ioctl_client_complete (client, -1, ENODATA);   /* no kernel driver bound */
  else
    {
      g_debug ("fake USB SAM: unhandled ioctl 0x%lx", request);
      umockdev_ioctl_client_complete (client, -1, ENOTTY);
    }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
drop_urbs_locked (HbFakeUsbSam *self)
{
  g_queue_clear_full (&self->done, g_object_unref);
  for (int k = 0; k < 2; k++)
    g_queue_clear_full (&self->pending_in[k], g_object_unref);
}

/* The last of the fake goes once umockdev can no longer call the handler: when the
 * handler's closure is finalized, after any emission still running on umockdev's thread. */
static void
release (gpointer data, GClosure *closure)
{
  HbFakeUsbSam *self = data;

  drop_urbs_locked (self);
  if (self->answer)
    {
      wipe (self->answer);
      g_byte_array_unref (self->answer);
    }
  g_free (self->syspath);
  g_free (self->devnode);
  g_free (self->record);
  g_mutex_clear (&self->lock);
  g_free (self);
}

HbFakeUsbSam *
hb_fake_usb_sam_new (UMockdevTestbed *testbed, HbUsbLayout layout, HbPipePeerFunc peer,
                     gpointer peer_data, GError **error)
{
  g_autoptr(HbFakeUsbSam) self = g_new0 (HbFakeUsbSam, 1);
  guint port;

  g_mutex_init (&self->lock);
  self->answer = g_byte_array_new ();
  self->layout = layout;
  self->peer = peer;
  self->peer_data = peer_data;
  self->testbed = testbed ? g_object_ref (testbed) : umockdev_testbed_new ();
  /* Meaningful only once a testbed exists: it stats the redirected /sys. */
  if (!umockdev_in_mock_environment ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Not running under umockdev's preload (see hb_fake_reexec_under_umockdev)");
      return NULL;
    }

  G_LOCK (next_devnum);
  self->devnum = (guint8) next_devnum;
  next_devnum = next_devnum >= 250 ? 20 : next_devnum + 1;
  G_UNLOCK (next_devnum);
  self->busnum = 1;
  port = self->devnum;

  self->syspath = g_strdup_printf ("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%u", port);
  self->devnode = g_strdup_printf ("/dev/bus/usb/%03u/%03u", self->busnum, self->devnum);
  self->record = g_strdup_printf (
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-%u\n"
    "N: bus/usb/%03u/%03u\n"
    "E: DEVNAME=/dev/bus/usb/%03u/%03u\n"
    "E: DEVTYPE=usb_device\n"
    "E: DRIVER=usb\n"
    "E: PRODUCT=400/c35a/100\n"
    "E: TYPE=0/0/0\n"
    "E: BUSNUM=%03u\n"
    "E: DEVNUM=%03u\n"
    "E: MAJOR=189\n"
    "E: MINOR=%u\n"
    "E: SUBSYSTEM=usb\n"
    "E: ID_VENDOR_ID=0400\n"
    "E: ID_MODEL_ID=c35a\n"
    "E: ID_BUS=usb\n"
    "A: bConfigurationValue=1\n"
    "A: bDeviceClass=00\n"
    "A: bNumConfigurations=1\n"
    "A: bNumInterfaces= 1\n"
    "A: busnum=%u\n"
    "A: devnum=%u\n"
    "A: devpath=%u\n"
    "A: dev=189:%u\n"
    "A: idVendor=0400\n"
    "A: idProduct=c35a\n"
    "A: speed=12\n"
    "A: manufacturer=Fake\n"
    "A: product=SAM ID card reader\n"
    "H: descriptors=%s\n",
    port, self->busnum, self->devnum, self->busnum, self->devnum, self->busnum, self->devnum,
    (self->busnum - 1) * 128 + self->devnum - 1, self->busnum, self->devnum, port,
    (self->busnum - 1) * 128 + self->devnum - 1,
    (layout & HB_USB_SPLIT_HEADER) ? split_descriptors : plain_descriptors);

  if (!umockdev_testbed_add_from_string (self->testbed, self->record, error))
    return NULL;
  self->added = TRUE;
  self->handler = umockdev_ioctl_base_new ();
  g_signal_connect_data (self->handler, "handle-ioctl", G_CALLBACK (on_ioctl), self, release, 0);
  if (!umockdev_testbed_attach_ioctl (self->testbed, self->devnode, self->handler, error))
    return NULL;
  self->plugged = TRUE;
  return g_steal_pointer (&self);
}

void
hb_fake_usb_sam_free (HbFakeUsbSam *self)
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
hb_fake_usb_sam_get_testbed (HbFakeUsbSam *self)
{
  return self->testbed;
}

guint8
hb_fake_usb_sam_get_bus_number (HbFakeUsbSam *self)
{
  return self->busnum;
}

guint8
hb_fake_usb_sam_get_device_address (HbFakeUsbSam *self)
{
  return self->devnum;
}

libusb_device *
hb_fake_usb_sam_find_device (HbFakeUsbSam *self, libusb_context *ctx)
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

void
hb_fake_usb_sam_stall_next_in (HbFakeUsbSam *self)
{
  g_mutex_lock (&self->lock);
  self->stall_next = TRUE;
  service_in (self);
  g_mutex_unlock (&self->lock);
}

void
hb_fake_usb_sam_set_mute (HbFakeUsbSam *self, gboolean mute)
{
  g_mutex_lock (&self->lock);
  self->mute = mute;
  g_mutex_unlock (&self->lock);
}

void
hb_fake_usb_sam_unplug (HbFakeUsbSam *self)
{
  g_mutex_lock (&self->lock);
  if (!self->plugged)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->plugged = FALSE;
  for (int k = 0; k < 2; k++)
    {
      UMockdevIoctlData *urb;

      while ((urb = g_queue_pop_head (&self->pending_in[k])))
        complete_urb (self, urb, -ESHUTDOWN, 0);
    }
  wipe (self->answer);
  self->in_body = FALSE;
  self->body_left = 0;
  g_mutex_unlock (&self->lock);

  umockdev_testbed_uevent (self->testbed, self->syspath, "remove");
  umockdev_testbed_remove_device (self->testbed, self->syspath);
}

void
hb_fake_usb_sam_replug (HbFakeUsbSam *self)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->lock);
  if (self->plugged)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  /* URBs of the old connection that nobody reaped are gone with it. */
  drop_urbs_locked (self);
  self->stall_next = FALSE;
  self->plugged = TRUE;
  g_mutex_unlock (&self->lock);

  /* Adding a device sends its "add" uevent. */
  if (!umockdev_testbed_add_from_string (self->testbed, self->record, &error))
    g_error ("fake USB SAM: cannot replug: %s", error->message);
}

gboolean
hb_fake_usb_sam_is_plugged (HbFakeUsbSam *self)
{
  gboolean plugged;

  g_mutex_lock (&self->lock);
  plugged = self->plugged;
  g_mutex_unlock (&self->lock);
  return plugged;
}

void
hb_fake_usb_sam_get_stats (HbFakeUsbSam *self, HbFakeUsbStats *stats)
{
  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}
