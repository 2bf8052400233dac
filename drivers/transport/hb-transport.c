/* hb-transport.c — base of the byte transports: open state, argument checks, counters,
 * read_exact with one deadline, and the poll helper the fd-based transports share. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/transport/hb-transport-private.h"

#include <errno.h>
#include <poll.h>

typedef struct
{
  gint     open;           /* atomic: read from any thread (status, maintenance) */
  char    *description;
  GMutex   counter_lock;   /* 64-bit counters, read from other threads */
  guint64  bytes_written;
  guint64  bytes_read;
} HbTransportPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HbTransport, hb_transport, G_TYPE_OBJECT)

static void
hb_transport_dispose (GObject *object)
{
  /* A transport dropped while open still releases its device (fd, USB interface).
   * Subclasses keep what close() needs until finalize for this reason. */
  hb_transport_close (HB_TRANSPORT (object));
  G_OBJECT_CLASS (hb_transport_parent_class)->dispose (object);
}

static void
hb_transport_finalize (GObject *object)
{
  HbTransportPrivate *priv = hb_transport_get_instance_private (HB_TRANSPORT (object));

  g_free (priv->description);
  g_mutex_clear (&priv->counter_lock);
  G_OBJECT_CLASS (hb_transport_parent_class)->finalize (object);
}

static void
hb_transport_class_init (HbTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hb_transport_dispose;
  object_class->finalize = hb_transport_finalize;
}

static void
hb_transport_init (HbTransport *self)
{
  HbTransportPrivate *priv = hb_transport_get_instance_private (self);

  g_mutex_init (&priv->counter_lock);
}

static gboolean
check_open (HbTransport *self, GError **error)
{
  HbTransportPrivate *priv = hb_transport_get_instance_private (self);

  if (g_atomic_int_get (&priv->open))
    return TRUE;
  g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN, "%s is not open",
               hb_transport_get_description (self));
  return FALSE;
}

