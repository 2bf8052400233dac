/* hb-form-page.c — the service form, one question per page (GOV.UK "one thing per page"):
 * the fields the resident has to answer, in order, each on its own page with its label as
 * the heading. Answers pre-filled from the resident's records are not asked again: the
 * check page lists them with a "修改" link that opens their page here. Errors follow
 * GOV.UK: a summary at the top and the same words under the field, saying how to fix it. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "ui/widgets/hb-keypad.h"
#include "ui/widgets/hb-osk.h"
#include "kiosk/hb-i18n.h"

#include <glib/gi18n.h>

typedef enum {
  ENTER_FIRST,     /* from the guide: the first question that needs a page */
  ENTER_LAST,      /* back from the check page */
  ENTER_QUESTION,  /* a given question ("修改", or an error found before submitting) */
  ENTER_RESUME,    /* the question a page had before the window rebuilt it (language, 长辈模式) */
} Enter;

struct _HbFormPage
{
  HbPage     parent_instance;
  GtkLabel  *title;
  GtkLabel  *lead;
  GtkBox    *error_summary;
  GtkScrolledWindow *scroller;
  GtkBox    *fields;
  GtkButton *next_button;

  /* The question on screen. */
  HbForm    *form;            /* ref */
  guint      part;            /* 0: the service or bundle; n: a bundle's member n */
  char      *field_id;
  GtkWidget *control;
  GtkLabel  *inline_error;
  gboolean   changing;        /* opened from the check page: go back there after it */

  /* What to show when the page is shown next. */
  Enter      enter;
  guint      enter_part;
  char      *enter_field;
  char      *enter_message;
  gboolean   enter_changing;  /* ENTER_RESUME: the question was opened from the check page */
};

G_DEFINE_FINAL_TYPE (HbFormPage, hb_form_page, HB_TYPE_PAGE)

static void show_question (HbFormPage *self, HbQuestion *q, GPtrArray *questions,
                           const char *message);

/* 20240131 → 2024-01-31: dates are typed on the digit pad. */
static char *
date_value (const char *text)
{
  GString *digits = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len == 8)
    {
      g_string_insert_c (digits, 6, '-');
      g_string_insert_c (digits, 4, '-');
    }
  else if (digits->len == 0)
    g_string_assign (digits, text);
  return g_string_free (digits, FALSE);
}

static void
on_entry_changed (GtkEditable *entry, HbFormPage *self)
{
  const HbFormField *f;
  if (self->form == NULL)
    return;
  f = hb_service_find_field (hb_form_get_service (self->form), self->field_id);
  if (f && f->type == HB_FIELD_DATE)
    {
      g_autofree char *v = date_value (gtk_editable_get_text (entry));
      hb_form_set_value (self->form, self->field_id, v);
    }
  else
    hb_form_set_value (self->form, self->field_id, gtk_editable_get_text (entry));
}

