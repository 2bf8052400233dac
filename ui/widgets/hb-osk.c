/* hb-osk.c — the on-screen keyboard (see hb-osk.h). */
#include "ui/widgets/hb-osk.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-ime.h"

#include <glib/gi18n.h>
#include <string.h>

typedef enum {
  KEY_TEXT,       /* inserts its text */
  KEY_LETTER,     /* pinyin in 拼音, a letter (in the current case) in 英文 */
  KEY_SPACE,
  KEY_BACK,
  KEY_CLEAR,
  KEY_SHIFT,
} KeyKind;

/* A page of candidates holds at most this many characters, so it fits one row. */
#define CANDIDATE_CHARS_PER_PAGE 12

struct _HbOsk
{
  GtkWidget    parent_instance;
  GtkWidget   *box;
  GtkWidget   *switches[3];     /* by HbOskLayout */
  GtkStack    *stack;
  GtkLabel    *pinyin_label;
  GtkBox      *candidates;
  GtkWidget   *prev_page;
  GtkWidget   *next_page;
  GPtrArray   *latin_letters;   /* the 英文 layout's letter keys, relabelled by 大写 */
  GtkWidget   *shift;
  GtkWidget   *extra_digit;

  GtkEditable *target;          /* weak */
  HbIme       *ime;             /* made when 拼音 is first shown; NULL if unavailable */
  gboolean     ime_failed;
  HbOskLayout  layout;
  gboolean     upper;
  guint        first;           /* first candidate on the page shown */
  guint        after;           /* one past the last candidate shown */
  GArray      *page_starts;     /* guint: first candidate of each earlier page */
};

G_DEFINE_FINAL_TYPE (HbOsk, hb_osk, GTK_TYPE_WIDGET)

static const char *const layout_names[] = { "pinyin", "latin", "digits" };

/* --- typing into the target ------------------------------------------------------- */

static void
insert_text (HbOsk *self, const char *text)
{
  int start, end, pos;

  if (self->target == NULL || text == NULL || *text == 0)
    return;
  if (gtk_editable_get_selection_bounds (self->target, &start, &end))
    gtk_editable_delete_text (self->target, start, end);
  pos = gtk_editable_get_position (self->target);
  gtk_editable_insert_text (self->target, text, -1, &pos);
  gtk_editable_set_position (self->target, pos);
}

static void
delete_before_cursor (HbOsk *self)
{
  int start, end;

  if (self->target == NULL)
    return;
  if (gtk_editable_get_selection_bounds (self->target, &start, &end))
    gtk_editable_delete_text (self->target, start, end);
  else if ((start = gtk_editable_get_position (self->target)) > 0)
    gtk_editable_delete_text (self->target, start - 1, start);
}

/* --- candidates ------------------------------------------------------------------- */

static void on_candidate (GtkButton *button, HbOsk *self);

/* A word on a key reads as one line: 浙江, not 浙 over 江. */
static void
no_wrap (GtkWidget *button)
{
  GtkWidget *label = gtk_button_get_child (GTK_BUTTON (button));
  if (GTK_IS_LABEL (label))
    gtk_label_set_wrap (GTK_LABEL (label), FALSE);
}

/* Show the page of candidates that starts at self->first. */
static void
show_candidates (HbOsk *self)
{
  const char *pinyin = self->ime ? hb_ime_get_pinyin (self->ime) : "";
  guint n = self->ime ? hb_ime_get_n_candidates (self->ime) : 0;
  guint chars = 0, i;

  hb_ui_box_clear (self->candidates);
  gtk_label_set_text (self->pinyin_label, *pinyin ? pinyin : _("输入拼音，再点选汉字"));
  for (i = self->first; i < n && i - self->first < HB_OSK_CANDIDATES_PER_PAGE; i++)
    {
      const char *text = hb_ime_get_candidate (self->ime, i);
      guint len = (guint) g_utf8_strlen (text, -1);
      g_autofree char *name = NULL;
      GtkWidget *b;

      if (i > self->first && chars + len > CANDIDATE_CHARS_PER_PAGE)
        break;
      chars += len;
      b = hb_ui_button (text, "osk-candidate");
      no_wrap (b);
      name = g_strdup_printf (_("候选 %s"), text);
      hb_ui_set_accessible_label (b, name);
      gtk_widget_set_focus_on_click (b, FALSE);
      g_object_set_data (G_OBJECT (b), "index", GUINT_TO_POINTER (i));
      g_signal_connect (b, "clicked", G_CALLBACK (on_candidate), self);
      gtk_box_append (self->candidates, b);
    }
  self->after = i;
  gtk_widget_set_sensitive (self->prev_page, self->page_starts->len > 0);
  gtk_widget_set_sensitive (self->next_page, self->after < n);
}

