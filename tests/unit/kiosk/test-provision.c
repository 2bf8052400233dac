/* test-provision.c — kiosk/hb-provision.c: the answer's parser, the arguments, and what is
 * (not) installed when the platform's answer does not fit. The whole exchange against the
 * platform-sim is tests/integration/test-haobanctl-provision.c. */
#include "kiosk/hb-provision.h"
#include "tests/common/hb-test-util.h"
#include "tests/common/hb-test-pki.h"

#include <curl/curl.h>
#include <gio/gio.h>
#include <string.h>

#define PEM "-----BEGIN CERTIFICATE-----\\nMIIBfzCCASWgAwIBAgIUQ2FmZQ==\\n-----END CERTIFICATE-----\\n"

static char *
reply_json (const char *id, const char *cert, const char *ca, const char *url)
{
  return g_strdup_printf ("{\"terminal_id\":\"%s\",\"certificate\":\"%s\",\"ca\":\"%s\","
                          "\"platform_url\":\"%s\"}", id, cert, ca, url);
}

static void
test_parse_valid (void)
{
  g_autofree char *json = reply_json ("SH-T-0001", PEM, PEM, "https://ywtb.example.cn");
  HbProvisionReply r;
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_provision_parse_reply (json, strlen (json), &r, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (r.terminal_id, ==, "SH-T-0001");
  g_assert_cmpstr (r.platform_url, ==, "https://ywtb.example.cn");
  g_assert_true (g_str_has_prefix (r.certificate, "-----BEGIN CERTIFICATE-----\n"));
  hb_provision_reply_clear (&r);
  g_assert_null (r.terminal_id);
}

static void
assert_refused (const char *json, gsize length, const char *fragment)
{
  HbProvisionReply r;
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_provision_parse_reply (json, length, &r, &error));
  g_assert_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_REPLY);
  g_assert_null (r.terminal_id);
  g_assert_null (r.certificate);
  if (fragment && strstr (error->message, fragment) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", error->message, fragment);
}

static void
test_parse_refuses_bad_members (void)
{
  g_autofree char *bad_id = reply_json ("SH T/1", PEM, PEM, "https://a.example.cn");
  g_autofree char *long_id = NULL;
  g_autofree char *not_pem = reply_json ("SH-T-1", "hello", PEM, "https://a.example.cn");
  g_autofree char *ca_not_pem = reply_json ("SH-T-1", PEM, "-----BEGIN CERTIFICATE-----",
                                            "https://a.example.cn");
  g_autofree char *bad_url = reply_json ("SH-T-1", PEM, PEM, "file:///etc/passwd");
  g_autofree char *id65 = g_strnfill (65, 'A');
  const char *types = "{\"terminal_id\":1,\"certificate\":null,\"ca\":[],\"platform_url\":{}}";
  const char *missing = "{\"terminal_id\":\"SH-T-1\"}";

  long_id = reply_json (id65, PEM, PEM, "https://a.example.cn");
  assert_refused (bad_id, strlen (bad_id), "terminal_id");
  assert_refused (long_id, strlen (long_id), "terminal_id");
  assert_refused (not_pem, strlen (not_pem), "certificate");
  assert_refused (ca_not_pem, strlen (ca_not_pem), "ca");
  assert_refused (bad_url, strlen (bad_url), "platform_url");
  assert_refused (types, strlen (types), "terminal_id");
  assert_refused (missing, strlen (missing), "certificate");
}

static void
test_parse_refuses_malformed (void)
{
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *huge = g_strnfill (HB_PROVISION_REPLY_MAX + 1, ' ');
  const char nul[] = "{\"terminal_id\":\"A\0B\"}";

  assert_refused ("", 0, NULL);
  assert_refused ("[1,2]", 5, "not a JSON object");
  assert_refused ("{\"terminal_id\":", 15, "not a JSON object");
  assert_refused (deep, strlen (deep), NULL);
  assert_refused (huge, strlen (huge), "larger");
  assert_refused (nul, sizeof nul - 1, NULL);
  assert_refused ("\xff\xfe{}", 4, NULL);
}

