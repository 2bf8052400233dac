/* hb-voice.c — espeak-ng speech on a worker thread, with a bounded queue and sinks. */
#include "kiosk/hb-voice.h"
#include "kiosk/hb-voice-private.h"
#include "common/hb-context.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (hb-voice-error-quark, hb_voice_error)

/* A WAV sink stops growing here (a terminal left on for days must not fill its disk). */
#define WAV_MAX_BYTES (64u * 1024 * 1024)

typedef enum { SINK_NONE, SINK_DEVICE, SINK_FILE, SINK_MEMORY } SinkKind;

typedef struct {
  guint            id;
  HbVoiceLanguage  language;
  char            *text;
  guint64          samples;
  gboolean         cancelled;
} Utterance;

/* What the worker and the object share. The worker never touches the GObject: results go
 * to the main context, where `owner` (main thread only) says whether anyone still listens. */
typedef struct {
  gatomicrefcount  ref;
  GMutex           lock;
  GCond            cond;
  GQueue           queue;        /* Utterance*, guarded by lock */
  gboolean         quit;         /* guarded by lock */
  gboolean         cancel;       /* cut off the current utterance; guarded by lock */
  gboolean         hold;         /* guarded by lock */
  guint            current;      /* id being spoken or 0; guarded by lock */
  gint             rate;         /* atomic */
  SinkKind         sink;
  char            *path;
  FILE            *wav;          /* worker only */
  guint64          wav_bytes;    /* worker only */
  gint             audible;      /* atomic: FALSE once a device failed */
  GMainContext    *context;
  HbVoice         *owner;        /* main thread only */
} Shared;

struct _HbVoice
{
  GObject   parent_instance;
  Shared   *shared;
  GThread  *thread;
  gboolean  enabled;
  guint     next_id;
};

G_DEFINE_FINAL_TYPE (HbVoice, hb_voice, G_TYPE_OBJECT)

enum { SIGNAL_STARTED, SIGNAL_DONE, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- the engine: espeak-ng is one global state, so every use is serialized ----------- */

static GMutex   engine_lock;
static gboolean engine_ready;
static gboolean engine_playback;   /* output mode currently set */
static int      engine_rate;       /* samples per second */
static Shared  *engine_speaking;   /* whose utterance the callback serves; under engine_lock */
static Utterance *engine_utterance;

static void
utterance_free (Utterance *u)
{
  if (u == NULL)
    return;
  if (u->text)
    explicit_bzero (u->text, strlen (u->text));
  g_free (u->text);
  g_free (u);
}

static gboolean
shared_should_stop (Shared *s)
{
  gboolean stop;
  g_mutex_lock (&s->lock);
  while (s->hold && !s->cancel && !s->quit)
    g_cond_wait (&s->cond, &s->lock);
  stop = s->cancel || s->quit;
  g_mutex_unlock (&s->lock);
  return stop;
}

static void
wav_write_header (FILE *f, guint32 data_bytes, guint32 rate)
{
  guint8 h[44];
  guint32 v;
  guint16 w;

  memcpy (h, "RIFF", 4);
  v = GUINT32_TO_LE (36 + data_bytes); memcpy (h + 4, &v, 4);
  memcpy (h + 8, "WAVEfmt ", 8);
  v = GUINT32_TO_LE (16); memcpy (h + 16, &v, 4);
  w = GUINT16_TO_LE (1); memcpy (h + 20, &w, 2);          /* PCM */
  w = GUINT16_TO_LE (1); memcpy (h + 22, &w, 2);          /* mono */
  v = GUINT32_TO_LE (rate); memcpy (h + 24, &v, 4);
  v = GUINT32_TO_LE (rate * 2); memcpy (h + 28, &v, 4);
  w = GUINT16_TO_LE (2); memcpy (h + 32, &w, 2);
  w = GUINT16_TO_LE (16); memcpy (h + 34, &w, 2);
  memcpy (h + 36, "data", 4);
  v = GUINT32_TO_LE (data_bytes); memcpy (h + 40, &v, 4);
  fseek (f, 0, SEEK_SET);
  fwrite (h, 1, sizeof h, f);
  fseek (f, 0, SEEK_END);
}

/* Retrieval mode: the PCM of each piece arrives here; returning 1 aborts synthesis. In
 * playback mode espeak-ng plays the PCM itself and calls with wav == NULL (events only). */
static int
synth_callback (short *wav, int n, espeak_EVENT *events)
{
  Shared *s = engine_speaking;
  Utterance *u = engine_utterance;

  if (s == NULL || u == NULL)
    return 0;
  if (wav && n > 0)
    {
      u->samples += (guint64) n;
      if (s->wav && s->wav_bytes + (guint64) n * 2 <= WAV_MAX_BYTES)
        {
          /* espeak-ng hands out host-order 16-bit samples; WAV wants little-endian. */
#if G_BYTE_ORDER == G_BIG_ENDIAN
          for (int i = 0; i < n; i++)
            wav[i] = (short) GUINT16_SWAP_LE_BE ((guint16) wav[i]);
#endif
          fwrite (wav, 2, (size_t) n, s->wav);
          s->wav_bytes += (guint64) n * 2;
        }
    }
  return shared_should_stop (s) ? 1 : 0;
}

static gboolean
engine_start (GError **error)
{
  espeak_ng_STATUS st;

  g_mutex_lock (&engine_lock);
  if (!engine_ready)
    {
      espeak_ng_InitializePath (NULL);
      st = espeak_ng_Initialize (NULL);
      if (st == ENS_OK)
        st = espeak_ng_InitializeOutput (ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
      if (st != ENS_OK)
        {
          char msg[256] = "";
          espeak_ng_GetStatusCodeMessage (st, msg, sizeof msg);
          g_mutex_unlock (&engine_lock);
          g_set_error (error, HB_VOICE_ERROR, HB_VOICE_ERROR_ENGINE,
                       "espeak-ng did not start: %s", msg);
          return FALSE;
        }
      espeak_SetSynthCallback (synth_callback);
      engine_rate = espeak_ng_GetSampleRate ();
      engine_ready = TRUE;
    }
  g_mutex_unlock (&engine_lock);
  return TRUE;
}

/* Sentences are synthesized one by one: on the device (where espeak-ng plays and cannot
 * be aborted mid-piece) a cut-off then waits at most for the end of a sentence. */
static GPtrArray *
split_sentences (const char *text)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *start = text, *p = text;

  while (*p)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gboolean end = c == 0x3002 /* 。 */ || c == 0xFF01 /* ！ */ || c == 0xFF1F /* ？ */
                     || c == 0xFF1B /* ； */ || c == '!' || c == '?' || c == ';'
                     || (c == '.' && (*next == ' ' || *next == '\0'));
      if (end)
        {
          g_ptr_array_add (out, g_strndup (start, (gsize) (next - start)));
          start = next;
        }
      p = next;
    }
  if (*start)
    g_ptr_array_add (out, g_strdup (start));
  return out;
}

