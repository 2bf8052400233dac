/* hb-staff-auth-private.h — test hooks of HbStaffAuth. */
#pragma once

#include "kiosk/hb-staff-auth.h"

G_BEGIN_DECLS

/* Unix seconds; tests move time to see a lockout end and the next one grow. */
typedef gint64 (*HbStaffClockFunc) (gpointer user_data);
void   hb_staff_auth_set_clock (HbStaffAuth *self, HbStaffClockFunc clock, gpointer user_data);

/* The delay of a lockout after `previous` lockouts since the last success:
 * 60 s × 2^previous, at most HB_STAFF_LOCKOUT_CAP_S. */
gint64 hb_staff_auth_lockout_delay (guint previous);

/* Accept hashes with fewer iterations (0: back to HB_STAFF_PBKDF2_MIN_ITER). For tests
 * only: under the sanitizers every PBKDF2 iteration pays for a fully unwound malloc, and a
 * test of the lockout needs many checks, not strong ones. Process-wide; the config's
 * validation follows it. */
void   hb_staff_auth_set_min_iterations (guint iterations);

G_END_DECLS
