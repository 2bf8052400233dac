/* Tests for kiosk/hb-voice.c: speech through espeak-ng on its own thread. */
#include "kiosk/hb-voice.h"
#include "kiosk/hb-voice-private.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define WAIT_MS 30000

typedef struct {
  guint    id;
  char    *text;
  guint    language;
  guint64  samples;
  gboolean cancelled;
} Done;

typedef struct {
  HbVoice   *voice;
  GArray    *started;   /* guint */
  GPtrArray *done;      /* Done* */
} Fixture;

static void
done_free (gpointer p)
{
  Done *d = p;
  g_free (d->text);
  g_free (d);
}

static void
on_started (HbVoice *voice, guint id, Fixture *f)
{
  g_array_append_val (f->started, id);
}

static void
on_done (HbVoice *voice, guint id, const char *text, guint language, guint64 samples,
         gboolean cancelled, Fixture *f)
{
  Done *d = g_new0 (Done, 1);
  d->id = id;
  d->text = g_strdup (text);
  d->language = language;
  d->samples = samples;
  d->cancelled = cancelled;
  g_ptr_array_add (f->done, d);
}

static void
fixture_init (Fixture *f, const char *sink, guint rate)
{
  g_autoptr(GError) error = NULL;
  f->voice = hb_voice_new (sink, rate, &error);
  g_assert_no_error (error);
  f->started = g_array_new (FALSE, FALSE, sizeof (guint));
  f->done = g_ptr_array_new_with_free_func (done_free);
  g_signal_connect (f->voice, "utterance-started", G_CALLBACK (on_started), f);
  g_signal_connect (f->voice, "utterance-done", G_CALLBACK (on_done), f);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->voice);
  g_array_unref (f->started);
  g_ptr_array_unref (f->done);
}

typedef struct { Fixture *f; guint id; } Wait;

static gboolean
is_done (gpointer data)
{
  Wait *w = data;
  for (guint i = 0; i < w->f->done->len; i++)
    if (((Done *) g_ptr_array_index (w->f->done, i))->id == w->id)
      return TRUE;
  return FALSE;
}

static gboolean
is_started (gpointer data)
{
  Wait *w = data;
  for (guint i = 0; i < w->f->started->len; i++)
    if (g_array_index (w->f->started, guint, i) == w->id)
      return TRUE;
  return FALSE;
}

static const Done *
wait_done (Fixture *f, guint id)
{
  Wait w = { f, id };
  g_assert_cmpuint (id, >, 0);
  g_assert_true (hb_test_wait_until (is_done, &w, WAIT_MS));
  for (guint i = 0; i < f->done->len; i++)
    if (((Done *) g_ptr_array_index (f->done, i))->id == id)
      return g_ptr_array_index (f->done, i);
  g_assert_not_reached ();
}

static void
wait_started (Fixture *f, guint id)
{
  Wait w = { f, id };
  g_assert_true (hb_test_wait_until (is_started, &w, WAIT_MS));
}

/* Samples of one whole utterance at a rate. */
static guint64
samples_of (HbVoiceLanguage language, const char *text, guint rate)
{
  Fixture f = { 0 };
  guint64 n;
  fixture_init (&f, "memory", rate);
  n = wait_done (&f, hb_voice_say (f.voice, language, text, HB_VOICE_SAY_NOW))->samples;
  fixture_clear (&f);
  return n;
}

static const char *const zh_short = "请插入身份证。";
static const char *const zh_long = "请插入身份证。请把身份证放在读卡区，直到听到提示音。"
                                   "如果读不出来，请点击帮办，工作人员会来帮您。";
static const char *const en_short = "Please insert your ID card.";
static const char *const en_long = "Please insert your ID card. Place it on the reader until "
                                   "you hear a beep. If it cannot be read, press Help and a "
                                   "member of staff will come to you.";

