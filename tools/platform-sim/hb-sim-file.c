/* hb-sim-file.c — bounded reads of data files, and noticing when they change on disk. */
#include "tools/platform-sim/hb-sim-file.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
stamp_from_stat (HbSimFileStamp *stamp, const struct stat *st)
{
  stamp->dev = (guint64) st->st_dev;
  stamp->ino = (guint64) st->st_ino;
  stamp->size = (guint64) st->st_size;
  stamp->mtime_ns = (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
  stamp->ctime_ns = (gint64) st->st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_ctim.tv_nsec;
}

gboolean
hb_sim_file_read (const char *path, gsize max_size, char **data, gsize *length,
                  HbSimFileStamp *stamp, GError **error)
{
  struct stat st;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot open %s: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "%s is not a regular file", path);
      close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > max_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "%s is larger than %" G_GSIZE_FORMAT " bytes", path, max_size);
      close (fd);
      return FALSE;
    }

  gsize want = (gsize) st.st_size, got = 0;
  char *buf = g_malloc (want + 1);
  while (got < want)
    {
      ssize_t n = read (fd, buf + got, want - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot read %s: %s",
                       path, g_strerror (saved));
          g_free (buf);
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;   /* shrank while reading: take what is there */
      got += (gsize) n;
    }
  close (fd);
  buf[got] = '\0';
  if (stamp)
    stamp_from_stat (stamp, &st);
  *data = buf;
  *length = got;
  return TRUE;
}

void
hb_sim_file_stamp (const char *path, HbSimFileStamp *stamp)
{
  struct stat st;
  memset (stamp, 0, sizeof *stamp);
  if (stat (path, &st) == 0)
    stamp_from_stat (stamp, &st);
}

gboolean
hb_sim_file_changed (const char *path, const HbSimFileStamp *stamp)
{
  HbSimFileStamp now;
  hb_sim_file_stamp (path, &now);
  return now.dev != stamp->dev || now.ino != stamp->ino || now.size != stamp->size
         || now.mtime_ns != stamp->mtime_ns || now.ctime_ns != stamp->ctime_ns;
}
