/* hb-application.c — the kiosk GtkApplication. */
#include "ui/hb-application.h"
#include "kiosk/hb-core.h"
#include "kiosk/hb-watchdog.h"
#include "ui/hb-display.h"
#include "ui/hb-ui-util.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct _HbApplication
{
  GtkApplication parent_instance;
  HbConfig      *config;
  HbCore        *core;
  HbWindow      *window;
  char          *snapshot_path;
  gulong         after_paint;
  GdkFrameClock *clock;
  guint          sigterm, sigint;
  HbWatchdog    *watchdog;   /* systemd notify + watchdog (H33) */
  HbDisplay     *display;    /* cursor, blanking schedule (H33) */
};

G_DEFINE_FINAL_TYPE (HbApplication, hb_application, GTK_TYPE_APPLICATION)

enum { SIGNAL_READY, N_SIGNALS };
static guint signals[N_SIGNALS];

HbWindow *hb_application_get_window (HbApplication *self) { return self->window; }
HbCore   *hb_application_get_core   (HbApplication *self) { return self->core; }

gboolean
hb_application_save_png (GtkWidget *widget, const char *path, GError **error)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  g_autoptr(GdkTexture) texture = NULL;

  if (renderer == NULL || w <= 0 || h <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "widget is not realized");
      return FALSE;
    }
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nothing to render");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_render_node_unref (node);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}

/* GTK 4's own schema enables the inspector keybinding by default; the window also
 * swallows the keys, but the setting is what GTK consults. */
static void
disable_inspector_keybinding (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema =
    source ? g_settings_schema_source_lookup (source, "org.gtk.gtk4.Settings.Debug", TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;

  if (schema == NULL || !g_settings_schema_has_key (schema, "enable-inspector-keybinding"))
    return;
  settings = g_settings_new_full (schema, NULL, NULL);
  if (g_settings_get_boolean (settings, "enable-inspector-keybinding"))
    g_settings_set_boolean (settings, "enable-inspector-keybinding", FALSE);
}

static void
core_started (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbApplication) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hb_core_start_finish (HB_CORE (source), result, &error);
  const char *panel = hb_config_get_string (self->config, "ui", "sim_panel");

  if (!ok)
    g_critical ("the terminal could not start: %s", error->message);
  if (self->window == NULL)
    return;
  hb_window_core_started (self->window, error);
  if (ok && (g_str_equal (panel, "on") ||
             (g_str_equal (panel, "auto") &&
              hb_device_manager_get_mode (hb_core_get_devices (self->core)) == HB_DEVICE_MODE_VIRTUAL)))
    hb_window_set_sim_panel (self->window, TRUE);
  /* READY only now: the first page is on screen and the core has started. A core that
   * failed still shows its error page, so systemd must not restart it in a loop. */
  if (ok)
    hb_watchdog_ready (self->watchdog, "serving");
  else
    hb_watchdog_ready (self->watchdog, "started without its core (see the log)");
  g_signal_emit (self, signals[SIGNAL_READY], 0, ok);
}

/* Milliseconds since the kernel started this process (exec, linking and all), from
 * /proc: the start-up figure a technician sees in the log. -1 when unknown. */
static gint64
process_age_ms (void)
{
  g_autofree char *stat = NULL, *uptime = NULL;
  const char *p;
  guint64 start_ticks = 0;
  double up = 0;
  long hz = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      !g_file_get_contents ("/proc/uptime", &uptime, NULL, NULL) || hz <= 0)
    return -1;
  /* Field 22 (starttime) counts from after the ")" that ends the command name. */
  p = strrchr (stat, ')');
  for (int field = 2; p && field < 22; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p + 1, "%" G_GUINT64_FORMAT, &start_ticks) != 1 ||
      sscanf (uptime, "%lf", &up) != 1)
    return -1;
  return (gint64) (up * 1000.0) - (gint64) (start_ticks * 1000 / (guint64) hz);
}

/* Everything that is not needed to draw the attract page waits for its first frame. */
static void
on_after_paint (GdkFrameClock *clock, HbApplication *self)
{
  g_clear_signal_handler (&self->after_paint, self->clock);
  g_clear_object (&self->clock);
  g_message ("kiosk: first frame on screen %" G_GINT64_FORMAT " ms after the process started (%s)",
             process_age_ms (),
             G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (self->window))));

  if (self->snapshot_path)
    {
      g_autoptr(GError) error = NULL;
      if (!hb_application_save_png (GTK_WIDGET (self->window), self->snapshot_path, &error))
        g_printerr ("snapshot: %s\n", error->message);
      hb_window_allow_close (self->window);
      g_application_quit (G_APPLICATION (self));
      return;
    }
  disable_inspector_keybinding ();
  hb_core_start_async (self->core, NULL, core_started, g_object_ref (self));
}

