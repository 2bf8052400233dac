/* Integration: staff entry against a real haoban-platform-sim — `haobanctl maintenance pin
 * set` writes a hash a check then accepts, five wrong PINs lock, the lockout reaches the
 * platform (through haobanctl sync, and through the kiosk's running sync engine), an
 * unlock opens, and the staff allow-list comes from GET /v1/staff. */
#include "visit-fixture.h"
#include "kiosk/hb-staff-auth.h"

#include <string.h>
#include <sys/stat.h>

#define PIN        "482913"
#define WRONG_PIN  "000111"
#define STAFF_CARD "810000199005120020"   /* sample card 4: S0012 in data/sample-staff.json */
#define TECH_CARD  "DEU310880315023"      /* sample card 5: T0003 */
#define RESIDENT   "310104198506151237"   /* sample card 1: not staff */
/* The weakest hash pin set makes (every PBKDF2 iteration is slow under the sanitizers). */
#define CHEAP      "--iterations", "100000"
#define COMMENT    "# kept: the technician's note about this terminal"

typedef struct {
  char      *dir;
  char      *data_dir;
  char      *conf;
  HbTestSim *sim;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *share = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *text = NULL;

  f->dir = hb_test_mkdtemp ("maintenance");
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->conf = g_build_filename (f->dir, "kiosk.conf", NULL);
  f->sim = hb_test_sim_start (NULL, &error);
  g_assert_no_error (error);
  text = g_strdup_printf (COMMENT "\n[terminal]\nid = SH-TEST-0428\n\n[paths]\ndata_dir = %s\n"
                          "share_dir = %s\n\n[platform]\nurl = %s\nconnect_timeout_ms = 1000\n"
                          "request_timeout_ms = 3000\nretry_base_ms = 100\nretry_cap_ms = 400\n",
                          f->data_dir, share, hb_test_sim_url (f->sim));
  g_assert_true (g_file_set_contents (f->conf, text, -1, NULL));
  g_assert_cmpint (chmod (f->conf, 0640), ==, 0);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->sim, hb_test_sim_free);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->data_dir);
  g_free (f->conf);
}

typedef struct {
  gboolean done;
  char    *out, *err;
  int      status;
} Run;

static void
ran (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;
  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err,
                                        &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  run->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((Run *) data)->done;
}

/* Every stderr the tests saw (the privacy check reads it). */
static GString *all_stderr;

/* `haobanctl --config CONF ARGS…` with stdin_text on its stdin; returns stdout. */
static char *
ctl (Fixture *f, int *status, const char *stdin_text, const char *first, ...)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  va_list ap;

  g_ptr_array_add (argv, g_build_filename (hb_test_builddir (), "haobanctl", NULL));
  g_ptr_array_add (argv, g_strdup ("--config"));
  g_ptr_array_add (argv, g_strdup (f->conf));
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_unsetenv (l, "HAOBAN_CONFIG");
  g_subprocess_launcher_unsetenv (l, "HAOBAN_DATA_DIR");
  g_subprocess_launcher_unsetenv (l, "HAOBAN_PLATFORM_URL");
  proc = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, stdin_text ? stdin_text : "", NULL, ran, &run);
  g_assert_true (hb_test_wait_until (run_done, &run, 180000));
  g_string_append (all_stderr, run.err ? run.err : "");
  g_free (run.err);
  if (status)
    *status = run.status;
  else if (run.status != 0)
    g_error ("haobanctl %s exited %d: %s", first, run.status, run.out);
  return run.out;
}

