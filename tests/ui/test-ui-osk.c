/* UI: the on-screen keyboard (ui/widgets/hb-osk.c). A text question of the form page filled
 * key by key: pinyin with a candidate ("zhe jiang" → 浙江, 空格 for the first, paging),
 * backspace on the pinyin then the text, then the Latin and digit layouts; the value reaches
 * the form and the check page. Then the widget on its own: the ID-number digit pad with X,
 * 大写, typing at the cursor, the field's length limit. PNG of each layout in
 * build/test-output/test-ui-osk/. */
#include "ui-fixture.h"
#include "ui/widgets/hb-osk.h"
#include "ui/hb-elder-mode.h"
#include "audit.h"

/* The keyboard of the page: the one HbOsk on screen. */
static HbOsk *
find_osk (GtkWidget *w)
{
  if (HB_IS_OSK (w) && gtk_widget_get_mapped (w))
    return HB_OSK (w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      HbOsk *found = find_osk (c);
      if (found)
        return found;
    }
  return NULL;
}

typedef struct { Ui *ui; const char *entry; const char *text; const char *pinyin; } Typed;

static gboolean
typed (gpointer data)
{
  Typed *t = data;
  GtkWidget *e = ui_find (t->ui, t->entry);
  HbOsk *osk = find_osk (GTK_WIDGET (t->ui->window));
  return e && osk && g_str_equal (gtk_editable_get_text (GTK_EDITABLE (e)), t->text)
         && g_str_equal (hb_osk_get_pinyin (osk), t->pinyin);
}

/* Press one key as a finger would and wait until the entry shows text and the keyboard
 * holds pinyin: each press lands before the next. */
static void
press_key (Ui *ui, const char *entry, const char *key, const char *text, const char *pinyin)
{
  Typed t = { ui, entry, text, pinyin };
  ui_press (ui, key);
  if (!hb_test_wait_until (typed, &t, 5000))
    g_error ("after \"%s\": entry \"%s\", pinyin \"%s\"; expected \"%s\", \"%s\"", key,
             gtk_editable_get_text (GTK_EDITABLE (ui_find (ui, entry))),
             hb_osk_get_pinyin (find_osk (GTK_WIDGET (ui->window))), text, pinyin);
}

/* Letters on the 拼音 layout: the entry stays as it is while the pinyin grows. */
static void
press_pinyin (Ui *ui, const char *entry, const char *letters)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (ui_find (ui, entry))));
  HbOsk *osk = find_osk (GTK_WIDGET (ui->window));
  g_autoptr(GString) pinyin = g_string_new (hb_osk_get_pinyin (osk));

  for (const char *p = letters; *p; p++)
    {
      g_autofree char *key = g_strdup_printf ("字母 %c", *p);
      g_string_append_c (pinyin, *p);
      press_key (ui, entry, key, text, pinyin->str);
    }
}

/* The form page with its keyboard (a full page of candidates, the widest layout) still
 * fits the 1080 px portrait screen: its minimum width. */
