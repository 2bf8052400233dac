/* hb-keypad-nav.c — keypad-only use: key → focus move, activation, page action. */
#include "ui/hb-keypad-nav.h"
#include "ui/hb-window.h"
#include "ui/hb-ui-util.h"

#include <glib/gi18n.h>

#define NAV_KEY        "hb-keypad-nav"
#define ACTIVE_CLASS   "keypad-active"
#define SCROLL_MARGIN  24

struct _HbKeypadNav
{
  GObject    parent_instance;
  GtkWindow *window;        /* weak: the window owns us */
  GtkWidget *help_button;   /* weak */
  GtkWidget *legend;        /* weak: a child of the window's main box */
  gboolean   active;
  gboolean   new_page;         /* a page was shown since the focus was last placed */
  gboolean   watching_session; /* connected to the session's idle warning */
  guint      focus_idle;
};

G_DEFINE_FINAL_TYPE (HbKeypadNav, hb_keypad_nav, G_TYPE_OBJECT)

enum { SIGNAL_KEY_HANDLED, N_SIGNALS };
static guint signals[N_SIGNALS];

HbKeypadKey
hb_keypad_key_from_keyval (guint keyval)
{
  if (keyval >= GDK_KEY_0 && keyval <= GDK_KEY_9)
    return HB_KEYPAD_KEY_0 + (int) (keyval - GDK_KEY_0);
  if (keyval >= GDK_KEY_KP_0 && keyval <= GDK_KEY_KP_9)
    return HB_KEYPAD_KEY_0 + (int) (keyval - GDK_KEY_KP_0);
  switch (keyval)
    {
    /* The same keys with NumLock off: a keypad's NumLock state is not ours to choose. */
    case GDK_KEY_KP_Insert:    return HB_KEYPAD_KEY_0;
    case GDK_KEY_KP_End:       return HB_KEYPAD_KEY_1;
    case GDK_KEY_KP_Down:      return HB_KEYPAD_KEY_2;
    case GDK_KEY_KP_Page_Down: return HB_KEYPAD_KEY_3;
    case GDK_KEY_KP_Left:      return HB_KEYPAD_KEY_4;
    case GDK_KEY_KP_Begin:     return HB_KEYPAD_KEY_5;
    case GDK_KEY_KP_Right:     return HB_KEYPAD_KEY_6;
    case GDK_KEY_KP_Home:      return HB_KEYPAD_KEY_7;
    case GDK_KEY_KP_Up:        return HB_KEYPAD_KEY_8;
    case GDK_KEY_KP_Page_Up:   return HB_KEYPAD_KEY_9;
    case GDK_KEY_asterisk:
    case GDK_KEY_KP_Multiply:  return HB_KEYPAD_KEY_STAR;
    case GDK_KEY_numbersign:
    case GDK_KEY_KP_Enter:     return HB_KEYPAD_KEY_HASH;
    default:                   return HB_KEYPAD_KEY_NONE;
    }
}

/* --- what is on screen ------------------------------------------------------------ */

static gboolean
is_candidate (GtkWidget *w)
{
  /* Scrolled lists take the focus in GTK, but a resident cannot press them. */
  if (GTK_IS_SCROLLED_WINDOW (w) || GTK_IS_VIEWPORT (w) || GTK_IS_LIST_BOX (w)
      || GTK_IS_FLOW_BOX (w))
    return FALSE;
  return gtk_widget_get_mapped (w) && gtk_widget_is_sensitive (w)
         && gtk_widget_get_focusable (w) && gtk_widget_get_can_focus (w);
}

