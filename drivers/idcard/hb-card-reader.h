/* hb-card-reader.h — the ID card reader kind: every reader driver subclasses this. */
#pragma once

#include "drivers/hb-device.h"
#include "drivers/idcard/hb-idcard.h"

G_BEGIN_DECLS

/* XFS4IoT IDC media status, reduced to what a contactless ID reader can know. */
typedef enum {
  HB_CARD_MEDIA_UNKNOWN,
  HB_CARD_MEDIA_NOT_PRESENT,
  HB_CARD_MEDIA_PRESENT,      /* a card is on the reader (read or being read) */
} HbCardMedia;

GType hb_card_media_get_type (void);
#define HB_TYPE_CARD_MEDIA (hb_card_media_get_type ())
const char *hb_card_media_to_string (HbCardMedia media);  /* "unknown", "not-present", "present" */

#define HB_TYPE_CARD_READER (hb_card_reader_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbCardReader, hb_card_reader, HB, CARD_READER, HbDevice)

struct _HbCardReaderClass
{
  HbDeviceClass parent_class;
  gpointer padding[8];
};

/* Signals:
 *   "card-read"    (HbIdCard *card)  — a card was placed and read; the handler must copy
 *                                       what it keeps; the reader wipes its copy after emit.
 *   "card-removed" ()                 — the card left the reader.
 *   "read-failed"  (GError *error)    — a card is present but could not be read.
 * Property "media" (HbCardMedia). */
HbCardMedia hb_card_reader_get_media (HbCardReader *self);

/* For drivers. set_media emits "card-removed" when the media leaves PRESENT. */
void hb_card_reader_set_media     (HbCardReader *self, HbCardMedia media);
void hb_card_reader_emit_card     (HbCardReader *self, const HbIdCard *card);
void hb_card_reader_emit_failed   (HbCardReader *self, const GError *error);

G_END_DECLS
