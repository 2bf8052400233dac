/* hb-usb-scanner.c — HID scanners over libusb: exclusive claim, interrupt IN on our own
 * thread, decoded codes emitted from the main context. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-usb-scanner.h"
#include "drivers/scanner/hb-scanner-private.h"
#include "drivers/scanner/hb-scanner-worker.h"
#include "drivers/scanner/hb-hid-wedge.h"
#include "drivers/scanner/hb-hid-pos.h"
#include "drivers/hb-device-private.h"

#include <string.h>

/* HID class requests (HID 1.11 §7.2): a boot keyboard is put in boot protocol with no
 * idle repeat. Some scanners stall them; that is fine. */
#define HID_SET_IDLE      0x0A
#define HID_SET_PROTOCOL  0x0B
#define HID_REQUEST_MS    200
/* Largest interrupt packet we read (full/high speed interrupt endpoints). */
#define MAX_PACKET        1024
/* Backoff cap between failing transfers. */
#define BACKOFF_MAX_MS    1000

struct _HbUsbScanner
{
  HbScanner          parent_instance;

  libusb_device     *device;
  guint64            driver_data;
  HbUsbScannerTiming timing;
  HbScannerWorker    worker;        /* open completes after the first claim attempt */
  HbUsbScannerStats  stats;         /* under worker.lock */

  gint               personality;       /* atomic HbScannerUsbKind */
};

G_DEFINE_FINAL_TYPE (HbUsbScanner, hb_usb_scanner, HB_TYPE_SCANNER)

enum { PROP_0, PROP_USB_DEVICE, PROP_USB_DRIVER_DATA, N_PROPS };
static GParamSpec *props[N_PROPS];

void
hb_usb_scanner_timing_init (HbUsbScannerTiming *t)
{
  *t = (HbUsbScannerTiming) {
    .slice_ms = 100,
    .gap_ms = 200,
    .claim_retry_ms = 2000,
    .stalls_for_fault = 3,
    .tab_terminates = FALSE,
  };
}

/* --- the reader thread ------------------------------------------------------------------ */

typedef struct
{
  HbUsbScanner         *self;
  HbScannerWorker      *w;
  libusb_device_handle *handle;
  int                   iface;
  guint8                ep_in;
  guint16               packet;
  gboolean              boot;
  gboolean              found;       /* the HID interface is known */
  gboolean              gone;
  guint                 failures;    /* failed transfers in a row */
  HbHidWedge           *wedge;
  HbHidPos             *pos;
  guint8                buf[MAX_PACKET];
} Reader;

/* The first HID interface with an interrupt IN endpoint. */
static gboolean
find_interface (Reader *r)
{
  struct libusb_config_descriptor *config = NULL;
  gboolean found = FALSE;

  if (libusb_get_active_config_descriptor (r->self->device, &config) != 0 &&
      libusb_get_config_descriptor (r->self->device, 0, &config) != 0)
    return FALSE;
  for (int i = 0; i < config->bNumInterfaces && !found; i++)
    {
      const struct libusb_interface *iface = &config->interface[i];
      const struct libusb_interface_descriptor *alt;

      if (iface->num_altsetting < 1)
        continue;
      alt = &iface->altsetting[0];
      if (alt->bInterfaceClass != LIBUSB_CLASS_HID)
        continue;
      for (int e = 0; e < alt->bNumEndpoints; e++)
        {
          const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];

          if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) == LIBUSB_TRANSFER_TYPE_INTERRUPT &&
              (ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN)
            {
              r->iface = alt->bInterfaceNumber;
              r->ep_in = ep->bEndpointAddress;
              r->packet = CLAMP (ep->wMaxPacketSize & 0x7ff, 8, MAX_PACKET);
              r->boot = alt->bInterfaceSubClass == 1 && alt->bInterfaceProtocol == 1;
              found = TRUE;
              break;
            }
        }
    }
  libusb_free_config_descriptor (config);
  return found;
}

/* Let go of the interface WITHOUT giving it back to usbhid: a re-attached keyboard
 * driver would type the next scan into the UI. */
