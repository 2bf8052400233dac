/* UI: maintenance mode under Xvfb — the hidden gesture, the PIN entry and its lockout, the
 * dashboard, the outbox list, 暂停服务 and the technician's pages, with a PNG of each
 * (build/test-output/test-ui-maintenance/). The must-show: a clerk clears a paper-out and a
 * parked outbox item from the touch screen alone. */
#include "ui-fixture.h"
#include "ui/maintenance/hb-maintenance-ui.h"
#include "ui/maintenance/hb-maintenance-outbox.h"
#include "kiosk/hb-maintenance.h"
#include "kiosk/hb-report.h"
#include "drivers/virtual/hb-sim-client.h"

#define STAFF_PIN      "135790"
#define TECHNICIAN_PIN "246802"

static char *staff_hash;
static char *technician_hash;

static void
maint_setup (Ui *ui, gconstpointer data)
{
  ui_setup (ui, data);
  /* A short hold keeps the tests quick; the gesture is the same. */
  ui_set (ui, "maintenance", "gesture_ms", "200");
  ui_set (ui, "maintenance", "staff_pin_hash", staff_hash);
  ui_set (ui, "maintenance", "technician_pin_hash", technician_hash);
}

static void
sim_post (Ui *ui, const char *path, const char *json)
{
  long status = 0;
  g_autofree char *body = hb_test_sim_request (ui->sim, "POST", path, json, &status);
  g_assert_cmpint (status, ==, 200);
}

/* --- the simulator socket (a hand at the device), from a thread: the devices answer on
 * this test's main loop ----------------------------------------------------------------- */

typedef struct { char *socket; char *line; char *reply; GError *error; gint done; } SimSend;

static gpointer
sim_send_thread (gpointer data)
{
  SimSend *s = data;
  s->reply = hb_sim_client_send (s->socket, s->line, 5000, &s->error);
  g_atomic_int_set (&s->done, 1);
  return NULL;
}

static gboolean
sim_sent (gpointer data)
{
  return g_atomic_int_get (&((SimSend *) data)->done) != 0;
}

static void
device_send (Ui *ui, const char *line)
{
  SimSend s = { hb_config_dup_sim_socket (ui->config), g_strdup (line), NULL, NULL, 0 };
  GThread *thread = g_thread_new ("sim-send", sim_send_thread, &s);
  g_assert_true (hb_test_wait_until (sim_sent, &s, 10000));
  g_thread_join (thread);
  g_assert_no_error (s.error);
  g_free (s.socket);
  g_free (s.line);
  g_free (s.reply);
}

/* --- entry --------------------------------------------------------------------------- */

static gboolean
screen_open (gpointer data)
{
  return hb_maintenance_ui_is_open (((Ui *) data)->window);
}

/* The hidden gesture: a press held in the top-left corner (what GTK's gesture calls). */
static void
hold_corner (Ui *ui)
{
  hb_maintenance_ui_press (ui->window, 30, 30);
  g_assert_true (hb_test_wait_until (screen_open, ui, 5000));
  hb_maintenance_ui_release (ui->window);
  ui_wait_for (ui, "维护密码");
}

static HbMaintenance *
maintenance (Ui *ui)
{
  return hb_core_get_maintenance (hb_application_get_core (ui->app));
}

static gboolean
logged_in (gpointer data)
{
  return hb_maintenance_get_role (maintenance (data)) != HB_STAFF_ROLE_NONE;
}

static void
log_in (Ui *ui, const char *pin)
{
  hold_corner (ui);
  ui_press_digits (ui, "维护密码", pin);
  ui_press (ui, "登录");
  g_assert_true (hb_test_wait_until (logged_in, ui, 30000));
  ui_wait_for (ui, "重新检测");
}

typedef struct { Ui *ui; const char *name; const char *prefix; } TextWait;

static gboolean
label_starts (gpointer data)
{
  TextWait *w = data;
  GtkWidget *l = ui_find (w->ui, w->name);
  return l && GTK_IS_LABEL (l) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (l)), w->prefix);
}

static void
wait_label (Ui *ui, const char *name, const char *prefix)
{
  TextWait w = { ui, name, prefix };
  if (!hb_test_wait_until (label_starts, &w, 30000))
    g_error ("label %s never started with \"%s\" (it says \"%s\")", name, prefix,
             ui_find (ui, name) ? gtk_label_get_text (GTK_LABEL (ui_find (ui, name))) : "-");
}

