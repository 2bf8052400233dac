/* Unit tests of kiosk/hb-maintenance.c: roles, what needs a login, routing of cards and
 * scans, auditing, the outbox actions, advice texts and the scrubbed error list. A real
 * core with virtual devices; the platform is unreachable (nothing here needs it). */
#include "kiosk/hb-maintenance.h"
#include "kiosk/hb-person.h"
#include "kiosk/hb-log.h"
#include "offline-cache/hb-audit.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define SAMPLE_ID   "310104198506151237"
#define SAMPLE_NAME "张伟"

typedef struct {
  char     *dir;
  HbConfig *config;
  HbCore   *core;
  HbMaintenance *m;
  /* signals */
  guint     changed;
  int       exit_code;
  char     *test_what;
  char     *test_message;
} Fixture;

static void
set (Fixture *f, const char *group, const char *key, const char *value)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_config_set (f->config, group, key, value, &error));
}

static void
on_changed (HbMaintenance *m, Fixture *f)
{
  f->changed++;
}

static void
on_exit_requested (HbMaintenance *m, int code, Fixture *f)
{
  f->exit_code = code;
}

static void
on_test_done (HbMaintenance *m, const char *what, gboolean ok, const char *message, Fixture *f)
{
  g_assert_true (ok);
  g_free (f->test_what);
  g_free (f->test_message);
  f->test_what = g_strdup (what);
  f->test_message = g_strdup (message);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *share = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *logs = NULL;

  f->dir = hb_test_mkdtemp ("maintenance");
  f->config = hb_config_new ();
  set (f, "paths", "data_dir", f->dir);
  set (f, "paths", "share_dir", share);
  /* Nothing listens there: sync keeps failing quietly, no test needs the platform. */
  set (f, "platform", "url", "http://127.0.0.1:9");
  set (f, "platform", "connect_timeout_ms", "100");
  set (f, "devices", "mode", "virtual");
  set (f, "maintenance", "export_dir", f->dir);
  logs = hb_config_dup_log_dir (f->config);
  g_assert_true (hb_log_init (logs, "debug", 1 << 20, &error));
  f->core = hb_core_new (f->config);
  g_assert_true (hb_core_start (f->core, &error));
  g_assert_no_error (error);
  f->m = hb_core_get_maintenance (f->core);
  g_assert_nonnull (f->m);
  g_signal_connect (f->m, "changed", G_CALLBACK (on_changed), f);
  g_signal_connect (f->m, "exit-requested", G_CALLBACK (on_exit_requested), f);
  g_signal_connect (f->m, "test-done", G_CALLBACK (on_test_done), f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_signal_handlers_disconnect_by_data (f->m, f);
  hb_core_stop (f->core);
  g_clear_object (&f->core);
  g_clear_object (&f->config);
  hb_log_shutdown ();
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->test_what);
  g_free (f->test_message);
}

static HbPerson *
sample_person (void)
{
  g_autoptr(HbIdCard) card = hb_idcard_new ();
  card->name = g_strdup (SAMPLE_NAME);
  card->id_number = g_strdup (SAMPLE_ID);
  return hb_person_new (card, HB_IDENTITY_ID_CARD);
}

static void
test_opens_only_between_visits (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbPerson) person = sample_person ();

  g_assert_true (hb_maintenance_open (f->m, &error));
  g_assert_true (hb_maintenance_is_active (f->m));
  g_assert_cmpint (hb_maintenance_get_role (f->m), ==, HB_STAFF_ROLE_NONE);
  hb_maintenance_close (f->m, "exit");
  g_assert_false (hb_maintenance_is_active (f->m));

  /* A visit in progress is never interrupted. */
  g_assert_true (hb_session_identify (hb_core_get_session (f->core), person));
  g_assert_false (hb_maintenance_open (f->m, &error));
  g_assert_error (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_VISIT);
  g_assert_false (hb_maintenance_is_active (f->m));
}

