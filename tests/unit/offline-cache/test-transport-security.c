/* test-transport-security.c — HTTPS, pins, mutual TLS and the plain-HTTP rule of
 * offline-cache/hb-http*.c through the real HbSync against haoban-platform-sim over TLS on
 * 127.0.0.1, with a PKI made for the run (tests/common/hb-test-pki.h). No timed assertions:
 * every wait is for a condition, with a generous deadline. */
#include "offline-cache/hb-http-private.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-sync.h"
#include "tests/common/hb-test-pki.h"
#include "tests/common/hb-test-util.h"
#include "tests/unit/offline-cache/sync-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define WAIT_MS 20000
#define APPLICATION_BODY \
  "{\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-XH-0001\"," \
  "\"submitted_at\":\"2026-11-27T10:15:02+08:00\",\"language\":\"zh_CN\"," \
  "\"applicant\":{\"id_type\":\"resident\",\"id_number\":\"310104198506151237\",\"name\":\"张伟\"}," \
  "\"form\":{\"residence_address\":\"上海市徐汇区漕溪北路88号\",\"phone\":\"13800138000\"," \
  "\"pickup\":\"print\"}}"

/* One PKI for the whole program: making keys is the slow part. */
static HbTestPki *pki;

typedef enum {
  SIM_TLS        = 1 << 0,   /* HTTPS with the platform CA's server certificate */
  SIM_MTLS       = 1 << 1,   /* … and client certificates from the platform CA required */
  SIM_WRONG_CA   = 1 << 2,   /* … and a second listener with the unrelated CA's certificate */
} SimFlags;

typedef struct {
  char       *dir;
  char       *db;
  char       *key;
  HbTestSim  *sim;
  HbStore    *store;
  HbOutbox   *outbox;
  HbSync     *sync;
  GHashTable *delivered;   /* key → response */
} Fixture;

typedef struct {
  const char *url;
  const char *ca_file;
  const char *pins;
  const char *client_cert;
  const char *client_key;
} SyncTls;

static void
on_delivered (HbSync *sync, const char *key, const char *response, Fixture *f)
{
  g_assert_false (g_hash_table_contains (f->delivered, key));   /* once per key */
  g_hash_table_insert (f->delivered, g_strdup (key), g_strdup (response));
}

static void
start_sim (Fixture *f, SimFlags flags)
{
  g_autoptr(GError) error = NULL;
  HbTestSimOptions o = { 0 };

  if (flags & SIM_TLS)
    {
      o.tls_cert = pki->server_cert;
      o.tls_key = pki->server_key;
      o.ca_file = pki->ca_cert;
    }
  if (flags & SIM_MTLS)
    {
      o.client_ca = pki->ca_cert;
      o.client_cert = pki->client_cert;
      o.client_key = pki->client_key;
    }
  if (flags & SIM_WRONG_CA)
    {
      o.wrong_ca_cert = pki->other_server_cert;
      o.wrong_ca_key = pki->other_server_key;
    }
  f->sim = hb_test_sim_start_full (&o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->sim);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  outbox_fixture_paths ("tls", &f->dir, &f->db, &f->key);
  f->store = outbox_fixture_open_store (f->db, f->key);
  f->outbox = hb_outbox_new (f->store);
  f->delivered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  start_sim (f, GPOINTER_TO_UINT (data));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  sync_fixture_close (&f->sync, &f->outbox, &f->store, &f->sim);
  g_clear_pointer (&f->delivered, g_hash_table_unref);
  outbox_fixture_free_paths (f->dir, f->db, f->key);
}

static HbSync *
new_sync (Fixture *f, const SyncTls *t)
{
  HbSyncOptions o = sync_fixture_options (f->db, f->key, f->sim);
  if (t->url)
    o.platform_url = t->url;
  o.catalog_interval_s = 0;   /* 0: hb-sync's default */
  o.retry_base_ms = 50;
  o.retry_cap_ms = 1000;
  o.connect_timeout_ms = 3000;
  o.request_timeout_ms = 8000;
  o.tls_ca_file = t->ca_file;
  o.tls_pin_sha256 = t->pins;
  o.tls_client_cert = t->client_cert;
  o.tls_client_key = t->client_key;
  HbSync *sync = hb_sync_new (&o);
  g_assert_nonnull (sync);
  g_signal_connect (sync, "delivered", G_CALLBACK (on_delivered), f);
  return sync;
}