static void
release (Reader *r)
{
  if (r->handle == NULL)
    return;
  libusb_set_auto_detach_kernel_driver (r->handle, 0);
  libusb_release_interface (r->handle, r->iface);
  libusb_close (r->handle);
  r->handle = NULL;
}

static void
close_handle (Reader *r)
{
  libusb_close (r->handle);
  r->handle = NULL;
}

/* Open, detach the kernel driver, claim, verify. On failure the status says why and no
 * handle is kept. */
static gboolean
claim_exclusive (Reader *r)
{
  HbUsbScanner *self = r->self;
  const char *why = NULL;
  int rc;

  if (!r->found)
    {
      r->found = find_interface (r);
      if (!r->found)
        {
          g_message ("scanner: no HID interface with an interrupt IN endpoint");
          hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_HARDWARE_ERROR, "not a HID scanner");
          return FALSE;
        }
      g_atomic_int_set (&self->personality,
                        r->boot ? HB_SCANNER_USB_WEDGE : HB_SCANNER_USB_POS);
    }

  rc = libusb_open (self->device, &r->handle);
  if (rc != 0)
    {
      r->handle = NULL;
      if (rc == LIBUSB_ERROR_NO_DEVICE)
        {
          r->gone = TRUE;
          hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
          return FALSE;
        }
      g_message ("scanner: cannot open %s: %s", hb_device_get_name (HB_DEVICE (self)),
                 libusb_error_name (rc));
      hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_HARDWARE_ERROR,
                                rc == LIBUSB_ERROR_ACCESS ? "no permission (udev rule?)"
                                                          : "cannot open");
      return FALSE;
    }

  /* Claim with DISCONNECT_CLAIM where the platform has it. */
  rc = libusb_set_auto_detach_kernel_driver (r->handle, 1);
  if (rc != 0 && rc != LIBUSB_ERROR_NOT_SUPPORTED)
    g_debug ("scanner: no kernel driver auto-detach: %s", libusb_error_name (rc));
  /* Explicit detach as well: usbhid must be gone even where auto-detach is missing. */
  rc = libusb_kernel_driver_active (r->handle, r->iface);
  if (rc == 1)
    {
      rc = libusb_detach_kernel_driver (r->handle, r->iface);
      if (rc != 0 && rc != LIBUSB_ERROR_NOT_FOUND)
        why = "cannot detach the keyboard driver";
      else
        g_message ("scanner: detached the kernel's keyboard driver from %s",
                   hb_device_get_name (HB_DEVICE (self)));
    }
  if (why == NULL)
    {
      rc = libusb_claim_interface (r->handle, r->iface);
      if (rc != 0)
        why = rc == LIBUSB_ERROR_BUSY ? "in use by another program" : "cannot claim";
    }
  if (why == NULL)
    {
      /* Belt and braces: nothing but us may own the interface now. */
      rc = libusb_kernel_driver_active (r->handle, r->iface);
      if (rc == 1)
        {
          why = "a kernel driver is still bound";
          libusb_set_auto_detach_kernel_driver (r->handle, 0);
          libusb_release_interface (r->handle, r->iface);
        }
    }
  if (why != NULL)
    {
      if (rc == LIBUSB_ERROR_NO_DEVICE)
        {
          r->gone = TRUE;
          close_handle (r);
          hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
          return FALSE;
        }
      /* Never read a scanner we do not own exclusively. Said once, not at every retry. */
      if (r->w->reported != HB_DEVICE_STATUS_HARDWARE_ERROR)
        g_message ("scanner: refusing to read %s: %s (%s)", hb_device_get_name (HB_DEVICE (self)),
                   why, libusb_error_name (rc));
      close_handle (r);
      hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_HARDWARE_ERROR, "not exclusive");
      return FALSE;
    }

  if (r->boot)
    {
      libusb_control_transfer (r->handle, 0x21, HID_SET_PROTOCOL, 0, (guint16) r->iface,
                               NULL, 0, HID_REQUEST_MS);
      libusb_control_transfer (r->handle, 0x21, HID_SET_IDLE, 0, (guint16) r->iface,
                               NULL, 0, HID_REQUEST_MS);
    }
  hb_hid_wedge_reset (r->wedge);
  hb_hid_pos_reset (r->pos);
  r->failures = 0;
  g_message ("scanner: %s claimed exclusively (%s)", hb_device_get_name (HB_DEVICE (self)),
             r->boot ? "keyboard wedge" : "HID POS");
  hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_ONLINE, NULL);
  return TRUE;
}

