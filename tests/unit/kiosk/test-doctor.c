/* Tests for kiosk/hb-doctor.c (+ hb-doctor-net.c, hb-doctor-devices.c): each check against
 * a crafted situation — a config that does not load, a missing data dir, thresholds for a
 * full disk, a damaged database, a parked outbox item, an unreachable or refusing platform,
 * a skewed clock, expiring certificates, devices present or not, the kiosk's own view. */
#include "kiosk/hb-doctor-private.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-outbox.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"
#include "tests/common/hb-test-pki.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char            *dir;
  HbConfig        *config;
  HbDoctorOptions  opts;
} Fixture;

static void
set (Fixture *f, const char *group, const char *key, const char *value)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_config_set (f->config, group, key, value, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *data_dir = NULL;
  f->dir = hb_test_mkdtemp ("doctor");
  data_dir = g_build_filename (f->dir, "data", NULL);
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  f->config = hb_config_new ();
  set (f, "paths", "data_dir", data_dir);
  set (f, "platform", "url", "http://127.0.0.1:1");
  hb_doctor_options_init (&f->opts);
  f->opts.skip_platform = TRUE;
  f->opts.disk_warn_bytes = 0;
  f->opts.disk_fail_bytes = 0;
  f->opts.platform_timeout_ms = 2000;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->config);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
}

static GPtrArray *
run (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *checks = hb_doctor_run_full (f->config, NULL, &f->opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (checks);
  return checks;
}

/* The check with this id (exactly one: the first; the tls check may add several). */
static const HbDoctorCheck *
find (GPtrArray *checks, const char *id)
{
  for (guint i = 0; i < checks->len; i++)
    if (g_str_equal (((HbDoctorCheck *) checks->pdata[i])->id, id))
      return checks->pdata[i];
  g_assert_not_reached ();
  return NULL;
}

static void
assert_check (GPtrArray *checks, const char *id, HbDoctorLevel level, const char *what_part,
              const char *fix_part)
{
  const HbDoctorCheck *c = find (checks, id);
  if (c->level != level)
    g_error ("%s: %s, expected %s: %s", id, hb_doctor_level_to_string (c->level),
             hb_doctor_level_to_string (level), c->what);
  if (what_part)
    g_assert_nonnull (strstr (c->what, what_part));
  if (level == HB_DOCTOR_OK)
    g_assert_null (c->fix);
  else
    {
      g_assert_nonnull (c->fix);
      g_assert_cmpuint (strlen (c->fix), >, 10);
      if (fix_part)
        g_assert_nonnull (strstr (c->fix, fix_part));
    }
}

static void
make_store (Fixture *f)
{
  g_autofree char *db = hb_config_dup_db_path (f->config);
  g_autofree char *key = hb_config_dup_key_path (f->config);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
}

/* --- config, order, formats --------------------------------------------------------------- */

static void
test_config_that_does_not_load_fails_first (void)
{
  g_autoptr(GError) cfg_error = g_error_new (HB_CONFIG_ERROR, HB_CONFIG_ERROR_UNKNOWN_KEY,
                                             "/etc/haoban/kiosk.conf: [platform] ulr: unknown key");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = hb_doctor_run_full (NULL, cfg_error, NULL, NULL, &error);
  const HbDoctorCheck *first;

  g_assert_no_error (error);
  first = checks->pdata[0];
  g_assert_cmpstr (first->id, ==, "config");
  g_assert_cmpint (first->level, ==, HB_DOCTOR_FAIL);
  g_assert_nonnull (strstr (first->what, "ulr: unknown key"));
  g_assert_nonnull (strstr (first->fix, "docs/configuration.md"));
  g_assert_cmpint (hb_doctor_worst (checks), ==, HB_DOCTOR_FAIL);
  /* Fonts need no configuration: still checked. */
  find (checks, "fonts");
}

static void
test_checks_come_in_the_documented_order (Fixture *f, gconstpointer data)
{
  static const char *const order[] = {
    "config", "data-dir", "disk", "store", "outbox", "platform", "clock", "tls",
    "device-idcard", "device-scanner", "device-printer", "device-receipt-printer", "fonts",
    "kiosk",
  };
  g_autoptr(GPtrArray) checks = NULL;

  make_store (f);
  checks = run (f);
  g_assert_cmpuint (checks->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < checks->len; i++)
    {
      const HbDoctorCheck *c = checks->pdata[i];
      g_assert_cmpstr (c->id, ==, order[i]);
      g_assert_true (c->fix != NULL || c->level == HB_DOCTOR_OK);
      g_assert_null (strchr (c->what, '\n'));
    }
  /* Defaults, no file: a warning that names the file to write. */
  assert_check (checks, "config", HB_DOCTOR_WARN, "no configuration file", "kiosk.conf");
  assert_check (checks, "data-dir", HB_DOCTOR_OK, "writable", NULL);
  assert_check (checks, "store", HB_DOCTOR_OK, "integrity_check", NULL);
  assert_check (checks, "outbox", HB_DOCTOR_OK, "0 pending", NULL);
  assert_check (checks, "tls", HB_DOCTOR_OK, "plain HTTP", NULL);
  assert_check (checks, "device-idcard", HB_DOCTOR_OK, "virtual", NULL);
}

static void
test_text_and_json_reports (void)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_doctor_check_free);
  g_autofree char *text = NULL, *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  JsonArray *a;

  g_ptr_array_add (checks, hb_doctor_check_new ("disk", HB_DOCTOR_OK, "90 GiB free", "ignored"));
  g_ptr_array_add (checks, hb_doctor_check_new ("outbox", HB_DOCTOR_WARN, "1 parked", "retry it"));
  text = hb_doctor_format_text (checks);
  g_assert_nonnull (strstr (text, "OK    disk "));
  g_assert_nonnull (strstr (text, "WARN  outbox "));
  g_assert_nonnull (strstr (text, "\n      fix: retry it\n"));
  g_assert_null (strstr (text, "ignored"));   /* an OK check has no fix */

  node = hb_doctor_to_json (checks);
  o = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpstr (json_object_get_string_member (o, "worst"), ==, "WARN");
  a = json_object_get_array_member (o, "checks");
  g_assert_cmpuint (json_array_get_length (a), ==, 2);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (a, 0), "fix"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, 1), "fix"),
                   ==, "retry it");
  json = hb_json_to_string (node);
  g_assert_nonnull (json);
}

