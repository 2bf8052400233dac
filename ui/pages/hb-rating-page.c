/* hb-rating-page.c — 好差评: the five national levels, then thanks and back to the start. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>

#define THANKS_MS 2500

struct _HbRatingPage
{
  HbPage     parent_instance;
  GtkBox    *levels;
  GtkLabel  *thanks;
  GtkWidget *skip_button;
  guint      finish_source;
};

G_DEFINE_FINAL_TYPE (HbRatingPage, hb_rating_page, HB_TYPE_PAGE)

static gboolean
finish (gpointer data)
{
  HbRatingPage *self = data;
  self->finish_source = 0;
  hb_session_finish (hb_page_get_session (HB_PAGE (self)));
  return G_SOURCE_REMOVE;
}

static void
rated (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbRatingPage) self = data;
  g_autoptr(GError) error = NULL;

  if (!hb_core_rate_finish (HB_CORE (source), result, &error))
    g_message ("rating not saved: %s", error->message);
  if (gtk_widget_get_parent (GTK_WIDGET (self)) == NULL)
    return;   /* the visit ended meanwhile */
  gtk_widget_set_visible (GTK_WIDGET (self->levels), FALSE);
  gtk_widget_set_visible (self->skip_button, FALSE);
  gtk_label_set_text (self->thanks, _("感谢您的评价！\n请带好随身物品。"));
  gtk_widget_set_visible (GTK_WIDGET (self->thanks), TRUE);
  self->finish_source = g_timeout_add (THANKS_MS, finish, self);
}

static void
on_level_clicked (GtkButton *button, HbRatingPage *self)
{
  int level = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "level"));
  HbSession *session = hb_page_get_session (HB_PAGE (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->levels), FALSE);
  if (hb_session_get_state (session) != HB_SESSION_RATING)
    hb_session_begin_rating (session);
  hb_core_rate_async (hb_page_get_core (HB_PAGE (self)), level, NULL, rated, g_object_ref (self));
}

static void
on_skip_clicked (HbRatingPage *self)
{
  hb_session_finish (hb_page_get_session (HB_PAGE (self)));
}

static void
hb_rating_page_switch_to (HbPage *page)
{
  HbRatingPage *self = HB_RATING_PAGE (page);
  /* The national 好差评 scale, best first (GB/T 39734: 差评 = levels 1–2). */
  const struct { int level; const char *label; const char *stars; } levels[] = {
    { 5, N_("非常满意"),   "★★★★★" },
    { 4, N_("满意"),       "★★★★☆" },
    { 3, N_("基本满意"),   "★★★☆☆" },
    { 2, N_("不满意"),     "★★☆☆☆" },
    { 1, N_("非常不满意"), "★☆☆☆☆" },
  };

  hb_ui_box_clear (self->levels);
  gtk_widget_set_sensitive (GTK_WIDGET (self->levels), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->levels), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->thanks), FALSE);
  gtk_widget_set_visible (self->skip_button, TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *text = g_strdup_printf ("%s  %s", levels[i].stars, _(levels[i].label));
      GtkWidget *b = hb_ui_button (text, levels[i].level <= 2 ? "rating rating-bad" : "rating");
      hb_ui_set_accessible_label (b, _(levels[i].label));
      g_object_set_data (G_OBJECT (b), "level", GINT_TO_POINTER (levels[i].level));
      g_signal_connect (b, "clicked", G_CALLBACK (on_level_clicked), self);
      gtk_box_append (self->levels, b);
    }
}

static void
hb_rating_page_dispose (GObject *object)
{
  HbRatingPage *self = HB_RATING_PAGE (object);
  g_clear_handle_id (&self->finish_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_RATING_PAGE);
  G_OBJECT_CLASS (hb_rating_page_parent_class)->dispose (object);
}

static void
hb_rating_page_class_init (HbRatingPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_rating_page_switch_to;
  G_OBJECT_CLASS (klass)->dispose = hb_rating_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-rating-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbRatingPage, levels);
  gtk_widget_class_bind_template_child (widget_class, HbRatingPage, thanks);
  gtk_widget_class_bind_template_child (widget_class, HbRatingPage, skip_button);
  gtk_widget_class_bind_template_callback (widget_class, on_skip_clicked);
}

static void
hb_rating_page_init (HbRatingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
