/* hb-cups-printer.c — CUPS printer driver: submit, follow, watch, cancel on its own thread. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/printer/hb-cups-printer.h"
#include "drivers/printer/hb-printer-reasons.h"
#include "drivers/hb-device-private.h"
#include "common/hb-context.h"

#include <cups/cups.h>
#include <string.h>

/* IPP job states (RFC 8011 §5.3.7); terminal ones are >= CANCELED. */
enum { JOB_PENDING = 3, JOB_HELD = 4, JOB_PROCESSING = 5, JOB_STOPPED = 6,
       JOB_CANCELED = 7, JOB_ABORTED = 8, JOB_COMPLETED = 9 };

#define WRITE_CHUNK (64 * 1024)
#define NAP_SLICE_MS 50

typedef struct
{
  GTask        *task;          /* the print action's inner task (returned on the main context) */
  GCancellable *cancellable;
  GBytes       *pdf;
  guint         local_id;
  char         *name;          /* "haoban-<token>": the idempotency key in job-name */
} Job;

struct _HbCupsPrinter
{
  HbPrinter     parent_instance;

  char         *server;
  char         *queue;
  HbCupsTiming  timing;
  GMainContext *context;

  /* Main thread only. */
  gboolean      live;          /* between open and close: status events apply */
  char         *message;
  char         *reasons;

  GMutex        lock;          /* guards what follows */
  GCond         wake;
  GThread      *thread;
  gboolean      stopping;
  gboolean      checked;       /* the thread has looked at the printer once */
  Job          *pending;       /* handed to the thread */
  HbCupsTestFault test_fault;
};

G_DEFINE_FINAL_TYPE (HbCupsPrinter, hb_cups_printer, HB_TYPE_PRINTER)

enum { PROP_0, PROP_SERVER, PROP_QUEUE, PROP_MESSAGE, N_PROPS };
static GParamSpec *props[N_PROPS];

static const HbDeviceIdEntry id_table[] = {
  { .virtual_id = "cups" },
  { .vid = 0, .virtual_id = NULL },
};

void
hb_cups_timing_init (HbCupsTiming *t)
{
  *t = (HbCupsTiming) {
    .watch_ms = 3000,
    .job_poll_ms = 500,
    .job_timeout_ms = 180000,
    .fault_grace_ms = 15000,
    .lost_ms = 15000,
    .connect_timeout_ms = 3000,
    .request_timeout_ms = 10000,
    .submit_retries = 2,
    .retry_backoff_ms = 200,
  };
}

static void
job_free (Job *job)
{
  if (job == NULL)
    return;
  g_clear_object (&job->task);
  g_clear_object (&job->cancellable);
  g_bytes_unref (job->pdf);
  g_free (job->name);
  g_free (job);
}

/* --- events to the main context ------------------------------------------------------ */

typedef enum { EV_STATUS, EV_JOB, EV_DONE } EventType;

typedef struct
{
  GWeakRef        printer;
  EventType       type;
  HbDeviceStatus  status;
  char           *detail;
  HbPaperStatus   paper;
  char           *message;
  char           *reasons;
  guint           job_id;
  HbPrintJobState job_state;
  GTask          *task;
  gssize          result;
  GError         *error;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;
  g_weak_ref_clear (&ev->printer);
  g_free (ev->detail);
  g_free (ev->message);
  g_free (ev->reasons);
  if (ev->task)
    {
      /* The context went away first: the caller must still hear about the job. */
      if (ev->error)
        g_task_return_error (ev->task, g_steal_pointer (&ev->error));
      else
        g_task_return_int (ev->task, ev->result);
      g_object_unref (ev->task);
    }
  g_clear_error (&ev->error);
  g_free (ev);
}

static gboolean
event_dispatch (gpointer data)
{
  Event *ev = data;
  g_autoptr(HbCupsPrinter) self = g_weak_ref_get (&ev->printer);

  switch (ev->type)
    {
    case EV_STATUS:
      /* A status the thread posted before close must not undo the base's "closed". */
      if (self == NULL || !self->live)
        break;
      g_free (self->reasons);
      self->reasons = g_strdup (ev->reasons);
      hb_printer_set_paper (HB_PRINTER (self), ev->paper);
      if (g_strcmp0 (self->message, ev->message) != 0)
        {
          g_free (self->message);
          self->message = g_strdup (ev->message);
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MESSAGE]);
        }
      hb_device_set_status (HB_DEVICE (self), ev->status, ev->detail);
      break;
    case EV_JOB:
      if (self != NULL)
        hb_printer_emit_job (HB_PRINTER (self), ev->job_id, ev->job_state, ev->detail);
      break;
    case EV_DONE:
      if (ev->error)
        g_task_return_error (ev->task, g_steal_pointer (&ev->error));
      else
        g_task_return_int (ev->task, ev->result);
      g_clear_object (&ev->task);
      break;
    default:
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
post (HbCupsPrinter *self, Event *ev)
{
  g_weak_ref_init (&ev->printer, self);
  hb_context_post (self->context, "[haoban] cups printer event", event_dispatch, ev, event_free);
}

/* --- the thread's view of cupsd ------------------------------------------------------- */

