/* hb-sim-terminals.c — POST /v1/terminals/register and its /_sim/ helpers. */
#include "tools/platform-sim/hb-sim-terminals.h"

#include "tools/platform-sim/hb-sim-clock.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

#define TOKEN_MAX      128
#define HOSTNAME_MAX   253
#define ID_MAX         64
#define PEM_MAX        (16 * 1024)
#define TOKENS_FILE_MAX (1024 * 1024)
#define CERT_DAYS      365

/* The sim serves one platform per process: its records are the module's. */
static EVP_PKEY   *ca_key;
static X509       *ca_cert;
static GHashTable *tokens;         /* token → GINT_TO_POINTER (used) */
static GQueue      registrations = G_QUEUE_INIT;   /* JsonNode*, oldest first */
static guint       next_id = 1;

static gboolean
token_ok (const char *t)
{
  gsize n = t ? strlen (t) : 0;
  if (n == 0 || n > TOKEN_MAX)
    return FALSE;
  for (; *t; t++)
    if (!g_ascii_isgraph (*t))
      return FALSE;
  return TRUE;
}

static gboolean
id_ok (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > ID_MAX)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '-' && *s != '_' && *s != '.')
      return FALSE;
  return TRUE;
}

static gboolean
hostname_ok (const char *s)
{
  gsize n = s ? strlen (s) : 0;
  if (n == 0 || n > HOSTNAME_MAX)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '-' && *s != '.' && *s != '_')
      return FALSE;
  return TRUE;
}

static void
ensure_tokens (void)
{
  if (tokens == NULL)
    tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static gboolean
add_token (const char *t)
{
  ensure_tokens ();
  if (!token_ok (t) || g_hash_table_size (tokens) >= HB_SIM_TOKENS_MAX)
    return FALSE;
  if (!g_hash_table_contains (tokens, t))
    g_hash_table_insert (tokens, g_strdup (t), GINT_TO_POINTER (FALSE));
  return TRUE;
}

static gboolean
load_tokens (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;
  if (len > TOKENS_FILE_MAX || !g_utf8_validate (text, (gssize) len, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: not a token list (too large or not text)", path);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      char *t = g_strstrip (*l);
      if (*t == '\0' || *t == '#')
        continue;
      if (!add_token (t))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: a token must be 1 to %d printable characters (at most %u tokens)",
                       path, TOKEN_MAX, HB_SIM_TOKENS_MAX);
          return FALSE;
        }
    }
  return TRUE;
}

static EVP_PKEY *
key_from_pem (const char *pem, gssize len)
{
  BIO *bio = BIO_new_mem_buf (pem, (int) len);
  EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  return key;
}

static X509 *
cert_from_pem (const char *pem, gssize len)
{
  BIO *bio = BIO_new_mem_buf (pem, (int) len);
  X509 *cert = bio ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  return cert;
}

/* Takes cert and key (PEM text) as the CA; FALSE (nothing changed) when they do not fit. */
static gboolean
set_ca (const char *cert_pem, gssize cert_len, const char *key_pem, gssize key_len,
        GError **error)
{
  X509 *cert = cert_from_pem (cert_pem, cert_len);
  EVP_PKEY *key = key_from_pem (key_pem, key_len);

  if (cert == NULL || key == NULL || X509_check_private_key (cert, key) != 1 ||
      X509_check_ca (cert) == 0)
    {
      X509_free (cert);
      EVP_PKEY_free (key);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "the terminal CA must be a PEM CA certificate and its unencrypted key");
      return FALSE;
    }
  X509_free (ca_cert);
  EVP_PKEY_free (ca_key);
  ca_cert = cert;
  ca_key = key;
  return TRUE;
}

