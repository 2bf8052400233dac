/* hb-virtual-receipt-printer.h — a receipt printer that "prints" each ticket as the
 * ESC/POS bytes a real one would receive, into a spool folder.
 *
 * Ticket N is encoded with hb-escpos and written atomically (mode 0600) as
 * <spool_dir>/receipt-N.bin in a worker thread. job-changed: QUEUED → PRINTING →
 * COMPLETED; with paper out QUEUED → FAILED "paper-out" (nothing written); an
 * unprintable ticket QUEUED → FAILED "unprintable". Status: ONLINE; BUSY "printing"
 * during a job; USER_ERROR "paper out"; NO_DEVICE "unplugged". */
#pragma once

#include "drivers/printer/hb-receipt-printer.h"

G_BEGIN_DECLS

#define HB_TYPE_VIRTUAL_RECEIPT_PRINTER (hb_virtual_receipt_printer_get_type ())
G_DECLARE_FINAL_TYPE (HbVirtualReceiptPrinter, hb_virtual_receipt_printer, HB,
                      VIRTUAL_RECEIPT_PRINTER, HbReceiptPrinter)

/* spool_dir NULL: $XDG_CACHE_HOME/haoban/virtual-printer. Created (0700) on first job. */
HbVirtualReceiptPrinter *hb_virtual_receipt_printer_new (const char *spool_dir);
const char *hb_virtual_receipt_printer_get_spool_dir (HbVirtualReceiptPrinter *self);

/* Runs out of paper (USER_ERROR "paper out", paper OUT) or gets it back (paper FULL). */
void     hb_virtual_receipt_printer_set_paper_out (HbVirtualReceiptPrinter *self, gboolean out);

/* UNPLUG / PLUG (also reachable through hb_virtual_device_set_plugged). */
void     hb_virtual_receipt_printer_set_plugged (HbVirtualReceiptPrinter *self, gboolean plugged);
gboolean hb_virtual_receipt_printer_get_plugged (HbVirtualReceiptPrinter *self);

G_END_DECLS