/* Focusable controls under root in reading (tree) order; skip's subtree left out. */
static void
collect (GtkWidget *root, GtkWidget *skip, GPtrArray *out)
{
  if (root == skip || !gtk_widget_get_mapped (root) || !gtk_widget_get_can_focus (root))
    return;
  if (is_candidate (root))
    {
      g_ptr_array_add (out, root);
      /* A button's label is not a stop of its own. */
      if (!GTK_IS_TEXT (root))
        return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    collect (c, skip, out);
}

/* The panel or warning over the page (the topmost visible "scrim" of the window's
 * overlay), or NULL when the page itself is what the resident sees. */
static GtkWidget *
top_scrim (HbKeypadNav *self)
{
  GtkWidget *overlay = gtk_window_get_child (self->window);
  GtkWidget *top = NULL;

  if (overlay == NULL)
    return NULL;
  for (GtkWidget *c = gtk_widget_get_first_child (overlay); c; c = gtk_widget_get_next_sibling (c))
    if (gtk_widget_get_mapped (c) && gtk_widget_has_css_class (c, "scrim"))
      top = c;
  return top;
}

static GtkWidget *
current_page (HbKeypadNav *self)
{
  HbWindow *window = HB_WINDOW (self->window);
  HbPage *page = hb_window_get_page (window, hb_window_get_page_id (window));
  return page ? GTK_WIDGET (page) : NULL;
}

/* The controls the keypad reaches now: a panel's own, or the page's first and then the
 * window's (bars, 帮办). */
static GPtrArray *
candidates (HbKeypadNav *self)
{
  GPtrArray *list = g_ptr_array_new ();
  GtkWidget *scrim = top_scrim (self);
  GtkWidget *page = scrim ? NULL : current_page (self);

  if (scrim)
    collect (scrim, NULL, list);
  else
    {
      GtkWidget *stack = page ? gtk_widget_get_parent (page) : NULL;
      if (page)
        collect (page, NULL, list);
      collect (GTK_WIDGET (self->window), stack, list);
    }
  return list;
}

static GtkWidget *
focus_widget (HbKeypadNav *self)
{
  return gtk_root_get_focus (GTK_ROOT (self->window));
}

/* The candidate holding the focus (the focus itself, or the control it is inside). */
static int
focus_index (GPtrArray *list, GtkWidget *focus)
{
  for (GtkWidget *w = focus; w; w = gtk_widget_get_parent (w))
    for (guint i = 0; i < list->len; i++)
      if (list->pdata[i] == w)
        return (int) i;
  return -1;
}

/* The first mapped, sensitive widget with this CSS class under root, depth first. */
static GtkWidget *
find_class (GtkWidget *root, const char *css_class)
{
  if (root == NULL || !gtk_widget_get_mapped (root))
    return NULL;
  if (gtk_widget_has_css_class (root, css_class) && gtk_widget_is_sensitive (root))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_class (c, css_class);
      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
scope_find_class (HbKeypadNav *self, const char *css_class)
{
  GtkWidget *scrim = top_scrim (self);
  GtkWidget *found;

  if (scrim)
    return find_class (scrim, css_class);
  found = find_class (current_page (self), css_class);
  return found ? found : find_class (GTK_WIDGET (self->window), css_class);
}

static GtkScrolledWindow *
scroller_of (GtkWidget *w)
{
  GtkWidget *s = w ? gtk_widget_get_ancestor (w, GTK_TYPE_SCROLLED_WINDOW) : NULL;
  return s ? GTK_SCROLLED_WINDOW (s) : NULL;
}

static void
focus_on (GtkWidget *w)
{
  gtk_widget_grab_focus (w);
  hb_ui_scroll_into_view (w, SCROLL_MARGIN);
}

/* --- fields that take digits -------------------------------------------------------- */

static GtkEditable *
digit_field (HbKeypadNav *self)
{
  GtkWidget *focus = focus_widget (self);
  GtkInputPurpose purpose;

  if (!GTK_IS_TEXT (focus) || !gtk_editable_get_editable (GTK_EDITABLE (focus)))
    return NULL;
  purpose = gtk_text_get_input_purpose (GTK_TEXT (focus));
  if (purpose != GTK_INPUT_PURPOSE_DIGITS && purpose != GTK_INPUT_PURPOSE_NUMBER
      && purpose != GTK_INPUT_PURPOSE_PHONE && purpose != GTK_INPUT_PURPOSE_PIN)
    return NULL;
  return GTK_EDITABLE (focus);
}

static void
type_digit (GtkEditable *field, int digit)
{
  char text[2] = { (char) ('0' + digit), '\0' };
  int pos = gtk_editable_get_position (field);

  /* The buffer's max length refuses what does not fit. */
  gtk_editable_insert_text (field, text, 1, &pos);
  gtk_editable_set_position (field, pos);
}

/* Erase the last character; FALSE if there was none. */
static gboolean
erase_digit (GtkEditable *field)
{
  int n = (int) g_utf8_strlen (gtk_editable_get_text (field), -1);
  if (n == 0)
    return FALSE;
  gtk_editable_delete_text (field, n - 1, n);
  return TRUE;
}

/* --- the legend and the focus ring ---------------------------------------------------- */

static void
update_legend (HbKeypadNav *self)
{
  if (self->legend == NULL)
    return;
  gtk_label_set_text (GTK_LABEL (self->legend),
                      digit_field (self)
                      ? _("按键：数字键输入　* 删除（空时返回）　# 确认")
                      : _("按键：2 上　8 下　4 前一项　6 后一项　5 选择　# 确认　* 返回　0 帮办"));
  gtk_widget_set_visible (self->legend, self->active);
}

static void
set_active (HbKeypadNav *self, gboolean active)
{
  if (self->window == NULL)
    return;
  self->active = active;
  if (active)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->window), ACTIVE_CLASS);
      gtk_window_set_focus_visible (self->window, TRUE);
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->window), ACTIVE_CLASS);
  update_legend (self);
}

