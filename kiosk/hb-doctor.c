/* hb-doctor.c — the doctor's framework and the checks of the terminal itself (config, data
 * dir, disk, store, outbox, fonts, kiosk). Network checks: hb-doctor-net.c; devices:
 * hb-doctor-devices.c. */
#include "kiosk/hb-doctor-private.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-store-check.h"
#include "offline-cache/hb-outbox.h"
#include "common/hb-json.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <signal.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define MIB (G_GUINT64_CONSTANT (1) << 20)
#define STATUS_MAX_BYTES (256 * 1024)
#define WHAT_MAX 400

void
hb_doctor_options_init (HbDoctorOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->disk_warn_bytes = GIB;
  opts->disk_fail_bytes = 200 * MIB;
  opts->clock_warn_s = 60;
  opts->cert_warn_days = 30;
  opts->status_fresh_s = 0;   /* the kiosk writes status.json on change only (see docs) */
  opts->platform_timeout_ms = 5000;
  opts->outbox_warn_age_s = 3600;
  opts->sys_usb_dir = "/sys/bus/usb/devices";
  opts->font_family = "Noto Sans CJK SC";
}

void
hb_doctor_check_free (HbDoctorCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->id);
  g_free (check->what);
  g_free (check->fix);
  g_free (check);
}

HbDoctorCheck *
hb_doctor_check_new (const char *id, HbDoctorLevel level, const char *what, const char *fix)
{
  HbDoctorCheck *c = g_new0 (HbDoctorCheck, 1);
  c->id = g_strdup (id);
  c->level = level;
  c->what = g_strdup (what ? what : "");
  c->fix = level == HB_DOCTOR_OK ? NULL : g_strdup (fix);
  return c;
}

const char *
hb_doctor_level_to_string (HbDoctorLevel level)
{
  switch (level)
    {
    case HB_DOCTOR_OK:   return "OK";
    case HB_DOCTOR_WARN: return "WARN";
    case HB_DOCTOR_FAIL:
    default:             return "FAIL";
    }
}

/* One line: no newlines (a message from a library may hold some), bounded. */
static char *
one_line (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *s = g_string_new (NULL);
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      if (g_utf8_strlen (s->str, -1) >= WHAT_MAX)
        {
          g_string_append (s, "…");
          break;
        }
      if (*p == '\n' || *p == '\r' || *p == '\t')
        g_string_append_c (s, ' ');
      else
        g_string_append_unichar (s, g_utf8_get_char (p));
    }
  return g_string_free (s, FALSE);
}

void
hb_doctor_add (HbDoctorRun *run, const char *id, HbDoctorLevel level, const char *fix,
               const char *what_format, ...)
{
  va_list ap;
  g_autofree char *what = NULL, *line = NULL;

  va_start (ap, what_format);
  what = g_strdup_vprintf (what_format, ap);
  va_end (ap);
  line = one_line (what);
  g_ptr_array_add (run->checks, hb_doctor_check_new (id, level, line, fix));
}

const char *
hb_doctor_member_string (JsonObject *o, const char *name, const char *def)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return def;
  return json_node_get_string (n);
}

gint64
hb_doctor_member_int (JsonObject *o, const char *name, gint64 def)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return def;
  return json_node_get_int (n);
}

/* --- config ---------------------------------------------------------------------------- */

static void
check_config (HbDoctorRun *run, const GError *config_error)
{
  const char *source;

  if (run->config == NULL)
    {
      hb_doctor_add (run, "config", HB_DOCTOR_FAIL,
                     "correct the named key or value in the file (docs/configuration.md lists "
                     "every key and its range), then run haobanctl doctor again",
                     "the configuration does not load: %s",
                     config_error ? config_error->message : "unknown error");
      return;
    }
  source = hb_config_get_source (run->config);
  if (source == NULL)
    hb_doctor_add (run, "config", HB_DOCTOR_WARN,
                   "write " HB_CONFIG_SYSTEM_FILE " (at least [terminal] id and [platform] url; "
                   "docs/configuration.md), or pass --config FILE",
                   "no configuration file: compiled defaults and the environment only "
                   "(terminal %s)", hb_config_get_string (run->config, "terminal", "id"));
  else
    hb_doctor_add (run, "config", HB_DOCTOR_OK, NULL, "%s loaded (terminal %s)", source,
                   hb_config_get_string (run->config, "terminal", "id"));
}

