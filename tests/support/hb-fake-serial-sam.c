/* hb-fake-serial-sam.c — a serial SAM ID reader on a pty: a thread owns the master,
 * feeds the peer and writes its answers back paced at the line rate. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-sam.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BITS_PER_BYTE 10

struct _HbFakeSerialSam
{
  int             master;      /* owned by the thread once it runs */
  int             slave;       /* ours: keeps the pty alive while the host closes/reopens */
  int             wake;        /* eventfd: knobs and shutdown */
  char           *path;
  guint           baud;
  HbPipePeerFunc  peer;
  gpointer        peer_data;
  GThread        *thread;

  GMutex          lock;
  gboolean        mute;
  gboolean        hang_up;
  gboolean        stop;
  gboolean        master_closed;
  GCond           closed_cond;
  guint64         bytes_in;
  guint64         bytes_out;
};

/* Wire time of n bytes in µs, rounded up. */
static gint64
wire_time (gsize n, guint baud)
{
  if (baud == 0)
    return 0;
  return (gint64) ((n * BITS_PER_BYTE * (guint64) G_USEC_PER_SEC + baud - 1) / baud);
}

/* What the thread has still to send: one contiguous stream, byte k due at
 * start + wire_time (k + 1). A new answer starts where the previous one ended. */
typedef struct
{
  GByteArray *data;
  gsize       sent;
  gint64      start;      /* µs, when data[0] started on the wire */
  gint64      line_free;  /* end of what is queued */
  gint64      rx_free;    /* host→device line */
} Outbox;

/* Answers carry card data. */
static void
wipe (GByteArray *array)
{
  if (array->len)
    explicit_bzero (array->data, array->len);
  g_byte_array_set_size (array, 0);
}

static gsize
due_bytes (const Outbox *out, guint baud, gint64 now)
{
  guint64 n;

  if (baud == 0)
    return out->data->len;
  if (now <= out->start)
    return 0;
  n = (guint64) (now - out->start) * baud / (BITS_PER_BYTE * (guint64) G_USEC_PER_SEC);
  return (gsize) MIN (n, (guint64) out->data->len);
}

static void
queue_answer (HbFakeSerialSam *self, Outbox *out, GBytes *answer, gint64 request_arrived)
{
  gsize n;
  const guint8 *bytes = g_bytes_get_data (answer, &n);

  if (n == 0)
    return;
  if (out->sent == out->data->len)
    {
      /* Idle line: restart the stream (keeps the numbers small and exact). */
      wipe (out->data);
      out->sent = 0;
      out->start = MAX (request_arrived, out->line_free);
    }
  g_byte_array_append (out->data, bytes, (guint) n);
  out->line_free = out->start + wire_time (out->data->len, self->baud);
}

static void
close_master (HbFakeSerialSam *self)
{
  g_mutex_lock (&self->lock);
  if (self->master >= 0)
    {
      close (self->master);
      self->master = -1;
    }
  self->master_closed = TRUE;
  g_cond_broadcast (&self->closed_cond);
  g_mutex_unlock (&self->lock);
}

static gpointer
run (gpointer data)
{
  HbFakeSerialSam *self = data;
  Outbox out = { .data = g_byte_array_new () };
  guint8 buf[4096];

  for (;;)
    {
      struct pollfd fds[2] = {
        { .fd = self->master, .events = POLLIN },
        { .fd = self->wake, .events = POLLIN },
      };
      gint64 now = g_get_monotonic_time ();
      gsize due = due_bytes (&out, self->baud, now);
      struct timespec ts, *timeout = NULL;
      gboolean mute, hang_up, stop;

      /* Send what is due; wait for room if the host's input queue is full. */
      if (due > out.sent)
        {
          ssize_t n = write (self->master, out.data->data + out.sent, due - out.sent);

          if (n > 0)
            {
              out.sent += (gsize) n;
              g_mutex_lock (&self->lock);
              self->bytes_out += (guint64) n;
              g_mutex_unlock (&self->lock);
              continue;
            }
          if (n < 0 && errno != EAGAIN && errno != EINTR)
            g_debug ("fake serial SAM: write: %s", g_strerror (errno));
          fds[0].events |= POLLOUT;
        }
      else if (out.sent < out.data->len)
        {
          /* Sleep until the next byte is due: an absolute instant, not a fixed sleep. */
          gint64 next = out.start + wire_time (out.sent + 1, self->baud);
          gint64 left = MAX (next - now, 0);

          ts.tv_sec = left / G_USEC_PER_SEC;
          ts.tv_nsec = (left % G_USEC_PER_SEC) * 1000;
          timeout = &ts;
        }

      if (ppoll (fds, 2, timeout, NULL) < 0 && errno != EINTR)
        g_error ("fake serial SAM: poll: %s", g_strerror (errno));

      g_mutex_lock (&self->lock);
      mute = self->mute;
      hang_up = self->hang_up;
      stop = self->stop;
      g_mutex_unlock (&self->lock);
      if (fds[1].revents & POLLIN)
        {
          guint64 ignored;

          if (read (self->wake, &ignored, sizeof ignored) < 0 && errno != EAGAIN)
            g_debug ("fake serial SAM: eventfd: %s", g_strerror (errno));
        }
      if (stop || hang_up)
        break;

      if (fds[0].revents & POLLIN)
        {
          ssize_t n = read (self->master, buf, sizeof buf);

          if (n > 0)
            {
              gint64 arrived = MAX (g_get_monotonic_time (), out.rx_free) +
                               wire_time ((gsize) n, self->baud);

              out.rx_free = arrived;
              g_mutex_lock (&self->lock);
              self->bytes_in += (guint64) n;
              g_mutex_unlock (&self->lock);
              if (!mute && self->peer)
                {
                  g_autoptr(GBytes) answer = self->peer (buf, (gsize) n, self->peer_data);

                  if (answer)
                    queue_answer (self, &out, answer, arrived);
                }
            }
        }
      else if (fds[0].revents & (POLLHUP | POLLERR))
        {
          /* Cannot happen while we hold a slave fd; do not spin if it does. */
          g_usleep (1000);
        }
    }

  close_master (self);
  wipe (out.data);
  g_byte_array_unref (out.data);
  explicit_bzero (buf, sizeof buf);
  return NULL;
}