static void
assert_page_fits (Ui *ui)
{
  int min = 0;
  gtk_widget_measure (GTK_WIDGET (hb_window_get_page (ui->window, HB_PAGE_FORM)),
                      GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  g_assert_cmpint (min, <=, 1080);
}

typedef struct { HbOsk *osk; HbOskLayout layout; } LayoutWait;

static gboolean
layout_is (gpointer data)
{
  LayoutWait *w = data;
  return hb_osk_get_layout (w->osk) == w->layout;
}

static void
wait_layout (HbOsk *osk, HbOskLayout layout)
{
  LayoutWait w = { osk, layout };
  g_assert_true (hb_test_wait_until (layout_is, &w, 5000));
}

/* The key is on screen whole: not scrolled below the fold of the page's scroller. */
static void
assert_key_in_view (Ui *ui, const char *name)
{
  GtkWidget *key = ui_wait_for (ui, name);
  GtkWidget *scroller = gtk_widget_get_ancestor (key, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t r;

  g_assert_nonnull (scroller);
  g_assert_true (gtk_widget_compute_bounds (key, scroller, &r));
  if (r.origin.y < 0 || r.origin.y + r.size.height > gtk_widget_get_height (scroller))
    g_error ("key %s is at %.0f…%.0f px, the page shows 0…%d", name, r.origin.y,
             r.origin.y + r.size.height, gtk_widget_get_height (scroller));
}

/* Each key is a big target: at least 64 × 64 px, the 长辈模式 minimum. */
static void
assert_keys_big (Ui *ui, const char *const *keys)
{
  for (guint i = 0; keys[i]; i++)
    {
      GtkWidget *b = ui_wait_for (ui, keys[i]);
      graphene_rect_t r;
      /* The border box: what a finger can hit. */
      g_assert_true (gtk_widget_compute_bounds (b, b, &r));
      if (r.size.width < 64 || r.size.height < 64)
        g_error ("key %s is %.0f × %.0f px", keys[i], r.size.width, r.size.height);
    }
}

/* 异地就医备案 up to its first question, a place name typed as text. */
static void
open_text_question (Ui *ui)
{
  ui_identify (ui, "放身份证 1");
  ui_press (ui, "异地就医备案");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始办理：先了解您的情况");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  ui_press (ui, "临时外出");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, "就医地（省、市）");
}

static void
test_fill_a_text_question (Ui *ui, gconstpointer data)
{
  const char *field = "就医地（省、市）";
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  HbOsk *osk;

  ui->prefix = "osk-";
  open_text_question (ui);

  /* A place name: the keyboard opens on 拼音. */
  osk = find_osk (GTK_WIDGET (ui->window));
  g_assert_nonnull (osk);
  g_assert_cmpint (hb_osk_get_layout (osk), ==, HB_OSK_PINYIN);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_find (ui, field))), ==, "");

  /* zhejiang → 浙江 among the candidates, chosen by touch. */
  press_pinyin (ui, field, "zhejiang");
  ui_wait_for (ui, "候选 浙江");
  ui_snapshot (ui, "pinyin-candidates");
  assert_page_fits (ui);
  assert_keys_big (ui, (const char *[]) { "字母 q", "字母 m", "分隔符 '", "空格", "退格", "清空",
                                          "候选 浙江", "下一页候选", "拼音键盘", "英文键盘",
                                          "数字键盘", NULL });
  press_key (ui, field, "候选 浙江", "浙江", "");

  /* hangzhou, 空格 takes the first candidate. */
  press_pinyin (ui, field, "hangzhou");
  g_assert_nonnull (ui_wait_for (ui, "候选 杭州"));
  press_key (ui, field, "空格", "浙江杭州", "");

  /* shi has many candidates: paged; the pages come back. */
  press_pinyin (ui, field, "shi");
  ui_wait_for (ui, "候选 是");
  ui_press (ui, "下一页候选");
  g_assert_true (hb_test_wait_until ((GSourceFunc) gtk_widget_is_sensitive,
                                     ui_find (ui, "上一页候选"), 5000));
  g_assert_null (ui_find (ui, "候选 是"));
  ui_snapshot (ui, "pinyin-second-page");
  assert_page_fits (ui);
  ui_press (ui, "上一页候选");
  ui_wait_for (ui, "候选 是");   /* the first page again */
  ui_wait_for (ui, "候选 市");
  press_key (ui, field, "候选 市", "浙江杭州市", "");

  /* 退格 edits the pinyin first, then the text. */
  press_pinyin (ui, field, "x");
  press_key (ui, field, "退格", "浙江杭州市", "");
  press_key (ui, field, "退格", "浙江杭州", "");
  press_pinyin (ui, field, "shi");
  ui_wait_for (ui, "候选 市");
  press_key (ui, field, "候选 市", "浙江杭州市", "");
  g_assert_cmpstr (hb_form_get_value (hb_session_get_form (session), "dest_city"), ==,
                   "浙江杭州市");

  /* The Latin layout: capitals by 大写, a symbol; then the digits. */
  ui_press (ui, "英文键盘");
  wait_layout (osk, HB_OSK_LATIN);
  press_key (ui, field, "符号 -", "浙江杭州市-", "");
  ui_press (ui, "大写");
  ui_wait_for (ui, "字母 B");
  press_key (ui, field, "字母 B", "浙江杭州市-B", "");
  press_key (ui, field, "数字 2", "浙江杭州市-B2", "");
  ui_snapshot (ui, "latin");
  assert_keys_big (ui, (const char *[]) { "数字 1", "字母 Z", "符号 @", "符号 .", "大写", NULL });
  ui_press (ui, "数字键盘");
  wait_layout (osk, HB_OSK_DIGITS);
  ui_wait_for (ui, "数字 7");
  g_assert_null (ui_find (ui, "字母 q"));
  g_assert_null (ui_find (ui, "字母 X"));   /* the X key is for ID numbers only */
  press_key (ui, field, "数字 7", "浙江杭州市-B27", "");
  ui_snapshot (ui, "digits");
  assert_keys_big (ui, (const char *[]) { "数字 0", "数字 9", "退格", "清空", NULL });
  g_assert_cmpstr (hb_form_get_value (hb_session_get_form (session), "dest_city"), ==,
                   "浙江杭州市-B27");

  /* Back to what the resident meant, and on to the check page. */
  press_key (ui, field, "退格", "浙江杭州市-B2", "");
  press_key (ui, field, "退格", "浙江杭州市-B", "");
  press_key (ui, field, "退格", "浙江杭州市-", "");
  press_key (ui, field, "退格", "浙江杭州市", "");
  ui_press (ui, "下一步");
  ui_wait_for (ui, "开始日期");
  g_assert_null (find_osk (GTK_WIDGET (ui->window)));   /* the date keeps its digit pad */
  g_assert_cmpstr (hb_form_get_value (hb_session_get_form (session), "dest_city"), ==,
                   "浙江杭州市");
}

