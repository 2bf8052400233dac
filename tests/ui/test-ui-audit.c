/* UI: 长辈模式 and the accessibility audits (issue 8 points 1, 5, 6, 7).
 *
 * Every page of the product is walked, and each state of it audited (tests/ui/audit.h) in
 * the four ways a resident can see it — 中文 and English, standard and 长辈模式 —
 * switching language and mode on the page itself, which also shows that a switch keeps
 * the visit. A PNG of each lands in build/test-output/test-ui-audit/ as
 * NN-<page>-<zh|zh-elder|en|en-elder>.png. The checker is shown to fail on a window of
 * deliberately broken widgets. Then: 长辈模式's timeouts and its end with the visit, the
 * WCAG 2.2.1 idle warning (≥ 30 s, extended three times, then the wipe), and a language
 * switch in the middle of a form keeping the answers and the question. */
#include "ui-fixture.h"
#include "audit.h"
#include "ui/hb-elder-mode.h"
#include "kiosk/hb-life-events.h"

#include <glib/gi18n.h>

/* Texts that may stay Chinese in English, each with its reason. */
static const char *const han_allowed_fixed[] = {
  "办",           /* the emblem: the 一网通办 brand mark, a glyph rather than a word */
  "中文",         /* the language button names the other language in its own script */
  "切换到中文",   /* …and its accessible name, spoken to the reader of that language */
  "Greeting",     /* the catalog's greeting names the resident as on their ID card */
  "Name",         /* the check page's answers: the resident's name and address as */
  "Address in Shanghai",   /* registered — proper names, not interface text */
  NULL
};

typedef void (*Restore) (Ui *ui, gconstpointer data);

typedef struct {
  gboolean    elder;
  const char *language;
  const char *tag;
} Combo;

/* In an order where each step changes one thing: one page rebuild per step. */
static const Combo combos[] = {
  { FALSE, "zh_CN", "zh" },
  { TRUE,  "zh_CN", "zh-elder" },
  { TRUE,  "en",    "en-elder" },
  { FALSE, "en",    "en" },
};

static GPtrArray *
han_allowed (Ui *ui)
{
  GPtrArray *allowed = g_ptr_array_new_with_free_func (g_free);
  HbConfig *c = ui->config;

  for (const char *const *p = han_allowed_fixed; *p; p++)
    g_ptr_array_add (allowed, g_strdup (*p));
  /* The footer names this terminal's site as configured: a proper name, in Chinese. */
  g_ptr_array_add (allowed, g_strdup_printf ("%s · %s", hb_config_get_string (c, "terminal", "site"),
                                             hb_config_get_string (c, "terminal", "id")));
  g_ptr_array_add (allowed, NULL);
  return allowed;
}

static void
settle (Ui *ui)
{
  hb_test_spin (400);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (ui->window));
}

/* Audit what is on screen now in every combo, with a PNG of each; fail (at the end of the
 * walk) on any problem. restore puts the page back in its state after a rebuild. */
static guint failures;

static void
audit_here (Ui *ui, const char *name, Restore restore, gconstpointer data)
{
  HbPageId page = hb_window_get_page_id (ui->window);
  g_autoptr(GPtrArray) allowed = han_allowed (ui);

  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      const Combo *c = &combos[i];
      AuditRules rules = {
        c->elder ? HB_ELDER_MIN_TARGET_PX : HB_STANDARD_MIN_TARGET_PX,
        c->elder ? HB_ELDER_MIN_CONTRAST : HB_STANDARD_MIN_CONTRAST,
        g_str_equal (c->language, "en"),
        (const char *const *) allowed->pdata,
      };
      g_autoptr(GPtrArray) problems = NULL;
      g_autofree char *shot = g_strdup_printf ("%s-%s", name, c->tag);

      if (hb_window_get_elder_mode (ui->window) != c->elder)
        hb_window_set_elder_mode (ui->window, c->elder);
      if (!g_str_equal (hb_i18n_get_language (), c->language))
        hb_window_set_language (ui->window, c->language);
      g_assert_cmpint (hb_window_get_elder_mode (ui->window), ==, c->elder);
      if (restore)
        restore (ui, data);
      settle (ui);
      /* The switch kept the resident where they were. */
      g_assert_cmpint (hb_window_get_page_id (ui->window), ==, page);
      problems = audit_run (GTK_WIDGET (ui->window), audit_top_layer (GTK_WIDGET (ui->window)),
                            &rules);
      for (guint k = 0; k < problems->len; k++)
        {
          AuditProblem *p = problems->pdata[k];
          g_test_message ("AUDIT %s [%s] %s: %s", name, c->tag, audit_kind_name (p->kind),
                          p->detail);
          failures++;
        }
      ui_snapshot (ui, shot);
    }
  hb_window_set_elder_mode (ui->window, FALSE);
  hb_window_set_language (ui->window, "zh_CN");
  if (restore)
    restore (ui, data);
  settle (ui);
}

