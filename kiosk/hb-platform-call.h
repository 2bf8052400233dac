/* hb-platform-call.h — a small POST to the platform about the identified resident, as
 * licences, profile and the like need: the request body (personal data) is wiped once it is
 * handed to the sync engine, a 200 reply goes to the caller's bounded parser and is wiped
 * after it, any other answer is an error naming the path and the status — never a value. */
#pragma once

#include "offline-cache/hb-sync.h"

G_BEGIN_DECLS

/* Parses a 200 reply; NULL with an error when it is not acceptable. */
typedef gpointer (*HbPlatformParseFunc) (const char *data, gsize length, GError **error);

/* POST path {"id_number": id_number}; completes with what parse returned (free_result frees
 * it should nobody take it), G_IO_ERROR_FAILED for a status other than 200, or the
 * network's error (offline). source_tag: the caller's _async, for its finish. */
void     hb_platform_call_async  (HbSync *sync, const char *path, const char *id_number,
                                  HbPlatformParseFunc parse, GDestroyNotify free_result,
                                  gpointer source_tag, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gpointer hb_platform_call_finish (GAsyncResult *result, GError **error);

G_END_DECLS