static void
test_mandarin_produces_audio (void)
{
  Fixture f = { 0 };
  const Done *d;

  fixture_init (&f, "memory", HB_VOICE_RATE_DEFAULT);
  d = wait_done (&f, hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_NOW));
  g_assert_false (d->cancelled);
  g_assert_cmpuint (d->language, ==, HB_VOICE_ZH);
  g_assert_cmpstr (d->text, ==, zh_short);
  /* At least half a second of sound at 22.05 kHz. */
  g_assert_cmpuint (hb_voice_get_sample_rate (f.voice), ==, 22050);
  g_assert_cmpuint (d->samples, >, hb_voice_get_sample_rate (f.voice) / 2);
  g_assert_true (hb_voice_is_audible (f.voice));
  fixture_clear (&f);
}

static void
test_english_produces_audio (void)
{
  Fixture f = { 0 };
  const Done *d;

  fixture_init (&f, "memory", HB_VOICE_RATE_DEFAULT);
  d = wait_done (&f, hb_voice_say (f.voice, HB_VOICE_EN, en_short, HB_VOICE_SAY_NOW));
  g_assert_false (d->cancelled);
  g_assert_cmpuint (d->language, ==, HB_VOICE_EN);
  g_assert_cmpuint (d->samples, >, hb_voice_get_sample_rate (f.voice) / 2);
  fixture_clear (&f);
}

static void
test_longer_text_lasts_longer (void)
{
  g_assert_cmpuint (samples_of (HB_VOICE_ZH, zh_long, 150), >,
                    2 * samples_of (HB_VOICE_ZH, zh_short, 150));
  g_assert_cmpuint (samples_of (HB_VOICE_EN, en_long, 150), >,
                    2 * samples_of (HB_VOICE_EN, en_short, 150));
}

static void
test_faster_rate_is_shorter (void)
{
  guint64 slow = samples_of (HB_VOICE_ZH, zh_long, 100);
  guint64 fast = samples_of (HB_VOICE_ZH, zh_long, 250);
  g_assert_cmpuint (fast, <, slow * 3 / 4);
  slow = samples_of (HB_VOICE_EN, en_long, 100);
  fast = samples_of (HB_VOICE_EN, en_long, 250);
  g_assert_cmpuint (fast, <, slow * 3 / 4);
}

static void
test_rate_is_bounded (void)
{
  g_autoptr(HbVoice) voice = hb_voice_new ("none", 5, NULL);
  g_assert_cmpuint (hb_voice_get_rate (voice), ==, HB_VOICE_RATE_MIN);
  hb_voice_set_rate (voice, 100000);
  g_assert_cmpuint (hb_voice_get_rate (voice), ==, HB_VOICE_RATE_MAX);
  hb_voice_set_rate (voice, 180);
  g_assert_cmpuint (hb_voice_get_rate (voice), ==, 180);
}

/* A new page's text cuts off what the old page was still saying. */
static void
test_say_now_cuts_off_the_current_utterance (void)
{
  Fixture f = { 0 };
  guint64 whole = samples_of (HB_VOICE_ZH, zh_long, 150);
  guint first, second;
  const Done *d;

  fixture_init (&f, "memory", 150);
  hb_voice_set_hold (f.voice, TRUE);
  first = hb_voice_say (f.voice, HB_VOICE_ZH, zh_long, HB_VOICE_SAY_NOW);
  wait_started (&f, first);
  second = hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_NOW);
  d = wait_done (&f, first);
  g_assert_true (d->cancelled);
  g_assert_cmpuint (d->samples, <, whole);
  hb_voice_set_hold (f.voice, FALSE);
  d = wait_done (&f, second);
  g_assert_false (d->cancelled);
  g_assert_cmpuint (d->samples, >, 0);
  fixture_clear (&f);
}