/* The keyboard on the form page in the four ways a resident sees it (中文 / English,
 * standard / 长辈模式): every key named, big enough for the mode, legible, translated
 * (tests/ui/audit.h, the checker of the page audits). In Chinese with candidates shown. */
static void
test_keyboard_passes_the_audit (Ui *ui, gconstpointer data)
{
  static const struct { gboolean elder; const char *language, *tag, *field; } combos[] = {
    { FALSE, "zh_CN", "zh",       "就医地（省、市）" },
    { TRUE,  "zh_CN", "zh-elder", "就医地（省、市）" },
    { FALSE, "en",    "en",       "Where (province, city)" },
    { TRUE,  "en",    "en-elder", "Where (province, city)" },
  };
  g_autofree char *site = g_strdup_printf ("%s · %s",
                                           hb_config_get_string (ui->config, "terminal", "site"),
                                           hb_config_get_string (ui->config, "terminal", "id"));
  /* Proper names and the other language's own name may stay Chinese in English. */
  const char *const allowed[] = { "办", "中文", "切换到中文", site, NULL };
  guint failures = 0;

  ui->prefix = "audit-";
  open_text_question (ui);
  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      AuditRules rules = {
        combos[i].elder ? HB_ELDER_MIN_TARGET_PX : HB_STANDARD_MIN_TARGET_PX,
        combos[i].elder ? HB_ELDER_MIN_CONTRAST : HB_STANDARD_MIN_CONTRAST,
        g_str_equal (combos[i].language, "en"),
        allowed,
      };
      g_autoptr(GPtrArray) problems = NULL;
      HbOsk *osk;

      hb_window_set_elder_mode (ui->window, combos[i].elder);
      hb_window_set_language (ui->window, combos[i].language);
      ui_wait_for (ui, combos[i].field);
      osk = find_osk (GTK_WIDGET (ui->window));
      g_assert_nonnull (osk);
      /* A place name opens on 拼音 in Chinese, on Latin letters in English. */
      g_assert_cmpint (hb_osk_get_layout (osk), ==,
                       rules.english ? HB_OSK_LATIN : HB_OSK_PINYIN);
      /* Small letters: capitals are for codes (统一社会信用代码 …), not for names. */
      ui_wait_for (ui, rules.english ? "Letter q" : "字母 q");
      if (!rules.english && *hb_osk_get_pinyin (osk) == 0)
        {
          press_pinyin (ui, combos[i].field, "zhejiang");
          ui_wait_for (ui, "候选 浙江");
        }
      hb_test_spin (700);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (ui->window));
      assert_page_fits (ui);
      /* The keyboard's last row, below its letters, without scrolling. */
      assert_key_in_view (ui, rules.english ? "Clear" : "清空");
      problems = audit_run (GTK_WIDGET (ui->window), audit_top_layer (GTK_WIDGET (ui->window)),
                            &rules);
      for (guint k = 0; k < problems->len; k++)
        {
          AuditProblem *p = problems->pdata[k];
          g_test_message ("AUDIT form [%s] %s: %s", combos[i].tag, audit_kind_name (p->kind),
                          p->detail);
          failures++;
        }
      ui_snapshot (ui, combos[i].tag);
    }
  hb_window_set_elder_mode (ui->window, FALSE);
  hb_window_set_language (ui->window, "zh_CN");
  g_assert_cmpuint (failures, ==, 0);
}

