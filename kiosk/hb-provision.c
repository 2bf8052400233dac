/* hb-provision.c — key pair, CSR, registration, install, config, check. */
#include "kiosk/hb-provision.h"
#include "kiosk/hb-config.h"
#include "kiosk/hb-config-file.h"
#include "offline-cache/hb-http-private.h"
#include "common/hb-json.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (hb-provision-error-quark, hb_provision_error)

#define DEFAULT_TIMEOUT_MS 15000
#define KEYS_REPLY_MAX     (256 * 1024)
#define DEFAULT_KEY_OWNER  "haoban"

/* --- the answer ------------------------------------------------------------------ */

void
hb_provision_reply_clear (HbProvisionReply *reply)
{
  g_clear_pointer (&reply->terminal_id, g_free);
  g_clear_pointer (&reply->certificate, g_free);
  g_clear_pointer (&reply->ca, g_free);
  g_clear_pointer (&reply->platform_url, g_free);
}

static gboolean
terminal_id_ok (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > HB_PROVISION_ID_MAX)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '-' && *s != '_' && *s != '.')
      return FALSE;
  return TRUE;
}

static gboolean
url_ok (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n < 10 || n > HB_PROVISION_URL_MAX ||
      !(g_str_has_prefix (s, "http://") || g_str_has_prefix (s, "https://")))
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isgraph (*s))
      return FALSE;
  return TRUE;
}

/* Printable ASCII and line breaks only, with at least one whole certificate block. */
static gboolean
pem_ok (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  const char *begin, *end;
  if (n == 0 || n > HB_PROVISION_PEM_MAX)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isprint (*p) && *p != '\n' && *p != '\r')
      return FALSE;
  begin = strstr (s, "-----BEGIN CERTIFICATE-----");
  end = begin ? strstr (begin, "-----END CERTIFICATE-----") : NULL;
  return end != NULL;
}

/* A string member (not null, not another type), copied; NULL otherwise. */
static char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (n));
}

gboolean
hb_provision_parse_reply (const char *data, gsize length, HbProvisionReply *reply,
                          GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonObject) o = NULL;
  HbProvisionReply r = { NULL };

  memset (reply, 0, sizeof *reply);
  if (data == NULL || length > HB_PROVISION_REPLY_MAX)
    {
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_REPLY,
                   "the platform's answer is larger than %d bytes", HB_PROVISION_REPLY_MAX);
      return FALSE;
    }
  o = hb_json_parse_object (data, (gssize) length, HB_PROVISION_REPLY_MAX, 4, &local);
  if (o == NULL)
    {
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_REPLY,
                   "the platform's answer is not a JSON object: %s", local->message);
      return FALSE;
    }
  r.terminal_id = string_member (o, "terminal_id");
  r.certificate = string_member (o, "certificate");
  r.ca = string_member (o, "ca");
  r.platform_url = string_member (o, "platform_url");
  if (!terminal_id_ok (r.terminal_id) || !pem_ok (r.certificate) || !pem_ok (r.ca) ||
      !url_ok (r.platform_url))
    {
      const char *what = !terminal_id_ok (r.terminal_id) ? "terminal_id ([A-Za-z0-9._-], 1–64)"
                       : !pem_ok (r.certificate) ? "certificate (a PEM certificate)"
                       : !pem_ok (r.ca) ? "ca (PEM certificates)"
                       : "platform_url (an http:// or https:// URL)";
      hb_provision_reply_clear (&r);
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_REPLY,
                   "the platform's answer lacks a usable %s", what);
      return FALSE;
    }
  *reply = r;
  return TRUE;
}

/* --- key and CSR ----------------------------------------------------------------- */

/* PEM text of a BIO's contents. (transfer full; the caller wipes key material) */
static char *
bio_text (BIO *bio, gsize *length)
{
  char *data = NULL;
  long n = BIO_get_mem_data (bio, &data);
  if (n <= 0)
    return NULL;
  *length = (gsize) n;
  return g_strndup (data, (gsize) n);
}

