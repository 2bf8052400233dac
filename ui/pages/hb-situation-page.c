/* hb-situation-page.c — 智能导办: the service's situation questions (情形), one per page, so
 * the guide can list exactly the materials this resident needs (kiosk/hb-guidance.h). When
 * every question that applies is answered, the guide page shows the personal list. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-guidance.h"

#include <glib/gi18n.h>

struct _HbSituationPage
{
  HbPage    parent_instance;
  GtkLabel *step_label;
  GtkLabel *question;
  GtkLabel *hint;
  GtkBox   *options;
};

G_DEFINE_FINAL_TYPE (HbSituationPage, hb_situation_page, HB_TYPE_PAGE)

static void show_next (HbSituationPage *self);

static void
on_option_clicked (GtkButton *button, HbSituationPage *self)
{
  hb_core_set_answer (hb_page_get_core (HB_PAGE (self)),
                      g_object_get_data (G_OBJECT (button), "situation"),
                      g_object_get_data (G_OBJECT (button), "value"));
  show_next (self);
}

static void
show_next (HbSituationPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  HbService *service = hb_session_get_service (hb_core_get_session (core));
  GHashTable *answers = hb_core_get_answers (core);
  const HbSituation *next = service ? hb_core_next_situation (core) : NULL;
  g_autoptr(GPtrArray) asked = NULL;
  g_autofree char *step = NULL;
  guint answered = 0;

  hb_session_touch (hb_page_get_session (HB_PAGE (self)));
  if (next == NULL)
    {
      hb_page_show (HB_PAGE (self), HB_PAGE_GUIDE);   /* the personal list */
      return;
    }
  asked = hb_core_asked_situations (core);
  for (guint i = 0; i < asked->len; i++)
    answered += g_hash_table_contains (answers, ((HbSituation *) asked->pdata[i])->id);
  /* TRANSLATORS: which question this is; the total can grow with the answers */
  step = g_strdup_printf (_("了解您的情况 · 第 %u 题"), answered + 1);
  gtk_label_set_text (self->step_label, step);
  gtk_label_set_text (self->question, hb_text_get (&next->question));
  gtk_label_set_text (self->hint, hb_text_get (&next->hint));
  gtk_widget_set_visible (GTK_WIDGET (self->hint), *hb_text_get (&next->hint) != '\0');
  hb_ui_box_clear (self->options);
  for (guint i = 0; i < next->options->len; i++)
    {
      HbFieldOption *o = next->options->pdata[i];
      GtkWidget *b = hb_ui_button (hb_text_get (&o->label), "choice");
      hb_ui_set_accessible_label (b, hb_text_get (&o->label));
      g_object_set_data_full (G_OBJECT (b), "situation", g_strdup (next->id), g_free);
      g_object_set_data_full (G_OBJECT (b), "value", g_strdup (o->value), g_free);
      g_signal_connect (b, "clicked", G_CALLBACK (on_option_clicked), self);
      gtk_box_append (self->options, b);
    }
}

/* Back: undo the last answer (its question comes again); before the first, the guide. */
static void
on_back_clicked (HbSituationPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  HbService *service = hb_session_get_service (hb_core_get_session (core));
  GHashTable *answers = hb_core_get_answers (core);
  g_autoptr(GPtrArray) asked = service ? hb_core_asked_situations (core) : NULL;
  const HbSituation *last = NULL;

  for (guint i = 0; asked && i < asked->len; i++)
    if (g_hash_table_contains (answers, ((HbSituation *) asked->pdata[i])->id))
      last = asked->pdata[i];
  if (last == NULL)
    {
      hb_page_show (HB_PAGE (self), HB_PAGE_GUIDE);
      return;
    }
  hb_core_set_answer (core, last->id, NULL);
  show_next (self);
}

static void
hb_situation_page_switch_to (HbPage *page)
{
  show_next (HB_SITUATION_PAGE (page));
}

static void
hb_situation_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_SITUATION_PAGE);
  G_OBJECT_CLASS (hb_situation_page_parent_class)->dispose (object);
}

static void
hb_situation_page_class_init (HbSituationPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_situation_page_switch_to;
  G_OBJECT_CLASS (klass)->dispose = hb_situation_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-situation-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbSituationPage, step_label);
  gtk_widget_class_bind_template_child (widget_class, HbSituationPage, question);
  gtk_widget_class_bind_template_child (widget_class, HbSituationPage, hint);
  gtk_widget_class_bind_template_child (widget_class, HbSituationPage, options);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
hb_situation_page_init (HbSituationPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