/* --- data dir, disk ------------------------------------------------------------------------ */

static void
test_missing_data_dir_fails_with_how_to_create_it (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "nope", NULL);
  g_autoptr(GPtrArray) checks = NULL;

  set (f, "paths", "data_dir", missing);
  checks = run (f);
  assert_check (checks, "data-dir", HB_DOCTOR_FAIL, "does not exist", "install -d");
  /* The disk check still measures the disk the dir would be on. */
  assert_check (checks, "disk", HB_DOCTOR_OK, "free", NULL);
  assert_check (checks, "store", HB_DOCTOR_WARN, "no database", NULL);
}

static void
test_read_only_data_dir_fails (Fixture *f, gconstpointer data)
{
  const char *dir = hb_config_get_string (f->config, "paths", "data_dir");
  g_autoptr(GPtrArray) checks = NULL;

  if (getuid () == 0)
    {
      g_test_skip ("root writes anywhere");
      return;
    }
  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  checks = run (f);
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  assert_check (checks, "data-dir", HB_DOCTOR_FAIL, "not writable", "chown");
}

static void
test_disk_thresholds (Fixture *f, gconstpointer data)
{
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "disk", HB_DOCTOR_OK, "free on", NULL);
  }
  f->opts.disk_warn_bytes = G_MAXUINT64;
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "disk", HB_DOCTOR_WARN, "free on", "du -sh");
  }
  f->opts.disk_fail_bytes = G_MAXUINT64;
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "disk", HB_DOCTOR_FAIL, "only", "min_free_mb");
    g_assert_cmpint (hb_doctor_worst (checks), ==, HB_DOCTOR_FAIL);
  }
}

/* --- store, outbox ------------------------------------------------------------------------- */

static void
test_damaged_database_fails_and_is_left_in_place (Fixture *f, gconstpointer data)
{
  g_autofree char *db = hb_config_dup_db_path (f->config);
  g_autofree char *garbage = g_strnfill (8192, 'x');
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *after = NULL;

  make_store (f);
  g_assert_true (g_file_set_contents (db, garbage, 8192, NULL));
  checks = run (f);
  assert_check (checks, "store", HB_DOCTOR_FAIL, "damaged", "restart the kiosk");
  assert_check (checks, "outbox", HB_DOCTOR_WARN, "not checked", NULL);
  /* A check changes nothing: the file is neither moved aside nor rebuilt. */
  after = hb_test_read_file (db, NULL);
  g_assert_cmpstr (after, ==, garbage);
}