static void
on_option_toggled (GtkToggleButton *button, HbFormPage *self)
{
  if (!gtk_toggle_button_get_active (button) || self->form == NULL)
    return;
  hb_form_set_value (self->form, self->field_id,
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

/* Digits typed on the pad: how many the field takes. */
static guint
pad_digits (const HbFormField *f)
{
  switch (f->type)
    {
    case HB_FIELD_PHONE:    return 11;
    case HB_FIELD_POSTCODE: return 6;
    case HB_FIELD_DATE:     return 8;
    case HB_FIELD_NUMBER:   return f->max_length ? f->max_length : 12;
    default:                return 0;
    }
}

/* A code written in capitals and digits. */
static gboolean
osk_code (const HbFormField *f)
{
  static const char *const codes[] = { "uscc", "licence_no", "passport_no",
                                       "property_cert_no", NULL };
  return f->type == HB_FIELD_USCC || g_strv_contains (codes, f->id);
}

/* The on-screen keyboard a text field opens with: names and addresses are Chinese; codes
 * and e-mail are Latin; ID numbers and accounts are digits. */
static HbOskLayout
osk_layout (const HbFormField *f)
{
  if (f->type == HB_FIELD_ID_NUMBER || g_str_equal (f->id, "bank_account"))
    return HB_OSK_DIGITS;
  if (osk_code (f) || g_str_equal (f->id, "email"))
    return HB_OSK_LATIN;
  /* Someone reading the English UI most likely writes their name in Latin letters;
   * 拼音 stays one tap away. */
  return hb_i18n_is_english () ? HB_OSK_LATIN : HB_OSK_PINYIN;
}

static void
build_control (HbFormPage *self, const HbFormField *f)
{
  const char *label = hb_text_get (&f->label);
  const char *value = hb_form_get_value (self->form, f->id);
  GtkWidget *control = NULL;

  if (f->type == HB_FIELD_CHOICE)
    {
      GtkToggleButton *group = NULL;
      GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 16);
      for (guint i = 0; f->options && i < f->options->len; i++)
        {
          HbFieldOption *o = f->options->pdata[i];
          GtkWidget *b = gtk_toggle_button_new_with_label (hb_text_get (&o->label));
          gtk_widget_add_css_class (b, "option");
          hb_ui_set_accessible_label (b, hb_text_get (&o->label));
          g_object_set_data_full (G_OBJECT (b), "value", g_strdup (o->value), g_free);
          if (group)
            gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (b), group);
          else
            group = GTK_TOGGLE_BUTTON (b);
          if (g_strcmp0 (value, o->value) == 0)
            gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (b), TRUE);
          g_signal_connect (b, "toggled", G_CALLBACK (on_option_toggled), self);
          gtk_box_append (GTK_BOX (column), b);
          if (control == NULL)
            control = b;
        }
      gtk_box_append (self->fields, column);
    }
  else
    {
      guint digits = pad_digits (f);
      control = secure_entry (value, digits ? (f->type == HB_FIELD_DATE ? 10 : digits)
                                            : f->max_length);
      hb_ui_set_accessible_label (control, label);
      if (digits)
        {
          gtk_entry_set_input_purpose (GTK_ENTRY (control),
                                       f->type == HB_FIELD_PHONE ? GTK_INPUT_PURPOSE_PHONE
                                                                 : GTK_INPUT_PURPOSE_DIGITS);
          gtk_widget_set_halign (control, GTK_ALIGN_START);
          gtk_editable_set_width_chars (GTK_EDITABLE (control), (int) digits + 4);
        }
      g_signal_connect (control, "changed", G_CALLBACK (on_entry_changed), self);
      gtk_box_append (self->fields, control);
      if (digits)
        gtk_box_append (self->fields, hb_keypad_new (GTK_EDITABLE (control),
                                                     f->type == HB_FIELD_DATE ? 10 : digits));
      else
        {
          /* No input method in the kiosk session: every text field brings its keyboard. */
          GtkWidget *osk = hb_osk_new (GTK_EDITABLE (control), osk_layout (f));
          if (f->type == HB_FIELD_ID_NUMBER)
            hb_osk_set_extra_digit (HB_OSK (osk), "X");
          hb_osk_set_upper_case (HB_OSK (osk), osk_code (f));
          gtk_box_append (self->fields, osk);
        }
    }
  self->control = control;
}

static void
clear_errors (HbFormPage *self)
{
  hb_ui_box_clear (self->error_summary);
  gtk_widget_set_visible (GTK_WIDGET (self->error_summary), FALSE);
  if (self->inline_error)
    gtk_widget_set_visible (GTK_WIDGET (self->inline_error), FALSE);
}

static void
on_summary_item (GtkButton *button, HbFormPage *self)
{
  if (self->control)
    gtk_widget_grab_focus (self->control);
}

static void
show_error (HbFormPage *self, const char *message)
{
  GtkWidget *item = hb_ui_button (message, "error-link");

  clear_errors (self);
  gtk_box_append (self->error_summary, hb_ui_label (_("请修改以下内容后继续："), "error-title"));
  g_signal_connect (item, "clicked", G_CALLBACK (on_summary_item), self);
  gtk_box_append (self->error_summary, item);
  gtk_widget_set_visible (GTK_WIDGET (self->error_summary), TRUE);
  hb_ui_set_error_text (self->inline_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->inline_error), TRUE);
  {
    g_autofree char *spoken = g_strdup_printf ("%s\n%s", _("请修改以下内容后继续："), message);
    hb_page_speak (HB_PAGE (self), spoken);
  }
  if (self->control)
    gtk_widget_grab_focus (self->control);
}

/* The questions that get a page, in order; pos: where q is among them (or -1). */
static GPtrArray *
paged_questions (GPtrArray *questions)
{
  GPtrArray *paged = g_ptr_array_new ();
  for (guint i = 0; i < questions->len; i++)
    if (hb_question_needs_page (questions->pdata[i]))
      g_ptr_array_add (paged, questions->pdata[i]);
  return paged;
}

