/* hb-device-manager-private.h — test hooks and internals of HbDeviceManager. */
#pragma once

#include <libusb.h>
#include "drivers/hb-device-manager.h"
#include "drivers/virtual/hb-sim-server.h"

G_BEGIN_DECLS

/* Replaces libusb_init (call before start): lets tests see how real mode copes with a
 * machine whose kernel has no USB. */
typedef int (*HbUsbInitFunc) (libusb_context **ctx);
void         hb_device_manager_set_usb_init_func (HbDeviceManager *self, HbUsbInitFunc func);

/* Real mode probes USB in its own thread: probed turns TRUE (in the main context) once
 * libusb_init has answered; has_usb tells whether it worked. */
gboolean     hb_device_manager_usb_probed (HbDeviceManager *self);
gboolean     hb_device_manager_has_usb (HbDeviceManager *self);
/* The simulator server (virtual mode, after start), or NULL. (transfer none) */
HbSimServer *hb_device_manager_get_sim_server (HbDeviceManager *self);

/* Default paths for virtual mode when hb_device_manager_new() is given NULL. */
char        *hb_device_manager_default_sim_socket (void);
char        *hb_device_manager_default_spool_dir (void);

G_END_DECLS
