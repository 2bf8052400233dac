/* hb-scanner-worker.c — a scanner driver's own thread, its stop and its events to the
 * main context. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-scanner-worker.h"
#include "drivers/hb-device-private.h"
#include "common/hb-context.h"

#include <string.h>

void
hb_scanner_worker_init (HbScannerWorker *w, HbScanner *owner, const char *event_name,
                        HbScannerWorkerDedup dedup)
{
  memset (w, 0, sizeof *w);
  w->owner = owner;
  w->context = g_main_context_ref_thread_default ();
  w->event_name = event_name;
  w->dedup = dedup;
  g_mutex_init (&w->lock);
  g_cond_init (&w->wake);
  g_cond_init (&w->checked_cond);
}

void
hb_scanner_worker_clear (HbScannerWorker *w)
{
  g_warn_if_fail (w->thread == NULL);
  g_clear_object (&w->cancellable);
  g_clear_pointer (&w->reported_detail, g_free);
  g_main_context_unref (w->context);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->wake);
  g_cond_clear (&w->checked_cond);
}

/* --- events to the main context ------------------------------------------------------ */

typedef struct
{
  GWeakRef         owner;
  HbScannerWorker *worker;       /* valid while owner is alive: it is part of it */
  guint            generation;
  gboolean         is_code;
  HbDeviceStatus   status;
  char            *detail;
  char            *code;
  gsize            code_len;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;

  g_weak_ref_clear (&ev->owner);
  g_free (ev->detail);
  if (ev->code)
    explicit_bzero (ev->code, ev->code_len);   /* codes identify people */
  g_free (ev->code);
  g_free (ev);
}

static gboolean
event_dispatch (gpointer data)
{
  Event *ev = data;
  g_autoptr(HbScanner) owner = g_weak_ref_get (&ev->owner);
  guint generation;

  if (owner == NULL)
    return G_SOURCE_REMOVE;
  g_mutex_lock (&ev->worker->lock);
  generation = ev->worker->generation;
  g_mutex_unlock (&ev->worker->lock);
  if (generation != ev->generation)
    return G_SOURCE_REMOVE;   /* from before a close */
  if (ev->is_code)
    hb_scanner_emit_code (owner, ev->code, ev->code_len);
  else
    hb_device_set_status (HB_DEVICE (owner), ev->status, ev->detail);
  return G_SOURCE_REMOVE;
}

static void
post (HbScannerWorker *w, Event *ev)
{
  g_weak_ref_init (&ev->owner, w->owner);
  ev->worker = w;
  ev->generation = w->run_generation;
  hb_context_post (w->context, w->event_name, event_dispatch, ev, event_free);
}

void
hb_scanner_worker_report (HbScannerWorker *w, HbDeviceStatus status, const char *detail)
{
  Event *ev;

  if (w->reported == status &&
      (w->dedup == HB_SCANNER_WORKER_DEDUP_STATUS || g_strcmp0 (w->reported_detail, detail) == 0))
    return;
  w->reported = status;
  g_free (w->reported_detail);
  w->reported_detail = g_strdup (detail);
  ev = g_new0 (Event, 1);
  ev->status = status;
  ev->detail = g_strdup (detail);
  post (w, ev);
}

void
hb_scanner_worker_post_code (HbScannerWorker *w, char *code, gsize length)
{
  Event *ev = g_new0 (Event, 1);

  ev->is_code = TRUE;
  ev->code = code;
  ev->code_len = length;
  post (w, ev);
}

/* --- the thread ---------------------------------------------------------------------- */

gboolean
hb_scanner_worker_stopping (HbScannerWorker *w)
{
  gboolean stop;

  g_mutex_lock (&w->lock);
  stop = w->stopping;
  g_mutex_unlock (&w->lock);
  return stop;
}

gboolean
hb_scanner_worker_nap (HbScannerWorker *w, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean running;

  g_mutex_lock (&w->lock);
  while (!w->stopping && g_cond_wait_until (&w->wake, &w->lock, end))
    ;
  running = !w->stopping;
  g_mutex_unlock (&w->lock);
  return running;
}

void
hb_scanner_worker_checked (HbScannerWorker *w)
{
  g_mutex_lock (&w->lock);
  if (!w->checked)
    {
      w->checked = TRUE;
      g_cond_broadcast (&w->checked_cond);
    }
  g_mutex_unlock (&w->lock);
}

void
hb_scanner_worker_count (HbScannerWorker *w, guint *field)
{
  g_mutex_lock (&w->lock);
  (*field)++;
  g_mutex_unlock (&w->lock);
}

/* --- start and stop ------------------------------------------------------------------- */

void
hb_scanner_worker_start (HbScannerWorker *w, const char *thread_name, GThreadFunc func,
                         gpointer data, guint wait_ms)
{
  gint64 end;

  g_return_if_fail (w->thread == NULL);

  /* Each run starts "starting" with nothing reported, like a fresh driver. */
  w->reported = HB_DEVICE_STATUS_STARTING;
  g_clear_pointer (&w->reported_detail, g_free);
  g_mutex_lock (&w->lock);
  w->stopping = FALSE;
  w->checked = FALSE;
  w->generation++;
  w->run_generation = w->generation;
  g_clear_object (&w->cancellable);
  w->cancellable = g_cancellable_new ();
  g_mutex_unlock (&w->lock);
  w->thread = g_thread_new (thread_name, func, data);

  end = g_get_monotonic_time () + (gint64) wait_ms * 1000;
  g_mutex_lock (&w->lock);
  while (!w->checked && g_cond_wait_until (&w->checked_cond, &w->lock, end))
    ;
  g_mutex_unlock (&w->lock);
}

void
hb_scanner_worker_stop (HbScannerWorker *w)
{
  if (w->thread == NULL)
    return;
  g_mutex_lock (&w->lock);
  w->stopping = TRUE;
  w->generation++;
  g_cancellable_cancel (w->cancellable);
  g_cond_broadcast (&w->wake);
  g_mutex_unlock (&w->lock);
  g_thread_join (g_steal_pointer (&w->thread));
}

gboolean
hb_scanner_worker_is_running (HbScannerWorker *w)
{
  return w->thread != NULL;
}

typedef struct
{
  HbScannerWorker *worker;
  const char      *thread_name;
  GThreadFunc      func;
  gpointer         data;
  guint            wait_ms;
} StartArgs;

static void
open_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  StartArgs *a = task_data;

  hb_scanner_worker_start (a->worker, a->thread_name, a->func, a->data, a->wait_ms);
  g_task_return_boolean (task, TRUE);
}

void
hb_scanner_worker_open_task (HbScannerWorker *w, GTask *task, const char *thread_name,
                             GThreadFunc func, gpointer data, guint wait_ms)
{
  StartArgs *a = g_new (StartArgs, 1);

  *a = (StartArgs) { w, thread_name, func, data, wait_ms };
  g_task_set_task_data (task, a, g_free);
  g_task_run_in_thread (task, open_in_thread);
}

static void
close_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  hb_scanner_worker_stop (task_data);
  g_task_return_boolean (task, TRUE);
}

void
hb_scanner_worker_close_task (HbScannerWorker *w, GTask *task)
{
  g_task_set_task_data (task, w, NULL);
  g_task_run_in_thread (task, close_in_thread);
}
