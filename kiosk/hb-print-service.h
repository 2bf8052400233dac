/* hb-print-service.h — routes documents to a printer and reports what really happened.
 *
 * Today every document goes to the terminal's printer device (virtual, or a real driver
 * as they arrive); CUPS for A4 and ESC/POS for receipts come with the printing work.
 * Never reports success before the printer has confirmed the job. */
#pragma once

#include "drivers/hb-device-manager.h"
#include "drivers/printer/hb-receipt-printer.h"

G_BEGIN_DECLS

#define HB_TYPE_PRINT_SERVICE (hb_print_service_get_type ())
G_DECLARE_FINAL_TYPE (HbPrintService, hb_print_service, HB, PRINT_SERVICE, GObject)

HbPrintService *hb_print_service_new (HbDeviceManager *devices);

/* TRUE when a printer is present and can take a job now (online, paper not out). */
gboolean hb_print_service_is_ready (HbPrintService *self);

/* Errors: HB_DEVICE_ERROR_NO_DEVICE (no printer), HB_DEVICE_ERROR_USER (paper out…),
 * or whatever the printer reported. Completes with the job id. */
void     hb_print_service_print_async  (HbPrintService *self, GBytes *pdf, const char *title,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
guint    hb_print_service_print_finish (HbPrintService *self, GAsyncResult *result,
                                        GError **error);

/* The 80 mm thermal printer: TRUE when one is connected and can print now. */
gboolean hb_print_service_roll_is_ready (HbPrintService *self);

/* Print a ticket on the 80 mm printer. Errors as above. Completes with the job id once the
 * printer confirmed it (its status read back after the cut). */
void     hb_print_service_print_ticket_async  (HbPrintService *self, const HbTicket *ticket,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
guint    hb_print_service_print_ticket_finish (HbPrintService *self, GAsyncResult *result,
                                               GError **error);

G_END_DECLS