HbFakeSerialSam *
hb_fake_serial_sam_new (guint baud, HbPipePeerFunc peer, gpointer peer_data, GError **error)
{
  HbFakeSerialSam *self;
  char name[256];
  int master, slave;
  struct termios tio;

  if (openpty (&master, &slave, name, NULL, NULL) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "openpty: %s",
                   g_strerror (saved));
      return NULL;
    }
  /* Raw from the start: no echo of the answers back to us, no line editing. The host's
   * transport saves these settings and puts them back on close. */
  if (tcgetattr (slave, &tio) == 0)
    {
      cfmakeraw (&tio);
      tcsetattr (slave, TCSANOW, &tio);
    }
  fcntl (master, F_SETFL, fcntl (master, F_GETFL) | O_NONBLOCK);
  fcntl (master, F_SETFD, FD_CLOEXEC);
  fcntl (slave, F_SETFD, FD_CLOEXEC);

  self = g_new0 (HbFakeSerialSam, 1);
  self->master = master;
  self->slave = slave;
  self->wake = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  self->path = g_strdup (name);
  self->baud = baud;
  self->peer = peer;
  self->peer_data = peer_data;
  g_mutex_init (&self->lock);
  g_cond_init (&self->closed_cond);
  self->thread = g_thread_new ("fake-serial-sam", run, self);
  return self;
}

static void
poke (HbFakeSerialSam *self)
{
  guint64 one = 1;

  if (write (self->wake, &one, sizeof one) < 0)
    g_debug ("fake serial SAM: eventfd: %s", g_strerror (errno));
}

void
hb_fake_serial_sam_free (HbFakeSerialSam *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stop = TRUE;
  g_mutex_unlock (&self->lock);
  poke (self);
  g_thread_join (self->thread);
  close (self->slave);
  close (self->wake);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->closed_cond);
  g_free (self);
}

const char *
hb_fake_serial_sam_get_path (HbFakeSerialSam *self)
{
  return self->path;
}

gboolean
hb_fake_serial_sam_get_termios (HbFakeSerialSam *self, struct termios *out)
{
  return tcgetattr (self->slave, out) == 0;
}

void
hb_fake_serial_sam_set_mute (HbFakeSerialSam *self, gboolean mute)
{
  g_mutex_lock (&self->lock);
  self->mute = mute;
  g_mutex_unlock (&self->lock);
  poke (self);
}

void
hb_fake_serial_sam_hang_up (HbFakeSerialSam *self)
{
  g_mutex_lock (&self->lock);
  self->hang_up = TRUE;
  g_mutex_unlock (&self->lock);
  poke (self);
  /* Return only once the master is closed, so the test's next step sees the hangup. */
  g_mutex_lock (&self->lock);
  while (!self->master_closed)
    g_cond_wait (&self->closed_cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

guint64
hb_fake_serial_sam_get_bytes_in (HbFakeSerialSam *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->bytes_in;
  g_mutex_unlock (&self->lock);
  return n;
}

gsize
hb_fake_serial_sam_get_unread (HbFakeSerialSam *self)
{
  int n = 0;

  /* The input queue belongs to the tty, so our own slave fd sees the host's. */
  if (ioctl (self->slave, FIONREAD, &n) < 0)
    return 0;
  return (gsize) MAX (n, 0);
}

guint64
hb_fake_serial_sam_get_bytes_out (HbFakeSerialSam *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->bytes_out;
  g_mutex_unlock (&self->lock);
  return n;
}
