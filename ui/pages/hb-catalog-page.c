/* hb-catalog-page.c — the services this terminal knows, as big buttons, three ways in:
 * 最常用 (most used first, the default), 按人生事件 (a grid of life events → their
 * services) and 按部门 (departments → their services). */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "ui/hb-window.h"
#include "ui/widgets/hb-benefits-box.h"
#include "kiosk/hb-life-events.h"
#include "ui/hb-elder-mode.h"
#include "kiosk/hb-i18n.h"

#include <glib/gi18n.h>

/* What the list shows. */
typedef enum {
  VIEW_POPULAR,
  VIEW_EVENTS,          /* the grid of life events */
  VIEW_EVENT_SERVICES,  /* the services of self->chosen (a life event id) */
  VIEW_DEPARTMENTS,
  VIEW_DEPARTMENT_SERVICES,
} View;

struct _HbCatalogPage
{
  HbPage    parent_instance;
  GtkLabel *greeting;
  GtkBox   *list;
  GtkLabel *empty_label;
  GtkWidget *tab_popular;
  GtkWidget *tab_events;
  GtkWidget *tab_departments;
  GtkWidget *browse_header;
  GtkLabel  *browse_title;
  GtkLabel  *browse_count;
  GtkLabel  *more_label;
  GtkWidget *offline_box;
  GtkWidget *offline_button;
  GtkWidget *progress_button;
  GtkLabel  *offline_status;
  GtkWidget *proof_social_button;
  GtkWidget *proof_property_button;
  GtkLabel  *proof_status;
  GtkWidget *business_button;   /* 企业登录 (H21) */
  GCancellable *printing;
  GCancellable *proof_printing;
  GCancellable *listing;
  gulong    catalog_handler;
  GtkBox    *benefits_slot;  /* 免申即享, filled once per visit (the page dies with it) */
  View      view;
  char     *chosen;          /* the life event or department of a sub-list */
  char     *chosen_label;    /* how the header names it (a department's English name) */
  int       principal;       /* whose list is shown (-1: none yet) */
  GPtrArray *pending;        /* entries still to turn into buttons (HbCatalogEntry*) */
  guint     pending_next, shown, limit;
  guint     fill_tick;
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

/* Buttons on the page at most: a resident scrolls through a few dozen, never thousands
 * (browsing by life event or department reaches the rest); and building each costs
 * main-thread time. A sub-list (one event, one department) may be longer than the most
 * used list, but stays bounded for a 10,000-service catalog. */
#define CATALOG_PAGE_MAX 48
#define SUBLIST_MAX 120
/* Buttons are added a few per frame: all 48 at once (a service parsed and a button built
 * each, ~11 ms, then their first layout and paint, ~20 ms) held the main loop 30+ ms when
 * a 10,000-service sync landed; 4 per frame cost ~5 ms a frame (tests/bench/
 * bench-ui-sync.c). At most FILL_PER_FRAME per frame, and no more once FILL_BUDGET_US of
 * the frame went to them. */
#define FILL_PER_FRAME 4
#define FILL_BUDGET_US 3000

static void
stop_filling (HbCatalogPage *self)
{
  if (self->fill_tick)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fill_tick);
  self->fill_tick = 0;
  g_clear_pointer (&self->pending, g_ptr_array_unref);
}