/* The focus is on the page shown (or the panel over it), not left in the bars. */
static gboolean
focus_in_content (HbKeypadNav *self)
{
  GtkWidget *focus = focus_widget (self);
  GtkWidget *scope = top_scrim (self);

  if (scope == NULL)
    scope = current_page (self);
  return focus && scope && (focus == scope || gtk_widget_is_ancestor (focus, scope));
}

/* After a key or a new page: if the focus is not among what the keypad reaches (a panel
 * opened or closed), or a new page came while it sat elsewhere, put it on the first
 * control: a new page starts at its top. */
static gboolean
ensure_focus (gpointer data)
{
  HbKeypadNav *self = data;
  g_autoptr(GPtrArray) list = NULL;
  gboolean new_page = self->new_page;

  self->focus_idle = 0;
  self->new_page = FALSE;
  if (self->window == NULL || !self->active)
    return G_SOURCE_REMOVE;
  list = candidates (self);
  if (list->len > 0 && (focus_index (list, focus_widget (self)) < 0
                        || (new_page && !focus_in_content (self))))
    focus_on (list->pdata[0]);
  /* GTK drops focus-visible when the focused widget goes away (a wiped page). */
  gtk_window_set_focus_visible (self->window, TRUE);
  update_legend (self);
  return G_SOURCE_REMOVE;
}

static void
queue_ensure_focus (HbKeypadNav *self)
{
  /* Low priority: after the page has been laid out and filled. */
  if (self->focus_idle == 0)
    self->focus_idle = g_idle_add_full (G_PRIORITY_LOW, ensure_focus, self, NULL);
}

/* --- keys ------------------------------------------------------------------------------ */

static void
move (HbKeypadNav *self, HbKeypadKey key, gboolean was_active)
{
  g_autoptr(GPtrArray) list = candidates (self);
  GtkWidget *focus = focus_widget (self);
  int i = focus_index (list, focus);
  int n = (int) list->len;

  if (n == 0)
    return;
  /* Nothing reachable has the focus yet, or the keypad was just picked up (the focus
   * may sit where GTK put it, in a bar): the first key shows the page's first control. */
  if (i < 0 || !was_active)
    {
      focus_on (list->pdata[0]);
      return;
    }
  switch (key)
    {
    case HB_KEYPAD_KEY_2:
    case HB_KEYPAD_KEY_8:
      {
        GtkDirectionType dir = key == HB_KEYPAD_KEY_2 ? GTK_DIR_UP : GTK_DIR_DOWN;
        GtkWidget *scrim = top_scrim (self);
        GtkWidget *root = scrim ? scrim : GTK_WIDGET (self->window);
        /* GTK's own geometry picks the control above or below; at the edge, wrap. */
        if (gtk_widget_child_focus (root, dir) && focus_index (list, focus_widget (self)) >= 0)
          hb_ui_scroll_into_view (focus_widget (self), SCROLL_MARGIN);
        else
          focus_on (list->pdata[key == HB_KEYPAD_KEY_2 ? n - 1 : 0]);
        break;
      }
    case HB_KEYPAD_KEY_4:
      focus_on (list->pdata[(i + n - 1) % n]);
      break;
    case HB_KEYPAD_KEY_6:
      focus_on (list->pdata[(i + 1) % n]);
      break;
    case HB_KEYPAD_KEY_1:
      focus_on (list->pdata[0]);
      break;
    case HB_KEYPAD_KEY_7:
      focus_on (list->pdata[n - 1]);
      break;
    default:
      break;
    }
}

