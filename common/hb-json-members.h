/* hb-json-members.h — a JSON object's members, or an array's elements, as slices of the
 * text, without building a tree.
 *
 * A 20 MB catalog becomes ~180 MB of JsonNodes when json-glib parses it whole (measured).
 * Splitting the document first lets the caller parse one service at a time, so peak memory
 * follows the largest service, not the catalog. The splitter checks the structure between
 * the slices (brackets balanced and matched, ':' and ',' in place, strings closed, nothing
 * after the end); the slices themselves are JSON text the caller parses with
 * hb_json_parse(), which validates them completely. Run hb_json_depth() (or hb_json_parse
 * limits) over the whole text first: nesting deeper than HB_JSON_MEMBERS_MAX_DEPTH is
 * refused here too. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_JSON_MEMBERS_MAX_DEPTH 64

typedef struct {
  const char *text;     /* into the caller's data */
  gsize       length;
} HbJsonSlice;

typedef struct {
  char       *key;      /* decoded */
  HbJsonSlice value;
} HbJsonMember;

/* The members of the object that data holds (whitespace around it allowed), in order.
 * Duplicate keys are refused. (transfer full: GArray of HbJsonMember, keys freed with it) */
GArray *hb_json_object_members  (const char *data, gsize length, GError **error);
/* The elements of the array that data holds; more than max_elements is refused.
 * (transfer full: GArray of HbJsonSlice) */
GArray *hb_json_array_elements  (const char *data, gsize length, guint max_elements,
                                 GError **error);
/* The member with this key, or NULL. */
const HbJsonSlice *hb_json_members_lookup (GArray *members, const char *key);

G_END_DECLS
