/* hb-virtual-receipt-printer.c — a receipt printer whose output is the ESC/POS bytes of
 * each ticket, one file per job in a spool folder. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-receipt-printer.h"
#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/printer/hb-escpos.h"
#include "drivers/hb-device-private.h"

#include <errno.h>
#include <glib/gstdio.h>

struct _HbVirtualReceiptPrinter
{
  HbReceiptPrinter parent_instance;

  char         *spool_dir;
  HbVirtualPlug plug;
  gboolean      paper_out;
  gboolean      printing;
};

G_DEFINE_FINAL_TYPE (HbVirtualReceiptPrinter, hb_virtual_receipt_printer,
                     HB_TYPE_RECEIPT_PRINTER)

enum {
  PROP_0,
  PROP_SPOOL_DIR,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static const HbDeviceIdEntry id_table[] = {
  { .virtual_id = "virtual-receipt-printer" },
  { .vid = 0, .virtual_id = NULL },
};

/* One job on its way to the spool folder (owned by the worker GTask). */
typedef struct
{
  guint   job_id;
  char   *path;
  GBytes *bytes;
} Job;

static void
job_free (Job *job)
{
  g_free (job->path);
  g_bytes_unref (job->bytes);
  g_free (job);
}

static void
update_status (HbVirtualReceiptPrinter *self)
{
  if (self->paper_out)
    hb_virtual_plug_update_status (&self->plug, HB_DEVICE (self), HB_DEVICE_STATUS_USER_ERROR,
                                   "paper out");
  else if (self->printing)
    hb_virtual_plug_update_status (&self->plug, HB_DEVICE (self), HB_DEVICE_STATUS_BUSY,
                                   "printing");
  else
    hb_virtual_plug_update_status (&self->plug, HB_DEVICE (self), HB_DEVICE_STATUS_ONLINE, NULL);
}

static void
write_job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  HbVirtualReceiptPrinter *self = HB_VIRTUAL_RECEIPT_PRINTER (source);
  GError *error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (job->bytes, &size);

  /* Cancelled before the "paper moved": nothing is printed. */
  if (g_task_return_error_if_cancelled (task))
    return;
  /* spool_dir is construct-only, so reading it here is safe. */
  if (g_mkdir_with_parents (self->spool_dir, 0700) != 0)
    {
      int saved = errno;
      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (saved),
                               "Cannot create the spool folder: %s", g_strerror (saved));
      return;
    }
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
  HbVirtualReceiptPrinter *self = HB_VIRTUAL_RECEIPT_PRINTER (source);
  HbPrinter *printer = HB_PRINTER (self);
  GTask *task = G_TASK (user_data);   /* the print action's task */
  Job *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  self->printing = FALSE;
  update_status (self);
  if (self->plug.unplugged)
    {
      /* Pulled out mid-job: treat the ticket as lost. */
      if (ok)
        g_unlink (job->path);
      g_clear_error (&error);
      hb_printer_emit_job (printer, job->job_id, HB_PRINT_JOB_FAILED, "unplugged");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                               "The receipt printer was unplugged during the job");
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
                               "The virtual receipt printer could not write the job: %s",
                               error->message);
      g_error_free (error);
    }
  else
    {
      hb_printer_emit_job (printer, job->job_id, HB_PRINT_JOB_COMPLETED, NULL);
      g_task_return_int (task, job->job_id);
    }
  g_object_unref (task);
}

static void
hb_virtual_receipt_printer_print_ticket (HbReceiptPrinter *receipt, const HbTicket *ticket,
                                         GTask *task)
{
  HbVirtualReceiptPrinter *self = HB_VIRTUAL_RECEIPT_PRINTER (receipt);
  HbPrinter *printer = HB_PRINTER (receipt);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GTask) worker = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  guint job_id;
  Job *job;

  job_id = hb_printer_next_job_id (printer);
  hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_QUEUED, NULL);

  if (!hb_virtual_plug_check (&self->plug, "receipt printer", &error))
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_FAILED,
                           self->plug.unplugged ? "unplugged" : "closed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_CANCELLED, "cancelled");
      g_task_return_error_if_cancelled (task);
      return;
    }
  if (self->paper_out)
    {
      update_status (self);
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_FAILED, "paper-out");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER,
                               "The receipt printer is out of paper");
      return;
    }
  /* Encoding is pure and bounded (HB_ESCPOS_JOB_MAX): cheap enough for this thread. */
  bytes = hb_escpos_encode_ticket (ticket, &error);
  if (bytes == NULL)
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_FAILED, "unprintable");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                               "The ticket cannot be printed: %s", error->message);
      return;
    }

  self->printing = TRUE;
  update_status (self);
  hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_PRINTING, NULL);

  job = g_new0 (Job, 1);
  job->job_id = job_id;
  file = g_strdup_printf ("receipt-%u.bin", job_id);
  job->path = g_build_filename (self->spool_dir, file, NULL);
  job->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));

  worker = g_task_new (self, cancellable, job_written, g_object_ref (task));
  g_task_set_source_tag (worker, hb_virtual_receipt_printer_print_ticket);
  /* The thread decides: once the file is written the ticket has printed. */
  g_task_set_check_cancellable (worker, FALSE);
  g_task_set_task_data (worker, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (worker, write_job_thread);
}

