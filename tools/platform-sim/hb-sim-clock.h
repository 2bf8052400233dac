/* hb-sim-clock.h — the sim's notion of "now" (local time, as the platform stamps it). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Current local time. */
GDateTime *hb_sim_clock_now (void);
/* ISO 8601 with offset, e.g. "2026-11-27T10:15:02+08:00". */
char      *hb_sim_clock_iso8601 (GDateTime *dt);
/* "YYYYMMDD" of dt, for case numbers. */
char      *hb_sim_clock_ymd (GDateTime *dt);

G_END_DECLS
