/* Integration: `haobanctl provision` — the real binary registers a terminal with a real
 * haoban-platform-sim over HTTPS (a PKI made at test time), installs the certificate and
 * updates the config; the installed identity then passes the platform's mutual TLS. */
#include "kiosk/hb-config.h"
#include "tests/common/hb-test-util.h"
#include "tests/common/hb-test-pki.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#define RUN_TIMEOUT_MS 60000

typedef struct {
  HbTestPki *pki;
  HbTestSim *sim;
  char      *dir;
  char      *conf;
  char      *tls;
} Fx;

/* A PEM file as a JSON string (for /_sim/terminal-ca). */
static char *
json_string_of_file (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  json_node_set_string (node, text);
  return json_to_string (node, FALSE);
}

static void
sim_post (HbTestSim *sim, const char *path, const char *body)
{
  long status = 0;
  g_autofree char *reply = hb_test_sim_request (sim, "POST", path, body, &status);
  if (status != 200)
    g_error ("POST %s: %ld %s", path, status, reply ? reply : "");
}

static void
fx_setup (Fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->pki = hb_test_pki_new (&error);
  g_assert_no_error (error);
  HbTestSimOptions o = { .tls_cert = f->pki->server_cert, .tls_key = f->pki->server_key,
                         .ca_file = f->pki->ca_cert };
  f->sim = hb_test_sim_start_full (&o, &error);
  g_assert_no_error (error);

  /* The platform's CA (the one its server certificate chains to) signs terminals too. */
  g_autofree char *ca_key = g_build_filename (f->pki->dir, "ca-a.key", NULL);
  g_autofree char *cert = json_string_of_file (f->pki->ca_cert);
  g_autofree char *key = json_string_of_file (ca_key);
  g_autofree char *body = g_strdup_printf ("{\"cert\":%s,\"key\":%s}", cert, key);
  sim_post (f->sim, "/_sim/terminal-ca", body);
  sim_post (f->sim, "/_sim/terminal-tokens", "{\"tokens\":[\"TOKEN-ONE-1111\",\"TOKEN-TWO-2222\","
                                             "\"TOKEN-STDIN-3333\"]}");

  f->dir = hb_test_mkdtemp ("provision");
  f->conf = g_build_filename (f->dir, "kiosk.conf", NULL);
  f->tls = g_build_filename (f->dir, "tls", NULL);
  g_autofree char *data_dir = g_build_filename (f->dir, "data", NULL);
  g_autofree char *conf = g_strdup_printf ("# 徐汇 terminal 7, installed by the field team\n"
                                           "[terminal]\nsite = 测试中心\n\n"
                                           "[paths]\n# where the store lives\ndata_dir = %s\n",
                                           data_dir);
  g_assert_true (g_file_set_contents (f->conf, conf, -1, NULL));
}

static void
fx_teardown (Fx *f, gconstpointer data)
{
  hb_test_sim_free (f->sim);
  hb_test_pki_free (f->pki);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->conf);
  g_free (f->tls);
}

static int
provision (Fx *f, char **out, char **err, const char *token, const char *terminal_id)
{
  if (terminal_id)
    return hb_test_run_program (out, err, RUN_TIMEOUT_MS, "haobanctl", "--config", f->conf,
                                "provision", "--platform", hb_test_sim_url (f->sim),
                                "--token", token, "--ca", f->pki->ca_cert,
                                "--terminal-id", terminal_id, NULL);
  return hb_test_run_program (out, err, RUN_TIMEOUT_MS, "haobanctl", "--config", f->conf,
                              "provision", "--platform", hb_test_sim_url (f->sim),
                              "--token", token, "--ca", f->pki->ca_cert, NULL);
}

