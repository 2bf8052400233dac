/* hb-help-panel.h — 帮办: the panel over the page while a help call runs — who is coming,
 * the one-minute countdown, and the 12345 hotline when the desk cannot be reached. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-help-call.h"

G_BEGIN_DECLS

#define HB_TYPE_HELP_PANEL (hb_help_panel_get_type ())
G_DECLARE_FINAL_TYPE (HbHelpPanel, hb_help_panel, HB, HELP_PANEL, GtkWidget)

/* Shows call (started) until the resident closes it: then "closed" and the call stops. */
GtkWidget *hb_help_panel_new (HbHelpCall *call);

G_END_DECLS
