/* hb-diagnostics.c — the diagnostics bundle: what support needs, nothing personal, no
 * secrets, bounded, and never half-written under its final name. */
#include "kiosk/hb-diagnostics-private.h"
#include "kiosk/hb-doctor.h"
#include "kiosk/hb-log.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-store-check.h"
#include "offline-cache/hb-outbox.h"
#include "common/hb-json.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <openssl/crypto.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef HB_VERSION
#define HB_VERSION "unknown"
#endif

#define MIB                ((gsize) 1 << 20)
#define STATUS_MAX_BYTES   (256 * 1024)
#define MANIFEST_RESERVE   (16 * 1024)
#define MAX_LOG_FILES      8
#define OUTBOX_LIST_LIMIT  200
#define TERMINAL_NAME_MAX  40

G_DEFINE_QUARK (hb-diagnostics-error-quark, hb_diagnostics_error)

void
hb_diagnostics_options_init (HbDiagnosticsOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->max_log_bytes = 4 * MIB;
  opts->max_bundle_bytes = 32 * MIB;
  opts->run_doctor = TRUE;
}

/* --- secrets ----------------------------------------------------------------------------- */

/* Words of a key name ("staff_pin_hash" → staff, pin, hash) that make its value a secret.
 * Whole words, so "keypad" or "pinyin" stay visible. */
static const char *const secret_words[] = {
  "token", "secret", "password", "passwd", "passphrase", "hash", "pin", "key", "salt", "psk",
  "credential", "credentials", NULL,
};

gboolean
hb_diagnostics_key_is_secret (const char *key)
{
  const char *name = key ? strrchr (key, '.') : NULL;
  g_auto(GStrv) words = NULL;

  if (key == NULL)
    return FALSE;
  name = name ? name + 1 : key;
  words = g_strsplit_set (name, "_-", -1);
  for (char **w = words; *w; w++)
    {
      g_autofree char *lower = g_ascii_strdown (*w, -1);
      if (g_strv_contains (secret_words, lower))
        return TRUE;
    }
  return FALSE;
}

char *
hb_diagnostics_redact_config (HbConfig *config)
{
  g_autofree char *dump = hb_config_dump (config);
  g_auto(GStrv) lines = g_strsplit (dump, "\n", -1);
  GString *out = g_string_new (NULL);
  g_autofree char *scrubbed = NULL;

  g_string_append_printf (out, "# source: %s\n", hb_config_get_source (config)
                                                 ? hb_config_get_source (config)
                                                 : "(compiled defaults)");
  /* "group.key = value (origin)" */
  for (char **l = lines; *l; l++)
    {
      const char *eq = strstr (*l, " = ");
      const char *origin;
      g_autofree char *key = NULL;

      if (**l == '\0')
        continue;
      if (eq == NULL)
        {
          g_string_append (out, "(unreadable line left out)\n");
          continue;
        }
      key = g_strndup (*l, (gsize) (eq - *l));
      if (!hb_diagnostics_key_is_secret (key) || g_str_has_prefix (eq + 3, "(unset)"))
        {
          g_string_append_printf (out, "%s\n", *l);
          continue;
        }
      origin = g_strrstr (eq + 3, " (");
      g_string_append_printf (out, "%s = (set)%s\n", key, origin ? origin : "");
    }
  scrubbed = hb_log_scrub (out->str);
  g_string_free (out, TRUE);
  return g_steal_pointer (&scrubbed);
}

/* --- pieces ------------------------------------------------------------------------------ */

char *
hb_diagnostics_read_log (const char *path, gsize max, GError **error)
{
  g_autofree char *buf = NULL;
  g_autofree char *valid = NULL;
  const char *start;
  struct stat st;
  gssize n;
  gsize got = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);

  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   fd >= 0 ? "not a regular file" : g_strerror (saved));
      return NULL;
    }
  /* The newest part: the end of the file. */
  if ((gsize) st.st_size > max && lseek (fd, st.st_size - (off_t) max, SEEK_SET) < 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  buf = g_malloc (max + 1);
  while (got < max && (n = read (fd, buf + got, max - got)) > 0)
    got += (gsize) n;
  close (fd);
  buf[got] = '\0';
  start = buf;
  if ((gsize) st.st_size > max)
    {
      /* Cut at a line: a half line could hold half a number the scrubber cannot see. */
      const char *nl = memchr (buf, '\n', got);
      start = nl ? nl + 1 : buf + got;
    }
  /* NULs would end the text early for the scrubber: make them visible. */
  for (char *p = (char *) start; p < buf + got; p++)
    if (*p == '\0')
      *p = ' ';
  valid = g_utf8_make_valid (start, (gssize) (buf + got - start));
  explicit_bzero (buf, max + 1);
  /* Unscrubbed copies are wiped: a stray unmasked number stays on disk only. */
  char *clean = hb_log_scrub (valid);
  explicit_bzero (valid, strlen (valid));
  return clean;
}

