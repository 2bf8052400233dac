/* hb-sim-fault-writer.h — sends an answer broken on purpose: garbled, trickled or cut off.
 *
 * libsoup writes answers whole and well-formed, so a shaped answer is taken over: the
 * connection is stolen from libsoup and the status line, headers (with the Content-Length
 * of the whole body and Connection: close) and body are written by us, then it is closed. */
#pragma once

#include "tools/platform-sim/hb-sim-faults.h"
#include "tools/platform-sim/hb-sim-stats.h"

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Answers being trickled (slow bodies); freeing it closes them. */
typedef struct _HbSimFaultWriters HbSimFaultWriters;

HbSimFaultWriters *hb_sim_fault_writers_new  (void);
void               hb_sim_fault_writers_free (HbSimFaultWriters *writers);

/* Sends msg's answer (already set by a handler) shaped by plan and counts what was applied
 * in stats. Returns TRUE when the connection was taken over (msg must not be touched by
 * libsoup's flow again); FALSE when nothing applies (no body: HEAD, 304, …). */
gboolean hb_sim_fault_writers_send (HbSimFaultWriters *writers, SoupServerMessage *msg,
                                    const HbSimFaultPlan *plan, HbSimStats *stats);

G_END_DECLS
