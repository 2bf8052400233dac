/* hb-test-util.c — shared helpers for the test programs. */
#include "tests/common/hb-test-util.h"

#include <curl/curl.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#ifndef HB_SOURCE_DATADIR
#error "HB_SOURCE_DATADIR must be defined by the build"
#endif

/* Sanitizer hooks, read in SANITIZE=1 builds only (otherwise nothing calls them).
 * G_TEST_OPTION_ISOLATE_DIRS calls g_set_user_dirs for every test case, and GLib leaks the
 * previous values on purpose (callers may still hold them): not our leak, suppressed.
 * Suppressions match on stack frames, and Debian's GLib has no frame pointers, so the
 * fast unwinder stops at g_malloc: unwind fully at malloc (which also gives useful leak
 * reports for our own g_malloc'd memory). ASAN_OPTIONS in the environment still wins. */
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

/* Leaks inside the libraries themselves, not ours: GLib's per-test user dirs, cairo 1.16's
 * PDF surface (~1.5 KB per document), fontconfig's set-up and its font pattern cache
 * (filled through pango whenever text is laid out), GTK's icon-theme cache and GIO's
 * session-bus address lookup. Each was checked: no object of ours is the root. */
static const char lsan_suppressions[] =
  "leak:g_set_user_dirs\n"
  "leak:cairo_surface_finish\n"
  "leak:FcInitLoadConfigAndFonts\n"
  "leak:libfontconfig.so\n"
  "leak:gtk_icon_theme_lookup_icon\n"
  "leak:g_dbus_address_get_for_bus_sync\n";

const char *
__lsan_default_suppressions (void)
{
  return lsan_suppressions;
}

/* Programs the tests start (the kiosk, haobanctl, platform-sim) get the same list
 * through LSAN_OPTIONS; it is ignored by builds without sanitizers. */
static char *lsan_file;

static void
remove_lsan_file (void)
{
  if (lsan_file)
    g_unlink (lsan_file);
}

static void
export_lsan_suppressions (void)
{
  g_autofree char *options = NULL;

  if (g_getenv ("LSAN_OPTIONS") != NULL)
    return;
  lsan_file = g_strdup_printf ("%s/hb-lsan-%d.supp", g_get_tmp_dir (), (int) getpid ());
  if (!g_file_set_contents (lsan_file, lsan_suppressions, -1, NULL))
    return;
  atexit (remove_lsan_file);
  const char *path = lsan_file;
  options = g_strdup_printf ("suppressions=%s:print_suppressions=0", path);
  g_setenv ("LSAN_OPTIONS", options, TRUE);
  /* …and the full unwinding of __asan_default_options below, which only test programs
   * carry: with the fast unwinder a library leak's stack stops inside the library and
   * no suppression can match it. */
  if (g_getenv ("ASAN_OPTIONS") == NULL)
    g_setenv ("ASAN_OPTIONS", "fast_unwind_on_malloc=0", TRUE);
}

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

void
hb_test_init (int *argc, char ***argv)
{
  hb_test_init_full (argc, argv, TRUE);
}

