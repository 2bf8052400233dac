/* hb-print-page.c — prints the receipt and says only what the printer confirmed. When it
 * fails, the reference stays on screen so the resident can still note it down. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>

struct _HbPrintPage
{
  HbPage      parent_instance;
  GtkSpinner *spinner;
  GtkLabel   *icon;
  GtkLabel   *headline;
  GtkLabel   *detail;
  GtkWidget  *failed_actions;
  GtkWidget  *done_button;
  GCancellable *cancellable;

  /* What is on screen, so a page rebuilt for a language or 长辈模式 switch shows the same
   * in its words without printing twice (hb_print_page_take_over). */
  int           shown;        /* Shown */
  HbDeliveryChannel channel;  /* SHOWN_SENT */
  gboolean      busy;         /* a print or send is in flight */
  gboolean      resumed;      /* taken over: show `shown` instead of printing */
  HbPrintPage  *successor;    /* the page that took over while busy (ref) */
};

typedef enum {
  SHOWN_PRINTING, SHOWN_PRINTED, SHOWN_NO_PAPER, SHOWN_FAILED, SHOWN_SENDING, SHOWN_SENT,
  SHOWN_SEND_FAILED, SHOWN_NEARBY, SHOWN_HELP,
} Shown;

G_DEFINE_FINAL_TYPE (HbPrintPage, hb_print_page, HB_TYPE_PAGE)

static void
show_state (HbPrintPage *self, const char *icon, const char *headline, const char *detail,
            gboolean failed, gboolean done)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), icon == NULL);
  if (icon == NULL)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), icon != NULL);
  gtk_label_set_text (self->icon, icon ? icon : "");
  gtk_label_set_text (self->headline, headline);
  gtk_label_set_text (self->detail, detail ? detail : "");
  gtk_widget_set_visible (self->failed_actions, failed);
  gtk_widget_set_visible (self->done_button, done);
  hb_page_spoken_text_changed (HB_PAGE (self));   /* the print outcome */
}

static const char *
channel_detail (HbDeliveryChannel channel)
{
  return channel == HB_DELIVERY_MAIL
    ? _("回执将免费邮寄到您在平台登记的地址，一般 3 个工作日内送达。")
    : _("回执电子版将发送到您的“随申办”账户，可在“我的办件”中查看；"
        "网络中断时，恢复后自动发送。");
}

static void
show (HbPrintPage *self, Shown shown)
{
  const HbSubmission *s = hb_session_get_submission (hb_page_get_session (HB_PAGE (self)));
  HbConfig *c = hb_core_get_config (hb_page_get_core (HB_PAGE (self)));
  const char *nearby = hb_config_get_string (c, "terminal", "nearby");
  g_autofree char *keep = g_strdup_printf (_("您的编号：%s\n请拍照或记下此编号，也可请工作人员帮助。"),
                                           s ? s->reference : "");
  g_autofree char *near = NULL;

  self->shown = shown;
  switch (shown)
    {
    case SHOWN_PRINTING:
      show_state (self, NULL, _("正在打印回执…"), _("请稍候，不要离开。"), FALSE, FALSE);
      break;
    case SHOWN_PRINTED:
      show_state (self, "✓", _("打印完成，请取走回执"), _("回执在出纸口，请妥善保管。"), FALSE, TRUE);
      break;
    case SHOWN_NO_PAPER:
      show_state (self, "!", _("打印机缺纸，暂时无法打印"), keep, TRUE, FALSE);
      break;
    case SHOWN_FAILED:
      show_state (self, "!", _("打印机暂时无法使用"), keep, TRUE, FALSE);
      break;
    case SHOWN_SENDING:
      show_state (self, NULL, _("正在安排…"), NULL, FALSE, FALSE);
      break;
    case SHOWN_SEND_FAILED:
      show_state (self, "!", _("暂时无法发送，请找工作人员帮助"), NULL, TRUE, FALSE);
      break;
    case SHOWN_SENT:
      show_state (self, "✓", _("已为您安排"), channel_detail (self->channel), FALSE, TRUE);
      gtk_button_set_label (GTK_BUTTON (self->done_button), _("继续，去评价"));
      hb_ui_set_accessible_label (self->done_button, _("继续，去评价"));
      break;
    case SHOWN_NEARBY:
      near = g_strdup_printf (_("附近可打印的自助终端：%s\n到达后请出示您的编号：%s"),
                              nearby && *nearby ? nearby : _("请咨询大厅工作人员"),
                              s ? s->reference : "");
      show_state (self, "i", _("到附近的自助终端打印"), near, TRUE, FALSE);
      break;
    case SHOWN_HELP:
      show_state (self, "i", _("已通知工作人员"), _("请在此稍候，工作人员马上过来帮助您。"),
                  TRUE, FALSE);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The page an outcome is for: the last one that took over from data's page, or NULL
 * when that page is gone (its template children cleared). */
static HbPrintPage *
outcome_target (HbPrintPage *page)
{
  page->busy = FALSE;
  while (page->successor)
    {
      page = page->successor;
      page->busy = FALSE;
    }
  return page->headline ? page : NULL;
}

static void
printed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbPrintPage) owned = data;
  g_autoptr(GError) error = NULL;
  HbPrintPage *self;

  hb_core_print_receipt_finish (HB_CORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if ((self = outcome_target (owned)) == NULL)
    return;
  if (error == NULL)
    show (self, SHOWN_PRINTED);
  else if (g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_USER))
    show (self, SHOWN_NO_PAPER);
  else
    show (self, SHOWN_FAILED);
}

