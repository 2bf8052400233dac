/* hb-fake-usb-sam.c — a USB SAM ID reader (0400:C35A) on a umockdev testbed: a
 * "handle-ioctl" handler implements the usbdevfs ioctls libusb makes and feeds a peer. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-sam.h"
#include "tests/support/hb-fake-umockdev.h"

#include <errno.h>
#include <string.h>

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
  HbFakeUsbfs        usb;          /* its lock guards everything below */
  HbUsbLayout        layout;
  HbPipePeerFunc     peer;
  gpointer           peer_data;

  GByteArray        *answer;       /* device→host bytes not yet sent */
  gsize              body_left;    /* split layout: body bytes of the frame on the wire */
  gboolean           in_body;
  gboolean           mute;
  gboolean           stall_next;
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
    while (!g_queue_is_empty (&self->usb.pending_in[k]))
      {
        UMockdevIoctlData *urb = g_queue_peek_head (&self->usb.pending_in[k]);
        gsize n = MIN (in_available (self, k),
                       (gsize) MAX (hb_fake_usbfs_urb (urb)->buffer_length, 0));

        if (n == 0)
          break;
        g_queue_pop_head (&self->usb.pending_in[k]);
        if (self->stall_next)
          {
            /* The device gives up on this answer. */
            self->stall_next = FALSE;
            self->stats.stalls++;
            wipe (self->answer);
            self->in_body = FALSE;
            self->body_left = 0;
            hb_fake_usbfs_complete (&self->usb, urb, -EPIPE, 0);
            continue;
          }
        memcpy (hb_fake_usbfs_urb_buffer (urb), self->answer->data, n);
        in_consumed (self, k, n);
        explicit_bzero (self->answer->data, n);
        g_byte_array_remove_range (self->answer, 0, (guint) n);
        self->stats.bytes_in[k] += n;
        hb_fake_usbfs_complete (&self->usb, urb, 0, (int) n);
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
  g_mutex_unlock (&self->usb.lock);
  reply = self->peer (data, len, self->peer_data);
  g_mutex_lock (&self->usb.lock);
  if (reply && self->usb.plugged && !self->mute)
    {
      gsize n;
      const guint8 *bytes = g_bytes_get_data (reply, &n);

      g_byte_array_append (self->answer, bytes, (guint) n);
    }
}

static void
submit_urb (gpointer fake, UMockdevIoctlData *urb)
{
  HbFakeUsbSam *self = fake;
  struct usbdevfs_urb *u = hb_fake_usbfs_urb (urb);

  if (u->type == USBDEVFS_URB_TYPE_CONTROL)
    hb_fake_usbfs_complete (&self->usb, urb, -EPIPE, 0);   /* no vendor requests: stall */
  else if (u->type != USBDEVFS_URB_TYPE_BULK)
    hb_fake_usbfs_complete (&self->usb, urb, -EINVAL, 0);
  else if (!(u->endpoint & 0x80))
    {
      int k = out_index (self, u->endpoint);

      self->stats.bytes_out[k] += (guint64) MAX (u->buffer_length, 0);
      hb_fake_usbfs_complete (&self->usb, urb, 0, u->buffer_length);
      feed_peer (self, hb_fake_usbfs_urb_buffer (urb), (gsize) MAX (u->buffer_length, 0));
    }
  else
    {
      int k = in_index (self, u->endpoint);

      if (k < 0)
        hb_fake_usbfs_complete (&self->usb, urb, -EPIPE, 0);
      else if (!self->usb.plugged)   /* unplugged while feed_peer was unlocked */
        hb_fake_usbfs_complete (&self->usb, urb, -ESHUTDOWN, 0);
      else
        g_queue_push_tail (&self->usb.pending_in[k], urb);
    }
  service_in (self);
}

/* The interface requests: no kernel driver to bind or detach. */
static gboolean
other_ioctl (gpointer fake, gulong request, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  HbFakeUsbSam *self = fake;

  if (request == USBDEVFS_CLAIMINTERFACE || request == USBDEVFS_DISCONNECT_CLAIM)
    self->stats.claims++;   /* DISCONNECT_CLAIM: what libusb's auto-detach uses */
  else if (request == USBDEVFS_RELEASEINTERFACE)
    self->stats.releases++;
  else if (request == USBDEVFS_GETDRIVER || request == USBDEVFS_IOCTL)
    {
      umockdev_ioctl_client_complete (client, -1, ENODATA);   /* no kernel driver bound */
      return TRUE;
    }
  else
    return FALSE;
  umockdev_ioctl_client_complete (client, 0, 0);
  return TRUE;
}

