/* test-platform-sim-tls.c — haoban-platform-sim's HTTPS: --tls-cert/--tls-key, mutual TLS
 * with --client-ca, the wrong-CA listener, and refusal of incomplete TLS options
 * (docs/platform-sim.md "HTTPS"). The PKI is made for the run (tests/common/hb-test-pki.h). */
#include "tests/common/hb-test-pki.h"
#include "tests/common/hb-test-util.h"

#include <curl/curl.h>
#include <json-glib/json-glib.h>
#include <string.h>

static HbTestPki *pki;

#define APPLICATION_BODY \
  "{\"idempotency_key\":\"tls-test-0001\"," \
  "\"service_code\":\"310000-GA-JZZ-0003\",\"terminal_id\":\"SH-XH-0001\"," \
  "\"submitted_at\":\"2026-11-27T10:15:02+08:00\",\"language\":\"zh_CN\"," \
  "\"applicant\":{\"id_type\":\"resident\",\"id_number\":\"310104198506151237\",\"name\":\"张伟\"}," \
  "\"form\":{\"residence_address\":\"上海市徐汇区漕溪北路88号\",\"phone\":\"13800138000\"," \
  "\"pickup\":\"print\"}}"

static size_t
discard (char *ptr, size_t size, size_t nmemb, void *user)
{
  return size * nmemb;
}

/* One request with explicit TLS settings; the HTTP status, or 0 when none arrived. */
static long
request (const char *method, const char *url, const char *body, const char *key,
         const char *ca, const char *cert, const char *cert_key)
{
  CURL *c = curl_easy_init ();
  struct curl_slist *h = NULL;
  g_autofree char *key_header = key ? g_strconcat ("Idempotency-Key: ", key, NULL) : NULL;
  long status = 0;

  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, discard);
  if (ca)
    curl_easy_setopt (c, CURLOPT_CAINFO, ca);
  if (cert)
    {
      curl_easy_setopt (c, CURLOPT_SSLCERT, cert);
      curl_easy_setopt (c, CURLOPT_SSLKEY, cert_key);
    }
  if (body)
    {
      h = curl_slist_append (h, "Content-Type: application/json");
      curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
    }
  if (key_header)
    h = curl_slist_append (h, key_header);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
  if (curl_easy_perform (c) == CURLE_OK)
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (h);
  curl_easy_cleanup (c);
  return status;
}

static char *
url_of (const char *base, const char *path)
{
  return g_strconcat (base, path, NULL);
}

static void
test_serves_https_with_the_given_certificate (void)
{
  g_autoptr(GError) error = NULL;
  HbTestSimOptions o = { .tls_cert = pki->server_cert, .tls_key = pki->server_key,
                         .ca_file = pki->ca_cert };
  g_autoptr(HbTestSim) sim = hb_test_sim_start_full (&o, &error);
  g_assert_no_error (error);

  g_assert_true (g_str_has_prefix (hb_test_sim_url (sim), "https://127.0.0.1:"));
  g_assert_null (hb_test_sim_wrong_ca_url (sim));
  g_autofree char *catalog = url_of (hb_test_sim_url (sim), "/v1/catalog");
  g_assert_cmpint (request ("GET", catalog, NULL, NULL, pki->ca_cert, NULL, NULL), ==, 200);
  /* Trusting only the unrelated CA, the same listener is refused. */
  g_assert_cmpint (request ("GET", catalog, NULL, NULL, pki->other_ca_cert, NULL, NULL), ==, 0);
  /* Plain HTTP to a TLS port gets no HTTP answer. */
  g_autofree char *plain = g_strdup_printf ("http://127.0.0.1:%u/v1/catalog",
                                            hb_test_sim_port (sim));
  g_assert_cmpint (request ("GET", plain, NULL, NULL, NULL, NULL, NULL), ==, 0);
  /* The /_sim/ API is served over the same TLS. */
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
}

