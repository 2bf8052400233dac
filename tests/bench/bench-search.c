/* bench-search.c — catalog search latency by query class, against a LIKE table scan.
 *
 * For each catalog size (default 500 and 10000 services, generated here: names from a
 * vocabulary of government services, ~30-character summaries, English names, keywords,
 * popularity), applies the catalog once (timed), then times hb_catalog_search for 1-, 2-,
 * and 3-character queries and pinyin-initial queries (several queries per class, every
 * query ROUNDS times, interleaved). Peer in the same run: the same 2-character queries
 * answered the way hb_catalog_search did before the gram index — LIKE '%…%' over the
 * texts of catalog_fts joined to catalog_service, name matches first, same result columns
 * and LIMIT. Issue 6 wants p95 ≤ 2 ms for every class over 10,000 services and ≥ 10× the
 * LIKE scan for 2 characters.
 * Prints one JSON object on stdout (milliseconds).
 * Usage: bench-search [ROUNDS] [SIZES] (defaults 30 and "500,10000") */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-store-private.h"
#include "tests/bench/bench-catalog-words.h"
#include "tests/bench/bench-util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void
append_json_string (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

static char *
make_catalog (guint n)
{
  GString *s = g_string_new ("{\"version\":\"bench\",\"services\":[");
  GRand *rand = g_rand_new_with_seed (6);
  guint ns = G_N_ELEMENTS (SUBJECTS), na = G_N_ELEMENTS (ACTIONS), np = G_N_ELEMENTS (PLACES);

  for (guint i = 0; i < n; i++)
    {
      guint subject = i % ns, action = (i / ns) % na, place = (i / (ns * na)) % np;
      guint round = i / (ns * na * np);
      g_autofree char *name = g_strdup_printf ("%s%s%s%s", SUBJECTS[subject][0],
                                               ACTIONS[action][0], PLACES[place],
                                               round ? "（续）" : "");
      g_autofree char *name_en = g_strdup_printf ("%s %s", SUBJECTS[subject][1],
                                                  ACTIONS[action][1]);
      g_autofree char *summary = g_strdup_printf (
        "%s，%s。", SUMMARY_PARTS[g_rand_int_range (rand, 0, G_N_ELEMENTS (SUMMARY_PARTS))],
        SUMMARY_PARTS[g_rand_int_range (rand, 0, G_N_ELEMENTS (SUMMARY_PARTS))]);

      g_string_append_printf (s, "%s{\"code\":\"310000-B-%05u\",\"name\":", i ? "," : "", i);
      append_json_string (s, name);
      g_string_append (s, ",\"name_en\":");
      append_json_string (s, name_en);
      g_string_append (s, ",\"summary\":");
      append_json_string (s, summary);
      g_string_append_printf (s, ",\"keywords\":[\"%s\",\"%s\"],\"popularity\":%d}",
                              SUBJECTS[subject][0], ACTIONS[action][0],
                              g_rand_int_range (rand, 0, 5000));
    }
  g_string_append (s, "]}");
  g_rand_free (rand);
  return g_string_free (s, FALSE);
}

/* The pre-gram short-query path, as hb_catalog_search ran it. */
static guint
like_search (HbStore *store, const char *query)
{
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", query);   /* no wildcards in ours */
  sqlite3_stmt *stmt;
  guint n = 0;

  hb_store_lock (store);
  stmt = hb_store_prepare (store,
                           "SELECT " HB_CATALOG_ENTRY_COLUMNS
                           " FROM catalog_fts f JOIN catalog_service s ON s.position = f.rowid"
                           " WHERE f.name LIKE ?1 ESCAPE '\\' OR f.summary LIKE ?1 ESCAPE '\\'"
                           "    OR f.name_en LIKE ?1 ESCAPE '\\'"
                           "    OR f.keywords LIKE ?1 ESCAPE '\\'"
                           " ORDER BY (f.name LIKE ?1 ESCAPE '\\') DESC, s.position"
                           " LIMIT ?2", NULL);
  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, HB_CATALOG_SEARCH_MAX_RESULTS);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      hb_catalog_entry_free (hb_catalog_entry_from_row (stmt));
      n++;
    }
  sqlite3_finalize (stmt);
  hb_store_unlock (store);
  return n;
}

