/* hb-page.c — base of every kiosk screen. */
#include "ui/hb-page.h"
#include "ui/hb-window.h"
#include "ui/hb-ui-util.h"
#include "ui/hb-voice-guide.h"

typedef struct {
  HbWindow *window;   /* borrowed: the window owns its pages */
} HbPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HbPage, hb_page, GTK_TYPE_WIDGET)

static const char *const page_names[HB_N_PAGES] = {
  "attract", "identify", "catalog", "guide", "form", "check", "result", "print", "rating",
  "place",
  "progress",
  "situation",
  "business",
};

const char *
hb_page_id_to_string (HbPageId id)
{
  return (guint) id < HB_N_PAGES ? page_names[id] : "unknown";
}

static void
hb_page_dispose (GObject *object)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (hb_page_parent_class)->dispose (object);
}

static char *hb_page_real_get_spoken_text (HbPage *self);

static void
hb_page_class_init (HbPageClass *klass)
{
  hb_ui_ensure_resources ();
  G_OBJECT_CLASS (klass)->dispose = hb_page_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "page");
  klass->get_spoken_text = hb_page_real_get_spoken_text;
}

static void
hb_page_init (HbPage *self)
{
}

void
hb_page_set_window (HbPage *self, HbWindow *window)
{
  HbPagePrivate *priv = hb_page_get_instance_private (self);
  priv->window = window;
}

HbWindow *
hb_page_get_window (HbPage *self)
{
  HbPagePrivate *priv = hb_page_get_instance_private (self);
  return priv->window;
}

HbCore *
hb_page_get_core (HbPage *self)
{
  return hb_window_get_core (hb_page_get_window (self));
}

HbSession *
hb_page_get_session (HbPage *self)
{
  return hb_core_get_session (hb_page_get_core (self));
}

void
hb_page_show (HbPage *self, HbPageId id)
{
  hb_window_show_page (hb_page_get_window (self), id);
}

void
hb_page_switch_to (HbPage *self)
{
  HbPageClass *klass = HB_PAGE_GET_CLASS (self);
  if (klass->switch_to)
    klass->switch_to (self);
}

void
hb_page_switch_from (HbPage *self)
{
  HbPageClass *klass = HB_PAGE_GET_CLASS (self);
  if (klass->switch_from)
    klass->switch_from (self);
}

/* --- voice guidance ------------------------------------------------------------------ */

static void
collect_spoken (GtkWidget *widget, GString *out, gboolean *lead_said)
{
  if (!gtk_widget_get_visible (widget) || gtk_widget_has_css_class (widget, HB_PAGE_UNSPOKEN))
    return;
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      gboolean title = gtk_widget_has_css_class (widget, "page-title")
                       || gtk_widget_has_css_class (widget, "hero-title")
                       || gtk_widget_has_css_class (widget, "question")
                       /* the ways to identify: where the reader and the scanner are */
                       || gtk_widget_has_css_class (widget, "way-title")
                       || gtk_widget_has_css_class (widget, "way-text");
      gboolean lead = !*lead_said && gtk_widget_has_css_class (widget, "lead");

      if ((title || lead) && text && *text)
        {
          if (out->len > 0)
            g_string_append_c (out, '\n');
          g_string_append (out, text);
          *lead_said |= lead;
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_spoken (c, out, lead_said);
}

static char *
hb_page_real_get_spoken_text (HbPage *self)
{
  GString *out = g_string_new (NULL);
  gboolean lead_said = FALSE;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self)); c;
       c = gtk_widget_get_next_sibling (c))
    collect_spoken (c, out, &lead_said);
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

char *
hb_page_get_spoken_text (HbPage *self)
{
  HbPageClass *klass = HB_PAGE_GET_CLASS (self);
  return klass->get_spoken_text ? klass->get_spoken_text (self) : NULL;
}

static HbVoiceGuide *
guide_of (HbPage *self)
{
  HbPagePrivate *priv = hb_page_get_instance_private (self);
  if (priv->window == NULL || hb_window_get_page (priv->window, hb_window_get_page_id (priv->window)) != self)
    return NULL;   /* only the page on screen speaks */
  return hb_window_get_voice_guide (priv->window);
}

void
hb_page_spoken_text_changed (HbPage *self)
{
  HbVoiceGuide *guide = guide_of (self);
  if (guide)
    hb_voice_guide_page_changed (guide);
}

void
hb_page_speak (HbPage *self, const char *text)
{
  HbVoiceGuide *guide = guide_of (self);
  if (guide)
    hb_voice_guide_say (guide, text);
}
