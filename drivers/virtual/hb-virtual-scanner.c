/* hb-virtual-scanner.c — QR/barcode scanner whose codes arrive over the simulator socket. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/scanner/hb-scanner-private.h"
#include "drivers/hb-device-private.h"

struct _HbVirtualScanner
{
  HbScanner parent_instance;

  gboolean opened;
  gboolean unplugged;
};

G_DEFINE_FINAL_TYPE (HbVirtualScanner, hb_virtual_scanner, HB_TYPE_SCANNER)

static const HbDeviceIdEntry id_table[] = {
  { .virtual_id = "virtual-scanner" },
  { .vid = 0, .virtual_id = NULL },
};

static void
update_status (HbVirtualScanner *self)
{
  HbDevice *device = HB_DEVICE (self);

  if (self->unplugged)
    hb_device_set_status (device, HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
  else if (!self->opened)
    hb_device_set_status (device, HB_DEVICE_STATUS_OFFLINE, "closed");
  else
    hb_device_set_status (device, HB_DEVICE_STATUS_ONLINE, NULL);
}

static void
hb_virtual_scanner_open (HbDevice *device, GTask *task)
{
  HbVirtualScanner *self = HB_VIRTUAL_SCANNER (device);

  self->opened = TRUE;
  update_status (self);
  g_task_return_boolean (task, TRUE);
}

static void
hb_virtual_scanner_close (HbDevice *device, GTask *task)
{
  HB_VIRTUAL_SCANNER (device)->opened = FALSE;
  g_task_return_boolean (task, TRUE);
}

static void
hb_virtual_scanner_class_init (HbVirtualScannerClass *klass)
{
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  device_class->driver_id = "virtual-scanner";
  device_class->full_name = "Virtual QR code scanner";
  device_class->id_table = id_table;
  device_class->open = hb_virtual_scanner_open;
  device_class->close = hb_virtual_scanner_close;
}

static void
hb_virtual_scanner_init (HbVirtualScanner *self)
{
}

HbVirtualScanner *
hb_virtual_scanner_new (void)
{
  return g_object_new (HB_TYPE_VIRTUAL_SCANNER, NULL);
}

gboolean
hb_virtual_scanner_scan (HbVirtualScanner *self, const char *text, gsize length,
                         GError **error)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_SCANNER (self), FALSE);

  if (self->unplugged)
    {
      g_set_error_literal (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                           "The scanner is unplugged");
      return FALSE;
    }
  if (!self->opened)
    {
      g_set_error_literal (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN,
                           "The scanner is not open");
      return FALSE;
    }
  /* Checked here so that bad simulator input is an error reply, not a warning. */
  if (!hb_scanner_check_code (text, length, error))
    return FALSE;
  return hb_scanner_emit_code (HB_SCANNER (self), text, length);
}

void
hb_virtual_scanner_set_plugged (HbVirtualScanner *self, gboolean plugged)
{
  g_return_if_fail (HB_IS_VIRTUAL_SCANNER (self));

  if (self->unplugged == !plugged)
    return;
  self->unplugged = !plugged;
  if (self->unplugged)
    hb_device_cancel (HB_DEVICE (self));
  update_status (self);
}

gboolean
hb_virtual_scanner_get_plugged (HbVirtualScanner *self)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_SCANNER (self), FALSE);
  return !self->unplugged;
}
