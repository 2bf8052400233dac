/* UI: voice guidance through a whole visit. The voice's sink is memory: what each page
 * said is recorded with the samples it produced. A PNG of every page lands in the test
 * output (build/test-output/test-ui-voice/). */
#include "ui-fixture.h"
#include "ui/hb-voice-guide.h"
#include "kiosk/hb-voice-private.h"

typedef struct {
  char     *page;
  guint     id;
  char     *text;
  gboolean  done;
  guint     language;
  guint64   samples;
  gboolean  cancelled;
} Said;

typedef struct {
  GPtrArray *said;    /* Said* */
  HbVoice   *voice;   /* borrowed, once connected */
} Record;

static void
said_free (gpointer p)
{
  Said *s = p;
  g_free (s->page);
  g_free (s->text);
  g_free (s);
}

static void
on_done (HbVoice *voice, guint id, const char *text, guint language, guint64 samples,
         gboolean cancelled, Record *r)
{
  for (guint i = 0; i < r->said->len; i++)
    {
      Said *s = r->said->pdata[i];
      if (s->id == id)
        {
          s->done = TRUE;
          s->language = language;
          s->samples = samples;
          s->cancelled = cancelled;
        }
    }
}

static void
on_queued (HbVoiceGuide *guide, const char *page, guint id, const char *text, Record *r)
{
  Said *s = g_new0 (Said, 1);
  s->page = g_strdup (page);
  s->id = id;
  s->text = g_strdup (text);
  g_ptr_array_add (r->said, s);
  if (r->voice == NULL)
    {
      /* The voice is built the first time guidance speaks. */
      r->voice = hb_voice_guide_get_voice (guide);
      g_signal_connect (r->voice, "utterance-done", G_CALLBACK (on_done), r);
    }
}

static Record *
record_start (Ui *ui)
{
  Record *r = g_new0 (Record, 1);
  r->said = g_ptr_array_new_with_free_func (said_free);
  g_signal_connect (hb_window_get_voice_guide (ui->window), "queued", G_CALLBACK (on_queued), r);
  return r;
}

static void
record_free (Ui *ui, Record *r)
{
  /* What was said, for the test log (the issue note quotes it). */
  for (guint i = 0; i < r->said->len; i++)
    {
      Said *s = r->said->pdata[i];
      g_autofree char *flat = g_strdelimit (g_strdup (s->text), "\n", ' ');
      g_test_message ("said on %s: [%s%s, %.1f s] %s", s->page, s->done ? "done" : "pending",
                      s->cancelled ? ", cut off" : "", s->samples / 22050.0, flat);
    }
  g_signal_handlers_disconnect_by_data (hb_window_get_voice_guide (ui->window), r);
  if (r->voice)
    g_signal_handlers_disconnect_by_data (r->voice, r);
  g_ptr_array_unref (r->said);
  g_free (r);
}

typedef struct { Record *r; const char *page; const char *part; } SaidWait;

static Said *
find_said (Record *r, const char *page, const char *part)
{
  for (guint i = 0; i < r->said->len; i++)
    {
      Said *s = r->said->pdata[i];
      if (g_str_equal (s->page, page) && strstr (s->text, part) && s->done)
        return s;
    }
  return NULL;
}

static gboolean
said_done (gpointer data)
{
  SaidWait *w = data;
  return find_said (w->r, w->page, w->part) != NULL;
}

/* Wait until page said something containing part, and it has been spoken (or cut off). */
static Said *
wait_said (Record *r, const char *page, const char *part)
{
  SaidWait w = { r, page, part };
  if (!hb_test_wait_until (said_done, &w, 20000))
    {
      for (guint i = 0; i < r->said->len; i++)
        g_printerr ("said on %s: %s\n", ((Said *) r->said->pdata[i])->page,
                    ((Said *) r->said->pdata[i])->text);
      g_error ("page %s never said \"%s\"", page, part);
    }
  return find_said (r, page, part);
}

/* Spoken in full, with sound. */
static Said *
wait_spoken (Record *r, const char *page, const char *part)
{
  Said *s = wait_said (r, page, part);
  g_assert_false (s->cancelled);
  g_assert_cmpuint (s->samples, >, 0);
  return s;
}

static gboolean
identify_cut_off (gpointer data)
{
  Record *r = data;
  for (guint i = 0; i < r->said->len; i++)
    {
      Said *t = r->said->pdata[i];
      if (g_str_equal (t->page, "identify") && t->done && t->cancelled)
        return TRUE;
    }
  return FALSE;
}