/* Speak one utterance; called on the worker with nothing locked. */
static void
speak (Shared *s, Utterance *u)
{
  g_autoptr(GPtrArray) parts = NULL;
  gboolean playback = s->sink == SINK_DEVICE && g_atomic_int_get (&s->audible);

  if (s->sink == SINK_NONE || (s->sink == SINK_DEVICE && !playback))
    return;

  parts = split_sentences (u->text);
  g_mutex_lock (&engine_lock);
  if (playback != engine_playback)
    {
      espeak_ng_InitializeOutput (playback ? ENOUTPUT_MODE_SYNCHRONOUS | ENOUTPUT_MODE_SPEAK_AUDIO
                                           : ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
      engine_playback = playback;
    }
  espeak_ng_SetVoiceByName (u->language == HB_VOICE_EN ? "en" : "cmn-latn-pinyin");
  espeak_ng_SetParameter (espeakRATE, g_atomic_int_get (&s->rate), 0);
  engine_speaking = s;
  engine_utterance = u;
  for (guint i = 0; i < parts->len; i++)
    {
      const char *part = g_ptr_array_index (parts, i);
      espeak_ng_STATUS st;

      if (shared_should_stop (s))
        break;
      st = espeak_ng_Synthesize (part, strlen (part) + 1, 0, POS_CHARACTER, 0,
                                 espeakCHARS_UTF8, NULL, NULL);
      if (st == ENS_AUDIO_ERROR)
        {
          /* No sound device: go on silently, and say so once. */
          g_atomic_int_set (&s->audible, FALSE);
          g_message ("voice: the sound device cannot be opened; voice guidance goes on silently");
          break;
        }
      if (st != ENS_OK && st != ENS_SPEECH_STOPPED)
        {
          g_warning ("voice: utterance %u failed (espeak-ng status 0x%x)", u->id, (unsigned) st);
          break;
        }
    }
  engine_speaking = NULL;
  engine_utterance = NULL;
  g_mutex_unlock (&engine_lock);

  if (s->wav)
    {
      wav_write_header (s->wav, (guint32) s->wav_bytes, (guint32) engine_rate);
      fflush (s->wav);
    }
}

/* --- results on the main context ---------------------------------------------------- */

typedef struct {
  Shared    *shared;
  Utterance *utterance;   /* NULL for "started" */
  guint      id;
} Report;

static Shared *shared_ref (Shared *s);
static void    shared_unref (Shared *s);

static void
report_free (gpointer data)
{
  Report *r = data;
  utterance_free (r->utterance);
  shared_unref (r->shared);
  g_free (r);
}

static gboolean
report_dispatch (gpointer data)
{
  Report *r = data;
  HbVoice *owner = r->shared->owner;

  if (owner == NULL)
    return G_SOURCE_REMOVE;
  if (r->utterance == NULL)
    g_signal_emit (owner, signals[SIGNAL_STARTED], 0, r->id);
  else
    g_signal_emit (owner, signals[SIGNAL_DONE], 0, r->utterance->id, r->utterance->text,
                   (guint) r->utterance->language, r->utterance->samples,
                   r->utterance->cancelled);
  return G_SOURCE_REMOVE;
}

/* Takes u (may be NULL for "started"). */
static void
report (Shared *s, guint id, Utterance *u)
{
  Report *r = g_new0 (Report, 1);
  r->shared = shared_ref (s);
  r->utterance = u;
  r->id = id;
  hb_context_post (s->context, "hb-voice-report", report_dispatch, r, report_free);
}

/* --- worker --------------------------------------------------------------------------- */

static gpointer
worker (gpointer data)
{
  Shared *s = data;

  for (;;)
    {
      Utterance *u;

      g_mutex_lock (&s->lock);
      while (g_queue_is_empty (&s->queue) && !s->quit)
        g_cond_wait (&s->cond, &s->lock);
      if (s->quit)
        {
          g_mutex_unlock (&s->lock);
          break;
        }
      u = g_queue_pop_head (&s->queue);
      s->current = u->id;
      s->cancel = FALSE;
      g_mutex_unlock (&s->lock);

      report (s, u->id, NULL);
      speak (s, u);

      g_mutex_lock (&s->lock);
      u->cancelled = s->cancel || s->quit;
      s->current = 0;
      s->cancel = FALSE;
      g_mutex_unlock (&s->lock);
      g_debug ("voice: utterance %u done (%zu bytes, %" G_GUINT64_FORMAT " samples%s)",
               u->id, strlen (u->text), u->samples, u->cancelled ? ", cut off" : "");
      report (s, u->id, u);
    }
  shared_unref (s);
  return NULL;
}

static Shared *
shared_ref (Shared *s)
{
  g_atomic_ref_count_inc (&s->ref);
  return s;
}

static void
shared_unref (Shared *s)
{
  if (!g_atomic_ref_count_dec (&s->ref))
    return;
  g_queue_clear_full (&s->queue, (GDestroyNotify) utterance_free);
  if (s->wav)
    fclose (s->wav);
  g_free (s->path);
  g_main_context_unref (s->context);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_free (s);
}

/* --- text ---------------------------------------------------------------------------- */

static gboolean
is_ascii_digit_at (const char *p)
{
  return *p >= '0' && *p <= '9';
}

/* Length in bytes of a digit run at p (digits, single spaces or dashes between digits,
 * an ID number's final X) and the number of digits in it. */
static gsize
digit_run (const char *p, guint *digits)
{
  const char *q = p;
  *digits = 0;
  while (*q)
    {
      if (is_ascii_digit_at (q))
        (*digits)++, q++;
      else if ((*q == ' ' || *q == '-') && is_ascii_digit_at (q + 1) && q > p)
        q++;
      else if ((*q == 'X' || *q == 'x') && *digits == 17)
        {
          (*digits)++, q++;
          break;
        }
      else
        break;
    }
  return (gsize) (q - p);
}

/* An 11-digit mobile number (1…), a 15- or 18-character ID number. */
static gboolean
looks_personal (const char *run, guint digits)
{
  return (digits == HB_VOICE_MAX_DIGIT_RUN && run[0] == '1') || digits == 15 || digits == 18;
}

static gboolean
ends_in_punctuation (GString *s)
{
  const char *last = g_utf8_find_prev_char (s->str, s->str + s->len);
  return last && g_unichar_ispunct (g_utf8_get_char (last));
}

char *
hb_voice_clean_text (const char *text, HbVoiceLanguage language)
{
  g_autofree char *valid = NULL;
  GString *out;
  gboolean space = FALSE, brk = FALSE;
  const char *p;

  if (text == NULL || *text == '\0')
    return NULL;
  valid = g_utf8_make_valid (text, (gssize) strnlen (text, 64 * HB_VOICE_MAX_TEXT_BYTES));
  out = g_string_sized_new (strlen (valid));
  for (p = valid; *p && out->len < HB_VOICE_MAX_TEXT_BYTES; )
    {
      gunichar c = g_utf8_get_char (p);
      guint digits = 0;
      gsize run = is_ascii_digit_at (p) ? digit_run (p, &digits) : 0;

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          space = TRUE;
          brk |= c == '\n';
          p = g_utf8_next_char (p);
          continue;
        }
      /* A line break is a pause: lines of a page (title, prompt) become sentences. */
      if (brk && out->len > 0 && !ends_in_punctuation (out))
        g_string_append (out, language == HB_VOICE_EN ? "." : "。");
      if (space && out->len > 0 && (language == HB_VOICE_EN || !brk))
        g_string_append_c (out, ' ');
      space = brk = FALSE;
      if (run > 0)
        {
          if (looks_personal (p, digits))
            g_string_append (out, language == HB_VOICE_EN ? "(number not read out)" : "（号码不朗读）");
          else
            g_string_append_len (out, p, (gssize) run);
          p += run;
          continue;
        }
      g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }
  /* Bounded: cut at a character boundary. */
  while (out->len > HB_VOICE_MAX_TEXT_BYTES)
    {
      const char *prev = g_utf8_find_prev_char (out->str, out->str + out->len);
      g_string_truncate (out, prev ? (gsize) (prev - out->str) : 0);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

char *
hb_voice_spell (const char *code, HbVoiceLanguage language)
{
  static const char *const zh_digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
  GString *out = g_string_new (NULL);

  for (const char *p = code ? code : ""; *p && out->len < HB_VOICE_MAX_TEXT_BYTES; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isspace (c))
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      if (language == HB_VOICE_ZH && c >= '0' && c <= '9')
        g_string_append (out, zh_digits[c - '0']);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* --- object ----------------------------------------------------------------------------- */

static void
hb_voice_finalize (GObject *object)
{
  HbVoice *self = HB_VOICE (object);
  Shared *s = self->shared;

  s->owner = NULL;
  g_mutex_lock (&s->lock);
  s->quit = TRUE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
  /* The worker stops at the next piece of audio (or sentence on a device). */
  if (self->thread)
    g_thread_join (self->thread);
  shared_unref (s);
  G_OBJECT_CLASS (hb_voice_parent_class)->finalize (object);
}

static void
hb_voice_class_init (HbVoiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_voice_finalize;

  signals[SIGNAL_STARTED] =
    g_signal_new ("utterance-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_DONE] =
    g_signal_new ("utterance-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_UINT,
                  G_TYPE_UINT64, G_TYPE_BOOLEAN);
}

static void
hb_voice_init (HbVoice *self)
{
  self->enabled = TRUE;
  self->next_id = 1;
}

static guint
clamp_rate (guint rate)
{
  return CLAMP (rate, HB_VOICE_RATE_MIN, HB_VOICE_RATE_MAX);
}

HbVoice *
hb_voice_new (const char *sink, guint rate, GError **error)
{
  g_autoptr(HbVoice) self = NULL;
  Shared *s;
  SinkKind kind;
  const char *path = NULL;

  if (g_strcmp0 (sink, "device") == 0)
    kind = SINK_DEVICE;
  else if (g_strcmp0 (sink, "memory") == 0)
    kind = SINK_MEMORY;
  else if (g_strcmp0 (sink, "none") == 0)
    kind = SINK_NONE;
  else if (sink && g_str_has_prefix (sink, "file:") && sink[5] != '\0')
    kind = SINK_FILE, path = sink + 5;
  else
    {
      g_set_error (error, HB_VOICE_ERROR, HB_VOICE_ERROR_INVALID_SINK,
                   "[voice] sink must be device, file:PATH, memory or none");
      return NULL;
    }
  if (kind != SINK_NONE && !engine_start (error))
    return NULL;

  self = g_object_new (HB_TYPE_VOICE, NULL);
  s = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&s->ref);
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  g_queue_init (&s->queue);
  s->rate = (gint) clamp_rate (rate);
  s->sink = kind;
  s->path = g_strdup (path);
  s->audible = kind != SINK_NONE;
  s->context = g_main_context_ref_thread_default ();
  s->owner = self;
  self->shared = s;

  if (kind == SINK_FILE)
    {
      s->wav = fopen (path, "wb");
      if (s->wav == NULL)
        {
          int saved = errno;
          g_set_error (error, HB_VOICE_ERROR, HB_VOICE_ERROR_INVALID_SINK,
                       "[voice] sink: cannot write %s: %s", path, g_strerror (saved));
          return NULL;
        }
      wav_write_header (s->wav, 0, (guint32) engine_rate);
    }
  self->thread = g_thread_new ("hb-voice", worker, shared_ref (s));
  return g_steal_pointer (&self);
}

HbVoice *
hb_voice_new_from_config (HbConfig *config, GError **error)
{
  return hb_voice_new (hb_config_get_string (config, "voice", "sink"),
                       (guint) hb_config_get_int (config, "voice", "rate"), error);
}

/* Drop the queue (each dropped utterance still gets its "utterance-done", cut off) and,
 * with cut, the current one. Called with the lock held. */
static void
drop_locked (Shared *s, gboolean cut)
{
  Utterance *u;
  while ((u = g_queue_pop_head (&s->queue)) != NULL)
    {
      u->cancelled = TRUE;
      report (s, u->id, u);
    }
  if (cut && s->current != 0)
    s->cancel = TRUE;
  g_cond_broadcast (&s->cond);
}

guint
hb_voice_say (HbVoice *self, HbVoiceLanguage language, const char *text, HbVoiceWhen when)
{
  Shared *s;
  Utterance *u;
  char *clean;

  g_return_val_if_fail (HB_IS_VOICE (self), 0);
  s = self->shared;
  if (!self->enabled)
    return 0;
  clean = hb_voice_clean_text (text, language);
  if (clean == NULL)
    return 0;

  g_mutex_lock (&s->lock);
  if (when == HB_VOICE_SAY_NOW)
    drop_locked (s, TRUE);
  else if (g_queue_get_length (&s->queue) >= HB_VOICE_MAX_QUEUE)
    {
      g_mutex_unlock (&s->lock);
      g_debug ("voice: queue full, %zu bytes not said", strlen (clean));
      explicit_bzero (clean, strlen (clean));
      g_free (clean);
      return 0;
    }
  u = g_new0 (Utterance, 1);
  u->id = self->next_id++;
  if (self->next_id == 0)
    self->next_id = 1;
  u->language = language;
  u->text = clean;
  g_queue_push_tail (&s->queue, u);
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
  g_debug ("voice: utterance %u queued (%zu bytes, %s)", u->id, strlen (clean),
           when == HB_VOICE_SAY_NOW ? "now" : "after");
  return u->id;
}

void
hb_voice_stop (HbVoice *self)
{
  g_return_if_fail (HB_IS_VOICE (self));
  g_mutex_lock (&self->shared->lock);
  drop_locked (self->shared, TRUE);
  g_mutex_unlock (&self->shared->lock);
}

guint
hb_voice_get_pending (HbVoice *self)
{
  guint n;
  g_return_val_if_fail (HB_IS_VOICE (self), 0);
  g_mutex_lock (&self->shared->lock);
  n = g_queue_get_length (&self->shared->queue) + (self->shared->current != 0 ? 1 : 0);
  g_mutex_unlock (&self->shared->lock);
  return n;
}

void
hb_voice_set_enabled (HbVoice *self, gboolean enabled)
{
  g_return_if_fail (HB_IS_VOICE (self));
  self->enabled = !!enabled;
  if (!enabled)
    hb_voice_stop (self);
}

gboolean
hb_voice_get_enabled (HbVoice *self)
{
  g_return_val_if_fail (HB_IS_VOICE (self), FALSE);
  return self->enabled;
}

void
hb_voice_set_rate (HbVoice *self, guint rate)
{
  g_return_if_fail (HB_IS_VOICE (self));
  g_atomic_int_set (&self->shared->rate, (gint) clamp_rate (rate));
}

guint
hb_voice_get_rate (HbVoice *self)
{
  g_return_val_if_fail (HB_IS_VOICE (self), 0);
  return (guint) g_atomic_int_get (&self->shared->rate);
}

guint
hb_voice_get_sample_rate (HbVoice *self)
{
  g_return_val_if_fail (HB_IS_VOICE (self), 0);
  return engine_rate > 0 ? (guint) engine_rate : 22050;
}

gboolean
hb_voice_is_audible (HbVoice *self)
{
  g_return_val_if_fail (HB_IS_VOICE (self), FALSE);
  return g_atomic_int_get (&self->shared->audible);
}

void
hb_voice_set_hold (HbVoice *self, gboolean hold)
{
  g_return_if_fail (HB_IS_VOICE (self));
  g_mutex_lock (&self->shared->lock);
  self->shared->hold = hold;
  g_cond_broadcast (&self->shared->cond);
  g_mutex_unlock (&self->shared->lock);
}