/* The pinyin changed: back to the first page. */
static void
pinyin_changed (HbOsk *self)
{
  g_array_set_size (self->page_starts, 0);
  self->first = 0;
  show_candidates (self);
}

static void
choose (HbOsk *self, guint index)
{
  g_autofree char *text = NULL;

  if (self->ime == NULL)
    return;
  text = hb_ime_choose (self->ime, index);
  insert_text (self, text);
  pinyin_changed (self);
}

static void
on_candidate (GtkButton *button, HbOsk *self)
{
  choose (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

static void
on_next_page (GtkButton *button, HbOsk *self)
{
  if (self->ime == NULL || self->after >= hb_ime_get_n_candidates (self->ime))
    return;
  g_array_append_val (self->page_starts, self->first);
  self->first = self->after;
  show_candidates (self);
}

static void
on_prev_page (GtkButton *button, HbOsk *self)
{
  if (self->page_starts->len == 0)
    return;
  self->first = g_array_index (self->page_starts, guint, self->page_starts->len - 1);
  g_array_set_size (self->page_starts, self->page_starts->len - 1);
  show_candidates (self);
}

static gboolean
pinyin_pending (HbOsk *self)
{
  return self->layout == HB_OSK_PINYIN && self->ime && *hb_ime_get_pinyin (self->ime);
}

/* --- keys ------------------------------------------------------------------------- */

static void
set_upper (HbOsk *self, gboolean upper)
{
  self->upper = upper;
  for (guint i = 0; i < self->latin_letters->len; i++)
    {
      GtkWidget *b = self->latin_letters->pdata[i];
      const char *lower = g_object_get_data (G_OBJECT (b), "text");
      g_autofree char *shown = upper ? g_ascii_strup (lower, -1) : g_strdup (lower);
      g_autofree char *name = g_strdup_printf (_("字母 %s"), shown);
      gtk_button_set_label (GTK_BUTTON (b), shown);
      hb_ui_set_accessible_label (b, name);
    }
  if (upper)
    gtk_widget_add_css_class (self->shift, "active");
  else
    gtk_widget_remove_css_class (self->shift, "active");
}

static void
on_key (GtkButton *button, HbOsk *self)
{
  KeyKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "kind"));
  const char *text = g_object_get_data (G_OBJECT (button), "text");

  switch (kind)
    {
    case KEY_TEXT:
      insert_text (self, text);
      break;
    case KEY_LETTER:
      if (self->layout == HB_OSK_PINYIN && self->ime)
        {
          if (hb_ime_add_letter (self->ime, text[0]))
            pinyin_changed (self);
        }
      else if (self->upper)
        {
          g_autofree char *up = g_ascii_strup (text, -1);
          insert_text (self, up);
        }
      else
        insert_text (self, text);
      break;
    case KEY_SPACE:
      if (pinyin_pending (self) && hb_ime_get_n_candidates (self->ime) > 0)
        choose (self, 0);
      else if (!pinyin_pending (self))
        insert_text (self, " ");
      break;
    case KEY_BACK:
      if (pinyin_pending (self))
        {
          hb_ime_backspace (self->ime);
          pinyin_changed (self);
        }
      else
        delete_before_cursor (self);
      break;
    case KEY_CLEAR:
      if (self->ime)
        hb_ime_reset (self->ime);
      pinyin_changed (self);
      if (self->target)
        gtk_editable_delete_text (self->target, 0, -1);
      break;
    case KEY_SHIFT:
      set_upper (self, !self->upper);
      break;
    }
}

/* A key: label on the cap, accessible name, what it does. */
static GtkWidget *
key (HbOsk *self, const char *label, const char *name, KeyKind kind, const char *text,
     const char *css)
{
  GtkWidget *b = hb_ui_button (label, "osk-key");
  if (css)
    gtk_widget_add_css_class (b, css);
  hb_ui_set_accessible_label (b, name);
  /* The entry keeps the focus (and its cursor) while keys are touched. */
  gtk_widget_set_focus_on_click (b, FALSE);
  g_object_set_data (G_OBJECT (b), "kind", GINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (b), "text", g_strdup (text), g_free);
  g_signal_connect (b, "clicked", G_CALLBACK (on_key), self);
  return b;
}

