/* test-catalog-search.c — offline-cache/hb-catalog-search.c: trigram and gram index paths,
 * pinyin, ranking, local use counts, limits, the index kept in step with the catalog. */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"
#define CATALOG_FIXTURE_DIR "catalog-search"
#include "tests/unit/offline-cache/catalog-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

typedef CatalogFixture Fixture;

/* A small catalog whose texts are chosen for the search tests. */
static const char fixture_catalog[] =
  "{\"version\":\"t-1\",\"services\":["
  " {\"code\":\"T-1\",\"name\":\"社保卡申领\",\"name_en\":\"Social security card\","
  "  \"popularity\":12,"
  "  \"summary\":\"首次申领社会保障卡\",\"keywords\":[\"医保卡\"],\"guide\":{\"fee\":0}},"
  " {\"code\":\"T-2\",\"name\":\"居住证签注\",\"name_en\":\"Residence permit endorsement\","
  "  \"summary\":\"每年签注一次\"},"
  " {\"code\":\"T-3\",\"name\":\"个人所得税查询\",\"name_en\":\"Tax \\\"certificate\\\" lookup\","
  "  \"summary\":\"打印 100% 完税证明_记录\"},"
  " {\"code\":\"T-4\",\"name\":\"公积金提取\",\"summary\":\"可用于补缴社保以外的用途\","
  "  \"category\":\"住房\"}"
  "]}";

/* Names with Latin letters, and one per match quality for "证". */
static const char mixed_catalog[] =
  "{\"version\":\"m-1\",\"services\":["
  " {\"code\":\"M-1\",\"name\":\"ETC卡办理\",\"name_en\":\"ETC card\"},"
  " {\"code\":\"M-2\",\"name\":\"电子证照ID绑定\",\"name_en\":\"Bind e-licence to ID\"},"
  " {\"code\":\"M-3\",\"name\":\"校长信箱\",\"summary\":\"给校长写信\"},"
  " {\"code\":\"M-4\",\"name\":\"身份证挂失\",\"name_en\":\"Report a lost ID card\"},"
  " {\"code\":\"M-5\",\"name\":\"银行卡挂失\"}"
  "]}";

static void
assert_search (Fixture *f, const char *query, const char *expected)
{
  g_autofree char *got = catalog_fixture_search_codes (f, query);
  if (g_strcmp0 (got, expected) != 0)
    g_test_message ("query \"%s\"", query);
  g_assert_cmpstr (got, ==, expected);
}

static gint64
count_rows (Fixture *f, const char *sql)
{
  sqlite3_stmt *stmt = hb_store_prepare (f->store, sql, NULL);
  gint64 n = -1;
  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* --- the three paths ------------------------------------------------------------------- */

static void
test_one_character (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  /* 证: in a name (居住证签注), then in a summary (完税证明). */
  assert_search (f, "证", "T-2,T-3");
  /* 保: inside the name 社保卡申领, then only in the summary of 公积金提取. */
  assert_search (f, "保", "T-1,T-4");
  assert_search (f, "税", "T-3");
  assert_search (f, "鑫", "");
}

static void
test_two_characters (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  /* The name starting with 社保 first, then the summary match. */
  assert_search (f, "社保", "T-1,T-4");
  assert_search (f, "签注", "T-2");
  assert_search (f, "证明", "T-3");
  assert_search (f, "保卡", "T-1");       /* keyword 医保卡 and the name agree */
  assert_search (f, "  签注 ", "T-2");    /* trimmed */
  assert_search (f, "注签", "");
}

static void
test_three_characters (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  assert_search (f, "居住证", "T-2");
  assert_search (f, "  签注一次 ", "T-2");  /* blanks trimmed; summary */
  assert_search (f, "医保卡", "T-1");       /* keywords */
  assert_search (f, "社会保障卡", "T-1");
  assert_search (f, "居住证签注", "T-2");
  assert_search (f, "签注居住", "");
}

static void
test_english_ignores_case (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  assert_search (f, "residence", "T-2");
  assert_search (f, "PERMIT", "T-2");
  assert_search (f, "security card", "T-1");
  assert_search (f, "xyz", "");
}

static void
test_mixed_latin (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, mixed_catalog, NULL);
  /* 2 Latin characters: the gram index, any case; names before name_en. */
  assert_search (f, "ID", "M-2,M-4");
  assert_search (f, "id", "M-2,M-4");
  assert_search (f, "Id", "M-2,M-4");
  /* Latin + hanzi, short and long. */
  assert_search (f, "C卡", "M-1");
  assert_search (f, "ETC卡", "M-1");
  assert_search (f, "etc卡办理", "M-1");
  assert_search (f, "证照ID", "M-2");
  /* Pinyin initials keep Latin letters: ETC卡办理 → etckbl. */
  assert_search (f, "etck", "M-1");
}

