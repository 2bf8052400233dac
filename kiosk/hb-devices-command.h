/* hb-devices-command.h — `haobanctl devices test`: a technician tries each configured
 * device with the kiosk stopped.
 *
 *   haobanctl devices test [idcard|scanner|printer|receipt-printer|all] [--timeout S]
 *
 * Opens the devices of the configuration itself ([devices] mode real or virtual) and, per
 * kind: idcard waits (bounded, --timeout, default 30 s) for a card and reads it (prints
 * only the masked number), scanner waits for a scan, printer prints a test page (A4 through
 * CUPS), receipt-printer a test ticket (ESC/POS). One line each "PASS|FAIL  kind  what"
 * plus "      fix: …" under a FAIL. With the kiosk running the devices are the kiosk's:
 * the command says so, points to the maintenance dashboard and exits 1.
 * Exit 0 when every tested kind passed, 1 otherwise, 2 on a usage error. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

int hb_devices_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
