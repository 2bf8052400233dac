/* hb-provision.h — register this terminal with the platform and install its identity
 * (docs/provisioning.md).
 *
 * hb_provision_run: makes an EC P-256 key and a CSR here (the key never leaves the
 * terminal), POSTs /v1/terminals/register {token, csr, hostname, terminal_id?}, checks the
 * answer {terminal_id, certificate, ca, platform_url} (the certificate is for our key and
 * chains to ca), installs terminal.pem, terminal.key (0600) and platform-ca.pem in the TLS
 * folder, writes [terminal] id and [platform] url/ca_file/client_cert/client_key into the
 * config file (comments kept, validated, atomic replace), then checks the connection once
 * (hb_http_check_transport and GET /v1/keys with the new identity). Running it again with a
 * new token replaces the key and certificate. Blocking: for haobanctl, not the UI.
 * The token is a secret: it is never logged or put in an error message. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_PROVISION_ERROR (hb_provision_error_quark ())
GQuark hb_provision_error_quark (void);
typedef enum {
  HB_PROVISION_ERROR_INVALID_ARGUMENT,  /* bad URL, token or terminal id given */
  HB_PROVISION_ERROR_BAD_TOKEN,         /* 401: the platform does not know the token */
  HB_PROVISION_ERROR_TOKEN_USED,        /* 409: the token was used already */
  HB_PROVISION_ERROR_UNREACHABLE,       /* no HTTP answer (network, TLS, timeout) */
  HB_PROVISION_ERROR_REJECTED,          /* any other HTTP status */
  HB_PROVISION_ERROR_INVALID_REPLY,     /* the answer does not parse or does not fit our key */
  HB_PROVISION_ERROR_NOT_WRITABLE,      /* a file or the config cannot be written */
  HB_PROVISION_ERROR_CHECK_FAILED,      /* installed, but the connection check failed */
} HbProvisionError;

/* Bounds on the answer of /v1/terminals/register. */
#define HB_PROVISION_REPLY_MAX   (64 * 1024)
#define HB_PROVISION_PEM_MAX     (24 * 1024)
#define HB_PROVISION_ID_MAX      64
#define HB_PROVISION_URL_MAX     512
#define HB_PROVISION_TOKEN_MAX   128

typedef struct {
  char *terminal_id;    /* [A-Za-z0-9._-]{1,64} */
  char *certificate;    /* PEM, one certificate */
  char *ca;             /* PEM, one or more certificates */
  char *platform_url;   /* http(s)://… */
} HbProvisionReply;

/* Parses and bounds-checks the answer (JSON, at most HB_PROVISION_REPLY_MAX bytes; PEM
 * members must hold BEGIN/END CERTIFICATE blocks). Does not look inside the PEM. */
gboolean hb_provision_parse_reply (const char *data, gsize length, HbProvisionReply *reply,
                                   GError **error);
void     hb_provision_reply_clear (HbProvisionReply *reply);

typedef struct {
  const char *platform_url;   /* where to register */
  const char *token;          /* the one-time enrolment token */
  const char *terminal_id;    /* wanted id, or NULL: the platform assigns one */
  const char *hostname;       /* NULL: this machine's */
  const char *config_path;    /* the config file to write (created if missing) */
  const char *tls_dir;        /* NULL: "tls" next to config_path */
  const char *bootstrap_ca;   /* PEM trusted for the registration itself; NULL: system CAs */
  const char *key_owner;      /* user that must read the key (chown when root); NULL: "haoban" if it exists */
  guint       timeout_ms;     /* per request; 0: 15000 */
} HbProvisionOptions;

typedef struct {
  char    *terminal_id;
  char    *platform_url;
  char    *cert_path, *key_path, *ca_path;
  char    *not_after;        /* the certificate's end of validity, "YYYY-MM-DD HH:MM:SS UTC" */
  long     check_status;     /* HTTP status of the check's GET /v1/keys */
} HbProvisionResult;

/* FALSE with HB_PROVISION_ERROR. With _CHECK_FAILED the identity is installed and
 * result is filled; with any other error nothing was changed (files are written only after
 * the answer was checked, the config last). */
gboolean hb_provision_run (const HbProvisionOptions *options, HbProvisionResult *result,
                           GError **error);
void     hb_provision_result_clear (HbProvisionResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HbProvisionResult, hb_provision_result_clear)

G_END_DECLS
