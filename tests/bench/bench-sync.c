/* bench-sync.c — catalog sync (full and delta), outbox flush, and main-loop stalls.
 *
 * Issue 6 point 10 and its must-show "the UI main loop never stalls > 16 ms while a
 * 10,000-service sync runs (measured)". Everything below is measured in one run against
 * one haoban-platform-sim started here on a generated catalog (its --data folder is ours):
 *
 *  1. Full sync of SERVICES services (default 10,000; names, summaries, a guide and a form
 *     per service, shaped like data/catalog.json but leaner: tests/bench/bench-catalog-gen.h;
 *     bench-catalog-size has services of realistic size): a fresh HbSync per round, time from hb_sync_start (the thread pulls at
 *     once) to "catalog-updated"; bytes = the document served. Apply alone: the same
 *     document through hb_catalog_apply_reply on a fresh store, no network.
 *  2. A delta of 100 changes (60 changed, 20 new, 20 removed services), published by
 *     rewriting the sim's catalog.json (the sim re-reads it; POST /_sim/catalog takes at most
 *     1 MiB, less than a 10,000-service catalog): time from request_catalog + kick to
 *     "catalog-updated", bytes of GET /v1/catalog?since=…; ratios against the full sync.
 *  3. Flushing ITEMS (default 1,000) queued applications: enqueued while the sync thread
 *     sleeps, then kick → the last "delivered". Baselines in the same run: ITEMS bare
 *     libcurl POSTs of the same bodies (one keep-alive handle) and the enqueue alone.
 *  4. Stalls: HbCore started as the kiosk starts it (virtual devices, catalog seeded from
 *     share_dir), a catalog-changed handler that reloads the service list as the catalog
 *     page does (hb_core_list_services_async, then on the main thread the services of
 *     the at most 48 buttons it shows), and a 1 ms timeout on the main
 *     loop recording the gaps between its ticks — while the 10,000-service full sync runs
 *     and applies (a fresh terminal per round), and while ITEMS outbox items flush (first
 *     round). Baseline: the same ticker with the core idle. The largest gap is reported
 *     with and without the reload's window, the reload with its wall and CPU time and
 *     context switches, and where its time goes ("reload_breakdown"). Building the
 *     page's services is also timed apart ("page_fill_ms").
 * Prints one JSON object on stdout (milliseconds, bytes). No assertions on time.
 * Usage: bench-sync [ROUNDS] [SERVICES] [ITEMS]   (defaults 3, 10000, 1000) */
#include "kiosk/hb-core.h"
#include "kiosk/hb-log.h"
#include "offline-cache/hb-catalog-delta-private.h"
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-store-private.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/bench/bench-catalog-gen.h"
#include "tests/bench/bench-sim.h"
#include "tests/bench/bench-util.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#define DELTA_CHANGED 60
#define DELTA_ADDED   20
#define DELTA_REMOVED 20
#define WAIT_MS       180000

/* --- the generated catalog ----------------------------------------------------------- */

/* The base catalog (services 0 … n-1), or a delta version of it: the first DELTA_REMOVED
 * removed, the next DELTA_CHANGED changed, DELTA_ADDED new ones appended. */
static char *
make_catalog (const char *version, guint n, gboolean delta)
{
  GString *s = g_string_sized_new (n * 900);
  gboolean first = TRUE;

  g_string_append_printf (s, "{\"version\":\"%s\",\"services\":[", version);
  for (guint i = delta ? DELTA_REMOVED : 0; i < n + (delta ? DELTA_ADDED : 0); i++)
    {
      if (!first)
        g_string_append_c (s, ',');
      first = FALSE;
      bench_append_service (s, i, delta && i < DELTA_REMOVED + DELTA_CHANGED);
    }
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

/* --- the sim ---------------------------------------------------------------------------- */

typedef struct {
  BenchSim     base;           /* first: sim->base.url … */
  char        *catalog_path;   /* NULL: the source tree's data/ */
} Sim;

static Sim *
sim_start (const char *data_dir, const char *catalog_path)
{
  Sim *sim = g_new0 (Sim, 1);
  bench_sim_start (&sim->base, data_dir, FALSE);
  sim->catalog_path = g_strdup (catalog_path);
  return sim;
}

static void
sim_free (Sim *sim)
{
  bench_sim_stop (&sim->base);
  g_free (sim->catalog_path);
  g_free (sim);
}

static size_t
collect (char *ptr, size_t size, size_t n, void *data)
{
  g_string_append_len (data, ptr, (gssize) (size * n));
  return size * n;
}

/* Like hb_test_http, with a longer timeout: a sanitizer build of the sim re-reads an
 * 8 MiB catalog slowly. */
static char *
sim_http (Sim *sim, const char *method, const char *path, const char *body,
          const char *const *headers, long *status, gsize *length)
{
  g_autofree char *url = g_strconcat (sim->base.url, path, NULL);
  CURL *curl = curl_easy_init ();
  GString *reply = g_string_new (NULL);
  struct curl_slist *h = NULL;

  for (guint i = 0; headers && headers[i]; i++)
    h = curl_slist_append (h, headers[i]);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, 120000L);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply);
  if (body)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  *status = 0;
  if (curl_easy_perform (curl) == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all (h);
  curl_easy_cleanup (curl);
  if (length)
    *length = reply->len;
  return g_string_free (reply, FALSE);
}

