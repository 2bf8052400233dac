/* hb-pipe-transport.h — an in-memory transport whose far end is a function: bytes the
 * host writes go to the peer, what the peer answers becomes readable. Used by the virtual
 * ID reader (peer: HbSamSim) and by unit tests. Optionally paced at a baud rate (10 bits
 * per byte) so that timing looks like a serial line. */
#pragma once

#include "drivers/transport/hb-transport.h"

G_BEGIN_DECLS

/* Called on the writer's thread with the bytes written; returns the bytes the peer sends
 * back (may be empty or NULL). */
typedef GBytes *(*HbPipePeerFunc) (const guint8 *data, gsize len, gpointer user_data);

#define HB_TYPE_PIPE_TRANSPORT (hb_pipe_transport_get_type ())
G_DECLARE_FINAL_TYPE (HbPipeTransport, hb_pipe_transport, HB, PIPE_TRANSPORT, HbTransport)

HbPipeTransport *hb_pipe_transport_new (HbPipePeerFunc peer, gpointer user_data,
                                        GDestroyNotify destroy);
/* 0 (default) = instant; else bytes become readable at this line rate: the answer starts
 * once the request has crossed the line, and byte k of it is readable at start + k × 10 /
 * baud (absolute instants, so reads finish at the wire time however they are split). */
void             hb_pipe_transport_set_baud (HbPipeTransport *self, guint baud);
/* Simulate the device vanishing: every call fails with HB_DEVICE_ERROR_NO_DEVICE until
 * reconnected; a waiting reader wakes up, and bytes on the line are lost. Any thread. */
void             hb_pipe_transport_set_connected (HbPipeTransport *self, gboolean connected);

/* Additions. */
guint            hb_pipe_transport_get_baud (HbPipeTransport *self);
gboolean         hb_pipe_transport_get_connected (HbPipeTransport *self);
/* Bytes the peer sends on its own (unsolicited, or noise on the line), queued now and
 * paced like answers. Ignored while closed or disconnected. Any thread. */
void             hb_pipe_transport_inject (HbPipeTransport *self, const guint8 *data, gsize len);

G_END_DECLS