gboolean
hb_sim_terminals_configure (const char *cert_path, const char *key_path,
                            const char *tokens_file, GError **error)
{
  if ((cert_path == NULL) != (key_path == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "--terminal-ca-cert and --terminal-ca-key go together");
      return FALSE;
    }
  if (cert_path)
    {
      g_autofree char *cert = NULL, *key = NULL;
      gsize cert_len = 0, key_len = 0;
      if (!g_file_get_contents (cert_path, &cert, &cert_len, error) ||
          !g_file_get_contents (key_path, &key, &key_len, error))
        return FALSE;
      if (cert_len > PEM_MAX || key_len > PEM_MAX ||
          !set_ca (cert, (gssize) cert_len, key, (gssize) key_len, error))
        {
          g_clear_error (error);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s / %s: not a PEM CA certificate and its unencrypted key",
                       cert_path, key_path);
          explicit_bzero (key, key_len);
          return FALSE;
        }
      explicit_bzero (key, key_len);
    }
  if (tokens_file)
    return load_tokens (tokens_file, error);
  return TRUE;
}

static gboolean
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;
  gboolean ok;

  X509V3_set_ctx (&ctx, issuer, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  ok = ext != NULL && X509_add_ext (cert, ext, -1) == 1;
  X509_EXTENSION_free (ext);
  return ok;
}

static gboolean
set_serial (X509 *cert)
{
  guint8 bytes[16];
  BIGNUM *bn;
  gboolean ok;

  if (RAND_bytes (bytes, sizeof bytes) != 1)
    return FALSE;
  bytes[0] &= 0x7f;   /* positive */
  bn = BN_bin2bn (bytes, sizeof bytes, NULL);
  ok = bn && BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert)) != NULL;
  BN_free (bn);
  return ok;
}

/* A self-signed CA made at the first registration when none was configured. */
static gboolean
ensure_ca (void)
{
  EVP_PKEY *key;
  X509 *cert;
  X509_NAME *name;
  gboolean ok;

  if (ca_cert)
    return TRUE;
  key = EVP_EC_gen ("P-256");
  cert = X509_new ();
  name = X509_NAME_new ();
  ok = key && cert && name && X509_set_version (cert, 2) && set_serial (cert) &&
       X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                   (const guchar *) "haoban-platform-sim terminal CA", -1, -1, 0) &&
       X509_set_subject_name (cert, name) && X509_set_issuer_name (cert, name) &&
       X509_gmtime_adj (X509_getm_notBefore (cert), -3600) &&
       X509_gmtime_adj (X509_getm_notAfter (cert), 10L * 365 * 86400) &&
       X509_set_pubkey (cert, key) &&
       add_ext (cert, cert, NID_basic_constraints, "critical,CA:TRUE") &&
       add_ext (cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") &&
       add_ext (cert, cert, NID_subject_key_identifier, "hash") &&
       X509_sign (cert, key, EVP_sha256 ()) > 0;
  X509_NAME_free (name);
  if (!ok)
    {
      X509_free (cert);
      EVP_PKEY_free (key);
      return FALSE;
    }
  ca_cert = cert;
  ca_key = key;
  return TRUE;
}

static char *
cert_to_pem (X509 *cert)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL, *out = NULL;
  long n;

  if (bio && PEM_write_bio_X509 (bio, cert) == 1 && (n = BIO_get_mem_data (bio, &data)) > 0)
    out = g_strndup (data, (gsize) n);
  BIO_free (bio);
  return out;
}