/* Publishes a catalog version by rewriting the sim's file, then makes the sim load it now
 * (a 304 probe), so the terminal's timed request does not pay for the sim's re-read. */
static void
sim_publish (Sim *sim, const char *doc, const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_strconcat (sim->catalog_path, ".tmp", NULL);
  g_autofree char *inm = g_strdup_printf ("If-None-Match: \"%s\"", version);
  const char *headers[] = { inm, NULL };
  long status = 0;

  g_assert_true (g_file_set_contents (tmp, doc, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (tmp, sim->catalog_path), ==, 0);
  g_free (sim_http (sim, "GET", "/v1/catalog", NULL, headers, &status, NULL));
  g_assert_cmpint (status, ==, 304);
}

/* --- waiting on signals ------------------------------------------------------------------ */

typedef struct {
  char  *version;     /* of the last catalog-updated */
  gint64 updated_at;
  guint  delivered;
  gint64 delivered_at;
} Watch;

static void
on_catalog_updated (HbSync *sync, const char *version, Watch *w)
{
  g_free (w->version);
  w->version = g_strdup (version);
  w->updated_at = g_get_monotonic_time ();
}

static void
on_delivered (HbSync *sync, const char *key, const char *response, Watch *w)
{
  w->delivered++;
  w->delivered_at = g_get_monotonic_time ();
}

typedef struct {
  Watch      *watch;
  const char *version;
  guint       delivered;
} Until;

static gboolean
until_version (gpointer data)
{
  Until *u = data;
  return g_strcmp0 (u->watch->version, u->version) == 0;
}

static gboolean
until_delivered (gpointer data)
{
  Until *u = data;
  return u->watch->delivered >= u->delivered;
}

static HbSync *
sync_new (const char *dir, const char *url, Watch *w)
{
  g_autofree char *db = g_build_filename (dir, "haoban.db", NULL);
  g_autofree char *key = g_build_filename (dir, "haoban.key", NULL);
  HbSyncOptions o = {
    .db_path = db, .key_path = key, .platform_url = url, .terminal_id = "SH-BENCH-0001",
    .catalog_interval_s = 3600, .heartbeat_interval_s = 3600,
    .request_timeout_ms = 60000,
  };
  HbSync *sync = hb_sync_new (&o);
  g_signal_connect (sync, "catalog-updated", G_CALLBACK (on_catalog_updated), w);
  g_signal_connect (sync, "delivered", G_CALLBACK (on_delivered), w);
  return sync;
}

static double
ms_since (gint64 t0, gint64 t1)
{
  return (t1 - t0) / 1000.0;
}

/* --- 1 and 2: full and delta ------------------------------------------------------------ */

typedef struct {
  double *full_ms, *delta_ms, *apply_full_ms, *apply_delta_ms;
  gsize   full_bytes, delta_bytes;
} CatalogFigures;

static void
apply_alone (const char *root, const char *full, const char *delta, double *full_ms,
             double *delta_ms)
{
  g_autofree char *dir = g_build_filename (root, "apply", NULL);
  g_autofree char *db = g_build_filename (dir, "haoban.db", NULL);
  g_autofree char *key = g_build_filename (dir, "haoban.key", NULL);
  g_autoptr(GError) error = NULL;
  gboolean was_delta = FALSE;
  gint64 t0;

  g_mkdir_with_parents (dir, 0700);
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  g_autoptr(HbCatalog) catalog = hb_catalog_new (store);
  t0 = g_get_monotonic_time ();
  g_assert_true (hb_catalog_apply_reply (catalog, full, strlen (full), "\"bench-base\"",
                                         &was_delta, &error));
  *full_ms = ms_since (t0, g_get_monotonic_time ());
  g_assert_no_error (error);
  g_assert_false (was_delta);
  t0 = g_get_monotonic_time ();
  g_assert_true (hb_catalog_apply_reply (catalog, delta, strlen (delta), NULL, &was_delta,
                                         &error));
  *delta_ms = ms_since (t0, g_get_monotonic_time ());
  g_assert_no_error (error);
  g_assert_true (was_delta);
  g_clear_object (&catalog);
  g_clear_object (&store);
  hb_test_rmdir (dir);
}

static void
run_catalog (const char *root, Sim *sim, const char *base, guint services, guint rounds,
             CatalogFigures *f)
{
  for (guint r = 0; r < rounds; r++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/sync-%u", root, r);
      g_autofree char *version = g_strdup_printf ("bench-delta-%u", r);
      g_autofree char *delta_doc = make_catalog (version, services, TRUE);
      g_autofree char *delta_reply = NULL;
      g_autoptr(GError) error = NULL;
      Watch w = { 0 };
      Until u = { &w, "bench-base", 0 };
      long status = 0;
      gint64 t0;

      sim_publish (sim, base, "bench-base");
      g_mkdir_with_parents (dir, 0700);
      g_autoptr(HbSync) sync = sync_new (dir, sim->base.url, &w);

      /* Full: the thread pulls at once; nothing stored, so no ?since. */
      t0 = g_get_monotonic_time ();
      g_assert_true (hb_sync_start (sync, &error));
      g_assert_no_error (error);
      g_assert_true (hb_test_wait_until (until_version, &u, WAIT_MS));
      f->full_ms[r] = ms_since (t0, w.updated_at);
      hb_test_spin (200);   /* keys and heartbeat that follow the pull */

      /* Delta: 100 changes published; request + kick. */
      sim_publish (sim, delta_doc, version);
      u.version = version;
      t0 = g_get_monotonic_time ();
      hb_sync_request_catalog (sync);
      hb_sync_kick (sync);
      g_assert_true (hb_test_wait_until (until_version, &u, WAIT_MS));
      f->delta_ms[r] = ms_since (t0, w.updated_at);
      hb_sync_stop (sync);

      /* What the terminal was sent, asked again the same way. */
      f->full_bytes = strlen (base);
      delta_reply = sim_http (sim, "GET", "/v1/catalog?since=bench-base", NULL, NULL, &status,
                              &f->delta_bytes);
      g_assert_cmpint (status, ==, 200);
      g_assert_nonnull (strstr (delta_reply, "\"from_version\""));

      apply_alone (root, base, delta_reply, &f->apply_full_ms[r], &f->apply_delta_ms[r]);
      g_free (w.version);
      g_clear_object (&sync);
      hb_test_rmdir (dir);
    }
}

/* --- 3: outbox flush ------------------------------------------------------------------------ */

/* A plausible application body (test data; the sim only checks its shape). */
static char *
application_body (guint i, const char *key)
{
  return g_strdup_printf (
    "{%s%s%s\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-BENCH-0001\","
    "\"submitted_at\":\"2026-11-27T10:%02u:%02u+08:00\",\"applicant\":{\"id_type\":\"resident\","
    "\"id_number\":\"31010419850615%04u\",\"name\":\"测试%u\",\"address\":\"上海市徐汇区漕溪北路336号\"},"
    "\"form\":{\"residence_address\":\"上海市徐汇区漕溪北路336号%u室\",\"phone\":\"138%08u\","
    "\"pickup\":\"print\"}}",
    key ? "\"idempotency_key\":\"" : "", key ? key : "", key ? "\"," : "",
    (i / 60) % 60, i % 60, i % 10000, i, i, i);
}

static size_t
discard (char *ptr, size_t size, size_t n, void *data)
{
  return size * n;
}

/* ITEMS POSTs with one keep-alive libcurl handle: the floor for delivering them. */
static double
bare_posts (const char *url, guint items)
{
  g_autofree char *target = g_strconcat (url, "/v1/applications", NULL);
  CURL *curl = curl_easy_init ();
  gint64 t0 = g_get_monotonic_time ();

  curl_easy_setopt (curl, CURLOPT_URL, target);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard);
  for (guint i = 0; i < items; i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *body = application_body (i, key);
      g_autofree char *kh = g_strconcat ("Idempotency-Key: ", key, NULL);
      struct curl_slist *h = curl_slist_append (NULL, "Content-Type: application/json");
      long status = 0;
      h = curl_slist_append (h, "X-Terminal-Id: SH-BENCH-0001");
      h = curl_slist_append (h, kh);
      curl_easy_setopt (curl, CURLOPT_HTTPHEADER, h);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
      curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
      g_assert_cmpint (status, ==, 201);
      curl_slist_free_all (h);
    }
  double ms = ms_since (t0, g_get_monotonic_time ());
  curl_easy_cleanup (curl);
  return ms;
}

