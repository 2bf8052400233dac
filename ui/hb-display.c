/* hb-display.c — blank cursor and the screen-blanking schedule. */
#include "ui/hb-display.h"
#include "ui/hb-window.h"
#include "kiosk/hb-display-schedule.h"

#define CHECK_INTERVAL_S 30
#define BLANK_CLASS      "hb-blanked"

struct _HbDisplay
{
  GObject            parent_instance;
  GtkWindow         *window;          /* weak */
  gboolean           cursor_hidden;
  gboolean           has_schedule;
  HbDisplaySchedule  schedule;
  gint64             wake_us;         /* how long a touch keeps the screen on */
  gint64             awake_until;     /* wall-clock µs (the now func's); 0: never touched */
  gboolean           blank;
  guint              timer;
  gulong             page_shown;
  GtkEventController *click, *keys;
  GtkCssProvider    *css;
  HbDisplayNowFunc   now_func;
  gpointer           now_data;
};

G_DEFINE_FINAL_TYPE (HbDisplay, hb_display, G_TYPE_OBJECT)

/* Black behind a child that is not drawn: nothing of the previous visit can show. */
static const char blank_css[] = "window." BLANK_CLASS ", window." BLANK_CLASS " > * "
                                "{ background: black; background-image: none; }";

static void
set_blank (HbDisplay *self, gboolean blank)
{
  GtkWidget *child;

  if (self->window == NULL || blank == self->blank)
    return;
  self->blank = blank;
  child = gtk_window_get_child (self->window);
  if (blank)
    gtk_widget_add_css_class (GTK_WIDGET (self->window), BLANK_CLASS);
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->window), BLANK_CLASS);
  if (child)
    {
      gtk_widget_set_opacity (child, blank ? 0.0 : 1.0);
      gtk_widget_set_can_target (child, !blank);
    }
  g_message ("display: screen %s", blank ? "blanked (schedule)" : "on");
}

static gboolean
visit_on_screen (HbDisplay *self)
{
  if (!HB_IS_WINDOW (self->window))
    return FALSE;
  return hb_window_get_page_id (HB_WINDOW (self->window)) != HB_PAGE_ATTRACT;
}

static GDateTime *
now_of (HbDisplay *self)
{
  return self->now_func ? self->now_func (self->now_data) : g_date_time_new_now_local ();
}

static gint64
unix_usec (GDateTime *t)
{
  return g_date_time_to_unix (t) * G_USEC_PER_SEC + g_date_time_get_microsecond (t);
}

void
hb_display_update (HbDisplay *self)
{
  g_autoptr(GDateTime) now = NULL;
  guint minute;
  gboolean in_period, awake;

  g_return_if_fail (HB_IS_DISPLAY (self));
  if (!self->has_schedule || self->window == NULL)
    return;
  now = now_of (self);
  minute = (guint) (g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now));
  in_period = hb_display_schedule_contains (&self->schedule, minute);
  awake = self->awake_until != 0 && unix_usec (now) < self->awake_until;
  set_blank (self, in_period && !awake && !visit_on_screen (self));
}

static gboolean
on_timer (gpointer data)
{
  hb_display_update (data);
  return G_SOURCE_CONTINUE;
}

/* Any input counts as someone at the screen. On a black screen it only wakes it. */
static gboolean
input (HbDisplay *self)
{
  g_autoptr(GDateTime) now = now_of (self);
  gboolean was_blank = self->blank;
  self->awake_until = unix_usec (now) + self->wake_us;
  if (was_blank)
    set_blank (self, FALSE);
  return was_blank;
}

static void
on_press (GtkGestureClick *gesture, int n, double x, double y, HbDisplay *self)
{
  if (input (self))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
on_key (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
        HbDisplay *self)
{
  return input (self);
}

static void
on_page_shown (HbWindow *window, HbPageId id, HbPage *page, HbDisplay *self)
{
  hb_display_update (self);
}

static gboolean
seat_has_touch (GtkWidget *widget)
{
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (widget));
  return seat && (gdk_seat_get_capabilities (seat) & GDK_SEAT_CAPABILITY_TOUCH) != 0;
}

