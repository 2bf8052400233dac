/* The haoban-kiosk binary itself, as systemd and a technician start and stop it. */
#include "tests/common/hb-test-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <signal.h>
#include <string.h>

static char *
kiosk_path (void)
{
  return g_build_filename (hb_test_builddir (), "haoban-kiosk", NULL);
}

typedef struct {
  GSubprocess *proc;
  gboolean     done;
} Wait;

static void
exited (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  w->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Wait *) data)->done;
}

static gboolean
log_has (gpointer data)
{
  const char *const *args = data;
  g_autofree char *text = hb_test_read_file (args[0], NULL);
  return text && strstr (text, args[1]);
}

static void
test_sigterm_stops_cleanly (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("kiosk");
  g_autofree char *bin = kiosk_path ();
  g_autofree char *log = g_build_filename (dir, "logs", "haoban.log", NULL);
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  const char *first_frame[] = { log, "core: terminal" };
  Wait w = { 0 };

  g_subprocess_launcher_setenv (l, "HAOBAN_DATA_DIR", dir, TRUE);
  /* Nobody listens there: the terminal must start (and stop) offline. */
  g_subprocess_launcher_setenv (l, "HAOBAN_PLATFORM_URL", "http://127.0.0.1:9", TRUE);
  w.proc = g_subprocess_launcher_spawn (l, &error, bin, "--windowed", NULL);
  g_assert_no_error (error);
  g_assert_true (hb_test_wait_until (log_has, first_frame, 20000));
  {
    g_autofree char *text = hb_test_read_file (log, NULL);
    g_assert_nonnull (strstr (text, "first frame on screen"));
  }
  g_subprocess_send_signal (w.proc, SIGTERM);
  g_subprocess_wait_async (w.proc, NULL, exited, &w);
  g_assert_true (hb_test_wait_until (is_done, &w, 20000));
  g_assert_true (g_subprocess_get_if_exited (w.proc));
  g_assert_cmpint (g_subprocess_get_exit_status (w.proc), ==, 0);
  {
    g_autofree char *text = hb_test_read_file (log, NULL);
    g_assert_nonnull (strstr (text, "stopping on signal"));
    g_assert_nonnull (strstr (text, "core: stopped"));
  }
  g_object_unref (w.proc);
  hb_test_rmdir (dir);
}

static void
test_snapshot_renders_the_attract_page (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("kiosk");
  g_autofree char *bin = kiosk_path ();
  g_autofree char *png = hb_test_output_path ("snapshot-attract.png");
  g_autofree char *db = g_build_filename (dir, "haoban.db", NULL);
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  g_subprocess_launcher_setenv (l, "HAOBAN_DATA_DIR", dir, TRUE);
  proc = g_subprocess_launcher_spawn (l, &error, bin, "--snapshot", png, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_new_from_file (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1080);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 1920);
  /* The top bar is the 一网通办 blue, not an empty window. */
  {
    const guchar *px = gdk_pixbuf_get_pixels (pixbuf) + 40 * gdk_pixbuf_get_rowstride (pixbuf)
                       + 300 * gdk_pixbuf_get_n_channels (pixbuf);
    g_assert_cmpint (px[0], <, 40);
    g_assert_cmpint (px[2], >, 140);
  }
  /* Start-up work waits for the first frame: the snapshot never opens the store. */
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  hb_test_rmdir (dir);
}

static void
test_bad_config_is_refused (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("kiosk");
  g_autofree char *bin = kiosk_path ();
  g_autofree char *conf = g_build_filename (dir, "kiosk.conf", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (conf, "[session]\nidle_timeout = forever\n", -1, NULL));
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                           &error, bin, "--config", conf, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_nonnull (strstr (err, "idle_timeout"));
  g_assert_nonnull (strstr (err, conf));
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  hb_test_init_full (&argc, &argv, FALSE);
  g_test_add_func ("/ui/kiosk-binary/sigterm-stops-it-cleanly", test_sigterm_stops_cleanly);
  g_test_add_func ("/ui/kiosk-binary/snapshot-renders-the-attract-page-without-starting-up",
                   test_snapshot_renders_the_attract_page);
  g_test_add_func ("/ui/kiosk-binary/bad-config-is-refused-naming-the-key", test_bad_config_is_refused);
  return g_test_run ();
}
