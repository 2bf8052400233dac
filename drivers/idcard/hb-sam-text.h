/* hb-sam-text.h — the card data inside SAM responses (pure, no I/O).
 *
 * 30 01 / 30 10 DATA: text_len(2,BE) photo_len(2,BE) [fp_len(2,BE)] text photo [fp];
 * the 256-byte text block is UCS-2LE, space-padded, in one of four layouts chosen by the
 * character at offset 248 (resident, 'J' HK/Macao/Taiwan permit, 'I' foreign permanent
 * 2017, 'Y' foreign permanent 2023). The 1024-byte WLT photo stays opaque. The reverse
 * direction (card → bytes) exists for the simulated SAM and the tests.
 * Reference: ../shared/reference/idcard-sam-protocol.md §5–§9, §11. */
#pragma once

#include "drivers/idcard/hb-idcard.h"

G_BEGIN_DECLS

#define HB_SAM_TEXT_LEN      256
#define HB_SAM_PHOTO_LEN     1024
#define HB_SAM_FP_MAX        2048
#define HB_SAM_APPENDED_LEN  70
#define HB_SAM_ID_LEN        16

/* UCS-2LE bytes → UTF-8 with trailing spaces and NULs trimmed. Rejects odd lengths,
 * unpaired surrogates and control characters (HB_SAM_ERROR_DATA naming the field). */
char     *hb_sam_ucs2_field (const guint8 *bytes, gsize len, const char *field, GError **error);

/* Decode a 256-byte text block: dispatch on the type flag, decode every field, check the
 * ID number (check digit, birth date, sex digit) and dates. A card that fails a check is
 * refused with HB_SAM_ERROR_DATA naming the field — never a partial identity. */
HbIdCard *hb_sam_decode_text (const guint8 *text, gsize len, GError **error);

/* Decode the DATA of a 30 01 (with_fingerprint FALSE) or 30 10 response: lengths checked
 * against the buffer; the photo is copied into card->photo; the fingerprint is dropped
 * (never kept: no service needs it yet). */
HbIdCard *hb_sam_decode_base_info (const guint8 *data, gsize len, gboolean with_fingerprint,
                                   GError **error);

/* DATA of a 30 03 response (70 bytes UCS-2LE) → UTF-8; "" when blank. */
char     *hb_sam_decode_appended_address (const guint8 *data, gsize len, GError **error);

/* 16 bytes of a 12 FF response → "0102-…" hex groups for logs and maintenance. */
char     *hb_sam_format_sam_id (const guint8 *data, gsize len, GError **error);

/* GB 3304 nation code (1–56, 97, 98) → name without 族 ("汉", "蒙古"…); NULL if unknown. */
const char *hb_sam_nation_name (guint code);
/* The reverse, for the encoder; 0 if unknown. */
guint       hb_sam_nation_code (const char *name);

/* Encoders (simulator, tests, fuzz seeds). Fields too long for their slot are refused. */
gboolean  hb_sam_encode_text (const HbIdCard *card, guint8 out[HB_SAM_TEXT_LEN], GError **error);
/* DATA for a 30 01 response: lengths, text, photo (card->photo or 1024 zero bytes). */
GBytes   *hb_sam_encode_base_info (const HbIdCard *card, GError **error);
/* DATA for a 30 03 response. */
GBytes   *hb_sam_encode_appended_address (const char *address, GError **error);

G_END_DECLS