static char *
file_text (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
assert_contains (const char *haystack, const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("\"%s\" not in:\n%s", needle, haystack ? haystack : "(null)");
}

static void
test_registers_installs_and_checks (Fx *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *conf = NULL, *terminals = NULL;
  g_autofree char *cert = g_build_filename (f->tls, "terminal.pem", NULL);
  g_autofree char *key = g_build_filename (f->tls, "terminal.key", NULL);
  g_autofree char *ca = g_build_filename (f->tls, "platform-ca.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbConfig) config = NULL;
  GStatBuf st;
  long status = 0;

  g_assert_cmpint (provision (f, &out, &err, "TOKEN-ONE-1111", NULL), ==, 0);
  assert_contains (out, "terminal id: SH-T-");
  assert_contains (out, "check: GET /v1/keys answered HTTP 200");
  g_assert_null (strstr (out, "TOKEN-ONE-1111"));
  g_assert_null (strstr (err, "TOKEN-ONE-1111"));

  /* The key stays on the terminal, readable by its owner only. */
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_autofree char *key_pem = file_text (f->tls, "terminal.key");
  assert_contains (key_pem, "PRIVATE KEY");

  /* The certificate chains to the CA it came with, which is the platform's. */
  g_autoptr(GTlsCertificate) c = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  g_autoptr(GTlsCertificate) authority = g_tls_certificate_new_from_file (ca, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_tls_certificate_verify (c, NULL, authority) & ~G_TLS_CERTIFICATE_BAD_IDENTITY,
                   ==, 0);

  /* The config names all of it, loads, and kept the technician's comments. */
  conf = file_text (f->dir, "kiosk.conf");
  assert_contains (conf, "# 徐汇 terminal 7, installed by the field team");
  assert_contains (conf, "# where the store lives");
  config = hb_config_load (f->conf, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hb_config_get_string (config, "terminal", "id"), "SH-T-"));
  g_assert_cmpstr (hb_config_get_string (config, "terminal", "site"), ==, "测试中心");
  g_assert_cmpstr (hb_config_get_string (config, "platform", "url"), ==, hb_test_sim_url (f->sim));
  g_assert_cmpstr (hb_config_get_string (config, "platform", "ca_file"), ==, ca);
  g_assert_cmpstr (hb_config_get_string (config, "platform", "client_cert"), ==, cert);
  g_assert_cmpstr (hb_config_get_string (config, "platform", "client_key"), ==, key);

  /* The platform registered it once, under this machine's host name; no token there. */
  terminals = hb_test_sim_request (f->sim, "GET", "/_sim/terminals", NULL, &status);
  g_assert_cmpint (status, ==, 200);
  assert_contains (terminals, g_get_host_name ());
  g_assert_null (strstr (terminals, "TOKEN-ONE"));
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/terminals"), ==, 1);
}

static void
test_identity_passes_mutual_tls (Fx *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *sync_out = NULL, *sync_err = NULL;
  g_autofree char *before_out = NULL, *before_err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  /* A second platform that talks only to terminals with a certificate from its CA. */
  HbTestSimOptions o = { .tls_cert = f->pki->server_cert, .tls_key = f->pki->server_key,
                         .client_ca = f->pki->ca_cert, .ca_file = f->pki->ca_cert,
                         .client_cert = f->pki->client_cert, .client_key = f->pki->client_key };
  g_autoptr(HbTestSim) strict = hb_test_sim_start_full (&o, &error);
  g_assert_no_error (error);

  /* Before provisioning the terminal has no certificate: refused. */
  g_assert_true (g_key_file_load_from_file (kf, f->conf, G_KEY_FILE_KEEP_COMMENTS, NULL));
  g_key_file_set_string (kf, "platform", "url", hb_test_sim_url (strict));
  g_key_file_set_string (kf, "platform", "ca_file", f->pki->ca_cert);
  g_assert_true (g_key_file_save_to_file (kf, f->conf, NULL));
  g_assert_cmpint (hb_test_run_program (&before_out, &before_err, RUN_TIMEOUT_MS, "haobanctl",
                                        "--config", f->conf, "sync", "--once", "--timeout", "20",
                                        NULL), ==, 1);

  g_assert_cmpint (provision (f, &out, &err, "TOKEN-ONE-1111", "SH-XH-0042"), ==, 0);
  /* Point the provisioned terminal at the strict platform: its sync gets through. */
  g_clear_pointer (&kf, g_key_file_unref);
  kf = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (kf, f->conf, G_KEY_FILE_KEEP_COMMENTS, NULL));
  g_key_file_set_string (kf, "platform", "url", hb_test_sim_url (strict));
  g_assert_true (g_key_file_save_to_file (kf, f->conf, NULL));
  g_assert_cmpint (hb_test_run_program (&sync_out, &sync_err, RUN_TIMEOUT_MS, "haobanctl",
                                        "--config", f->conf, "sync", "--once", "--timeout", "20",
                                        NULL), ==, 0);
  assert_contains (sync_out, "answered (HTTP");
  g_assert_cmpint (hb_test_sim_count (strict, "/_sim/heartbeats"), >=, 1);
}

