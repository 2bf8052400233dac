/* hb-closed-view.h — the 暂停服务 screen residents see while the terminal is out of service
 * (staff, or a platform command): why in plain words, the nearby terminals from the config
 * ([terminal] nearby, several separated by "；" or ";") with their hours
 * ([terminal] nearby_hours), the staffed windows and the 12345 hotline. No way in. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-config.h"

G_BEGIN_DECLS

#define HB_TYPE_CLOSED_VIEW (hb_closed_view_get_type ())
G_DECLARE_FINAL_TYPE (HbClosedView, hb_closed_view, HB, CLOSED_VIEW, GtkBox)

GtkWidget *hb_closed_view_new (HbConfig *config);

G_END_DECLS
