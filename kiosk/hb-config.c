/* hb-config.c — layered, validated configuration. */
#include "kiosk/hb-config.h"
#include "kiosk/hb-staff-auth.h"
#include "kiosk/hb-display-schedule.h"

#include <errno.h>
#include <string.h>

#ifndef HB_SOURCE_DATADIR
#define HB_SOURCE_DATADIR "/usr/share/haoban"
#endif

G_DEFINE_QUARK (hb-config-error-quark, hb_config_error)

typedef enum { T_STRING, T_INT, T_BOOL, T_CHOICE, T_URL, T_PATH, T_PINS, T_PBKDF2,
               T_SCHEDULE /* H33: "HH:MM-HH:MM" */ } KeyType;

typedef struct {
  const char *group;
  const char *key;
  KeyType     type;
  const char *def;        /* compiled default; NULL = unset (derived) */
  gint64      min, max;   /* T_INT */
  const char *choices;    /* T_CHOICE: '|'-separated */
} KeySpec;

/* Every key the terminal reads. docs/configuration.md describes each. */
static const KeySpec keys[] = {
  { "terminal", "id",                 T_STRING, "SH-DEMO-0001" },
  { "terminal", "site",               T_STRING, "徐汇区社区事务受理服务中心" },
  { "terminal", "nearby",             T_STRING, "徐汇区行政服务中心（漕溪北路336号）一楼自助区" },
  /* H31: the 暂停服务 screen — the nearby terminals' hours (docs/maintenance.md). */
  { "terminal", "nearby_hours",       T_STRING, "周一至周六 9:00–17:00" },
  { "paths",    "data_dir",           T_PATH,   NULL },
  { "paths",    "share_dir",          T_PATH,   HB_SOURCE_DATADIR },
  { "platform", "url",                T_URL,    "http://127.0.0.1:8470" },
  { "platform", "catalog_interval",   T_INT,    "300",    5, 86400 },
  { "platform", "retry_base_ms",      T_INT,    "1000",   10, 600000 },
  { "platform", "retry_cap_ms",       T_INT,    "300000", 100, 3600000 },
  { "platform", "connect_timeout_ms", T_INT,    "3000",   100, 60000 },
  { "platform", "request_timeout_ms", T_INT,    "10000",  500, 120000 },
  /* Heartbeat and parked outbox items (docs/offline-cache.md "Sync"). */
  { "platform", "heartbeat_interval", T_INT,    "60",     10, 3600 },
  { "platform", "park_after_failures", T_INT,   "20",     1, 1000 },
  { "platform", "park_after_hours",   T_INT,    "72",     1, 8760 },
  /* 帮办: how often a help call asks whether an agent answered (kiosk/hb-help-call.h). */
  { "platform", "help_poll_ms",       T_INT,    "2000",   200, 30000 },
  /* Transport security (docs/transport-security.md); the files are checked at sync start. */
  { "platform", "ca_file",            T_PATH,   NULL },
  { "platform", "pin_sha256",         T_PINS,   NULL },
  { "platform", "client_cert",        T_PATH,   NULL },
  { "platform", "client_key",         T_PATH,   NULL },
  { "devices",  "mode",               T_CHOICE, "virtual", 0, 0, "virtual|real" },
  { "devices",  "sim_socket",         T_PATH,   NULL },
  { "devices",  "idcard_serial",      T_PATH,   NULL },
  { "devices",  "idcard_baud",        T_INT,    "115200", 1200, 4000000 },
  { "devices",  "scanner_serial",     T_PATH,   NULL },
  { "devices",  "scanner_baud",       T_INT,    "115200", 1200, 4000000 },
  { "devices",  "camera",             T_PATH,   NULL },
  { "devices",  "receipt_paper",      T_CHOICE, "a4",    0, 0, "a4|roll" },
  { "devices",  "cups_queue",         T_STRING, NULL },
  { "devices",  "cups_server",        T_STRING, NULL },
  { "session",  "idle_timeout",       T_INT,    "90",     5, 3600 },
  { "session",  "warning_seconds",    T_INT,    "30",     3, 600 },
  { "session",  "submit_wait_ms",     T_INT,    "5000",   0, 60000 },
  { "session",  "result_seconds",     T_INT,    "60",     5, 600 },
  /* 长辈模式: the idle timeout and warning while the mode is on (ui/hb-elder-mode.h). */
  { "session",  "elder_idle_timeout", T_INT,    "180",    5, 3600 },
  { "session",  "elder_warning_seconds", T_INT, "60",     3, 600 },
  { "ui",       "language",           T_CHOICE, "zh_CN",  0, 0, "zh_CN|en" },
  { "ui",       "fullscreen",         T_BOOL,   "true" },
  { "ui",       "sim_panel",          T_CHOICE, "auto",   0, 0, "auto|on|off" },
  { "ui",       "width",              T_INT,    "1080",   320, 7680 },
  { "ui",       "height",             T_INT,    "1920",   240, 7680 },
  /* Voice guidance (kiosk/hb-voice.h): sink is device | file:PATH | memory | none, checked
   * when the voice starts; enabled_default turns it on for every visit, not only 长辈模式. */
  { "voice",    "sink",               T_STRING, "device" },
  { "voice",    "rate",               T_INT,    "150",    80, 300 },
  { "voice",    "enabled_default",    T_BOOL,   "false" },
  { "log",      "level",              T_CHOICE, "info",   0, 0, "debug|info|warning" },
  { "log",      "max_bytes",          T_INT,    "10485760", 65536, 1073741824 },
  /* Below this much free space in data_dir new applications are refused (docs/offline-cache.md). */
  { "store",    "min_free_mb",        T_INT,    "64",     1, 102400 },
  /* H31: maintenance mode on the touch screen (docs/maintenance.md): how long the hidden
   * corner press lasts, the idle logout, where diagnostics go (unset: a USB stick under
   * /media, else the data dir). */
  { "maintenance", "gesture_ms",      T_INT,    "5000",   100, 30000 },
  { "maintenance", "idle_timeout",    T_INT,    "180",    5, 3600 },
  { "maintenance", "export_dir",      T_PATH,   NULL },
  /* H28: staff entry PINs, only as PBKDF2 hashes (kiosk/hb-staff-auth.h; `haobanctl
   * maintenance pin set` writes them). Unset: that role has no PIN (staff cards still work). */
  { "maintenance", "staff_pin_hash",      T_PBKDF2, NULL },
  { "maintenance", "technician_pin_hash", T_PBKDF2, NULL },
  /* H33: the screen (ui/hb-display.h, docs/configuration.md "[display]"). Rotation is
   * applied by the session (cage -r), not drawn by the kiosk. Unset blank_schedule: never. */
  { "display",  "hide_cursor",        T_CHOICE, "auto",   0, 0, "auto|true|false" },
  { "display",  "rotation",           T_CHOICE, "0",      0, 0, "0|90|180|270" },
  { "display",  "blank_schedule",     T_SCHEDULE, NULL },
  { "display",  "wake_minutes",       T_INT,    "5",      1, 120 },
};