/* The first scrolled list on screen under root. */
static GtkScrolledWindow *
find_scroller (GtkWidget *root)
{
  if (root == NULL || !gtk_widget_get_mapped (root))
    return NULL;
  if (GTK_IS_SCROLLED_WINDOW (root))
    return GTK_SCROLLED_WINDOW (root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkScrolledWindow *found = find_scroller (c);
      if (found)
        return found;
    }
  return NULL;
}

/* 3 / 9: read on through a long page (the guide's text has no control to stop at). */
static void
scroll_page (HbKeypadNav *self, int direction)
{
  GtkWidget *scope = top_scrim (self);
  GtkScrolledWindow *sw = scroller_of (focus_widget (self));
  GtkAdjustment *adj;

  if (scope == NULL)
    scope = current_page (self);
  if (sw == NULL || scope == NULL || !gtk_widget_is_ancestor (GTK_WIDGET (sw), scope))
    sw = find_scroller (scope);
  if (sw == NULL)
    return;
  adj = gtk_scrolled_window_get_vadjustment (sw);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj)
                                 + direction * 0.8 * gtk_adjustment_get_page_size (adj));
}

/* Press w as a tap does; a bell when there is nothing to press. A button is clicked at
 * once (not after GTK's 250 ms press animation): what it opens (a panel, a page) is there
 * when the focus is placed after the key. */
static void
press (HbKeypadNav *self, GtkWidget *w)
{
  if (w == NULL || !gtk_widget_is_sensitive (w))
    gtk_widget_error_bell (GTK_WIDGET (self->window));
  else if (GTK_IS_BUTTON (w))
    g_signal_emit_by_name (w, "clicked");
  else if (!gtk_widget_activate (w))
    gtk_widget_error_bell (GTK_WIDGET (self->window));
}

gboolean
hb_keypad_nav_handle_key (HbKeypadNav *self, HbKeypadKey key)
{
  GtkEditable *field;
  HbSession *session;
  gboolean was_active;

  g_return_val_if_fail (HB_IS_KEYPAD_NAV (self), FALSE);
  if (self->window == NULL || key == HB_KEYPAD_KEY_NONE)
    return FALSE;
  session = hb_core_get_session (hb_window_get_core (HB_WINDOW (self->window)));
  if (!self->watching_session)
    {
      /* The warning comes without a key: the focus must go to 继续办理 when it does. */
      g_signal_connect_object (session, "idle-warning", G_CALLBACK (queue_ensure_focus), self,
                               G_CONNECT_SWAPPED);
      self->watching_session = TRUE;
    }
  was_active = self->active;
  set_active (self, TRUE);
  /* The idle warning: any key continues the visit, as a touch anywhere does (WCAG 2.2.1),
   * and does nothing else — a # meant for 继续办理 must not also confirm the page. */
  if (hb_session_is_warning (session))
    {
      g_debug ("keypad: key %d continues the visit", (int) key);
      hb_session_extend (session);
      g_signal_emit (self, signals[SIGNAL_KEY_HANDLED], 0, (int) key);
      return TRUE;
    }
  /* A key is activity, like a touch (the window's own watcher may not see a key we
   * take). */
  hb_session_touch (session);
  field = digit_field (self);
  if (field && key >= HB_KEYPAD_KEY_0 && key <= HB_KEYPAD_KEY_9)
    type_digit (field, key - HB_KEYPAD_KEY_0);
  else if (field && key == HB_KEYPAD_KEY_STAR && erase_digit (field))
    ;
  else
    switch (key)
      {
      case HB_KEYPAD_KEY_1:
      case HB_KEYPAD_KEY_2:
      case HB_KEYPAD_KEY_4:
      case HB_KEYPAD_KEY_6:
      case HB_KEYPAD_KEY_7:
      case HB_KEYPAD_KEY_8:
        move (self, key, was_active);
        break;
      case HB_KEYPAD_KEY_3:
        scroll_page (self, -1);
        break;
      case HB_KEYPAD_KEY_9:
        scroll_page (self, 1);
        break;
      case HB_KEYPAD_KEY_5:
        {
          g_autoptr(GPtrArray) list = candidates (self);
          GtkWidget *focus = focus_widget (self);
          int i = focus_index (list, focus);
          if (i < 0 || !was_active)
            move (self, key, FALSE);   /* nothing chosen yet: show the first */
          else
            press (self, list->pdata[i]);
          break;
        }
      case HB_KEYPAD_KEY_HASH:
        press (self, scope_find_class (self, "primary"));
        break;
      case HB_KEYPAD_KEY_STAR:
        press (self, scope_find_class (self, "back"));
        break;
      case HB_KEYPAD_KEY_0:
        if (top_scrim (self) == NULL && self->help_button)
          press (self, self->help_button);
        break;
      default:
        break;
      }
  if (self->window)
    gtk_window_set_focus_visible (self->window, TRUE);
  update_legend (self);
  queue_ensure_focus (self);
  g_signal_emit (self, signals[SIGNAL_KEY_HANDLED], 0, (int) key);
  return TRUE;
}