static char *
versions_text (HbConfig *config)
{
  GString *s = g_string_new (NULL);
  struct utsname u;
  g_autofree char *os = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);

  g_string_append_printf (s, "terminal %s\ncreated %s\nhaoban %s\n",
                          hb_config_get_string (config, "terminal", "id"), stamp, HB_VERSION);
  g_string_append_printf (s, "glib %u.%u.%u\njson-glib %s\nsqlite %s\n%s\nopenssl %s\n",
                          glib_major_version, glib_minor_version, glib_micro_version,
                          JSON_VERSION_S, hb_store_check_sqlite_version (), curl_version (),
                          OpenSSL_version (OPENSSL_VERSION));
  if (uname (&u) == 0)
    g_string_append_printf (s, "kernel %s %s %s\n", u.sysname, u.release, u.machine);
  if (g_file_get_contents ("/etc/os-release", &os, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (os, "\n", 64);
      for (char **l = lines; *l; l++)
        if (g_str_has_prefix (*l, "PRETTY_NAME="))
          g_string_append_printf (s, "os %s\n", *l + strlen ("PRETTY_NAME="));
    }
  return g_string_free (s, FALSE);
}

static char *
status_text (HbConfig *config, const char *status_json)
{
  g_autofree char *data = NULL;
  g_autofree char *path = NULL;
  gsize len = 0;
  GStatBuf st;

  if (status_json == NULL)
    {
      path = hb_config_dup_data_path (config, "status.json");
      if (g_stat (path, &st) != 0 || st.st_size > STATUS_MAX_BYTES ||
          !g_file_get_contents (path, &data, &len, NULL))
        return NULL;
      status_json = data;
    }
  if (strlen (status_json) > STATUS_MAX_BYTES)
    return g_strdup ("{\"error\":\"status larger than the bundle keeps\"}\n");
  return hb_log_scrub (status_json);
}

static void
add_items (JsonBuilder *b, HbOutbox *outbox, HbOutboxState state, gint64 now)
{
  g_autoptr(GPtrArray) items = hb_outbox_list (outbox, state, OUTBOX_LIST_LIMIT, NULL);
  for (guint i = 0; items && i < items->len; i++)
    {
      const HbOutboxItem *it = items->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, it->key);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, it->kind);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, hb_outbox_state_to_string (it->state));
      json_builder_set_member_name (b, "attempts");
      json_builder_add_int_value (b, it->attempts);
      json_builder_set_member_name (b, "failures");
      json_builder_add_int_value (b, it->failures);
      json_builder_set_member_name (b, "age_s");
      json_builder_add_int_value (b, now - it->created_at);
      json_builder_set_member_name (b, "last_error");
      if (it->last_error)
        json_builder_add_string_value (b, it->last_error);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
}

/* Outbox counts and the items that wait (never bodies), or a short reason. */
static char *
outbox_text (HbConfig *config)
{
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = NULL;
  g_autoptr(HbOutbox) outbox = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  HbOutboxStats stats = { 0 };
  HbStoreCheck check;

  /* hb_store_open would create a missing database or move a damaged one aside: look
   * first, change nothing. */
  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    return g_strdup ("{\"error\":\"no database\"}\n");
  if (!hb_store_check_file (db, 1, 5000, &check, &error) || !check.ok)
    {
      hb_store_check_clear (&check);
      return g_strdup ("{\"error\":\"the database could not be checked or is damaged "
                       "(see doctor.txt)\"}\n");
    }
  hb_store_check_clear (&check);
  store = hb_store_open (db, key, &error);
  if (store)
    outbox = hb_outbox_new (store);
  if (outbox == NULL || !hb_outbox_get_stats (outbox, now, &stats, &error))
    return g_strdup ("{\"error\":\"the outbox could not be read\"}\n");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "stats");
  hb_outbox_stats_build_json (&stats, b);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  add_items (b, outbox, HB_OUTBOX_PENDING, now);
  add_items (b, outbox, HB_OUTBOX_PARKED, now);
  add_items (b, outbox, HB_OUTBOX_DEAD, now);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = hb_json_to_string (root);
  return hb_log_scrub (text);
}

