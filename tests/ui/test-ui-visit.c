/* UI: whole visits through the real widgets, found by accessible name, under Xvfb.
 * A PNG of every page lands in the test output (build/test-output/test-ui-visit/). */
#include "ui-fixture.h"

static void
test_visit_through_every_page (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  const char *reference;

  ui->prefix = "online-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_wait_for (ui, "开始办理");
  ui_snapshot (ui, "attract");

  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_snapshot (ui, "identify");

  /* The 模拟设备 panel puts sample card 1 on the virtual reader. */
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_IDENTIFIED);
  ui_wait_for (ui, "居住证签注");
  ui_snapshot (ui, "catalog");

  ui_press (ui, "居住证签注");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_snapshot (ui, "guide");

  ui_press (ui, "开始填写");
  /* One question per page: the answers the card gave are not asked again. */
  ui_wait_page (ui, HB_PAGE_FORM);
  ui_wait_for (ui, "联系电话");
  ui_snapshot (ui, "form");

  /* Next without a phone number: the error summary names the problem. */
  ui_press (ui, "下一步");
  ui_wait_for (ui, "填写有误");
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_FORM);
  ui_snapshot (ui, "form-errors");

  /* Type the number on the on-screen keypad, then correct it by hand. */
  ui_press (ui, "1");
  ui_press (ui, "3");
  hb_test_spin (400);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_find (ui, "联系电话"))), ==, "13");
  ui_set_text (ui, "联系电话", "13812345678");
  ui_press (ui, "下一步");
  /* The next question: how to get the result, the usual answer already chosen. */
  ui_wait_for (ui, "本机打印回执");
  ui_snapshot (ui, "form-choice");
  ui_press (ui, "下一步：核对信息");
  ui_wait_page (ui, HB_PAGE_CHECK);
  /* …they are confirmed here, masked. */
  g_assert_cmpstr (ui_label_text (ui, "公民身份号码"), ==, "310***********1237");
  ui_snapshot (ui, "check");

  ui_press (ui, "确认提交");
  ui_wait_page (ui, HB_PAGE_RESULT);
  reference = ui_label_text (ui, "办件编号");
  g_assert_true (g_str_has_prefix (reference, "SH"));
  ui_snapshot (ui, "result");

  ui_press (ui, "打印回执");
  ui_wait_page (ui, HB_PAGE_PRINT);
  ui_wait_for (ui, "已取走回执，去评价");
  ui_snapshot (ui, "print");

  ui_press (ui, "已取走回执，去评价");
  ui_wait_page (ui, HB_PAGE_RATING);
  ui_snapshot (ui, "rating");

  ui_press (ui, "满意");
  ui_wait_for (ui, "服务效率高");
  ui_press (ui, "服务效率高");
  ui_press (ui, "服务态度好");
  ui_snapshot (ui, "rating-indicators");
  ui_press (ui, "提交评价");
  hb_test_spin (500);
  ui_snapshot (ui, "thanks");
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_ATTRACT);
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_ATTRACT);
  ui_snapshot (ui, "attract-again");

  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/applications"), ==, 1);
  /* The rating reached the platform with the indicators ticked, for this case. */
  for (guint i = 0; i < 100 && hb_test_sim_count (ui->sim, "/_sim/ratings") < 1; i++)
    hb_test_spin (50);
  {
    long status = 0;
    g_autofree char *ratings = hb_test_sim_request (ui->sim, "GET", "/_sim/ratings", NULL, &status);
    g_assert_cmpint (status, ==, 200);
    g_assert_nonnull (strstr (ratings, "\"level\":4"));
    g_assert_nonnull (strstr (ratings, "服务效率高"));
    g_assert_nonnull (strstr (ratings, "服务态度好"));
    g_assert_nonnull (strstr (ratings, "\"outcome\":\"completed\""));
  }
  /* Nothing of the visit survives in a widget: the pages that showed it are gone. */
  g_assert_null (hb_window_get_page (ui->window, HB_PAGE_FORM));
  g_assert_null (hb_window_get_page (ui->window, HB_PAGE_CHECK));
  g_assert_null (ui_find (ui, "联系电话"));
}

