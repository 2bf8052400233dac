/* hb-idcard-private.h — internals of HbIdCard shared with drivers and tests. */
#pragma once

#include "drivers/idcard/hb-idcard.h"

G_BEGIN_DECLS

/* Largest JSON text hb_idcard_new_from_json_data() looks at. */
#define HB_IDCARD_JSON_MAX (64 * 1024)

/* Zeroes every string of @card in place and drops (wiped) the photo, leaving the strings
 * allocated: hb_idcard_free() is wipe + free. Exposed so tests can observe the wipe. */
void hb_idcard_wipe (HbIdCard *card);

G_END_DECLS