typedef enum { NAME_LETTER, NAME_DIGIT, NAME_SYMBOL, NAME_SEPARATOR } NameKind;

/* A key that types one character, named by what it is ("字母 a", "数字 1" …). */
static GtkWidget *
char_key (HbOsk *self, KeyKind kind, NameKind name_kind, const char *text)
{
  g_autofree char *name = NULL;
  switch (name_kind)
    {
    case NAME_LETTER:    name = g_strdup_printf (_("字母 %s"), text); break;
    case NAME_DIGIT:     name = g_strdup_printf (_("数字 %s"), text); break;
    case NAME_SYMBOL:    name = g_strdup_printf (_("符号 %s"), text); break;
    case NAME_SEPARATOR: name = g_strdup_printf (_("分隔符 %s"), text); break;
    }
  return key (self, text, name, kind, text, NULL);
}

static GtkWidget *
new_grid (const char *css)
{
  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  gtk_widget_set_halign (grid, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (grid, css);
  return grid;
}

/* Letters of a row at columns from, from+1 …; latin: kept for 大写. */
static void
letter_row (HbOsk *self, GtkWidget *grid, const char *letters, int row, int from,
            gboolean latin)
{
  for (int i = 0; letters[i]; i++)
    {
      char text[2] = { letters[i], 0 };
      GtkWidget *b = char_key (self, KEY_LETTER, NAME_LETTER, text);
      if (latin)
        g_ptr_array_add (self->latin_letters, b);
      gtk_grid_attach (GTK_GRID (grid), b, from + i, row, 1, 1);
    }
}

static void
bottom_row (HbOsk *self, GtkWidget *grid, int row)
{
  gtk_grid_attach (GTK_GRID (grid), key (self, _("空格"), _("空格"), KEY_SPACE, " ", "osk-space"),
                   0, row, 6, 1);
  gtk_grid_attach (GTK_GRID (grid), key (self, _("退格"), _("退格"), KEY_BACK, NULL, NULL),
                   6, row, 2, 1);
  gtk_grid_attach (GTK_GRID (grid), key (self, _("清空"), _("清空"), KEY_CLEAR, NULL, NULL),
                   8, row, 2, 1);
}

static GtkWidget *
build_pinyin (HbOsk *self)
{
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *grid = new_grid ("osk-letters");

  /* The pinyin and the paging keys go on the switches' row (hb_osk_init), so the
   * candidates get the full width and the keyboard one row less of height. */
  self->pinyin_label = GTK_LABEL (hb_ui_label ("", "osk-pinyin"));
  gtk_label_set_xalign (self->pinyin_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->pinyin_label), TRUE);
  self->prev_page = key (self, _("上一页"), _("上一页候选"), KEY_TEXT, NULL, "osk-page");
  g_signal_handlers_disconnect_by_func (self->prev_page, on_key, self);
  g_signal_connect (self->prev_page, "clicked", G_CALLBACK (on_prev_page), self);
  self->next_page = key (self, _("下一页"), _("下一页候选"), KEY_TEXT, NULL, "osk-page");
  g_signal_handlers_disconnect_by_func (self->next_page, on_key, self);
  g_signal_connect (self->next_page, "clicked", G_CALLBACK (on_next_page), self);
  no_wrap (self->prev_page);
  no_wrap (self->next_page);

  self->candidates = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8));
  gtk_widget_add_css_class (GTK_WIDGET (self->candidates), "osk-candidate-bar");
  gtk_box_append (GTK_BOX (column), GTK_WIDGET (self->candidates));

  letter_row (self, grid, "qwertyuiop", 0, 0, FALSE);
  letter_row (self, grid, "asdfghjkl", 1, 0, FALSE);
  /* The syllable separator, as in xi'an (西安) against xian (先). */
  gtk_grid_attach (GTK_GRID (grid), char_key (self, KEY_LETTER, NAME_SEPARATOR, "'"), 9, 1, 1, 1);
  letter_row (self, grid, "zxcvbnm", 2, 1, FALSE);
  bottom_row (self, grid, 3);
  gtk_box_append (GTK_BOX (column), grid);
  return column;
}

