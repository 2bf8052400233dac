/* hb-catalog-delta.c — parse and apply catalog deltas, in one transaction. */
#include "offline-cache/hb-catalog-delta-private.h"
#include "offline-cache/hb-platform-reply.h"
#include "offline-cache/hb-store-private.h"
#include "common/hb-json-members.h"

#include <string.h>

/* The same meta keys as hb-catalog.c. */
#define META_VERSION    "catalog.version"
#define META_ETAG       "catalog.etag"
#define META_APPLIED_AT "catalog.applied_at"

void
hb_catalog_delta_free (HbCatalogDelta *delta)
{
  if (delta == NULL)
    return;
  g_free (delta->version);
  g_free (delta->from_version);
  hb_catalog_document_free (delta->upserts);
  g_clear_pointer (&delta->removals, g_ptr_array_unref);
  g_clear_pointer (&delta->order, g_ptr_array_unref);
  g_free (delta);
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, "catalog delta: %s", what);
  return FALSE;
}

/* A version or a code: UTF-8 without control characters, 1..max bytes. */
static gboolean
short_text (JsonNode *node, gsize max)
{
  const char *s;
  gsize n;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  s = json_node_get_string (node);
  n = strlen (s);
  if (n == 0 || n > max || !g_utf8_validate (s, (gssize) n, NULL))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if ((guchar) s[i] < 0x20 || s[i] == 0x7f)
      return FALSE;
  return TRUE;
}

/* An array of distinct codes, at most HB_CATALOG_MAX_SERVICES. */
static GPtrArray *
code_list (JsonNode *node, GHashTable *seen)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || (n = json_array_get_length (array = json_node_get_array (node))) > HB_CATALOG_MAX_SERVICES)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      if (!short_text (e, HB_CATALOG_CODE_MAX) || g_hash_table_contains (seen, json_node_get_string (e)))
        return NULL;
      g_ptr_array_add (out, g_strdup (json_node_get_string (e)));
      g_hash_table_add (seen, g_ptr_array_index (out, out->len - 1));
    }
  return g_steal_pointer (&out);
}

HbCatalogDelta *
hb_catalog_delta_parse (const char *data, gsize length, gboolean *is_delta, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(HbCatalogDelta) delta = NULL;
  g_autoptr(GHashTable) removed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ordered = g_hash_table_new (g_str_hash, g_str_equal);
  const HbJsonSlice *upserts;
  JsonNode *order;

  *is_delta = FALSE;
  /* Split, not parsed whole: a full catalog (no "from_version") goes on to
   * hb_catalog_document_parse, which parses it a service at a time. */
  if (!hb_platform_json_check (data, length, HB_CATALOG_MAX_BYTES, "catalog", &local))
    {
      g_set_error_literal (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, local->message);
      return NULL;
    }
  members = hb_json_object_members (data, length, &local);
  if (members == NULL)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, "catalog is not valid JSON: %s",
                   local->message);
      return NULL;
    }
  if (hb_json_members_lookup (members, "from_version") == NULL)
    return NULL;   /* not a delta: maybe a full catalog */
  *is_delta = TRUE;

  /* Everything but the upserts is small: parse it into one object. */
  for (guint i = 0; i < members->len; i++)
    {
      HbJsonMember *m = &g_array_index (members, HbJsonMember, i);
      if (g_str_equal (m->key, "upserts"))
        continue;
      if (!json_parser_load_from_data (parser, m->value.text, (gssize) m->value.length, &local)
          || json_parser_get_root (parser) == NULL)
        {
          invalid (error, "not valid JSON");
          return NULL;
        }
      json_object_set_member (obj, m->key, json_node_copy (json_parser_get_root (parser)));
    }

  delta = g_new0 (HbCatalogDelta, 1);
  if (!short_text (json_object_get_member (obj, "version"), HB_CATALOG_VERSION_MAX)
      || !short_text (json_object_get_member (obj, "from_version"), HB_CATALOG_VERSION_MAX))
    {
      invalid (error, "\"version\" and \"from_version\" must be short strings");
      return NULL;
    }
  delta->version = g_strdup (json_object_get_string_member (obj, "version"));
  delta->from_version = g_strdup (json_object_get_string_member (obj, "from_version"));

  upserts = hb_json_members_lookup (members, "upserts");
  if (upserts == NULL || upserts->text[0] != '[')
    {
      invalid (error, "\"upserts\" must be an array");
      return NULL;
    }
  else
    {
      /* Validated by the full document's parser (same rules, same limits, unique codes),
       * on the upserts' own text. */
      g_autoptr(JsonNode) version = json_node_init_string (json_node_alloc (), delta->version);
      g_autofree char *version_text = json_to_string (version, FALSE);
      g_autoptr(GString) text = g_string_sized_new (upserts->length + 64);
      g_string_append_printf (text, "{\"version\":%s,\"services\":", version_text);
      g_string_append_len (text, upserts->text, (gssize) upserts->length);
      g_string_append_c (text, '}');
      delta->upserts = hb_catalog_document_parse (text->str, text->len, error);
      if (delta->upserts == NULL)
        {
          g_prefix_error (error, "catalog delta upserts: ");
          return NULL;
        }
    }

  delta->removals = code_list (json_object_get_member (obj, "removals"), removed);
  if (delta->removals == NULL)
    {
      invalid (error, "\"removals\" must be an array of distinct codes");
      return NULL;
    }
  for (guint i = 0; i < delta->upserts->services->len; i++)
    if (g_hash_table_contains (removed,
                               ((HbCatalogRecord *) g_ptr_array_index (delta->upserts->services, i))->code))
      {
        invalid (error, "a code is both upserted and removed");
        return NULL;
      }

  order = json_object_get_member (obj, "order");
  if (order != NULL && !JSON_NODE_HOLDS_NULL (order))
    {
      delta->order = code_list (order, ordered);
      if (delta->order == NULL)
        {
          invalid (error, "\"order\" must be an array of distinct codes");
          return NULL;
        }
    }
  return g_steal_pointer (&delta);
}

