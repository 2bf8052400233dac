/* hb-catalog-delta-private.h — catalog deltas (GET /v1/catalog?since=VERSION) (private).
 *
 * A delta takes the stored catalog from "from_version" to "version": services to add or
 * replace ("upserts", full service objects validated exactly like a full document's),
 * codes to remove, and — only when the new catalog is not "the old order, removals
 * dropped, new services appended in delta order" — the complete new "order". It applies
 * in one transaction, so the result is the same catalog a full pull of "version" gives,
 * or nothing changes (docs/platform-api.md, docs/offline-cache.md "Sync"). */
#pragma once

#include "offline-cache/hb-catalog-private.h"

G_BEGIN_DECLS

typedef struct {
  char              *version;
  char              *from_version;
  HbCatalogDocument *upserts;    /* version = the new version; services = the upserts */
  GPtrArray         *removals;   /* char* codes */
  GPtrArray         *order;      /* char* codes, or NULL */
} HbCatalogDelta;

/* Pure and bounded like hb_catalog_document_parse (same limits, HB_STORE_ERROR_INVALID).
 * *is_delta tells whether data is meant as a delta (a JSON object with "from_version"):
 * when it is not, NULL is returned without an error — it may be a full catalog. */
HbCatalogDelta *hb_catalog_delta_parse (const char *data, gsize length, gboolean *is_delta,
                                        GError **error);
void            hb_catalog_delta_free  (HbCatalogDelta *delta);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbCatalogDelta, hb_catalog_delta_free)

/* Applies a reply of GET /v1/catalog: a delta (*was_delta TRUE) or a full document. A delta
 * that does not fit the stored catalog (another from_version, removal of an unknown code,
 * an order that does not list exactly the resulting services) fails with
 * HB_STORE_ERROR_NOT_FOUND; a malformed one with HB_STORE_ERROR_INVALID. Either way nothing
 * changed, and the caller pulls the full catalog instead. */
gboolean hb_catalog_apply_reply (HbCatalog *self, const char *data, gsize length,
                                 const char *etag, gboolean *was_delta, GError **error);

G_END_DECLS
