/* hb-maintenance-dashboard.c — the maintenance dashboard (see the header). */
#include "ui/maintenance/hb-maintenance-dashboard.h"
#include "ui/maintenance/hb-maintenance-charts.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-maintenance.h"
#include "kiosk/hb-log.h"

#include <glib/gi18n.h>
#include <sys/statvfs.h>

#define DISK_WARN_BYTES ((guint64) 1 << 30)
#define RECENT_ERRORS   5
#define CATALOG_OLD_S   (24 * 3600)

struct _HbMaintenanceDashboard
{
  GtkWidget      parent_instance;
  GtkWidget     *scroll;
  GtkBox        *devices;
  GtkBox        *system;
  GtkBox        *errors;
  GtkBox        *technician;
  GtkLabel      *test_result;
  GtkLabel      *action_result;
  GtkWidget     *service_button;
  GtkWidget     *charts;
  HbCore        *core;
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (HbMaintenanceDashboard, hb_maintenance_dashboard, GTK_TYPE_WIDGET)

enum { SIGNAL_SHOW_OUTBOX, SIGNAL_SHOW_CONFIG, N_SIGNALS };
static guint signals[N_SIGNALS];

static HbMaintenance *
maintenance (HbMaintenanceDashboard *self)
{
  return hb_core_get_maintenance (self->core);
}

/* A fact and, when something is wrong, what to do about it (never by colour alone: the
 * advice is words, shown under the fact). */
static void
add_fact (GtkBox *box, const char *fact, const char *advice)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (row, "summary-row");
  gtk_box_append (GTK_BOX (row), hb_ui_label (fact, advice ? "field-label maintenance-fault"
                                                           : "field-label"));
  if (advice)
    gtk_box_append (GTK_BOX (row), hb_ui_label (advice, "maintenance-advice"));
  gtk_box_append (box, row);
}

static const char *
status_word (HbDeviceStatus status, int paper)
{
  if (paper == HB_PAPER_OUT)
    return _("缺纸");
  switch (status)
    {
    case HB_DEVICE_STATUS_ONLINE:         return paper == HB_PAPER_LOW ? _("纸将用完") : _("正常");
    case HB_DEVICE_STATUS_BUSY:           return _("工作中");
    case HB_DEVICE_STATUS_STARTING:       return _("启动中");
    case HB_DEVICE_STATUS_OFFLINE:        return _("未打开");
    case HB_DEVICE_STATUS_NO_DEVICE:      return _("未连接");
    case HB_DEVICE_STATUS_HARDWARE_ERROR: return _("故障");
    case HB_DEVICE_STATUS_USER_ERROR:     return _("需要处理");
    default:                              return "?";
    }
}

static void
fill_devices (HbMaintenanceDashboard *self)
{
  HbDeviceManager *devices = hb_core_is_started (self->core) ? hb_core_get_devices (self->core)
                                                              : NULL;
  hb_ui_box_clear (self->devices);
  for (int kind = 0; kind < HB_DEVICE_N_KINDS; kind++)
    {
      HbDevice *device = devices ? hb_device_manager_get_device (devices, (HbDeviceKind) kind) : NULL;
      HbDeviceStatus status = device ? hb_device_get_status (device) : HB_DEVICE_STATUS_NO_DEVICE;
      int paper = device && HB_IS_PRINTER (device) ? (int) hb_printer_get_paper (HB_PRINTER (device))
                                                   : HB_PAPER_UNKNOWN;
      const char *advice = hb_maintenance_device_advice ((HbDeviceKind) kind, status,
                                                         device ? hb_device_get_status_detail (device)
                                                                : NULL, paper);
      /* "小票打印机：缺纸" — what the UI tests look for. */
      g_autofree char *fact = g_strdup_printf ("%s：%s",
                                               hb_maintenance_device_title ((HbDeviceKind) kind),
                                               status_word (status, paper));
      add_fact (self->devices, fact, advice);
    }
}