static void
unplugged (gpointer fake)
{
  HbFakeUsbSam *self = fake;

  wipe (self->answer);
  self->in_body = FALSE;
  self->body_left = 0;
}

static void
replugged (gpointer fake)
{
  HbFakeUsbSam *self = fake;

  self->stall_next = FALSE;
}

static void
finalize (gpointer fake)
{
  HbFakeUsbSam *self = fake;

  if (self->answer)
    {
      wipe (self->answer);
      g_byte_array_unref (self->answer);
    }
  g_free (self);
}

static const HbFakeUsbfsClass usb_sam_class = {
  .submit = submit_urb,
  .ioctl = other_ioctl,
  .unplugged = unplugged,
  .replugged = replugged,
  .finalize = finalize,
};

HbFakeUsbSam *
hb_fake_usb_sam_new (UMockdevTestbed *testbed, HbUsbLayout layout, HbPipePeerFunc peer,
                     gpointer peer_data, GError **error)
{
  g_autoptr(HbFakeUsbSam) self = g_new0 (HbFakeUsbSam, 1);
  HbFakeUsbfsInfo info = {
    .busnum = 1,
    .vid = 0x0400,
    .pid = 0xc35a,
    .product = "SAM ID card reader",
    .descriptors = (layout & HB_USB_SPLIT_HEADER) ? split_descriptors : plain_descriptors,
  };

  hb_fake_usbfs_init (&self->usb, &usb_sam_class, self);
  self->answer = g_byte_array_new ();
  self->layout = layout;
  self->peer = peer;
  self->peer_data = peer_data;

  G_LOCK (next_devnum);
  info.devnum = (guint8) next_devnum;
  next_devnum = next_devnum >= 250 ? 20 : next_devnum + 1;
  G_UNLOCK (next_devnum);
  if (!hb_fake_usbfs_plug_in (&self->usb, testbed, &info, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
hb_fake_usb_sam_free (HbFakeUsbSam *self)
{
  if (self != NULL)
    hb_fake_usbfs_free (&self->usb);
}

UMockdevTestbed *
hb_fake_usb_sam_get_testbed (HbFakeUsbSam *self)
{
  return self->usb.testbed;
}

guint8
hb_fake_usb_sam_get_bus_number (HbFakeUsbSam *self)
{
  return self->usb.busnum;
}

guint8
hb_fake_usb_sam_get_device_address (HbFakeUsbSam *self)
{
  return self->usb.devnum;
}

libusb_device *
hb_fake_usb_sam_find_device (HbFakeUsbSam *self, libusb_context *ctx)
{
  return hb_fake_usbfs_find_device (&self->usb, ctx);
}

void
hb_fake_usb_sam_stall_next_in (HbFakeUsbSam *self)
{
  g_mutex_lock (&self->usb.lock);
  self->stall_next = TRUE;
  service_in (self);
  g_mutex_unlock (&self->usb.lock);
}

void
hb_fake_usb_sam_set_mute (HbFakeUsbSam *self, gboolean mute)
{
  g_mutex_lock (&self->usb.lock);
  self->mute = mute;
  g_mutex_unlock (&self->usb.lock);
}

void
hb_fake_usb_sam_unplug (HbFakeUsbSam *self)
{
  hb_fake_usbfs_unplug (&self->usb);
}

void
hb_fake_usb_sam_replug (HbFakeUsbSam *self)
{
  hb_fake_usbfs_replug (&self->usb);
}

gboolean
hb_fake_usb_sam_is_plugged (HbFakeUsbSam *self)
{
  return hb_fake_usbfs_is_plugged (&self->usb);
}

void
hb_fake_usb_sam_get_stats (HbFakeUsbSam *self, HbFakeUsbStats *stats)
{
  g_mutex_lock (&self->usb.lock);
  *stats = self->stats;
  stats->discards = self->usb.discards;
  stats->halts_cleared = self->usb.halts_cleared;
  g_mutex_unlock (&self->usb.lock);
}
