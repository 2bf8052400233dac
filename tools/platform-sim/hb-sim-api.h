/* hb-sim-api.h — the /v1 endpoints of docs/platform-api.md. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

typedef enum {
  HB_SIM_EP_CATALOG,
  HB_SIM_EP_APPLICATIONS,
  HB_SIM_EP_RATINGS,
  HB_SIM_EP_CODES_RESOLVE,
  HB_SIM_EP_HEARTBEAT,
  HB_SIM_EP_KEYS,
  HB_SIM_EP_CODES_OFFLINE,
  HB_SIM_EP_DELIVERIES,
  HB_SIM_EP_PROOFS,
  HB_SIM_EP_ASSETS,         /* GET /v1/assets/<sha256> (H12) */
  /* resident services (H19) */
  HB_SIM_EP_PROFILE,
  HB_SIM_EP_LICENCES,
  HB_SIM_EP_BENEFITS,
  HB_SIM_EP_BENEFITS_CONFIRM,
  HB_SIM_EP_HELP_REQUESTS,  /* POST /v1/help-requests */
  HB_SIM_EP_HELP_REQUEST,   /* GET, DELETE /v1/help-requests/<id> */
  HB_SIM_EP_REPORTS,
  HB_SIM_EP_CASES_QUERY,
  HB_SIM_EP_ENTERPRISES_LOGIN,
  /* staff entry (H28, issue 9): hb-sim-staff.c */
  HB_SIM_EP_STAFF,            /* GET /v1/staff */
  HB_SIM_EP_SECURITY_EVENTS,  /* POST /v1/security-events */
  /* operations reports (H29, issue 9): hb-sim-ops-reports.c */
  HB_SIM_EP_OPERATIONS_REPORTS,  /* POST /v1/operations-reports */
  /* terminal registration (H33, issue 10): hb-sim-terminals.c */
  HB_SIM_EP_TERMINALS_REGISTER,  /* POST /v1/terminals/register */
  HB_SIM_EP_UNKNOWN,
} HbSimEndpoint;

/* Which endpoint a /v1 path names. */
HbSimEndpoint hb_sim_api_route (const char *path);
/* The path of a known endpoint, for logs; NULL for HB_SIM_EP_UNKNOWN. */
const char   *hb_sim_api_path  (HbSimEndpoint endpoint);
/* Whether this request may record something (so fail_after_commit applies to it). */
gboolean      hb_sim_api_commits (HbSimEndpoint endpoint, const char *method);
/* Counts the request in ctx->stats. */
void          hb_sim_api_count (HbSimContext *ctx, HbSimEndpoint endpoint);

/* Answers req. fail_after_commit: answer 503 after recording (the fault applies). */
void          hb_sim_api_handle (HbSimContext *ctx, HbSimRequest *req, HbSimEndpoint endpoint,
                                 gboolean fail_after_commit);

/* The answer of an injected fault: status with {"error":"sim-fault"}. */
void          hb_sim_api_reply_fault (HbSimContext *ctx, SoupServerMessage *msg, guint status,
                                      const char *what);

G_END_DECLS