static char *
ago (gint64 seconds)
{
  if (seconds < 120)
    return g_strdup_printf (_("%d 秒前"), (int) seconds);
  if (seconds < 7200)
    return g_strdup_printf (_("%d 分钟前"), (int) (seconds / 60));
  if (seconds < 2 * 86400)
    return g_strdup_printf (_("%d 小时前"), (int) (seconds / 3600));
  return g_strdup_printf (_("%d 天前"), (int) (seconds / 86400));
}

static void
fill_system (HbMaintenanceDashboard *self)
{
  HbMaintenance *m = maintenance (self);
  g_autoptr(JsonNode) node = hb_core_is_started (self->core) ? hb_core_describe (self->core) : NULL;
  JsonObject *root = node ? json_node_get_object (node) : NULL;
  JsonObject *platform = root && json_object_has_member (root, "platform")
                         ? json_object_get_object_member (root, "platform") : NULL;
  JsonObject *catalog = root && json_object_has_member (root, "catalog")
                        ? json_object_get_object_member (root, "catalog") : NULL;
  JsonObject *outbox = root && json_object_has_member (root, "outbox")
                       ? json_object_get_object_member (root, "outbox") : NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 up = hb_maintenance_get_uptime (m);
  g_autofree char *data_dir = hb_config_dup_data_path (hb_core_get_config (self->core), "");
  struct statvfs vfs;
  gboolean closed = hb_core_get_out_of_service (self->core, NULL);

  hb_ui_box_clear (self->system);
  {
    gboolean reachable = platform && json_object_get_boolean_member_with_default (platform, "reachable", FALSE);
    gint64 last = platform ? json_object_get_int_member_with_default (platform, "last_contact", 0) : 0;
    g_autofree char *when = last > 0 ? ago (MAX (0, now - last)) : g_strdup (_("从未联系"));
    g_autofree char *fact = g_strdup_printf (_("平台：%s · 最后联系 %s"),
                                             reachable ? _("在线") : _("离线"), when);
    add_fact (self->system, fact,
              reachable ? NULL : _("平台连接中断 — 检查网线和网络；断网期间照常受理，恢复后自动补传"));
  }
  {
    const char *version = catalog && !json_object_get_null_member (catalog, "version")
                          ? json_object_get_string_member (catalog, "version") : NULL;
    gint64 n = catalog ? json_object_get_int_member_with_default (catalog, "services", 0) : 0;
    gint64 last = platform ? json_object_get_int_member_with_default (platform, "last_contact", 0) : 0;
    gint64 applied = catalog ? json_object_get_int_member_with_default (catalog, "applied_at", 0) : 0;
    g_autofree char *age = applied > 0 ? ago (MAX (0, now - applied)) : g_strdup ("—");
    /* TRANSLATORS: version, number of services, how long ago the catalog was updated */
    g_autofree char *fact = g_strdup_printf (_("事项目录：版本 %s · %d 项 · 更新于 %s"),
                                             version ? version : "—", (int) n, age);
    add_fact (self->system, fact,
              version == NULL || n == 0 ? _("没有事项目录 — 检查网络，点 立即同步")
              : (last > 0 && now - last > CATALOG_OLD_S)
                ? _("超过一天未与平台核对目录 — 检查网络，点 立即同步") : NULL);
  }
  {
    gint64 pending = outbox ? json_object_get_int_member_with_default (outbox, "pending", 0) : 0;
    gint64 oldest = outbox ? json_object_get_int_member_with_default (outbox, "oldest_pending_age_s", 0) : 0;
    gint64 parked = outbox ? json_object_get_int_member_with_default (outbox, "parked", 0) : 0;
    gint64 dead = outbox ? json_object_get_int_member_with_default (outbox, "dead", 0) : 0;
    g_autofree char *age = pending > 0 ? ago (oldest) : g_strdup ("—");
    g_autofree char *fact = g_strdup_printf (_("待发送：%d 件 · 最早 %s · 搁置 %d 件 · 拒收 %d 件"),
                                             (int) pending, age, (int) parked, (int) dead);
    add_fact (self->system, fact,
              parked > 0 ? _("有事项已搁置 — 点 待发送列表 查看原因，点 重试")
              : dead > 0 ? _("有事项被平台拒收 — 点 待发送列表 记下编号，联系技术人员")
              : pending > 0 && oldest > 3600 ? _("事项积压超过一小时 — 检查网络，点 立即同步")
              : NULL);
  }
  if (statvfs (data_dir, &vfs) == 0)
    {
      guint64 free_bytes = (guint64) vfs.f_bavail * vfs.f_frsize;
      g_autofree char *size = g_format_size (free_bytes);
      g_autofree char *fact = g_strdup_printf (_("磁盘剩余：%s"), size);
      add_fact (self->system, fact, free_bytes < DISK_WARN_BYTES
                ? _("磁盘空间不足 — 点 导出诊断包，然后联系技术人员清理") : NULL);
    }
  {
    g_autofree char *fact = g_strdup_printf (_("已运行：%d 天 %d 小时 %d 分"), (int) (up / 86400),
                                             (int) (up % 86400 / 3600), (int) (up % 3600 / 60));
    add_fact (self->system, fact, NULL);
  }
  add_fact (self->system, closed ? _("服务状态：暂停服务中") : _("服务状态：正常服务"),
            closed ? _("居民看到 暂停服务 和附近的终端 — 处理完毕后点 恢复服务") : NULL);
  gtk_button_set_label (GTK_BUTTON (self->service_button), closed ? _("恢复服务") : _("暂停服务"));
  hb_ui_set_accessible_label (self->service_button, closed ? _("恢复服务") : _("暂停服务"));
}