/* EC P-256 key, its unencrypted PKCS#8 PEM (*key_pem) and a CSR (PEM) with CN = cn. */
static gboolean
make_key_and_csr (const char *cn, EVP_PKEY **key_out, char **key_pem, gsize *key_len,
                  char **csr_pem, GError **error)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509_REQ *req = X509_REQ_new ();
  X509_NAME *name = X509_NAME_new ();
  BIO *kb = BIO_new (BIO_s_secmem ()), *rb = BIO_new (BIO_s_mem ());
  gsize csr_len = 0;
  gboolean ok;

  ok = key && req && name && kb && rb && X509_REQ_set_version (req, 0) &&
       X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) cn, -1, -1, 0) &&
       X509_REQ_set_subject_name (req, name) && X509_REQ_set_pubkey (req, key) &&
       X509_REQ_sign (req, key, EVP_sha256 ()) > 0 &&
       PEM_write_bio_PrivateKey (kb, key, NULL, NULL, 0, NULL, NULL) == 1 &&
       PEM_write_bio_X509_REQ (rb, req) == 1;
  if (ok)
    {
      *key_pem = bio_text (kb, key_len);
      *csr_pem = bio_text (rb, &csr_len);
      ok = *key_pem != NULL && *csr_pem != NULL;
    }
  X509_NAME_free (name);
  X509_REQ_free (req);
  BIO_free (kb);   /* secure memory: cleared when freed */
  BIO_free (rb);
  if (!ok)
    {
      EVP_PKEY_free (key);
      g_set_error_literal (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_ARGUMENT,
                           "could not make a key pair and certificate request (OpenSSL)");
      return FALSE;
    }
  *key_out = key;
  return TRUE;
}

/* --- checking the answer against our key ----------------------------------------- */

static STACK_OF (X509) *
read_certs (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  STACK_OF (X509) *certs = sk_X509_new_null ();
  X509 *c;

  while (bio && certs && (c = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    sk_X509_push (certs, c);
  BIO_free (bio);
  if (certs && sk_X509_num (certs) == 0)
    {
      sk_X509_free (certs);
      return NULL;
    }
  return certs;
}

static char *
format_time (const ASN1_TIME *t)
{
  struct tm tm;
  char buf[64];
  if (ASN1_TIME_to_tm (t, &tm) != 1 || strftime (buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
    return g_strdup ("unknown");
  return g_strdup (buf);
}

/* The certificate is for our key and chains to the CA sent with it. */
static gboolean
check_certificate (const HbProvisionReply *reply, EVP_PKEY *key, char **not_after,
                   GError **error)
{
  STACK_OF (X509) *leaf = read_certs (reply->certificate);
  STACK_OF (X509) *cas = read_certs (reply->ca);
  X509_STORE *store = X509_STORE_new ();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new ();
  X509 *cert = leaf ? sk_X509_value (leaf, 0) : NULL;
  const char *problem = NULL;

  if (cert == NULL || cas == NULL || store == NULL || ctx == NULL)
    problem = "its certificate or CA is not PEM that OpenSSL can read";
  else if (X509_check_private_key (cert, key) != 1)
    problem = "the certificate is not for the key this terminal made";
  else
    {
      for (int i = 0; i < sk_X509_num (cas); i++)
        X509_STORE_add_cert (store, sk_X509_value (cas, i));
      if (X509_STORE_CTX_init (ctx, store, cert, NULL) != 1 ||
          X509_STORE_CTX_set_purpose (ctx, X509_PURPOSE_SSL_CLIENT) != 1 ||
          X509_verify_cert (ctx) != 1)
        problem = "the certificate does not chain to the CA sent with it, or is not for "
                  "client authentication";
    }
  if (problem == NULL)
    *not_after = format_time (X509_get0_notAfter (cert));
  X509_STORE_CTX_free (ctx);
  X509_STORE_free (store);
  sk_X509_pop_free (leaf, X509_free);
  sk_X509_pop_free (cas, X509_free);
  if (problem)
    {
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_REPLY,
                   "the platform's answer cannot be used: %s", problem);
      return FALSE;
    }
  return TRUE;
}

/* --- the exchange ---------------------------------------------------------------- */

static char *
register_body (const HbProvisionOptions *o, const char *csr, const char *hostname)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, o->token);
  json_builder_set_member_name (b, "csr");
  json_builder_add_string_value (b, csr);
  json_builder_set_member_name (b, "hostname");
  json_builder_add_string_value (b, hostname);
  if (o->terminal_id)
    {
      json_builder_set_member_name (b, "terminal_id");
      json_builder_add_string_value (b, o->terminal_id);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return hb_json_to_string (root);
}

static char *
endpoint (const char *base, const char *path)
{
  gsize n = strlen (base);
  while (n > 0 && base[n - 1] == '/')
    n--;
  return g_strdup_printf ("%.*s%s", (int) n, base, path);
}

/* The "error" code of a platform error body, for the message (codes are short words). */
static char *
error_code (const HbHttpReply *reply)
{
  g_autoptr(JsonObject) o = NULL;
  gboolean bad = FALSE;
  g_autofree char *code = NULL;
  if (reply->body == NULL)
    return NULL;
  o = hb_json_parse_object (reply->body, (gssize) reply->body_length, 64 * 1024, 8, NULL);
  code = o ? hb_json_dup_text_member (o, "error", 64, &bad) : NULL;
  if (code == NULL || bad)
    return NULL;
  for (char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return NULL;
  return g_steal_pointer (&code);
}

static gboolean
register_terminal (const HbProvisionOptions *o, const char *csr, const char *hostname,
                   HbProvisionReply *reply, GError **error)
{
  g_autofree char *url = endpoint (o->platform_url, "/v1/terminals/register");
  g_autofree char *body = register_body (o, csr, hostname);
  HbHttpTls tls = { .ca_file = o->bootstrap_ca };
  HbHttpRequest request = {
    .method = "POST", .url = url, .terminal_id = o->terminal_id,
    .body = body, .body_length = strlen (body), .max_reply = HB_PROVISION_REPLY_MAX,
    .connect_timeout_ms = MIN (o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS, 10000),
    .timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS, .tls = &tls,
  };
  HbHttpReply answer = { 0 };
  g_autoptr(GError) local = NULL;
  CURL *curl;
  gboolean ok;

  if (!hb_http_check_transport (o->platform_url, &tls, &local))
    {
      explicit_bzero (body, strlen (body));
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_ARGUMENT,
                   "%s", local->message);
      return FALSE;
    }
  curl = curl_easy_init ();
  ok = curl && hb_http_perform (curl, &request, &answer, &local);
  if (curl)
    curl_easy_cleanup (curl);
  explicit_bzero (body, strlen (body));   /* it holds the token */
  if (!ok)
    {
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_UNREACHABLE,
                   "the platform at %s could not be reached: %s", o->platform_url,
                   local ? local->message : "no HTTP client");
      return FALSE;
    }
  if (answer.status == 401 || answer.status == 409)
    {
      g_set_error_literal (error, HB_PROVISION_ERROR,
                           answer.status == 401 ? HB_PROVISION_ERROR_BAD_TOKEN
                                                : HB_PROVISION_ERROR_TOKEN_USED,
                           answer.status == 401
                             ? "the platform refused the token (401): check it, or ask for a new one"
                             : "the token was used already (409): ask the platform for a new one");
      hb_http_reply_clear (&answer);
      return FALSE;
    }
  if (answer.status != 200)
    {
      g_autofree char *code = error_code (&answer);
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_REJECTED,
                   "the platform refused the registration (HTTP %ld%s%s)", answer.status,
                   code ? ": " : "", code ? code : "");
      hb_http_reply_clear (&answer);
      return FALSE;
    }
  ok = hb_provision_parse_reply (answer.body, answer.body_length, reply, error);
  hb_http_reply_clear (&answer);
  return ok;
}

