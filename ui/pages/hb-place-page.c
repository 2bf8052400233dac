/* hb-place-page.c — a place code (场所码) was scanned: show that place's information.
 * No visit starts and nothing personal is involved; the page returns to the attract
 * screen by itself, since whoever scanned it may simply walk away. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-i18n.h"

#include <glib/gi18n.h>

/* Long enough to read an address and opening hours aloud; short for an unattended screen. */
#define PLACE_PAGE_SECONDS 30

struct _HbPlacePage
{
  HbPage    parent_instance;
  GtkLabel *name_label;
  GtkBox   *details;
  HbPlace  *place;
  guint     timeout;
};

G_DEFINE_FINAL_TYPE (HbPlacePage, hb_place_page, HB_TYPE_PAGE)

static void
add_row (HbPlacePage *self, const char *caption, const char *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (row), hb_ui_label (caption, "field-label"));
  gtk_box_append (GTK_BOX (row), hb_ui_label (value, "field-value"));
  gtk_box_append (self->details, row);
}

/* The platform's English when the page is in English and it gave one. */
static const char *
in_language (const char *zh, const char *en)
{
  return hb_i18n_is_english () && en && *en ? en : zh;
}

static void
fill (HbPlacePage *self)
{
  const HbPlace *p = self->place;

  hb_ui_box_clear (self->details);
  gtk_label_set_text (self->name_label, p ? in_language (p->name, p->name_en) : "");
  if (p == NULL)
    return;
  add_row (self, _("地址"), in_language (p->address, p->address_en));
  add_row (self, _("开放时间"), in_language (p->hours, p->hours_en));
  add_row (self, _("须知"), in_language (p->notice, p->notice_en));
  gtk_widget_set_visible (GTK_WIDGET (self->details),
                          gtk_widget_get_first_child (GTK_WIDGET (self->details)) != NULL);
}

void
hb_place_page_set_place (HbPlacePage *self, const HbPlace *place)
{
  g_clear_pointer (&self->place, hb_place_free);
  self->place = hb_place_copy (place);
  fill (self);
}

const HbPlace *
hb_place_page_get_place (HbPlacePage *self)
{
  return self->place;
}

static gboolean
on_timeout (gpointer data)
{
  HbPlacePage *self = data;
  self->timeout = 0;
  hb_page_show (HB_PAGE (self), HB_PAGE_ATTRACT);
  return G_SOURCE_REMOVE;
}

static void
on_home_clicked (HbPlacePage *self)
{
  hb_page_show (HB_PAGE (self), HB_PAGE_ATTRACT);
}

static void
hb_place_page_switch_to (HbPage *page)
{
  HbPlacePage *self = HB_PLACE_PAGE (page);
  g_clear_handle_id (&self->timeout, g_source_remove);
  self->timeout = g_timeout_add_seconds (PLACE_PAGE_SECONDS, on_timeout, self);
  fill (self);
}

static void
hb_place_page_switch_from (HbPage *page)
{
  HbPlacePage *self = HB_PLACE_PAGE (page);
  g_clear_handle_id (&self->timeout, g_source_remove);
}

static void
hb_place_page_dispose (GObject *object)
{
  HbPlacePage *self = HB_PLACE_PAGE (object);
  g_clear_handle_id (&self->timeout, g_source_remove);
  g_clear_pointer (&self->place, hb_place_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_PLACE_PAGE);
  G_OBJECT_CLASS (hb_place_page_parent_class)->dispose (object);
}

static void
hb_place_page_class_init (HbPlacePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_place_page_switch_to;
  HB_PAGE_CLASS (klass)->switch_from = hb_place_page_switch_from;
  G_OBJECT_CLASS (klass)->dispose = hb_place_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-place-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbPlacePage, name_label);
  gtk_widget_class_bind_template_child (widget_class, HbPlacePage, details);
  gtk_widget_class_bind_template_callback (widget_class, on_home_clicked);
}

static void
hb_place_page_init (HbPlacePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hb_ui_set_accessible_label (GTK_WIDGET (self->name_label), _("场所名称"));
}
