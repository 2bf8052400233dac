/* hb-virtual-scanner.c — QR/barcode scanner whose codes arrive over the simulator socket. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/scanner/hb-scanner-private.h"
#include "drivers/hb-device-private.h"

struct _HbVirtualScanner
{
  HbScanner parent_instance;

  HbVirtualPlug plug;
};

G_DEFINE_FINAL_TYPE (HbVirtualScanner, hb_virtual_scanner, HB_TYPE_SCANNER)

static const HbDeviceIdEntry id_table[] = {
  { .virtual_id = "virtual-scanner" },
  { .vid = 0, .virtual_id = NULL },
};

static void
update_status (HbVirtualScanner *self)
{
  hb_virtual_plug_update_status (&self->plug, HB_DEVICE (self), HB_DEVICE_STATUS_ONLINE, NULL);
}

static void
hb_virtual_scanner_open (HbDevice *device, GTask *task)
{
  HbVirtualScanner *self = HB_VIRTUAL_SCANNER (device);

  self->plug.opened = TRUE;
  update_status (self);
  g_task_return_boolean (task, TRUE);
}

static void
hb_virtual_scanner_close (HbDevice *device, GTask *task)
{
  HB_VIRTUAL_SCANNER (device)->plug.opened = FALSE;
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

  if (!hb_virtual_plug_check (&self->plug, "scanner", error))
    return FALSE;
  /* Checked here so that bad simulator input is an error reply, not a warning. */
  if (!hb_scanner_check_code (text, length, error))
    return FALSE;
  return hb_scanner_emit_code (HB_SCANNER (self), text, length);
}

void
hb_virtual_scanner_set_plugged (HbVirtualScanner *self, gboolean plugged)
{
  g_return_if_fail (HB_IS_VIRTUAL_SCANNER (self));

  if (hb_virtual_plug_set (&self->plug, HB_DEVICE (self), plugged))
    update_status (self);
}

gboolean
hb_virtual_scanner_get_plugged (HbVirtualScanner *self)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_SCANNER (self), FALSE);
  return !self->plug.unplugged;
}