/* --- installing ------------------------------------------------------------------ */

static gboolean
write_file (const char *path, const char *data, gsize length, int mode, GError **error)
{
  g_autoptr(GError) local = NULL;
  if (g_file_set_contents_full (path, data, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT,
                                mode, &local))
    return TRUE;
  g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_NOT_WRITABLE,
               "cannot write %s: %s", path, local->message);
  return FALSE;
}

/* The kiosk runs as its own user: as root, hand it the key (nobody else may read it). */
static gboolean
give_key_to_owner (const char *path, const char *owner, GError **error)
{
  const char *name = owner ? owner : DEFAULT_KEY_OWNER;
  struct passwd *pw;

  if (geteuid () != 0)
    return TRUE;
  pw = getpwnam (name);
  if (pw == NULL)
    {
      if (owner == NULL)
        return TRUE;   /* no kiosk user on this machine (a development box) */
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_ARGUMENT,
                   "no user %s to give the key to", name);
      return FALSE;
    }
  if (chown (path, pw->pw_uid, pw->pw_gid) != 0)
    {
      int e = errno;
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_NOT_WRITABLE,
                   "cannot give %s to %s: %s", path, name, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

/* A probe that the folder takes files, before anything is replaced. */
static gboolean
ensure_writable_dir (const char *dir, GError **error)
{
  g_autofree char *probe = g_build_filename (dir, ".hb-provision-probe", NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0 ||
      !g_file_set_contents (probe, "", 0, NULL))
    {
      int e = errno;
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_NOT_WRITABLE,
                   "cannot write in %s: %s (run as root, or give --config a writable file)",
                   dir, g_strerror (e));
      return FALSE;
    }
  g_unlink (probe);
  return TRUE;
}

