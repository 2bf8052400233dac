/* UI: the form one question per page, the check-answers page with its "修改" links, and
 * pre-review (智能预审) stopping a submission with an error summary and inline errors that
 * say how to fix each; then a 一件事 bundle from the life-event list to one case number per
 * member. Through the real widgets under Xvfb; a PNG of every page in
 * build/test-output/test-ui-form/. */
#include "ui-fixture.h"

static const char *
entry_text (Ui *ui, const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (ui_wait_for (ui, name)));
}

static const char *
step_text (Ui *ui)
{
  HbPage *form = hb_window_get_page (ui->window, HB_PAGE_FORM);
  /* The form page's lead line: "第 n 题，共 m 题". */
  for (GtkWidget *w = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (form)));
       w; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "lead"))
      return gtk_label_get_text (GTK_LABEL (w));
  return NULL;
}

static void
test_one_question_per_page_then_pre_review (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  g_autofree char *phone = NULL;

  ui->prefix = "form-";
  ui_identify (ui, "放身份证 1");
  ui_press (ui, "异地就医备案");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始办理：先了解您的情况");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  ui_press (ui, "临时外出");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");

  /* The phone came from the platform's profile: not asked. Three questions are left. */
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, "就医地（省、市）");
  g_assert_cmpstr (step_text (ui), ==, "第 1 题，共 3 题");
  g_assert_null (ui_find (ui, "联系电话"));
  ui_snapshot (ui, "question-1-text");
  ui_set_text (ui, "就医地（省、市）", "浙江省杭州市");
  ui_press (ui, "下一步");

  /* A date on the digit pad: 8 digits become 2026-12-01. */
  ui_wait_for (ui, "开始日期");
  g_assert_cmpstr (step_text (ui), ==, "第 2 题，共 3 题");
  ui_press_digits (ui, "开始日期", "20261201");
  g_assert_cmpstr (entry_text (ui, "开始日期"), ==, "20261201");
  g_assert_cmpstr (hb_form_get_value (hb_session_get_form (session), "start_date"), ==,
                   "2026-12-01");
  ui_snapshot (ui, "question-2-date");
  ui_press (ui, "下一步");

  /* Back keeps what was typed. */
  ui_wait_for (ui, "结束日期");
  ui_press (ui, "上一步");
  ui_wait_for (ui, "开始日期");
  g_assert_cmpstr (entry_text (ui, "开始日期"), ==, "2026-12-01");
  ui_press (ui, "下一步");

  /* An end before the start: each date is fine on its own, so the page lets it through… */
  ui_wait_for (ui, "结束日期");
  ui_set_text (ui, "结束日期", "20261120");
  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);
  phone = g_strdup (ui_label_text (ui, "联系电话"));
  g_assert_cmpuint (strlen (phone), ==, 11);   /* from the profile, shown for checking */
  ui_snapshot (ui, "check");

  /* …and pre-review stops it before anything is sent: summary on top, inline under the
   * answer, the same words, saying how to fix it. */
  ui_press (ui, "确认提交");
  ui_wait_for (ui, "结束日期不能早于开始日期，请检查两个日期。");
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_CHECK);
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/applications"), ==, 0);
  ui_snapshot (ui, "check-pre-review-errors");

  /* The summary's link opens the question with the message under it. */
  ui_press (ui, "结束日期不能早于开始日期，请检查两个日期。");
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, "结束日期");
  g_assert_nonnull (ui_find (ui, "填写有误"));
  ui_snapshot (ui, "question-with-pre-review-error");
  ui_set_text (ui, "结束日期", "20261231");
  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);
  g_assert_cmpstr (ui_label_text (ui, "结束日期"), ==, "2026-12-31");

  /* "修改" on a pre-filled answer opens its page, and 下一步 comes back here. */
  ui_press (ui, "修改联系电话");
  ui_wait_page (ui, HB_PAGE_FORM);
  g_assert_cmpstr (entry_text (ui, "联系电话"), ==, phone);
  ui_snapshot (ui, "change-prefilled-phone");
  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);

  ui_press (ui, "确认提交");
  ui_wait_page (ui, HB_PAGE_RESULT);
  g_assert_true (g_str_has_prefix (ui_label_text (ui, "办件编号"), "SH"));
  ui_snapshot (ui, "result");
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/applications"), ==, 1);
}

static void
test_a_bundle_from_its_life_event_to_a_case_per_member (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  const HbSubmission *s;

  ui->prefix = "bundle-";
  ui_identify (ui, "放身份证 2");   /* 李秀英, 74 */
  ui_press (ui, "按人生事件");
  ui_press (ui, "退休");
  ui_press (ui, "退休一件事");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_snapshot (ui, "guide");
  ui_press (ui, "开始办理：先了解您的情况");

  /* The bundle's question, then those of its members it did not ask. */
  ui_wait_page (ui, HB_PAGE_SITUATION);
  ui_wait_for (ui, "是否持有独生子女父母光荣证？");
  ui_snapshot (ui, "situation-1");
  ui_press (ui, "是");
  ui_wait_for (ui, "退休类型？");
  ui_press (ui, "正常退休");
  ui_wait_for (ui, "谁来办理？");
  ui_snapshot (ui, "situation-member");
  ui_press (ui, "本人办理");

  /* One list of materials for the whole bundle. */
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_wait_for (ui, "根据您的情况，需要准备的材料");
  ui_snapshot (ui, "guide-personal");
  ui_press (ui, "开始填写");

  /* Shared data once: phone, address and account came from the profile; the retirement
   * date is asked once for all four services. */
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, "退休日期");
  ui_snapshot (ui, "question-shared");
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) later = g_date_time_add_days (now, 30);
    g_autofree char *date = g_date_time_format (later, "%Y%m%d");
    ui_press_digits (ui, "退休日期", date);
  }
  ui_press (ui, "下一步");

  /* Then what one member asks besides: 敬老卡's delivery. */
  ui_wait_for (ui, "敬老卡申领");
  ui_snapshot (ui, "question-member");
  ui_press (ui, "窗口领取");
  ui_press (ui, "下一步：核对信息");

  /* The check page: the shared answers, then each member's own. */
  ui_wait_page (ui, HB_PAGE_CHECK);
  ui_wait_for (ui, "修改退休日期");
  ui_snapshot (ui, "check");
  ui_press (ui, "确认提交");

  ui_wait_page (ui, HB_PAGE_RESULT);
  s = hb_session_get_submission (session);
  g_assert_nonnull (s->members);
  g_assert_cmpuint (s->members->len, ==, 4);
  g_assert_cmpstr (ui_label_text (ui, "敬老卡申领"), ==,
                   ((HbSubmission *) s->members->pdata[3])->case_number);
  ui_snapshot (ui, "result");
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/applications"), ==, 4);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/form/one-question-per-page-then-pre-review-and-change-links", Ui, NULL,
              ui_setup, test_one_question_per_page_then_pre_review, ui_teardown);
  g_test_add ("/ui/form/a-bundle-from-its-life-event-to-a-case-per-member", Ui, NULL,
              ui_setup, test_a_bundle_from_its_life_event_to_a_case_per_member, ui_teardown);
  return g_test_run ();
}