typedef enum { K_ONE, K_TWO, K_THREE, K_PINYIN, K_LIKE_TWO, K_CLASSES } Klass;

static const char *const CLASS_NAMES[K_CLASSES] = {
  "one_char", "two_char", "three_char", "pinyin", "like_scan_two_char",
};

/* CPU time of this thread, ms: the machine is shared, so wall-clock tails carry other
 * processes' time slices; both are reported. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

typedef struct {
  Klass       klass;
  const char *query;
} Query;

static const Query QUERIES[] = {
  { K_ONE, "证" }, { K_ONE, "保" }, { K_ONE, "印" }, { K_ONE, "婚" }, { K_ONE, "罕" },
  { K_TWO, "社保" }, { K_TWO, "证明" }, { K_TWO, "查询" }, { K_TWO, "户籍" }, { K_TWO, "补办" },
  { K_TWO, "ID" },
  { K_THREE, "居住证" }, { K_THREE, "公积金" }, { K_THREE, "营业执照" }, { K_THREE, "社保卡补办" },
  { K_THREE, "pension" },
  { K_PINYIN, "jzz" }, { K_PINYIN, "sbk" }, { K_PINYIN, "gjj" }, { K_PINYIN, "hjdj" },
  { K_PINYIN, "yyzz" }, { K_PINYIN, "juzhuzheng" },
  { K_LIKE_TWO, "社保" }, { K_LIKE_TWO, "证明" }, { K_LIKE_TWO, "查询" }, { K_LIKE_TWO, "户籍" },
  { K_LIKE_TWO, "补办" }, { K_LIKE_TWO, "ID" },
};

static void
run_size (GString *json, gboolean first, guint services, guint rounds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hb-bench-search-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *key = g_build_filename (dir, "bench.key", NULL);
  g_autofree char *doc = make_catalog (services);
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_autoptr(HbCatalog) catalog = NULL;
  GArray *samples[K_CLASSES], *cpu[K_CLASSES];
  GArray *per_query[G_N_ELEMENTS (QUERIES)];
  gint64 t0;
  double apply_ms, apply_cpu_ms;

  g_assert_no_error (error);
  catalog = hb_catalog_new (store);
  apply_cpu_ms = thread_cpu_ms ();
  t0 = g_get_monotonic_time ();
  g_assert_true (hb_catalog_apply_json (catalog, doc, strlen (doc), NULL, &error));
  g_assert_no_error (error);
  apply_ms = (g_get_monotonic_time () - t0) / 1000.0;
  apply_cpu_ms = thread_cpu_ms () - apply_cpu_ms;
  /* Size of the database with the catalog and its search tables. */
  g_assert_true (hb_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  GStatBuf st;
  double db_mib = g_stat (db, &st) == 0 ? st.st_size / 1048576.0 : -1;
  gint64 grams = -1;
  sqlite3_stmt *count = hb_store_prepare (store, "SELECT count(*) FROM catalog_gram", NULL);
  if (count != NULL && sqlite3_step (count) == SQLITE_ROW)
    grams = sqlite3_column_int64 (count, 0);
  sqlite3_finalize (count);

  for (int k = 0; k < K_CLASSES; k++)
    {
      samples[k] = g_array_new (FALSE, FALSE, sizeof (double));
      cpu[k] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  for (guint i = 0; i < G_N_ELEMENTS (QUERIES); i++)
    per_query[i] = g_array_new (FALSE, FALSE, sizeof (double));

  /* One warm-up pass, then ROUNDS passes over every query, classes interleaved so load
   * drifts hit all of them. */
  for (guint r = 0; r <= rounds; r++)
    for (guint i = 0; i < G_N_ELEMENTS (QUERIES); i++)
      {
        const Query *q = &QUERIES[i];
        double ms, cpu_ms, c0;
        guint hits;

        c0 = thread_cpu_ms ();
        t0 = g_get_monotonic_time ();
        if (q->klass == K_LIKE_TWO)
          hits = like_search (store, q->query);
        else
          {
            GPtrArray *found = hb_catalog_search (catalog, q->query, &error);
            g_assert_no_error (error);
            hits = found->len;
            g_ptr_array_unref (found);
          }
        ms = (g_get_monotonic_time () - t0) / 1000.0;
        cpu_ms = thread_cpu_ms () - c0;
        if (r == 0)
          {
            if (hits == 0 && strcmp (q->query, "罕") != 0)
              g_printerr ("bench-search: \"%s\" found nothing\n", q->query);
            continue;
          }
        g_array_append_val (samples[q->klass], ms);
        g_array_append_val (cpu[q->klass], cpu_ms);
        g_array_append_val (per_query[i], cpu_ms);
      }

  g_string_append_printf (json, "%s{\"services\":%u,\"apply_ms\":%.1f,\"apply_cpu_ms\":%.1f,"
                          "\"db_mib\":%.1f,\"gram_rows\":%" G_GINT64_FORMAT, first ? "" : ",",
                          services, apply_ms, apply_cpu_ms, db_mib, grams);
  double p50[K_CLASSES], p95[K_CLASSES], cpu50[K_CLASSES], cpu95[K_CLASSES];
  for (int k = 0; k < K_CLASSES; k++)
    {
      double *v = (double *) samples[k]->data, *c = (double *) cpu[k]->data;
      guint n = samples[k]->len;
      p50[k] = bench_median (v, n);
      p95[k] = bench_percentile (v, n, 0.95);
      cpu50[k] = bench_median (c, n);
      cpu95[k] = bench_percentile (c, n, 0.95);
      g_string_append_printf (json, ",\"%s\":{\"median_ms\":%.4f,\"p95_ms\":%.4f,\"max_ms\":%.4f,"
                              "\"cpu_median_ms\":%.4f,\"cpu_p95_ms\":%.4f,\"samples\":%u}",
                              CLASS_NAMES[k], p50[k], p95[k], v[n - 1], cpu50[k], cpu95[k], n);
      g_array_free (samples[k], TRUE);
      g_array_free (cpu[k], TRUE);
    }
  /* CPU median per query, to see which one a class's tail comes from. */
  g_string_append (json, ",\"cpu_median_ms_by_query\":{");
  for (guint i = 0; i < G_N_ELEMENTS (QUERIES); i++)
    {
      g_string_append_printf (json, "%s\"%s%s\":%.4f", i ? "," : "",
                              QUERIES[i].klass == K_LIKE_TWO ? "LIKE " : "", QUERIES[i].query,
                              bench_median ((double *) per_query[i]->data, per_query[i]->len));
      g_array_free (per_query[i], TRUE);
    }
  g_string_append_c (json, '}');
  g_string_append_printf (json, ",\"two_char_vs_like_scan\":{\"median_ratio\":%.1f,"
                          "\"p95_ratio\":%.1f,\"cpu_median_ratio\":%.1f,"
                          "\"cpu_p95_ratio\":%.1f}}",
                          p50[K_LIKE_TWO] / p50[K_TWO], p95[K_LIKE_TWO] / p95[K_TWO],
                          cpu50[K_LIKE_TWO] / cpu50[K_TWO], cpu95[K_LIKE_TWO] / cpu95[K_TWO]);

  g_clear_object (&catalog);
  g_clear_object (&store);
  const char *names[] = { "bench.db", "bench.db-wal", "bench.db-shm", "bench.key" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 ? (guint) MAX (atoi (argv[1]), 1) : 30;
  g_auto(GStrv) sizes = g_strsplit (argc > 2 ? argv[2] : "500,10000", ",", -1);
  GString *json = g_string_new ("{\"bench\":\"search\",\"rounds\":");

  g_string_append_printf (json, "%u,\"sizes\":[", rounds);
  for (guint i = 0; sizes[i]; i++)
    run_size (json, i == 0, (guint) MAX (atoi (sizes[i]), 1), rounds);
  g_string_append (json, "]}");
  printf ("%s\n", json->str);
  g_string_free (json, TRUE);
  return 0;
}