typedef struct
{
  HbCupsPrinter *self;
  http_t        *http;
  cups_dest_t   *dest;
  cups_dinfo_t  *info;
  char           uri[HTTP_MAX_URI];
  HbPrinterFault conn_fault;   /* why there is no connection (SERVICE_DOWN, NO_QUEUE) */
  char          *conn_why;
  /* Last reported, to post only changes. */
  HbDeviceStatus reported_status;
  char          *reported_detail;
  HbPaperStatus  reported_paper;
  gboolean       reported_any;
  HbPrinterCondition cond;     /* the printer's last known condition */
  int            printer_state;
} Conn;

static void
conn_close (Conn *c)
{
  g_clear_pointer (&c->info, cupsFreeDestInfo);
  if (c->dest)
    cupsFreeDests (1, g_steal_pointer (&c->dest));
  g_clear_pointer (&c->http, httpClose);
}

static const char *
server_name (HbCupsPrinter *self)
{
  return self->server ? self->server : cupsServer ();
}

static gboolean
conn_ensure (Conn *c)
{
  HbCupsPrinter *self = c->self;

  if (c->http != NULL && c->dest != NULL)
    return TRUE;
  conn_close (c);
  g_clear_pointer (&c->conn_why, g_free);

  /* Per-thread in libcups: sets this thread's server only. */
  cupsSetServer (self->server);
  c->http = httpConnect2 (cupsServer (), ippPort (), NULL, AF_UNSPEC, cupsEncryption (), 1,
                          (int) self->timing.connect_timeout_ms, NULL);
  if (c->http == NULL)
    {
      c->conn_fault = HB_PRINTER_FAULT_SERVICE_DOWN;
      c->conn_why = g_strdup_printf ("cupsd unreachable at %s", server_name (self));
      return FALSE;
    }
  httpSetTimeout (c->http, self->timing.request_timeout_ms / 1000.0, NULL, NULL);
  c->dest = cupsGetNamedDest (c->http, self->queue, NULL);
  if (c->dest == NULL)
    {
      ipp_status_t st = cupsLastError ();
      if (st >= IPP_STATUS_ERROR_INTERNAL && st != IPP_STATUS_ERROR_NOT_FOUND)
        {
          c->conn_fault = HB_PRINTER_FAULT_SERVICE_DOWN;
          c->conn_why = g_strdup_printf ("cupsd at %s: %s", server_name (self),
                                         cupsLastErrorString ());
        }
      else
        {
          c->conn_fault = HB_PRINTER_FAULT_NO_QUEUE;
          c->conn_why = g_strdup_printf ("no queue %s on %s", self->queue ? self->queue : "(default)",
                                         server_name (self));
        }
      conn_close (c);
      return FALSE;
    }
  httpAssembleURIf (HTTP_URI_CODING_ALL, c->uri, sizeof c->uri, "ipp", NULL, "localhost",
                    ippPort (), "/printers/%s", c->dest->name);
  c->conn_fault = HB_PRINTER_FAULT_NONE;
  return TRUE;
}

static ipp_t *
new_request (Conn *c, ipp_op_t op)
{
  ipp_t *req = ippNewRequest (op);
  ippAddString (req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, c->uri);
  ippAddString (req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser ());
  return req;
}

/* Sends req (freed); returns the response or NULL. *transport says the connection failed
 * (rather than cupsd answering with an error); the connection is then closed. */
static ipp_t *
do_request (Conn *c, ipp_t *req, gboolean *transport)
{
  ipp_t *resp = cupsDoRequest (c->http, req, "/");
  *transport = FALSE;
  if (resp == NULL)
    {
      *transport = TRUE;
      conn_close (c);
      return NULL;
    }
  if (ippGetStatusCode (resp) > IPP_STATUS_OK_EVENTS_COMPLETE)
    {
      ippDelete (resp);
      return NULL;
    }
  return resp;
}

