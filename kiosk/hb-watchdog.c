/* hb-watchdog.c — sd_notify over the NOTIFY_SOCKET datagram protocol. */
#include "kiosk/hb-watchdog.h"

#include <errno.h>
#include <gio/gio.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A STATUS line is for a human in `systemctl status`; keep it short. */
#define STATUS_MAX 200
/* systemd ignores WatchdogSec below 1 ms; a ping every 1 ms would burn the UI thread. */
#define MIN_INTERVAL_MS 10
/* How far up WATCHDOG_PID is looked for (systemd → session script → cage → sh → kiosk). */
#define ANCESTORS_MAX 8

struct _HbWatchdog
{
  GObject  parent_instance;
  struct sockaddr_un addr;
  socklen_t addr_len;     /* 0: inactive */
  int      fd;
  guint64  usec;
  GSource *timer;   /* the ping timer, attached to the main context */
  guint    pings;
};

G_DEFINE_FINAL_TYPE (HbWatchdog, hb_watchdog, G_TYPE_OBJECT)

static void
hb_watchdog_dispose (GObject *object)
{
  HbWatchdog *self = HB_WATCHDOG (object);
  hb_watchdog_stop_pings (self);
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
  G_OBJECT_CLASS (hb_watchdog_parent_class)->dispose (object);
}

static void
hb_watchdog_class_init (HbWatchdogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_watchdog_dispose;
}

static void
hb_watchdog_init (HbWatchdog *self)
{
  self->fd = -1;
}

/* Fills the address from NOTIFY_SOCKET's value; FALSE when it cannot be one. */
static gboolean
set_address (HbWatchdog *self, const char *path)
{
  gsize len = strlen (path);

  if (len < 2 || len >= sizeof self->addr.sun_path || (path[0] != '/' && path[0] != '@'))
    return FALSE;
  memset (&self->addr, 0, sizeof self->addr);
  self->addr.sun_family = AF_UNIX;
  memcpy (self->addr.sun_path, path, len);
  if (path[0] == '@')
    self->addr.sun_path[0] = '\0';   /* abstract namespace: no trailing NUL counted */
  self->addr_len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + len +
                                (path[0] == '@' ? 0 : 1));
  return TRUE;
}

HbWatchdog *
hb_watchdog_new (const char *notify_socket, guint64 watchdog_usec)
{
  HbWatchdog *self = g_object_new (HB_TYPE_WATCHDOG, NULL);

  if (notify_socket == NULL || *notify_socket == '\0')
    return self;
  if (!set_address (self, notify_socket))
    {
      g_warning ("watchdog: NOTIFY_SOCKET is not a usable socket address; not notifying");
      return self;
    }
  self->fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (self->fd < 0)
    {
      g_warning ("watchdog: cannot create a socket: %s", g_strerror (errno));
      self->addr_len = 0;
      return self;
    }
  self->usec = watchdog_usec;
  return self;
}

/* The parent of pid from /proc/PID/stat (field 4, after the ")" ending the name); 0 if
 * unknown. */
static pid_t
parent_of (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *p;
  int ppid = 0;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (p = strrchr (stat, ')')) == NULL ||
      sscanf (p + 1, " %*c %d", &ppid) != 1)
    return 0;
  return (pid_t) ppid;
}

static gboolean
is_self_or_ancestor (pid_t pid)
{
  pid_t p = getpid ();
  for (int depth = 0; depth < ANCESTORS_MAX && p > 1; depth++, p = parent_of (p))
    if (p == pid)
      return TRUE;
  return FALSE;
}

HbWatchdog *
hb_watchdog_new_from_environment (void)
{
  const char *socket_path = g_getenv ("NOTIFY_SOCKET");
  const char *usec_text = g_getenv ("WATCHDOG_USEC");
  const char *pid_text = g_getenv ("WATCHDOG_PID");
  guint64 usec = 0, pid = 0;

  if (usec_text && !g_ascii_string_to_unsigned (usec_text, 10, 1, G_MAXUINT64, &usec, NULL))
    {
      g_warning ("watchdog: WATCHDOG_USEC is not a number; no watchdog pings");
      usec = 0;
    }
  /* systemd names the unit's main process. Under cage that is the session script or the
   * compositor, an ancestor of ours: the pings are meant for us then too. Any other
   * process: not ours (an environment inherited by something else). */
  if (usec && pid_text &&
      (!g_ascii_string_to_unsigned (pid_text, 10, 1, G_MAXINT32, &pid, NULL) ||
       !is_self_or_ancestor ((pid_t) pid)))
    usec = 0;
  return hb_watchdog_new (socket_path, usec);
}