static void
test_database_moved_aside_warns (Fixture *f, gconstpointer data)
{
  g_autofree char *db = hb_config_dup_db_path (f->config);
  g_autofree char *aside = g_strconcat (db, ".corrupt-1764290000", NULL);
  g_autoptr(GPtrArray) checks = NULL;

  make_store (f);
  g_assert_true (g_file_set_contents (aside, "old", 3, NULL));
  checks = run (f);
  assert_check (checks, "store", HB_DOCTOR_WARN, ".corrupt-1764290000", "haobanctl outbox");
}

static void
test_open_database_key_fails (Fixture *f, gconstpointer data)
{
  g_autofree char *key = hb_config_dup_key_path (f->config);
  g_autoptr(GPtrArray) checks = NULL;

  make_store (f);
  g_assert_cmpint (g_chmod (key, 0644), ==, 0);
  checks = run (f);
  assert_check (checks, "store", HB_DOCTOR_FAIL, "readable by others", "chmod 600");
}

static void
test_parked_item_warns_with_the_retry_command (Fixture *f, gconstpointer data)
{
  g_autofree char *db = hb_config_dup_db_path (f->config);
  g_autofree char *keyp = hb_config_dup_key_path (f->config);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  {
    g_autoptr(HbStore) store = hb_store_open (db, keyp, &error);
    g_autoptr(HbOutbox) outbox = hb_outbox_new (store);
    key = hb_outbox_enqueue (outbox, "application", "/v1/applications", "{\"x\":1}", &error);
    g_assert_no_error (error);
    g_assert_true (hb_outbox_park (outbox, key, "test", &error));
    g_assert_no_error (error);
  }
  checks = run (f);
  assert_check (checks, "outbox", HB_DOCTOR_WARN, "1 parked", "haobanctl outbox retry");
}

/* --- platform, clock ----------------------------------------------------------------------- */

static void
test_unreachable_platform_fails (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) checks = NULL;

  f->opts.skip_platform = FALSE;
  checks = run (f);
  assert_check (checks, "platform", HB_DOCTOR_FAIL, "not reachable", "network");
  assert_check (checks, "clock", HB_DOCTOR_WARN, "not compared", NULL);
}

static void
test_plain_http_to_another_host_fails (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) checks = NULL;

  f->opts.skip_platform = FALSE;
  set (f, "platform", "url", "http://platform.example.invalid");
  checks = run (f);
  assert_check (checks, "platform", HB_DOCTOR_FAIL, "plain HTTP", "https://");
}

/* A one-answer-per-connection HTTP server on loopback, answering every request alike. */
typedef struct {
  GSocketService *service;
  guint16         port;
  char           *reply;
  guint           requests;
} FakePlatform;

static gboolean
on_incoming (GSocketService *service, GSocketConnection *conn, GObject *source, gpointer data)
{
  FakePlatform *p = data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GString *req = g_string_new (NULL);
  char buf[1024];
  gssize n;

  while (strstr (req->str, "\r\n\r\n") == NULL && req->len < 65536 &&
         (n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (req, buf, n);
  g_assert_nonnull (strstr (req->str, "GET /v1/keys "));
  g_assert_nonnull (strstr (req->str, "X-Terminal-Id: "));
  g_output_stream_write_all (out, p->reply, strlen (p->reply), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_string_free (req, TRUE);
  p->requests++;
  return TRUE;
}

static void
fake_platform_start (FakePlatform *p, int status, const char *date)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) want = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) got = NULL;

  p->service = g_socket_service_new ();
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (p->service), want,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &got, &error));
  g_assert_no_error (error);
  p->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got));
  p->reply = g_strdup_printf ("HTTP/1.1 %d X\r\n%s%s%sContent-Type: application/json\r\n"
                              "Content-Length: 2\r\nConnection: close\r\n\r\n{}",
                              status, date ? "Date: " : "", date ? date : "", date ? "\r\n" : "");
  g_signal_connect (p->service, "incoming", G_CALLBACK (on_incoming), p);
  g_socket_service_start (p->service);
}

static void
fake_platform_stop (FakePlatform *p)
{
  g_socket_service_stop (p->service);
  g_socket_listener_close (G_SOCKET_LISTENER (p->service));
  g_clear_object (&p->service);
  g_free (p->reply);
}

typedef struct {
  Fixture   *f;
  GPtrArray *checks;
  gboolean   done;
} ThreadRun;