static double
enqueue_items (const char *db, const char *key, guint items, guint first)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < items; i++)
    {
      g_autofree char *body = application_body (first + i, NULL);
      g_autofree char *k = hb_outbox_enqueue (outbox, "application", "/v1/applications", body,
                                              &error);
      g_assert_no_error (error);
      explicit_bzero (body, strlen (body));
    }
  return ms_since (t0, g_get_monotonic_time ());
}

typedef struct {
  double flush_ms, enqueue_ms, bare_ms;
} FlushFigures;

static void
run_flush (const char *root, Sim *small, guint items, FlushFigures *f)
{
  g_autofree char *dir = g_build_filename (root, "flush", NULL);
  g_autoptr(GError) error = NULL;
  Watch w = { 0 };
  g_autofree char *demo_version = hb_test_demo_catalog_version ();
  Until u = { &w, demo_version, 0 };
  gint64 t0;

  g_mkdir_with_parents (dir, 0700);
  g_autoptr(HbSync) sync = sync_new (dir, small->base.url, &w);
  g_assert_true (hb_sync_start (sync, &error));
  g_assert_no_error (error);
  g_assert_true (hb_test_wait_until (until_version, &u, WAIT_MS));
  hb_test_spin (300);   /* keys and heartbeat done: the thread sleeps for an hour */

  g_autofree char *db = g_build_filename (dir, "haoban.db", NULL);
  g_autofree char *key = g_build_filename (dir, "haoban.key", NULL);
  f->enqueue_ms = enqueue_items (db, key, items, 0);
  u.delivered = items;
  t0 = g_get_monotonic_time ();
  hb_sync_kick (sync);
  g_assert_true (hb_test_wait_until (until_delivered, &u, WAIT_MS));
  f->flush_ms = ms_since (t0, w.delivered_at);
  hb_sync_stop (sync);
  g_free (w.version);
  g_clear_object (&sync);
  hb_test_rmdir (dir);

  f->bare_ms = bare_posts (small->base.url, items);
}

