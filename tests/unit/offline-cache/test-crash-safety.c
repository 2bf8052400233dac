/* test-crash-safety.c — kill -9 the process holding the outbox, at random points of
 * submission bursts and syncs, restart it, and prove nothing was lost, duplicated or
 * corrupted (issue 6, point 7; docs/crash-safety.md).
 *
 * One program, two roles. Run by the test runner it is the driver: one platform-sim for
 * all trials; per trial a fresh data folder, a child (this same binary re-executed with
 * --crash-child) that opens store + outbox + sync and enqueues a burst while syncing, a
 * SIGKILL after a seeded random delay, then a second child that drains the outbox, and
 * the checks. The child reports each idempotency key on stdout only after
 * hb_outbox_enqueue returned: those must reach the platform exactly once.
 *
 *   HB_CRASH_TRIALS  trials (default 200; `make soak` runs 2000)
 *   HB_CRASH_SEED    first trial's seed (default: random, printed); trial i uses seed+i */
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/sync-fixture.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHILD_FLAG          "--crash-child"
#define CHILD_DEADLINE_S    60
/* Under AddressSanitizer a trial costs ~5x: the sanitizer run is about memory errors,
 * the statistics are the normal build's. */
#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_TRIALS      50
#else
#define DEFAULT_TRIALS      200
#endif
#define MAX_BURST           16
/* When to kill. One trial in KILL_AT_START_ONE_IN is killed during start-up (key file,
 * migrations, first catalog pull): [0, KILL_START_MS) after the spawn. The others are
 * killed [0, KILL_SPAN_MS + n * KILL_PER_ITEM_MS) after the child said "ready": an enqueue
 * takes ~6-10 ms here (a synchronous commit), so that spreads kills over the burst, the
 * pushes after it and a little idle time, whatever the start-up costs on a loaded machine. */
#define KILL_AT_START_ONE_IN 10
#define KILL_START_MS        40
#define KILL_SPAN_MS         10
#define KILL_PER_ITEM_MS     8

/* ====================================================================================
 * The child
 * ==================================================================================== */

/* One line on stdout, written at once (no stdio buffer to lose at the kill). */
static void G_GNUC_PRINTF (1, 2)
say (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  g_autofree char *line = g_strconcat (text, "\n", NULL);
  gsize len = strlen (line), done = 0;
  while (done < len)
    {
      ssize_t n = write (STDOUT_FILENO, line + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (7);   /* the driver went away */
      done += (gsize) n;
    }
}

/* Run the main context (signals from the sync thread) for about ms milliseconds. */
static void
child_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  do
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (500);
    }
  while (g_get_monotonic_time () < end);
}

/* What the terminal holds: its store connection, the outbox, the sync thread. */
typedef struct {
  HbStore  *store;
  HbOutbox *outbox;
  HbSync   *sync;
  guint     delivered;
} Child;

static void
child_on_delivered (HbSync *sync, const char *key, const char *response, Child *c)
{
  c->delivered++;
  say ("delivered %s", key);
}

