/* hb-result-page.c — the outcome: a case number, or — offline — a queued reference with
 * the promise that it will be sent by itself. Never claims more than happened. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-i18n.h"
#include "kiosk/hb-voice.h"

#include <glib/gi18n.h>

struct _HbResultPage
{
  HbPage    parent_instance;
  GtkLabel *icon;
  GtkLabel *headline;
  GtkLabel *reference_caption;
  GtkLabel *reference;
  GtkLabel *explanation;
  GtkBox   *members;      /* 一件事: one line per member application */
};

G_DEFINE_FINAL_TYPE (HbResultPage, hb_result_page, HB_TYPE_PAGE)

static void
hb_result_page_switch_to (HbPage *page)
{
  HbResultPage *self = HB_RESULT_PAGE (page);
  const HbSubmission *s = hb_session_get_submission (hb_page_get_session (page));

  if (s == NULL)
    return;
  hb_ui_box_clear (self->members);
  gtk_widget_set_visible (GTK_WIDGET (self->members), s->members != NULL);
  for (guint i = 0; s->members && i < s->members->len; i++)
    {
      const HbSubmission *m = s->members->pdata[i];
      g_autoptr(HbService) service = hb_core_get_service (hb_page_get_core (page),
                                                          m->service_code, NULL);
      const char *name = service ? hb_text_get (hb_service_get_name (service)) : m->service_code;
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
      GtkWidget *number = hb_ui_label (m->reference, "member-reference");
      GtkWidget *label = hb_ui_label (name, "member-name");
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), number);
      hb_ui_set_accessible_label (number, name);
      gtk_box_append (self->members, row);
    }
  gtk_label_set_text (self->reference, s->reference);
  hb_ui_set_accessible_label (GTK_WIDGET (self->reference), s->queued ? _("受理凭证号") : _("办件编号"));
  if (s->queued)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->icon), "ok");
      gtk_widget_add_css_class (GTK_WIDGET (self->icon), "queued");
      gtk_label_set_text (self->icon, "✓");   /* saved: orange until sent */
      gtk_label_set_text (self->headline, _("申请已保存，联网后自动提交"));
      gtk_label_set_text (self->reference_caption, _("受理凭证号"));
      gtk_label_set_text (self->explanation,
                          _("网络暂不可用。您的申请已安全保存在本机，恢复联网后将自动提交，无需再次办理。请保留回执，凭证号可用于查询。"));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->icon), "queued");
      gtk_widget_add_css_class (GTK_WIDGET (self->icon), "ok");
      gtk_label_set_text (self->icon, "✓");
      gtk_label_set_text (self->headline,
                          s->members ? _("提交成功：一件事的各项申请均已受理") : _("提交成功"));
      gtk_label_set_text (self->reference_caption, _("办件编号"));
      gtk_label_set_text (self->explanation,
                          _("办理结果将以短信通知您，也可在“随申办”App 中凭办件编号查询进度。"));
    }
}

/* The headline, then the number read character by character so it can be noted down. */
static char *
hb_result_page_get_spoken_text (HbPage *page)
{
  HbResultPage *self = HB_RESULT_PAGE (page);
  const char *reference = gtk_label_get_text (self->reference);
  HbVoiceLanguage language = hb_i18n_is_english () ? HB_VOICE_EN : HB_VOICE_ZH;
  g_autofree char *spelled = hb_voice_spell (reference, language);

  if (*gtk_label_get_text (self->headline) == '\0')
    return NULL;
  return g_strdup_printf ("%s\n%s%s%s\n%s", gtk_label_get_text (self->headline),
                          gtk_label_get_text (self->reference_caption),
                          language == HB_VOICE_EN ? ": " : "：", spelled,
                          gtk_label_get_text (self->explanation));
}

static void
on_print_clicked (HbResultPage *self)
{
  hb_page_show (HB_PAGE (self), HB_PAGE_PRINT);
}

static void
on_skip_clicked (HbResultPage *self)
{
  hb_session_begin_rating (hb_page_get_session (HB_PAGE (self)));
}

static void
hb_result_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_RESULT_PAGE);
  G_OBJECT_CLASS (hb_result_page_parent_class)->dispose (object);
}

static void
hb_result_page_class_init (HbResultPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_result_page_switch_to;
  HB_PAGE_CLASS (klass)->get_spoken_text = hb_result_page_get_spoken_text;
  G_OBJECT_CLASS (klass)->dispose = hb_result_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-result-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbResultPage, icon);
  gtk_widget_class_bind_template_child (widget_class, HbResultPage, members);
  gtk_widget_class_bind_template_child (widget_class, HbResultPage, headline);
  gtk_widget_class_bind_template_child (widget_class, HbResultPage, reference_caption);
  gtk_widget_class_bind_template_child (widget_class, HbResultPage, reference);
  gtk_widget_class_bind_template_child (widget_class, HbResultPage, explanation);
  gtk_widget_class_bind_template_callback (widget_class, on_print_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_skip_clicked);
}

static void
hb_result_page_init (HbResultPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