/* CPU time of this thread, ms (the machine is shared: wall time carries other processes'
 * time slices). */
static double
thread_cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* --- 4: stalls on the kiosk's main loop ---------------------------------------------------- */

typedef struct {
  GArray *gaps;        /* double ms between consecutive ticks */
  GArray *ends;        /* gint64: the tick that ended each gap */
  gint64  last;
  gint64  worst_at;    /* end of the largest gap */
  double  worst;
} Ticker;

static gboolean
tick (gpointer data)
{
  Ticker *t = data;
  gint64 now = g_get_monotonic_time ();
  if (t->last)
    {
      double gap = (now - t->last) / 1000.0;
      g_array_append_val (t->gaps, gap);
      g_array_append_val (t->ends, now);
      if (gap > t->worst)
        {
          t->worst = gap;
          t->worst_at = now;
        }
    }
  t->last = now;
  return G_SOURCE_CONTINUE;
}

typedef struct {
  double max_ms, p99_ms, p50_ms;
  double max_outside_ms;       /* largest gap not overlapping [skip_from, skip_to] */
  guint  ticks, over_16ms;
  gint64 worst_at;
} StallFigures;

static guint
ticker_start (Ticker *t)
{
  memset (t, 0, sizeof *t);
  t->gaps = g_array_new (FALSE, FALSE, sizeof (double));
  t->ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  return g_timeout_add (1, tick, t);
}

/* skip_from/skip_to: a window (our own reload handler) whose gaps are left out of
 * max_outside_ms, so the sync's own effect on the loop shows apart from it; 0 = none. */
static void
ticker_stop (Ticker *t, guint id, StallFigures *f, gint64 skip_from, gint64 skip_to)
{
  g_source_remove (id);
  f->ticks = t->gaps->len;
  f->over_16ms = 0;
  f->max_outside_ms = 0;
  for (guint i = 0; i < t->gaps->len; i++)
    {
      double gap = g_array_index (t->gaps, double, i);
      gint64 end = g_array_index (t->ends, gint64, i), start = end - (gint64) (gap * 1000);
      f->over_16ms += gap > 16.0;
      if (skip_to == 0 || end < skip_from || start > skip_to)
        f->max_outside_ms = MAX (f->max_outside_ms, gap);
    }
  g_array_free (t->ends, TRUE);
  f->worst_at = t->worst_at;
  f->max_ms = t->worst;
  f->p99_ms = t->gaps->len ? bench_percentile ((double *) t->gaps->data, t->gaps->len, 0.99) : 0;
  f->p50_ms = t->gaps->len ? bench_percentile ((double *) t->gaps->data, t->gaps->len, 0.5) : 0;
  g_array_free (t->gaps, TRUE);
}

typedef struct {
  HbCore *core;
  guint   changed;
  double  handler_ms;    /* the reload, longest */
  double  handler_cpu_ms;   /* this thread's CPU time in it: wall − CPU = waiting */
  long    handler_vcsw, handler_ivcsw;   /* context switches in it: blocked / preempted */
  gint64  handler_start, handler_end;
  guint   listed;
} Kiosk;

/* Buttons the catalog page builds at most (ui/pages/hb-catalog-page.c CATALOG_PAGE_MAX). */
#define PAGE_MAX 48

/* What the catalog page does on catalog-changed, minus GTK: the service list is read on a
 * worker (hb_core_list_services_async); the main thread then builds the services of the
 * buttons it shows. That main-thread part is "the reload". */
