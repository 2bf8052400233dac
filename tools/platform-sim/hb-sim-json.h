/* hb-sim-json.h — bounded parsing of JSON from outside (request bodies, data and state files). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_SIM_JSON_ERROR (hb_sim_json_error_quark ())
GQuark hb_sim_json_error_quark (void);

typedef enum {
  HB_SIM_JSON_ERROR_EMPTY,
  HB_SIM_JSON_ERROR_ENCODING,
  HB_SIM_JSON_ERROR_TOO_DEEP,
  HB_SIM_JSON_ERROR_SYNTAX,
} HbSimJsonError;

/* Nesting depth allowed in a request body: json-glib parses recursively, so depth is
 * bounded before it sees the bytes. */
#define HB_SIM_JSON_MAX_DEPTH 64

/* Parses len bytes of UTF-8 JSON (no NUL needed) whose nesting stays within max_depth.
 * Returns the root node (transfer full) or NULL with error set. The error message never
 * quotes the input. */
JsonNode   *hb_sim_json_parse (const char *data, gsize len, guint max_depth, GError **error);

/* Deepest nesting of arrays/objects in data, or G_MAXUINT once it exceeds limit. */

/* Member accessors that never warn on a wrong type. */
const char *hb_sim_json_get_string (JsonObject *obj, const char *member);
gboolean    hb_sim_json_get_int    (JsonObject *obj, const char *member, gint64 *out);
gboolean    hb_sim_json_get_bool   (JsonObject *obj, const char *member, gboolean *out);
JsonObject *hb_sim_json_get_object (JsonObject *obj, const char *member);
JsonArray  *hb_sim_json_get_array  (JsonObject *obj, const char *member);

/* A copy sharing nothing with node (json_node_copy shares objects and arrays). */
JsonNode   *hb_sim_json_deep_copy (JsonNode *node);

/* Compact text of node (transfer full). */
char       *hb_sim_json_to_string (JsonNode *node, gsize *length);

G_END_DECLS