static void
audit_done (void)
{
  if (failures > 0)
    g_test_message ("%u audit problems (AUDIT lines above)", failures);
  g_assert_cmpuint (failures, ==, 0);
}

/* --- restoring a page's state after a rebuild -------------------------------------- */

static void
press_translated (Ui *ui, gconstpointer zh)
{
  ui_press (ui, _((const char *) zh));
}

/* data: a life event id to open, or NULL for the grid. */
static void
restore_event (Ui *ui, gconstpointer data)
{
  ui_press (ui, _("按人生事件"));
  if (data)
    ui_press (ui, hb_life_event_label (data));
}

static void
press_help (Ui *ui, gconstpointer data)
{
  ui_press (ui, _("呼叫帮办"));
}

/* --- the checker itself ----------------------------------------------------------- */

static gboolean
is_mapped (gpointer w)
{
  return gtk_widget_get_mapped (w);
}

static void
test_checker_fails_on_broken_widgets (void)
{
  static const char *const allowed[] = { "中文", NULL };
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 20);
  GtkWidget *nameless = gtk_button_new ();           /* no label, no name */
  GtkWidget *tiny = gtk_button_new_with_label ("OK"); /* named by content, too small */
  GtkWidget *entry = gtk_entry_new ();                /* no name */
  GtkWidget *grey = gtk_label_new ("Light grey on white");
  GtkWidget *good = gtk_label_new ("Ink on white");
  GtkWidget *han = gtk_label_new ("未翻译");
  GtkWidget *fine_han = gtk_label_new ("中文");
  GtkWidget *big = gtk_button_new_with_label ("A big enough button");
  AuditRules rules = { 64, 7.0, TRUE, allowed };
  g_autoptr(GPtrArray) problems = NULL;

  gtk_css_provider_load_from_data (css,
    "window.audit-test { background: white; color: #1b1f24; font-size: 28px; }"
    "window.audit-test label.grey { color: #999999; }"
    "window.audit-test button, window.audit-test entry { min-height: 80px; min-width: 80px; padding: 0; }"
    "window.audit-test button.tiny { min-height: 20px; min-width: 20px; }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 10);
  gtk_widget_add_css_class (window, "audit-test");
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 900);
  gtk_widget_add_css_class (grey, "grey");
  gtk_widget_add_css_class (tiny, "tiny");
  gtk_widget_set_halign (tiny, GTK_ALIGN_START);
  gtk_widget_set_valign (tiny, GTK_ALIGN_START);
  hb_ui_set_accessible_label (big, "A big enough button");
  for (GtkWidget **w = (GtkWidget *[]) { nameless, tiny, entry, grey, good, han, fine_han, big, NULL };
       *w; w++)
    gtk_box_append (GTK_BOX (box), *w);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (hb_test_wait_until (is_mapped, big, 10000));
  gtk_test_widget_wait_for_draw (window);

  problems = audit_run (window, window, &rules);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("found %s: %s", audit_kind_name (((AuditProblem *) problems->pdata[i])->kind),
                    ((AuditProblem *) problems->pdata[i])->detail);
  /* The nameless button and the entry. */
  g_assert_cmpuint (audit_count (problems, AUDIT_NO_NAME), ==, 2);
  /* The tiny button only (the nameless one is 80 px: it has CSS min sizes). */
  g_assert_cmpuint (audit_count (problems, AUDIT_SMALL_TARGET), ==, 1);
  /* #999 on white is 2.85:1; ink on white passes. */
  g_assert_cmpuint (audit_count (problems, AUDIT_LOW_CONTRAST), ==, 1);
  /* 未翻译, not the allowed 中文. */
  g_assert_cmpuint (audit_count (problems, AUDIT_UNTRANSLATED), ==, 1);
  g_assert_cmpuint (problems->len, ==, 5);

  /* The same window passes a lenient rule set where it should: Chinese is fine in zh. */
  {
    AuditRules zh = { 16, 2.5, FALSE, NULL };
    g_autoptr(GPtrArray) fewer = audit_run (window, window, &zh);
    g_assert_cmpuint (audit_count (fewer, AUDIT_UNTRANSLATED), ==, 0);
    g_assert_cmpuint (audit_count (fewer, AUDIT_LOW_CONTRAST), ==, 0);
    g_assert_cmpuint (audit_count (fewer, AUDIT_SMALL_TARGET), ==, 0);
    g_assert_cmpuint (audit_count (fewer, AUDIT_NO_NAME), ==, 2);
  }
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (css));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* --- the walks -------------------------------------------------------------------- */