static void
fill_errors (HbMaintenanceDashboard *self)
{
  g_auto(GStrv) lines = hb_maintenance_recent_errors (hb_log_get_path (), RECENT_ERRORS);

  hb_ui_box_clear (self->errors);
  if (lines == NULL || lines[0] == NULL)
    {
      add_fact (self->errors, _("没有错误记录"), NULL);
      return;
    }
  for (guint i = 0; lines[i]; i++)
    add_fact (self->errors, lines[i], NULL);
  gtk_box_append (self->errors,
                  hb_ui_label (_("错误反复出现时 — 点 导出诊断包，交给技术人员"), "maintenance-advice"));
}

void
hb_maintenance_dashboard_refresh (HbMaintenanceDashboard *self)
{
  g_return_if_fail (HB_IS_MAINTENANCE_DASHBOARD (self));
  fill_devices (self);
  fill_system (self);
  fill_errors (self);
  gtk_widget_set_visible (GTK_WIDGET (self->technician),
                          hb_maintenance_can (maintenance (self),
                                              HB_MAINTENANCE_ACTION_DEVICE_CONFIG));
}

/* --- actions ---------------------------------------------------------------------------- */

static void
say (GtkLabel *label, const char *text)
{
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), text && *text);
}

static void
report (HbMaintenanceDashboard *self, gboolean ok, const GError *error, const char *done)
{
  say (self->action_result, ok ? done : error->message);
  hb_maintenance_dashboard_refresh (self);
}

static void
on_recheck (HbMaintenanceDashboard *self)
{
  g_autoptr(GError) error = NULL;
  report (self, hb_maintenance_recheck (maintenance (self), &error), error, _("已重新检测"));
}

static void
on_sync (HbMaintenanceDashboard *self)
{
  g_autoptr(GError) error = NULL;
  report (self, hb_maintenance_sync_now (maintenance (self), &error), error,
          _("已开始同步：目录、待发送事项和心跳"));
}

static void
on_outbox (HbMaintenanceDashboard *self)
{
  hb_maintenance_touch (maintenance (self));
  g_signal_emit (self, signals[SIGNAL_SHOW_OUTBOX], 0);
}

static void
on_config (HbMaintenanceDashboard *self)
{
  g_signal_emit (self, signals[SIGNAL_SHOW_CONFIG], 0);
}

static void
on_service (HbMaintenanceDashboard *self)
{
  gboolean closed = hb_core_get_out_of_service (self->core, NULL);
  g_autoptr(GError) error = NULL;
  report (self, hb_maintenance_set_out_of_service (maintenance (self), !closed, &error), error,
          closed ? _("已恢复服务") : _("已暂停服务：居民将看到附近终端的信息"));
}