static gpointer
doctor_thread (gpointer data)
{
  ThreadRun *r = data;
  r->checks = hb_doctor_run_full (r->f->config, NULL, &r->f->opts, NULL, NULL);
  g_atomic_int_set (&r->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
thread_done (gpointer data)
{
  return g_atomic_int_get (&((ThreadRun *) data)->done);
}

/* The doctor in a thread, the fake platform served by this thread's main loop. */
static GPtrArray *
run_against (Fixture *f, int status, const char *date)
{
  FakePlatform p = { 0 };
  ThreadRun r = { f, NULL, FALSE };
  g_autofree char *url = NULL;
  GThread *t;

  fake_platform_start (&p, status, date);
  url = g_strdup_printf ("http://127.0.0.1:%u", p.port);
  set (f, "platform", "url", url);
  f->opts.skip_platform = FALSE;
  t = g_thread_new ("doctor", doctor_thread, &r);
  g_assert_true (hb_test_wait_until (thread_done, &r, 30000));
  g_thread_join (t);
  g_assert_cmpuint (p.requests, ==, 1);
  fake_platform_stop (&p);
  g_assert_nonnull (r.checks);
  return r.checks;
}

static char *
http_date_now (gint64 offset_s)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, (gdouble) offset_s);
  return g_date_time_format (then, "%a, %d %b %Y %H:%M:%S GMT");
}

static void
test_platform_answer_and_clock (Fixture *f, gconstpointer data)
{
  g_autofree char *date = http_date_now (0);
  g_autoptr(GPtrArray) checks = run_against (f, 200, date);
  assert_check (checks, "platform", HB_DOCTOR_OK, "answered (HTTP 200", NULL);
  assert_check (checks, "clock", HB_DOCTOR_OK, "within", NULL);
}

static void
test_clock_skew_warns (Fixture *f, gconstpointer data)
{
  /* The platform's clock two minutes behind: ours is ahead. */
  g_autofree char *date = http_date_now (-120);
  g_autoptr(GPtrArray) checks = run_against (f, 200, date);
  assert_check (checks, "clock", HB_DOCTOR_WARN, "ahead of", "timedatectl");

  /* The same through the test hook: our clock an hour ahead of a right platform. */
  g_autofree char *right = http_date_now (0);
  f->opts.clock_offset_s = -3600;
  g_autoptr(GPtrArray) again = run_against (f, 200, right);
  assert_check (again, "clock", HB_DOCTOR_WARN, "behind", NULL);
}

static void
test_platform_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *date = http_date_now (0);
  {
    g_autoptr(GPtrArray) checks = run_against (f, 503, date);
    assert_check (checks, "platform", HB_DOCTOR_WARN, "HTTP 503", "platform operator");
  }
  {
    g_autoptr(GPtrArray) checks = run_against (f, 403, date);
    assert_check (checks, "platform", HB_DOCTOR_FAIL, "refused the terminal", "provision");
  }
  {
    g_autoptr(GPtrArray) checks = run_against (f, 200, NULL);
    assert_check (checks, "clock", HB_DOCTOR_WARN, "no usable Date", NULL);
  }
}

static void
test_parse_http_date (void)
{
  gint64 t = 0;
  g_assert_true (hb_doctor_parse_http_date ("Sun, 06 Nov 1994 08:49:37 GMT", &t));
  g_assert_cmpint (t, ==, 784111777);
  g_assert_false (hb_doctor_parse_http_date ("", &t));
  g_assert_false (hb_doctor_parse_http_date ("not a date at all", &t));
  g_assert_false (hb_doctor_parse_http_date (NULL, &t));
}

/* --- TLS ----------------------------------------------------------------------------------- */

static void
test_tls_certificates (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTestPki) pki = hb_test_pki_new (&error);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-ca.pem", NULL);

  g_assert_no_error (error);
  set (f, "platform", "url", "https://127.0.0.1:1");
  set (f, "platform", "ca_file", pki->ca_cert);
  set (f, "platform", "client_cert", pki->client_cert);
  set (f, "platform", "client_key", pki->client_key);
  g_assert_cmpint (g_chmod (pki->client_key, 0600), ==, 0);

  /* The test PKI is valid for two days: within the 30-day warning. */
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "tls", HB_DOCTOR_WARN, "expires on", NULL);
  }
  f->opts.cert_warn_days = 1;
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "tls", HB_DOCTOR_OK, "client certificate", NULL);
  }
  /* Three days on, both have expired. */
  f->opts.clock_offset_s = 3 * 86400;
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "tls", HB_DOCTOR_FAIL, "expired", NULL);
  }
  f->opts.clock_offset_s = 0;
  g_assert_cmpint (g_chmod (pki->client_key, 0644), ==, 0);
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "tls", HB_DOCTOR_WARN, "readable by other users", "chmod 600");
  }
  set (f, "platform", "ca_file", missing);
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "tls", HB_DOCTOR_FAIL, "no-such-ca.pem", "PEM");
  }
}

