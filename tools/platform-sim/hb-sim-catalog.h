/* hb-sim-catalog.h — the service catalog served by GET /v1/catalog (DATA/catalog.json). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Larger than the terminal's 128 MiB limit on purpose: a test may serve an oversized
 * catalog to check that the terminal refuses it. Also the limit of POST /_sim/catalog. */
#define HB_SIM_CATALOG_MAX_SIZE (192u * 1024u * 1024u)

#define HB_TYPE_SIM_CATALOG (hb_sim_catalog_get_type ())
G_DECLARE_FINAL_TYPE (HbSimCatalog, hb_sim_catalog, HB, SIM_CATALOG, GObject)

/* Loads path now: it must be a JSON object with a non-empty string "version". */
HbSimCatalog *hb_sim_catalog_new (const char *path, GError **error);

/* Re-reads the file when it changed on disk since the last load. A new version that does
 * not load keeps the previous one (and says so on stderr). */
void          hb_sim_catalog_refresh (HbSimCatalog *self);

/* The file's bytes as served, and the quoted version used as ETag. */
GBytes       *hb_sim_catalog_get_bytes (HbSimCatalog *self);
const char   *hb_sim_catalog_get_etag  (HbSimCatalog *self);
/* The same bytes gzip-compressed (for Accept-Encoding: gzip), made once per version. */
GBytes       *hb_sim_catalog_get_gzipped (HbSimCatalog *self);

/* Whether an If-None-Match header value (a list of entity tags, or "*") names the
 * current version. */
gboolean      hb_sim_catalog_etag_matches (HbSimCatalog *self, const char *if_none_match);

/* POST /_sim/catalog: serve this full catalog document from now on (a new version; the
 * file on disk takes over again only when it changes). Same checks as the file. */
gboolean      hb_sim_catalog_publish (HbSimCatalog *self, const char *data, gsize len,
                                      GError **error);

/* Versions kept to answer GET /v1/catalog?since=V with a delta (the oldest are forgotten). */
#define HB_SIM_CATALOG_HISTORY 16u

/* The delta document from version since to the current one (docs/platform-api.md), or NULL
 * when since is unknown (forgotten, never served) or a version has no usable "services"
 * array: then the full catalog is the answer. (transfer full) */
GBytes       *hb_sim_catalog_delta (HbSimCatalog *self, const char *since);

G_END_DECLS
