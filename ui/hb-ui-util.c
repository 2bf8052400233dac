/* hb-ui-util.c — small helpers shared by the pages. */
#include "ui/hb-ui-util.h"
#include "ui/hb-resources.h"

#include <glib/gi18n.h>

void
hb_ui_ensure_resources (void)
{
  static gsize done;
  if (g_once_init_enter (&done))
    {
      hb_register_resource ();
      g_once_init_leave (&done, 1);
    }
}

void
hb_ui_set_accessible_label (GtkWidget *widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  g_object_set_data_full (G_OBJECT (widget), "hb-a11y-label", g_strdup (label), g_free);
}

static void
add_classes (GtkWidget *w, const char *css_classes)
{
  g_auto(GStrv) classes = NULL;
  if (css_classes == NULL)
    return;
  classes = g_strsplit (css_classes, " ", -1);
  for (char **c = classes; *c; c++)
    if (**c)
      gtk_widget_add_css_class (w, *c);
}

GtkWidget *
hb_ui_label (const char *text, const char *css_classes)
{
  GtkWidget *l = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (l), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (l), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (l), 0.0);
  add_classes (l, css_classes);
  return l;
}

GtkWidget *
hb_ui_button (const char *text, const char *css_classes)
{
  GtkWidget *b = gtk_button_new_with_label (text);
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (b));
  if (GTK_IS_LABEL (child))
    {
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
      gtk_label_set_justify (GTK_LABEL (child), GTK_JUSTIFY_CENTER);
    }
  add_classes (b, css_classes);
  hb_ui_set_accessible_label (b, text);
  return b;
}

void
hb_ui_set_error_text (GtkLabel *label, const char *message)
{
  /* TRANSLATORS: in front of an error shown under a field */
  g_autofree char *text = g_strdup_printf ("%s%s", _("错误："), message ? message : "");
  gtk_label_set_text (label, text);
}

void
hb_ui_scroll_into_view (GtkWidget *widget, double margin)
{
  GtkWidget *sw = widget ? gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW) : NULL;
  graphene_rect_t r;
  GtkAdjustment *adj;
  double height, value;

  if (sw == NULL || !gtk_widget_compute_bounds (widget, sw, &r))
    return;
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (sw));
  height = gtk_widget_get_height (sw);
  value = gtk_adjustment_get_value (adj);
  if (r.origin.y < 0)
    gtk_adjustment_set_value (adj, value + r.origin.y - margin);
  else if (r.origin.y + r.size.height > height)
    gtk_adjustment_set_value (adj, value + MIN (r.origin.y,
                                                r.origin.y + r.size.height - height + margin));
}

void
hb_ui_box_clear (GtkBox *box)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* explicit: only names given with hb_ui_set_accessible_label (controls made in code);
 * otherwise names from .ui templates and GTK's own (a label's text). */
static GtkWidget *
find (GtkWidget *root, const char *name, gboolean explicit)
{
  const char *label;

  /* Mapped = on screen now: not on a hidden stack page, not in a folded revealer. */
  if (root == NULL || !gtk_widget_get_mapped (root))
    return NULL;
  label = g_object_get_data (G_OBJECT (root), "hb-a11y-label");
  if (label != NULL)
    {
      if (g_str_equal (label, name))
        return root;
    }
  else if (!explicit &&
           gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      /* GTK 4.8 has no getter for accessible properties; the test helper compares. */
      char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (root),
                                                           GTK_ACCESSIBLE_PROPERTY_LABEL, name);
      gboolean match = mismatch == NULL;
      g_free (mismatch);
      if (match)
        return root;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find (c, name, explicit);
      if (found)
        return found;
    }
  return NULL;
}

GtkWidget *
hb_ui_find_by_accessible_label (GtkWidget *root, const char *name)
{
  /* A control named on purpose wins over a caption that merely reads the same. */
  GtkWidget *w = find (root, name, TRUE);
  return w ? w : find (root, name, FALSE);
}
