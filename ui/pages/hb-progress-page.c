/* hb-progress-page.c — 进度查询: a case's status timeline, found by a receipt's QR scanned on
 * the attract screen (no visit; back to the attract screen by itself, like the place page),
 * or every case of the identified resident (from the catalog page; back to it). */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-cases.h"

#include <glib/gi18n.h>

#define PROGRESS_PAGE_SECONDS 60   /* without a visit: whoever scanned may walk away */

struct _HbProgressPage
{
  HbPage        parent_instance;
  GtkLabel     *status_label;
  GtkBox       *cases_box;
  GtkButton    *back_button;
  char         *reference;      /* NULL: the identified resident's cases */
  GCancellable *cancellable;
  guint         timeout;
};

G_DEFINE_FINAL_TYPE (HbProgressPage, hb_progress_page, HB_TYPE_PAGE)

void
hb_progress_page_set_reference (HbProgressPage *self, const char *reference)
{
  g_free (self->reference);
  self->reference = g_strdup (reference);
}

const char *
hb_progress_page_get_reference (HbProgressPage *self)
{
  return self->reference;
}

/* "2026-11-27T10:15:02+08:00" → "2026-11-27 10:15"; anything else as sent. */
static char *
when (const char *iso)
{
  g_autoptr(GDateTime) t = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  if (t == NULL)
    return g_strdup (iso ? iso : "");
  g_autoptr(GDateTime) local = g_date_time_to_local (t);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static void
add_case (HbProgressPage *self, const HbCase *c)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  const char *name = hb_text_get (&c->service_name);
  const char *status = hb_text_get (&c->status_name);
  g_autofree char *number = g_strdup_printf (_("办件编号 %s"), c->case_number);
  g_autofree char *state = g_strdup_printf (_("当前状态：%s"), *status ? status : c->status);

  gtk_widget_add_css_class (card, "case-card");
  gtk_box_append (GTK_BOX (card), hb_ui_label (*name ? name : c->case_number, "case-title"));
  gtk_box_append (GTK_BOX (card), hb_ui_label (number, "field-label"));
  gtk_box_append (GTK_BOX (card), hb_ui_label (state, "case-status"));
  /* The timeline, oldest first; each step says what happened, not by colour alone. */
  for (guint i = 0; i < c->timeline->len; i++)
    {
      const HbCaseStep *s = c->timeline->pdata[i];
      g_autofree char *at = when (s->at);
      const char *note = hb_text_get (&s->note);
      g_autofree char *line = g_strdup_printf ("%s  %s  %s", i + 1 == c->timeline->len ? "●" : "○",
                                               at, *note ? note : s->status);
      gtk_box_append (GTK_BOX (card), hb_ui_label (line, "case-step"));
    }
  gtk_box_append (self->cases_box, card);
}

static void
queried (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbProgressPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = hb_core_query_cases_finish (HB_CORE (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (cases == NULL)
    {
      gtk_label_set_text (self->status_label,
                          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                            ? _("没有查到这个办件编号。请核对回执，或拨打 12345 咨询。")
                            : _("暂时无法查询进度（网络不通）。您可以用随申办 App 或拨打 12345 查询。"));
      return;
    }
  if (cases->len == 0)
    {
      gtk_label_set_text (self->status_label, _("您还没有办件记录。"));
      return;
    }
  gtk_label_set_text (self->status_label, self->reference ? _("以下是您扫描的回执对应的办件。")
                                                          : _("以下是您的办件，最新的在前。"));
  for (guint i = 0; i < cases->len; i++)
    add_case (self, cases->pdata[i]);
}

static gboolean
on_timeout (gpointer data)
{
  HbProgressPage *self = data;
  self->timeout = 0;
  hb_page_show (HB_PAGE (self), HB_PAGE_ATTRACT);
  return G_SOURCE_REMOVE;
}

static gboolean
in_visit (HbProgressPage *self)
{
  return hb_session_get_state (hb_page_get_session (HB_PAGE (self))) == HB_SESSION_IDENTIFIED;
}

static void
on_back_clicked (HbProgressPage *self)
{
  hb_page_show (HB_PAGE (self), in_visit (self) ? HB_PAGE_CATALOG : HB_PAGE_ATTRACT);
}

static void
hb_progress_page_switch_to (HbPage *page)
{
  HbProgressPage *self = HB_PROGRESS_PAGE (page);
  const char *back = in_visit (self) ? _("返回事项列表") : _("返回首页");

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  hb_ui_box_clear (self->cases_box);
  gtk_label_set_text (self->status_label, _("正在查询…"));
  gtk_button_set_label (self->back_button, back);
  hb_ui_set_accessible_label (GTK_WIDGET (self->back_button), back);
  g_clear_handle_id (&self->timeout, g_source_remove);
  if (!in_visit (self))
    self->timeout = g_timeout_add_seconds (PROGRESS_PAGE_SECONDS, on_timeout, self);
  hb_core_query_cases_async (hb_page_get_core (page), self->reference, self->cancellable,
                             queried, g_object_ref (self));
}

static void
hb_progress_page_switch_from (HbPage *page)
{
  HbProgressPage *self = HB_PROGRESS_PAGE (page);
  g_clear_handle_id (&self->timeout, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  /* Shown without a visit, the page outlives it: leave no case on it once it is left. */
  hb_ui_box_clear (self->cases_box);
  g_clear_pointer (&self->reference, g_free);
}

static void
hb_progress_page_dispose (GObject *object)
{
  HbProgressPage *self = HB_PROGRESS_PAGE (object);
  g_clear_handle_id (&self->timeout, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_PROGRESS_PAGE);
  G_OBJECT_CLASS (hb_progress_page_parent_class)->dispose (object);
}

static void
hb_progress_page_finalize (GObject *object)
{
  g_free (HB_PROGRESS_PAGE (object)->reference);
  G_OBJECT_CLASS (hb_progress_page_parent_class)->finalize (object);
}

static void
hb_progress_page_class_init (HbProgressPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_progress_page_switch_to;
  HB_PAGE_CLASS (klass)->switch_from = hb_progress_page_switch_from;
  G_OBJECT_CLASS (klass)->dispose = hb_progress_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_progress_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-progress-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbProgressPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, HbProgressPage, cases_box);
  gtk_widget_class_bind_template_child (widget_class, HbProgressPage, back_button);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
hb_progress_page_init (HbProgressPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
