/* hb-window.h — the kiosk's one window: a shell holding a GtkStack of pages.
 *
 * Fullscreen and undecorated, refuses to close, swallows the shortcuts that would leave
 * the app or open the GTK inspector. Follows HbSession: a state change shows the page
 * for it, a wipe destroys every page that showed personal data, the idle warning
 * appears as an overlay with a countdown. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-core.h"
#include "ui/hb-page.h"

G_BEGIN_DECLS

#define HB_TYPE_WINDOW (hb_window_get_type ())
G_DECLARE_FINAL_TYPE (HbWindow, hb_window, HB, WINDOW, GtkApplicationWindow)

HbWindow *hb_window_new (GtkApplication *app, HbCore *core);
HbCore   *hb_window_get_core (HbWindow *self);

void      hb_window_show_page (HbWindow *self, HbPageId id);
HbPageId  hb_window_get_page_id (HbWindow *self);
/* The page widget if it has been built, else NULL. */
HbPage   *hb_window_get_page (HbWindow *self, HbPageId id);
/* The page, built now if it was not (to hand it something before it is shown). */
HbPage   *hb_window_ensure_page (HbWindow *self, HbPageId id);

/* "zh_CN" or "en": switch and rebuild the pages in the new language. */
void      hb_window_set_language (HbWindow *self, const char *language);
/* Let the next close through (the application is quitting). */
void      hb_window_allow_close (HbWindow *self);
/* Show the simulator panel (virtual devices). */
void      hb_window_set_sim_panel (HbWindow *self, gboolean visible);
/* The core finished starting (or failed): update what depends on it. */
void      hb_window_core_started (HbWindow *self, const GError *error);

/* 长辈模式 (ui/hb-elder-mode.h): on for this visit (it ends with it). Switching rebuilds
 * the pages in the mode's layout and notifies "elder-mode". */
gboolean  hb_window_get_elder_mode (HbWindow *self);
void      hb_window_set_elder_mode (HbWindow *self, gboolean active);

/* Voice guidance (ui/hb-voice-guide.h); the top bar's 语音播报 switch drives it. */
typedef struct _HbVoiceGuide HbVoiceGuide;
HbVoiceGuide *hb_window_get_voice_guide (HbWindow *self);

/* Signal "page-shown" (HbPageId id, HbPage *page) after a page became visible.
 * Property "elder-mode" (gboolean, read-only; set with hb_window_set_elder_mode). */

G_END_DECLS
