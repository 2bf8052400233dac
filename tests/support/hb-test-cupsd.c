/* hb-test-cupsd.c — private cupsd + ippeveprinter for tests (recipe: reference
 * printing-cups-escpos.md §4, examples/cups-test-env.sh). */
#include "tests/support/hb-test-cupsd.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <cups/cups.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define QUEUE "kiosk"
#define START_TIMEOUT_MS 15000

struct _HbTestCupsd
{
  char        *dir;
  char        *token;     /* unique: the printer's name and the queue's location */
  guint16      cups_port;
  guint16      ipp_port;
  char        *server;
  GSubprocess *cupsd;
  GSubprocess *ippeve;
  int          lock_fd;   /* held while this cupsd lives: one private cupsd at a time */
};

/* A daemon must not outlive a test that aborts on a failed assertion. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static guint16
free_port (void)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint16 port = 0;

  if (fd < 0)
    return 0;
  if (bind (fd, (struct sockaddr *) &a, sizeof a) == 0 &&
      getsockname (fd, (struct sockaddr *) &a, &len) == 0)
    port = ntohs (a.sin_port);
  close (fd);
  return port;
}

static gboolean
write_file (const char *dir, const char *name, const char *text, int mode, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  if (!g_file_set_contents (path, text, -1, error))
    return FALSE;
  g_chmod (path, mode);
  return TRUE;
}

static GSubprocess *
spawn (const char *const *argv, const char *preload, const char *log, GError **error)
{
  g_autoptr(GSubprocessLauncher) l =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  /* Sanitizer settings of the test are not for the daemons. */
  g_subprocess_launcher_unsetenv (l, "LD_PRELOAD");
  if (preload)
    g_subprocess_launcher_setenv (l, "LD_PRELOAD", preload, TRUE);
  g_subprocess_launcher_set_stdout_file_path (l, log);
  g_subprocess_launcher_set_stderr_file_path (l, log);
  return g_subprocess_launcher_spawnv (l, argv, error);
}

static gboolean
run (const char *const *argv, GError **error)
{
  g_autoptr(GSubprocessLauncher) l =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) p = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (l, "LD_PRELOAD");
  p = g_subprocess_launcher_spawnv (l, argv, error);
  if (p == NULL || !g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (p))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", argv[0],
                   err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
port_answers (const char *host, guint16 port)
{
  http_t *http = httpConnect2 (host, port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_NEVER, 1, 200, NULL);
  if (http == NULL)
    return FALSE;
  httpClose (http);
  return TRUE;
}

/* FALSE with *exited set: the daemon quit before answering (e.g. the port it was given
 * was taken meanwhile), so the caller may try another port. */