/* Opens everything as the kiosk does at start; FALSE (said on stderr) on failure. */
static gboolean
child_open (Child *c, const char *db, const char *key, const char *url)
{
  g_autoptr(GError) error = NULL;
  HbSyncOptions o = {
    .db_path = db,
    .key_path = key,
    .platform_url = url,
    .terminal_id = "SH-XH-0001",
    .catalog_interval_s = 300,
    .retry_base_ms = 10,
    .retry_cap_ms = 100,
    .connect_timeout_ms = 1000,
    .request_timeout_ms = 3000,
  };
  c->store = hb_store_open (db, key, &error);
  if (c->store == NULL)
    {
      g_printerr ("crash-child: open: %s\n", error->message);
      return FALSE;
    }
  c->outbox = hb_outbox_new (c->store);
  c->sync = hb_sync_new (&o);
  g_signal_connect (c->sync, "delivered", G_CALLBACK (child_on_delivered), c);
  if (!hb_sync_start (c->sync, &error))
    {
      g_printerr ("crash-child: sync: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
child_close (Child *c)
{
  if (c->sync)
    hb_sync_stop (c->sync);
  g_clear_object (&c->sync);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&c->outbox);
  g_clear_object (&c->store);
}

static guint
child_pending (Child *c)
{
  HbOutboxStats stats;
  g_autoptr(GError) error = NULL;
  if (!hb_outbox_get_stats (c->outbox, g_get_real_time () / G_USEC_PER_SEC, &stats, &error))
    {
      g_printerr ("crash-child: stats: %s\n", error->message);
      exit (3);
    }
  return stats.pending;
}

/* The burst size of a seed (the driver needs it too). */
static guint
burst_size (GRand *rand)
{
  return (guint) g_rand_int_range (rand, 1, MAX_BURST + 1);
}

/* burst DB KEY URL SEED: enqueue a seeded burst while syncing, then idle until killed. */
static int
child_burst (Child *c, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint n = burst_size (rand);

  say ("ready %u", n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      /* A payload of its own per application, so that a duplicate under another key
       * would show at the platform. */
      g_autofree char *body = g_strdup_printf (
        "{\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-XH-0001\","
        "\"applicant\":{\"id_type\":\"resident\",\"id_number\":\"310104198506151237\",\"name\":\"张伟\"},"
        "\"form\":{\"reference\":\"S%u-%02u\",\"phone\":\"13800138000\"}}", seed, i);
      say ("enqueue %u", i);
      g_autofree char *key = hb_outbox_enqueue (c->outbox, "application", "/v1/applications", body, &error);
      if (key == NULL)
        {
          g_printerr ("crash-child: enqueue: %s\n", error->message);
          return 3;
        }
      say ("queued %s", key);
      hb_sync_kick (c->sync);
      child_spin ((guint) g_rand_int_range (rand, 0, 4));
    }
  say ("burst-done");
  gint64 deadline = g_get_monotonic_time () + CHILD_DEADLINE_S * G_USEC_PER_SEC;
  gboolean idle = FALSE;
  while (g_get_monotonic_time () < deadline)
    {
      child_spin (5);
      if (!idle && c->delivered >= n && child_pending (c) == 0)
        {
          say ("idle");
          idle = TRUE;
        }
    }
  return 5;   /* never killed: the driver is stuck */
}

/* drain DB KEY URL: restart after the kill; deliver everything pending, then exit 0. */
static int
child_drain (Child *c)
{
  say ("rebuilt %d", hb_store_was_rebuilt (c->store));
  hb_sync_kick (c->sync);
  gint64 deadline = g_get_monotonic_time () + CHILD_DEADLINE_S * G_USEC_PER_SEC;
  while (child_pending (c) > 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("crash-child: still %u pending after %d s\n", child_pending (c),
                      CHILD_DEADLINE_S);
          return 4;
        }
      child_spin (5);
    }
  child_close (c);
  say ("drained");
  return 0;
}

static int
child_main (int argc, char **argv)
{
  /* argv: PROG --crash-child MODE DB KEY URL [SEED] */
  gboolean burst = argc == 7 && g_str_equal (argv[2], "burst");
  if (!burst && !(argc == 6 && g_str_equal (argv[2], "drain")))
    {
      g_printerr ("usage: %s " CHILD_FLAG " burst DB KEY URL SEED | drain DB KEY URL\n", argv[0]);
      return 2;
    }
  Child c = { 0 };
  int status = 3;
  if (child_open (&c, argv[3], argv[4], argv[5]))
    status = burst ? child_burst (&c, (guint32) g_ascii_strtoull (argv[6], NULL, 10))
                   : child_drain (&c);
  child_close (&c);
  return status;
}

/* ====================================================================================
 * The driver
 * ==================================================================================== */

typedef enum {
  AT_START,       /* before the store and sync were up */
  AT_ENQUEUE,     /* inside hb_outbox_enqueue */
  AT_BURST,       /* between enqueues (pushes running meanwhile) */
  AT_PUSH,        /* burst done, deliveries still running */
  AT_IDLE,        /* everything delivered */
  N_PHASES
} Phase;

static const char *const phase_names[N_PHASES] = {
  "start-up", "mid-enqueue", "mid-burst", "mid-push", "idle"
};

typedef struct {
  guint trials;
  guint phase[N_PHASES];
  guint faulted_trials;
  guint queued;            /* keys reported durable */
  guint unreported;        /* delivered though never reported (killed between commit and say) */
  guint replayed_trials;   /* without faults: the kill fell between the platform's commit
                            * and the terminal's mark_sent (the drain got a replay) */
  guint catalog_present;   /* kills after the first catalog was applied (the rest: before) */
} Figures;

typedef struct {
  HbTestSim *sim;
  char      *self;
  guint      catalog_size;
  guint32    base_seed;
  guint      n_trials;
  Figures    figures;
} Driver;

static GSubprocess *
spawn_child (Driver *d, GSubprocessFlags flags, GError **error, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  g_ptr_array_add (args, d->self);
  g_ptr_array_add (args, (gpointer) CHILD_FLAG);
  va_start (ap, error);
  for (const char *a = va_arg (ap, const char *); a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return g_subprocess_newv ((const char *const *) args->pdata, flags, error);
}

static Phase
phase_of (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  const char *last = NULL;
  for (char **l = lines; *l; l++)
    if (**l)
      last = *l;
  if (last == NULL)
    return AT_START;
  if (g_str_has_prefix (last, "enqueue "))
    return AT_ENQUEUE;
  if (g_str_has_prefix (last, "ready ") || g_str_has_prefix (last, "queued "))
    return AT_BURST;
  if (g_str_equal (last, "idle"))
    return AT_IDLE;
  return AT_PUSH;   /* burst-done, delivered … */
}

/* Runs one SQL statement returning one text value (transfer full); NULL on error. */
static char *
sql_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* The outbox as key → state, after PRAGMA integrity_check said ok. */
static GHashTable *
check_database (const char *path, guint *catalog_rows)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_autofree char *integrity = sql_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  GHashTable *outbox = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *version = sql_text (db, "PRAGMA user_version");
  if (g_strcmp0 (version, "0") == 0)
    {
      /* killed before the first migration committed: no tables yet */
      *catalog_rows = 0;
      sqlite3_close (db);
      return outbox;
    }
  g_autofree char *rows = sql_text (db, "SELECT count(*) FROM catalog_service");
  g_assert_nonnull (rows);
  *catalog_rows = (guint) g_ascii_strtoull (rows, NULL, 10);

  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT idempotency_key, state FROM outbox", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (outbox, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return outbox;
}

static gboolean
copy_file (const char *from, const char *to)
{
  g_autoptr(GFile) src = g_file_new_for_path (from);
  g_autoptr(GFile) dst = g_file_new_for_path (to);
  return g_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL);
}