/* --- pinyin ---------------------------------------------------------------------------- */

static void
test_pinyin_initials (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  assert_search (f, "jzz", "T-2");
  assert_search (f, "JZZ", "T-2");
  assert_search (f, " jzzqz ", "T-2");
  assert_search (f, "qz", "T-2");          /* substring of jzzqz, 2 letters: gram index */
  assert_search (f, "sb", "T-1");          /* 社保卡申领 → sbksl */
  assert_search (f, "gjj", "T-4");
  assert_search (f, "grsd", "T-3");
  assert_search (f, "jzzx", "");
}

static void
test_full_pinyin (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  assert_search (f, "juzhuzheng", "T-2");
  assert_search (f, "juzhu", "T-2");
  assert_search (f, "GongJiJin", "T-4");
  assert_search (f, "shebaoka", "T-1");
  assert_search (f, "qianzhu", "T-2");
}

static void
test_pinyin_polyphones (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, mixed_catalog, NULL);
  /* 校长: xiao/jiao, chang/zhang — the common reading and the other initials both find it. */
  assert_search (f, "xcxx", "M-3");
  assert_search (f, "xzxx", "M-3");
  assert_search (f, "xz", "M-3");
  /* 银行: initials under both readings; full pinyin only under the common one (xing). */
  assert_search (f, "yxk", "M-5");
  assert_search (f, "yhk", "M-5");
  assert_search (f, "yh", "M-5");
  assert_search (f, "yinxing", "M-5");
  assert_search (f, "yinhang", "");
}

/* --- ranking --------------------------------------------------------------------------- */

static const char ranking_catalog[] =
  "{\"version\":\"r-1\",\"services\":["
  " {\"code\":\"OTHER\",\"name\":\"公积金提取\",\"summary\":\"需要证件\",\"popularity\":100000},"
  " {\"code\":\"SUB-A\",\"name\":\"打印证明\",\"popularity\":5},"
  " {\"code\":\"SUB-B\",\"name\":\"开具证明\",\"popularity\":7},"
  " {\"code\":\"SUB-C\",\"name\":\"出生证补办\",\"popularity\":7},"
  " {\"code\":\"PREFIX\",\"name\":\"证明打印\"},"
  " {\"code\":\"EXACT\",\"name\":\"证\",\"popularity\":null}"
  "]}";

static void
test_ranking_quality_then_popularity_then_order (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, ranking_catalog, NULL);
  /* Quality first (exact, prefix, substring, other field) whatever the popularity; inside
   * a quality, popularity (SUB-B 7 = SUB-C 7 > SUB-A 5), then catalog order. */
  assert_search (f, "证", "EXACT,PREFIX,SUB-B,SUB-C,SUB-A,OTHER");
  assert_search (f, "证明", "PREFIX,SUB-B,SUB-A");
  /* Same for the trigram path. */
  assert_search (f, "打印", "SUB-A,PREFIX");
  assert_search (f, "证明打", "PREFIX");
  assert_search (f, "打印证明", "SUB-A");
}

