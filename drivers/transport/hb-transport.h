/* hb-transport.h — byte pipes the device protocols run over.
 *
 * Blocking, bounded calls for a device's own worker thread (never the UI thread): every
 * read and write has a timeout and can be cancelled. Implementations: libusb bulk
 * (hb-usb-transport.h), a serial tty through termios (hb-serial-transport.h) and an
 * in-memory pipe to a simulated peer (hb-pipe-transport.h).
 *
 * Errors: G_IO_ERROR_TIMED_OUT (nothing arrived in time), G_IO_ERROR_CANCELLED,
 * HB_DEVICE_ERROR_NO_DEVICE (unplugged: the transport is dead, reopen when the device
 * comes back), HB_DEVICE_ERROR_HARDWARE (I/O error, stall that could not be cleared),
 * HB_DEVICE_ERROR_NOT_OPEN.
 *
 * Threading: one thread at a time drives a transport (open, write, read, flush, close);
 * cancellation comes through the GCancellable from any thread and interrupts a wait
 * promptly (the USB transport notices it within 50 ms). Counters, is_open and the
 * description may be read from any thread; set the description before sharing.
 * A timeout_ms of 0 does not wait: read returns what has already arrived, or times out.
 * See docs/transports.md. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HB_TYPE_TRANSPORT (hb_transport_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbTransport, hb_transport, HB, TRANSPORT, GObject)

struct _HbTransportClass
{
  GObjectClass parent_class;

  gboolean (*open)  (HbTransport *self, GError **error);
  void     (*close) (HbTransport *self);
  /* Write all of data or fail. */
  gboolean (*write) (HbTransport *self, const guint8 *data, gsize len, guint timeout_ms,
                     GCancellable *cancellable, GError **error);
  /* Read at least 1 and at most max bytes; waits up to timeout_ms for the first byte.
   * Returns the count, or -1 with an error. */
  gssize   (*read)  (HbTransport *self, guint8 *buffer, gsize max, guint timeout_ms,
                     GCancellable *cancellable, GError **error);
  /* Drop whatever is waiting to be read (after a timeout, before a new command). */
  void     (*flush) (HbTransport *self);

  gpointer padding[8];
};

gboolean    hb_transport_open  (HbTransport *self, GError **error);
void        hb_transport_close (HbTransport *self);
gboolean    hb_transport_is_open (HbTransport *self);
gboolean    hb_transport_write (HbTransport *self, const guint8 *data, gsize len,
                                guint timeout_ms, GCancellable *cancellable, GError **error);
gssize      hb_transport_read  (HbTransport *self, guint8 *buffer, gsize max, guint timeout_ms,
                                GCancellable *cancellable, GError **error);
/* Read exactly len bytes, all within timeout_ms in total. */
gboolean    hb_transport_read_exact (HbTransport *self, guint8 *buffer, gsize len,
                                     guint timeout_ms, GCancellable *cancellable,
                                     GError **error);
void        hb_transport_flush (HbTransport *self);
/* "usb:001/011 0400:c35a", "serial:/dev/ttyUSB0@115200", "pipe:virtual-sam" */
const char *hb_transport_get_description (HbTransport *self);
void        hb_transport_set_description (HbTransport *self, const char *description);

/* Byte counters since open, both directions (benchmarks, maintenance). */
guint64     hb_transport_get_bytes_written (HbTransport *self);
guint64     hb_transport_get_bytes_read    (HbTransport *self);

G_END_DECLS
