/* hb-pipe-transport.c — in-memory transport to a peer function, optionally paced like a
 * serial line.
 *
 * Pacing model (baud > 0, 10 bits per byte): the host→device line carries the request, so
 * the peer's answer starts when the request's last byte has arrived; the device→host line
 * then delivers byte k of the answer at start + k × 10 / baud. Every time is an absolute
 * monotonic instant computed from where the line became free, never a sum of sleeps, so
 * a 1295-byte answer at 115200 baud completes 112.4 ms after it started however often
 * the reader wakes up. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/transport/hb-pipe-transport.h"
#include "drivers/transport/hb-transport-private.h"

#include <string.h>

#define BITS_PER_BYTE 10

typedef struct
{
  guint8 *data;
  gsize   len;
  gsize   consumed;
  gint64  start;      /* µs: when the first byte started on the wire */
  guint   baud;       /* 0: all readable at start */
} Chunk;

struct _HbPipeTransport
{
  HbTransport     parent_instance;

  HbPipePeerFunc  peer;
  gpointer        peer_data;
  GDestroyNotify  peer_destroy;

  GMutex          lock;
  GCond           cond;      /* signalled on new bytes, disconnect, close, cancel */
  GQueue          chunks;    /* Chunk*, in wire order */
  guint           baud;
  gboolean        connected;
  gint64          rx_free;   /* when the device→host line is idle again */
  gint64          tx_free;   /* when the host→device line is idle again */
};

G_DEFINE_FINAL_TYPE (HbPipeTransport, hb_pipe_transport, HB_TYPE_TRANSPORT)

/* Wire time of n bytes, rounded up to the µs. */
static gint64
wire_time (gsize n, guint baud)
{
  if (baud == 0)
    return 0;
  return (gint64) ((n * BITS_PER_BYTE * (guint64) G_USEC_PER_SEC + baud - 1) / baud);
}

static void
chunk_free (gpointer data)
{
  Chunk *chunk = data;

  /* Answers carry card data (name, ID number): wipe before freeing. */
  explicit_bzero (chunk->data, chunk->len);
  g_free (chunk->data);
  g_free (chunk);
}

/* Bytes of chunk on the reader's side of the line at `now`. */
static gsize
chunk_arrived (const Chunk *chunk, gint64 now)
{
  guint64 n;

  if (chunk->baud == 0)
    return now >= chunk->start ? chunk->len : 0;
  if (now <= chunk->start)
    return 0;
  /* k bytes have arrived once now ≥ start + k·10/baud. */
  n = (guint64) (now - chunk->start) * chunk->baud / (BITS_PER_BYTE * (guint64) G_USEC_PER_SEC);
  return (gsize) MIN (n, (guint64) chunk->len);
}

/* When byte index k (0-based) of chunk arrives. */
static gint64
chunk_byte_time (const Chunk *chunk, gsize k)
{
  return chunk->start + wire_time (k + 1, chunk->baud);
}

static void
clear_chunks_locked (HbPipeTransport *self)
{
  g_queue_clear_full (&self->chunks, chunk_free);
}

/* Queues bytes the peer sent at `produced` (µs). Called with the lock held. */
static void
push_locked (HbPipeTransport *self, const guint8 *data, gsize len, gint64 produced)
{
  Chunk *chunk;

  if (len == 0)
    return;
  chunk = g_new0 (Chunk, 1);
  chunk->data = g_memdup2 (data, len);
  chunk->len = len;
  chunk->baud = self->baud;
  chunk->start = MAX (produced, self->rx_free);
  self->rx_free = chunk->start + wire_time (len, chunk->baud);
  g_queue_push_tail (&self->chunks, chunk);
  g_cond_broadcast (&self->cond);
}

/* Copies what has arrived by `now` (in order) into buffer. If nothing has, *next_at is
 * when the next byte will (0 if none is queued). Called with the lock held. */
