/* hb-attract-page.c — what the terminal shows between visits. Static by design: no
 * animation, one wake-up at midnight to change the date. */
#include "ui/pages/hb-pages.h"
#include "kiosk/hb-i18n.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>

struct _HbAttractPage
{
  HbPage     parent_instance;
  GtkLabel  *date_label;
  GtkLabel  *notice_label;
  GtkWidget *start_button;
  GtkWidget *ways_box;
  GtkLabel  *closed_label;
  gulong     status_handler;
  guint      midnight_source;
  gulong     media_handler;
  HbCardReader *reader;   /* borrowed while connected */
};

G_DEFINE_FINAL_TYPE (HbAttractPage, hb_attract_page, HB_TYPE_PAGE)

static void update_date (HbAttractPage *self);

static gboolean
on_midnight (gpointer data)
{
  HbAttractPage *self = data;
  self->midnight_source = 0;
  update_date (self);
  return G_SOURCE_REMOVE;
}

static void
update_date (HbAttractPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) midnight =
    g_date_time_new_local (g_date_time_get_year (tomorrow), g_date_time_get_month (tomorrow),
                           g_date_time_get_day_of_month (tomorrow), 0, 0, 1);
  static const char *const weekdays_zh[] = { "", "一", "二", "三", "四", "五", "六", "日" };
  g_autofree char *text = NULL;

  if (hb_i18n_is_english ())
    text = g_date_time_format (now, "%A, %e %B %Y");
  else
    text = g_strdup_printf ("%d年%d月%d日 星期%s", g_date_time_get_year (now),
                            g_date_time_get_month (now), g_date_time_get_day_of_month (now),
                            weekdays_zh[g_date_time_get_day_of_week (now)]);
  gtk_label_set_text (self->date_label, text);

  g_clear_handle_id (&self->midnight_source, g_source_remove);
  self->midnight_source =
    g_timeout_add_seconds ((guint) (g_date_time_difference (midnight, now) / G_USEC_PER_SEC) + 1,
                           on_midnight, self);
}

/* After a visit the card may still lie on the reader: remind the resident. */
static void
update_notice (HbAttractPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  HbDeviceManager *devices = hb_core_is_started (core) ? hb_core_get_devices (core) : NULL;
  HbCardReader *reader = devices ? hb_device_manager_get_card_reader (devices) : NULL;
  gboolean card_left = reader && hb_card_reader_get_media (reader) == HB_CARD_MEDIA_PRESENT;

  gtk_label_set_text (self->notice_label, _("请取走您的身份证"));
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), card_left);
}

/* Out of service: no way in, and why in words a resident understands. */
static void
update_service (HbAttractPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  gboolean closed = hb_core_get_out_of_service (core, NULL);

  const char *nearby = hb_config_get_string (hb_core_get_config (core), "terminal", "nearby");
  g_autofree char *text = g_strdup_printf (
    _("本终端暂停服务。请到附近的自助终端：%s，或到人工窗口办理。给您带来不便，敬请谅解。"),
    nearby ? nearby : "");
  gtk_label_set_text (self->closed_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->closed_label), closed);
  gtk_widget_set_visible (self->start_button, !closed);
  gtk_widget_set_visible (self->ways_box, !closed);
}

static void
on_start_clicked (HbAttractPage *self)
{
  hb_page_show (HB_PAGE (self), HB_PAGE_IDENTIFY);
}

static void
disconnect_reader (HbAttractPage *self)
{
  if (self->reader && self->media_handler)
    g_signal_handler_disconnect (self->reader, self->media_handler);
  self->media_handler = 0;
  g_clear_weak_pointer (&self->reader);
}

static void
hb_attract_page_switch_to (HbPage *page)
{
  HbAttractPage *self = HB_ATTRACT_PAGE (page);
  HbCore *core = hb_page_get_core (page);

  update_date (self);
  disconnect_reader (self);
  if (hb_core_is_started (core) && hb_device_manager_get_card_reader (hb_core_get_devices (core)))
    {
      g_set_weak_pointer (&self->reader, hb_device_manager_get_card_reader (hb_core_get_devices (core)));
      self->media_handler = g_signal_connect_swapped (self->reader, "notify::media",
                                                      G_CALLBACK (update_notice), self);
    }
  update_notice (self);
  if (self->status_handler == 0)
    self->status_handler = g_signal_connect_object (core, "status-changed",
                                                    G_CALLBACK (update_service), self,
                                                    G_CONNECT_SWAPPED);
  update_service (self);
}

static void
hb_attract_page_switch_from (HbPage *page)
{
  HbAttractPage *self = HB_ATTRACT_PAGE (page);
  if (self->status_handler)
    g_signal_handler_disconnect (hb_page_get_core (page), self->status_handler);
  self->status_handler = 0;
  g_clear_handle_id (&self->midnight_source, g_source_remove);
  disconnect_reader (self);
}

static void
hb_attract_page_dispose (GObject *object)
{
  HbAttractPage *self = HB_ATTRACT_PAGE (object);
  g_clear_handle_id (&self->midnight_source, g_source_remove);
  disconnect_reader (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_ATTRACT_PAGE);
  G_OBJECT_CLASS (hb_attract_page_parent_class)->dispose (object);
}

static void
hb_attract_page_class_init (HbAttractPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_attract_page_switch_to;
  HB_PAGE_CLASS (klass)->switch_from = hb_attract_page_switch_from;
  G_OBJECT_CLASS (klass)->dispose = hb_attract_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-attract-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbAttractPage, date_label);
  gtk_widget_class_bind_template_child (widget_class, HbAttractPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, HbAttractPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, HbAttractPage, ways_box);
  gtk_widget_class_bind_template_child (widget_class, HbAttractPage, closed_label);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
}

static void
hb_attract_page_init (HbAttractPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hb_ui_set_accessible_label (GTK_WIDGET (self->closed_label), _("暂停服务"));
}
