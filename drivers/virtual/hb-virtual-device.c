/* hb-virtual-device.c — UNPLUG / PLUG for whichever virtual driver a device is, and the
 * plug state every virtual driver shares. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/virtual/hb-virtual-receipt-printer.h"
#include "drivers/hb-device-private.h"

gboolean
hb_virtual_device_is_virtual (HbDevice *device)
{
  return HB_IS_VIRTUAL_CARD_READER (device) || HB_IS_VIRTUAL_SCANNER (device) ||
         HB_IS_VIRTUAL_PRINTER (device) || HB_IS_VIRTUAL_RECEIPT_PRINTER (device);
}

void
hb_virtual_device_set_plugged (HbDevice *device, gboolean plugged)
{
  if (HB_IS_VIRTUAL_CARD_READER (device))
    hb_virtual_card_reader_set_plugged (HB_VIRTUAL_CARD_READER (device), plugged);
  else if (HB_IS_VIRTUAL_SCANNER (device))
    hb_virtual_scanner_set_plugged (HB_VIRTUAL_SCANNER (device), plugged);
  else if (HB_IS_VIRTUAL_PRINTER (device))
    hb_virtual_printer_set_plugged (HB_VIRTUAL_PRINTER (device), plugged);
  else if (HB_IS_VIRTUAL_RECEIPT_PRINTER (device))
    hb_virtual_receipt_printer_set_plugged (HB_VIRTUAL_RECEIPT_PRINTER (device), plugged);
  else
    g_return_if_reached ();
}

gboolean
hb_virtual_device_get_plugged (HbDevice *device)
{
  if (HB_IS_VIRTUAL_CARD_READER (device))
    return hb_virtual_card_reader_get_plugged (HB_VIRTUAL_CARD_READER (device));
  if (HB_IS_VIRTUAL_SCANNER (device))
    return hb_virtual_scanner_get_plugged (HB_VIRTUAL_SCANNER (device));
  if (HB_IS_VIRTUAL_PRINTER (device))
    return hb_virtual_printer_get_plugged (HB_VIRTUAL_PRINTER (device));
  if (HB_IS_VIRTUAL_RECEIPT_PRINTER (device))
    return hb_virtual_receipt_printer_get_plugged (HB_VIRTUAL_RECEIPT_PRINTER (device));
  g_return_val_if_reached (FALSE);
}

void
hb_virtual_plug_update_status (const HbVirtualPlug *plug, HbDevice *device,
                               HbDeviceStatus ready, const char *detail)
{
  if (plug->unplugged)
    hb_device_set_status (device, HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
  else if (!plug->opened)
    hb_device_set_status (device, HB_DEVICE_STATUS_OFFLINE, "closed");
  else
    hb_device_set_status (device, ready, detail);
}

gboolean
hb_virtual_plug_check (const HbVirtualPlug *plug, const char *what, GError **error)
{
  if (plug->unplugged)
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE, "The %s is unplugged", what);
      return FALSE;
    }
  if (!plug->opened)
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN, "The %s is not open", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
hb_virtual_plug_set (HbVirtualPlug *plug, HbDevice *device, gboolean plugged)
{
  if (plug->unplugged == !plugged)
    return FALSE;
  plug->unplugged = !plugged;
  if (plug->unplugged)
    hb_device_cancel (device);
  return TRUE;
}
