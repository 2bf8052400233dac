/* hb-catalog-command.h — `haobanctl catalog`: the services cached on the terminal.
 *
 *   haobanctl catalog list [--json]
 *   haobanctl catalog search QUERY [--json]
 *
 * search ranks exactly like the kiosk's search box (hb_catalog_search). Plain output: one
 * "CODE<TAB>NAME" line per service; --json: an array of {code, name, name_en, category,
 * summary, audience[]} in rank order. Exit 0 success, 1 failure, 2 usage error. */
#pragma once

#include "kiosk/hb-config.h"

G_BEGIN_DECLS

/* argc/argv: the words after "catalog". */
int hb_catalog_command_run (HbConfig *config, int argc, char **argv);

G_END_DECLS
