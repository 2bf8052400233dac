/* hb-test-pki.c — a throwaway PKI from the openssl CLI (package openssl). */
#include "tests/common/hb-test-pki.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <string.h>

/* Our own config, so the system's openssl.cnf (default extensions, policies) has no say. */
static const char openssl_cnf[] =
  "[req]\n"
  "distinguished_name = dn\n"
  "prompt = no\n"
  "[dn]\n"
  "CN = unused\n"
  "[ca_ext]\n"
  "basicConstraints = critical,CA:TRUE\n"
  "keyUsage = critical,keyCertSign,cRLSign\n"
  "subjectKeyIdentifier = hash\n"
  "[server_ext]\n"
  "basicConstraints = critical,CA:FALSE\n"
  "keyUsage = critical,digitalSignature\n"
  "extendedKeyUsage = serverAuth\n"
  "subjectAltName = IP:127.0.0.1,DNS:localhost,IP:::1\n"
  "subjectKeyIdentifier = hash\n"
  "authorityKeyIdentifier = keyid\n"
  "[client_ext]\n"
  "basicConstraints = critical,CA:FALSE\n"
  "keyUsage = critical,digitalSignature\n"
  "extendedKeyUsage = clientAuth\n"
  "subjectKeyIdentifier = hash\n"
  "authorityKeyIdentifier = keyid\n";

typedef struct {
  const char *dir;
  const char *cnf;
  guint       serial;
} Maker;

/* Runs "openssl ARGS…" in the PKI dir; its stderr becomes the error message. */
static gboolean
openssl (Maker *m, GError **error, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, (char *) "openssl");
  va_start (ap, error);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "OPENSSL_CONF", m->cnf, TRUE);
  envp = g_environ_setenv (envp, "RANDFILE", "/dev/null", TRUE);
  if (!g_spawn_sync (m->dir, (char **) argv->pdata, envp, G_SPAWN_SEARCH_PATH
                     | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "openssl %s failed: %s",
                   (char *) argv->pdata[1], err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_key (Maker *m, const char *key, GError **error)
{
  return openssl (m, error, "genpkey", "-algorithm", "EC", "-pkeyopt",
                  "ec_paramgen_curve:P-256", "-out", key, NULL);
}

static gboolean
make_ca (Maker *m, const char *name, const char *cert, const char *key, GError **error)
{
  g_autofree char *subj = g_strdup_printf ("/CN=%s", name);
  return make_key (m, key, error)
         && openssl (m, error, "req", "-config", m->cnf, "-new", "-x509", "-key", key,
                     "-subj", subj, "-days", "2", "-extensions", "ca_ext", "-out", cert, NULL);
}

/* A leaf certificate signed by the CA (ca_cert, ca_key), with extension section ext. */
static gboolean
make_leaf (Maker *m, const char *cn, const char *ext, const char *ca_cert, const char *ca_key,
           const char *cert, const char *key, GError **error)
{
  g_autofree char *subj = g_strdup_printf ("/CN=%s", cn);
  g_autofree char *csr = g_strconcat (cert, ".csr", NULL);
  g_autofree char *serial = g_strdup_printf ("%u", ++m->serial + 1000);
  return make_key (m, key, error)
         && openssl (m, error, "req", "-config", m->cnf, "-new", "-key", key, "-subj", subj,
                     "-out", csr, NULL)
         && openssl (m, error, "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
                     "-set_serial", serial, "-days", "2", "-extfile", m->cnf, "-extensions",
                     ext, "-out", cert, NULL);
}

/* "sha256//" + base64 (SHA-256 (DER SubjectPublicKeyInfo)), the form libcurl pins. */
static char *
make_pin (Maker *m, const char *key, GError **error)
{
  g_autofree char *der_path = g_strconcat (key, ".spki.der", NULL);
  g_autofree char *der = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest, der_len = 0;
  g_autofree char *b64 = NULL;

  if (!openssl (m, error, "pkey", "-in", key, "-pubout", "-outform", "DER", "-out", der_path,
                NULL))
    return NULL;
  if (!g_file_get_contents (der_path, &der, &der_len, error))
    return NULL;
  g_checksum_update (sum, (const guchar *) der, (gssize) der_len);
  g_checksum_get_digest (sum, digest, &digest_len);
  b64 = g_base64_encode (digest, digest_len);
  return g_strconcat ("sha256//", b64, NULL);
}

HbTestPki *
hb_test_pki_new (GError **error)
{
  g_autoptr(HbTestPki) pki = g_new0 (HbTestPki, 1);
  g_autofree char *cnf = NULL;
  g_autofree char *ca_key = NULL, *other_ca_key = NULL;
  Maker m = { 0 };

  pki->dir = hb_test_mkdtemp ("pki");
  cnf = g_build_filename (pki->dir, "openssl.cnf", NULL);
  if (!g_file_set_contents (cnf, openssl_cnf, -1, error))
    return NULL;
  m.dir = pki->dir;
  m.cnf = cnf;

#define PATH(name) g_build_filename (pki->dir, name, NULL)
  ca_key = PATH ("ca-a.key");
  other_ca_key = PATH ("ca-b.key");
  pki->ca_cert = PATH ("ca-a.pem");
  pki->server_cert = PATH ("server-a.pem");
  pki->server_key = PATH ("server-a.key");
  pki->client_cert = PATH ("client-a.pem");
  pki->client_key = PATH ("client-a.key");
  pki->other_ca_cert = PATH ("ca-b.pem");
  pki->other_server_cert = PATH ("server-b.pem");
  pki->other_server_key = PATH ("server-b.key");
  pki->other_client_cert = PATH ("client-b.pem");
  pki->other_client_key = PATH ("client-b.key");
#undef PATH

  if (!make_ca (&m, "Haoban Test Platform CA A", pki->ca_cert, ca_key, error)
      || !make_ca (&m, "Haoban Test Unrelated CA B", pki->other_ca_cert, other_ca_key, error)
      || !make_leaf (&m, "127.0.0.1", "server_ext", pki->ca_cert, ca_key, pki->server_cert,
                     pki->server_key, error)
      || !make_leaf (&m, "SH-XH-0001", "client_ext", pki->ca_cert, ca_key, pki->client_cert,
                     pki->client_key, error)
      || !make_leaf (&m, "127.0.0.1", "server_ext", pki->other_ca_cert, other_ca_key,
                     pki->other_server_cert, pki->other_server_key, error)
      || !make_leaf (&m, "SH-XH-0001", "client_ext", pki->other_ca_cert, other_ca_key,
                     pki->other_client_cert, pki->other_client_key, error))
    return NULL;
  if ((pki->server_pin = make_pin (&m, pki->server_key, error)) == NULL
      || (pki->other_server_pin = make_pin (&m, pki->other_server_key, error)) == NULL)
    return NULL;
  return g_steal_pointer (&pki);
}

void
hb_test_pki_free (HbTestPki *pki)
{
  if (pki == NULL)
    return;
  if (pki->dir)
    hb_test_rmdir (pki->dir);
  g_free (pki->dir);
  g_free (pki->ca_cert);
  g_free (pki->server_cert);
  g_free (pki->server_key);
  g_free (pki->client_cert);
  g_free (pki->client_key);
  g_free (pki->other_ca_cert);
  g_free (pki->other_server_cert);
  g_free (pki->other_server_key);
  g_free (pki->other_client_cert);
  g_free (pki->other_client_key);
  g_free (pki->server_pin);
  g_free (pki->other_server_pin);
  g_free (pki);
}