void
hb_test_init_full (int *argc, char ***argv, gboolean isolate_dirs)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("HAOBAN_CONFIG");
  g_unsetenv ("HAOBAN_DATA_DIR");
  g_unsetenv ("HAOBAN_PLATFORM_URL");
  export_lsan_suppressions ();
  if (isolate_dirs)
    g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  else
    g_test_init (argc, argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

const char *
hb_test_srcdir (void)
{
  static char *dir;
  if (dir == NULL)
    {
      const char *env = g_getenv ("HB_SRCDIR");
      dir = env ? g_strdup (env) : g_path_get_dirname (HB_SOURCE_DATADIR);
    }
  return dir;
}

const char *
hb_test_builddir (void)
{
  static char *dir;
  if (dir == NULL)
    {
      const char *env = g_getenv ("HB_BUILDDIR");
      dir = env ? g_strdup (env) : g_build_filename (hb_test_srcdir (), "build", NULL);
    }
  return dir;
}

char *
hb_test_output_path (const char *name)
{
  const char *base = g_getenv ("HB_TEST_OUTPUT");
  g_autofree char *prog = g_path_get_basename (g_get_prgname () ? g_get_prgname () : "test");
  g_autofree char *dir = base ? g_build_filename (base, prog, NULL)
                              : g_build_filename (g_get_tmp_dir (), "hb-test-output", prog, NULL);
  g_mkdir_with_parents (dir, 0755);
  return g_build_filename (dir, name, NULL);
}

char *
hb_test_mkdtemp (const char *tag)
{
  g_autofree char *tmpl = g_strdup_printf ("hb-%s-XXXXXX", tag ? tag : "test");
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  return dir;
}

static void
rm_rf (GFile *file)
{
  g_autoptr(GFileEnumerator) e =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (e != NULL)
    {
      GFileInfo *info;
      GFile *child;
      while (g_file_enumerator_iterate (e, &info, &child, NULL, NULL) && info != NULL)
        rm_rf (child);
    }
  g_file_delete (file, NULL, NULL);
}

void
hb_test_rmdir (const char *path)
{
  if (path == NULL)
    return;
  g_autoptr(GFile) f = g_file_new_for_path (path);
  rm_rf (f);
}

gboolean
hb_test_wait_until (gboolean (*cond) (gpointer data), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  while (!cond (data) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return cond (data);
}

void
hb_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* --- platform-sim ------------------------------------------------------------------ */

struct _HbTestSim
{
  GSubprocess *proc;
  guint16      port;
  char        *url;
  char        *state_file;
  /* HTTPS (hb_test_sim_start_full): the sim's switches, and what our own requests use. */
  char        *tls_cert, *tls_key, *client_ca, *wrong_ca_cert, *wrong_ca_key;
  char        *ca_file, *client_cert, *client_key;
  guint16      wrong_port;
  char        *wrong_url;
};

/* Runs in the child before exec: a test that aborts on a failed assertion never reaches
 * hb_test_sim_free, and its sim must not outlive it (holding a port, writing logs). */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
sim_spawn (HbTestSim *sim, GError **error)
{
  g_autofree char *bin = g_build_filename (hb_test_builddir (), "haoban-platform-sim", NULL);
  g_autofree char *data = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *port = g_strdup_printf ("%u", sim->port);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, bin);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, port);
  g_ptr_array_add (argv, (char *) "--data");
  g_ptr_array_add (argv, data);
  if (sim->state_file)
    {
      g_ptr_array_add (argv, (char *) "--state");
      g_ptr_array_add (argv, sim->state_file);
    }
  g_autofree char *wrong_port = g_strdup_printf ("%u", sim->wrong_port);
  const struct { const char *name; const char *value; } tls[] = {
    { "--tls-cert", sim->tls_cert }, { "--tls-key", sim->tls_key },
    { "--client-ca", sim->client_ca }, { "--wrong-ca-cert", sim->wrong_ca_cert },
    { "--wrong-ca-key", sim->wrong_ca_key },
    { "--wrong-ca-port", sim->wrong_ca_cert ? wrong_port : NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (tls); i++)
    if (tls[i].value)
      {
        g_ptr_array_add (argv, (char *) tls[i].name);
        g_ptr_array_add (argv, (char *) tls[i].value);
      }
  g_ptr_array_add (argv, NULL);

  g_clear_object (&sim->proc);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sim->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  if (sim->proc == NULL)
    return FALSE;

  /* The first line of stdout announces the address: "... listening on http://127.0.0.1:P" */
  g_autoptr(GDataInputStream) in =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->proc));
  g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, error);
  if (line == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "platform-sim exited at start");
      hb_test_sim_kill (sim);   /* reap it; a restart must not leave one behind */
      return FALSE;
    }
  const char *scheme = sim->tls_cert ? "https" : "http";
  g_autofree char *prefix = g_strdup_printf ("%s://127.0.0.1:", scheme);
  const char *p = strstr (line, prefix);
  if (p == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "unexpected first line: %s", line);
      hb_test_sim_kill (sim);
      return FALSE;
    }
  sim->port = (guint16) g_ascii_strtoull (p + strlen (prefix), NULL, 10);
  g_free (sim->url);
  sim->url = g_strdup_printf ("%s://127.0.0.1:%u", scheme, sim->port);

  /* The wrong-CA listener announces itself on the second line. */
  if (sim->wrong_ca_cert)
    {
      g_autofree char *second = g_data_input_stream_read_line_utf8 (in, NULL, NULL, error);
      const char *q = second ? strstr (second, "https://127.0.0.1:") : NULL;
      if (q == NULL)
        {
          if (error && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no wrong-CA listener line");
          hb_test_sim_kill (sim);
          return FALSE;
        }
      sim->wrong_port = (guint16) g_ascii_strtoull (q + strlen ("https://127.0.0.1:"), NULL, 10);
      g_free (sim->wrong_url);
      sim->wrong_url = g_strdup_printf ("https://127.0.0.1:%u", sim->wrong_port);
    }
  return TRUE;
}