static void
test_again_with_new_token_replaces_certificate (Fx *f, gconstpointer data)
{
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *cert1 = NULL, *key1 = NULL, *cert2 = NULL, *key2 = NULL, *conf = NULL;

  g_assert_cmpint (provision (f, &out1, &err1, "TOKEN-ONE-1111", "SH-XH-0042"), ==, 0);
  cert1 = file_text (f->tls, "terminal.pem");
  key1 = file_text (f->tls, "terminal.key");
  g_assert_cmpint (provision (f, &out2, &err2, "TOKEN-TWO-2222", "SH-XH-0042"), ==, 0);
  cert2 = file_text (f->tls, "terminal.pem");
  key2 = file_text (f->tls, "terminal.key");
  assert_contains (out2, "terminal id: SH-XH-0042");
  /* A new key pair and certificate; one of each key in the config, not two. */
  g_assert_cmpstr (cert1, !=, cert2);
  g_assert_cmpstr (key1, !=, key2);
  conf = file_text (f->dir, "kiosk.conf");
  g_assert_true (strstr (conf, "client_cert=") == g_strrstr (conf, "client_cert="));
  g_assert_true (strstr (conf, "\nid=SH-XH-0042") == g_strrstr (conf, "\nid="));
  g_assert_cmpint (hb_test_sim_count (f->sim, "/_sim/terminals"), ==, 2);
}

/* The command failed; the config is what it was, and nothing was installed. */
static void
assert_nothing_changed (Fx *f, const char *conf_before)
{
  g_autofree char *conf = file_text (f->dir, "kiosk.conf");
  g_assert_cmpstr (conf, ==, conf_before);
  g_assert_false (g_file_test (f->tls, G_FILE_TEST_EXISTS));
}

static void
test_refusals (Fx *f, gconstpointer data)
{
  g_autofree char *before = file_text (f->dir, "kiosk.conf");
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;

  /* A token the platform never issued. */
  g_assert_cmpint (provision (f, &out, &err, "NOT-A-TOKEN", NULL), ==, 1);
  assert_contains (err, "refused the token (401)");
  assert_contains (err, "fix: get a new enrolment token");
  g_assert_null (strstr (err, "NOT-A-TOKEN"));
  assert_nothing_changed (f, before);

  /* A token used already (by another terminal). */
  sim_post (f->sim, "/_sim/terminal-tokens", "{\"tokens\":[\"USED-ONCE-9999\"]}");
  {
    g_autofree char *other = g_build_filename (f->dir, "other.conf", NULL);
    g_autofree char *o = NULL, *e = NULL;
    g_assert_true (g_file_set_contents (other, "", 0, NULL));
    g_assert_cmpint (hb_test_run_program (&o, &e, RUN_TIMEOUT_MS, "haobanctl", "--config", other,
                                          "provision", "--platform", hb_test_sim_url (f->sim),
                                          "--token", "USED-ONCE-9999", "--ca", f->pki->ca_cert,
                                          "--tls-dir", f->dir, NULL), ==, 0);
  }
  g_assert_cmpint (provision (f, &out2, &err2, "USED-ONCE-9999", NULL), ==, 1);
  assert_contains (err2, "used already (409)");
  g_assert_false (g_file_test (f->tls, G_FILE_TEST_EXISTS));

  /* The registration is not trusted without the platform's CA (the system store does
   * not know the test CA): unreachable, with the hint about --ca. */
  g_assert_cmpint (hb_test_run_program (&out3, &err3, RUN_TIMEOUT_MS, "haobanctl", "--config",
                                        f->conf, "provision", "--platform",
                                        hb_test_sim_url (f->sim), "--token", "TOKEN-ONE-1111",
                                        NULL), ==, 1);
  assert_contains (err3, "could not be reached");
  assert_contains (err3, "tls:");
  assert_contains (err3, "--ca FILE");
  assert_nothing_changed (f, before);
}

