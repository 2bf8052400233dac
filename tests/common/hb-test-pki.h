/* hb-test-pki.h — a throwaway PKI made at test time with the openssl CLI (never committed
 * keys): two unrelated CAs, a server certificate from each for 127.0.0.1 / localhost / ::1,
 * and a client certificate from the first. Everything lives in a private temp dir that
 * hb_test_pki_free removes. EC P-256 keys, valid for two days from now. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *dir;
  /* CA "A", the platform's. */
  char *ca_cert;
  char *server_cert;         /* signed by A, serverAuth, SAN 127.0.0.1 localhost ::1 */
  char *server_key;
  char *client_cert;         /* signed by A, clientAuth (the terminal's) */
  char *client_key;
  /* CA "B", unrelated: what a wrong platform (or a man in the middle) would present. */
  char *other_ca_cert;
  char *other_server_cert;   /* signed by B, same names as server_cert */
  char *other_server_key;
  char *other_client_cert;   /* signed by B, clientAuth */
  char *other_client_key;
  /* "sha256//<base64>" of each server certificate's SubjectPublicKeyInfo. */
  char *server_pin;
  char *other_server_pin;
} HbTestPki;

HbTestPki *hb_test_pki_new  (GError **error);
void       hb_test_pki_free (HbTestPki *pki);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbTestPki, hb_test_pki_free)

G_END_DECLS
