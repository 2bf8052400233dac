/* hb-report-command.c — `haobanctl report month`: summarize, render, write / upload / print. */
#include "kiosk/hb-report-command.h"
#include "kiosk/hb-audit-command.h"
#include "kiosk/hb-core.h"
#include "kiosk/hb-ops-report.h"
#include "kiosk/hb-print-command.h"
#include "kiosk/hb-document.h"
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-usage.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define UPLOAD_TIMEOUT_S  30

static int
usage (void)
{
  fprintf (stderr,
           "usage: haobanctl report month [--month YYYY-MM] [--output FILE] [--upload] [--print]\n"
           "                              [--printer NAME] [--cups-server HOST:PORT]\n"
           "                              [--timeout SECONDS]\n"
           "  the monthly operations report (运营报告) as an A4 PDF from this terminal's counters;\n"
           "  default month: the previous one; default output: ./haoban-report-TERMINAL-MONTH.pdf\n");
  return 2;
}

static int
fail (const char *what, const GError *error)
{
  fprintf (stderr, "haobanctl: report: %s: %s\n", what, error ? error->message : "failed");
  return 1;
}

/* code → name of every service in the cached catalog (names print instead of codes). */
static GHashTable *
service_names (HbStore *store)
{
  g_autoptr(HbCatalog) catalog = hb_catalog_new (store);
  return hb_catalog_dup_names (catalog);
}

/* --- one delivery attempt --------------------------------------------------------------- */

typedef struct {
  const char *key;
  gboolean    probed, answered, done, delivered;
  guint       probe_status;
  GError     *probe_error;
  char       *why;
} Upload;

static void
probed (GObject *source, GAsyncResult *result, gpointer data)
{
  Upload *up = data;
  g_autofree char *body = hb_sync_request_finish (HB_SYNC (source), result, &up->probe_status,
                                                  &up->probe_error);
  up->answered = body != NULL;
  up->probed = TRUE;
}

static void
on_delivered (HbSync *sync, const char *key, const char *response, Upload *up)
{
  if (g_strcmp0 (key, up->key) == 0)
    up->done = up->delivered = TRUE;
}

static void
on_not_delivered (HbSync *sync, const char *key, const char *why, Upload *up)
{
  if (g_strcmp0 (key, up->key) != 0)
    return;
  up->done = TRUE;
  g_free (up->why);
  up->why = g_strdup (why ? why : "refused");
}

static gboolean
on_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;   /* wakes the loop so the deadline is checked */
}

/* Queues the report in the outbox (durable: an offline terminal sends it later), then runs
 * the sync engine until the platform took it, refused it, or the timeout. */
