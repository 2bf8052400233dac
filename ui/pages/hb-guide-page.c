/* hb-guide-page.c — the service's 办事指南: conditions, materials (and which ones the
 * terminal spares the resident), time limit, fee, who to call. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-guidance.h"

#include <glib/gi18n.h>

struct _HbGuidePage
{
  HbPage     parent_instance;
  GtkLabel  *title;
  GtkLabel  *department;
  GtkBox    *sections;
  GtkWidget *start_button;
  gulong     licences_handler;
  gboolean   ask_first;        /* situations to answer before the form */
};

G_DEFINE_FINAL_TYPE (HbGuidePage, hb_guide_page, HB_TYPE_PAGE)

static void
add_section (HbGuidePage *self, const char *heading, GtkWidget *body)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (box, "guide-section");
  gtk_box_append (GTK_BOX (box), hb_ui_label (heading, "section-title"));
  gtk_box_append (GTK_BOX (box), body);
  gtk_box_append (self->sections, box);
}

static GtkWidget *
bullets (void)
{
  return gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
}

/* "• 户口簿" with what the resident needs to know about it. (transfer full) */
static char *
material_line (const HbMaterial *m, const char *const *licences, gboolean exempt)
{
  const char *note = hb_text_get (&m->note);
  /* 两个免于提交: the platform holds this one as an electronic licence. */
  if (exempt || (m->licence && licences && g_strv_contains (licences, m->licence)))
    return g_strdup_printf (_("• %s — 免于提交：已调取电子证照"), hb_text_get (&m->name));
  if (m->count > 1)
    /* TRANSLATORS: a material, then how many copies */
    return *note ? g_strdup_printf (_("• %s（%u份；%s）"), hb_text_get (&m->name), m->count, note)
                 : g_strdup_printf (_("• %s（%u份）"), hb_text_get (&m->name), m->count);
  return *note ? g_strdup_printf ("• %s（%s）", hb_text_get (&m->name), note)
               : g_strdup_printf ("• %s", hb_text_get (&m->name));
}

static void
on_change_answers_clicked (HbGuidePage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  g_hash_table_remove_all (hb_core_get_answers (core));
  hb_page_show (HB_PAGE (self), HB_PAGE_SITUATION);
}

/* The resident's situation as answered, and exactly the materials it needs. */
static void
add_personal (HbGuidePage *self, HbService *service, const char *const *licences)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  GHashTable *answers = hb_core_get_answers (core);
  HbPerson *person = hb_session_get_person (hb_core_get_session (core));
  g_autoptr(GPtrArray) asked = hb_core_asked_situations (core);
  GPtrArray *members = hb_session_get_member_forms (hb_core_get_session (core));
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWidget *list = bullets ();
  GtkWidget *change;

  for (guint i = 0; i < asked->len; i++)
    {
      const HbSituation *q = asked->pdata[i];
      const char *value = g_hash_table_lookup (answers, q->id);
      for (guint j = 0; value && j < q->options->len; j++)
        {
          HbFieldOption *o = q->options->pdata[j];
          if (g_str_equal (o->value, value))
            {
              g_autofree char *t = g_strdup_printf ("• %s %s", hb_text_get (&q->question),
                                                    hb_text_get (&o->label));
              gtk_box_append (GTK_BOX (list), hb_ui_label (t, NULL));
            }
        }
    }
  change = hb_ui_button (_("修改我的情况"), "secondary");
  hb_ui_set_accessible_label (change, _("修改我的情况"));
  g_signal_connect_swapped (change, "clicked", G_CALLBACK (on_change_answers_clicked), self);
  gtk_box_append (GTK_BOX (list), change);
  add_section (self, _("您的情况"), list);

  list = bullets ();
  /* 一件事: the bundle's materials and each member's, every one once. */
  for (guint part = 0; part <= (members ? members->len : 0); part++)
    {
      HbService *s = part == 0 ? service : hb_form_get_service (members->pdata[part - 1]);
      g_autoptr(GPtrArray) items = hb_guidance_materials (s, answers, person, licences);
      for (guint i = 0; i < items->len; i++)
        {
          HbGuideItem *it = items->pdata[i];
          g_autofree char *t = material_line (it->material, NULL, it->exempt);
          if (!g_hash_table_add (listed, (gpointer) hb_text_get (&it->material->name)))
            continue;
          gtk_box_append (GTK_BOX (list), hb_ui_label (t, NULL));
        }
    }
  add_section (self, _("根据您的情况，需要准备的材料"), list);
}

