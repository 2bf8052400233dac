/* hb-display-schedule.h — the screen-blanking schedule of [display] blank_schedule
 * (docs/configuration.md): "HH:MM-HH:MM", the daily period during which the kiosk shows a
 * black screen (it may cross midnight: "22:00-07:00"). Parsed here, in the kiosk layer, so
 * the configuration refuses a bad value at load; ui/hb-display.c applies it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint start_min;   /* minutes after midnight, 0..1439 */
  guint end_min;     /* exclusive; may be <= start (the period crosses midnight) */
} HbDisplaySchedule;

/* Strict "H:MM-H:MM" / "HH:MM-HH:MM" (24 h clock, at most 32 bytes), start != end.
 * FALSE with G_IO_ERROR_INVALID_DATA saying the expected form. */
gboolean hb_display_schedule_parse (const char *text, HbDisplaySchedule *schedule,
                                    GError **error);
/* Whether minute-of-day m (0..1439) falls in the blank period. */
gboolean hb_display_schedule_contains (const HbDisplaySchedule *schedule, guint minute);

G_END_DECLS
