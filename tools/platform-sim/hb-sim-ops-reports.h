/* hb-sim-ops-reports.h — monthly operations reports (docs/platform-api.md "Operations
 * reports"): POST /v1/operations-reports takes a terminal's PDF (base64 in JSON, checked
 * against its sha256 and size); GET /_sim/operations-reports lists what was received as
 * {terminal_id, month, bytes, sha256, generated_at, received_at, idempotency_key}. A newer
 * report for the same terminal and month replaces the older one. Records live in memory
 * (at most HB_SIM_OPS_REPORTS_MAX; the oldest forgotten); /_sim/reset forgets them. Main
 * context only. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

#define HB_SIM_OPS_REPORTS_MAX      500u
#define HB_SIM_OPS_REPORT_PDF_MAX   (700u * 1024u)   /* decoded PDF bytes */

/* POST /v1/operations-reports (Idempotency-Key as for applications). */
void     hb_sim_ops_reports_handle (HbSimContext *ctx, HbSimRequest *req,
                                    gboolean fail_after_commit);

/* /_sim/operations-reports */
gboolean hb_sim_ops_reports_test_knows  (const char *path);
void     hb_sim_ops_reports_test_handle (HbSimContext *ctx, HbSimRequest *req);
/* /_sim/reset */
void     hb_sim_ops_reports_forget (void);

G_END_DECLS
