/* hb-usb-transport.c — vendor bulk endpoints through libusb's synchronous API.
 *
 * Cancellation: each bulk transfer runs in slices of at most SLICE_MS, and the
 * cancellable is checked between slices. A slice that expires is cancelled by libusb
 * (usbfs DISCARDURB) and reports the bytes that did arrive, so nothing is lost; a wait
 * for an answer is therefore cancelled within SLICE_MS. The asynchronous API would cancel
 * at once, but it needs the libusb_context for event handling, and a libusb_device does
 * not tell its context (libusb 1.0.26 has no accessor). The synchronous calls handle
 * events on the device's own context and take part in libusb's event-lock protocol, so
 * they coexist with the device manager's thread that pumps hotplug events on the same
 * context. See docs/transports.md. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/transport/hb-usb-transport.h"
#include "drivers/transport/hb-transport-private.h"

#include <string.h>

/* Longest single libusb call: bounds how late a cancellation is noticed. */
#define SLICE_MS 50
/* Transfers of up to this size for the plain layout (rounded to the packet size). */
#define RX_TRANSFER 4096
/* The SAM LEN field: big-endian 16 bits at header offsets 5–6, counting what follows. */
#define SPLIT_LEN_OFFSET 5
#define SPLIT_MIN_HEADER 7
#define SPLIT_MAX_HEADER 64
/* flush(): at most this many 1 ms drain transfers per IN endpoint. */
#define DRAIN_TRANSFERS 4

typedef struct
{
  gsize   have;                      /* header bytes seen in this frame */
  guint8  header[SPLIT_MAX_HEADER];
  gsize   body_left;                 /* body bytes still to come (when have == header_len) */
} SplitState;

struct _HbUsbTransport
{
  HbTransport           parent_instance;

  libusb_device        *device;
  HbUsbLayout           layout;
  guint                 header_len;

  libusb_device_handle *handle;
  int                   interface;
  guint8                ep_out[2];
  guint8                ep_in[2];
  guint16               packet_in[2];   /* wMaxPacketSize of the IN endpoints */
  gboolean              gone;           /* NO_DEVICE seen: dead until reopened */
  gboolean              departed;       /* it left the bus: never reopened (see open) */

  GByteArray           *rx;             /* received, not yet read by the caller */
  gsize                 rx_pos;
  guint8               *xfer;           /* transfer buffer */
  gsize                 xfer_size;
  SplitState            split_rx;
  SplitState            split_tx;
};

G_DEFINE_FINAL_TYPE (HbUsbTransport, hb_usb_transport, HB_TYPE_TRANSPORT)

static const char *
desc (HbUsbTransport *self)
{
  return hb_transport_get_description (HB_TRANSPORT (self));
}

/* Maps a libusb error. endpoint is 0 when no transfer is concerned. */
static void
set_usb_error (HbUsbTransport *self, GError **error, int rc, const char *what, guint8 endpoint)
{
  switch (rc)
    {
    case LIBUSB_ERROR_NO_DEVICE:
      self->gone = TRUE;
      self->departed = TRUE;
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                   "%s is gone (%s: %s)", desc (self), what, libusb_error_name (rc));
      break;
    case LIBUSB_ERROR_TIMEOUT:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out %s %s",
                   what, desc (self));
      break;
    case LIBUSB_ERROR_BUSY:
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_BUSY,
                   "%s is claimed by another program (%s: %s)", desc (self), what,
                   libusb_error_name (rc));
      break;
    case LIBUSB_ERROR_ACCESS:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "No permission for %s (%s: %s); check the udev rule", desc (self), what,
                   libusb_error_name (rc));
      break;
    case LIBUSB_ERROR_NOT_SUPPORTED:
    case LIBUSB_ERROR_NOT_FOUND:
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED,
                   "%s: %s: %s", desc (self), what, libusb_error_name (rc));
      break;
    case LIBUSB_ERROR_PIPE:
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE,
                   "%s stalled endpoint 0x%02x (%s)", desc (self), endpoint, what);
      break;
    default:
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE,
                   "%s failed (%s: %s)", desc (self), what, libusb_error_name (rc));
      break;
    }
}

static void
set_gone_error (HbUsbTransport *self, GError **error)
{
  g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
               "%s is gone; reopen it once it is back", desc (self));
}

/* --- descriptors ------------------------------------------------------------------- */

/* Picks the first interface (alternate setting 0) with enough bulk endpoint pairs and
 * records its endpoints in descriptor order. */