static void
test_audit_start_and_catalog (Ui *ui, gconstpointer data)
{
  failures = 0;
  ui->prefix = "a-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_wait_for (ui, "开始办理");
  audit_here (ui, "attract", NULL, NULL);

  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  audit_here (ui, "identify", NULL, NULL);

  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_wait_records (ui);
  audit_here (ui, "catalog-popular", NULL, NULL);
  audit_here (ui, "catalog-events", restore_event, NULL);
  audit_here (ui, "catalog-event-services", restore_event, "retirement");
  audit_here (ui, "catalog-departments", press_translated, "按部门");

  audit_here (ui, "help-panel", press_help, NULL);
  ui_press (ui, "关闭帮办");
  audit_here (ui, "report-panel", press_translated, "办不成事反映");
  ui_press (ui, "取消反映");

  ui_wait_for (ui, "企业业务 · 输入统一社会信用代码");
  ui_press (ui, "企业业务 · 输入统一社会信用代码");
  ui_wait_page (ui, HB_PAGE_BUSINESS);
  audit_here (ui, "business", NULL, NULL);
  audit_done ();
}

/* The place page shows the scanned place again after a switch, in the page's language
 * (the platform's English for the sample place). */
static void
place_shown (Ui *ui, gconstpointer data)
{
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (ui_wait_for (ui, _("场所名称")))), ==,
                   hb_i18n_is_english () ? "Xuhui District Administrative Service Center"
                                         : (const char *) data);
  if (hb_i18n_is_english ())
    ui_wait_for (ui, "Monday to Friday 9:00-17:00");
}

/* The progress page shows the scanned receipt's case again after a switch. */
static void
case_shown (Ui *ui, gconstpointer data)
{
  g_autofree char *number = g_strdup_printf (_("办件编号 %s"), (const char *) data);
  ui_wait_for (ui, number);
}

static void
press_next (Ui *ui, gconstpointer data)
{
  ui_press (ui, _("下一步"));
  ui_wait_for (ui, _("填写有误"));
}

static void
test_audit_visit (Ui *ui, gconstpointer data)
{
  HbCore *core = hb_application_get_core (ui->app);
  g_autofree char *reference = NULL;

  failures = 0;
  ui->prefix = "b-";
  ui_identify (ui, "放身份证 1");
  ui_press (ui, "居住证签注");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  audit_here (ui, "guide", NULL, NULL);

  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, "联系电话");
  audit_here (ui, "form-phone", NULL, NULL);
  audit_here (ui, "form-errors", press_next, NULL);
  ui_set_text (ui, "联系电话", "13812345678");
  ui_press (ui, "下一步");
  ui_wait_for (ui, "本机打印回执");
  audit_here (ui, "form-choice", NULL, NULL);

  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);
  audit_here (ui, "check", NULL, NULL);

  ui_press (ui, "确认提交");
  ui_wait_page (ui, HB_PAGE_RESULT);
  reference = g_strdup (ui_label_text (ui, "办件编号"));
  audit_here (ui, "result", NULL, NULL);

  ui_press (ui, "打印回执");
  ui_wait_page (ui, HB_PAGE_PRINT);
  ui_wait_for (ui, "已取走回执，去评价");
  audit_here (ui, "print", NULL, NULL);

  ui_press (ui, "已取走回执，去评价");
  ui_wait_page (ui, HB_PAGE_RATING);
  audit_here (ui, "rating", NULL, NULL);
  ui_press (ui, "满意");
  ui_press (ui, "提交评价");
  ui_wait_page (ui, HB_PAGE_ATTRACT);

  /* A receipt's QR at the scanner: that case's progress, no visit. */
  hb_core_identify_with_code (core, reference);
  ui_wait_page (ui, HB_PAGE_PROGRESS);
  ui_wait_for (ui, "返回首页");
  audit_here (ui, "progress", case_shown, reference);
  ui_press (ui, "返回首页");
  ui_wait_page (ui, HB_PAGE_ATTRACT);

  ui_press (ui, "扫场所码");
  ui_wait_page (ui, HB_PAGE_PLACE);
  audit_here (ui, "place", place_shown, "徐汇区行政服务中心");
  ui_press (ui, "返回首页");
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  audit_done ();
}

