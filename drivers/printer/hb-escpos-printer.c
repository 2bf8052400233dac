/* hb-escpos-printer.c — ESC/POS receipt printers over libusb: exclusive claim, DLE EOT
 * status polling and jobs on our own thread, results to the main context. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/printer/hb-escpos-printer.h"
#include "drivers/printer/hb-escpos.h"
#include "drivers/hb-device-private.h"
#include "drivers/transport/hb-usb-claim.h"
#include "common/hb-context.h"

#include <string.h>

#define CHUNK          4096   /* bytes per bulk OUT transfer */
#define IN_PACKET      64     /* a full-speed bulk packet: never read less (overflow) */
#define STATUS_READS   8      /* bulk IN reads to collect the four reply bytes */
#define OPEN_WAIT_MS   6000   /* open waits this long for the thread's first verdict */

/* Known receipt printers (shared/reference/printing-cups-escpos.md §1). */
static const HbDeviceIdEntry id_table[] = {
  { .vid = 0x0dd4, .pid = 0x0237 },   /* Custom K80 */
  { .vid = 0x04b8, .pid = 0x0202 },   /* Epson UB-U05 (TM-T70 / TM-T88IV), vendor class */
  { .vid = 0x04b8, .pid = 0x0e03 },   /* Epson TM-T20 */
  { .vid = 0x0519, .pid = 0x0003 },   /* Star TSP100 */
  { .vid = 0x1d90, .pid = 0x20f0 },   /* Citizen CT-E351 */
  { .vid = 0x0416, .pid = 0x5011 },   /* generic Chinese POS printer */
  { .vid = 0x0fe6, .pid = 0x811e },   /* generic Chinese POS printer */
  { .vid = 0, .virtual_id = NULL },
};

typedef struct
{
  GTask  *task;      /* the print action's inner task (holds the printer) */
  guint   job_id;
  GBytes *bytes;
} Job;

struct _HbEscposPrinter
{
  HbReceiptPrinter      parent_instance;

  libusb_device        *device;
  guint64               driver_data;
  HbEscposPrinterTiming timing;
  GMainContext         *context;

  GMutex                lock;          /* what follows */
  GCond                 cond;
  GThread              *thread;
  gboolean              stopping;
  gboolean              checked;       /* the thread's first verdict is in */
  guint                 generation;    /* events of an older run are stale */
  GQueue                jobs;          /* Job*, waiting for the thread */

  /* The thread's own. */
  libusb_device_handle *handle;
  int                   iface;
  guint8                ep_out;
  guint8                ep_in;
  gboolean              gone;
  guint                 run_generation;
  HbDeviceStatus        reported;
  const char           *reported_detail;
  HbPaperStatus         reported_paper;
};

G_DEFINE_FINAL_TYPE (HbEscposPrinter, hb_escpos_printer, HB_TYPE_RECEIPT_PRINTER)

enum { PROP_0, PROP_USB_DEVICE, PROP_USB_DRIVER_DATA, N_PROPS };
static GParamSpec *props[N_PROPS];

void
hb_escpos_printer_timing_init (HbEscposPrinterTiming *t)
{
  *t = (HbEscposPrinterTiming) {
    .status_timeout_ms = 200,
    .write_timeout_ms = 5000,
    .poll_ms = 2000,
    .claim_retry_ms = 2000,
  };
}

static void
job_free (Job *job)
{
  g_clear_object (&job->task);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job);
}

/* --- events to the main context -------------------------------------------------------- */

typedef enum { EVENT_STATUS, EVENT_JOB_STATE, EVENT_JOB_DONE } EventType;

typedef struct
{
  EventType        type;
  HbEscposPrinter *self;        /* referenced */
  guint            generation;
  HbDeviceStatus   status;
  const char      *detail;      /* static */
  HbPaperStatus    paper;
  Job             *job;         /* EVENT_JOB_*: owned by EVENT_JOB_DONE */
  HbPrintJobState  state;
  const char      *reason;      /* static */
  GError          *error;
} Event;

static void
event_free (gpointer data)
{
  Event *e = data;

  if (e->type == EVENT_JOB_DONE && e->job)
    job_free (e->job);
  g_clear_error (&e->error);
  g_object_unref (e->self);
  g_free (e);
}

