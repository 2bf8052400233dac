/* hb-maintenance-command.h — `haobanctl maintenance`: staff entry from the technician's
 * shell (docs/haobanctl.md "maintenance", docs/maintenance-access.md).
 *
 *   haobanctl maintenance pin set [--role staff|technician] [--iterations N]
 *       reads the new PIN twice from stdin (no echo on a terminal), writes its PBKDF2 hash
 *       (N iterations, 100000–10000000, default 200000)
 *       as [maintenance] staff_pin_hash / technician_pin_hash into the config file in use
 *       (comments kept, atomic replace, mode kept); audited "maintenance.pin-set".
 *   haobanctl maintenance pin check
 *       reads one PIN from stdin and checks it like the touch screen does (it counts
 *       towards the lockout): prints the role, exit 0; else the reason, exit 1.
 *   haobanctl maintenance unlock
 *       clears a lockout and the failure count; audited "maintenance.unlock" by haobanctl.
 *   haobanctl maintenance status [--json]
 *       locked or open (seconds left), tries left, which PINs are set, the cached staff
 *       allow-list (version, entries, when it was stored).
 *   haobanctl maintenance staff refresh
 *       fetches GET /v1/staff now and replaces the cached allow-list.
 *
 * The store (lockout, allow-list) is shared with a running kiosk. Exit 0 success, 1 failure,
 * 2 usage error. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

/* argc/argv: the words after "maintenance". */
int hb_maintenance_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