static void
test_actions_need_a_login (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_maintenance_sync_now (f->m, &error));
  g_assert_error (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NOT_LOGGED_IN);
  g_clear_error (&error);
  /* The entry open is not a login either. */
  g_assert_true (hb_maintenance_open (f->m, NULL));
  g_assert_false (hb_maintenance_set_out_of_service (f->m, TRUE, &error));
  g_assert_error (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NOT_LOGGED_IN);
  g_assert_false (hb_core_get_out_of_service (f->core, NULL));
  for (int a = HB_MAINTENANCE_ACTION_TEST_CARD; a <= HB_MAINTENANCE_ACTION_LEAVE_KIOSK; a++)
    g_assert_false (hb_maintenance_can (f->m, a));
}

static void
test_staff_cannot_use_technician_actions (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *lines = NULL;

  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_STAFF, "S0012");
  g_assert_cmpstr (hb_maintenance_get_actor (f->m), ==, "staff:S0012");
  g_assert_true (hb_maintenance_can (f->m, HB_MAINTENANCE_ACTION_SYNC_NOW));
  g_assert_true (hb_maintenance_can (f->m, HB_MAINTENANCE_ACTION_RESTART));
  g_assert_false (hb_maintenance_can (f->m, HB_MAINTENANCE_ACTION_DEVICE_CONFIG));
  g_assert_false (hb_maintenance_can (f->m, HB_MAINTENANCE_ACTION_LEAVE_KIOSK));

  lines = hb_maintenance_dup_device_config (f->m, &error);
  g_assert_null (lines);
  g_assert_error (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (hb_maintenance_request_exit (f->m, HB_MAINTENANCE_EXIT_LEAVE, &error));
  g_assert_error (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_cmpint (f->exit_code, ==, 0);
  g_assert_cmpint (hb_maintenance_get_exit_code (f->m), ==, 0);
  g_assert_true (hb_maintenance_is_active (f->m));   /* refused, still logged in */

  /* A technician may. */
  hb_maintenance_close (f->m, "exit");
  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_TECHNICIAN, "T0003");
  g_assert_cmpstr (hb_maintenance_get_actor (f->m), ==, "technician:T0003");
  lines = hb_maintenance_dup_device_config (f->m, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (lines, "devices.mode = virtual"));
  g_assert_null (strstr (lines, "platform."));
  g_assert_true (hb_maintenance_request_exit (f->m, HB_MAINTENANCE_EXIT_LEAVE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->exit_code, ==, HB_MAINTENANCE_EXIT_LEAVE);
  g_assert_cmpint (hb_maintenance_get_exit_code (f->m), ==, HB_MAINTENANCE_EXIT_LEAVE);
  /* Leaving logs out. */
  g_assert_false (hb_maintenance_is_active (f->m));
  g_assert_null (hb_maintenance_get_actor (f->m));
}

static void
test_staff_may_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_STAFF, "S0012");
  g_assert_true (hb_maintenance_request_exit (f->m, HB_MAINTENANCE_EXIT_RESTART, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->exit_code, ==, HB_MAINTENANCE_EXIT_RESTART);
}

typedef struct { HbAudit *audit; const char *action; const char *actor; } AuditWait;