/* haoban.log, haoban.log.1, … newest first. */
static GPtrArray *
log_files (HbConfig *config)
{
  g_autofree char *dir = hb_config_dup_log_dir (config);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < MAX_LOG_FILES; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup ("haoban.log") : g_strdup_printf ("haoban.log.%d", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
  return files;
}

/* [A-Za-z0-9._-] only: the terminal id becomes part of a file name on a FAT stick. */
static char *
safe_name (const char *id)
{
  GString *s = g_string_new (NULL);
  for (const char *p = id; *p && s->len < TERMINAL_NAME_MAX; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' ? *p : '_');
  if (s->len == 0)
    g_string_append (s, "terminal");
  return g_string_free (s, FALSE);
}

/* --- writing ----------------------------------------------------------------------------- */

typedef struct {
  HbTarWriter *tar;
  const char  *top;
  GString     *manifest;
  gsize        reserve;
} Bundle;

static gboolean
bundle_add (Bundle *b, const char *name, const char *text, GCancellable *cancellable,
            GError **error)
{
  g_autofree char *path = g_strconcat (b->top, "/", name, NULL);
  gsize len = text ? strlen (text) : 0;

  if (text == NULL)
    {
      g_string_append_printf (b->manifest, "missing   %s\n", name);
      return TRUE;
    }
  if (!hb_tar_writer_fits (b->tar, len, b->reserve))
    {
      g_string_append_printf (b->manifest, "left out  %s (%" G_GSIZE_FORMAT " bytes: the "
                              "bundle is full)\n", name, len);
      return TRUE;
    }
  if (!hb_tar_writer_add (b->tar, path, text, len, cancellable, error))
    return FALSE;
  g_string_append_printf (b->manifest, "included  %s (%" G_GSIZE_FORMAT " bytes)\n", name, len);
  return TRUE;
}

static void
set_write_error (GError **error, const char *dir, GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }
  g_set_error (error, HB_DIAGNOSTICS_ERROR, HB_DIAGNOSTICS_ERROR_NOT_WRITABLE,
               "Cannot write the diagnostics to %s: %s", dir, cause->message);
  g_error_free (cause);
}

static gboolean
write_all_pieces (Bundle *b, HbConfig *config, const char *status_json,
                  const HbDiagnosticsOptions *opts, GCancellable *cancellable, GError **error)
{
  g_autofree char *versions = versions_text (config);
  g_autofree char *cfg = hb_diagnostics_redact_config (config);
  g_autofree char *status = status_text (config, status_json);
  g_autofree char *outbox = outbox_text (config);
  g_autoptr(GPtrArray) logs = log_files (config);

  if (!bundle_add (b, "versions.txt", versions, cancellable, error) ||
      !bundle_add (b, "config.txt", cfg, cancellable, error) ||
      !bundle_add (b, "status.json", status, cancellable, error) ||
      !bundle_add (b, "outbox.json", outbox, cancellable, error))
    return FALSE;

  if (opts->run_doctor)
    {
      HbDoctorOptions dopts;
      g_autoptr(GPtrArray) checks = NULL;
      hb_doctor_options_init (&dopts);
      dopts.skip_platform = opts->doctor_skip_platform;
      checks = hb_doctor_run_full (config, NULL, &dopts, cancellable, error);
      if (checks == NULL)
        return FALSE;
      g_autofree char *text = hb_doctor_format_text (checks);
      g_autoptr(JsonNode) node = hb_doctor_to_json (checks);
      g_autofree char *json = hb_json_to_string (node);
      g_autofree char *clean_text = hb_log_scrub (text);
      g_autofree char *clean_json = hb_log_scrub (json);
      if (!bundle_add (b, "doctor.txt", clean_text, cancellable, error) ||
          !bundle_add (b, "doctor.json", clean_json, cancellable, error))
        return FALSE;
    }

  for (guint i = 0; i < logs->len; i++)
    {
      g_autoptr(GError) read_error = NULL;
      g_autofree char *base = g_path_get_basename (logs->pdata[i]);
      g_autofree char *name = g_strconcat ("logs/", base, NULL);
      g_autofree char *text = hb_diagnostics_read_log (logs->pdata[i], opts->max_log_bytes,
                                                       &read_error);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (text == NULL)
        {
          g_string_append_printf (b->manifest, "unreadable %s: %s\n", name, read_error->message);
          continue;
        }
      if (!bundle_add (b, name, text, cancellable, error))
        return FALSE;
    }
  return TRUE;
}

char *
hb_diagnostics_export (HbConfig *config, const char *status_json, const char *dir,
                       const HbDiagnosticsOptions *opts, GCancellable *cancellable,
                       GError **error)
{
  HbDiagnosticsOptions defaults;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *terminal = safe_name (hb_config_get_string (config, "terminal", "id"));
  g_autofree char *top = g_strdup_printf ("haoban-diag-%s-%s", terminal, stamp);
  g_autofree char *tmp = NULL, *final = NULL;
  g_autoptr(GOutputStream) raw = NULL, gz = NULL;
  g_autoptr(GZlibCompressor) zc = NULL;
  GError *local = NULL;
  Bundle b = { 0 };
  GStatBuf st;
  gboolean ok;
  int fd, dfd;

  if (opts == NULL)
    {
      hb_diagnostics_options_init (&defaults);
      opts = &defaults;
    }
  if (dir == NULL || g_stat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, HB_DIAGNOSTICS_ERROR, HB_DIAGNOSTICS_ERROR_NO_DIR,
                   "The folder %s is not there (is the USB stick plugged in?)",
                   dir ? dir : "(none)");
      return NULL;
    }

  tmp = g_build_filename (dir, ".haoban-diag-XXXXXX.part", NULL);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, HB_DIAGNOSTICS_ERROR, HB_DIAGNOSTICS_ERROR_NOT_WRITABLE,
                   "Cannot write to %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  raw = g_unix_output_stream_new (fd, FALSE);
  zc = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  gz = g_converter_output_stream_new (raw, G_CONVERTER (zc));

  b.tar = hb_tar_writer_new (gz, opts->max_bundle_bytes, g_date_time_to_unix (now));
  b.top = top;
  b.manifest = g_string_new (NULL);
  b.reserve = MANIFEST_RESERVE;
  g_string_append_printf (b.manifest, "Haoban diagnostics %s\nlogs scrubbed (ID and phone "
                          "numbers masked), secrets shown as (set); at most %" G_GSIZE_FORMAT
                          " bytes per log, %" G_GSIZE_FORMAT " in all\n\n", top,
                          opts->max_log_bytes, opts->max_bundle_bytes);

  ok = write_all_pieces (&b, config, status_json, opts, cancellable, &local);
  if (ok)
    {
      /* The manifest last, in the room kept for it (cut if it grew past it). */
      if (b.manifest->len > MANIFEST_RESERVE - 1024)
        g_string_truncate (b.manifest, MANIFEST_RESERVE - 1024);
      b.reserve = 0;
      ok = bundle_add (&b, "MANIFEST.txt", b.manifest->str, cancellable, &local) &&
           hb_tar_writer_finish (b.tar, cancellable, &local);
    }
  hb_tar_writer_free (b.tar);
  g_string_free (b.manifest, TRUE);
  /* Closing the converter writes gzip's trailer. */
  ok = g_output_stream_close (gz, NULL, ok ? &local : NULL) && ok;
  if (ok && fsync (fd) != 0)
    {
      int saved = errno;
      local = g_error_new (G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      ok = FALSE;
    }
  close (fd);
  if (!ok)
    {
      g_unlink (tmp);
      set_write_error (error, dir, local);
      return NULL;
    }

  final = g_strdup_printf ("%s/%s.tar.gz", dir, top);
  for (int n = 2; g_file_test (final, G_FILE_TEST_EXISTS) && n < 100; n++)
    {
      g_free (final);
      final = g_strdup_printf ("%s/%s-%d.tar.gz", dir, top, n);
    }
  if (g_rename (tmp, final) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, HB_DIAGNOSTICS_ERROR, HB_DIAGNOSTICS_ERROR_NOT_WRITABLE,
                   "Cannot write to %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  /* The rename itself must survive pulling the stick right after. */
  dfd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return g_steal_pointer (&final);
}

/* --- async ------------------------------------------------------------------------------- */

typedef struct {
  HbConfig *config;
  char     *status_json;
  char     *dir;
} ExportData;

static void
export_data_free (ExportData *d)
{
  g_object_unref (d->config);
  g_free (d->status_json);
  g_free (d->dir);
  g_free (d);
}

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ExportData *d = data;
  GError *error = NULL;
  char *path = hb_diagnostics_export (d->config, d->status_json, d->dir, NULL, cancellable,
                                      &error);
  if (path)
    g_task_return_pointer (task, path, g_free);
  else
    g_task_return_error (task, error);
}

void
hb_diagnostics_export_async (HbConfig *config, const char *status_json, const char *dir,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ExportData *d = g_new0 (ExportData, 1);

  d->config = g_object_ref (config);
  d->status_json = g_strdup (status_json);
  d->dir = g_strdup (dir);
  g_task_set_source_tag (task, hb_diagnostics_export_async);
  g_task_set_task_data (task, d, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

char *
hb_diagnostics_export_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
