/* hb-json.h — bounded JSON parsing for bytes from outside the terminal.
 *
 * json-glib's parser recurses once per nesting level and overflows the stack on input
 * such as 100000 '[' (measured: SIGSEGV with json-glib 1.6.6). Every parser of outside
 * JSON (platform replies, catalog, simulator lines, sample data) goes through
 * hb_json_parse(), which checks size, UTF-8 and nesting depth before json-glib sees it. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_JSON_DEFAULT_MAX_DEPTH 32

#define HB_JSON_ERROR (hb_json_error_quark ())
GQuark hb_json_error_quark (void);
typedef enum {
  HB_JSON_ERROR_TOO_LARGE,
  HB_JSON_ERROR_TOO_DEEP,
  HB_JSON_ERROR_INVALID,
} HbJsonError;

/* Nesting depth of arrays/objects in data, ignoring brackets inside strings; stops
 * counting (returns > max_depth) as soon as max_depth is exceeded. */
guint     hb_json_depth (const char *data, gsize length, guint max_depth);

/* Parse data (length bytes, or NUL-terminated when length < 0) into a root node.
 * Rejects more than max_bytes, invalid UTF-8, nesting deeper than max_depth, and
 * malformed JSON, each with a clear message. (transfer full) */
JsonNode *hb_json_parse (const char *data, gssize length, gsize max_bytes, guint max_depth,
                         GError **error);
/* The same, requiring the root to be an object. */
JsonObject *hb_json_parse_object (const char *data, gssize length, gsize max_bytes,
                                  guint max_depth, GError **error);

/* A string member of at most max bytes, valid UTF-8 without control characters: a copy.
 * NULL when absent or null; NULL with *bad set to TRUE when present but anything else
 * (so one check after reading several members refuses the object). (transfer full) */
char     *hb_json_dup_text_member (JsonObject *object, const char *name, gsize max,
                                   gboolean *bad);

/* Compact JSON text of a node. (transfer full) */
char     *hb_json_to_string (JsonNode *node);

/* Zero every string value in object (recursively; member names are not data): replies and
 * bodies holding personal data. Strings json-glib owns are overwritten in place: call it
 * just before the last unref. NULL-safe. */
void      hb_json_object_wipe (JsonObject *object);

G_END_DECLS
