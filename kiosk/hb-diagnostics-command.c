/* hb-diagnostics-command.c — `haobanctl diagnostics export`. */
#include "kiosk/hb-diagnostics-command.h"
#include "kiosk/hb-diagnostics.h"

#include <stdio.h>

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl diagnostics export [DIR] [--offline]\n");
  return 2;
}

int
hb_diagnostics_command_run (HbConfig *config, int argc, char **argv)
{
  const char *dir = NULL;
  HbDiagnosticsOptions opts;
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = NULL, *path = NULL;

  if (argc < 1 || !g_str_equal (argv[0], "export"))
    return usage ();
  hb_diagnostics_options_init (&opts);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--offline"))
        opts.doctor_skip_platform = TRUE;
      else if (argv[i][0] != '-' && dir == NULL)
        dir = argv[i];
      else
        return usage ();
    }
  if (dir == NULL)
    dir = hb_config_get_string (config, "maintenance", "export_dir");
  if (dir == NULL)
    dir = cwd = g_get_current_dir ();

  path = hb_diagnostics_export (config, NULL, dir, &opts, NULL, &error);
  if (path == NULL)
    {
      fprintf (stderr, "haobanctl: diagnostics: %s\n", error->message);
      return 1;
    }
  printf ("%s\n", path);
  return 0;
}