/* The CSR's key if the CSR is well formed, self-signed by it, and EC P-256. */
static EVP_PKEY *
csr_key (const char *pem)
{
  BIO *bio;
  X509_REQ *req;
  EVP_PKEY *key = NULL;
  char group[32] = "";
  size_t glen = 0;

  if (pem == NULL || strlen (pem) > PEM_MAX)
    return NULL;
  bio = BIO_new_mem_buf (pem, -1);
  req = bio ? PEM_read_bio_X509_REQ (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  if (req == NULL)
    return NULL;
  key = X509_REQ_get_pubkey (req);
  if (key == NULL || X509_REQ_verify (req, key) != 1 || EVP_PKEY_base_id (key) != EVP_PKEY_EC ||
      EVP_PKEY_get_utf8_string_param (key, "group", group, sizeof group, &glen) != 1 ||
      !g_str_equal (group, "prime256v1"))
    g_clear_pointer (&key, EVP_PKEY_free);
  X509_REQ_free (req);
  return key;
}

/* The terminal's certificate: CN = its id, for client authentication, a year long. */
static X509 *
issue (EVP_PKEY *key, const char *terminal_id)
{
  X509 *cert = X509_new ();
  X509_NAME *name = X509_NAME_new ();
  gboolean ok = cert && name && X509_set_version (cert, 2) && set_serial (cert) &&
    X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) terminal_id,
                                -1, -1, 0) &&
    X509_set_subject_name (cert, name) &&
    X509_set_issuer_name (cert, X509_get_subject_name (ca_cert)) &&
    X509_gmtime_adj (X509_getm_notBefore (cert), -300) &&
    X509_gmtime_adj (X509_getm_notAfter (cert), (long) CERT_DAYS * 86400) &&
    X509_set_pubkey (cert, key) &&
    add_ext (cert, ca_cert, NID_basic_constraints, "critical,CA:FALSE") &&
    add_ext (cert, ca_cert, NID_key_usage, "critical,digitalSignature") &&
    add_ext (cert, ca_cert, NID_ext_key_usage, "clientAuth") &&
    X509_sign (cert, ca_key, EVP_sha256 ()) > 0;
  X509_NAME_free (name);
  if (!ok)
    {
      X509_free (cert);
      return NULL;
    }
  return cert;
}

/* "scheme://host:port" of this request: where the terminal reached the platform. */
static char *
base_url (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  int port = g_uri_get_port (uri);
  if (port > 0)
    return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), g_uri_get_host (uri), port);
  return g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), g_uri_get_host (uri));
}

static void
remember (const char *terminal_id, const char *hostname, X509 *cert)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get_serialNumber (cert), NULL);
  char *hex = bn ? BN_bn2hex (bn) : NULL;
  g_autoptr(GDateTime) dt = hb_sim_clock_now ();
  g_autofree char *now = hb_sim_clock_iso8601 (dt);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, terminal_id);
  json_builder_set_member_name (b, "hostname");
  json_builder_add_string_value (b, hostname);
  json_builder_set_member_name (b, "serial");
  json_builder_add_string_value (b, hex ? hex : "");
  json_builder_set_member_name (b, "registered_at");
  json_builder_add_string_value (b, now);
  json_builder_end_object (b);
  g_queue_push_tail (&registrations, json_builder_get_root (b));
  while (registrations.length > HB_SIM_TERMINALS_MAX)
    json_node_unref (g_queue_pop_head (&registrations));
  OPENSSL_free (hex);
  BN_free (bn);
}

void
hb_sim_terminals_handle (HbSimContext *ctx, HbSimRequest *req)
{
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  JsonObject *o;
  const char *token, *csr, *hostname, *wanted_id;
  g_autofree char *terminal_id = NULL, *cert_pem = NULL, *ca_pem = NULL, *url = NULL;
  EVP_PKEY *key;
  X509 *cert;
  gpointer used;

  (void) ctx;
  if (root == NULL)
    return;
  o = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  token = o ? hb_sim_json_get_string (o, "token") : NULL;
  csr = o ? hb_sim_json_get_string (o, "csr") : NULL;
  hostname = o ? hb_sim_json_get_string (o, "hostname") : NULL;
  wanted_id = o ? hb_sim_json_get_string (o, "terminal_id") : NULL;
  if (!token_ok (token) || csr == NULL || !hostname_ok (hostname) ||
      (o && json_object_has_member (o, "terminal_id") && !id_ok (wanted_id)))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-registration",
                          "the body must be {\"token\", \"csr\" (PEM), \"hostname\", "
                          "\"terminal_id\"?} with a terminal_id of [A-Za-z0-9._-]{1,64}");
      return;
    }
  ensure_tokens ();
  if (g_hash_table_size (tokens) == 0)
    add_token (HB_SIM_DEMO_TOKEN);
  if (!g_hash_table_lookup_extended (tokens, token, NULL, &used))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_UNAUTHORIZED, "invalid-token",
                          "the enrolment token is not known to the platform");
      return;
    }
  if (GPOINTER_TO_INT (used))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_CONFLICT, "token-used",
                          "the enrolment token was used already; ask for a new one");
      return;
    }
  if ((key = csr_key (csr)) == NULL)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-csr",
                          "csr must be a PEM certificate request, signed, for an EC P-256 key");
      return;
    }
  terminal_id = wanted_id ? g_strdup (wanted_id) : g_strdup_printf ("SH-T-%04u", next_id++);
  cert = ensure_ca () ? issue (key, terminal_id) : NULL;
  EVP_PKEY_free (key);
  if (cert == NULL)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "ca-failed",
                          "the platform could not sign the certificate");
      return;
    }
  g_hash_table_insert (tokens, g_strdup (token), GINT_TO_POINTER (TRUE));
  remember (terminal_id, hostname, cert);
  cert_pem = cert_to_pem (cert);
  ca_pem = cert_to_pem (ca_cert);
  X509_free (cert);
  url = base_url (req->msg);
  hb_sim_note (req->msg, "registered");

  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, terminal_id);
  json_builder_set_member_name (b, "certificate");
  json_builder_add_string_value (b, cert_pem);
  json_builder_set_member_name (b, "ca");
  json_builder_add_string_value (b, ca_pem);
  json_builder_set_member_name (b, "platform_url");
  json_builder_add_string_value (b, url);
  json_builder_end_object (b);
  g_autoptr(JsonNode) reply = json_builder_get_root (b);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, reply);
}

