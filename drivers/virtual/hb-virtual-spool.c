/* hb-virtual-spool.c — spool-folder printing shared by the virtual printers. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-spool.h"
#include "drivers/hb-device-private.h"

#include <errno.h>
#include <glib/gstdio.h>

/* One job on its way to the spool folder (owned by the worker GTask). The worker thread
 * reads only dir, path and bytes; spool lives in the printer the worker holds. */
typedef struct
{
  HbVirtualSpool *spool;
  guint           job_id;
  char           *what;
  char           *dir;
  char           *path;
  GBytes         *bytes;
} Job;

static void
job_free (Job *job)
{
  g_free (job->what);
  g_free (job->dir);
  g_free (job->path);
  g_bytes_unref (job->bytes);
  g_free (job);
}

void
hb_virtual_spool_update_status (HbVirtualSpool *spool, HbPrinter *printer)
{
  HbDevice *device = HB_DEVICE (printer);

  if (spool->paper_out)
    hb_virtual_plug_update_status (&spool->plug, device, HB_DEVICE_STATUS_USER_ERROR,
                                   "paper out");
  else if (spool->printing)
    hb_virtual_plug_update_status (&spool->plug, device, HB_DEVICE_STATUS_BUSY, "printing");
  else
    hb_virtual_plug_update_status (&spool->plug, device, HB_DEVICE_STATUS_ONLINE, NULL);
}

void
hb_virtual_spool_open (HbVirtualSpool *spool, HbPrinter *printer)
{
  spool->plug.opened = TRUE;
  hb_printer_set_paper (printer, spool->paper_out ? HB_PAPER_OUT : HB_PAPER_FULL);
  hb_virtual_spool_update_status (spool, printer);
}

void
hb_virtual_spool_set_paper_out (HbVirtualSpool *spool, HbPrinter *printer, gboolean out)
{
  spool->paper_out = out;
  hb_printer_set_paper (printer, out ? HB_PAPER_OUT : HB_PAPER_FULL);
  hb_virtual_spool_update_status (spool, printer);
}

void
hb_virtual_spool_set_plugged (HbVirtualSpool *spool, HbPrinter *printer, gboolean plugged)
{
  if (hb_virtual_plug_set (&spool->plug, HB_DEVICE (printer), plugged))
    hb_virtual_spool_update_status (spool, printer);
}

gboolean
hb_virtual_spool_can_print (HbVirtualSpool *spool, HbPrinter *printer, guint job_id,
                            const char *what, GTask *task)
{
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_CANCELLED, "cancelled");
      g_task_return_error_if_cancelled (task);
      return FALSE;
    }
  if (spool->paper_out)
    {
      hb_virtual_spool_update_status (spool, printer);
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_FAILED, "paper-out");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER,
                               "The %s is out of paper", what);
      return FALSE;
    }
  return TRUE;
}

static void
write_job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (job->bytes, &size);

  /* Cancelled before the "paper moved": nothing is printed. */
  if (g_task_return_error_if_cancelled (task))
    return;
  if (g_mkdir_with_parents (job->dir, 0700) != 0)
    {
      int saved = errno;
      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (saved),
                               "Cannot create the spool folder: %s", g_strerror (saved));
      return;
    }
  /* Atomic (temp file + rename) and private: documents may carry personal data. */
  if (!g_file_set_contents_full (job->path, data, (gssize) size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
job_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HbPrinter *printer = HB_PRINTER (source);
  GTask *task = G_TASK (user_data);   /* the print action's task */
  Job *job = g_task_get_task_data (G_TASK (result));
  HbVirtualSpool *spool = job->spool;
  GError *error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  spool->printing = FALSE;
  hb_virtual_spool_update_status (spool, printer);
  if (spool->plug.unplugged)
    {
      /* Pulled out mid-job: treat the output as lost. */
      if (ok)
        g_unlink (job->path);
      g_clear_error (&error);
      hb_printer_emit_job (printer, job->job_id, HB_PRINT_JOB_FAILED, "unplugged");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                               "The %s was unplugged during the job", job->what);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      hb_printer_emit_job (printer, job->job_id, HB_PRINT_JOB_CANCELLED, "cancelled");
      g_task_return_error (task, error);
    }
  else if (!ok)
    {
      hb_printer_emit_job (printer, job->job_id, HB_PRINT_JOB_FAILED, "spool-error");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE,
                               "The virtual %s could not write the job: %s",
                               job->what, error->message);
      g_error_free (error);
    }
  else
    {
      hb_printer_emit_job (printer, job->job_id, HB_PRINT_JOB_COMPLETED, NULL);
      g_task_return_int (task, job->job_id);
    }
  g_object_unref (task);
}

void
hb_virtual_spool_write (HbVirtualSpool *spool, HbPrinter *printer, guint job_id,
                        const char *file, GBytes *bytes, const char *what, GTask *task)
{
  g_autoptr(GTask) worker = NULL;
  Job *job;

  spool->printing = TRUE;
  hb_virtual_spool_update_status (spool, printer);
  hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_PRINTING, NULL);

  job = g_new0 (Job, 1);
  job->spool = spool;
  job->job_id = job_id;
  job->what = g_strdup (what);
  job->dir = g_strdup (spool->dir);
  job->path = g_build_filename (spool->dir, file, NULL);
  job->bytes = g_bytes_ref (bytes);

  worker = g_task_new (printer, g_task_get_cancellable (task), job_written,
                       g_object_ref (task));
  g_task_set_source_tag (worker, hb_virtual_spool_write);
  /* The thread decides: once the file is written the job has printed. */
  g_task_set_check_cancellable (worker, FALSE);
  g_task_set_task_data (worker, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (worker, write_job_thread);
}