static int
upload (HbConfig *config, HbStore *store, const char *terminal, const char *month, GBytes *pdf,
        guint timeout_s)
{
  g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
  g_autoptr(HbSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *body = hb_ops_report_upload_body (terminal, month, pdf, NULL, &key);
  Upload up = { .key = key };
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  guint tick;
  int rc = 0;

  if (strlen (body) > HB_OUTBOX_BODY_MAX)
    {
      fprintf (stderr, "haobanctl: report: the PDF is too large to upload (%" G_GSIZE_FORMAT
               " bytes)\n", g_bytes_get_size (pdf));
      return 1;
    }
  if (!hb_outbox_enqueue_with_key (outbox, key, HB_OPS_REPORT_OUTBOX_KIND, HB_OPS_REPORT_PATH,
                                   body, &error))
    return fail ("queueing the upload", error);
  printf ("upload queued %s\n", key);
  fflush (stdout);
  hb_audit_command_record (config, "report.upload", month, key);
  {
    /* The same PDF was queued before (the key is its content's): maybe already sent. */
    g_autoptr(HbOutboxItem) item = hb_outbox_lookup (outbox, key, NULL);
    if (item != NULL && item->state == HB_OUTBOX_SENT)
      {
        printf ("uploaded %s %s (already on the platform)\n", terminal, month);
        return 0;
      }
  }

  sync = hb_core_new_sync (config);
  g_signal_connect (sync, "delivered", G_CALLBACK (on_delivered), &up);
  g_signal_connect (sync, "rejected", G_CALLBACK (on_not_delivered), &up);
  g_signal_connect (sync, "parked", G_CALLBACK (on_not_delivered), &up);
  tick = g_timeout_add (200, on_tick, NULL);

  /* An unreachable platform is one clear message: the item stays queued for the kiosk. */
  hb_sync_request_async (sync, "GET", "/v1/keys", NULL, NULL, probed, &up);
  while (!up.probed)
    g_main_context_iteration (NULL, TRUE);
  if (!up.answered)
    {
      printf ("upload pending: platform not reachable (%s); the terminal sends it when online\n",
              up.probe_error ? up.probe_error->message : "no answer");
      goto out;
    }
  if (!hb_sync_start (sync, &error))
    {
      rc = fail ("sync", error);
      goto out;
    }
  while (!up.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  hb_sync_stop (sync);
  if (up.delivered)
    printf ("uploaded %s %s\n", terminal, month);
  else if (up.done)
    {
      fprintf (stderr, "haobanctl: report: the platform did not take the report: %s\n", up.why);
      rc = 1;
    }
  else
    printf ("upload pending: not confirmed within %u s; the terminal keeps trying\n", timeout_s);

out:
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_handlers_disconnect_by_data (sync, &up);
  g_source_remove (tick);
  g_clear_error (&up.probe_error);
  g_free (up.why);
  return rc;
}

/* --- print ------------------------------------------------------------------------------ */

static int
print_pdf (HbConfig *config, const char *path, const char *printer, const char *server,
           guint timeout_s)
{
  g_autofree char *timeout = g_strdup_printf ("%u", timeout_s);
  const char *argv[12];
  int n = 0;

  /* The same path as `haobanctl print FILE --to doc` (the A4 CUPS queue of the config). */
  argv[n++] = "print";
  argv[n++] = path;
  argv[n++] = "--to";
  argv[n++] = "doc";
  if (printer)
    {
      argv[n++] = "--printer";
      argv[n++] = printer;
    }
  if (server)
    {
      argv[n++] = "--cups-server";
      argv[n++] = server;
    }
  argv[n++] = "--timeout";
  argv[n++] = timeout;
  argv[n] = NULL;
  return hb_print_command_run (config, n, (char **) argv);
}

/* --- month ------------------------------------------------------------------------------ */

int
hb_report_command_run (HbConfig *config, int argc, char **argv)
{
  const char *month_arg = NULL, *output = NULL, *printer = NULL, *server = NULL;
  gboolean do_upload = FALSE, do_print = FALSE;
  guint64 timeout_s = UPLOAD_TIMEOUT_S;
  gint64 from, to;
  g_autofree char *month = NULL;
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *keyfile = hb_config_dup_key_path (config);
  const char *terminal = hb_config_get_string (config, "terminal", "id");
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = NULL;
  g_autoptr(HbUsage) counters = NULL;
  g_autoptr(HbUsageSummary) summary = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *path = NULL;
  gboolean temporary = FALSE;
  int rc = 0;

  if (argc < 1 || !g_str_equal (argv[0], "month"))
    return usage ();
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--month") && i + 1 < argc)
        month_arg = argv[++i];
      else if (g_str_equal (argv[i], "--output") && i + 1 < argc)
        output = argv[++i];
      else if (g_str_equal (argv[i], "--printer") && i + 1 < argc)
        printer = argv[++i];
      else if (g_str_equal (argv[i], "--cups-server") && i + 1 < argc)
        server = argv[++i];
      else if (g_str_equal (argv[i], "--timeout") && i + 1 < argc)
        {
          if (!g_ascii_string_to_unsigned (argv[++i], 10, 1, 3600, &timeout_s, NULL))
            return usage ();
        }
      else if (g_str_equal (argv[i], "--upload"))
        do_upload = TRUE;
      else if (g_str_equal (argv[i], "--print"))
        do_print = TRUE;
      else
        return usage ();
    }

  if (month_arg != NULL)
    {
      if (!hb_usage_parse_month (month_arg, &from, &to))
        {
          fprintf (stderr, "haobanctl: report: --month wants YYYY-MM, e.g. 2026-11\n");
          return 2;
        }
      month = g_strdup (month_arg);
    }
  else
    {
      /* The previous calendar month, local time. */
      month = hb_ops_report_previous_month (g_get_real_time () / G_USEC_PER_SEC);
      hb_usage_parse_month (month, &from, &to);
    }

  store = hb_store_open (db, keyfile, &error);
  if (store == NULL)
    return fail ("store", error);
  counters = hb_usage_new (store);
  summary = hb_usage_summarize (counters, from, to, &error);
  if (summary == NULL)
    return fail ("counters", error);
  names = service_names (store);
  {
    HbOpsReport report = { terminal, month, summary, NULL, names };
    pdf = hb_ops_report_render (&report, &error);
  }
  if (pdf == NULL)
    return fail ("rendering", error);

  if (output != NULL || (!do_upload && !do_print))
    path = output ? g_strdup (output)
                  : g_strdup_printf ("haoban-report-%s-%s.pdf", terminal, month);
  else if (do_print)
    {
      int fd = g_file_open_tmp ("haoban-report-XXXXXX.pdf", &path, &error);
      if (fd < 0)
        return fail ("temporary file", error);
      close (fd);
      temporary = TRUE;
    }
  if (path != NULL)
    {
      if (!g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                &error))
        return fail ("writing the PDF", error);
      if (!temporary)
        printf ("report %s %s: %s (%" G_GSIZE_FORMAT " bytes, %u visits)\n", terminal, month,
                path, g_bytes_get_size (pdf), summary->visits);
    }
  fflush (stdout);

  if (do_upload)
    rc = upload (config, store, terminal, month, pdf, (guint) timeout_s);
  if (do_print)
    {
      int prc;
      hb_audit_command_record (config, "report.print", month, printer ? printer : "default");
      prc = print_pdf (config, path, printer, server, (guint) timeout_s);
      rc = rc ? rc : prc;
    }
  if (temporary)
    g_unlink (path);
  return rc;
}
