/* hb-sim-clock.c — the sim's notion of "now". */
#include "tools/platform-sim/hb-sim-clock.h"

GDateTime *
hb_sim_clock_now (void)
{
  return g_date_time_new_now_local ();
}

char *
hb_sim_clock_iso8601 (GDateTime *dt)
{
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
}

char *
hb_sim_clock_ymd (GDateTime *dt)
{
  return g_date_time_format (dt, "%Y%m%d");
}