static GtkWidget *
build_latin (HbOsk *self)
{
  GtkWidget *grid = new_grid ("osk-letters");

  for (int i = 0; i < 10; i++)
    {
      char text[2] = { (char) ('0' + (i + 1) % 10), 0 };
      gtk_grid_attach (GTK_GRID (grid), char_key (self, KEY_TEXT, NAME_DIGIT, text), i, 0, 1, 1);
    }
  letter_row (self, grid, "qwertyuiop", 1, 0, TRUE);
  letter_row (self, grid, "asdfghjkl", 2, 0, TRUE);
  gtk_grid_attach (GTK_GRID (grid), char_key (self, KEY_TEXT, NAME_SYMBOL, "-"), 9, 2, 1, 1);
  self->shift = key (self, _("大写"), _("大写"), KEY_SHIFT, NULL, "osk-shift");
  gtk_grid_attach (GTK_GRID (grid), self->shift, 0, 3, 1, 1);
  letter_row (self, grid, "zxcvbnm", 3, 1, TRUE);
  gtk_grid_attach (GTK_GRID (grid), char_key (self, KEY_TEXT, NAME_SYMBOL, "@"), 8, 3, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), char_key (self, KEY_TEXT, NAME_SYMBOL, "."), 9, 3, 1, 1);
  bottom_row (self, grid, 4);
  return grid;
}

static GtkWidget *
build_digits (HbOsk *self)
{
  GtkWidget *grid = new_grid ("osk-digits");

  for (int i = 0; i < 9; i++)
    {
      char text[2] = { (char) ('1' + i), 0 };
      gtk_grid_attach (GTK_GRID (grid), char_key (self, KEY_TEXT, NAME_DIGIT, text),
                       i % 3, i / 3, 1, 1);
    }
  self->extra_digit = key (self, "X", "X", KEY_TEXT, "X", NULL);
  gtk_widget_set_visible (self->extra_digit, FALSE);
  gtk_grid_attach (GTK_GRID (grid), self->extra_digit, 0, 3, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), char_key (self, KEY_TEXT, NAME_DIGIT, "0"), 1, 3, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), key (self, _("退格"), _("退格"), KEY_BACK, NULL, NULL),
                   2, 3, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), key (self, _("清空"), _("清空"), KEY_CLEAR, NULL, NULL),
                   0, 4, 3, 1);
  return grid;
}

/* --- layouts ---------------------------------------------------------------------- */

/* The pinyin decoder, made on first use. FALSE (once logged) when it cannot load. */
static gboolean
ensure_ime (HbOsk *self)
{
  g_autoptr(GError) error = NULL;

  if (self->ime || self->ime_failed)
    return self->ime != NULL;
  self->ime = hb_ime_new (NULL, &error);
  if (self->ime == NULL)
    {
      self->ime_failed = TRUE;
      g_message ("on-screen keyboard: pinyin unavailable: %s", error->message);
      gtk_widget_set_visible (self->switches[HB_OSK_PINYIN], FALSE);
    }
  return self->ime != NULL;
}

static void
apply_layout (HbOsk *self, HbOskLayout layout)
{
  if (layout == HB_OSK_PINYIN && !ensure_ime (self))
    layout = HB_OSK_LATIN;
  /* Pinyin not yet chosen is dropped when leaving 拼音 (and wiped: it may be a name). */
  if (layout != HB_OSK_PINYIN && self->ime)
    hb_ime_reset (self->ime);
  self->layout = layout;
  gtk_stack_set_visible_child_name (self->stack, layout_names[layout]);
  gtk_widget_set_visible (GTK_WIDGET (self->pinyin_label), layout == HB_OSK_PINYIN);
  gtk_widget_set_visible (self->prev_page, layout == HB_OSK_PINYIN);
  gtk_widget_set_visible (self->next_page, layout == HB_OSK_PINYIN);
  for (int i = 0; i < 3; i++)
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->switches[i])) != (i == (int) layout))
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->switches[i]), i == (int) layout);
  pinyin_changed (self);
}

static void
on_switch_toggled (GtkToggleButton *button, HbOsk *self)
{
  HbOskLayout layout = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "layout"));
  if (gtk_toggle_button_get_active (button) && layout != self->layout)
    apply_layout (self, layout);
}

static GtkWidget *
build_switches (HbOsk *self)
{
  const char *labels[] = { N_("拼音"), N_("英文"), N_("数字") };
  const char *names[] = { N_("拼音键盘"), N_("英文键盘"), N_("数字键盘") };
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_widget_add_css_class (row, "osk-switches");
  gtk_widget_set_halign (row, GTK_ALIGN_START);
  for (int i = 0; i < 3; i++)
    {
      GtkWidget *b = gtk_toggle_button_new_with_label (_(labels[i]));
      gtk_widget_add_css_class (b, "osk-switch");
      hb_ui_set_accessible_label (b, _(names[i]));
      gtk_widget_set_focus_on_click (b, FALSE);
      g_object_set_data (G_OBJECT (b), "layout", GINT_TO_POINTER (i));
      if (i > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (b), GTK_TOGGLE_BUTTON (self->switches[0]));
      g_signal_connect (b, "toggled", G_CALLBACK (on_switch_toggled), self);
      gtk_box_append (GTK_BOX (row), b);
      self->switches[i] = b;
    }
  return row;
}

