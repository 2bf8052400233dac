/* hb-voice-guide.h — voice guidance for the kiosk window (issue 8, ADA 707 speech output).
 *
 * Says every page's title and prompt when it is shown (hb_page_get_spoken_text), and the
 * errors and outcomes the pages hand it (hb_page_speak), in the current UI language, through
 * a kiosk/hb-voice.h voice built the first time guidance is switched on. Per visit: on by
 * default in 长辈模式 (it follows the window's "elder-mode"), otherwise as [voice]
 * enabled_default says; the top bar's "语音播报" switch changes it for the visit. Nothing
 * here waits for speech. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-voice.h"
#include "ui/hb-page.h"

G_BEGIN_DECLS

#define HB_TYPE_VOICE_GUIDE (hb_voice_guide_get_type ())
G_DECLARE_FINAL_TYPE (HbVoiceGuide, hb_voice_guide, HB, VOICE_GUIDE, GObject)

/* window is borrowed (it owns the guide); the guide follows its "page-shown". */
HbVoiceGuide *hb_voice_guide_new (HbWindow *window, HbCore *core);

/* Property "enabled". Off stops what is being said. */
void          hb_voice_guide_set_enabled (HbVoiceGuide *self, gboolean enabled);
gboolean      hb_voice_guide_get_enabled (HbVoiceGuide *self);

/* The shown page, or its content, changed: say its text once the main loop is idle (so
 * several changes in one turn are said once), cutting off the old page. */
void          hb_voice_guide_page_changed (HbVoiceGuide *self);
/* An error or outcome: said after the page text if that is still to come, else now. */
void          hb_voice_guide_say (HbVoiceGuide *self, const char *text);

/* The voice, or NULL until guidance was first switched on (tests). */
HbVoice      *hb_voice_guide_get_voice (HbVoiceGuide *self);

/* Signal "queued" (const char *page, guint utterance_id, const char *text): something was
 * handed to the voice while page (hb_page_id_to_string) was shown. */

G_END_DECLS