gboolean
hb_keypad_nav_get_active (HbKeypadNav *self)
{
  g_return_val_if_fail (HB_IS_KEYPAD_NAV (self), FALSE);
  return self->active;
}

static gboolean
on_key_pressed (GtkEventControllerKey *c, guint keyval, guint keycode, GdkModifierType state,
                HbKeypadNav *self)
{
  /* Control/Alt chords are a technician's keyboard, not the keypad. */
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;
  return hb_keypad_nav_handle_key (self, hb_keypad_key_from_keyval (keyval));
}

/* A touch means the keypad is put aside: ring and legend go until the next key. */
static gboolean
on_pointer (GtkEventControllerLegacy *c, GdkEvent *event, HbKeypadNav *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  if (self->active && (type == GDK_BUTTON_PRESS || type == GDK_TOUCH_BEGIN))
    set_active (self, FALSE);
  return FALSE;
}

static void
on_page_shown (GtkWindow *window, int id, gpointer page, HbKeypadNav *self)
{
  self->new_page = TRUE;
  queue_ensure_focus (self);
}

static void
hb_keypad_nav_dispose (GObject *object)
{
  HbKeypadNav *self = HB_KEYPAD_NAV (object);
  g_clear_handle_id (&self->focus_idle, g_source_remove);
  g_clear_weak_pointer (&self->window);
  g_clear_weak_pointer (&self->help_button);
  g_clear_weak_pointer (&self->legend);
  G_OBJECT_CLASS (hb_keypad_nav_parent_class)->dispose (object);
}

static void
hb_keypad_nav_class_init (HbKeypadNavClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_keypad_nav_dispose;
  signals[SIGNAL_KEY_HANDLED] =
    g_signal_new ("key-handled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
hb_keypad_nav_init (HbKeypadNav *self)
{
}

HbKeypadNav *
hb_keypad_nav_install (GtkWindow *window, GtkWidget *help_button, GtkBox *main_box)
{
  HbKeypadNav *self;
  GtkEventController *keys, *pointer;
  GtkWidget *last;

  g_return_val_if_fail (HB_IS_WINDOW (window), NULL);
  g_return_val_if_fail (GTK_IS_BOX (main_box), NULL);
  self = g_object_new (HB_TYPE_KEYPAD_NAV, NULL);
  keys = gtk_event_controller_key_new ();
  pointer = gtk_event_controller_legacy_new ();
  last = gtk_widget_get_last_child (GTK_WIDGET (main_box));
  g_set_weak_pointer (&self->window, window);
  g_set_weak_pointer (&self->help_button, help_button);

  self->legend = gtk_label_new (NULL);
  g_object_add_weak_pointer (G_OBJECT (self->legend), (gpointer *) &self->legend);
  gtk_widget_add_css_class (self->legend, "keypad-legend");
  hb_ui_set_accessible_label (self->legend, _("键盘说明"));
  gtk_label_set_wrap (GTK_LABEL (self->legend), TRUE);
  gtk_widget_set_visible (self->legend, FALSE);
  gtk_box_insert_child_after (main_box, self->legend, last ? gtk_widget_get_prev_sibling (last) : NULL);

  /* Capture: the window sees the key before the focused control would type it. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (window), keys);
  gtk_event_controller_set_propagation_phase (pointer, GTK_PHASE_CAPTURE);
  g_signal_connect_object (pointer, "event", G_CALLBACK (on_pointer), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (window), pointer);
  g_signal_connect_object (window, "page-shown", G_CALLBACK (on_page_shown), self, 0);

  g_object_set_data_full (G_OBJECT (window), NAV_KEY, self, g_object_unref);
  return self;
}

HbKeypadNav *
hb_keypad_nav_get (GtkWindow *window)
{
  return g_object_get_data (G_OBJECT (window), NAV_KEY);
}
