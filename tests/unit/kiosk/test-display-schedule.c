/* test-display-schedule.c — kiosk/hb-display-schedule.c: "HH:MM-HH:MM" blank periods. */
#include "kiosk/hb-display-schedule.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <string.h>

static guint
at (guint h, guint m)
{
  return h * 60 + m;
}

static void
test_period_crossing_midnight (void)
{
  HbDisplaySchedule s;
  g_assert_true (hb_display_schedule_parse ("22:00-07:00", &s, NULL));
  g_assert_false (hb_display_schedule_contains (&s, at (21, 59)));
  g_assert_true (hb_display_schedule_contains (&s, at (22, 0)));
  g_assert_true (hb_display_schedule_contains (&s, at (23, 59)));
  g_assert_true (hb_display_schedule_contains (&s, at (0, 0)));
  g_assert_true (hb_display_schedule_contains (&s, at (6, 59)));
  g_assert_false (hb_display_schedule_contains (&s, at (7, 0)));
  g_assert_false (hb_display_schedule_contains (&s, at (12, 0)));
}

static void
test_period_within_a_day (void)
{
  HbDisplaySchedule s;
  g_assert_true (hb_display_schedule_parse ("0:00-6:30", &s, NULL));
  g_assert_cmpuint (s.start_min, ==, 0);
  g_assert_cmpuint (s.end_min, ==, 390);
  g_assert_true (hb_display_schedule_contains (&s, at (0, 0)));
  g_assert_true (hb_display_schedule_contains (&s, at (6, 29)));
  g_assert_false (hb_display_schedule_contains (&s, at (6, 30)));
  g_assert_false (hb_display_schedule_contains (&s, at (23, 59)));
}

static void
test_bad_forms_are_refused (void)
{
  const char *bad[] = { "", "22:00", "22:00-", "-07:00", "22:00-22:00", "24:00-07:00",
                        "23:60-07:00", "123:00-07:00", "22:000-07:00", "22:0-07:00",
                        "22.00-07.00", " 22:00-07:00", "22:00-07:00 ", "22:00–07:00",
                        "22:00-07:00-08:00", "aa:bb-cc:dd" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      HbDisplaySchedule s;
      g_autoptr(GError) error = NULL;
      if (hb_display_schedule_parse (bad[i], &s, &error))
        g_error ("\"%s\" was accepted", bad[i]);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, "HH:MM-HH:MM"));
    }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/display-schedule/period-crossing-midnight", test_period_crossing_midnight);
  g_test_add_func ("/kiosk/display-schedule/period-within-a-day", test_period_within_a_day);
  g_test_add_func ("/kiosk/display-schedule/bad-forms-are-refused", test_bad_forms_are_refused);
  return g_test_run ();
}
