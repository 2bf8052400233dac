/* hb-display-schedule.c — "HH:MM-HH:MM" blank periods. */
#include "kiosk/hb-display-schedule.h"

#include <gio/gio.h>
#include <string.h>

#define SCHEDULE_MAX 32

/* "H:MM" or "HH:MM" at *p, advancing it; minutes after midnight, or -1. */
static int
parse_time (const char **p)
{
  const char *s = *p;
  int hours = 0, digits = 0, minutes;

  while (g_ascii_isdigit (*s) && digits < 2)
    hours = hours * 10 + (*s++ - '0'), digits++;
  if (digits == 0 || *s != ':' || !g_ascii_isdigit (s[1]) || !g_ascii_isdigit (s[2]) ||
      g_ascii_isdigit (s[3]))
    return -1;
  minutes = (s[1] - '0') * 10 + (s[2] - '0');
  if (hours > 23 || minutes > 59)
    return -1;
  *p = s + 3;
  return hours * 60 + minutes;
}

gboolean
hb_display_schedule_parse (const char *text, HbDisplaySchedule *schedule, GError **error)
{
  const char *p = text;
  int start, end = -1;

  start = text && strlen (text) <= SCHEDULE_MAX ? parse_time (&p) : -1;
  if (start >= 0 && *p == '-')
    {
      p++;
      end = parse_time (&p);
    }
  if (start < 0 || end < 0 || *p != '\0' || start == end)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "must be HH:MM-HH:MM (24-hour clock, start and end differ), "
                           "e.g. 22:00-07:00");
      return FALSE;
    }
  schedule->start_min = (guint) start;
  schedule->end_min = (guint) end;
  return TRUE;
}

gboolean
hb_display_schedule_contains (const HbDisplaySchedule *s, guint minute)
{
  if (s->start_min < s->end_min)
    return minute >= s->start_min && minute < s->end_min;
  return minute >= s->start_min || minute < s->end_min;   /* crosses midnight */
}