static void
test_audit_situation_and_dates (Ui *ui, gconstpointer data)
{
  failures = 0;
  ui->prefix = "c-";
  ui_identify (ui, "放身份证 1");
  ui_press (ui, "异地就医备案");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始办理：先了解您的情况");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  audit_here (ui, "situation", NULL, NULL);
  ui_press (ui, "临时外出");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, "就医地（省、市）");
  audit_here (ui, "form-text", NULL, NULL);
  ui_set_text (ui, "就医地（省、市）", "浙江省杭州市");
  ui_press (ui, "下一步");
  ui_wait_for (ui, "开始日期");
  audit_here (ui, "form-date", NULL, NULL);
  audit_done ();
}

/* The idle warning is a layer over the page: bring it back after each switch (a switch
 * is a touch, which cancels it). */
static gboolean
warning_shown (gpointer data)
{
  Ui *ui = data;
  return ui_find (ui, "继续办理") != NULL || ui_find (ui, "Continue") != NULL;
}

static void
raise_warning (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  hb_session_set_timeouts (session, 200, 60000);
  g_assert_true (hb_test_wait_until (warning_shown, ui, 10000));
}

static void
test_audit_idle_warning (Ui *ui, gconstpointer data)
{
  failures = 0;
  ui->prefix = "d-";
  ui_identify (ui, "放身份证 1");
  audit_here (ui, "idle-warning", raise_warning, NULL);
  hb_session_extend (hb_core_get_session (hb_application_get_core (ui->app)));
  audit_done ();
}

/* --- 长辈模式 ---------------------------------------------------------------------- */

typedef struct { guint notified; } Notes;

static void
on_elder_notify (GObject *o, GParamSpec *pspec, Notes *n)
{
  n->notified++;
}

static gboolean
warning_up (gpointer data)
{
  return hb_session_is_warning (data);
}

static gboolean
warning_gone (gpointer data)
{
  return !hb_session_is_warning (data);
}

static gboolean
elder_on (gpointer window)
{
  return hb_window_get_elder_mode (window);
}

static gboolean
elder_off (gpointer window)
{
  return !hb_window_get_elder_mode (window);
}

