/* hb-report-command.h — `haobanctl report month`: the monthly operations report.
 *
 *   haobanctl report month [--month YYYY-MM] [--output FILE] [--upload] [--print]
 *                          [--printer NAME] [--cups-server HOST:PORT] [--timeout SECONDS]
 *
 * Opens the terminal's store read-side, summarizes the month (default: the previous
 * calendar month, local time) and renders the PDF (kiosk/hb-ops-report.h).
 * --output: write it there (default: haoban-report-<terminal>-<YYYY-MM>.pdf in the current
 * directory when neither --upload nor --print is given).
 * --upload: queue POST /v1/operations-reports in the outbox (delivered by the sync engine,
 *   so an offline terminal is fine) and try one sync round now; prints whether it was
 *   delivered or is queued. Re-uploading a month replaces it (same idempotency key per
 *   terminal, month and content hash).
 * --print: on the A4 CUPS queue of the config (as `haobanctl print --to doc`); --printer
 *   and --cups-server override the config's queue and server.
 * Exit 0 success (also: upload queued while offline), 1 failure, 2 usage error. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

int hb_report_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
