/* hb-sync-command.h — `haobanctl sync`: talk to the configured platform now, from the
 * technician's shell, with the kiosk running or not (the store is safe for two processes:
 * WAL + busy timeout; the platform deduplicates on idempotency keys, so the kiosk's own
 * sync sending the same item at the same moment does no harm).
 *
 *   haobanctl sync [--once] [--timeout SECONDS]
 *
 * Runs the real HbSync (catalog pull, keys, every due outbox item, a heartbeat) with the
 * platform URL and TLS settings of kiosk.conf. --once: one round, then a report —
 *   platform URL answered (HTTP S)
 *   catalog VERSION updated|unchanged          (or: catalog not checked)
 *   delivered KEY CASE|-                       one line per item the platform accepted
 *   rejected KEY REASON / parked KEY REASON
 *   N delivered, N rejected, N parked, N pending
 *   pending KEY KIND attempts N: LAST_ERROR    one line per item still waiting
 * exit 0 when the platform answered, 1 (with a message) when it is unreachable or the round
 * did not end within the timeout (default 60 s). Without --once: keeps syncing, printing
 * events, until SIGINT/SIGTERM or the timeout (default: none). 2: usage error. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

/* argc/argv: the words after "sync". */
int hb_sync_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