static void
test_stop_drops_the_queue_and_reports_each (void)
{
  Fixture f = { 0 };
  guint ids[3];

  fixture_init (&f, "memory", 150);
  hb_voice_set_hold (f.voice, TRUE);
  ids[0] = hb_voice_say (f.voice, HB_VOICE_ZH, zh_long, HB_VOICE_SAY_NOW);
  wait_started (&f, ids[0]);
  ids[1] = hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_AFTER);
  ids[2] = hb_voice_say (f.voice, HB_VOICE_EN, en_short, HB_VOICE_SAY_AFTER);
  g_assert_cmpuint (hb_voice_get_pending (f.voice), ==, 3);
  hb_voice_stop (f.voice);
  for (guint i = 0; i < 3; i++)
    g_assert_true (wait_done (&f, ids[i])->cancelled);
  /* Queued ones never started. */
  g_assert_cmpuint (f.started->len, ==, 1);
  g_assert_cmpuint (f.done->len, ==, 3);
  fixture_clear (&f);
}

static void
test_say_after_waits_its_turn (void)
{
  Fixture f = { 0 };
  guint a, b;

  fixture_init (&f, "memory", 150);
  a = hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_NOW);
  b = hb_voice_say (f.voice, HB_VOICE_EN, en_short, HB_VOICE_SAY_AFTER);
  wait_done (&f, b);
  g_assert_cmpuint (f.done->len, ==, 2);
  g_assert_cmpuint (((Done *) g_ptr_array_index (f.done, 0))->id, ==, a);
  g_assert_false (((Done *) g_ptr_array_index (f.done, 0))->cancelled);
  g_assert_false (((Done *) g_ptr_array_index (f.done, 1))->cancelled);
  fixture_clear (&f);
}

static void
test_queue_is_bounded (void)
{
  Fixture f = { 0 };
  guint first;

  fixture_init (&f, "memory", 150);
  hb_voice_set_hold (f.voice, TRUE);
  first = hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_NOW);
  wait_started (&f, first);
  for (guint i = 0; i < HB_VOICE_MAX_QUEUE; i++)
    g_assert_cmpuint (hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_AFTER), >, 0);
  g_assert_cmpuint (hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_AFTER), ==, 0);
  g_assert_cmpuint (hb_voice_get_pending (f.voice), ==, HB_VOICE_MAX_QUEUE + 1);
  /* "Now" always gets through: it replaces the queue. */
  g_assert_cmpuint (hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_NOW), >, 0);
  hb_voice_set_hold (f.voice, FALSE);
  fixture_clear (&f);
}

/* The worker is held inside the synthesis of the first utterance; say() still returns
 * at once for a long text, and nothing of it has been spoken yet. */
static void
test_say_never_blocks_the_caller (void)
{
  Fixture f = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  guint first, id;

  fixture_init (&f, "memory", 150);
  hb_voice_set_hold (f.voice, TRUE);
  first = hb_voice_say (f.voice, HB_VOICE_ZH, zh_long, HB_VOICE_SAY_NOW);
  wait_started (&f, first);
  while (text->len < HB_VOICE_MAX_TEXT_BYTES)
    g_string_append (text, zh_long);
  id = hb_voice_say (f.voice, HB_VOICE_ZH, text->str, HB_VOICE_SAY_AFTER);
  g_assert_cmpuint (id, >, 0);
  g_assert_cmpuint (f.done->len, ==, 0);
  g_assert_cmpuint (hb_voice_get_pending (f.voice), ==, 2);
  hb_voice_set_hold (f.voice, FALSE);
  g_assert_false (wait_done (&f, id)->cancelled);
  fixture_clear (&f);
}

static void
test_text_is_bounded (void)
{
  Fixture f = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  const Done *d;

  for (guint i = 0; i < 5000; i++)
    g_string_append (text, "请稍候，");
  fixture_init (&f, "none", 150);
  d = wait_done (&f, hb_voice_say (f.voice, HB_VOICE_ZH, text->str, HB_VOICE_SAY_NOW));
  g_assert_cmpuint (strlen (d->text), <=, HB_VOICE_MAX_TEXT_BYTES);
  g_assert_cmpuint (strlen (d->text), >, HB_VOICE_MAX_TEXT_BYTES - 8);
  g_assert_true (g_utf8_validate (d->text, -1, NULL));
  /* The none sink synthesizes nothing. */
  g_assert_cmpuint (d->samples, ==, 0);
  g_assert_false (hb_voice_is_audible (f.voice));
  fixture_clear (&f);
}

