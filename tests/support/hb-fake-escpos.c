/* hb-fake-escpos.c — an ESC/POS receipt printer on a umockdev testbed: records print data,
 * answers DLE EOT from a scripted state, models usblp and unplug. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-escpos.h"
#include "tests/support/hb-fake-umockdev.h"

#include <errno.h>
#include <string.h>

#define KERNEL_DRIVER "usblp"
#define EP_OUT 0x02
#define EP_IN  0x81

/* shared/reference/examples/escpos.umockdev: 0416:5011, class 7/1/2, 0x02 OUT, 0x81 IN. */
static const char descriptors[] =
  "12010002000000401604115000010102030109022000010100C0320904000002070102000705020240000007058102400000";

struct _HbFakeEscpos
{
  HbFakeUsbfs       usb;          /* its lock guards what follows; IN 0x81 is pending_in[0] */
  guint8            status[4];
  guint8            status_after[4];
  gboolean          has_after;
  gboolean          silent;
  gboolean          unplug_on_data;
  gboolean          cut_off;      /* unplugged on the wire, node not yet removed */
  HbFakeUsbDriver   driver;   /* usblp */
  GByteArray       *replies;      /* status bytes waiting for a bulk IN URB */
  GByteArray       *data;         /* the transcript */
  HbFakeEscposStats stats;
};

static guint next_devnum = 2;
G_LOCK_DEFINE_STATIC (next_devnum);

/* Lock held. */
static void
service_in (HbFakeEscpos *self)
{
  while (!g_queue_is_empty (&self->usb.pending_in[0]) && self->replies->len > 0)
    {
      UMockdevIoctlData *urb = g_queue_pop_head (&self->usb.pending_in[0]);
      gsize n = MIN ((gsize) self->replies->len,
                     (gsize) MAX (hb_fake_usbfs_urb (urb)->buffer_length, 0));

      memcpy (hb_fake_usbfs_urb_buffer (urb), self->replies->data, n);
      g_byte_array_remove_range (self->replies, 0, (guint) n);
      hb_fake_usbfs_complete (&self->usb, urb, 0, (int) n);
    }
}

static gboolean
is_status_request (const guint8 *b, gsize n)
{
  if (n == 0 || n % 3 != 0)
    return FALSE;
  for (gsize i = 0; i < n; i += 3)
    if (b[i] != 0x10 || b[i + 1] != 0x04 || b[i + 2] < 1 || b[i + 2] > 4)
      return FALSE;
  return TRUE;
}

static void
submit_urb (gpointer fake, UMockdevIoctlData *urb)
{
  HbFakeEscpos *self = fake;
  struct usbdevfs_urb *u = hb_fake_usbfs_urb (urb);
  const guint8 *buf = hb_fake_usbfs_urb_buffer (urb);
  gsize n = (gsize) MAX (u->buffer_length, 0);

  if (self->cut_off)
    hb_fake_usbfs_complete (&self->usb, urb, -ESHUTDOWN, 0);
  else if (u->type == USBDEVFS_URB_TYPE_CONTROL)
    hb_fake_usbfs_complete (&self->usb, urb, -EPIPE, 0);
  else if (u->type != USBDEVFS_URB_TYPE_BULK)
    hb_fake_usbfs_complete (&self->usb, urb, -EINVAL, 0);
  else if (u->endpoint == EP_IN)
    g_queue_push_tail (&self->usb.pending_in[0], urb);
  else if (u->endpoint != EP_OUT)
    hb_fake_usbfs_complete (&self->usb, urb, -EPIPE, 0);
  else if (is_status_request (buf, n))
    {
      for (gsize i = 0; i < n; i += 3)
        {
          self->stats.status_requests++;
          if (!self->silent)
            g_byte_array_append (self->replies, &self->status[buf[i + 2] - 1], 1);
        }
      hb_fake_usbfs_complete (&self->usb, urb, 0, (int) n);
    }
  else if (self->unplug_on_data || self->cut_off)
    {
      /* The cable comes out as the job goes: this and every later transfer fail as on a
       * departed device (the test removes the node with hb_fake_escpos_unplug). */
      self->unplug_on_data = FALSE;
      self->cut_off = TRUE;
      hb_fake_usbfs_complete (&self->usb, urb, -ESHUTDOWN, 0);
      return;
    }
  else
    {
      g_byte_array_append (self->data, buf, (guint) n);
      self->stats.data_transfers++;
      if (self->has_after)
        {
          memcpy (self->status, self->status_after, 4);
          self->has_after = FALSE;
        }
      hb_fake_usbfs_complete (&self->usb, urb, 0, (int) n);
    }
  service_in (self);
}

