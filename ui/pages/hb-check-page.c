/* hb-check-page.c — "check your answers" before submitting: every answer with a change
 * link; then the submission (durable first, then sent). */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "ui/hb-window.h"

#include <glib/gi18n.h>

struct _HbCheckPage
{
  HbPage      parent_instance;
  GtkLabel   *service_label;
  GtkBox     *rows;
  GtkWidget  *busy_box;
  GtkSpinner *spinner;
  GtkLabel   *error_label;
  GtkWidget  *actions;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (HbCheckPage, hb_check_page, HB_TYPE_PAGE)

static void
on_change_clicked (GtkButton *button, HbCheckPage *self)
{
  HbWindow *window = hb_page_get_window (HB_PAGE (self));
  hb_window_show_page (window, HB_PAGE_FORM);
  hb_form_page_focus_field (HB_FORM_PAGE (hb_window_get_page (window, HB_PAGE_FORM)),
                            g_object_get_data (G_OBJECT (button), "field"));
}

static void
fill (HbCheckPage *self)
{
  HbSession *session = hb_page_get_session (HB_PAGE (self));
  HbForm *form = hb_session_get_form (session);
  HbService *service = hb_session_get_service (session);
  GPtrArray *fields;

  hb_ui_box_clear (self->rows);
  if (form == NULL || service == NULL)
    return;
  gtk_label_set_text (self->service_label, hb_text_get (hb_service_get_name (service)));
  fields = hb_service_get_fields (service);
  for (guint i = 0; i < fields->len; i++)
    {
      const HbFormField *f = fields->pdata[i];
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
      GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      g_autofree char *value = hb_form_dup_display_value (form, f->id);
      GtkWidget *value_w = hb_ui_label (value, "summary-value");

      gtk_widget_add_css_class (row, "summary-row");
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (text), hb_ui_label (hb_text_get (&f->label), "summary-key"));
      gtk_box_append (GTK_BOX (text), value_w);
      hb_ui_set_accessible_label (value_w, hb_text_get (&f->label));
      gtk_box_append (GTK_BOX (row), text);
      if (!f->readonly)
        {
          g_autofree char *a11y = g_strdup_printf (_("修改%s"), hb_text_get (&f->label));
          GtkWidget *change = hb_ui_button (_("修改"), "link");
          hb_ui_set_accessible_label (change, a11y);
          gtk_widget_set_valign (change, GTK_ALIGN_CENTER);
          g_object_set_data_full (G_OBJECT (change), "field", g_strdup (f->id), g_free);
          g_signal_connect (change, "clicked", G_CALLBACK (on_change_clicked), self);
          gtk_box_append (GTK_BOX (row), change);
        }
      gtk_box_append (self->rows, row);
    }
}

static void
set_busy (HbCheckPage *self, gboolean busy)
{
  gtk_widget_set_visible (self->busy_box, busy);
  gtk_widget_set_sensitive (self->actions, !busy);
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
}

static void
submitted (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCheckPage) self = data;
  g_autoptr(GError) error = NULL;

  if (hb_core_submit_finish (HB_CORE (source), result, &error))
    return;   /* the session is DONE: the window shows the result page */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  gtk_label_set_text (self->error_label,
                      g_error_matches (error, HB_CORE_ERROR, HB_CORE_ERROR_REJECTED)
                      ? _("平台未能受理此申请。请按“退出办理”结束，并到人工窗口咨询。")
                      : g_error_matches (error, HB_CORE_ERROR, HB_CORE_ERROR_STORAGE_FULL)
                      ? _("本机存储空间不足，暂时不能受理新的申请（已保存的申请不受影响）。"
                          "请到人工窗口办理，或请工作人员处理。")
                      : _("提交未成功，请再试一次。如仍不成功，请联系工作人员。"));
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
on_submit_clicked (HbCheckPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  hb_core_submit_async (hb_page_get_core (HB_PAGE (self)), self->cancellable, submitted,
                        g_object_ref (self));
}

static void
on_back_clicked (HbCheckPage *self)
{
  hb_page_show (HB_PAGE (self), HB_PAGE_FORM);
}

static void
hb_check_page_switch_to (HbPage *page)
{
  HbCheckPage *self = HB_CHECK_PAGE (page);
  set_busy (self, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  fill (self);
}

static void
hb_check_page_dispose (GObject *object)
{
  HbCheckPage *self = HB_CHECK_PAGE (object);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_CHECK_PAGE);
  G_OBJECT_CLASS (hb_check_page_parent_class)->dispose (object);
}

static void
hb_check_page_class_init (HbCheckPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_check_page_switch_to;
  G_OBJECT_CLASS (klass)->dispose = hb_check_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-check-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, service_label);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, rows);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, busy_box);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, actions);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_submit_clicked);
}

static void
hb_check_page_init (HbCheckPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
