/* hb-catalog.c — the service catalog in the store: atomic replace, list, read back.
 * Search and its tables: hb-catalog-search.c. */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-platform-reply.h"
#include "offline-cache/hb-store-private.h"

#include <string.h>

struct _HbCatalog
{
  GObject  parent_instance;
  HbStore *store;
  HbCatalogSearchCache *search_cache;   /* hb-catalog-search.c; under the store lock */
};

G_DEFINE_TYPE (HbCatalog, hb_catalog, G_TYPE_OBJECT)

#define META_VERSION    "catalog.version"
#define META_ETAG       "catalog.etag"
#define META_APPLIED_AT "catalog.applied_at"

void
hb_catalog_entry_free (HbCatalogEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->code);
  g_free (entry->name);
  g_free (entry->name_en);
  g_free (entry->category);
  g_free (entry->summary);
  g_free (entry);
}

static gboolean
reindex_txn (HbStore *store, gpointer user_data, GError **error)
{
  g_autofree char *flag = hb_store_dup_meta (store, HB_CATALOG_META_REINDEX);
  if (flag == NULL)
    return TRUE;   /* another connection did it first */
  return hb_catalog_search_reindex (store, error)
         && hb_store_set_meta (store, HB_CATALOG_META_REINDEX, NULL, error);
}

HbCatalog *
hb_catalog_new (HbStore *store)
{
  g_autofree char *reindex = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (HB_IS_STORE (store), NULL);
  HbCatalog *self = g_object_new (HB_TYPE_CATALOG, NULL);
  self->store = g_object_ref (store);
  /* Once, after the schema-2 migration of a database that already held a catalog: build
   * the search tables it did not have. Failing leaves the flag for the next start. */
  reindex = hb_store_dup_meta (store, HB_CATALOG_META_REINDEX);
  if (reindex != NULL && !hb_store_transaction (store, reindex_txn, NULL, &error))
    g_warning ("catalog: cannot build the search index: %s", error->message);
  return self;
}

HbStore *
hb_catalog_get_store (HbCatalog *self)
{
  return self->store;
}

HbCatalogSearchCache **
hb_catalog_get_search_cache (HbCatalog *self)
{
  return &self->search_cache;
}

/* --- apply ----------------------------------------------------------------------------- */

typedef struct {
  HbCatalogDocument *doc;
  const char        *etag;
} ApplyData;

static void
bind_opt (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
apply_txn (HbStore *store, gpointer user_data, GError **error)
{
  ApplyData *d = user_data;
  sqlite3_stmt *svc = NULL;
  g_autoptr(HbCatalogIndexer) ix = NULL;
  gboolean ok = FALSE;
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          g_get_real_time () / G_USEC_PER_SEC);

  /* The search tables change in this same transaction (hb-catalog-search.c). */
  ix = hb_catalog_indexer_new (store, error);
  if (ix == NULL || !hb_catalog_indexer_clear (ix, error)
      || !hb_store_exec (store, "DELETE FROM catalog_service;", error))
    return FALSE;
  svc = hb_store_prepare (store,
                          "INSERT INTO catalog_service"
                          " (position, code, name, name_en, category, summary, json)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (svc == NULL)
    goto out;

  for (guint i = 0; i < d->doc->services->len; i++)
    {
      HbCatalogRecord *r = g_ptr_array_index (d->doc->services, i);
      sqlite3_int64 pos = (sqlite3_int64) i + 1;

      sqlite3_bind_int64 (svc, 1, pos);
      sqlite3_bind_text (svc, 2, r->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (svc, 3, r->name, -1, SQLITE_STATIC);
      bind_opt (svc, 4, r->name_en);
      bind_opt (svc, 5, r->category);
      bind_opt (svc, 6, r->summary);
      sqlite3_bind_text (svc, 7, r->json, -1, SQLITE_STATIC);
      if (sqlite3_step (svc) != SQLITE_DONE)
        {
          hb_store_set_error_from_db (store, error, "store catalog");
          goto out;
        }
      sqlite3_reset (svc);
      if (!hb_catalog_indexer_add (ix, pos, r, error))
        goto out;
    }
  ok = hb_catalog_indexer_finish (ix, error)
       && hb_store_set_meta (store, META_VERSION, d->doc->version, error)
       && hb_store_set_meta (store, META_ETAG, d->etag, error)
       && hb_store_set_meta (store, META_APPLIED_AT, now, error)
       && hb_store_set_meta (store, HB_CATALOG_META_REINDEX, NULL, error);
out:
  sqlite3_finalize (svc);
  return ok;
}

/* H12: the full replace inside a transaction the caller holds (a delta that reorders). */
gboolean
hb_catalog_replace_in_txn (HbStore *store, HbCatalogDocument *doc, const char *etag,
                           GError **error)
{
  ApplyData d = { doc, etag };
  return apply_txn (store, &d, error);
}

gboolean
hb_catalog_apply_json (HbCatalog *self, const char *data, gsize length, const char *etag,
                       GError **error)
{
  g_autoptr(HbCatalogDocument) doc = NULL;
  ApplyData d;

  g_return_val_if_fail (HB_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (etag != NULL && !hb_platform_etag_is_valid (etag))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "catalog ETag is empty, too long or not printable ASCII");
      return FALSE;
    }
  /* Everything is validated before the database is touched. */
  doc = hb_catalog_document_parse (data, length, error);
  if (doc == NULL)
    return FALSE;

  d.doc = doc;
  d.etag = etag;
  if (!hb_store_transaction (self->store, apply_txn, &d, error))
    return FALSE;
  g_debug ("catalog: applied version %s (%u services)", doc->version, doc->services->len);
  return TRUE;
}

/* --- read ------------------------------------------------------------------------------ */

char *
hb_catalog_dup_version (HbCatalog *self)
{
  g_return_val_if_fail (HB_IS_CATALOG (self), NULL);
  return hb_store_dup_meta (self->store, META_VERSION);
}

gint64
hb_catalog_get_applied_at (HbCatalog *self)
{
  g_autofree char *at = NULL;
  gint64 value = 0;

  g_return_val_if_fail (HB_IS_CATALOG (self), 0);
  at = hb_store_dup_meta (self->store, META_APPLIED_AT);
  if (at == NULL || !g_ascii_string_to_signed (at, 10, 0, G_MAXINT64, &value, NULL))
    return 0;
  return value;
}

char *
hb_catalog_dup_etag (HbCatalog *self)
{
  g_return_val_if_fail (HB_IS_CATALOG (self), NULL);
  return hb_store_dup_meta (self->store, META_ETAG);
}

guint
hb_catalog_count (HbCatalog *self)
{
  sqlite3_stmt *stmt;
  guint n = 0;

  g_return_val_if_fail (HB_IS_CATALOG (self), 0);
  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store, "SELECT count(*) FROM catalog_service", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  hb_store_unlock (self->store);
  return n;
}

static char *
dup_column (sqlite3_stmt *stmt, int col)
{
  const unsigned char *t = sqlite3_column_text (stmt, col);
  return t ? g_strdup ((const char *) t) : NULL;
}

static HbAudience
audience_of (sqlite3_stmt *stmt, int col)
{
  const char *text;
  HbAudience a = 0;

  /* Search reads the bits stored at apply time (catalog_search.audience). */
  if (sqlite3_column_type (stmt, col) == SQLITE_INTEGER)
    {
      a = (HbAudience) (sqlite3_column_int (stmt, col)
                        & (HB_AUDIENCE_PERSON | HB_AUDIENCE_ENTERPRISE));
      return a ? a : HB_AUDIENCE_PERSON;
    }
  text = (const char *) sqlite3_column_text (stmt, col);
  if (text == NULL)
    return HB_AUDIENCE_PERSON;
  /* Either the word itself or a JSON array of the validated words. */
  if (strstr (text, "person"))
    a |= HB_AUDIENCE_PERSON;
  if (strstr (text, "enterprise"))
    a |= HB_AUDIENCE_ENTERPRISE;
  return a ? a : HB_AUDIENCE_PERSON;
}

HbCatalogEntry *
hb_catalog_entry_from_row (sqlite3_stmt *stmt)
{
  HbCatalogEntry *e = g_new0 (HbCatalogEntry, 1);
  e->code = dup_column (stmt, 0);
  e->name = dup_column (stmt, 1);
  e->name_en = dup_column (stmt, 2);
  e->category = dup_column (stmt, 3);
  e->summary = dup_column (stmt, 4);
  e->audience = audience_of (stmt, 5);
  return e;
}

/* Runs a prepared query whose columns are HB_CATALOG_ENTRY_COLUMNS. */
GPtrArray *
hb_catalog_collect_entries (HbCatalog *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) out =
    g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_entry_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, hb_catalog_entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      hb_store_set_error_from_db (self->store, error, "read catalog");
      return NULL;
    }
  return g_steal_pointer (&out);
}