static JsonObject *
status_json (Fixture *f)
{
  g_autofree char *out = ctl (f, NULL, NULL, "maintenance", "status", "--json", NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *o = hb_json_parse_object (out, -1, 4096, 8, &error);
  g_assert_no_error (error);
  return o;
}

static void
test_pin_set_then_check_accepts_that_pin (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *conf = NULL, *checked = NULL, *wrong = NULL, *tech = NULL;
  g_autoptr(HbConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) st = NULL;
  struct stat sb;
  int status = -1;

  out = ctl (f, NULL, PIN "\n" PIN "\n", "maintenance", "pin", "set", CHEAP, NULL);
  g_assert_nonnull (strstr (out, "staff PIN set in"));

  /* The file: the hash, never the PIN; the comment and the mode kept; it still loads. */
  conf = hb_test_read_file (f->conf, NULL);
  g_assert_nonnull (strstr (conf, COMMENT));
  g_assert_nonnull (strstr (conf, "staff_pin_hash=pbkdf2-sha256$100000$"));
  g_assert_null (strstr (conf, PIN));
  g_assert_cmpint (stat (f->conf, &sb), ==, 0);
  g_assert_cmpint (sb.st_mode & 0777, ==, 0640);
  config = hb_config_load (f->conf, &error);
  g_assert_no_error (error);
  g_assert_true (hb_staff_auth_verify_pin (PIN, hb_config_get_string (config, "maintenance",
                                                                      "staff_pin_hash"), NULL));

  checked = ctl (f, NULL, PIN "\n", "maintenance", "pin", "check", NULL);
  g_assert_cmpstr (checked, ==, "accepted: staff\n");
  wrong = ctl (f, &status, WRONG_PIN "\n", "maintenance", "pin", "check", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (wrong, ==, "refused: wrong PIN, 4 tries left\n");

  /* A weak iteration count is a usage error; a mismatch or a short PIN changes nothing. */
  g_free (ctl (f, &status, PIN "\n" PIN "\n", "maintenance", "pin", "set", "--iterations",
               "1000", NULL));
  g_assert_cmpint (status, ==, 2);
  g_free (ctl (f, &status, "1234567\n7654321\n", "maintenance", "pin", "set", "--role",
               "technician", CHEAP, NULL));
  g_assert_cmpint (status, ==, 1);
  g_free (ctl (f, &status, "12345\n12345\n", "maintenance", "pin", "set", "--role",
               "technician", CHEAP, NULL));
  g_assert_cmpint (status, ==, 1);
  st = status_json (f);
  g_assert_true (json_object_get_boolean_member (st, "staff_pin_set"));
  g_assert_false (json_object_get_boolean_member (st, "technician_pin_set"));

  tech = ctl (f, NULL, "9081726354\n9081726354\n", "maintenance", "pin", "set", "--role",
              "technician", CHEAP, NULL);
  g_assert_nonnull (strstr (tech, "technician PIN set"));
  g_free (checked);
  checked = ctl (f, NULL, "9081726354\n", "maintenance", "pin", "check", NULL);
  g_assert_cmpstr (checked, ==, "accepted: technician\n");
  /* The staff PIN is still there. */
  g_free (conf);
  conf = hb_test_read_file (f->conf, NULL);
  g_assert_nonnull (strstr (conf, "staff_pin_hash="));
  g_assert_nonnull (strstr (conf, "technician_pin_hash="));
  g_assert_null (strstr (all_stderr->str, PIN));
  g_assert_null (strstr (all_stderr->str, "9081726354"));
}

static void
test_a_config_with_a_clear_pin_is_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *text = hb_test_read_file (f->conf, NULL);
  g_autofree char *bad = g_strconcat (text, "\n[maintenance]\nstaff_pin_hash = " PIN "\n", NULL);
  int status = -1;

  g_assert_true (g_file_set_contents (f->conf, bad, -1, NULL));
  g_free (ctl (f, &status, NULL, "maintenance", "status", NULL));
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (all_stderr->str, "staff_pin_hash"));
  g_assert_null (strstr (all_stderr->str, PIN));
}