/* Bounds on what a file may hold, before parsing. */
#define CONFIG_MAX_BYTES (256 * 1024)
#define VALUE_MAX_BYTES  4096

struct _HbConfig
{
  GObject     parent_instance;
  GHashTable *values;   /* "group.key" → value (owned) */
  GHashTable *origins;  /* "group.key" → "default" / file path / "environment" */
  char       *source;
};

G_DEFINE_FINAL_TYPE (HbConfig, hb_config, G_TYPE_OBJECT)

static void
hb_config_finalize (GObject *object)
{
  HbConfig *self = HB_CONFIG (object);
  g_hash_table_unref (self->values);
  g_hash_table_unref (self->origins);
  g_free (self->source);
  G_OBJECT_CLASS (hb_config_parent_class)->finalize (object);
}

static void
hb_config_class_init (HbConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_config_finalize;
}

static char *
full_key (const char *group, const char *key)
{
  return g_strconcat (group, ".", key, NULL);
}

static void
hb_config_init (HbConfig *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->origins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].def != NULL)
      {
        g_hash_table_insert (self->values, full_key (keys[i].group, keys[i].key),
                             g_strdup (keys[i].def));
        g_hash_table_insert (self->origins, full_key (keys[i].group, keys[i].key),
                             g_strdup ("default"));
      }
  /* The data dir's default depends on the user, so it is derived, not compiled in. */
  g_hash_table_insert (self->values, g_strdup ("paths.data_dir"),
                       g_build_filename (g_get_user_state_dir (), "haoban", NULL));
  g_hash_table_insert (self->origins, g_strdup ("paths.data_dir"), g_strdup ("default"));
}

