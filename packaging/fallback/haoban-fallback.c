/* haoban-fallback.c — the out-of-order screen shown when the kiosk keeps failing
 * (haoban-fallback.service, started by the kiosk unit's OnFailure=).
 *
 * Deliberately tiny and independent of the kiosk: no database, no devices, no network,
 * none of the kiosk's libraries; it reads only [terminal] nearby / nearby_hours from the
 * config file, leniently (a broken file still gives the screen). After --retry-after
 * seconds it exits 75 so the unit's ExecStopPost starts the kiosk again. */
#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#define RETRY_EXIT 75                       /* EX_TEMPFAIL: "time to try the kiosk again" */
#define DEFAULT_CONFIG "/etc/haoban/kiosk.conf"
#define MAX_CONFIG_BYTES (256 * 1024)
#define MAX_TEXT_CHARS 200

static int exit_status = 0;

static gboolean
on_retry (gpointer loop)
{
  exit_status = RETRY_EXIT;
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* A value from the config for display, or NULL: bounded, valid UTF-8, one line. */
static char *
config_text (GKeyFile *kf, const char *key)
{
  g_autofree char *v = g_key_file_get_string (kf, "terminal", key, NULL);
  if (v == NULL || !g_utf8_validate (v, -1, NULL))
    return NULL;
  g_strstrip (v);
  if (*v == '\0' || g_utf8_strlen (v, -1) > MAX_TEXT_CHARS || strchr (v, '\n') != NULL)
    return NULL;
  return g_steal_pointer (&v);
}

static void
read_config (const char *path, char **nearby, char **hours)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length = 0;

  *nearby = *hours = NULL;
  if (!g_file_get_contents (path, &data, &length, NULL) || length > MAX_CONFIG_BYTES
      || !g_key_file_load_from_data (kf, data, length, G_KEY_FILE_NONE, NULL))
    return;
  *nearby = config_text (kf, "nearby");
  *hours = config_text (kf, "nearby_hours");
}

static GtkWidget *
label (const char *text, const char *css_class)
{
  GtkWidget *l = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (l), TRUE);
  gtk_label_set_justify (GTK_LABEL (l), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (l, css_class);
  return l;
}

static const char css[] =
  "window { background: #f4f6f9; color: #1f2d3d; }"
  ".title { font-size: 64px; font-weight: bold; color: #b3261e; }"
  ".subtitle { font-size: 36px; }"
  ".english { font-size: 28px; color: #4a5a6a; }"
  ".place { font-size: 32px; font-weight: bold; }"
  ".hours { font-size: 28px; }";

int
main (int argc, char **argv)
{
  int retry_after = 600;
  g_autofree char *config = NULL;
  g_autofree char *nearby = NULL;
  g_autofree char *hours = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GtkCssProvider) provider = NULL;
  GOptionEntry entries[] = {
    { "retry-after", 0, 0, G_OPTION_ARG_INT, &retry_after,
      "Exit 75 after this many seconds so the kiosk is tried again (10-86400)", "S" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config, "Config file (" DEFAULT_CONFIG ")", "FILE" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Haoban out-of-order screen");
  GtkWidget *window, *box;
  GListModel *monitors;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || retry_after < 10
      || retry_after > 86400)
    {
      g_printerr ("haoban-fallback: %s\n", error ? error->message : "--retry-after: 10-86400");
      return 2;
    }
  if (!gtk_init_check ())
    {
      g_printerr ("haoban-fallback: no display\n");
      return 1;
    }
  read_config (config ? config : DEFAULT_CONFIG, &nearby, &hours);

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "终端维护中");
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_deletable (GTK_WINDOW (window), FALSE);
  gtk_widget_set_cursor_from_name (window, "none");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 32);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (box, 64);
  gtk_widget_set_margin_end (box, 64);
  gtk_box_append (GTK_BOX (box), label ("终端维护中", "title"));
  gtk_box_append (GTK_BOX (box), label ("本机暂停服务，给您带来不便，敬请谅解。", "subtitle"));
  gtk_box_append (GTK_BOX (box), label ("This terminal is out of service.", "english"));
  if (nearby)
    {
      /* Several places are separated by ； or ; (as on the kiosk's 暂停服务 screen): one a line. */
      g_auto(GStrv) wide = g_strsplit (nearby, "；", -1);
      g_autofree char *joined = g_strjoinv (";", wide);
      g_auto(GStrv) places = g_strsplit (joined, ";", -1);
      g_autofree char *lines = g_strjoinv ("\n", places);
      g_autofree char *where = g_strdup_printf ("请前往：\n%s", lines);
      gtk_box_append (GTK_BOX (box), label (where, "place"));
      if (hours)
        gtk_box_append (GTK_BOX (box), label (hours, "hours"));
    }
  gtk_window_set_child (GTK_WINDOW (window), box);
  /* Fill the screen even where fullscreen is ignored (no window manager). */
  monitors = gdk_display_get_monitors (gdk_display_get_default ());
  if (g_list_model_get_n_items (monitors) > 0)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, 0);
      GdkRectangle geometry;
      gdk_monitor_get_geometry (monitor, &geometry);
      gtk_window_set_default_size (GTK_WINDOW (window), geometry.width, geometry.height);
    }
  gtk_window_fullscreen (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));

  loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect_swapped (window, "destroy", G_CALLBACK (g_main_loop_quit), loop);
  g_timeout_add_seconds ((guint) retry_after, on_retry, loop);
  g_main_loop_run (loop);
  return exit_status;
}