/* --- apply ----------------------------------------------------------------------------- */

typedef struct {
  gint64 position;
  char  *json;
} Row;

static void
row_free (Row *r)
{
  g_free (r->json);
  g_free (r);
}

typedef struct {
  HbCatalogDelta *delta;
  const char     *etag;
} DeltaData;

static gboolean
not_applicable (GError **error, const char *what)
{
  g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
               "catalog delta does not apply: %s", what);
  return FALSE;
}

static void
bind_opt (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

/* The delta reorders: build the whole new document and replace (one transaction still). */
static gboolean
apply_reordered (HbStore *store, DeltaData *d, GHashTable *rows, GHashTable *upserted,
                 GError **error)
{
  HbCatalogDelta *delta = d->delta;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) version = json_node_new (JSON_NODE_VALUE);
  g_autofree char *version_text = NULL;
  g_autoptr(HbCatalogDocument) doc = NULL;
  guint expected;

  /* The order must list exactly the services that remain plus the new ones. */
  expected = g_hash_table_size (rows) - delta->removals->len;
  for (guint i = 0; i < delta->upserts->services->len; i++)
    if (!g_hash_table_contains (rows,
                                ((HbCatalogRecord *) g_ptr_array_index (delta->upserts->services, i))->code))
      expected++;
  if (delta->order->len != expected)
    return not_applicable (error, "\"order\" does not list the resulting services");

  json_node_set_string (version, delta->version);
  version_text = json_to_string (version, FALSE);
  g_string_append_printf (text, "{\"version\":%s,\"services\":[", version_text);
  for (guint i = 0; i < delta->order->len; i++)
    {
      const char *code = g_ptr_array_index (delta->order, i);
      HbCatalogRecord *r = g_hash_table_lookup (upserted, code);
      Row *row = g_hash_table_lookup (rows, code);
      gboolean removed = FALSE;
      for (guint j = 0; j < delta->removals->len && !removed; j++)
        removed = g_str_equal (g_ptr_array_index (delta->removals, j), code);
      if ((r == NULL && row == NULL) || removed)
        return not_applicable (error, "\"order\" names a service that is not there");
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, r ? r->json : row->json);
      if (text->len > HB_CATALOG_MAX_BYTES)
        return not_applicable (error, "the resulting catalog is too large");
    }
  g_string_append (text, "]}");
  doc = hb_catalog_document_parse (text->str, text->len, error);
  return doc != NULL && hb_catalog_replace_in_txn (store, doc, d->etag, error);
}

static gboolean
step_done (HbStore *store, sqlite3_stmt *stmt, GError **error)
{
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    hb_store_set_error_from_db (store, error, "apply catalog delta");
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return ok;
}

