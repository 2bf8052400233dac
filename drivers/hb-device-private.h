/* hb-device-private.h — what drivers (subclasses) use; not for callers of devices. */
#pragma once

#include "drivers/hb-device.h"
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Set status and its detail; emits notify::status and "status-changed" when it changes. */
void          hb_device_set_status (HbDevice *self, HbDeviceStatus status, const char *detail);
void          hb_device_set_name   (HbDevice *self, const char *name);

/* One action at a time: begin returns FALSE (and completes @task with
 * HB_DEVICE_ERROR_BUSY) when another action is running. The returned cancellable is the
 * action's; hb_device_cancel() cancels it. end must be called exactly once per begin. */
gboolean      hb_device_action_begin (HbDevice *self, GTask *task);
GCancellable *hb_device_action_get_cancellable (HbDevice *self);
void          hb_device_action_end   (HbDevice *self);

G_END_DECLS