HbConfig *
hb_config_new (void)
{
  return g_object_new (HB_TYPE_CONFIG, NULL);
}

static const KeySpec *
find_spec (const char *group, const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_str_equal (keys[i].group, group) && g_str_equal (keys[i].key, key))
      return &keys[i];
  return NULL;
}

static gboolean
validate (const KeySpec *spec, const char *value, GError **error)
{
  if (strlen (value) > VALUE_MAX_BYTES || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                   "[%s] %s: value is too long or not UTF-8", spec->group, spec->key);
      return FALSE;
    }

  switch (spec->type)
    {
    case T_STRING:
      if (*value == '\0')
        {
          g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                       "[%s] %s: must not be empty", spec->group, spec->key);
          return FALSE;
        }
      return TRUE;

    case T_PATH:
      if (!g_path_is_absolute (value))
        {
          g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                       "[%s] %s: must be an absolute path", spec->group, spec->key);
          return FALSE;
        }
      return TRUE;

    case T_PINS:
      {
        /* "sha256//<44 base64 chars>" items separated by ';' (a GKeyFile list). */
        g_auto(GStrv) items = g_strsplit (value, ";", -1);
        guint n = 0;
        for (char **p = items; *p; p++)
          {
            char *item = g_strstrip (*p);
            gsize len = strlen (item);
            gboolean ok;
            if (len == 0)
              continue;   /* GKeyFile writes lists with a trailing ';' */
            ok = len == 8 + 44 && g_str_has_prefix (item, "sha256//") && item[len - 1] == '=';
            for (gsize i = 8; ok && i < len - 1; i++)
              ok = g_ascii_isalnum (item[i]) || item[i] == '+' || item[i] == '/';
            if (!ok || ++n > 8)
              {
                g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                             "[%s] %s: must be 1 to 8 items \"sha256//<base64 of the "
                             "SHA-256 of the public key>\" separated by ';'",
                             spec->group, spec->key);
                return FALSE;
              }
          }
        if (n == 0)
          {
            g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                         "[%s] %s: must not be empty", spec->group, spec->key);
            return FALSE;
          }
        return TRUE;
      }

    case T_PBKDF2:
      {
        /* A PIN in clear (or anything else) is refused, never silently ignored. */
        g_autoptr(GError) local = NULL;
        if (hb_staff_auth_validate_hash (value, &local))
          return TRUE;
        g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                     "[%s] %s: %s", spec->group, spec->key, local->message);
        return FALSE;
      }

    case T_SCHEDULE:
      {
        HbDisplaySchedule schedule;
        g_autoptr(GError) local = NULL;
        if (hb_display_schedule_parse (value, &schedule, &local))
          return TRUE;
        g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                     "[%s] %s: %s", spec->group, spec->key, local->message);
        return FALSE;
      }

    case T_URL:
      if (!(g_str_has_prefix (value, "http://") || g_str_has_prefix (value, "https://"))
          || strchr (value, ' ') != NULL || strlen (value) < 10)
        {
          g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                       "[%s] %s: must be an http:// or https:// URL", spec->group, spec->key);
          return FALSE;
        }
      return TRUE;

    case T_INT:
      {
        gint64 v;
        g_autoptr(GError) local = NULL;
        if (!g_ascii_string_to_signed (value, 10, spec->min, spec->max, &v, &local))
          {
            g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                         "[%s] %s: must be a whole number from %" G_GINT64_FORMAT
                         " to %" G_GINT64_FORMAT, spec->group, spec->key, spec->min, spec->max);
            return FALSE;
          }
        return TRUE;
      }

    case T_BOOL:
      if (g_str_equal (value, "true") || g_str_equal (value, "false"))
        return TRUE;
      g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                   "[%s] %s: must be true or false", spec->group, spec->key);
      return FALSE;

    case T_CHOICE:
      {
        g_auto(GStrv) choices = g_strsplit (spec->choices, "|", -1);
        if (g_strv_contains ((const char *const *) choices, value))
          return TRUE;
        g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE,
                     "[%s] %s: must be one of %s", spec->group, spec->key, spec->choices);
        return FALSE;
      }
    }
  g_assert_not_reached ();
}

