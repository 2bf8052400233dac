/* hb-serial-transport.c — a tty in raw 8N1 through termios, with poll()-based deadlines
 * and cancellation. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/transport/hb-serial-transport.h"
#include "drivers/transport/hb-transport-private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

struct _HbSerialTransport
{
  HbTransport     parent_instance;

  char           *path;
  guint           baud;
  int             fd;
  struct termios  saved;       /* restored on close */
  gboolean        have_saved;
};

G_DEFINE_FINAL_TYPE (HbSerialTransport, hb_serial_transport, HB_TYPE_TRANSPORT)

static const struct
{
  guint   baud;
  speed_t speed;
} speeds[] = {
  { 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
  { 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
};

static gboolean
baud_to_speed (guint baud, speed_t *speed)
{
  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (speeds[i].baud == baud)
      {
        *speed = speeds[i].speed;
        return TRUE;
      }
  return FALSE;
}

/* The errnos of a tty whose USB-serial adapter went away (or a pty whose master
 * closed). */
static gboolean
errno_is_gone (int e)
{
  return e == EIO || e == ENXIO || e == ENODEV || e == ENOENT;
}

static void
set_errno_error (HbSerialTransport *self, GError **error, int e, const char *what)
{
  const char *desc = hb_transport_get_description (HB_TRANSPORT (self));

  if (errno_is_gone (e))
    g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                 "%s is gone (%s: %s)", desc, what, g_strerror (e));
  else if (e == EBUSY)
    g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_BUSY,
                 "%s is in use by another program (%s: %s)", desc, what, g_strerror (e));
  else if (e == EACCES || e == EPERM)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "No permission for %s (%s: %s); is the kiosk user in the dialout group?",
                 desc, what, g_strerror (e));
  else
    g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE,
                 "%s failed (%s: %s)", desc, what, g_strerror (e));
}

static void
set_hangup_error (HbSerialTransport *self, GError **error)
{
  g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE, "%s hung up",
               hb_transport_get_description (HB_TRANSPORT (self)));
}

static gboolean
configure (HbSerialTransport *self, speed_t speed, GError **error)
{
  struct termios tio;

  if (tcgetattr (self->fd, &self->saved) < 0)
    {
      set_errno_error (self, error, errno, "tcgetattr");
      return FALSE;
    }
  self->have_saved = TRUE;

  tio = self->saved;
  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS | HUPCL);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_iflag &= ~(IXON | IXOFF | IXANY | INPCK | ISTRIP);
  tio.c_iflag |= IGNBRK;
  /* poll() decides when to read; read() itself never waits. */
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (cfsetispeed (&tio, speed) < 0 || cfsetospeed (&tio, speed) < 0)
    {
      set_errno_error (self, error, errno, "cfsetspeed");
      return FALSE;
    }
  if (tcsetattr (self->fd, TCSANOW, &tio) < 0)
    {
      set_errno_error (self, error, errno, "tcsetattr");
      return FALSE;
    }
  /* Whatever the device said before we were listening is not an answer to us. */
  tcflush (self->fd, TCIOFLUSH);
  return TRUE;
}

static void
release_fd (HbSerialTransport *self)
{
  if (self->fd < 0)
    return;
  /* Best effort: on an unplugged adapter these fail, and that is fine. */
  if (self->have_saved)
    tcsetattr (self->fd, TCSANOW, &self->saved);
  ioctl (self->fd, TIOCNXCL);   /* the flag outlives our fd if someone else holds the tty */
  close (self->fd);
  self->fd = -1;
  self->have_saved = FALSE;
}

static gboolean
hb_serial_transport_open (HbTransport *transport, GError **error)
{
  HbSerialTransport *self = HB_SERIAL_TRANSPORT (transport);
  speed_t speed;

  if (self->path == NULL || *self->path == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No serial device path given");
      return FALSE;
    }
  if (!baud_to_speed (self->baud, &speed))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unsupported baud rate %u for %s (use 9600, 19200, 38400, 57600, 115200 "
                   "or 230400)", self->baud, self->path);
      return FALSE;
    }

  self->fd = open (self->path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (self->fd < 0)
    {
      set_errno_error (self, error, errno, "open");
      return FALSE;
    }
  if (!isatty (self->fd))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s is not a tty",
                   self->path);
      close (self->fd);
      self->fd = -1;
      return FALSE;
    }
  /* Exclusive: a second opener (ModemManager, a stray terminal) would steal bytes. */
  if (ioctl (self->fd, TIOCEXCL) < 0 || !configure (self, speed, error))
    {
      if (error && *error == NULL)
        set_errno_error (self, error, errno, "TIOCEXCL");
      release_fd (self);
      return FALSE;
    }
  return TRUE;
}

