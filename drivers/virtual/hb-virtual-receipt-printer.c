/* hb-virtual-receipt-printer.c — a receipt printer whose output is the ESC/POS bytes of
 * each ticket, one file per job in a spool folder. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-receipt-printer.h"
#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/virtual/hb-virtual-spool.h"
#include "drivers/printer/hb-escpos.h"
#include "drivers/hb-device-private.h"

struct _HbVirtualReceiptPrinter
{
  HbReceiptPrinter parent_instance;

  HbVirtualSpool spool;
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

static void
hb_virtual_receipt_printer_print_ticket (HbReceiptPrinter *receipt, const HbTicket *ticket,
                                         GTask *task)
{
  HbVirtualReceiptPrinter *self = HB_VIRTUAL_RECEIPT_PRINTER (receipt);
  HbPrinter *printer = HB_PRINTER (receipt);
  g_autoptr(GByteArray) encoded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  guint job_id;

  job_id = hb_printer_next_job_id (printer);
  hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_QUEUED, NULL);

  if (!hb_virtual_plug_check (&self->spool.plug, "receipt printer", &error))
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_FAILED,
                           self->spool.plug.unplugged ? "unplugged" : "closed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!hb_virtual_spool_can_print (&self->spool, printer, job_id, "receipt printer", task))
    return;
  /* Encoding is pure and bounded (HB_ESCPOS_JOB_MAX): cheap enough for this thread. */
  encoded = hb_escpos_encode_ticket (ticket, &error);
  if (encoded == NULL)
    {
      hb_printer_emit_job (printer, job_id, HB_PRINT_JOB_FAILED, "unprintable");
      g_task_return_new_error (task, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                               "The ticket cannot be printed: %s", error->message);
      return;
    }

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&encoded));
  file = g_strdup_printf ("receipt-%u.bin", job_id);
  hb_virtual_spool_write (&self->spool, printer, job_id, file, bytes, "receipt printer",
                          task);
}

static void
hb_virtual_receipt_printer_open (HbDevice *device, GTask *task)
{
  HbVirtualReceiptPrinter *self = HB_VIRTUAL_RECEIPT_PRINTER (device);

  hb_virtual_spool_open (&self->spool, HB_PRINTER (self));
  g_task_return_boolean (task, TRUE);
}

static void
hb_virtual_receipt_printer_close (HbDevice *device, GTask *task)
{
  HB_VIRTUAL_RECEIPT_PRINTER (device)->spool.plug.opened = FALSE;
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
      g_value_set_string (value, self->spool.dir);
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
      g_free (self->spool.dir);
      self->spool.dir = g_value_dup_string (value);
      if (self->spool.dir == NULL)
        self->spool.dir = g_build_filename (g_get_user_cache_dir (), "haoban",
                                            "virtual-printer", NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hb_virtual_receipt_printer_finalize (GObject *object)
{
  g_free (HB_VIRTUAL_RECEIPT_PRINTER (object)->spool.dir);
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
  return self->spool.dir;
}

void
hb_virtual_receipt_printer_set_paper_out (HbVirtualReceiptPrinter *self, gboolean out)
{
  g_return_if_fail (HB_IS_VIRTUAL_RECEIPT_PRINTER (self));

  hb_virtual_spool_set_paper_out (&self->spool, HB_PRINTER (self), out);
}

void
hb_virtual_receipt_printer_set_plugged (HbVirtualReceiptPrinter *self, gboolean plugged)
{
  g_return_if_fail (HB_IS_VIRTUAL_RECEIPT_PRINTER (self));

  hb_virtual_spool_set_plugged (&self->spool, HB_PRINTER (self), plugged);
}

gboolean
hb_virtual_receipt_printer_get_plugged (HbVirtualReceiptPrinter *self)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_RECEIPT_PRINTER (self), FALSE);
  return !self->spool.plug.unplugged;
}
