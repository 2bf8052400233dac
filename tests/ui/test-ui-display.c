/* UI: ui/hb-display.c on the real kiosk window — the blanking schedule (black outside the
 * hours, woken by a touch, never during a visit), the hidden cursor, cage's rotation flags.
 * Screenshots go to BUILD/test-output/. */
#include "ui-fixture.h"
#include "ui/hb-display.h"

#include <cairo.h>

/* The clock the display sees: a fixed local date, a settable time. */
typedef struct {
  int hour, minute;
} FakeClock;

static GDateTime *
fake_now (gpointer data)
{
  FakeClock *c = data;
  return g_date_time_new_local (2026, 11, 28, c->hour, c->minute, 0);
}

static HbConfig *
display_config (const char *schedule, const char *hide_cursor)
{
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autoptr(GError) error = NULL;
  if (schedule)
    g_assert_true (hb_config_set (config, "display", "blank_schedule", schedule, &error));
  g_assert_true (hb_config_set (config, "display", "hide_cursor", hide_cursor, &error));
  g_assert_true (hb_config_set (config, "display", "wake_minutes", "5", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&config);
}

/* Screenshot, then the share of pixels that are not black (0..1). */
static double
shot_lit_share (Ui *ui, const char *name)
{
  g_autofree char *file = NULL, *path = NULL;
  cairo_surface_t *s;
  guint lit = 0, total = 0;

  ui_snapshot (ui, name);
  file = g_strdup_printf ("%02u-%s.png", ui->shot, name);
  path = hb_test_output_path (file);
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  const guchar *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < cairo_image_surface_get_height (s); y += 4)
    for (int x = 0; x < cairo_image_surface_get_width (s); x += 4)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4);
        total++;
        lit += (px & 0x00ffffff) != 0;
      }
  cairo_surface_destroy (s);
  return total ? (double) lit / total : 0;
}

/* What a finger on the black screen does: the window's capture-phase press. */
static void
touch (Ui *ui)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (ui->window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      if (g_strcmp0 (gtk_event_controller_get_name (c), "hb-display-wake") == 0)
        {
          g_signal_emit_by_name (c, "pressed", 1, 540.0, 960.0);
          return;
        }
    }
  g_error ("no wake gesture on the window");
}

static void
test_blank_outside_hours_and_touch_wakes (Ui *ui, gconstpointer data)
{
  g_autoptr(HbConfig) config = display_config ("22:00-07:00", "true");
  g_autoptr(HbDisplay) display = NULL;
  FakeClock clock = { 12, 0 };

  ui_wait_page (ui, HB_PAGE_ATTRACT);
  display = hb_display_new (GTK_WINDOW (ui->window), config);
  hb_display_set_now_func (display, fake_now, &clock);

  /* Noon, inside the hours: the attract page as always. */
  g_assert_false (hb_display_is_blank (display));
  g_assert_cmpfloat (shot_lit_share (ui, "noon-attract"), >, 0.5);

  /* 23:00: black, nothing of any page drawn, nothing under a finger. */
  clock.hour = 23;
  hb_display_update (display);
  g_assert_true (hb_display_is_blank (display));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (ui->window), "hb-blanked"));
  g_assert_false (gtk_widget_get_can_target (gtk_window_get_child (GTK_WINDOW (ui->window))));
  g_assert_cmpfloat (shot_lit_share (ui, "night-blank"), ==, 0.0);

  /* A touch wakes it (and only wakes it: still the attract page). */
  touch (ui);
  g_assert_false (hb_display_is_blank (display));
  g_assert_cmpint (hb_window_get_page_id (ui->window), ==, HB_PAGE_ATTRACT);
  g_assert_cmpfloat (shot_lit_share (ui, "night-woken"), >, 0.5);

  /* Four minutes later it is still on; after the five, black again. */
  clock.minute = 4;
  hb_display_update (display);
  g_assert_false (hb_display_is_blank (display));
  clock.minute = 6;
  hb_display_update (display);
  g_assert_true (hb_display_is_blank (display));

  /* 07:00 the next morning: the hours have begun. */
  clock.hour = 7;
  clock.minute = 0;
  hb_display_update (display);
  g_assert_false (hb_display_is_blank (display));
}