gboolean
hb_sim_terminals_test_knows (const char *path)
{
  return g_str_equal (path, "/_sim/terminals") || g_str_equal (path, "/_sim/terminal-tokens") ||
         g_str_equal (path, "/_sim/terminal-ca");
}

void
hb_sim_terminals_forget (void)
{
  GHashTableIter it;
  gpointer k;

  g_queue_clear_full (&registrations, (GDestroyNotify) json_node_unref);
  if (tokens == NULL)
    return;
  g_hash_table_iter_init (&it, tokens);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_hash_table_iter_replace (&it, GINT_TO_POINTER (FALSE));
}

static void
list_registrations (HbSimRequest *req)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  for (GList *l = registrations.head; l; l = l->next)
    json_array_add_element (array, json_node_copy (l->data));
  json_node_take_array (root, array);
  hb_sim_reply_node (req->msg, SOUP_STATUS_OK, root);
}

static void
post_tokens (HbSimRequest *req)
{
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  JsonArray *list;

  if (root == NULL)
    return;
  list = JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "tokens")
         && JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "tokens"))
       ? json_object_get_array_member (json_node_get_object (root), "tokens") : NULL;
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING ||
          !add_token (json_node_get_string (n)))
        list = NULL;
    }
  if (list == NULL)
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-tokens",
                          "the body must be {\"tokens\": [\"…\"]} of printable tokens");
      return;
    }
  hb_sim_reply_text (req->msg, SOUP_STATUS_OK, "{}", -1);
}

static void
post_ca (HbSimRequest *req)
{
  g_autoptr(JsonNode) root = hb_sim_request_post_json (req);
  g_autoptr(GError) error = NULL;
  JsonObject *o;
  const char *cert, *key;

  if (root == NULL)
    return;
  o = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  cert = o ? hb_sim_json_get_string (o, "cert") : NULL;
  key = o ? hb_sim_json_get_string (o, "key") : NULL;
  if (cert == NULL || key == NULL || strlen (cert) > PEM_MAX || strlen (key) > PEM_MAX ||
      !set_ca (cert, -1, key, -1, &error))
    {
      hb_sim_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid-ca",
                          "the body must be {\"cert\", \"key\"}: a PEM CA and its key");
      return;
    }
  hb_sim_reply_text (req->msg, SOUP_STATUS_OK, "{}", -1);
}

void
hb_sim_terminals_test_handle (HbSimContext *ctx, HbSimRequest *req)
{
  (void) ctx;
  if (g_str_equal (req->path, "/_sim/terminals"))
    {
      if (g_str_equal (req->method, SOUP_METHOD_GET))
        list_registrations (req);
      else
        hb_sim_reply_method_not_allowed (req->msg, SOUP_METHOD_GET);
    }
  else if (g_str_equal (req->path, "/_sim/terminal-tokens"))
    post_tokens (req);
  else
    post_ca (req);
}