static gboolean
other_ioctl (gpointer fake, gulong request, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  HbFakeEscpos *self = fake;

  return hb_fake_usb_driver_ioctl (&self->driver, request, client, arg);
}

static void
unplugged (gpointer fake)
{
  HbFakeEscpos *self = fake;

  g_byte_array_set_size (self->replies, 0);
}

static void
replugged (gpointer fake)
{
  HbFakeEscpos *self = fake;

  self->driver.claimed = FALSE;
  self->driver.bound = TRUE;
  self->unplug_on_data = FALSE;
  self->cut_off = FALSE;
}

static void
finalize (gpointer fake)
{
  HbFakeEscpos *self = fake;

  g_byte_array_unref (self->replies);
  g_byte_array_unref (self->data);
  g_free (self);
}

static const HbFakeUsbfsClass escpos_class = {
  .submit = submit_urb,
  .ioctl = other_ioctl,
  .unplugged = unplugged,
  .replugged = replugged,
  .finalize = finalize,
};

HbFakeEscpos *
hb_fake_escpos_new (UMockdevTestbed *testbed, GError **error)
{
  g_autoptr(HbFakeEscpos) self = g_new0 (HbFakeEscpos, 1);
  HbFakeUsbfsInfo info = {
    .busnum = 3,      /* a bus of its own, apart from the SAM and HID fakes */
    .vid = 0x0416,
    .pid = 0x5011,
    .product = "ESC/POS Receipt Printer",
    .descriptors = descriptors,
  };

  hb_fake_usbfs_init (&self->usb, &escpos_class, self);
  self->replies = g_byte_array_new ();
  self->data = g_byte_array_new ();
  memset (self->status, 0x12, sizeof self->status);
  self->driver.name = KERNEL_DRIVER;
  self->driver.bound = TRUE;   /* usblp binds class-7 interfaces at plug-in */

  G_LOCK (next_devnum);
  info.devnum = (guint8) next_devnum;
  next_devnum = next_devnum >= 100 ? 2 : next_devnum + 1;
  G_UNLOCK (next_devnum);
  if (!hb_fake_usbfs_plug_in (&self->usb, testbed, &info, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
hb_fake_escpos_free (HbFakeEscpos *self)
{
  if (self != NULL)
    hb_fake_usbfs_free (&self->usb);
}

libusb_device *
hb_fake_escpos_find_device (HbFakeEscpos *self, libusb_context *ctx)
{
  return hb_fake_usbfs_find_device (&self->usb, ctx);
}

void
hb_fake_escpos_set_status (HbFakeEscpos *self, const guint8 status[4])
{
  g_mutex_lock (&self->usb.lock);
  memcpy (self->status, status, 4);
  self->has_after = FALSE;
  g_mutex_unlock (&self->usb.lock);
}

void
hb_fake_escpos_set_status_after_data (HbFakeEscpos *self, const guint8 status[4])
{
  g_mutex_lock (&self->usb.lock);
  memcpy (self->status_after, status, 4);
  self->has_after = TRUE;
  g_mutex_unlock (&self->usb.lock);
}

void
hb_fake_escpos_set_silent (HbFakeEscpos *self, gboolean silent)
{
  g_mutex_lock (&self->usb.lock);
  self->silent = silent;
  g_mutex_unlock (&self->usb.lock);
}

void
hb_fake_escpos_unplug_on_data (HbFakeEscpos *self)
{
  g_mutex_lock (&self->usb.lock);
  self->unplug_on_data = TRUE;
  g_mutex_unlock (&self->usb.lock);
}

GBytes *
hb_fake_escpos_get_data (HbFakeEscpos *self)
{
  GBytes *bytes;

  g_mutex_lock (&self->usb.lock);
  bytes = g_bytes_new (self->data->data, self->data->len);
  g_mutex_unlock (&self->usb.lock);
  return bytes;
}

void
hb_fake_escpos_unplug (HbFakeEscpos *self)
{
  hb_fake_usbfs_unplug (&self->usb);
}

void
hb_fake_escpos_replug (HbFakeEscpos *self)
{
  hb_fake_usbfs_replug (&self->usb);
}

gboolean
hb_fake_escpos_kernel_driver_bound (HbFakeEscpos *self)
{
  gboolean bound;

  g_mutex_lock (&self->usb.lock);
  bound = self->driver.bound;
  g_mutex_unlock (&self->usb.lock);
  return bound;
}

void
hb_fake_escpos_get_stats (HbFakeEscpos *self, HbFakeEscposStats *stats)
{
  g_mutex_lock (&self->usb.lock);
  *stats = self->stats;
  stats->claims = self->driver.claims;
  stats->refused_claims = self->driver.refused_claims;
  stats->detaches = self->driver.detaches;
  g_mutex_unlock (&self->usb.lock);
}