static void
test_offline_visit_shows_queued_reference (Ui *ui, gconstpointer data)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (ui->sim, "POST", "/_sim/faults", "{\"status\":503}", &status);
  HbCore *core = hb_application_get_core (ui->app);

  ui->prefix = "offline-";
  g_assert_cmpint (status, ==, 200);
  ui_press (ui, "开始办理");
  ui_press (ui, "放身份证 2");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_press (ui, "居住证签注");
  ui_press (ui, "开始填写");
  ui_set_text (ui, "联系电话", "13987654321");
  ui_press (ui, "下一步");
  ui_press (ui, "下一步：核对信息");
  ui_press (ui, "确认提交");
  ui_wait_page (ui, HB_PAGE_RESULT);
  g_assert_true (g_str_has_prefix (ui_label_text (ui, "受理凭证号"), "HB"));
  ui_snapshot (ui, "result-queued");

  /* Paper runs out: the print page says so and keeps the reference on screen. */
  ui_press (ui, "打印机缺纸");
  hb_test_spin (500);
  ui_press (ui, "打印回执");
  ui_wait_for (ui, "重新打印");
  g_assert_nonnull (strstr (ui_label_text (ui, "打印状态"), "缺纸"));
  ui_snapshot (ui, "print-paper-out");
  /* Instead of the paper receipt: the electronic copy to 随申办, queued like the
   * application (the platform is down). */
  ui_press (ui, "发送电子版到“随申办”");
  ui_wait_for (ui, "继续，去评价");
  g_assert_nonnull (strstr (ui_label_text (ui, "打印状态"), "已为您安排"));
  ui_snapshot (ui, "print-sent-instead");
  ui_press (ui, "继续，去评价");
  ui_wait_page (ui, HB_PAGE_RATING);
  ui_press (ui, "跳过评价");
  ui_wait_page (ui, HB_PAGE_ATTRACT);

  body = (g_free (body), hb_test_sim_request (ui->sim, "POST", "/_sim/faults", "{}", &status));
  g_assert_true (hb_sync_get_reachable (hb_core_get_sync (core)) ||
                 hb_test_sim_count (ui->sim, "/_sim/applications") <= 1);
  {
    HbTestSim *sim = ui->sim;
    gboolean arrived = FALSE;
    for (int i = 0; i < 100 && !arrived; i++)
      {
        arrived = hb_test_sim_count (sim, "/_sim/applications") == 1;
        if (!arrived)
          hb_test_spin (100);
      }
    g_assert_true (arrived);
    /* …and the delivery of its receipt, once. */
    arrived = FALSE;
    for (int i = 0; i < 100 && !arrived; i++)
      {
        arrived = hb_test_sim_count (sim, "/_sim/deliveries") == 1;
        if (!arrived)
          hb_test_spin (100);
      }
    g_assert_true (arrived);
  }
}

static gboolean
warning_shown (gpointer data)
{
  return ui_find (data, "继续办理") != NULL;
}

static void
test_idle_warning_then_wipe (Ui *ui, gconstpointer data)
{
  HbSession *session = hb_core_get_session (hb_application_get_core (ui->app));
  ui->prefix = "idle-";
  ui_press (ui, "开始办理");
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_true (hb_test_wait_until (warning_shown, ui, 15000));
  ui_snapshot (ui, "warning");
  ui_press (ui, "继续办理");
  hb_test_spin (400);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_IDENTIFIED);
  /* Nobody answers the second time: back to the start, visit wiped. */
  g_assert_true (hb_test_wait_until (warning_shown, ui, 15000));
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_ATTRACT);
  g_assert_null (hb_session_get_person (session));
  g_assert_null (hb_window_get_page (ui->window, HB_PAGE_CATALOG));
}