/* Copies up to HB_PRINTER_REASONS_MAX valid keywords of a 1setOf keyword. */
static char **
copy_keywords (ipp_t *resp, const char *name)
{
  ipp_attribute_t *attr = ippFindAttribute (resp, name, IPP_TAG_KEYWORD);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  int n = attr ? ippGetCount (attr) : 0;

  for (int i = 0; i < n && out->len < HB_PRINTER_REASONS_MAX; i++)
    {
      const char *s = ippGetString (attr, i, NULL);
      char base[HB_PRINTER_REASON_MAX_LEN + 1];
      if (hb_printer_reason_split (s, base, NULL))
        g_ptr_array_add (out, g_strdup (s));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static void
post_status (Conn *c, HbDeviceStatus status, const char *detail, HbPaperStatus paper,
             const char *message, const char *reasons)
{
  Event *ev;

  if (c->reported_any && c->reported_status == status && c->reported_paper == paper &&
      g_strcmp0 (c->reported_detail, detail) == 0)
    return;
  c->reported_any = TRUE;
  c->reported_status = status;
  c->reported_paper = paper;
  g_free (c->reported_detail);
  c->reported_detail = g_strdup (detail);
  g_message ("printer: cups %s is %s%s%s", c->self->queue ? c->self->queue : "(default)",
             hb_device_status_to_string (status), detail ? ": " : "", detail ? detail : "");

  ev = g_new0 (Event, 1);
  ev->type = EV_STATUS;
  ev->status = status;
  ev->detail = g_strdup (detail);
  ev->paper = paper;
  ev->message = g_strdup (message);
  ev->reasons = g_strdup (reasons);
  post (c->self, ev);
}

static void
post_unreachable (Conn *c)
{
  post_status (c, c->conn_fault == HB_PRINTER_FAULT_NO_QUEUE ? HB_DEVICE_STATUS_NO_DEVICE
                                                             : HB_DEVICE_STATUS_OFFLINE,
               c->conn_why, HB_PAPER_UNKNOWN, hb_printer_fault_message (c->conn_fault), NULL);
}

/* Get-Printer-Attributes → c->cond, and the status posted. FALSE when cupsd cannot be
 * asked (the status then says so). */
static gboolean
watch_printer (Conn *c)
{
  static const char *const attrs[] = { "printer-state", "printer-state-reasons",
                                       "printer-state-message" };
  g_auto(GStrv) reasons = NULL;
  g_autofree char *joined = NULL;
  gboolean transport;
  ipp_t *req, *resp;

  if (!conn_ensure (c))
    {
      post_unreachable (c);
      return FALSE;
    }
  req = new_request (c, IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddStrings (req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (attrs), NULL, attrs);
  resp = do_request (c, req, &transport);
  if (resp == NULL)
    {
      if (transport)
        {
          c->conn_fault = HB_PRINTER_FAULT_SERVICE_DOWN;
          g_free (c->conn_why);
          c->conn_why = g_strdup_printf ("cupsd at %s stopped answering", server_name (c->self));
        }
      else
        {
          /* The queue was deleted under us. */
          c->conn_fault = HB_PRINTER_FAULT_NO_QUEUE;
          g_free (c->conn_why);
          c->conn_why = g_strdup_printf ("queue: %s", cupsLastErrorString ());
          conn_close (c);
        }
      post_unreachable (c);
      return FALSE;
    }
  c->printer_state = ippGetInteger (ippFindAttribute (resp, "printer-state", IPP_TAG_ENUM), 0);
  reasons = copy_keywords (resp, "printer-state-reasons");
  ippDelete (resp);

  hb_printer_condition_clear (&c->cond);
  hb_printer_reasons_evaluate ((const char *const *) reasons, c->printer_state, &c->cond);
  joined = c->cond.detail ? g_strdup (c->cond.detail) : NULL;
  post_status (c, c->cond.status,
               c->cond.fault != HB_PRINTER_FAULT_NONE || c->cond.supply_low ||
               c->cond.paper == HB_PAPER_LOW ? c->cond.detail : NULL,
               c->cond.paper, hb_printer_fault_message (c->cond.fault), joined);
  return TRUE;
}

/* --- sleeping ------------------------------------------------------------------------ */

static gboolean
is_stopping (HbCupsPrinter *self)
{
  gboolean stopping;
  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);
  return stopping;
}

/* Sleeps until the deadline, stop, a new job (when idle) or cancellation. FALSE = stop. */
static gboolean
nap (HbCupsPrinter *self, guint ms, GCancellable *cancellable, gboolean wake_on_job)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean running;

  g_mutex_lock (&self->lock);
  while (!self->stopping && !(wake_on_job && self->pending) &&
         !g_cancellable_is_cancelled (cancellable))
    {
      gint64 slice = MIN (end, g_get_monotonic_time () + NAP_SLICE_MS * 1000);
      if (!g_cond_wait_until (&self->wake, &self->lock, slice) &&
          g_get_monotonic_time () >= end)
        break;
    }
  running = !self->stopping;
  g_mutex_unlock (&self->lock);
  return running;
}

static guint
backoff_ms (HbCupsPrinter *self, guint attempt)
{
  guint base = self->timing.retry_backoff_ms << MIN (attempt, 6u);
  return base + g_random_int_range (0, (gint32) base / 2 + 1);   /* jitter */
}

static HbCupsTestFault
take_test_fault (HbCupsPrinter *self, HbCupsTestFault kind)
{
  HbCupsTestFault f;
  g_mutex_lock (&self->lock);
  f = self->test_fault == kind ? kind : HB_CUPS_TEST_FAULT_NONE;
  if (f != HB_CUPS_TEST_FAULT_NONE)
    self->test_fault = HB_CUPS_TEST_FAULT_NONE;
  g_mutex_unlock (&self->lock);
  return f;
}

/* --- one job ---------------------------------------------------------------------------- */

static void
post_job (Conn *c, Job *job, HbPrintJobState state, const char *reason)
{
  Event *ev = g_new0 (Event, 1);
  ev->type = EV_JOB;
  ev->job_id = job->local_id;
  ev->job_state = state;
  ev->detail = g_strdup (reason);
  post (c->self, ev);
}

static void
finish (Conn *c, Job *job, gssize result, GError *error)
{
  Event *ev = g_new0 (Event, 1);
  ev->type = EV_DONE;
  ev->task = g_steal_pointer (&job->task);
  ev->result = result;
  ev->error = error;
  post (c->self, ev);
}

static void
fail_fault (Conn *c, Job *job, HbPrinterFault fault, const char *detail)
{
  const char *message = hb_printer_fault_message (fault);
  g_message ("printer: job %u failed: %s (%s)", job->local_id, hb_printer_fault_to_string (fault),
             detail ? detail : "-");
  post_job (c, job, HB_PRINT_JOB_FAILED, detail ? detail : hb_printer_fault_to_string (fault));
  finish (c, job, 0, g_error_new_literal (HB_DEVICE_ERROR, hb_printer_fault_error_code (fault),
                                          message ? message : "打印失败。"));
}

static void
fail_cancelled (Conn *c, Job *job)
{
  post_job (c, job, HB_PRINT_JOB_CANCELLED, "cancelled");
  finish (c, job, 0, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "打印已取消。"));
}