GPtrArray *
hb_catalog_list (HbCatalog *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *out = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (HB_IS_CATALOG (self), NULL);
  hb_store_lock (self->store);
  /* The audience bits the indexer stored, as search reads them: json_extract over every
   * service's JSON made listing 10,000 services ~4× slower on the UI thread
   * (tests/bench/bench-sync.c). A row without them (none expected) falls back to it. */
  stmt = hb_store_prepare (self->store,
                           "SELECT s.code, s.name, s.name_en, s.category, s.summary,"
                           " coalesce (cs.audience, json_extract (s.json, '$.audience'))"
                           " FROM catalog_service s"
                           " LEFT JOIN catalog_search cs ON cs.position = s.position"
                           " ORDER BY s.position", &error);
  if (stmt != NULL)
    out = hb_catalog_collect_entries (self, stmt, &error);
  sqlite3_finalize (stmt);
  hb_store_unlock (self->store);
  if (out == NULL)
    {
      g_warning ("catalog: cannot list services: %s", error->message);
      out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_entry_free);
    }
  return out;
}

GHashTable *
hb_catalog_dup_names (HbCatalog *self)
{
  g_autoptr(GPtrArray) list = hb_catalog_list (self);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < list->len; i++)
    {
      HbCatalogEntry *e = list->pdata[i];
      g_hash_table_replace (names, g_strdup (e->code), g_strdup (e->name));
    }
  return names;
}

/* hb_catalog_search and hb_catalog_note_use: hb-catalog-search.c */

char *
hb_catalog_dup_service_json (HbCatalog *self, const char *code, GError **error)
{
  sqlite3_stmt *stmt;
  char *json = NULL;
  int rc;

  g_return_val_if_fail (HB_IS_CATALOG (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store, "SELECT json FROM catalog_service WHERE code = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        json = dup_column (stmt, 0);
      else if (rc == SQLITE_DONE)
        g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
                     "no service with code %.64s in the catalog", code);
      else
        hb_store_set_error_from_db (self->store, error, "read service");
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self->store);
  return json;
}

static void
hb_catalog_finalize (GObject *object)
{
  HbCatalog *self = HB_CATALOG (object);
  /* Its statements belong to the store's connection: finalised first. */
  g_clear_pointer (&self->search_cache, hb_catalog_search_cache_free);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (hb_catalog_parent_class)->finalize (object);
}

static void
hb_catalog_class_init (HbCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hb_catalog_finalize;
}

static void
hb_catalog_init (HbCatalog *self)
{
}
