/* hb-help-panel.c — 帮办 panel (see the header). */
#include "ui/widgets/hb-help-panel.h"

#include <glib/gi18n.h>

struct _HbHelpPanel
{
  GtkWidget   parent_instance;
  GtkWidget  *dialog;
  GtkLabel   *title;
  GtkLabel   *countdown;
  GtkLabel   *text;
  HbHelpCall *call;
};

G_DEFINE_FINAL_TYPE (HbHelpPanel, hb_help_panel, GTK_TYPE_WIDGET)

enum { SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
update (HbHelpPanel *self)
{
  guint left = hb_help_call_get_seconds_left (self->call);
  g_autofree char *seconds = NULL;
  g_autofree char *agent = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->countdown), FALSE);
  switch (hb_help_call_get_state (self->call))
    {
    case HB_HELP_CALLING:
      gtk_label_set_text (self->title, _("正在呼叫帮办"));
      gtk_label_set_text (self->text, _("请稍候，正在联系帮办人员。"));
      break;
    case HB_HELP_WAITING:
      gtk_label_set_text (self->title, _("帮办人员马上就到"));
      /* TRANSLATORS: the help countdown, in seconds */
      seconds = g_strdup_printf (_("%u 秒"), left);
      gtk_label_set_text (self->countdown, seconds);
      gtk_widget_set_visible (GTK_WIDGET (self->countdown), left > 0);
      gtk_label_set_text (self->text,
                          left > 0 ? _("帮办人员会在一分钟内接通。请留在终端前。")
                                   : _("帮办人员正忙，马上为您接通。您也可以拨打 12345 热线。"));
      break;
    case HB_HELP_CONNECTED:
      gtk_label_set_text (self->title, _("帮办人员已接通"));
      if (hb_help_call_get_agent_name (self->call))
        /* TRANSLATORS: name, then staff number */
        agent = g_strdup_printf (_("%s（工号 %s）正在为您服务，请通过终端的听筒与他交谈。"),
                                 hb_help_call_get_agent_name (self->call),
                                 hb_help_call_get_agent_number (self->call)
                                   ? hb_help_call_get_agent_number (self->call) : "—");
      gtk_label_set_text (self->text, agent ? agent : _("帮办人员正在为您服务，请通过终端的听筒交谈。"));
      break;
    case HB_HELP_CLOSED:
      gtk_label_set_text (self->title, _("本次帮办已结束"));
      gtk_label_set_text (self->text, _("如仍需帮助，请拨打 12345 政务服务便民热线，或向大厅工作人员求助。"));
      break;
    case HB_HELP_OFFLINE:
    default:
      gtk_label_set_text (self->title, _("暂时无法呼叫帮办"));
      gtk_label_set_text (self->text, _("网络暂时不通。请拨打 12345 政务服务便民热线，或向大厅工作人员求助。"));
      break;
    }
}

static void
on_close_clicked (HbHelpPanel *self)
{
  hb_help_call_cancel (self->call);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

GtkWidget *
hb_help_panel_new (HbHelpCall *call)
{
  HbHelpPanel *self = g_object_new (HB_TYPE_HELP_PANEL, NULL);
  self->call = g_object_ref (call);
  g_signal_connect_object (call, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

static void
hb_help_panel_dispose (GObject *object)
{
  HbHelpPanel *self = HB_HELP_PANEL (object);
  if (self->call)
    hb_help_call_cancel (self->call);
  g_clear_object (&self->call);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_HELP_PANEL);
  G_OBJECT_CLASS (hb_help_panel_parent_class)->dispose (object);
}

static void
hb_help_panel_class_init (HbHelpPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = hb_help_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/widgets/hb-help-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, HbHelpPanel, dialog);
  gtk_widget_class_bind_template_child (widget_class, HbHelpPanel, title);
  gtk_widget_class_bind_template_child (widget_class, HbHelpPanel, countdown);
  gtk_widget_class_bind_template_child (widget_class, HbHelpPanel, text);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hb_help_panel_init (HbHelpPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
