/* hb-voice-private.h — test hooks of HbVoice. */
#pragma once

#include "kiosk/hb-voice.h"

G_BEGIN_DECLS

/* While held, the worker stops after the first piece of audio of an utterance and waits
 * until released, cut off or stopped: lets a test observe "still speaking" without timing. */
void hb_voice_set_hold (HbVoice *self, gboolean hold);

G_END_DECLS
