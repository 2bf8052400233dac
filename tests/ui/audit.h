/* audit.h — the accessibility audit of what a window shows (issue 8 point 7, WCAG 2.2 /
 * MIIT 适老化; docs/decisions.md "长辈模式 and the audits").
 *
 * audit_run() walks the mapped widgets under a root and reports:
 *   - a control (button, toggle, check, switch, entry, drop-down, scale) without an
 *     accessible name: hb_ui_set_accessible_label, an accessible label or labelled-by
 *     relation from a template, or — for buttons only — a label inside (name from content);
 *   - a control whose allocated border box (gtk_widget_compute_bounds) is narrower or
 *     lower than the mode's minimum target;
 *   - a label whose text colour against its background is below the mode's contrast.
 *     Foreground: the colour GTK paints the label's text with (its style's color, alpha
 *     times the opacity of the label and its ancestors). Background: what the screen
 *     shows behind it — the window is rendered with its own renderer exactly as a frame
 *     (gsk_renderer_render_texture, the PNG path) and the most frequent pixel colour in
 *     the label's visible box (clipped to scrolled viewports) is taken: glyphs cover a
 *     minority of a label's box. Labels of insensitive controls are not checked
 *     (WCAG 1.4.3 exempts inactive components);
 *   - in English, a label, button text or accessible name containing Han characters,
 *     except those in the exemption list given by the caller (proper names, with a
 *     reason): an entry matches a text, or a widget's accessible name.
 * Widgets under a node named "simpanel" are skipped: the simulator strip for virtual
 * devices, absent on a terminal with real devices. */
#pragma once

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

typedef enum {
  AUDIT_NO_NAME,
  AUDIT_SMALL_TARGET,
  AUDIT_LOW_CONTRAST,
  AUDIT_UNTRANSLATED,
} AuditKind;

typedef struct {
  AuditKind  kind;
  char      *detail;
} AuditProblem;

typedef struct {
  int                min_target;      /* px, both sides */
  double             min_contrast;    /* ratio, e.g. 4.5 */
  gboolean           english;         /* check for untranslated text */
  const char *const *han_allowed;     /* exact texts allowed to be Chinese in English */
} AuditRules;

static inline void
audit_problem_free (gpointer p)
{
  AuditProblem *a = p;
  g_free (a->detail);
  g_free (a);
}

static inline const char *
audit_kind_name (AuditKind kind)
{
  switch (kind)
    {
    case AUDIT_NO_NAME:      return "no-accessible-name";
    case AUDIT_SMALL_TARGET: return "small-target";
    case AUDIT_LOW_CONTRAST: return "low-contrast";
    case AUDIT_UNTRANSLATED: return "untranslated";
    default:                 return "?";
    }
}

typedef struct {
  const AuditRules *rules;
  GtkWidget        *window;
  const guint8     *pixels;   /* CAIRO_FORMAT_ARGB32 of the window as rendered */
  gsize             stride;
  int               width, height;
  GPtrArray        *problems;
} Audit;

static inline void G_GNUC_PRINTF (3, 4)
audit_add (Audit *a, AuditKind kind, const char *format, ...)
{
  AuditProblem *p = g_new0 (AuditProblem, 1);
  va_list args;
  va_start (args, format);
  p->kind = kind;
  p->detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (a->problems, p);
}

/* --- what a widget is ------------------------------------------------------------- */

static inline gboolean
audit_is_control (GtkWidget *w)
{
  if (GTK_IS_TEXT (w))   /* the text inside an entry: the entry is the control */
    return !GTK_IS_EDITABLE (gtk_widget_get_parent (w));
  return GTK_IS_BUTTON (w) || GTK_IS_CHECK_BUTTON (w) || GTK_IS_SWITCH (w)
         || GTK_IS_ENTRY (w) || GTK_IS_PASSWORD_ENTRY (w) || GTK_IS_SEARCH_ENTRY (w)
         || GTK_IS_SPIN_BUTTON (w) || GTK_IS_DROP_DOWN (w) || GTK_IS_SCALE (w);
}

static inline const char *
audit_explicit_name (GtkWidget *w)
{
  return g_object_get_data (G_OBJECT (w), "hb-a11y-label");
}

static inline void
audit_collect_text (GtkWidget *w, GString *out)
{
  if (GTK_IS_LABEL (w))
    g_string_append (out, gtk_label_get_text (GTK_LABEL (w)));
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    audit_collect_text (c, out);
}

static inline gboolean
audit_has_name (GtkWidget *w)
{
  const char *name = audit_explicit_name (w);
  if (name != NULL)
    return *name != '\0';
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      /* GTK 4.8 has no getter: a mismatch with "" means a non-empty label. */
      char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (w),
                                                           GTK_ACCESSIBLE_PROPERTY_LABEL, "");
      gboolean named = mismatch != NULL;
      g_free (mismatch);
      if (named)
        return TRUE;
    }
  if (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (w) || GTK_IS_CHECK_BUTTON (w))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      audit_collect_text (w, text);
      g_strstrip (text->str);
      return text->str[0] != '\0';
    }
  return FALSE;
}