static void
test_id_and_phone_numbers_are_never_spoken (void)
{
  g_autofree char *zh = hb_voice_clean_text ("身份证号 11010119900307123X，电话 138 0013 8000。", HB_VOICE_ZH);
  g_autofree char *en = hb_voice_clean_text ("Phone 13800138000, ID 110101199003071234", HB_VOICE_EN);
  g_autofree char *old_id = hb_voice_clean_text ("110101900307123", HB_VOICE_ZH);
  g_autofree char *case_no = hb_voice_clean_text ("办件编号 SH2026112790001", HB_VOICE_ZH);
  g_autofree char *bad = hb_voice_clean_text ("a\xff\x01  b", HB_VOICE_EN);

  g_assert_null (strpbrk (zh, "0123456789"));
  g_assert_nonnull (strstr (zh, "号码不朗读"));
  g_assert_null (strpbrk (en, "0123456789"));
  g_assert_nonnull (strstr (en, "number not read out"));
  g_assert_null (strpbrk (old_id, "0123456789"));
  /* A case number is the resident's to note down: it stays. */
  g_assert_cmpstr (case_no, ==, "办件编号 SH2026112790001");
  g_assert_true (g_utf8_validate (bad, -1, NULL));
  g_assert_null (strchr (bad, '\x01'));
  g_assert_null (hb_voice_clean_text ("   ", HB_VOICE_ZH));
  g_assert_null (hb_voice_clean_text (NULL, HB_VOICE_ZH));
}

static void
test_lines_become_sentences (void)
{
  g_autofree char *zh = hb_voice_clean_text ("请核验身份\n任选一种方式。\n刷身份证  第 1 题", HB_VOICE_ZH);
  g_autofree char *en = hb_voice_clean_text ("Welcome\nStart here\n\n  now", HB_VOICE_EN);
  g_assert_cmpstr (zh, ==, "请核验身份。任选一种方式。刷身份证 第 1 题");
  g_assert_cmpstr (en, ==, "Welcome. Start here. now");
}

static void
test_codes_are_spelled (void)
{
  g_autofree char *zh = hb_voice_spell ("SH2026", HB_VOICE_ZH);
  g_autofree char *en = hb_voice_spell ("SH 20", HB_VOICE_EN);
  g_assert_cmpstr (zh, ==, "S H 二 零 二 六");
  g_assert_cmpstr (en, ==, "S H 2 0");
}

static void
test_disabled_voice_refuses_and_stops (void)
{
  Fixture f = { 0 };
  guint id;

  fixture_init (&f, "memory", 150);
  hb_voice_set_hold (f.voice, TRUE);
  id = hb_voice_say (f.voice, HB_VOICE_ZH, zh_long, HB_VOICE_SAY_NOW);
  wait_started (&f, id);
  hb_voice_set_enabled (f.voice, FALSE);
  g_assert_true (wait_done (&f, id)->cancelled);
  g_assert_cmpuint (hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_NOW), ==, 0);
  hb_voice_set_enabled (f.voice, TRUE);
  hb_voice_set_hold (f.voice, FALSE);
  g_assert_false (wait_done (&f, hb_voice_say (f.voice, HB_VOICE_ZH, zh_short,
                                               HB_VOICE_SAY_NOW))->cancelled);
  fixture_clear (&f);
}

