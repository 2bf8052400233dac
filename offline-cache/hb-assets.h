/* hb-assets.h — files the catalog's services reference (guide images), as verified on this
 * terminal.
 *
 * A service may list {"id","sha256","bytes","media_type"?} objects in "assets"
 * (docs/platform-api.md). The sync thread downloads each from GET /v1/assets/<sha256> after
 * a catalog applies, checks its size and SHA-256, and keeps it as <assets dir>/<sha256>
 * (written to a temporary file, synced, renamed). The table catalog_asset maps an id to the
 * verified file; it changes only once the new file is verified, so the kiosk keeps showing
 * the old image until then. Files no service references any more are deleted. */
#pragma once

#include "offline-cache/hb-catalog.h"

G_BEGIN_DECLS

#define HB_ASSET_MAX_BYTES     (2 * 1024 * 1024)    /* one file */
#define HB_ASSETS_TOTAL_MAX    (64 * 1024 * 1024)   /* everything the catalog references */
#define HB_ASSETS_MAX_PER_SERVICE 16
#define HB_ASSET_ID_MAX        64

/* "assets" beside the database file (HbSyncOptions.assets_dir's default). (transfer full) */
char *hb_assets_default_dir (const char *db_path);

/* The verified file for asset id (transfer full), or NULL + HB_STORE_ERROR_NOT_FOUND when
 * this terminal holds no verified copy (not downloaded yet, or never referenced). */
char *hb_catalog_dup_asset_path (HbCatalog *catalog, const char *assets_dir, const char *id,
                                 GError **error);

G_END_DECLS
