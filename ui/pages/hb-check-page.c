/* hb-check-page.c — "check your answers" before submitting: every answer with a change
 * link; then the submission (durable first, then sent). */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "ui/hb-window.h"

#include <glib/gi18n.h>

struct _HbCheckPage
{
  HbPage      parent_instance;
  GtkLabel   *service_label;
  GtkBox     *error_summary;
  GtkBox     *rows;
  GtkWidget  *busy_box;
  GtkSpinner *spinner;
  GtkLabel   *error_label;
  GtkWidget  *actions;
  GCancellable *cancellable;
  GHashTable *inline_errors;   /* "part/field id" → GtkLabel under its row */
};

G_DEFINE_FINAL_TYPE (HbCheckPage, hb_check_page, HB_TYPE_PAGE)

static char *
row_key (guint part, const char *field_id)
{
  return g_strdup_printf ("%u/%s", part, field_id);
}

static void
open_question (HbCheckPage *self, guint part, const char *field_id, const char *message)
{
  HbWindow *window = hb_page_get_window (HB_PAGE (self));
  hb_form_page_open_question (HB_FORM_PAGE (hb_window_get_page (window, HB_PAGE_FORM)),
                              part, field_id, message);
  hb_window_show_page (window, HB_PAGE_FORM);
}

static void
on_change_clicked (GtkButton *button, HbCheckPage *self)
{
  open_question (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "part")),
                 g_object_get_data (G_OBJECT (button), "field"), NULL);
}

static void
on_problem_clicked (GtkButton *button, HbCheckPage *self)
{
  open_question (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "part")),
                 g_object_get_data (G_OBJECT (button), "field"),
                 g_object_get_data (G_OBJECT (button), "message"));
}

static GtkWidget *
answer_row (HbCheckPage *self, HbQuestion *q)
{
  const HbFormField *f = q->field;
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *value = hb_form_dup_display_value (q->form, f->id);
  GtkWidget *value_w = hb_ui_label (*value ? value : _("（未填写）"), "summary-value");
  GtkWidget *error = hb_ui_label ("", "error-text");

  gtk_widget_add_css_class (row, "summary-row");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), hb_ui_label (hb_text_get (&f->label), "summary-key"));
  gtk_box_append (GTK_BOX (text), value_w);
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (GTK_BOX (text), error);
  g_hash_table_insert (self->inline_errors, row_key (q->part, f->id), error);
  hb_ui_set_accessible_label (value_w, hb_text_get (&f->label));
  gtk_box_append (GTK_BOX (row), text);
  if (!f->readonly)
    {
      g_autofree char *a11y = g_strdup_printf (_("修改%s"), hb_text_get (&f->label));
      GtkWidget *change = hb_ui_button (_("修改"), "link");
      hb_ui_set_accessible_label (change, a11y);
      gtk_widget_set_valign (change, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (change), "part", GUINT_TO_POINTER (q->part));
      g_object_set_data_full (G_OBJECT (change), "field", g_strdup (f->id), g_free);
      g_signal_connect (change, "clicked", G_CALLBACK (on_change_clicked), self);
      gtk_box_append (GTK_BOX (row), change);
    }
  return row;
}

static void
clear_problems (HbCheckPage *self)
{
  hb_ui_box_clear (self->error_summary);
  gtk_widget_set_visible (GTK_WIDGET (self->error_summary), FALSE);
}

static void
fill (HbCheckPage *self)
{
  HbSession *session = hb_page_get_session (HB_PAGE (self));
  HbService *service = hb_session_get_service (session);
  g_autoptr(GPtrArray) questions = NULL;
  gboolean bundle;
  int part = -1;

  hb_ui_box_clear (self->rows);
  g_hash_table_remove_all (self->inline_errors);
  clear_problems (self);
  if (hb_session_get_form (session) == NULL || service == NULL)
    return;
  bundle = hb_service_get_kind (service) == HB_SERVICE_KIND_BUNDLE;
  questions = hb_core_list_questions (hb_page_get_core (HB_PAGE (self)));
  {
    guint prefilled = 0;
    g_autofree char *lead = NULL;
    for (guint i = 0; i < questions->len; i++)
      {
        HbQuestion *q = questions->pdata[i];
        prefilled += hb_form_is_prefilled (q->form, q->field->id);
      }
    /* TRANSLATORS: service name, then how many answers the terminal filled in */
    lead = g_strdup_printf (_("%s · 已为您自动填写 %u 项，请核对"),
                            hb_text_get (hb_service_get_name (service)), prefilled);
    gtk_label_set_text (self->service_label, lead);
  }
  for (guint i = 0; i < questions->len; i++)
    {
      HbQuestion *q = questions->pdata[i];
      /* 一件事: the shared answers, then what each member service asked besides. */
      if (bundle && (int) q->part != part)
        {
          const char *heading = q->part == 0
            ? _("共同信息（各事项共用）")
            : hb_text_get (hb_service_get_name (hb_form_get_service (q->form)));
          GtkWidget *h = hb_ui_label (heading, "summary-part");
          gtk_box_append (self->rows, h);
          part = (int) q->part;
        }
      gtk_box_append (self->rows, answer_row (self, q));
    }
}

