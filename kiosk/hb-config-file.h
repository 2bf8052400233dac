/* hb-config-file.h — the one writer of configuration keys (haobanctl maintenance pin set,
 * haobanctl provision, the technician's 设备配置 editor).
 *
 * The file is loaded keeping its comments, the keys are set or removed, the result is
 * checked like the kiosk will read it (hb_config_merge_data: a config the terminal would
 * refuse to start with is never written), and it replaces the file atomically: a temporary
 * file in the same folder with the old file's mode and owner (0644 for a new file),
 * fsync'ed, renamed over it, the folder fsync'ed. Blocking (fsync): never on the UI thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* group_key_values: NULL-terminated triples "group", "key", "value"; a NULL value removes
 * the key, so the list ends at the first NULL *group*. A missing file is created; a
 * missing folder is an error (G_IO_ERROR_*). */
gboolean hb_config_file_set_keys (const char *path, const char *const *group_key_values,
                                  GError **error);

/* The two halves, for a caller that must check everything before it replaces any file
 * (provisioning): the updated, checked contents (transfer full)… */
char    *hb_config_file_update_data (const char *path, const char *const *group_key_values,
                                     gsize *length, GError **error);
/* …and the atomic replacement. */
gboolean hb_config_file_replace (const char *path, const char *data, gsize length,
                                 GError **error);

G_END_DECLS