static gboolean
wait_port (GSubprocess *proc, const char *host, guint16 port, const char *what,
           gboolean *exited, GError **error)
{
  gint64 end = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;
  *exited = FALSE;
  while (g_get_monotonic_time () < end)
    {
      if (g_subprocess_get_identifier (proc) == NULL)
        {
          *exited = TRUE;
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s exited on port %u", what, port);
          return FALSE;
        }
      if (port_answers (host, port))
        return TRUE;
      g_usleep (50 * 1000);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s did not come up on port %u", what, port);
  return FALSE;
}

static void
stop (GSubprocess **proc)
{
  gint64 end;
  if (*proc == NULL)
    return;
  if (g_subprocess_get_identifier (*proc) != NULL)
    {
      g_subprocess_send_signal (*proc, SIGTERM);
      end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
      while (g_subprocess_get_identifier (*proc) != NULL && g_get_monotonic_time () < end)
        g_usleep (20 * 1000);
      if (g_subprocess_get_identifier (*proc) != NULL)
        g_subprocess_force_exit (*proc);
    }
  g_subprocess_wait (*proc, NULL, NULL);
  g_clear_object (proc);
}

/* The queue takes PDF, and it is ours: the cupsd on our port has our token as the queue's
 * location and sends its jobs to our printer. */
static gboolean
queue_takes_pdf (HbTestCupsd *c)
{
  static const char *const attrs[] = { "document-format-supported", "printer-is-accepting-jobs",
                                       "printer-location", "device-uri" };
  http_t *http = httpConnect2 ("127.0.0.1", c->cups_port, NULL, AF_UNSPEC,
                               HTTP_ENCRYPTION_NEVER, 1, 2000, NULL);
  char uri[HTTP_MAX_URI];
  gboolean ok = FALSE;
  ipp_t *req, *resp;

  if (http == NULL)
    return FALSE;
  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", c->cups_port,
                    "/printers/%s", QUEUE);
  req = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddString (req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddStrings (req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (attrs), NULL, attrs);
  resp = cupsDoRequest (http, req, "/");
  if (resp != NULL)
    {
      g_autofree char *device = g_strdup_printf ("ipp://localhost:%u/ipp/print", c->ipp_port);
      ipp_attribute_t *a = ippFindAttribute (resp, "document-format-supported", IPP_TAG_MIMETYPE);
      ipp_attribute_t *acc = ippFindAttribute (resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
      ipp_attribute_t *loc = ippFindAttribute (resp, "printer-location", IPP_TAG_TEXT);
      ipp_attribute_t *dev = ippFindAttribute (resp, "device-uri", IPP_TAG_URI);
      ok = a != NULL && ippContainsString (a, "application/pdf") && acc && ippGetBoolean (acc, 0) &&
           loc && g_strcmp0 (ippGetString (loc, 0, NULL), c->token) == 0 &&
           (dev == NULL || g_strcmp0 (ippGetString (dev, 0, NULL), device) == 0);
      ippDelete (resp);
    }
  httpClose (http);
  return ok;
}

/* The printer-name of whatever IPP printer answers at host:port (NULL: none answers). */
static char *
printer_name_at (const char *host, guint16 port)
{
  static const char *const attrs[] = { "printer-name" };
  http_t *http = httpConnect2 (host, port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_NEVER, 1, 1000, NULL);
  g_autofree char *uri = g_strdup_printf ("ipp://localhost:%u/ipp/print", port);
  char *name = NULL;
  ipp_t *req, *resp;

  if (http == NULL)
    return NULL;
  httpSetTimeout (http, 5.0, NULL, NULL);
  req = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddString (req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddStrings (req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (attrs), NULL, attrs);
  resp = cupsDoRequest (http, req, "/ipp/print");
  if (resp != NULL)
    {
      ipp_attribute_t *a = ippFindAttribute (resp, "printer-name", IPP_TAG_NAME);
      name = g_strdup (a ? ippGetString (a, 0, NULL) : "");
      ippDelete (resp);
    }
  httpClose (http);
  return name;
}

/* The queue's URI says "localhost": the ipp backend may reach either loopback address.
 * Whatever answers on either must be our printer, not one another instance left or
 * started on the same port number (a job there would "complete" without our fault). */
static gboolean
printer_is_ours (HbTestCupsd *c, GError **error)
{
  static const char *const hosts[] = { "127.0.0.1", "::1" };
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *name = printer_name_at (hosts[i], c->ipp_port);
      if (name == NULL)
        continue;
      if (g_strcmp0 (name, c->token) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                       "port %u on %s is printer \"%s\", not ours (%s)", c->ipp_port, hosts[i],
                       name, c->token);
          return FALSE;
        }
      any = TRUE;
    }
  if (!any)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                 "no printer answers on port %u", c->ipp_port);
  return any;
}

/* cupsd finishes a new queue after CUPS-Add-Modify-Printer has answered (it reloads the
 * PPD, then logs that the printer "is now available"); until then Send-Document says
 * document-format-not-supported. Our LogLevel is debug, so the line is there. */
static gboolean
queue_configured (HbTestCupsd *c)
{
  g_autofree char *log = g_build_filename (c->dir, "log", "error_log", NULL);
  g_autofree char *text = NULL;
  g_autofree char *line = g_strdup_printf ("Printer \"%s\" is now available.", QUEUE);
  return g_file_get_contents (log, &text, NULL, NULL) && strstr (text, line) != NULL;
}

static gboolean
wait_queue_ready (HbTestCupsd *c, GError **error)
{
  gint64 end = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;
  gint64 log_end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      if ((queue_configured (c) || g_get_monotonic_time () > log_end) && queue_takes_pdf (c))
        return TRUE;
      g_usleep (50 * 1000);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "queue %s never accepted PDF", QUEUE);
  return FALSE;
}

