/* hb-watchdog.h — tell systemd how the kiosk is doing (sd_notify, without libsystemd).
 *
 * The service manager passes NOTIFY_SOCKET (a unix datagram socket path, or "@name" for
 * the abstract namespace) and, with WatchdogSec=, WATCHDOG_USEC (and WATCHDOG_PID). The
 * kiosk sends READY=1 once the core started and the first page is on screen, STATUS=… lines,
 * WATCHDOG=1 every WATCHDOG_USEC/2 from a timer on the main (GTK) loop — so a UI thread
 * that is stuck sends nothing and systemd restarts the kiosk — and STOPPING=1 on the way
 * out. Without NOTIFY_SOCKET every call does nothing. Sending never blocks (MSG_DONTWAIT):
 * a full socket drops the message, it does not freeze the screen.
 *
 * Main thread only. docs/provisioning.md "Watchdog" shows the unit side. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HB_TYPE_WATCHDOG (hb_watchdog_get_type ())
G_DECLARE_FINAL_TYPE (HbWatchdog, hb_watchdog, HB, WATCHDOG, GObject)

/* From NOTIFY_SOCKET / WATCHDOG_USEC / WATCHDOG_PID. The watchdog is off when WATCHDOG_PID
 * names neither this process nor one of its ancestors (the kiosk runs under cage and a
 * session script, one of which is the unit's main process; the unit needs
 * NotifyAccess=all). */
HbWatchdog *hb_watchdog_new_from_environment (void);
/* Explicit: notify_socket NULL = inactive; watchdog_usec 0 = no pings (tests). */
HbWatchdog *hb_watchdog_new (const char *notify_socket, guint64 watchdog_usec);

/* A notify socket is configured. */
gboolean    hb_watchdog_is_active (HbWatchdog *self);
/* WATCHDOG_USEC (0: no watchdog). */
guint64     hb_watchdog_get_usec  (HbWatchdog *self);

/* Sends one raw notification ("READY=1\nSTATUS=…"). TRUE when sent or inactive; FALSE with
 * a G_IO_ERROR when the socket refused it. */
gboolean    hb_watchdog_notify    (HbWatchdog *self, const char *state, GError **error);
/* READY=1 with a STATUS line (status may be NULL). Logged failures only. */
void        hb_watchdog_ready     (HbWatchdog *self, const char *status);
void        hb_watchdog_status    (HbWatchdog *self, const char *status);
void        hb_watchdog_stopping  (HbWatchdog *self);

/* Start WATCHDOG=1 pings every WATCHDOG_USEC/2 from a timer on the thread-default main
 * context (call on the main thread). One ping goes out at once. No-op when inactive or
 * without WATCHDOG_USEC; stopped by hb_watchdog_stop_pings or disposal. */
void        hb_watchdog_start_pings (HbWatchdog *self);
void        hb_watchdog_stop_pings  (HbWatchdog *self);
/* WATCHDOG=1 messages sent so far (tests, status). */
guint       hb_watchdog_get_pings_sent (HbWatchdog *self);

G_END_DECLS
