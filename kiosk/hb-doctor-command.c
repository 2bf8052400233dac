/* hb-doctor-command.c — `haobanctl doctor`. */
#include "kiosk/hb-doctor-command.h"
#include "kiosk/hb-doctor.h"
#include "common/hb-json.h"

#include <stdio.h>

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl doctor [--json] [--offline]\n");
  return 2;
}

int
hb_doctor_command_run (HbConfig *config, const GError *config_error, int argc, char **argv)
{
  gboolean as_json = FALSE;
  HbDoctorOptions opts;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  hb_doctor_options_init (&opts);
  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        as_json = TRUE;
      else if (g_str_equal (argv[i], "--offline"))
        opts.skip_platform = TRUE;
      else
        return usage ();
    }

  checks = hb_doctor_run_full (config, config_error, &opts, NULL, &error);
  if (checks == NULL)
    {
      fprintf (stderr, "haobanctl: doctor: %s\n", error->message);
      return 1;
    }
  if (as_json)
    {
      g_autoptr(JsonNode) node = hb_doctor_to_json (checks);
      g_autofree char *text = hb_json_to_string (node);
      printf ("%s\n", text);
    }
  else
    {
      g_autofree char *text = hb_doctor_format_text (checks);
      fputs (text, stdout);
    }
  return hb_doctor_worst (checks) == HB_DOCTOR_FAIL ? 1 : 0;
}