/* One frame's share of the buttons; as a tick callback, once per frame until done. */
static gboolean
fill_step (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  HbCatalogPage *self = HB_CATALOG_PAGE (widget);
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  gint64 start = g_get_monotonic_time ();
  guint added = 0;

  if (core == NULL)
    {
      /* The page left its window (the visit ended, the window closed) meanwhile. */
      self->fill_tick = 0;
      stop_filling (self);
      return G_SOURCE_REMOVE;
    }
  while (self->pending_next < self->pending->len && self->shown < self->limit &&
         added < FILL_PER_FRAME && g_get_monotonic_time () - start < FILL_BUDGET_US)
    {
      HbCatalogEntry *e = self->pending->pdata[self->pending_next++];
      g_autoptr(HbService) service = hb_core_get_service (core, e->code, NULL);
      if (service == NULL)
        continue;   /* unusable data from the platform: not offered */
      gtk_box_append (self->list, service_button (self, service));
      self->shown++;
      added++;
    }
  if (self->pending_next < self->pending->len && self->shown < self->limit)
    {
      if (self->fill_tick == 0)
        self->fill_tick = gtk_widget_add_tick_callback (widget, fill_step, NULL, NULL);
      return G_SOURCE_CONTINUE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->shown == 0);
  if (self->view != VIEW_POPULAR && self->pending_next < self->pending->len)
    {
      /* A long sub-list: say that the rest exists rather than scroll on for ever. */
      g_autofree char *more = g_strdup_printf (_("已列出最常用的 %u 项（共 %u 项）。其余事项请到人工窗口咨询。"),
                                               self->shown, self->pending->len);
      gtk_label_set_text (self->more_label, more);
      gtk_widget_set_visible (GTK_WIDGET (self->more_label), TRUE);
    }
  /* Returning G_SOURCE_REMOVE drops the callback itself: only forget its id. */
  self->fill_tick = 0;
  stop_filling (self);
  return G_SOURCE_REMOVE;
}

/* Empty the list for what comes next. */
static void
clear_list (HbCatalogPage *self, const char *empty_text)
{
  stop_filling (self);
  hb_ui_box_clear (self->list);
  gtk_label_set_text (self->empty_label, empty_text);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->more_label), FALSE);
}

static void
listed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCatalogPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = hb_core_browse_finish (HB_CORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error)
    g_message ("catalog: browse failed: %s", error->message);
  g_clear_object (&self->listing);
  clear_list (self, self->view == VIEW_POPULAR
                    ? _("暂时没有可办理的事项。请稍后再试，或到人工窗口办理。")
                    : _("这一类暂时没有您可办理的事项。请点“返回”看看其他类别。"));
  self->pending = entries ? g_ptr_array_ref (entries) : g_ptr_array_new ();
  self->pending_next = 0;
  self->shown = 0;
  self->limit = self->view == VIEW_POPULAR ? CATALOG_PAGE_MAX : SUBLIST_MAX;
  if (self->view != VIEW_POPULAR)
    {
      g_autofree char *count = g_strdup_printf (ngettext ("%u 项，最常用的在前",
                                                          "%u 项，最常用的在前",
                                                          self->pending->len),
                                                self->pending->len);
      gtk_label_set_text (self->browse_count, count);
    }
  /* The first buttons in this frame, the rest in the next ones. */
  fill_step (GTK_WIDGET (self), NULL, NULL);
}

/* --- life events and departments: what there is to browse by ------------------------- */

static void show_view (HbCatalogPage *self, View view, const char *chosen);

static void
on_facet_clicked (GtkButton *button, HbCatalogPage *self)
{
  const char *value = g_object_get_data (G_OBJECT (button), "facet");
  g_free (self->chosen_label);
  self->chosen_label = g_strdup (g_object_get_data (G_OBJECT (button), "facet-label"));
  show_view (self, self->view == VIEW_EVENTS ? VIEW_EVENT_SERVICES : VIEW_DEPARTMENT_SERVICES,
             value);
}

static char *
count_text (guint services)
{
  return g_strdup_printf (ngettext ("%u 项", "%u 项", services), services);
}

/* A life event in the grid: its badge, its name, how many services. */
static GtkWidget *
event_button (HbCatalogPage *self, const HbCatalogFacet *f)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  /* The badge is a character of the event's name: in English, its name's initial. */
  g_autofree char *initial = g_utf8_substring (hb_life_event_label (f->value), 0, 1);
  GtkWidget *glyph = gtk_label_new (hb_i18n_is_english () ? initial
                                                          : hb_life_event_glyph (f->value));
  GtkWidget *name = hb_ui_label (hb_life_event_label (f->value), "event-name");
  g_autofree char *count = count_text (f->services);
  GtkWidget *count_label = hb_ui_label (count, "event-count");
  g_autofree char *description = g_strdup_printf (_("%s，%s"), hb_life_event_label (f->value), count);

  gtk_widget_add_css_class (glyph, "event-glyph");
  gtk_widget_set_halign (glyph, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (name), 0.5);
  gtk_label_set_justify (GTK_LABEL (name), GTK_JUSTIFY_CENTER);
  gtk_label_set_xalign (GTK_LABEL (count_label), 0.5);
  gtk_label_set_wrap (GTK_LABEL (count_label), FALSE);
  gtk_widget_set_visible (glyph, *hb_life_event_glyph (f->value) != '\0');
  gtk_box_append (GTK_BOX (box), glyph);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), count_label);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "event");
  gtk_widget_set_hexpand (button, TRUE);
  hb_ui_set_accessible_label (button, hb_life_event_label (f->value));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
  g_object_set_data_full (G_OBJECT (button), "facet", g_strdup (f->value), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_facet_clicked), self);
  return button;
}