/* The second listener is the same platform (records, counters) behind another CA. */
static void
test_wrong_ca_listener_serves_the_same_platform (void)
{
  g_autoptr(GError) error = NULL;
  HbTestSimOptions o = { .tls_cert = pki->server_cert, .tls_key = pki->server_key,
                         .wrong_ca_cert = pki->other_server_cert,
                         .wrong_ca_key = pki->other_server_key, .ca_file = pki->ca_cert };
  g_autoptr(HbTestSim) sim = hb_test_sim_start_full (&o, &error);
  g_assert_no_error (error);

  const char *wrong = hb_test_sim_wrong_ca_url (sim);
  g_assert_nonnull (wrong);
  g_assert_cmpstr (wrong, !=, hb_test_sim_url (sim));
  g_autofree char *post = url_of (wrong, "/v1/applications");
  g_assert_cmpint (request ("POST", post, APPLICATION_BODY, "tls-test-0001", pki->ca_cert,
                            NULL, NULL), ==, 0);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 0);
  g_assert_cmpint (request ("POST", post, APPLICATION_BODY, "tls-test-0001",
                            pki->other_ca_cert, NULL, NULL), ==, 201);
  g_assert_cmpint (hb_test_sim_count (sim, "/_sim/applications"), ==, 1);

  /* A restart keeps both ports. */
  g_autofree char *before = g_strdup (wrong);
  g_assert_true (hb_test_sim_restart (sim, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hb_test_sim_wrong_ca_url (sim), ==, before);
}

static void
test_client_ca_requires_a_client_certificate (void)
{
  g_autoptr(GError) error = NULL;
  HbTestSimOptions o = { .tls_cert = pki->server_cert, .tls_key = pki->server_key,
                         .client_ca = pki->ca_cert, .ca_file = pki->ca_cert,
                         .client_cert = pki->client_cert, .client_key = pki->client_key };
  g_autoptr(HbTestSim) sim = hb_test_sim_start_full (&o, &error);
  g_assert_no_error (error);
  g_autofree char *keys = url_of (hb_test_sim_url (sim), "/v1/keys");

  g_assert_cmpint (request ("GET", keys, NULL, NULL, pki->ca_cert, NULL, NULL), ==, 0);
  g_assert_cmpint (request ("GET", keys, NULL, NULL, pki->ca_cert, pki->other_client_cert,
                            pki->other_client_key), ==, 0);
  g_assert_cmpint (request ("GET", keys, NULL, NULL, pki->ca_cert, pki->client_cert,
                            pki->client_key), ==, 200);
}

static void
test_incomplete_tls_options_are_refused (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("sim-tls");
  g_autofree char *conf = g_build_filename (dir, "sim.conf", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_autofree char *conf_text = g_strdup_printf ("[platform-sim]\ntls_cert = %s\n",
                                                pki->server_cert);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));

  const struct { const char *args[7]; const char *says; } cases[] = {
    { { "--tls-cert", pki->server_cert }, "--tls-cert and --tls-key go together" },
    { { "--client-ca", pki->ca_cert }, "--client-ca needs --tls-cert" },
    { { "--wrong-ca-cert", pki->other_server_cert }, "--wrong-ca-cert and --wrong-ca-key" },
    { { "--wrong-ca-port", "9" }, "--wrong-ca-port needs" },
    { { "--tls-cert", missing, "--tls-key", pki->server_key }, "missing.pem" },
    { { "--tls-cert", pki->server_cert, "--tls-key", pki->server_key, "--client-ca", missing },
      "client CA" },
    { { "--config", conf }, "--tls-cert and --tls-key go together" },   /* from the file */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      const char *const *a = cases[i].args;
      int rc = hb_test_run_program (&out, &err, 10000, "haoban-platform-sim", "--port", "0",
                                    a[0], a[1], a[2], a[3], a[4], a[5], NULL);
      g_test_message ("case %" G_GSIZE_FORMAT ": rc %d, %s", i, rc, err);
      g_assert_cmpint (rc, ==, 1);
      g_assert_nonnull (strstr (err, cases[i].says));
      g_assert_cmpstr (out, ==, "");
    }
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int rc;

  hb_test_init (&argc, &argv);
  pki = hb_test_pki_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/tools/platform-sim/tls/serves-https-with-the-given-certificate",
                   test_serves_https_with_the_given_certificate);
  g_test_add_func ("/tools/platform-sim/tls/wrong-ca-listener-serves-the-same-platform",
                   test_wrong_ca_listener_serves_the_same_platform);
  g_test_add_func ("/tools/platform-sim/tls/client-ca-requires-a-client-certificate",
                   test_client_ca_requires_a_client_certificate);
  g_test_add_func ("/tools/platform-sim/tls/incomplete-tls-options-are-refused",
                   test_incomplete_tls_options_are_refused);
  rc = g_test_run ();
  g_clear_pointer (&pki, hb_test_pki_free);
  return rc;
}