/* --- data dir and disk ------------------------------------------------------------------- */

static void
check_data_dir (HbDoctorRun *run)
{
  const char *dir = hb_config_get_string (run->config, "paths", "data_dir");
  g_autofree char *probe = NULL;
  int fd;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *fix = g_strdup_printf ("start the kiosk once (it creates it), or: "
                                              "install -d -m 0700 -o haoban %s", dir);
      hb_doctor_add (run, "data-dir", HB_DOCTOR_FAIL, fix, "%s does not exist", dir);
      return;
    }
  /* Really write (and sync) a file: access() says nothing about a read-only mount. */
  probe = g_build_filename (dir, ".doctor-probe-XXXXXX", NULL);
  fd = g_mkstemp_full (probe, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, "ok\n", 3) != 3 || fsync (fd) != 0)
    {
      int saved = errno;
      g_autofree char *fix = g_strdup_printf ("give the kiosk's user the folder (chown -R "
                                              "haoban: %s; chmod 0700 %s) and check the disk "
                                              "is mounted read-write (mount | grep ' / ')",
                                              dir, dir);
      GStatBuf st;
      if (fd >= 0)
        {
          close (fd);
          g_unlink (probe);
        }
      /* A technician's own account may not write the kiosk's folder: that is no fault. */
      if ((saved == EACCES || saved == EPERM) && g_stat (dir, &st) == 0 && st.st_uid != geteuid ())
        {
          g_autofree char *as = g_strdup_printf ("run the doctor as the kiosk's user (sudo -u "
                                                 "haoban haobanctl doctor) to check it for that "
                                                 "user");
          hb_doctor_add (run, "data-dir", HB_DOCTOR_WARN, as,
                         "%s belongs to uid %u: not writable by this user (uid %u)", dir,
                         (unsigned) st.st_uid, (unsigned) geteuid ());
          return;
        }
      hb_doctor_add (run, "data-dir", HB_DOCTOR_FAIL, fix, "%s is not writable: %s", dir,
                     g_strerror (saved));
      return;
    }
  close (fd);
  g_unlink (probe);
  hb_doctor_add (run, "data-dir", HB_DOCTOR_OK, NULL, "%s is writable", dir);
}

static char *
format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static void
check_disk (HbDoctorRun *run)
{
  g_autofree char *dir = g_strdup (hb_config_get_string (run->config, "paths", "data_dir"));
  guint64 free_bytes, store_min;
  g_autofree char *free_text = NULL;
  struct statvfs sv;

  /* The data dir may not exist yet: the disk it will be on. */
  while (statvfs (dir, &sv) != 0)
    {
      char *parent = g_path_get_dirname (dir);
      if (g_str_equal (parent, dir))
        {
          g_free (parent);
          hb_doctor_add (run, "disk", HB_DOCTOR_FAIL, "check the data dir's disk is mounted",
                         "cannot read the free space of %s: %s",
                         hb_config_get_string (run->config, "paths", "data_dir"),
                         g_strerror (errno));
          return;
        }
      g_free (dir);
      dir = parent;
    }
  free_bytes = (guint64) sv.f_bavail * (guint64) sv.f_frsize;
  free_text = format_bytes (free_bytes);
  store_min = (guint64) hb_config_get_int (run->config, "store", "min_free_mb") * MIB;

  if (free_bytes < run->opts->disk_fail_bytes || free_bytes < store_min)
    {
      g_autofree char *fix = g_strdup_printf (
        "free space on the disk of %s now: remove old files there (du -sh %s/*), keep the "
        "logs small ([log] max_bytes); below [store] min_free_mb the kiosk refuses new "
        "applications", dir, dir);
      hb_doctor_add (run, "disk", HB_DOCTOR_FAIL, fix, "only %s free on %s", free_text, dir);
    }
  else if (free_bytes < run->opts->disk_warn_bytes)
    {
      g_autofree char *fix = g_strdup_printf ("free space on the disk of %s soon (du -sh "
                                              "%s/*); the kiosk needs room for its queue, "
                                              "logs and documents", dir, dir);
      hb_doctor_add (run, "disk", HB_DOCTOR_WARN, fix, "%s free on %s", free_text, dir);
    }
  else
    hb_doctor_add (run, "disk", HB_DOCTOR_OK, NULL, "%s free on %s", free_text, dir);
}

