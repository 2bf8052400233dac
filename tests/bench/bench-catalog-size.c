/* bench-catalog-size.c — a catalog of realistic size: 10,000 services shaped like
 * data/catalog.json's (version 2: guide, situations, form, pre-review, English; ~5 KB each
 * compact, ~50 MB in all).
 *
 * Issue 6: the terminal must take a 10,000-service catalog of real services, not only of
 * lean ones. Measured in one run against one haoban-platform-sim:
 *  1. wire: bytes the sim sent for the full catalog (gzip, as the terminal asks for it)
 *     against the document's own size; and bare libcurl downloads of the same URL with and
 *     without compression, the baselines for the network part.
 *  2. full sync: a fresh HbSync per round, hb_sync_start to "catalog-updated", against the
 *     bare gzip download plus applying the same document with no network (apply alone).
 *  3. parse memory: peak RSS added by hb_catalog_document_parse (a service at a time, the
 *     validated records included) and, as the baseline, by json-glib parsing the same
 *     document whole (as the parser did before, the tree alone) — each in a fresh process
 *     (this program with --parse), against one that only reads the file; also their times
 *     (the sliced one includes validating every service and its compact JSON copy).
 * One JSON object on stdout. No assertions on time or memory.
 * Usage: bench-catalog-size [ROUNDS] [SERVICES]   (defaults 3, 10000) */
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-catalog-delta-private.h"
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-sync.h"
#include "kiosk/hb-log.h"
#include "tests/common/hb-test-util.h"
#include "tests/bench/bench-util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 180000

static char *
make_catalog (const char *version, guint n)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_autoptr(JsonNode) doc = json_from_string (text, &error);
  g_assert_no_error (error);
  JsonArray *base = json_object_get_array_member (json_node_get_object (doc), "services");
  guint nb = json_array_get_length (base);
  GString *out = g_string_sized_new ((gsize) n * 2048);

  g_string_append_printf (out, "{\"version\":\"%s\",\"services\":[", version);
  for (guint i = 0; i < n; i++)
    {
      /* A deep copy through text (json_node_copy shares the object). */
      g_autofree char *one = json_to_string (json_array_get_element (base, i % nb), FALSE);
      g_autoptr(JsonNode) s = json_from_string (one, NULL);
      JsonObject *o = json_node_get_object (s);
      g_autofree char *code = g_strdup_printf ("310000-R-%05u", i);
      g_autofree char *name = g_strdup_printf ("%s（第%u项）", json_object_get_string_member (o, "name"), i);
      json_object_set_string_member (o, "code", code);
      json_object_set_string_member (o, "name", name);
      json_object_set_int_member (o, "popularity", (i * 7919u) % 5000u);
      g_autofree char *compact = json_to_string (s, FALSE);
      g_string_append (out, i ? "," : "");
      g_string_append (out, compact);
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* --- 1: bare downloads ---------------------------------------------------------------- */

static size_t
count_body (char *ptr, size_t size, size_t n, void *data)
{
  *(gsize *) data += size * n;
  return size * n;
}

static double
bare_download (const char *url, gboolean gzip, gsize *decoded, curl_off_t *wire)
{
  CURL *c = curl_easy_init ();
  gint64 t0;
  *decoded = 0;
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, count_body);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, decoded);
  if (gzip)
    curl_easy_setopt (c, CURLOPT_ACCEPT_ENCODING, "");
  t0 = g_get_monotonic_time ();
  g_assert_cmpint (curl_easy_perform (c), ==, CURLE_OK);
  double ms = ms_since (t0);
  curl_easy_getinfo (c, CURLINFO_SIZE_DOWNLOAD_T, wire);
  curl_easy_cleanup (c);
  return ms;
}

/* --- 2: full sync ---------------------------------------------------------------------- */

typedef struct {
  char  *version;
} Watch;

static void
on_updated (HbSync *sync, const char *version, Watch *w)
{
  g_free (w->version);
  w->version = g_strdup (version);
}

static gboolean
updated (gpointer data)
{
  return ((Watch *) data)->version != NULL;
}

