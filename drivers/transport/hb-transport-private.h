/* hb-transport-private.h — helpers shared by the transport implementations (not for
 * callers of transports). */
#pragma once

#include "drivers/transport/hb-transport.h"
#include "drivers/hb-device.h"

G_BEGIN_DECLS

/* Absolute monotonic deadline (µs) timeout_ms from now. */
gint64   hb_transport_deadline_from_now (guint timeout_ms);
/* Milliseconds left until deadline, rounded up; 0 once it has passed. */
guint    hb_transport_ms_left (gint64 deadline);

/* Wait until fd has one of events, the deadline passes or the cancellable fires.
 * Returns the fd's revents (never 0), or 0 with G_IO_ERROR_TIMED_OUT /
 * G_IO_ERROR_CANCELLED / an errno-derived error set. `what` names the wait for the
 * timeout message ("reading from serial:/dev/ttyUSB0@115200"). */
short    hb_transport_poll (int fd, short events, gint64 deadline, guint timeout_ms,
                            GCancellable *cancellable, const char *what, GError **error);

/* G_IO_ERROR_TIMED_OUT, "Timed out after N ms <what>". */
void     hb_transport_set_timeout_error (GError **error, guint timeout_ms, const char *what);

G_END_DECLS