/* --- the widget alone ------------------------------------------------------------- */

typedef struct {
  GtkWidget *window;
  GtkWidget *entry;
  HbOsk     *osk;
} Alone;

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
alone_setup (Alone *a, HbOskLayout layout, guint max)
{
  GtkWidget *box;

  hb_i18n_set_language ("zh_CN");   /* the names below are the Chinese ones */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  a->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (a->window), 1080, 1200);
  a->entry = gtk_entry_new ();
  if (max)
    gtk_entry_set_max_length (GTK_ENTRY (a->entry), (int) max);
  a->osk = HB_OSK (hb_osk_new (GTK_EDITABLE (a->entry), layout));
  gtk_box_append (GTK_BOX (box), a->entry);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (a->osk));
  gtk_window_set_child (GTK_WINDOW (a->window), box);
  gtk_window_present (GTK_WINDOW (a->window));
  g_assert_true (hb_test_wait_until (mapped, a->osk, 10000));
}

/* Press by accessible name; "clicked" at once (the page test above goes through touch). */
static void
click (Alone *a, const char *name)
{
  GtkWidget *b = hb_ui_find_by_accessible_label (a->window, name);
  if (b == NULL)
    g_error ("no key \"%s\"", name);
  g_assert_true (GTK_IS_BUTTON (b));
  g_signal_emit_by_name (b, "clicked");
}

static const char *
text_of (Alone *a)
{
  return gtk_editable_get_text (GTK_EDITABLE (a->entry));
}

static void
test_id_number_pad (void)
{
  Alone a;
  alone_setup (&a, HB_OSK_DIGITS, 18);
  hb_osk_set_extra_digit (a.osk, "X");
  g_assert_null (hb_ui_find_by_accessible_label (a.window, "字母 q"));
  for (guint i = 0; i < 20; i++)   /* more than the field takes */
    click (&a, "数字 1");
  g_assert_cmpstr (text_of (&a), ==, "111111111111111111");
  click (&a, "退格");
  click (&a, "字母 X");
  g_assert_cmpstr (text_of (&a), ==, "11111111111111111X");
  click (&a, "清空");
  g_assert_cmpstr (text_of (&a), ==, "");
  gtk_window_destroy (GTK_WINDOW (a.window));
}

