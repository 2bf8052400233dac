/* hb-hid-pos.h — HID POS (usage page 0x8C) scanned-data reports → text.
 *
 * Pure, like hb-hid-wedge.h. The layout is the one Honeywell documents (and Newland's
 * xx10 PIDs follow), as read raw from the interrupt IN endpoint, report ID first:
 *
 *   [0]      report ID 0x02 (Scanned Data Report); other IDs (status…) are ignored
 *   [1]      n, data bytes in this report (0..56)
 *   [2..4]   AIM symbology identifier ("]Q1" = QR)
 *   [5..60]  data, the first n bytes count
 *   [61]     vendor code id
 *   [63]     0 = last report of this code, non-zero = more follow
 *
 * Reports shorter than 64 bytes carry the same fields as far as they go and must reach
 * byte 5 + n (the continuation flag then reads 0). The data is binary-safe: the decoder
 * checks it — valid UTF-8, no NUL, at most max_length bytes — and strips one trailing
 * CR, LF or CR LF (the scanner's suffix) only. An over-long code is rejected whole and the
 * decoder resynchronises at the next last report; a gap longer than gap_ms between the
 * reports of one code aborts it (see hb-hid-wedge.h for why). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_HID_POS_REPORT_ID   0x02
#define HB_HID_POS_REPORT_LEN  64
#define HB_HID_POS_DATA_MAX    56

typedef struct _HbHidPos HbHidPos;

/* max_length: 0 for HB_SCANNER_CODE_MAX; gap_ms: 0 for 200. */
HbHidPos *hb_hid_pos_new   (gsize max_length, guint gap_ms);
void      hb_hid_pos_free  (HbHidPos *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbHidPos, hb_hid_pos_free)
void      hb_hid_pos_reset (HbHidPos *self);

/* As hb_hid_wedge_feed(): TRUE when taken (*code set when a code completed), FALSE with
 * HB_DEVICE_ERROR_PROTOCOL for a malformed report (dropped, along with the partial code)
 * or a rejected code. */
gboolean  hb_hid_pos_feed   (HbHidPos *self, const guint8 *report, gsize len, gint64 now_us,
                             char **code, gsize *code_len, GError **error);
gboolean  hb_hid_pos_expire (HbHidPos *self, gint64 now_us);
gboolean  hb_hid_pos_in_code (HbHidPos *self);
/* A report may have been lost: a code in progress is rejected at its last report. */
void      hb_hid_pos_spoil (HbHidPos *self);

/* Splits data into the reports a scanner sends (64 bytes each, "]Q1", code id 's'), for
 * fakes and tests. Returns the concatenated reports; *n_reports gets their count. */
GBytes   *hb_hid_pos_encode (const guint8 *data, gsize len, guint *n_reports);

G_END_DECLS
