/* hb-virtual-card-reader.h — a card reader driven by the simulator (no hardware). */
#pragma once

#include "drivers/idcard/hb-card-reader.h"

G_BEGIN_DECLS

#define HB_TYPE_VIRTUAL_CARD_READER (hb_virtual_card_reader_get_type ())
G_DECLARE_FINAL_TYPE (HbVirtualCardReader, hb_virtual_card_reader, HB, VIRTUAL_CARD_READER,
                      HbCardReader)

HbVirtualCardReader *hb_virtual_card_reader_new (void);

/* Place a card given in HbIdCard's JSON form: media becomes PRESENT and "card-read" is
 * emitted. A card already on the reader is taken off first ("card-removed"). Fails with
 * HB_DEVICE_ERROR_NO_DEVICE (unplugged), _NOT_OPEN, or HB_IDCARD_ERROR (bad card; nothing
 * is emitted). */
gboolean hb_virtual_card_reader_insert (HbVirtualCardReader *self, const char *json,
                                        gsize length, GError **error);
/* Take the card away: media NOT_PRESENT, "card-removed" if there was one. */
gboolean hb_virtual_card_reader_remove (HbVirtualCardReader *self, GError **error);

G_END_DECLS