/* (Re)starts the fixture's HbSync with t; the store (and its outbox) stays. */
static void
start_sync (Fixture *f, const SyncTls *t)
{
  g_clear_object (&f->sync);
  f->sync = new_sync (f, t);
  sync_fixture_start (f->sync);
}

/* hb_sync_start's error for t (asserts it fails). */
static GError *
start_error (Fixture *f, const SyncTls *t)
{
  GError *error = NULL;
  g_autoptr(HbSync) sync = new_sync (f, t);
  g_assert_false (hb_sync_start (sync, &error));
  g_assert_nonnull (error);
  return error;
}

static char *
enqueue (Fixture *f)
{
  char *key = outbox_fixture_enqueue (f->outbox, "application", "/v1/applications",
                                      APPLICATION_BODY);
  if (f->sync)
    hb_sync_kick (f->sync);
  return key;
}

typedef struct {
  Fixture    *f;
  const char *key;
  guint       attempts;
} KeyWait;

/* Tried (and failed) at least w->attempts times, and the platform is seen as unreachable. */
static gboolean
tried_and_failed (gpointer data)
{
  KeyWait *w = data;
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (w->f->outbox, w->key, TRUE);
  return item->attempts >= w->attempts && item->last_error != NULL
         && !hb_sync_get_reachable (w->f->sync);
}

/* Waits until key was retried a few times without success, then checks it is still
 * pending (nothing lost, not dead, not parked) and returns its last error. */
static char *
wait_refused (Fixture *f, const char *key)
{
  KeyWait w = { f, key, 3 };
  g_assert_true (hb_test_wait_until (tried_and_failed, &w, WAIT_MS));
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_PENDING);
  g_assert_false (g_hash_table_contains (f->delivered, key));
  return g_strdup (item->last_error);
}

/* How many applications the platform recorded under key. */
static guint
platform_count (Fixture *f, const char *key)
{
  g_autoptr(JsonNode) root = sync_fixture_sim_get (f->sim, "/_sim/applications");
  guint n = 0;
  JsonArray *list = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      if (g_strcmp0 (json_object_get_string_member (o, "idempotency_key"), key) == 0)
        n++;
    }
  return n;
}

static void
wait_delivered_once (Fixture *f, const char *key)
{
  sync_fixture_wait_for_key (f->delivered, key, WAIT_MS);
  g_assert_cmpuint (platform_count (f, key), ==, 1);
  g_autoptr(HbOutboxItem) item = outbox_fixture_lookup (f->outbox, key, TRUE);
  g_assert_cmpint (item->state, ==, HB_OUTBOX_SENT);
}

/* --- HTTPS ------------------------------------------------------------------------------ */

static void
test_right_ca_delivers (Fixture *f, gconstpointer data)
{
  SyncTls t = { .ca_file = pki->ca_cert };
  g_assert_true (g_str_has_prefix (hb_test_sim_url (f->sim), "https://"));
  start_sync (f, &t);
  g_autofree char *key = enqueue (f);
  wait_delivered_once (f, key);
  g_assert_true (hb_sync_get_reachable (f->sync));
}

/* The second listener serves the same API with a certificate from another CA: the terminal
 * refuses it, keeps the item with a TLS reason for staff, and delivers it exactly once when
 * pointed at the right listener. */
static void
test_wrong_ca_listener_is_refused_then_right_one_delivers (Fixture *f, gconstpointer data)
{
  SyncTls wrong = { .url = hb_test_sim_wrong_ca_url (f->sim), .ca_file = pki->ca_cert };
  SyncTls right = { .ca_file = pki->ca_cert };

  g_assert_nonnull (wrong.url);
  start_sync (f, &wrong);
  g_autofree char *key = enqueue (f);
  g_autofree char *why = wait_refused (f, key);
  g_assert_true (g_str_has_prefix (why, "tls: certificate not trusted"));
  g_assert_cmpuint (platform_count (f, key), ==, 0);

  start_sync (f, &right);
  wait_delivered_once (f, key);
}