static void
on_listed (GObject *source, GAsyncResult *result, gpointer data)
{
  Kiosk *k = data;
  HbCore *core = HB_CORE (source);
  struct rusage r0, r1;
  getrusage (RUSAGE_THREAD, &r0);
  double c0 = thread_cpu_ms ();
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(GPtrArray) entries = hb_core_list_services_finish (core, result, NULL);
  g_assert_nonnull (entries);
  for (guint i = 0; i < entries->len && i < PAGE_MAX; i++)
    {
      g_autoptr(HbService) s = hb_core_get_service (core,
                                                    ((HbCatalogEntry *) entries->pdata[i])->code,
                                                    NULL);
    }
  k->handler_end = g_get_monotonic_time ();
  getrusage (RUSAGE_THREAD, &r1);
  k->handler_vcsw = r1.ru_nvcsw - r0.ru_nvcsw;
  k->handler_ivcsw = r1.ru_nivcsw - r0.ru_nivcsw;
  k->handler_cpu_ms = MAX (k->handler_cpu_ms, thread_cpu_ms () - c0);
  k->handler_start = t0;
  k->handler_ms = MAX (k->handler_ms, ms_since (t0, k->handler_end));
  k->listed = entries->len;
  k->changed++;
}

static void
on_catalog_changed (HbCore *core, Kiosk *k)
{
  hb_core_list_services_async (core, NULL, on_listed, k);
}

static gboolean
until_changed (gpointer data)
{
  return ((Kiosk *) data)->changed > 0;
}

typedef struct {
  gint64 at;
} CoreUpdated;

static void
on_core_sync_updated (HbSync *sync, const char *version, CoreUpdated *c)
{
  c->at = g_get_monotonic_time ();
}

/* Where the reload's time goes. On a second connection to the kiosk's database: the list
 * query cold (first read after open; after the sync thread's commit the main connection's
 * cache is stale too) and warm; warm without the audience column; warm as hb_catalog_list
 * read it before (json_extract of $.audience from every service's JSON). On the core:
 * hb_core_list_services (list + audience filter) against hb_catalog_list alone, warm. */
typedef struct {
  double list_cold_ms, list_warm_ms, no_audience_ms, json_extract_ms;
  double core_list_services_ms, core_catalog_list_ms;
} ReloadBreakdown;

static double
time_query (HbStore *store, const char *sql)
{
  gint64 t0 = g_get_monotonic_time ();
  guint n = 0;
  hb_store_lock (store);
  sqlite3_stmt *stmt = hb_store_prepare (store, sql, NULL);
  g_assert_nonnull (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      hb_catalog_entry_free (hb_catalog_entry_from_row (stmt));
      n++;
    }
  sqlite3_finalize (stmt);
  hb_store_unlock (store);
  g_assert_cmpuint (n, >, 0);
  return ms_since (t0, g_get_monotonic_time ());
}

#define MEDIAN_OF_5(v, expr) \
  ({ for (guint i_ = 0; i_ < 5; i_++) v[i_] = (expr); bench_median (v, 5); })

static double
time_list (HbCatalog *catalog)
{
  gint64 t0 = g_get_monotonic_time ();
  g_ptr_array_unref (hb_catalog_list (catalog));
  return ms_since (t0, g_get_monotonic_time ());
}

static double
time_core_list (HbCore *core)
{
  gint64 t0 = g_get_monotonic_time ();
  g_ptr_array_unref (hb_core_list_services (core));
  return ms_since (t0, g_get_monotonic_time ());
}

static void
reload_breakdown (HbCore *core, HbConfig *config, ReloadBreakdown *b)
{
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  g_autoptr(HbCatalog) catalog = hb_catalog_new (store);
  double v[5];

  b->list_cold_ms = time_list (catalog);
  b->list_warm_ms = MEDIAN_OF_5 (v, time_list (catalog));
  /* The entry reader takes a missing audience (NULL) as "person". */
  b->no_audience_ms = MEDIAN_OF_5 (v, time_query (store,
    "SELECT s.code, s.name, s.name_en, s.category, s.summary, NULL"
    " FROM catalog_service s ORDER BY s.position"));
  b->json_extract_ms = MEDIAN_OF_5 (v, time_query (store,
    "SELECT " HB_CATALOG_ENTRY_COLUMNS " FROM catalog_service s ORDER BY s.position"));
  b->core_catalog_list_ms = MEDIAN_OF_5 (v, time_list (hb_core_get_catalog (core)));
  b->core_list_services_ms = MEDIAN_OF_5 (v, time_core_list (core));
}

typedef struct {
  ReloadBreakdown reload;
  StallFigures idle, sync, flush;
  double sync_ms, flush_ms, handler_ms, handler_cpu_ms, page_fill_ms;
  long   handler_vcsw, handler_ivcsw;
  guint  listed, delivered;
  double worst_to_handler_ms;   /* end of the worst gap − start of the reload */
} CoreFigures;

