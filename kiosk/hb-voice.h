/* hb-voice.h — spoken guidance through espeak-ng, on a thread of its own.
 *
 * Mandarin is spoken with espeak-ng's `cmn-latn-pinyin` voice (the plain `cmn` voice reads
 * the tone digits as English numbers), English with `en`. Nothing here blocks the caller:
 * hb_voice_say() queues the text and returns; one worker thread synthesizes. A new page
 * says its text "now" (dropping what the old page was still saying); follow-ups are said
 * "after". Text and queue are bounded. Where the sound goes is the sink:
 *   device      the sound card through espeak-ng's own playback (pcaudiolib); if it cannot
 *               be opened the voice goes on silently (logged once);
 *   file:PATH   a WAV file (22.05 kHz mono 16-bit), every utterance appended;
 *   memory      samples are only counted (tests);
 *   none        nothing is synthesized.
 * Each accepted utterance ends with exactly one "utterance-done" on the main context the
 * voice was created in, with the number of samples produced and whether it was cut off.
 * The text itself is never logged (only lengths and ids): a page decides what it may say,
 * and long digit runs (ID, phone numbers) are never spoken. */
#pragma once

#include <glib-object.h>
#include "kiosk/hb-config.h"

G_BEGIN_DECLS

#define HB_VOICE_ERROR (hb_voice_error_quark ())
GQuark hb_voice_error_quark (void);
typedef enum {
  HB_VOICE_ERROR_INVALID_SINK,
  HB_VOICE_ERROR_ENGINE,
} HbVoiceError;

typedef enum {
  HB_VOICE_ZH,   /* Mandarin, voice cmn-latn-pinyin */
  HB_VOICE_EN,   /* English, voice en */
} HbVoiceLanguage;

typedef enum {
  HB_VOICE_SAY_NOW,    /* drop the queue and cut off the current utterance */
  HB_VOICE_SAY_AFTER,  /* queue behind what is being said */
} HbVoiceWhen;

/* Bounds. Longer text is cut at a character boundary; a full queue refuses "after". */
#define HB_VOICE_MAX_TEXT_BYTES  1024
#define HB_VOICE_MAX_QUEUE       8
#define HB_VOICE_RATE_MIN        80     /* words per minute ([voice] rate) */
#define HB_VOICE_RATE_MAX        300
#define HB_VOICE_RATE_DEFAULT    150
/* Digit runs this long or longer (ID numbers, phone numbers) are replaced, not spoken. */
#define HB_VOICE_MAX_DIGIT_RUN   11

#define HB_TYPE_VOICE (hb_voice_get_type ())
G_DECLARE_FINAL_TYPE (HbVoice, hb_voice, HB, VOICE, GObject)

/* sink: "device" | "file:PATH" | "memory" | "none"; rate is clamped to the bounds. The
 * voice starts enabled. Fails only on a malformed sink or an engine that cannot start. */
HbVoice    *hb_voice_new (const char *sink, guint rate, GError **error);
/* From [voice] sink and rate. */
HbVoice    *hb_voice_new_from_config (HbConfig *config, GError **error);

/* Off: hb_voice_say() refuses and whatever is queued or playing stops. */
void        hb_voice_set_enabled (HbVoice *self, gboolean enabled);
gboolean    hb_voice_get_enabled (HbVoice *self);
void        hb_voice_set_rate (HbVoice *self, guint rate);
guint       hb_voice_get_rate (HbVoice *self);

/* Queue text; returns its id (> 0), or 0 when refused (disabled, empty after cleaning,
 * queue full). Never waits for synthesis. Main thread. */
guint       hb_voice_say (HbVoice *self, HbVoiceLanguage language, const char *text,
                          HbVoiceWhen when);
/* Cut off what is being said and drop the queue. */
void        hb_voice_stop (HbVoice *self);
/* Utterances queued or being said. */
guint       hb_voice_get_pending (HbVoice *self);
/* Samples per second of what the sinks receive (22050 for espeak-ng). */
guint       hb_voice_get_sample_rate (HbVoice *self);
/* Whether sound reaches a device or a file/memory sink (FALSE for none, or a device that
 * failed to open). */
gboolean    hb_voice_is_audible (HbVoice *self);

/* The text as it would be spoken: bounded, valid UTF-8, long digit runs replaced, blanks
 * collapsed. NULL if nothing is left. (transfer full) */
char       *hb_voice_clean_text (const char *text, HbVoiceLanguage language);
/* A code read character by character ("SH2026…" → "S H 二 零 二 六 …" in Mandarin), for a
 * case number a page shows to be noted down. (transfer full) */
char       *hb_voice_spell (const char *code, HbVoiceLanguage language);

/* Signals (main context of creation):
 *   "utterance-started" (guint id)
 *   "utterance-done"    (guint id, const char *text, guint language, guint64 samples,
 *                        gboolean cancelled)
 *      text is the cleaned text that was (or would have been) spoken. */

G_END_DECLS
