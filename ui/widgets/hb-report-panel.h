/* hb-report-panel.h — 办不成事: the panel where a resident says what stopped them (a reason,
 * and a mobile number for the call back if they want one), queued as a report. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-core.h"

G_BEGIN_DECLS

#define HB_TYPE_REPORT_PANEL (hb_report_panel_get_type ())
G_DECLARE_FINAL_TYPE (HbReportPanel, hb_report_panel, HB, REPORT_PANEL, GtkWidget)

/* step: the page it was opened from ("form", "catalog" …). Emits "closed" when done. */
/* columns: how many reason buttons to a row (1 in 长辈模式: one column). */
GtkWidget *hb_report_panel_new (HbCore *core, const char *step, guint columns);

G_END_DECLS