static gboolean
screen_closed (gpointer data)
{
  return !hb_maintenance_ui_is_open (((Ui *) data)->window);
}

/* 退出维护: back to the attract page, logged out. */
static void
leave (Ui *ui)
{
  ui_press (ui, "退出维护");
  g_assert_true (hb_test_wait_until (screen_closed, ui, 5000));
  g_assert_false (hb_maintenance_is_active (maintenance (ui)));
  g_assert_null (hb_maintenance_get_actor (maintenance (ui)));
}

static void
test_gesture_opens_the_entry_on_the_attract_page (Ui *ui, gconstpointer data)
{
  ui->prefix = "entry-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  /* Anywhere but the corner, and a press let go too early, do nothing. */
  hb_maintenance_ui_press (ui->window, 500, 800);
  hb_maintenance_ui_press (ui->window, 30, 30);
  hb_maintenance_ui_release (ui->window);
  hb_test_spin (600);
  g_assert_false (hb_maintenance_ui_is_open (ui->window));
  g_assert_null (ui_find (ui, "维护密码"));

  hold_corner (ui);
  g_assert_nonnull (ui_find (ui, "或刷工作人员身份证"));
  ui_snapshot (ui, "pin-pad");
  /* While the entry is open a card on the reader is no visit. */
  ui_press (ui, "放身份证 1");
  hb_test_spin (1000);
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (hb_application_get_core (ui->app))),
                   ==, HB_SESSION_ATTRACT);
  /* …it is checked as a staff card, and refused. */
  wait_label (ui, "登录提示", "此卡不是工作人员卡，还可尝试 4 次");
  ui_snapshot (ui, "resident-card-refused");
  leave (ui);
  ui_wait_for (ui, "开始办理");
}

static void
test_gesture_is_ignored_during_a_visit (Ui *ui, gconstpointer data)
{
  ui->prefix = "visit-";
  ui_identify (ui, "放身份证 1");
  hb_maintenance_ui_press (ui->window, 30, 30);
  hb_test_spin (800);   /* four times the hold */
  hb_maintenance_ui_release (ui->window);
  g_assert_false (hb_maintenance_ui_is_open (ui->window));
  g_assert_false (hb_maintenance_is_active (maintenance (ui)));
  g_assert_null (ui_find (ui, "维护密码"));
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_CATALOG);
  ui_snapshot (ui, "still-the-visit");
}

static void
test_pin_lockout_after_five_wrong_pins (Ui *ui, gconstpointer data)
{
  char expected[64];
  g_autofree char *first = NULL;

  ui->prefix = "lockout-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  hold_corner (ui);
  for (guint i = 1; i < HB_STAFF_MAX_FAILURES; i++)
    {
      ui_press_digits (ui, "维护密码", "000000");
      ui_press (ui, "登录");
      g_snprintf (expected, sizeof expected, "PIN 不正确，还可尝试 %u 次", HB_STAFF_MAX_FAILURES - i);
      wait_label (ui, "登录提示", expected);
      if (i == 1)
        ui_snapshot (ui, "wrong-pin");
    }
  ui_press_digits (ui, "维护密码", "000000");
  ui_press (ui, "登录");
  wait_label (ui, "登录提示", "已锁定，请 ");
  first = g_strdup (ui_label_text (ui, "登录提示"));
  g_assert_false (gtk_widget_is_sensitive (ui_find (ui, "登录")));
  /* It counts down. */
  {
    TextWait w = { ui, "登录提示", "已锁定，请 " };
    for (guint i = 0; i < 50 && g_str_equal (first, ui_label_text (ui, "登录提示")); i++)
      hb_test_spin (100);
    g_assert_true (label_starts (&w));
    g_assert_cmpstr (first, !=, ui_label_text (ui, "登录提示"));
  }
  ui_snapshot (ui, "locked");
  g_assert_cmpint (hb_maintenance_get_role (maintenance (ui)), ==, HB_STAFF_ROLE_NONE);
  leave (ui);
}

/* --- the must-show ------------------------------------------------------------------------ */

typedef struct { Ui *ui; const char *key; HbOutboxState state; guint failures; } ItemWait;