HbTestSim *
hb_test_sim_start (const char *state_file, GError **error)
{
  HbTestSim *sim = g_new0 (HbTestSim, 1);
  sim->state_file = g_strdup (state_file);
  if (!sim_spawn (sim, error))
    {
      hb_test_sim_free (sim);
      return NULL;
    }
  return sim;
}

gboolean
hb_test_sim_restart (HbTestSim *sim, GError **error)
{
  hb_test_sim_kill (sim);
  /* The port was ours a moment ago; a few tries cover a slow release. */
  for (int i = 0; i < 50; i++)
    {
      g_autoptr(GError) local = NULL;
      if (sim_spawn (sim, &local))
        return TRUE;
      if (i == 49)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_usleep (100 * 1000);
    }
  return FALSE;
}

void
hb_test_sim_kill (HbTestSim *sim)
{
  if (sim->proc == NULL)
    return;
  g_subprocess_send_signal (sim->proc, SIGKILL);
  g_subprocess_wait (sim->proc, NULL, NULL);
  g_clear_object (&sim->proc);
}

void
hb_test_sim_free (HbTestSim *sim)
{
  if (sim == NULL)
    return;
  hb_test_sim_kill (sim);
  g_free (sim->url);
  g_free (sim->state_file);
  g_free (sim->tls_cert);
  g_free (sim->tls_key);
  g_free (sim->client_ca);
  g_free (sim->wrong_ca_cert);
  g_free (sim->wrong_ca_key);
  g_free (sim->ca_file);
  g_free (sim->client_cert);
  g_free (sim->client_key);
  g_free (sim->wrong_url);
  g_free (sim);
}

HbTestSim *
hb_test_sim_start_full (const HbTestSimOptions *options, GError **error)
{
  HbTestSim *sim = g_new0 (HbTestSim, 1);
  sim->state_file = g_strdup (options->state_file);
  sim->tls_cert = g_strdup (options->tls_cert);
  sim->tls_key = g_strdup (options->tls_key);
  sim->client_ca = g_strdup (options->client_ca);
  sim->wrong_ca_cert = g_strdup (options->wrong_ca_cert);
  sim->wrong_ca_key = g_strdup (options->wrong_ca_key);
  sim->ca_file = g_strdup (options->ca_file);
  sim->client_cert = g_strdup (options->client_cert);
  sim->client_key = g_strdup (options->client_key);
  if (!sim_spawn (sim, error))
    {
      hb_test_sim_free (sim);
      return NULL;
    }
  return sim;
}

const char *
hb_test_sim_wrong_ca_url (HbTestSim *sim)
{
  return sim->wrong_url;
}

const char *
hb_test_sim_url (HbTestSim *sim)
{
  return sim->url;
}

guint16
hb_test_sim_port (HbTestSim *sim)
{
  return sim->port;
}

static size_t
sink (char *ptr, size_t size, size_t nmemb, void *user)
{
  g_string_append_len ((GString *) user, ptr, (gssize) (size * nmemb));
  return size * nmemb;
}

/* hb_test_http, trusting ca_file and presenting a client certificate when given. */
static char *
http_tls (const char *method, const char *url, const char *body, const char *const *headers,
          const char *ca_file, const char *client_cert, const char *client_key, long *status)
{
  CURL *c = curl_easy_init ();
  GString *out = g_string_new (NULL);
  struct curl_slist *h = NULL;

  *status = 0;
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  /* 5 s, and 2 s more per MiB sent: a large catalog published to the sim is parsed there
   * (slowly under the sanitizers) before the answer. */
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS,
                    5000L + (body ? (long) (strlen (body) >> 20) * 2000L : 0L));
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, out);
  if (body)
    {
      h = curl_slist_append (h, "Content-Type: application/json");
      curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
    }
  for (const char *const *p = headers; p && *p; p++)
    h = curl_slist_append (h, *p);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
  if (ca_file)
    curl_easy_setopt (c, CURLOPT_CAINFO, ca_file);
  if (client_cert && client_key)
    {
      curl_easy_setopt (c, CURLOPT_SSLCERT, client_cert);
      curl_easy_setopt (c, CURLOPT_SSLKEY, client_key);
    }
  CURLcode rc = curl_easy_perform (c);
  if (rc == CURLE_OK)
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, status);
  else
    g_test_message ("%s %s: %s", method, url, curl_easy_strerror (rc));
  curl_slist_free_all (h);
  curl_easy_cleanup (c);
  return g_string_free (out, FALSE);
}

