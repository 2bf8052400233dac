/* hb-sam-card-reader.h — the ID card reader driver for SAM modules (AA AA AA 96 69),
 * over any HbTransport: libusb bulk, a USB-serial tty, or an in-memory simulated SAM.
 *
 * Its own thread runs the read cycle (reference §12.3):
 *   open:   11 FF status (60/66 → hardware-error "SAM fault"; rechecked until it recovers)
 *   absent: 20 01 find every poll_ms; on 9F: 20 02 select → 30 01 read → 30 03 appended
 *           address → decode → "card-read". A read that fails because the card moved
 *           (41, 81) is retried once; a card that still cannot be read is reported once
 *           ("read-failed") and retried only every refused_retry_ms.
 *   present: the SAM does not find a card it has read again, so presence is checked with
 *           select: 81 → "card-removed"; a fresh 9F from find means another card was laid
 *           on and is read. The same card lying on the reader never starts a second visit.
 *   unplugged: status no-device; the transport is reopened every reopen_ms, so a replugged
 *           serial adapter (or a reconnected simulator) recovers without a restart.
 * Every step has its timeout and bounded retries (HbSamTiming). hb_device_cancel aborts a
 * read in progress. Decoded cards are handed over once and wiped here. */
#pragma once

#include "drivers/idcard/hb-card-reader.h"
#include "drivers/idcard/hb-sam-link.h"
#include "drivers/transport/hb-transport.h"

G_BEGIN_DECLS

typedef struct {
  guint    poll_ms;              /* find / presence polling period (400) */
  guint    command_timeout_ms;   /* 11 FF, 20 01, 20 02 (500) */
  guint    read_timeout_ms;      /* 30 01 (3500) */
  guint    appended_timeout_ms;  /* 30 03 (1500) */
  guint    retries;              /* re-sends after a timeout or corrupt frame (1) */
  guint    silent_polls_for_fault; /* unanswered polls in a row before hardware-error (3) */
  guint    refused_retry_ms;     /* a card that could not be read is tried again after (3000) */
  guint    reopen_ms;            /* an unplugged transport is reopened every (2000) */
  gboolean read_appended;        /* ask for 30 03 (TRUE) */
} HbSamTiming;

void hb_sam_timing_init (HbSamTiming *timing);

#define HB_TYPE_SAM_CARD_READER (hb_sam_card_reader_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbSamCardReader, hb_sam_card_reader, HB, SAM_CARD_READER, HbCardReader)

struct _HbSamCardReaderClass
{
  HbCardReaderClass parent_class;
  gpointer padding[8];
};

/* Property "transport" (construct-only). */
HbSamCardReader *hb_sam_card_reader_new (HbTransport *transport);
HbTransport     *hb_sam_card_reader_get_transport (HbSamCardReader *self);
/* Before open; copies. */
void             hb_sam_card_reader_set_timing (HbSamCardReader *self, const HbSamTiming *timing);
/* Hex form of the SAM module's id, once read at open; NULL before. */
char            *hb_sam_card_reader_dup_sam_id (HbSamCardReader *self);

/* Statistics of the last successful read (benchmarks, maintenance). */
typedef struct {
  guint   reads;           /* successful reads since open */
  gint64  last_read_us;    /* select → decoded, the last one */
  guint64 last_read_bytes; /* bytes on the wire (both ways) for it */
} HbSamReaderStats;
void             hb_sam_card_reader_get_stats (HbSamCardReader *self, HbSamReaderStats *stats);

/* One complete read of the card lying on the reader now, on the calling (worker) thread:
 * select, 30 01, optional 30 03, decode. Used by the driver's cycle and by
 * `haobanctl idcard read`. */
HbIdCard        *hb_sam_read_card (HbSamLink *link, const HbSamTiming *timing,
                                   GCancellable *cancellable, GError **error);

G_END_DECLS