static gboolean
audited (gpointer data)
{
  AuditWait *w = data;
  g_autoptr(GPtrArray) records = hb_audit_list_recent (w->audit, 50, NULL);
  for (guint i = 0; records && i < records->len; i++)
    {
      HbAuditRecord *r = records->pdata[i];
      if (g_strcmp0 (r->action, w->action) == 0 && g_strcmp0 (r->actor, w->actor) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
assert_audited (Fixture *f, const char *actor, const char *action)
{
  AuditWait w = { hb_core_get_audit (f->core), action, actor };
  if (!hb_test_wait_until (audited, &w, 10000))
    g_error ("no audit record %s by %s", action, actor);
}

static void
test_actions_are_audited_with_the_actor (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_STAFF, "S0012");
  g_assert_true (hb_maintenance_sync_now (f->m, &error));
  g_assert_true (hb_maintenance_set_out_of_service (f->m, TRUE, &error));
  g_assert_true (hb_core_get_out_of_service (f->core, NULL));
  g_assert_true (hb_maintenance_set_out_of_service (f->m, FALSE, &error));
  g_assert_false (hb_core_get_out_of_service (f->core, NULL));
  g_assert_true (hb_maintenance_recheck (f->m, &error));
  g_assert_no_error (error);
  hb_maintenance_close (f->m, "exit");

  assert_audited (f, "staff:S0012", "sync.now");
  assert_audited (f, "staff:S0012", "service.out-of-service");
  assert_audited (f, "staff:S0012", "devices.recheck");
  assert_audited (f, "staff:S0012", "maintenance.logout");
}

static void
test_outbox_park_and_retry (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbOutbox *outbox = hb_core_get_outbox (f->core);
  g_autofree char *key = hb_outbox_enqueue (outbox, "report", "/v1/reports", "{\"reason\":\"x\"}",
                                            &error);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(HbOutboxItem) item = NULL;

  g_assert_no_error (error);
  /* Without a login nothing is listed. */
  g_assert_null (hb_maintenance_list_outbox (f->m, &error));
  g_assert_error (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NOT_LOGGED_IN);
  g_clear_error (&error);

  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_STAFF, "S0012");
  g_assert_true (hb_maintenance_park_item (f->m, key, &error));
  g_assert_no_error (error);
  item = hb_outbox_lookup (outbox, key, NULL);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PARKED);
  g_clear_pointer (&item, hb_outbox_item_free);

  items = hb_maintenance_list_outbox (f->m, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (((HbOutboxItem *) items->pdata[0])->key, ==, key);
  g_assert_null (((HbOutboxItem *) items->pdata[0])->body);   /* never the contents */

  g_assert_true (hb_maintenance_retry_item (f->m, key, &error));
  g_assert_no_error (error);
  item = hb_outbox_lookup (outbox, key, NULL);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);

  g_assert_false (hb_maintenance_retry_item (f->m, "no-such-key", &error));
  g_assert_error (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NO_DEVICE);
  assert_audited (f, "staff:S0012", "outbox.park");
  assert_audited (f, "staff:S0012", "outbox.retry");
}

static void
test_cards_and_scans_go_to_maintenance_while_open (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  /* Closed: the visit's. */
  g_assert_false (hb_maintenance_take_card (f->m, SAMPLE_ID, SAMPLE_NAME));
  g_assert_false (hb_maintenance_take_scan (f->m, "HB1.x"));

  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_STAFF, "S0012");
  /* Open but no test asked: taken, and nothing happens (no visit). */
  g_assert_true (hb_maintenance_take_card (f->m, SAMPLE_ID, SAMPLE_NAME));
  g_assert_null (f->test_message);
  g_assert_cmpint (hb_session_get_state (hb_core_get_session (f->core)), ==, HB_SESSION_ATTRACT);

  g_assert_true (hb_maintenance_test_card (f->m, &error));
  g_assert_true (hb_maintenance_take_card (f->m, SAMPLE_ID, SAMPLE_NAME));
  g_assert_cmpstr (f->test_what, ==, "card");
  g_assert_nonnull (strstr (f->test_message, "张*"));
  g_assert_null (strstr (f->test_message, SAMPLE_NAME));
  g_assert_null (strstr (f->test_message, "151237"));

  g_assert_true (hb_maintenance_test_scan (f->m, &error));
  g_assert_true (hb_maintenance_take_scan (f->m, "HB1.secret-personal-code"));
  g_assert_cmpstr (f->test_what, ==, "scan");
  g_assert_null (strstr (f->test_message, "secret"));
  assert_audited (f, "staff:S0012", "test.card-read");
  assert_audited (f, "staff:S0012", "test.scan");
  /* Nothing of the card or the code reached the audit log. */
  {
    g_autoptr(GPtrArray) records = hb_audit_list_recent (hb_core_get_audit (f->core), 100, NULL);
    for (guint i = 0; i < records->len; i++)
      {
        HbAuditRecord *r = records->pdata[i];
        g_autofree char *all = g_strjoin ("|", r->actor, r->action, r->subject ? r->subject : "",
                                          r->detail ? r->detail : "", NULL);
        g_assert_null (strstr (all, "151237"));
        g_assert_null (strstr (all, SAMPLE_NAME));
        g_assert_null (strstr (all, "secret"));
      }
  }
}

typedef struct { gboolean done; guint job; GError *error; } PrintWait;

static void
printed (GObject *source, GAsyncResult *result, gpointer data)
{
  PrintWait *w = data;
  w->job = hb_maintenance_test_print_finish (HB_MAINTENANCE (source), result, &w->error);
  w->done = TRUE;
}

