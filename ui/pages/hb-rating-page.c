/* hb-rating-page.c — 好差评: the five national levels, the indicators of the chosen level
 * (kiosk/hb-rating.h), then thanks and back to the start. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-rating.h"

#include <glib/gi18n.h>

#define THANKS_MS 2500

struct _HbRatingPage
{
  HbPage     parent_instance;
  GtkBox    *levels;
  GtkBox    *indicators;
  GtkLabel  *indicators_title;
  GtkWidget *submit_button;
  GtkLabel  *thanks;
  GtkWidget *skip_button;
  int        level;         /* chosen, 0 = none yet */
  gboolean   submitted;
  guint      finish_source;
  /* What a page this one replaced showed (hb_rating_page_take_over), applied when shown. */
  int        resume_level;
  GStrv      resume_indicators;
  gboolean   resume_thanks;
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
show_thanks (HbRatingPage *self, const char *text)
{
  gtk_widget_set_visible (GTK_WIDGET (self->levels), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->indicators), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->indicators_title), FALSE);
  gtk_widget_set_visible (self->submit_button, FALSE);
  gtk_widget_set_visible (self->skip_button, FALSE);
  gtk_label_set_text (self->thanks, text);
  gtk_widget_set_visible (GTK_WIDGET (self->thanks), TRUE);
  self->finish_source = g_timeout_add (THANKS_MS, finish, self);
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
  show_thanks (self, hb_rating_level_is_bad (self->level)
                       ? _("感谢您的评价！\n相关部门将回访并改进。请带好随身物品。")
                       : _("感谢您的评价！\n请带好随身物品。"));
}

/* The indicators ticked, as ids (the toggles carry them). (transfer full) */
static GStrv
chosen_indicators (HbRatingPage *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->indicators)); c;
       c = gtk_widget_get_next_sibling (c))
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (c)))
      g_ptr_array_add (ids, g_strdup (g_object_get_data (G_OBJECT (c), "indicator")));
  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

/* A 差评 must say what went wrong (at least one indicator); a good rating need not. */
static void
update_submit (HbRatingPage *self)
{
  g_auto(GStrv) ids = chosen_indicators (self);
  gtk_widget_set_sensitive (self->submit_button,
                            self->level > 0
                            && (!hb_rating_level_is_bad (self->level) || ids[0] != NULL));
}

static void
on_indicator_toggled (GtkToggleButton *toggle, HbRatingPage *self)
{
  hb_session_touch (hb_page_get_session (HB_PAGE (self)));
  update_submit (self);
}

/* Once laid out, the indicators of the level just chosen come into view: in 长辈模式 the
 * five levels fill the screen and the list would start below the fold. */
static gboolean
show_indicators (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  HbRatingPage *self = HB_RATING_PAGE (widget);
  guint *frames = data;

  /* A tick comes before the frame's layout: wait for the list to have its size. */
  if (gtk_widget_get_height (GTK_WIDGET (self->indicators)) <= 0 && ++*frames < 60)
    return G_SOURCE_CONTINUE;
  hb_ui_scroll_into_view (GTK_WIDGET (self->indicators_title), 0);
  hb_ui_scroll_into_view (GTK_WIDGET (self->indicators), 24);
  return G_SOURCE_REMOVE;
}

static void
on_level_clicked (GtkButton *button, HbRatingPage *self)
{
  guint n = 0;
  const HbRatingIndicator *all;

  self->level = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "level"));
  hb_session_touch (hb_page_get_session (HB_PAGE (self)));
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->levels)); c;
       c = gtk_widget_get_next_sibling (c))
    if (c == GTK_WIDGET (button))
      gtk_widget_add_css_class (c, "selected");
    else
      gtk_widget_remove_css_class (c, "selected");

  hb_ui_box_clear (self->indicators);
  all = hb_rating_indicators (self->level, &n);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *t = gtk_toggle_button_new_with_label (_(all[i].label));
      gtk_widget_add_css_class (t, "indicator");
      hb_ui_set_accessible_label (t, _(all[i].label));
      g_object_set_data (G_OBJECT (t), "indicator", (gpointer) all[i].id);
      g_signal_connect (t, "toggled", G_CALLBACK (on_indicator_toggled), self);
      gtk_box_append (self->indicators, t);
    }
  gtk_label_set_text (self->indicators_title,
                      hb_rating_level_is_bad (self->level)
                        ? _("哪里做得不好？请至少选一项（可多选）")
                        : _("哪些方面让您满意？（可多选，也可直接提交）"));
  gtk_widget_set_visible (GTK_WIDGET (self->indicators_title), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->indicators), TRUE);
  gtk_widget_set_visible (self->submit_button, TRUE);
  update_submit (self);
  gtk_widget_add_tick_callback (GTK_WIDGET (self), show_indicators, g_new0 (guint, 1), g_free);
}

