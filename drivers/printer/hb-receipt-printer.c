/* hb-receipt-printer.c — the receipt-printer kind: print a ticket as a device action. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/printer/hb-receipt-printer.h"
#include "drivers/hb-device-private.h"

G_DEFINE_ABSTRACT_TYPE (HbReceiptPrinter, hb_receipt_printer, HB_TYPE_PRINTER)

static void
hb_receipt_printer_class_init (HbReceiptPrinterClass *klass)
{
  HB_DEVICE_CLASS (klass)->kind = HB_DEVICE_KIND_RECEIPT_PRINTER;
}

static void
hb_receipt_printer_init (HbReceiptPrinter *self)
{
}

static void
print_ticket_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  GError *error = NULL;
  gssize job_id;

  hb_device_action_end (HB_DEVICE (source));
  job_id = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (job_id <= 0 || job_id > G_MAXUINT)
    g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                             "The receipt printer driver returned no job id");
  else
    g_task_return_int (task, job_id);
  g_object_unref (task);
}

void
hb_receipt_printer_print_ticket_async (HbReceiptPrinter *self, const HbTicket *ticket,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  HbReceiptPrinterClass *klass;
  HbTicket *copy;
  GTask *inner;

  g_return_if_fail (HB_IS_RECEIPT_PRINTER (self));
  g_return_if_fail (ticket != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_receipt_printer_print_ticket_async);
  klass = HB_RECEIPT_PRINTER_GET_CLASS (self);
  if (klass->print_ticket == NULL)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED,
                               "The receipt printer driver cannot print tickets");
      return;
    }
  if (hb_ticket_get_n_items (ticket) == 0)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                               "The ticket is empty");
      return;
    }
  if (!hb_device_action_begin (HB_DEVICE (self), task))
    return;

  inner = g_task_new (self, hb_device_action_get_cancellable (HB_DEVICE (self)),
                      print_ticket_done, g_object_ref (task));
  g_task_set_source_tag (inner, hb_receipt_printer_print_ticket_async);
  /* A ticket the printer confirmed was printed, even if a cancel came late. */
  g_task_set_check_cancellable (inner, FALSE);
  /* The driver may finish after the caller freed its ticket. */
  copy = hb_ticket_copy (ticket);
  g_task_set_task_data (inner, copy, (GDestroyNotify) hb_ticket_free);
  klass->print_ticket (self, copy, inner);
  g_object_unref (inner);
}

guint
hb_receipt_printer_print_ticket_finish (HbReceiptPrinter *self, GAsyncResult *result,
                                        GError **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? (guint) id : 0;
}