gboolean
hb_watchdog_is_active (HbWatchdog *self)
{
  g_return_val_if_fail (HB_IS_WATCHDOG (self), FALSE);
  return self->addr_len != 0;
}

guint64
hb_watchdog_get_usec (HbWatchdog *self)
{
  g_return_val_if_fail (HB_IS_WATCHDOG (self), 0);
  return self->usec;
}

guint
hb_watchdog_get_pings_sent (HbWatchdog *self)
{
  g_return_val_if_fail (HB_IS_WATCHDOG (self), 0);
  return self->pings;
}

gboolean
hb_watchdog_notify (HbWatchdog *self, const char *state, GError **error)
{
  gsize len;
  ssize_t n;

  g_return_val_if_fail (HB_IS_WATCHDOG (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);
  if (self->addr_len == 0)
    return TRUE;
  len = strlen (state);
  do
    n = sendto (self->fd, state, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                (const struct sockaddr *) &self->addr, self->addr_len);
  while (n < 0 && errno == EINTR);
  if (n < 0 || (gsize) n != len)
    {
      int code = n < 0 ? errno : EMSGSIZE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (code),
                   "cannot notify the service manager: %s", g_strerror (code));
      return FALSE;
    }
  return TRUE;
}

static void
notify_or_log (HbWatchdog *self, const char *state)
{
  g_autoptr(GError) error = NULL;
  if (!hb_watchdog_notify (self, state, &error))
    g_warning ("watchdog: %s", error->message);
}

/* "STATUS=…" with the text on one line and bounded (it goes to the journal). */
static char *
status_line (const char *status)
{
  g_autofree char *text = g_utf8_make_valid (status, -1);
  g_autofree char *cut = NULL;
  for (char *p = text; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  cut = g_utf8_strlen (text, -1) > STATUS_MAX ? g_utf8_substring (text, 0, STATUS_MAX)
                                              : g_strdup (text);
  return g_strconcat ("STATUS=", cut, NULL);
}

void
hb_watchdog_ready (HbWatchdog *self, const char *status)
{
  g_autofree char *line = status ? status_line (status) : NULL;
  g_autofree char *msg = g_strconcat ("READY=1", line ? "\n" : "", line, NULL);
  g_return_if_fail (HB_IS_WATCHDOG (self));
  notify_or_log (self, msg);
}

void
hb_watchdog_status (HbWatchdog *self, const char *status)
{
  g_autofree char *line = NULL;
  g_return_if_fail (HB_IS_WATCHDOG (self));
  g_return_if_fail (status != NULL);
  line = status_line (status);
  notify_or_log (self, line);
}

void
hb_watchdog_stopping (HbWatchdog *self)
{
  g_return_if_fail (HB_IS_WATCHDOG (self));
  hb_watchdog_stop_pings (self);
  notify_or_log (self, "STOPPING=1");
}

static void
ping (HbWatchdog *self)
{
  g_autoptr(GError) error = NULL;
  if (hb_watchdog_notify (self, "WATCHDOG=1", &error))
    self->pings++;
  else
    g_debug ("watchdog: %s", error->message);   /* the next ping retries */
}

static gboolean
on_ping (gpointer data)
{
  ping (data);
  return G_SOURCE_CONTINUE;
}

void
hb_watchdog_start_pings (HbWatchdog *self)
{
  guint64 interval_ms;

  g_return_if_fail (HB_IS_WATCHDOG (self));
  if (self->addr_len == 0 || self->usec == 0 || self->timer != NULL)
    return;
  interval_ms = MAX (self->usec / 2000, MIN_INTERVAL_MS);
  ping (self);
  /* On the main loop on purpose: a blocked UI thread must stop the pings. Default
   * priority, so a flood of idle work cannot starve it either. */
  {
    g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
    g_autoptr(GSource) source = g_timeout_source_new ((guint) MIN (interval_ms, G_MAXUINT));
    g_source_set_callback (source, on_ping, self, NULL);
    g_source_set_name (source, "hb-watchdog");
    g_source_attach (source, context);
    self->timer = g_steal_pointer (&source);
  }
}

void
hb_watchdog_stop_pings (HbWatchdog *self)
{
  g_return_if_fail (HB_IS_WATCHDOG (self));
  if (self->timer != NULL)
    g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
}