static void
test_file_sink_writes_a_wav (void)
{
  Fixture f = { 0 };
  g_autofree char *dir = hb_test_mkdtemp ("voice");
  g_autofree char *path = g_build_filename (dir, "voice.wav", NULL);
  g_autofree char *sink = g_strconcat ("file:", path, NULL);
  g_autofree char *data = NULL;
  gsize length = 0;
  guint64 total;
  guint32 data_bytes;

  fixture_init (&f, sink, 150);
  total = wait_done (&f, hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_NOW))->samples;
  total += wait_done (&f, hb_voice_say (f.voice, HB_VOICE_EN, en_short, HB_VOICE_SAY_NOW))->samples;
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_cmpuint (length, ==, 44 + total * 2);
  g_assert_cmpint (memcmp (data, "RIFF", 4), ==, 0);
  g_assert_cmpint (memcmp (data + 8, "WAVEfmt ", 8), ==, 0);
  memcpy (&data_bytes, data + 40, 4);
  g_assert_cmpuint (GUINT32_FROM_LE (data_bytes), ==, total * 2);
  fixture_clear (&f);
  hb_test_rmdir (dir);
}

/* This machine (and CI) has no sound card: the kiosk must go on, silently. */
static void
test_device_without_sound_goes_on_silently (void)
{
  Fixture f = { 0 };
  const Done *d;

  fixture_init (&f, "device", 150);
  d = wait_done (&f, hb_voice_say (f.voice, HB_VOICE_ZH, zh_short, HB_VOICE_SAY_NOW));
  g_assert_false (d->cancelled);
  /* Either it played, or the voice is silent from now on; a later one still completes. */
  wait_done (&f, hb_voice_say (f.voice, HB_VOICE_EN, en_short, HB_VOICE_SAY_NOW));
  if (!hb_voice_is_audible (f.voice))
    g_test_message ("no sound device here: silent");
  fixture_clear (&f);
}

static void
test_a_malformed_sink_is_an_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbVoice) voice = hb_voice_new ("speakers", 150, &error);
  g_assert_null (voice);
  g_assert_error (error, HB_VOICE_ERROR, HB_VOICE_ERROR_INVALID_SINK);
  g_clear_error (&error);
  g_assert_null (hb_voice_new ("file:", 150, &error));
  g_assert_error (error, HB_VOICE_ERROR, HB_VOICE_ERROR_INVALID_SINK);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/voice/mandarin-produces-audio", test_mandarin_produces_audio);
  g_test_add_func ("/kiosk/voice/english-produces-audio", test_english_produces_audio);
  g_test_add_func ("/kiosk/voice/longer-text-lasts-longer", test_longer_text_lasts_longer);
  g_test_add_func ("/kiosk/voice/faster-rate-is-shorter", test_faster_rate_is_shorter);
  g_test_add_func ("/kiosk/voice/rate-is-bounded", test_rate_is_bounded);
  g_test_add_func ("/kiosk/voice/say-now-cuts-off-the-current-utterance",
                   test_say_now_cuts_off_the_current_utterance);
  g_test_add_func ("/kiosk/voice/stop-drops-the-queue-and-reports-each",
                   test_stop_drops_the_queue_and_reports_each);
  g_test_add_func ("/kiosk/voice/say-after-waits-its-turn", test_say_after_waits_its_turn);
  g_test_add_func ("/kiosk/voice/queue-is-bounded", test_queue_is_bounded);
  g_test_add_func ("/kiosk/voice/say-never-blocks-the-caller", test_say_never_blocks_the_caller);
  g_test_add_func ("/kiosk/voice/text-is-bounded", test_text_is_bounded);
  g_test_add_func ("/kiosk/voice/id-and-phone-numbers-are-never-spoken",
                   test_id_and_phone_numbers_are_never_spoken);
  g_test_add_func ("/kiosk/voice/codes-are-spelled", test_codes_are_spelled);
  g_test_add_func ("/kiosk/voice/lines-become-sentences", test_lines_become_sentences);
  g_test_add_func ("/kiosk/voice/disabled-voice-refuses-and-stops",
                   test_disabled_voice_refuses_and_stops);
  g_test_add_func ("/kiosk/voice/file-sink-writes-a-wav", test_file_sink_writes_a_wav);
  g_test_add_func ("/kiosk/voice/device-without-sound-goes-on-silently",
                   test_device_without_sound_goes_on_silently);
  g_test_add_func ("/kiosk/voice/a-malformed-sink-is-an-error", test_a_malformed_sink_is_an_error);
  return g_test_run ();
}