/* The files as the kill left them, checked on a copy (db, -wal, -shm together) so that the
 * restart still finds a hot WAL to recover: intact, the catalog all or nothing, and every
 * key the child reported already in the outbox. */
static void
check_after_kill (Driver *d, const char *dir, const char *db, const char *out, guint index,
                  guint32 seed)
{
  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    return;   /* killed before the store created it */
  g_autofree char *copy_dir = g_build_filename (dir, "after-kill", NULL);
  g_autofree char *copy = g_build_filename (copy_dir, "haoban.db", NULL);
  g_assert_cmpint (g_mkdir (copy_dir, 0700), ==, 0);
  const char *suffixes[] = { "", "-wal", "-shm" };
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (db, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (copy, suffixes[i], NULL);
      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_assert_true (copy_file (from, to));
    }
  guint catalog_rows = 0;
  g_autoptr(GHashTable) outbox = check_database (copy, &catalog_rows);
  if (catalog_rows != 0 && catalog_rows != d->catalog_size)
    g_error ("trial %u (seed %u): %u catalog rows after the kill: a half-applied catalog",
             index, seed, catalog_rows);
  d->figures.catalog_present += catalog_rows != 0;
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++)
    if (g_str_has_prefix (*l, "queued ") && !g_hash_table_contains (outbox, *l + 7))
      g_error ("trial %u (seed %u): reported key %s is not in the outbox after the kill",
               index, seed, *l + 7);
}

