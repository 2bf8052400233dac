/* hb-fake-hid-scanner.c — a HID barcode scanner (keyboard wedge or HID POS) on a umockdev
 * testbed, with the kernel's usbhid binding modelled so injection can be observed. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-hid-scanner.h"
#include "drivers/scanner/hb-hid-wedge.h"
#include "drivers/scanner/hb-hid-pos.h"
#include "tests/support/hb-fake-umockdev.h"

#include <errno.h>
#include <string.h>

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
  HbFakeUsbfs        usb;            /* its lock guards everything below; IN 0x81 is
                                      * usb.pending_in[0] */
  HbFakeHidKind      kind;
  gsize              report_len;

  GQueue             reports;        /* GBytes*, one report each */
  HbFakeUsbDriver    driver;         /* usbhid; bound: it owns the interface */
  gboolean           stall_next;
  gboolean           stalled;
  HbFakeHidStats     stats;
};

/* Bus addresses of their own, apart from the SAM fakes' (20…250). */
static guint next_devnum = 2;
G_LOCK_DEFINE_STATIC (next_devnum);

/* One queued report per pending IN URB. Lock held. */
static void
service_in (HbFakeHidScanner *self)
{
  while (!g_queue_is_empty (&self->usb.pending_in[0]) &&
         (!g_queue_is_empty (&self->reports) || self->stalled))
    {
      UMockdevIoctlData *urb = g_queue_pop_head (&self->usb.pending_in[0]);
      GBytes *report;
      gsize n;
      const guint8 *data;

      if (self->stall_next || self->stalled)
        {
          self->stall_next = FALSE;
          self->stats.stalls++;
          hb_fake_usbfs_complete (&self->usb, urb, -EPIPE, 0);
          continue;
        }
      report = g_queue_pop_head (&self->reports);
      data = g_bytes_get_data (report, &n);
      n = MIN (n, (gsize) MAX (hb_fake_usbfs_urb (urb)->buffer_length, 0));
      memcpy (hb_fake_usbfs_urb_buffer (urb), data, n);
      self->stats.reports_sent++;
      hb_fake_usbfs_complete (&self->usb, urb, 0, (int) n);
      g_bytes_unref (report);
    }
}

/* Reports from the scanner: the kernel's usbhid types them while it is bound. */
static void
queue_reports_locked (HbFakeHidScanner *self, const guint8 *data, gsize len)
{
  for (gsize off = 0; off + self->report_len <= len; off += self->report_len)
    {
      if (self->driver.bound)
        self->stats.typed_by_kernel++;
      else if (self->driver.block_claim)
        continue;   /* the program that holds the scanner reads them */
      else
        g_queue_push_tail (&self->reports, g_bytes_new (data + off, self->report_len));
    }
  service_in (self);
}

static void
submit_urb (gpointer fake, UMockdevIoctlData *urb)
{
  HbFakeHidScanner *self = fake;
  struct usbdevfs_urb *u = hb_fake_usbfs_urb (urb);

  if (u->type == USBDEVFS_URB_TYPE_CONTROL)
    {
      const guint8 *setup = hb_fake_usbfs_urb_buffer (urb);

      /* HID class requests to the interface: SET_IDLE (0x0A), SET_PROTOCOL (0x0B). */
      if (u->buffer_length >= 8 && setup[0] == 0x21 && (setup[1] == 0x0A || setup[1] == 0x0B))
        {
          self->stats.hid_requests++;
          hb_fake_usbfs_complete (&self->usb, urb, 0, 0);
        }
      else
        hb_fake_usbfs_complete (&self->usb, urb, -EPIPE, 0);
    }
  else if (u->type != USBDEVFS_URB_TYPE_INTERRUPT)
    hb_fake_usbfs_complete (&self->usb, urb, -EINVAL, 0);
  else if (!(u->endpoint & 0x80))   /* POS output reports: accepted */
    hb_fake_usbfs_complete (&self->usb, urb, 0, u->buffer_length);
  else if (u->endpoint != 0x81)
    hb_fake_usbfs_complete (&self->usb, urb, -EPIPE, 0);
  else
    {
      self->stats.in_urbs++;
      g_queue_push_tail (&self->usb.pending_in[0], urb);
    }
  service_in (self);
}

static gboolean
other_ioctl (gpointer fake, gulong request, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  HbFakeHidScanner *self = fake;

  return hb_fake_usb_driver_ioctl (&self->driver, request, client, arg);
}

static void
unplugged (gpointer fake)
{
  HbFakeHidScanner *self = fake;

  g_queue_clear_full (&self->reports, (GDestroyNotify) g_bytes_unref);
}

static void
replugged (gpointer fake)
{
  HbFakeHidScanner *self = fake;

  self->stall_next = FALSE;
  self->stalled = FALSE;
  self->driver.claimed = FALSE;
  self->driver.bound = TRUE;      /* a fresh plug-in: usbhid binds first */
}

static void
finalize (gpointer fake)
{
  HbFakeHidScanner *self = fake;

  g_queue_clear_full (&self->reports, (GDestroyNotify) g_bytes_unref);
  g_free (self);
}