static void
on_submit_clicked (HbRatingPage *self)
{
  HbSession *session = hb_page_get_session (HB_PAGE (self));
  g_auto(GStrv) ids = chosen_indicators (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->levels), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->indicators), FALSE);
  gtk_widget_set_sensitive (self->submit_button, FALSE);
  self->submitted = TRUE;
  if (hb_session_get_state (session) != HB_SESSION_RATING)
    hb_session_begin_rating (session);
  hb_core_rate_async (hb_page_get_core (HB_PAGE (self)), self->level,
                      (const char *const *) ids, NULL, rated, g_object_ref (self));
}

static void
on_skip_clicked (HbRatingPage *self)
{
  hb_session_finish (hb_page_get_session (HB_PAGE (self)));
}

static void resume (HbRatingPage *self);

static void
hb_rating_page_switch_to (HbPage *page)
{
  HbRatingPage *self = HB_RATING_PAGE (page);
  /* The national 好差评 scale, best first (GB/T 39734: 差评 = levels 1–2). */
  static const char *const stars[] = { NULL, "★☆☆☆☆", "★★☆☆☆", "★★★☆☆", "★★★★☆", "★★★★★" };

  self->level = 0;
  self->submitted = FALSE;
  hb_ui_box_clear (self->levels);
  hb_ui_box_clear (self->indicators);
  gtk_widget_set_sensitive (GTK_WIDGET (self->levels), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->indicators), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->levels), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->indicators), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->indicators_title), FALSE);
  gtk_widget_set_visible (self->submit_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->thanks), FALSE);
  gtk_widget_set_visible (self->skip_button, TRUE);
  for (int level = 5; level >= 1; level--)
    {
      const char *label = _(hb_rating_level_label (level));
      g_autofree char *text = g_strdup_printf ("%s  %s", stars[level], label);
      GtkWidget *b = hb_ui_button (text, hb_rating_level_is_bad (level) ? "rating rating-bad"
                                                                         : "rating");
      hb_ui_set_accessible_label (b, label);
      g_object_set_data (G_OBJECT (b), "level", GINT_TO_POINTER (level));
      g_signal_connect (b, "clicked", G_CALLBACK (on_level_clicked), self);
      gtk_box_append (self->levels, b);
    }
  resume (self);
}

/* The chosen level and ticked indicators come back; a rating already sent shows its
 * thanks (and is not sent again). */
static void
resume (HbRatingPage *self)
{
  int level = self->resume_level;
  g_auto(GStrv) ticked = g_steal_pointer (&self->resume_indicators);
  gboolean thanks = self->resume_thanks;

  self->resume_level = 0;
  self->resume_thanks = FALSE;
  if (level <= 0)
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->levels)); c;
       c = gtk_widget_get_next_sibling (c))
    if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (c), "level")) == level)
      on_level_clicked (GTK_BUTTON (c), self);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->indicators)); c;
       c = gtk_widget_get_next_sibling (c))
    if (ticked && g_strv_contains ((const char *const *) ticked,
                                   g_object_get_data (G_OBJECT (c), "indicator")))
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (c), TRUE);
  if (thanks)
    {
      self->submitted = TRUE;
      gtk_widget_set_sensitive (GTK_WIDGET (self->levels), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->indicators), FALSE);
      gtk_widget_set_sensitive (self->submit_button, FALSE);
      show_thanks (self, hb_rating_level_is_bad (level)
                         ? _("感谢您的评价！\n相关部门将回访并改进。请带好随身物品。")
                         : _("感谢您的评价！\n请带好随身物品。"));
    }
}

void
hb_rating_page_take_over (HbRatingPage *self, HbRatingPage *old)
{
  g_return_if_fail (HB_IS_RATING_PAGE (self) && HB_IS_RATING_PAGE (old));
  self->resume_level = old->level;
  g_strfreev (self->resume_indicators);
  self->resume_indicators = old->level > 0 ? chosen_indicators (old) : NULL;
  /* Submitted: the rating is on its way already (or was refused: it is not sent again). */
  self->resume_thanks = old->level > 0 && old->submitted;
}

static void
hb_rating_page_dispose (GObject *object)
{
  HbRatingPage *self = HB_RATING_PAGE (object);
  g_clear_handle_id (&self->finish_source, g_source_remove);
  g_clear_pointer (&self->resume_indicators, g_strfreev);
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
  gtk_widget_class_bind_template_child (widget_class, HbRatingPage, indicators);
  gtk_widget_class_bind_template_child (widget_class, HbRatingPage, indicators_title);
  gtk_widget_class_bind_template_child (widget_class, HbRatingPage, submit_button);
  gtk_widget_class_bind_template_child (widget_class, HbRatingPage, thanks);
  gtk_widget_class_bind_template_child (widget_class, HbRatingPage, skip_button);
  gtk_widget_class_bind_template_callback (widget_class, on_skip_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_submit_clicked);
}

static void
hb_rating_page_init (HbRatingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
