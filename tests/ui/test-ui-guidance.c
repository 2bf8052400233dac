/* UI: 智能导办 — a service's situation questions one per page, then the guide lists exactly
 * the materials this resident needs (those an electronic licence replaces marked 免于提交);
 * changing an answer changes the list. PNGs in build/test-output/test-ui-guidance/. */
#include "ui-fixture.h"

#define IIT "个人所得税综合所得年度汇算"
#define BANK "• 本人银行结算账户（借记卡）（用于发放待遇）"

static void
test_situations_make_a_personal_material_list (Ui *ui, gconstpointer data)
{
  ui->prefix = "guidance-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_press (ui, IIT);
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_snapshot (ui, "guide-general");

  ui_press (ui, "开始办理：先了解您的情况");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  ui_wait_for (ui, "预计结果？");
  ui_snapshot (ui, "question");
  ui_press (ui, "申请退税");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_wait_for (ui, "根据您的情况，需要准备的材料");
  g_assert_nonnull (ui_find (ui, BANK));                     /* a refund needs the account */
  g_assert_nonnull (ui_find (ui, "• 居民身份证 — 免于提交：已调取电子证照"));
  ui_snapshot (ui, "guide-personal-refund");

  /* Another answer, another list. */
  ui_press (ui, "修改我的情况");
  ui_wait_page (ui, HB_PAGE_SITUATION);
  ui_press (ui, "需要补税");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_wait_for (ui, "根据您的情况，需要准备的材料");
  g_assert_null (ui_find (ui, BANK));
  ui_snapshot (ui, "guide-personal-pay");

  /* Answered: start goes to the form — here every answer is pre-filled, so straight to the
   * check page to confirm them. */
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_CHECK);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/guidance/situations-make-a-personal-material-list", Ui, NULL, ui_setup,
              test_situations_make_a_personal_material_list, ui_teardown);
  return g_test_run ();
}