/* CUPS 2.4's ipp backend follows the job at the printer in two threads: its main loop and
 * a monitor thread. Only the monitor turns "the printer aborted or canceled the job" into
 * "Print job canceled at printer." (exit 5); when the main loop sees that final state
 * first, it leaves the loop and exits 0, and cupsd marks the job completed. Which thread
 * sees it first is timing: loaded machines (tests in parallel) often got "completed" for a
 * document our printer failed with a fault. The queue therefore goes through this wrapper
 * (our own ServerBin): it passes the backend's messages through and, when the backend
 * logged that the printer ended the job aborted or canceled yet exits 0, reports what the
 * monitor would have. cupsd (as root) signals the backend's whole process group to cancel
 * a job, so the backend gets SIGTERM itself; the wrapper ignores it and waits. */
static const char ipp_wrapper_c[] =
  "/* Test-only wrapper of CUPS's ipp backend (see tests/support/hb-test-cupsd.c). */\n"
  "#include <errno.h>\n#include <signal.h>\n#include <stdio.h>\n#include <string.h>\n"
  "#include <sys/wait.h>\n#include <unistd.h>\n"
  "int main (int argc, char **argv)\n"
  "{\n"
  "  int p[2], status = 0, ended_at_printer = 0;\n"
  "  char line[8192];\n"
  "  FILE *in;\n"
  "  pid_t child;\n"
  "  if (argc < 6 || pipe (p) != 0)\n"
  "    { execv (HB_REAL_IPP, argv); return 1; }\n"
  "  child = fork ();\n"
  "  if (child < 0)\n"
  "    return 1;\n"
  "  if (child == 0)\n"
  "    {\n"
  "      dup2 (p[1], 2); close (p[0]); close (p[1]);\n"
  "      execv (HB_REAL_IPP, argv);\n"
  "      _exit (1);\n"
  "    }\n"
  "  /* cupsd cancels with SIGTERM to the process group: the backend has it too. */\n"
  "  signal (SIGTERM, SIG_IGN);\n"
  "  signal (SIGPIPE, SIG_IGN);\n"
  "  close (p[1]);\n"
  "  in = fdopen (p[0], \"r\");\n"
  "  while (in && fgets (line, sizeof line, in))\n"
  "    {\n"
  "      fputs (line, stderr);\n"
  "      /* The printer's answer to Get-Job-Attributes, as the backend logs it. */\n"
  "      if (strstr (line, \"job-state enum aborted\") || strstr (line, \"job-state enum canceled\") ||\n"
  "          strstr (line, \"(monitor) job-state = aborted\") ||\n"
  "          strstr (line, \"(monitor) job-state = canceled\"))\n"
  "        ended_at_printer = 1;\n"
  "    }\n"
  "  while (waitpid (child, &status, 0) < 0 && errno == EINTR)\n"
  "    ;\n"
  "  if (!WIFEXITED (status))\n"
  "    return 1;\n"
  "  if (WEXITSTATUS (status) == 0 && ended_at_printer)\n"
  "    {\n"
  "      fputs (\"ERROR: Print job canceled at printer.\\n\", stderr);\n"
  "      return 5; /* CUPS_BACKEND_CANCEL */\n"
  "    }\n"
  "  return WEXITSTATUS (status);\n"
  "}\n";

/* The system's ServerBin (filters, backends, helpers). */
static const char *
system_serverbin (void)
{
  static const char *const dirs[] = { "/usr/lib/cups", "/usr/libexec/cups" };
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *ipp = g_build_filename (dirs[i], "backend", "ipp", NULL);
      if (g_file_test (ipp, G_FILE_TEST_IS_EXECUTABLE))
        return dirs[i];
    }
  return NULL;
}

/* Our ServerBin: the system's, with backend/ipp replaced by the wrapper (built later). */
static gboolean
setup_serverbin (HbTestCupsd *c, const char *sys, GError **error)
{
  static const char *const links[] = { "cgi-bin", "daemon", "driver", "filter", "monitor",
                                       "notifier" };
  g_autofree char *backend = g_build_filename (c->dir, "serverbin", "backend", NULL);
  g_autofree char *real = g_build_filename (sys, "backend", "ipp", NULL);
  g_autofree char *src = NULL;

  g_mkdir_with_parents (backend, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      g_autofree char *target = g_build_filename (sys, links[i], NULL);
      g_autofree char *link = g_build_filename (c->dir, "serverbin", links[i], NULL);
      if (g_file_test (target, G_FILE_TEST_IS_DIR) && symlink (target, link) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "symlink %s: %s", link,
                       g_strerror (errno));
          return FALSE;
        }
    }
  src = g_strdup_printf ("#define HB_REAL_IPP \"%s\"\n%s", real, ipp_wrapper_c);
  return write_file (c->dir, "bin/ipp-wrapper.c", src, 0644, error);
}

