/* hb-form-page.c — the service form, pre-filled from the identity. Read-only answers are
 * shown (masked where sensitive) with a "已自动填写" tag; the rest are big controls: an
 * entry (with an on-screen digit pad for phone numbers) or one toggle per option.
 * Errors follow GOV.UK: a summary at the top and the same words under the field. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "ui/widgets/hb-keypad.h"

#include <glib/gi18n.h>

struct _HbFormPage
{
  HbPage     parent_instance;
  GtkLabel  *title;
  GtkLabel  *lead;
  GtkBox    *error_summary;
  GtkScrolledWindow *scroller;
  GtkBox    *fields;

  HbForm    *form;            /* the form the widgets were built for (ref) */
  GHashTable *errors;         /* field id → GtkLabel (inline message) */
  GHashTable *controls;       /* field id → focusable widget */
  char      *focus_field;
};

G_DEFINE_FINAL_TYPE (HbFormPage, hb_form_page, HB_TYPE_PAGE)

static void
on_entry_changed (GtkEditable *entry, HbFormPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (entry), "field");
  if (self->form)
    hb_form_set_value (self->form, id, gtk_editable_get_text (entry));
}

static void
on_option_toggled (GtkToggleButton *button, HbFormPage *self)
{
  if (!gtk_toggle_button_get_active (button) || self->form == NULL)
    return;
  hb_form_set_value (self->form, g_object_get_data (G_OBJECT (button), "field"),
                     g_object_get_data (G_OBJECT (button), "value"));
}

/* Entries use a buffer in secure memory, zeroed when freed: they hold personal data. */
static GtkWidget *
secure_entry (const char *value, guint max)
{
  g_autoptr(GtkEntryBuffer) buffer = gtk_password_entry_buffer_new ();
  GtkWidget *entry = gtk_entry_new_with_buffer (buffer);
  gtk_entry_set_visibility (GTK_ENTRY (entry), TRUE);
  if (max)
    gtk_entry_set_max_length (GTK_ENTRY (entry), (int) max);
  if (value)
    gtk_editable_set_text (GTK_EDITABLE (entry), value);
  return entry;
}

static GtkWidget *
build_field (HbFormPage *self, const HbFormField *f)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  const char *label = hb_text_get (&f->label);
  const char *hint = hb_text_get (&f->hint);
  const char *value = hb_form_get_value (self->form, f->id);
  GtkWidget *label_w = hb_ui_label (label, "field-label");
  GtkWidget *error = hb_ui_label ("", "error-text");
  GtkWidget *control = NULL;

  gtk_widget_add_css_class (box, "field");
  gtk_widget_set_hexpand (label_w, TRUE);
  gtk_box_append (GTK_BOX (head), label_w);
  if (hb_form_is_prefilled (self->form, f->id))
    {
      GtkWidget *tag = hb_ui_label (_("已自动填写"), "tag tag-ok");
      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (head), tag);
    }
  gtk_box_append (GTK_BOX (box), head);
  if (*hint)
    gtk_box_append (GTK_BOX (box), hb_ui_label (hint, "field-hint"));
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (GTK_BOX (box), error);
  g_hash_table_insert (self->errors, g_strdup (f->id), error);

  if (f->readonly)
    {
      g_autofree char *shown = hb_form_dup_display_value (self->form, f->id);
      control = hb_ui_label (shown, "field-value");
      hb_ui_set_accessible_label (control, label);
      gtk_box_append (GTK_BOX (box), control);
      return box;
    }

  switch (f->type)
    {
    case HB_FIELD_CHOICE:
      {
        GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
        GtkToggleButton *group = NULL;
        gtk_box_set_homogeneous (GTK_BOX (row), TRUE);
        for (guint i = 0; f->options && i < f->options->len; i++)
          {
            HbFieldOption *o = f->options->pdata[i];
            GtkWidget *b = gtk_toggle_button_new_with_label (hb_text_get (&o->label));
            gtk_widget_add_css_class (b, "option");
            hb_ui_set_accessible_label (b, hb_text_get (&o->label));
            g_object_set_data_full (G_OBJECT (b), "field", g_strdup (f->id), g_free);
            g_object_set_data_full (G_OBJECT (b), "value", g_strdup (o->value), g_free);
            if (group)
              gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (b), group);
            else
              group = GTK_TOGGLE_BUTTON (b);
            if (g_strcmp0 (value, o->value) == 0)
              gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (b), TRUE);
            g_signal_connect (b, "toggled", G_CALLBACK (on_option_toggled), self);
            gtk_box_append (GTK_BOX (row), b);
            if (control == NULL)
              control = b;
          }
        gtk_box_append (GTK_BOX (box), row);
        break;
      }
    case HB_FIELD_PHONE:
      {
        control = secure_entry (value, 11);
        gtk_entry_set_input_purpose (GTK_ENTRY (control), GTK_INPUT_PURPOSE_PHONE);
        gtk_widget_set_halign (control, GTK_ALIGN_START);
        gtk_editable_set_width_chars (GTK_EDITABLE (control), 13);
        gtk_box_append (GTK_BOX (box), control);
        gtk_box_append (GTK_BOX (box), hb_keypad_new (GTK_EDITABLE (control), 11));
        break;
      }
    case HB_FIELD_ID_NUMBER:
    case HB_FIELD_TEXT:
    default:
      control = secure_entry (value, f->max_length);
      gtk_box_append (GTK_BOX (box), control);
      break;
    }
  if (f->type != HB_FIELD_CHOICE)
    {
      hb_ui_set_accessible_label (control, label);
      g_object_set_data_full (G_OBJECT (control), "field", g_strdup (f->id), g_free);
      g_signal_connect (control, "changed", G_CALLBACK (on_entry_changed), self);
    }
  g_hash_table_insert (self->controls, g_strdup (f->id), control);
  return box;
}

