/* hb-sim-assets.c — files served at GET /v1/assets/<sha256>. */
#include "tools/platform-sim/hb-sim-assets.h"

#include <gio/gio.h>
#include <string.h>

void
hb_sim_assets_init (HbSimAssets *self)
{
  self->by_sha = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_bytes_unref);
  self->total = 0;
}

void
hb_sim_assets_clear (HbSimAssets *self)
{
  g_clear_pointer (&self->by_sha, g_hash_table_unref);
  self->total = 0;
}

static gboolean
sha_name_ok (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

char *
hb_sim_assets_add (HbSimAssets *self, GBytes *data, const char *as_sha, GError **error)
{
  gsize len = g_bytes_get_size (data);
  char *name;
  GBytes *old;

  if (len == 0 || len > HB_SIM_ASSET_MAX_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "an asset is 1 to %u bytes", HB_SIM_ASSET_MAX_SIZE);
      return NULL;
    }
  if (as_sha != NULL && !sha_name_ok (as_sha))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "\"as\" must be 64 lowercase hexadecimal digits");
      return NULL;
    }
  name = as_sha ? g_strdup (as_sha)
                : g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  old = g_hash_table_lookup (self->by_sha, name);
  if (self->total - (old ? g_bytes_get_size (old) : 0) + len > HB_SIM_ASSETS_MAX_TOTAL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "the sim keeps at most %u bytes of assets",
                   HB_SIM_ASSETS_MAX_TOTAL);
      g_free (name);
      return NULL;
    }
  self->total = self->total - (old ? g_bytes_get_size (old) : 0) + len;
  g_hash_table_replace (self->by_sha, g_strdup (name), g_bytes_new (g_bytes_get_data (data, NULL), len));
  return name;
}

GBytes *
hb_sim_assets_lookup (HbSimAssets *self, const char *sha)
{
  return sha ? g_hash_table_lookup (self->by_sha, sha) : NULL;
}
