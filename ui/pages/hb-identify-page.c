/* hb-identify-page.c — ID card or 随申码. The session moves on by itself once either
 * identifies the resident; this page explains, shows device trouble and read errors. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>

struct _HbIdentifyPage
{
  HbPage    parent_instance;
  GtkLabel *reader_status;
  GtkLabel *scanner_status;
  GtkLabel *error_label;
  gulong    failed_handler;
  gulong    status_handler;
};

G_DEFINE_FINAL_TYPE (HbIdentifyPage, hb_identify_page, HB_TYPE_PAGE)

static const char *
device_text (HbDeviceManager *devices, HbDeviceKind kind)
{
  HbDeviceStatus status = devices ? hb_device_manager_get_kind_status (devices, kind)
                                  : HB_DEVICE_STATUS_STARTING;
  switch (status)
    {
    case HB_DEVICE_STATUS_ONLINE:
    case HB_DEVICE_STATUS_BUSY:
      return _("● 可以使用");
    case HB_DEVICE_STATUS_STARTING:
      return _("● 正在准备，请稍候");
    case HB_DEVICE_STATUS_NO_DEVICE:
    case HB_DEVICE_STATUS_OFFLINE:
    case HB_DEVICE_STATUS_HARDWARE_ERROR:
    case HB_DEVICE_STATUS_USER_ERROR:
    default:
      return _("● 暂停使用，请选择另一种方式或联系工作人员");
    }
}

static void
update_devices (HbIdentifyPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  HbDeviceManager *devices = hb_core_is_started (core) ? hb_core_get_devices (core) : NULL;
  gtk_label_set_text (self->reader_status, device_text (devices, HB_DEVICE_KIND_IDCARD));
  gtk_label_set_text (self->scanner_status, device_text (devices, HB_DEVICE_KIND_SCANNER));
}

static void
on_identify_failed (HbCore *core, const char *message, HbIdentifyPage *self)
{
  hb_ui_set_error_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  hb_page_speak (HB_PAGE (self), message);
}

void
hb_identify_page_show_error (HbIdentifyPage *self, const char *message)
{
  on_identify_failed (NULL, message, self);
}

static void
on_back_clicked (HbIdentifyPage *self)
{
  hb_page_show (HB_PAGE (self), HB_PAGE_ATTRACT);
}

static void
disconnect (HbIdentifyPage *self)
{
  HbCore *core = hb_page_get_window (HB_PAGE (self)) ? hb_page_get_core (HB_PAGE (self)) : NULL;
  if (core == NULL)
    return;
  g_clear_signal_handler (&self->failed_handler, core);
  g_clear_signal_handler (&self->status_handler, core);
}

static void
hb_identify_page_switch_to (HbPage *page)
{
  HbIdentifyPage *self = HB_IDENTIFY_PAGE (page);
  HbCore *core = hb_page_get_core (page);

  disconnect (self);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  self->failed_handler = g_signal_connect (core, "identify-failed",
                                           G_CALLBACK (on_identify_failed), self);
  self->status_handler = g_signal_connect_swapped (core, "status-changed",
                                                   G_CALLBACK (update_devices), self);
  update_devices (self);
}

static void
hb_identify_page_switch_from (HbPage *page)
{
  disconnect (HB_IDENTIFY_PAGE (page));
}

static void
hb_identify_page_dispose (GObject *object)
{
  disconnect (HB_IDENTIFY_PAGE (object));
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_IDENTIFY_PAGE);
  G_OBJECT_CLASS (hb_identify_page_parent_class)->dispose (object);
}

static void
hb_identify_page_class_init (HbIdentifyPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_identify_page_switch_to;
  HB_PAGE_CLASS (klass)->switch_from = hb_identify_page_switch_from;
  G_OBJECT_CLASS (klass)->dispose = hb_identify_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-identify-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbIdentifyPage, reader_status);
  gtk_widget_class_bind_template_child (widget_class, HbIdentifyPage, scanner_status);
  gtk_widget_class_bind_template_child (widget_class, HbIdentifyPage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
hb_identify_page_init (HbIdentifyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hb_ui_set_accessible_label (GTK_WIDGET (self->error_label), _("身份核验提示"));
}
