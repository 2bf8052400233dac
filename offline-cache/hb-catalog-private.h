/* hb-catalog-private.h — the catalog document as validated from the platform (private).
 *
 * hb_catalog_document_parse is pure (bytes in, struct out) so the fuzz targets can drive it;
 * hb_catalog_apply_json parses completely first and only then touches the database. */
#pragma once

#include "offline-cache/hb-catalog.h"

G_BEGIN_DECLS

#define HB_CATALOG_MAX_SERVICES      10000
#define HB_CATALOG_VERSION_MAX       64      /* bytes */
#define HB_CATALOG_CODE_MAX          64
#define HB_CATALOG_NAME_MAX          256
#define HB_CATALOG_NAME_EN_MAX       512
#define HB_CATALOG_CATEGORY_MAX      128
#define HB_CATALOG_SUMMARY_MAX       4096
#define HB_CATALOG_KEYWORDS_MAX      32      /* entries of the optional "keywords" array */
#define HB_CATALOG_KEYWORD_MAX       64      /* bytes per keyword */
#define HB_CATALOG_SERVICE_JSON_MAX  (256 * 1024)
#define HB_CATALOG_POPULARITY_MAX    G_GINT64_CONSTANT (1000000000000)

typedef struct {
  char *code;
  char *name;
  char *name_en;     /* NULL if absent */
  char *category;
  char *summary;
  char *keywords;    /* the "keywords" array joined with spaces, for search; NULL if none */
  char *json;        /* the service object as compact JSON text */
  gint64 popularity; /* optional "popularity" (0 … HB_CATALOG_POPULARITY_MAX); 0 if absent */
  guint  audience;   /* HbAudience bits; HB_AUDIENCE_PERSON if absent */
} HbCatalogRecord;

typedef struct {
  char      *version;
  GPtrArray *services;   /* HbCatalogRecord*, catalog order */
} HbCatalogDocument;

/* Errors: HB_STORE_ERROR_INVALID with a message naming the service by index, never its
 * content beyond the code. */
HbCatalogDocument *hb_catalog_document_parse (const char *data, gsize length, GError **error);
void               hb_catalog_document_free  (HbCatalogDocument *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbCatalogDocument, hb_catalog_document_free)

/* --- shared by hb-catalog.c and hb-catalog-search.c ---------------------------------- */

struct sqlite3_stmt;

HbStore *hb_catalog_get_store (HbCatalog *self);
/* Prepared search statements kept by the HbCatalog (hb-catalog-search.c). */
typedef struct _HbCatalogSearchCache HbCatalogSearchCache;
HbCatalogSearchCache **hb_catalog_get_search_cache (HbCatalog *self);
void                   hb_catalog_search_cache_free (HbCatalogSearchCache *cache);

/* H12 (deltas, hb-catalog-delta.c): replace the stored catalog with doc, version and etag
 * included, inside a transaction the caller holds. */
gboolean hb_catalog_replace_in_txn (HbStore *store, HbCatalogDocument *doc, const char *etag,
                                    GError **error);

/* Columns of catalog_service AS s that hb_catalog_entry_from_row reads, in order. The
 * audience lives in the service's JSON (validated when applied), so no column of its own. */
#define HB_CATALOG_ENTRY_COLUMNS \
  "s.code, s.name, s.name_en, s.category, s.summary, json_extract (s.json, '$.audience')"
HbCatalogEntry *hb_catalog_entry_from_row (struct sqlite3_stmt *stmt);
/* Every row of a prepared query with those columns (NULL with error on a database error). */
GPtrArray      *hb_catalog_collect_entries (HbCatalog *self, struct sqlite3_stmt *stmt,
                                            GError **error);

/* The search tables (catalog_fts, catalog_search, catalog_gram, catalog_pinyin_fts) are
 * written only through an indexer, inside the transaction that changes catalog_service
 * (hb-catalog-search.c; prepared statements kept for the whole apply). A full replace:
 * clear, add every service, finish. A delta: remove the changed/removed positions (one
 * key lookup per gram of the service, no scan), add the new rows, finish. Positions are
 * catalog_service.position; the record needs code, name, name_en, summary, keywords,
 * popularity, audience (json is not used). Call finish before the transaction commits. */
typedef struct _HbCatalogIndexer HbCatalogIndexer;
HbCatalogIndexer *hb_catalog_indexer_new    (HbStore *store, GError **error);
gboolean          hb_catalog_indexer_clear  (HbCatalogIndexer *ix, GError **error);
gboolean          hb_catalog_indexer_add    (HbCatalogIndexer *ix, gint64 position,
                                             const HbCatalogRecord *r, GError **error);
gboolean          hb_catalog_indexer_remove (HbCatalogIndexer *ix, gint64 position,
                                             GError **error);
gboolean          hb_catalog_indexer_finish (HbCatalogIndexer *ix, GError **error);
void              hb_catalog_indexer_free   (HbCatalogIndexer *ix);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbCatalogIndexer, hb_catalog_indexer_free)

/* Rebuilds all search tables from catalog_service (after the schema-2 migration of a
 * database that already held a catalog). Call inside a transaction. */
gboolean hb_catalog_search_reindex (HbStore *store, GError **error);
/* meta key set by the schema-2 migration when a catalog needs reindexing. */
#define HB_CATALOG_META_REINDEX "catalog.search_reindex"

/* The search statements (for EXPLAIN QUERY PLAN in tests). Short (1–2 characters): ?1
 * folded query, ?2 limit. Text (≥ 3) and long (≥ 3, letters and digits: also pinyin): ?1
 * FTS5 phrase, ?2 limit, ?3 folded query. */
extern const char hb_catalog_search_sql_short[];
extern const char hb_catalog_search_sql_text[];
extern const char hb_catalog_search_sql_long[];

G_END_DECLS
