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

typedef struct {
  char *code;
  char *name;
  char *name_en;     /* NULL if absent */
  char *category;
  char *summary;
  char *keywords;    /* the "keywords" array joined with spaces, for search; NULL if none */
  char *json;        /* the service object as compact JSON text */
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

G_END_DECLS
