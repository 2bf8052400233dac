/* hb-selftest-command.h — `haobanctl selftest visits`: prove a terminal works end to end.
 *
 *   haobanctl selftest visits [--count N] [--timeout SECONDS]
 *
 * Runs N complete headless visits inside haobanctl: an HbCore with virtual devices in a
 * data dir of its own under $TMPDIR (never the kiosk's: the terminal's outbox, catalog and
 * devices are not touched), against the platform of kiosk.conf (URL, TLS, timeouts). Each
 * visit: a sample ID card on the virtual reader, the first available service with a form,
 * required fields from the form's pre-fill and sample values, submit, the receipt printed on
 * the virtual printer, a rating, end. Output (stdout, flushed line by line):
 *   platform URL answered, catalog VERSION
 *   queued KEY               the application is durable in the outbox (before delivery)
 *   delivered KEY CASE       the platform accepted it
 *   selftest: N/N visits delivered exactly once
 * Exit 0 when every application was delivered exactly once (and the ratings too) within
 * the timeout (default 120 s); 1 otherwise, keeping the temporary data dir (its logs/ say
 * why) and naming it on stderr; 2 usage error. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

/* argc/argv: the words after "selftest". */
int hb_selftest_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