static void
test_arguments_are_checked (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("provision");
  g_autofree char *conf = g_build_filename (dir, "kiosk.conf", NULL);
  struct { HbProvisionOptions o; const char *fragment; } cases[] = {
    { { .platform_url = "ftp://x.example.cn", .token = "t", .config_path = conf }, "--platform" },
    { { .platform_url = "http://127.0.0.1:1", .token = "", .config_path = conf }, "--token" },
    { { .platform_url = "http://127.0.0.1:1", .token = "two words", .config_path = conf }, "--token" },
    { { .platform_url = "http://127.0.0.1:1", .token = "t", .terminal_id = "a/b", .config_path = conf }, "--terminal-id" },
    { { .platform_url = "http://127.0.0.1:1", .token = "t", .config_path = "relative.conf" }, "absolute" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(HbProvisionResult) r = { 0 };
      g_autoptr(GError) error = NULL;
      g_assert_false (hb_provision_run (&cases[i].o, &r, &error));
      g_assert_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
      g_assert_null (r.terminal_id);
    }
  /* Plain http:// is for loopback only, as for the sync. */
  {
    HbProvisionOptions o = { .platform_url = "http://ywtb.example.cn", .token = "t",
                             .config_path = conf };
    g_auto(HbProvisionResult) r = { 0 };
    g_autoptr(GError) error = NULL;
    g_assert_false (hb_provision_run (&o, &r, &error));
    g_assert_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_ARGUMENT);
  }
  g_assert_false (g_file_test (conf, G_FILE_TEST_EXISTS));
  hb_test_rmdir (dir);
}

/* --- a platform that answers one canned reply ------------------------------------ */

typedef struct {
  GSocketListener *listener;
  guint16          port;
  char            *answer;     /* whole HTTP response */
  GThread         *thread;
  char            *request;    /* what arrived */
} Canned;

static gpointer
canned_serve (gpointer data)
{
  Canned *c = data;
  g_autoptr(GSocketConnection) conn = g_socket_listener_accept (c->listener, NULL, NULL, NULL);
  GString *req = g_string_new (NULL);
  char buf[4096];
  gssize n;
  gsize want = 0;

  if (conn == NULL)
    return NULL;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    {
      const char *end, *cl;
      g_string_append_len (req, buf, n);
      end = strstr (req->str, "\r\n\r\n");
      if (end == NULL)
        continue;
      cl = strcasestr (req->str, "content-length:");
      want = (gsize) (end - req->str) + 4 + (cl ? strtoul (cl + 15, NULL, 10) : 0);
      if (req->len >= want)
        break;
    }
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), c->answer,
                             strlen (c->answer), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  c->request = g_string_free (req, FALSE);
  return NULL;
}

static Canned *
canned_new (guint status, const char *body)
{
  Canned *c = g_new0 (Canned, 1);
  c->listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_assert_true (g_socket_listener_add_address (c->listener, addr, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL));
  c->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  c->answer = g_strdup_printf ("HTTP/1.1 %u X\r\nContent-Type: application/json\r\n"
                               "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                               status, strlen (body), body);
  c->thread = g_thread_new ("canned", canned_serve, c);
  return c;
}

static void
canned_free (Canned *c)
{
  if (c->thread)
    g_thread_join (c->thread);
  g_socket_listener_close (c->listener);
  g_object_unref (c->listener);
  g_free (c->answer);
  g_free (c->request);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Canned, canned_free)

/* A file's PEM as a JSON string body. */
static char *
json_pem (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (const char *p = text; *p; p++)
    if (*p == '\n')
      g_string_append (s, "\\n");
    else
      g_string_append_c (s, *p);
  return g_strdup (s->str);
}

typedef struct {
  HbTestPki *pki;
  char      *dir;
  char      *conf;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->pki = hb_test_pki_new (&error);
  g_assert_no_error (error);
  f->dir = hb_test_mkdtemp ("provision");
  f->conf = g_build_filename (f->dir, "kiosk.conf", NULL);
  g_assert_true (g_file_set_contents (f->conf, "# site notes\n[terminal]\nsite = 测试\n", -1, NULL));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->conf);
  hb_test_pki_free (f->pki);
}