/* The job with our name among the queue's unfinished jobs: its id, 0 if none, -1 if cupsd
 * could not be asked. */
static int
find_job_by_name (Conn *c, const char *name)
{
  static const char *const attrs[] = { "job-id", "job-name" };
  gboolean transport;
  ipp_t *req, *resp;
  int found = 0, id = 0;
  const char *jname = NULL;
  guint seen = 0;

  if (!conn_ensure (c))
    return -1;
  req = new_request (c, IPP_OP_GET_JOBS);
  ippAddString (req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", NULL, "not-completed");
  ippAddStrings (req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (attrs), NULL, attrs);
  resp = do_request (c, req, &transport);
  if (resp == NULL)
    return transport ? -1 : 0;
  /* Jobs are groups separated by an unnamed attribute; bounded by what cupsd sent. */
  for (ipp_attribute_t *a = ippFirstAttribute (resp); ; a = ippNextAttribute (resp))
    {
      const char *an = a ? ippGetName (a) : NULL;
      if (a == NULL || an == NULL)
        {
          if (id > 0 && jname && strcmp (jname, name) == 0)
            found = id;
          id = 0;
          jname = NULL;
          if (a == NULL || found || ++seen > 10000)
            break;
          continue;
        }
      if (strcmp (an, "job-id") == 0 && ippGetValueTag (a) == IPP_TAG_INTEGER)
        id = ippGetInteger (a, 0);
      else if (strcmp (an, "job-name") == 0)
        jname = ippGetString (a, 0, NULL);
    }
  ippDelete (resp);
  return found;
}

typedef struct {
  int    state;
  int    documents;
  char **printer_reasons;   /* job-printer-state-reasons: the printer when the job ended */
} JobInfo;

static void
job_info_clear (JobInfo *ji)
{
  g_clear_pointer (&ji->printer_reasons, g_strfreev);
  ji->state = ji->documents = 0;
}

/* Get-Job-Attributes. FALSE when cupsd cannot be asked. */
static gboolean
get_job (Conn *c, int cups_id, JobInfo *ji)
{
  static const char *const attrs[] = { "job-state", "job-state-reasons", "number-of-documents",
                                       "job-printer-state-reasons" };
  gboolean transport;
  ipp_t *req, *resp;

  job_info_clear (ji);
  if (!conn_ensure (c))
    return FALSE;
  req = new_request (c, IPP_OP_GET_JOB_ATTRIBUTES);
  ippAddInteger (req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", cups_id);
  ippAddStrings (req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (attrs), NULL, attrs);
  resp = do_request (c, req, &transport);
  if (resp == NULL)
    {
      if (!transport)
        {
          g_message ("printer: Get-Job-Attributes %d: %s", cups_id, cupsLastErrorString ());
          ji->state = JOB_ABORTED;   /* cupsd forgot the job: it will not print */
        }
      return !transport;
    }
  ji->state = ippGetInteger (ippFindAttribute (resp, "job-state", IPP_TAG_ENUM), 0);
  ji->documents = ippGetInteger (ippFindAttribute (resp, "number-of-documents", IPP_TAG_INTEGER), 0);
  ji->printer_reasons = copy_keywords (resp, "job-printer-state-reasons");
  ippDelete (resp);
  return TRUE;
}

static void
cancel_job (Conn *c, int cups_id)
{
  if (!conn_ensure (c))
    return;
  if (cupsCancelDestJob (c->http, c->dest, cups_id) != IPP_STATUS_OK)
    g_message ("printer: Cancel-Job %d: %s", cups_id, cupsLastErrorString ());
}

/* Create-Job, at most once per job name. Returns the CUPS job id, 0 on failure. */
static int
create_job (Conn *c, Job *job, HbPrinterFault *fault, char **why)
{
  HbCupsPrinter *self = c->self;

  for (guint attempt = 0; attempt <= self->timing.submit_retries; attempt++)
    {
      int cups_id = 0;
      ipp_status_t st;

      if (attempt > 0)
        {
          int existing;
          if (!nap (self, backoff_ms (self, attempt - 1), NULL, FALSE))
            break;
          /* The previous Create-Job may have reached cupsd: never create a second one. */
          existing = find_job_by_name (c, job->name);
          if (existing > 0)
            {
              g_message ("printer: the lost Create-Job made job %d; following it", existing);
              return existing;
            }
          if (existing < 0)
            continue;
        }
      if (!conn_ensure (c))
        continue;
      if (c->info == NULL)
        c->info = cupsCopyDestInfo (c->http, c->dest);
      if (c->info == NULL)
        {
          conn_close (c);
          continue;
        }
      st = cupsCreateDestJob (c->http, c->dest, c->info, &cups_id, job->name, 0, NULL);
      if (st == IPP_STATUS_OK && cups_id > 0)
        {
          if (take_test_fault (self, HB_CUPS_TEST_FAULT_LOSE_CREATE_REPLY))
            {
              g_message ("printer: test: dropping the reply to Create-Job %d", cups_id);
              conn_close (c);
              continue;
            }
          return cups_id;
        }
      if (st < IPP_STATUS_ERROR_INTERNAL && st >= IPP_STATUS_ERROR_BAD_REQUEST)
        {
          /* cupsd answered no (not accepting, bad request): retrying will not help. */
          *fault = st == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS ? HB_PRINTER_FAULT_STOPPED
                                                             : HB_PRINTER_FAULT_OTHER;
          *why = g_strdup_printf ("Create-Job: %s", cupsLastErrorString ());
          return 0;
        }
      g_message ("printer: Create-Job failed (%s); will check before retrying",
                 cupsLastErrorString ());
      conn_close (c);
    }
  *fault = HB_PRINTER_FAULT_SERVICE_DOWN;
  *why = g_strdup_printf ("could not submit to cupsd at %s", server_name (self));
  return 0;
}

/* Send-Document (the only document). TRUE once cupsd holds it. */
static gboolean
send_document (Conn *c, Job *job, int cups_id, char **why)
{
  HbCupsPrinter *self = c->self;
  gsize size;
  const char *data = g_bytes_get_data (job->pdf, &size);

  for (guint attempt = 0; attempt <= self->timing.submit_retries; attempt++)
    {
      gboolean ok = TRUE;

      if (attempt > 0)
        {
          JobInfo ji = { 0 };
          gboolean asked;
          if (!nap (self, backoff_ms (self, attempt - 1), NULL, FALSE))
            break;
          /* The document may have arrived though its reply did not: never send it twice. */
          asked = get_job (c, cups_id, &ji);
          if (asked && ji.documents >= 1)
            {
              job_info_clear (&ji);
              g_message ("printer: job %d already has its document; following it", cups_id);
              return TRUE;
            }
          if (asked && ji.state >= JOB_CANCELED)
            {
              job_info_clear (&ji);
              *why = g_strdup_printf ("job %d ended before its document arrived", cups_id);
              return FALSE;
            }
          job_info_clear (&ji);
          if (!asked)
            continue;
        }
      if (!conn_ensure (c))
        continue;
      if (c->info == NULL && (c->info = cupsCopyDestInfo (c->http, c->dest)) == NULL)
        {
          conn_close (c);
          continue;
        }
      /* The document name is neutral: titles may name the resident. */
      if (cupsStartDestDocument (c->http, c->dest, c->info, cups_id, "document.pdf",
                                 CUPS_FORMAT_PDF, 0, NULL, 1) != HTTP_STATUS_CONTINUE)
        ok = FALSE;
      for (gsize off = 0; ok && off < size; off += WRITE_CHUNK)
        if (cupsWriteRequestData (c->http, data + off, MIN (WRITE_CHUNK, size - off))
            != HTTP_STATUS_CONTINUE)
          ok = FALSE;
      /* Finish even after a failed write: it reads cupsd's answer and resets the request. */
      if (cupsFinishDestDocument (c->http, c->dest, c->info) != IPP_STATUS_OK)
        ok = FALSE;
      if (ok && take_test_fault (self, HB_CUPS_TEST_FAULT_LOSE_DOCUMENT_REPLY))
        {
          g_message ("printer: test: dropping the reply to Send-Document of job %d", cups_id);
          ok = FALSE;
        }
      if (ok)
        return TRUE;
      g_message ("printer: Send-Document for job %d failed (%s)", cups_id, cupsLastErrorString ());
      conn_close (c);
    }
  *why = g_strdup_printf ("could not send the document of job %d", cups_id);
  return FALSE;
}

/* The fault a job that ended at the printer should report. */
static HbPrinterFault
ended_fault (Conn *c, JobInfo *ji, char **detail)
{
  HbPrinterCondition jc = { 0 };
  HbPrinterFault fault;

  hb_printer_reasons_evaluate ((const char *const *) ji->printer_reasons, 0, &jc);
  /* Prefer what the printer said when the job ended; else what it says now. */
  if (jc.fault != HB_PRINTER_FAULT_NONE)
    {
      fault = jc.fault;
      *detail = g_strdup (jc.detail);
    }
  else
    {
      watch_printer (c);
      fault = c->cond.fault != HB_PRINTER_FAULT_NONE ? c->cond.fault : HB_PRINTER_FAULT_OTHER;
      *detail = c->cond.detail ? g_strdup (c->cond.detail) : g_strdup ("job ended at the printer");
    }
  hb_printer_condition_clear (&jc);
  return fault;
}

static void
follow_job (Conn *c, Job *job, int cups_id)
{
  HbCupsPrinter *self = c->self;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) self->timing.job_timeout_ms * 1000;
  gint64 fault_since = 0, lost_since = 0, cancel_deadline = 0;
  gboolean cancel_sent = FALSE, printing = FALSE;
  /* A short receipt is often done in a second: look often at first, then back off to
   * job_poll_ms, so the resident hears "printing"/"done" without a poll's worth of delay. */
  guint poll_ms = MIN (50u, self->timing.job_poll_ms);

  for (;;)
    {
      JobInfo ji = { 0 };
      gint64 now;
      int state;
      g_autofree char *detail = NULL;

      if (!cancel_sent && (g_cancellable_is_cancelled (job->cancellable) || is_stopping (self)))
        {
          cancel_job (c, cups_id);
          cancel_sent = TRUE;
          cancel_deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
          if (is_stopping (self))
            {
              /* Closing: Cancel-Job is sent; do not wait for its outcome. */
              fail_cancelled (c, job);
              return;
            }
        }

      now = g_get_monotonic_time ();
      if (!get_job (c, cups_id, &ji))
        {
          post_unreachable (c);
          if (lost_since == 0)
            lost_since = now;
          if (now - lost_since >= (gint64) self->timing.lost_ms * 1000 || cancel_sent)
            {
              /* We cannot learn the outcome; the resident must not think it printed. */
              g_autofree char *why = g_strdup_printf ("%s; CUPS job %d state unknown",
                                                      c->conn_why ? c->conn_why : "cupsd lost",
                                                      cups_id);
              if (cancel_sent)
                fail_cancelled (c, job);
              else
                fail_fault (c, job, HB_PRINTER_FAULT_SERVICE_DOWN, why);
              return;
            }
          nap (self, self->timing.job_poll_ms, NULL, FALSE);
          continue;
        }
      lost_since = 0;

      if (ji.state == JOB_COMPLETED)
        {
          job_info_clear (&ji);
          watch_printer (c);
          g_message ("printer: job %u (CUPS %d) completed", job->local_id, cups_id);
          {
            /* The id callers see is the printer's own (as in "job-changed"); staff find
             * the CUPS job in the reason and the log. */
            g_autofree char *cups_job = g_strdup_printf ("cups job %s-%d",
                                                         c->dest ? c->dest->name : "?", cups_id);
            post_job (c, job, HB_PRINT_JOB_COMPLETED, cups_job);
          }
          finish (c, job, job->local_id, NULL);
          return;
        }
      if (ji.state >= JOB_CANCELED)
        {
          HbPrinterFault fault;
          if (cancel_sent)
            {
              job_info_clear (&ji);
              watch_printer (c);
              fail_cancelled (c, job);
              return;
            }
          fault = ended_fault (c, &ji, &detail);
          job_info_clear (&ji);
          fail_fault (c, job, fault, detail);
          return;
        }
      state = ji.state;
      job_info_clear (&ji);

      if (cancel_sent)
        {
          if (now >= cancel_deadline)
            {
              fail_cancelled (c, job);
              return;
            }
          nap (self, self->timing.job_poll_ms, NULL, FALSE);
          continue;
        }

      if (state == JOB_PROCESSING && !printing)
        {
          printing = TRUE;
          post_job (c, job, HB_PRINT_JOB_PRINTING, NULL);
        }

      /* The printer while the job waits: a stopped queue or a lasting fault fails it now,
       * and the job is cancelled so that it cannot come out for the next person. */
      if (watch_printer (c) && c->cond.fault != HB_PRINTER_FAULT_NONE)
        {
          if (fault_since == 0)
            fault_since = now;
          if (c->printer_state == HB_IPP_PRINTER_STOPPED ||
              now - fault_since >= (gint64) self->timing.fault_grace_ms * 1000)
            {
              HbPrinterFault fault = c->cond.fault;
              detail = g_strdup (c->cond.detail);
              cancel_job (c, cups_id);
              fail_fault (c, job, fault, detail);
              return;
            }
        }
      else
        fault_since = 0;

      if (now >= deadline)
        {
          cancel_job (c, cups_id);
          post_job (c, job, HB_PRINT_JOB_FAILED, "timeout");
          finish (c, job, 0, g_error_new_literal (HB_DEVICE_ERROR, HB_DEVICE_ERROR_TIMEOUT,
                                                  "打印机长时间没有完成打印，任务已取消。"));
          return;
        }
      nap (self, poll_ms, job->cancellable, FALSE);
      poll_ms = MIN (poll_ms * 2, self->timing.job_poll_ms);
    }
}

static void
run_job (Conn *c, Job *job)
{
  g_autofree char *why = NULL;
  HbPrinterFault fault = HB_PRINTER_FAULT_NONE;
  int cups_id;

  if (g_cancellable_is_cancelled (job->cancellable))
    {
      fail_cancelled (c, job);
      return;
    }
  /* Refuse before submitting when the printer cannot print: a queued job would wait and
   * come out later, for someone else. */
  if (!watch_printer (c))
    {
      for (guint attempt = 0; attempt < c->self->timing.submit_retries; attempt++)
        if (!nap (c->self, backoff_ms (c->self, attempt), job->cancellable, FALSE) ||
            watch_printer (c))
          break;
      if (c->http == NULL)
        {
          fail_fault (c, job, c->conn_fault, c->conn_why);
          return;
        }
    }
  if (c->cond.fault != HB_PRINTER_FAULT_NONE)
    {
      fail_fault (c, job, c->cond.fault, c->cond.detail);
      return;
    }
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      fail_cancelled (c, job);
      return;
    }

  cups_id = create_job (c, job, &fault, &why);
  if (cups_id <= 0)
    {
      fail_fault (c, job, fault, why);
      return;
    }
  g_message ("printer: job %u is CUPS job %s-%d", job->local_id, c->dest ? c->dest->name : "?", cups_id);
  if (!send_document (c, job, cups_id, &why))
    {
      /* A job without its document never prints; cancel so it does not linger. */
      cancel_job (c, cups_id);
      fail_fault (c, job, c->http ? HB_PRINTER_FAULT_OTHER : HB_PRINTER_FAULT_SERVICE_DOWN, why);
      return;
    }
  /* QUEUED means what it says: cupsd holds the whole document now. */
  post_job (c, job, HB_PRINT_JOB_QUEUED, NULL);
  follow_job (c, job, cups_id);
}