static void
on_test_card (HbMaintenanceDashboard *self)
{
  g_autoptr(GError) error = NULL;
  say (self->test_result, hb_maintenance_test_card (maintenance (self), &error)
                          ? _("请在读卡区放一张身份证…") : error->message);
}

static void
on_test_scan (HbMaintenanceDashboard *self)
{
  g_autoptr(GError) error = NULL;
  say (self->test_result, hb_maintenance_test_scan (maintenance (self), &error)
                          ? _("请对准扫码窗口出示一个二维码…") : error->message);
}

static void
on_test_done (HbMaintenance *m, const char *what, gboolean ok, const char *message,
              HbMaintenanceDashboard *self)
{
  say (self->test_result, message);
}

static void
printed (GObject *source, GAsyncResult *result, gpointer data)
{
  HbMaintenanceDashboard *self = data;
  g_autoptr(GError) error = NULL;
  guint job = hb_maintenance_test_print_finish (HB_MAINTENANCE (source), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = job ? g_strdup_printf (_("测试打印完成（任务 %u）"), job)
                                  : g_strdup_printf (_("测试打印失败：%s"), error->message);
      say (self->test_result, text);
      hb_maintenance_dashboard_refresh (self);
    }
  g_object_unref (self);
}

static void
on_test_print (GtkButton *button, HbMaintenanceDashboard *self)
{
  HbDeviceKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "kind"));
  say (self->test_result, _("正在打印测试页…"));
  hb_maintenance_test_print_async (maintenance (self), kind, self->cancellable, printed,
                                   g_object_ref (self));
}

static void
exported (GObject *source, GAsyncResult *result, gpointer data)
{
  HbMaintenanceDashboard *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = hb_maintenance_export_finish (HB_MAINTENANCE (source), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = path ? g_strdup_printf (_("诊断包已导出：%s"), path)
                                   : g_strdup_printf (_("导出失败：%s"), error->message);
      say (self->action_result, text);
    }
  g_object_unref (self);
}

static void
on_export (HbMaintenanceDashboard *self)
{
  say (self->action_result, _("正在导出诊断包…"));
  hb_maintenance_export_async (maintenance (self), self->cancellable, exported,
                               g_object_ref (self));
}

static void
on_exit_clicked (GtkButton *button, HbMaintenanceDashboard *self)
{
  int code = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "code"));
  g_autoptr(GError) error = NULL;
  if (!hb_maintenance_request_exit (maintenance (self), code, &error))
    say (self->action_result, error->message);
}

/* --- object ----------------------------------------------------------------------------- */

static GtkBox *
section (GtkBox *page, const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (page, hb_ui_label (title, "section-title"));
  gtk_widget_add_css_class (box, "summary-list");
  gtk_box_append (page, box);
  return GTK_BOX (box);
}

static GtkWidget *
action (GtkBox *row, const char *label, GCallback callback, gpointer self)
{
  GtkWidget *b = hb_ui_button (label, "secondary maintenance-action");
  g_signal_connect_swapped (b, "clicked", callback, self);
  gtk_box_append (row, b);
  return b;
}

static GtkBox *
action_row (GtkBox *page)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "actions");
  gtk_box_append (page, box);
  return GTK_BOX (box);
}

static void
hb_maintenance_dashboard_dispose (GObject *object)
{
  HbMaintenanceDashboard *self = HB_MAINTENANCE_DASHBOARD (object);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->scroll, gtk_widget_unparent);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (hb_maintenance_dashboard_parent_class)->dispose (object);
}

static void
hb_maintenance_dashboard_class_init (HbMaintenanceDashboardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_maintenance_dashboard_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  signals[SIGNAL_SHOW_OUTBOX] = g_signal_new ("show-outbox", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);
  signals[SIGNAL_SHOW_CONFIG] = g_signal_new ("show-config", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);
}

static void
hb_maintenance_dashboard_init (HbMaintenanceDashboard *self)
{
  self->cancellable = g_cancellable_new ();
}

