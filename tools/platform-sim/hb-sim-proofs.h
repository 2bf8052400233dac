/* hb-sim-proofs.h — POST /v1/proofs: proofs and e-licence copies for an identified resident,
 * as the certificate documents of docs/documents.md ("Certificates"). */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"

G_BEGIN_DECLS

void hb_sim_proofs_handle (HbSimContext *ctx, HbSimRequest *req);

G_END_DECLS