/* The first look at the printer is done: open may complete. */
static void
mark_checked (HbCupsPrinter *self)
{
  g_mutex_lock (&self->lock);
  self->checked = TRUE;
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
}

static gpointer
printer_thread (gpointer data)
{
  HbCupsPrinter *self = data;
  Conn c = { .self = self };

  for (;;)
    {
      Job *job;

      g_mutex_lock (&self->lock);
      job = g_steal_pointer (&self->pending);
      g_mutex_unlock (&self->lock);
      if (job)
        {
          run_job (&c, job);
          job_free (job);
        }
      else
        {
          watch_printer (&c);
          mark_checked (self);
        }
      g_mutex_lock (&self->lock);
      job = self->pending;
      g_mutex_unlock (&self->lock);
      if (job)
        continue;
      if (!nap (self, c.http ? self->timing.watch_ms : MIN (self->timing.watch_ms, 2000u),
                NULL, TRUE))
        break;
    }

  /* A job handed over while stopping is refused, not lost. */
  g_mutex_lock (&self->lock);
  {
    Job *left = g_steal_pointer (&self->pending);
    g_mutex_unlock (&self->lock);
    if (left)
      {
        fail_cancelled (&c, left);
        job_free (left);
      }
  }
  conn_close (&c);
  hb_printer_condition_clear (&c.cond);
  g_free (c.conn_why);
  g_free (c.reported_detail);
  return NULL;
}

