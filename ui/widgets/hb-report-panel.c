/* hb-report-panel.c — 办不成事 panel (see the header). */
#include "ui/widgets/hb-report-panel.h"
#include "ui/widgets/hb-keypad.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-report.h"

#include <glib/gi18n.h>
#include <string.h>

#define THANKS_MS 3000

struct _HbReportPanel
{
  GtkWidget  parent_instance;
  GtkWidget *dialog;
  GtkGrid   *reasons;
  GtkEntry  *phone;
  GtkBox    *keypad_slot;
  GtkLabel  *status;
  GtkWidget *buttons;
  GtkWidget *submit_button;
  HbCore    *core;
  char      *step;
  const char *reason;     /* one of hb_report_reasons () */
  guint      close_source;
};

G_DEFINE_FINAL_TYPE (HbReportPanel, hb_report_panel, GTK_TYPE_WIDGET)

enum { SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
phone_ok (const char *s)
{
  if (*s == '\0')
    return TRUE;   /* optional */
  if (strlen (s) != 11 || s[0] != '1')
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
update_submit (HbReportPanel *self)
{
  const char *phone = gtk_editable_get_text (GTK_EDITABLE (self->phone));
  gtk_widget_set_sensitive (self->submit_button, self->reason != NULL && phone_ok (phone));
}

static void
on_reason_toggled (GtkToggleButton *toggle, HbReportPanel *self)
{
  if (gtk_toggle_button_get_active (toggle))
    self->reason = g_object_get_data (G_OBJECT (toggle), "reason");
  update_submit (self);
}

static void
close_now (HbReportPanel *self)
{
  g_clear_handle_id (&self->close_source, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static gboolean
close_later (gpointer data)
{
  HbReportPanel *self = data;
  self->close_source = 0;
  close_now (self);
  return G_SOURCE_REMOVE;
}

static void
reported (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbReportPanel) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hb_core_report_finish (HB_CORE (source), result, &error);

  if (!ok)
    g_message ("report not saved: %s", error->message);
  if (gtk_widget_get_parent (GTK_WIDGET (self)) == NULL)
    return;
  gtk_label_set_text (self->status,
                      ok ? _("已记录，谢谢您！相关部门会跟进，帮您把事办成。")
                         : _("暂时没能记录。请拨打 12345 热线反映，谢谢！"));
  gtk_widget_set_visible (GTK_WIDGET (self->status), TRUE);
  self->close_source = g_timeout_add (THANKS_MS, close_later, self);
}

static void
on_submit_clicked (HbReportPanel *self)
{
  const char *phone = gtk_editable_get_text (GTK_EDITABLE (self->phone));
  g_autofree char *number = g_strdup (phone);

  gtk_widget_set_visible (GTK_WIDGET (self->reasons), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->phone), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->keypad_slot), FALSE);
  gtk_widget_set_visible (self->buttons, FALSE);
  hb_core_report_async (self->core, self->step, self->reason, NULL, *number ? number : NULL,
                        NULL, reported, g_object_ref (self));
  /* The number is personal data: gone from the widget once handed over. */
  gtk_editable_set_text (GTK_EDITABLE (self->phone), "");
  explicit_bzero (number, strlen (number));
}

static void
on_cancel_clicked (HbReportPanel *self)
{
  close_now (self);
}

GtkWidget *
hb_report_panel_new (HbCore *core, const char *step, guint columns)
{
  HbReportPanel *self = g_object_new (HB_TYPE_REPORT_PANEL, NULL);
  const char *const *reasons = hb_report_reasons ();
  GtkToggleButton *group = NULL;

  self->core = g_object_ref (core);
  self->step = g_strdup (step);
  for (guint i = 0; reasons[i]; i++)
    {
      GtkWidget *t = gtk_toggle_button_new_with_label (_(reasons[i]));
      gtk_widget_add_css_class (t, "indicator");
      hb_ui_set_accessible_label (t, _(reasons[i]));
      g_object_set_data (G_OBJECT (t), "reason", (gpointer) reasons[i]);
      if (group)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (t), group);
      else
        group = GTK_TOGGLE_BUTTON (t);
      g_signal_connect (t, "toggled", G_CALLBACK (on_reason_toggled), self);
      gtk_grid_attach (self->reasons, t, (int) (i % MAX (columns, 1)),
                       (int) (i / MAX (columns, 1)), 1, 1);
    }
  gtk_box_append (self->keypad_slot, hb_keypad_new (GTK_EDITABLE (self->phone), 11));
  g_signal_connect_swapped (self->phone, "changed", G_CALLBACK (update_submit), self);
  return GTK_WIDGET (self);
}

static void
hb_report_panel_dispose (GObject *object)
{
  HbReportPanel *self = HB_REPORT_PANEL (object);
  g_clear_handle_id (&self->close_source, g_source_remove);
  if (self->phone)
    gtk_editable_set_text (GTK_EDITABLE (self->phone), "");
  g_clear_object (&self->core);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_REPORT_PANEL);
  G_OBJECT_CLASS (hb_report_panel_parent_class)->dispose (object);
}

static void
hb_report_panel_finalize (GObject *object)
{
  g_free (HB_REPORT_PANEL (object)->step);
  G_OBJECT_CLASS (hb_report_panel_parent_class)->finalize (object);
}

static void
hb_report_panel_class_init (HbReportPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = hb_report_panel_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_report_panel_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/widgets/hb-report-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, HbReportPanel, dialog);
  gtk_widget_class_bind_template_child (widget_class, HbReportPanel, reasons);
  gtk_widget_class_bind_template_child (widget_class, HbReportPanel, phone);
  gtk_widget_class_bind_template_child (widget_class, HbReportPanel, keypad_slot);
  gtk_widget_class_bind_template_child (widget_class, HbReportPanel, status);
  gtk_widget_class_bind_template_child (widget_class, HbReportPanel, buttons);
  gtk_widget_class_bind_template_child (widget_class, HbReportPanel, submit_button);
  gtk_widget_class_bind_template_callback (widget_class, on_submit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hb_report_panel_init (HbReportPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
