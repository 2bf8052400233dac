/* hb-catalog-page.c — the services this terminal knows, as big buttons. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>

struct _HbCatalogPage
{
  HbPage    parent_instance;
  GtkLabel *greeting;
  GtkBox   *list;
  GtkLabel *empty_label;
  gulong    catalog_handler;
};

G_DEFINE_FINAL_TYPE (HbCatalogPage, hb_catalog_page, HB_TYPE_PAGE)

static void
on_service_clicked (GtkButton *button, HbCatalogPage *self)
{
  const char *code = g_object_get_data (G_OBJECT (button), "code");
  g_autoptr(GError) error = NULL;
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  g_autoptr(HbService) service = hb_core_get_service (core, code, &error);

  if (service == NULL)
    {
      g_warning ("catalog: %s", error->message);
      return;
    }
  if (hb_service_is_available (service))
    {
      /* The session moves to IN_SERVICE and the window shows the guide. */
      if (!hb_core_choose_service (core, code, &error))
        g_warning ("catalog: %s", error->message);
      return;
    }
  /* Not offered here: the guide alone, without starting the service. */
  g_object_set_data_full (G_OBJECT (hb_page_get_window (HB_PAGE (self))), "hb-guide-code",
                          g_strdup (code), g_free);
  hb_page_show (HB_PAGE (self), HB_PAGE_GUIDE);
}

static GtkWidget *
service_button (HbCatalogPage *self, HbService *service)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  const char *name = hb_text_get (hb_service_get_name (service));
  const char *summary = hb_text_get (hb_service_get_summary (service));
  gboolean available = hb_service_is_available (service);
  GtkWidget *title = hb_ui_label (name, "service-name");
  GtkWidget *tag = hb_ui_label (available ? _("本机可办") : _("仅查看指南"),
                                available ? "tag tag-ok" : "tag");

  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (top), title);
  gtk_box_append (GTK_BOX (top), tag);
  gtk_box_append (GTK_BOX (box), top);
  if (*summary)
    gtk_box_append (GTK_BOX (box), hb_ui_label (summary, "service-summary"));
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "service");
  hb_ui_set_accessible_label (button, name);
  g_object_set_data_full (G_OBJECT (button), "code", g_strdup (hb_service_get_code (service)),
                          g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_service_clicked), self);
  return button;
}

static void
fill (HbCatalogPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  HbPerson *person = hb_session_get_person (hb_core_get_session (core));
  g_autofree char *name = person ? hb_person_dup_masked_name (person) : NULL;
  g_autofree char *hello = name ? g_strdup_printf (_("您好，%s"), name) : g_strdup (_("您好"));
  g_autoptr(GPtrArray) entries = NULL;

  gtk_label_set_text (self->greeting, hello);
  hb_ui_box_clear (self->list);
  entries = hb_core_is_started (core) ? hb_core_list_services (core) : NULL;
  for (guint i = 0; entries && i < entries->len; i++)
    {
      HbCatalogEntry *e = entries->pdata[i];
      g_autoptr(HbService) service = hb_core_get_service (core, e->code, NULL);
      if (service == NULL)
        continue;   /* unusable data from the platform: not offered */
      gtk_box_append (self->list, service_button (self, service));
    }
  gtk_label_set_text (self->empty_label,
                      _("暂时没有可办理的事项。请稍后再试，或到人工窗口办理。"));
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label),
                          gtk_widget_get_first_child (GTK_WIDGET (self->list)) == NULL);
}

static void
hb_catalog_page_switch_to (HbPage *page)
{
  HbCatalogPage *self = HB_CATALOG_PAGE (page);
  HbCore *core = hb_page_get_core (page);

  if (self->catalog_handler == 0)
    self->catalog_handler = g_signal_connect_object (core, "catalog-changed",
                                                     G_CALLBACK (fill), self, G_CONNECT_SWAPPED);
  fill (self);
}

static void
hb_catalog_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_CATALOG_PAGE);
  G_OBJECT_CLASS (hb_catalog_page_parent_class)->dispose (object);
}

static void
hb_catalog_page_class_init (HbCatalogPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_catalog_page_switch_to;
  G_OBJECT_CLASS (klass)->dispose = hb_catalog_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-catalog-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, greeting);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, list);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, empty_label);
}

static void
hb_catalog_page_init (HbCatalogPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
