/* hb-scanner-worker.h — the thread plumbing every real scanner driver shares (the model
 * is the SAM reader's): its own reader thread, a stop flag and wake-up, an open that
 * waits for the thread's first verdict, and events to the main context only through
 * hb_context_post, dropped when they come from before a close.
 *
 * Embed an HbScannerWorker in the driver instance; init it in the instance init, clear
 * it in finalize, start it from the open task's thread and stop it from the close task
 * and dispose. What the driver reads and writes from both sides (its stats) it guards
 * with worker.lock. */
#pragma once

#include "drivers/scanner/hb-scanner.h"

G_BEGIN_DECLS

typedef enum {
  HB_SCANNER_WORKER_DEDUP_STATUS,            /* a status is posted when it changes */
  HB_SCANNER_WORKER_DEDUP_STATUS_AND_DETAIL, /* … or when only its detail changes */
} HbScannerWorkerDedup;

typedef struct
{
  /* Set by init, read-only afterwards. */
  HbScanner            *owner;          /* not referenced: the worker lives inside it */
  GMainContext         *context;        /* where events are dispatched */
  const char           *event_name;     /* static: the posted source's name */
  HbScannerWorkerDedup  dedup;

  GMutex                lock;           /* guards what follows, and the driver's stats */
  GCond                 wake;
  GCond                 checked_cond;
  GThread              *thread;
  gboolean              stopping;
  gboolean              checked;        /* the thread's first verdict is in */
  guint                 generation;     /* bumped on start and stop: older events are stale */

  /* Written by start before the thread exists, then read-only until it is joined. */
  GCancellable         *cancellable;    /* the thread's blocking calls; cancelled by stop */
  guint                 run_generation;

  /* The thread's own. */
  HbDeviceStatus        reported;
  char                 *reported_detail;
} HbScannerWorker;

void     hb_scanner_worker_init (HbScannerWorker *worker, HbScanner *owner,
                                 const char *event_name, HbScannerWorkerDedup dedup);
/* Finalize: the thread must be stopped. */
void     hb_scanner_worker_clear (HbScannerWorker *worker);

/* From the open task's thread: run func (data) on a new thread and wait until it calls
 * hb_scanner_worker_checked() or wait_ms pass (bounds an open stuck in a driver). */
void     hb_scanner_worker_start (HbScannerWorker *worker, const char *thread_name,
                                  GThreadFunc func, gpointer data, guint wait_ms);
/* Stop and join the thread (no-op when none runs); events it posted become stale. */
void     hb_scanner_worker_stop (HbScannerWorker *worker);
gboolean hb_scanner_worker_is_running (HbScannerWorker *worker);

/* The open and close vfuncs' bodies: start (as above) or stop the thread on a GTask
 * thread, never the main one, then return TRUE on the task. */
void     hb_scanner_worker_open_task (HbScannerWorker *worker, GTask *task,
                                      const char *thread_name, GThreadFunc func,
                                      gpointer data, guint wait_ms);
void     hb_scanner_worker_close_task (HbScannerWorker *worker, GTask *task);

/* --- for the thread ---------------------------------------------------------------------- */

gboolean hb_scanner_worker_stopping (HbScannerWorker *worker);
/* Sleep ms or until stopped. FALSE when stopping. */
gboolean hb_scanner_worker_nap (HbScannerWorker *worker, guint ms);
/* The first verdict (online, no-device, why not) is known: open may complete. */
void     hb_scanner_worker_checked (HbScannerWorker *worker);
/* (*field)++ under the lock. */
void     hb_scanner_worker_count (HbScannerWorker *worker, guint *field);
/* Post the status unless it repeats the last one (see dedup). */
void     hb_scanner_worker_report (HbScannerWorker *worker, HbDeviceStatus status,
                                   const char *detail);
/* Post a code to be emitted with hb_scanner_emit_code; takes code, wipes it afterwards. */
void     hb_scanner_worker_post_code (HbScannerWorker *worker, char *code, gsize length);

G_END_DECLS
