/* hb-http-tls.c — what the terminal checks about its transport before the first exchange:
 * plain HTTP only on loopback, TLS files present and usable, pins well-formed
 * (docs/transport-security.md). Found at start, a mistake is one clear error for the
 * technician, instead of a TLS failure on every sync attempt. */
#include "offline-cache/hb-http-private.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>
#include <sys/stat.h>

/* A CA bundle, a certificate or a key file is never larger (the system bundle is ~200 KiB). */
#define TLS_FILE_MAX (1024 * 1024)
#define PIN_PREFIX   "sha256//"
#define PIN_B64_LEN  44            /* base64 of 32 bytes, with one '=' */

gboolean
hb_http_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (url == NULL)
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  /* libcurl answers "localhost" itself (loopback), never through DNS or /etc/hosts. */
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
check_url (const char *url, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "platform url is not a valid http(s) URL");
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "platform url must be https:// (or http:// to a loopback address)");
      return FALSE;
    }
  if (!hb_http_url_is_loopback (url))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "platform url %s: plain http:// is refused unless the platform is on "
                   "loopback (127.0.0.0/8, ::1, localhost); use https://", url);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pin_ok (const char *pin, gsize len)
{
  gsize n_pad = 0;

  if (len != strlen (PIN_PREFIX) + PIN_B64_LEN || strncmp (pin, PIN_PREFIX, strlen (PIN_PREFIX)) != 0)
    return FALSE;
  pin += strlen (PIN_PREFIX);
  for (gsize i = 0; i < PIN_B64_LEN; i++)
    {
      if (pin[i] == '=')
        n_pad++;
      else if (n_pad > 0 || !(g_ascii_isalnum (pin[i]) || pin[i] == '+' || pin[i] == '/'))
        return FALSE;
    }
  return n_pad == 1;
}

/* Pins are separated by ';' (libcurl's and GKeyFile's list separator); blanks around an
 * item and empty items (a trailing ';') are ignored. */
static gboolean
check_pins (const char *pins, GError **error)
{
  g_auto(GStrv) items = g_strsplit (pins, ";", -1);
  guint n = 0;

  for (char **p = items; *p; p++)
    {
      char *item = g_strstrip (*p);
      if (*item == '\0')
        continue;
      if (!pin_ok (item, strlen (item)))
        {
          /* A pin is public (a key hash), but it may be long garbage: do not echo it. */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "public key pin %u is not \"sha256//\" followed by the base64 of a "
                       "SHA-256 digest (44 characters)", n + 1);
          return FALSE;
        }
      if (++n > HB_HTTP_MAX_PINS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "more than %d public key pins", HB_HTTP_MAX_PINS);
          return FALSE;
        }
    }
  return TRUE;
}

char *
hb_http_normalize_pins (const char *pins)
{
  g_auto(GStrv) items = NULL;
  GString *out;

  if (pins == NULL)
    return NULL;
  items = g_strsplit (pins, ";", -1);
  out = g_string_new (NULL);
  for (char **p = items; *p; p++)
    {
      char *item = g_strstrip (*p);
      if (*item == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ';');
      g_string_append (out, item);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The whole file, bounded. what names it in errors ("CA file", "client key"). */
static char *
read_tls_file (const char *what, const char *path, gsize *length, GError **error)
{
  g_autoptr(GError) local = NULL;
  struct stat st;
  char *data = NULL;

  if (stat (path, &st) != 0)
    {
      int e = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s %s: %s", what, path,
                   g_strerror (e));
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || st.st_size > TLS_FILE_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s %s: not a regular file of at most %d bytes", what, path, TLS_FILE_MAX);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, length, &local))
    {
      g_set_error (error, G_IO_ERROR,
                   local->domain == G_FILE_ERROR && local->code == G_FILE_ERROR_ACCES
                   ? G_IO_ERROR_PERMISSION_DENIED : G_IO_ERROR_FAILED,
                   "%s %s: cannot be read", what, path);
      return NULL;
    }
  return data;
}

static void
wipe_free (char *data, gsize length)
{
  if (data)
    explicit_bzero (data, length);
  g_free (data);
}

static int
no_passphrase (char *buf, int size, int rwflag, void *user)
{
  return -1;   /* an encrypted key is refused, never prompted for */
}

static gboolean
check_ca_file (const char *path, GError **error)
{
  gsize length = 0;
  g_autofree char *pem = read_tls_file ("CA file", path, &length, error);
  BIO *bio;
  X509 *cert;
  guint n = 0;

  if (pem == NULL)
    return FALSE;
  bio = BIO_new_mem_buf (pem, (int) length);
  while ((cert = PEM_read_bio_X509 (bio, NULL, no_passphrase, NULL)) != NULL)
    {
      n++;
      X509_free (cert);
    }
  BIO_free (bio);
  ERR_clear_error ();
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "CA file %s holds no PEM certificate", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_client_pair (const char *cert_path, const char *key_path, GError **error)
{
  gsize cert_len = 0, key_len = 0;
  g_autofree char *cert_pem = NULL;
  char *key_pem = NULL;
  X509 *cert = NULL;
  EVP_PKEY *key = NULL;
  BIO *bio;
  gboolean ok = FALSE;
  struct stat st;

  if ((cert_path == NULL) != (key_path == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "mutual TLS needs both a client certificate and its key");
      return FALSE;
    }
  if (cert_path == NULL)
    return TRUE;

  cert_pem = read_tls_file ("client certificate", cert_path, &cert_len, error);
  if (cert_pem == NULL)
    return FALSE;
  key_pem = read_tls_file ("client key", key_path, &key_len, error);
  if (key_pem == NULL)
    return FALSE;

  bio = BIO_new_mem_buf (cert_pem, (int) cert_len);
  cert = PEM_read_bio_X509 (bio, NULL, no_passphrase, NULL);
  BIO_free (bio);
  bio = BIO_new_mem_buf (key_pem, (int) key_len);
  key = PEM_read_bio_PrivateKey (bio, NULL, no_passphrase, NULL);
  BIO_free (bio);
  ERR_clear_error ();

  if (cert == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "client certificate %s holds no PEM certificate", cert_path);
  else if (key == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "client key %s is not an unencrypted PEM private key", key_path);
  else if (X509_check_private_key (cert, key) != 1)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "client key %s does not belong to the certificate %s", key_path, cert_path);
  else
    ok = TRUE;
  ERR_clear_error ();

  /* Anyone who can read the key can pose as this terminal. */
  if (ok && stat (key_path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    g_message ("http: client key %s is readable by other users (mode %03o); it should be 0600",
               key_path, (unsigned) (st.st_mode & 0777));

  X509_free (cert);
  EVP_PKEY_free (key);
  wipe_free (key_pem, key_len);
  return ok;
}

gboolean
hb_http_check_transport (const char *url, const HbHttpTls *tls, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_url (url, error))
    return FALSE;
  if (tls == NULL)
    return TRUE;
  if (tls->ca_file != NULL && !check_ca_file (tls->ca_file, error))
    return FALSE;
  if (tls->pins != NULL && !check_pins (tls->pins, error))
    return FALSE;
  return check_client_pair (tls->client_cert, tls->client_key, error);
}