static gboolean
item_reached (gpointer data)
{
  ItemWait *w = data;
  g_autoptr(HbOutboxItem) item =
    hb_outbox_lookup (hb_core_get_outbox (hb_application_get_core (w->ui->app)), w->key, NULL);
  return item && item->state == w->state && item->failures >= w->failures;
}

typedef struct { gboolean done; GError *error; } Done;

static void
reported (GObject *source, GAsyncResult *result, gpointer data)
{
  Done *d = data;
  hb_core_report_finish (HB_CORE (source), result, &d->error);
  d->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Done *) data)->done;
}

/* A 办不成事 report the platform kept refusing with HTTP 500, until sync parked it. */
static char *
parked_item (Ui *ui)
{
  HbCore *core = hb_application_get_core (ui->app);
  HbOutbox *outbox = hb_core_get_outbox (core);
  Done d = { 0 };
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  sim_post (ui, "/_sim/faults", "{\"status\": 500}");
  hb_core_report_async (core, "attract", hb_report_reasons ()[0], NULL, NULL, NULL, reported, &d);
  g_assert_true (hb_test_wait_until (is_done, &d, 10000));
  g_assert_no_error (d.error);
  pending = hb_outbox_list (outbox, HB_OUTBOX_PENDING, 0, NULL);
  g_assert_cmpuint (pending->len, ==, 1);
  key = g_strdup (((HbOutboxItem *) pending->pdata[0])->key);
  {
    ItemWait w = { ui, key, HB_OUTBOX_PENDING, 2 };
    g_assert_true (hb_test_wait_until (item_reached, &w, 20000));
  }
  g_assert_true (hb_outbox_park (outbox, key, "HTTP 500 (platform error), 20 tries", &error));
  g_assert_no_error (error);
  sim_post (ui, "/_sim/faults", "{}");
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/reports"), ==, 0);
  return key;
}

static void
scroll_to (Ui *ui, const char *name)
{
  GtkWidget *w = ui_wait_for (ui, name);
  GtkWidget *scroll = gtk_widget_get_ancestor (w, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll));
  graphene_point_t p;

  g_assert_true (gtk_widget_compute_point (w, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroll)),
                                           &GRAPHENE_POINT_INIT (0, 0), &p));
  gtk_adjustment_set_value (adj, p.y);
}

static gboolean
delivered_once (gpointer data)
{
  return hb_test_sim_count (((Ui *) data)->sim, "/_sim/reports") >= 1;
}

/* A few weeks of use, so the charts on the dashboard have something to draw. */
static void
seed_usage (Ui *ui)
{
  HbUsage *usage = hb_core_get_usage (hb_application_get_core (ui->app));
  /* catalog services (the chart names them), and one code the catalog no longer has */
  static const char *const services[] = { "310000-GA-JZZ-0003", "310000-RS-SBDY-0012",
                                          "310000-XX-GONE-0001" };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < 60; i++)
    {
      gint64 at = now - (gint64) (i % 20) * 86400 - (gint64) (i * 7 % 9) * 3600;
      g_assert_true (hb_usage_record (usage, HB_USAGE_VISIT_STARTED, at, NULL, 0, NULL));
      g_assert_true (hb_usage_record (usage, HB_USAGE_SERVICE_CHOSEN, at, services[i % 3 == 0 ? 0 : i % 2 + 1], 0, NULL));
      g_assert_true (hb_usage_record (usage, i % 4 ? HB_USAGE_VISIT_COMPLETED : HB_USAGE_VISIT_ABANDONED,
                                      at + 300, NULL, 300, NULL));
      if (i % 3 == 0)
        g_assert_true (hb_usage_record (usage, HB_USAGE_RATING, at + 320, NULL, 5 - (i / 3) % 3, NULL));
    }
}