static void
on_map (GtkWidget *window, HbApplication *self)
{
  if (self->clock)
    return;
  self->clock = g_object_ref (gtk_widget_get_frame_clock (window));
  self->after_paint = g_signal_connect (self->clock, "after-paint",
                                        G_CALLBACK (on_after_paint), self);
}

static void
load_css (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  hb_ui_ensure_resources ();
  gtk_css_provider_load_from_resource (css, "/cn/gov/sh/haoban/css/haoban.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
hb_application_activate (GApplication *app)
{
  HbApplication *self = HB_APPLICATION (app);

  if (self->window)
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }
  load_css ();
  self->core = hb_core_new (self->config);
  self->window = hb_window_new (GTK_APPLICATION (app), self->core);
  g_signal_connect (self->window, "map", G_CALLBACK (on_map), self);
  if (hb_config_get_bool (self->config, "ui", "fullscreen") && self->snapshot_path == NULL)
    gtk_window_fullscreen (GTK_WINDOW (self->window));
  if (self->snapshot_path == NULL)
    self->display = hb_display_new (GTK_WINDOW (self->window), self->config);
  gtk_window_present (GTK_WINDOW (self->window));
}

static gboolean
on_signal (gpointer data)
{
  HbApplication *self = data;
  g_message ("kiosk: stopping on signal");
  if (self->window)
    hb_window_allow_close (self->window);
  g_application_quit (G_APPLICATION (self));
  return G_SOURCE_CONTINUE;
}

static void
hb_application_startup (GApplication *app)
{
  HbApplication *self = HB_APPLICATION (app);
  G_APPLICATION_CLASS (hb_application_parent_class)->startup (app);
  self->sigterm = g_unix_signal_add (SIGTERM, on_signal, self);
  self->sigint = g_unix_signal_add (SIGINT, on_signal, self);
  /* Pings from the GTK main loop itself: a stuck UI thread stops them (H33). */
  self->watchdog = hb_watchdog_new_from_environment ();
  hb_watchdog_start_pings (self->watchdog);
}

static void
hb_application_shutdown (GApplication *app)
{
  HbApplication *self = HB_APPLICATION (app);
  if (self->watchdog)
    hb_watchdog_stopping (self->watchdog);
  g_clear_object (&self->display);
  if (self->core)
    hb_core_stop (self->core);
  g_clear_handle_id (&self->sigterm, g_source_remove);
  g_clear_handle_id (&self->sigint, g_source_remove);
  G_APPLICATION_CLASS (hb_application_parent_class)->shutdown (app);
}

static void
hb_application_dispose (GObject *object)
{
  HbApplication *self = HB_APPLICATION (object);
  if (self->clock)
    g_clear_signal_handler (&self->after_paint, self->clock);
  g_clear_object (&self->clock);
  self->window = NULL;   /* owned by GtkApplication */
  g_clear_object (&self->core);
  g_clear_object (&self->watchdog);
  g_clear_object (&self->display);
  g_clear_object (&self->config);
  g_clear_pointer (&self->snapshot_path, g_free);
  G_OBJECT_CLASS (hb_application_parent_class)->dispose (object);
}

static void
hb_application_class_init (HbApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_application_dispose;
  G_APPLICATION_CLASS (klass)->activate = hb_application_activate;
  G_APPLICATION_CLASS (klass)->startup = hb_application_startup;
  G_APPLICATION_CLASS (klass)->shutdown = hb_application_shutdown;

  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
hb_application_init (HbApplication *self)
{
}

HbApplication *
hb_application_new (HbConfig *config, const char *snapshot_path)
{
  /* No application id: the kiosk needs no D-Bus name (even a non-unique GApplication
   * exports itself on the session bus, a round trip before the first frame), and several
   * terminals must run side by side in tests. */
  HbApplication *self = g_object_new (HB_TYPE_APPLICATION,
                                      "flags", G_APPLICATION_NON_UNIQUE,
                                      NULL);
  self->config = g_object_ref (config);
  self->snapshot_path = g_strdup (snapshot_path);
  return self;
}