static void
deliver (Reader *r, char *code, gsize len)
{
  hb_scanner_worker_count (r->w, &r->self->stats.codes);
  hb_scanner_worker_post_code (r->w, code, len);
}

static void
handle_report (Reader *r, gsize n)
{
  g_autoptr(GError) error = NULL;
  char *code = NULL;
  gsize len = 0;
  gint64 now = g_get_monotonic_time ();
  gboolean ok, was_in_code;

  hb_scanner_worker_count (r->w, &r->self->stats.reports);
  if (r->boot)
    {
      was_in_code = hb_hid_wedge_in_code (r->wedge);
      if (was_in_code && hb_hid_wedge_expire (r->wedge, now))
        hb_scanner_worker_count (r->w, &r->self->stats.aborted);
      ok = hb_hid_wedge_feed (r->wedge, r->buf, n, now, &code, &len, &error);
    }
  else
    {
      was_in_code = hb_hid_pos_in_code (r->pos);
      if (was_in_code && hb_hid_pos_expire (r->pos, now))
        hb_scanner_worker_count (r->w, &r->self->stats.aborted);
      ok = hb_hid_pos_feed (r->pos, r->buf, n, now, &code, &len, &error);
    }
  explicit_bzero (r->buf, n);
  if (!ok)
    {
      /* The message says what was wrong, never what was scanned. */
      g_message ("scanner: %s", error->message);
      hb_scanner_worker_count (r->w, &r->self->stats.rejected);
      return;
    }
  if (code)
    deliver (r, code, len);
}

static void
expire (Reader *r)
{
  gint64 now = g_get_monotonic_time ();
  gboolean dropped = r->boot ? hb_hid_wedge_expire (r->wedge, now)
                             : hb_hid_pos_expire (r->pos, now);
  if (dropped)
    {
      g_message ("scanner: a partial code timed out and was dropped");
      hb_scanner_worker_count (r->w, &r->self->stats.aborted);
    }
}

static void
transfer_failed (Reader *r, int rc)
{
  HbUsbScanner *self = r->self;
  guint backoff;

  if (rc == LIBUSB_ERROR_PIPE)
    {
      hb_scanner_worker_count (r->w, &self->stats.stalls);
      libusb_clear_halt (r->handle, r->ep_in);
    }
  /* A report may be lost with the transfer: a code in progress must not be delivered
   * without its middle, so it is rejected at its terminator (resetting instead would
   * deliver its tail as a code). */
  hb_hid_wedge_spoil (r->wedge);
  hb_hid_pos_spoil (r->pos);
  r->failures++;
  if (r->failures >= self->timing.stalls_for_fault)
    {
      if (r->w->reported != HB_DEVICE_STATUS_HARDWARE_ERROR)
        g_message ("scanner: %s keeps failing (%s)", hb_device_get_name (HB_DEVICE (self)),
                   libusb_error_name (rc));
      hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_HARDWARE_ERROR,
                                rc == LIBUSB_ERROR_PIPE ? "endpoint stalls" : "transfer errors");
    }
  backoff = MIN (self->timing.slice_ms << MIN (r->failures, 4u), (guint) BACKOFF_MAX_MS);
  /* Jitter, so several failing devices do not retry in step. */
  backoff += (guint) g_random_int_range (0, (gint) backoff / 4 + 1);
  hb_scanner_worker_nap (&self->worker, backoff);
}

