/* hb-maintenance-dashboard.h — what staff see after logging in, on one 1080×1920 screen
 * (scrolls if needed): each device with its status, supplies and what to do about a fault;
 * platform link, catalog, outbox, disk, uptime, recent errors — each with what to do — the
 * usage charts, and the actions (tests, 重新检测, sync, outbox list, 暂停服务, export,
 * restart; technician: device configuration and leaving the kiosk). */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-core.h"

G_BEGIN_DECLS

#define HB_TYPE_MAINTENANCE_DASHBOARD (hb_maintenance_dashboard_get_type ())
G_DECLARE_FINAL_TYPE (HbMaintenanceDashboard, hb_maintenance_dashboard, HB,
                      MAINTENANCE_DASHBOARD, GtkWidget)

GtkWidget *hb_maintenance_dashboard_new (HbCore *core);
void       hb_maintenance_dashboard_refresh (HbMaintenanceDashboard *self);

/* Signals: "show-outbox" (), "show-config" () — the screen switches to those views. */

G_END_DECLS
