/* hb-sim-catalog.c — the service catalog served by GET /v1/catalog. */
#include "tools/platform-sim/hb-sim-catalog.h"

#include "tools/platform-sim/hb-sim-file.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <gio/gio.h>
#include <string.h>

struct _HbSimCatalog
{
  GObject        parent_instance;
  char          *path;
  HbSimFileStamp stamp;
  GBytes        *bytes;
  char          *etag;
};

G_DEFINE_FINAL_TYPE (HbSimCatalog, hb_sim_catalog, G_TYPE_OBJECT)

static void
hb_sim_catalog_finalize (GObject *object)
{
  HbSimCatalog *self = HB_SIM_CATALOG (object);
  g_free (self->path);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->etag);
  G_OBJECT_CLASS (hb_sim_catalog_parent_class)->finalize (object);
}

static void
hb_sim_catalog_class_init (HbSimCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_sim_catalog_finalize;
}

static void
hb_sim_catalog_init (HbSimCatalog *self)
{
}

/* The version goes into a header as a quoted entity tag: printable ASCII without quotes. */
static gboolean
version_is_header_safe (const char *v)
{
  gsize n = strlen (v);
  if (n == 0 || n > 200)
    return FALSE;
  for (const char *p = v; *p; p++)
    if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == '\\')
      return FALSE;
  return TRUE;
}

static gboolean
load (HbSimCatalog *self, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  HbSimFileStamp stamp;

  if (!hb_sim_file_read (self->path, HB_SIM_CATALOG_MAX_SIZE, &data, &len, &stamp, error))
    return FALSE;

  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, 256, &local);
  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", self->path,
                   local->message);
      return FALSE;
    }
  const char *version = JSON_NODE_HOLDS_OBJECT (root)
    ? hb_sim_json_get_string (json_node_get_object (root), "version") : NULL;
  if (version == NULL || !version_is_header_safe (version))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: not an object with a \"version\" string (printable ASCII, no quotes)",
                   self->path);
      return FALSE;
    }

  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->etag);
  self->etag = g_strdup_printf ("\"%s\"", version);
  self->bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  self->stamp = stamp;
  return TRUE;
}

HbSimCatalog *
hb_sim_catalog_new (const char *path, GError **error)
{
  g_autoptr(HbSimCatalog) self = g_object_new (HB_TYPE_SIM_CATALOG, NULL);
  self->path = g_strdup (path);
  if (!load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
hb_sim_catalog_refresh (HbSimCatalog *self)
{
  g_autoptr(GError) error = NULL;
  if (!hb_sim_file_changed (self->path, &self->stamp))
    return;
  if (!load (self, &error))
    {
      g_printerr ("haoban-platform-sim: keeping catalog %s: %s\n", self->etag, error->message);
      /* Don't retry a broken file on every request; wait for its next change. */
      hb_sim_file_stamp (self->path, &self->stamp);
    }
}

GBytes *
hb_sim_catalog_get_bytes (HbSimCatalog *self)
{
  return self->bytes;
}

const char *
hb_sim_catalog_get_etag (HbSimCatalog *self)
{
  return self->etag;
}

gboolean
hb_sim_catalog_etag_matches (HbSimCatalog *self, const char *if_none_match)
{
  if (if_none_match == NULL)
    return FALSE;
  g_auto(GStrv) tags = g_strsplit (if_none_match, ",", 64);
  for (char **t = tags; *t; t++)
    {
      const char *tag = g_strstrip (*t);
      if (g_str_has_prefix (tag, "W/"))   /* weak comparison, as RFC 9110 wants for 304 */
        tag += 2;
      if (g_str_equal (tag, "*") || g_str_equal (tag, self->etag))
        return TRUE;
    }
  return FALSE;
}