/* --- store and outbox -------------------------------------------------------------------- */

/* A database file the store moved aside (<db>.corrupt-<time>), or NULL. (transfer full) */
static char *
find_quarantined (const char *db)
{
  g_autofree char *dir = g_path_get_dirname (db);
  g_autofree char *base = g_path_get_basename (db);
  g_autofree char *prefix = g_strconcat (base, ".corrupt-", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d)) != NULL && n++ < 4096)
    if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

/* TRUE when the store can be opened (for the outbox check). */
static gboolean
check_store (HbDoctorRun *run)
{
  g_autofree char *db = hb_config_dup_db_path (run->config);
  g_autofree char *key = hb_config_dup_key_path (run->config);
  g_autoptr(GError) error = NULL;
  HbStoreCheck check;
  GStatBuf st;

  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    {
      hb_doctor_add (run, "store", HB_DOCTOR_WARN,
                     "start the kiosk (it creates the database and fetches the catalog), then "
                     "run haobanctl doctor again",
                     "no database yet at %s", db);
      return FALSE;
    }
  if (g_stat (key, &st) != 0)
    {
      g_autofree char *fix = g_strdup_printf (
        "restore %s from the terminal's backup: without it the queued applications in the "
        "database cannot be read (the kiosk refuses to start with another key)", key);
      hb_doctor_add (run, "store", HB_DOCTOR_FAIL, fix, "the database key %s is missing", key);
      return FALSE;
    }
  if ((st.st_mode & 077) != 0 || st.st_size != 32)
    {
      g_autofree char *fix = g_strdup_printf ("chmod 600 %s (owner: the kiosk's user); a key "
                                              "of the wrong size is not this database's key",
                                              key);
      hb_doctor_add (run, "store", HB_DOCTOR_FAIL, fix,
                     "the database key %s is %s (mode %03o, %" G_GINT64_FORMAT " bytes)",
                     key, (st.st_mode & 077) ? "readable by others" : "of the wrong size",
                     (unsigned) (st.st_mode & 0777), (gint64) st.st_size);
      return FALSE;
    }
  if (!hb_store_check_file (db, 10, 5000, &check, &error))
    {
      g_autofree char *fix = g_strdup_printf ("give the kiosk's user the file (chown haoban: "
                                              "%s) and retry; a busy database is normal only "
                                              "for a moment", db);
      hb_doctor_add (run, "store", HB_DOCTOR_FAIL, fix, "cannot check the database: %s",
                     error->message);
      return FALSE;
    }
  if (!check.ok)
    {
      g_autofree char *fix = g_strdup_printf (
        "restart the kiosk: it moves a damaged database aside (%s.corrupt-…), carries the "
        "readable queued applications over and starts a fresh one; then check haobanctl "
        "outbox, and keep the .corrupt file for support", db);
      hb_doctor_add (run, "store", HB_DOCTOR_FAIL, fix, "%s is damaged: %s", db,
                     check.problem ? check.problem : "integrity_check failed");
      hb_store_check_clear (&check);
      return FALSE;
    }
  if (check.schema_version > hb_store_check_expected_version ())
    {
      hb_doctor_add (run, "store", HB_DOCTOR_FAIL,
                     "this haobanctl is older than the kiosk that wrote the database: install "
                     "the same Haoban version for both",
                     "%s has schema version %d, this build knows up to %d", db,
                     check.schema_version, hb_store_check_expected_version ());
      hb_store_check_clear (&check);
      return FALSE;
    }
  {
    g_autofree char *quarantined = find_quarantined (db);
    if (quarantined)
      {
        g_autofree char *fix = g_strdup_printf (
          "a damaged database was moved aside and a fresh one started: check haobanctl outbox "
          "(what was carried over), send support the diagnostics (haobanctl diagnostics "
          "export); keep %s on the terminal (it holds encrypted applications) until support "
          "says it may go, then delete it", quarantined);
        hb_doctor_add (run, "store", HB_DOCTOR_WARN, fix,
                       "%s passes integrity_check (schema %d), but %s is left from a rebuild",
                       db, check.schema_version, quarantined);
        hb_store_check_clear (&check);
        return TRUE;
      }
  }
  hb_doctor_add (run, "store", HB_DOCTOR_OK, NULL, "%s passes integrity_check (schema %d)", db,
                 check.schema_version);
  hb_store_check_clear (&check);
  return TRUE;
}