static gsize
take_arrived_locked (HbPipeTransport *self, guint8 *buffer, gsize max, gint64 now,
                     gint64 *next_at)
{
  gsize copied = 0;

  *next_at = 0;
  while (copied < max && !g_queue_is_empty (&self->chunks))
    {
      Chunk *chunk = g_queue_peek_head (&self->chunks);
      gsize arrived = chunk_arrived (chunk, now);
      gsize n = MIN (arrived - chunk->consumed, max - copied);

      if (n > 0)
        {
          memcpy (buffer + copied, chunk->data + chunk->consumed, n);
          chunk->consumed += n;
          copied += n;
        }
      if (chunk->consumed == chunk->len)
        {
          chunk_free (g_queue_pop_head (&self->chunks));
          continue;
        }
      if (copied == 0)
        *next_at = chunk_byte_time (chunk, chunk->consumed);
      break;   /* later chunks start after this one ends */
    }
  return copied;
}

static void
set_no_device (HbPipeTransport *self, GError **error)
{
  g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE, "%s is disconnected",
               hb_transport_get_description (HB_TRANSPORT (self)));
}

static gboolean
hb_pipe_transport_open (HbTransport *transport, GError **error)
{
  HbPipeTransport *self = HB_PIPE_TRANSPORT (transport);
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = self->connected;
  if (ok)
    {
      clear_chunks_locked (self);
      self->rx_free = self->tx_free = 0;
    }
  g_mutex_unlock (&self->lock);
  if (!ok)
    set_no_device (self, error);
  return ok;
}

static void
hb_pipe_transport_close (HbTransport *transport)
{
  HbPipeTransport *self = HB_PIPE_TRANSPORT (transport);

  g_mutex_lock (&self->lock);
  clear_chunks_locked (self);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gboolean
hb_pipe_transport_write (HbTransport *transport, const guint8 *data, gsize len,
                         guint timeout_ms, GCancellable *cancellable, GError **error)
{
  HbPipeTransport *self = HB_PIPE_TRANSPORT (transport);
  g_autoptr(GBytes) answer = NULL;
  gint64 arrived;

  g_mutex_lock (&self->lock);
  if (!self->connected)
    {
      g_mutex_unlock (&self->lock);
      set_no_device (self, error);
      return FALSE;
    }
  /* Like a tty, write() returns once the bytes are queued; the device has them once
   * the line has carried them. */
  arrived = MAX (g_get_monotonic_time (), self->tx_free) + wire_time (len, self->baud);
  self->tx_free = arrived;
  g_mutex_unlock (&self->lock);

  /* Outside the lock: the peer may take its time, or disconnect us (an unplug script). */
  if (self->peer)
    answer = self->peer (data, len, self->peer_data);

  g_mutex_lock (&self->lock);
  if (!self->connected)
    {
      g_mutex_unlock (&self->lock);
      set_no_device (self, error);
      return FALSE;
    }
  if (answer)
    {
      gsize n;
      const guint8 *bytes = g_bytes_get_data (answer, &n);

      push_locked (self, bytes, n, arrived);
    }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
wake_reader (GCancellable *cancellable, gpointer user_data)
{
  HbPipeTransport *self = user_data;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gssize
hb_pipe_transport_read (HbTransport *transport, guint8 *buffer, gsize max, guint timeout_ms,
                        GCancellable *cancellable, GError **error)
{
  HbPipeTransport *self = HB_PIPE_TRANSPORT (transport);
  gint64 deadline = hb_transport_deadline_from_now (timeout_ms);
  gulong handler = 0;
  gssize result = -1;

  /* Connected before taking the lock: the callback takes it, and runs at once if the
   * cancellable has already fired. */
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_reader), self, NULL);

  g_mutex_lock (&self->lock);
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 next_at;
      gsize n;

      if (!self->connected)
        {
          set_no_device (self, error);
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      n = take_arrived_locked (self, buffer, max, now, &next_at);
      if (n > 0)
        {
          result = (gssize) n;
          break;
        }
      if (now >= deadline)
        {
          g_autofree char *what = g_strdup_printf ("reading from %s",
                                                   hb_transport_get_description (transport));
          hb_transport_set_timeout_error (error, timeout_ms, what);
          break;
        }
      g_cond_wait_until (&self->cond, &self->lock,
                         next_at > 0 ? MIN (next_at, deadline) : deadline);
    }
  g_mutex_unlock (&self->lock);

  /* Outside the lock: disconnect waits for a running callback, which takes the lock. */
  if (handler)
    g_cancellable_disconnect (cancellable, handler);
  return result;
}

static void
hb_pipe_transport_flush (HbTransport *transport)
{
  HbPipeTransport *self = HB_PIPE_TRANSPORT (transport);

  /* Drops what has arrived and what is still on the line, like tcflush on a tty whose
   * device has stopped talking. */
  g_mutex_lock (&self->lock);
  clear_chunks_locked (self);
  g_mutex_unlock (&self->lock);
}

static void
hb_pipe_transport_finalize (GObject *object)
{
  HbPipeTransport *self = HB_PIPE_TRANSPORT (object);

  if (self->peer_destroy)
    self->peer_destroy (self->peer_data);
  clear_chunks_locked (self);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (hb_pipe_transport_parent_class)->finalize (object);
}

static void
hb_pipe_transport_class_init (HbPipeTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbTransportClass *transport_class = HB_TRANSPORT_CLASS (klass);

  object_class->finalize = hb_pipe_transport_finalize;
  transport_class->open = hb_pipe_transport_open;
  transport_class->close = hb_pipe_transport_close;
  transport_class->write = hb_pipe_transport_write;
  transport_class->read = hb_pipe_transport_read;
  transport_class->flush = hb_pipe_transport_flush;
}

static void
hb_pipe_transport_init (HbPipeTransport *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->chunks);
  self->connected = TRUE;
}

