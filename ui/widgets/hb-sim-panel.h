/* hb-sim-panel.h — "模拟设备": in virtual mode, lets a person at the screen insert a sample
 * card, scan a sample code or take the paper out, without a second terminal. It is just
 * another client of the simulator socket, so it exercises the same path as haobanctl. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-core.h"

G_BEGIN_DECLS

#define HB_TYPE_SIM_PANEL (hb_sim_panel_get_type ())
G_DECLARE_FINAL_TYPE (HbSimPanel, hb_sim_panel, HB, SIM_PANEL, GtkWidget)

GtkWidget *hb_sim_panel_new (HbCore *core);

G_END_DECLS
