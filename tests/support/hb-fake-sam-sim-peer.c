/* hb-fake-sam-sim-peer.c — HbSamSim as the peer of the fakes and of HbPipeTransport.
 * Its own object file, so test programs that do not use it do not need the simulator. */
#include "tests/support/hb-fake-sam.h"
#include "drivers/idcard/hb-sam-sim.h"

GBytes *
hb_fake_sam_sim_peer (const guint8 *data, gsize len, gpointer sim)
{
  return hb_sam_sim_process (sim, data, len);
}