/* A department: one per row (the names are long), with how many services. */
static GtkWidget *
department_button (HbCatalogPage *self, const HbCatalogFacet *f)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  /* The department's own English name where the catalog gives one. */
  const char *shown = f->value_en && !g_str_has_prefix (hb_i18n_get_language (), "zh")
                      ? f->value_en : f->value;
  GtkWidget *name = hb_ui_label (shown, "service-name");
  g_autofree char *count = count_text (f->services);
  GtkWidget *tag = hb_ui_label (count, "tag");
  g_autofree char *description = g_strdup_printf (_("%s，%s"), shown, count);

  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_label_set_wrap (GTK_LABEL (tag), FALSE);   /* a number never breaks over lines */
  gtk_box_append (GTK_BOX (row), name);
  gtk_box_append (GTK_BOX (row), tag);
  gtk_button_set_child (GTK_BUTTON (button), row);
  gtk_widget_add_css_class (button, "service");
  gtk_widget_add_css_class (button, "department");
  hb_ui_set_accessible_label (button, shown);
  g_object_set_data_full (G_OBJECT (button), "facet-label", g_strdup (shown), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
  g_object_set_data_full (G_OBJECT (button), "facet", g_strdup (f->value), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_facet_clicked), self);
  return button;
}

/* Life events three to a row; departments one to a row. A visitor has a few dozen of
 * either at most, built in one go. */
#define EVENT_COLUMNS 3

static void
faceted (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCatalogPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facets = hb_core_list_facets_finish (HB_CORE (source), result, &error);
  GtkWidget *grid = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error)
    g_message ("catalog: facets failed: %s", error->message);
  g_clear_object (&self->listing);
  clear_list (self, _("暂时没有可办理的事项。请稍后再试，或到人工窗口办理。"));
  if (self->view == VIEW_EVENTS)
    {
      grid = gtk_grid_new ();
      gtk_grid_set_column_spacing (GTK_GRID (grid), 16);
      gtk_grid_set_row_spacing (GTK_GRID (grid), 16);
      gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
      gtk_widget_add_css_class (grid, "event-grid");
      gtk_box_append (self->list, grid);
    }
  for (guint i = 0; facets && i < facets->len; i++)
    {
      HbCatalogFacet *f = facets->pdata[i];
      if (grid)
        {
          /* 长辈模式: one column (the page is rebuilt when the mode changes). */
          guint columns = hb_elder_mode_columns (
            hb_window_get_elder_mode (hb_page_get_window (HB_PAGE (self))), EVENT_COLUMNS);
          gtk_grid_attach (GTK_GRID (grid), event_button (self, f),
                           (int) (i % columns), (int) (i / columns), 1, 1);
        }
      else
        gtk_box_append (self->list, department_button (self, f));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), facets == NULL || facets->len == 0);
}

/* --- the three ways in ------------------------------------------------------------------ */

static void
mark_tab (HbCatalogPage *self)
{
  GtkWidget *current = self->view == VIEW_POPULAR ? self->tab_popular
                     : self->view == VIEW_EVENTS || self->view == VIEW_EVENT_SERVICES
                       ? self->tab_events : self->tab_departments;
  GtkWidget *tabs[] = { self->tab_popular, self->tab_events, self->tab_departments };

  for (guint i = 0; i < G_N_ELEMENTS (tabs); i++)
    {
      if (tabs[i] == current)
        gtk_widget_add_css_class (tabs[i], "tab-current");
      else
        gtk_widget_remove_css_class (tabs[i], "tab-current");
    }
}

