/* hb-virtual-spool.h — what the virtual printers share: each job written as one private
 * file in a spool folder by a worker thread, job events, paper and plug state. */
#pragma once

#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/printer/hb-printer.h"

G_BEGIN_DECLS

/* Embedded in a virtual printer; `dir` is construct-only (the worker reads a copy). */
typedef struct {
  HbVirtualPlug plug;
  char         *dir;
  gboolean      paper_out;
  gboolean      printing;
} HbVirtualSpool;

/* Status from plug, paper and whether a job is being written. */
void     hb_virtual_spool_update_status (HbVirtualSpool *spool, HbPrinter *printer);
/* Open: plugged in, paper level published. */
void     hb_virtual_spool_open          (HbVirtualSpool *spool, HbPrinter *printer);
void     hb_virtual_spool_set_paper_out (HbVirtualSpool *spool, HbPrinter *printer,
                                         gboolean out);
void     hb_virtual_spool_set_plugged   (HbVirtualSpool *spool, HbPrinter *printer,
                                         gboolean plugged);
/* Before a job (QUEUED already emitted): fails `task` and emits the job's end when it is
 * cancelled or the paper is out; `what` names the device in errors ("receipt printer"). */
gboolean hb_virtual_spool_can_print     (HbVirtualSpool *spool, HbPrinter *printer,
                                         guint job_id, const char *what, GTask *task);
/* Emits PRINTING, writes `bytes` to dir/file atomically (0600) in a worker thread, then
 * emits the job's end and returns its id (int) on `task`, or an HB_DEVICE_ERROR. */
void     hb_virtual_spool_write         (HbVirtualSpool *spool, HbPrinter *printer,
                                         guint job_id, const char *file, GBytes *bytes,
                                         const char *what, GTask *task);

G_END_DECLS