static char *
format_age (gint64 s)
{
  if (s < 120)
    return g_strdup_printf ("%" G_GINT64_FORMAT " s", s);
  if (s < 2 * 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT " min", s / 60);
  if (s < 2 * 86400)
    return g_strdup_printf ("%" G_GINT64_FORMAT " h", s / 3600);
  return g_strdup_printf ("%" G_GINT64_FORMAT " days", s / 86400);
}

static void
check_outbox (HbDoctorRun *run, gboolean store_ok)
{
  g_autofree char *db = hb_config_dup_db_path (run->config);
  g_autofree char *key = hb_config_dup_key_path (run->config);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = NULL;
  g_autoptr(HbOutbox) outbox = NULL;
  g_autofree char *oldest = NULL;
  HbOutboxStats stats = { 0 };

  if (!store_ok && !g_file_test (db, G_FILE_TEST_EXISTS))
    {
      hb_doctor_add (run, "outbox", HB_DOCTOR_WARN, "see the store line above",
                     "not checked: no database yet");
      return;
    }
  if (!store_ok)
    {
      hb_doctor_add (run, "outbox", HB_DOCTOR_WARN, "fix the store first (see above)",
                     "not checked: the database could not be checked");
      return;
    }
  store = hb_store_open (db, key, &error);
  outbox = store ? hb_outbox_new (store) : NULL;
  if (outbox == NULL ||
      !hb_outbox_get_stats (outbox, g_get_real_time () / G_USEC_PER_SEC, &stats, &error))
    {
      hb_doctor_add (run, "outbox", HB_DOCTOR_FAIL,
                     "stop the kiosk and run haobanctl doctor again; if it persists, export "
                     "the diagnostics for support",
                     "cannot read the outbox: %s", error ? error->message : "unknown error");
      return;
    }
  oldest = format_age (stats.oldest_pending_age);
  if (stats.parked > 0)
    hb_doctor_add (run, "outbox", HB_DOCTOR_WARN,
                   "see why: haobanctl outbox list --state parked; once the cause is fixed, "
                   "send them again: haobanctl outbox retry KEY (or --all), then haobanctl "
                   "sync --once",
                   "%u parked (kept failing, not retried automatically), %u pending, %u dead",
                   stats.parked, stats.pending, stats.dead);
  else if (stats.dead > 0)
    hb_doctor_add (run, "outbox", HB_DOCTOR_WARN,
                   "the platform refused these: haobanctl outbox list --state dead shows why; "
                   "tell the platform operator the keys (the residents may need to apply again)",
                   "%u dead (refused by the platform), %u pending", stats.dead, stats.pending);
  else if (stats.pending > 0 && stats.oldest_pending_age > run->opts->outbox_warn_age_s)
    hb_doctor_add (run, "outbox", HB_DOCTOR_WARN,
                   "check the platform line below; haobanctl sync --once tries now and says "
                   "why each item waits",
                   "%u pending, the oldest waiting for %s", stats.pending, oldest);
  else
    hb_doctor_add (run, "outbox", HB_DOCTOR_OK, NULL,
                   "%u pending (oldest %s), 0 parked, 0 dead, %u sent", stats.pending, oldest,
                   stats.sent);
}

/* --- fonts ------------------------------------------------------------------------------- */

