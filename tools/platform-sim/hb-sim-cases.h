/* hb-sim-cases.h — 进度查询: POST /v1/cases/query, by case number (what the receipt's QR
 * carries: a case number or a queued reference) or by ID number. The sim's accepted
 * applications and confirmed benefits advance along 已提交 → 已受理 → 审查中 → 已办结, one
 * step every /_sim/cases step_ms; sample cards also have older, finished cases. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

#define HB_SIM_CASE_NUMBER_MAX 64

void  hb_sim_cases_handle (HbSimContext *ctx, HbSimRequest *req);

/* The case number a reference names: itself for a case number the sim handed out, the
 * case of the application a queued reference ("HB<YYYYMMDD>-<first 8 characters of the
 * idempotency key>") was delivered as; NULL when it names nothing. applications: the
 * array of hb_sim_store_list (callers resolving many list once). (transfer full) */
char *hb_sim_cases_resolve_in (HbSimContext *ctx, JsonArray *applications, const char *reference);

G_END_DECLS
