/* fuzz-doctor-status.c — the doctor reads the kiosk's status.json (outside bytes: any
 * process able to write the data dir, a half-written file) to add the kiosk's view to each
 * device line, and the platform's Date header for the clock check. Whatever comes in: no
 * crash, no critical, every line one bounded line. */
#include "kiosk/hb-doctor-private.h"
#include "common/hb-json.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static HbConfig *config;
  HbDoctorOptions opts;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_doctor_check_free);
  g_autofree char *line = g_strndup ((const char *) data, MIN (size, 200));
  HbDoctorRun run = { 0 };
  gint64 t;

  if (config == NULL)
    config = hb_config_new ();   /* virtual devices: nothing on the machine is looked at */
  hb_doctor_options_init (&opts);
  hb_doctor_parse_http_date (line, &t);

  status = hb_json_parse_object ((const char *) data, (gssize) size, 256 * 1024,
                                 HB_JSON_DEFAULT_MAX_DEPTH, NULL);
  run.config = config;
  run.opts = &opts;
  run.checks = checks;
  run.kiosk = status;
  hb_doctor_check_devices (&run);
  g_assert_cmpuint (checks->len, ==, 4);
  for (guint i = 0; i < checks->len; i++)
    {
      const HbDoctorCheck *c = checks->pdata[i];
      g_assert_null (strchr (c->what, '\n'));
      g_assert_cmpuint (g_utf8_strlen (c->what, -1), <=, 401);
      g_assert_true (c->level == HB_DOCTOR_OK || c->fix != NULL);
    }
  return 0;
}