/* The header of a sub-list: where the resident is, and the way back. */
static void
update_header (HbCatalogPage *self)
{
  gboolean sub = self->view == VIEW_EVENT_SERVICES || self->view == VIEW_DEPARTMENT_SERVICES;
  gtk_widget_set_visible (self->browse_header, sub);
  if (sub)
    {
      const char *what = self->view == VIEW_EVENT_SERVICES ? hb_life_event_label (self->chosen)
                         : self->chosen_label ? self->chosen_label : self->chosen;
      gtk_label_set_text (self->browse_title, what);
      gtk_label_set_text (self->browse_count, "");   /* until the list arrives */
    }
}

/* (Re)load what the current view shows, for whoever is identified now; a newer load
 * cancels an older one. The lists are read on a worker (a large catalog takes longer than
 * a frame) and the page filled when they arrive. */
static void
load (HbCatalogPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));

  if (self->listing)
    g_cancellable_cancel (self->listing);
  g_clear_object (&self->listing);
  stop_filling (self);   /* no more buttons of the list being left */
  mark_tab (self);
  update_header (self);
  if (!hb_core_is_started (core))
    return;
  self->listing = g_cancellable_new ();
  switch (self->view)
    {
    case VIEW_POPULAR:
      hb_core_browse_async (core, NULL, NULL, self->listing, listed, g_object_ref (self));
      break;
    case VIEW_EVENT_SERVICES:
      hb_core_browse_async (core, self->chosen, NULL, self->listing, listed, g_object_ref (self));
      break;
    case VIEW_DEPARTMENT_SERVICES:
      hb_core_browse_async (core, NULL, self->chosen, self->listing, listed, g_object_ref (self));
      break;
    case VIEW_EVENTS:
      hb_core_list_facets_async (core, "life_events", self->listing, faceted, g_object_ref (self));
      break;
    case VIEW_DEPARTMENTS:
      hb_core_list_facets_async (core, "department", self->listing, faceted, g_object_ref (self));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
show_view (HbCatalogPage *self, View view, const char *chosen)
{
  g_autofree char *keep = g_strdup (chosen);   /* chosen may be self->chosen's own copy */
  self->view = view;
  g_free (self->chosen);
  self->chosen = g_steal_pointer (&keep);
  load (self);
}

static void
on_tab_popular (HbCatalogPage *self)
{
  show_view (self, VIEW_POPULAR, NULL);
}

static void
on_tab_events (HbCatalogPage *self)
{
  show_view (self, VIEW_EVENTS, NULL);
}

static void
on_tab_departments (HbCatalogPage *self)
{
  show_view (self, VIEW_DEPARTMENTS, NULL);
}

static void
on_browse_back (HbCatalogPage *self)
{
  show_view (self, self->view == VIEW_DEPARTMENT_SERVICES ? VIEW_DEPARTMENTS : VIEW_EVENTS, NULL);
}

static int
current_principal (HbCatalogPage *self)
{
  HbPerson *person = hb_session_get_person (hb_core_get_session (hb_page_get_core (HB_PAGE (self))));
  return person ? (int) hb_person_get_principal (person) : -1;
}

static void
fill (HbCatalogPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  HbPerson *person = hb_session_get_person (hb_core_get_session (core));
  g_autofree char *name = person ? hb_person_dup_masked_name (person) : NULL;
  g_autofree char *hello = name ? g_strdup_printf (_("您好，%s"), name) : g_strdup (_("您好"));
  int principal = current_principal (self);

  gtk_label_set_text (self->greeting, hello);
  /* Back from a guide the resident finds the list they came from; but a visitor who
   * became someone else (a business login) starts again from the most used. */
  if (principal != self->principal)
    {
      self->principal = principal;
      self->view = VIEW_POPULAR;
      g_clear_pointer (&self->chosen, g_free);
      g_clear_pointer (&self->chosen_label, g_free);
    }
  load (self);
}

static void
offline_status (HbCatalogPage *self, const char *text)
{
  gtk_label_set_text (self->offline_status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_status), TRUE);
}