static gboolean
write_cupsd_conf (HbTestCupsd *c, GError **error)
{
  g_autofree char *conf = g_strdup_printf (
    "Listen 127.0.0.1:%u\nListen %s/run/cups.sock\nLogLevel debug\nMaxLogSize 0\n"
    "Browsing No\nBrowseLocalProtocols none\nDefaultAuthType None\nWebInterface No\n"
    "JobRetryInterval 5\nPreserveJobHistory Yes\n"
    "<Location />\n  Order allow,deny\n  Allow from 127.0.0.1\n  Allow from @LOCAL\n</Location>\n"
    "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
    c->cups_port, c->dir);
  return write_file (c->dir, "etc/cupsd.conf", conf, 0644, error);
}

static gboolean
setup_dir (HbTestCupsd *c, const char *sys, GError **error)
{
  static const char *const dirs[] = { "etc/ppd", "etc/ssl", "spool/tmp", "log", "run/certs",
                                      "cache", "out", "ipp-spool", "bin" };
  g_autofree char *files_conf = NULL, *print_sh = NULL;
  const char *T = c->dir;

  /* cupsd runs filters and backends as lp: they must traverse the dir. */
  g_chmod (T, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *p = g_build_filename (T, dirs[i], NULL);
      g_mkdir_with_parents (p, 0755);
    }
  {
    g_autofree char *out = g_build_filename (T, "out", NULL);
    g_chmod (out, 0777);
  }
  files_conf = g_strdup_printf (
    "ServerRoot %s/etc\nRequestRoot %s/spool\nTempDir %s/spool/tmp\nStateDir %s/run\n"
    "CacheDir %s/cache\nAccessLog %s/log/access_log\nErrorLog %s/log/error_log\n"
    "PageLog %s/log/page_log\nServerBin %s/serverbin\nDataDir /usr/share/cups\n"
    "FileDevice Yes\nUser lp\nGroup lp\nSystemGroup root\n", T, T, T, T, T, T, T, T, T);
  /* ippeveprinter runs this per document ($1); STATE:/ERROR: lines on stderr change the
   * printer. bin/fault holds a keyword to fail with; bin/hold keeps the document printing. */
  print_sh = g_strdup_printf (
    "#!/bin/sh\n"
    "F=\"$1\"\n"
    "echo \"INFO: printing\" >&2\n"
    "i=0\n"
    "while [ -e %s/bin/hold ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done\n"
    "cp \"$F\" %s/out/ 2>/dev/null\n"
    "if [ -s %s/bin/fault ]; then\n"
    "  k=$(cat %s/bin/fault)\n"
    "  echo \"STATE: +$k\" >&2\n"
    "  echo \"ERROR: simulated $k\" >&2\n"
    "  exit 1\n"
    "fi\n"
    "echo \"STATE: -media-empty,media-needed,media-jam,toner-empty,cover-open\" >&2\n"
    "exit 0\n", T, T, T, T);

  return setup_serverbin (c, sys, error) &&
         write_file (T, "etc/cups-files.conf", files_conf, 0644, error) &&
         write_file (T, "bin/fake-print.sh", print_sh, 0755, error) &&
         write_file (T, "bin/noavahi.c",
           "/* LD_PRELOAD shim: ippeveprinter without avahi-daemon / D-Bus (tests only). */\n"
           "#include <stddef.h>\nstatic int dummy;\n"
           "void *avahi_client_new(const void *p, int f, void *cb, void *ud, int *err) { (void)p; (void)f; (void)cb; (void)ud; if (err) *err = 0; return &dummy; }\n"
           "int avahi_client_errno(void *c) { (void)c; return 0; }\n"
           "const char *avahi_client_get_host_name_fqdn(void *c) { (void)c; return \"localhost\"; }\n"
           "void *avahi_entry_group_new(void *c, void *cb, void *ud) { (void)c; (void)cb; (void)ud; return &dummy; }\n"
           "int avahi_entry_group_add_service_strlst(void *g, ...) { (void)g; return 0; }\n"
           "int avahi_entry_group_add_service_subtype(void *g, ...) { (void)g; return 0; }\n"
           "int avahi_entry_group_commit(void *g) { (void)g; return 0; }\n"
           "int avahi_entry_group_free(void *g) { (void)g; return 0; }\n", 0644, error);
}