static gboolean
nothing_pending (gpointer data)
{
  return hb_voice_get_pending (data) == 0;
}

static gboolean
guide_on (gpointer data)
{
  return hb_voice_guide_get_enabled (data);
}

static gboolean
guide_off (gpointer data)
{
  return !hb_voice_guide_get_enabled (data);
}

/* A press is a touch: "toggled" follows GTK's press animation. */
static void
wait_enabled (HbVoiceGuide *guide, gboolean on)
{
  g_assert_true (hb_test_wait_until (on ? guide_on : guide_off, guide, 10000));
}

static void
setup_voice (Ui *ui, gconstpointer data)
{
  ui_setup (ui, data);
  ui_set (ui, "voice", "sink", "memory");
}

static void
test_a_visit_with_voice_on (Ui *ui, gconstpointer data)
{
  HbVoiceGuide *guide = hb_window_get_voice_guide (ui->window);
  Record *r = record_start (ui);
  g_autofree char *spelled = NULL;
  Said *s;

  ui->prefix = "voice-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  /* Off by default outside 长辈模式; the top bar's switch turns it on. */
  g_assert_false (hb_voice_guide_get_enabled (guide));
  g_assert_cmpuint (r->said->len, ==, 0);
  ui_press (ui, "语音播报");
  wait_enabled (guide, TRUE);
  s = wait_spoken (r, "attract", "欢迎使用自助服务");
  g_assert_cmpuint (s->language, ==, HB_VOICE_ZH);
  ui_snapshot (ui, "attract");

  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  wait_spoken (r, "identify", "请核验身份");
  ui_snapshot (ui, "identify");

  /* A new page cuts off what the old one was still saying: hold the voice inside the
   * identify page's text, then leave the page. */
  hb_voice_set_hold (r->voice, TRUE);
  hb_page_spoken_text_changed (hb_window_get_page (ui->window, HB_PAGE_IDENTIFY));
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_true (hb_test_wait_until (identify_cut_off, r, 20000));
  hb_voice_set_hold (r->voice, FALSE);
  /* The catalog's prompt, never the greeting with the resident's name. */
  s = wait_spoken (r, "catalog", "请选择要办理的事项");
  g_assert_null (strstr (s->text, "您好"));
  ui_wait_for (ui, "居住证签注");
  ui_snapshot (ui, "catalog");

  ui_press (ui, "居住证签注");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  wait_spoken (r, "guide", "居住证签注");
  ui_snapshot (ui, "guide");

  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  wait_spoken (r, "form", "联系电话");
  ui_snapshot (ui, "form");

  /* An error is spoken: the summary's heading and the problem. */
  ui_press (ui, "下一步");
  ui_wait_for (ui, "填写有误");
  s = wait_spoken (r, "form", "请修改以下内容后继续");
  g_assert_cmpuint (strlen (s->text), >, strlen ("请修改以下内容后继续："));
  ui_snapshot (ui, "form-error");

  ui_set_text (ui, "联系电话", "13812345678");
  ui_press (ui, "下一步");
  ui_wait_for (ui, "本机打印回执");
  /* The next question of the same page is said when it appears. */
  wait_spoken (r, "form", "第 2 题");
  ui_snapshot (ui, "form-choice");

  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);
  s = wait_spoken (r, "check", "请核对您的申请");
  /* What the check page lists (the resident's data) is not read out. */
  g_assert_null (strstr (s->text, "13812345678"));
  g_assert_null (strstr (s->text, "310"));
  ui_snapshot (ui, "check");

  ui_press (ui, "确认提交");
  ui_wait_page (ui, HB_PAGE_RESULT);
  /* The result: the headline and the case number, character by character. */
  spelled = hb_voice_spell (ui_label_text (ui, "办件编号"), HB_VOICE_ZH);
  s = wait_spoken (r, "result", "提交成功");
  g_assert_nonnull (strstr (s->text, "办件编号"));
  g_assert_nonnull (strstr (s->text, spelled));
  ui_snapshot (ui, "result");

  ui_press (ui, "打印回执");
  ui_wait_page (ui, HB_PAGE_PRINT);
  ui_wait_for (ui, "已取走回执，去评价");
  /* The print outcome. */
  wait_spoken (r, "print", "打印完成");
  ui_snapshot (ui, "print");

  ui_press (ui, "已取走回执，去评价");
  ui_wait_page (ui, HB_PAGE_RATING);
  wait_spoken (r, "rating", "请您对本次服务进行评价");
  ui_snapshot (ui, "rating");

  /* No ID or phone number was ever handed to the voice. */
  for (guint i = 0; i < r->said->len; i++)
    {
      Said *t = r->said->pdata[i];
      g_assert_null (strstr (t->text, "13812345678"));
      g_assert_null (strstr (t->text, "1237"));
    }
  /* Leaving the visit: guidance goes back to its default (off) for the next resident. */
  ui_press (ui, "满意");
  ui_wait_for (ui, "提交评价");
  ui_press (ui, "提交评价");
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  g_assert_true (hb_test_wait_until ((gboolean (*) (gpointer)) nothing_pending, r->voice, 20000));
  g_assert_false (hb_voice_guide_get_enabled (guide));
  record_free (ui, r);
}

