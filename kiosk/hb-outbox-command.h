/* hb-outbox-command.h — `haobanctl outbox`: what the terminal still has to deliver, for
 * technicians. Never shows bodies or personal data (hb_outbox_list does not decrypt them).
 *
 *   haobanctl outbox                               summary: pending, parked, dead, sent
 *   haobanctl outbox list [--state pending|parked|dead|sent] [--json]
 *                                                  items (default: pending, parked, dead):
 *                                                  key, kind, state, attempts, failures,
 *                                                  age, last error
 *   haobanctl outbox retry KEY|--all               parked item(s) back in the queue
 *   haobanctl outbox park KEY [--reason TEXT]      stop retrying a pending item
 *
 * Works beside a running kiosk (the store is shared: WAL + busy timeout). Exit 0 success,
 * 1 failure (e.g. no such item in that state), 2 usage error. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

/* argc/argv: the words after "outbox". */
int hb_outbox_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