/* Our cupsd answers on its port: its log says it listens there (another process may hold
 * a port between free_port() and cupsd's bind; cupsd then runs on its socket alone). */
static gboolean
cupsd_listens (HbTestCupsd *c)
{
  g_autofree char *log = g_build_filename (c->dir, "log", "error_log", NULL);
  g_autofree char *text = NULL;
  g_autofree char *line = g_strdup_printf ("Listening to 127.0.0.1:%u ", c->cups_port);
  return g_file_get_contents (log, &text, NULL, NULL) && strstr (text, line) != NULL;
}

#define PORT_ATTEMPTS 5

/* Starts cupsd on a free port; another port when the one picked was taken meanwhile. */
static gboolean
start_cupsd (HbTestCupsd *c, const char *cupsd_bin, GError **error)
{
  g_autofree char *conf = g_build_filename (c->dir, "etc", "cupsd.conf", NULL);
  g_autofree char *files = g_build_filename (c->dir, "etc", "cups-files.conf", NULL);
  g_autofree char *log = g_build_filename (c->dir, "log", "cupsd.stdout", NULL);

  for (int attempt = 1;; attempt++)
    {
      const char *argv[] = { cupsd_bin, "-f", "-c", conf, "-s", files, NULL };
      g_autoptr(GError) local = NULL;
      gboolean exited = FALSE;

      c->cups_port = free_port ();
      if (c->cups_port == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no free loopback port");
          return FALSE;
        }
      if (!write_cupsd_conf (c, error))
        return FALSE;
      c->cupsd = spawn (argv, NULL, log, error);
      if (c->cupsd == NULL)
        return FALSE;
      if (wait_port (c->cupsd, "127.0.0.1", c->cups_port, "cupsd", &exited, &local))
        {
          if (cupsd_listens (c))
            break;
          exited = TRUE;
          g_set_error (&local, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                       "port %u answers, but not our cupsd", c->cups_port);
        }
      stop (&c->cupsd);
      if (!exited || attempt >= PORT_ATTEMPTS)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_message ("hb-test-cupsd: %s; trying another port", local->message);
    }
  g_free (c->server);
  c->server = g_strdup_printf ("127.0.0.1:%u", c->cups_port);
  return TRUE;
}

/* Starts ippeveprinter, named by our token, on a free port; another port when the one
 * picked was taken meanwhile or something else answers on it. */
static gboolean
start_printer (HbTestCupsd *c, const char *ippeve_bin, const char *so, GError **error)
{
  g_autofree char *log = g_build_filename (c->dir, "log", "ippeve.log", NULL);
  g_autofree char *script = g_build_filename (c->dir, "bin", "fake-print.sh", NULL);
  g_autofree char *spool = g_build_filename (c->dir, "ipp-spool", NULL);

  for (int attempt = 1;; attempt++)
    {
      g_autofree char *port = NULL;
      g_autoptr(GError) local = NULL;
      gboolean exited = FALSE;

      c->ipp_port = free_port ();
      if (c->ipp_port == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no free loopback port");
          return FALSE;
        }
      port = g_strdup_printf ("%u", c->ipp_port);
      {
        const char *argv[] = { ippeve_bin, "-p", port, "-n", "localhost", "-d", spool, "-k",
                               "-f", "application/pdf,image/pwg-raster,image/urf",
                               "-F", "application/pdf", "-c", script, c->token, NULL };
        c->ippeve = spawn (argv, so, log, error);
      }
      if (c->ippeve == NULL)
        return FALSE;
      if (wait_port (c->ippeve, "localhost", c->ipp_port, "ippeveprinter", &exited, &local))
        {
          /* It may answer HTTP a moment before IPP: ask a few times. */
          gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
          for (;;)
            {
              g_clear_error (&local);
              if (printer_is_ours (c, &local))
                return TRUE;
              if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE) ||
                  g_get_monotonic_time () > end)
                break;
              g_usleep (100 * 1000);
            }
          exited = TRUE;
        }
      stop (&c->ippeve);
      if (!exited || attempt >= PORT_ATTEMPTS)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_message ("hb-test-cupsd: %s; trying another port", local->message);
    }
}

