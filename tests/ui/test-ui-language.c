/* UI: switching the language (or 长辈模式) mid-visit keeps the visit where it was. The
 * window rebuilds its pages (templates are translated when built); these pages must come
 * back showing what the resident had done on them. PNGs in
 * build/test-output/test-ui-language/. */
#include "ui-fixture.h"

/* 退休一件事: two of its situation questions answered, then English. */
static void
test_situation_questions_keep_their_answers (Ui *ui, gconstpointer data)
{
  HbCore *core = hb_application_get_core (ui->app);

  ui->prefix = "situation-";
  ui_identify (ui, "放身份证 2");
  ui_press (ui, "按人生事件");
  ui_press (ui, "退休");
  ui_press (ui, "退休一件事");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始办理：先了解您的情况");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  ui_wait_for (ui, "是否持有独生子女父母光荣证？");
  ui_press (ui, "是");
  ui_wait_for (ui, "退休类型？");
  ui_snapshot (ui, "zh-second-question");

  hb_window_set_language (ui->window, "en");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  /* The second question, in English: the first answer stands. */
  ui_wait_for (ui, "At the normal age");
  g_assert_null (ui_find (ui, "Yes"));
  g_assert_cmpstr (g_hash_table_lookup (hb_core_get_answers (core), "one_child"), ==, "yes");
  g_assert_nonnull (ui_find (ui, "Kind of retirement?"));
  ui_snapshot (ui, "en-second-question");

  /* And on: the next answer goes on from there. */
  ui_press (ui, "At the normal age");
  ui_wait_for (ui, "I am applying for myself");
  g_assert_cmpstr (g_hash_table_lookup (hb_core_get_answers (core), "retire_kind"), ==, "normal");
  hb_window_set_language (ui->window, "zh_CN");
}

/* widget shows whole inside its page's scroller (not below the fold). */
static gboolean
in_view (gpointer widget)
{
  GtkWidget *sw = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t r;
  return sw && gtk_widget_compute_bounds (widget, sw, &r) && r.origin.y >= 0
         && r.origin.y + r.size.height <= gtk_widget_get_height (sw);
}

static gboolean
not_sensitive (gpointer widget)
{
  return !gtk_widget_is_sensitive (widget);
}

/* The rating page: a level chosen and an indicator ticked survive the switch; a rating
 * already submitted is not sent twice. */
static void
test_rating_keeps_the_chosen_level (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));

  ui->prefix = "rating-";
  /* A visit to rate: 个税汇算 is pre-filled whole, straight to the check page. */
  ui_identify (ui, "放身份证 1");
  ui_press (ui, "个人所得税综合所得年度汇算");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始办理：先了解您的情况");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  ui_press (ui, "申请退税");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_CHECK);
  ui_press (ui, "确认提交");
  ui_wait_page (ui, HB_PAGE_RESULT);
  ui_press (ui, "打印回执");
  ui_wait_page (ui, HB_PAGE_PRINT);
  ui_press (ui, "已取走回执，去评价");
  ui_wait_page (ui, HB_PAGE_RATING);
  ui_press (ui, "满意");
  ui_wait_for (ui, "服务效率高");
  ui_press (ui, "服务效率高");
  ui_snapshot (ui, "zh-chosen");

  hb_window_set_elder_mode (ui->window, TRUE);
  hb_window_set_language (ui->window, "en");
  ui_wait_page (ui, HB_PAGE_RATING);
  {
    GtkWidget *level = ui_wait_for (ui, "Satisfied");
    GtkWidget *indicator = ui_wait_for (ui, "Efficient service");
    g_assert_true (gtk_widget_has_css_class (level, "selected"));
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (indicator)));
    /* In 长辈模式 the levels fill the screen: the indicators are scrolled into view. */
    g_assert_true (hb_test_wait_until (in_view, indicator, 5000));
    g_assert_true (gtk_widget_is_sensitive (ui_find (ui, "Submit rating")));
  }
  ui_snapshot (ui, "en-elder-chosen");

  {
    GtkWidget *submit = ui_find (ui, "Submit rating");
    ui_press (ui, "Submit rating");
    g_assert_true (hb_test_wait_until (not_sensitive, submit, 5000));
  }
  /* Switched back while the thanks show: thanks again, no second rating. */
  hb_window_set_language (ui->window, "zh_CN");
  hb_window_set_elder_mode (ui->window, FALSE);
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  for (guint i = 0; i < 100 && hb_test_sim_count (ui->sim, "/_sim/ratings") < 1; i++)
    hb_test_spin (50);
  hb_test_spin (500);
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/ratings"), ==, 1);
  {
    long status = 0;
    g_autofree char *ratings = hb_test_sim_request (ui->sim, "GET", "/_sim/ratings", NULL,
                                                    &status);
    g_assert_nonnull (strstr (ratings, "\"level\":4"));
    g_assert_nonnull (strstr (ratings, "服务效率高"));
  }
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_ATTRACT);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/language/situation-questions-keep-their-answers", Ui, NULL, ui_setup,
              test_situation_questions_keep_their_answers, ui_teardown);
  g_test_add ("/ui/language/rating-keeps-the-chosen-level-and-is-sent-once", Ui, NULL,
              ui_setup, test_rating_keeps_the_chosen_level, ui_teardown);
  return g_test_run ();
}
