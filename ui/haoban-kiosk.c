/* haoban-kiosk — the terminal's GTK application.
 *
 *   haoban-kiosk [--config FILE] [--devices virtual|real] [--windowed] [--snapshot FILE]
 *   haoban-kiosk [--config FILE] --cage-args
 *
 * --snapshot renders the first frame of the attract page to a PNG and exits (start-up
 * benchmark); it starts neither devices nor sync. */
#include "ui/hb-application.h"
#include "ui/hb-display.h"
#include "kiosk/hb-config.h"
#include "kiosk/hb-core.h"
#include "kiosk/hb-maintenance.h"
#include "kiosk/hb-i18n.h"
#include "kiosk/hb-log.h"

#include <stdio.h>
#include <string.h>

/* Without a GPU, GTK 4.8's GL renderer runs on software Mesa, which is slower to start
 * and heavier than its cairo renderer. Merely initialising GL (llvmpipe) costs ~60 MiB of
 * RSS and ~50 ms before the first frame (measured with --snapshot), so GL is switched off
 * too. An explicit GSK_RENDERER or GDK_DEBUG from the environment still wins. */
static void
choose_renderer (void)
{
  if (g_getenv ("GSK_RENDERER") != NULL || g_file_test ("/dev/dri", G_FILE_TEST_IS_DIR))
    return;
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  if (g_getenv ("GDK_DEBUG") == NULL)
    g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
}

/* Never ship the inspector: drop GTK_DEBUG=interactive if the environment carries it. */
static void
no_inspector (void)
{
  const char *debug = g_getenv ("GTK_DEBUG");
  if (debug && strstr (debug, "interactive"))
    g_unsetenv ("GTK_DEBUG");
}

int
main (int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  g_autofree char *devices = NULL;
  g_autofree char *snapshot = NULL;
  gboolean windowed = FALSE, version = FALSE, cage_args = FALSE;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
    { "devices", 0, 0, G_OPTION_ARG_STRING, &devices, "virtual or real devices", "MODE" },
    { "windowed", 0, 0, G_OPTION_ARG_NONE, &windowed, "Do not go fullscreen", NULL },
    { "snapshot", 0, 0, G_OPTION_ARG_FILENAME, &snapshot, "Render the first frame to a PNG and exit", "FILE" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { "cage-args", 0, 0, G_OPTION_ARG_NONE, &cage_args, "Print cage's options for [display] rotation and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— 一网通办 self-service terminal");
  g_autoptr(GError) error = NULL;
  g_autoptr(HbConfig) config = NULL;
  g_autoptr(HbApplication) app = NULL;
  char *app_argv[] = { argv[0], NULL };
  int status;

  choose_renderer ();
  no_inspector ();
  hb_i18n_init (HB_LOCALEDIR);

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "haoban-kiosk: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("haoban-kiosk %s\n", HB_VERSION);
      return 0;
    }

  config = hb_config_load (config_path, &error);
  if (config == NULL)
    {
      fprintf (stderr, "haoban-kiosk: %s\n", error->message);
      return 1;
    }
  if ((devices && !hb_config_set (config, "devices", "mode", devices, &error)) ||
      (windowed && !hb_config_set (config, "ui", "fullscreen", "false", &error)))
    {
      fprintf (stderr, "haoban-kiosk: %s\n", error->message);
      return 2;
    }
  if (cage_args)
    {
      /* The session rotates the output (cage -r); the kiosk does not draw rotated (H33). */
      printf ("%s\n", hb_display_cage_args (config));
      return 0;
    }
  hb_i18n_set_language (hb_config_get_string (config, "ui", "language"));

  if (snapshot == NULL)
    {
      g_autofree char *log_dir = hb_config_dup_log_dir (config);
      if (!hb_log_init (log_dir, hb_config_get_string (config, "log", "level"),
                        (gsize) hb_config_get_int (config, "log", "max_bytes"), &error))
        {
          fprintf (stderr, "haoban-kiosk: %s\n", error->message);
          return 1;
        }
      g_message ("kiosk: haoban %s starting (config %s)", HB_VERSION,
                 hb_config_get_source (config) ? hb_config_get_source (config) : "defaults");
    }

  app = hb_application_new (config, snapshot);
  status = g_application_run (G_APPLICATION (app), 1, app_argv);
  /* 重启程序 / 退出 kiosk in maintenance mode quit with the codes the session unit knows
   * (docs/maintenance.md: 75 restart, 77 leave the kiosk session). */
  if (status == 0 && hb_application_get_core (app))
    {
      int code = hb_maintenance_get_exit_code (hb_core_get_maintenance (hb_application_get_core (app)));
      if (code != 0)
        status = code;
    }
  hb_log_shutdown ();
  return status;
}