static void
store_value (HbConfig *self, const KeySpec *spec, const char *value, const char *origin)
{
  g_hash_table_insert (self->values, full_key (spec->group, spec->key), g_strdup (value));
  g_hash_table_insert (self->origins, full_key (spec->group, spec->key), g_strdup (origin));
}

gboolean
hb_config_set (HbConfig *self, const char *group, const char *key, const char *value,
               GError **error)
{
  const KeySpec *spec = find_spec (group, key);
  if (spec == NULL)
    {
      g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_UNKNOWN_KEY,
                   "unknown key [%s] %s", group, key);
      return FALSE;
    }
  if (!validate (spec, value, error))
    return FALSE;
  store_value (self, spec, value, "override");
  return TRUE;
}

gboolean
hb_config_merge_data (HbConfig *self, const char *data, gsize length, const char *origin,
                      GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) groups = NULL;
  g_autoptr(GPtrArray) specs = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  if (length > CONFIG_MAX_BYTES)
    {
      g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_PARSE,
                   "%s: larger than %d bytes", origin, CONFIG_MAX_BYTES);
      return FALSE;
    }
  if (!g_key_file_load_from_data (kf, data, length, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_PARSE, "%s: %s", origin,
                   local->message);
      return FALSE;
    }

  /* Validate everything first, so a bad file changes nothing. */
  groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++)
    {
      g_auto(GStrv) names = g_key_file_get_keys (kf, *g, NULL, NULL);
      for (char **k = names; names && *k; k++)
        {
          const KeySpec *spec = find_spec (*g, *k);
          g_autofree char *value = NULL;
          if (spec == NULL)
            {
              g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_UNKNOWN_KEY,
                           "%s: unknown key [%s] %s", origin, *g, *k);
              return FALSE;
            }
          value = g_key_file_get_string (kf, *g, *k, &local);
          if (value == NULL)
            {
              g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_PARSE, "%s: [%s] %s: %s",
                           origin, *g, *k, local->message);
              return FALSE;
            }
          g_strstrip (value);
          if (!validate (spec, value, &local))
            {
              g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE, "%s: %s",
                           origin, local->message);
              return FALSE;
            }
          g_ptr_array_add (specs, (gpointer) spec);
          g_ptr_array_add (values, g_steal_pointer (&value));
        }
    }
  for (guint i = 0; i < specs->len; i++)
    store_value (self, specs->pdata[i], values->pdata[i], origin);
  return TRUE;
}