gboolean
hb_transport_open (HbTransport *self, GError **error)
{
  HbTransportPrivate *priv;
  HbTransportClass *klass;

  g_return_val_if_fail (HB_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = hb_transport_get_instance_private (self);
  klass = HB_TRANSPORT_GET_CLASS (self);
  if (g_atomic_int_get (&priv->open))
    return TRUE;
  g_return_val_if_fail (klass->open != NULL, FALSE);
  if (!klass->open (self, error))
    return FALSE;

  g_mutex_lock (&priv->counter_lock);
  priv->bytes_written = 0;
  priv->bytes_read = 0;
  g_mutex_unlock (&priv->counter_lock);
  g_atomic_int_set (&priv->open, TRUE);
  return TRUE;
}

void
hb_transport_close (HbTransport *self)
{
  HbTransportPrivate *priv;
  HbTransportClass *klass;

  g_return_if_fail (HB_IS_TRANSPORT (self));

  priv = hb_transport_get_instance_private (self);
  klass = HB_TRANSPORT_GET_CLASS (self);
  if (!g_atomic_int_compare_and_exchange (&priv->open, TRUE, FALSE))
    return;
  if (klass->close)
    klass->close (self);
}

gboolean
hb_transport_is_open (HbTransport *self)
{
  HbTransportPrivate *priv;

  g_return_val_if_fail (HB_IS_TRANSPORT (self), FALSE);
  priv = hb_transport_get_instance_private (self);
  return g_atomic_int_get (&priv->open);
}

gboolean
hb_transport_write (HbTransport *self, const guint8 *data, gsize len, guint timeout_ms,
                    GCancellable *cancellable, GError **error)
{
  HbTransportPrivate *priv;

  g_return_val_if_fail (HB_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = hb_transport_get_instance_private (self);
  if (!check_open (self, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (len == 0)
    return TRUE;
  if (!HB_TRANSPORT_GET_CLASS (self)->write (self, data, len, timeout_ms, cancellable, error))
    return FALSE;

  g_mutex_lock (&priv->counter_lock);
  priv->bytes_written += len;
  g_mutex_unlock (&priv->counter_lock);
  return TRUE;
}

gssize
hb_transport_read (HbTransport *self, guint8 *buffer, gsize max, guint timeout_ms,
                   GCancellable *cancellable, GError **error)
{
  HbTransportPrivate *priv;
  gssize n;

  g_return_val_if_fail (HB_IS_TRANSPORT (self), -1);
  g_return_val_if_fail (buffer != NULL, -1);
  g_return_val_if_fail (max > 0 && max <= G_MAXSSIZE, -1);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  priv = hb_transport_get_instance_private (self);
  if (!check_open (self, error))
    return -1;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  n = HB_TRANSPORT_GET_CLASS (self)->read (self, buffer, max, timeout_ms, cancellable, error);
  if (n < 0)
    return -1;
  if (n == 0 || (gsize) n > max)
    {
      /* The vfunc contract is at least one byte, at most max: a bug in the transport. */
      g_critical ("%s read %" G_GSSIZE_FORMAT " bytes for a buffer of %" G_GSIZE_FORMAT,
                  G_OBJECT_TYPE_NAME (self), n, max);
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE, "%s: broken read",
                   hb_transport_get_description (self));
      return -1;
    }

  g_mutex_lock (&priv->counter_lock);
  priv->bytes_read += (guint64) n;
  g_mutex_unlock (&priv->counter_lock);
  return n;
}

gboolean
hb_transport_read_exact (HbTransport *self, guint8 *buffer, gsize len, guint timeout_ms,
                         GCancellable *cancellable, GError **error)
{
  gint64 deadline;
  gsize got = 0;

  g_return_val_if_fail (HB_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (buffer != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_open (self, error))
    return FALSE;
  if (len == 0)
    return TRUE;

  /* One deadline for the whole call: a device that trickles bytes cannot stretch it. */
  deadline = hb_transport_deadline_from_now (timeout_ms);
  while (got < len)
    {
      g_autoptr(GError) local = NULL;
      gssize n = hb_transport_read (self, buffer + got, len - got,
                                    hb_transport_ms_left (deadline), cancellable, &local);

      if (n < 0)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         "Timed out after %u ms reading from %s: %" G_GSIZE_FORMAT
                         " of %" G_GSIZE_FORMAT " bytes arrived",
                         timeout_ms, hb_transport_get_description (self), got, len);
          else
            g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      got += (gsize) n;
    }
  return TRUE;
}

void
hb_transport_flush (HbTransport *self)
{
  HbTransportClass *klass;

  g_return_if_fail (HB_IS_TRANSPORT (self));

  klass = HB_TRANSPORT_GET_CLASS (self);
  if (hb_transport_is_open (self) && klass->flush)
    klass->flush (self);
}

const char *
hb_transport_get_description (HbTransport *self)
{
  HbTransportPrivate *priv;

  g_return_val_if_fail (HB_IS_TRANSPORT (self), NULL);
  priv = hb_transport_get_instance_private (self);
  return priv->description ? priv->description : G_OBJECT_TYPE_NAME (self);
}

void
hb_transport_set_description (HbTransport *self, const char *description)
{
  HbTransportPrivate *priv;

  g_return_if_fail (HB_IS_TRANSPORT (self));
  priv = hb_transport_get_instance_private (self);
  g_free (priv->description);
  priv->description = g_strdup (description);
}

guint64
hb_transport_get_bytes_written (HbTransport *self)
{
  HbTransportPrivate *priv;
  guint64 n;

  g_return_val_if_fail (HB_IS_TRANSPORT (self), 0);
  priv = hb_transport_get_instance_private (self);
  g_mutex_lock (&priv->counter_lock);
  n = priv->bytes_written;
  g_mutex_unlock (&priv->counter_lock);
  return n;
}

guint64
hb_transport_get_bytes_read (HbTransport *self)
{
  HbTransportPrivate *priv;
  guint64 n;

  g_return_val_if_fail (HB_IS_TRANSPORT (self), 0);
  priv = hb_transport_get_instance_private (self);
  g_mutex_lock (&priv->counter_lock);
  n = priv->bytes_read;
  g_mutex_unlock (&priv->counter_lock);
  return n;
}

/* --- helpers for implementations --------------------------------------------------- */

gint64
hb_transport_deadline_from_now (guint timeout_ms)
{
  return g_get_monotonic_time () + (gint64) timeout_ms * 1000;
}

guint
hb_transport_ms_left (gint64 deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();

  if (left <= 0)
    return 0;
  return (guint) MIN ((left + 999) / 1000, (gint64) G_MAXUINT);
}

void
hb_transport_set_timeout_error (GError **error, guint timeout_ms, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out after %u ms %s",
               timeout_ms, what);
}

short
hb_transport_poll (int fd, short events, gint64 deadline, guint timeout_ms,
                   GCancellable *cancellable, const char *what, GError **error)
{
  struct pollfd fds[2] = { { .fd = fd, .events = events } };
  nfds_t nfds = 1;
  short result = 0;

  GPollFD cancel_fd;

  if (g_cancellable_make_pollfd (cancellable, &cancel_fd))
    {
      fds[1].fd = cancel_fd.fd;
      fds[1].events = POLLIN;
      nfds = 2;
    }

  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      struct timespec ts;
      int r;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (left < 0)
        left = 0;
      ts.tv_sec = left / G_USEC_PER_SEC;
      ts.tv_nsec = (left % G_USEC_PER_SEC) * 1000;
      /* ppoll, not poll: µs resolution keeps paced reads close to their wire time. */
      r = ppoll (fds, nfds, &ts, NULL);
      if (r < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "poll() failed %s: %s",
                       what, g_strerror (saved));
          break;
        }
      if (fds[0].revents)
        {
          result = fds[0].revents;
          break;
        }
      if (nfds == 2 && fds[1].revents)
        continue;   /* cancelled: reported at the top of the loop */
      if (left == 0)
        {
          hb_transport_set_timeout_error (error, timeout_ms, what);
          break;
        }
    }

  if (nfds == 2)
    g_cancellable_release_fd (cancellable);
  return result;
}
