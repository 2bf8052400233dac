/* hb-provision-command.h — `haobanctl provision`: register this terminal with the platform
 * and install its certificate (kiosk/hb-provision.h, docs/provisioning.md).
 *
 *   haobanctl [--config FILE] provision --platform URL --token T|- [--terminal-id ID]
 *             [--ca FILE] [--tls-dir DIR] [--timeout S]
 *
 * Writes the config file haobanctl loaded (--config, $HAOBAN_CONFIG, else
 * /etc/haoban/kiosk.conf) and the TLS files next to it (DIR, default <config dir>/tls).
 * --token - reads the token from stdin (keeps it out of `ps` and the shell history).
 * --ca: the PEM CA trusted for the registration itself (default: the system CAs).
 * Prints the terminal id, the installed files and the connection check. Exit 0 provisioned
 * and checked, 1 failed (the message says what and how to fix it), 2 usage. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

/* argc/argv: the words after "provision". */
int hb_provision_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