/* In place: removed rows go, changed rows keep their position, new rows are appended. */
static gboolean
apply_in_place (HbStore *store, DeltaData *d, GHashTable *rows, gint64 max_position,
                GError **error)
{
  HbCatalogDelta *delta = d->delta;
  g_autoptr(HbCatalogIndexer) ix = NULL;
  sqlite3_stmt *del = NULL, *upd = NULL, *ins = NULL;
  gboolean ok = FALSE;
  guint count = g_hash_table_size (rows) - delta->removals->len;
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

  for (guint i = 0; i < delta->upserts->services->len; i++)
    if (!g_hash_table_contains (rows,
                                ((HbCatalogRecord *) g_ptr_array_index (delta->upserts->services, i))->code))
      count++;
  if (count > HB_CATALOG_MAX_SERVICES)
    return not_applicable (error, "the resulting catalog has too many services");

  ix = hb_catalog_indexer_new (store, error);
  if (ix == NULL)
    return FALSE;
  del = hb_store_prepare (store, "DELETE FROM catalog_service WHERE position = ?1", error);
  upd = del ? hb_store_prepare (store,
                                "UPDATE catalog_service SET name = ?2, name_en = ?3,"
                                " category = ?4, summary = ?5, json = ?6 WHERE position = ?1",
                                error) : NULL;
  ins = upd ? hb_store_prepare (store,
                                "INSERT INTO catalog_service"
                                " (position, code, name, name_en, category, summary, json)"
                                " VALUES (?1, ?7, ?2, ?3, ?4, ?5, ?6)", error) : NULL;
  if (ins == NULL)
    goto out;

  for (guint i = 0; i < delta->removals->len; i++)
    {
      Row *row = g_hash_table_lookup (rows, g_ptr_array_index (delta->removals, i));
      sqlite3_bind_int64 (del, 1, row->position);
      if (!step_done (store, del, error) || !hb_catalog_indexer_remove (ix, row->position, error))
        goto out;
    }
  for (guint i = 0; i < delta->upserts->services->len; i++)
    {
      HbCatalogRecord *r = g_ptr_array_index (delta->upserts->services, i);
      Row *row = g_hash_table_lookup (rows, r->code);
      sqlite3_stmt *stmt = row ? upd : ins;
      gint64 position = row ? row->position : ++max_position;

      sqlite3_bind_int64 (stmt, 1, position);
      sqlite3_bind_text (stmt, 2, r->name, -1, SQLITE_STATIC);
      bind_opt (stmt, 3, r->name_en);
      bind_opt (stmt, 4, r->category);
      bind_opt (stmt, 5, r->summary);
      sqlite3_bind_text (stmt, 6, r->json, -1, SQLITE_STATIC);
      if (row == NULL)
        sqlite3_bind_text (stmt, 7, r->code, -1, SQLITE_STATIC);
      if (!step_done (store, stmt, error)
          || (row != NULL && !hb_catalog_indexer_remove (ix, position, error))
          || !hb_catalog_indexer_add (ix, position, r, error))
        goto out;
    }
  ok = hb_store_set_meta (store, META_VERSION, delta->version, error)
       && hb_store_set_meta (store, META_ETAG, d->etag, error)
       && hb_store_set_meta (store, META_APPLIED_AT, now, error);
out:
  sqlite3_finalize (del);
  sqlite3_finalize (upd);
  sqlite3_finalize (ins);
  return ok;
}

static gboolean
delta_txn (HbStore *store, gpointer user_data, GError **error)
{
  DeltaData *d = user_data;
  HbCatalogDelta *delta = d->delta;
  g_autofree char *current = hb_store_dup_meta (store, META_VERSION);
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GHashTable) upserted = NULL;
  sqlite3_stmt *stmt;
  gint64 max_position = 0;
  int rc;

  if (g_strcmp0 (current, delta->from_version) != 0)
    return not_applicable (error, "it starts from another version than the stored one");

  rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) row_free);
  stmt = hb_store_prepare (store, "SELECT position, code, json FROM catalog_service", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row *row = g_new0 (Row, 1);
      row->position = sqlite3_column_int64 (stmt, 0);
      row->json = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      max_position = MAX (max_position, row->position);
      g_hash_table_insert (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 1)), row);
    }
  if (rc != SQLITE_DONE)
    hb_store_set_error_from_db (store, error, "read catalog");
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  for (guint i = 0; i < delta->removals->len; i++)
    if (!g_hash_table_contains (rows, g_ptr_array_index (delta->removals, i)))
      return not_applicable (error, "it removes a service that is not in the catalog");

  if (delta->order == NULL)
    return apply_in_place (store, d, rows, max_position, error);

  upserted = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < delta->upserts->services->len; i++)
    {
      HbCatalogRecord *r = g_ptr_array_index (delta->upserts->services, i);
      g_hash_table_insert (upserted, r->code, r);
    }
  return apply_reordered (store, d, rows, upserted, error);
}

gboolean
hb_catalog_apply_reply (HbCatalog *self, const char *data, gsize length, const char *etag,
                        gboolean *was_delta, GError **error)
{
  g_autoptr(HbCatalogDelta) delta = NULL;
  gboolean is_delta = FALSE;
  DeltaData d;

  g_return_val_if_fail (HB_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (was_delta)
    *was_delta = FALSE;

  if (etag != NULL && !hb_platform_etag_is_valid (etag))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "catalog ETag is empty, too long or not printable ASCII");
      return FALSE;
    }
  delta = hb_catalog_delta_parse (data, length, &is_delta, error);
  if (was_delta)
    *was_delta = is_delta;
  if (!is_delta)
    {
      g_clear_error (error);
      return hb_catalog_apply_json (self, data, length, etag, error);
    }
  if (delta == NULL)
    return FALSE;
  d.delta = delta;
  d.etag = etag;
  if (!hb_store_transaction (hb_catalog_get_store (self), delta_txn, &d, error))
    return FALSE;
  g_debug ("catalog: delta %s -> %s applied (%u upserts, %u removals)", delta->from_version,
           delta->version, delta->upserts->services->len, delta->removals->len);
  return TRUE;
}
