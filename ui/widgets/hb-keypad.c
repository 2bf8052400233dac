/* hb-keypad.c — on-screen digit pad. */
#include "ui/widgets/hb-keypad.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>
#include <string.h>

struct _HbKeypad
{
  GtkWidget    parent_instance;
  GtkWidget   *grid;
  GtkEditable *target;    /* weak */
  guint        max_digits;
};

G_DEFINE_FINAL_TYPE (HbKeypad, hb_keypad, GTK_TYPE_WIDGET)

static void
press (GtkButton *button, HbKeypad *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "key");
  const char *text;
  int pos;

  if (self->target == NULL)
    return;
  text = gtk_editable_get_text (self->target);
  if (g_str_equal (key, "back"))
    {
      int n = (int) g_utf8_strlen (text, -1);
      if (n > 0)
        gtk_editable_delete_text (self->target, n - 1, n);
    }
  else if (g_str_equal (key, "clear"))
    gtk_editable_delete_text (self->target, 0, -1);
  else if (strlen (text) < self->max_digits)
    {
      pos = (int) g_utf8_strlen (text, -1);
      gtk_editable_insert_text (self->target, key, 1, &pos);
    }
}

static void
hb_keypad_dispose (GObject *object)
{
  HbKeypad *self = HB_KEYPAD (object);
  g_clear_weak_pointer (&self->target);
  g_clear_pointer (&self->grid, gtk_widget_unparent);
  G_OBJECT_CLASS (hb_keypad_parent_class)->dispose (object);
}

static void
hb_keypad_class_init (HbKeypadClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_keypad_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "keypad");
}

static void
hb_keypad_init (HbKeypad *self)
{
  static const char *const keys[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9",
                                      "clear", "0", "back" };
  self->grid = gtk_grid_new ();
  gtk_grid_set_row_homogeneous (GTK_GRID (self->grid), TRUE);
  gtk_grid_set_column_homogeneous (GTK_GRID (self->grid), TRUE);
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 8);
  gtk_widget_set_parent (self->grid, GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *label = g_str_equal (keys[i], "back") ? _("退格")
                        : g_str_equal (keys[i], "clear") ? _("清空") : keys[i];
      GtkWidget *b = hb_ui_button (label, "key");
      g_object_set_data (G_OBJECT (b), "key", (gpointer) keys[i]);
      g_signal_connect (b, "clicked", G_CALLBACK (press), self);
      gtk_grid_attach (GTK_GRID (self->grid), b, (int) (i % 3), (int) (i / 3), 1, 1);
    }
}

GtkWidget *
hb_keypad_new (GtkEditable *target, guint max_digits)
{
  HbKeypad *self = g_object_new (HB_TYPE_KEYPAD, NULL);
  g_set_weak_pointer (&self->target, target);
  self->max_digits = max_digits;
  return GTK_WIDGET (self);
}