char *
hb_test_http (const char *method, const char *url, const char *body,
              const char *const *headers, long *status)
{
  return http_tls (method, url, body, headers, NULL, NULL, NULL, status);
}

char *
hb_test_sim_request (HbTestSim *sim, const char *method, const char *path,
                     const char *body, long *status)
{
  g_autofree char *url = g_strconcat (sim->url, path, NULL);
  return http_tls (method, url, body, NULL, sim->ca_file, sim->client_cert, sim->client_key,
                   status);
}

int
hb_test_sim_count (HbTestSim *sim, const char *path)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (sim, "GET", path, NULL, &status);
  g_autoptr(JsonParser) parser = json_parser_new ();
  if (status != 200 || !json_parser_load_from_data (parser, body, -1, NULL))
    return -1;
  JsonNode *root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return -1;
  return (int) json_array_get_length (json_node_get_array (root));
}

char *
hb_test_read_file (const char *path, gsize *length)
{
  char *data = NULL;
  if (!g_file_get_contents (path, &data, length, NULL))
    return NULL;
  return data;
}

static JsonNode *
demo_catalog (void)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *json = hb_test_read_file (path, NULL);
  JsonNode *root = json ? json_from_string (json, NULL) : NULL;
  g_assert_nonnull (root);
  return root;
}

guint
hb_test_demo_catalog_services (void)
{
  g_autoptr(JsonNode) root = demo_catalog ();
  return json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                              "services"));
}

char *
hb_test_demo_catalog_version (void)
{
  g_autoptr(JsonNode) root = demo_catalog ();
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "version"));
}

typedef struct {
  gboolean done;
  char    *out;
  char    *err;
} ProgramRun;

static void
program_done (GObject *source, GAsyncResult *result, gpointer data)
{
  ProgramRun *run = data;
  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err,
                                        NULL);
  run->done = TRUE;
}

static gboolean
program_finished (gpointer data)
{
  return ((ProgramRun *) data)->done;
}

int
hb_test_run_program (char **out, char **err, guint timeout_ms, const char *program, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  ProgramRun run = { 0 };
  va_list ap;
  int status = -1;

  g_ptr_array_add (argv, g_build_filename (hb_test_builddir (), program, NULL));
  va_start (ap, program);
  for (const char *a = va_arg (ap, const char *); a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  /* The main loop keeps running: the program may talk to daemons this process serves. */
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, program_done, &run);
  if (hb_test_wait_until (program_finished, &run, timeout_ms) &&
      g_subprocess_get_if_exited (proc))
    status = g_subprocess_get_exit_status (proc);
  else if (!run.done)
    {
      g_subprocess_force_exit (proc);
      hb_test_wait_until (program_finished, &run, 5000);
    }
  if (out)
    *out = g_steal_pointer (&run.out);
  if (err)
    *err = g_steal_pointer (&run.err);
  g_free (run.out);
  g_free (run.err);
  return status;
}

char *
hb_test_squash (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (s, g_utf8_get_char (p));
  return g_string_free (s, FALSE);
}

char *
hb_test_write_output (const char *name, GBytes *bytes)
{
  char *path = hb_test_output_path (name);
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

char *
hb_test_run_tool (const char *const *argv)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

char *
hb_test_pdf_text (const char *pdf, guint page)
{
  g_autofree char *p = g_strdup_printf ("%u", page);
  const char *all[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  const char *one[] = { "pdftotext", "-enc", "UTF-8", "-f", p, "-l", p, pdf, "-", NULL };
  g_autofree char *out = hb_test_run_tool (page == 0 ? all : one);
  return hb_test_squash (out);
}
