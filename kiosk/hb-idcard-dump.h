/* hb-idcard-dump.h — raw ID-reader response frames (a capture, a support ticket's dump)
 * → the cards they carry, for `haobanctl idcard parse` and `idcard read`.
 *
 * Input: one or more response frames, as binary or as hex text (any whitespace, optional
 * "0x" prefixes and commas). All or nothing: a corrupt or incomplete frame, stray bytes,
 * or card data that fails its checks makes the whole input an error naming what is wrong
 * — never a partial identity. Status-only frames (find, select…) are skipped; a 30 03
 * appended address attaches to the card before it. */
#pragma once

#include <json-glib/json-glib.h>
#include "drivers/idcard/hb-idcard.h"

G_BEGIN_DECLS

#define HB_IDCARD_DUMP_MAX (1024 * 1024)

/* Element type HbIdCard*. Errors: HB_SAM_ERROR_* for frames, HB_SAM_ERROR_DATA for cards,
 * G_IO_ERROR_INVALID_DATA for bad hex or stray bytes, G_IO_ERROR_NOT_FOUND when no frame
 * carries a card. */
GPtrArray *hb_idcard_dump_parse (const guint8 *input, gsize len, GError **error);

/* The report form: {"card_type","name","sex","nation","birth","address","id_number",
 * "issuer","valid_from","valid_to", plus the permit/foreign fields when present};
 * name, numbers, address and birth day masked unless reveal. */
JsonNode  *hb_idcard_dump_to_json (const HbIdCard *card, gboolean reveal);

G_END_DECLS