void
hb_config_apply_environment (HbConfig *self)
{
  static const struct { const char *env, *group, *key; } env_keys[] = {
    { "HAOBAN_DATA_DIR",     "paths",    "data_dir" },
    { "HAOBAN_PLATFORM_URL", "platform", "url" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (env_keys); i++)
    {
      const char *v = g_getenv (env_keys[i].env);
      const KeySpec *spec = find_spec (env_keys[i].group, env_keys[i].key);
      g_autoptr(GError) error = NULL;
      if (v == NULL || *v == '\0')
        continue;
      if (!validate (spec, v, &error))
        {
          g_warning ("ignoring %s: %s", env_keys[i].env, error->message);
          continue;
        }
      store_value (self, spec, v, env_keys[i].env);
    }
}

HbConfig *
hb_config_load (const char *explicit_path, GError **error)
{
  g_autoptr(HbConfig) self = hb_config_new ();
  const char *path = explicit_path;

  if (path == NULL || *path == '\0')
    path = g_getenv ("HAOBAN_CONFIG");
  if ((path == NULL || *path == '\0') && g_file_test (HB_CONFIG_SYSTEM_FILE, G_FILE_TEST_EXISTS))
    path = HB_CONFIG_SYSTEM_FILE;

  if (path != NULL && *path != '\0')
    {
      g_autofree char *data = NULL;
      gsize length = 0;
      g_autoptr(GError) local = NULL;
      if (!g_file_get_contents (path, &data, &length, &local))
        {
          g_set_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_PARSE, "%s", local->message);
          return NULL;
        }
      if (!hb_config_merge_data (self, data, length, path, error))
        return NULL;
      self->source = g_strdup (path);
    }
  hb_config_apply_environment (self);
  return g_steal_pointer (&self);
}

const char *
hb_config_get_source (HbConfig *self)
{
  return self->source;
}

void
hb_config_set_source (HbConfig *self, const char *path)
{
  g_return_if_fail (HB_IS_CONFIG (self));
  g_free (self->source);
  self->source = g_strdup (path);
}

const char *
hb_config_get_string (HbConfig *self, const char *group, const char *key)
{
  g_autofree char *k = full_key (group, key);
  g_return_val_if_fail (find_spec (group, key) != NULL, NULL);
  return g_hash_table_lookup (self->values, k);
}

gint64
hb_config_get_int (HbConfig *self, const char *group, const char *key)
{
  const char *v = hb_config_get_string (self, group, key);
  return v ? g_ascii_strtoll (v, NULL, 10) : 0;
}

gboolean
hb_config_get_bool (HbConfig *self, const char *group, const char *key)
{
  return g_strcmp0 (hb_config_get_string (self, group, key), "true") == 0;
}

char *
hb_config_dup_data_path (HbConfig *self, const char *name)
{
  return g_build_filename (hb_config_get_string (self, "paths", "data_dir"), name, NULL);
}

char *
hb_config_dup_db_path (HbConfig *self)
{
  return hb_config_dup_data_path (self, "haoban.db");
}

char *
hb_config_dup_key_path (HbConfig *self)
{
  return hb_config_dup_data_path (self, "keys/store.key");
}

char *
hb_config_dup_spool_dir (HbConfig *self)
{
  return hb_config_dup_data_path (self, "spool");
}

char *
hb_config_dup_log_dir (HbConfig *self)
{
  return hb_config_dup_data_path (self, "logs");
}

char *
hb_config_dup_sim_socket (HbConfig *self)
{
  const char *s = hb_config_get_string (self, "devices", "sim_socket");
  return s ? g_strdup (s) : hb_config_dup_data_path (self, "sim.sock");
}

const char *
hb_config_get_share_dir (HbConfig *self)
{
  return hb_config_get_string (self, "paths", "share_dir");
}

char *
hb_config_dump (HbConfig *self)
{
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *k = full_key (keys[i].group, keys[i].key);
      const char *v = g_hash_table_lookup (self->values, k);
      const char *o = g_hash_table_lookup (self->origins, k);
      /* A PIN hash is slow to attack, not public: say it is there, not what it is. */
      if (v && keys[i].type == T_PBKDF2)
        v = "(set)";
      g_string_append_printf (out, "%s = %s (%s)\n", k, v ? v : "(unset)", o ? o : "derived");
    }
  return g_string_free (out, FALSE);
}