static void
test_local_uses_lift_a_service (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  catalog_fixture_apply (f, ranking_catalog, NULL);
  /* Two uses on this terminal lift SUB-A (5 + 2) level with SUB-B and SUB-C (7): catalog
   * order decides among equals; a third lifts it above them. */
  g_assert_true (hb_catalog_note_use (f->catalog, "SUB-A", &error));
  g_assert_true (hb_catalog_note_use (f->catalog, "SUB-A", &error));
  g_assert_no_error (error);
  assert_search (f, "证", "EXACT,PREFIX,SUB-A,SUB-B,SUB-C,OTHER");
  g_assert_true (hb_catalog_note_use (f->catalog, "SUB-C", &error));
  assert_search (f, "证", "EXACT,PREFIX,SUB-C,SUB-A,SUB-B,OTHER");
  g_assert_true (hb_catalog_note_use (f->catalog, "SUB-A", &error));
  g_assert_true (hb_catalog_note_use (f->catalog, "SUB-A", &error));
  assert_search (f, "证", "EXACT,PREFIX,SUB-A,SUB-C,SUB-B,OTHER");
  /* The counts belong to the terminal: a new catalog version keeps them. */
  catalog_fixture_apply (f, ranking_catalog, NULL);
  assert_search (f, "证", "EXACT,PREFIX,SUB-A,SUB-C,SUB-B,OTHER");
  assert_search (f, "证明", "PREFIX,SUB-A,SUB-B");

  /* Unknown codes are refused and change nothing. */
  g_assert_false (hb_catalog_note_use (f->catalog, "NOPE", &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM catalog_use"), ==, 2);
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
} AsyncResult;

static void
note_use_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *r = user_data;
  r->ok = hb_catalog_note_use_finish (HB_CATALOG (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((AsyncResult *) data)->done;
}

static void
test_note_use_async_counts_off_the_main_thread (Fixture *f, gconstpointer data)
{
  AsyncResult r = { 0 };

  catalog_fixture_apply (f, ranking_catalog, NULL);
  for (int i = 0; i < 3; i++)
    {
      r.done = FALSE;
      hb_catalog_note_use_async (f->catalog, "SUB-A", NULL, note_use_done, &r);
      g_assert_true (hb_test_wait_until (is_done, &r, 10000));
      g_assert_no_error (r.error);
      g_assert_true (r.ok);
    }
  assert_search (f, "证明", "PREFIX,SUB-A,SUB-B");     /* 5 + 3 uses > 7 */

  r.done = FALSE;
  hb_catalog_note_use_async (f->catalog, "NOPE", NULL, note_use_done, &r);
  g_assert_true (hb_test_wait_until (is_done, &r, 10000));
  g_assert_false (r.ok);
  g_assert_error (r.error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&r.error);
}

static void
test_bad_popularity_is_refused (Fixture *f, gconstpointer data)
{
  static const char *bad[] = {
    "{\"version\":\"p\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"popularity\":-1}]}",
    "{\"version\":\"p\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"popularity\":1.5}]}",
    "{\"version\":\"p\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"popularity\":\"9\"}]}",
    "{\"version\":\"p\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"popularity\":[1]}]}",
    "{\"version\":\"p\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"popularity\":true}]}",
    "{\"version\":\"p\",\"services\":[{\"code\":\"X\",\"name\":\"x\","
    "\"popularity\":1000000000001}]}",
  };
  const char *good = "{\"version\":\"p\",\"services\":[{\"code\":\"X\",\"name\":\"x\","
                     "\"popularity\":1000000000000}]}";

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (hb_catalog_apply_json (f->catalog, bad[i], strlen (bad[i]), NULL, &error));
      g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "popularity"));
    }
  catalog_fixture_apply (f, good, NULL);
}

/* --- limits and hostile input ---------------------------------------------------------- */