static gboolean
find_interface (HbUsbTransport *self, const struct libusb_config_descriptor *config,
                guint pairs)
{
  for (int i = 0; i < config->bNumInterfaces; i++)
    {
      const struct libusb_interface *iface = &config->interface[i];
      const struct libusb_interface_descriptor *alt;
      guint n_out = 0, n_in = 0;
      guint8 out[2] = { 0 }, in[2] = { 0 };
      guint16 packet[2] = { 0 };

      if (iface->num_altsetting < 1)
        continue;
      alt = &iface->altsetting[0];
      for (int e = 0; e < alt->bNumEndpoints; e++)
        {
          const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];

          if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
            continue;
          if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN)
            {
              if (n_in < 2)
                {
                  in[n_in] = ep->bEndpointAddress;
                  packet[n_in] = ep->wMaxPacketSize & 0x7ff;
                }
              n_in++;
            }
          else
            {
              if (n_out < 2)
                out[n_out] = ep->bEndpointAddress;
              n_out++;
            }
        }
      if (n_in >= pairs && n_out >= pairs)
        {
          self->interface = alt->bInterfaceNumber;
          memcpy (self->ep_out, out, sizeof out);
          memcpy (self->ep_in, in, sizeof in);
          for (guint k = 0; k < 2; k++)
            self->packet_in[k] = packet[k] ? packet[k] : 64;
          return TRUE;
        }
    }
  return FALSE;
}

/* --- open / close ------------------------------------------------------------------ */

/* Received bytes may be card data: wipe before dropping them. */
static void
clear_rx (HbUsbTransport *self)
{
  if (self->rx->len)
    explicit_bzero (self->rx->data, self->rx->len);
  g_byte_array_set_size (self->rx, 0);
  self->rx_pos = 0;
}

static void
reset_buffers (HbUsbTransport *self)
{
  clear_rx (self);
  explicit_bzero (&self->split_rx, sizeof self->split_rx);
  explicit_bzero (&self->split_tx, sizeof self->split_tx);
}

static gboolean
hb_usb_transport_open (HbTransport *transport, GError **error)
{
  HbUsbTransport *self = HB_USB_TRANSPORT (transport);
  struct libusb_config_descriptor *config = NULL;
  gboolean split = (self->layout & HB_USB_SPLIT_HEADER) != 0;
  int rc;

  if (split && (self->header_len < SPLIT_MIN_HEADER || self->header_len > SPLIT_MAX_HEADER))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The split-header layout needs a header of %d to %d bytes, not %u",
                   SPLIT_MIN_HEADER, SPLIT_MAX_HEADER, self->header_len);
      return FALSE;
    }

  /* A libusb_device that left the bus is dead for good, even when a reader comes back at
   * the same address: that one is a new device, found again by hotplug. Reopening the old
   * one would give two owners the same node. */
  if (self->departed)
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                   "%s has left the bus; a replugged device is found anew", desc (self));
      return FALSE;
    }
  rc = libusb_open (self->device, &self->handle);
  if (rc != 0)
    {
      set_usb_error (self, error, rc, "open", 0);
      self->handle = NULL;
      return FALSE;
    }
  /* Detach a kernel driver (usbhid, usblp…) on claim and give it back on release, in
   * one step, without a detach/claim race. Not every platform can. */
  rc = libusb_set_auto_detach_kernel_driver (self->handle, 1);
  if (rc != 0 && rc != LIBUSB_ERROR_NOT_SUPPORTED)
    g_debug ("%s: no kernel driver auto-detach: %s", desc (self), libusb_error_name (rc));

  rc = libusb_get_active_config_descriptor (self->device, &config);
  if (rc != 0)
    rc = libusb_get_config_descriptor (self->device, 0, &config);
  if (rc != 0)
    {
      set_usb_error (self, error, rc, "reading the configuration descriptor", 0);
      goto fail;
    }
  if (!find_interface (self, config, split ? 2 : 1))
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED,
                   "%s has no interface with %s bulk IN and OUT endpoints", desc (self),
                   split ? "two" : "a");
      goto fail;
    }
  libusb_free_config_descriptor (config);
  config = NULL;

  rc = libusb_claim_interface (self->handle, self->interface);
  if (rc != 0)
    {
      set_usb_error (self, error, rc, "claiming the interface", 0);
      goto fail;
    }

  self->gone = FALSE;
  /* IN transfers are whole packets, so a device can never overflow them. */
  {
    gsize packet = MAX (self->packet_in[0], self->packet_in[1]);

    self->xfer_size = (RX_TRANSFER + packet - 1) / packet * packet;
  }
  /* Zeroed: some layers below (umockdev's preload in tests) copy a whole IN buffer before
   * it is filled, and the bytes must not be stale card data either. */
  self->xfer = g_malloc0 (self->xfer_size);
  reset_buffers (self);
  g_debug ("%s: interface %d, OUT 0x%02x/0x%02x, IN 0x%02x/0x%02x, %s layout", desc (self),
           self->interface, self->ep_out[0], self->ep_out[1], self->ep_in[0], self->ep_in[1],
           split ? "split-header" : "plain");
  return TRUE;

