/* hb-log.c — file + stderr log writer with a personal-data scrubber. */
#include "kiosk/hb-log.h"
#include "common/hb-scrub.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static GMutex   log_lock;
static FILE    *log_file;
static char    *log_path;
static gsize    log_max;
static gsize    log_size;
static GLogLevelFlags log_threshold = G_LOG_LEVEL_INFO;
static gboolean writer_installed;

/* The masker itself lives in common/ so the audit log (offline-cache) shares it. */
char *
hb_log_scrub (const char *text)
{
  return hb_scrub_personal (text);
}

static const char *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)    return "ERROR";
  if (level & G_LOG_LEVEL_CRITICAL) return "CRITICAL";
  if (level & G_LOG_LEVEL_WARNING)  return "WARNING";
  if (level & G_LOG_LEVEL_MESSAGE)  return "MESSAGE";
  if (level & G_LOG_LEVEL_INFO)     return "INFO";
  return "DEBUG";
}

static void
rotate_locked (void)
{
  g_autofree char *old = g_strconcat (log_path, ".1", NULL);
  fclose (log_file);
  g_rename (log_path, old);
  log_file = fopen (log_path, "ae");
  log_size = 0;
  if (log_file)
    fchmod (fileno (log_file), 0600);
}

static GLogWriterOutput
writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *message = NULL, *domain = NULL;
  g_autofree char *clean = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  GLogLevelFlags lvl = level & G_LOG_LEVEL_MASK;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        message = fields[i].value;
      else if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
        domain = fields[i].value;
    }
  /* Below the configured level, GLib's own G_MESSAGES_DEBUG switch still lets a
   * developer see a domain. */
  if (((lvl == G_LOG_LEVEL_DEBUG && log_threshold != G_LOG_LEVEL_DEBUG) ||
       (lvl == G_LOG_LEVEL_INFO && log_threshold == G_LOG_LEVEL_WARNING)) &&
      g_log_writer_default_would_drop (lvl, domain))
    return G_LOG_WRITER_HANDLED;

  clean = hb_log_scrub (message ? message : "");
  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  g_mutex_lock (&log_lock);
  if (log_file)
    {
      int n = fprintf (log_file, "%s.%03d %s %s: %s\n", stamp,
                       g_date_time_get_microsecond (now) / 1000, level_name (lvl),
                       domain ? domain : "haoban", clean);
      fflush (log_file);
      if (n > 0)
        log_size += (gsize) n;
      if (log_size > log_max)
        rotate_locked ();
    }
  g_mutex_unlock (&log_lock);

  fprintf (stderr, "%s %s-%s: %s\n", stamp, domain ? domain : "haoban", level_name (lvl), clean);
  return G_LOG_WRITER_HANDLED;
}

gboolean
hb_log_init (const char *log_dir, const char *level, gsize max_bytes, GError **error)
{
  g_autofree char *path = g_build_filename (log_dir, "haoban.log", NULL);
  FILE *f;
  struct stat st;

  if (g_mkdir_with_parents (log_dir, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot create log folder %s: %s", log_dir, g_strerror (e));
      return FALSE;
    }
  f = fopen (path, "ae");
  if (f == NULL)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "cannot open %s: %s", path, g_strerror (e));
      return FALSE;
    }
  fchmod (fileno (f), 0600);

  g_mutex_lock (&log_lock);
  if (log_file)
    fclose (log_file);
  log_file = f;
  g_free (log_path);
  log_path = g_steal_pointer (&path);
  log_max = max_bytes;
  log_size = fstat (fileno (f), &st) == 0 ? (gsize) st.st_size : 0;
  if (g_strcmp0 (level, "debug") == 0)
    log_threshold = G_LOG_LEVEL_DEBUG;
  else if (g_strcmp0 (level, "warning") == 0)
    log_threshold = G_LOG_LEVEL_WARNING;
  else
    log_threshold = G_LOG_LEVEL_INFO;
  g_mutex_unlock (&log_lock);

  /* GLib allows one writer per process lifetime. */
  if (!writer_installed)
    {
      writer_installed = TRUE;
      g_log_set_writer_func (writer, NULL, NULL);
    }
  return TRUE;
}

void
hb_log_shutdown (void)
{
  g_mutex_lock (&log_lock);
  if (log_file)
    fclose (log_file);
  log_file = NULL;
  g_mutex_unlock (&log_lock);
}

const char *
hb_log_get_path (void)
{
  return log_path;
}
