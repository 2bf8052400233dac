/* hb-benefits-box.h — 免申即享 on the catalog page: the benefits the identified resident gets
 * without applying, each confirmed with one tap. Hidden when there are none, or when the
 * platform cannot be asked (a benefit is never promised offline). */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-core.h"

G_BEGIN_DECLS

#define HB_TYPE_BENEFITS_BOX (hb_benefits_box_get_type ())
G_DECLARE_FINAL_TYPE (HbBenefitsBox, hb_benefits_box, HB, BENEFITS_BOX, GtkWidget)

/* Starts the lookup at once. */
GtkWidget *hb_benefits_box_new (HbCore *core);

G_END_DECLS