static void
test_special_characters_are_literal (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  /* Quotes: one FTS5 phrase, never syntax. */
  assert_search (f, "Tax \"certificate\"", "T-3");
  assert_search (f, "\"", "T-3");
  assert_search (f, "\"certificate", "T-3");
  /* LIKE-style wildcards are plain characters — "%" alone must not match everything. */
  assert_search (f, "%", "T-3");
  assert_search (f, "0%", "T-3");
  assert_search (f, "_", "T-3");
  assert_search (f, "100%", "T-3");
  assert_search (f, "\\", "");
  assert_search (f, "*", "");
  /* FTS5 operators are just text. */
  assert_search (f, "社保 OR 居住证", "");
  assert_search (f, "NEAR(a b) * ^", "");
  assert_search (f, "jzz OR sb", "");
  assert_search (f, "name:jzz", "");
  assert_search (f, "j*", "");
  assert_search (f, "'; DROP TABLE catalog_gram; --", "");
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM catalog_gram"), >, 0);
}

static void
test_bad_queries_are_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *too_long = g_strnfill (HB_CATALOG_QUERY_MAX_CHARS + 1, 'a');
  g_autoptr(GString) cjk_max = g_string_new (NULL);
  GPtrArray *hits;

  catalog_fixture_apply (f, fixture_catalog, NULL);

  hits = hb_catalog_search (f->catalog, too_long, &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  g_assert_null (hits);
  g_clear_error (&error);

  hits = hb_catalog_search (f->catalog, "\xff\xfe", &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  g_assert_null (hits);
  g_clear_error (&error);

  /* The limit counts characters, not bytes. */
  for (int n = 0; n < HB_CATALOG_QUERY_MAX_CHARS; n++)
    g_string_append (cjk_max, "证");
  hits = hb_catalog_search (f->catalog, cjk_max->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_ptr_array_unref (hits);

  /* Blank queries: no results, no error. */
  assert_search (f, "   ", "");
  assert_search (f, "", "");
}

static void
test_results_are_capped (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) doc = g_string_new ("{\"version\":\"many\",\"services\":[");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < HB_CATALOG_SEARCH_MAX_RESULTS + 20; i++)
    g_string_append_printf (doc, "%s{\"code\":\"C%u\",\"name\":\"证明%u\"}", i ? "," : "", i, i);
  g_string_append (doc, "]}");
  catalog_fixture_apply (f, doc->str, NULL);

  g_autoptr(GPtrArray) one = hb_catalog_search (f->catalog, "证", &error);
  g_autoptr(GPtrArray) two = hb_catalog_search (f->catalog, "证明", &error);
  g_autoptr(GPtrArray) fts = hb_catalog_search (f->catalog, "证明1", &error);
  g_autoptr(GPtrArray) pinyin = hb_catalog_search (f->catalog, "zm1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, HB_CATALOG_SEARCH_MAX_RESULTS);
  g_assert_cmpuint (two->len, ==, HB_CATALOG_SEARCH_MAX_RESULTS);
  g_assert_cmpuint (fts->len, >, 1);
  g_assert_cmpuint (fts->len, <=, HB_CATALOG_SEARCH_MAX_RESULTS);
  /* 证明1, 证明10…证明19, 证明100…: the exact name first. */
  g_assert_cmpstr (((HbCatalogEntry *) fts->pdata[0])->code, ==, "C1");
  g_assert_cmpuint (pinyin->len, ==, fts->len);
}

/* --- the index ------------------------------------------------------------------------- */

/* EXPLAIN QUERY PLAN lines of sql, joined by newlines. */
static char *
query_plan (Fixture *f, const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = hb_store_prepare (f->store, explain, NULL);

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, "证", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, 100);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_short_queries_seek_the_index (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  hb_store_exec (f->store, "ANALYZE", NULL);

  g_autofree char *plan = query_plan (f, hb_catalog_search_sql_short);
  g_test_message ("short query plan:\n%s", plan);
  g_assert_null (strstr (plan, "SCAN"));
  g_assert_nonnull (strstr (plan, "SEARCH g USING PRIMARY KEY (gram=?)"));
  /* The key is the result order: the first 100 rows are the answer, nothing is sorted. */
  g_assert_null (strstr (plan, "TEMP B-TREE"));

  /* The long paths read only the FTS5 indexes and rowid lookups: no plain table scans
   * (m is the handful of matches, materialised). */
  const char *long_sqls[] = { hb_catalog_search_sql_text, hb_catalog_search_sql_long };
  for (guint s = 0; s < G_N_ELEMENTS (long_sqls); s++)
    {
      g_autofree char *long_plan = query_plan (f, long_sqls[s]);
      g_auto(GStrv) lines = g_strsplit (long_plan, "\n", -1);
      g_test_message ("long query plan:\n%s", long_plan);
      g_assert_nonnull (strstr (long_plan, "VIRTUAL TABLE INDEX"));
      for (guint i = 0; lines[i]; i++)
        if (g_str_has_prefix (lines[i], "SCAN "))
          g_assert_true (strstr (lines[i], "VIRTUAL TABLE") != NULL
                         || g_str_equal (lines[i], "SCAN m"));
    }
}

/* What a fresh apply of `json` leaves in the search tables, as text. */
static char *
dump_index (Fixture *f)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *sqls[] = {
    "SELECT gram || ':' || position || ':' || quality || ':' || score FROM catalog_gram"
    " ORDER BY 1",
    "SELECT position || ':' || name_key || ':' || initials || ':' || pinyin || ':' || score"
    " FROM catalog_search ORDER BY position",
    "SELECT rowid || ':' || initials || ':' || pinyin FROM catalog_pinyin_fts ORDER BY rowid",
    "SELECT rowid || ':' || name || ':' || coalesce (summary, '') || ':'"
    " || coalesce (name_en, '') || ':' || coalesce (keywords, '') FROM catalog_fts ORDER BY rowid",
  };
  for (guint i = 0; i < G_N_ELEMENTS (sqls); i++)
    {
      sqlite3_stmt *stmt = hb_store_prepare (f->store, sqls[i], NULL);
      g_assert_nonnull (stmt);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (out, "%s\n", (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      g_string_append (out, "--\n");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_replacement_leaves_no_stale_grams (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  catalog_fixture_apply (f, "{\"version\":\"t-2\",\"services\":["
                            "{\"code\":\"N-1\",\"name\":\"新生儿出生登记\",\"summary\":\"出生一个月内\"}]}",
                         NULL);
  /* Nothing of the old catalog answers, on any path. */
  assert_search (f, "证", "");
  assert_search (f, "社保", "");
  assert_search (f, "居住证", "");
  assert_search (f, "jzz", "");
  assert_search (f, "sb", "");
  assert_search (f, "residence", "");
  assert_search (f, "出生", "N-1");
  assert_search (f, "xsecs", "N-1");
  for (guint i = 0; i < 4; i++)
    {
      const char *tables[] = { "catalog_gram", "catalog_search" };
      const char *rowid_tables[] = { "catalog_pinyin_fts", "catalog_fts" };
      g_autofree char *sql = i < 2
        ? g_strdup_printf ("SELECT count(*) FROM %s WHERE position <> 1", tables[i])
        : g_strdup_printf ("SELECT count(*) FROM %s WHERE rowid <> 1", rowid_tables[i - 2]);
      g_assert_cmpint (count_rows (f, sql), ==, 0);
    }
}

typedef struct {
  HbCatalogDocument *doc;
  guint              replace;   /* index in doc of the service that changes */
} DeltaData;

/* What a delta apply does: remove one position's index rows, add the new record's. */
static gboolean
delta_txn (HbStore *store, gpointer user_data, GError **error)
{
  DeltaData *d = user_data;
  g_autoptr(HbCatalogIndexer) ix = hb_catalog_indexer_new (store, error);
  HbCatalogRecord *r = d->doc->services->pdata[d->replace];
  return ix != NULL && hb_catalog_indexer_remove (ix, d->replace + 1, error)
         && hb_catalog_indexer_add (ix, d->replace + 1, r, error)
         && hb_catalog_indexer_finish (ix, error);
}

static void
test_indexer_remove_then_add_equals_a_fresh_apply (Fixture *f, gconstpointer data)
{
  static const char changed[] =
    "{\"version\":\"t-1b\",\"services\":["
    " {\"code\":\"T-1\",\"name\":\"社保卡申领\",\"name_en\":\"Social security card\","
    "  \"popularity\":12,"
    "  \"summary\":\"首次申领社会保障卡\",\"keywords\":[\"医保卡\"],\"guide\":{\"fee\":0}},"
    " {\"code\":\"T-2\",\"name\":\"长期居住证\",\"name_en\":\"Long-term permit\","
    "  \"summary\":\"换发\",\"keywords\":[\"长住\"],\"popularity\":3},"
    " {\"code\":\"T-3\",\"name\":\"个人所得税查询\",\"name_en\":\"Tax \\\"certificate\\\" lookup\","
    "  \"summary\":\"打印 100% 完税证明_记录\"},"
    " {\"code\":\"T-4\",\"name\":\"公积金提取\",\"summary\":\"可用于补缴社保以外的用途\","
    "  \"category\":\"住房\"}"
    "]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCatalogDocument) doc = hb_catalog_document_parse (changed, strlen (changed), &error);
  g_assert_no_error (error);

  catalog_fixture_apply (f, changed, NULL);
  g_autofree char *fresh = dump_index (f);

  catalog_fixture_apply (f, fixture_catalog, NULL);
  DeltaData d = { doc, 1 };
  g_assert_true (hb_store_transaction (f->store, delta_txn, &d, &error));
  g_assert_no_error (error);
  g_autofree char *patched = dump_index (f);
  g_assert_cmpstr (patched, ==, fresh);
}

static void
test_index_failure_rolls_the_apply_back (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  static const char next[] =
    "{\"version\":\"t-2\",\"services\":[{\"code\":\"N-1\",\"name\":\"新生儿出生登记\"}]}";

  catalog_fixture_apply (f, fixture_catalog, NULL);
  /* The search tables are written last (the sorted gram load): fail there. */
  g_assert_true (hb_store_exec (f->store,
                                "CREATE TEMP TRIGGER boom BEFORE INSERT ON main.catalog_gram"
                                " WHEN new.gram = '登记'"
                                " BEGIN SELECT RAISE (ABORT, 'injected failure'); END;", &error));
  g_assert_false (hb_catalog_apply_json (f->catalog, next, strlen (next), NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_SQL);
  g_autofree char *version = hb_catalog_dup_version (f->catalog);
  g_assert_cmpstr (version, ==, "t-1");
  assert_search (f, "社保", "T-1,T-4");
  assert_search (f, "jzz", "T-2");
  assert_search (f, "出生", "");
  assert_search (f, "出生登记", "");
}

static gboolean
reindex_txn (HbStore *store, gpointer user_data, GError **error)
{
  return hb_catalog_search_reindex (store, error);
}

/* json-glib writes U+001F raw; the stored service JSON must still be valid for SQLite's
 * JSON functions (reindex, list) — found by fuzz-catalog-json. */
static void
test_control_characters_in_service_json (Fixture *f, gconstpointer data)
{
  static const char doc[] =
    "{\"version\":\"c-1\",\"services\":[{\"code\":\"A-1\",\"name\":\"居住证签注\","
    "\"\\u0011eywords\":[\"居住证\\u001f\",\"x\\u0001\"],\"note\":\"\\u001f\",\"popularity\":4}]}";
  g_autoptr(GError) error = NULL;

  catalog_fixture_apply (f, doc, NULL);
  g_autoptr(GPtrArray) all = hb_catalog_list (f->catalog);
  g_assert_cmpuint (all->len, ==, 1);
  g_autofree char *json = hb_catalog_dup_service_json (f->catalog, "A-1", &error);
  g_assert_no_error (error);
  for (const char *p = json; *p; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
  g_autoptr(JsonNode) stored = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (stored), "note"), ==,
                   "\x1f");
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM catalog_service"
                                  " WHERE json_valid (json)"), ==, 1);
  g_autofree char *fresh = dump_index (f);
  g_assert_true (hb_store_transaction (f->store, reindex_txn, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *rebuilt = dump_index (f);
  g_assert_cmpstr (rebuilt, ==, fresh);
  assert_search (f, "jzz", "A-1");
}

static void
test_catalog_from_schema_1_is_indexed_on_open (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, NULL);
  g_assert_true (hb_catalog_note_use (f->catalog, "T-4", NULL));
  g_autofree char *fresh = dump_index (f);
  /* What the schema-2 migration leaves for a database that held a catalog: empty search
   * tables and the flag. */
  g_assert_true (hb_store_exec (f->store,
                                "DELETE FROM catalog_gram; DELETE FROM catalog_search;"
                                " DELETE FROM catalog_pinyin_fts; DELETE FROM catalog_fts;"
                                " INSERT INTO meta (key, value) VALUES ('" HB_CATALOG_META_REINDEX
                                "', '1');", NULL));
  assert_search (f, "社保", "");
  g_clear_object (&f->catalog);
  f->catalog = hb_catalog_new (f->store);
  assert_search (f, "社保", "T-1,T-4");
  assert_search (f, "jzz", "T-2");
  assert_search (f, "医保卡", "T-1");
  g_assert_null (hb_store_dup_meta (f->store, HB_CATALOG_META_REINDEX));
  /* The same rows as the apply made, popularity and local uses included. */
  g_autofree char *rebuilt = dump_index (f);
  g_assert_cmpstr (rebuilt, ==, fresh);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/offline-cache/catalog/search/" path, Fixture, NULL, \
                                  catalog_fixture_setup, fn, catalog_fixture_teardown)
  ADD ("one-character-uses-the-gram-index", test_one_character);
  ADD ("two-characters-use-the-gram-index", test_two_characters);
  ADD ("three-characters-use-the-trigram-index", test_three_characters);
  ADD ("english-ignores-case", test_english_ignores_case);
  ADD ("mixed-latin-and-hanzi", test_mixed_latin);
  ADD ("pinyin/initials-find-the-name-in-any-case", test_pinyin_initials);
  ADD ("pinyin/full-pinyin-finds-the-name", test_full_pinyin);
  ADD ("pinyin/polyphones-answer-to-each-reading", test_pinyin_polyphones);
  ADD ("ranking/quality-then-popularity-then-catalog-order",
       test_ranking_quality_then_popularity_then_order);
  ADD ("ranking/local-uses-lift-a-service-and-survive-a-new-catalog",
       test_local_uses_lift_a_service);
  ADD ("ranking/local-uses-can-be-noted-off-the-main-thread",
       test_note_use_async_counts_off_the_main_thread);
  ADD ("ranking/bad-popularity-is-refused", test_bad_popularity_is_refused);
  ADD ("fts-syntax-and-wildcards-are-plain-text", test_special_characters_are_literal);
  ADD ("bad-queries-are-rejected", test_bad_queries_are_rejected);
  ADD ("results-are-capped", test_results_are_capped);
  ADD ("index/short-queries-seek-never-scan", test_short_queries_seek_the_index);
  ADD ("index/replacement-leaves-no-stale-rows", test_replacement_leaves_no_stale_grams);
  ADD ("index/remove-then-add-equals-a-fresh-apply",
       test_indexer_remove_then_add_equals_a_fresh_apply);
  ADD ("index/a-failure-while-indexing-keeps-the-old-catalog",
       test_index_failure_rolls_the_apply_back);
  ADD ("index/service-json-with-control-characters-stays-valid",
       test_control_characters_in_service_json);
  ADD ("index/catalog-from-schema-1-is-indexed-on-open",
       test_catalog_from_schema_1_is_indexed_on_open);
#undef ADD

  return g_test_run ();
}
