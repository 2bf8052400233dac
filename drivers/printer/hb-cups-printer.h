/* hb-cups-printer.h — an A4 printer behind a CUPS queue (libcups 2.4 destination API).
 *
 * All IPP traffic runs on the printer's own thread with its own http_t (libcups is not
 * thread-safe per connection). The thread watches printer-state / printer-state-reasons
 * every few seconds (and on every poll of a running job), maps them with
 * hb-printer-reasons.h to the device status, the "paper" property and a message for
 * residents, and follows each job with Get-Job-Attributes to a final state.
 *
 * A print completes with the job id (the printer's own id, as in "job-changed"; the
 * COMPLETED event's reason names the CUPS job) only once CUPS says COMPLETED. It
 * fails (HB_DEVICE_ERROR_*, message = the resident's message) when the job is canceled or
 * aborted at the printer, the queue stops, a blocking fault lasts longer than fault_grace_ms,
 * or the job does not finish within job_timeout_ms; the driver then cancels the job so it
 * cannot print later for the next person. Cancelling the GCancellable sends Cancel-Job.
 *
 * Never twice: the job's name carries a random token ("haoban-<token>"). When the reply to
 * Create-Job is lost, the driver looks for a job with that name before creating another;
 * when the reply to Send-Document is lost, it asks the job's number-of-documents before
 * sending again; while following, it never resubmits. See docs/printing.md. */
#pragma once

#include "drivers/printer/hb-printer.h"

G_BEGIN_DECLS

typedef struct {
  guint watch_ms;             /* printer poll while idle (3000) */
  guint job_poll_ms;          /* job + printer poll while a job runs (500) */
  guint job_timeout_ms;       /* from submission to a final state (180000) */
  guint fault_grace_ms;       /* a blocking fault this long during a job fails it (15000) */
  guint lost_ms;              /* cupsd unreachable this long during a job fails it (15000) */
  guint connect_timeout_ms;   /* per connection attempt (3000) */
  guint request_timeout_ms;   /* per IPP request (10000) */
  guint submit_retries;       /* extra attempts to create/send a job (2) */
  guint retry_backoff_ms;     /* first backoff, doubled, with jitter (200) */
} HbCupsTiming;

void hb_cups_timing_init (HbCupsTiming *timing);

/* Test hooks: pretend the reply to the next request of this kind was lost after cupsd
 * acted on it (the connection drops). One-shot. */
typedef enum {
  HB_CUPS_TEST_FAULT_NONE,
  HB_CUPS_TEST_FAULT_LOSE_CREATE_REPLY,
  HB_CUPS_TEST_FAULT_LOSE_DOCUMENT_REPLY,
} HbCupsTestFault;

#define HB_TYPE_CUPS_PRINTER (hb_cups_printer_get_type ())
G_DECLARE_FINAL_TYPE (HbCupsPrinter, hb_cups_printer, HB, CUPS_PRINTER, HbPrinter)

/* server: "host:port" or a socket path, NULL = libcups' default (CUPS_SERVER, client.conf).
 * queue: the destination name, NULL = the server's default destination. */
HbCupsPrinter *hb_cups_printer_new (const char *server, const char *queue);

/* Before open. */
void        hb_cups_printer_set_timing (HbCupsPrinter *self, const HbCupsTiming *timing);
void        hb_cups_printer_set_test_fault (HbCupsPrinter *self, HbCupsTestFault fault);

const char *hb_cups_printer_get_server (HbCupsPrinter *self);
const char *hb_cups_printer_get_queue  (HbCupsPrinter *self);
/* Plain message for residents about the current condition ("打印机缺纸了…"); NULL when the
 * printer can print. Property "message". Main thread. */
const char *hb_cups_printer_get_message (HbCupsPrinter *self);
/* Raw printer-state-reasons as last seen, for staff ("media-empty-report"); NULL if none. */
const char *hb_cups_printer_get_reasons (HbCupsPrinter *self);

G_END_DECLS
