/* hb-sim-assets.h — files served at GET /v1/assets/<sha256> (guide images), added by tests
 * through POST /_sim/assets. Kept in memory, bounded. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_SIM_ASSET_MAX_SIZE   (8u * 1024u * 1024u)   /* beyond the terminal's 2 MiB on purpose */
#define HB_SIM_ASSETS_MAX_TOTAL (64u * 1024u * 1024u)

typedef struct {
  GHashTable *by_sha;   /* lowercase hex sha256 → GBytes */
  gsize       total;
} HbSimAssets;

void    hb_sim_assets_init  (HbSimAssets *self);
void    hb_sim_assets_clear (HbSimAssets *self);

/* Stores data under its SHA-256, or under as_sha when given (a test serving a file whose
 * content does not match its name). Returns the name (transfer full) or NULL + error. */
char   *hb_sim_assets_add (HbSimAssets *self, GBytes *data, const char *as_sha, GError **error);
/* The file named sha, or NULL. (transfer none) */
GBytes *hb_sim_assets_lookup (HbSimAssets *self, const char *sha);

G_END_DECLS