static void
hb_virtual_receipt_printer_open (HbDevice *device, GTask *task)
{
  HbVirtualReceiptPrinter *self = HB_VIRTUAL_RECEIPT_PRINTER (device);

  self->plug.opened = TRUE;
  hb_printer_set_paper (HB_PRINTER (self), self->paper_out ? HB_PAPER_OUT : HB_PAPER_FULL);
  update_status (self);
  g_task_return_boolean (task, TRUE);
}

static void
hb_virtual_receipt_printer_close (HbDevice *device, GTask *task)
{
  HB_VIRTUAL_RECEIPT_PRINTER (device)->plug.opened = FALSE;
  g_task_return_boolean (task, TRUE);
}

static void
hb_virtual_receipt_printer_get_property (GObject *object, guint prop_id, GValue *value,
                                         GParamSpec *pspec)
{
  HbVirtualReceiptPrinter *self = HB_VIRTUAL_RECEIPT_PRINTER (object);

  switch (prop_id)
    {
    case PROP_SPOOL_DIR:
      g_value_set_string (value, self->spool_dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hb_virtual_receipt_printer_set_property (GObject *object, guint prop_id, const GValue *value,
                                         GParamSpec *pspec)
{
  HbVirtualReceiptPrinter *self = HB_VIRTUAL_RECEIPT_PRINTER (object);

  switch (prop_id)
    {
    case PROP_SPOOL_DIR:
      g_free (self->spool_dir);
      self->spool_dir = g_value_dup_string (value);
      if (self->spool_dir == NULL)
        self->spool_dir = g_build_filename (g_get_user_cache_dir (), "haoban",
                                            "virtual-printer", NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hb_virtual_receipt_printer_finalize (GObject *object)
{
  g_free (HB_VIRTUAL_RECEIPT_PRINTER (object)->spool_dir);
  G_OBJECT_CLASS (hb_virtual_receipt_printer_parent_class)->finalize (object);
}

static void
hb_virtual_receipt_printer_class_init (HbVirtualReceiptPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);
  HbReceiptPrinterClass *receipt_class = HB_RECEIPT_PRINTER_CLASS (klass);

  object_class->get_property = hb_virtual_receipt_printer_get_property;
  object_class->set_property = hb_virtual_receipt_printer_set_property;
  object_class->finalize = hb_virtual_receipt_printer_finalize;

  device_class->driver_id = "virtual-receipt-printer";
  device_class->full_name = "Virtual receipt printer";
  device_class->id_table = id_table;
  device_class->open = hb_virtual_receipt_printer_open;
  device_class->close = hb_virtual_receipt_printer_close;
  receipt_class->print_ticket = hb_virtual_receipt_printer_print_ticket;

  props[PROP_SPOOL_DIR] =
    g_param_spec_string ("spool-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_virtual_receipt_printer_init (HbVirtualReceiptPrinter *self)
{
}

HbVirtualReceiptPrinter *
hb_virtual_receipt_printer_new (const char *spool_dir)
{
  return g_object_new (HB_TYPE_VIRTUAL_RECEIPT_PRINTER, "spool-dir", spool_dir, NULL);
}

const char *
hb_virtual_receipt_printer_get_spool_dir (HbVirtualReceiptPrinter *self)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_RECEIPT_PRINTER (self), NULL);
  return self->spool_dir;
}

void
hb_virtual_receipt_printer_set_paper_out (HbVirtualReceiptPrinter *self, gboolean out)
{
  g_return_if_fail (HB_IS_VIRTUAL_RECEIPT_PRINTER (self));

  self->paper_out = out;
  hb_printer_set_paper (HB_PRINTER (self), out ? HB_PAPER_OUT : HB_PAPER_FULL);
  update_status (self);
}

void
hb_virtual_receipt_printer_set_plugged (HbVirtualReceiptPrinter *self, gboolean plugged)
{
  g_return_if_fail (HB_IS_VIRTUAL_RECEIPT_PRINTER (self));

  if (hb_virtual_plug_set (&self->plug, HB_DEVICE (self), plugged))
    update_status (self);
}

gboolean
hb_virtual_receipt_printer_get_plugged (HbVirtualReceiptPrinter *self)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_RECEIPT_PRINTER (self), FALSE);
  return !self->plug.unplugged;
}