static void
test_clerk_clears_a_paper_out_and_a_parked_item (Ui *ui, gconstpointer data)
{
  g_autofree char *key = NULL;
  g_autofree char *retry = NULL;
  ItemWait sent;

  ui->prefix = "clerk-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  device_send (ui, "PAPER-OUT on receipt-printer");
  key = parked_item (ui);
  seed_usage (ui);

  /* The clerk: the corner, the PIN on the pad, 登录. */
  log_in (ui, STAFF_PIN);
  ui_wait_for (ui, "小票打印机：缺纸");
  ui_wait_for (ui, "小票纸用完 — 打开小票打印机仓盖，装入 80 mm 热敏纸卷，然后点 重新检测");
  ui_wait_for (ui, "待发送：0 件 · 最早 — · 搁置 1 件 · 拒收 0 件");
  ui_wait_for (ui, "有事项已搁置 — 点 待发送列表 查看原因，点 重试");
  ui_snapshot (ui, "dashboard-paper-out");

  /* Refill, then 重新检测: the printer reads OK. */
  device_send (ui, "PAPER-OUT off receipt-printer");
  ui_press (ui, "重新检测");
  ui_wait_for (ui, "小票打印机：正常");
  g_assert_null (ui_find (ui, "小票打印机：缺纸"));
  ui_snapshot (ui, "dashboard-refilled");
  scroll_to (ui, "使用统计");
  ui_snapshot (ui, "dashboard-charts");

  /* The outbox list: the parked report with its reason, 重试 → delivered, once. */
  ui_press (ui, "待发送列表");
  retry = g_strdup_printf ("重试 %.*s", HB_MAINTENANCE_KEY_SHOWN, key);
  ui_wait_for (ui, retry);
  ui_wait_for (ui, "原因：HTTP 500 (platform error), 20 tries");
  ui_snapshot (ui, "outbox-parked");
  ui_press (ui, retry);
  g_assert_true (hb_test_wait_until (delivered_once, ui, 20000));
  sent = (ItemWait) { ui, key, HB_OUTBOX_SENT, 0 };
  g_assert_true (hb_test_wait_until (item_reached, &sent, 20000));
  ui_wait_for (ui, "没有待发送的事项：全部已送达平台。");
  ui_snapshot (ui, "outbox-delivered");
  hb_test_spin (1000);
  g_assert_cmpint (hb_test_sim_count (ui->sim, "/_sim/reports"), ==, 1);

  ui_press (ui, "返回仪表盘");
  ui_wait_for (ui, "待发送：0 件 · 最早 — · 搁置 0 件 · 拒收 0 件");
  leave (ui);
  ui_wait_for (ui, "开始办理");
  g_assert_false (hb_maintenance_is_active (maintenance (ui)));
}

/* --- 暂停服务, tests, technician -------------------------------------------------------------- */

static void
test_out_of_service_shows_nearby_terminals (Ui *ui, gconstpointer data)
{
  HbCore *core = hb_application_get_core (ui->app);

  ui->prefix = "closed-";
  ui_set (ui, "terminal", "nearby", "徐汇区行政服务中心（漕溪北路336号）；田林街道社区事务受理服务中心（田林路200号）");
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  log_in (ui, STAFF_PIN);
  ui_press (ui, "暂停服务");
  ui_wait_for (ui, "服务状态：暂停服务中");
  g_assert_true (hb_core_get_out_of_service (core, NULL));
  ui_snapshot (ui, "dashboard-closed");
  leave (ui);
  ui_wait_for (ui, "请到附近的自助终端办理");
  ui_wait_for (ui, "田林街道社区事务受理服务中心（田林路200号）");
  g_assert_null (ui_find (ui, "开始办理"));
  ui_snapshot (ui, "residents-see");
  /* A card does not open a visit. */
  ui_press (ui, "放身份证 1");
  hb_test_spin (1000);
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (core)), ==, HB_SESSION_ATTRACT);

  log_in (ui, STAFF_PIN);
  ui_press (ui, "恢复服务");
  ui_wait_for (ui, "服务状态：正常服务");
  g_assert_false (hb_core_get_out_of_service (core, NULL));
  leave (ui);
  ui_wait_for (ui, "开始办理");
  g_assert_null (ui_find (ui, "请到附近的自助终端办理"));
}

static gboolean
allowlist_cached (gpointer data)
{
  HbStaffAuth *auth = hb_core_get_staff_auth (hb_application_get_core (((Ui *) data)->app));
  g_autofree char *version = NULL;
  guint n = 0;
  gint64 at = 0;
  hb_staff_auth_get_allowlist_info (auth, &version, &n, &at);
  return n > 0;
}