static void
run_core (const char *root, Sim *sim, guint round, guint items, CoreFigures *f)
{
  g_autofree char *dir = g_strdup_printf ("%s/kiosk-%u", root, round);
  g_autofree char *share = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbCore) core = NULL;
  Kiosk k = { 0 };
  Watch w = { 0 };
  CoreUpdated cu = { 0 };
  Until u = { &w, NULL, items };
  Ticker t;
  guint id;
  long status = 0;
  gint64 t0;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (hb_config_set (config, "paths", "data_dir", dir, NULL));
  g_assert_true (hb_config_set (config, "paths", "share_dir", share, NULL));
  g_assert_true (hb_config_set (config, "platform", "url", sim->base.url, NULL));
  g_assert_true (hb_config_set (config, "platform", "request_timeout_ms", "60000", NULL));
  g_assert_true (hb_config_set (config, "devices", "mode", "virtual", NULL));
  /* Long backoffs: after the failed start only our kick pulls (a kick ends backoffs). */
  g_assert_true (hb_config_set (config, "platform", "retry_base_ms", "600000", NULL));
  g_assert_true (hb_config_set (config, "platform", "retry_cap_ms", "3600000", NULL));

  /* The platform fails while the core starts, so the 10,000-service pull happens later,
   * with the ticker running; the catalog shipped in share_dir is seeded meanwhile. */
  g_free (sim_http (sim, "POST", "/_sim/faults", "{\"status\":503}", NULL, &status, NULL));
  g_assert_cmpint (status, ==, 200);
  core = hb_core_new (config);
  g_signal_connect (core, "catalog-changed", G_CALLBACK (on_catalog_changed), &k);
  g_assert_true (hb_core_start (core, &error));
  g_assert_no_error (error);
  HbSync *sync = hb_core_get_sync (core);
  g_signal_connect (sync, "catalog-updated", G_CALLBACK (on_core_sync_updated), &cu);
  g_signal_connect (sync, "delivered", G_CALLBACK (on_delivered), &w);
  hb_test_spin (1000);   /* devices settle, the failed first pull is over */
  g_free (sim_http (sim, "POST", "/_sim/faults", "{}", NULL, &status, NULL));
  g_assert_cmpint (status, ==, 200);

  /* Baseline: the same ticker, the core idle. */
  id = ticker_start (&t);
  hb_test_spin (2000);
  ticker_stop (&t, id, &f->idle, 0, 0);

  /* The full pull (the seeded version is unknown to the sim: it sends the whole catalog). */
  k.changed = 0;
  id = ticker_start (&t);
  t0 = g_get_monotonic_time ();
  hb_sync_request_catalog (sync);
  hb_sync_kick (sync);
  g_assert_true (hb_test_wait_until (until_changed, &k, WAIT_MS));
  hb_test_spin (500);   /* keys, heartbeat, status write that follow */
  ticker_stop (&t, id, &f->sync, k.handler_start, k.handler_end);
  f->sync_ms = ms_since (t0, cu.at);
  f->handler_ms = k.handler_ms;
  f->handler_cpu_ms = k.handler_cpu_ms;
  f->handler_vcsw = k.handler_vcsw;
  f->handler_ivcsw = k.handler_ivcsw;
  f->listed = k.listed;
  f->worst_to_handler_ms = ms_since (k.handler_start, f->sync.worst_at);

  reload_breakdown (core, config, &f->reload);

  /* The catalog page's fill() builds an HbService per button it shows (timed apart). */
  {
    g_autoptr(GPtrArray) entries = hb_core_list_services (core);
    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < entries->len && i < PAGE_MAX; i++)
      {
        g_autoptr(HbService) s = hb_core_get_service (core,
                                                      ((HbCatalogEntry *) entries->pdata[i])->code,
                                                      NULL);
      }
    f->page_fill_ms = ms_since (t0, g_get_monotonic_time ());
  }

  /* Flush (first round only; items = 0 skips it): ITEMS queued on a second connection
   * (the enqueue is not what we measure), then the same kick the core gives after a
   * submission. */
  if (items > 0)
    {
      g_autofree char *db = hb_config_dup_db_path (config);
      g_autofree char *key = hb_config_dup_key_path (config);
      enqueue_items (db, key, items, 100000);
      id = ticker_start (&t);
      t0 = g_get_monotonic_time ();
      hb_sync_kick (sync);
      g_assert_true (hb_test_wait_until (until_delivered, &u, WAIT_MS));
      f->flush_ms = ms_since (t0, w.delivered_at);
      hb_test_spin (300);
      ticker_stop (&t, id, &f->flush, 0, 0);
      f->delivered = w.delivered;
    }

  hb_core_stop (core);
  g_clear_object (&core);
  hb_test_rmdir (dir);
}

/* --- main ------------------------------------------------------------------------------------- */