static void
test_never_blank_during_a_visit (Ui *ui, gconstpointer data)
{
  g_autoptr(HbConfig) config = display_config ("22:00-07:00", "false");
  g_autoptr(HbDisplay) display = NULL;
  FakeClock clock = { 21, 58 };

  ui_wait_page (ui, HB_PAGE_ATTRACT);
  display = hb_display_new (GTK_WINDOW (ui->window), config);
  hb_display_set_now_func (display, fake_now, &clock);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);

  /* 22:30 with a resident in front of the screen (and without touching for a while). */
  clock.hour = 22;
  clock.minute = 30;
  hb_display_update (display);
  g_assert_false (hb_display_is_blank (display));
  g_assert_cmpfloat (shot_lit_share (ui, "visit-at-night"), >, 0.5);

  /* The visit ends (back to the attract page): the screen goes black on its own. */
  hb_window_show_page (ui->window, HB_PAGE_ATTRACT);
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  g_assert_true (hb_display_is_blank (display));
  g_assert_cmpfloat (shot_lit_share (ui, "after-visit-blank"), ==, 0.0);
}

static void
test_cursor (Ui *ui, gconstpointer data)
{
  g_autoptr(HbConfig) hidden = display_config (NULL, "true");
  g_autoptr(HbConfig) shown = display_config (NULL, "false");
  g_autoptr(HbConfig) automatic = display_config (NULL, "auto");
  g_autoptr(HbDisplay) d = NULL;
  GdkCursor *cursor;
  GdkSeat *seat = gdk_display_get_default_seat (gdk_display_get_default ());
  gboolean touch = seat && (gdk_seat_get_capabilities (seat) & GDK_SEAT_CAPABILITY_TOUCH);

  d = hb_display_new (GTK_WINDOW (ui->window), shown);
  g_assert_false (hb_display_get_cursor_hidden (d));
  g_assert_null (gtk_widget_get_cursor (GTK_WIDGET (ui->window)));
  g_clear_object (&d);

  /* "auto" follows the seat: Xvfb has no touchscreen, a touch terminal does. */
  d = hb_display_new (GTK_WINDOW (ui->window), automatic);
  g_assert_cmpint (hb_display_get_cursor_hidden (d), ==, touch);
  g_clear_object (&d);

  d = hb_display_new (GTK_WINDOW (ui->window), hidden);
  g_assert_true (hb_display_get_cursor_hidden (d));
  cursor = gtk_widget_get_cursor (GTK_WIDGET (ui->window));
  g_assert_nonnull (cursor);
  g_assert_cmpstr (gdk_cursor_get_name (cursor), ==, "none");
  /* No schedule: never blank, whatever the hour. */
  g_assert_false (hb_display_is_blank (d));
}

static void
test_config_and_cage_args (void)
{
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "22:00", "22:00-22:00", "24:00-07:00", "22:60-07:00", "7-8",
                        "22:00-07:00x", "22:00 - 07:00", "" };

  g_assert_cmpstr (hb_display_cage_args (config), ==, "");
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (hb_config_set (config, "display", "blank_schedule", bad[i], &error));
      g_assert_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, "[display] blank_schedule"));
      g_clear_error (&error);
    }
  g_assert_false (hb_config_set (config, "display", "rotation", "45", &error));
  g_clear_error (&error);
  g_assert_true (hb_config_set (config, "display", "rotation", "90", NULL));
  g_assert_cmpstr (hb_display_cage_args (config), ==, "-r");
  g_assert_true (hb_config_set (config, "display", "rotation", "180", NULL));
  g_assert_cmpstr (hb_display_cage_args (config), ==, "-r -r");
  g_assert_true (hb_config_set (config, "display", "rotation", "270", NULL));
  g_assert_cmpstr (hb_display_cage_args (config), ==, "-r -r -r");
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/display/blank-outside-hours-and-a-touch-wakes-it", Ui, NULL, ui_setup,
              test_blank_outside_hours_and_touch_wakes, ui_teardown);
  g_test_add ("/ui/display/never-blank-during-a-visit", Ui, NULL, ui_setup,
              test_never_blank_during_a_visit, ui_teardown);
  g_test_add ("/ui/display/cursor-hidden-as-configured", Ui, NULL, ui_setup, test_cursor,
              ui_teardown);
  g_test_add_func ("/ui/display/schedule-and-rotation-are-validated",
                   test_config_and_cage_args);
  return g_test_run ();
}
