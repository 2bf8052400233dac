/* UI: 帮办 and 办不成事 from the page a resident is on, under Xvfb, with a PNG of each panel
 * (build/test-output/test-ui-help/). */
#include "ui-fixture.h"

static void
sim_post (Ui *ui, const char *path, const char *json)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (ui->sim, "POST", path, json, &status);
  g_assert_cmpint (status, ==, 200);
}

static void
to_the_form (Ui *ui)
{
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_press (ui, "居住证签注");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
}

static void
test_help_counts_down_and_an_agent_answers (Ui *ui, gconstpointer data)
{
  ui->prefix = "help-";
  sim_post (ui, "/_sim/help", "{\"answer_after_ms\": 3000}");
  to_the_form (ui);
  ui_press (ui, "呼叫帮办");
  ui_wait_for (ui, "关闭帮办");
  ui_wait_for (ui, "60 秒");
  ui_snapshot (ui, "waiting");
  /* The agent answers; the page under the panel is still the form. */
  ui_wait_for (ui, "帮办人员已接通");
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_FORM);
  ui_snapshot (ui, "connected");
  ui_press (ui, "关闭帮办");
  hb_test_spin (300);
  g_assert_null (ui_find (ui, "关闭帮办"));
  g_assert_nonnull (ui_find (ui, "联系电话"));   /* the form, untouched */
}

static void
test_help_offline_tells_12345 (Ui *ui, gconstpointer data)
{
  ui->prefix = "help-offline-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  sim_post (ui, "/_sim/faults", "{\"status\": 503}");
  ui_press (ui, "呼叫帮办");
  ui_wait_for (ui, "暂时无法呼叫帮办");
  ui_snapshot (ui, "offline");
  sim_post (ui, "/_sim/faults", "{}");
  ui_press (ui, "关闭帮办");
}

static void
test_report_from_the_form_is_queued (Ui *ui, gconstpointer data)
{
  ui->prefix = "report-";
  to_the_form (ui);
  ui_press (ui, "办不成事反映");
  ui_wait_for (ui, "提交反映");
  g_assert_false (gtk_widget_is_sensitive (ui_find (ui, "提交反映")));   /* a reason first */
  ui_press (ui, "材料不全");
  ui_set_text (ui, "联系手机号（选填）", "1380013");
  hb_test_spin (100);
  g_assert_false (gtk_widget_is_sensitive (ui_find (ui, "提交反映")));   /* not a mobile yet */
  ui_set_text (ui, "联系手机号（选填）", "13800138000");
  ui_snapshot (ui, "filled");
  ui_press (ui, "提交反映");
  ui_wait_for (ui, "已记录，谢谢您！相关部门会跟进，帮您把事办成。");
  ui_snapshot (ui, "thanks");
  for (guint i = 0; i < 200 && hb_test_sim_count (ui->sim, "/_sim/reports") < 1; i++)
    hb_test_spin (50);
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/reports"), ==, 1);
  {
    long status = 0;
    g_autofree char *reports = hb_test_sim_request (ui->sim, "GET", "/_sim/reports", NULL, &status);
    g_assert_nonnull (strstr (reports, "材料不全"));
    g_assert_nonnull (strstr (reports, "\"form\""));
    g_assert_nonnull (strstr (reports, "310000-GA-JZZ-0003"));
  }
  /* The panel closes by itself and leaves the form as it was. */
  ui_wait_for (ui, "联系电话");
  for (guint i = 0; i < 100 && ui_find (ui, "提交反映"); i++)
    hb_test_spin (50);
  g_assert_null (ui_find (ui, "联系手机号（选填）"));
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/help/counts-down-and-an-agent-answers", Ui, NULL, ui_setup,
              test_help_counts_down_and_an_agent_answers, ui_teardown);
  g_test_add ("/ui/help/offline-tells-12345", Ui, NULL, ui_setup, test_help_offline_tells_12345,
              ui_teardown);
  g_test_add ("/ui/report/from-the-form-is-queued", Ui, NULL, ui_setup,
              test_report_from_the_form_is_queued, ui_teardown);
  return g_test_run ();
}