static void
check_fonts (HbDoctorRun *run)
{
  const char *family = run->opts->font_family ? run->opts->font_family : "Noto Sans CJK SC";
  g_autoptr(PangoFontMap) map = pango_cairo_font_map_new ();
  PangoContext *pc = pango_font_map_create_context (map);
  PangoFontDescription *desc = pango_font_description_new ();
  g_autoptr(PangoFont) font = NULL;
  PangoFontDescription *got = NULL;
  const char *got_family;
  gboolean covers;
  /* The text every receipt prints, plus a rare-ish 汉字 from addresses. */
  static const char probe[] = "一网通办好办中文受理编号浦";

  pango_font_description_set_family (desc, family);
  pango_font_description_set_size (desc, 12 * PANGO_SCALE);
  pango_context_set_language (pc, pango_language_from_string ("zh-cn"));
  font = pango_font_map_load_font (map, pc, desc);
  pango_font_description_free (desc);
  g_object_unref (pc);
  if (font == NULL)
    {
      hb_doctor_add (run, "fonts", HB_DOCTOR_FAIL,
                     "apt install fonts-noto-cjk, then fc-cache -f",
                     "no font at all could be loaded");
      return;
    }
  got = pango_font_describe (font);
  got_family = pango_font_description_get_family (got);
  covers = TRUE;
  for (const char *p = probe; *p; p = g_utf8_next_char (p))
    covers = covers && pango_font_has_char (font, g_utf8_get_char (p));

  if (!covers)
    hb_doctor_add (run, "fonts", HB_DOCTOR_FAIL,
                   "apt install fonts-noto-cjk, then fc-cache -f (without it documents print "
                   "boxes and the kiosk refuses to print)",
                   "\"%s\" resolves to \"%s\", which has no Chinese glyphs", family,
                   got_family ? got_family : "?");
  else if (got_family == NULL || g_ascii_strcasecmp (got_family, family) != 0)
    hb_doctor_add (run, "fonts", HB_DOCTOR_WARN,
                   "apt install fonts-noto-cjk, then fc-cache -f (documents are laid out for it)",
                   "\"%s\" is not installed; documents would print in \"%s\"", family,
                   got_family ? got_family : "?");
  else
    hb_doctor_add (run, "fonts", HB_DOCTOR_OK, NULL, "\"%s\" is installed and covers 中文",
                   got_family);
  pango_font_description_free (got);
}

/* --- kiosk ------------------------------------------------------------------------------- */

/* status.json of a live kiosk, or NULL; *age_s its age. */
static JsonObject *
read_kiosk_status (HbConfig *config, gint64 *age_s, gint64 *pid_out)
{
  g_autofree char *path = hb_config_dup_data_path (config, "status.json");
  g_autofree char *data = NULL;
  g_autoptr(JsonObject) o = NULL;
  gsize length = 0;
  GStatBuf st;
  gint64 pid;

  *pid_out = 0;
  if (g_stat (path, &st) != 0 || st.st_size > STATUS_MAX_BYTES ||
      !g_file_get_contents (path, &data, &length, NULL))
    return NULL;
  o = hb_json_parse_object (data, (gssize) length, STATUS_MAX_BYTES, HB_JSON_DEFAULT_MAX_DEPTH,
                            NULL);
  if (o == NULL)
    return NULL;
  pid = hb_doctor_member_int (o, "pid", 0);
  *pid_out = pid;
  if (pid <= 0 || pid > G_MAXINT || (kill ((pid_t) pid, 0) != 0 && errno == ESRCH))
    return NULL;
  *age_s = g_get_real_time () / G_USEC_PER_SEC - st.st_mtime;
  return g_steal_pointer (&o);
}

gboolean
hb_doctor_kiosk_running (HbConfig *config, gint64 *pid)
{
  gint64 age = 0, p = 0;
  g_autoptr(JsonObject) o = read_kiosk_status (config, &age, &p);
  if (pid)
    *pid = o ? p : 0;
  return o != NULL;
}

static void
check_kiosk (HbDoctorRun *run, gint64 age, gint64 pid)
{
  g_autofree char *age_text = format_age (age < 0 ? 0 : age);

  if (run->kiosk == NULL)
    {
      const char *fix = "start the kiosk session (systemctl start haoban-kiosk); why it "
                        "stopped is at the end of its log (data_dir/logs/haoban.log, "
                        "journalctl -b)";
      if (pid > 0)
        hb_doctor_add (run, "kiosk", HB_DOCTOR_WARN, fix, "not running (status.json names pid %"
                       G_GINT64_FORMAT ", which is gone)", pid);
      else
        hb_doctor_add (run, "kiosk", HB_DOCTOR_WARN, fix, "not running (no status.json)");
      return;
    }
  if (run->opts->status_fresh_s > 0 && age > run->opts->status_fresh_s)
    {
      hb_doctor_add (run, "kiosk", HB_DOCTOR_WARN,
                     "the kiosk may hang: look at the screen, then restart it (systemctl "
                     "restart haoban-kiosk)",
                     "running (pid %" G_GINT64_FORMAT ") but status.json is %s old", pid,
                     age_text);
      return;
    }
  hb_doctor_add (run, "kiosk", HB_DOCTOR_OK, NULL,
                 "running (pid %" G_GINT64_FORMAT ", version %s, status written %s ago)", pid,
                 hb_doctor_member_string (run->kiosk, "version", "?"),
                 age_text);
}

