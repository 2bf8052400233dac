/* hb-maintenance-outbox.h — 待发送列表: the outbox items waiting, parked or refused, each with
 * its reason, 重试 for a parked one and 搁置 for a pending one (never their contents). */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-maintenance.h"

G_BEGIN_DECLS

#define HB_TYPE_MAINTENANCE_OUTBOX (hb_maintenance_outbox_get_type ())
G_DECLARE_FINAL_TYPE (HbMaintenanceOutbox, hb_maintenance_outbox, HB, MAINTENANCE_OUTBOX, GtkWidget)

GtkWidget *hb_maintenance_outbox_new (HbCore *core);
void       hb_maintenance_outbox_refresh (HbMaintenanceOutbox *self);

/* Accessible names of a row's buttons: "重试 <first 8 of the key>", "搁置 <…>". */
#define HB_MAINTENANCE_KEY_SHOWN 8

/* Signal "back" (): 返回 was pressed. */

G_END_DECLS
