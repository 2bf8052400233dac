/* hb-catalog.c — the service catalog in the store: atomic replace, list, search. */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-platform-reply.h"
#include "offline-cache/hb-store-private.h"

#include <string.h>

struct _HbCatalog
{
  GObject  parent_instance;
  HbStore *store;
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

HbCatalog *
hb_catalog_new (HbStore *store)
{
  g_return_val_if_fail (HB_IS_STORE (store), NULL);
  HbCatalog *self = g_object_new (HB_TYPE_CATALOG, NULL);
  self->store = g_object_ref (store);
  return self;
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
  sqlite3_stmt *svc = NULL, *fts = NULL;
  gboolean ok = FALSE;
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          g_get_real_time () / G_USEC_PER_SEC);

  if (!hb_store_exec (store, "DELETE FROM catalog_service; DELETE FROM catalog_fts;", error))
    return FALSE;
  svc = hb_store_prepare (store,
                          "INSERT INTO catalog_service"
                          " (position, code, name, name_en, category, summary, json)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  fts = svc ? hb_store_prepare (store,
                                "INSERT INTO catalog_fts (rowid, name, summary, name_en, keywords)"
                                " VALUES (?1, ?2, ?3, ?4, ?5)", error)
            : NULL;
  if (fts == NULL)
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
      sqlite3_bind_int64 (fts, 1, pos);
      sqlite3_bind_text (fts, 2, r->name, -1, SQLITE_STATIC);
      bind_opt (fts, 3, r->summary);
      bind_opt (fts, 4, r->name_en);
      bind_opt (fts, 5, r->keywords);
      if (sqlite3_step (svc) != SQLITE_DONE || sqlite3_step (fts) != SQLITE_DONE)
        {
          hb_store_set_error_from_db (store, error, "store catalog");
          goto out;
        }
      sqlite3_reset (svc);
      sqlite3_reset (fts);
    }
  ok = hb_store_set_meta (store, META_VERSION, d->doc->version, error)
       && hb_store_set_meta (store, META_ETAG, d->etag, error)
       && hb_store_set_meta (store, META_APPLIED_AT, now, error);
out:
  sqlite3_finalize (svc);
  sqlite3_finalize (fts);
  return ok;
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

/* The audience lives in the service's JSON (validated when the catalog was applied), so
 * no column of its own: the stored text or array is read back with json_extract. */
#define AUDIENCE_COLUMN(json) "json_extract(" json ", '$.audience')"

static HbAudience
audience_of (sqlite3_stmt *stmt, int col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  HbAudience a = 0;

  if (text == NULL)
    return HB_AUDIENCE_PERSON;
  /* Either the word itself or a JSON array of the validated words. */
  if (strstr (text, "person"))
    a |= HB_AUDIENCE_PERSON;
  if (strstr (text, "enterprise"))
    a |= HB_AUDIENCE_ENTERPRISE;
  return a ? a : HB_AUDIENCE_PERSON;
}

/* Runs a prepared query whose columns are code, name, name_en, category, summary, audience. */
static GPtrArray *
collect_entries (HbCatalog *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) out =
    g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_entry_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HbCatalogEntry *e = g_new0 (HbCatalogEntry, 1);
      e->code = dup_column (stmt, 0);
      e->name = dup_column (stmt, 1);
      e->name_en = dup_column (stmt, 2);
      e->category = dup_column (stmt, 3);
      e->summary = dup_column (stmt, 4);
      e->audience = audience_of (stmt, 5);
      g_ptr_array_add (out, e);
    }
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
  stmt = hb_store_prepare (self->store,
                           "SELECT code, name, name_en, category, summary, "
                           AUDIENCE_COLUMN ("json")
                           " FROM catalog_service ORDER BY position", &error);
  if (stmt != NULL)
    out = collect_entries (self, stmt, &error);
  sqlite3_finalize (stmt);
  hb_store_unlock (self->store);
  if (out == NULL)
    {
      g_warning ("catalog: cannot list services: %s", error->message);
      out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_entry_free);
    }
  return out;
}

/* "…" with embedded quotes doubled: the user's text is one FTS5 phrase, never syntax. */
static char *
fts_phrase (const char *query)
{
  GString *s = g_string_new ("\"");
  for (const char *p = query; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* %…% with the LIKE wildcards and the escape character escaped. */
static char *
like_pattern (const char *query)
{
  GString *s = g_string_new ("%");
  for (const char *p = query; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

#define SEARCH_COLUMNS "s.code, s.name, s.name_en, s.category, s.summary, " \
                       AUDIENCE_COLUMN ("s.json")

GPtrArray *
hb_catalog_search (HbCatalog *self, const char *query, GError **error)
{
  g_autofree char *q = NULL;
  g_autofree char *bound = NULL;
  GPtrArray *out = NULL;
  sqlite3_stmt *stmt;
  glong chars;
  gboolean fts;

  g_return_val_if_fail (HB_IS_CATALOG (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!g_utf8_validate (query, -1, NULL))
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "search text is not valid UTF-8");
      return NULL;
    }
  q = g_strstrip (g_strdup (query));
  chars = g_utf8_strlen (q, -1);
  if (chars == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_entry_free);
  if (chars > HB_CATALOG_QUERY_MAX_CHARS)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "search text is longer than %d characters", HB_CATALOG_QUERY_MAX_CHARS);
      return NULL;
    }

  /* The trigram index only knows substrings of three or more characters; shorter queries
   * would silently match nothing, so they scan with LIKE (fine at catalog scale). */
  fts = chars >= 3;
  bound = fts ? fts_phrase (q) : like_pattern (q);

  hb_store_lock (self->store);
  stmt = hb_store_prepare (self->store,
                           fts
                           ? "SELECT " SEARCH_COLUMNS
                             " FROM catalog_fts f JOIN catalog_service s ON s.position = f.rowid"
                             " WHERE catalog_fts MATCH ?1"
                             " ORDER BY bm25 (catalog_fts, 10.0, 2.0, 5.0, 3.0), s.position"
                             " LIMIT ?2"
                           : "SELECT " SEARCH_COLUMNS
                             " FROM catalog_fts f JOIN catalog_service s ON s.position = f.rowid"
                             " WHERE f.name LIKE ?1 ESCAPE '\\' OR f.summary LIKE ?1 ESCAPE '\\'"
                             "    OR f.name_en LIKE ?1 ESCAPE '\\'"
                             "    OR f.keywords LIKE ?1 ESCAPE '\\'"
                             " ORDER BY (f.name LIKE ?1 ESCAPE '\\') DESC, s.position"
                             " LIMIT ?2",
                           error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, bound, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, HB_CATALOG_SEARCH_MAX_RESULTS);
      out = collect_entries (self, stmt, error);
      sqlite3_finalize (stmt);
    }
  hb_store_unlock (self->store);
  return out;
}

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
