/* Tests for kiosk/hb-diagnostics.c (+ hb-diagnostics-tar.c): the bundle holds what support
 * needs, no personal data and no secrets, is a real tar.gz, is bounded, and fails clearly
 * when there is nowhere to write it. */
#include "kiosk/hb-diagnostics-private.h"
#include "kiosk/hb-log.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-outbox.h"
#include "tests/common/hb-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define SAMPLE_ID    "310104198506151237"
#define SAMPLE_PHONE "13812345678"
/* A well-formed PBKDF2 hash (16-byte salt, 32-byte hash): its value must never leave. */
#define PIN_HASH     "pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g="

typedef struct {
  char     *dir;
  char     *data;
  char     *out;
  HbConfig *config;
} Fixture;

static void
set (Fixture *f, const char *group, const char *key, const char *value)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_config_set (f->config, group, key, value, &error));
  g_assert_no_error (error);
}

static void
write_log (Fixture *f, const char *name, const char *text)
{
  g_autofree char *logs = hb_config_dup_log_dir (f->config);
  g_autofree char *path = g_build_filename (logs, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (logs, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = hb_test_mkdtemp ("diag");
  f->data = g_build_filename (f->dir, "data", NULL);
  f->out = g_build_filename (f->dir, "usb-stick", NULL);
  g_assert_cmpint (g_mkdir (f->data, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (f->out, 0700), ==, 0);
  f->config = hb_config_new ();
  set (f, "paths", "data_dir", f->data);
  set (f, "terminal", "id", "SH-XH/0042");
  set (f, "platform", "url", "http://127.0.0.1:1");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->config);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->data);
  g_free (f->out);
}

static HbDiagnosticsOptions
quick_options (void)
{
  HbDiagnosticsOptions o;
  hb_diagnostics_options_init (&o);
  o.doctor_skip_platform = TRUE;
  return o;
}

/* --- reading the bundle back (our own small ustar reader) ----------------------------------- */

static GBytes *
gunzip_file (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) raw = g_file_read (file, NULL, &error);
  g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();

  g_assert_no_error (error);
  in = g_converter_input_stream_new (G_INPUT_STREAM (raw), G_CONVERTER (z));
  g_output_stream_splice (mem, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                   G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

/* name (without the top folder) → contents. Checks every header's checksum and magic. */
static GHashTable *
untar (GBytes *tar, char **top_out)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (tar, &len);
  gsize off = 0;

  while (off + 512 <= len)
    {
      const guint8 *h = p + off;
      char name[256] = "", prefix[156] = "", size_s[13] = "", sum_s[9] = "";
      guint64 size;
      guint sum = 0, stored;
      gboolean zero = TRUE;

      for (int i = 0; i < 512 && zero; i++)
        zero = h[i] == 0;
      if (zero)
        break;
      memcpy (size_s, h + 124, 12);
      memcpy (sum_s, h + 148, 8);
      for (int i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
      stored = (guint) g_ascii_strtoull (sum_s, NULL, 8);
      g_assert_cmpuint (sum, ==, stored);
      g_assert_cmpmem (h + 257, 6, "ustar", 6);
      g_assert_cmpint (h[156], ==, '0');
      memcpy (prefix, h + 345, 155);
      memcpy (name, h, 100);
      size = g_ascii_strtoull (size_s, NULL, 8);
      g_assert_cmpuint (off + 512 + size, <=, len);
      {
        g_autofree char *full = *prefix ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);
        const char *slash = strchr (full, '/');
        g_assert_nonnull (slash);
        if (top_out && *top_out == NULL)
          *top_out = g_strndup (full, (gsize) (slash - full));
        g_hash_table_insert (files, g_strdup (slash + 1),
                             g_strndup ((const char *) h + 512, size));
      }
      off += 512 + (size + 511) / 512 * 512;
    }
  return files;
}

static GHashTable *
read_bundle (const char *path, char **top)
{
  g_autoptr(GBytes) tar = gunzip_file (path);
  return untar (tar, top);
}

/* --- tests ---------------------------------------------------------------------------------- */

static void
test_bundle_holds_the_pieces_without_personal_data_or_secrets (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbDiagnosticsOptions o = quick_options ();
  g_autofree char *path = NULL, *base = NULL, *top = NULL, *all = NULL;
  g_autoptr(GHashTable) files = NULL;
  const char *cfg, *status, *doctor, *log;
  GString *everything = g_string_new (NULL);
  GHashTableIter it;
  gpointer k, v;

  /* A log line a careless caller wrote with a resident's ID number and phone (raw, as if
   * written by something that did not go through hb_log's scrubber). */
  write_log (f, "haoban.log", "2026-11-28T01:00:00 INFO core: visit started\n"
                              "2026-11-28T01:00:05 WARNING form: bad value " SAMPLE_ID
                              " phone " SAMPLE_PHONE "\n"
                              "2026-11-28T01:00:09 INFO core: visit ended\n");
  write_log (f, "haoban.log.1", "older line for " SAMPLE_ID "\n");
  set (f, "maintenance", "staff_pin_hash", PIN_HASH);
  set (f, "platform", "client_cert", "/etc/haoban/tls/client.pem");
  set (f, "platform", "client_key", "/etc/haoban/tls/client.key");
  {
    g_autofree char *db = hb_config_dup_db_path (f->config);
    g_autofree char *key = hb_config_dup_key_path (f->config);
    g_autoptr(HbStore) store = hb_store_open (db, key, &error);
    g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
    g_autofree char *k1 = NULL;
    g_assert_no_error (error);
    /* A body full of personal data: the bundle lists the item, never the body. */
    k1 = hb_outbox_enqueue (outbox, "application", "/v1/applications",
                            "{\"id_number\":\"" SAMPLE_ID "\",\"name\":\"张三丰\"}", &error);
    g_assert_no_error (error);
  }

  path = hb_diagnostics_export (f->config, "{\"pid\":1,\"note\":\"" SAMPLE_PHONE "\"}", f->out,
                                &o, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (path);
  base = g_path_get_basename (path);
  g_assert_true (g_str_has_prefix (base, "haoban-diag-SH-XH_0042-"));
  g_assert_true (g_str_has_suffix (base, ".tar.gz"));
  g_assert_cmpuint (strlen (base), ==, strlen ("haoban-diag-SH-XH_0042-20261128-010000.tar.gz"));

  files = read_bundle (path, &top);
  g_assert_true (g_str_has_prefix (base, top));
  for (const char *const *n = (const char *const[]) { "versions.txt", "config.txt",
                                                      "status.json", "outbox.json",
                                                      "doctor.txt", "doctor.json",
                                                      "logs/haoban.log", "logs/haoban.log.1",
                                                      "MANIFEST.txt", NULL }; *n; n++)
    if (!g_hash_table_contains (files, *n))
      g_error ("%s missing from the bundle", *n);

  /* Nothing personal anywhere, in any file. */
  g_hash_table_iter_init (&it, files);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_string_append_printf (everything, "== %s\n%s\n", (char *) k, (char *) v);
  all = g_string_free (everything, FALSE);
  g_assert_null (strstr (all, SAMPLE_ID));
  g_assert_null (strstr (all, SAMPLE_PHONE));
  g_assert_null (strstr (all, "张三丰"));

  log = g_hash_table_lookup (files, "logs/haoban.log");
  g_assert_nonnull (strstr (log, "bad value 310***********1237 phone 138****5678"));
  g_assert_nonnull (strstr (log, "visit ended"));

  cfg = g_hash_table_lookup (files, "config.txt");
  g_assert_null (strstr (cfg, "pbkdf2"));
  g_assert_null (strstr (cfg, "c2FsdHNhbHRz"));
  g_assert_nonnull (strstr (cfg, "maintenance.staff_pin_hash = (set)"));
  g_assert_nonnull (strstr (cfg, "platform.client_key = (set)"));
  g_assert_nonnull (strstr (cfg, "platform.client_cert = /etc/haoban/tls/client.pem"));
  g_assert_nonnull (strstr (cfg, "terminal.id = SH-XH/0042"));
  g_assert_nonnull (strstr (cfg, "maintenance.technician_pin_hash = (unset)"));

  status = g_hash_table_lookup (files, "status.json");
  g_assert_nonnull (strstr (status, "138****5678"));
  g_assert_nonnull (strstr (g_hash_table_lookup (files, "outbox.json"), "\"application\""));
  doctor = g_hash_table_lookup (files, "doctor.txt");
  g_assert_nonnull (strstr (doctor, "  store "));
  g_assert_nonnull (strstr (g_hash_table_lookup (files, "versions.txt"), "haoban "));
  g_assert_nonnull (strstr (g_hash_table_lookup (files, "MANIFEST.txt"), "included  config.txt"));

  /* No temporary file is left next to it. */
  {
    g_autoptr(GDir) d = g_dir_open (f->out, 0, NULL);
    const char *name;
    guint n = 0;
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_assert_false (g_str_has_suffix (name, ".part"));
        n++;
      }
    g_assert_cmpuint (n, ==, 1);
  }
}

static void
test_standard_tar_reads_it (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbDiagnosticsOptions o = quick_options ();
  g_autofree char *path = NULL, *listing = NULL;

  write_log (f, "haoban.log", "hello\n");
  path = hb_diagnostics_export (f->config, NULL, f->out, &o, NULL, &error);
  g_assert_no_error (error);
  listing = hb_test_run_tool ((const char *const[]) { "tar", "-tzf", path, NULL });
  g_assert_nonnull (strstr (listing, "/config.txt\n"));
  g_assert_nonnull (strstr (listing, "/logs/haoban.log\n"));
  g_assert_nonnull (strstr (listing, "/MANIFEST.txt\n"));
}

static void
test_logs_keep_their_newest_part_within_the_cap (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbDiagnosticsOptions o = quick_options ();
  g_autofree char *path = NULL;
  g_autoptr(GHashTable) files = NULL;
  GString *big = g_string_new (NULL);
  const char *log;

  for (int i = 0; i < 4000; i++)
    g_string_append_printf (big, "2026-11-28T01:00:00 INFO line %05d id " SAMPLE_ID "\n", i);
  write_log (f, "haoban.log", big->str);
  g_string_free (big, TRUE);
  o.max_log_bytes = 8192;
  path = hb_diagnostics_export (f->config, NULL, f->out, &o, NULL, &error);
  g_assert_no_error (error);
  files = read_bundle (path, NULL);
  log = g_hash_table_lookup (files, "logs/haoban.log");
  g_assert_cmpuint (strlen (log), <=, 8192);
  g_assert_cmpuint (strlen (log), >, 4096);
  g_assert_nonnull (strstr (log, "line 03999 id 310***********1237\n"));
  g_assert_null (strstr (log, "line 00000"));
  /* It starts at a whole line. */
  g_assert_true (g_str_has_prefix (log, "2026-11-28T01:00:00 INFO line "));
  g_assert_null (strstr (log, SAMPLE_ID));
}

static void
test_bundle_size_is_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbDiagnosticsOptions o = quick_options ();
  g_autofree char *path = NULL, *filler = g_strnfill (60000, 'a');
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GBytes) tar = NULL;
  const char *manifest;

  write_log (f, "haoban.log", filler);
  o.max_bundle_bytes = 48 * 1024;
  o.run_doctor = FALSE;
  path = hb_diagnostics_export (f->config, NULL, f->out, &o, NULL, &error);
  g_assert_no_error (error);
  tar = gunzip_file (path);
  g_assert_cmpuint (g_bytes_get_size (tar), <=, 48 * 1024);
  files = untar (tar, NULL);
  g_assert_false (g_hash_table_contains (files, "logs/haoban.log"));
  manifest = g_hash_table_lookup (files, "MANIFEST.txt");
  g_assert_nonnull (strstr (manifest, "left out  logs/haoban.log"));
  g_assert_true (g_hash_table_contains (files, "config.txt"));
}