static gboolean
event_in_main (gpointer data)
{
  Event *e = data;
  HbEscposPrinter *self = e->self;
  HbPrinter *printer = HB_PRINTER (self);
  guint generation;

  g_mutex_lock (&self->lock);
  generation = self->generation;
  g_mutex_unlock (&self->lock);

  switch (e->type)
    {
    case EVENT_STATUS:
      /* A status from before a close would overwrite the closed state. */
      if (e->generation == generation)
        {
          hb_printer_set_paper (printer, e->paper);
          hb_device_set_status (HB_DEVICE (self), e->status, e->detail);
        }
      break;
    case EVENT_JOB_STATE:
      hb_printer_emit_job (printer, e->job->job_id, e->state, e->reason);
      break;
    case EVENT_JOB_DONE:
      /* Jobs always finish, whatever the generation: the caller waits for them. */
      hb_printer_emit_job (printer, e->job->job_id, e->state, e->reason);
      if (e->error)
        g_task_return_error (e->job->task, g_steal_pointer (&e->error));
      else
        g_task_return_int (e->job->task, e->job->job_id);
      break;
    default:
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
post (HbEscposPrinter *self, Event *e)
{
  e->self = g_object_ref (self);
  e->generation = self->run_generation;
  hb_context_post (self->context, "[haoban] escpos event", event_in_main, e, event_free);
}

/* The thread's view of the printer, posted when it changes. */
static void
report (HbEscposPrinter *self, HbDeviceStatus status, const char *detail, HbPaperStatus paper)
{
  Event *e;

  if (self->reported == status && g_strcmp0 (self->reported_detail, detail) == 0 &&
      self->reported_paper == paper)
    return;
  self->reported = status;
  self->reported_detail = detail;
  self->reported_paper = paper;
  e = g_new0 (Event, 1);
  e->type = EVENT_STATUS;
  e->status = status;
  e->detail = detail;
  e->paper = paper;
  post (self, e);
}

static void
report_keep_paper (HbEscposPrinter *self, HbDeviceStatus status, const char *detail)
{
  report (self, status, detail, self->reported_paper);
}

static void
job_state (HbEscposPrinter *self, Job *job, HbPrintJobState state)
{
  Event *e = g_new0 (Event, 1);

  e->type = EVENT_JOB_STATE;
  e->job = job;     /* borrowed: JOB_DONE, posted later from this thread, frees it */
  e->state = state;
  post (self, e);
}

/* Takes job. error NULL: completed. */
static void
job_done (HbEscposPrinter *self, Job *job, HbPrintJobState state, const char *reason,
          GError *error)
{
  Event *e = g_new0 (Event, 1);

  e->type = EVENT_JOB_DONE;
  e->job = job;
  e->state = state;
  e->reason = reason;
  e->error = error;
  post (self, e);
}

static void
job_fail (HbEscposPrinter *self, Job *job, const char *reason, HbDeviceError code,
          const char *message)
{
  job_done (self, job, HB_PRINT_JOB_FAILED, reason,
            g_error_new_literal (HB_DEVICE_ERROR, code, message));
}

/* --- the printer thread ------------------------------------------------------------------ */

static gboolean
stopping (HbEscposPrinter *self)
{
  gboolean s;

  g_mutex_lock (&self->lock);
  s = self->stopping;
  g_mutex_unlock (&self->lock);
  return s;
}

/* Sleep up to ms, or until stopped or a job arrives. */
static void
nap (HbEscposPrinter *self, guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;

  g_mutex_lock (&self->lock);
  while (!self->stopping && g_queue_is_empty (&self->jobs))
    if (!g_cond_wait_until (&self->cond, &self->lock, until))
      break;
  g_mutex_unlock (&self->lock);
}

static void
checked (HbEscposPrinter *self)
{
  g_mutex_lock (&self->lock);
  self->checked = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static Job *
next_job (HbEscposPrinter *self)
{
  Job *job;

  g_mutex_lock (&self->lock);
  job = g_queue_pop_head (&self->jobs);
  g_mutex_unlock (&self->lock);
  return job;
}

/* The printer interface: class 7 (printer) or 0xFF (vendor), with a bulk OUT endpoint;
 * bulk IN if it has one (status needs it). */
static gboolean
find_interface (HbEscposPrinter *self)
{
  struct libusb_config_descriptor *config = NULL;
  gboolean found = FALSE;

  if (libusb_get_active_config_descriptor (self->device, &config) != 0 &&
      libusb_get_config_descriptor (self->device, 0, &config) != 0)
    return FALSE;
  for (int i = 0; i < config->bNumInterfaces && !found; i++)
    {
      const struct libusb_interface *iface = &config->interface[i];
      const struct libusb_interface_descriptor *alt;
      guint8 out = 0, in = 0;

      if (iface->num_altsetting < 1)
        continue;
      alt = &iface->altsetting[0];
      if (alt->bInterfaceClass != LIBUSB_CLASS_PRINTER &&
          alt->bInterfaceClass != LIBUSB_CLASS_VENDOR_SPEC)
        continue;
      for (int e = 0; e < alt->bNumEndpoints; e++)
        {
          const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];

          if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
            continue;
          if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN)
            in = in ? in : ep->bEndpointAddress;
          else
            out = out ? out : ep->bEndpointAddress;
        }
      if (out != 0 && in != 0)
        {
          self->iface = alt->bInterfaceNumber;
          self->ep_out = out;
          self->ep_in = in;
          found = TRUE;
        }
    }
  libusb_free_config_descriptor (config);
  return found;
}

static void
release (HbEscposPrinter *self)
{
  /* usblp stays detached: nothing but the kiosk prints on this printer. */
  hb_usb_claim_release (&self->handle, self->iface);
}

static void
went_away (HbEscposPrinter *self)
{
  g_message ("receipt printer: %s unplugged", hb_device_get_name (HB_DEVICE (self)));
  self->gone = TRUE;
  release (self);
  report (self, HB_DEVICE_STATUS_NO_DEVICE, "unplugged", HB_PAPER_UNKNOWN);
}

static gboolean
claim (HbEscposPrinter *self)
{
  HbUsbClaim usb;
  const char *why;

  if (!find_interface (self))
    {
      g_message ("receipt printer: no printer interface with bulk OUT and IN");
      report_keep_paper (self, HB_DEVICE_STATUS_HARDWARE_ERROR, "not an ESC/POS printer");
      return FALSE;
    }
  if (!hb_usb_claim_open (self->device, self->iface, FALSE, "receipt printer", &usb))
    {
      if (usb.rc == LIBUSB_ERROR_NO_DEVICE)
        {
          self->gone = TRUE;
          report (self, HB_DEVICE_STATUS_NO_DEVICE, "unplugged", HB_PAPER_UNKNOWN);
          return FALSE;
        }
      if (usb.failed == HB_USB_CLAIM_OPEN)
        {
          report_keep_paper (self, HB_DEVICE_STATUS_HARDWARE_ERROR,
                             usb.rc == LIBUSB_ERROR_ACCESS ? "no permission (udev rule?)"
                                                           : "cannot open");
          return FALSE;
        }
      /* usblp (or anyone) holding the interface, as CUPS's backend would find it. */
      if (usb.failed == HB_USB_CLAIM_DETACH)
        why = "cannot detach usblp";
      else
        why = usb.rc == LIBUSB_ERROR_BUSY ? "in use by another program (a CUPS queue?)"
                                          : "cannot claim";
      if (self->reported != HB_DEVICE_STATUS_HARDWARE_ERROR)
        g_message ("receipt printer: %s: %s (%s)", hb_device_get_name (HB_DEVICE (self)), why,
                   libusb_error_name (usb.rc));
      report_keep_paper (self, HB_DEVICE_STATUS_HARDWARE_ERROR, "not exclusive");
      return FALSE;
    }
  self->handle = usb.handle;
  g_message ("receipt printer: %s claimed", hb_device_get_name (HB_DEVICE (self)));
  return TRUE;
}

/* Bulk OUT of all of data, in bounded chunks. */
static int
write_all (HbEscposPrinter *self, const guint8 *data, gsize len)
{
  gsize off = 0;

  while (off < len)
    {
      int chunk = (int) MIN (len - off, (gsize) CHUNK), done = 0;
      int rc = libusb_bulk_transfer (self->handle, self->ep_out, (guint8 *) data + off, chunk,
                                     &done, self->timing.write_timeout_ms);
      if (rc != 0)
        return rc;
      if (done <= 0)
        return LIBUSB_ERROR_IO;
      off += (gsize) done;
    }
  return 0;
}

/* DLE EOT 1..4 and the four replies. 0, LIBUSB_ERROR_NO_DEVICE, LIBUSB_ERROR_TIMEOUT (no
 * reply: offline or off), LIBUSB_ERROR_OTHER (not status bytes), or another error. */
static int
query_status (HbEscposPrinter *self, HbEscposStatus *status)
{
  g_autoptr(GByteArray) req = g_byte_array_new ();
  guint8 reply[HB_ESCPOS_STATUS_LEN];
  guint8 buf[IN_PACKET];
  gsize got = 0;
  int rc;

  hb_escpos_status_request (req);
  rc = write_all (self, req->data, req->len);
  if (rc != 0)
    return rc;
  for (guint i = 0; i < STATUS_READS && got < sizeof reply; i++)
    {
      int n = 0;

      rc = libusb_bulk_transfer (self->handle, self->ep_in, buf, sizeof buf, &n,
                                 self->timing.status_timeout_ms);
      if (n > 0)
        {
          gsize take = MIN ((gsize) n, sizeof reply - got);
          memcpy (reply + got, buf, take);
          got += take;
          continue;
        }
      if (rc == LIBUSB_ERROR_TIMEOUT)
        return LIBUSB_ERROR_TIMEOUT;
      if (rc != 0)
        return rc;
    }
  if (got < sizeof reply)
    return LIBUSB_ERROR_TIMEOUT;
  if (!hb_escpos_decode_status (reply, sizeof reply, status, NULL))
    return LIBUSB_ERROR_OTHER;
  return 0;
}

/* Query and report. TRUE when the printer answered; *ready when it can print. */
static gboolean
poll_status (HbEscposPrinter *self, int *rc_out, HbEscposStatus *flags, gboolean *ready)
{
  HbEscposStatus st = 0;
  int rc = query_status (self, &st);

  *rc_out = rc;
  *ready = FALSE;
  if (rc == 0)
    {
      HbDeviceStatus ds;
      const char *detail;
      HbPaperStatus paper;

      hb_escpos_status_to_device (st, &ds, &detail, &paper);
      report (self, ds, detail, paper);
      *flags = st;
      *ready = ds == HB_DEVICE_STATUS_ONLINE;
      return TRUE;
    }
  if (rc == LIBUSB_ERROR_NO_DEVICE)
    went_away (self);
  else if (rc == LIBUSB_ERROR_TIMEOUT)
    report_keep_paper (self, HB_DEVICE_STATUS_OFFLINE, "no status reply");
  else if (rc == LIBUSB_ERROR_OTHER)
    report_keep_paper (self, HB_DEVICE_STATUS_HARDWARE_ERROR, "bad status reply");
  else
    {
      if (rc == LIBUSB_ERROR_PIPE)
        libusb_clear_halt (self->handle, self->ep_in);
      report_keep_paper (self, HB_DEVICE_STATUS_HARDWARE_ERROR, "transfer errors");
    }
  return FALSE;
}

/* Why a printer that answered is not ready, as a job reason and an error. */
static void
fail_not_ready (HbEscposPrinter *self, Job *job, HbEscposStatus st, gboolean after)
{
  if (st & HB_ESCPOS_STATUS_CUTTER_ERROR)
    job_fail (self, job, "cutter-jam", HB_DEVICE_ERROR_HARDWARE,
              "The receipt printer's cutter is jammed");
  else if (st & (HB_ESCPOS_STATUS_UNRECOVERABLE | HB_ESCPOS_STATUS_AUTO_RECOVERABLE))
    job_fail (self, job, "printer-error", HB_DEVICE_ERROR_HARDWARE,
              "The receipt printer reports an error");
  else if (st & HB_ESCPOS_STATUS_COVER_OPEN)
    job_fail (self, job, "cover-open", HB_DEVICE_ERROR_USER,
              after ? "The receipt printer's cover opened during the job"
                    : "The receipt printer's cover is open");
  else if (st & HB_ESCPOS_STATUS_PAPER_OUT)
    job_fail (self, job, "paper-out", HB_DEVICE_ERROR_USER,
              after ? "The receipt printer ran out of paper during the job"
                    : "The receipt printer is out of paper");
  else if (st & HB_ESCPOS_STATUS_ERROR)
    job_fail (self, job, "printer-error", HB_DEVICE_ERROR_HARDWARE,
              "The receipt printer reports an error");
  else
    job_fail (self, job, "offline", HB_DEVICE_ERROR_HARDWARE, "The receipt printer is offline");
}

static void
fail_no_answer (HbEscposPrinter *self, Job *job, int rc)
{
  if (rc == LIBUSB_ERROR_NO_DEVICE)
    job_fail (self, job, "unplugged", HB_DEVICE_ERROR_NO_DEVICE,
              "The receipt printer was unplugged");
  else if (rc == LIBUSB_ERROR_TIMEOUT)
    job_fail (self, job, "no-reply", HB_DEVICE_ERROR_TIMEOUT,
              "The receipt printer does not answer");
  else
    job_fail (self, job, "printer-error", HB_DEVICE_ERROR_PROTOCOL,
              "The receipt printer's status could not be read");
}

static void
run_job (HbEscposPrinter *self, Job *job)
{
  HbEscposStatus st = 0;
  gboolean ready;
  gsize len;
  const guint8 *data;
  int rc;

  if (self->gone || self->handle == NULL)
    {
      if (self->gone)
        job_fail (self, job, "unplugged", HB_DEVICE_ERROR_NO_DEVICE,
                  "The receipt printer is unplugged");
      else
        job_fail (self, job, "printer-error", HB_DEVICE_ERROR_HARDWARE,
                  "The receipt printer cannot be used (not exclusive)");
      return;
    }
  /* Never print blind: ask first. */
  if (!poll_status (self, &rc, &st, &ready))
    {
      fail_no_answer (self, job, rc);
      return;
    }
  if (!ready)
    {
      fail_not_ready (self, job, st, FALSE);
      return;
    }
  if (g_cancellable_is_cancelled (g_task_get_cancellable (job->task)))
    {
      job_done (self, job, HB_PRINT_JOB_CANCELLED, "cancelled",
                g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The job was cancelled"));
      return;
    }

  job_state (self, job, HB_PRINT_JOB_PRINTING);
  report_keep_paper (self, HB_DEVICE_STATUS_BUSY, "printing");
  data = g_bytes_get_data (job->bytes, &len);
  rc = write_all (self, data, len);
  if (rc == LIBUSB_ERROR_NO_DEVICE)
    {
      went_away (self);
      fail_no_answer (self, job, rc);
      return;
    }
  if (rc != 0)
    {
      g_message ("receipt printer: writing a job failed: %s", libusb_error_name (rc));
      report_keep_paper (self, HB_DEVICE_STATUS_HARDWARE_ERROR, "write error");
      job_fail (self, job, "write-error", HB_DEVICE_ERROR_HARDWARE,
                "The receipt printer did not take the job");
      return;
    }
  /* After the cut: only a printer that still reads ready has printed the whole ticket. */
  if (!poll_status (self, &rc, &st, &ready))
    {
      fail_no_answer (self, job, rc);
      return;
    }
  if (!ready)
    {
      fail_not_ready (self, job, st, TRUE);
      return;
    }
  job_done (self, job, HB_PRINT_JOB_COMPLETED, NULL, NULL);
}

static gpointer
printer_thread (gpointer data)
{
  HbEscposPrinter *self = data;

  while (!stopping (self))
    {
      Job *job;

      if (!self->gone && self->handle == NULL)
        {
          HbEscposStatus st;
          gboolean ready;
          int rc;

          if (claim (self))
            poll_status (self, &rc, &st, &ready);
          checked (self);
          if (self->handle == NULL && !self->gone)
            {
              /* Jobs cannot wait for a claim that may never come. */
              while ((job = next_job (self)))
                run_job (self, job);
              nap (self, self->timing.claim_retry_ms);
            }
          continue;
        }
      job = next_job (self);
      if (job != NULL)
        {
          run_job (self, job);
          continue;
        }
      if (!self->gone)
        {
          HbEscposStatus st;
          gboolean ready;
          int rc;

          poll_status (self, &rc, &st, &ready);
          if (!self->gone)
            nap (self, self->timing.poll_ms);
        }
      else
        nap (self, G_MAXUINT / 2000);   /* a departed device never comes back */
    }

  release (self);
  return NULL;
}

/* --- device vfuncs -------------------------------------------------------------------------- */

static void
start_thread (HbEscposPrinter *self)
{
  gint64 until = g_get_monotonic_time () + OPEN_WAIT_MS * G_TIME_SPAN_MILLISECOND;

  self->gone = FALSE;
  self->handle = NULL;
  self->reported = HB_DEVICE_STATUS_STARTING;
  self->reported_detail = NULL;
  self->reported_paper = HB_PAPER_UNKNOWN;
  g_mutex_lock (&self->lock);
  self->stopping = FALSE;
  self->checked = FALSE;
  self->generation++;
  self->run_generation = self->generation;
  self->thread = g_thread_new ("hb-escpos", printer_thread, self);
  /* Bounded by libusb's open and one status query. */
  while (!self->checked)
    if (!g_cond_wait_until (&self->cond, &self->lock, until))
      break;
  g_mutex_unlock (&self->lock);
}

static void
stop_thread (HbEscposPrinter *self)
{
  GThread *thread;
  GQueue left = G_QUEUE_INIT;
  Job *job;

  g_mutex_lock (&self->lock);
  thread = g_steal_pointer (&self->thread);
  self->stopping = TRUE;
  self->generation++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (thread)
    g_thread_join (thread);

  /* Jobs the thread never took fail: nothing of them was printed. */
  g_mutex_lock (&self->lock);
  left = self->jobs;
  g_queue_init (&self->jobs);
  g_mutex_unlock (&self->lock);
  while ((job = g_queue_pop_head (&left)))
    job_fail (self, job, "closed", HB_DEVICE_ERROR_NOT_OPEN, "The receipt printer was closed");
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  start_thread (HB_ESCPOS_PRINTER (source));
  g_task_return_boolean (task, TRUE);
}

static void
close_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  stop_thread (HB_ESCPOS_PRINTER (source));
  g_task_return_boolean (task, TRUE);
}

static void
hb_escpos_printer_open (HbDevice *device, GTask *task)
{
  HbEscposPrinter *self = HB_ESCPOS_PRINTER (device);

  if (self->device == NULL)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                               "No USB device given");
      return;
    }
  /* libusb_open and the first status query block: not on the main thread. */
  g_task_run_in_thread (task, open_thread);
}