HbPipeTransport *
hb_pipe_transport_new (HbPipePeerFunc peer, gpointer user_data, GDestroyNotify destroy)
{
  HbPipeTransport *self = g_object_new (HB_TYPE_PIPE_TRANSPORT, NULL);

  self->peer = peer;
  self->peer_data = user_data;
  self->peer_destroy = destroy;
  hb_transport_set_description (HB_TRANSPORT (self), "pipe");
  return self;
}

void
hb_pipe_transport_set_baud (HbPipeTransport *self, guint baud)
{
  g_return_if_fail (HB_IS_PIPE_TRANSPORT (self));

  /* Bytes already queued keep the rate they were sent at. */
  g_mutex_lock (&self->lock);
  self->baud = baud;
  g_mutex_unlock (&self->lock);
}

guint
hb_pipe_transport_get_baud (HbPipeTransport *self)
{
  guint baud;

  g_return_val_if_fail (HB_IS_PIPE_TRANSPORT (self), 0);
  g_mutex_lock (&self->lock);
  baud = self->baud;
  g_mutex_unlock (&self->lock);
  return baud;
}

void
hb_pipe_transport_set_connected (HbPipeTransport *self, gboolean connected)
{
  g_return_if_fail (HB_IS_PIPE_TRANSPORT (self));

  g_mutex_lock (&self->lock);
  self->connected = !!connected;
  if (!connected)
    clear_chunks_locked (self);   /* what was on the wire is lost with the device */
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

gboolean
hb_pipe_transport_get_connected (HbPipeTransport *self)
{
  gboolean connected;

  g_return_val_if_fail (HB_IS_PIPE_TRANSPORT (self), FALSE);
  g_mutex_lock (&self->lock);
  connected = self->connected;
  g_mutex_unlock (&self->lock);
  return connected;
}

void
hb_pipe_transport_inject (HbPipeTransport *self, const guint8 *data, gsize len)
{
  g_return_if_fail (HB_IS_PIPE_TRANSPORT (self));
  g_return_if_fail (data != NULL || len == 0);

  g_mutex_lock (&self->lock);
  if (self->connected && hb_transport_is_open (HB_TRANSPORT (self)))
    push_locked (self, data, len, g_get_monotonic_time ());
  g_mutex_unlock (&self->lock);
}