static void
test_missing_or_unwritable_dir_is_a_clear_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "no-stick", NULL);
  g_autofree char *file = g_build_filename (f->dir, "a-file", NULL);
  HbDiagnosticsOptions o = quick_options ();
  char *path;

  path = hb_diagnostics_export (f->config, NULL, missing, &o, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, HB_DIAGNOSTICS_ERROR, HB_DIAGNOSTICS_ERROR_NO_DIR);
  g_assert_nonnull (strstr (error->message, "USB stick"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  path = hb_diagnostics_export (f->config, NULL, file, &o, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, HB_DIAGNOSTICS_ERROR, HB_DIAGNOSTICS_ERROR_NO_DIR);
  g_clear_error (&error);

  /* A directory nobody can create files in (root included): /proc. */
  path = hb_diagnostics_export (f->config, NULL, "/proc", &o, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, HB_DIAGNOSTICS_ERROR, HB_DIAGNOSTICS_ERROR_NOT_WRITABLE);
  g_assert_nonnull (strstr (error->message, "/proc"));
}

static void
test_cancelled_export_leaves_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  HbDiagnosticsOptions o = quick_options ();
  g_autoptr(GDir) d = NULL;
  char *path;

  write_log (f, "haoban.log", "line\n");
  g_cancellable_cancel (cancel);
  path = hb_diagnostics_export (f->config, NULL, f->out, &o, cancel, &error);
  g_assert_null (path);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  d = g_dir_open (f->out, 0, NULL);
  g_assert_null (g_dir_read_name (d));   /* not even the temporary file */
}