static const HbFakeUsbfsClass hid_scanner_class = {
  .submit = submit_urb,
  .ioctl = other_ioctl,
  .unplugged = unplugged,
  .replugged = replugged,
  .finalize = finalize,
};

HbFakeHidScanner *
hb_fake_hid_scanner_new (UMockdevTestbed *testbed, HbFakeHidKind kind, GError **error)
{
  g_autoptr(HbFakeHidScanner) self = g_new0 (HbFakeHidScanner, 1);
  gboolean pos = kind == HB_FAKE_HID_POS;
  HbFakeUsbfsInfo info = {
    .busnum = 2,      /* a bus of their own: never the SAM fakes' addresses */
    .vid = 0x1eab,
    .pid = pos ? 0x1310 : 0x1303,
    .product = pos ? "HID POS scanner" : "Keyboard wedge scanner",
    .descriptors = pos ? pos_descriptors : wedge_descriptors,
  };

  hb_fake_usbfs_init (&self->usb, &hid_scanner_class, self);
  self->kind = kind;
  self->report_len = pos ? HB_HID_POS_REPORT_LEN : HB_HID_BOOT_REPORT_LEN;

  G_LOCK (next_devnum);
  info.devnum = (guint8) next_devnum;
  next_devnum = next_devnum >= 19 ? 2 : next_devnum + 1;
  G_UNLOCK (next_devnum);
  /* usbhid binds at plug-in, before anyone can open the device. */
  self->driver.name = KERNEL_DRIVER;
  self->driver.bound = TRUE;
  if (!hb_fake_usbfs_plug_in (&self->usb, testbed, &info, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
hb_fake_hid_scanner_free (HbFakeHidScanner *self)
{
  if (self != NULL)
    hb_fake_usbfs_free (&self->usb);
}

UMockdevTestbed *
hb_fake_hid_scanner_get_testbed (HbFakeHidScanner *self)
{
  return self->usb.testbed;
}

guint16
hb_fake_hid_scanner_get_pid (HbFakeHidScanner *self)
{
  return self->kind == HB_FAKE_HID_POS ? 0x1310 : 0x1303;
}

libusb_device *
hb_fake_hid_scanner_find_device (HbFakeHidScanner *self, libusb_context *ctx)
{
  return hb_fake_usbfs_find_device (&self->usb, ctx);
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
  g_mutex_lock (&self->usb.lock);
  queue_reports_locked (self, reports->data, reports->len);
  g_mutex_unlock (&self->usb.lock);
  return TRUE;
}

void
hb_fake_hid_scanner_send_reports (HbFakeHidScanner *self, const guint8 *data, gsize len)
{
  g_mutex_lock (&self->usb.lock);
  queue_reports_locked (self, data, len);
  g_mutex_unlock (&self->usb.lock);
}

guint
hb_fake_hid_scanner_get_queued (HbFakeHidScanner *self)
{
  guint n;

  g_mutex_lock (&self->usb.lock);
  n = g_queue_get_length (&self->reports);
  g_mutex_unlock (&self->usb.lock);
  return n;
}

void
hb_fake_hid_scanner_stall_next_in (HbFakeHidScanner *self)
{
  g_mutex_lock (&self->usb.lock);
  self->stall_next = TRUE;
  g_mutex_unlock (&self->usb.lock);
}

void
hb_fake_hid_scanner_set_stalled (HbFakeHidScanner *self, gboolean stalled)
{
  g_mutex_lock (&self->usb.lock);
  self->stalled = stalled;
  service_in (self);
  g_mutex_unlock (&self->usb.lock);
}

void
hb_fake_hid_scanner_set_block_claim (HbFakeHidScanner *self, gboolean block)
{
  g_mutex_lock (&self->usb.lock);
  self->driver.block_claim = block;
  g_mutex_unlock (&self->usb.lock);
}

void
hb_fake_hid_scanner_unplug (HbFakeHidScanner *self)
{
  hb_fake_usbfs_unplug (&self->usb);
}

void
hb_fake_hid_scanner_replug (HbFakeHidScanner *self)
{
  hb_fake_usbfs_replug (&self->usb);
}

gboolean
hb_fake_hid_scanner_kernel_driver_bound (HbFakeHidScanner *self)
{
  gboolean bound;

  g_mutex_lock (&self->usb.lock);
  bound = self->driver.bound;
  g_mutex_unlock (&self->usb.lock);
  return bound;
}

gboolean
hb_fake_hid_scanner_is_claimed (HbFakeHidScanner *self)
{
  gboolean claimed;

  g_mutex_lock (&self->usb.lock);
  claimed = self->driver.claimed;
  g_mutex_unlock (&self->usb.lock);
  return claimed;
}

void
hb_fake_hid_scanner_get_stats (HbFakeHidScanner *self, HbFakeHidStats *stats)
{
  g_mutex_lock (&self->usb.lock);
  *stats = self->stats;
  stats->claims = self->driver.claims;
  stats->refused_claims = self->driver.refused_claims;
  stats->releases = self->driver.releases;
  stats->detaches = self->driver.detaches;
  stats->attaches = self->driver.attaches;
  stats->discards = self->usb.discards;
  stats->halts_cleared = self->usb.halts_cleared;
  g_mutex_unlock (&self->usb.lock);
}