static void
test_five_wrong_pins_lock_and_the_platform_hears_of_it (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *events = NULL, *unlocked = NULL, *open = NULL;
  g_autoptr(JsonObject) st = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *event, *body;
  long code = 0;
  int status = -1;

  g_free (ctl (f, NULL, PIN "\n" PIN "\n", "maintenance", "pin", "set", CHEAP, NULL));
  g_free (ctl (f, NULL, NULL, "maintenance", "staff", "refresh", NULL));
  out = ctl (f, &status, WRONG_PIN "\n", "maintenance", "pin", "check", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "refused: wrong PIN, 4 tries left\n");
  g_free (out);
  /* Three unknown cards at the kiosk (another process on the same store: one count; cards,
   * because every PBKDF2 iteration is slow under the sanitizers), then a fifth failure. */
  {
    g_autoptr(HbConfig) config = hb_config_load (f->conf, &error);
    g_autofree char *db = hb_config_dup_db_path (config);
    g_autofree char *key = hb_config_dup_key_path (config);
    g_autoptr(HbStore) store = hb_store_open (db, key, &error);
    g_autoptr(HbStaffAuth) kiosk = NULL;
    g_assert_no_error (error);
    kiosk = hb_staff_auth_new (config, store, NULL);
    for (guint i = 0; i < 3; i++)
      g_assert_cmpint (hb_staff_auth_check_card (kiosk, RESIDENT, NULL, NULL, NULL), ==,
                       HB_STAFF_ROLE_NONE);
    g_assert_cmpuint (hb_staff_auth_attempts_left (kiosk), ==, 1);
  }
  out = ctl (f, &status, WRONG_PIN "\n", "maintenance", "pin", "check", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "refused: locked for 60 s\n");
  g_free (out);
  /* Locked: the right PIN is refused too, and a restart (a new process) changes nothing. */
  out = ctl (f, &status, PIN "\n", "maintenance", "pin", "check", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_prefix (out, "refused: locked for "));
  st = status_json (f);
  g_assert_true (json_object_get_boolean_member (st, "locked"));
  g_assert_cmpint (json_object_get_int_member (st, "locked_for_s"), >, 0);
  g_assert_cmpint (json_object_get_int_member (st, "attempts_left"), ==, 0);

  /* Queued while nothing syncs; haobanctl sync delivers it. */
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/security-events"), ==, 0);
  g_free (ctl (f, NULL, NULL, "sync", "--once", NULL));
  events = hb_test_sim_request (f->sim, "GET", "/_sim/security-events", NULL, &code);
  g_assert_cmpint (code, ==, 200);
  list = hb_json_parse (events, -1, 65536, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  event = json_array_get_object_element (json_node_get_array (list), 0);
  body = json_object_get_object_member (event, "body");
  g_assert_cmpstr (json_object_get_string_member (body, "terminal_id"), ==, "SH-TEST-0428");
  g_assert_cmpstr (json_object_get_string_member (body, "kind"), ==, "maintenance-lockout");
  g_assert_cmpint (json_object_get_int_member (body, "failures"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (body, "locked_for_s"), ==, 60);
  g_assert_nonnull (json_object_get_string_member (body, "at"));
  g_assert_null (strstr (events, PIN));
  g_assert_null (strstr (events, WRONG_PIN));

  /* The technician unlocks over the shell; the right PIN opens again. */
  unlocked = ctl (f, NULL, NULL, "maintenance", "unlock", NULL);
  g_assert_true (g_str_has_prefix (unlocked, "unlocked ("));
  open = ctl (f, NULL, PIN "\n", "maintenance", "pin", "check", NULL);
  g_assert_cmpstr (open, ==, "accepted: staff\n");

  /* The audit log holds all of it, without a PIN. */
  g_autofree char *audit = ctl (f, NULL, NULL, "audit", "list", "--json", NULL);
  g_assert_nonnull (strstr (audit, "maintenance.pin-set"));
  g_assert_nonnull (strstr (audit, "maintenance.login-failed"));
  g_assert_nonnull (strstr (audit, "maintenance.lockout"));
  g_assert_nonnull (strstr (audit, "maintenance.unlock"));
  g_assert_nonnull (strstr (audit, "maintenance.login"));
  g_assert_null (strstr (audit, PIN));
  g_assert_null (strstr (audit, WRONG_PIN));
  g_assert_null (strstr (all_stderr->str, PIN));
  g_assert_null (strstr (all_stderr->str, WRONG_PIN));
}

static void
test_staff_refresh_stores_the_platform_allowlist (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *plain = NULL;
  g_autoptr(JsonObject) st = NULL;
  JsonObject *list;

  st = status_json (f);
  list = json_object_get_object_member (st, "allowlist");
  g_assert_true (json_object_get_null_member (list, "version"));
  out = ctl (f, NULL, NULL, "maintenance", "staff", "refresh", NULL);
  g_assert_cmpstr (out, ==, "allow-list sample-2026-11 stored, 3 entries\n");
  g_clear_pointer (&st, json_object_unref);
  st = status_json (f);
  list = json_object_get_object_member (st, "allowlist");
  g_assert_cmpstr (json_object_get_string_member (list, "version"), ==, "sample-2026-11");
  g_assert_cmpint (json_object_get_int_member (list, "entries"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (list, "stored_at"), >, 0);
  plain = ctl (f, NULL, NULL, "maintenance", "status", NULL);
  g_assert_nonnull (strstr (plain, "allow-list      sample-2026-11, 3 entries, stored "));
  g_assert_nonnull (strstr (plain, "entry           open\n"));
}

/* The kiosk's side: the core's sync engine running, the allow-list refreshed through it,
 * staff cards checked, and a lockout leaving for the platform at once (kicked). */
typedef struct {
  gboolean done, ok;
  guint    n;
  GError  *error;
} Refreshed;

static void
refreshed (GObject *source, GAsyncResult *result, gpointer data)
{
  Refreshed *r = data;
  r->ok = hb_staff_auth_refresh_finish (HB_STAFF_AUTH (source), result, &r->n, &r->error);
  r->done = TRUE;
}

static gboolean
refresh_done (gpointer data)
{
  return ((Refreshed *) data)->done;
}

static gboolean
event_arrived (gpointer data)
{
  return hb_test_sim_count (data, "/_sim/security-events") == 1;
}

static void
test_the_kiosk_checks_cards_and_reports_a_lockout_at_once (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbConfig) config = hb_config_load (f->conf, &error);
  g_autofree char *db = NULL, *key = NULL, *id = NULL;
  g_autoptr(HbStore) store = NULL;
  g_autoptr(HbAudit) audit = NULL;
  g_autoptr(HbSync) sync = NULL;
  g_autoptr(HbStaffAuth) auth = NULL;
  Refreshed r = { 0 };

  g_assert_no_error (error);
  db = hb_config_dup_db_path (config);
  key = hb_config_dup_key_path (config);
  store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  audit = hb_audit_new (store);
  auth = hb_staff_auth_new (config, store, audit);
  sync = hb_core_new_sync (config);
  g_assert_true (hb_sync_start (sync, &error));
  g_assert_no_error (error);
  hb_staff_auth_set_sync (auth, sync);

  hb_staff_auth_refresh_async (auth, sync, NULL, refreshed, &r);
  g_assert_true (hb_test_wait_until (refresh_done, &r, 120000));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpuint (r.n, ==, 3);

  g_assert_cmpint (hb_staff_auth_check_card (auth, STAFF_CARD, &id, NULL, &error), ==,
                   HB_STAFF_ROLE_STAFF);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "S0012");
  g_clear_pointer (&id, g_free);
  g_assert_cmpint (hb_staff_auth_check_card (auth, TECH_CARD, &id, NULL, &error), ==,
                   HB_STAFF_ROLE_TECHNICIAN);
  g_assert_cmpstr (id, ==, "T0003");

  for (guint i = 0; i < HB_STAFF_MAX_FAILURES; i++)
    {
      g_autoptr(GError) e = NULL;
      g_assert_cmpint (hb_staff_auth_check_card (auth, RESIDENT, NULL, NULL, &e), ==,
                       HB_STAFF_ROLE_NONE);
      g_assert_nonnull (e);
    }
  g_assert_cmpint (hb_staff_auth_locked_for (auth), ==, HB_STAFF_LOCKOUT_FIRST_S);
  g_assert_true (hb_test_wait_until (event_arrived, f->sim, 120000));
  hb_sync_stop (sync);
}

/* The sim's side of the contract (docs/platform-api.md "Staff entry"). */
static char *
post_event (Fixture *f, const char *key, const char *body, long *status)
{
  g_autofree char *url = g_strconcat (hb_test_sim_url (f->sim), "/v1/security-events", NULL);
  g_autofree char *header = g_strdup_printf ("Idempotency-Key: %s", key);
  const char *headers[] = { header, "Content-Type: application/json", NULL };
  return hb_test_http ("POST", url, body, headers, status);
}

static void
test_the_sim_records_each_security_event_once (Fixture *f, gconstpointer data)
{
  const char *good = "{\"terminal_id\":\"T1\",\"kind\":\"maintenance-lockout\",\"failures\":5,"
                     "\"locked_for_s\":60,\"at\":\"2026-11-28T01:00:00Z\",\"idempotency_key\":\"k-1\"}";
  const char *other = "{\"terminal_id\":\"T1\",\"kind\":\"maintenance-lockout\",\"failures\":10,"
                      "\"locked_for_s\":120,\"at\":\"2026-11-28T01:05:00Z\",\"idempotency_key\":\"k-1\"}";
  const char *bad[] = {
    "{\"terminal_id\":\"T1\",\"kind\":\"door-open\",\"failures\":5,\"locked_for_s\":60,\"at\":\"2026-11-28T01:00:00Z\"}",
    "{\"terminal_id\":\"T1\",\"kind\":\"maintenance-lockout\",\"failures\":0,\"locked_for_s\":60,\"at\":\"2026-11-28T01:00:00Z\"}",
    "{\"terminal_id\":\"T1\",\"kind\":\"maintenance-lockout\",\"failures\":5,\"locked_for_s\":60,\"at\":\"yesterday\"}",
    "{\"kind\":\"maintenance-lockout\",\"failures\":5,\"locked_for_s\":60,\"at\":\"2026-11-28T01:00:00Z\"}",
  };
  long status = 0;

  g_free (post_event (f, "k-1", good, &status));
  g_assert_cmpint (status, ==, 201);
  g_free (post_event (f, "k-1", good, &status));
  g_assert_cmpint (status, ==, 200);   /* a replay */
  g_free (post_event (f, "k-1", other, &status));
  g_assert_cmpint (status, ==, 422);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *key = g_strdup_printf ("bad-%u", i);
      g_autofree char *answer = post_event (f, key, bad[i], &status);
      g_assert_cmpint (status, ==, 400);
      g_assert_nonnull (strstr (answer, "invalid-security-event"));
    }
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/security-events"), ==, 1);
  g_free (hb_test_sim_request (f->sim, "POST", "/_sim/reset", NULL, &status));
  g_assert_cmpint (status, ==, 200);
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/security-events"), ==, 0);
  g_free (hb_test_sim_request (f->sim, "POST", "/v1/staff", "{}", &status));
  g_assert_cmpint (status, ==, 405);
}