static void
hb_escpos_printer_close (HbDevice *device, GTask *task)
{
  g_task_run_in_thread (task, close_thread);
}

static void
hb_escpos_printer_print_ticket (HbReceiptPrinter *receipt, const HbTicket *ticket, GTask *task)
{
  HbEscposPrinter *self = HB_ESCPOS_PRINTER (receipt);
  HbPrinter *printer = HB_PRINTER (receipt);
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint job_id = hb_printer_next_job_id (printer);
  gboolean running;
  Job *job;

  hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_QUEUED, NULL);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_CANCELLED, "cancelled");
      g_task_return_error_if_cancelled (task);
      return;
    }
  /* Pure and bounded (HB_ESCPOS_JOB_MAX): cheap enough for this thread. */
  bytes = hb_escpos_encode_ticket (ticket, &error);
  if (bytes == NULL)
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_FAILED, "unprintable");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                               "The ticket cannot be printed: %s", error->message);
      return;
    }
  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->job_id = job_id;
  job->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));

  g_mutex_lock (&self->lock);
  running = self->thread != NULL && !self->stopping;
  if (running)
    {
      g_queue_push_tail (&self->jobs, job);
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  if (!running)
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_FAILED, "closed");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN,
                               "The receipt printer is not open");
      job_free (job);
    }
}

