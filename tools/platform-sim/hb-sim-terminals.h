/* hb-sim-terminals.h — terminal registration (docs/platform-api.md "Terminal
 * registration", docs/provisioning.md): POST /v1/terminals/register takes a one-time
 * enrolment token and a CSR, and answers the terminal's certificate signed by the sim's
 * terminal CA, that CA, and the platform URL.
 *
 * The CA is --terminal-ca-cert/--terminal-ca-key (PEM), or one made in memory at the first
 * registration (EC P-256). Tokens come from --terminal-tokens FILE (one per line, '#'
 * comments), or POST /_sim/terminal-tokens {"tokens":[…]}; without either the sim accepts
 * the single demo token HB_SIM_DEMO_TOKEN. A token works once (401 unknown, 409 used).
 * Test API: POST /_sim/terminal-ca {"cert","key"} (PEM) replaces the CA;
 * GET /_sim/terminals lists registrations {terminal_id, hostname, serial, registered_at}
 * (never tokens). /_sim/reset forgets registrations and which tokens were used. Main
 * context only. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

#define HB_SIM_DEMO_TOKEN        "HB-DEMO-TOKEN"
#define HB_SIM_TERMINALS_MAX     1000u
#define HB_SIM_TOKENS_MAX        10000u

/* From the command line; any argument may be NULL. */
gboolean hb_sim_terminals_configure (const char *ca_cert, const char *ca_key,
                                     const char *tokens_file, GError **error);

/* POST /v1/terminals/register */
void     hb_sim_terminals_handle (HbSimContext *ctx, HbSimRequest *req);

/* /_sim/terminals, /_sim/terminal-tokens, /_sim/terminal-ca */
gboolean hb_sim_terminals_test_knows  (const char *path);
void     hb_sim_terminals_test_handle (HbSimContext *ctx, HbSimRequest *req);
/* /_sim/reset */
void     hb_sim_terminals_forget (void);

G_END_DECLS
