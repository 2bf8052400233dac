/* hb-sim-server.h — the simulator socket: drives a device manager's virtual devices.
 *
 * Listens on a Unix socket (created 0600; a stale socket file is replaced) on the
 * thread-default main context of start(). Each connection sends one command per line
 * (hb-sim-protocol.h) and gets one reply line per command: "OK", "OK <json>", "ERR …".
 * A line longer than HB_SIM_LINE_MAX gets "ERR …" and the connection is closed; a client
 * that does not complete a line within the idle timeout is dropped. */
#pragma once

#include <gio/gio.h>
#include "drivers/hb-device-manager.h"

G_BEGIN_DECLS

#define HB_SIM_SERVER_IDLE_TIMEOUT_MS 10000
#define HB_SIM_SERVER_MAX_CLIENTS     8

#define HB_TYPE_SIM_SERVER (hb_sim_server_get_type ())
G_DECLARE_FINAL_TYPE (HbSimServer, hb_sim_server, HB, SIM_SERVER, GObject)

/* @manager is not referenced (it owns the server); commands fail once it is gone. */
HbSimServer *hb_sim_server_new   (HbDeviceManager *manager, const char *socket_path);
gboolean     hb_sim_server_start (HbSimServer *self, GError **error);
/* Closes every client and removes the socket file. Idempotent. */
void         hb_sim_server_stop  (HbSimServer *self);
const char  *hb_sim_server_get_socket_path (HbSimServer *self);
/* How long a client may take to send a complete line (default HB_SIM_SERVER_IDLE_TIMEOUT_MS). */
void         hb_sim_server_set_idle_timeout (HbSimServer *self, guint timeout_ms);
guint        hb_sim_server_get_n_clients (HbSimServer *self);

/* Runs one command line against the manager's devices; returns the reply line without
 * the newline ("OK", "OK <json>" or "ERR <message>"). */
char        *hb_sim_server_execute (HbSimServer *self, const char *line, gsize length);

G_END_DECLS
