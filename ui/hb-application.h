/* hb-application.h — the kiosk application: one window, the core started after the first
 * frame is on screen, clean shutdown on SIGTERM. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-config.h"
#include "ui/hb-window.h"

G_BEGIN_DECLS

#define HB_TYPE_APPLICATION (hb_application_get_type ())
G_DECLARE_FINAL_TYPE (HbApplication, hb_application, HB, APPLICATION, GtkApplication)

/* snapshot_path: render the first frame of the attract page to this PNG and quit
 * (no devices, no sync): the start-up benchmark. NULL for a normal run. */
HbApplication *hb_application_new (HbConfig *config, const char *snapshot_path);
HbWindow      *hb_application_get_window (HbApplication *self);
HbCore        *hb_application_get_core (HbApplication *self);

/* Render a widget with its window's renderer to a PNG file. */
gboolean       hb_application_save_png (GtkWidget *widget, const char *path, GError **error);

/* Signal "ready" (gboolean ok): the core finished starting after the first frame. */

G_END_DECLS