static gboolean
print_done (gpointer data)
{
  return ((PrintWait *) data)->done;
}

typedef struct { HbCore *core; HbDeviceKind kind; } DeviceWait;

static gboolean
device_online (gpointer data)
{
  DeviceWait *w = data;
  return hb_device_manager_get_kind_status (hb_core_get_devices (w->core), w->kind)
         == HB_DEVICE_STATUS_ONLINE;
}

static void
test_test_print_on_each_printer (Fixture *f, gconstpointer data)
{
  HbDeviceKind kinds[] = { HB_DEVICE_KIND_PRINTER, HB_DEVICE_KIND_RECEIPT_PRINTER };

  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_STAFF, "S0012");
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      PrintWait w = { 0 };
      DeviceWait d = { f->core, kinds[i] };
      /* The devices open after the core starts. */
      g_assert_true (hb_test_wait_until (device_online, &d, 10000));
      hb_maintenance_test_print_async (f->m, kinds[i], NULL, printed, &w);
      g_assert_true (hb_test_wait_until (print_done, &w, 15000));
      g_assert_no_error (w.error);
      g_assert_cmpuint (w.job, >, 0);
    }
  assert_audited (f, "staff:S0012", "print.test");
}

static void
test_device_advice (void)
{
  const char *a;

  a = hb_maintenance_device_advice (HB_DEVICE_KIND_PRINTER, HB_DEVICE_STATUS_USER_ERROR,
                                    "paper out", HB_PAPER_OUT);
  g_assert_cmpstr (a, ==, "打印纸用完 — 打开前盖装入 A4 纸，然后点 重新检测");
  a = hb_maintenance_device_advice (HB_DEVICE_KIND_RECEIPT_PRINTER, HB_DEVICE_STATUS_USER_ERROR,
                                    "paper out", HB_PAPER_OUT);
  g_assert_nonnull (strstr (a, "80 mm"));
  g_assert_nonnull (strstr (a, "重新检测"));
  g_assert_null (hb_maintenance_device_advice (HB_DEVICE_KIND_PRINTER, HB_DEVICE_STATUS_ONLINE,
                                               NULL, HB_PAPER_FULL));
  g_assert_nonnull (hb_maintenance_device_advice (HB_DEVICE_KIND_PRINTER, HB_DEVICE_STATUS_ONLINE,
                                                  NULL, HB_PAPER_LOW));
  for (int s = HB_DEVICE_STATUS_STARTING; s <= HB_DEVICE_STATUS_BUSY; s++)
    if (s != HB_DEVICE_STATUS_ONLINE && s != HB_DEVICE_STATUS_BUSY)
      g_assert_nonnull (hb_maintenance_device_advice (HB_DEVICE_KIND_IDCARD, s, NULL,
                                                      HB_PAPER_UNKNOWN));
}

static void
test_recent_errors_are_scrubbed (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("maintenance-log");
  g_autofree char *path = g_build_filename (dir, "haoban.log", NULL);
  const char *log =
    "2026-11-28T01:00:00.000 INFO haoban: fine\n"
    "2026-11-28T01:00:01.000 WARNING haoban: first problem\n"
    "2026-11-28T01:00:02.000 WARNING haoban: card 310104198506151237 phone 13800138000\n"
    "2026-11-28T01:00:03.000 INFO haoban: fine again\n";
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_set_contents (path, log, -1, NULL));
  lines = hb_maintenance_recent_errors (path, 5);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_nonnull (strstr (lines[0], "first problem"));
  g_assert_null (strstr (lines[1], "310104198506151237"));
  g_assert_null (strstr (lines[1], "13800138000"));
  g_strfreev (lines);
  lines = hb_maintenance_recent_errors (path, 1);   /* the newest */
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_nonnull (strstr (lines[0], "card"));
  g_strfreev (g_steal_pointer (&lines));
  lines = hb_maintenance_recent_errors ("/nonexistent/haoban.log", 5);
  g_assert_cmpuint (g_strv_length (lines), ==, 0);
  hb_test_rmdir (dir);
}

static gboolean
inactive (gpointer data)
{
  return !hb_maintenance_is_active (data);
}