static void
run_trial (Driver *d, guint index)
{
  g_autoptr(GError) error = NULL;
  guint32 seed = d->base_seed + index;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x5eed);
  gboolean faulted = g_rand_int_range (rand, 0, 3) == 0;
  g_autoptr(GRand) child_rand = g_rand_new_with_seed (seed);
  guint n = burst_size (child_rand);
  gboolean at_start = g_rand_int_range (rand, 0, KILL_AT_START_ONE_IN) == 0;
  guint kill_ms = (guint) g_rand_int_range (rand, 0, at_start ? KILL_START_MS
                                                              : KILL_SPAN_MS + n * KILL_PER_ITEM_MS);
  g_autofree char *dir = hb_test_mkdtemp ("crash");
  g_autofree char *db = g_build_filename (dir, "haoban.db", NULL);
  g_autofree char *key = g_build_filename (dir, "store.key", NULL);
  g_autofree char *seed_text = g_strdup_printf ("%u", seed);
  g_autofree char *prefix = g_strdup_printf ("S%u-", seed);
  const char *url = hb_test_sim_url (d->sim);

  /* Printed before anything can fail, so a failure names its seed. */
  g_test_message ("trial %u: seed %u, %s, kill %u ms after %s", index, seed,
                  faulted ? "faults" : "no faults", kill_ms, at_start ? "the spawn" : "ready");
  sync_fixture_sim_post (d->sim, "/_sim/reset", NULL);
  if (faulted)
    {
      /* Every fault kind at once, so kills also land mid-HTTP: while the sim holds,
       * trickles or cuts an answer, or has committed and failed. */
      g_autofree char *faults = g_strdup_printf (
        "{\"latency_ms\":{\"min\":0,\"max\":8},\"drop_rate\":0.15,\"error_rate\":0.15,"
        "\"truncate_rate\":0.15,\"garble_rate\":0.1,\"slow_body\":{\"rate\":0.1,\"bytes_per_s\":4000},"
        "\"fail_after_commit_rate\":0.15,\"seed\":%u}", seed);
      sync_fixture_sim_post (d->sim, "/_sim/faults", faults);
      d->figures.faulted_trials++;
    }

  /* The burst, killed. */
  g_autoptr(GSubprocess) child = spawn_child (d, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                              "burst", db, key, url, seed_text, NULL);
  g_assert_no_error (error);
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  g_autoptr(GString) output = g_string_new (NULL);
  char *line;
  if (!at_start)
    {
      /* The child says "ready" within milliseconds, or fails and closes the pipe. */
      line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
      g_assert_no_error (error);
      if (line == NULL)
        {
          g_subprocess_wait (child, NULL, NULL);
          g_error ("trial %u (seed %u): the burst child failed to start (status %d)", index, seed,
                   g_subprocess_get_status (child));
        }
      g_string_append_printf (output, "%s\n", line);
      g_free (line);
    }
  g_usleep ((gulong) kill_ms * 1000);
  g_subprocess_send_signal (child, SIGKILL);
  while ((line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error)) != NULL)
    {
      g_string_append_printf (output, "%s\n", line);
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  const char *out = output->str;
  if (!g_subprocess_get_if_signaled (child) || g_subprocess_get_term_sig (child) != SIGKILL)
    g_error ("trial %u (seed %u): the burst child ended by itself (status %d) before the kill",
             index, seed, g_subprocess_get_status (child));
  Phase phase = phase_of (out);
  d->figures.phase[phase]++;
  check_after_kill (d, dir, db, out, index, seed);

  /* The restart, with the platform healthy again. */
  sync_fixture_sim_post (d->sim, "/_sim/faults", "{}");
  gint64 replays_before = sync_fixture_sim_counter (d->sim, "replays");
  g_autoptr(GSubprocess) drain = spawn_child (d, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                              "drain", db, key, url, NULL);
  g_assert_no_error (error);
  g_autofree char *drained = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (drain, NULL, NULL, &drained, NULL, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (drain) || g_subprocess_get_exit_status (drain) != 0)
    g_error ("trial %u (seed %u): the drain failed (status %d)", index, seed,
             g_subprocess_get_status (drain));
  g_assert_nonnull (strstr (drained, "rebuilt 0\n"));   /* never quarantined */
  g_assert_nonnull (strstr (drained, "drained\n"));
  gint64 replays_after = sync_fixture_sim_counter (d->sim, "replays");
  if (!faulted && replays_after > replays_before)
    d->figures.replayed_trials++;

  /* The database: intact, everything sent, catalog all or nothing. */
  guint catalog_rows = 0;
  g_autoptr(GHashTable) outbox = check_database (db, &catalog_rows);
  g_assert_true (catalog_rows == 0 || catalog_rows == d->catalog_size);
  GHashTableIter iter;
  gpointer k, v;
  g_hash_table_iter_init (&iter, outbox);
  while (g_hash_table_iter_next (&iter, &k, &v))
    if (!g_str_equal (v, "sent"))
      g_error ("trial %u (seed %u): item %s is %s after the drain", index, seed, (char *) k, (char *) v);

  /* The platform: this trial's applications, each key and each payload once, and exactly
   * the outbox's items (a record of an earlier trial's late request is ignored). */
  g_autoptr(JsonNode) list = sync_fixture_sim_get (d->sim, "/_sim/applications");
  g_autoptr(GHashTable) at_platform = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) references = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *records = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);
      JsonObject *form = json_object_get_object_member (json_object_get_object_member (record, "body"), "form");
      const char *reference = json_object_get_string_member (form, "reference");
      const char *record_key = json_object_get_string_member (record, "idempotency_key");
      if (!g_str_has_prefix (reference, prefix))
        continue;
      if (g_hash_table_contains (at_platform, record_key) || g_hash_table_contains (references, reference))
        g_error ("trial %u (seed %u): %s is at the platform twice", index, seed, reference);
      g_hash_table_add (at_platform, (gpointer) record_key);
      g_hash_table_add (references, (gpointer) reference);
      if (!g_hash_table_contains (outbox, record_key))
        g_error ("trial %u (seed %u): the platform has %s, the outbox does not", index, seed, record_key);
    }
  g_assert_cmpuint (g_hash_table_size (at_platform), ==, g_hash_table_size (outbox));

  /* Every key the child reported durable is there (once, by the above). */
  guint reported = 0;
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++)
    if (g_str_has_prefix (*l, "queued "))
      {
        reported++;
        if (!g_hash_table_contains (at_platform, *l + 7))
          g_error ("trial %u (seed %u): reported key %s was lost", index, seed, *l + 7);
      }
  d->figures.queued += reported;
  d->figures.unreported += g_hash_table_size (at_platform) - reported;
  d->figures.trials++;
  hb_test_rmdir (dir);
}

