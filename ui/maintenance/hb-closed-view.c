/* hb-closed-view.c — 暂停服务 (see the header). */
#include "ui/maintenance/hb-closed-view.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>

struct _HbClosedView
{
  GtkBox     parent_instance;
  GtkWidget *box;
};

G_DEFINE_FINAL_TYPE (HbClosedView, hb_closed_view, GTK_TYPE_BOX)

static void
hb_closed_view_class_init (HbClosedViewClass *klass)
{
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "closedview");
}

static void
hb_closed_view_init (HbClosedView *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
hb_closed_view_new (HbConfig *config)
{
  HbClosedView *self = g_object_new (HB_TYPE_CLOSED_VIEW, NULL);
  const char *nearby = hb_config_get_string (config, "terminal", "nearby");
  const char *hours = hb_config_get_string (config, "terminal", "nearby_hours");
  g_autofree char *list = g_strdup (nearby ? nearby : "");
  g_auto(GStrv) places = NULL;
  GtkWidget *w, *places_box;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 32);
  gtk_widget_add_css_class (self->box, "closed-view");
  gtk_widget_set_valign (self->box, GTK_ALIGN_CENTER);
  /* In a scrolled window: an overlay child is given at least its minimum height, and
   * wrapping labels measured at their minimum width ask for thousands of pixels. */
  w = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (w), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (w, TRUE);
  gtk_widget_set_hexpand (w, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (w), self->box);
  gtk_box_append (GTK_BOX (self), w);

  w = hb_ui_label (_("暂停服务"), "hero-title");
  gtk_label_set_xalign (GTK_LABEL (w), 0.5);
  gtk_box_append (GTK_BOX (self->box), w);
  w = hb_ui_label (_("本终端正在维护，暂时不能办理业务。给您带来不便，敬请谅解。"), "hero-sub");
  gtk_label_set_justify (GTK_LABEL (w), GTK_JUSTIFY_CENTER);
  gtk_label_set_xalign (GTK_LABEL (w), 0.5);
  gtk_box_append (GTK_BOX (self->box), w);

  gtk_box_append (GTK_BOX (self->box), hb_ui_label (_("请到附近的自助终端办理"), "section-title"));
  places_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (places_box, "summary-list");
  g_strdelimit (list, ";", '\n');
  {
    /* "；" (full-width) separates entries too. */
    g_auto(GStrv) parts = g_strsplit (list, "；", -1);
    g_autofree char *joined = g_strjoinv ("\n", parts);
    places = g_strsplit (joined, "\n", -1);
  }
  for (guint i = 0; places[i]; i++)
    {
      g_autofree char *place = g_strstrip (g_strdup (places[i]));
      GtkWidget *row;
      if (*place == '\0')
        continue;
      row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      gtk_widget_add_css_class (row, "summary-row");
      gtk_box_append (GTK_BOX (row), hb_ui_label (place, "summary-value"));
      if (hours && *hours)
        {
          g_autofree char *text = g_strdup_printf (_("开放时间：%s"), hours);
          gtk_box_append (GTK_BOX (row), hb_ui_label (text, "summary-key"));
        }
      gtk_box_append (GTK_BOX (places_box), row);
    }
  gtk_box_append (GTK_BOX (self->box), places_box);
  w = hb_ui_label (_("也可到大厅人工窗口办理，或拨打 12345 政务服务便民热线。"), "lead");
  gtk_box_append (GTK_BOX (self->box), w);
  return GTK_WIDGET (self);
}
