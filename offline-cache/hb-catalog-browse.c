/* hb-catalog-browse.c — browsing the catalog by life event, by department, by use. */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-store-private.h"

#include <sqlite3.h>

void
hb_catalog_facet_free (HbCatalogFacet *facet)
{
  if (facet == NULL)
    return;
  g_free (facet->value);
  g_free (facet->value_en);
  g_free (facet);
}

GPtrArray *
hb_catalog_browse (HbCatalog *self, const HbCatalogBrowse *b, GError **error)
{
  HbStore *store = hb_catalog_get_store (self);
  GPtrArray *out = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (HB_IS_CATALOG (self) && b != NULL, NULL);
  hb_store_lock (store);
  /* life_events and department live in the service's JSON: a few hundred services are
   * filtered in well under a millisecond; the index tables are for search. */
  stmt = hb_store_prepare (store,
                           "SELECT " HB_CATALOG_ENTRY_COLUMNS
                           " FROM catalog_service s"
                           " LEFT JOIN catalog_search cs ON cs.position = s.position"
                           " WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM json_each (s.json,"
                           "        '$.life_events') WHERE value = ?1))"
                           "   AND (?2 IS NULL OR json_extract (s.json, '$.department') = ?2)"
                           /* A life event's 一件事 first: it does the event's services in
                            * one go. */
                           " ORDER BY CASE WHEN ?1 IS NOT NULL AND"
                           "   json_extract (s.json, '$.kind') = 'bundle' THEN 0 ELSE 1 END,"
                           "   CASE WHEN ?3 THEN -coalesce (cs.score, 0) ELSE 0 END,"
                           "   s.position", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, b->life_event, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, b->department, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, b->most_used ? 1 : 0);
      out = hb_catalog_collect_entries (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  hb_store_unlock (store);
  return out;
}

GPtrArray *
hb_catalog_facets (HbCatalog *self, const char *member, GError **error)
{
  HbStore *store = hb_catalog_get_store (self);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_facet_free);
  sqlite3_stmt *stmt;
  const char *sql;
  int rc;

  if (g_strcmp0 (member, "life_events") == 0)
    sql = "SELECT e.value, count (*) FROM catalog_service s, json_each (s.json, '$.life_events') e"
          " WHERE e.type = 'text' GROUP BY e.value ORDER BY count (*) DESC, e.value";
  else if (g_strcmp0 (member, "department") == 0)
    sql = "SELECT json_extract (s.json, '$.department') d, count (*),"
          " max (json_extract (s.json, '$.department_en')) FROM catalog_service s"
          " WHERE d IS NOT NULL GROUP BY d ORDER BY count (*) DESC, d";
  else
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID, "no facet \"%s\"", member);
      return NULL;
    }
  hb_store_lock (store);
  stmt = hb_store_prepare (store, sql, error);
  if (stmt == NULL)
    {
      hb_store_unlock (store);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HbCatalogFacet *f = g_new0 (HbCatalogFacet, 1);
      f->value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      f->services = (guint) sqlite3_column_int (stmt, 1);
      if (sqlite3_column_count (stmt) > 2 && sqlite3_column_type (stmt, 2) == SQLITE_TEXT)
        f->value_en = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_ptr_array_add (out, f);
    }
  if (rc != SQLITE_DONE)
    hb_store_set_error_from_db (store, error, "read catalog facets");
  sqlite3_finalize (stmt);
  hb_store_unlock (store);
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}
