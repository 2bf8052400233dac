/* hb-platform-reply.h — pure, bounded parsing of what the platform sends back (private).
 *
 * No I/O: bytes in, values out, so tests/fuzz/fuzz-platform-response.c can drive it.
 * Errors never quote the input: replies (e.g. a resolved 随申码) may carry personal data. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deepest nesting of arrays/objects accepted (json-glib parses recursively). */
#define HB_PLATFORM_JSON_MAX_DEPTH   32
/* Reply limits per endpoint (docs/platform-api.md): the catalog, everything else. */
#define HB_PLATFORM_REPLY_MAX        (64 * 1024)
#define HB_PLATFORM_TOKEN_MAX        64      /* case numbers, error codes, statuses */
#define HB_PLATFORM_ETAG_MAX         256

/* The checks hb_platform_json_parse makes before parsing (size, empty, UTF-8 without NULs,
 * depth), for callers that then parse the text in slices (hb-json-members.h). */
gboolean  hb_platform_json_check (const char *data, gsize length, gsize max_bytes,
                                  const char *what, GError **error);

/* Parses JSON text of at most max_bytes that is valid UTF-8 (no NULs) and nested at most
 * HB_PLATFORM_JSON_MAX_DEPTH deep. what names the document in the error ("catalog").
 * With quote_parser_errors, json-glib's message (which may quote the input) is included —
 * only for documents without personal data. Returns the root (transfer full) or NULL with
 * G_IO_ERROR_MESSAGE_TOO_LARGE / G_IO_ERROR_INVALID_DATA. */
JsonNode *hb_platform_json_parse (const char *data, gsize length, gsize max_bytes,
                                  const char *what, gboolean quote_parser_errors,
                                  GError **error);

/* A reply to an outbox POST (application, rating, …) or an error body. */
typedef struct {
  char *case_number;   /* "case_number", if present */
  char *status;        /* "status", if present */
  char *error_code;    /* "error", if present */
} HbPlatformReply;

/* An empty body is a valid reply with every field NULL. Otherwise the body must be a JSON
 * object within HB_PLATFORM_REPLY_MAX; the known members, if present, must be short
 * printable strings (HB_PLATFORM_TOKEN_MAX bytes). */
gboolean hb_platform_reply_parse (const char *data, gsize length, HbPlatformReply *reply,
                                  GError **error);
void     hb_platform_reply_clear (HbPlatformReply *reply);

/* Given one raw header line ("ETag: \"v1\"\r\n"), returns the ETag value (transfer full) when
 * the line is an ETag header with a sane value (printable ASCII, at most HB_PLATFORM_ETAG_MAX
 * bytes); NULL otherwise. */
char    *hb_platform_etag_from_header (const char *line, gsize length);

/* TRUE for values acceptable as an ETag / If-None-Match value. */
gboolean hb_platform_etag_is_valid (const char *etag);

/* 408, 425, 429, 5xx — and anything that is not a final answer we understand (1xx, 3xx). */
gboolean hb_platform_status_is_transient (long status);

G_END_DECLS
