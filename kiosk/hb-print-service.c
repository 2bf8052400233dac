/* hb-print-service.c — document → printer routing. */
#include "kiosk/hb-print-service.h"

struct _HbPrintService
{
  GObject          parent_instance;
  HbDeviceManager *devices;
};

G_DEFINE_FINAL_TYPE (HbPrintService, hb_print_service, G_TYPE_OBJECT)

static void
hb_print_service_dispose (GObject *object)
{
  g_clear_object (&HB_PRINT_SERVICE (object)->devices);
  G_OBJECT_CLASS (hb_print_service_parent_class)->dispose (object);
}

static void
hb_print_service_class_init (HbPrintServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_print_service_dispose;
}

static void
hb_print_service_init (HbPrintService *self)
{
}

HbPrintService *
hb_print_service_new (HbDeviceManager *devices)
{
  HbPrintService *self = g_object_new (HB_TYPE_PRINT_SERVICE, NULL);
  self->devices = g_object_ref (devices);
  return self;
}

gboolean
hb_print_service_is_ready (HbPrintService *self)
{
  HbPrinter *p = hb_device_manager_get_printer (self->devices);
  return p != NULL && hb_device_get_status (HB_DEVICE (p)) == HB_DEVICE_STATUS_ONLINE &&
         hb_printer_get_paper (p) != HB_PAPER_OUT;
}

static void
print_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint job = hb_printer_print_finish (HB_PRINTER (source), result, &error);
  if (error)
    {
      g_message ("print: job failed: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  g_message ("print: job %u completed", job);
  g_task_return_int (task, job);
}

void
hb_print_service_print_async (HbPrintService *self, GBytes *pdf, const char *title,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  HbPrinter *printer = hb_device_manager_get_printer (self->devices);

  g_task_set_source_tag (task, hb_print_service_print_async);
  if (printer == NULL)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                               "no printer is connected");
      return;
    }
  hb_printer_print_async (printer, pdf, title, cancellable, print_done,
                          g_steal_pointer (&task));
}

static HbReceiptPrinter *
roll_printer (HbPrintService *self)
{
  HbDevice *d = hb_device_manager_get_device (self->devices, HB_DEVICE_KIND_RECEIPT_PRINTER);
  return d && HB_IS_RECEIPT_PRINTER (d) ? HB_RECEIPT_PRINTER (d) : NULL;
}

gboolean
hb_print_service_roll_is_ready (HbPrintService *self)
{
  HbReceiptPrinter *p = roll_printer (self);
  return p != NULL && hb_device_get_status (HB_DEVICE (p)) == HB_DEVICE_STATUS_ONLINE &&
         hb_printer_get_paper (HB_PRINTER (p)) != HB_PAPER_OUT;
}

static void
ticket_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint job = hb_receipt_printer_print_ticket_finish (HB_RECEIPT_PRINTER (source), result,
                                                      &error);
  if (error)
    {
      g_message ("print: ticket failed: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  g_message ("print: ticket %u completed", job);
  g_task_return_int (task, job);
}

void
hb_print_service_print_ticket_async (HbPrintService *self, const HbTicket *ticket,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  HbReceiptPrinter *printer = roll_printer (self);

  g_task_set_source_tag (task, hb_print_service_print_ticket_async);
  if (printer == NULL)
    {
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                               "no receipt printer is connected");
      return;
    }
  hb_receipt_printer_print_ticket_async (printer, ticket, cancellable, ticket_done,
                                         g_steal_pointer (&task));
}

guint
hb_print_service_print_ticket_finish (HbPrintService *self, GAsyncResult *result,
                                      GError **error)
{
  gssize job;
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  job = g_task_propagate_int (G_TASK (result), error);
  return job > 0 ? (guint) job : 0;
}

guint
hb_print_service_print_finish (HbPrintService *self, GAsyncResult *result, GError **error)
{
  gssize job;
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  job = g_task_propagate_int (G_TASK (result), error);
  return job > 0 ? (guint) job : 0;
}