static void
hb_display_dispose (GObject *object)
{
  HbDisplay *self = HB_DISPLAY (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->window)
    {
      set_blank (self, FALSE);
      if (self->page_shown)
        g_clear_signal_handler (&self->page_shown, self->window);
      if (self->click)
        gtk_widget_remove_controller (GTK_WIDGET (self->window), self->click);
      if (self->keys)
        gtk_widget_remove_controller (GTK_WIDGET (self->window), self->keys);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  self->click = self->keys = NULL;
  if (self->css)
    gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                   GTK_STYLE_PROVIDER (self->css));
  g_clear_object (&self->css);
  G_OBJECT_CLASS (hb_display_parent_class)->dispose (object);
}

static void
hb_display_class_init (HbDisplayClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_display_dispose;
}

static void
hb_display_init (HbDisplay *self)
{
}

HbDisplay *
hb_display_new (GtkWindow *window, HbConfig *config)
{
  HbDisplay *self = g_object_new (HB_TYPE_DISPLAY, NULL);
  const char *cursor = hb_config_get_string (config, "display", "hide_cursor");
  const char *schedule = hb_config_get_string (config, "display", "blank_schedule");

  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);

  self->cursor_hidden = g_str_equal (cursor, "true") ||
                        (g_str_equal (cursor, "auto") && seat_has_touch (GTK_WIDGET (window)));
  if (self->cursor_hidden)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (window), "none");

  /* The config validated the schedule at load: a parse failure here cannot happen. */
  self->has_schedule = schedule && hb_display_schedule_parse (schedule, &self->schedule, NULL);
  if (!self->has_schedule)
    return self;
  self->wake_us = hb_config_get_int (config, "display", "wake_minutes") * 60 * G_USEC_PER_SEC;

  self->css = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (self->css, blank_css, -1);
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (window)),
                                              GTK_STYLE_PROVIDER (self->css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 10);
  /* Capture phase: the window sees the touch before any page does. */
  self->click = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_event_controller_set_propagation_phase (self->click, GTK_PHASE_CAPTURE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->click), 0);
  gtk_event_controller_set_name (self->click, "hb-display-wake");
  g_signal_connect (self->click, "pressed", G_CALLBACK (on_press), self);
  gtk_widget_add_controller (GTK_WIDGET (window), self->click);
  self->keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (self->keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (self->keys, "hb-display-wake-keys");
  g_signal_connect (self->keys, "key-pressed", G_CALLBACK (on_key), self);
  gtk_widget_add_controller (GTK_WIDGET (window), self->keys);
  if (HB_IS_WINDOW (window))
    self->page_shown = g_signal_connect (window, "page-shown", G_CALLBACK (on_page_shown), self);
  self->timer = g_timeout_add_seconds (CHECK_INTERVAL_S, on_timer, self);
  hb_display_update (self);
  return self;
}

gboolean
hb_display_get_cursor_hidden (HbDisplay *self)
{
  g_return_val_if_fail (HB_IS_DISPLAY (self), FALSE);
  return self->cursor_hidden;
}

gboolean
hb_display_is_blank (HbDisplay *self)
{
  g_return_val_if_fail (HB_IS_DISPLAY (self), FALSE);
  return self->blank;
}

void
hb_display_set_now_func (HbDisplay *self, HbDisplayNowFunc func, gpointer data)
{
  g_return_if_fail (HB_IS_DISPLAY (self));
  self->now_func = func;
  self->now_data = data;
  hb_display_update (self);
}

const char *
hb_display_cage_args (HbConfig *config)
{
  const char *rotation = hb_config_get_string (config, "display", "rotation");
  if (g_str_equal (rotation, "90"))
    return "-r";
  if (g_str_equal (rotation, "180"))
    return "-r -r";
  if (g_str_equal (rotation, "270"))
    return "-r -r -r";
  return "";
}