static const char *
part_name (HbFormPage *self, HbQuestion *q)
{
  HbSession *session = hb_page_get_session (HB_PAGE (self));
  HbService *service = q->part == 0 ? hb_session_get_service (session)
                                    : hb_form_get_service (q->form);
  return hb_text_get (hb_service_get_name (service));
}

static void
show_question (HbFormPage *self, HbQuestion *q, GPtrArray *questions, const char *message)
{
  const HbFormField *f = q->field;
  const char *hint = hb_text_get (&f->hint);
  g_autoptr(GPtrArray) paged = paged_questions (questions);
  g_autofree char *step = NULL;
  guint pos = 0, total = paged->len;
  GtkWidget *heading;
  gboolean last;

  for (guint i = 0; i < paged->len; i++)
    if (paged->pdata[i] == q)
      pos = i + 1;
  if (pos == 0)   /* a pre-filled answer opened to be changed: not counted */
    total++, pos = total;
  g_set_object (&self->form, q->form);
  self->part = q->part;
  g_free (self->field_id);
  self->field_id = g_strdup (f->id);
  hb_ui_box_clear (self->fields);
  self->inline_error = NULL;
  self->control = NULL;

  gtk_label_set_text (self->title, part_name (self, q));
  if (q->part > 0)
    /* TRANSLATORS: a 一件事 bundle's name, then which question of how many */
    step = g_strdup_printf (_("%s · 第 %u 题，共 %u 题"),
                            hb_text_get (hb_service_get_name (
                              hb_session_get_service (hb_page_get_session (HB_PAGE (self))))),
                            pos, total);
  else
    /* TRANSLATORS: which question of how many (the total can change with the answers) */
    step = g_strdup_printf (_("第 %u 题，共 %u 题"), pos, total);
  gtk_label_set_text (self->lead, step);

  heading = hb_ui_label (hb_text_get (&f->label), "question");
  gtk_box_append (self->fields, heading);
  if (!f->required)
    gtk_box_append (self->fields, hb_ui_label (_("（选填，可以不填）"), "field-hint"));
  if (*hint)
    gtk_box_append (self->fields, hb_ui_label (hint, "field-hint"));
  if (f->type == HB_FIELD_DATE)
    gtk_box_append (self->fields, hb_ui_label (_("在下方数字键上输入 8 位数字，例如 20240131"),
                                               "field-hint"));
  self->inline_error = GTK_LABEL (hb_ui_label ("", "error-text"));
  gtk_widget_set_visible (GTK_WIDGET (self->inline_error), FALSE);
  gtk_box_append (self->fields, GTK_WIDGET (self->inline_error));
  build_control (self, f);
  clear_errors (self);

  last = self->changing || (paged->len > 0 && paged->pdata[paged->len - 1] == q);
  gtk_button_set_label (self->next_button, last ? _("下一步：核对信息") : _("下一步"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->next_button),
                              last ? _("下一步：核对信息") : _("下一步"));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  hb_page_spoken_text_changed (HB_PAGE (self));   /* a new question: say it */
  if (message)
    show_error (self, message);
  else if (self->control)
    gtk_widget_grab_focus (self->control);
}

/* Questions are found by part and field, not by form: the session may make a form again
 * when the resident's profile arrives late (hb_session_get_form). */
static int
find_question (GPtrArray *questions, guint part, const char *field_id)
{
  for (guint i = 0; field_id && i < questions->len; i++)
    {
      HbQuestion *q = questions->pdata[i];
      if (q->part == part && g_str_equal (q->field->id, field_id))
        return (int) i;
    }
  return -1;
}

/* The paged question after (step 1) or before (step -1) the one on screen, or NULL. */
static HbQuestion *
neighbour (HbFormPage *self, GPtrArray *questions, int step)
{
  int at = find_question (questions, self->part, self->field_id);
  for (int i = at + step; at >= 0 && i >= 0 && i < (int) questions->len; i += step)
    if (hb_question_needs_page (questions->pdata[i]))
      return questions->pdata[i];
  return NULL;
}

static void
on_next_clicked (HbFormPage *self)
{
  HbCore *core = hb_page_get_core (HB_PAGE (self));
  g_autoptr(GPtrArray) questions = NULL;
  g_autofree char *problem = NULL;
  HbQuestion *next;

  if (self->form == NULL)
    return;
  hb_session_touch (hb_page_get_session (HB_PAGE (self)));
  questions = hb_core_list_questions (core);
  if (find_question (questions, self->part, self->field_id) >= 0)
    {
      /* The current form for this question, should it have been made again. */
      HbQuestion *q = questions->pdata[find_question (questions, self->part, self->field_id)];
      g_set_object (&self->form, q->form);
    }
  problem = hb_form_validate_field (self->form, self->field_id);
  if (problem)
    {
      show_error (self, problem);
      return;
    }
  next = self->changing ? NULL : neighbour (self, questions, 1);
  if (next == NULL)
    {
      hb_page_show (HB_PAGE (self), HB_PAGE_CHECK);
      return;
    }
  show_question (self, next, questions, NULL);
}

