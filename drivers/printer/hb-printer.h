/* hb-printer.h — the printer kind: receipt and A4 printers subclass this. */
#pragma once

#include "drivers/hb-device.h"

G_BEGIN_DECLS

typedef enum {
  HB_PAPER_UNKNOWN,
  HB_PAPER_FULL,
  HB_PAPER_LOW,
  HB_PAPER_OUT,
} HbPaperStatus;

typedef enum {
  HB_PRINT_JOB_QUEUED,
  HB_PRINT_JOB_PRINTING,
  HB_PRINT_JOB_COMPLETED,   /* the printer confirmed the last page */
  HB_PRINT_JOB_FAILED,      /* see the reason; nothing (or not everything) printed */
  HB_PRINT_JOB_CANCELLED,
} HbPrintJobState;

GType hb_paper_status_get_type (void);
GType hb_print_job_state_get_type (void);
#define HB_TYPE_PAPER_STATUS    (hb_paper_status_get_type ())
#define HB_TYPE_PRINT_JOB_STATE (hb_print_job_state_get_type ())
const char *hb_paper_status_to_string (HbPaperStatus status);      /* "unknown","full","low","out" */
const char *hb_print_job_state_to_string (HbPrintJobState state);  /* "queued","printing","completed","failed","cancelled" */

/* Upper bound of one document handed to a printer. */
#define HB_PRINTER_JOB_MAX (32 * 1024 * 1024)

#define HB_TYPE_PRINTER (hb_printer_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbPrinter, hb_printer, HB, PRINTER, HbDevice)

struct _HbPrinterClass
{
  HbDeviceClass parent_class;

  /* Print a PDF; complete @task with the job id (g_task_return_int, > 0) once the job has
   * reached a final state COMPLETED, or with an error (HB_DEVICE_ERROR_USER for paper out). */
  void (*print) (HbPrinter *self, GBytes *pdf, const char *title, GTask *task);

  gpointer padding[8];
};

/* Signal "job-changed" (guint job_id, HbPrintJobState state, const char *reason).
 * Property "paper" (HbPaperStatus). */
HbPaperStatus hb_printer_get_paper (HbPrinter *self);

/* Completes when the job is COMPLETED (returns its id) or failed/cancelled (error). */
void   hb_printer_print_async  (HbPrinter *self, GBytes *pdf, const char *title,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
guint  hb_printer_print_finish (HbPrinter *self, GAsyncResult *result, GError **error);

/* For drivers: */
void   hb_printer_set_paper      (HbPrinter *self, HbPaperStatus paper);
guint  hb_printer_next_job_id    (HbPrinter *self);
void   hb_printer_emit_job       (HbPrinter *self, guint job_id, HbPrintJobState state,
                                  const char *reason);

G_END_DECLS