/* Sample card 4 (a 居住证) is staff S0012 on the sim's allow-list (data/sample-staff.json). */
static void
test_test_card_read_shows_the_masked_name (Ui *ui, gconstpointer data)
{
  ui->prefix = "test-card-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  hold_corner (ui);
  g_assert_true (hb_test_wait_until (allowlist_cached, ui, 15000));
  ui_press (ui, "放居住证 4");
  g_assert_true (hb_test_wait_until (logged_in, ui, 15000));
  g_assert_cmpstr (hb_maintenance_get_actor (maintenance (ui)), ==, "staff:S0012");
  ui_wait_for (ui, "工作人员 S0012");
  ui_wait_for (ui, "重新检测");
  /* A clerk sees no technician actions. */
  g_assert_null (ui_find (ui, "设备配置"));
  g_assert_null (ui_find (ui, "退出 kiosk"));
  ui_press (ui, "测试读卡");
  wait_label (ui, "测试结果", "请在读卡区放一张身份证");
  ui_press (ui, "放身份证 1");
  wait_label (ui, "测试结果", "读卡正常：");
  g_assert_nonnull (strstr (ui_label_text (ui, "测试结果"), "*"));
  ui_snapshot (ui, "masked-name");
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (hb_application_get_core (ui->app))),
                   ==, HB_SESSION_ATTRACT);
  ui_press (ui, "测试打印 小票");
  wait_label (ui, "测试结果", "测试打印完成");
  leave (ui);
}

#define TECH_CONF "# 徐汇区 terminal 0042: keep this comment\n[devices]\n" \
                  "# virtual until the real devices arrive\nmode=virtual\nreceipt_paper=a4\n"

typedef struct { Ui *ui; const char *action; } AuditWait;

static HbAuditRecord *
find_audit (Ui *ui, const char *action)
{
  HbAudit *audit = hb_core_get_audit (hb_application_get_core (ui->app));
  g_autoptr(GPtrArray) records = hb_audit_list_recent (audit, 100, NULL);
  for (guint i = 0; records && i < records->len; i++)
    {
      HbAuditRecord *r = records->pdata[i];
      if (g_strcmp0 (r->action, action) == 0)
        return g_steal_pointer (&records->pdata[i]);
    }
  return NULL;
}

static gboolean
audit_has (gpointer data)
{
  AuditWait *w = data;
  HbAuditRecord *r = find_audit (w->ui, w->action);
  if (r)
    hb_audit_record_free (r);
  return r != NULL;
}

static gboolean
choice_active (gpointer data)
{
  TextWait *w = data;
  GtkWidget *b = ui_find (w->ui, w->name);
  return b && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (b));
}

/* A pressed button is clicked after its short press animation: wait for the toggle. */
static void
press_choice (Ui *ui, const char *name)
{
  TextWait w = { ui, name, NULL };
  ui_press (ui, name);
  g_assert_true (hb_test_wait_until (choice_active, &w, 5000));
}

/* The technician picks 热敏卷 and 真实 on the touch screen: the file in use says so after 保存,
 * its comments intact, and the audit log names the keys (not their values). */
