/* hb-licences.h — 两个免于提交: the electronic licences (电子证照) the platform holds for an
 * identified resident (POST /v1/licences). A material whose `licence` type is among them is
 * not asked for (docs/service-format.md). Only the types are kept for the visit; numbers
 * are masked by the platform and never stored. The parser is pure and bounded
 * (tests/fuzz/fuzz-licences.c). */
#pragma once

#include "offline-cache/hb-sync.h"

G_BEGIN_DECLS

#define HB_LICENCES_MAX        32
#define HB_LICENCES_REPLY_MAX  (32 * 1024)

/* {"licences": [{"type", "name", …}, …]} → the distinct types, NULL-terminated
 * (transfer full), or NULL with G_IO_ERROR_INVALID_DATA. */
GStrv    hb_licences_parse (const char *data, gsize length, GError **error);

void     hb_licences_fetch_async  (HbSync *sync, const char *id_number,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
GStrv    hb_licences_fetch_finish (GAsyncResult *result, GError **error);

G_END_DECLS
