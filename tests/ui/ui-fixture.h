/* ui-fixture.h — the real kiosk application in-process under Xvfb, with a private data dir
 * and a platform-sim, driven through its widgets found by accessible name. */
#pragma once

#include "ui/hb-application.h"
#include "ui/hb-ui-util.h"
#include "ui/pages/hb-pages.h"
#include "kiosk/hb-i18n.h"
#include "kiosk/hb-log.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

typedef struct {
  char          *dir;
  char          *platform_dir;
  HbTestSim     *sim;
  HbConfig      *config;
  HbApplication *app;
  HbWindow      *window;
  gboolean       ready;
  guint          shot;
  const char    *prefix;
} Ui;

/* For main(), before g_test_add. */
static inline void
ui_test_init (int *argc, char ***argv)
{
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* Each test starts a fresh application in this one process; with no reachable session
   * bus (and no X11 autolaunch) GApplication keeps its exports local and they cannot
   * collide. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/haoban-test-bus", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  hb_test_init_full (argc, argv, FALSE);
  hb_i18n_init (HB_LOCALEDIR);
  gtk_init ();
}

static inline void
ui_on_ready (HbApplication *app, gboolean ok, Ui *ui)
{
  g_assert_true (ok);
  ui->ready = TRUE;
}

static inline gboolean
ui_is_ready (gpointer data)
{
  return ((Ui *) data)->ready;
}

static inline void
ui_set (Ui *ui, const char *group, const char *key, const char *value)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_config_set (ui->config, group, key, value, &error));
}

static inline void
ui_setup_with (Ui *ui, const char *idle_timeout, const char *warning_seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *share = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *logs = NULL;

  hb_i18n_set_language ("zh_CN");
  ui->dir = hb_test_mkdtemp ("ui");
  ui->platform_dir = hb_test_mkdtemp ("ui-platform");
  {
    g_autofree char *state = g_build_filename (ui->platform_dir, "state.json", NULL);
    ui->sim = hb_test_sim_start (state, &error);
    g_assert_no_error (error);
  }
  ui->config = hb_config_new ();
  ui_set (ui, "paths", "data_dir", ui->dir);
  ui_set (ui, "paths", "share_dir", share);
  ui_set (ui, "platform", "url", hb_test_sim_url (ui->sim));
  ui_set (ui, "platform", "retry_base_ms", "100");
  ui_set (ui, "platform", "retry_cap_ms", "400");
  ui_set (ui, "session", "submit_wait_ms", "3000");
  ui_set (ui, "session", "idle_timeout", idle_timeout);
  ui_set (ui, "session", "warning_seconds", warning_seconds);
  ui_set (ui, "ui", "fullscreen", "false");
  ui_set (ui, "ui", "width", "1080");
  ui_set (ui, "ui", "height", "1920");
  logs = hb_config_dup_log_dir (ui->config);
  g_assert_true (hb_log_init (logs, "debug", 10 << 20, NULL));

  ui->app = hb_application_new (ui->config, NULL);
  g_signal_connect (ui->app, "ready", G_CALLBACK (ui_on_ready), ui);
  /* Register and activate without g_application_run: the test owns the main loop. */
  if (!g_application_register (G_APPLICATION (ui->app), NULL, &error))
    g_error ("register: %s", error->message);
  g_application_activate (G_APPLICATION (ui->app));
  ui->window = hb_application_get_window (ui->app);
  g_assert_nonnull (ui->window);
  g_assert_true (hb_test_wait_until (ui_is_ready, ui, 20000));
}

static inline void
ui_setup (Ui *ui, gconstpointer data)
{
  ui_setup_with (ui, "600", "30");
}

static inline void
ui_teardown (Ui *ui, gconstpointer data)
{
  hb_window_allow_close (ui->window);
  gtk_window_destroy (GTK_WINDOW (ui->window));
  hb_core_stop (hb_application_get_core (ui->app));
  g_application_quit (G_APPLICATION (ui->app));
  hb_test_spin (50);
  g_clear_object (&ui->app);
  g_clear_object (&ui->config);
  g_clear_pointer (&ui->sim, hb_test_sim_free);
  hb_log_shutdown ();
  hb_test_rmdir (ui->dir);
  hb_test_rmdir (ui->platform_dir);
  g_free (ui->dir);
  g_free (ui->platform_dir);
}

/* --- finding and pressing --------------------------------------------------------- */

static inline GtkWidget *
ui_find (Ui *ui, const char *name)
{
  return hb_ui_find_by_accessible_label (GTK_WIDGET (ui->window), name);
}