static void
test_unreachable_platform (Fx *f, gconstpointer data)
{
  g_autofree char *before = file_text (f->dir, "kiosk.conf");
  g_autofree char *out = NULL, *err = NULL;
  guint16 port = hb_test_sim_port (f->sim);

  hb_test_sim_kill (f->sim);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", port);
  g_assert_cmpint (hb_test_run_program (&out, &err, RUN_TIMEOUT_MS, "haobanctl", "--config",
                                        f->conf, "provision", "--platform", url, "--token",
                                        "TOKEN-ONE-1111", "--ca", f->pki->ca_cert,
                                        "--timeout", "5", NULL), ==, 1);
  assert_contains (err, "could not be reached");
  assert_nothing_changed (f, before);
}

static void
test_unwritable_folder (Fx *f, gconstpointer data)
{
  g_autofree char *before = file_text (f->dir, "kiosk.conf");
  g_autofree char *blocker = g_build_filename (f->dir, "a-file", NULL);
  g_autofree char *tls = g_build_filename (blocker, "tls", NULL);
  g_autofree char *out = NULL, *err = NULL;

  /* Root may write anywhere; a folder under a plain file fails for everyone. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_assert_cmpint (hb_test_run_program (&out, &err, RUN_TIMEOUT_MS, "haobanctl", "--config",
                                        f->conf, "provision", "--platform",
                                        hb_test_sim_url (f->sim), "--token", "TOKEN-ONE-1111",
                                        "--ca", f->pki->ca_cert, "--tls-dir", tls, NULL), ==, 1);
  assert_contains (err, "cannot write in");
  assert_contains (err, "fix: run as root");
  assert_nothing_changed (f, before);
}

static void
test_token_from_stdin (Fx *f, gconstpointer data)
{
  g_autofree char *ctl = g_build_filename (hb_test_builddir (), "haobanctl", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                               ctl, "--config", f->conf, "provision",
                                               "--platform", hb_test_sim_url (f->sim),
                                               "--token", "-", "--ca", f->pki->ca_cert, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, "TOKEN-STDIN-3333\n", NULL, &out, &err,
                                                &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
  assert_contains (out, "check: GET /v1/keys answered HTTP 200");
}

static void
test_usage (Fx *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (hb_test_run_program (&out, &err, RUN_TIMEOUT_MS, "haobanctl", "--config",
                                        f->conf, "provision", "--platform",
                                        hb_test_sim_url (f->sim), NULL), ==, 2);
  assert_contains (err, "usage: haobanctl provision");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/integration/haobanctl/provision/" path, Fx, NULL, fx_setup, fn, fx_teardown)
  ADD ("registers-installs-the-certificate-and-checks-the-connection",
       test_registers_installs_and_checks);
  ADD ("installed-identity-passes-mutual-tls", test_identity_passes_mutual_tls);
  ADD ("again-with-a-new-token-replaces-the-certificate",
       test_again_with_new_token_replaces_certificate);
  ADD ("bad-used-or-untrusted-registration-changes-nothing", test_refusals);
  ADD ("unreachable-platform-changes-nothing", test_unreachable_platform);
  ADD ("unwritable-folder-changes-nothing", test_unwritable_folder);
  ADD ("token-can-come-from-stdin", test_token_from_stdin);
  ADD ("missing-token-is-a-usage-error", test_usage);
#undef ADD
  return g_test_run ();
}