/* Trusting only the other CA refuses the real platform too: the configured bundle is the
 * whole trust, whatever else the machine trusts. */
static void
test_only_the_configured_ca_is_trusted (Fixture *f, gconstpointer data)
{
  SyncTls t = { .ca_file = pki->other_ca_cert };
  start_sync (f, &t);
  g_autofree char *key = enqueue (f);
  g_autofree char *why = wait_refused (f, key);
  g_assert_true (g_str_has_prefix (why, "tls: certificate not trusted"));
}

/* Without a configured CA the system store is used, which knows nothing of the test CA. */
static void
test_system_store_does_not_trust_a_private_ca (Fixture *f, gconstpointer data)
{
  SyncTls t = { 0 };
#ifdef __SANITIZE_ADDRESS__
  /* Loading the ~140 system CAs mallocs so much that, with the slow unwinding our ASan
   * options ask for, each handshake takes seconds and hits the connect timeout. */
  g_test_skip ("the system CA store is too slow to load under AddressSanitizer");
  return;
#endif
  start_sync (f, &t);
  g_autofree char *key = enqueue (f);
  g_autofree char *why = wait_refused (f, key);
  g_assert_true (g_str_has_prefix (why, "tls: certificate not trusted"));
}

/* The certificate names 127.0.0.1, localhost and ::1; "localhost" works as a host too. */
static void
test_certificate_name_is_checked (Fixture *f, gconstpointer data)
{
  g_autofree char *by_name = g_strdup_printf ("https://localhost:%u",
                                              hb_test_sim_port (f->sim));
  SyncTls t = { .url = by_name, .ca_file = pki->ca_cert };
  start_sync (f, &t);
  g_autofree char *key = enqueue (f);
  wait_delivered_once (f, key);
}

/* One-off requests (hb_sync_request_async) go through the same TLS settings. */
typedef struct {
  gboolean done;
  char    *body;
  guint    status;
  GError  *error;
} Oneoff;

static void
on_oneoff (GObject *source, GAsyncResult *result, gpointer data)
{
  Oneoff *o = data;
  o->body = hb_sync_request_finish (HB_SYNC (source), result, &o->status, &o->error);
  o->done = TRUE;
}

static gboolean
oneoff_done (gpointer data)
{
  return ((Oneoff *) data)->done;
}

static void
oneoff (Fixture *f, Oneoff *o)
{
  memset (o, 0, sizeof *o);
  hb_sync_request_async (f->sync, "GET", "/v1/keys", NULL, NULL, on_oneoff, o);
  g_assert_true (hb_test_wait_until (oneoff_done, o, WAIT_MS));
}

static void
test_one_off_requests_use_the_same_tls (Fixture *f, gconstpointer data)
{
  SyncTls wrong = { .url = hb_test_sim_wrong_ca_url (f->sim), .ca_file = pki->ca_cert };
  SyncTls right = { .ca_file = pki->ca_cert };
  Oneoff o;

  start_sync (f, &wrong);
  oneoff (f, &o);
  g_assert_null (o.body);
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (o.error->message, "tls: certificate not trusted"));
  g_clear_error (&o.error);

  start_sync (f, &right);
  oneoff (f, &o);
  g_assert_no_error (o.error);
  g_assert_cmpuint (o.status, ==, 200);
  g_free (o.body);
}

/* --- public-key pins --------------------------------------------------------------------- */

static void
test_matching_pin_delivers (Fixture *f, gconstpointer data)
{
  /* Several pins (a backup key's first), with GKeyFile's trailing ';' and blanks. */
  g_autofree char *pins = g_strdup_printf ("%s; %s;", pki->other_server_pin, pki->server_pin);
  SyncTls t = { .ca_file = pki->ca_cert, .pins = pins };
  start_sync (f, &t);
  g_autofree char *key = enqueue (f);
  wait_delivered_once (f, key);
}

