/* hb-diagnostics-command.h — `haobanctl diagnostics export [DIR] [--offline]`: the
 * diagnostics bundle (kiosk/hb-diagnostics.h) written into DIR (default: [maintenance]
 * export_dir when set, else the current directory). Prints the file's path; exit 0, 1 when
 * it could not be written (the message says why: no such folder, not writable, full),
 * 2 on a usage error. --offline: the doctor's report inside does not probe the network. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

int hb_diagnostics_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
