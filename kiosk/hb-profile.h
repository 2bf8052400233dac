/* hb-profile.h — 智能预填: the platform's profile of an identified resident and the values
 * they gave in earlier applications (POST /v1/profile, docs/platform-api.md), the
 * `profile.*` and `history.*` pre-fill sources of docs/service-format.md.
 *
 * Fetched by the core when a card (or a code resolved to a person) identifies a resident;
 * held by the session for the visit and wiped with it. Everything in it is personal data:
 * never logged, zeroed before it is freed. The parser is pure and bounded
 * (tests/fuzz/fuzz-profile.c). */
#pragma once

#include "offline-cache/hb-sync.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_PROFILE_REPLY_MAX    (64 * 1024)
#define HB_PROFILE_MAX_MEMBERS  64      /* of "profile" */
#define HB_PROFILE_MAX_HISTORY  200     /* of "history" (the platform sends at most 200) */
#define HB_PROFILE_VALUE_MAX    2048    /* bytes per string value (HB_SERVICE_TEXT_MAX) */
#define HB_PROFILE_NAME_MAX     64      /* bytes per member name */

typedef struct {
  JsonObject *profile;   /* never NULL; member → string or integer */
  JsonObject *history;   /* never NULL (empty when the platform sent none) */
} HbProfile;

/* {"profile": {…}, "history": {…}?} → a copy holding only what a form can use: members named
 * [a-z0-9_] (1–64 bytes) whose value is a string (valid UTF-8 without control characters,
 * at most 2,048 bytes) or an integer; null, true/false and fractions are left out. Refused
 * (NULL, G_IO_ERROR_INVALID_DATA; the message never holds a value): not JSON, more than
 * 64 KiB, "profile" missing or not an object, "history" not an object, an object or array
 * as a value, a bad member name, a string too long or with control characters, more than
 * 64 profile or 200 history members. */
HbProfile *hb_profile_parse (const char *data, gsize length, GError **error);
/* Zeroes every string and frees. NULL-safe. */
void       hb_profile_free  (HbProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbProfile, hb_profile_free)

/* POST /v1/profile {"id_number"}. Completes with the parsed profile; a non-200 answer is
 * G_IO_ERROR_FAILED, a transport failure the network's error (offline: no profile). */
void       hb_profile_fetch_async  (HbSync *sync, const char *id_number,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
HbProfile *hb_profile_fetch_finish (GAsyncResult *result, GError **error);

G_END_DECLS