static void
test_elder_mode_is_per_visit_and_slower (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  Notes notes = { 0 };
  GtkWidget *toggle;
  gint64 t0;

  ui->prefix = "elder-";
  g_signal_connect (ui->window, "notify::elder-mode", G_CALLBACK (on_elder_notify), &notes);
  /* At the attract page, before identification: one tap, and the state is visible. */
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  toggle = ui_wait_for (ui, "长辈模式");
  g_assert_true (GTK_IS_TOGGLE_BUTTON (toggle));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  ui_press (ui, "长辈模式");
  g_assert_true (hb_test_wait_until (elder_on, ui->window, 5000));
  g_assert_cmpuint (notes.notified, ==, 1);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (ui->window), HB_ELDER_CSS_CLASS));
  toggle = ui_wait_for (ui, "长辈模式");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (toggle)), ==, "✓ 长辈模式");
  ui_snapshot (ui, "attract");

  /* It carries into the visit: one column of life events. */
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_true (hb_window_get_elder_mode (ui->window));
  ui_press (ui, "按人生事件");
  ui_wait_for (ui, "退休");
  {
    GtkWidget *a = ui_find (ui, "退休");
    GtkWidget *grid = gtk_widget_get_parent (a);
    int columns = 0;
    g_assert_true (GTK_IS_GRID (grid));
    for (GtkWidget *c = gtk_widget_get_first_child (grid); c; c = gtk_widget_get_next_sibling (c))
      {
        int column;
        gtk_grid_query_child (GTK_GRID (grid), c, &column, NULL, NULL, NULL);
        columns = MAX (columns, column + 1);
      }
    g_assert_cmpint (columns, ==, 1);
  }
  ui_snapshot (ui, "events-one-column");

  /* Longer timeouts: with [session] idle_timeout = 5 the warning would come after 5 s;
   * in 长辈模式 (elder_idle_timeout = 10) not before 10 s. */
  t0 = g_get_monotonic_time ();
  hb_session_touch (session);
  g_assert_true (hb_test_wait_until (warning_up, session, 30000));
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 9 * G_USEC_PER_SEC);
  hb_session_extend (session);

  /* Off again by the same toggle: the standard timeouts are back. */
  ui_press (ui, "长辈模式");
  g_assert_true (hb_test_wait_until (elder_off, ui->window, 5000));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (ui->window), HB_ELDER_CSS_CLASS));
  g_assert_cmpuint (notes.notified, ==, 2);

  /* On again, then the visit ends: the next resident starts in the standard mode. */
  ui_press (ui, "长辈模式");
  g_assert_true (hb_test_wait_until (elder_on, ui->window, 5000));
  hb_session_wipe (session, HB_WIPE_CANCELLED);
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  g_assert_false (hb_window_get_elder_mode (ui->window));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (ui->window), HB_ELDER_CSS_CLASS));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (ui_wait_for (ui, "长辈模式"))));
  g_signal_handlers_disconnect_by_data (ui->window, &notes);
}

static void
setup_elder_timeouts (Ui *ui, gconstpointer data)
{
  ui_setup_with (ui, "5", "30");
  ui_set (ui, "session", "elder_idle_timeout", "10");
  ui_set (ui, "session", "elder_warning_seconds", "60");
}

/* --- WCAG 2.2.1 -------------------------------------------------------------------- */

typedef struct { guint first_seconds; guint warnings; } WarnLog;

static void
on_warning (HbSession *session, guint seconds, WarnLog *log)
{
  if (log->warnings++ == 0 || seconds > log->first_seconds)
    log->first_seconds = seconds;
}

static gboolean
session_wiped_to_attract (gpointer data)
{
  Ui *ui = data;
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  return hb_session_get_state (session) == HB_SESSION_ATTRACT
         && hb_window_get_page_id (ui->window) == HB_PAGE_ATTRACT;
}

static void
test_idle_warning_gives_30s_and_unlimited_extensions (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  WarnLog log = { 0, 0 };

  ui->prefix = "wcag-";
  /* The configuration asked for a 4 s warning: it was raised to 30 s. */
  g_signal_connect (session, "idle-warning", G_CALLBACK (on_warning), &log);
  ui_identify (ui, "放身份证 1");
  for (guint i = 0; i < 3; i++)
    {
      log.warnings = 0;
      g_assert_true (hb_test_wait_until (warning_shown, ui, 20000));
      g_assert_cmpuint (log.first_seconds, >=, 30);
      if (i == 0)
        ui_snapshot (ui, "warning");
      ui_press (ui, "继续办理");
      g_assert_true (hb_test_wait_until (warning_gone, session, 5000));
      g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_IDENTIFIED);
      g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_CATALOG);
    }
  /* Nobody answers the fourth: after the 30 s, the visit is wiped. */
  g_assert_true (hb_test_wait_until (warning_shown, ui, 20000));
  g_assert_true (hb_test_wait_until (session_wiped_to_attract, ui, 45000));
  g_assert_null (hb_session_get_person (session));
  g_assert_null (hb_window_get_page (ui->window, HB_PAGE_CATALOG));
  g_signal_handlers_disconnect_by_data (session, &log);
}

static void
setup_short_warning (Ui *ui, gconstpointer data)
{
  ui_setup_with (ui, "5", "4");
}

/* --- language switch mid-form ----------------------------------------------------- */

static gboolean
is_english (gpointer data)
{
  return hb_i18n_is_english ();
}

