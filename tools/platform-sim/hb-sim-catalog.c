/* hb-sim-catalog.c — the service catalog served by GET /v1/catalog. */
#include "tools/platform-sim/hb-sim-catalog.h"
#include "tools/platform-sim/hb-sim-http.h"

#include "tools/platform-sim/hb-sim-file.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <gio/gio.h>
#include <string.h>

/* One served version, kept to compute deltas: services by code (compact text: compared,
 * and parsed again for an answer — half the memory of keeping nodes too) and the codes in
 * catalog order. */
typedef struct {
  char       *version;
  GHashTable *text;      /* code → compact JSON text */
  GPtrArray  *order;     /* codes (owned by text's keys) */
} Version;

struct _HbSimCatalog
{
  GObject        parent_instance;
  char          *path;
  HbSimFileStamp stamp;
  GBytes        *bytes;
  GBytes        *gzipped;   /* bytes, gzip-compressed; made at the first request for it */
  char          *etag;
  char          *version;
  GPtrArray     *history;   /* Version*, oldest first; the current one last when usable */
};

static void
version_free (Version *v)
{
  g_free (v->version);
  g_ptr_array_unref (v->order);
  g_hash_table_unref (v->text);
  g_free (v);
}

/* NULL when the document has no array of objects with unique string codes. */
static Version *
version_new (const char *version, JsonObject *doc)
{
  JsonArray *services = hb_sim_json_get_array (doc, "services");
  Version *v;

  if (services == NULL)
    return NULL;
  v = g_new0 (Version, 1);
  v->version = g_strdup (version);
  v->text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  v->order = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonNode *e = json_array_get_element (services, i);
      const char *code = JSON_NODE_HOLDS_OBJECT (e)
        ? hb_sim_json_get_string (json_node_get_object (e), "code") : NULL;
      char *key;
      if (code == NULL || g_hash_table_contains (v->text, code))
        {
          version_free (v);
          return NULL;
        }
      key = g_strdup (code);
      g_hash_table_insert (v->text, key, hb_sim_json_to_string (e, NULL));
      g_ptr_array_add (v->order, key);
    }
  return v;
}

G_DEFINE_FINAL_TYPE (HbSimCatalog, hb_sim_catalog, G_TYPE_OBJECT)

static void
hb_sim_catalog_finalize (GObject *object)
{
  HbSimCatalog *self = HB_SIM_CATALOG (object);
  g_free (self->path);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->gzipped, g_bytes_unref);
  g_free (self->etag);
  g_free (self->version);
  g_clear_pointer (&self->history, g_ptr_array_unref);
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
  self->history = g_ptr_array_new_with_free_func ((GDestroyNotify) version_free);
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

/* Makes data (taken) the served catalog. */
static gboolean
take (HbSimCatalog *self, const char *origin, char *data_in, gsize len, GError **error)
{
  g_autofree char *data = data_in;
  g_autoptr(GError) local = NULL;

  g_autoptr(JsonNode) root = hb_sim_json_parse (data, len, 256, &local);
  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", origin,
                   local->message);
      return FALSE;
    }
  const char *version = JSON_NODE_HOLDS_OBJECT (root)
    ? hb_sim_json_get_string (json_node_get_object (root), "version") : NULL;
  if (version == NULL || !version_is_header_safe (version))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: not an object with a \"version\" string (printable ASCII, no quotes)",
                   origin);
      return FALSE;
    }

  /* Remember it for deltas (a re-read of the same version replaces its entry). */
  for (guint i = 0; i < self->history->len; i++)
    if (g_str_equal (((Version *) g_ptr_array_index (self->history, i))->version, version))
      g_ptr_array_remove_index (self->history, i--);
  Version *v = version_new (version, json_node_get_object (root));
  if (v != NULL)
    g_ptr_array_add (self->history, v);
  while (self->history->len > HB_SIM_CATALOG_HISTORY)
    g_ptr_array_remove_index (self->history, 0);

  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->gzipped, g_bytes_unref);
  g_free (self->etag);
  g_free (self->version);
  self->version = g_strdup (version);
  self->etag = g_strdup_printf ("\"%s\"", version);
  self->bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  return TRUE;
}

static gboolean
load (HbSimCatalog *self, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  HbSimFileStamp stamp;

  if (!hb_sim_file_read (self->path, HB_SIM_CATALOG_MAX_SIZE, &data, &len, &stamp, error))
    return FALSE;
  if (!take (self, self->path, data, len, error))
    return FALSE;
  self->stamp = stamp;
  return TRUE;
}

gboolean
hb_sim_catalog_publish (HbSimCatalog *self, const char *data, gsize len, GError **error)
{
  return take (self, "published catalog", g_memdup2 (data, len), len, error);
}

static Version *
find_version (HbSimCatalog *self, const char *version)
{
  for (guint i = 0; version != NULL && i < self->history->len; i++)
    {
      Version *v = g_ptr_array_index (self->history, i);
      if (g_str_equal (v->version, version))
        return v;
    }
  return NULL;
}

GBytes *
hb_sim_catalog_delta (HbSimCatalog *self, const char *since)
{
  Version *from = find_version (self, since);
  Version *to = find_version (self, self->version);
  g_autoptr(GPtrArray) derived = NULL;
  gboolean same_order;
  gsize len = 0;

  if (from == NULL || to == NULL)
    return NULL;

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, to->version);
  json_builder_set_member_name (b, "from_version");
  json_builder_add_string_value (b, from->version);
  json_builder_set_member_name (b, "upserts");
  json_builder_begin_array (b);
  for (guint i = 0; i < to->order->len; i++)
    {
      const char *code = g_ptr_array_index (to->order, i);
      const char *old = g_hash_table_lookup (from->text, code);
      if (old == NULL || !g_str_equal (old, g_hash_table_lookup (to->text, code)))
        json_builder_add_value (b, json_from_string (g_hash_table_lookup (to->text, code), NULL));
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "removals");
  json_builder_begin_array (b);
  derived = g_ptr_array_new ();
  for (guint i = 0; i < from->order->len; i++)
    {
      const char *code = g_ptr_array_index (from->order, i);
      if (g_hash_table_contains (to->text, code))
        g_ptr_array_add (derived, (gpointer) code);
      else
        json_builder_add_string_value (b, code);
    }
  json_builder_end_array (b);
  /* The terminal keeps its order and appends new services in delta order; only when the
   * new catalog differs from that does the delta carry the whole order. */
  for (guint i = 0; i < to->order->len; i++)
    if (!g_hash_table_contains (from->text, g_ptr_array_index (to->order, i)))
      g_ptr_array_add (derived, g_ptr_array_index (to->order, i));
  same_order = derived->len == to->order->len;
  for (guint i = 0; same_order && i < derived->len; i++)
    same_order = g_str_equal (g_ptr_array_index (derived, i), g_ptr_array_index (to->order, i));
  if (!same_order)
    {
      json_builder_set_member_name (b, "order");
      json_builder_begin_array (b);
      for (guint i = 0; i < to->order->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (to->order, i));
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  char *text = hb_sim_json_to_string (root, &len);
  return g_bytes_new_take (text, len);
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

GBytes *
hb_sim_catalog_get_gzipped (HbSimCatalog *self)
{
  if (self->gzipped == NULL)
    self->gzipped = hb_sim_gzip (self->bytes);
  return self->gzipped;
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