/* The whole terminal: the core's staff entry, its allow-list refreshed through the core,
 * a lockout kicked out through the core's sync, and the kiosk's log free of card numbers. */
static gboolean
staff_list_stored (gpointer core)
{
  g_autofree char *version = NULL;
  hb_staff_auth_get_allowlist_info (hb_core_get_staff_auth (core), &version, NULL, NULL);
  return version != NULL;
}

static void
test_the_core_refreshes_the_allowlist_and_reports_lockouts (Visit *v, gconstpointer data)
{
  HbStaffAuth *auth = hb_core_get_staff_auth (v->core);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL, *log = NULL;

  g_assert_nonnull (auth);
  g_assert_false (staff_list_stored (v->core));   /* never fetched at start on its own */
  hb_core_refresh_staff (v->core);
  g_assert_true (hb_test_wait_until (staff_list_stored, v->core, 120000));
  g_assert_cmpint (hb_staff_auth_check_card (auth, STAFF_CARD, &id, NULL, &error), ==,
                   HB_STAFF_ROLE_STAFF);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "S0012");
  for (guint i = 0; i < HB_STAFF_MAX_FAILURES; i++)
    g_assert_cmpint (hb_staff_auth_check_card (auth, RESIDENT, NULL, NULL, NULL), ==,
                     HB_STAFF_ROLE_NONE);
  g_assert_cmpint (hb_staff_auth_locked_for (auth), >, 0);
  g_assert_true (hb_test_wait_until (event_arrived, v->sim, 120000));

  log = hb_test_read_file (hb_log_get_path (), NULL);
  g_assert_nonnull (log);
  g_assert_nonnull (strstr (log, "staff entry: locked for 60 s after 5 failures"));
  g_assert_null (strstr (log, STAFF_CARD));
  g_assert_null (strstr (log, RESIDENT));
}