fail:
  if (config)
    libusb_free_config_descriptor (config);
  libusb_close (self->handle);
  self->handle = NULL;
  return FALSE;
}

static void
hb_usb_transport_close (HbTransport *transport)
{
  HbUsbTransport *self = HB_USB_TRANSPORT (transport);

  if (self->handle == NULL)
    return;
  /* Fails harmlessly on a vanished device; re-attaches a detached kernel driver. */
  libusb_release_interface (self->handle, self->interface);
  libusb_close (self->handle);
  self->handle = NULL;
  reset_buffers (self);
  if (self->xfer)
    explicit_bzero (self->xfer, self->xfer_size);
  g_clear_pointer (&self->xfer, g_free);
}

/* --- transfers --------------------------------------------------------------------- */

/* One bulk transfer bounded by deadline, run in slices so cancellation is noticed.
 * Returns the bytes moved (> 0; fewer than len when a slice expired part-way), or -1
 * with an error. An expired deadline with nothing moved is G_IO_ERROR_TIMED_OUT. A stall
 * clears the halt once and reports HB_DEVICE_ERROR_HARDWARE. */
static gssize
bulk (HbUsbTransport *self, guint8 endpoint, guint8 *data, gsize len, gint64 deadline,
      guint timeout_ms, GCancellable *cancellable, GError **error)
{
  const char *what = (endpoint & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN
                     ? "reading from" : "writing to";

  if (self->gone)
    {
      set_gone_error (self, error);
      return -1;
    }
  for (guint attempt = 0;; attempt++)
    {
      guint left = hb_transport_ms_left (deadline);
      int transferred = 0;
      int rc;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      if (attempt > 0 && left == 0)
        {
          g_autofree char *text = g_strdup_printf ("%s %s", what, desc (self));
          hb_transport_set_timeout_error (error, timeout_ms, text);
          return -1;
        }
      /* libusb reads a 0 timeout as "forever": the last slice is at least 1 ms. */
      rc = libusb_bulk_transfer (self->handle, endpoint, data, (int) MIN (len, (gsize) G_MAXINT),
                                 &transferred, CLAMP (left, 1, SLICE_MS));
      if (transferred > 0)
        return transferred;   /* an expired slice still reports what did arrive */
      switch (rc)
        {
        case LIBUSB_SUCCESS:            /* a zero-length packet: keep waiting */
        case LIBUSB_ERROR_TIMEOUT:      /* a slice expired */
        case LIBUSB_ERROR_INTERRUPTED:
          continue;
        case LIBUSB_ERROR_PIPE:
          {
            int clear = libusb_clear_halt (self->handle, endpoint);

            if (clear == LIBUSB_ERROR_NO_DEVICE)
              set_usb_error (self, error, clear, "clearing a halt", endpoint);
            else
              set_usb_error (self, error, rc, clear == 0 ? "halt cleared" : "halt not cleared",
                             endpoint);
            return -1;
          }
        default:
          {
            g_autofree char *text = g_strdup_printf ("bulk transfer on 0x%02x", endpoint);
            set_usb_error (self, error, rc, text, endpoint);
            return -1;
          }
        }
    }
}

static gboolean
write_all (HbUsbTransport *self, guint8 endpoint, const guint8 *data, gsize len,
           gint64 deadline, guint timeout_ms, GCancellable *cancellable, GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      /* libusb takes a non-const buffer for both directions; OUT never writes to it. */
      gssize n = bulk (self, endpoint, (guint8 *) data + done, len - done, deadline, timeout_ms,
                       cancellable, error);

      if (n < 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* Frame size announced by a complete header: 7 + LEN. */
static gsize
split_body_len (HbUsbTransport *self, const SplitState *state)
{
  gsize frame = SPLIT_MIN_HEADER + ((gsize) state->header[SPLIT_LEN_OFFSET] << 8 |
                                    state->header[SPLIT_LEN_OFFSET + 1]);

  return frame > self->header_len ? frame - self->header_len : 0;
}

static gboolean
hb_usb_transport_write (HbTransport *transport, const guint8 *data, gsize len,
                        guint timeout_ms, GCancellable *cancellable, GError **error)
{
  HbUsbTransport *self = HB_USB_TRANSPORT (transport);
  gint64 deadline = hb_transport_deadline_from_now (timeout_ms);
  SplitState *tx = &self->split_tx;
  gsize pos = 0;

  if (!(self->layout & HB_USB_SPLIT_HEADER))
    return write_all (self, self->ep_out[0], data, len, deadline, timeout_ms, cancellable,
                      error);

  /* Split layout: each frame's header goes out whole on the first endpoint (its LEN
   * tells how much body follows), the body on the second. Frames may span writes. */
  while (pos < len)
    {
      if (tx->have < self->header_len)
        {
          gsize n = MIN (self->header_len - tx->have, len - pos);

          memcpy (tx->header + tx->have, data + pos, n);
          tx->have += n;
          pos += n;
          if (tx->have < self->header_len)
            break;   /* the rest of the header comes with the next write */
          tx->body_left = split_body_len (self, tx);
          if (!write_all (self, self->ep_out[0], tx->header, self->header_len, deadline,
                          timeout_ms, cancellable, error))
            goto fail;
        }
      else
        {
          gsize n = MIN (tx->body_left, len - pos);

          if (!write_all (self, self->ep_out[1], data + pos, n, deadline, timeout_ms,
                          cancellable, error))
            goto fail;
          tx->body_left -= n;
          pos += n;
        }
      if (tx->have == self->header_len && tx->body_left == 0)
        tx->have = 0;   /* frame complete */
    }
  return TRUE;

fail:
  /* The device saw part of a frame; the next write starts a new one. */
  memset (tx, 0, sizeof *tx);
  return FALSE;
}

/* Which IN endpoint and how many bytes the next transfer asks for. */
static guint
next_in (HbUsbTransport *self, gsize *len)
{
  const SplitState *rx = &self->split_rx;
  guint k;
  gsize want;

  if (!(self->layout & HB_USB_SPLIT_HEADER))
    {
      *len = self->xfer_size;
      return 0;
    }
  if (rx->have < self->header_len)
    {
      k = 0;
      want = self->header_len - rx->have;
    }
  else
    {
      k = 1;
      want = rx->body_left;
    }
  /* Whole packets, never more than the transfer buffer. */
  want = (want + self->packet_in[k] - 1) / self->packet_in[k] * self->packet_in[k];
  *len = MIN (want, (self->xfer_size / self->packet_in[k]) * self->packet_in[k]);
  return k;
}

/* Tracks frame boundaries of what arrived on IN endpoint k (split layout). */
static void
split_account (HbUsbTransport *self, guint k, const guint8 *data, gsize n)
{
  SplitState *rx = &self->split_rx;

  if (k == 0)
    {
      gsize take = MIN (n, self->header_len - rx->have);

      memcpy (rx->header + rx->have, data, take);
      rx->have += take;
      if (rx->have < self->header_len)
        return;
      rx->body_left = split_body_len (self, rx);
      n -= take;   /* more than a header on the header endpoint counts as body */
    }
  rx->body_left -= MIN (rx->body_left, n);
  if (rx->body_left == 0)
    rx->have = 0;
}

static gssize
hb_usb_transport_read (HbTransport *transport, guint8 *buffer, gsize max, guint timeout_ms,
                       GCancellable *cancellable, GError **error)
{
  HbUsbTransport *self = HB_USB_TRANSPORT (transport);
  gint64 deadline = hb_transport_deadline_from_now (timeout_ms);
  gsize n;

  /* A transfer may bring more than the caller asked for: the rest waits in rx. */
  while (self->rx_pos >= self->rx->len)
    {
      gsize len;
      guint k = next_in (self, &len);
      gssize got = bulk (self, self->ep_in[k], self->xfer, len, deadline, timeout_ms,
                         cancellable, error);

      if (got < 0)
        return -1;
      if (self->layout & HB_USB_SPLIT_HEADER)
        split_account (self, k, self->xfer, (gsize) got);
      clear_rx (self);
      g_byte_array_append (self->rx, self->xfer, (guint) got);
      explicit_bzero (self->xfer, (gsize) got);
    }

  n = MIN (max, self->rx->len - self->rx_pos);
  memcpy (buffer, self->rx->data + self->rx_pos, n);
  self->rx_pos += n;
  return (gssize) n;
}

static void
hb_usb_transport_flush (HbTransport *transport)
{
  HbUsbTransport *self = HB_USB_TRANSPORT (transport);
  guint n_in = (self->layout & HB_USB_SPLIT_HEADER) ? 2 : 1;

  reset_buffers (self);
  if (self->gone || self->handle == NULL)
    return;
  /* A late answer to a request that timed out is still in the device: take it out now
   * so that it is not read as the answer to the next one. */
  for (guint k = 0; k < n_in; k++)
    for (guint i = 0; i < DRAIN_TRANSFERS; i++)
      {
        int transferred = 0;
        int rc = libusb_bulk_transfer (self->handle, self->ep_in[k], self->xfer,
                                       self->packet_in[k], &transferred, 1);

        explicit_bzero (self->xfer, self->packet_in[k]);
        if (rc == LIBUSB_ERROR_NO_DEVICE)
          self->gone = self->departed = TRUE;
        if (rc == LIBUSB_ERROR_PIPE)
          libusb_clear_halt (self->handle, self->ep_in[k]);
        if (rc != 0 || transferred == 0)
          break;
      }
}

/* --- object ------------------------------------------------------------------------ */

static void
hb_usb_transport_finalize (GObject *object)
{
  HbUsbTransport *self = HB_USB_TRANSPORT (object);

  hb_usb_transport_close (HB_TRANSPORT (self));
  g_byte_array_unref (self->rx);
  libusb_unref_device (self->device);
  G_OBJECT_CLASS (hb_usb_transport_parent_class)->finalize (object);
}

static void
hb_usb_transport_class_init (HbUsbTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbTransportClass *transport_class = HB_TRANSPORT_CLASS (klass);

  object_class->finalize = hb_usb_transport_finalize;
  transport_class->open = hb_usb_transport_open;
  transport_class->close = hb_usb_transport_close;
  transport_class->write = hb_usb_transport_write;
  transport_class->read = hb_usb_transport_read;
  transport_class->flush = hb_usb_transport_flush;
}

static void
hb_usb_transport_init (HbUsbTransport *self)
{
  self->rx = g_byte_array_new ();
  self->interface = -1;
}

HbUsbTransport *
hb_usb_transport_new (libusb_device *device, HbUsbLayout layout, guint header_len)
{
  HbUsbTransport *self;
  struct libusb_device_descriptor dd = { 0 };
  g_autofree char *description = NULL;

  g_return_val_if_fail (device != NULL, NULL);

  self = g_object_new (HB_TYPE_USB_TRANSPORT, NULL);
  self->device = libusb_ref_device (device);
  self->layout = layout;
  self->header_len = header_len;
  libusb_get_device_descriptor (device, &dd);
  description = g_strdup_printf ("usb:%03u/%03u %04x:%04x", libusb_get_bus_number (device),
                                 libusb_get_device_address (device), dd.idVendor, dd.idProduct);
  hb_transport_set_description (HB_TRANSPORT (self), description);
  return self;
}

libusb_device *
hb_usb_transport_get_device (HbUsbTransport *self)
{
  g_return_val_if_fail (HB_IS_USB_TRANSPORT (self), NULL);
  return self->device;
}

/* Readers sharing one id differ in their endpoints (reference §13): two bulk OUT and two
 * bulk IN endpoints on the interface is the iDR200 split-header layout, one of each the
 * plain one. The descriptors decide, not the id. */
HbUsbLayout
hb_usb_transport_detect_layout (libusb_device *device)
{
  struct libusb_config_descriptor *config = NULL;
  HbUsbLayout layout = HB_USB_PLAIN;

  if (libusb_get_active_config_descriptor (device, &config) != 0 &&
      libusb_get_config_descriptor (device, 0, &config) != 0)
    return HB_USB_PLAIN;
  for (guint i = 0; i < config->bNumInterfaces && layout == HB_USB_PLAIN; i++)
    {
      const struct libusb_interface_descriptor *alt;
      guint in = 0, out = 0;
      if (config->interface[i].num_altsetting < 1)
        continue;
      alt = &config->interface[i].altsetting[0];
      for (guint e = 0; e < alt->bNumEndpoints; e++)
        {
          const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];
          if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
            continue;
          if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN)
            in++;
          else
            out++;
        }
      if (in >= 2 && out >= 2)
        layout = HB_USB_SPLIT_HEADER;
    }
  libusb_free_config_descriptor (config);
  return layout;
}

