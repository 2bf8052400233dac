/* hb-virtual-card-reader.h — the ID card reader of virtual mode: the real SAM driver
 * (HbSamCardReader: frames, codec, read cycle) talking through an in-memory pipe to a
 * simulated SAM module (HbSamSim) on which the simulator lays cards. */
#pragma once

#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/idcard/hb-sam-sim.h"

G_BEGIN_DECLS

#define HB_TYPE_VIRTUAL_CARD_READER (hb_virtual_card_reader_get_type ())
G_DECLARE_FINAL_TYPE (HbVirtualCardReader, hb_virtual_card_reader, HB, VIRTUAL_CARD_READER,
                      HbSamCardReader)

HbVirtualCardReader *hb_virtual_card_reader_new (void);

/* Lay a card given in HbIdCard's JSON form on the simulated SAM. The driver finds and
 * reads it at its next poll (asynchronously: "card-read" follows). A card already there
 * is replaced. Fails with HB_DEVICE_ERROR_NO_DEVICE (unplugged), _NOT_OPEN, or
 * HB_IDCARD_ERROR (bad card JSON; nothing changes). */
gboolean hb_virtual_card_reader_insert (HbVirtualCardReader *self, const char *json,
                                        gsize length, GError **error);
/* Take the card away; the driver notices at its next poll ("card-removed"). */
gboolean hb_virtual_card_reader_remove (HbVirtualCardReader *self, GError **error);
/* The simulated SAM, for tests that script faults. (transfer none) */
HbSamSim *hb_virtual_card_reader_get_sim (HbVirtualCardReader *self);

G_END_DECLS
