/* hb-config-file.c — the one writer of configuration keys (see the header). */
#include "kiosk/hb-config-file.h"
#include "kiosk/hb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean
io_error (GError **error, const char *what, const char *path)
{
  int e = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s %s: %s", what, path,
               g_strerror (e));
  return FALSE;
}

char *
hb_config_file_update_data (const char *path, const char *const *group_key_values,
                            gsize *length, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(HbConfig) check = hb_config_new ();
  g_autofree char *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL && group_key_values != NULL, NULL);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS
                                            | G_KEY_FILE_KEEP_TRANSLATIONS, &local)
      && !g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "cannot read %s: ", path);
      return NULL;
    }
  for (const char *const *t = group_key_values; t[0] != NULL; t += 3)
    {
      g_return_val_if_fail (t[1] != NULL, NULL);
      if (t[2] != NULL)
        g_key_file_set_string (kf, t[0], t[1], t[2]);
      else
        g_key_file_remove_key (kf, t[0], t[1], NULL);   /* absent already: fine */
    }
  data = g_key_file_to_data (kf, &len, NULL);
  /* Never leave a config the terminal would refuse to start with. */
  if (!hb_config_merge_data (check, data, len, path, error))
    return NULL;
  if (length)
    *length = len;
  return g_steal_pointer (&data);
}

gboolean
hb_config_file_replace (const char *path, const char *data, gsize len, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  struct stat old;
  gboolean existed = stat (path, &old) == 0;
  gsize done = 0;
  int fd, dfd;

  if (!existed && errno != ENOENT)
    return io_error (error, "cannot read", path);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return io_error (error, "cannot write beside", path);
  while (done < len)
    {
      ssize_t n = write (fd, data + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  /* The kiosk's user must still read /etc/haoban/kiosk.conf after root edits it. */
  if (done < len || fchmod (fd, existed ? old.st_mode & 07777 : 0644) != 0
      || (existed && fchown (fd, old.st_uid, old.st_gid) != 0 && errno != EPERM)
      || fsync (fd) != 0)
    {
      io_error (error, "cannot write", tmp);
      close (fd);
      g_unlink (tmp);
      return FALSE;
    }
  close (fd);
  if (g_rename (tmp, path) != 0)
    {
      io_error (error, "cannot replace", path);
      g_unlink (tmp);
      return FALSE;
    }
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}

gboolean
hb_config_file_set_keys (const char *path, const char *const *group_key_values,
                         GError **error)
{
  gsize len = 0;
  g_autofree char *data = hb_config_file_update_data (path, group_key_values, &len, error);
  return data != NULL && hb_config_file_replace (path, data, len, error);
}
