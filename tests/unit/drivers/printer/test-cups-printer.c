/* test-cups-printer.c — the CUPS driver against a private cupsd + ippeveprinter. */
#include "drivers/printer/hb-cups-printer.h"
#include "tests/common/hb-test-util.h"
#include "tests/support/hb-test-cupsd.h"

#include <cups/cups.h>
#include <string.h>

#define WAIT_MS 60000

/* A small valid one-page PDF (the filters parse it; a fake one aborts the job). */
static GBytes *
make_pdf (void)
{
  static const char *const objs[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
    "<< /Length 43 >>\nstream\nBT /F1 24 Tf 72 720 Td (Haoban test) Tj ET\nendstream",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  GString *s = g_string_new ("%PDF-1.4\n");
  gsize offs[G_N_ELEMENTS (objs)];
  gsize xref;

  for (guint i = 0; i < G_N_ELEMENTS (objs); i++)
    {
      offs[i] = s->len;
      g_string_append_printf (s, "%u 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
  xref = s->len;
  g_string_append_printf (s, "xref\n0 %u\n0000000000 65535 f \n", (guint) G_N_ELEMENTS (objs) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (objs); i++)
    g_string_append_printf (s, "%010" G_GSIZE_FORMAT " 00000 n \n", offs[i]);
  g_string_append_printf (s, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%" G_GSIZE_FORMAT
                          "\n%%%%EOF\n", (guint) G_N_ELEMENTS (objs) + 1, xref);
  return g_string_free_to_bytes (s);
}

typedef struct
{
  HbTestCupsd   *cupsd;
  HbCupsPrinter *printer;
  GPtrArray     *states;     /* HbPrintJobState as GINT_TO_POINTER, in order */
  GPtrArray     *reasons;    /* the job-changed reasons (may be NULL) */
  gboolean       done;
  guint          job_id;
  GError        *error;
} Fixture;

static void
on_job (HbPrinter *printer, guint id, HbPrintJobState state, const char *reason, gpointer data)
{
  Fixture *f = data;
  g_ptr_array_add (f->states, GINT_TO_POINTER (state));
  g_ptr_array_add (f->reasons, g_strdup (reason));
}

static gboolean
cond_done (gpointer data)
{
  return ((Fixture *) data)->done;
}

static void
opened (GObject *source, GAsyncResult *res, gpointer data)
{
  Fixture *f = data;
  g_assert_true (hb_device_open_finish (HB_DEVICE (source), res, &f->error));
  f->done = TRUE;
}

static void
printed (GObject *source, GAsyncResult *res, gpointer data)
{
  Fixture *f = data;
  f->job_id = hb_printer_print_finish (HB_PRINTER (source), res, &f->error);
  f->done = TRUE;
}

static HbCupsTiming
fast_timing (void)
{
  HbCupsTiming t;
  hb_cups_timing_init (&t);
  t.watch_ms = 500;
  t.job_poll_ms = 200;
  t.job_timeout_ms = 45000;
  t.fault_grace_ms = 3000;
  t.lost_ms = 2000;
  t.connect_timeout_ms = 1000;
  t.request_timeout_ms = 5000;
  t.retry_backoff_ms = 50;
  return t;
}

/* Starts cupsd (unless server is given) and opens a printer on it. FALSE = skipped. */
static gboolean
setup (Fixture *f, const char *server, const char *queue)
{
  g_autoptr(GError) error = NULL;
  HbCupsTiming t = fast_timing ();

  memset (f, 0, sizeof *f);
  f->states = g_ptr_array_new ();
  f->reasons = g_ptr_array_new_with_free_func (g_free);
  if (server == NULL)
    {
      f->cupsd = hb_test_cupsd_start (&error);
      if (f->cupsd == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        {
          g_test_skip (error->message);
          return FALSE;
        }
      g_assert_no_error (error);
      server = hb_test_cupsd_get_server (f->cupsd);
      queue = hb_test_cupsd_get_queue (f->cupsd);
    }
  f->printer = hb_cups_printer_new (server, queue);
  hb_cups_printer_set_timing (f->printer, &t);
  g_signal_connect (f->printer, "job-changed", G_CALLBACK (on_job), f);
  hb_device_open_async (HB_DEVICE (f->printer), NULL, opened, f);
  g_assert_true (hb_test_wait_until (cond_done, f, WAIT_MS));
  g_assert_no_error (f->error);
  return TRUE;
}

static void
teardown (Fixture *f)
{
  if (f->printer)
    {
      f->done = FALSE;
      hb_device_close_async (HB_DEVICE (f->printer), NULL, opened, f);
      g_assert_true (hb_test_wait_until (cond_done, f, WAIT_MS));
      g_object_unref (f->printer);
    }
  hb_test_cupsd_free (f->cupsd);
  g_ptr_array_unref (f->states);
  g_ptr_array_unref (f->reasons);
  g_clear_error (&f->error);
}

static void
print_and_wait (Fixture *f, GCancellable *cancellable)
{
  g_autoptr(GBytes) pdf = make_pdf ();
  f->done = FALSE;
  f->job_id = 0;
  g_clear_error (&f->error);
  g_ptr_array_set_size (f->states, 0);
  g_ptr_array_set_size (f->reasons, 0);
  hb_printer_print_async (HB_PRINTER (f->printer), pdf, "receipt", cancellable, printed, f);
  g_assert_true (hb_test_wait_until (cond_done, f, WAIT_MS));
}

static HbPrintJobState
last_state (Fixture *f)
{
  g_assert_cmpuint (f->states->len, >, 0);
  return GPOINTER_TO_INT (g_ptr_array_index (f->states, f->states->len - 1));
}

static const char *
last_reason (Fixture *f)
{
  g_assert_cmpuint (f->reasons->len, >, 0);
  return g_ptr_array_index (f->reasons, f->reasons->len - 1);
}

typedef struct { HbDevice *device; HbDeviceStatus status; } StatusWait;

static gboolean
cond_status (gpointer data)
{
  StatusWait *w = data;
  return hb_device_get_status (w->device) == w->status;
}

static void
wait_status (Fixture *f, HbDeviceStatus status)
{
  StatusWait w = { HB_DEVICE (f->printer), status };
  if (!hb_test_wait_until (cond_status, &w, WAIT_MS))
    g_error ("status stayed %s (%s), expected %s",
             hb_device_status_to_string (hb_device_get_status (w.device)),
             hb_device_get_status_detail (w.device),
             hb_device_status_to_string (status));
}

static int
count_active_jobs (Fixture *f)
{
  g_autofree char *host = g_strdup (hb_test_cupsd_get_server (f->cupsd));
  char *colon = strrchr (host, ':');
  http_t *http;
  cups_job_t *jobs = NULL;
  int n;

  *colon = '\0';
  http = httpConnect2 (host, atoi (colon + 1), NULL, AF_UNSPEC, HTTP_ENCRYPTION_NEVER, 1, 2000, NULL);
  g_assert_nonnull (http);
  n = cupsGetJobs2 (http, &jobs, hb_test_cupsd_get_queue (f->cupsd), 0, CUPS_WHICHJOBS_ACTIVE);
  cupsFreeJobs (n > 0 ? n : 0, jobs);
  httpClose (http);
  return n;
}

/* --- tests ------------------------------------------------------------------------------ */

static void
test_job_completes (void)
{
  Fixture f;
  if (!setup (&f, NULL, NULL))
    return;
  wait_status (&f, HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f.printer)), ==, HB_PAPER_FULL);
  g_assert_null (hb_cups_printer_get_message (f.printer));

  print_and_wait (&f, NULL);
  g_assert_no_error (f.error);
  g_assert_cmpuint (f.job_id, >, 0);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (f.states, 0)), ==, HB_PRINT_JOB_QUEUED);
  g_assert_cmpint (last_state (&f), ==, HB_PRINT_JOB_COMPLETED);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f.cupsd), ==, 1);
  g_assert_cmpint (hb_test_cupsd_count_jobs (f.cupsd), ==, 1);

  /* Closed is closed: a late status from the printer thread does not reopen it. */
  f.done = FALSE;
  hb_device_close_async (HB_DEVICE (f.printer), NULL, opened, &f);
  g_assert_true (hb_test_wait_until (cond_done, &f, WAIT_MS));
  hb_test_spin (200);
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f.printer)), ==, HB_DEVICE_STATUS_OFFLINE);
  teardown (&f);
}

