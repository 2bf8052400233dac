/* hb-sim-test-api.h — the test-only /_sim/ endpoints (never on the real platform). */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

/* Whether path is one of the /_sim/ endpoints (for logs). */
gboolean hb_sim_test_api_knows (const char *path);
/* Answers a request under /_sim/. */
void     hb_sim_test_api_handle (HbSimContext *ctx, HbSimRequest *req);

G_END_DECLS
