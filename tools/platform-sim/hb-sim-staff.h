/* hb-sim-staff.h — staff entry at the platform (docs/platform-api.md "Staff entry"):
 * GET /v1/staff serves the allow-list of staff cards from the data dir's sample-staff.json
 * (digests only), POST /v1/security-events records what terminals report (lockouts), and
 * GET /_sim/security-events lists those records for tests. Records live in memory (the
 * oldest forgotten past HB_SIM_STAFF_MAX_EVENTS); /_sim/reset forgets them. Main context
 * only. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

#define HB_SIM_STAFF_MAX_EVENTS   1000u
#define HB_SIM_STAFF_LIST_MAX     (64 * 1024)

/* GET /v1/staff */
void     hb_sim_staff_handle (HbSimContext *ctx, HbSimRequest *req);
/* POST /v1/security-events (Idempotency-Key as for applications). */
void     hb_sim_security_events_handle (HbSimContext *ctx, HbSimRequest *req,
                                        gboolean fail_after_commit);

/* /_sim/security-events */
gboolean hb_sim_staff_test_knows  (const char *path);
void     hb_sim_staff_test_handle (HbSimContext *ctx, HbSimRequest *req);
/* /_sim/reset */
void     hb_sim_staff_forget (void);

G_END_DECLS