static void
fill (HbGuidePage *self, HbService *service)
{
  GPtrArray *conditions = hb_service_get_conditions (service);
  GPtrArray *materials = hb_service_get_materials (service);
  const char *note = hb_text_get (hb_service_get_channel_note (service));
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  const char *const *licences = hb_core_get_licences (core);
  /* 智能导办: once the situations are answered (in a visit), the list is this resident's. */
  gboolean in_service = hb_session_get_service (hb_core_get_session (core)) == service;
  g_autoptr(GPtrArray) situations = in_service ? hb_core_asked_situations (core) : NULL;
  gboolean to_ask = in_service && hb_core_next_situation (core) != NULL;
  gboolean personal = in_service && situations->len > 0 && !to_ask;
  GtkWidget *list;

  gtk_label_set_text (self->title, hb_text_get (hb_service_get_name (service)));
  gtk_label_set_text (self->department, hb_text_get (hb_service_get_department (service)));
  hb_ui_box_clear (self->sections);

  if (!hb_service_is_available (service) && *note)
    gtk_box_append (self->sections, hb_ui_label (note, "callout"));

  if (conditions->len)
    {
      list = bullets ();
      for (guint i = 0; i < conditions->len; i++)
        {
          g_autofree char *t = g_strdup_printf ("• %s", hb_text_get (conditions->pdata[i]));
          gtk_box_append (GTK_BOX (list), hb_ui_label (t, NULL));
        }
      add_section (self, _("办理条件"), list);
    }
  if (personal)
    add_personal (self, service, licences);
  else if (materials->len)
    {
      list = bullets ();
      for (guint i = 0; i < materials->len; i++)
        {
          g_autofree char *t = material_line (materials->pdata[i], licences, FALSE);
          gtk_box_append (GTK_BOX (list), hb_ui_label (t, NULL));
        }
      add_section (self, _("所需材料"), list);
    }
  if (*hb_text_get (hb_service_get_time_limit (service)))
    add_section (self, _("办理时限"), hb_ui_label (hb_text_get (hb_service_get_time_limit (service)), NULL));
  if (*hb_text_get (hb_service_get_fee (service)))
    add_section (self, _("收费标准"), hb_ui_label (hb_text_get (hb_service_get_fee (service)), NULL));
  if (hb_service_get_consult_phone (service))
    add_section (self, _("咨询电话"), hb_ui_label (hb_service_get_consult_phone (service), NULL));

  gtk_widget_set_visible (self->start_button, hb_service_is_available (service));
  /* With questions still to answer, "start" asks them first. */
  gtk_button_set_label (GTK_BUTTON (self->start_button),
                        to_ask ? _("开始办理：先了解您的情况") : _("开始填写"));
  hb_ui_set_accessible_label (self->start_button,
                              to_ask ? _("开始办理：先了解您的情况") : _("开始填写"));
  self->ask_first = to_ask;
}

static HbService *
current_service (HbGuidePage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  HbSession *session = hb_core_get_session (core);
  const char *preview;

  if (hb_session_get_service (session))
    return g_object_ref (hb_session_get_service (session));
  preview = g_object_get_data (G_OBJECT (hb_page_get_window (HB_PAGE (self))), "hb-guide-code");
  return preview ? hb_core_get_service (core, preview, NULL) : NULL;
}

static void hb_guide_page_switch_to (HbPage *page);

static void
on_licences_changed (HbGuidePage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    hb_guide_page_switch_to (HB_PAGE (self));
}

static void
hb_guide_page_switch_to (HbPage *page)
{
  if (HB_GUIDE_PAGE (page)->licences_handler == 0)
    HB_GUIDE_PAGE (page)->licences_handler =
      g_signal_connect_object (hb_page_get_core (page), "licences-changed",
                               G_CALLBACK (on_licences_changed), page, G_CONNECT_SWAPPED);
  g_autoptr(HbService) service = current_service (HB_GUIDE_PAGE (page));
  if (service)
    fill (HB_GUIDE_PAGE (page), service);
}

static void
on_back_clicked (HbGuidePage *self)
{
  HbSession *session = hb_page_get_session (HB_PAGE (self));
  if (hb_session_get_state (session) == HB_SESSION_IN_SERVICE)
    hb_session_leave_service (session);   /* the window shows the catalog again */
  else
    hb_page_show (HB_PAGE (self), HB_PAGE_CATALOG);
}

static void
on_start_clicked (HbGuidePage *self)
{
  hb_page_show (HB_PAGE (self), self->ask_first ? HB_PAGE_SITUATION : HB_PAGE_FORM);
}

static void
hb_guide_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_GUIDE_PAGE);
  G_OBJECT_CLASS (hb_guide_page_parent_class)->dispose (object);
}

static void
hb_guide_page_class_init (HbGuidePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_guide_page_switch_to;
  G_OBJECT_CLASS (klass)->dispose = hb_guide_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-guide-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbGuidePage, title);
  gtk_widget_class_bind_template_child (widget_class, HbGuidePage, department);
  gtk_widget_class_bind_template_child (widget_class, HbGuidePage, sections);
  gtk_widget_class_bind_template_child (widget_class, HbGuidePage, start_button);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
}

static void
hb_guide_page_init (HbGuidePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
