/* hb-http-private.h — one bounded HTTP exchange with the platform over libcurl (private).
 *
 * Used by the sync thread and by hb_sync_request_async workers, each with its own easy
 * handle. Every request has a connect and a total timeout, a reply size limit (the
 * transfer is aborted past it) and an abort hook polled while the transfer runs. */
#pragma once

#include <curl/curl.h>
#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*HbHttpAbortFunc) (gpointer data);

/* TLS settings of an exchange (docs/transport-security.md). Peer and host verification are
 * always on and TLS is at least 1.2: nothing here can turn them off. */
typedef struct {
  const char *ca_file;       /* PEM bundle trusted for the platform; NULL: the system store */
  const char *pins;          /* "sha256//<base64>;sha256//<base64>…" (libcurl's form), or NULL */
  const char *client_cert;   /* PEM certificate for mutual TLS, or NULL */
  const char *client_key;    /* its unencrypted PEM key (with client_cert) */
} HbHttpTls;

/* At most this many pins (a current key and a few backups). */
#define HB_HTTP_MAX_PINS 8

typedef struct {
  const char     *method;            /* "GET", "POST", … */
  const char     *url;
  const char     *terminal_id;       /* X-Terminal-Id */
  const char     *idempotency_key;   /* Idempotency-Key, or NULL */
  const char     *if_none_match;     /* If-None-Match, or NULL */
  const char     *body;              /* JSON, or NULL */
  gsize           body_length;
  gsize           max_reply;         /* bytes */
  guint           connect_timeout_ms;
  guint           timeout_ms;
  HbHttpAbortFunc should_abort;      /* polled during the transfer; may be NULL */
  gpointer        abort_data;
  const HbHttpTls *tls;              /* NULL: system CA store, no pin, no client cert */
} HbHttpRequest;

typedef struct {
  long   status;       /* HTTP status */
  char  *body;         /* NUL-terminated (wiped on clear: it may carry personal data) */
  gsize  body_length;
  char  *etag;         /* ETag of the reply, or NULL */
} HbHttpReply;

/* TRUE when an HTTP answer arrived (any status). FALSE + G_IO_ERROR on a transport failure:
 * _CANCELLED (aborted), _TIMED_OUT, _MESSAGE_TOO_LARGE, _CONNECTION_REFUSED,
 * _HOST_NOT_FOUND, _FAILED. The message never contains a body. A TLS failure is _FAILED
 * with a message starting "tls: " ("tls: certificate not trusted", "tls: public key pin
 * mismatch", "tls: handshake failed", "tls: client certificate required or refused", …). */
gboolean hb_http_perform (CURL *curl, const HbHttpRequest *request, HbHttpReply *reply,
                          GError **error);
void     hb_http_reply_clear (HbHttpReply *reply);

/* Before the first exchange: the platform URL may be used (https://, or http:// only when
 * its host is a loopback address: 127.0.0.0/8, ::1, "localhost"), and the TLS settings
 * are usable — the CA file holds PEM certificates, the client certificate and key are
 * given together, read, match each other and the key is not encrypted, and each pin is
 * "sha256//" + the base64 of 32 bytes. G_IO_ERROR_INVALID_ARGUMENT (URL, pins, a lone
 * cert or key), _NOT_FOUND / _PERMISSION_DENIED (a file cannot be read) or
 * _INVALID_DATA (a file's content), each naming the rule or the file. */
gboolean hb_http_check_transport (const char *url, const HbHttpTls *tls, GError **error);

/* TRUE when url is http:// or https:// with a loopback host. */
gboolean hb_http_url_is_loopback (const char *url);

/* Pins in any of the accepted spellings ("sha256//A;sha256//B", with stray ';' or blanks)
 * as libcurl wants them; NULL (no pins) for NULL or an empty list. Never fails: check
 * first with hb_http_check_transport. */
char    *hb_http_normalize_pins (const char *pins);

G_END_DECLS