/* The config with the new identity: comments kept, checked like the kiosk will read it. */
static char *
updated_config (const char *path, const HbProvisionReply *reply, const HbProvisionResult *r,
                gsize *length, GError **error)
{
  const char *kv[] = {
    "terminal", "id", reply->terminal_id,
    "platform", "url", reply->platform_url,
    "platform", "ca_file", r->ca_path,
    "platform", "client_cert", r->cert_path,
    "platform", "client_key", r->key_path,
    NULL,
  };
  g_autoptr(GError) local = NULL;
  char *data = hb_config_file_update_data (path, kv, length, &local);

  if (data == NULL && local->domain == HB_CONFIG_ERROR)
    g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_NOT_WRITABLE,
                 "the updated %s would not load, so it was left as it was: %s", path,
                 local->message);
  else if (data == NULL)
    g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_NOT_WRITABLE,
                 "cannot read %s to update it: %s", path, local->message);
  return data;
}

static gboolean
write_config (const char *path, const char *data, gsize length, GError **error)
{
  g_autoptr(GError) local = NULL;
  if (hb_config_file_replace (path, data, length, &local))
    return TRUE;
  g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_NOT_WRITABLE,
               "cannot write %s: %s", path, local->message);
  return FALSE;
}

static gboolean
install (const HbProvisionOptions *o, const HbProvisionReply *reply, const char *key_pem,
         gsize key_len, HbProvisionResult *r, GError **error)
{
  g_autofree char *config_dir = g_path_get_dirname (o->config_path);
  g_autofree char *tls_dir = o->tls_dir ? g_strdup (o->tls_dir)
                                        : g_build_filename (config_dir, "tls", NULL);
  g_autofree char *config = NULL;
  gsize config_len = 0;

  if (!g_path_is_absolute (tls_dir))
    {
      g_autofree char *cwd = g_get_current_dir ();
      g_autofree char *abs = g_build_filename (cwd, tls_dir, NULL);
      g_free (tls_dir);
      tls_dir = g_steal_pointer (&abs);
    }
  r->cert_path = g_build_filename (tls_dir, "terminal.pem", NULL);
  r->key_path = g_build_filename (tls_dir, "terminal.key", NULL);
  r->ca_path = g_build_filename (tls_dir, "platform-ca.pem", NULL);

  /* Everything that can fail before a file is replaced fails first. */
  if (!ensure_writable_dir (tls_dir, error) || !ensure_writable_dir (config_dir, error) ||
      (config = updated_config (o->config_path, reply, r, &config_len, error)) == NULL)
    return FALSE;
  /* Key before certificate: libcurl reads both at each new connection, and a pair that
   * does not match for a moment only fails one attempt, which is retried. */
  if (!write_file (r->key_path, key_pem, key_len, 0600, error) ||
      !give_key_to_owner (r->key_path, o->key_owner, error) ||
      !write_file (r->cert_path, reply->certificate, strlen (reply->certificate), 0644, error) ||
      !write_file (r->ca_path, reply->ca, strlen (reply->ca), 0644, error) ||
      !write_config (o->config_path, config, config_len, error))
    return FALSE;
  return TRUE;
}

/* --- the check ------------------------------------------------------------------- */

