/* hb-sim-enterprises.h — 企业登录: POST /v1/enterprises/login {"uscc","id_number"} → the
 * enterprise and the role of the person logging in. Sample enterprises come from
 * DATA/sample-enterprises.json; any other valid USCC of a Shanghai region gets a made-up
 * one, deterministically. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

#define HB_SIM_ENTERPRISES_MAX_SIZE (1024u * 1024u)

/* Whether uscc is 18 characters of the GB 32100-2015 set with the right check character. */
gboolean hb_sim_uscc_valid (const char *uscc);

void     hb_sim_enterprises_login_handle (HbSimContext *ctx, HbSimRequest *req);

G_END_DECLS