static void
read_once (Reader *r)
{
  HbUsbScanner *self = r->self;
  int n = 0;
  int rc;

  rc = libusb_interrupt_transfer (r->handle, r->ep_in, r->buf, r->packet, &n,
                                  MAX (self->timing.slice_ms, 1u));
  /* A slice that expires after data arrived still hands over the data. */
  if (n > 0 && (rc == 0 || rc == LIBUSB_ERROR_TIMEOUT))
    {
      r->failures = 0;
      hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_ONLINE, NULL);
      handle_report (r, (gsize) n);
      return;
    }
  switch (rc)
    {
    case 0:
    case LIBUSB_ERROR_TIMEOUT:
      /* The scanner had nothing to say: healthy. */
      r->failures = 0;
      hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_ONLINE, NULL);
      expire (r);
      break;
    case LIBUSB_ERROR_NO_DEVICE:
      g_message ("scanner: %s unplugged", hb_device_get_name (HB_DEVICE (self)));
      r->gone = TRUE;
      hb_hid_wedge_reset (r->wedge);
      hb_hid_pos_reset (r->pos);
      release (r);
      hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
      break;
    default:
      transfer_failed (r, rc);
      break;
    }
}

static gpointer
reader_thread (gpointer data)
{
  HbUsbScanner *self = data;
  HbHidWedgeOptions wo;
  Reader *r = g_new0 (Reader, 1);

  r->self = self;
  r->w = &self->worker;
  hb_hid_wedge_options_init (&wo);
  wo.gap_ms = self->timing.gap_ms;
  wo.tab_terminates = self->timing.tab_terminates;
  r->wedge = hb_hid_wedge_new (&wo);
  r->pos = hb_hid_pos_new (0, self->timing.gap_ms);

  while (!hb_scanner_worker_stopping (&self->worker))
    {
      if (r->gone)
        {
          /* A departed libusb_device never comes back: wait to be closed. */
          hb_scanner_worker_checked (r->w);
          hb_scanner_worker_nap (&self->worker, G_MAXUINT / 2000);
          continue;
        }
      if (r->handle == NULL)
        {
          gboolean claimed = claim_exclusive (r);

          hb_scanner_worker_checked (r->w);
          if (!claimed && !r->gone)
            hb_scanner_worker_nap (&self->worker, self->timing.claim_retry_ms);
          continue;
        }
      read_once (r);
    }

  release (r);
  hb_scanner_worker_checked (r->w);
  hb_hid_wedge_free (r->wedge);
  hb_hid_pos_free (r->pos);
  explicit_bzero (r->buf, sizeof r->buf);
  g_free (r);
  return NULL;
}

/* --- device vfuncs ------------------------------------------------------------------------ */

static void
hb_usb_scanner_open (HbDevice *device, GTask *task)
{
  HbUsbScanner *self = HB_USB_SCANNER (device);

  if (self->device == NULL)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                               "No USB device given");
      return;
    }
  /* Complete once the first claim attempt has said online, no-device or why not. It is
   * bounded by libusb's open and the two HID requests. */
  hb_scanner_worker_open_task (&self->worker, task, "hb-scanner", reader_thread, self,
                               HID_REQUEST_MS * 2 + 3000);
}

static void
hb_usb_scanner_close (HbDevice *device, GTask *task)
{
  hb_scanner_worker_close_task (&HB_USB_SCANNER (device)->worker, task);
}

static void
hb_usb_scanner_describe (HbDevice *device, JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "personality");
  json_builder_add_string_value (builder,
                                 hb_scanner_usb_kind_to_string (hb_usb_scanner_get_personality (HB_USB_SCANNER (device))));
}

/* --- object ---------------------------------------------------------------------------------- */

static void
hb_usb_scanner_dispose (GObject *object)
{
  HbUsbScanner *self = HB_USB_SCANNER (object);

  hb_scanner_worker_stop (&self->worker);
  /* Before chaining up: object data (the device manager's hold on the libusb context)
   * goes there, and the context must outlive this device. */
  g_clear_pointer (&self->device, libusb_unref_device);
  G_OBJECT_CLASS (hb_usb_scanner_parent_class)->dispose (object);
}