static guint
count_catalog (void)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  JsonObject *doc = json_node_get_object (json_parser_get_root (parser));
  return json_array_get_length (json_object_get_array_member (doc, "services"));
}

static void
test_kill_nine_loses_and_duplicates_nothing (void)
{
  g_autoptr(GError) error = NULL;
  Driver d = { 0 };
  const char *trials = g_getenv ("HB_CRASH_TRIALS");
  const char *seed = g_getenv ("HB_CRASH_SEED");

  d.n_trials = trials ? (guint) g_ascii_strtoull (trials, NULL, 10) : DEFAULT_TRIALS;
  d.base_seed = seed ? (guint32) g_ascii_strtoull (seed, NULL, 10) : g_random_int ();
  d.self = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  d.catalog_size = count_catalog ();
  d.sim = hb_test_sim_start (NULL, &error);
  g_assert_no_error (error);
  /* On stderr too (kept by the runner): the one number needed to replay a failure. */
  g_printerr ("crash-safety: %u trials, HB_CRASH_SEED=%u\n", d.n_trials, d.base_seed);
  g_test_message ("%u trials, HB_CRASH_SEED=%u", d.n_trials, d.base_seed);

  gint64 start = g_get_monotonic_time ();
  for (guint i = 0; i < d.n_trials; i++)
    run_trial (&d, i);
  double seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

  Figures *f = &d.figures;
  g_autoptr(GString) phases = g_string_new (NULL);
  for (int p = 0; p < N_PHASES; p++)
    g_string_append_printf (phases, "%s%s %u", p ? ", " : "", phase_names[p], f->phase[p]);
  g_printerr ("crash-safety: %u trials in %.1f s (%u with faults); kills: %s; %u keys reported "
              "durable, all delivered once; %u more delivered that were durable but not yet "
              "reported; %u fault-free trials needed a replay (killed between the platform's "
              "commit and mark_sent); catalog whole in %u killed databases, absent in the rest\n",
              f->trials, seconds, f->faulted_trials, phases->str, f->queued, f->unreported,
              f->replayed_trials, f->catalog_present);
  g_test_message ("%u trials in %.1f s; kills: %s", f->trials, seconds, phases->str);
  g_assert_cmpuint (f->trials, ==, d.n_trials);
  hb_test_sim_free (d.sim);
  g_free (d.self);
}

int
main (int argc, char **argv)
{
  if (argc > 1 && g_str_equal (argv[1], CHILD_FLAG))
    return child_main (argc, argv);
  hb_test_init (&argc, &argv);
  g_test_add_func ("/offline-cache/crash-safety/kill-9-during-bursts-and-syncs-loses-and-duplicates-nothing",
                   test_kill_nine_loses_and_duplicates_nothing);
  return g_test_run ();
}
