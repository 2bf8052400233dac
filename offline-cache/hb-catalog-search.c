/* hb-catalog-search.c — catalog search: the search-side tables (trigram FTS, 1–2 character
 * grams, pinyin), their maintenance inside the apply transaction, ranking, local use counts.
 *
 * See docs/offline-cache.md "Catalog search" for the ranking formula. */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-pinyin.h"
#include "offline-cache/hb-store-private.h"

#include <string.h>

/* Polyphones: index at most this many initials spellings per name. */
#define INITIALS_VARIANTS 4

/* Match quality (higher first). */
enum {
  Q_OTHER  = 0,     /* summary, name_en, keywords */
  Q_SUB    = 1,     /* substring of the name (or of its pinyin) */
  Q_PREFIX = 2,     /* the name (or its pinyin) starts with the query */
  Q_EXACT  = 3,     /* the whole name (or its pinyin) */
};

/* --- indexer --------------------------------------------------------------------------- */

struct _HbCatalogIndexer
{
  HbStore      *store;
  sqlite3_stmt *fts;
  sqlite3_stmt *search;
  sqlite3_stmt *gram;
  sqlite3_stmt *pinyin;
  sqlite3_stmt *uses;
  /* After a clear: gram rows are collected here and written in key order by finish. */
  gboolean      bulk;
  GArray       *rows;     /* GramRow */
  GHashTable   *interned; /* gram text → itself (owns the strings rows point to) */
};

typedef struct {
  const char *gram;
  gint64      score;
  gint64      position;
  int         quality;
} GramRow;

void
hb_catalog_indexer_free (HbCatalogIndexer *ix)
{
  if (ix == NULL)
    return;
  sqlite3_finalize (ix->fts);
  sqlite3_finalize (ix->search);
  sqlite3_finalize (ix->gram);
  sqlite3_finalize (ix->pinyin);
  sqlite3_finalize (ix->uses);
  g_clear_pointer (&ix->rows, g_array_unref);
  g_clear_pointer (&ix->interned, g_hash_table_unref);
  g_free (ix);
}

