/* hb-display.h — what the kiosk does to the screen itself (docs/configuration.md
 * "[display]", docs/provisioning.md "Display"):
 *
 *  - hide_cursor: a blank cursor on the window ("auto": when the seat has a touchscreen;
 *    cage shows its pointer whenever any pointer device exists, cage#2);
 *  - blank_schedule "HH:MM-HH:MM": during that period, while the attract page shows and
 *    nobody touched the screen for wake_minutes, the window draws nothing but black (cage
 *    has no DPMS, cage#245). Any touch, click or key wakes it for wake_minutes and is not
 *    passed on; a visit (any page but the attract page) is never blanked.
 *  - rotation is not drawn here: the session rotates the output (`cage -r`, see
 *    haoban-kiosk --cage-args) and udev maps the touchscreen.
 *
 * The blank state is re-evaluated every 30 s and on each page change. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-config.h"

G_BEGIN_DECLS

#define HB_TYPE_DISPLAY (hb_display_get_type ())
G_DECLARE_FINAL_TYPE (HbDisplay, hb_display, HB, DISPLAY, GObject)

/* window: the kiosk's HbWindow (blanking follows its page); any other GtkWindow is
 * treated as always idle. */
HbDisplay *hb_display_new (GtkWindow *window, HbConfig *config);

gboolean   hb_display_get_cursor_hidden (HbDisplay *self);
gboolean   hb_display_is_blank (HbDisplay *self);

/* Tests: "now" comes from func (transfer full GDateTime) instead of the local clock;
 * re-evaluates at once. */
typedef GDateTime *(*HbDisplayNowFunc) (gpointer data);
void       hb_display_set_now_func (HbDisplay *self, HbDisplayNowFunc func, gpointer data);
/* Re-evaluate the blank state now (tests; the timer does it otherwise). */
void       hb_display_update (HbDisplay *self);

/* cage's rotation flags for [display] rotation: "", "-r", "-r -r", "-r -r -r". */
const char *hb_display_cage_args (HbConfig *config);

G_END_DECLS