static void
test_secret_key_names (void)
{
  const char *secret[] = { "maintenance.staff_pin_hash", "maintenance.technician_pin_hash",
                           "platform.client_key", "provision.token", "x.api_secret",
                           "x.Password" };
  const char *plain[] = { "platform.url", "terminal.id", "ui.keypad_nav", "devices.cups_queue",
                          "platform.client_cert", "voice.sink", "ime.pinyin" };
  for (gsize i = 0; i < G_N_ELEMENTS (secret); i++)
    g_assert_true (hb_diagnostics_key_is_secret (secret[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (plain); i++)
    g_assert_false (hb_diagnostics_key_is_secret (plain[i]));
}

static void
test_tar_writer_long_names (void)
{
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  HbTarWriter *w = hb_tar_writer_new (mem, 1 << 20, 0);
  g_autofree char *dir = g_strnfill (120, 'd');
  g_autofree char *name = g_strconcat (dir, "/file.txt", NULL);
  g_autofree char *too_long = g_strnfill (300, 'x');
  g_autoptr(GBytes) tar = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autofree char *wrapped = g_strconcat ("top/", name, NULL);

  g_assert_true (hb_tar_writer_add (w, wrapped, "abc", 3, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (hb_tar_writer_add (w, too_long, "abc", 3, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (hb_tar_writer_finish (w, NULL, &error));
  g_assert_cmpuint (hb_tar_writer_get_size (w), ==, 512 + 512 + 1024);
  hb_tar_writer_free (w);
  g_output_stream_close (mem, NULL, NULL);
  tar = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  files = untar (tar, NULL);
  g_assert_cmpstr (g_hash_table_lookup (files, name), ==, "abc");
}

static void
export_done (GObject *source, GAsyncResult *result, gpointer data)
{
  char **out = data;
  g_autoptr(GError) error = NULL;
  *out = hb_diagnostics_export_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
have_path (gpointer data)
{
  return *(char **) data != NULL;
}

static void
test_async_export (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;

  write_log (f, "haoban.log", "async " SAMPLE_PHONE "\n");
  hb_diagnostics_export_async (f->config, NULL, f->out, NULL, export_done, &path);
  g_assert_true (hb_test_wait_until (have_path, &path, 60000));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define F(path, fn) g_test_add ("/kiosk/diagnostics/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  F ("bundle-holds-logs-config-status-outbox-doctor-without-personal-data-or-secrets",
     test_bundle_holds_the_pieces_without_personal_data_or_secrets);
  F ("bundle-is-a-tar-gz-that-tar-reads", test_standard_tar_reads_it);
  F ("logs-keep-their-newest-lines-within-the-cap", test_logs_keep_their_newest_part_within_the_cap);
  F ("bundle-size-is-bounded-and-the-manifest-says-what-was-left-out", test_bundle_size_is_bounded);
  F ("no-usb-stick-or-unwritable-dir-is-a-clear-error", test_missing_or_unwritable_dir_is_a_clear_error);
  F ("cancelled-export-leaves-nothing", test_cancelled_export_leaves_nothing);
  g_test_add_func ("/kiosk/diagnostics/secret-key-names", test_secret_key_names);
  g_test_add_func ("/kiosk/diagnostics/tar/long-names-use-the-ustar-prefix", test_tar_writer_long_names);
  F ("export-runs-in-a-worker-thread", test_async_export);
#undef F
  return g_test_run ();
}
