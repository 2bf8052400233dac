/* hb-config.h — the terminal's configuration, layered:
 *   compiled defaults → config file → environment (HAOBAN_DATA_DIR, HAOBAN_PLATFORM_URL).
 * The file is the one given with --config, else $HAOBAN_CONFIG, else
 * /etc/haoban/kiosk.conf when it exists. Every key is listed in hb-config.c's table
 * and documented in docs/configuration.md; unknown keys and out-of-range values are errors
 * that name the key, so a typo cannot silently run a terminal with defaults. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HB_CONFIG_SYSTEM_FILE "/etc/haoban/kiosk.conf"

#define HB_CONFIG_ERROR (hb_config_error_quark ())
GQuark hb_config_error_quark (void);
typedef enum {
  HB_CONFIG_ERROR_PARSE,
  HB_CONFIG_ERROR_UNKNOWN_KEY,
  HB_CONFIG_ERROR_INVALID_VALUE,
} HbConfigError;

#define HB_TYPE_CONFIG (hb_config_get_type ())
G_DECLARE_FINAL_TYPE (HbConfig, hb_config, HB, CONFIG, GObject)

/* Compiled defaults only. */
HbConfig   *hb_config_new (void);
/* Resolve the file (explicit_path, else $HAOBAN_CONFIG, else the system file if present),
 * load it over the defaults, then apply the environment. */
HbConfig   *hb_config_load (const char *explicit_path, GError **error);
/* Layer a key file's contents (all keys validated) over the current values. */
gboolean    hb_config_merge_data (HbConfig *self, const char *data, gsize length,
                                  const char *origin, GError **error);
/* Apply HAOBAN_DATA_DIR and HAOBAN_PLATFORM_URL. */
void        hb_config_apply_environment (HbConfig *self);
/* Set one key (validated like a file value); for command-line switches and tests. */
gboolean    hb_config_set (HbConfig *self, const char *group, const char *key,
                           const char *value, GError **error);

/* The file that was loaded, or NULL. */
const char *hb_config_get_source (HbConfig *self);
/* The file writers (the technician's 设备配置) write to; for tests whose config was built
 * with hb_config_set and the tools that hold the file elsewhere. */
void        hb_config_set_source (HbConfig *self, const char *path);

const char *hb_config_get_string (HbConfig *self, const char *group, const char *key);
gint64      hb_config_get_int    (HbConfig *self, const char *group, const char *key);
gboolean    hb_config_get_bool   (HbConfig *self, const char *group, const char *key);

/* Derived paths under [paths] data_dir. (transfer full) */
char       *hb_config_dup_data_path (HbConfig *self, const char *name);
char       *hb_config_dup_db_path   (HbConfig *self);   /* data_dir/haoban.db */
char       *hb_config_dup_key_path  (HbConfig *self);   /* data_dir/keys/store.key */
char       *hb_config_dup_spool_dir (HbConfig *self);   /* data_dir/spool */
char       *hb_config_dup_log_dir   (HbConfig *self);   /* data_dir/logs */
char       *hb_config_dup_sim_socket (HbConfig *self);  /* [devices] sim_socket or data_dir/sim.sock */
/* [paths] share_dir: read-only data (sample cards). */
const char *hb_config_get_share_dir (HbConfig *self);

/* Writes "group.key = value (origin)" lines for every key (haobanctl config). */
char       *hb_config_dump (HbConfig *self);

G_END_DECLS
