/* hb-virtual-printer.h — a printer that "prints" each job's PDF into a spool folder.
 *
 * Job N is written atomically (mode 0600) as <spool_dir>/job-N.pdf in a worker thread.
 * job-changed: QUEUED → PRINTING → COMPLETED; with paper out QUEUED → FAILED "paper-out"
 * (nothing written). Status: ONLINE; BUSY "printing" during a job; USER_ERROR
 * "paper out"; NO_DEVICE "unplugged". */
#pragma once

#include "drivers/printer/hb-printer.h"

G_BEGIN_DECLS

#define HB_TYPE_VIRTUAL_PRINTER (hb_virtual_printer_get_type ())
G_DECLARE_FINAL_TYPE (HbVirtualPrinter, hb_virtual_printer, HB, VIRTUAL_PRINTER, HbPrinter)

/* spool_dir NULL: $XDG_CACHE_HOME/haoban/virtual-printer. Created (0700) on first job. */
HbVirtualPrinter *hb_virtual_printer_new (const char *spool_dir);
const char       *hb_virtual_printer_get_spool_dir (HbVirtualPrinter *self);

/* The printer runs out of paper (status USER_ERROR "paper out", paper OUT) or gets it
 * back (paper FULL, status recomputed). */
void hb_virtual_printer_set_paper_out (HbVirtualPrinter *self, gboolean out);

G_END_DECLS
