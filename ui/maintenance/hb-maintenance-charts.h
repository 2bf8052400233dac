/* hb-maintenance-charts.h — the dashboard's usage charts (last 30 days), drawn with
 * kiosk/hb-chart.h from the core's HbUsage: visits per hour and per day, top services,
 * completion vs abandonment, 办不成事 reasons, ratings. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-core.h"

G_BEGIN_DECLS

#define HB_TYPE_MAINTENANCE_CHARTS (hb_maintenance_charts_get_type ())
G_DECLARE_FINAL_TYPE (HbMaintenanceCharts, hb_maintenance_charts, HB, MAINTENANCE_CHARTS, GtkWidget)

GtkWidget *hb_maintenance_charts_new (HbCore *core);
/* Summarize again (off the main thread) and redraw. */
void       hb_maintenance_charts_refresh (HbMaintenanceCharts *self);

G_END_DECLS
