/* test-watchdog.c — kiosk/hb-watchdog.c against a real unix datagram socket standing in
 * for systemd's notify socket. */
#include "kiosk/hb-watchdog.h"
#include "tests/common/hb-test-util.h"

#include <errno.h>
#include <gio/gio.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* What systemd would be: a bound datagram socket we read without blocking. */
typedef struct {
  int   fd;
  char *dir;
  char *address;   /* NOTIFY_SOCKET's value: a path, or "@name" */
} Manager;

static Manager *
manager_new (gboolean abstract)
{
  Manager *m = g_new0 (Manager, 1);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  socklen_t len;

  m->fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  g_assert_cmpint (m->fd, >=, 0);
  if (abstract)
    {
      m->address = g_strdup_printf ("@hb-test-watchdog-%d-%u", (int) getpid (), g_random_int ());
      memcpy (addr.sun_path, m->address, strlen (m->address));
      addr.sun_path[0] = '\0';
      len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (m->address));
    }
  else
    {
      m->dir = hb_test_mkdtemp ("watchdog");
      m->address = g_build_filename (m->dir, "notify", NULL);
      g_assert_cmpuint (strlen (m->address), <, sizeof addr.sun_path);
      strcpy (addr.sun_path, m->address);
      len = sizeof addr;
    }
  g_assert_cmpint (bind (m->fd, (struct sockaddr *) &addr, len), ==, 0);
  return m;
}

static void
manager_free (Manager *m)
{
  close (m->fd);
  if (m->dir)
    hb_test_rmdir (m->dir);
  g_free (m->dir);
  g_free (m->address);
  g_free (m);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Manager, manager_free)

/* Every datagram queued now (unix datagrams are queued by sendto itself, so this sees
 * everything sent before the call). */
static GPtrArray *
manager_drain (Manager *m)
{
  GPtrArray *got = g_ptr_array_new_with_free_func (g_free);
  char buf[4096];
  for (;;)
    {
      ssize_t n = recv (m->fd, buf, sizeof buf - 1, 0);
      if (n < 0)
        {
          g_assert_true (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
          if (errno != EINTR)
            break;
          continue;
        }
      buf[n] = '\0';
      g_ptr_array_add (got, g_strdup (buf));
    }
  return got;
}

static guint
count_equal (GPtrArray *got, const char *what)
{
  guint n = 0;
  for (guint i = 0; i < got->len; i++)
    n += g_str_equal (g_ptr_array_index (got, i), what);
  return n;
}

typedef struct {
  Manager *m;
  guint    pings;
  guint    want;
} PingWait;

static gboolean
enough_pings (gpointer data)
{
  PingWait *w = data;
  g_autoptr(GPtrArray) got = manager_drain (w->m);
  w->pings += count_equal (got, "WATCHDOG=1");
  return w->pings >= w->want;
}

static void
test_ready_and_status_arrive (void)
{
  g_autoptr(Manager) m = manager_new (FALSE);
  g_autoptr(HbWatchdog) wd = hb_watchdog_new (m->address, 0);
  g_autoptr(GPtrArray) got = NULL;

  g_assert_true (hb_watchdog_is_active (wd));
  hb_watchdog_ready (wd, "serving\nsecond line");
  hb_watchdog_status (wd, "platform unreachable");
  hb_watchdog_stopping (wd);
  got = manager_drain (m);
  g_assert_cmpuint (got->len, ==, 3);
  /* A status is one line: a newline in it would start a bogus assignment. */
  g_assert_cmpstr (g_ptr_array_index (got, 0), ==, "READY=1\nSTATUS=serving second line");
  g_assert_cmpstr (g_ptr_array_index (got, 1), ==, "STATUS=platform unreachable");
  g_assert_cmpstr (g_ptr_array_index (got, 2), ==, "STOPPING=1");
}

static void
test_abstract_socket (void)
{
  g_autoptr(Manager) m = manager_new (TRUE);
  g_autoptr(HbWatchdog) wd = hb_watchdog_new (m->address, 0);
  g_autoptr(GPtrArray) got = NULL;

  hb_watchdog_ready (wd, NULL);
  got = manager_drain (m);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (got, 0), ==, "READY=1");
}