/* --- device vfuncs ---------------------------------------------------------------------- */

static void
stop_thread (HbCupsPrinter *self)
{
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (g_steal_pointer (&self->thread));
}

static void
open_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  HbCupsPrinter *self = source;
  gint64 end = g_get_monotonic_time () +
               ((gint64) self->timing.connect_timeout_ms + self->timing.request_timeout_ms) * 1000;

  g_mutex_lock (&self->lock);
  self->stopping = FALSE;
  self->checked = FALSE;
  g_mutex_unlock (&self->lock);
  self->thread = g_thread_new ("hb-cups", printer_thread, self);

  /* Complete the open with what cupsd said (online, fault, unreachable), bounded. */
  g_mutex_lock (&self->lock);
  while (!self->checked && g_cond_wait_until (&self->wake, &self->lock, end))
    ;
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
hb_cups_printer_open (HbDevice *device, GTask *task)
{
  HB_CUPS_PRINTER (device)->live = TRUE;
  g_task_run_in_thread (task, open_thread);
}

static void
close_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  stop_thread (HB_CUPS_PRINTER (source));
  g_task_return_boolean (task, TRUE);
}

static void
hb_cups_printer_close (HbDevice *device, GTask *task)
{
  HB_CUPS_PRINTER (device)->live = FALSE;
  g_task_run_in_thread (task, close_thread);
}