typedef struct { Ui *ui; const char *name; } FindWait;

static inline gboolean
ui_found (gpointer data)
{
  FindWait *w = data;
  return ui_find (w->ui, w->name) != NULL;
}

/* Wait for a control with this accessible name to be visible, and return it. */
static inline GtkWidget *
ui_wait_for (Ui *ui, const char *name)
{
  FindWait w = { ui, name };
  if (!hb_test_wait_until (ui_found, &w, 15000))
    g_error ("no visible control named \"%s\" on page %s", name,
             hb_page_id_to_string (hb_window_get_page_id (ui->window)));
  return ui_find (ui, name);
}

/* Press a button the way a touch does (GTK animates, "clicked" follows ~250 ms later). */
static inline void
ui_press (Ui *ui, const char *name)
{
  GtkWidget *w = ui_wait_for (ui, name);
  g_assert_true (gtk_widget_is_sensitive (w));
  gtk_widget_activate (w);
}

typedef struct { Ui *ui; HbPageId id; } PageWait;

static inline gboolean
ui_on_page (gpointer data)
{
  PageWait *w = data;
  return hb_window_get_page_id (w->ui->window) == w->id;
}

static inline void
ui_wait_page (Ui *ui, HbPageId id)
{
  PageWait w = { ui, id };
  if (!hb_test_wait_until (ui_on_page, &w, 20000))
    g_error ("expected page %s, still on %s", hb_page_id_to_string (id),
             hb_page_id_to_string (hb_window_get_page_id (ui->window)));
}

/* The platform's answers about the identified resident (licences, profile) arrived. */
static inline gboolean
ui_records_settled (gpointer data)
{
  HbCore *core = data;
  return !hb_core_is_fetching_profile (core) && !hb_core_is_fetching_licences (core);
}

static inline void
ui_wait_records (Ui *ui)
{
  g_assert_true (hb_test_wait_until (ui_records_settled, hb_application_get_core (ui->app),
                                     15000));
}

/* From the attract page: 开始办理, then the simulator panel's card (e.g. "放身份证 1") on the
 * reader, until the catalog shows and what the platform knows of the holder arrived. */
static inline void
ui_identify (Ui *ui, const char *card)
{
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, card);
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_wait_records (ui);
}

typedef struct { Ui *ui; GtkWidget *entry; guint want; } UiTypedWait;

static inline guint
ui_digits_in (const char *text)
{
  guint n = 0;
  for (; text && *text; text++)
    n += g_ascii_isdigit (*text) != 0;
  return n;
}

static inline gboolean
ui_typed (gpointer data)
{
  UiTypedWait *w = data;
  return ui_digits_in (gtk_editable_get_text (GTK_EDITABLE (w->entry))) == w->want;
}

/* Key by key on the on-screen digit pad, as a finger would: each press lands in the entry
 * with this accessible name before the next. */
static inline void
ui_press_digits (Ui *ui, const char *entry, const char *digits)
{
  GtkWidget *e = ui_wait_for (ui, entry);
  guint have = ui_digits_in (gtk_editable_get_text (GTK_EDITABLE (e)));
  for (const char *d = digits; *d; d++)
    {
      char key[2] = { *d, '\0' };
      UiTypedWait w = { ui, e, ++have };
      ui_press (ui, key);
      if (!hb_test_wait_until (ui_typed, &w, 5000))
        g_error ("the pad did not take %s", key);
    }
}

/* Save what the screen shows now as NN-name.png under the test output. */
static inline void
ui_snapshot (Ui *ui, const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s%02u-%s.png", ui->prefix ? ui->prefix : "",
                                           ++ui->shot, name);
  g_autofree char *path = hb_test_output_path (file);
  g_autoptr(GError) error = NULL;

  hb_test_spin (300);   /* let the page cross-fade finish */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (ui->window));
  g_assert_true (hb_application_save_png (GTK_WIDGET (ui->window), path, &error));
  g_assert_no_error (error);
  g_test_message ("saved %s", path);
}

static inline void
ui_set_text (Ui *ui, const char *name, const char *text)
{
  GtkWidget *w = ui_wait_for (ui, name);
  g_assert_true (GTK_IS_EDITABLE (w));
  gtk_editable_set_text (GTK_EDITABLE (w), text);
}

static inline const char *
ui_label_text (Ui *ui, const char *name)
{
  GtkWidget *w = ui_wait_for (ui, name);
  g_assert_true (GTK_IS_LABEL (w));
  return gtk_label_get_text (GTK_LABEL (w));
}