static void
test_pings_arrive_at_half_the_interval (void)
{
  g_autoptr(Manager) m = manager_new (FALSE);
  /* WatchdogSec=0.4 → a ping every 200 ms. */
  g_autoptr(HbWatchdog) wd = hb_watchdog_new (m->address, 400000);
  PingWait w = { m, 0, 4 };
  gint64 start;

  hb_watchdog_start_pings (wd);
  start = g_get_monotonic_time ();
  g_assert_true (hb_test_wait_until (enough_pings, &w, 20000));
  /* Four pings (the first at once) take at least three intervals: pings are not
   * sent faster than WATCHDOG_USEC/2. A lower bound only: never a timed upper bound. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 3 * 200000 - 20000);
  g_assert_cmpuint (hb_watchdog_get_pings_sent (wd), >=, 4);

  hb_watchdog_stop_pings (wd);
  g_autoptr(GPtrArray) rest = manager_drain (m);
  hb_test_spin (500);
  g_autoptr(GPtrArray) after = manager_drain (m);
  g_assert_cmpuint (count_equal (after, "WATCHDOG=1"), ==, 0);
}

typedef struct {
  Manager *m;
  guint    before, during;
  gboolean done;
} Block;

/* A handler that hogs the main loop for twice WatchdogSec, like a UI stuck on I/O. */
static gboolean
block_the_loop (gpointer data)
{
  Block *b = data;
  g_autoptr(GPtrArray) before = manager_drain (b->m);
  g_autoptr(GPtrArray) during = NULL;

  b->before = count_equal (before, "WATCHDOG=1");
  g_usleep (2 * 300000);
  during = manager_drain (b->m);
  b->during = count_equal (during, "WATCHDOG=1");
  b->done = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
is_done (gpointer data)
{
  return ((Block *) data)->done;
}

static void
test_blocked_loop_sends_no_pings (void)
{
  g_autoptr(Manager) m = manager_new (FALSE);
  g_autoptr(HbWatchdog) wd = hb_watchdog_new (m->address, 300000);   /* WatchdogSec=0.3 */
  Block b = { m, 0, 0, FALSE };
  PingWait w = { m, 0, 2 };

  hb_watchdog_start_pings (wd);
  g_assert_true (hb_test_wait_until (enough_pings, &w, 20000));
  g_idle_add (block_the_loop, &b);
  g_assert_true (hb_test_wait_until (is_done, &b, 20000));
  /* Not one ping while the loop was stuck: systemd's WatchdogSec runs out and it
   * restarts the kiosk. */
  g_assert_cmpuint (b.during, ==, 0);

  /* The loop runs again: so do the pings. */
  w.pings = 0;
  w.want = 2;
  g_assert_true (hb_test_wait_until (enough_pings, &w, 20000));
}

static void
test_no_socket_sends_nothing (void)
{
  g_autoptr(Manager) m = manager_new (FALSE);
  g_autoptr(HbWatchdog) wd = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GError) error = NULL;

  g_unsetenv ("NOTIFY_SOCKET");
  g_setenv ("WATCHDOG_USEC", "200000", TRUE);
  wd = hb_watchdog_new_from_environment ();
  g_assert_false (hb_watchdog_is_active (wd));
  g_assert_true (hb_watchdog_notify (wd, "READY=1", &error));
  g_assert_no_error (error);
  hb_watchdog_ready (wd, "serving");
  hb_watchdog_start_pings (wd);
  hb_test_spin (300);
  hb_watchdog_stopping (wd);
  g_assert_cmpuint (hb_watchdog_get_pings_sent (wd), ==, 0);
  got = manager_drain (m);
  g_assert_cmpuint (got->len, ==, 0);
  g_unsetenv ("WATCHDOG_USEC");
}

static void
test_environment_is_read (void)
{
  g_autoptr(Manager) m = manager_new (FALSE);
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *ppid = g_strdup_printf ("%d", (int) getppid ());
  g_autoptr(HbWatchdog) wd = NULL, other = NULL, under_cage = NULL;

  g_setenv ("NOTIFY_SOCKET", m->address, TRUE);
  g_setenv ("WATCHDOG_USEC", "30000000", TRUE);
  g_setenv ("WATCHDOG_PID", pid, TRUE);
  wd = hb_watchdog_new_from_environment ();
  g_assert_true (hb_watchdog_is_active (wd));
  g_assert_cmpuint (hb_watchdog_get_usec (wd), ==, 30000000);

  /* Under cage the unit's main process is an ancestor (session script, compositor). */
  g_setenv ("WATCHDOG_PID", ppid, TRUE);
  under_cage = hb_watchdog_new_from_environment ();
  g_assert_cmpuint (hb_watchdog_get_usec (under_cage), ==, 30000000);

  /* WATCHDOG_PID of another process (a child that inherited the environment): READY and
   * STATUS still go out, the watchdog pings do not. */
  {
    /* A process that is not an ancestor: a child of ours. */
    g_autoptr(GSubprocess) child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, NULL,
                                                     "cat", NULL);
    g_assert_nonnull (child);
    g_setenv ("WATCHDOG_PID", g_subprocess_get_identifier (child), TRUE);
    other = hb_watchdog_new_from_environment ();
    g_subprocess_force_exit (child);
    g_subprocess_wait (child, NULL, NULL);
  }
  g_assert_true (hb_watchdog_is_active (other));
  g_assert_cmpuint (hb_watchdog_get_usec (other), ==, 0);

  g_unsetenv ("NOTIFY_SOCKET");
  g_unsetenv ("WATCHDOG_USEC");
  g_unsetenv ("WATCHDOG_PID");
}

static void
test_unusable_address_is_inactive (void)
{
  g_autoptr(HbWatchdog) relative = NULL, gone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hb_test_mkdtemp ("watchdog");
  g_autofree char *missing = g_build_filename (dir, "nobody-listens", NULL);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*NOTIFY_SOCKET*");
  relative = hb_watchdog_new ("relative/path", 1000000);
  g_test_assert_expected_messages ();
  g_assert_false (hb_watchdog_is_active (relative));

  /* A socket nobody listens on: an error, not a hang or a crash. */
  gone = hb_watchdog_new (missing, 0);
  g_assert_false (hb_watchdog_notify (gone, "READY=1", &error));
  g_assert_nonnull (error);
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/watchdog/ready-and-status-arrive", test_ready_and_status_arrive);
  g_test_add_func ("/kiosk/watchdog/abstract-socket-address", test_abstract_socket);
  g_test_add_func ("/kiosk/watchdog/pings-arrive-every-half-interval",
                   test_pings_arrive_at_half_the_interval);
  g_test_add_func ("/kiosk/watchdog/blocked-main-loop-sends-no-pings",
                   test_blocked_loop_sends_no_pings);
  g_test_add_func ("/kiosk/watchdog/no-notify-socket-sends-nothing", test_no_socket_sends_nothing);
  g_test_add_func ("/kiosk/watchdog/environment-is-read", test_environment_is_read);
  g_test_add_func ("/kiosk/watchdog/unusable-address-is-inactive",
                   test_unusable_address_is_inactive);
  return g_test_run ();
}
