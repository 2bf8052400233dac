/* fuzz-config.c — configuration files (hb_config_merge_data): a technician's hand-edited
 * /etc/haoban/kiosk.conf or a platform profile. Any bytes: a clear error or a config whose
 * every value passes its own validation. */
#include "kiosk/hb-config.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok = hb_config_merge_data (config, (const char *) data, size, "fuzz", &error);

  g_assert_true (ok == (error == NULL));
  if (ok)
    {
      /* Accepted values are usable: numbers in range, paths absolute. */
      gint64 idle = hb_config_get_int (config, "session", "idle_timeout");
      g_assert_true (idle >= 5 && idle <= 3600);
      g_assert_true (g_path_is_absolute (hb_config_get_string (config, "paths", "data_dir")));
      g_free (hb_config_dump (config));
    }
  return 0;
}
