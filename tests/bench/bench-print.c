/* bench-print.c — tap-to-job-accepted against a real cupsd (private, loopback, an IPP
 * Everywhere printer behind it), on the kiosk's path.
 *
 * One round: "tap" → render the A4 receipt (hb-document) → HbCupsPrinter submits it on its
 * thread → cupsd has accepted the whole document (job-changed QUEUED) → the printer
 * confirms it (COMPLETED). Baseline in the same run: the bare libcups submission of the
 * same PDF from this thread (create job, send the document: accepted), so the ratio shows
 * what rendering and the driver add. Prints one JSON object.
 * Usage: bench-print [ROUNDS] */
#include "drivers/printer/hb-cups-printer.h"
#include "kiosk/hb-document.h"
#include "tests/support/hb-test-cupsd.h"
#include "tests/common/hb-test-util.h"
#include "tests/bench/bench-util.h"

#include <cups/cups.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  gint64   t_printing;
  gboolean done;
  guint    job;
  GError  *error;
} Round;

static void
on_job (HbPrinter *p, guint job, HbPrintJobState state, const char *reason, Round *r)
{
  if (state == HB_PRINT_JOB_QUEUED && r->t_printing == 0)
    r->t_printing = g_get_monotonic_time ();
}

static void
printed (GObject *source, GAsyncResult *result, gpointer data)
{
  Round *r = data;
  r->job = hb_printer_print_finish (HB_PRINTER (source), result, &r->error);
  r->done = TRUE;
}

static void
opened (GObject *source, GAsyncResult *result, gpointer data)
{
  Round *r = data;
  hb_device_open_finish (HB_DEVICE (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
round_done (gpointer data)
{
  return ((Round *) data)->done;
}

static GBytes *
render (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const HbDocumentRow rows[] = { { "本市居住地址", "上海市徐汇****" }, { "联系电话", "138****5678" } };
  HbReceipt r = {
    .title = "居住证签注办件回执", .service_name = "居住证签注", .reference = "SH20261127000001",
    .applicant = "张* 310***********1237", .terminal_id = "SH-XH-0001", .submitted_at = now,
    .rows = rows, .n_rows = G_N_ELEMENTS (rows), .language = "zh_CN",
  };
  g_autoptr(GError) error = NULL;
  GBytes *pdf = hb_document_render_receipt (&r, HB_PAPER_A4, &error);
  g_assert_no_error (error);
  return pdf;
}

/* The bare libcups submission: create the job and send the document; returns when cupsd
 * accepted it. */
static double
bare_submit_ms (HbTestCupsd *cupsd, GBytes *pdf)
{
  cups_dest_t *dests = NULL, *dest;
  cups_dinfo_t *info;
  int n, job_id = 0;
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  gint64 t0 = g_get_monotonic_time ();

  n = cupsGetDests2 (CUPS_HTTP_DEFAULT, &dests);
  dest = cupsGetDest (hb_test_cupsd_get_queue (cupsd), NULL, n, dests);
  g_assert_nonnull (dest);
  info = cupsCopyDestInfo (CUPS_HTTP_DEFAULT, dest);
  g_assert_cmpint (cupsCreateDestJob (CUPS_HTTP_DEFAULT, dest, info, &job_id, "bench", 0, NULL),
                   ==, IPP_STATUS_OK);
  g_assert_cmpint (cupsStartDestDocument (CUPS_HTTP_DEFAULT, dest, info, job_id, "bench.pdf",
                                          CUPS_FORMAT_PDF, 0, NULL, 1), ==, HTTP_STATUS_CONTINUE);
  g_assert_cmpint (cupsWriteRequestData (CUPS_HTTP_DEFAULT, data, len), ==, HTTP_STATUS_CONTINUE);
  g_assert_cmpint (cupsFinishDestDocument (CUPS_HTTP_DEFAULT, dest, info), ==, IPP_STATUS_OK);
  {
    double ms = (double) (g_get_monotonic_time () - t0) / 1000.0;
    cupsFreeDestInfo (info);
    cupsFreeDests (n, dests);
    return ms;
  }
}

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 10;
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTestCupsd) cupsd = NULL;
  g_autoptr(HbCupsPrinter) printer = NULL;
  g_autoptr(GBytes) sample = NULL;
  double *accepted = g_new (double, rounds), *completed = g_new (double, rounds),
         *rendered = g_new (double, rounds), *bare = g_new (double, rounds);
  Round r = { 0 };

  hb_test_init (&argc, &argv);
  cupsd = hb_test_cupsd_start (&error);
  if (cupsd == NULL)
    {
      printf ("{\"skipped\": \"no private cupsd: %s\"}\n", error->message);
      return 0;
    }
  cupsSetServer (hb_test_cupsd_get_server (cupsd));
  printer = hb_cups_printer_new (hb_test_cupsd_get_server (cupsd), hb_test_cupsd_get_queue (cupsd));
  hb_device_open_async (HB_DEVICE (printer), NULL, opened, &r);
  g_assert_true (hb_test_wait_until (round_done, &r, 20000));
  g_assert_no_error (r.error);
  g_signal_connect (printer, "job-changed", G_CALLBACK (on_job), &r);
  sample = render ();

  for (guint i = 0; i < rounds; i++)
    {
      gint64 t0;
      g_autoptr(GBytes) pdf = NULL;

      bare[i] = bare_submit_ms (cupsd, sample);
      hb_test_spin (300);   /* let the bare job finish */

      memset (&r, 0, sizeof r);
      t0 = g_get_monotonic_time ();   /* the tap */
      pdf = render ();
      rendered[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;
      hb_printer_print_async (HB_PRINTER (printer), pdf, "bench", NULL, printed, &r);
      g_assert_true (hb_test_wait_until (round_done, &r, 60000));
      g_assert_no_error (r.error);
      completed[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;
      accepted[i] = r.t_printing ? (double) (r.t_printing - t0) / 1000.0 : completed[i];
    }
  {
    double a = bench_median (accepted, rounds), c = bench_median (completed, rounds);
    double rd = bench_median (rendered, rounds), b = bench_median (bare, rounds);
    HbCupsTiming timing;
    hb_cups_timing_init (&timing);
    printf ("{\"rounds\": %u, \"job_poll_ms\": %u,\n"
            " \"render_ms\": %.2f, \"tap_to_job_accepted_ms\": %.2f, \"tap_to_completed_ms\": %.2f,\n"
            " \"bare_libcups_submit_ms\": %.2f, \"accepted_vs_bare_ratio\": %.2f}\n",
            rounds, timing.job_poll_ms, rd, a, c, b, a / b);
  }
  g_free (accepted);
  g_free (completed);
  g_free (rendered);
  g_free (bare);
  return 0;
}
