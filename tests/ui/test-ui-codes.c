/* UI: visits that start with a 随申码 — a place code, a business's code, an offline code —
 * and a resident printing a new offline code, through the real widgets under Xvfb. A PNG
 * of each screen lands in the test output (build/test-output/test-ui-codes/). */
#include "ui-fixture.h"
#include "kiosk/hb-offline-code.h"

static gboolean
keys_synced (gpointer data)
{
  HbCore *core = data;
  return hb_keyring_get_n_keys (hb_sync_get_keyring (hb_core_get_sync (core))) > 0;
}

static void
test_place_code_shows_the_place_then_returns (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));

  ui->prefix = "place-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "扫场所码");
  ui_wait_page (ui, HB_PAGE_PLACE);
  g_assert_cmpstr (ui_label_text (ui, "场所名称"), ==, "徐汇区行政服务中心");
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_ATTRACT);
  ui_snapshot (ui, "place");
  ui_press (ui, "返回首页");
  ui_wait_page (ui, HB_PAGE_ATTRACT);
}

static void
test_business_code_offers_business_services (Ui *ui, gconstpointer data)
{
  ui->prefix = "enterprise-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "扫法人码");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_cmpstr (ui_label_text (ui, "问候"), ==, "您好，上海好办示范科技有限公司");
  ui_wait_for (ui, "单位参保缴费证明打印");
  g_assert_null (ui_find (ui, "居住证签注"));
  g_assert_null (ui_find (ui, "打印离线随申码（没有手机时使用）"));
  ui_snapshot (ui, "catalog");

  ui_press (ui, "单位参保缴费证明打印");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  /* What the business's code gave is not asked: only the period and a phone number. */
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_press (ui, "下一步");
  ui_set_text (ui, "经办人联系电话", "13812345678");
  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);
  g_assert_cmpstr (ui_label_text (ui, "统一社会信用代码"), ==, "91310104MA1HB0AB09");
  ui_snapshot (ui, "check");
}

static void
test_offline_code_leaves_card_fields_to_the_platform (Ui *ui, gconstpointer data)
{
  ui->prefix = "offline-";
  g_assert_true (hb_test_wait_until (keys_synced, hb_application_get_core (ui->app), 15000));
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "扫离线码");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_cmpstr (ui_label_text (ui, "问候"), ==, "您好，张*");   /* masked by the platform */
  ui_snapshot (ui, "catalog");
  ui_press (ui, "居住证签注");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_press (ui, "上一步");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
  /* The code carries no address: it is asked. */
  ui_set_text (ui, "本市居住地址", "上海市徐汇区漕溪北路88号");
  ui_press (ui, "下一步");
  ui_set_text (ui, "联系电话", "13812345678");
  ui_press (ui, "下一步");
  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);
  g_assert_cmpstr (ui_label_text (ui, "公民身份号码"), ==, "由平台根据随申码填写");
  ui_snapshot (ui, "check");
}

static gboolean
status_says_printed (gpointer data)
{
  Ui *ui = data;
  GtkWidget *w = ui_find (ui, "离线码打印状态");
  return w && strstr (gtk_label_get_text (GTK_LABEL (w)), "已打印") != NULL;
}

static void
test_resident_prints_an_offline_code (Ui *ui, gconstpointer data)
{
  ui->prefix = "print-code-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_press (ui, "打印离线随申码（没有手机时使用）");
  g_assert_true (hb_test_wait_until (status_says_printed, ui, 20000));
  ui_snapshot (ui, "printed");
}

static gboolean
proof_status_says (gpointer data)
{
  gpointer *w = data;
  GtkWidget *label = ui_find (w[0], "证明打印状态");
  return label && gtk_widget_get_visible (label) &&
         strstr (gtk_label_get_text (GTK_LABEL (label)), w[1]) != NULL;
}

static void
test_resident_prints_a_proof (Ui *ui, gconstpointer data)
{
  gpointer printed[] = { ui, "证明已打印" };

  ui->prefix = "print-proof-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_press (ui, "社保缴费证明");
  g_assert_true (hb_test_wait_until (proof_status_says, printed, 20000));
  ui_snapshot (ui, "printed");
}

static void
test_unknown_code_on_the_attract_screen_is_explained (Ui *ui, gconstpointer data)
{
  HbCore *core = hb_application_get_core (ui->app);

  ui->prefix = "unknown-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  hb_core_identify_with_code (core, "SSM1:DEMO:NOSUCHCODE");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  g_assert_nonnull (strstr (ui_label_text (ui, "身份核验提示"), "无法识别"));
  ui_snapshot (ui, "identify");
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/codes/place-code-shows-the-place-then-returns", Ui, NULL, ui_setup,
              test_place_code_shows_the_place_then_returns, ui_teardown);
  g_test_add ("/ui/codes/business-code-offers-business-services", Ui, NULL, ui_setup,
              test_business_code_offers_business_services, ui_teardown);
  g_test_add ("/ui/codes/offline-code-leaves-card-fields-to-the-platform", Ui, NULL, ui_setup,
              test_offline_code_leaves_card_fields_to_the_platform, ui_teardown);
  g_test_add ("/ui/codes/resident-prints-a-proof-from-the-platform", Ui, NULL, ui_setup,
              test_resident_prints_a_proof, ui_teardown);
  g_test_add ("/ui/codes/resident-prints-an-offline-code", Ui, NULL, ui_setup,
              test_resident_prints_an_offline_code, ui_teardown);
  g_test_add ("/ui/codes/unknown-code-on-the-attract-screen-is-explained", Ui, NULL, ui_setup,
              test_unknown_code_on_the_attract_screen_is_explained, ui_teardown);
  return g_test_run ();
}