/* A trusted certificate with another key (say, a CA that issued one it should not have). */
static void
test_wrong_pin_is_refused (Fixture *f, gconstpointer data)
{
  SyncTls t = { .ca_file = pki->ca_cert, .pins = pki->other_server_pin };
  start_sync (f, &t);
  g_autofree char *key = enqueue (f);
  g_autofree char *why = wait_refused (f, key);
  g_assert_true (g_str_has_prefix (why, "tls: public key pin mismatch"));
  g_assert_cmpuint (platform_count (f, key), ==, 0);
}

/* --- mutual TLS -------------------------------------------------------------------------- */

static void
test_mtls_without_client_certificate_is_refused_then_delivered_with_it (Fixture *f,
                                                                        gconstpointer data)
{
  SyncTls without = { .ca_file = pki->ca_cert };
  SyncTls with = { .ca_file = pki->ca_cert, .client_cert = pki->client_cert,
                   .client_key = pki->client_key };

  start_sync (f, &without);
  g_autofree char *key = enqueue (f);
  g_autofree char *why = wait_refused (f, key);
  g_assert_true (g_str_has_prefix (why, "tls: "));
  g_assert_nonnull (strstr (why, "client certificate"));
  g_assert_cmpuint (platform_count (f, key), ==, 0);

  start_sync (f, &with);
  wait_delivered_once (f, key);
}

/* A certificate the platform's client CA did not issue is no better than none. */
static void
test_mtls_client_certificate_from_another_ca_is_refused (Fixture *f, gconstpointer data)
{
  SyncTls t = { .ca_file = pki->ca_cert, .client_cert = pki->other_client_cert,
                .client_key = pki->other_client_key };
  start_sync (f, &t);
  g_autofree char *key = enqueue (f);
  g_autofree char *why = wait_refused (f, key);
  g_assert_true (g_str_has_prefix (why, "tls: "));
  g_assert_cmpuint (platform_count (f, key), ==, 0);
}

/* --- plain HTTP -------------------------------------------------------------------------- */

static void
test_http_to_loopback_is_allowed (Fixture *f, gconstpointer data)
{
  SyncTls t = { 0 };
  g_assert_true (g_str_has_prefix (hb_test_sim_url (f->sim), "http://127.0.0.1:"));
  start_sync (f, &t);
  g_autofree char *key = enqueue (f);
  wait_delivered_once (f, key);
}

/* Refused at start, before any connection: no network is needed for this test. */
static void
test_http_to_a_remote_host_is_refused_at_start (Fixture *f, gconstpointer data)
{
  static const char *const remote[] = {
    "http://192.0.2.10:8470",
    "http://10.0.0.1",
    "http://platform.example.gov.cn/",
    "http://localhost.example.com:8470",     /* a name that only starts like loopback */
    "http://127.0.0.1.nip.io:8470",
    "http://[::ffff:127.0.0.1]:8470",        /* mapped: not what "loopback" means here */
    "http://0.0.0.0:8470",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (remote); i++)
    {
      SyncTls t = { .url = remote[i] };
      g_autoptr(GError) error = start_error (f, &t);
      g_test_message ("%s: %s", remote[i], error->message);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "loopback"));
      g_assert_false (hb_http_url_is_loopback (remote[i]));
    }
  g_assert_true (hb_http_url_is_loopback ("http://127.0.0.1:8470"));
  g_assert_true (hb_http_url_is_loopback ("http://127.8.9.10/"));
  g_assert_true (hb_http_url_is_loopback ("http://[::1]:8470"));
  g_assert_true (hb_http_url_is_loopback ("http://LocalHost:8470"));
}

/* --- start-time checks ------------------------------------------------------------------- */

static void
test_missing_ca_file_fails_at_start (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no-such-ca.pem", NULL);
  SyncTls t = { .ca_file = missing };
  g_autoptr(GError) error = start_error (f, &t);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "CA file"));
  g_assert_nonnull (strstr (error->message, missing));
}

