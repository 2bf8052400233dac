/* hb-sim-help.h — 帮办 (POST /v1/help-requests, GET and DELETE /v1/help-requests/<id>)
 * and 办不成事 (POST /v1/reports): a resident asking a person for help, or telling the
 * platform they could not get it done. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

/* The reasons a report may give (docs/platform-api.md). */
extern const char *const hb_sim_report_reasons[];

void hb_sim_help_create_handle (HbSimContext *ctx, HbSimRequest *req, gboolean fail_after_commit);
/* GET (status) and DELETE (the resident gave up or left: closed) of /v1/help-requests/<id>. */
void hb_sim_help_status_handle (HbSimContext *ctx, HbSimRequest *req);
void hb_sim_reports_handle     (HbSimContext *ctx, HbSimRequest *req, gboolean fail_after_commit);

/* /_sim/help (GET: knob and requests; POST {"answer_after_ms"}), /_sim/cases (GET; POST
 * {"step_ms"}), GET /_sim/reports. */
gboolean hb_sim_services_test_knows  (const char *path);
void     hb_sim_services_test_handle (HbSimContext *ctx, HbSimRequest *req);

G_END_DECLS