/* The answer is refused, and nothing on disk changed: no TLS folder, the config as it was. */
static void
run_against (Fixture *f, guint status, const char *body, HbProvisionError code,
             const char *fragment)
{
  g_autoptr(Canned) c = canned_new (status, body);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", c->port);
  g_autofree char *tls = g_build_filename (f->dir, "tls", NULL);
  g_autofree char *before = NULL, *after = NULL;
  HbProvisionOptions o = { .platform_url = url, .token = "SECRET-TOKEN-123",
                           .config_path = f->conf, .timeout_ms = 10000 };
  g_auto(HbProvisionResult) r = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (f->conf, &before, NULL, NULL));
  g_assert_false (hb_provision_run (&o, &r, &error));
  g_assert_error (error, HB_PROVISION_ERROR, (gint) code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", error->message, fragment);
  g_assert_null (strstr (error->message, "SECRET-TOKEN-123"));
  g_assert_null (r.terminal_id);
  g_assert_false (g_file_test (tls, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (f->conf, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
}

static void
test_certificate_for_another_key (Fixture *f, gconstpointer data)
{
  g_autofree char *cert = json_pem (f->pki->client_cert);   /* CA A, but not our key */
  g_autofree char *ca = json_pem (f->pki->ca_cert);
  g_autofree char *body = reply_json ("SH-T-9", cert, ca, "http://127.0.0.1:1");
  run_against (f, 200, body, HB_PROVISION_ERROR_INVALID_REPLY, "not for the key");
}

static void
test_garbage_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *body = reply_json ("SH-T-9", PEM, PEM, "http://127.0.0.1:1");
  run_against (f, 200, body, HB_PROVISION_ERROR_INVALID_REPLY, "OpenSSL");
}

static void
test_status_codes (Fixture *f, gconstpointer data)
{
  run_against (f, 401, "{\"error\":\"invalid-token\"}", HB_PROVISION_ERROR_BAD_TOKEN, "401");
  run_against (f, 409, "{\"error\":\"token-used\"}", HB_PROVISION_ERROR_TOKEN_USED, "409");
  run_against (f, 503, "{\"error\":\"busy\"}", HB_PROVISION_ERROR_REJECTED, "HTTP 503: busy");
  run_against (f, 200, "{\"oops\":", HB_PROVISION_ERROR_INVALID_REPLY, "not a JSON object");
}

static void
test_request_carries_no_private_key (Fixture *f, gconstpointer data)
{
  g_autoptr(Canned) c = canned_new (401, "{}");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", c->port);
  HbProvisionOptions o = { .platform_url = url, .token = "T-1", .terminal_id = "SH-X-1",
                           .hostname = "kiosk-7", .config_path = f->conf, .timeout_ms = 10000 };
  g_auto(HbProvisionResult) r = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_provision_run (&o, &r, &error));
  g_thread_join (g_steal_pointer (&c->thread));
  g_assert_nonnull (strstr (c->request, "POST /v1/terminals/register "));
  g_assert_nonnull (strstr (c->request, "BEGIN CERTIFICATE REQUEST"));
  g_assert_nonnull (strstr (c->request, "\"hostname\":\"kiosk-7\""));
  g_assert_nonnull (strstr (c->request, "\"terminal_id\":\"SH-X-1\""));
  g_assert_null (strstr (c->request, "PRIVATE KEY"));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  g_test_add_func ("/kiosk/provision/reply/valid-answer-parses", test_parse_valid);
  g_test_add_func ("/kiosk/provision/reply/bad-members-are-refused", test_parse_refuses_bad_members);
  g_test_add_func ("/kiosk/provision/reply/malformed-json-is-refused", test_parse_refuses_malformed);
  g_test_add_func ("/kiosk/provision/arguments-are-checked-before-anything", test_arguments_are_checked);
  g_test_add ("/kiosk/provision/certificate-for-another-key-installs-nothing", Fixture, NULL,
              fixture_setup, test_certificate_for_another_key, fixture_teardown);
  g_test_add ("/kiosk/provision/unreadable-certificate-installs-nothing", Fixture, NULL,
              fixture_setup, test_garbage_certificate, fixture_teardown);
  g_test_add ("/kiosk/provision/refusals-name-the-reason-and-change-nothing", Fixture, NULL,
              fixture_setup, test_status_codes, fixture_teardown);
  g_test_add ("/kiosk/provision/request-sends-csr-never-the-key", Fixture, NULL,
              fixture_setup, test_request_carries_no_private_key, fixture_teardown);
  int rc = g_test_run ();
  curl_global_cleanup ();
  return rc;
}