static void
hb_cups_printer_cancel (HbDevice *device)
{
  HbCupsPrinter *self = HB_CUPS_PRINTER (device);
  /* The action's cancellable is already cancelled; wake the thread to act on it. */
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
}

static void
hb_cups_printer_print (HbPrinter *printer, GBytes *pdf, const char *title, GTask *task)
{
  HbCupsPrinter *self = HB_CUPS_PRINTER (printer);
  Job *job;
  guint8 token[12];

  if (self->thread == NULL)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN,
                               "The printer is not open");
      return;
    }
  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->cancellable = g_task_get_cancellable (task) ? g_object_ref (g_task_get_cancellable (task))
                                                   : g_cancellable_new ();
  job->pdf = g_bytes_ref (pdf);
  job->local_id = hb_printer_next_job_id (printer);
  for (guint i = 0; i < sizeof token; i++)
    token[i] = (guint8) g_random_int_range (0, 256);
  {
    g_autoptr(GString) s = g_string_new ("haoban-");
    for (guint i = 0; i < sizeof token; i++)
      g_string_append_printf (s, "%02x", token[i]);
    job->name = g_string_free (g_steal_pointer (&s), FALSE);
  }

  g_mutex_lock (&self->lock);
  /* One action at a time (the base class), so nothing can be pending already. */
  g_warn_if_fail (self->pending == NULL);
  job_free (self->pending);
  self->pending = job;
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
}