/* --- devices ------------------------------------------------------------------------------- */

static void
fake_usb (const char *sys, const char *name, const char *vid, const char *pid)
{
  g_autofree char *d = g_build_filename (sys, name, NULL);
  g_autofree char *v = g_build_filename (d, "idVendor", NULL);
  g_autofree char *p = g_build_filename (d, "idProduct", NULL);
  g_assert_cmpint (g_mkdir_with_parents (d, 0755), ==, 0);
  g_assert_true (g_file_set_contents (v, vid, -1, NULL));
  g_assert_true (g_file_set_contents (p, pid, -1, NULL));
}

static void
test_real_devices_present_or_not (Fixture *f, gconstpointer data)
{
  g_autofree char *sys = g_build_filename (f->dir, "sys-usb", NULL);
  g_autofree char *tty = g_build_filename (f->dir, "ttyUSB-scanner", NULL);
  g_autofree char *gone = g_build_filename (f->dir, "ttyUSB-gone", NULL);

  g_assert_cmpint (g_mkdir (sys, 0755), ==, 0);
  fake_usb (sys, "1-1", "0400\n", "c35a\n");       /* 精伦 iDR200 */
  fake_usb (sys, "1-2", "046d\n", "c52b\n");       /* a mouse: nobody's */
  f->opts.sys_usb_dir = sys;
  set (f, "devices", "mode", "real");
  set (f, "devices", "receipt_paper", "roll");
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "device-idcard", HB_DOCTOR_OK, "USB 0400:c35a at 1-1", NULL);
    assert_check (checks, "device-scanner", HB_DOCTOR_WARN, "no known QR scanner", "lsusb");
    assert_check (checks, "device-printer", HB_DOCTOR_WARN, "no A4 printer", "cups_queue");
    /* Receipts on a roll: the roll printer is required. */
    assert_check (checks, "device-receipt-printer", HB_DOCTOR_FAIL, "no known receipt printer",
                  NULL);
  }
  fake_usb (sys, "1-3", "0416\n", "5011\n");       /* a generic POS printer */
  g_assert_true (g_file_set_contents (tty, "", 0, NULL));
  set (f, "devices", "scanner_serial", tty);
  set (f, "devices", "idcard_serial", gone);
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "device-receipt-printer", HB_DOCTOR_OK, "0416:5011", NULL);
    assert_check (checks, "device-scanner", HB_DOCTOR_OK, "present", NULL);
    assert_check (checks, "device-idcard", HB_DOCTOR_FAIL, "does not exist", "idcard_serial");
  }
  if (getuid () != 0)
    {
      g_assert_cmpint (g_chmod (tty, 0), ==, 0);
      g_autoptr(GPtrArray) checks = run (f);
      assert_check (checks, "device-scanner", HB_DOCTOR_FAIL, "not accessible", "udev");
    }
}

static void
write_status (Fixture *f, gint64 pid, const char *devices_json)
{
  g_autofree char *path = hb_config_dup_data_path (f->config, "status.json");
  g_autofree char *json = g_strdup_printf ("{\"terminal_id\":\"T\",\"version\":\"0.1.0\","
                                           "\"pid\":%" G_GINT64_FORMAT ",\"devices\":%s}",
                                           pid, devices_json);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
}

static void
test_kiosk_view_of_devices (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) checks = NULL;

  write_status (f, getpid (),
                "[{\"kind\":\"idcard\",\"status\":\"online\"},"
                " {\"kind\":\"scanner\",\"status\":\"no-device\",\"detail\":\"unplugged\"},"
                " {\"kind\":\"printer\",\"status\":\"user-error\",\"detail\":\"paper out\","
                "  \"paper\":\"out\"},"
                " {\"kind\":\"receipt-printer\",\"status\":\"hardware-error\",\"detail\":\"open failed\"}]");
  checks = run (f);
  assert_check (checks, "kiosk", HB_DOCTOR_OK, "running (pid", NULL);
  assert_check (checks, "device-idcard", HB_DOCTOR_OK, "kiosk reports online", NULL);
  assert_check (checks, "device-scanner", HB_DOCTOR_FAIL, "unplugged", "cable");
  assert_check (checks, "device-printer", HB_DOCTOR_WARN, "paper out", "load paper");
  assert_check (checks, "device-receipt-printer", HB_DOCTOR_FAIL, "open failed", "power-cycle");
  g_assert_true (hb_doctor_kiosk_running (f->config, NULL));
}

