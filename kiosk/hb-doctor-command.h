/* hb-doctor-command.h — `haobanctl doctor`: the terminal's health, each problem with how
 * to fix it (kiosk/hb-doctor.h does the checks).
 *
 *   haobanctl doctor [--json] [--offline]
 *
 * One line per check "OK|WARN|FAIL  id  what" and, under a WARN or FAIL, "      fix: …";
 * --json: hb_doctor_to_json. --offline: no network probe. Exit 0 when no check FAILs,
 * 1 otherwise, 2 on a usage error. Runs even when the configuration does not load (that is
 * the "config" check's FAIL). */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

/* config NULL: it did not load, config_error says why. argc/argv: the words after "doctor". */
int hb_doctor_command_run (HbConfig *config, const GError *config_error, int argc, char **argv);

G_END_DECLS