static inline gboolean
audit_has_han (const char *text)
{
  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

/* Allowed: the exact text, or a widget whose accessible name is listed (e.g. the
 * greeting that carries the resident's own name). */
static inline gboolean
audit_han_allowed (Audit *a, GtkWidget *w, const char *text)
{
  const char *name = audit_explicit_name (w);
  for (const char *const *p = a->rules->han_allowed; p && *p; p++)
    if (g_str_equal (*p, text) || (name && g_str_equal (*p, name)))
      return TRUE;
  return FALSE;
}

/* A short description of where a widget is, for the report. */
static inline char *
audit_describe (GtkWidget *w)
{
  const char *name = audit_explicit_name (w);
  g_autoptr(GString) text = g_string_new (NULL);
  GString *path = g_string_new (G_OBJECT_TYPE_NAME (w));

  for (GtkWidget *p = gtk_widget_get_parent (w); p; p = gtk_widget_get_parent (p))
    if (g_str_has_prefix (G_OBJECT_TYPE_NAME (p), "Hb"))
      {
        g_string_prepend (path, "/");
        g_string_prepend (path, G_OBJECT_TYPE_NAME (p));
        break;
      }
  if (name)
    g_string_append_printf (path, " \"%s\"", name);
  else
    {
      audit_collect_text (w, text);
      if (text->len)
        g_string_append_printf (path, " text \"%.60s\"", text->str);
    }
  return g_string_free (path, FALSE);
}

/* --- colours ---------------------------------------------------------------------- */

static inline double
audit_channel (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

/* WCAG 2.x relative luminance and contrast ratio. */
static inline double
audit_luminance (double r, double g, double b)
{
  return 0.2126 * audit_channel (r) + 0.7152 * audit_channel (g) + 0.0722 * audit_channel (b);
}

static inline double
audit_contrast (double l1, double l2)
{
  return (MAX (l1, l2) + 0.05) / (MIN (l1, l2) + 0.05);
}

/* The most frequent colour of the rendered window inside rect (window coordinates). */
static inline gboolean
audit_background (Audit *a, const graphene_rect_t *rect, double rgb[3])
{
  int x0 = MAX (0, (int) floorf (rect->origin.x)), y0 = MAX (0, (int) floorf (rect->origin.y));
  int x1 = MIN (a->width, (int) ceilf (rect->origin.x + rect->size.width));
  int y1 = MIN (a->height, (int) ceilf (rect->origin.y + rect->size.height));
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint best = 0, best_count = 0;
  GHashTableIter it;
  gpointer k, v;

  int step;

  if (x1 - x0 < 2 || y1 - y0 < 2)
    return FALSE;
  /* A few thousand samples on a grid find the dominant colour as well as every pixel. */
  step = MAX (1, (int) ceil (sqrt ((double) (x1 - x0) * (y1 - y0) / 4000.0)));
  for (int y = y0; y < y1; y += step)
    for (int x = x0; x < x1; x += step)
      {
        guint32 px = *(const guint32 *) (a->pixels + (gsize) y * a->stride + (gsize) x * 4);
        guint key = (px & 0xffffff) + 1;   /* +1: a NULL key cannot be told from "absent" */
        g_hash_table_insert (counts, GUINT_TO_POINTER (key),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (key))) + 1));
      }
  g_hash_table_iter_init (&it, counts);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (GPOINTER_TO_UINT (v) > best_count)
      {
        best_count = GPOINTER_TO_UINT (v);
        best = GPOINTER_TO_UINT (k) - 1;
      }
  rgb[0] = ((best >> 16) & 0xff) / 255.0;
  rgb[1] = ((best >> 8) & 0xff) / 255.0;
  rgb[2] = (best & 0xff) / 255.0;
  return TRUE;
}

/* The part of w's box that is on screen: inside the window and every scrolled viewport. */
static inline gboolean
audit_visible_rect (Audit *a, GtkWidget *w, graphene_rect_t *out)
{
  graphene_rect_t r, clip;

  if (!gtk_widget_compute_bounds (w, a->window, &r))
    return FALSE;
  graphene_rect_init (&clip, 0, 0, a->width, a->height);
  if (!graphene_rect_intersection (&r, &clip, &r))
    return FALSE;
  for (GtkWidget *p = gtk_widget_get_parent (w); p; p = gtk_widget_get_parent (p))
    if (GTK_IS_VIEWPORT (p) || GTK_IS_SCROLLED_WINDOW (p) || GTK_IS_STACK (p))
      {
        if (!gtk_widget_compute_bounds (p, a->window, &clip)
            || !graphene_rect_intersection (&r, &clip, &r))
          return FALSE;
      }
  *out = r;
  return r.size.width >= 4 && r.size.height >= 8;
}