static void
check_fault (const char *keyword, HbDeviceError code, HbDeviceStatus status, HbPaperStatus paper,
             const char *message_part)
{
  Fixture f;
  int jobs;

  if (!setup (&f, NULL, NULL))
    return;
  wait_status (&f, HB_DEVICE_STATUS_ONLINE);
  hb_test_cupsd_set_fault (f.cupsd, keyword);

  print_and_wait (&f, NULL);
  g_assert_error (f.error, HB_DEVICE_ERROR, (gint) code);
  g_assert_nonnull (strstr (f.error->message, message_part));
  g_assert_cmpuint (f.job_id, ==, 0);
  g_assert_cmpint (last_state (&f), ==, HB_PRINT_JOB_FAILED);
  g_assert_nonnull (last_reason (&f));
  g_assert_nonnull (strstr (last_reason (&f), keyword));

  /* Staff see the fault in the status; residents get the plain message. */
  wait_status (&f, status);
  g_assert_cmpint (hb_printer_get_paper (HB_PRINTER (f.printer)), ==, paper);
  g_assert_nonnull (strstr (hb_device_get_status_detail (HB_DEVICE (f.printer)), keyword));
  g_assert_nonnull (hb_cups_printer_get_message (f.printer));
  g_assert_nonnull (strstr (hb_cups_printer_get_message (f.printer), message_part));
  g_assert_cmpint (count_active_jobs (&f), ==, 0);

  /* While the fault lasts, a new print is refused before it reaches cupsd. */
  jobs = hb_test_cupsd_count_jobs (f.cupsd);
  print_and_wait (&f, NULL);
  g_assert_error (f.error, HB_DEVICE_ERROR, (gint) code);
  g_assert_cmpint (hb_test_cupsd_count_jobs (f.cupsd), ==, jobs);
  teardown (&f);
}

