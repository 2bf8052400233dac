/* hb-sam-sim.h — a simulated SAM module: request frames in, response frames out, with a
 * card that can be laid on and taken off and faults that can be scripted.
 *
 * The virtual ID reader runs the real protocol engine against it (so the demo and the UI
 * tests exercise the real codec), and the fake USB and serial readers of the tests put it
 * behind umockdev and a pty. Thread-safe: the test or the simulator socket changes the
 * card while the reader's thread talks to it.
 *
 * Behaviour (as real modules do, §2–§4 of the reference):
 *   11 FF → 90 (60 while FAULT_SAM); 12 FF → 90 + 16 bytes; 10 FF → 90;
 *   20 01 → 9F when a card is there that has not been read since it was laid on, else 80;
 *   20 02 → 90 when a card is there, else 81; 30 01 → 90 + base info (41 if no card);
 *   30 10 → fp_len 0; 30 03 → 90 + address, or 91 when the card has none;
 *   61 FF xx → 90; a bad checksum → 10; a bad length → 11; anything else → 21. */
#pragma once

#include "drivers/idcard/hb-idcard.h"

G_BEGIN_DECLS

typedef enum {
  HB_SAM_SIM_FAULT_NONE,
  HB_SAM_SIM_FAULT_NO_CARD,        /* find → 80 even with a card */
  HB_SAM_SIM_FAULT_SELECT,         /* select → 81 */
  HB_SAM_SIM_FAULT_READ,           /* 30 01 → 41 */
  HB_SAM_SIM_FAULT_BAD_CHECKSUM,   /* the next response has a flipped checksum */
  HB_SAM_SIM_FAULT_SHORT_FRAME,    /* the next response is cut in the middle */
  HB_SAM_SIM_FAULT_STALL,          /* the next request gets no answer at all */
  HB_SAM_SIM_FAULT_GARBAGE,        /* noise bytes before the next response */
  HB_SAM_SIM_FAULT_SAM,            /* the module fails its self-test: 60 to everything */
} HbSamSimFault;

typedef struct _HbSamSim HbSamSim;

HbSamSim *hb_sam_sim_new  (void);
void      hb_sam_sim_free (HbSamSim *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbSamSim, hb_sam_sim_free)

/* Lay a card on the field (copied; NULL takes it away). appended_address may be NULL. */
void      hb_sam_sim_set_card  (HbSamSim *sim, const HbIdCard *card, const char *appended_address);
gboolean  hb_sam_sim_has_card  (HbSamSim *sim);
/* Arm a fault for the next `times` matching requests (0 = until cleared with NONE). */
void      hb_sam_sim_set_fault (HbSamSim *sim, HbSamSimFault fault, guint times);

/* Host bytes in (any chunking); the module's response bytes out (possibly empty while a
 * request is incomplete, or for a STALL). (transfer full) */
GBytes   *hb_sam_sim_process (HbSamSim *sim, const guint8 *data, gsize len);

/* Counters for tests: requests seen by command, and full reads served. */
guint     hb_sam_sim_count_requests (HbSamSim *sim, guint16 command);
guint     hb_sam_sim_count_reads (HbSamSim *sim);

G_END_DECLS