HbTestCupsd *
hb_test_cupsd_start (GError **error)
{
  g_autoptr(HbTestCupsd) c = g_new0 (HbTestCupsd, 1);
  g_autofree char *cupsd_bin = g_find_program_in_path ("cupsd");
  g_autofree char *ippeve_bin = g_find_program_in_path ("ippeveprinter");
  g_autofree char *lpadmin_bin = g_find_program_in_path ("lpadmin");
  g_autofree char *cc = g_find_program_in_path ("cc");
  g_autofree char *so = NULL, *src = NULL, *wrapper = NULL, *wrapper_src = NULL, *uri = NULL;
  const char *sys = system_serverbin ();

  if (cupsd_bin == NULL)
    cupsd_bin = g_strdup ("/usr/sbin/cupsd");
  if (ippeve_bin == NULL)
    ippeve_bin = g_strdup ("/usr/sbin/ippeveprinter");
  if (lpadmin_bin == NULL)
    lpadmin_bin = g_strdup ("/usr/sbin/lpadmin");
  if (cc == NULL)
    cc = g_find_program_in_path ("gcc");
  if (!g_file_test (cupsd_bin, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (ippeve_bin, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (lpadmin_bin, G_FILE_TEST_IS_EXECUTABLE) || cc == NULL || sys == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "cupsd, its ipp backend, ippeveprinter, lpadmin (cups-daemon, "
                   "cups-ipp-utils, cups-client) or a C compiler is missing");
      return NULL;
    }
  if (geteuid () != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "a private cupsd needs root (it drops filters to user lp)");
      return NULL;
    }
  /* One private cupsd at a time in this /tmp, to keep the load (and the port churn) of
   * parallel test programs down; the lock goes with the process if it dies. Other
   * instances (another /tmp, same network) are told apart by the token below. */
  c->lock_fd = open ("/tmp/hb-test-cupsd.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (c->lock_fd < 0 || flock (c->lock_fd, LOCK_EX) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot take the cupsd test lock: %s",
                   g_strerror (errno));
      return NULL;
    }

  c->dir = g_dir_make_tmp ("hb-cupsd-XXXXXX", error);
  if (c->dir == NULL)
    return NULL;
  c->token = g_path_get_basename (c->dir);
  if (!setup_dir (c, sys, error))
    return NULL;

  so = g_build_filename (c->dir, "bin", "noavahi.so", NULL);
  src = g_build_filename (c->dir, "bin", "noavahi.c", NULL);
  wrapper = g_build_filename (c->dir, "serverbin", "backend", "ipp", NULL);
  wrapper_src = g_build_filename (c->dir, "bin", "ipp-wrapper.c", NULL);
  {
    const char *argv[] = { cc, "-shared", "-fPIC", "-O2", "-o", so, src, NULL };
    const char *argv2[] = { cc, "-O2", "-o", wrapper, wrapper_src, NULL };
    if (!run (argv, error) || !run (argv2, error))
      return NULL;
    /* Backends that others may run are run as lp, like the system's ipp. */
    g_chmod (wrapper, 0755);
  }

  if (!start_cupsd (c, cupsd_bin, error) || !start_printer (c, ippeve_bin, so, error))
    return NULL;

  /* -m everywhere asks the printer itself; it may need a moment after the port opens.
   * The location carries our token: the queue we wait for below is ours. */
  uri = g_strdup_printf ("ipp://localhost:%u/ipp/print", c->ipp_port);
  for (int attempt = 0;; attempt++)
    {
      const char *argv[] = { lpadmin_bin, "-h", c->server, "-p", QUEUE, "-E", "-v", uri,
                             "-m", "everywhere", "-L", c->token, NULL };
      g_autoptr(GError) local = NULL;
      if (run (argv, &local))
        break;
      if (attempt >= 20)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_usleep (200 * 1000);
    }
  /* cupsd loads the queue's filters after lpadmin returns; a job sent before that is
   * aborted ("Unable to convert file"). Wait until the queue takes PDF. */
  if (!wait_queue_ready (c, error))
    return NULL;
  return g_steal_pointer (&c);
}