static gboolean
is_chinese (gpointer data)
{
  return !hb_i18n_is_english ();
}

/* The question's entry on the form page (its name is the catalog's label, per language). */
static GtkWidget *
find_entry (GtkWidget *w)
{
  if (GTK_IS_ENTRY (w) && gtk_widget_get_mapped (w))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_entry (c);
      if (found)
        return found;
    }
  return NULL;
}

static gboolean
entry_says (gpointer data)
{
  Ui *ui = data;
  GtkWidget *e = find_entry (GTK_WIDGET (ui->window));
  const char *want = g_object_get_data (G_OBJECT (ui->window), "want");
  return e && g_str_equal (gtk_editable_get_text (GTK_EDITABLE (e)), want);
}

static void
assert_entry_says (Ui *ui, const char *text)
{
  g_object_set_data (G_OBJECT (ui->window), "want", (gpointer) text);
  if (!hb_test_wait_until (entry_says, ui, 10000))
    {
      GtkWidget *e = find_entry (GTK_WIDGET (ui->window));
      g_assert_nonnull (e);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (e)), ==, text);
    }
}

static void
test_language_switch_keeps_the_answers (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  GtkWidget *entry;

  ui->prefix = "language-";
  ui_identify (ui, "放身份证 1");
  ui_press (ui, "异地就医备案");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始办理：先了解您的情况");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  ui_press (ui, "临时外出");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_set_text (ui, "就医地（省、市）", "浙江省杭州市");
  ui_press (ui, "下一步");
  ui_wait_for (ui, "开始日期");
  ui_set_text (ui, "开始日期", "20261201");

  /* To English on the second question: still there, with what was typed. */
  ui_press (ui, "Switch to English");
  g_assert_true (hb_test_wait_until (is_english, NULL, 10000));
  ui_wait_page (ui, HB_PAGE_FORM);
  assert_entry_says (ui, "2026-12-01");
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_IN_SERVICE);
  ui_snapshot (ui, "form-in-english");

  /* Back a question: the first answer too. */
  ui_press (ui, "Back");
  assert_entry_says (ui, "浙江省杭州市");

  /* And to Chinese again, in 长辈模式 as well: the same. */
  ui_press (ui, "切换到中文");
  g_assert_true (hb_test_wait_until (is_chinese, NULL, 10000));
  ui_press (ui, "长辈模式");
  g_assert_true (hb_test_wait_until (elder_on, ui->window, 10000));
  entry = ui_wait_for (ui, "就医地（省、市）");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "浙江省杭州市");
  g_assert_cmpstr (hb_form_get_value (hb_session_get_form (session), "start_date"), ==,
                   "2026-12-01");
  ui_snapshot (ui, "form-elder");
  hb_i18n_set_language ("zh_CN");
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/ui/audit/checker-fails-on-broken-widgets", test_checker_fails_on_broken_widgets);
  g_test_add ("/ui/audit/attract-identify-catalog-panels-business-pass-in-both-modes-and-languages",
              Ui, NULL, ui_setup, test_audit_start_and_catalog, ui_teardown);
  g_test_add ("/ui/audit/a-visit-guide-form-check-result-print-rating-progress-place-pass",
              Ui, NULL, ui_setup, test_audit_visit, ui_teardown);
  g_test_add ("/ui/audit/situation-text-and-date-questions-pass", Ui, NULL, ui_setup,
              test_audit_situation_and_dates, ui_teardown);
  g_test_add ("/ui/audit/the-idle-warning-passes", Ui, NULL, ui_setup,
              test_audit_idle_warning, ui_teardown);
  g_test_add ("/ui/elder/one-tap-per-visit-one-column-longer-timeouts", Ui, NULL,
              setup_elder_timeouts, test_elder_mode_is_per_visit_and_slower, ui_teardown);
  g_test_add ("/ui/timeouts/warning-gives-30s-extends-three-times-then-wipes", Ui, NULL,
              setup_short_warning, test_idle_warning_gives_30s_and_unlimited_extensions,
              ui_teardown);
  g_test_add ("/ui/language/switching-mid-form-keeps-the-answers-and-the-question", Ui, NULL,
              ui_setup, test_language_switch_keeps_the_answers, ui_teardown);
  return g_test_run ();
}