int
main (int argc, char **argv)
{
  int rc;

  hb_test_init (&argc, &argv);
  all_stderr = g_string_new (NULL);
#define ADD(path, func) \
  g_test_add ("/integration/haobanctl/maintenance/" path, Fixture, NULL, setup, func, teardown)
  ADD ("pin-set-then-check-accepts-that-pin", test_pin_set_then_check_accepts_that_pin);
  ADD ("a-config-with-a-clear-pin-is-refused", test_a_config_with_a_clear_pin_is_refused);
  ADD ("five-wrong-pins-lock-and-the-platform-hears-of-it",
       test_five_wrong_pins_lock_and_the_platform_hears_of_it);
  ADD ("staff-refresh-stores-the-platform-allowlist",
       test_staff_refresh_stores_the_platform_allowlist);
  ADD ("the-kiosk-checks-cards-and-reports-a-lockout-at-once",
       test_the_kiosk_checks_cards_and_reports_a_lockout_at_once);
  ADD ("the-sim-records-each-security-event-once", test_the_sim_records_each_security_event_once);
#undef ADD
  g_test_add ("/integration/haobanctl/maintenance/the-core-refreshes-the-allowlist-and-reports-lockouts",
              Visit, NULL, visit_setup, test_the_core_refreshes_the_allowlist_and_reports_lockouts,
              visit_teardown);
  rc = g_test_run ();
  g_string_free (all_stderr, TRUE);
  return rc;
}