static void
hb_serial_transport_close (HbTransport *transport)
{
  release_fd (HB_SERIAL_TRANSPORT (transport));
}

static gboolean
hb_serial_transport_write (HbTransport *transport, const guint8 *data, gsize len,
                           guint timeout_ms, GCancellable *cancellable, GError **error)
{
  HbSerialTransport *self = HB_SERIAL_TRANSPORT (transport);
  gint64 deadline = hb_transport_deadline_from_now (timeout_ms);
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = write (self->fd, data + done, len - done);
      short revents;

      if (n > 0)
        {
          done += (gsize) n;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno != EAGAIN)
        {
          set_errno_error (self, error, errno, "write");
          return FALSE;
        }
      /* The output queue is full (flow stopped, slow line): wait for room. */
      {
        g_autofree char *what = g_strdup_printf ("writing to %s",
                                                 hb_transport_get_description (transport));
        revents = hb_transport_poll (self->fd, POLLOUT, deadline, timeout_ms, cancellable,
                                     what, error);
      }
      if (revents == 0)
        return FALSE;
      if ((revents & (POLLHUP | POLLERR | POLLNVAL)) && !(revents & POLLOUT))
        {
          set_hangup_error (self, error);
          return FALSE;
        }
    }
  return TRUE;
}

static gssize
hb_serial_transport_read (HbTransport *transport, guint8 *buffer, gsize max, guint timeout_ms,
                          GCancellable *cancellable, GError **error)
{
  HbSerialTransport *self = HB_SERIAL_TRANSPORT (transport);
  gint64 deadline = hb_transport_deadline_from_now (timeout_ms);
  g_autofree char *what = NULL;
  gboolean hung_up = FALSE;
  guint empty_wakeups = 0;

  for (;;)
    {
      /* With VMIN = VTIME = 0 an empty tty reads 0 (not EAGAIN), so 0 means "nothing
       * yet" and poll() tells a hangup apart. */
      ssize_t n = read (self->fd, buffer, max);
      short revents;

      if (n > 0)
        return n;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno != EAGAIN)
        {
          set_errno_error (self, error, errno, "read");
          return -1;
        }
      /* Readable but empty, again and again, is a line that has gone away. */
      if (hung_up || empty_wakeups > 2)
        {
          set_hangup_error (self, error);
          return -1;
        }

      if (what == NULL)
        what = g_strdup_printf ("reading from %s", hb_transport_get_description (transport));
      revents = hb_transport_poll (self->fd, POLLIN, deadline, timeout_ms, cancellable, what,
                                   error);
      if (revents == 0)
        return -1;
      /* Read what is still queued first; the next turn reports the hangup. */
      if (revents & (POLLHUP | POLLERR | POLLNVAL))
        hung_up = TRUE;
      else
        empty_wakeups++;
    }
}

static void
hb_serial_transport_flush (HbTransport *transport)
{
  HbSerialTransport *self = HB_SERIAL_TRANSPORT (transport);

  if (self->fd >= 0)
    tcflush (self->fd, TCIFLUSH);
}

static void
hb_serial_transport_finalize (GObject *object)
{
  HbSerialTransport *self = HB_SERIAL_TRANSPORT (object);

  release_fd (self);
  g_free (self->path);
  G_OBJECT_CLASS (hb_serial_transport_parent_class)->finalize (object);
}

static void
hb_serial_transport_class_init (HbSerialTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbTransportClass *transport_class = HB_TRANSPORT_CLASS (klass);

  object_class->finalize = hb_serial_transport_finalize;
  transport_class->open = hb_serial_transport_open;
  transport_class->close = hb_serial_transport_close;
  transport_class->write = hb_serial_transport_write;
  transport_class->read = hb_serial_transport_read;
  transport_class->flush = hb_serial_transport_flush;
}

static void
hb_serial_transport_init (HbSerialTransport *self)
{
  self->fd = -1;
}

HbSerialTransport *
hb_serial_transport_new (const char *path, guint baud)
{
  HbSerialTransport *self = g_object_new (HB_TYPE_SERIAL_TRANSPORT, NULL);
  g_autofree char *description = g_strdup_printf ("serial:%s@%u", path ? path : "(none)", baud);

  self->path = g_strdup (path);
  self->baud = baud;
  hb_transport_set_description (HB_TRANSPORT (self), description);
  return self;
}