static void
test_media_empty (void)
{
  check_fault ("media-empty", HB_DEVICE_ERROR_USER, HB_DEVICE_STATUS_USER_ERROR, HB_PAPER_OUT, "缺纸");
}

static void
test_cover_open (void)
{
  check_fault ("cover-open", HB_DEVICE_ERROR_USER, HB_DEVICE_STATUS_USER_ERROR, HB_PAPER_FULL, "盖子");
}

static void
test_media_jam (void)
{
  check_fault ("media-jam", HB_DEVICE_ERROR_HARDWARE, HB_DEVICE_STATUS_HARDWARE_ERROR, HB_PAPER_FULL, "卡纸");
}

static void
test_stopped_queue (void)
{
  Fixture f;
  g_autofree char *bin = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!setup (&f, NULL, NULL))
    return;
  wait_status (&f, HB_DEVICE_STATUS_ONLINE);
  bin = g_find_program_in_path ("cupsdisable");
  if (bin == NULL)
    bin = g_strdup ("/usr/sbin/cupsdisable");
  {
    const char *argv[] = { bin, "-h", hb_test_cupsd_get_server (f.cupsd),
                           hb_test_cupsd_get_queue (f.cupsd), NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  /* A stopped queue would keep the job pending and print it later: refuse it now. */
  wait_status (&f, HB_DEVICE_STATUS_OFFLINE);
  g_assert_nonnull (strstr (hb_cups_printer_get_message (f.printer), "暂停"));
  print_and_wait (&f, NULL);
  g_assert_error (f.error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE);
  g_assert_nonnull (strstr (f.error->message, "暂停"));
  g_assert_cmpint (last_state (&f), ==, HB_PRINT_JOB_FAILED);
  g_assert_cmpint (hb_test_cupsd_count_jobs (f.cupsd), ==, 0);
  teardown (&f);
}

static void
test_lasting_fault_cancels_waiting_job (void)
{
  Fixture f;
  if (!setup (&f, NULL, NULL))
    return;
  wait_status (&f, HB_DEVICE_STATUS_ONLINE);
  /* The paper runs out after the check: the job is accepted and waits at the printer. */
  g_assert_true (hb_test_cupsd_set_paper (f.cupsd, FALSE));
  print_and_wait (&f, NULL);
  g_assert_error (f.error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER);
  g_assert_nonnull (strstr (f.error->message, "缺纸"));
  g_assert_cmpint (last_state (&f), ==, HB_PRINT_JOB_FAILED);
  g_assert_nonnull (strstr (last_reason (&f), "media-"));
  /* Cancelled at CUPS: it will not come out when paper is loaded for the next person. */
  g_assert_cmpint (count_active_jobs (&f), ==, 0);
  g_assert_true (hb_test_cupsd_set_paper (f.cupsd, TRUE));
  g_assert_cmpuint (hb_test_cupsd_count_printed (f.cupsd), ==, 0);
  teardown (&f);
}

static gboolean
cond_printing (gpointer data)
{
  Fixture *f = data;
  for (guint i = 0; i < f->states->len; i++)
    if (GPOINTER_TO_INT (g_ptr_array_index (f->states, i)) == HB_PRINT_JOB_PRINTING)
      return TRUE;
  return f->done;
}

static void
test_cancel (void)
{
  Fixture f;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) pdf = make_pdf ();

  if (!setup (&f, NULL, NULL))
    return;
  wait_status (&f, HB_DEVICE_STATUS_ONLINE);
  hb_test_cupsd_set_hold (f.cupsd, TRUE);

  f.done = FALSE;
  hb_printer_print_async (HB_PRINTER (f.printer), pdf, "receipt", cancellable, printed, &f);
  g_assert_true (hb_test_wait_until (cond_printing, &f, WAIT_MS));
  g_assert_false (f.done);
  g_cancellable_cancel (cancellable);
  g_assert_true (hb_test_wait_until (cond_done, &f, WAIT_MS));

  g_assert_error (f.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (last_state (&f), ==, HB_PRINT_JOB_CANCELLED);
  /* CUPS has the job canceled: it cannot come out later. */
  g_assert_cmpint (count_active_jobs (&f), ==, 0);
  g_assert_cmpint (hb_test_cupsd_count_jobs (f.cupsd), ==, 1);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f.cupsd), ==, 0);
  teardown (&f);
}

