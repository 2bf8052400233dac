/* hb-print-command.h — `haobanctl print`: a technician's print straight to a printer,
 * waiting for the job's final state.
 *
 *   haobanctl print FILE|test --to doc|receipt [--printer NAME] [--cups-server HOST:PORT]
 *                             [--timeout SECONDS]
 *
 * --to doc: FILE is a PDF, printed on a CUPS queue (--printer, else [devices] cups_queue,
 * else the server's default; --cups-server, else [devices] cups_server, else libcups'
 * default). --to receipt: FILE is UTF-8 text, one ticket line per line, printed on the
 * first ESC/POS printer on USB (or --printer usb). "test" prints a test page / ticket.
 * Exit 0 when the printer confirmed the job; 1 with a message naming the printer's state
 * reasons otherwise; 2 on a usage error. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

int hb_print_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