/* --- object -------------------------------------------------------------------------------- */

static void
hb_cups_printer_dispose (GObject *object)
{
  stop_thread (HB_CUPS_PRINTER (object));
  G_OBJECT_CLASS (hb_cups_printer_parent_class)->dispose (object);
}

static void
hb_cups_printer_finalize (GObject *object)
{
  HbCupsPrinter *self = HB_CUPS_PRINTER (object);
  job_free (self->pending);
  g_free (self->server);
  g_free (self->queue);
  g_free (self->message);
  g_free (self->reasons);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  G_OBJECT_CLASS (hb_cups_printer_parent_class)->finalize (object);
}

static void
hb_cups_printer_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  HbCupsPrinter *self = HB_CUPS_PRINTER (object);
  switch (id)
    {
    case PROP_SERVER:
      g_free (self->server);
      self->server = g_value_dup_string (value);
      break;
    case PROP_QUEUE:
      g_free (self->queue);
      self->queue = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_cups_printer_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  HbCupsPrinter *self = HB_CUPS_PRINTER (object);
  switch (id)
    {
    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;
    case PROP_QUEUE:
      g_value_set_string (value, self->queue);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_cups_printer_constructed (GObject *object)
{
  HbCupsPrinter *self = HB_CUPS_PRINTER (object);
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (hb_cups_printer_parent_class)->constructed (object);
  name = g_strdup_printf ("CUPS %s%s%s", self->queue ? self->queue : "(default queue)",
                          self->server ? " on " : "", self->server ? self->server : "");
  hb_device_set_name (HB_DEVICE (self), name);
}

static void
hb_cups_printer_describe (HbDevice *device, JsonBuilder *builder)
{
  HbCupsPrinter *self = HB_CUPS_PRINTER (device);

  HB_DEVICE_CLASS (hb_cups_printer_parent_class)->describe (device, builder);
  json_builder_set_member_name (builder, "printer-state-reasons");
  if (self->reasons)
    json_builder_add_string_value (builder, self->reasons);
  else
    json_builder_add_null_value (builder);
}

static void
hb_cups_printer_class_init (HbCupsPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);
  HbPrinterClass *printer_class = HB_PRINTER_CLASS (klass);

  object_class->dispose = hb_cups_printer_dispose;
  object_class->finalize = hb_cups_printer_finalize;
  object_class->set_property = hb_cups_printer_set_property;
  object_class->get_property = hb_cups_printer_get_property;
  object_class->constructed = hb_cups_printer_constructed;

  device_class->driver_id = "cups";
  device_class->full_name = "A4 printer (CUPS)";
  device_class->id_table = id_table;
  device_class->open = hb_cups_printer_open;
  device_class->close = hb_cups_printer_close;
  device_class->cancel = hb_cups_printer_cancel;
  device_class->describe = hb_cups_printer_describe;
  printer_class->print = hb_cups_printer_print;

  props[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_QUEUE] =
    g_param_spec_string ("queue", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_cups_printer_init (HbCupsPrinter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  hb_cups_timing_init (&self->timing);
  self->context = g_main_context_ref_thread_default ();
}

HbCupsPrinter *
hb_cups_printer_new (const char *server, const char *queue)
{
  return g_object_new (HB_TYPE_CUPS_PRINTER, "server", server, "queue", queue, NULL);
}

void
hb_cups_printer_set_timing (HbCupsPrinter *self, const HbCupsTiming *timing)
{
  g_return_if_fail (HB_IS_CUPS_PRINTER (self));
  g_return_if_fail (self->thread == NULL);
  self->timing = *timing;
}

void
hb_cups_printer_set_test_fault (HbCupsPrinter *self, HbCupsTestFault fault)
{
  g_return_if_fail (HB_IS_CUPS_PRINTER (self));
  g_mutex_lock (&self->lock);
  self->test_fault = fault;
  g_mutex_unlock (&self->lock);
}

const char *
hb_cups_printer_get_server (HbCupsPrinter *self)
{
  g_return_val_if_fail (HB_IS_CUPS_PRINTER (self), NULL);
  return self->server;
}

const char *
hb_cups_printer_get_queue (HbCupsPrinter *self)
{
  g_return_val_if_fail (HB_IS_CUPS_PRINTER (self), NULL);
  return self->queue;
}

const char *
hb_cups_printer_get_message (HbCupsPrinter *self)
{
  g_return_val_if_fail (HB_IS_CUPS_PRINTER (self), NULL);
  return self->message;
}

const char *
hb_cups_printer_get_reasons (HbCupsPrinter *self)
{
  g_return_val_if_fail (HB_IS_CUPS_PRINTER (self), NULL);
  return self->reasons;
}
