/* hb-virtual-device-private.h — per-driver plug state, behind hb_virtual_device_set_plugged. */
#pragma once

#include "drivers/virtual/hb-virtual-device.h"
#include "drivers/virtual/hb-virtual-card-reader.h"
#include "drivers/virtual/hb-virtual-scanner.h"
#include "drivers/virtual/hb-virtual-printer.h"

G_BEGIN_DECLS

/* What every virtual device has: opened by the device manager, plugged by the simulator. */
typedef struct {
  gboolean opened;
  gboolean unplugged;
} HbVirtualPlug;

/* Unplugged → NO_DEVICE "unplugged", closed → OFFLINE "closed", else what the kind says
 * it is when usable (ready/detail: ONLINE, or USER_ERROR "paper out"). */
void     hb_virtual_plug_update_status (const HbVirtualPlug *plug, HbDevice *device,
                                        HbDeviceStatus ready, const char *detail);
/* An action needs the device plugged and open; what names it in the error ("scanner"). */
gboolean hb_virtual_plug_check (const HbVirtualPlug *plug, const char *what, GError **error);
/* TRUE when the plug state changed; unplugging cancels the device's current action. */
gboolean hb_virtual_plug_set (HbVirtualPlug *plug, HbDevice *device, gboolean plugged);

void     hb_virtual_card_reader_set_plugged (HbVirtualCardReader *self, gboolean plugged);
gboolean hb_virtual_card_reader_get_plugged (HbVirtualCardReader *self);
void     hb_virtual_scanner_set_plugged     (HbVirtualScanner *self, gboolean plugged);
gboolean hb_virtual_scanner_get_plugged     (HbVirtualScanner *self);
void     hb_virtual_printer_set_plugged     (HbVirtualPrinter *self, gboolean plugged);
gboolean hb_virtual_printer_get_plugged     (HbVirtualPrinter *self);

G_END_DECLS