/* The installed config as the kiosk will read it, then one GET /v1/keys with it. */
static gboolean
check_connection (const HbProvisionOptions *o, HbProvisionResult *r, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autofree char *data = NULL, *url = NULL;
  gsize len = 0;
  HbHttpTls tls = { 0 };
  HbHttpReply answer = { 0 };
  CURL *curl;
  gboolean ok;

  if (!g_file_get_contents (o->config_path, &data, &len, &local) ||
      !hb_config_merge_data (config, data, len, o->config_path, &local))
    {
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_CHECK_FAILED,
                   "installed, but %s does not load: %s", o->config_path, local->message);
      return FALSE;
    }
  tls.ca_file = hb_config_get_string (config, "platform", "ca_file");
  tls.client_cert = hb_config_get_string (config, "platform", "client_cert");
  tls.client_key = hb_config_get_string (config, "platform", "client_key");
  tls.pins = hb_config_get_string (config, "platform", "pin_sha256");
  g_autofree char *pins = hb_http_normalize_pins (tls.pins);
  tls.pins = pins;
  if (!hb_http_check_transport (hb_config_get_string (config, "platform", "url"), &tls, &local))
    {
      g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_CHECK_FAILED,
                   "installed, but the TLS settings do not work: %s", local->message);
      return FALSE;
    }
  url = endpoint (hb_config_get_string (config, "platform", "url"), "/v1/keys");
  HbHttpRequest request = {
    .method = "GET", .url = url,
    .terminal_id = hb_config_get_string (config, "terminal", "id"),
    .max_reply = KEYS_REPLY_MAX,
    .connect_timeout_ms = MIN (o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS, 10000),
    .timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS, .tls = &tls,
  };
  curl = curl_easy_init ();
  ok = curl && hb_http_perform (curl, &request, &answer, &local);
  if (curl)
    curl_easy_cleanup (curl);
  r->check_status = ok ? answer.status : 0;
  hb_http_reply_clear (&answer);
  if (!ok || r->check_status != 200)
    {
      if (ok)
        g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_CHECK_FAILED,
                     "installed, but the platform answered GET /v1/keys with HTTP %ld",
                     r->check_status);
      else
        g_set_error (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_CHECK_FAILED,
                     "installed, but the platform cannot be reached with the new identity: %s",
                     local ? local->message : "no HTTP client");
      return FALSE;
    }
  return TRUE;
}

/* --- the whole ------------------------------------------------------------------- */

void
hb_provision_result_clear (HbProvisionResult *result)
{
  g_clear_pointer (&result->terminal_id, g_free);
  g_clear_pointer (&result->platform_url, g_free);
  g_clear_pointer (&result->cert_path, g_free);
  g_clear_pointer (&result->key_path, g_free);
  g_clear_pointer (&result->ca_path, g_free);
  g_clear_pointer (&result->not_after, g_free);
}

static gboolean
options_ok (const HbProvisionOptions *o, GError **error)
{
  const char *bad = NULL;
  gsize token_len = o->token ? strlen (o->token) : 0;

  if (!url_ok (o->platform_url))
    bad = "--platform must be an http:// or https:// URL";
  else if (token_len == 0 || token_len > HB_PROVISION_TOKEN_MAX)
    bad = "--token must be 1 to 128 printable characters";
  else if (o->terminal_id && !terminal_id_ok (o->terminal_id))
    bad = "--terminal-id must be 1 to 64 of A-Z a-z 0-9 . _ -";
  else if (o->config_path == NULL || !g_path_is_absolute (o->config_path))
    bad = "the config file must be an absolute path";
  for (const char *p = o->token; bad == NULL && p && *p; p++)
    if (!g_ascii_isgraph (*p))
      bad = "--token must be 1 to 128 printable characters";
  if (bad)
    {
      g_set_error_literal (error, HB_PROVISION_ERROR, HB_PROVISION_ERROR_INVALID_ARGUMENT, bad);
      return FALSE;
    }
  return TRUE;
}

gboolean
hb_provision_run (const HbProvisionOptions *options, HbProvisionResult *result, GError **error)
{
  HbProvisionReply reply = { NULL };
  EVP_PKEY *key = NULL;
  g_autofree char *csr = NULL, *not_after = NULL;
  char *key_pem = NULL;
  gsize key_len = 0;
  const char *hostname;
  gboolean ok;

  memset (result, 0, sizeof *result);
  if (!options_ok (options, error))
    return FALSE;
  hostname = options->hostname ? options->hostname : g_get_host_name ();
  if (!make_key_and_csr (options->terminal_id ? options->terminal_id : hostname, &key,
                         &key_pem, &key_len, &csr, error))
    return FALSE;

  ok = register_terminal (options, csr, hostname, &reply, error) &&
       check_certificate (&reply, key, &not_after, error) &&
       install (options, &reply, key_pem, key_len, result, error);
  EVP_PKEY_free (key);
  explicit_bzero (key_pem, key_len);
  g_free (key_pem);
  if (ok)
    {
      result->terminal_id = g_strdup (reply.terminal_id);
      result->platform_url = g_strdup (reply.platform_url);
      result->not_after = g_steal_pointer (&not_after);
      ok = check_connection (options, result, error);
    }
  else if (result->cert_path)
    {
      /* Nothing installed: do not report paths that were not written. */
      hb_provision_result_clear (result);
    }
  hb_provision_reply_clear (&reply);
  return ok;
}
