/* hb-maintenance-entry.h — the staff entry: a digit pad for the PIN and "或刷工作人员身份证";
 * says how many tries are left after a wrong PIN and counts a lockout down. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-maintenance.h"

G_BEGIN_DECLS

#define HB_TYPE_MAINTENANCE_ENTRY (hb_maintenance_entry_get_type ())
G_DECLARE_FINAL_TYPE (HbMaintenanceEntry, hb_maintenance_entry, HB, MAINTENANCE_ENTRY, GtkWidget)

GtkWidget *hb_maintenance_entry_new (HbMaintenance *maintenance);

G_END_DECLS
