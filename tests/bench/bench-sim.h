/* bench-sim.h — a haoban-platform-sim for a benchmark, on a data folder of its own: started
 * on a free port (its stdout's first line gives the URL), its per-request stderr dropped,
 * killed with the bench if that aborts. Header-only (static inline). */
#pragma once

#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

typedef struct {
  GSubprocess *proc;
  char        *url;
} BenchSim;

/* In the child before exec. A bench of the kiosk's own CPU use runs the platform (which is
 * not on the terminal) at nice 19: data is then non-NULL. */
static inline void
bench_sim_child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (data != NULL)
    (void) setpriority (PRIO_PROCESS, 0, 19);
}

static inline void
bench_sim_start (BenchSim *sim, const char *data_dir, gboolean niced)
{
  g_autofree char *bin = g_build_filename (hb_test_builddir (), "haoban-platform-sim", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

  g_subprocess_launcher_set_child_setup (launcher, bench_sim_child_setup,
                                         niced ? GINT_TO_POINTER (1) : NULL, NULL);
  sim->proc = g_subprocess_launcher_spawn (launcher, &error, bin, "--port", "0", "--data",
                                           data_dir, NULL);
  g_assert_no_error (error);
  g_autoptr(GDataInputStream) in =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->proc));
  g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  const char *p = strstr (line, "http://127.0.0.1:");
  g_assert_nonnull (p);
  sim->url = g_strstrip (g_strdup (p));
  g_input_stream_close (G_INPUT_STREAM (in), NULL, NULL);
}

static inline void
bench_sim_stop (BenchSim *sim)
{
  g_subprocess_force_exit (sim->proc);
  g_subprocess_wait (sim->proc, NULL, NULL);
  g_clear_object (&sim->proc);
  g_clear_pointer (&sim->url, g_free);
}