static void
append_stalls (GString *json, const char *name, const StallFigures *s)
{
  g_string_append_printf (json, ",\"%s\":{\"max_ms\":%.2f,\"p99_ms\":%.2f,\"p50_ms\":%.2f,"
                          "\"max_outside_reload_ms\":%.2f,\"ticks\":%u,\"gaps_over_16ms\":%u}",
                          name, s->max_ms, s->p99_ms, s->p50_ms, s->max_outside_ms, s->ticks,
                          s->over_16ms);
}

int
main (int argc, char **argv)
{
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
  hb_test_init (&argc, &argv);
  g_autofree char *root = hb_test_mkdtemp ("bench-sync");
  g_autofree char *logs = g_build_filename (root, "logs", NULL);
  /* The kiosk's log writer (file + stderr, level info), as the terminal runs; GTest's
   * handler would copy every message to stdout, which holds our JSON. */
  g_log_set_default_handler (g_log_default_handler, NULL);
  g_assert_true (hb_log_init (logs, "info", 10 * 1024 * 1024, NULL));
  guint rounds = argc > 1 ? (guint) MAX (atoi (argv[1]), 1) : 3;
  /* The delta removes 20 and adds 20: the same count, within the 10,000 limit. */
  guint services = argc > 2 ? (guint) CLAMP (atoi (argv[2]), DELTA_REMOVED + DELTA_CHANGED + 1,
                                             10000) : 10000;
  guint items = argc > 3 ? (guint) MAX (atoi (argv[3]), 1) : 1000;
  g_autofree char *data = g_build_filename (root, "sim-data", NULL);
  g_autofree char *catalog_path = g_build_filename (data, "catalog.json", NULL);
  g_autofree char *src_data = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *base = NULL;
  CatalogFigures cf = { 0 };
  FlushFigures ff = { 0 };
  CoreFigures *cores = NULL;
  gint64 t0;

  curl_global_init (CURL_GLOBAL_DEFAULT);
  g_mkdir_with_parents (data, 0700);
  t0 = g_get_monotonic_time ();
  base = make_catalog ("bench-base", services, FALSE);
  double generate_ms = ms_since (t0, g_get_monotonic_time ());
  g_assert_true (g_file_set_contents (catalog_path, base, -1, NULL));
  g_assert_cmpuint (strlen (base), <=, HB_CATALOG_MAX_BYTES);

  Sim *sim = sim_start (data, catalog_path);
  Sim *small = sim_start (src_data, NULL);

  cf.full_ms = g_new0 (double, rounds);
  cf.delta_ms = g_new0 (double, rounds);
  cf.apply_full_ms = g_new0 (double, rounds);
  cf.apply_delta_ms = g_new0 (double, rounds);
  run_catalog (root, sim, base, services, rounds, &cf);
  run_flush (root, small, items, &ff);
  sim_publish (sim, base, "bench-base");
  /* A fresh terminal each round, so each pull is a full one; the flush in the first. */
  cores = g_new0 (CoreFigures, rounds);
  for (guint r = 0; r < rounds; r++)
    run_core (root, sim, r, r == 0 ? items : 0, &cores[r]);
  CoreFigures core = cores[0];
  double *stall_max = g_new (double, rounds), *reload = g_new (double, rounds);
  double *reload_cpu = g_new (double, rounds), *outside = g_new (double, rounds);
  double *core_sync = g_new (double, rounds);
  for (guint r = 0; r < rounds; r++)
    {
      stall_max[r] = cores[r].sync.max_ms;
      reload[r] = cores[r].handler_ms;
      reload_cpu[r] = cores[r].handler_cpu_ms;
      outside[r] = cores[r].sync.max_outside_ms;
      core_sync[r] = cores[r].sync_ms;
    }

  double full = bench_median (cf.full_ms, rounds), delta = bench_median (cf.delta_ms, rounds);
  double afull = bench_median (cf.apply_full_ms, rounds);
  double adelta = bench_median (cf.apply_delta_ms, rounds);
  GString *json = g_string_new (NULL);
  g_string_append_printf (json,
    "{\"bench\":\"sync\",\"rounds\":%u,\"services\":%u,\"items\":%u,\"generate_ms\":%.1f,"
    "\"full\":{\"sync_ms\":%.1f,\"sync_ms_max\":%.1f,\"apply_ms\":%.1f,\"bytes\":%zu,"
    "\"bytes_per_service\":%.0f,\"network_and_parse_ms\":%.1f},"
    "\"delta\":{\"changes\":%u,\"sync_ms\":%.1f,\"apply_ms\":%.1f,\"bytes\":%zu},"
    "\"delta_vs_full\":{\"time_ratio\":%.4f,\"bytes_ratio\":%.4f,\"apply_ratio\":%.4f},",
    rounds, services, items, generate_ms, full, bench_percentile (cf.full_ms, rounds, 1.0),
    afull, cf.full_bytes, (double) cf.full_bytes / services, full - afull,
    DELTA_CHANGED + DELTA_ADDED + DELTA_REMOVED, delta, adelta, cf.delta_bytes,
    delta / full, (double) cf.delta_bytes / cf.full_bytes, adelta / afull);
  g_string_append_printf (json,
    "\"flush\":{\"items\":%u,\"flush_ms\":%.1f,\"items_per_s\":%.1f,\"enqueue_ms\":%.1f,"
    "\"bare_curl_posts_ms\":%.1f,\"bare_items_per_s\":%.1f,\"flush_vs_bare_ratio\":%.2f,"
    "\"flush_vs_enqueue_ratio\":%.2f},",
    items, ff.flush_ms, items / (ff.flush_ms / 1000.0), ff.enqueue_ms, ff.bare_ms,
    items / (ff.bare_ms / 1000.0), ff.flush_ms / ff.bare_ms, ff.flush_ms / ff.enqueue_ms);
  g_string_append_printf (json,
    "\"kiosk\":{\"full_sync_ms\":%.1f,\"reload_handler_ms\":%.2f,"
    "\"reload_handler_cpu_ms\":%.2f,\"reload_handler_switches\":{\"voluntary\":%ld,"
    "\"preempted\":%ld},\"listed\":%u,"
    "\"page_fill_ms\":%.1f,\"worst_gap_end_minus_reload_start_ms\":%.1f,"
    "\"flush_ms\":%.1f,\"delivered\":%u",
    core.sync_ms, core.handler_ms, core.handler_cpu_ms, core.handler_vcsw, core.handler_ivcsw,
    core.listed, core.page_fill_ms, core.worst_to_handler_ms,
    core.flush_ms, core.delivered);
  g_string_append_printf (json, ",\"reload_breakdown\":{\"list_cold_ms\":%.2f,"
                          "\"list_warm_ms\":%.2f,\"without_audience_ms\":%.2f,"
                          "\"audience_by_json_extract_ms\":%.2f,"
                          "\"core_catalog_list_ms\":%.2f,\"core_list_services_ms\":%.2f}",
                          core.reload.list_cold_ms, core.reload.list_warm_ms,
                          core.reload.no_audience_ms, core.reload.json_extract_ms,
                          core.reload.core_catalog_list_ms, core.reload.core_list_services_ms);
  append_stalls (json, "stalls_idle", &core.idle);
  append_stalls (json, "stalls_during_full_sync", &core.sync);
  append_stalls (json, "stalls_during_flush", &core.flush);
  /* Every round's full sync on a fresh terminal: the largest gap, the reload inside it. */
  double worst = core.flush.max_ms, idle_worst = 0;
  g_string_append (json, ",\"per_round\":[");
  for (guint r = 0; r < rounds; r++)
    {
      worst = MAX (worst, cores[r].sync.max_ms);
      idle_worst = MAX (idle_worst, cores[r].idle.max_ms);
      g_string_append_printf (json, "%s{\"full_sync_ms\":%.1f,\"max_gap_ms\":%.2f,"
                              "\"p99_gap_ms\":%.2f,\"max_gap_outside_reload_ms\":%.2f,"
                              "\"reload_ms\":%.2f,\"reload_cpu_ms\":%.2f,"
                              "\"idle_max_gap_ms\":%.2f}", r ? "," : "",
                              cores[r].sync_ms, cores[r].sync.max_ms, cores[r].sync.p99_ms,
                              cores[r].sync.max_outside_ms, cores[r].handler_ms,
                              cores[r].handler_cpu_ms, cores[r].idle.max_ms);
    }
  g_string_append_printf (json, "],\"median_of_rounds\":{\"full_sync_ms\":%.1f,"
                          "\"max_gap_ms\":%.2f,\"max_gap_outside_reload_ms\":%.2f,"
                          "\"reload_ms\":%.2f,\"reload_cpu_ms\":%.2f}",
                          bench_median (core_sync, rounds), bench_median (stall_max, rounds),
                          bench_median (outside, rounds), bench_median (reload, rounds),
                          bench_median (reload_cpu, rounds));
  g_string_append_printf (json, ",\"max_stall_ms\":%.2f,\"idle_max_gap_ms\":%.2f,"
                          "\"max_stall_vs_idle_ratio\":%.2f,\"within_16ms\":%s}}",
                          worst, idle_worst, worst / MAX (idle_worst, 0.001),
                          worst <= 16.0 ? "true" : "false");
  printf ("%s\n", json->str);
  g_string_free (json, TRUE);

  sim_free (sim);
  sim_free (small);
  g_free (cf.full_ms);
  g_free (cf.delta_ms);
  g_free (cf.apply_full_ms);
  g_free (cf.apply_delta_ms);
  g_free (cores);
  g_free (stall_max);
  g_free (reload);
  g_free (reload_cpu);
  g_free (outside);
  g_free (core_sync);
  hb_log_shutdown ();
  hb_test_rmdir (root);
  curl_global_cleanup ();
  return 0;
}