static void
offline_printed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCatalogPage) self = data;
  g_autoptr(GError) error = NULL;
  guint job = hb_core_print_offline_code_finish (HB_CORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->printing);
  gtk_widget_set_sensitive (self->offline_button, TRUE);
  if (job > 0)
    offline_status (self, _("离线码已打印，请在打印机出口取走。没有手机时，凭此码即可在自助终端扫码办事。"));
  else if (error->domain == G_IO_ERROR)
    offline_status (self, _("网络暂不可用，暂时无法打印离线码，请稍后再试。"));
  else
    {
      g_message ("catalog: offline code not printed: %s", error->message);
      offline_status (self, _("离线码未能打印，请联系工作人员。"));
    }
}

static void
on_offline_clicked (HbCatalogPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));

  if (self->printing)
    return;
  self->printing = g_cancellable_new ();
  gtk_widget_set_sensitive (self->offline_button, FALSE);
  offline_status (self, _("正在打印离线码，请稍候……"));
  hb_core_print_offline_code_async (core, self->printing, offline_printed, g_object_ref (self));
}

/* ---- proofs: the platform issues them, the A4 printer prints them ----------------------- */

static void
proof_status (HbCatalogPage *self, const char *text)
{
  gtk_label_set_text (self->proof_status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->proof_status), TRUE);
}

static void
proof_buttons_sensitive (HbCatalogPage *self, gboolean sensitive)
{
  gtk_widget_set_sensitive (self->proof_social_button, sensitive);
  gtk_widget_set_sensitive (self->proof_property_button, sensitive);
}

static void
proof_printed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCatalogPage) self = data;
  g_autoptr(GError) error = NULL;
  guint job = hb_core_print_proof_finish (HB_CORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->proof_printing);
  proof_buttons_sensitive (self, TRUE);
  if (job > 0)
    proof_status (self, _("证明已打印，请在 A4 打印机出口取走。证明上的二维码可供办事单位核验真伪。"));
  else if (g_error_matches (error, HB_CORE_ERROR, HB_CORE_ERROR_NO_RECORD))
    proof_status (self, _("没有查到您的相关记录，无需打印。如有疑问，请咨询工作人员或拨打 12345。"));
  else if (error->domain == G_IO_ERROR)
    proof_status (self, _("网络暂不可用，证明需联网开具。请稍后再试，或在“随申办”App 中查看电子证明。"));
  else if (error->domain == HB_DEVICE_ERROR)
    {
      /* The printer's own plain message (paper, jam, cover…) and what to do instead. */
      g_autofree char *text = g_strdup_printf (
        _("%s 证明没有打印。您可以在“随申办”App 中查看和下载电子证明，或请工作人员帮助。"),
        error->message);
      proof_status (self, text);
    }
  else
    {
      g_message ("catalog: proof not printed: %s", error->message);
      proof_status (self, _("证明未能打印，请联系工作人员。"));
    }
}

static void
on_proof_clicked (GtkButton *button, HbCatalogPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  const char *proof = g_object_get_data (G_OBJECT (button), "proof");

  if (self->proof_printing || proof == NULL)
    return;
  self->proof_printing = g_cancellable_new ();
  proof_buttons_sensitive (self, FALSE);
  proof_status (self, _("正在向平台申请证明并打印，请稍候……"));
  hb_core_print_proof_async (core, proof, NULL, NULL, self->proof_printing, proof_printed,
                             g_object_ref (self));
}

static void
update_offline (HbCatalogPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  HbPerson *person = hb_session_get_person (hb_core_get_session (core));

  /* Residents only: a business's code is issued to the business, not at a terminal. */
  gtk_widget_set_visible (self->offline_box,
                          person && hb_person_get_principal (person) == HB_PRINCIPAL_PERSON);
  /* 免申即享 for a resident the card identified: the platform needs the ID number. */
  if (person && hb_person_get_principal (person) == HB_PRINCIPAL_PERSON
      && hb_person_has_card_data (person)
      && gtk_widget_get_first_child (GTK_WIDGET (self->benefits_slot)) == NULL)
    gtk_box_append (self->benefits_slot, hb_benefits_box_new (core));
}