static void
setup_short_idle (Ui *ui, gconstpointer data)
{
  ui_setup_with (ui, "5", "4");
  /* A configured warning is at least 30 s (WCAG 2.2.1, test-ui-audit.c); this test
   * cannot wait that long, so it sets the session's raw timeouts. */
  hb_session_set_timeouts (hb_core_get_session (hb_application_get_core (ui->app)), 5000, 4000);
}

static void
test_english_switch (Ui *ui, gconstpointer data)
{
  ui->prefix = "english-";
  ui_press (ui, "Switch to English");
  ui_wait_for (ui, "Start");
  ui_snapshot (ui, "attract");
  ui_press (ui, "Start");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_wait_for (ui, "Back to start");
  ui_snapshot (ui, "identify");
  ui_press (ui, "切换到中文");
  ui_wait_for (ui, "返回首页");
  hb_i18n_set_language ("zh_CN");
}

static void
test_inspector_keybinding_is_off (Ui *ui, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.gtk.gtk4.Settings.Debug");
  g_assert_false (g_settings_get_boolean (settings, "enable-inspector-keybinding"));
}

static gboolean
start_button_gone (gpointer data)
{
  return ui_find (data, "开始办理") == NULL && ui_find (data, "暂停服务") != NULL;
}

static void
test_out_of_service_lets_no_visit_start (Ui *ui, gconstpointer data)
{
  HbCore *core = hb_application_get_core (ui->app);
  HbSession *session = hb_core_get_session (core);

  ui->prefix = "out-of-service-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  hb_core_set_out_of_service (core, TRUE, "设备检修");
  g_assert_true (hb_test_wait_until (start_button_gone, ui, 10000));
  g_assert_nonnull (strstr (ui_label_text (ui, "暂停服务"), "暂停服务"));
  ui_snapshot (ui, "attract");

  /* A card on the reader does not open a visit. */
  ui_press (ui, "放身份证 1");
  hb_test_spin (1500);
  g_assert_cmpint (hb_session_get_state (session), ==, HB_SESSION_ATTRACT);

  /* Back in service: the way in is back. */
  hb_core_set_out_of_service (core, FALSE, NULL);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
}

static void
test_close_is_refused (Ui *ui, gconstpointer data)
{
  /* A resident cannot close the kiosk window (Alt+F4, window manager close). */
  g_assert_true (GTK_WINDOW_GET_CLASS (ui->window)->close_request (GTK_WINDOW (ui->window)));
  gtk_window_close (GTK_WINDOW (ui->window));
  hb_test_spin (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ui->window)));
  g_assert_false (gtk_window_get_decorated (GTK_WINDOW (ui->window)));
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/visit/through-every-page-with-a-png-of-each", Ui, NULL, ui_setup,
              test_visit_through_every_page, ui_teardown);
  g_test_add ("/ui/visit/offline-shows-a-queued-reference-and-paper-out", Ui, NULL, ui_setup,
              test_offline_visit_shows_queued_reference, ui_teardown);
  g_test_add ("/ui/visit/idle-warning-can-be-extended-then-wipes", Ui, NULL, setup_short_idle,
              test_idle_warning_then_wipe, ui_teardown);
  g_test_add ("/ui/visit/english-switch-rebuilds-the-pages", Ui, NULL, ui_setup,
              test_english_switch, ui_teardown);
  g_test_add ("/ui/attract/out-of-service-lets-no-visit-start", Ui, NULL, ui_setup,
              test_out_of_service_lets_no_visit_start, ui_teardown);
  g_test_add ("/ui/window/close-is-refused", Ui, NULL, ui_setup, test_close_is_refused, ui_teardown);
  g_test_add ("/ui/window/inspector-keybinding-is-off", Ui, NULL, ui_setup,
              test_inspector_keybinding_is_off, ui_teardown);
  return g_test_run ();
}