static void
hb_usb_scanner_finalize (GObject *object)
{
  HbUsbScanner *self = HB_USB_SCANNER (object);

  hb_scanner_worker_clear (&self->worker);
  G_OBJECT_CLASS (hb_usb_scanner_parent_class)->finalize (object);
}

static void
hb_usb_scanner_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  HbUsbScanner *self = HB_USB_SCANNER (object);

  switch (id)
    {
    case PROP_USB_DEVICE:
      {
        libusb_device *device = g_value_get_pointer (value);
        self->device = device ? libusb_ref_device (device) : NULL;
      }
      break;
    case PROP_USB_DRIVER_DATA:
      self->driver_data = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_usb_scanner_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  HbUsbScanner *self = HB_USB_SCANNER (object);

  switch (id)
    {
    case PROP_USB_DEVICE:
      g_value_set_pointer (value, self->device);
      break;
    case PROP_USB_DRIVER_DATA:
      g_value_set_uint64 (value, self->driver_data);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_usb_scanner_constructed (GObject *object)
{
  HbUsbScanner *self = HB_USB_SCANNER (object);
  struct libusb_device_descriptor desc = { 0 };
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (hb_usb_scanner_parent_class)->constructed (object);
  if (self->device == NULL)
    return;
  libusb_get_device_descriptor (self->device, &desc);
  name = g_strdup_printf ("usb:%03u/%03u %04x:%04x", libusb_get_bus_number (self->device),
                          libusb_get_device_address (self->device), desc.idVendor,
                          desc.idProduct);
  hb_device_set_name (HB_DEVICE (self), name);
}

static void
hb_usb_scanner_class_init (HbUsbScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  object_class->dispose = hb_usb_scanner_dispose;
  object_class->finalize = hb_usb_scanner_finalize;
  object_class->set_property = hb_usb_scanner_set_property;
  object_class->get_property = hb_usb_scanner_get_property;
  object_class->constructed = hb_usb_scanner_constructed;

  device_class->driver_id = "usb-hid-scanner";
  device_class->full_name = "USB HID barcode scanner (keyboard wedge / HID POS)";
  device_class->id_table = hb_scanner_ids_usb_table ();
  device_class->open = hb_usb_scanner_open;
  device_class->close = hb_usb_scanner_close;
  device_class->describe = hb_usb_scanner_describe;

  props[PROP_USB_DEVICE] =
    g_param_spec_pointer ("usb-device", NULL, NULL,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_USB_DRIVER_DATA] =
    g_param_spec_uint64 ("usb-driver-data", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_usb_scanner_init (HbUsbScanner *self)
{
  hb_scanner_worker_init (&self->worker, HB_SCANNER (self), "[haoban] scanner event",
                          HB_SCANNER_WORKER_DEDUP_STATUS);
  hb_usb_scanner_timing_init (&self->timing);
}

HbUsbScanner *
hb_usb_scanner_new (libusb_device *device)
{
  return g_object_new (HB_TYPE_USB_SCANNER, "usb-device", device, NULL);
}

void
hb_usb_scanner_set_timing (HbUsbScanner *self, const HbUsbScannerTiming *timing)
{
  g_return_if_fail (HB_IS_USB_SCANNER (self));
  g_return_if_fail (!hb_scanner_worker_is_running (&self->worker));
  self->timing = *timing;
}

HbScannerUsbKind
hb_usb_scanner_get_personality (HbUsbScanner *self)
{
  g_return_val_if_fail (HB_IS_USB_SCANNER (self), HB_SCANNER_USB_UNKNOWN);
  return (HbScannerUsbKind) g_atomic_int_get (&self->personality);
}

void
hb_usb_scanner_get_stats (HbUsbScanner *self, HbUsbScannerStats *stats)
{
  g_return_if_fail (HB_IS_USB_SCANNER (self));
  g_mutex_lock (&self->worker.lock);
  *stats = self->stats;
  g_mutex_unlock (&self->worker.lock);
}
