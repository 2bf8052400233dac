/* hb-catalog.h — the service catalog cached from the platform.
 *
 * Filled only by sync (hb_catalog_apply_json) — atomically: a catalog either replaces the
 * old one completely or not at all. Readers get copies; nothing here blocks for long. */
#pragma once

#include "offline-cache/hb-store.h"

G_BEGIN_DECLS

/* Upper bound of a catalog document accepted from the platform. */
#define HB_CATALOG_MAX_BYTES (128 * 1024 * 1024)
/* Search: longer queries are rejected (HB_STORE_ERROR_INVALID); results are capped. */
#define HB_CATALOG_QUERY_MAX_CHARS    64
#define HB_CATALOG_SEARCH_MAX_RESULTS 100

/* Who a service is for: residents (自然人) and/or businesses (法人). A service without
 * "audience" in the catalog is for residents. */
typedef enum {
  HB_AUDIENCE_PERSON     = 1 << 0,
  HB_AUDIENCE_ENTERPRISE = 1 << 1,
} HbAudience;

typedef struct {
  char *code;        /* opaque service code; never parsed */
  char *name;        /* zh_CN */
  char *name_en;     /* may be NULL */
  char *category;    /* may be NULL */
  char *summary;     /* may be NULL */
  HbAudience audience;
} HbCatalogEntry;

void hb_catalog_entry_free (HbCatalogEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbCatalogEntry, hb_catalog_entry_free)

#define HB_TYPE_CATALOG (hb_catalog_get_type ())
G_DECLARE_FINAL_TYPE (HbCatalog, hb_catalog, HB, CATALOG, GObject)

HbCatalog *hb_catalog_new (HbStore *store);

/* Validates and applies a catalog document (see docs/platform-api.md, GET /v1/catalog):
 *   {"version":"2026.11.1","services":[{"code":"…","name":"…", …full service object…}, …]}
 * Rejects (HB_STORE_ERROR_INVALID, nothing changed) anything malformed: bad JSON, missing
 * version/code/name, duplicate codes, over-long strings, more than 10000 services, an
 * "audience" other than "person", "enterprise" or an array of those. */
gboolean   hb_catalog_apply_json (HbCatalog *self, const char *data, gsize length,
                                  const char *etag, GError **error);

/* NULL when no catalog was ever applied. (transfer full) */
char      *hb_catalog_dup_version (HbCatalog *self);
char      *hb_catalog_dup_etag    (HbCatalog *self);
/* When the catalog in the store was applied (unix seconds), 0 when never. */
gint64     hb_catalog_get_applied_at (HbCatalog *self);
guint      hb_catalog_count       (HbCatalog *self);
/* All services in catalog order. Element type HbCatalogEntry*. */
GPtrArray *hb_catalog_list (HbCatalog *self);
/* code → name of every service (what reports and charts print instead of codes).
 * (transfer full) */
GHashTable *hb_catalog_dup_names (HbCatalog *self);

/* Browsing (hb-catalog-browse.c): the services of one life event and/or one department,
 * in catalog order or most used first (popularity plus this terminal's uses); a life
 * event's 一件事 bundles come first. */
typedef struct {
  const char *life_event;     /* an id of docs/service-format.md ("birth" …); NULL: any */
  const char *department;     /* the service's "department" as written; NULL: any */
  gboolean    most_used;      /* order by use instead of catalog order */
} HbCatalogBrowse;
GPtrArray *hb_catalog_browse (HbCatalog *self, const HbCatalogBrowse *browse, GError **error);

typedef struct {
  char  *value;               /* a life event id or a department */
  guint  services;
  char  *value_en;            /* a department's "department_en", or NULL */
} HbCatalogFacet;
void       hb_catalog_facet_free (HbCatalogFacet *facet);
/* What there is to browse by: "life_events" or "department", with how many services each,
 * most services first. (element type HbCatalogFacet*) */
GPtrArray *hb_catalog_facets (HbCatalog *self, const char *member, GError **error);
/* Search names, summaries, name_en, the optional "keywords" array and the pinyin of the
 * names (initials `jzz` or full `juzhuzheng` → 居住证签注): FTS5 trigram for queries of ≥ 3
 * characters, an index of 1- and 2-character grams below. Leading/trailing blanks are
 * ignored; an empty query gives an empty array. Ranked by match quality (exact name, name
 * prefix, name substring, other fields; pinyin counts as the name), then popularity + local
 * uses, then catalog order (docs/offline-cache.md "Catalog search"). At most
 * HB_CATALOG_SEARCH_MAX_RESULTS (implemented in hb-catalog-search.c). */
GPtrArray *hb_catalog_search (HbCatalog *self, const char *query, GError **error);
/* A resident chose this service: its local use count (kept across catalog replacements,
 * per code) goes up by one and lifts it in search ranking. HB_STORE_ERROR_NOT_FOUND if the
 * code is not in the catalog. It commits a transaction (an fsync): from the UI thread use
 * the async form, which runs it on a GTask worker. */
gboolean   hb_catalog_note_use (HbCatalog *self, const char *code, GError **error);
void       hb_catalog_note_use_async  (HbCatalog *self, const char *code,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean   hb_catalog_note_use_finish (HbCatalog *self, GAsyncResult *result, GError **error);
/* The full service object as the platform sent it, as JSON text; NULL + error if unknown. */
char      *hb_catalog_dup_service_json (HbCatalog *self, const char *code, GError **error);

G_END_DECLS
