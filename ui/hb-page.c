/* hb-page.c — base of every kiosk screen. */
#include "ui/hb-page.h"
#include "ui/hb-window.h"
#include "ui/hb-ui-util.h"

typedef struct {
  HbWindow *window;   /* borrowed: the window owns its pages */
} HbPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HbPage, hb_page, GTK_TYPE_WIDGET)

static const char *const page_names[HB_N_PAGES] = {
  "attract", "identify", "catalog", "guide", "form", "check", "result", "print", "rating",
  "place",
  "progress",
  "situation",
  "business",
};

const char *
hb_page_id_to_string (HbPageId id)
{
  return (guint) id < HB_N_PAGES ? page_names[id] : "unknown";
}

static void
hb_page_dispose (GObject *object)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (hb_page_parent_class)->dispose (object);
}

static void
hb_page_class_init (HbPageClass *klass)
{
  hb_ui_ensure_resources ();
  G_OBJECT_CLASS (klass)->dispose = hb_page_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "page");
}

static void
hb_page_init (HbPage *self)
{
}

void
hb_page_set_window (HbPage *self, HbWindow *window)
{
  HbPagePrivate *priv = hb_page_get_instance_private (self);
  priv->window = window;
}

HbWindow *
hb_page_get_window (HbPage *self)
{
  HbPagePrivate *priv = hb_page_get_instance_private (self);
  return priv->window;
}

HbCore *
hb_page_get_core (HbPage *self)
{
  return hb_window_get_core (hb_page_get_window (self));
}

HbSession *
hb_page_get_session (HbPage *self)
{
  return hb_core_get_session (hb_page_get_core (self));
}

void
hb_page_show (HbPage *self, HbPageId id)
{
  hb_window_show_page (hb_page_get_window (self), id);
}

void
hb_page_switch_to (HbPage *self)
{
  HbPageClass *klass = HB_PAGE_GET_CLASS (self);
  if (klass->switch_to)
    klass->switch_to (self);
}

void
hb_page_switch_from (HbPage *self)
{
  HbPageClass *klass = HB_PAGE_GET_CLASS (self);
  if (klass->switch_from)
    klass->switch_from (self);
}