/* Pre-review (智能预审) before anything is sent: every problem in a summary at the top,
 * each a link to its question, and the same words under the answer. */
static gboolean
show_problems (HbCheckPage *self)
{
  g_autoptr(GPtrArray) problems = hb_core_check_answers (hb_page_get_core (HB_PAGE (self)));

  clear_problems (self);
  if (problems->len == 0)
    return FALSE;
  gtk_box_append (self->error_summary,
                  hb_ui_label (_("提交前请修改以下内容（智能预审）："), "error-title"));
  for (guint i = 0; i < problems->len; i++)
    {
      HbQuestionProblem *p = problems->pdata[i];
      GtkWidget *item;
      if (p->field_id == NULL)
        {
          gtk_box_append (self->error_summary, hb_ui_label (p->message, "error-text"));
          continue;
        }
      item = hb_ui_button (p->message, "error-link");
      g_object_set_data (G_OBJECT (item), "part", GUINT_TO_POINTER (p->part));
      g_object_set_data_full (G_OBJECT (item), "field", g_strdup (p->field_id), g_free);
      g_object_set_data_full (G_OBJECT (item), "message", g_strdup (p->message), g_free);
      g_signal_connect (item, "clicked", G_CALLBACK (on_problem_clicked), self);
      gtk_box_append (self->error_summary, item);
      {
        g_autofree char *key = row_key (p->part, p->field_id);
        GtkLabel *inline_label = g_hash_table_lookup (self->inline_errors, key);
        if (inline_label)
          {
            hb_ui_set_error_text (inline_label, p->message);
            gtk_widget_set_visible (GTK_WIDGET (inline_label), TRUE);
          }
      }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_summary), TRUE);
  gtk_widget_grab_focus (gtk_widget_get_first_child (GTK_WIDGET (self->error_summary)));
  {
    g_autoptr(GString) spoken = g_string_new (_("提交前请修改以下内容（智能预审）："));
    for (guint i = 0; i < problems->len; i++)
      g_string_append_printf (spoken, "\n%s", ((HbQuestionProblem *) problems->pdata[i])->message);
    hb_page_speak (HB_PAGE (self), spoken->str);
  }
  return TRUE;
}

static void
set_busy (HbCheckPage *self, gboolean busy)
{
  gtk_widget_set_visible (self->busy_box, busy);
  gtk_widget_set_sensitive (self->actions, !busy);
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
}

static void
submitted (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCheckPage) self = data;
  g_autoptr(GError) error = NULL;

  if (hb_core_submit_finish (HB_CORE (source), result, &error))
    return;   /* the session is DONE: the window shows the result page */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  gtk_label_set_text (self->error_label,
                      g_error_matches (error, HB_CORE_ERROR, HB_CORE_ERROR_REJECTED)
                      ? _("平台未能受理此申请。请按“退出办理”结束，并到人工窗口咨询。")
                      : g_error_matches (error, HB_CORE_ERROR, HB_CORE_ERROR_STORAGE_FULL)
                      ? _("本机存储空间不足，暂时不能受理新的申请（已保存的申请不受影响）。"
                          "请到人工窗口办理，或请工作人员处理。")
                      : _("提交未成功，请再试一次。如仍不成功，请联系工作人员。"));
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  hb_page_speak (HB_PAGE (self), gtk_label_get_text (self->error_label));
}

static void
on_submit_clicked (HbCheckPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (show_problems (self))
    return;
  set_busy (self, TRUE);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  hb_core_submit_async (hb_page_get_core (HB_PAGE (self)), self->cancellable, submitted,
                        g_object_ref (self));
}

static void
on_back_clicked (HbCheckPage *self)
{
  HbWindow *window = hb_page_get_window (HB_PAGE (self));
  hb_form_page_open_last (HB_FORM_PAGE (hb_window_get_page (window, HB_PAGE_FORM)));
  hb_window_show_page (window, HB_PAGE_FORM);
}

static void
hb_check_page_switch_to (HbPage *page)
{
  HbCheckPage *self = HB_CHECK_PAGE (page);
  set_busy (self, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  fill (self);
}

static void
hb_check_page_dispose (GObject *object)
{
  HbCheckPage *self = HB_CHECK_PAGE (object);
  g_clear_object (&self->cancellable);
  if (self->inline_errors)
    g_hash_table_remove_all (self->inline_errors);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_CHECK_PAGE);
  G_OBJECT_CLASS (hb_check_page_parent_class)->dispose (object);
}

static void
hb_check_page_finalize (GObject *object)
{
  g_hash_table_unref (HB_CHECK_PAGE (object)->inline_errors);
  G_OBJECT_CLASS (hb_check_page_parent_class)->finalize (object);
}

static void
hb_check_page_class_init (HbCheckPageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_check_page_finalize;
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_check_page_switch_to;
  G_OBJECT_CLASS (klass)->dispose = hb_check_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-check-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, service_label);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, rows);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, error_summary);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, busy_box);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, HbCheckPage, actions);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_submit_clicked);
}

static void
hb_check_page_init (HbCheckPage *self)
{
  self->inline_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}
