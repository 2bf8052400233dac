/* hb-receipt-printer.h — the receipt-printer kind: 80 mm thermal printers that print
 * HbTickets (queue tickets, short receipts). Kind HB_DEVICE_KIND_RECEIPT_PRINTER.
 *
 * A receipt printer is an HbPrinter (paper property, "job-changed" signal, job ids), but
 * it prints tickets, not PDFs: hb_printer_print_async() on it fails with
 * HB_DEVICE_ERROR_NOT_SUPPORTED unless the driver also implements print. */
#pragma once

#include "drivers/printer/hb-printer.h"
#include "drivers/printer/hb-ticket.h"

G_BEGIN_DECLS

#define HB_TYPE_RECEIPT_PRINTER (hb_receipt_printer_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbReceiptPrinter, hb_receipt_printer, HB, RECEIPT_PRINTER, HbPrinter)

struct _HbReceiptPrinterClass
{
  HbPrinterClass parent_class;

  /* Print @ticket (the base class passed a private copy); complete @task with the job id
   * (g_task_return_int, > 0) once the printer confirmed the job (status read back after
   * the cut), or with an error: HB_DEVICE_ERROR_USER for paper out / cover open,
   * HB_DEVICE_ERROR_HARDWARE, HB_DEVICE_ERROR_NO_DEVICE when unplugged. The ticket is
   * @task's task data: valid until @task is finalized; do not replace the task data. */
  void (*print_ticket) (HbReceiptPrinter *self, const HbTicket *ticket, GTask *task);

  gpointer padding[8];
};

/* One device action. Completes with the job id once the printer confirmed the ticket. */
void  hb_receipt_printer_print_ticket_async  (HbReceiptPrinter *self, const HbTicket *ticket,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
guint hb_receipt_printer_print_ticket_finish (HbReceiptPrinter *self, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