static void
test_kiosk_not_running_warns (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) checks = NULL;
  gint64 pid = -1;

  {
    g_autoptr(GPtrArray) none = run (f);
    assert_check (none, "kiosk", HB_DOCTOR_WARN, "no status.json", "systemctl");
  }
  /* A status left by a kiosk that died: its pid is gone. */
  write_status (f, G_MAXINT, "[]");
  checks = run (f);
  assert_check (checks, "kiosk", HB_DOCTOR_WARN, "which is gone", NULL);
  g_assert_false (hb_doctor_kiosk_running (f->config, &pid));
  g_assert_cmpint (pid, ==, 0);
}

/* --- fonts --------------------------------------------------------------------------------- */

static void
test_fonts (Fixture *f, gconstpointer data)
{
  {
    g_autoptr(GPtrArray) checks = run (f);
    assert_check (checks, "fonts", HB_DOCTOR_OK, "covers 中文", NULL);
  }
  f->opts.font_family = "Haoban No Such Font Family";
  {
    g_autoptr(GPtrArray) checks = run (f);
    const HbDoctorCheck *c = find (checks, "fonts");
    g_assert_cmpint (c->level, !=, HB_DOCTOR_OK);
    g_assert_nonnull (strstr (c->fix, "fonts-noto-cjk"));
  }
}

/* --- async ----------------------------------------------------------------------------------- */

static void
async_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GPtrArray **out = data;
  g_autoptr(GError) error = NULL;
  *out = hb_doctor_run_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
have_result (gpointer data)
{
  return *(GPtrArray **) data != NULL;
}

static void
test_async_runs_in_a_thread (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) checks = NULL;

  hb_doctor_run_async (f->config, NULL, async_done, &checks);
  g_assert_true (hb_test_wait_until (have_result, &checks, 30000));
  find (checks, "config");
  find (checks, "kiosk");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define F(path, fn) g_test_add ("/kiosk/doctor/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  g_test_add_func ("/kiosk/doctor/config-that-does-not-load-is-the-first-fail",
                   test_config_that_does_not_load_fails_first);
  F ("checks-come-in-the-documented-order-each-fix-unless-ok", test_checks_come_in_the_documented_order);
  g_test_add_func ("/kiosk/doctor/text-and-json-reports", test_text_and_json_reports);
  F ("data-dir/missing-fails-with-how-to-create-it", test_missing_data_dir_fails_with_how_to_create_it);
  F ("data-dir/read-only-fails", test_read_only_data_dir_fails);
  F ("disk/thresholds-warn-then-fail", test_disk_thresholds);
  F ("store/damaged-database-fails-and-is-left-in-place", test_damaged_database_fails_and_is_left_in_place);
  F ("store/key-readable-by-others-fails", test_open_database_key_fails);
  F ("store/database-moved-aside-by-a-rebuild-warns", test_database_moved_aside_warns);
  F ("outbox/parked-item-warns-with-the-retry-command", test_parked_item_warns_with_the_retry_command);
  F ("platform/unreachable-fails", test_unreachable_platform_fails);
  F ("platform/plain-http-to-another-host-fails", test_plain_http_to_another_host_fails);
  F ("platform/answer-and-clock-in-step", test_platform_answer_and_clock);
  F ("platform/refusals-and-server-errors", test_platform_errors);
  F ("clock/skew-over-a-minute-warns", test_clock_skew_warns);
  g_test_add_func ("/kiosk/doctor/clock/parses-http-dates", test_parse_http_date);
  F ("tls/certificates-expiring-expired-missing-key-mode", test_tls_certificates);
  F ("devices/real-devices-present-or-not", test_real_devices_present_or_not);
  F ("devices/the-running-kiosks-view", test_kiosk_view_of_devices);
  F ("kiosk/not-running-warns", test_kiosk_not_running_warns);
  F ("fonts/cjk-family-present-or-not", test_fonts);
  F ("async/runs-in-a-thread", test_async_runs_in_a_thread);
#undef F
  return g_test_run ();
}
