/* hb-virtual-device.c — UNPLUG / PLUG for whichever virtual driver a device is. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-device-private.h"

gboolean
hb_virtual_device_is_virtual (HbDevice *device)
{
  return HB_IS_VIRTUAL_CARD_READER (device) || HB_IS_VIRTUAL_SCANNER (device) ||
         HB_IS_VIRTUAL_PRINTER (device);
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
  g_return_val_if_reached (FALSE);
}