static double
full_sync (const char *root, guint round, const char *url)
{
  g_autofree char *dir = g_strdup_printf ("%s/sync-%u", root, round);
  g_autofree char *db = g_build_filename (dir, "haoban.db", NULL);
  g_autofree char *key = g_build_filename (dir, "haoban.key", NULL);
  g_autoptr(GError) error = NULL;
  Watch w = { 0 };
  HbSyncOptions o = {
    .db_path = db, .key_path = key, .platform_url = url, .terminal_id = "SH-BENCH-0001",
    .catalog_interval_s = 3600, .heartbeat_interval_s = 3600, .connect_timeout_ms = 2000,
    .request_timeout_ms = 60000, .retry_base_ms = 100, .retry_cap_ms = 1000,
  };
  g_mkdir_with_parents (dir, 0700);
  g_autoptr(HbSync) sync = hb_sync_new (&o);
  g_signal_connect (sync, "catalog-updated", G_CALLBACK (on_updated), &w);
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (hb_sync_start (sync, &error));
  g_assert_no_error (error);
  g_assert_true (hb_test_wait_until (updated, &w, WAIT_MS));
  double ms = ms_since (t0);
  hb_sync_stop (sync);
  g_clear_object (&sync);
  g_free (w.version);
  hb_test_rmdir (dir);
  return ms;
}

static double
apply_alone (const char *root, const char *doc)
{
  g_autofree char *dir = g_build_filename (root, "apply", NULL);
  g_autofree char *db = g_build_filename (dir, "haoban.db", NULL);
  g_autofree char *key = g_build_filename (dir, "haoban.key", NULL);
  g_autoptr(GError) error = NULL;
  gboolean was_delta = FALSE;
  g_mkdir_with_parents (dir, 0700);
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  g_autoptr(HbCatalog) catalog = hb_catalog_new (store);
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (hb_catalog_apply_reply (catalog, doc, strlen (doc), NULL, &was_delta, &error));
  double ms = ms_since (t0);
  g_assert_no_error (error);
  g_clear_object (&catalog);
  g_clear_object (&store);
  hb_test_rmdir (dir);
  return ms;
}

/* --- 3: parse memory --------------------------------------------------------------------- */

typedef enum { PARSE_NOTHING, PARSE_SLICED, PARSE_WHOLE } ParseHow;
static const char *const PARSE_MODES[] = { "nothing", "sliced", "whole" };

/* In a fresh process (this program again, --parse MODE FILE): reads the document, parses
 * it one way, prints the time and its peak RSS (KiB). */
static int
parse_main (const char *mode, const char *file)
{
  /* Mapped, not read: reading grows a buffer by realloc, whose freed copies the parse
   * would reuse unseen. Every page is touched first, so each mode starts from the same. */
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (file, FALSE, NULL);
  double t = 0;
  if (mapped == NULL)
    return 1;
  const char *doc = g_mapped_file_get_contents (mapped);
  gsize len = g_mapped_file_get_length (mapped);
  if (!g_utf8_validate (doc, (gssize) len, NULL))
    return 1;
  gint64 t0 = g_get_monotonic_time ();
  if (g_str_equal (mode, "sliced"))
    {
      HbCatalogDocument *d = hb_catalog_document_parse (doc, len, NULL);
      if (d == NULL)
        return 1;
      t = ms_since (t0);
      hb_catalog_document_free (d);
    }
  else if (g_str_equal (mode, "whole"))
    {
      JsonParser *p = json_parser_new_immutable ();
      if (!json_parser_load_from_data (p, doc, (gssize) len, NULL))
        return 1;
      t = ms_since (t0);
      g_object_unref (p);
    }
  /* VmHWM, the new process's own peak: wait4's ru_maxrss would also count the forked
   * copy of the parent before exec. */
  g_autofree char *status = NULL;
  const char *hwm;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (hwm = strstr (status, "VmHWM:")) == NULL)
    return 1;
  printf ("%.3f %ld\n", t, strtol (hwm + 6, NULL, 10));
  return 0;
}

static long
parse_in_child (const char *self, const char *file, ParseHow how, double *ms)
{
  int fds[2];
  g_assert_cmpint (pipe (fds), ==, 0);
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      dup2 (fds[1], STDOUT_FILENO);
      close (fds[0]);
      execl (self, self, "--parse", PARSE_MODES[how], file, (char *) NULL);
      _exit (127);
    }
  close (fds[1]);
  char buf[64] = "";
  ssize_t n = read (fds[0], buf, sizeof buf - 1);
  close (fds[0]);
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpint (n, >, 0);
  char *end = NULL;
  *ms = g_ascii_strtod (buf, &end);
  return strtol (end, NULL, 10);
}

