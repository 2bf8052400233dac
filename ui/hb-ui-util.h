/* hb-ui-util.h — small helpers shared by the pages. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Register the kiosk's GResource (templates, CSS) once. The resource object lives in a
 * static library, where a constructor would be dropped by the linker. */
void       hb_ui_ensure_resources (void);

/* Accessible name of a control: what a screen reader says and what the UI tests find. */
void       hb_ui_set_accessible_label (GtkWidget *widget, const char *label);
/* A wrapping label with optional CSS classes (space-separated). */
GtkWidget *hb_ui_label  (const char *text, const char *css_classes);
/* A big touch button whose accessible name is its text. */
GtkWidget *hb_ui_button (const char *text, const char *css_classes);
/* Show an error under a field or control: red, and never by colour alone (MIIT 适老化,
 * WCAG 1.4.1) — the text starts with the word "错误：". */
void       hb_ui_set_error_text (GtkLabel *label, const char *message);
/* Remove every child of a GtkBox. */
void       hb_ui_box_clear (GtkBox *box);
/* Scroll the nearest GtkScrolledWindow around widget so that widget shows whole (its top
 * first when it is taller than the view), margin px clear of the edge. GtkViewport follows
 * the focus only for its direct child; this works at any depth. */
void       hb_ui_scroll_into_view (GtkWidget *widget, double margin);
/* Find a descendant (or widget itself) whose accessible label equals name, depth first,
 * among the widgets mapped on screen. What a touch or a screen reader can reach; the UI
 * tests use it. */
GtkWidget *hb_ui_find_by_accessible_label (GtkWidget *root, const char *name);

G_END_DECLS