static void
test_latin_case_and_cursor (void)
{
  Alone a;
  alone_setup (&a, HB_OSK_LATIN, 0);
  gtk_editable_set_text (GTK_EDITABLE (a.entry), "ab");
  gtk_editable_set_position (GTK_EDITABLE (a.entry), 1);
  click (&a, "字母 x");          /* at the cursor, not at the end */
  g_assert_cmpstr (text_of (&a), ==, "axb");
  hb_osk_set_upper_case (a.osk, TRUE);
  g_assert_null (hb_ui_find_by_accessible_label (a.window, "字母 x"));
  click (&a, "字母 Y");
  click (&a, "大写");
  click (&a, "符号 @");
  click (&a, "空格");
  click (&a, "字母 z");
  g_assert_cmpstr (text_of (&a), ==, "axY@ zb");
  click (&a, "退格");
  g_assert_cmpstr (text_of (&a), ==, "axY@ b");
  gtk_window_destroy (GTK_WINDOW (a.window));
}

static void
test_pinyin_space_and_switch (void)
{
  Alone a;
  alone_setup (&a, HB_OSK_PINYIN, 0);
  click (&a, "空格");   /* no pinyin: a space */
  g_assert_cmpstr (text_of (&a), ==, " ");
  click (&a, "退格");
  for (const char *p = "shanghai"; *p; p++)
    {
      g_autofree char *name = g_strdup_printf ("字母 %c", *p);
      click (&a, name);
    }
  g_assert_cmpstr (hb_osk_get_pinyin (a.osk), ==, "shanghai");
  g_assert_nonnull (hb_ui_find_by_accessible_label (a.window, "候选 上海"));
  g_assert_cmpstr (text_of (&a), ==, "");
  /* Leaving 拼音 drops the pinyin not yet chosen. */
  click (&a, "英文键盘");
  g_assert_cmpint (hb_osk_get_layout (a.osk), ==, HB_OSK_LATIN);
  g_assert_cmpstr (hb_osk_get_pinyin (a.osk), ==, "");
  click (&a, "拼音键盘");
  g_assert_null (hb_ui_find_by_accessible_label (a.window, "候选 上海"));
  for (const char *p = "zhang"; *p; p++)
    {
      g_autofree char *name = g_strdup_printf ("字母 %c", *p);
      click (&a, name);
    }
  click (&a, "空格");
  g_assert_cmpstr (text_of (&a), ==, "张");
  gtk_window_destroy (GTK_WINDOW (a.window));
}

/* The keyboard outliving its entry types nowhere and does not crash. */
static void
test_target_gone (void)
{
  Alone a;
  alone_setup (&a, HB_OSK_LATIN, 0);
  gtk_box_remove (GTK_BOX (gtk_widget_get_parent (a.entry)), a.entry);
  click (&a, "字母 a");
  click (&a, "退格");
  click (&a, "清空");
  gtk_window_destroy (GTK_WINDOW (a.window));
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  hb_ui_ensure_resources ();
  g_test_add ("/ui/osk/a-text-question-filled-by-pinyin-latin-and-digit-keys", Ui, NULL,
              ui_setup, test_fill_a_text_question, ui_teardown);
  g_test_add ("/ui/osk/the-keyboard-passes-the-audit-in-both-modes-and-languages", Ui, NULL,
              ui_setup, test_keyboard_passes_the_audit, ui_teardown);
  g_test_add_func ("/ui/osk/id-number-pad-has-x-and-keeps-the-length", test_id_number_pad);
  g_test_add_func ("/ui/osk/latin-types-at-the-cursor-in-either-case",
                   test_latin_case_and_cursor);
  g_test_add_func ("/ui/osk/pinyin-space-chooses-and-leaving-drops-the-pinyin",
                   test_pinyin_space_and_switch);
  g_test_add_func ("/ui/osk/a-keyboard-without-its-entry-types-nowhere", test_target_gone);
  return g_test_run ();
}
