/* hb-fake-serial-scanner.c — a CDC-ACM scanner on a pty behind a stable symlink. */
#define G_LOG_DOMAIN "hb-fake"

#include "tests/support/hb-fake-serial-scanner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

/* A write to the master waits at most this long for the host to make room. */
#define WRITE_TIMEOUT_MS 5000

struct _HbFakeSerialScanner
{
  char *dir;
  char *link;
  int   master;     /* -1 while unplugged */
  int   slave;
};

static gboolean
plug (HbFakeSerialScanner *self, GError **error)
{
  char name[64];
  struct termios tio;
  int master, slave;

  if (openpty (&master, &slave, name, NULL, NULL) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "openpty: %s",
                   g_strerror (saved));
      return FALSE;
    }
  /* Raw, like a CDC-ACM tty the driver puts in raw mode anyway: no echo, no CR/LF games. */
  if (tcgetattr (slave, &tio) == 0)
    {
      cfmakeraw (&tio);
      tcsetattr (slave, TCSANOW, &tio);
    }
  fcntl (master, F_SETFD, FD_CLOEXEC);
  fcntl (slave, F_SETFD, FD_CLOEXEC);
  g_unlink (self->link);
  if (symlink (name, self->link) != 0)
    {
      int saved = errno;
      close (master);
      close (slave);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "symlink: %s",
                   g_strerror (saved));
      return FALSE;
    }
  self->master = master;
  self->slave = slave;
  return TRUE;
}

HbFakeSerialScanner *
hb_fake_serial_scanner_new (GError **error)
{
  g_autoptr(HbFakeSerialScanner) self = g_new0 (HbFakeSerialScanner, 1);

  self->master = -1;
  self->slave = -1;
  self->dir = g_dir_make_tmp ("hb-fake-cdc-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  self->link = g_build_filename (self->dir, "ttyACM-scanner", NULL);
  if (!plug (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
hb_fake_serial_scanner_unplug (HbFakeSerialScanner *self)
{
  if (self->master < 0)
    return;
  g_unlink (self->link);
  close (self->master);
  close (self->slave);
  self->master = -1;
  self->slave = -1;
}

gboolean
hb_fake_serial_scanner_replug (HbFakeSerialScanner *self, GError **error)
{
  if (self->master >= 0)
    return TRUE;
  return plug (self, error);
}

void
hb_fake_serial_scanner_free (HbFakeSerialScanner *self)
{
  if (self == NULL)
    return;
  hb_fake_serial_scanner_unplug (self);
  if (self->link)
    g_unlink (self->link);
  if (self->dir)
    g_rmdir (self->dir);
  g_free (self->link);
  g_free (self->dir);
  g_free (self);
}

const char *
hb_fake_serial_scanner_get_path (HbFakeSerialScanner *self)
{
  return self->link;
}

gboolean
hb_fake_serial_scanner_write (HbFakeSerialScanner *self, const guint8 *data, gsize len)
{
  gsize done = 0;

  while (done < len)
    {
      struct pollfd pfd = { .fd = self->master, .events = POLLOUT };
      ssize_t n;

      if (self->master < 0 || poll (&pfd, 1, WRITE_TIMEOUT_MS) <= 0)
        return FALSE;
      n = write (self->master, data + done, len - done);
      if (n < 0 && errno != EINTR && errno != EAGAIN)
        return FALSE;
      if (n > 0)
        done += (gsize) n;
    }
  return TRUE;
}

gboolean
hb_fake_serial_scanner_scan (HbFakeSerialScanner *self, const char *text, gsize len,
                             const char *suffix)
{
  g_autofree char *all = g_malloc (len + (suffix ? strlen (suffix) : 0) + 1);
  gsize n = len;

  memcpy (all, text, len);
  if (suffix)
    {
      memcpy (all + len, suffix, strlen (suffix));
      n += strlen (suffix);
    }
  return hb_fake_serial_scanner_write (self, (const guint8 *) all, n);
}
