/* hb-elder-mode.h — 长辈模式: the per-visit switch to larger text and targets, one column,
 * stronger contrast and longer timeouts (docs/decisions.md "长辈模式 and the audits").
 *
 * Not a second UI: the window adds HB_ELDER_CSS_CLASS to itself (ui/css/haoban.css holds
 * the theme) and rebuilds its pages, which ask hb_elder_mode_columns() how wide a grid
 * may be. This object owns the state and what follows from it beyond the widgets: the
 * session's idle timeout and warning ([session] elder_idle_timeout,
 * elder_warning_seconds while on), and the end of the mode with the visit (the session
 * passes through WIPED). It can be switched on at the attract page, before a visit. */
#pragma once

#include <glib-object.h>
#include "kiosk/hb-core.h"

G_BEGIN_DECLS

#define HB_ELDER_CSS_CLASS "elder"
/* The smallest touch target (px, allocated) each mode promises; the audits check them. */
#define HB_ELDER_MIN_TARGET_PX    64
#define HB_STANDARD_MIN_TARGET_PX 44
/* Text contrast each mode promises (WCAG AAA in 长辈模式, AA otherwise). */
#define HB_ELDER_MIN_CONTRAST     7.0
#define HB_STANDARD_MIN_CONTRAST  4.5

#define HB_TYPE_ELDER_MODE (hb_elder_mode_get_type ())
G_DECLARE_FINAL_TYPE (HbElderMode, hb_elder_mode, HB, ELDER_MODE, GObject)

/* Watches core's session; reads the timeouts from core's config. */
HbElderMode *hb_elder_mode_new (HbCore *core);

gboolean     hb_elder_mode_get_active (HbElderMode *self);
/* Switch; notifies "active" on a change and sets the session's timeouts. */
void         hb_elder_mode_set_active (HbElderMode *self, gboolean active);

/* How many columns a grid of standard_columns may have in this mode (one in 长辈模式). */
guint        hb_elder_mode_columns (gboolean active, guint standard_columns);

/* Property "active" (gboolean). */

G_END_DECLS