static void
test_technician_edits_the_device_configuration (Ui *ui, gconstpointer data)
{
  g_autofree char *conf = g_build_filename (ui->dir, "kiosk.conf", NULL);
  g_autofree char *saved = NULL;
  g_autoptr(HbConfig) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  AuditWait w = { ui, "devices.configure" };
  HbAuditRecord *r;

  ui->prefix = "technician-";
  g_assert_true (g_file_set_contents (conf, TECH_CONF, -1, NULL));
  hb_config_set_source (ui->config, conf);
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  log_in (ui, TECHNICIAN_PIN);
  ui_wait_for (ui, "退出 kiosk");
  ui_press (ui, "设备配置");
  /* The rows come once the worker has looked for ports, cameras and CUPS queues. */
  ui_wait_for (ui, "设备模式 真实");
  ui_wait_for (ui, "身份证阅读器串口 不使用");
  ui_wait_for (ui, "摄像头 不使用");
  ui_wait_for (ui, "A4 打印队列 默认打印机");
  /* The current values are preselected. */
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (ui_find (ui, "设备模式 虚拟"))));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (ui_find (ui, "小票 A4"))));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (ui_find (ui, "扫码器串口 不使用"))));
  ui_snapshot (ui, "device-config");

  press_choice (ui, "小票 热敏卷");
  press_choice (ui, "设备模式 真实");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (ui_find (ui, "设备模式 虚拟"))));
  ui_press (ui, "保存设备配置");
  wait_label (ui, "设备配置结果", "已保存，点 重启程序 后生效");
  ui_wait_for (ui, "重启程序 使配置生效");
  ui_snapshot (ui, "device-config-saved");

  g_assert_true (g_file_get_contents (conf, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "# 徐汇区 terminal 0042: keep this comment"));
  g_assert_nonnull (strstr (saved, "# virtual until the real devices arrive"));
  reloaded = hb_config_load (conf, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hb_config_get_string (reloaded, "devices", "mode"), ==, "real");
  g_assert_cmpstr (hb_config_get_string (reloaded, "devices", "receipt_paper"), ==, "roll");
  /* The running kiosk is unchanged until 重启程序. */
  g_assert_cmpstr (hb_config_get_string (ui->config, "devices", "mode"), ==, "virtual");

  g_assert_true (hb_test_wait_until (audit_has, &w, 10000));
  r = find_audit (ui, "devices.configure");
  g_assert_true (g_str_has_prefix (r->actor, "technician:"));
  g_assert_nonnull (strstr (r->detail, "mode"));
  g_assert_nonnull (strstr (r->detail, "receipt_paper"));
  g_assert_null (strstr (r->detail, "roll"));
  hb_audit_record_free (r);

  ui_press (ui, "返回仪表盘");
  ui_wait_for (ui, "重新检测");
  leave (ui);
}

static void
config_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;
  g_assert_false (hb_maintenance_configure_devices_finish (HB_MAINTENANCE (source), result, error));
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* The button is hidden from a clerk, and the controller refuses the save all the same. */
static void
test_clerk_cannot_save_the_device_configuration (Ui *ui, gconstpointer data)
{
  g_autofree char *conf = g_build_filename (ui->dir, "kiosk.conf", NULL);
  g_autofree char *after = NULL;
  const char *kv[] = { "devices", "mode", "real", NULL };
  GError *error = NULL;

  g_assert_true (g_file_set_contents (conf, TECH_CONF, -1, NULL));
  hb_config_set_source (ui->config, conf);
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  log_in (ui, STAFF_PIN);
  g_assert_null (ui_find (ui, "设备配置"));
  hb_maintenance_configure_devices_async (maintenance (ui), kv, NULL, config_done, &error);
  g_assert_true (hb_test_wait_until (error_set, &error, 10000));
  g_assert_error (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (conf, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, TECH_CONF);
  leave (ui);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  ui_test_init (&argc, &argv);
  staff_hash = hb_staff_auth_hash_pin (STAFF_PIN, HB_STAFF_PBKDF2_MIN_ITER, &error);
  g_assert_no_error (error);
  technician_hash = hb_staff_auth_hash_pin (TECHNICIAN_PIN, HB_STAFF_PBKDF2_MIN_ITER, &error);
  g_assert_no_error (error);
#define ADD(path, fn) g_test_add (path, Ui, NULL, maint_setup, fn, ui_teardown)
  ADD ("/ui/maintenance/gesture-opens-the-entry-on-the-attract-page",
       test_gesture_opens_the_entry_on_the_attract_page);
  ADD ("/ui/maintenance/gesture-is-ignored-during-a-visit", test_gesture_is_ignored_during_a_visit);
  ADD ("/ui/maintenance/pin-lockout-after-five-wrong-pins", test_pin_lockout_after_five_wrong_pins);
  ADD ("/ui/maintenance/clerk-clears-a-paper-out-and-a-parked-item",
       test_clerk_clears_a_paper_out_and_a_parked_item);
  ADD ("/ui/maintenance/out-of-service-shows-nearby-terminals",
       test_out_of_service_shows_nearby_terminals);
  ADD ("/ui/maintenance/test-card-read-shows-the-masked-name",
       test_test_card_read_shows_the_masked_name);
  ADD ("/ui/maintenance/technician-edits-the-device-configuration",
       test_technician_edits_the_device_configuration);
  ADD ("/ui/maintenance/clerk-cannot-save-the-device-configuration",
       test_clerk_cannot_save_the_device_configuration);
  return g_test_run ();
}
