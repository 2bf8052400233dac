/* hb-sim-client.h — talk to a running simulator socket (haobanctl sim …, tests). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Connects to socket_path, sends line (no newline needed), waits at most timeout_ms for
 * the one-line reply. Returns the text after "OK" ("" for a bare OK) or NULL with an error
 * carrying the "ERR …" message or the connection/timeout failure. Blocking: for CLIs and
 * test threads, never the UI thread. */
char *hb_sim_client_send (const char *socket_path, const char *line, guint timeout_ms,
                          GError **error);

G_END_DECLS