static void
test_unusable_tls_files_fail_at_start (Fixture *f, gconstpointer data)
{
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.pem", NULL);
  g_assert_true (g_file_set_contents (garbage, "not a certificate\n", -1, NULL));

  {
    SyncTls t = { .ca_file = garbage };
    g_autoptr(GError) error = start_error (f, &t);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "holds no PEM certificate"));
  }
  {
    SyncTls t = { .ca_file = pki->ca_cert, .client_cert = pki->client_cert };
    g_autoptr(GError) error = start_error (f, &t);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "both"));
  }
  {
    SyncTls t = { .ca_file = pki->ca_cert, .client_cert = pki->client_cert,
                  .client_key = pki->other_client_key };
    g_autoptr(GError) error = start_error (f, &t);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "does not belong"));
  }
  {
    SyncTls t = { .ca_file = pki->ca_cert, .client_cert = pki->client_cert,
                  .client_key = garbage };
    g_autoptr(GError) error = start_error (f, &t);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "not an unencrypted PEM private key"));
  }
  {
    SyncTls t = { .ca_file = pki->ca_cert, .pins = "sha256//tooshort=" };
    g_autoptr(GError) error = start_error (f, &t);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "pin"));
  }
  {
    /* The platform's key hash in hex is a classic mistake: refused, not silently unpinned. */
    SyncTls t = { .ca_file = pki->ca_cert,
                  .pins = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" };
    g_autoptr(GError) error = start_error (f, &t);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int rc;

  hb_test_init (&argc, &argv);
  pki = hb_test_pki_new (&error);
  g_assert_no_error (error);

#define ADD(path, flags, fn) g_test_add ("/offline-cache/transport-security/" path, Fixture, \
                                         GUINT_TO_POINTER (flags), fixture_setup, fn, \
                                         fixture_teardown)
  ADD ("https/right-ca-delivers", SIM_TLS, test_right_ca_delivers);
  ADD ("https/wrong-ca-listener-is-refused-then-the-right-one-delivers-once",
       SIM_TLS | SIM_WRONG_CA, test_wrong_ca_listener_is_refused_then_right_one_delivers);
  ADD ("https/only-the-configured-ca-is-trusted", SIM_TLS, test_only_the_configured_ca_is_trusted);
  ADD ("https/system-store-does-not-trust-a-private-ca", SIM_TLS,
       test_system_store_does_not_trust_a_private_ca);
  ADD ("https/certificate-name-is-checked-localhost-matches", SIM_TLS,
       test_certificate_name_is_checked);
  ADD ("https/one-off-requests-use-the-same-tls", SIM_TLS | SIM_WRONG_CA,
       test_one_off_requests_use_the_same_tls);
  ADD ("pin/matching-pin-among-several-delivers", SIM_TLS, test_matching_pin_delivers);
  ADD ("pin/wrong-pin-is-refused-with-a-tls-reason", SIM_TLS, test_wrong_pin_is_refused);
  ADD ("mtls/without-client-certificate-refused-then-delivered-with-it", SIM_TLS | SIM_MTLS,
       test_mtls_without_client_certificate_is_refused_then_delivered_with_it);
  ADD ("mtls/client-certificate-from-another-ca-is-refused", SIM_TLS | SIM_MTLS,
       test_mtls_client_certificate_from_another_ca_is_refused);
  ADD ("http/loopback-is-allowed", 0, test_http_to_loopback_is_allowed);
  ADD ("http/remote-host-is-refused-at-start", 0, test_http_to_a_remote_host_is_refused_at_start);
  ADD ("start/missing-ca-file-fails", 0, test_missing_ca_file_fails_at_start);
  ADD ("start/unusable-tls-files-and-pins-fail", 0, test_unusable_tls_files_fail_at_start);
#undef ADD

  rc = g_test_run ();
  g_clear_pointer (&pki, hb_test_pki_free);
  return rc;
}