int
main (int argc, char **argv)
{
  if (argc == 4 && g_str_equal (argv[1], "--parse"))
    return parse_main (argv[2], argv[3]);
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
  hb_test_init (&argc, &argv);
  g_log_set_default_handler (g_log_default_handler, NULL);
  guint rounds = argc > 1 ? (guint) MAX (atoi (argv[1]), 1) : 3;
  guint services = argc > 2 ? (guint) CLAMP (atoi (argv[2]), 1, HB_CATALOG_MAX_SERVICES) : 10000;
  g_autofree char *root = hb_test_mkdtemp ("bench-catalog-size");
  g_autofree char *logs = g_build_filename (root, "logs", NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_log_init (logs, "warning", 10 * 1024 * 1024, NULL));
  curl_global_init (CURL_GLOBAL_DEFAULT);

  g_autofree char *doc = make_catalog ("bench-size", services);
  gsize doc_bytes = strlen (doc);
  g_autofree char *doc_file = g_build_filename (root, "catalog.json", NULL);
  g_assert_true (g_file_set_contents (doc_file, doc, (gssize) doc_bytes, NULL));
  g_assert_cmpuint (doc_bytes, <=, HB_CATALOG_MAX_BYTES);
  g_autoptr(HbTestSim) sim = hb_test_sim_start (NULL, &error);
  g_assert_no_error (error);
  long status = 0;
  g_autofree char *published = hb_test_sim_request (sim, "POST", "/_sim/catalog", doc, &status);
  g_assert_cmpint (status, ==, 200);
  g_autofree char *url = g_strconcat (hb_test_sim_url (sim), "/v1/catalog", NULL);

  double *sync_ms = g_new (double, rounds), *gz_ms = g_new (double, rounds);
  double *plain_ms = g_new (double, rounds), *apply_ms = g_new (double, rounds);
  double *sliced_ms = g_new (double, rounds), *whole_ms = g_new (double, rounds);
  long rss0 = 0, rss_sliced = 0, rss_whole = 0;
  gsize decoded = 0;
  curl_off_t wire_gz = 0, wire_plain = 0;
  for (guint r = 0; r < rounds; r++)
    {
      gz_ms[r] = bare_download (url, TRUE, &decoded, &wire_gz);
      g_assert_cmpuint (decoded, ==, doc_bytes);
      plain_ms[r] = bare_download (url, FALSE, &decoded, &wire_plain);
      sync_ms[r] = full_sync (root, r, hb_test_sim_url (sim));
      apply_ms[r] = apply_alone (root, doc);
      double unused;
      rss0 = parse_in_child (argv[0], doc_file, PARSE_NOTHING, &unused);
      rss_sliced = MAX (rss_sliced, parse_in_child (argv[0], doc_file, PARSE_SLICED, &sliced_ms[r]) - rss0);
      rss_whole = MAX (rss_whole, parse_in_child (argv[0], doc_file, PARSE_WHOLE, &whole_ms[r]) - rss0);
    }
  double sync = bench_median (sync_ms, rounds), gz = bench_median (gz_ms, rounds);
  double plain = bench_median (plain_ms, rounds), apply = bench_median (apply_ms, rounds);
  double sliced = bench_median (sliced_ms, rounds), whole = bench_median (whole_ms, rounds);

  printf ("{\"bench\":\"catalog-size\",\"rounds\":%u,\"services\":%u,\"document_bytes\":%zu,"
          "\"bytes_per_service\":%.0f,\"limit_bytes\":%d,"
          "\"wire\":{\"gzip_bytes\":%" CURL_FORMAT_CURL_OFF_T ",\"plain_bytes\":%"
          CURL_FORMAT_CURL_OFF_T ",\"gzip_ratio\":%.4f,\"bare_gzip_download_ms\":%.1f,"
          "\"bare_plain_download_ms\":%.1f},"
          "\"full_sync\":{\"sync_ms\":%.1f,\"apply_alone_ms\":%.1f,"
          "\"vs_bare_download_plus_apply\":%.2f},"
          "\"parse\":{\"sliced_and_validated_ms\":%.1f,\"json_glib_whole_tree_only_ms\":%.1f,"
          "\"sliced_peak_rss_kib\":%ld,\"whole_tree_peak_rss_kib\":%ld,\"memory_ratio\":%.3f,"
          "\"sliced_peak_vs_document\":%.2f}}\n",
          rounds, services, doc_bytes, (double) doc_bytes / services, HB_CATALOG_MAX_BYTES,
          wire_gz, wire_plain, (double) wire_gz / (double) wire_plain, gz, plain,
          sync, apply, sync / (gz + apply),
          sliced, whole, rss_sliced, rss_whole,
          (double) rss_sliced / (double) MAX (rss_whole, 1),
          rss_sliced * 1024.0 / doc_bytes);
  g_free (sync_ms);
  g_free (gz_ms);
  g_free (plain_ms);
  g_free (apply_ms);
  g_free (sliced_ms);
  g_free (whole_ms);
  hb_log_shutdown ();
  hb_test_rmdir (root);
  curl_global_cleanup ();
  return 0;
}
