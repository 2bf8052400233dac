/* hb-sam-link.h — one SAM command and its response over a transport: flush stale input,
 * send the request, collect exactly one response frame with the receiver, verify it, and
 * retry (bounded) when the line garbled or lost it. Blocking: the reader's thread only. */
#pragma once

#include "drivers/transport/hb-transport.h"
#include "drivers/idcard/hb-sam-frame.h"

G_BEGIN_DECLS

typedef struct _HbSamLink HbSamLink;

/* retries: further attempts after a timeout or a corrupt frame (not after a valid answer
 * that says no). The transport is borrowed and must outlive the link. */
HbSamLink *hb_sam_link_new  (HbTransport *transport, guint retries);
void       hb_sam_link_free (HbSamLink *link);   /* wipes the last frame */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbSamLink, hb_sam_link_free)

/* Send command and wait up to timeout_ms (per attempt) for its response. On success
 * *response points into a frame the link keeps until the next call (and wipes then).
 * Errors: transport errors as they are (timeout after the last attempt, NO_DEVICE,
 * cancelled), HB_SAM_ERROR_FRAME when every attempt came back corrupt. The SW3 is not
 * judged here: see hb_sam_response_check. */
gboolean   hb_sam_link_command (HbSamLink *link, HbSamCommand command, const guint8 *data,
                                gsize len, guint timeout_ms, GCancellable *cancellable,
                                HbSamResponse *response, GError **error);
/* Command, then hb_sam_response_check against expected_sw3. */
gboolean   hb_sam_link_expect  (HbSamLink *link, HbSamCommand command, guint8 expected_sw3,
                                guint timeout_ms, GCancellable *cancellable,
                                HbSamResponse *response, GError **error);

/* Counters (diagnostics, benchmarks). */
guint      hb_sam_link_get_retries_used (HbSamLink *link);

G_END_DECLS