static void
test_cupsd_down (void)
{
  Fixture f;
  g_autofree char *server = NULL;
  GSocketListener *l = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (l, NULL, NULL);

  /* A port nothing listens on. */
  g_socket_listener_close (l);
  g_object_unref (l);
  server = g_strdup_printf ("127.0.0.1:%u", port);
  setup (&f, server, "kiosk");
  wait_status (&f, HB_DEVICE_STATUS_OFFLINE);
  g_assert_nonnull (strstr (hb_device_get_status_detail (HB_DEVICE (f.printer)), "cupsd"));
  g_assert_nonnull (strstr (hb_cups_printer_get_message (f.printer), "打印服务"));

  print_and_wait (&f, NULL);
  g_assert_error (f.error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (f.error->message, "打印服务"));
  g_assert_cmpint (last_state (&f), ==, HB_PRINT_JOB_FAILED);
  teardown (&f);
}

static void
test_cupsd_goes_away (void)
{
  Fixture f;
  if (!setup (&f, NULL, NULL))
    return;
  wait_status (&f, HB_DEVICE_STATUS_ONLINE);
  hb_test_cupsd_kill_cupsd (f.cupsd);
  wait_status (&f, HB_DEVICE_STATUS_OFFLINE);
  print_and_wait (&f, NULL);
  g_assert_error (f.error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  teardown (&f);
}

static void
test_no_queue (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTestCupsd) cupsd = hb_test_cupsd_start (&error);

  if (cupsd == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_test_skip (error->message);
      return;
    }
  g_assert_no_error (error);
  setup (&f, hb_test_cupsd_get_server (cupsd), "no-such-queue");
  wait_status (&f, HB_DEVICE_STATUS_NO_DEVICE);
  print_and_wait (&f, NULL);
  g_assert_error (f.error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_assert_cmpint (hb_test_cupsd_count_jobs (cupsd), <=, 0);
  teardown (&f);
}

static void
check_lost_reply (HbCupsTestFault fault)
{
  Fixture f;
  if (!setup (&f, NULL, NULL))
    return;
  wait_status (&f, HB_DEVICE_STATUS_ONLINE);
  hb_cups_printer_set_test_fault (f.printer, fault);
  print_and_wait (&f, NULL);
  g_assert_no_error (f.error);
  g_assert_cmpint (last_state (&f), ==, HB_PRINT_JOB_COMPLETED);
  /* Recovered by finding what cupsd already had: one job, one print. */
  g_assert_cmpint (hb_test_cupsd_count_jobs (f.cupsd), ==, 1);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f.cupsd), ==, 1);
  teardown (&f);
}

static void
test_lost_create_reply (void)
{
  check_lost_reply (HB_CUPS_TEST_FAULT_LOSE_CREATE_REPLY);
}

static void
test_lost_document_reply (void)
{
  check_lost_reply (HB_CUPS_TEST_FAULT_LOSE_DOCUMENT_REPLY);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/drivers/printer/cups/job-completes", test_job_completes);
  g_test_add_func ("/drivers/printer/cups/media-empty-fails-the-job-and-says-paper-out", test_media_empty);
  g_test_add_func ("/drivers/printer/cups/cover-open-fails-the-job-and-says-so", test_cover_open);
  g_test_add_func ("/drivers/printer/cups/media-jam-is-a-hardware-error", test_media_jam);
  g_test_add_func ("/drivers/printer/cups/stopped-queue-refuses-the-job", test_stopped_queue);
  g_test_add_func ("/drivers/printer/cups/lasting-fault-cancels-a-waiting-job", test_lasting_fault_cancels_waiting_job);
  g_test_add_func ("/drivers/printer/cups/cancel-cancels-the-cups-job", test_cancel);
  g_test_add_func ("/drivers/printer/cups/cupsd-down-is-a-clear-error-without-hang", test_cupsd_down);
  g_test_add_func ("/drivers/printer/cups/cupsd-going-away-takes-the-printer-offline", test_cupsd_goes_away);
  g_test_add_func ("/drivers/printer/cups/unknown-queue-is-no-device", test_no_queue);
  g_test_add_func ("/drivers/printer/cups/lost-create-reply-never-prints-twice", test_lost_create_reply);
  g_test_add_func ("/drivers/printer/cups/lost-document-reply-never-prints-twice", test_lost_document_reply);
  return g_test_run ();
}
