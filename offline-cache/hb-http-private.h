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
} HbHttpRequest;

typedef struct {
  long   status;       /* HTTP status */
  char  *body;         /* NUL-terminated (wiped on clear: it may carry personal data) */
  gsize  body_length;
  char  *etag;         /* ETag of the reply, or NULL */
} HbHttpReply;

/* TRUE when an HTTP answer arrived (any status). FALSE + G_IO_ERROR on a transport failure:
 * _CANCELLED (aborted), _TIMED_OUT, _MESSAGE_TOO_LARGE, _CONNECTION_REFUSED,
 * _HOST_NOT_FOUND, _FAILED. The message never contains a body. */
gboolean hb_http_perform (CURL *curl, const HbHttpRequest *request, HbHttpReply *reply,
                          GError **error);
void     hb_http_reply_clear (HbHttpReply *reply);

G_END_DECLS