static void
clear_errors (HbFormPage *self)
{
  GHashTableIter it;
  gpointer label;
  hb_ui_box_clear (self->error_summary);
  gtk_widget_set_visible (GTK_WIDGET (self->error_summary), FALSE);
  g_hash_table_iter_init (&it, self->errors);
  while (g_hash_table_iter_next (&it, NULL, &label))
    gtk_widget_set_visible (label, FALSE);
}

static void
build (HbFormPage *self, HbForm *form)
{
  HbService *service = hb_form_get_service (form);
  GPtrArray *fields = hb_service_get_fields (service);
  g_autofree char *lead =
    g_strdup_printf (_("已根据您的身份信息自动填写 %u%%，请核对并补充其余内容。"),
                     hb_form_get_prefill_percent (form));

  g_set_object (&self->form, form);
  g_hash_table_remove_all (self->errors);
  g_hash_table_remove_all (self->controls);
  hb_ui_box_clear (self->fields);
  clear_errors (self);
  gtk_label_set_text (self->title, hb_text_get (hb_service_get_name (service)));
  gtk_label_set_text (self->lead, lead);
  for (guint i = 0; i < fields->len; i++)
    gtk_box_append (self->fields, build_field (self, fields->pdata[i]));
}

static void
focus_field (HbFormPage *self, const char *id)
{
  GtkWidget *control = g_hash_table_lookup (self->controls, id);
  if (control)
    gtk_widget_grab_focus (control);
}

static void
on_summary_item (GtkButton *button, HbFormPage *self)
{
  focus_field (self, g_object_get_data (G_OBJECT (button), "field"));
}

static void
on_next_clicked (HbFormPage *self)
{
  g_autoptr(GPtrArray) problems = NULL;

  if (self->form == NULL)
    return;
  clear_errors (self);
  problems = hb_form_validate (self->form);
  if (problems->len == 0)
    {
      hb_page_show (HB_PAGE (self), HB_PAGE_CHECK);
      return;
    }
  gtk_box_append (self->error_summary, hb_ui_label (_("请修改以下内容后继续："), "error-title"));
  for (guint i = 0; i < problems->len; i++)
    {
      HbFormProblem *p = problems->pdata[i];
      GtkWidget *item = hb_ui_button (p->message, "error-link");
      GtkLabel *inline_label = g_hash_table_lookup (self->errors, p->field->id);
      g_object_set_data_full (G_OBJECT (item), "field", g_strdup (p->field->id), g_free);
      g_signal_connect (item, "clicked", G_CALLBACK (on_summary_item), self);
      gtk_box_append (self->error_summary, item);
      if (inline_label)
        {
          gtk_label_set_text (inline_label, p->message);
          gtk_widget_set_visible (GTK_WIDGET (inline_label), TRUE);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_summary), TRUE);
  focus_field (self, ((HbFormProblem *) problems->pdata[0])->field->id);
}

static void
on_back_clicked (HbFormPage *self)
{
  hb_page_show (HB_PAGE (self), HB_PAGE_GUIDE);
}

void
hb_form_page_focus_field (HbFormPage *self, const char *field_id)
{
  GtkWidget *control = g_hash_table_lookup (self->controls, field_id);
  if (control)
    {
      gtk_widget_grab_focus (control);
      return;
    }
  /* Not built yet: focus it when the page is next shown. */
  g_free (self->focus_field);
  self->focus_field = g_strdup (field_id);
}

static void
hb_form_page_switch_to (HbPage *page)
{
  HbFormPage *self = HB_FORM_PAGE (page);
  HbForm *form = hb_session_get_form (hb_page_get_session (page));

  if (form == NULL)
    return;
  /* Keep what was typed when coming back from the check page. */
  if (form != self->form)
    build (self, form);
  if (self->focus_field)
    {
      focus_field (self, self->focus_field);
      g_clear_pointer (&self->focus_field, g_free);
    }
}

static void
hb_form_page_dispose (GObject *object)
{
  HbFormPage *self = HB_FORM_PAGE (object);
  g_clear_object (&self->form);
  g_clear_pointer (&self->focus_field, g_free);
  if (self->errors)
    g_hash_table_remove_all (self->errors);
  if (self->controls)
    g_hash_table_remove_all (self->controls);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_FORM_PAGE);
  G_OBJECT_CLASS (hb_form_page_parent_class)->dispose (object);
}

static void
hb_form_page_finalize (GObject *object)
{
  HbFormPage *self = HB_FORM_PAGE (object);
  g_hash_table_unref (self->errors);
  g_hash_table_unref (self->controls);
  G_OBJECT_CLASS (hb_form_page_parent_class)->finalize (object);
}

static void
hb_form_page_class_init (HbFormPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_form_page_switch_to;
  G_OBJECT_CLASS (klass)->dispose = hb_form_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_form_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-form-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, title);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, lead);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, error_summary);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, fields);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
}

static void
hb_form_page_init (HbFormPage *self)
{
  self->errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->controls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}
