/* hb-assets-private.h — the downloader of catalog assets (sync thread only). */
#pragma once

#include "offline-cache/hb-assets.h"
#include "offline-cache/hb-http-private.h"
#include "offline-cache/hb-store.h"

G_BEGIN_DECLS

/* TRUE for 64 lowercase hexadecimal digits. */
gboolean hb_asset_sha256_is_valid (const char *sha256);
/* TRUE for 1..HB_ASSET_ID_MAX of [A-Za-z0-9._-]. */
gboolean hb_asset_id_is_valid (const char *id);

typedef struct {
  guint referenced;   /* distinct ids the catalog references */
  guint fetched;      /* downloaded and verified now */
  guint failed;       /* could not be fetched or verified (the old copy, if any, stays) */
  guint deleted;      /* files removed because nothing references them */
} HbAssetsResult;

/* Brings dir in line with the stored catalog. base: the request every download starts from
 * (terminal id, timeouts, abort hook, TLS); its url and max_reply are replaced per asset,
 * platform_url is prefixed to /v1/assets/<sha256>. FALSE only for local failures (store,
 * directory); download failures count in result->failed. */
gboolean hb_assets_sync (HbStore *store, const char *dir, CURL *curl,
                         const HbHttpRequest *base, const char *platform_url,
                         HbAssetsResult *result, GError **error);

G_END_DECLS
