/* hb-audit-command.h — `haobanctl audit`: the audit log for technicians (docs/audit-log.md).
 *
 *   haobanctl audit verify [--head SEQ:HASH] [--json]
 *                     check the SM3 chain and its anchor; --head also checks a head held
 *                     elsewhere (the platform's copy from the heartbeats). Prints one line,
 *                     e.g. "audit: record 17 was edited (hash mismatch)".
 *                     Exit 0 intact, 1 tampered (or unreadable), 2 usage error.
 *   haobanctl audit list [--since SEQ] [--limit N] [--json]
 *                     records after SEQ, oldest first; without --since the newest N
 *                     (default 50, at most HB_AUDIT_LIST_MAX)
 *   haobanctl audit head [--json]
 *                     the current head as SEQ:HASH (to compare with the platform's)
 *
 * Works beside a running kiosk (the store is shared: WAL + busy timeout). */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

/* argc/argv: the words after "audit". */
int      hb_audit_command_run (HbConfig *config, int argc, char **argv);

/* For other haobanctl commands that change something (outbox retry/park, maintenance pin
 * set, …): appends one record with actor "haobanctl" to the configured store. Prints a
 * warning on stderr and returns FALSE when it cannot. */
gboolean hb_audit_command_record (HbConfig *config, const char *action, const char *subject,
                                  const char *detail);

G_END_DECLS
