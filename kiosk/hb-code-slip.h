/* hb-code-slip.h — the printed offline 随申码 (离线码凭条) for residents without a phone:
 * a card-sized panel on A4, cut out along the dashed line and carried in a wallet.
 *
 * It carries the code (docs/suishenma-offline.md) as a large QR symbol, the masked name
 * the platform put in it and the expiry date — nothing else personal. Rendering is pure
 * (PDF bytes out), like hb-document.h. */
#pragma once

#include "kiosk/hb-document.h"

G_BEGIN_DECLS

typedef struct {
  const char *code;          /* "HB1.…" as the platform issued it (≤ 2,048 characters) */
  const char *masked_name;   /* as the platform masked it, e.g. "张*伟"; may be NULL */
  GDateTime  *expires;       /* local time */
  const char *terminal_id;
  GDateTime  *issued_at;     /* local time; also the PDF's creation date */
} HbCodeSlip;

GBytes *hb_code_slip_render (const HbCodeSlip *slip, GError **error);

void    hb_code_slip_render_async  (const HbCodeSlip *slip, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
GBytes *hb_code_slip_render_finish (GAsyncResult *result, GError **error);

G_END_DECLS