/* --- running ----------------------------------------------------------------------------- */

static gboolean
cancelled (HbDoctorRun *run, GError **error)
{
  return g_cancellable_set_error_if_cancelled (run->cancellable, error);
}

GPtrArray *
hb_doctor_run_full (HbConfig *config, const GError *config_error, const HbDoctorOptions *opts,
                    GCancellable *cancellable, GError **error)
{
  HbDoctorOptions defaults;
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_doctor_check_free);
  g_autoptr(JsonObject) kiosk = NULL;
  HbDoctorRun run = { 0 };
  gint64 age = 0, pid = 0;
  gboolean store_ok;

  if (opts == NULL)
    {
      hb_doctor_options_init (&defaults);
      opts = &defaults;
    }
  run.config = config;
  run.opts = opts;
  run.checks = checks;
  run.cancellable = cancellable;

  check_config (&run, config_error);
  if (config == NULL)
    {
      check_fonts (&run);
      return g_steal_pointer (&checks);
    }
  kiosk = read_kiosk_status (config, &age, &pid);
  run.kiosk = kiosk;

  check_data_dir (&run);
  check_disk (&run);
  if (cancelled (&run, error))
    return NULL;
  store_ok = check_store (&run);
  check_outbox (&run, store_ok);
  if (cancelled (&run, error))
    return NULL;
  hb_doctor_check_network (&run);
  if (cancelled (&run, error))
    return NULL;
  hb_doctor_check_devices (&run);
  if (cancelled (&run, error))
    return NULL;
  check_fonts (&run);
  check_kiosk (&run, age, pid);
  return g_steal_pointer (&checks);
}

GPtrArray *
hb_doctor_run (HbConfig *config, GCancellable *cancellable, GError **error)
{
  return hb_doctor_run_full (config, NULL, NULL, cancellable, error);
}

static void
run_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *checks = hb_doctor_run (data, cancellable, &error);
  if (checks)
    g_task_return_pointer (task, checks, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
hb_doctor_run_async (HbConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_doctor_run_async);
  g_task_set_task_data (task, g_object_ref (config), g_object_unref);
  g_task_run_in_thread (task, run_thread);
}

GPtrArray *
hb_doctor_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

HbDoctorLevel
hb_doctor_worst (GPtrArray *checks)
{
  HbDoctorLevel worst = HB_DOCTOR_OK;
  for (guint i = 0; checks && i < checks->len; i++)
    worst = MAX (worst, ((HbDoctorCheck *) checks->pdata[i])->level);
  return worst;
}

char *
hb_doctor_format_text (GPtrArray *checks)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < checks->len; i++)
    {
      const HbDoctorCheck *c = checks->pdata[i];
      g_string_append_printf (out, "%-4s  %-22s  %s\n", hb_doctor_level_to_string (c->level),
                              c->id, c->what);
      if (c->fix)
        g_string_append_printf (out, "      fix: %s\n", c->fix);
    }
  return g_string_free (out, FALSE);
}

JsonNode *
hb_doctor_to_json (GPtrArray *checks)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  HbDoctorLevel worst = hb_doctor_worst (checks);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, worst != HB_DOCTOR_FAIL);
  json_builder_set_member_name (b, "worst");
  json_builder_add_string_value (b, hb_doctor_level_to_string (worst));
  json_builder_set_member_name (b, "checks");
  json_builder_begin_array (b);
  for (guint i = 0; i < checks->len; i++)
    {
      const HbDoctorCheck *c = checks->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, c->id);
      json_builder_set_member_name (b, "level");
      json_builder_add_string_value (b, hb_doctor_level_to_string (c->level));
      json_builder_set_member_name (b, "what");
      json_builder_add_string_value (b, c->what);
      json_builder_set_member_name (b, "fix");
      if (c->fix)
        json_builder_add_string_value (b, c->fix);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