static void
test_elder_mode_turns_voice_on (Ui *ui, gconstpointer data)
{
  HbVoiceGuide *guide = hb_window_get_voice_guide (ui->window);
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  Record *r = record_start (ui);

  ui->prefix = "elder-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  g_assert_false (hb_voice_guide_get_enabled (guide));
  ui_press (ui, "长辈模式");
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  wait_enabled (guide, TRUE);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (ui_find (ui, "语音播报"))));
  wait_spoken (r, "attract", "欢迎使用自助服务");
  ui_snapshot (ui, "attract");
  /* The switch still turns it off within the mode. */
  ui_press (ui, "语音播报");
  wait_enabled (guide, FALSE);
  ui_press (ui, "语音播报");
  wait_enabled (guide, TRUE);
  /* The end of the visit ends the mode, and its voice. */
  ui_press (ui, "开始办理");
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  wait_spoken (r, "catalog", "请选择要办理的事项");
  ui_snapshot (ui, "catalog");
  hb_session_wipe (session, HB_WIPE_CANCELLED);
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  wait_enabled (guide, FALSE);
  record_free (ui, r);
}

static void
test_english_pages_are_said_in_english (Ui *ui, gconstpointer data)
{
  Record *r = record_start (ui);
  Said *s;

  ui->prefix = "en-";
  ui_press (ui, "语音播报");
  wait_spoken (r, "attract", "欢迎使用自助服务");
  ui_press (ui, "Switch to English");
  s = wait_spoken (r, "attract", "Welcome");
  g_assert_cmpuint (s->language, ==, HB_VOICE_EN);
  ui_press (ui, "Start");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  s = wait_spoken (r, "identify", "Identify yourself");
  g_assert_cmpuint (s->language, ==, HB_VOICE_EN);
  ui_snapshot (ui, "identify");
  /* The switch's longer English label does not widen the 1080 px portrait window. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (ui->window)), <=, 1080);
  record_free (ui, r);
  hb_i18n_set_language ("zh_CN");
}

static gboolean
warning_shown (gpointer data)
{
  return ui_find (data, "继续办理") != NULL;
}

static void
test_idle_warning_is_spoken (Ui *ui, gconstpointer data)
{
  Record *r = record_start (ui);
  Said *s;

  ui->prefix = "idle-";
  ui_press (ui, "语音播报");
  ui_press (ui, "开始办理");
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_true (hb_test_wait_until (warning_shown, ui, 30000));
  s = wait_spoken (r, "catalog", "您还在吗？");
  g_assert_nonnull (strstr (s->text, "秒后将返回首页"));
  g_assert_nonnull (strstr (s->text, "继续办理"));
  ui_snapshot (ui, "warning");
  ui_press (ui, "继续办理");
  record_free (ui, r);
}

static void
setup_short_idle (Ui *ui, gconstpointer data)
{
  ui_setup_with (ui, "5", "30");
  ui_set (ui, "voice", "sink", "memory");
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/voice/a-visit-with-voice-on-says-every-page-error-and-result", Ui, NULL,
              setup_voice, test_a_visit_with_voice_on, ui_teardown);
  g_test_add ("/ui/voice/elder-mode-turns-voice-on-for-the-visit", Ui, NULL, setup_voice,
              test_elder_mode_turns_voice_on, ui_teardown);
  g_test_add ("/ui/voice/english-pages-are-said-in-english", Ui, NULL, setup_voice,
              test_english_pages_are_said_in_english, ui_teardown);
  g_test_add ("/ui/voice/idle-warning-is-spoken", Ui, NULL, setup_short_idle,
              test_idle_warning_is_spoken, ui_teardown);
  return g_test_run ();
}
