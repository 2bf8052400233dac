/* hb-sim-benefits.h — 免申即享: POST /v1/benefits (what a resident qualifies for without
 * applying) and POST /v1/benefits/confirm (accept one with a tap; idempotent). */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

void hb_sim_benefits_handle (HbSimContext *ctx, HbSimRequest *req);
void hb_sim_benefits_confirm_handle (HbSimContext *ctx, HbSimRequest *req, gboolean fail_after_commit);

/* The key under which a person's confirmations are kept (a hash, not the number). */
char *hb_sim_benefits_person_key (const char *id_number);

G_END_DECLS