static void
test_idle_logs_out (Fixture *f, gconstpointer data)
{
  set (f, "maintenance", "idle_timeout", "5");
  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_STAFF, "S0012");
  g_assert_true (hb_test_wait_until (inactive, f->m, 20000));
  g_assert_cmpint (hb_maintenance_get_role (f->m), ==, HB_STAFF_ROLE_NONE);
  assert_audited (f, "staff:S0012", "maintenance.logout");
}

typedef struct { gboolean done; gboolean ok; gint64 retry; GError *error; } PinWait;

static void
pin_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  PinWait *w = data;
  w->ok = hb_maintenance_login_pin_finish (HB_MAINTENANCE (source), result, &w->retry, &w->error);
  w->done = TRUE;
}

static gboolean
pin_done (gpointer data)
{
  return ((PinWait *) data)->done;
}

static void
login_pin (Fixture *f, const char *pin, PinWait *w)
{
  memset (w, 0, sizeof *w);
  hb_maintenance_login_pin_async (f->m, pin, NULL, pin_checked, w);
  g_assert_true (hb_test_wait_until (pin_done, w, 30000));
}

static void
test_pin_login_and_lockout (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = hb_staff_auth_hash_pin ("135790", 100000, &error);
  PinWait w;

  g_assert_no_error (error);
  set (f, "maintenance", "staff_pin_hash", hash);
  g_assert_true (hb_maintenance_open (f->m, NULL));
  login_pin (f, "135790", &w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_cmpint (hb_maintenance_get_role (f->m), ==, HB_STAFF_ROLE_STAFF);
  hb_maintenance_close (f->m, "exit");

  g_assert_true (hb_maintenance_open (f->m, NULL));
  for (guint i = 1; i <= HB_STAFF_MAX_FAILURES; i++)
    {
      login_pin (f, "000000", &w);
      g_assert_false (w.ok);
      if (i < HB_STAFF_MAX_FAILURES)
        {
          g_assert_error (w.error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_WRONG);
          g_assert_cmpuint (hb_maintenance_get_attempts_left (f->m), ==, HB_STAFF_MAX_FAILURES - i);
        }
      else
        {
          g_assert_error (w.error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED);
          g_assert_cmpint (w.retry, >, 0);
        }
      g_clear_error (&w.error);
    }
  g_assert_cmpint (hb_maintenance_get_locked_for (f->m), >, 0);
  /* Locked: even the right PIN is refused. */
  login_pin (f, "135790", &w);
  g_assert_error (w.error, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_LOCKED);
  g_clear_error (&w.error);
  g_assert_cmpint (hb_maintenance_get_role (f->m), ==, HB_STAFF_ROLE_NONE);
}

typedef struct { gboolean done; char *path; GError *error; } ExportWait;

static void
exported (GObject *source, GAsyncResult *result, gpointer data)
{
  ExportWait *w = data;
  w->path = hb_maintenance_export_finish (HB_MAINTENANCE (source), result, &w->error);
  w->done = TRUE;
}

static gboolean
export_done (gpointer data)
{
  return ((ExportWait *) data)->done;
}

/* 导出诊断包 goes to [maintenance] export_dir (else a USB stick, else the data dir) and is
 * audited with the file's name. */
static void
test_export_goes_to_the_export_dir (Fixture *f, gconstpointer data)
{
  ExportWait w = { 0 };
  g_autofree char *dir = hb_maintenance_dup_export_dir (f->m);
  g_autofree char *base = NULL;

  g_assert_cmpstr (dir, ==, f->dir);
  hb_maintenance_export_async (f->m, NULL, exported, &w);   /* not logged in */
  g_assert_true (hb_test_wait_until (export_done, &w, 5000));
  g_assert_error (w.error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NOT_LOGGED_IN);
  g_clear_error (&w.error);

  hb_maintenance_login_as (f->m, HB_STAFF_ROLE_STAFF, "S0012");
  w.done = FALSE;
  hb_maintenance_export_async (f->m, NULL, exported, &w);
  g_assert_true (hb_test_wait_until (export_done, &w, 60000));
  g_assert_no_error (w.error);
  g_assert_true (g_str_has_prefix (w.path, f->dir));
  g_assert_true (g_file_test (w.path, G_FILE_TEST_IS_REGULAR));
  base = g_path_get_basename (w.path);
  g_assert_true (g_str_has_prefix (base, "haoban-diag-"));
  assert_audited (f, "staff:S0012", "diagnostics.export");
  g_free (w.path);
}

static void
on_card_checked (HbMaintenance *m, const GError *error, GError **out)
{
  g_clear_error (out);
  *out = g_error_copy (error);
}

static gboolean
has_error (gpointer data)
{
  return *(GError **) data != NULL;
}

static gboolean
logged_in (gpointer data)
{
  return hb_maintenance_get_role (data) != HB_STAFF_ROLE_NONE;
}

/* A card on the platform's allow-list logs in with its role; another card is refused and
 * counted. Only digests are compared: the list never holds an ID number. */
static void
test_staff_card_logs_in_with_its_role (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = hb_staff_auth_card_digest (SAMPLE_ID);
  g_autofree char *doc =
    g_strdup_printf ("{\"version\":\"t1\",\"staff\":[{\"id\":\"T0099\",\"role\":"
                     "\"technician\",\"id_number_sm3\":\"%s\"}]}", digest);
  g_autoptr(HbStaffAllowlist) list = hb_staff_allowlist_parse (doc, strlen (doc), &error);
  GError *refused = NULL;

  g_assert_no_error (error);
  g_assert_true (hb_staff_auth_store_allowlist (hb_core_get_staff_auth (f->core), list, &error));
  g_signal_connect (f->m, "card-checked", G_CALLBACK (on_card_checked), &refused);

  g_assert_true (hb_maintenance_open (f->m, NULL));
  g_assert_true (hb_maintenance_take_card (f->m, "310110195203082426", "李秀英"));
  g_assert_true (hb_test_wait_until (has_error, &refused, 10000));
  g_assert_error (refused, HB_STAFF_AUTH_ERROR, HB_STAFF_AUTH_ERROR_UNKNOWN_CARD);
  g_assert_cmpuint (hb_maintenance_get_attempts_left (f->m), ==, HB_STAFF_MAX_FAILURES - 1);
  g_assert_cmpint (hb_maintenance_get_role (f->m), ==, HB_STAFF_ROLE_NONE);

  g_assert_true (hb_maintenance_take_card (f->m, SAMPLE_ID, SAMPLE_NAME));
  g_assert_true (hb_test_wait_until (logged_in, f->m, 10000));
  g_assert_cmpstr (hb_maintenance_get_actor (f->m), ==, "technician:T0099");
  g_assert_true (hb_maintenance_can (f->m, HB_MAINTENANCE_ACTION_LEAVE_KIOSK));
  g_signal_handlers_disconnect_by_func (f->m, on_card_checked, &refused);
  g_clear_error (&refused);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/kiosk/maintenance/opens-only-between-visits", test_opens_only_between_visits);
  ADD ("/kiosk/maintenance/actions-need-a-login", test_actions_need_a_login);
  ADD ("/kiosk/maintenance/staff-cannot-use-technician-actions",
       test_staff_cannot_use_technician_actions);
  ADD ("/kiosk/maintenance/staff-may-restart", test_staff_may_restart);
  ADD ("/kiosk/maintenance/actions-are-audited-with-the-actor",
       test_actions_are_audited_with_the_actor);
  ADD ("/kiosk/maintenance/outbox-park-and-retry", test_outbox_park_and_retry);
  ADD ("/kiosk/maintenance/cards-and-scans-go-to-maintenance-while-open",
       test_cards_and_scans_go_to_maintenance_while_open);
  ADD ("/kiosk/maintenance/test-print-on-each-printer", test_test_print_on_each_printer);
  ADD ("/kiosk/maintenance/idle-logs-out", test_idle_logs_out);
  ADD ("/kiosk/maintenance/pin-login-and-lockout", test_pin_login_and_lockout);
  ADD ("/kiosk/maintenance/staff-card-logs-in-with-its-role", test_staff_card_logs_in_with_its_role);
  ADD ("/kiosk/maintenance/export-goes-to-the-export-dir", test_export_goes_to_the_export_dir);
  g_test_add_func ("/kiosk/maintenance/device-advice", test_device_advice);
  g_test_add_func ("/kiosk/maintenance/recent-errors-are-scrubbed", test_recent_errors_are_scrubbed);
  return g_test_run ();
}
