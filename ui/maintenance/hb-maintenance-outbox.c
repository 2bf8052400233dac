/* hb-maintenance-outbox.c — the outbox list (see the header). */
#include "ui/maintenance/hb-maintenance-outbox.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-log.h"

#include <glib/gi18n.h>

struct _HbMaintenanceOutbox
{
  GtkWidget  parent_instance;
  GtkWidget *box;
  GtkBox    *list;
  GtkLabel  *message;
  HbCore    *core;
};

G_DEFINE_FINAL_TYPE (HbMaintenanceOutbox, hb_maintenance_outbox, GTK_TYPE_WIDGET)

enum { SIGNAL_BACK, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
age_text (gint64 seconds)
{
  if (seconds < 120)
    return g_strdup_printf (_("%d 秒前"), (int) seconds);
  if (seconds < 7200)
    return g_strdup_printf (_("%d 分钟前"), (int) (seconds / 60));
  if (seconds < 2 * 86400)
    return g_strdup_printf (_("%d 小时前"), (int) (seconds / 3600));
  return g_strdup_printf (_("%d 天前"), (int) (seconds / 86400));
}

static const char *
kind_text (const char *kind)
{
  if (g_strcmp0 (kind, "application") == 0) return _("办件申请");
  if (g_strcmp0 (kind, "rating") == 0)      return _("好差评");
  if (g_strcmp0 (kind, "report") == 0)      return _("办不成事反映");
  if (g_strcmp0 (kind, "delivery") == 0)    return _("回执寄送");
  return kind ? kind : "?";
}

static const char *
state_text (HbOutboxState state)
{
  switch (state)
    {
    case HB_OUTBOX_PENDING: return _("等待发送");
    case HB_OUTBOX_PARKED:  return _("已搁置");
    case HB_OUTBOX_DEAD:    return _("平台拒收");
    case HB_OUTBOX_SENT:    return _("已送达");
    default:                return "?";
    }
}

static void
act (GtkButton *button, HbMaintenanceOutbox *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "key");
  gboolean retry = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "retry"));
  HbMaintenance *m = hb_core_get_maintenance (self->core);
  g_autoptr(GError) error = NULL;
  gboolean ok = retry ? hb_maintenance_retry_item (m, key, &error)
                      : hb_maintenance_park_item (m, key, &error);

  gtk_label_set_text (self->message, ok ? (retry ? _("已放回发送队列，正在发送") : _("已搁置"))
                                        : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->message), TRUE);
  hb_maintenance_outbox_refresh (self);
}

static GtkWidget *
row_button (HbMaintenanceOutbox *self, const char *label, const char *key, gboolean retry)
{
  g_autofree char *name = g_strdup_printf ("%s %.*s", label, HB_MAINTENANCE_KEY_SHOWN, key);
  GtkWidget *b = hb_ui_button (label, retry ? "primary maintenance-row-button"
                                            : "secondary maintenance-row-button");
  hb_ui_set_accessible_label (b, name);
  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (b), "key", g_strdup (key), g_free);
  g_object_set_data (G_OBJECT (b), "retry", GINT_TO_POINTER (retry));
  g_signal_connect (b, "clicked", G_CALLBACK (act), self);
  return b;
}

void
hb_maintenance_outbox_refresh (HbMaintenanceOutbox *self)
{
  HbMaintenance *m = hb_core_get_maintenance (self->core);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = hb_maintenance_list_outbox (m, &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  hb_ui_box_clear (self->list);
  if (items == NULL)
    {
      gtk_box_append (self->list, hb_ui_label (error->message, "error-text"));
      return;
    }
  if (items->len == 0)
    gtk_box_append (self->list, hb_ui_label (_("没有待发送的事项：全部已送达平台。"), "lead"));
  for (guint i = 0; i < items->len; i++)
    {
      HbOutboxItem *item = items->pdata[i];
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
      GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      g_autofree char *age = age_text (now - item->created_at);
      g_autofree char *title = g_strdup_printf ("%s · %s", kind_text (item->kind),
                                                state_text (item->state));
      g_autofree char *facts = g_strdup_printf (_("编号 %.*s · 提交于 %s · 已尝试 %u 次"),
                                                HB_MAINTENANCE_KEY_SHOWN, item->key, age,
                                                item->attempts);
      GtkWidget *t;

      gtk_widget_add_css_class (row, "summary-row");
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (text), hb_ui_label (title, "field-label"));
      gtk_box_append (GTK_BOX (text), hb_ui_label (facts, "field-hint"));
      if (item->last_error && *item->last_error)
        {
          /* The platform's words, scrubbed again: they never name a resident. */
          g_autofree char *clean = hb_log_scrub (item->last_error);
          g_autofree char *why = g_strdup_printf (_("原因：%s"), clean);
          t = hb_ui_label (why, "field-hint");
          gtk_box_append (GTK_BOX (text), t);
        }
      if (item->state == HB_OUTBOX_DEAD)
        gtk_box_append (GTK_BOX (text),
                        hb_ui_label (_("平台拒收，不会再发送 — 记下编号，联系技术人员"), "error-text"));
      gtk_box_append (GTK_BOX (row), text);
      if (item->state == HB_OUTBOX_PARKED)
        gtk_box_append (GTK_BOX (row), row_button (self, _("重试"), item->key, TRUE));
      else if (item->state == HB_OUTBOX_PENDING)
        gtk_box_append (GTK_BOX (row), row_button (self, _("搁置"), item->key, FALSE));
      gtk_box_append (self->list, row);
    }
}

static void
on_back (HbMaintenanceOutbox *self)
{
  g_signal_emit (self, signals[SIGNAL_BACK], 0);
}

static void
hb_maintenance_outbox_dispose (GObject *object)
{
  HbMaintenanceOutbox *self = HB_MAINTENANCE_OUTBOX (object);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (hb_maintenance_outbox_parent_class)->dispose (object);
}

static void
hb_maintenance_outbox_class_init (HbMaintenanceOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_maintenance_outbox_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  signals[SIGNAL_BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hb_maintenance_outbox_init (HbMaintenanceOutbox *self)
{
  GtkWidget *scroll, *back, *top;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 16);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  gtk_box_append (GTK_BOX (top), hb_ui_label (_("待发送列表"), "page-title"));
  gtk_widget_set_hexpand (gtk_widget_get_first_child (top), TRUE);
  back = hb_ui_button (_("返回"), "secondary maintenance-row-button");
  hb_ui_set_accessible_label (back, _("返回仪表盘"));
  g_signal_connect_swapped (back, "clicked", G_CALLBACK (on_back), self);
  gtk_box_append (GTK_BOX (top), back);
  gtk_box_append (GTK_BOX (self->box), top);
  self->message = GTK_LABEL (hb_ui_label ("", "lead"));
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->message));
  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroll, TRUE);
  self->list = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "summary-list");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (self->box), scroll);
}

GtkWidget *
hb_maintenance_outbox_new (HbCore *core)
{
  HbMaintenanceOutbox *self = g_object_new (HB_TYPE_MAINTENANCE_OUTBOX, NULL);
  self->core = g_object_ref (core);
  /* A retried item leaves the list as soon as the platform took it. */
  g_signal_connect_object (core, "status-changed", G_CALLBACK (hb_maintenance_outbox_refresh),
                           self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
