/* hb-virtual-device.h — what the three virtual drivers have in common (UNPLUG / PLUG). */
#pragma once

#include "drivers/hb-device.h"

G_BEGIN_DECLS

/* TRUE for HbVirtualCardReader, HbVirtualScanner, HbVirtualPrinter and
 * HbVirtualReceiptPrinter. */
gboolean hb_virtual_device_is_virtual (HbDevice *device);

/* Unplug: the running action is cancelled, status NO_DEVICE "unplugged", every action
 * fails with HB_DEVICE_ERROR_NO_DEVICE (a card on the reader is removed). Plug: the
 * status is recomputed (ONLINE when open and nothing else is wrong). */
void     hb_virtual_device_set_plugged (HbDevice *device, gboolean plugged);
gboolean hb_virtual_device_get_plugged (HbDevice *device);

G_END_DECLS