static void
on_progress_clicked (HbCatalogPage *self)
{
  HbWindow *window = hb_page_get_window (HB_PAGE (self));
  HbPage *page = hb_window_ensure_page (window, HB_PAGE_PROGRESS);
  hb_progress_page_set_reference (HB_PROGRESS_PAGE (page), NULL);
  hb_page_show (HB_PAGE (self), HB_PAGE_PROGRESS);
}

/* 企业登录 (H21): a resident the platform knows by ID number may act for a business. */
static void
on_business_clicked (HbCatalogPage *self)
{
  hb_page_show (HB_PAGE (self), HB_PAGE_BUSINESS);
}

static void
update_business (HbCatalogPage *self)
{
  HbSession *session = hb_core_get_session (hb_page_get_core (HB_PAGE (self)));
  HbPerson *person = hb_session_get_person (session);
  gboolean resident = person && hb_person_get_principal (person) == HB_PRINCIPAL_PERSON;

  gtk_widget_set_visible (self->business_button, resident && hb_person_has_card_data (person)
                          && hb_session_get_state (session) == HB_SESSION_IDENTIFIED);
  /* once logged in for a business, the resident's own benefits are not its business */
  gtk_widget_set_visible (GTK_WIDGET (self->benefits_slot), resident);
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
  update_offline (self);
  update_business (self);
}

static void
hb_catalog_page_dispose (GObject *object)
{
  HbCatalogPage *self = HB_CATALOG_PAGE (object);
  if (self->printing)
    g_cancellable_cancel (self->printing);
  g_clear_object (&self->printing);
  if (self->proof_printing)
    g_cancellable_cancel (self->proof_printing);
  g_clear_object (&self->proof_printing);
  if (self->listing)
    g_cancellable_cancel (self->listing);
  g_clear_object (&self->listing);
  stop_filling (self);
  g_clear_pointer (&self->chosen, g_free);
  g_clear_pointer (&self->chosen_label, g_free);
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
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, tab_popular);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, tab_events);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, tab_departments);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, browse_header);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, browse_title);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, browse_count);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, more_label);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, offline_box);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, offline_button);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, progress_button);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, offline_status);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, proof_social_button);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, proof_property_button);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, proof_status);
  gtk_widget_class_bind_template_callback (widget_class, on_offline_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_proof_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_progress_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_tab_popular);
  gtk_widget_class_bind_template_callback (widget_class, on_tab_events);
  gtk_widget_class_bind_template_callback (widget_class, on_tab_departments);
  gtk_widget_class_bind_template_callback (widget_class, on_browse_back);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, benefits_slot);
  gtk_widget_class_bind_template_child (widget_class, HbCatalogPage, business_button);
  gtk_widget_class_bind_template_callback (widget_class, on_business_clicked);
}

static void
hb_catalog_page_init (HbCatalogPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->principal = -1;
  hb_ui_set_accessible_label (GTK_WIDGET (self->browse_title), _("浏览标题"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->browse_count), _("浏览事项数"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->offline_status), _("离线码打印状态"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->greeting), _("问候"));
  /* It holds the resident's (masked) name: voice guidance does not read it out. */
  gtk_widget_add_css_class (GTK_WIDGET (self->greeting), HB_PAGE_UNSPOKEN);
  hb_ui_set_accessible_label (GTK_WIDGET (self->proof_status), _("证明打印状态"));
  g_object_set_data (G_OBJECT (self->proof_social_button), "proof",
                     (gpointer) "social-insurance-payment");
  g_object_set_data (G_OBJECT (self->proof_property_button), "proof",
                     (gpointer) "property-registration");
  /* Side by side, long captions (English above all) wrap instead of widening the window. */
  {
    GtkWidget *side_by_side[] = { self->offline_button, self->progress_button,
                                  self->proof_social_button, self->proof_property_button,
                                  self->tab_popular, self->tab_events, self->tab_departments };
    for (guint i = 0; i < G_N_ELEMENTS (side_by_side); i++)
      {
        GtkWidget *child = gtk_button_get_child (GTK_BUTTON (side_by_side[i]));
        if (GTK_IS_LABEL (child))
          {
            gtk_label_set_wrap (GTK_LABEL (child), TRUE);
            gtk_label_set_justify (GTK_LABEL (child), GTK_JUSTIFY_CENTER);
          }
      }
  }
}
