/* hb-benefits-box.c — 免申即享 list with one-tap confirmation (see the header). */
#include "ui/widgets/hb-benefits-box.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-benefits.h"

#include <glib/gi18n.h>

struct _HbBenefitsBox
{
  GtkWidget     parent_instance;
  GtkWidget    *box;
  HbCore       *core;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (HbBenefitsBox, hb_benefits_box, GTK_TYPE_WIDGET)

typedef struct {
  HbBenefitsBox *self;   /* strong */
  GtkWidget     *button;
  GtkLabel      *status;
} Tap;

static void
tap_free (Tap *t)
{
  g_object_unref (t->self);
  g_free (t);
}

static void
confirmed (GObject *source, GAsyncResult *result, gpointer data)
{
  Tap *t = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *case_number = hb_core_confirm_benefit_finish (HB_CORE (source), result, &error);
  g_autofree char *text = NULL;

  if (!g_cancellable_is_cancelled (t->self->cancellable))
    {
      if (case_number)
        {
          /* TRANSLATORS: a benefit confirmed; the case number follows */
          text = g_strdup_printf (_("已确认，办件编号 %s。到账后会短信通知您。"), case_number);
          gtk_widget_set_visible (t->button, FALSE);
        }
      else
        {
          text = g_strdup (_("暂时没能确认，请稍后再试或咨询工作人员。"));
          gtk_widget_set_sensitive (t->button, TRUE);
        }
      gtk_label_set_text (t->status, text);
      gtk_widget_set_visible (GTK_WIDGET (t->status), TRUE);
    }
  tap_free (t);
}

static void
on_confirm_clicked (GtkButton *button, HbBenefitsBox *self)
{
  Tap *t = g_new0 (Tap, 1);
  t->self = g_object_ref (self);
  t->button = GTK_WIDGET (button);
  t->status = g_object_get_data (G_OBJECT (button), "status");
  gtk_widget_set_sensitive (t->button, FALSE);
  hb_core_confirm_benefit_async (self->core, g_object_get_data (G_OBJECT (button), "benefit"),
                                 self->cancellable, confirmed, t);
}

static GtkWidget *
label (const char *text, const char *css)
{
  GtkWidget *l = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (l), TRUE);
  gtk_label_set_xalign (GTK_LABEL (l), 0);
  if (css)
    gtk_widget_add_css_class (l, css);
  return l;
}

static void
add_benefit (HbBenefitsBox *self, const HbBenefit *b)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  g_autofree char *amount = hb_benefit_dup_amount_text (b);
  g_autofree char *title = *amount ? g_strdup_printf ("%s · %s", hb_text_get (&b->name), amount)
                                   : g_strdup (hb_text_get (&b->name));
  GtkWidget *status = label ("", "benefit-status");
  /* TRANSLATORS: the button that accepts a benefit granted without applying */
  g_autofree char *accessible = g_strdup_printf (_("确认领取%s"), hb_text_get (&b->name));
  GtkWidget *button = hb_ui_button (_("一键确认领取"), "primary");

  gtk_widget_add_css_class (row, "benefit");
  gtk_box_append (GTK_BOX (row), label (title, "benefit-title"));
  if (b->department)
    gtk_box_append (GTK_BOX (row), label (b->department, "benefit-dept"));
  if (hb_text_get (&b->description)[0])
    gtk_box_append (GTK_BOX (row), label (hb_text_get (&b->description), "benefit-text"));
  gtk_widget_set_visible (status, FALSE);
  hb_ui_set_accessible_label (button, accessible);
  g_object_set_data_full (G_OBJECT (button), "benefit", g_strdup (b->id), g_free);
  g_object_set_data (G_OBJECT (button), "status", status);
  g_signal_connect (button, "clicked", G_CALLBACK (on_confirm_clicked), self);
  if (b->case_number)
    {
      g_autofree char *done = g_strdup_printf (_("已确认，办件编号 %s。到账后会短信通知您。"),
                                               b->case_number);
      gtk_label_set_text (GTK_LABEL (status), done);
      gtk_widget_set_visible (status, TRUE);
      gtk_widget_set_visible (button, FALSE);
    }
  gtk_box_append (GTK_BOX (row), status);
  gtk_box_append (GTK_BOX (row), button);
  gtk_box_append (GTK_BOX (self->box), row);
}

static void
listed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbBenefitsBox) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = hb_core_list_benefits_finish (HB_CORE (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (list == NULL || list->len == 0)
    return;   /* nothing to offer, or no platform: say nothing rather than promise */
  gtk_box_append (GTK_BOX (self->box), label (_("免申即享：以下待遇无需申请，确认即可领取"),
                                              "benefits-title"));
  for (guint i = 0; i < list->len; i++)
    add_benefit (self, list->pdata[i]);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

GtkWidget *
hb_benefits_box_new (HbCore *core)
{
  HbBenefitsBox *self = g_object_new (HB_TYPE_BENEFITS_BOX, NULL);
  self->core = g_object_ref (core);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  hb_core_list_benefits_async (core, self->cancellable, listed, g_object_ref (self));
  return GTK_WIDGET (self);
}

static void
hb_benefits_box_dispose (GObject *object)
{
  HbBenefitsBox *self = HB_BENEFITS_BOX (object);
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (hb_benefits_box_parent_class)->dispose (object);
}

static void
hb_benefits_box_finalize (GObject *object)
{
  g_clear_object (&HB_BENEFITS_BOX (object)->cancellable);
  G_OBJECT_CLASS (hb_benefits_box_parent_class)->finalize (object);
}

static void
hb_benefits_box_class_init (HbBenefitsBoxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_benefits_box_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_benefits_box_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "benefits");
}

static void
hb_benefits_box_init (HbBenefitsBox *self)
{
  self->cancellable = g_cancellable_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}