static void
start_printing (HbPrintPage *self)
{
  show (self, SHOWN_PRINTING);
  self->busy = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  hb_core_print_receipt_async (hb_page_get_core (HB_PAGE (self)), self->cancellable, printed,
                               g_object_ref (self));
}

static void
on_retry_clicked (HbPrintPage *self)
{
  start_printing (self);
}

/* What real terminals offer when the printer fails: the document another way, another
 * terminal, or a person. The resident never leaves believing something printed. */
static void
sent (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbPrintPage) owned = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hb_core_send_receipt_finish (HB_CORE (source), result, &error);
  HbPrintPage *self = outcome_target (owned);

  if (!ok)
    g_message ("print: receipt not queued for sending: %s", error->message);
  if (self)
    show (self, ok ? SHOWN_SENT : SHOWN_SEND_FAILED);
}

static void
send_receipt (HbPrintPage *self, HbDeliveryChannel channel)
{
  self->channel = channel;
  self->busy = TRUE;
  show (self, SHOWN_SENDING);
  hb_core_send_receipt_async (hb_page_get_core (HB_PAGE (self)), channel, NULL, sent,
                              g_object_ref (self));
}

static void
on_suishenban_clicked (HbPrintPage *self)
{
  send_receipt (self, HB_DELIVERY_SUISHENBAN);
}

static void
on_mail_clicked (HbPrintPage *self)
{
  send_receipt (self, HB_DELIVERY_MAIL);
}

static void
on_nearby_clicked (HbPrintPage *self)
{
  show (self, SHOWN_NEARBY);
}

static void
on_help_clicked (HbPrintPage *self)
{
  hb_core_request_help (hb_page_get_core (HB_PAGE (self)), "printer");
  show (self, SHOWN_HELP);
}

void
hb_print_page_take_over (HbPrintPage *self, HbPrintPage *old)
{
  self->resumed = TRUE;
  self->shown = old->shown;
  self->channel = old->channel;
  if (old->busy)
    {
      /* The job goes on: its outcome comes to this page; leaving this page cancels it. */
      self->busy = TRUE;
      g_set_object (&self->cancellable, old->cancellable);
      g_set_object (&old->successor, self);
    }
}

static void
on_next_clicked (HbPrintPage *self)
{
  hb_session_begin_rating (hb_page_get_session (HB_PAGE (self)));
}

static void
hb_print_page_switch_to (HbPage *page)
{
  HbPrintPage *self = HB_PRINT_PAGE (page);
  if (self->resumed)
    {
      self->resumed = FALSE;
      show (self, self->shown);
      return;
    }
  start_printing (self);
}

static void
hb_print_page_finalize (GObject *object)
{
  g_clear_object (&HB_PRINT_PAGE (object)->successor);
  G_OBJECT_CLASS (hb_print_page_parent_class)->finalize (object);
}

static void
hb_print_page_dispose (GObject *object)
{
  HbPrintPage *self = HB_PRINT_PAGE (object);
  /* Handed over to a successor: the job is its now. */
  if (self->cancellable && self->successor == NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_PRINT_PAGE);
  G_OBJECT_CLASS (hb_print_page_parent_class)->dispose (object);
}

static void
hb_print_page_class_init (HbPrintPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_print_page_switch_to;
  G_OBJECT_CLASS (klass)->dispose = hb_print_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_print_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-print-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbPrintPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HbPrintPage, icon);
  gtk_widget_class_bind_template_child (widget_class, HbPrintPage, headline);
  gtk_widget_class_bind_template_child (widget_class, HbPrintPage, detail);
  gtk_widget_class_bind_template_child (widget_class, HbPrintPage, failed_actions);
  gtk_widget_class_bind_template_child (widget_class, HbPrintPage, done_button);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_suishenban_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_mail_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_nearby_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_help_clicked);
}

static void
hb_print_page_init (HbPrintPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* A label's own text is its accessible name; the status line gets a stable one. */
  hb_ui_set_accessible_label (GTK_WIDGET (self->headline), _("打印状态"));
}