HbCatalogIndexer *
hb_catalog_indexer_new (HbStore *store, GError **error)
{
  g_autoptr(HbCatalogIndexer) ix = g_new0 (HbCatalogIndexer, 1);

  ix->store = store;
  ix->fts = hb_store_prepare (store,
                              "INSERT INTO catalog_fts (rowid, name, summary, name_en, keywords)"
                              " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (ix->fts == NULL)
    return NULL;
  ix->search = hb_store_prepare (store,
                                 "INSERT INTO catalog_search (position, name_key, initials,"
                                 " pinyin, popularity, score, audience)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (ix->search == NULL)
    return NULL;
  ix->gram = hb_store_prepare (store,
                               "INSERT INTO catalog_gram (gram, quality, score, position)"
                               " VALUES (?1, ?2, ?3, ?4)", error);
  if (ix->gram == NULL)
    return NULL;
  ix->pinyin = hb_store_prepare (store,
                                 "INSERT INTO catalog_pinyin_fts (rowid, initials, pinyin)"
                                 " VALUES (?1, ?2, ?3)", error);
  if (ix->pinyin == NULL)
    return NULL;
  ix->uses = hb_store_prepare (store, "SELECT uses FROM catalog_use WHERE code = ?1", error);
  if (ix->uses == NULL)
    return NULL;
  return g_steal_pointer (&ix);
}

/* A full catalog is ~100 gram rows per service. Inserted in arrival order they land all
 * over a B-tree far larger than the page cache (10,000 services: seconds), so after a
 * clear they are collected in memory (~25 MB for 10,000 services, while the apply runs)
 * and written in key order by hb_catalog_indexer_finish. */
gboolean
hb_catalog_indexer_clear (HbCatalogIndexer *ix, GError **error)
{
  if (!hb_store_exec (ix->store,
                      "DELETE FROM catalog_fts; DELETE FROM catalog_search;"
                      " DELETE FROM catalog_gram; DELETE FROM catalog_pinyin_fts;", error))
    return FALSE;
  ix->bulk = TRUE;
  g_clear_pointer (&ix->rows, g_array_unref);
  g_clear_pointer (&ix->interned, g_hash_table_unref);
  ix->rows = g_array_new (FALSE, FALSE, sizeof (GramRow));
  ix->interned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return TRUE;
}

/* catalog_gram's key order: gram (BINARY: byte order, which strcmp gives for UTF-8),
 * quality DESC, score DESC, position. */
static int
gram_row_cmp (const void *a, const void *b)
{
  const GramRow *x = a, *y = b;
  int c = x->gram == y->gram ? 0 : strcmp (x->gram, y->gram);
  if (c != 0)
    return c;
  if (x->quality != y->quality)
    return x->quality > y->quality ? -1 : 1;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->position < y->position ? -1 : x->position > y->position;
}

static gboolean
insert_gram (HbCatalogIndexer *ix, const char *gram, int quality, gint64 score,
             gint64 position)
{
  sqlite3_bind_text (ix->gram, 1, gram, -1, SQLITE_STATIC);
  sqlite3_bind_int (ix->gram, 2, quality);
  sqlite3_bind_int64 (ix->gram, 3, score);
  sqlite3_bind_int64 (ix->gram, 4, position);
  gboolean ok = sqlite3_step (ix->gram) == SQLITE_DONE;
  sqlite3_reset (ix->gram);
  return ok;
}

/* Rows per INSERT in finish: the per-statement cost, not the B-tree, dominated. */
#define BATCH 64

gboolean
hb_catalog_indexer_finish (HbCatalogIndexer *ix, GError **error)
{
  g_autoptr(GString) sql = NULL;
  sqlite3_stmt *batch;
  guint i = 0, n;

  if (ix->rows == NULL || ix->rows->len == 0)
    return TRUE;
  g_array_sort (ix->rows, gram_row_cmp);
  n = ix->rows->len;

  sql = g_string_new ("INSERT INTO catalog_gram (gram, quality, score, position) VALUES ");
  for (int k = 0; k < BATCH; k++)
    g_string_append (sql, k ? ",(?,?,?,?)" : "(?,?,?,?)");
  batch = hb_store_prepare (ix->store, sql->str, error);
  if (batch == NULL)
    return FALSE;
  for (; i + BATCH <= n; i += BATCH)
    {
      for (int k = 0; k < BATCH; k++)
        {
          GramRow *r = &g_array_index (ix->rows, GramRow, i + k);
          sqlite3_bind_text (batch, 4 * k + 1, r->gram, -1, SQLITE_STATIC);
          sqlite3_bind_int (batch, 4 * k + 2, r->quality);
          sqlite3_bind_int64 (batch, 4 * k + 3, r->score);
          sqlite3_bind_int64 (batch, 4 * k + 4, r->position);
        }
      if (sqlite3_step (batch) != SQLITE_DONE)
        {
          hb_store_set_error_from_db (ix->store, error, "index catalog for search");
          sqlite3_finalize (batch);
          return FALSE;
        }
      sqlite3_reset (batch);
    }
  sqlite3_finalize (batch);
  for (; i < n; i++)
    {
      GramRow *r = &g_array_index (ix->rows, GramRow, i);
      if (!insert_gram (ix, r->gram, r->quality, r->score, r->position))
        break;
    }
  if (i < n)
    {
      hb_store_set_error_from_db (ix->store, error, "index catalog for search");
      return FALSE;
    }
  g_array_set_size (ix->rows, 0);
  return TRUE;
}

/* Text ready for grams and comparisons: lower-cased (Latin case never matters). */
static char *
fold (const char *text)
{
  return text ? g_utf8_strdown (text, -1) : NULL;
}

static void
note_gram (GHashTable *grams, const char *start, gsize bytes, int quality)
{
  g_autofree char *gram = g_strndup (start, bytes);
  gpointer old;

  /* Grams with blanks or control characters are never asked for (queries are trimmed and
   * have no controls), so they are not stored. */
  for (const char *p = gram; *p; p++)
    if ((guchar) *p <= 0x20)
      return;
  if (g_hash_table_lookup_extended (grams, gram, NULL, &old)
      && GPOINTER_TO_INT (old) >= quality + 1)
    return;
  g_hash_table_replace (grams, g_steal_pointer (&gram), GINT_TO_POINTER (quality + 1));
}

/* Every 1- and 2-character substring of text. name_rules: quality from where it sits in
 * text (exact, prefix, substring); otherwise Q_OTHER. */
static void
add_grams (GHashTable *grams, const char *text, gboolean name_rules)
{
  glong chars;
  const char *p;

  if (text == NULL || *text == '\0')
    return;
  chars = g_utf8_strlen (text, -1);
  p = text;
  for (glong i = 0; i < chars; i++)
    {
      const char *n1 = g_utf8_next_char (p);
      int q1 = !name_rules ? Q_OTHER : i > 0 ? Q_SUB : chars == 1 ? Q_EXACT : Q_PREFIX;
      note_gram (grams, p, (gsize) (n1 - p), q1);
      if (i + 1 < chars)
        {
          const char *n2 = g_utf8_next_char (n1);
          int q2 = !name_rules ? Q_OTHER : i > 0 ? Q_SUB : chars == 2 ? Q_EXACT : Q_PREFIX;
          note_gram (grams, p, (gsize) (n2 - p), q2);
        }
      p = n1;
    }
}

/* gram → 1 + best quality, for one service. */
static GHashTable *
collect_grams (const char *name, const char *summary, const char *name_en,
               const char *keywords)
{
  GHashTable *grams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *name_key = fold (name);
  g_autofree char *summary_key = fold (summary);
  g_autofree char *name_en_key = fold (name_en);
  g_autofree char *keywords_key = fold (keywords);
  g_auto(GStrv) initials = hb_pinyin_initials_variants (name, INITIALS_VARIANTS);

  add_grams (grams, name_key, TRUE);
  for (guint i = 0; initials[i]; i++)
    add_grams (grams, initials[i], TRUE);
  add_grams (grams, summary_key, FALSE);
  add_grams (grams, name_en_key, FALSE);
  add_grams (grams, keywords_key, FALSE);
  return grams;
}

gboolean
hb_catalog_indexer_add (HbCatalogIndexer *ix, gint64 position, const HbCatalogRecord *r,
                        GError **error)
{
  g_autoptr(GHashTable) grams = NULL;
  g_autofree char *name_key = fold (r->name);
  g_autofree char *full = hb_pinyin_full (r->name);
  g_auto(GStrv) initials = hb_pinyin_initials_variants (r->name, INITIALS_VARIANTS);
  g_autofree char *initials_joined = g_strjoinv (" ", initials);
  GHashTableIter iter;
  gpointer key, value;
  gint64 score = r->popularity;

  grams = collect_grams (r->name, r->summary, r->name_en, r->keywords);
  sqlite3_bind_text (ix->uses, 1, r->code, -1, SQLITE_STATIC);
  if (sqlite3_step (ix->uses) == SQLITE_ROW)
    score += sqlite3_column_int64 (ix->uses, 0);
  sqlite3_reset (ix->uses);

#define BIND_OPT(stmt, i, text) \
  ((text) ? sqlite3_bind_text (stmt, i, text, -1, SQLITE_STATIC) : sqlite3_bind_null (stmt, i))
  sqlite3_bind_int64 (ix->fts, 1, position);
  sqlite3_bind_text (ix->fts, 2, r->name, -1, SQLITE_STATIC);
  BIND_OPT (ix->fts, 3, r->summary);
  BIND_OPT (ix->fts, 4, r->name_en);
  BIND_OPT (ix->fts, 5, r->keywords);
#undef BIND_OPT
  sqlite3_bind_int64 (ix->search, 1, position);
  sqlite3_bind_text (ix->search, 2, name_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (ix->search, 3, initials_joined, -1, SQLITE_STATIC);
  sqlite3_bind_text (ix->search, 4, full, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (ix->search, 5, r->popularity);
  sqlite3_bind_int64 (ix->search, 6, score);
  sqlite3_bind_int (ix->search, 7, (int) (r->audience ? r->audience : HB_AUDIENCE_PERSON));
  sqlite3_bind_int64 (ix->pinyin, 1, position);
  sqlite3_bind_text (ix->pinyin, 2, initials_joined, -1, SQLITE_STATIC);
  sqlite3_bind_text (ix->pinyin, 3, full, -1, SQLITE_STATIC);
  if (sqlite3_step (ix->fts) != SQLITE_DONE || sqlite3_step (ix->search) != SQLITE_DONE
      || sqlite3_step (ix->pinyin) != SQLITE_DONE)
    goto fail;
  sqlite3_reset (ix->fts);
  sqlite3_reset (ix->search);
  sqlite3_reset (ix->pinyin);

  g_hash_table_iter_init (&iter, grams);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int quality = GPOINTER_TO_INT (value) - 1;
      if (ix->bulk)
        {
          GramRow row = { g_hash_table_lookup (ix->interned, key), score, position, quality };
          if (row.gram == NULL)
            {
              char *copy = g_strdup (key);
              g_hash_table_add (ix->interned, copy);
              row.gram = copy;
            }
          g_array_append_val (ix->rows, row);
        }
      else if (!insert_gram (ix, key, quality, score, position))
        goto fail;
    }
  return TRUE;

fail:
  hb_store_set_error_from_db (ix->store, error, "index catalog for search");
  sqlite3_reset (ix->fts);
  sqlite3_reset (ix->search);
  sqlite3_reset (ix->pinyin);
  sqlite3_reset (ix->gram);
  return FALSE;
}

/* The grams of the service at position (from the texts catalog_fts keeps) and its score;
 * *grams stays NULL when the position is not indexed. */
static gboolean
indexed_grams (HbStore *store, gint64 position, GHashTable **grams, gint64 *score,
               GError **error)
{
  sqlite3_stmt *old;
  int rc;

  *grams = NULL;
  old = hb_store_prepare (store,
                          "SELECT f.name, f.summary, f.name_en, f.keywords, cs.score"
                          " FROM catalog_fts f JOIN catalog_search cs ON cs.position = f.rowid"
                          " WHERE f.rowid = ?1", error);
  if (old == NULL)
    return FALSE;
  sqlite3_bind_int64 (old, 1, position);
  rc = sqlite3_step (old);
  if (rc == SQLITE_ROW)
    {
      *grams = collect_grams ((const char *) sqlite3_column_text (old, 0),
                              (const char *) sqlite3_column_text (old, 1),
                              (const char *) sqlite3_column_text (old, 2),
                              (const char *) sqlite3_column_text (old, 3));
      *score = sqlite3_column_int64 (old, 4);
    }
  else if (rc != SQLITE_DONE)
    hb_store_set_error_from_db (store, error, "read search index");
  sqlite3_finalize (old);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Runs sql (?1 gram, ?2 quality, ?3 old score, ?4 position, ?5 new score) for every gram
 * row of one service: each is a key lookup, never a scan. */
static gboolean
for_each_gram_row (HbStore *store, const char *sql, GHashTable *grams, gint64 position,
                   gint64 old_score, gint64 new_score, GError **error)
{
  sqlite3_stmt *stmt = hb_store_prepare (store, sql, error);
  GHashTableIter iter;
  gpointer key, value;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 3, old_score);
  sqlite3_bind_int64 (stmt, 4, position);
  if (sqlite3_bind_parameter_count (stmt) >= 5)
    sqlite3_bind_int64 (stmt, 5, new_score);
  g_hash_table_iter_init (&iter, grams);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, GPOINTER_TO_INT (value) - 1);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          hb_store_set_error_from_db (store, error, "update search index");
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

gboolean
hb_catalog_indexer_remove (HbCatalogIndexer *ix, gint64 position, GError **error)
{
  g_autoptr(GHashTable) grams = NULL;
  g_autofree char *sql = NULL;
  gint64 score = 0;

  /* Rows still collected in memory (after a clear) are not in catalog_gram yet. */
  if (!hb_catalog_indexer_finish (ix, error)
      || !indexed_grams (ix->store, position, &grams, &score, error))
    return FALSE;
  if (grams != NULL
      && !for_each_gram_row (ix->store,
                             "DELETE FROM catalog_gram WHERE gram = ?1 AND quality = ?2"
                             " AND score = ?3 AND position = ?4", grams, position, score, 0,
                             error))
    return FALSE;
  sql = g_strdup_printf ("DELETE FROM catalog_fts WHERE rowid = %" G_GINT64_FORMAT ";"
                         "DELETE FROM catalog_search WHERE position = %" G_GINT64_FORMAT ";"
                         "DELETE FROM catalog_pinyin_fts WHERE rowid = %" G_GINT64_FORMAT ";",
                         position, position, position);
  return hb_store_exec (ix->store, sql, error);
}

/* Rebuilds every search table from catalog_service (a database migrated from schema 1
 * carries a catalog but no grams or pinyin yet). Call inside a transaction. */
gboolean
hb_catalog_search_reindex (HbStore *store, GError **error)
{
  g_autoptr(HbCatalogIndexer) ix = NULL;
  sqlite3_stmt *rows;
  gboolean ok = TRUE;
  int rc;

  ix = hb_catalog_indexer_new (store, error);
  if (ix == NULL || !hb_catalog_indexer_clear (ix, error))
    return FALSE;
  rows = hb_store_prepare (store,
                           /* s.json: json_each has a hidden column named json */
                           "SELECT s.position, s.code, s.name, s.name_en, s.summary,"
                           " (SELECT group_concat (value, ' ')"
                           "    FROM json_each (s.json, '$.keywords')),"
                           " coalesce (json_extract (s.json, '$.popularity'), 0),"
                           " coalesce (json_extract (s.json, '$.audience'), 'person')"
                           " FROM catalog_service s ORDER BY s.position", error);
  if (rows == NULL)
    return FALSE;
  while (ok && (rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      HbCatalogRecord r = {
        .code = (char *) sqlite3_column_text (rows, 1),
        .name = (char *) sqlite3_column_text (rows, 2),
        .name_en = (char *) sqlite3_column_text (rows, 3),
        .summary = (char *) sqlite3_column_text (rows, 4),
        .keywords = (char *) sqlite3_column_text (rows, 5),
        .popularity = sqlite3_column_int64 (rows, 6),
      };
      const char *audience = (const char *) sqlite3_column_text (rows, 7);
      /* The validated word or array of words, as in hb_catalog_entry_from_row. */
      r.audience = (strstr (audience, "person") ? HB_AUDIENCE_PERSON : 0)
                   | (strstr (audience, "enterprise") ? HB_AUDIENCE_ENTERPRISE : 0);
      ok = hb_catalog_indexer_add (ix, sqlite3_column_int64 (rows, 0), &r, error);
    }
  if (ok && rc != SQLITE_DONE)
    {
      hb_store_set_error_from_db (store, error, "reindex catalog");
      ok = FALSE;
    }
  sqlite3_finalize (rows);
  return ok && hb_catalog_indexer_finish (ix, error);
}

/* --- queries --------------------------------------------------------------------------- */

/* 1–2 characters: an index seek on the grams; the key is the result order. */
const char hb_catalog_search_sql_short[] =
  "SELECT s.code, s.name, s.name_en, s.category, s.summary, cs.audience"
  " FROM catalog_gram g"
  " CROSS JOIN catalog_service s ON s.position = g.position"
  " CROSS JOIN catalog_search cs ON cs.position = g.position"
  " WHERE g.gram = ?1"
  " ORDER BY g.quality DESC, g.score DESC, g.position"
  " LIMIT ?2";

/* ≥ 3 characters: trigram FTS on the texts; quality from the folded name. CROSS JOIN keeps
 * the FTS index as the outer loop (the planner may otherwise scan catalog_search). */
#define TEXT_QUALITY \
  "CASE WHEN cs.name_key = ?3 THEN 3" \
  "     WHEN substr (cs.name_key, 1, length (?3)) = ?3 THEN 2" \
  "     WHEN instr (cs.name_key, ?3) > 0 THEN 1 ELSE 0 END"

const char hb_catalog_search_sql_text[] =
  "SELECT cs.position"
  " FROM catalog_fts f CROSS JOIN catalog_search cs ON cs.position = f.rowid"
  " WHERE catalog_fts MATCH ?1"
  " ORDER BY " TEXT_QUALITY " DESC, cs.score DESC, cs.position"
  " LIMIT ?2";

/* The same, and the pinyin of the names, for queries of letters and digits (jzz, juzhu,
 * pension): a service found both ways counts with its better quality. */
const char hb_catalog_search_sql_long[] =
  "WITH m (position, quality) AS ("
  "  SELECT cs.position, " TEXT_QUALITY
  "  FROM catalog_fts f CROSS JOIN catalog_search cs ON cs.position = f.rowid"
  "  WHERE catalog_fts MATCH ?1"
  "  UNION ALL"
  "  SELECT cs.position,"
  "    CASE WHEN instr (' ' || cs.initials || ' ', ' ' || ?3 || ' ') > 0 OR cs.pinyin = ?3"
  "           THEN 3"
  "         WHEN instr (' ' || cs.initials, ' ' || ?3) > 0"
  "              OR substr (cs.pinyin, 1, length (?3)) = ?3 THEN 2"
  "         ELSE 1 END"
  "  FROM catalog_pinyin_fts p CROSS JOIN catalog_search cs ON cs.position = p.rowid"
  "  WHERE catalog_pinyin_fts MATCH ?1"
  ")"
  " SELECT m.position FROM m JOIN catalog_search cs ON cs.position = m.position"
  " GROUP BY m.position"
  " ORDER BY max (m.quality) DESC, cs.score DESC, m.position"
  " LIMIT ?2";

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

/* Letters and digits only, at least one letter: may be pinyin. */
static gboolean
maybe_pinyin (const char *key)
{
  gboolean letter = FALSE;
  for (const char *p = key; *p; p++)
    {
      if (!g_ascii_isalnum (*p))
        return FALSE;
      letter |= g_ascii_isalpha (*p);
    }
  return letter;
}

static GPtrArray *
new_entries (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_entry_free);
}

/* --- prepared statements --------------------------------------------------------------- */

enum { STMT_SHORT, STMT_TEXT, STMT_LONG, STMT_FETCH, N_STMTS };

struct _HbCatalogSearchCache
{
  sqlite3_stmt *stmt[N_STMTS];
};

static const char fetch_sql[] =
  "SELECT s.code, s.name, s.name_en, s.category, s.summary, cs.audience"
  " FROM catalog_service s CROSS JOIN catalog_search cs ON cs.position = s.position"
  " WHERE s.position = ?1";

void
hb_catalog_search_cache_free (HbCatalogSearchCache *cache)
{
  if (cache == NULL)
    return;
  for (int i = 0; i < N_STMTS; i++)
    sqlite3_finalize (cache->stmt[i]);
  g_free (cache);
}

/* The statement, prepared once per HbCatalog (SQLite re-prepares it by itself after a
 * schema change). Call with the store lock held; reset it after use. */
static sqlite3_stmt *
cached_stmt (HbCatalog *self, int which, GError **error)
{
  static const char *const sql[N_STMTS] = {
    hb_catalog_search_sql_short, hb_catalog_search_sql_text, hb_catalog_search_sql_long,
    fetch_sql,
  };
  HbCatalogSearchCache **cache = hb_catalog_get_search_cache (self);
  HbStore *store = hb_catalog_get_store (self);

  if (*cache == NULL)
    *cache = g_new0 (HbCatalogSearchCache, 1);
  if ((*cache)->stmt[which] == NULL
      && sqlite3_prepare_v3 (hb_store_get_db (store), sql[which], -1,
                             SQLITE_PREPARE_PERSISTENT, &(*cache)->stmt[which],
                             NULL) != SQLITE_OK)
    {
      hb_store_set_error_from_db (store, error, "prepare search");
      return NULL;
    }
  return (*cache)->stmt[which];
}

/* Steps stmt (columns: the entry's) to the end, collecting entries into out. */
static gboolean
collect (HbStore *store, sqlite3_stmt *stmt, GPtrArray *out, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, hb_catalog_entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    hb_store_set_error_from_db (store, error, "search catalog");
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE;
}

/* ≥ 3 characters: ranked positions first (the ranking needs every match), then the
 * entries of the best HB_CATALOG_SEARCH_MAX_RESULTS. */
static gboolean
search_long (HbCatalog *self, const char *phrase, const char *key, GPtrArray *out,
             GError **error)
{
  HbStore *store = hb_catalog_get_store (self);
  sqlite3_stmt *stmt = cached_stmt (self, maybe_pinyin (key) ? STMT_LONG : STMT_TEXT, error);
  sqlite3_stmt *fetch = stmt ? cached_stmt (self, STMT_FETCH, error) : NULL;
  gint64 positions[HB_CATALOG_SEARCH_MAX_RESULTS];
  guint n = 0;
  int rc;

  if (fetch == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, phrase, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, HB_CATALOG_SEARCH_MAX_RESULTS);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && n < G_N_ELEMENTS (positions))
    positions[n++] = sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    hb_store_set_error_from_db (store, error, "search catalog");
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (fetch, 1, positions[i]);
      if (!collect (store, fetch, out, error))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
hb_catalog_search (HbCatalog *self, const char *query, GError **error)
{
  g_autofree char *q = NULL;
  g_autofree char *key = NULL;
  g_autofree char *phrase = NULL;
  g_autoptr(GPtrArray) out = NULL;
  HbStore *store;
  gboolean ok;
  glong chars;

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
  out = new_entries ();
  if (chars == 0)
    return g_steal_pointer (&out);
  if (chars > HB_CATALOG_QUERY_MAX_CHARS)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID,
                   "search text is longer than %d characters", HB_CATALOG_QUERY_MAX_CHARS);
      return NULL;
    }
  key = fold (q);

  store = hb_catalog_get_store (self);
  hb_store_lock (store);
  /* Trigram knows only substrings of ≥ 3 characters; shorter ones seek the gram index,
   * whose key order is the result order. */
  if (g_utf8_strlen (key, -1) <= 2)
    {
      sqlite3_stmt *stmt = cached_stmt (self, STMT_SHORT, error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
          sqlite3_bind_int (stmt, 2, HB_CATALOG_SEARCH_MAX_RESULTS);
          ok = collect (store, stmt, out, error);
        }
    }
  else
    {
      phrase = fts_phrase (q);
      ok = search_long (self, phrase, key, out, error);
    }
  hb_store_unlock (store);
  return ok ? g_steal_pointer (&out) : NULL;
}

/* --- local use counts ------------------------------------------------------------------ */

/* Steps a one-row statement; *value gets column 0 (if a row came). FALSE on a db error. */
static gboolean
step_int64 (HbStore *store, sqlite3_stmt *stmt, gboolean *found, gint64 *value,
            GError **error)
{
  int rc = sqlite3_step (stmt);
  *found = rc == SQLITE_ROW;
  if (*found && value)
    *value = sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    hb_store_set_error_from_db (store, error, "note use");
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
note_use_txn (HbStore *store, gpointer user_data, GError **error)
{
  const char *code = user_data;
  g_autoptr(GHashTable) grams = NULL;
  sqlite3_stmt *stmt;
  gint64 position = 0, old_score = 0, new_score = 0, ignored;
  gboolean found;

  stmt = hb_store_prepare (store, "SELECT position FROM catalog_service WHERE code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (!step_int64 (store, stmt, &found, &position, error))
    return FALSE;
  if (!found)
    {
      g_set_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND,
                   "no service with code %.64s in the catalog", code);
      return FALSE;
    }
  /* Saturating: a counter never wraps into a negative score. */
  stmt = hb_store_prepare (store,
                           "INSERT INTO catalog_use (code, uses) VALUES (?1, 1)"
                           " ON CONFLICT (code) DO UPDATE SET uses = min (uses + 1, 2147483647)"
                           " RETURNING uses", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (!step_int64 (store, stmt, &found, &ignored, error))
    return FALSE;

  /* The score is in catalog_search and in every gram row (part of their key). */
  if (!indexed_grams (store, position, &grams, &old_score, error))
    return FALSE;
  stmt = hb_store_prepare (store,
                           "UPDATE catalog_search"
                           " SET score = popularity"
                           "   + (SELECT uses FROM catalog_use WHERE code = ?1)"
                           " WHERE position = ?2 RETURNING score", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, position);
  if (!step_int64 (store, stmt, &found, &new_score, error))
    return FALSE;
  if (grams == NULL || !found || new_score == old_score)
    return TRUE;
  return for_each_gram_row (store,
                            "UPDATE catalog_gram SET score = ?5 WHERE gram = ?1 AND quality = ?2"
                            " AND score = ?3 AND position = ?4", grams, position, old_score,
                            new_score, error);
}

gboolean
hb_catalog_note_use (HbCatalog *self, const char *code, GError **error)
{
  g_return_val_if_fail (HB_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return hb_store_transaction (hb_catalog_get_store (self), note_use_txn, (gpointer) code,
                               error);
}

static void
note_use_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (hb_catalog_note_use (HB_CATALOG (source), task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hb_catalog_note_use_async (HbCatalog *self, const char *code, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HB_IS_CATALOG (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_catalog_note_use_async);
  g_task_set_task_data (task, g_strdup (code), g_free);
  g_task_run_in_thread (task, note_use_thread);
}

gboolean
hb_catalog_note_use_finish (HbCatalog *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