static void
build (HbMaintenanceDashboard *self)
{
  GtkBox *page = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 16));
  GtkBox *row;
  GtkWidget *b;

  self->scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroll, GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (page), "maintenance-page");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroll), GTK_WIDGET (page));

  self->devices = section (page, _("设备"));
  row = action_row (page);
  action (row, _("重新检测"), G_CALLBACK (on_recheck), self);
  action (row, _("测试读卡"), G_CALLBACK (on_test_card), self);
  action (row, _("测试扫码"), G_CALLBACK (on_test_scan), self);
  row = action_row (page);
  b = hb_ui_button (_("测试打印 A4"), "secondary maintenance-action");
  g_object_set_data (G_OBJECT (b), "kind", GINT_TO_POINTER (HB_DEVICE_KIND_PRINTER));
  g_signal_connect (b, "clicked", G_CALLBACK (on_test_print), self);
  gtk_box_append (row, b);
  b = hb_ui_button (_("测试打印 小票"), "secondary maintenance-action");
  g_object_set_data (G_OBJECT (b), "kind", GINT_TO_POINTER (HB_DEVICE_KIND_RECEIPT_PRINTER));
  g_signal_connect (b, "clicked", G_CALLBACK (on_test_print), self);
  gtk_box_append (row, b);
  self->test_result = GTK_LABEL (hb_ui_label ("", "lead"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->test_result), _("测试结果"));
  gtk_widget_set_visible (GTK_WIDGET (self->test_result), FALSE);
  gtk_box_append (page, GTK_WIDGET (self->test_result));

  self->system = section (page, _("平台、数据与运行"));
  row = action_row (page);
  action (row, _("立即同步"), G_CALLBACK (on_sync), self);
  action (row, _("待发送列表"), G_CALLBACK (on_outbox), self);
  self->service_button = action (row, _("暂停服务"), G_CALLBACK (on_service), self);
  self->action_result = GTK_LABEL (hb_ui_label ("", "lead"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->action_result), _("操作结果"));
  gtk_widget_set_visible (GTK_WIDGET (self->action_result), FALSE);
  gtk_box_append (page, GTK_WIDGET (self->action_result));

  self->errors = section (page, _("最近错误"));

  gtk_box_append (page, hb_ui_label (_("使用统计"), "section-title"));
  self->charts = hb_maintenance_charts_new (self->core);
  gtk_box_append (page, self->charts);

  gtk_box_append (page, hb_ui_label (_("其他操作"), "section-title"));
  row = action_row (page);
  action (row, _("导出诊断包"), G_CALLBACK (on_export), self);
  b = hb_ui_button (_("重启程序"), "secondary maintenance-action");
  gtk_box_append (row, b);
  g_object_set_data (G_OBJECT (b), "code", GINT_TO_POINTER (HB_MAINTENANCE_EXIT_RESTART));
  g_signal_connect (b, "clicked", G_CALLBACK (on_exit_clicked), self);

  /* Technician only: hidden, and refused by the controller anyway. */
  self->technician = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12));
  gtk_widget_add_css_class (GTK_WIDGET (self->technician), "actions");
  action (self->technician, _("设备配置"), G_CALLBACK (on_config), self);
  b = hb_ui_button (_("退出 kiosk"), "secondary maintenance-action");
  g_object_set_data (G_OBJECT (b), "code", GINT_TO_POINTER (HB_MAINTENANCE_EXIT_LEAVE));
  g_signal_connect (b, "clicked", G_CALLBACK (on_exit_clicked), self);
  gtk_box_append (self->technician, b);
  gtk_box_append (page, GTK_WIDGET (self->technician));
}

GtkWidget *
hb_maintenance_dashboard_new (HbCore *core)
{
  HbMaintenanceDashboard *self = g_object_new (HB_TYPE_MAINTENANCE_DASHBOARD, NULL);
  self->core = g_object_ref (core);
  build (self);
  g_signal_connect_object (core, "status-changed", G_CALLBACK (hb_maintenance_dashboard_refresh),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (hb_core_get_maintenance (core), "test-done", G_CALLBACK (on_test_done),
                           self, 0);
  hb_maintenance_dashboard_refresh (self);
  return GTK_WIDGET (self);
}