/* --- object ------------------------------------------------------------------------------------ */

static void
hb_escpos_printer_dispose (GObject *object)
{
  HbEscposPrinter *self = HB_ESCPOS_PRINTER (object);

  stop_thread (self);
  /* Before chaining up: the device manager's hold on the libusb context is object data,
   * and the context must outlive this device. */
  g_clear_pointer (&self->device, libusb_unref_device);
  G_OBJECT_CLASS (hb_escpos_printer_parent_class)->dispose (object);
}

static void
hb_escpos_printer_finalize (GObject *object)
{
  HbEscposPrinter *self = HB_ESCPOS_PRINTER (object);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (hb_escpos_printer_parent_class)->finalize (object);
}

static void
hb_escpos_printer_set_property (GObject *object, guint id, const GValue *value,
                                GParamSpec *pspec)
{
  HbEscposPrinter *self = HB_ESCPOS_PRINTER (object);

  switch (id)
    {
    case PROP_USB_DEVICE:
      {
        libusb_device *device = g_value_get_pointer (value);
        self->device = device ? libusb_ref_device (device) : NULL;
      }
      break;
    case PROP_USB_DRIVER_DATA:
      self->driver_data = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_escpos_printer_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  HbEscposPrinter *self = HB_ESCPOS_PRINTER (object);

  switch (id)
    {
    case PROP_USB_DEVICE:
      g_value_set_pointer (value, self->device);
      break;
    case PROP_USB_DRIVER_DATA:
      g_value_set_uint64 (value, self->driver_data);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_escpos_printer_constructed (GObject *object)
{
  HbEscposPrinter *self = HB_ESCPOS_PRINTER (object);
  struct libusb_device_descriptor desc = { 0 };
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (hb_escpos_printer_parent_class)->constructed (object);
  if (self->device == NULL)
    return;
  libusb_get_device_descriptor (self->device, &desc);
  name = g_strdup_printf ("usb:%03u/%03u %04x:%04x", libusb_get_bus_number (self->device),
                          libusb_get_device_address (self->device), desc.idVendor,
                          desc.idProduct);
  hb_device_set_name (HB_DEVICE (self), name);
}

static void
hb_escpos_printer_class_init (HbEscposPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);
  HbReceiptPrinterClass *receipt_class = HB_RECEIPT_PRINTER_CLASS (klass);

  object_class->dispose = hb_escpos_printer_dispose;
  object_class->finalize = hb_escpos_printer_finalize;
  object_class->set_property = hb_escpos_printer_set_property;
  object_class->get_property = hb_escpos_printer_get_property;
  object_class->constructed = hb_escpos_printer_constructed;

  device_class->driver_id = "escpos-usb";
  device_class->full_name = "ESC/POS thermal receipt printer (USB)";
  device_class->id_table = id_table;
  device_class->open = hb_escpos_printer_open;
  device_class->close = hb_escpos_printer_close;
  receipt_class->print_ticket = hb_escpos_printer_print_ticket;

  props[PROP_USB_DEVICE] =
    g_param_spec_pointer ("usb-device", NULL, NULL,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_USB_DRIVER_DATA] =
    g_param_spec_uint64 ("usb-driver-data", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_escpos_printer_init (HbEscposPrinter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->jobs);
  self->context = g_main_context_ref_thread_default ();
  hb_escpos_printer_timing_init (&self->timing);
}

HbEscposPrinter *
hb_escpos_printer_new (libusb_device *device)
{
  return g_object_new (HB_TYPE_ESCPOS_PRINTER, "usb-device", device, NULL);
}

void
hb_escpos_printer_set_timing (HbEscposPrinter *self, const HbEscposPrinterTiming *timing)
{
  g_return_if_fail (HB_IS_ESCPOS_PRINTER (self));
  g_return_if_fail (timing != NULL);
  g_mutex_lock (&self->lock);
  if (self->thread == NULL)
    self->timing = *timing;
  g_mutex_unlock (&self->lock);
}