static void
on_back_clicked (HbFormPage *self)
{
  g_autoptr(GPtrArray) questions = hb_core_list_questions (hb_page_get_core (HB_PAGE (self)));
  HbQuestion *prev = self->changing ? NULL : neighbour (self, questions, -1);

  if (prev)
    show_question (self, prev, questions, NULL);
  else
    hb_page_show (HB_PAGE (self), self->changing ? HB_PAGE_CHECK : HB_PAGE_GUIDE);
}

static void
set_enter (HbFormPage *self, Enter enter, guint part, const char *field_id,
           const char *message)
{
  self->enter = enter;
  self->enter_part = part;
  g_free (self->enter_field);
  self->enter_field = g_strdup (field_id);
  g_free (self->enter_message);
  self->enter_message = g_strdup (message);
}

void
hb_form_page_open_question (HbFormPage *self, guint part, const char *field_id,
                            const char *message)
{
  set_enter (self, ENTER_QUESTION, part, field_id, message);
}

void
hb_form_page_open_last (HbFormPage *self)
{
  set_enter (self, ENTER_LAST, 0, NULL, NULL);
}

gboolean
hb_form_page_get_question (HbFormPage *self, guint *part, const char **field_id,
                           gboolean *changing)
{
  if (self->field_id == NULL || self->form == NULL)
    return FALSE;
  *part = self->part;
  *field_id = self->field_id;
  *changing = self->changing;
  return TRUE;
}

void
hb_form_page_resume_question (HbFormPage *self, guint part, const char *field_id,
                              gboolean changing)
{
  set_enter (self, ENTER_RESUME, part, field_id, NULL);
  self->enter_changing = changing;
}

static void
hb_form_page_switch_to (HbPage *page)
{
  HbFormPage *self = HB_FORM_PAGE (page);
  HbCore *core = hb_page_get_core (page);
  g_autoptr(GPtrArray) questions = NULL;
  g_autoptr(GPtrArray) paged = NULL;
  Enter enter = self->enter;
  int at;

  self->enter = ENTER_FIRST;   /* the default next time */
  if (hb_session_get_form (hb_page_get_session (page)) == NULL)
    return;
  questions = hb_core_list_questions (core);
  paged = paged_questions (questions);
  self->changing = FALSE;
  if ((enter == ENTER_QUESTION || enter == ENTER_RESUME) &&
      (at = find_question (questions, self->enter_part, self->enter_field)) >= 0)
    {
      self->changing = enter == ENTER_QUESTION || self->enter_changing;
      show_question (self, questions->pdata[at], questions, self->enter_message);
    }
  else if (paged->len == 0)
    /* Everything is pre-filled: confirm it on the check page. */
    hb_page_show (page, HB_PAGE_CHECK);
  else
    show_question (self, paged->pdata[enter == ENTER_LAST ? paged->len - 1 : 0], questions,
                   NULL);
  set_enter (self, ENTER_FIRST, 0, NULL, NULL);
}

static void
hb_form_page_switch_from (HbPage *page)
{
  HbFormPage *self = HB_FORM_PAGE (page);
  /* No widget keeps a form alive past the page: the visit may end next. */
  g_clear_object (&self->form);
}

static void
hb_form_page_dispose (GObject *object)
{
  HbFormPage *self = HB_FORM_PAGE (object);
  g_clear_object (&self->form);
  g_clear_pointer (&self->field_id, g_free);
  g_clear_pointer (&self->enter_field, g_free);
  g_clear_pointer (&self->enter_message, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_FORM_PAGE);
  G_OBJECT_CLASS (hb_form_page_parent_class)->dispose (object);
}

static void
hb_form_page_class_init (HbFormPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HB_PAGE_CLASS (klass)->switch_to = hb_form_page_switch_to;
  HB_PAGE_CLASS (klass)->switch_from = hb_form_page_switch_from;
  G_OBJECT_CLASS (klass)->dispose = hb_form_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-form-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, title);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, lead);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, error_summary);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, fields);
  gtk_widget_class_bind_template_child (widget_class, HbFormPage, next_button);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
}

static void
hb_form_page_init (HbFormPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
