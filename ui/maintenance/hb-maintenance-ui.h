/* hb-maintenance-ui.h — maintenance mode on the touch screen: the hidden entry gesture, the
 * screens over the window (entry, dashboard, outbox list, device configuration) and the
 * 暂停服务 view residents see while the terminal is out of service (docs/maintenance.md).
 *
 * The gesture: a press held [maintenance] gesture_ms (5000) in the top-left 120×120 px of
 * the window, without moving more than 40 px. Nothing shows while it is held. It is
 * ignored while a visit is in progress (the session is not at ATTRACT). */
#pragma once

#include <gtk/gtk.h>
#include "ui/hb-window.h"

G_BEGIN_DECLS

#define HB_MAINTENANCE_CORNER_PX 120
#define HB_MAINTENANCE_SLOP_PX   40

/* Called once by HbWindow: the gesture on the window, the screens in overlay. */
void hb_maintenance_ui_install (HbWindow *window, GtkOverlay *overlay);

/* What GTK's touch/pointer events drive (window coordinates); the UI tests call them
 * directly, as Xvfb has no touch screen to hold. */
void hb_maintenance_ui_press   (HbWindow *window, double x, double y);
void hb_maintenance_ui_release (HbWindow *window);

/* TRUE while a maintenance screen (entry, dashboard …) covers the window. */
gboolean hb_maintenance_ui_is_open (HbWindow *window);

G_END_DECLS