/* --- object ----------------------------------------------------------------------- */

static void
hb_osk_dispose (GObject *object)
{
  HbOsk *self = HB_OSK (object);
  g_clear_weak_pointer (&self->target);
  g_clear_object (&self->ime);   /* wipes the pending pinyin */
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (hb_osk_parent_class)->dispose (object);
}

static void
hb_osk_finalize (GObject *object)
{
  HbOsk *self = HB_OSK (object);
  g_ptr_array_unref (self->latin_letters);
  g_array_unref (self->page_starts);
  G_OBJECT_CLASS (hb_osk_parent_class)->finalize (object);
}

static void
hb_osk_class_init (HbOskClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_osk_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_osk_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "osk");
}

static void
hb_osk_init (HbOsk *self)
{
  self->latin_letters = g_ptr_array_new ();
  self->page_starts = g_array_new (FALSE, FALSE, sizeof (guint));
  self->layout = HB_OSK_LATIN;

  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_box_append (GTK_BOX (self->box), top);
  gtk_box_append (GTK_BOX (top), build_switches (self));
  self->stack = GTK_STACK (gtk_stack_new ());
  /* Sized by the layout shown: a hidden one never widens the page. */
  gtk_stack_set_vhomogeneous (self->stack, FALSE);
  gtk_stack_set_hhomogeneous (self->stack, FALSE);
  gtk_stack_add_named (self->stack, build_pinyin (self), layout_names[HB_OSK_PINYIN]);
  gtk_stack_add_named (self->stack, build_latin (self), layout_names[HB_OSK_LATIN]);
  gtk_stack_add_named (self->stack, build_digits (self), layout_names[HB_OSK_DIGITS]);
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->pinyin_label));
  gtk_box_append (GTK_BOX (top), self->prev_page);
  gtk_box_append (GTK_BOX (top), self->next_page);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));
  gtk_stack_set_visible_child_name (self->stack, layout_names[HB_OSK_LATIN]);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->switches[HB_OSK_LATIN]), TRUE);
}

GtkWidget *
hb_osk_new (GtkEditable *target, HbOskLayout layout)
{
  HbOsk *self = g_object_new (HB_TYPE_OSK, NULL);

  g_return_val_if_fail (GTK_IS_EDITABLE (target), GTK_WIDGET (self));
  g_set_weak_pointer (&self->target, target);
  /* Typing goes on after a pre-filled value, not before it. */
  gtk_editable_set_position (target, -1);
  apply_layout (self, layout);
  return GTK_WIDGET (self);
}

void
hb_osk_set_layout (HbOsk *self, HbOskLayout layout)
{
  g_return_if_fail (HB_IS_OSK (self));
  g_return_if_fail (layout <= HB_OSK_DIGITS);
  apply_layout (self, layout);
}

HbOskLayout
hb_osk_get_layout (HbOsk *self)
{
  g_return_val_if_fail (HB_IS_OSK (self), HB_OSK_LATIN);
  return self->layout;
}

void
hb_osk_set_extra_digit (HbOsk *self, const char *text)
{
  g_return_if_fail (HB_IS_OSK (self));
  gtk_widget_set_visible (self->extra_digit, text != NULL && *text);
  if (text != NULL && *text)
    {
      g_autofree char *name = g_strdup_printf (_("字母 %s"), text);
      gtk_button_set_label (GTK_BUTTON (self->extra_digit), text);
      hb_ui_set_accessible_label (self->extra_digit, name);
      g_object_set_data_full (G_OBJECT (self->extra_digit), "text", g_strdup (text), g_free);
    }
}

void
hb_osk_set_upper_case (HbOsk *self, gboolean upper)
{
  g_return_if_fail (HB_IS_OSK (self));
  set_upper (self, upper);
}

const char *
hb_osk_get_pinyin (HbOsk *self)
{
  g_return_val_if_fail (HB_IS_OSK (self), "");
  return self->ime ? hb_ime_get_pinyin (self->ime) : "";
}
