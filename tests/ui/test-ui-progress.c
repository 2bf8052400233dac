/* UI: 进度查询 — a receipt's QR scanned on the attract screen shows that case's timeline
 * without starting a visit; an unknown number says so plainly. PNGs in
 * build/test-output/test-ui-progress/. */
#include "ui-fixture.h"

/* An application accepted by the platform, as a terminal would have sent it. */
static char *
make_case (Ui *ui)
{
  const char *key = "ui-progress-key-0001";
  g_autofree char *url = g_strconcat (hb_test_sim_url (ui->sim), "/v1/applications", NULL);
  g_autofree char *body = g_strdup_printf (
    "{\"idempotency_key\":\"%s\",\"service_code\":\"310000-GA-JZZ-0003\","
    "\"terminal_id\":\"SH-DEMO-0001\",\"submitted_at\":\"2026-11-27T10:15:02+08:00\","
    "\"language\":\"zh_CN\",\"applicant\":{\"kind\":\"person\",\"id_type\":\"resident\","
    "\"id_number\":\"310104198506151237\",\"name\":\"张伟\",\"identified_by\":\"id_card\"},"
    "\"form\":{\"phone\":\"13900001234\",\"pickup\":\"print\"}}", key);
  g_autofree char *header = g_strconcat ("Idempotency-Key: ", key, NULL);
  const char *headers[] = { header, NULL };
  long status = 0;
  g_autofree char *reply = hb_test_http ("POST", url, body, headers, &status);
  g_assert_cmpint (status, ==, 201);
  g_autoptr(JsonObject) o = hb_json_parse_object (reply, -1, 4096, 4, NULL);
  return g_strdup (json_object_get_string_member (o, "case_number"));
}

static void
test_a_scanned_receipt_shows_its_timeline (Ui *ui, gconstpointer data)
{
  HbCore *core = hb_application_get_core (ui->app);
  ui->prefix = "progress-";
  g_autofree char *case_number = make_case (ui);
  ui_wait_page (ui, HB_PAGE_ATTRACT);

  /* What the scanner hands the core when the receipt's QR is held to it. */
  hb_core_identify_with_code (core, case_number);
  ui_wait_page (ui, HB_PAGE_PROGRESS);
  ui_wait_for (ui, "返回首页");
  g_autofree char *number = g_strdup_printf ("办件编号 %s", case_number);
  ui_wait_for (ui, number);
  g_assert_nonnull (ui_find (ui, "当前状态：已提交"));
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (core)), ==, HB_SESSION_ATTRACT);
  ui_snapshot (ui, "timeline");

  ui_press (ui, "返回首页");
  ui_wait_page (ui, HB_PAGE_ATTRACT);

  /* A number the platform does not know. */
  hb_core_identify_with_code (core, "SH20991231999999");
  ui_wait_page (ui, HB_PAGE_PROGRESS);
  ui_wait_for (ui, "没有查到这个办件编号。请核对回执，或拨打 12345 咨询。");
  ui_snapshot (ui, "unknown");
}

static gboolean
confirm_button_gone (gpointer data)
{
  return ui_find (data, "确认领取高龄老人营养补贴") == NULL;
}

static void
test_an_elderly_resident_confirms_a_benefit_then_sees_the_case (Ui *ui, gconstpointer data)
{
  ui->prefix = "benefits-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 2");   /* 李秀英, 74 */
  ui_wait_page (ui, HB_PAGE_CATALOG);
  /* 免申即享: offered without applying, confirmed with one tap. */
  ui_wait_for (ui, "确认领取高龄老人营养补贴");
  ui_snapshot (ui, "offered");
  ui_press (ui, "确认领取高龄老人营养补贴");
  g_assert_true (hb_test_wait_until (confirm_button_gone, ui, 15000));
  ui_snapshot (ui, "confirmed");

  /* The confirmation is a case, in the resident's progress. */
  ui_press (ui, "查询我的办件进度");
  ui_wait_page (ui, HB_PAGE_PROGRESS);
  ui_wait_for (ui, "返回事项列表");
  ui_wait_for (ui, "高龄老人营养补贴");
  ui_snapshot (ui, "progress");
  ui_press (ui, "返回事项列表");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  /* Already confirmed: no second button, and the platform has one case of it. */
  g_assert_null (ui_find (ui, "确认领取高龄老人营养补贴"));
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/progress/a-scanned-receipt-shows-its-timeline", Ui, NULL, ui_setup,
              test_a_scanned_receipt_shows_its_timeline, ui_teardown);
  g_test_add ("/ui/benefits/an-elderly-resident-confirms-one-then-sees-the-case", Ui, NULL,
              ui_setup, test_an_elderly_resident_confirms_a_benefit_then_sees_the_case,
              ui_teardown);
  return g_test_run ();
}