void
hb_test_cupsd_free (HbTestCupsd *c)
{
  if (c == NULL)
    return;
  if (c->dir)
    hb_test_cupsd_set_hold (c, FALSE);   /* let a held print script finish */
  stop (&c->cupsd);
  stop (&c->ippeve);
  if (c->dir)
    {
      g_autofree char *keep = g_strdup (g_getenv ("HB_TEST_KEEP_CUPSD"));
      if (keep == NULL)
        {
          /* Recursive delete without following links. A print script released from
           * hold may still be finishing (it is ippeveprinter's child, not ours): retry. */
          const char *argv[] = { "rm", "-rf", c->dir, NULL };
          for (int i = 0; i < 20 && g_file_test (c->dir, G_FILE_TEST_EXISTS); i++)
            {
              if (i > 0)
                g_usleep (100 * 1000);
              g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH |
                            G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, NULL, NULL, NULL, NULL);
            }
        }
    }
  g_free (c->dir);
  g_free (c->token);
  g_free (c->server);
  if (c->lock_fd > 0)
    close (c->lock_fd);   /* releases the flock */
  g_free (c);
}

const char *
hb_test_cupsd_get_server (HbTestCupsd *c)
{
  return c->server;
}

const char *
hb_test_cupsd_get_queue (HbTestCupsd *c)
{
  return QUEUE;
}

const char *
hb_test_cupsd_get_dir (HbTestCupsd *c)
{
  return c->dir;
}

void
hb_test_cupsd_set_fault (HbTestCupsd *c, const char *keyword)
{
  g_autofree char *path = g_build_filename (c->dir, "bin", "fault", NULL);
  if (keyword)
    g_file_set_contents (path, keyword, -1, NULL);
  else
    g_unlink (path);
}

void
hb_test_cupsd_set_hold (HbTestCupsd *c, gboolean hold)
{
  g_autofree char *path = g_build_filename (c->dir, "bin", "hold", NULL);
  if (hold)
    g_file_set_contents (path, "1", -1, NULL);
  else
    g_unlink (path);
}

gboolean
hb_test_cupsd_set_paper (HbTestCupsd *c, gboolean loaded)
{
  g_autofree char *resource = g_strdup_printf (
    "/media?size1=%s&type1=%s&level1=%d&size3=na_number-10_4.125x9.5in&type3=envelope&level3=25",
    loaded ? "na_letter_8.5x11in" : "", loaded ? "stationery" : "", loaded ? 250 : 0);
  http_t *http = httpConnect2 ("localhost", c->ipp_port, NULL, AF_UNSPEC,
                               HTTP_ENCRYPTION_NEVER, 1, 2000, NULL);
  http_status_t st = HTTP_STATUS_ERROR;

  if (http == NULL)
    return FALSE;
  httpSetTimeout (http, 5.0, NULL, NULL);
  httpClearFields (http);
  if (httpGet (http, resource) == 0)
    {
      while ((st = httpUpdate (http)) == HTTP_STATUS_CONTINUE)
        ;
      httpFlush (http);
    }
  httpClose (http);
  return st == HTTP_STATUS_OK;
}

guint
hb_test_cupsd_count_printed (HbTestCupsd *c)
{
  g_autofree char *out = g_build_filename (c->dir, "out", NULL);
  g_autoptr(GDir) d = g_dir_open (out, 0, NULL);
  guint n = 0;
  while (d && g_dir_read_name (d))
    n++;
  return n;
}

int
hb_test_cupsd_count_jobs (HbTestCupsd *c)
{
  http_t *http = httpConnect2 ("127.0.0.1", c->cups_port, NULL, AF_UNSPEC,
                               HTTP_ENCRYPTION_NEVER, 1, 2000, NULL);
  cups_job_t *jobs = NULL;
  int n;

  if (http == NULL)
    return -1;
  n = cupsGetJobs2 (http, &jobs, QUEUE, 0, CUPS_WHICHJOBS_ALL);
  cupsFreeJobs (n > 0 ? n : 0, jobs);
  httpClose (http);
  return n;
}

void
hb_test_cupsd_kill_cupsd (HbTestCupsd *c)
{
  stop (&c->cupsd);
}