static inline void
audit_label_contrast (Audit *a, GtkWidget *label)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *style = gtk_widget_get_style_context (label);
  GdkRGBA fg;
  G_GNUC_END_IGNORE_DEPRECATIONS
  graphene_rect_t r;
  double bg[3], alpha, lf, lb, ratio;

  if (!gtk_widget_is_sensitive (label) || !audit_visible_rect (a, label, &r)
      || !audit_background (a, &r, bg))
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  alpha = fg.alpha;
  for (GtkWidget *p = label; p; p = gtk_widget_get_parent (p))
    alpha *= gtk_widget_get_opacity (p);
  /* The text as it lands on the background. */
  lf = audit_luminance (fg.red * alpha + bg[0] * (1 - alpha), fg.green * alpha + bg[1] * (1 - alpha),
                        fg.blue * alpha + bg[2] * (1 - alpha));
  lb = audit_luminance (bg[0], bg[1], bg[2]);
  ratio = audit_contrast (lf, lb);
  if (ratio + 1e-6 < a->rules->min_contrast)
    {
      g_autofree char *where = audit_describe (label);
      audit_add (a, AUDIT_LOW_CONTRAST, "%s: %.2f:1 < %.1f:1 (text #%02x%02x%02x a=%.2f on #%02x%02x%02x)",
                 where, ratio, a->rules->min_contrast, (int) lround (fg.red * 255),
                 (int) lround (fg.green * 255), (int) lround (fg.blue * 255), alpha,
                 (int) lround (bg[0] * 255), (int) lround (bg[1] * 255), (int) lround (bg[2] * 255));
    }
}

/* --- the walk --------------------------------------------------------------------- */

static inline void
audit_control (Audit *a, GtkWidget *w)
{
  graphene_rect_t r;

  if (!audit_has_name (w))
    {
      g_autofree char *where = audit_describe (w);
      audit_add (a, AUDIT_NO_NAME, "%s", where);
    }
  if (gtk_widget_compute_bounds (w, a->window, &r)
      && (r.size.width + 0.5 < a->rules->min_target || r.size.height + 0.5 < a->rules->min_target))
    {
      g_autofree char *where = audit_describe (w);
      audit_add (a, AUDIT_SMALL_TARGET, "%s: %.0f×%.0f px < %d px", where, r.size.width,
                 r.size.height, a->rules->min_target);
    }
  if (a->rules->english)
    {
      const char *name = audit_explicit_name (w);
      if (name && audit_has_han (name) && !audit_han_allowed (a, w, name))
        {
          g_autofree char *where = audit_describe (w);
          audit_add (a, AUDIT_UNTRANSLATED, "%s: accessible name", where);
        }
    }
}

static inline void
audit_walk (Audit *a, GtkWidget *w, gboolean in_control)
{
  if (!gtk_widget_get_mapped (w) || gtk_widget_get_opacity (w) <= 0.0)
    return;
  if (g_str_equal (gtk_widget_get_css_name (w), "simpanel"))
    return;
  if (!in_control && audit_is_control (w))
    {
      audit_control (a, w);
      in_control = TRUE;
    }
  if (GTK_IS_LABEL (w))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (w));
      if (text && *text)
        {
          audit_label_contrast (a, w);
          if (a->rules->english && audit_has_han (text) && !audit_han_allowed (a, w, text))
            {
              g_autofree char *where = audit_describe (w);
              audit_add (a, AUDIT_UNTRANSLATED, "%s", where);
            }
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    audit_walk (a, c, in_control);
}

/* Render window as a frame and audit the widgets under root (the window, or the layer on
 * top: a dialog over the page). Returns the problems (AuditProblem*, may be empty). */
static inline GPtrArray *
audit_run (GtkWidget *window, GtkWidget *root, const AuditRules *rules)
{
  Audit a = { rules, window, NULL, 0, 0, 0,
              g_ptr_array_new_with_free_func (audit_problem_free) };
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GskRenderNode *node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint8 *pixels = NULL;

  g_assert_nonnull (renderer);
  /* A widget with a layout pending draws nothing: let a frame pass and try again. */
  for (guint attempt = 0; node == NULL && attempt < 20; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      if (attempt > 0)
        gtk_test_widget_wait_for_draw (window);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_render_node_unref (node);
  a.width = gdk_texture_get_width (texture);
  a.height = gdk_texture_get_height (texture);
  a.stride = (gsize) a.width * 4;
  pixels = g_malloc (a.stride * (gsize) a.height);
  gdk_texture_download (texture, pixels, a.stride);
  a.pixels = pixels;
  audit_walk (&a, root, FALSE);
  return a.problems;
}

/* The layer a resident sees on top: the last visible overlay child of the window's
 * GtkOverlay (a dialog or panel), else the whole window. */
static inline GtkWidget *
audit_top_layer (GtkWidget *window)
{
  GtkWidget *child = gtk_window_get_child (GTK_WINDOW (window));
  GtkWidget *first;

  if (!GTK_IS_OVERLAY (child))
    return window;
  first = gtk_widget_get_first_child (child);
  for (GtkWidget *c = gtk_widget_get_last_child (child); c && c != first;
       c = gtk_widget_get_prev_sibling (c))
    if (gtk_widget_get_mapped (c))
      return c;
  return window;
}

static inline guint
audit_count (GPtrArray *problems, AuditKind kind)
{
  guint n = 0;
  for (guint i = 0; i < problems->len; i++)
    n += ((AuditProblem *) problems->pdata[i])->kind == kind;
  return n;
}
