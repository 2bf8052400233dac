/* hb-virtual-device-private.h — per-driver plug state, behind hb_virtual_device_set_plugged. */
#pragma once

#include "drivers/virtual/hb-virtual-device.h"
#include "drivers/virtual/hb-virtual-card-reader.h"
#include "drivers/virtual/hb-virtual-scanner.h"
#include "drivers/virtual/hb-virtual-printer.h"

G_BEGIN_DECLS

void     hb_virtual_card_reader_set_plugged (HbVirtualCardReader *self, gboolean plugged);
gboolean hb_virtual_card_reader_get_plugged (HbVirtualCardReader *self);
void     hb_virtual_scanner_set_plugged     (HbVirtualScanner *self, gboolean plugged);
gboolean hb_virtual_scanner_get_plugged     (HbVirtualScanner *self);
void     hb_virtual_printer_set_plugged     (HbVirtualPrinter *self, gboolean plugged);
gboolean hb_virtual_printer_get_plugged     (HbVirtualPrinter *self);

G_END_DECLS
