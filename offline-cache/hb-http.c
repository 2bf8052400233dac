/* hb-http.c — one bounded HTTP exchange with the platform over libcurl. */
#include "offline-cache/hb-http-private.h"
#include "offline-cache/hb-platform-reply.h"

#include <string.h>

typedef struct {
  const HbHttpRequest *request;
  char                *data;
  gsize                length;
  gsize                capacity;
  gboolean             too_large;
  char                *etag;
  gboolean             cert_requested;   /* the server asked for a client certificate */
  gboolean             answered;         /* a response header arrived */
} Exchange;

/* Grows by copying and wiping the old buffer, so no stray copy of a reply (which may hold
 * personal data) is left in freed memory. */
static size_t
on_body (char *ptr, size_t size, size_t nmemb, void *user)
{
  Exchange *x = user;
  gsize n = size * nmemb;

  if (n > x->request->max_reply - x->length)
    {
      x->too_large = TRUE;
      return 0;   /* aborts the transfer with CURLE_WRITE_ERROR */
    }
  if (x->length + n + 1 > x->capacity)
    {
      gsize cap = MAX (x->capacity * 2, 4096);
      cap = MAX (cap, x->length + n + 1);
      cap = MIN (cap, x->request->max_reply + 1);
      char *grown = g_malloc (cap);
      if (x->data)
        {
          memcpy (grown, x->data, x->length);
          explicit_bzero (x->data, x->capacity);
          g_free (x->data);
        }
      x->data = grown;
      x->capacity = cap;
    }
  memcpy (x->data + x->length, ptr, n);
  x->length += n;
  x->data[x->length] = '\0';
  return n;
}

static size_t
on_header (char *buffer, size_t size, size_t nitems, void *user)
{
  Exchange *x = user;
  gsize n = size * nitems;
  char *etag;

  x->answered = TRUE;
  /* A status line starts a new response (e.g. after 100 Continue): forget older headers. */
  if (n >= 5 && g_ascii_strncasecmp (buffer, "HTTP/", 5) == 0)
    g_clear_pointer (&x->etag, g_free);
  else if ((etag = hb_platform_etag_from_header (buffer, n)) != NULL)
    {
      g_free (x->etag);
      x->etag = etag;
    }
  return n;
}

static int
on_progress (void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
             curl_off_t ulnow)
{
  Exchange *x = user;
  const HbHttpRequest *r = x->request;
  return r->should_abort && r->should_abort (r->abort_data) ? 1 : 0;
}

/* What staff read for a TLS failure (outbox last_error, logs). NULL: not a TLS failure.
 * The detail libcurl wrote (e.g. "SSL certificate problem: unable to get local issuer
 * certificate") names certificates and hosts, never request data. */
static const char *
tls_reason (CURLcode rc, const char *detail)
{
  switch (rc)
    {
    case CURLE_PEER_FAILED_VERIFICATION:
      /* libcurl checks the name itself and says so; everything else is the chain. */
      if (strstr (detail, "subject name") != NULL || strstr (detail, "host name") != NULL)
        return "certificate not issued for this host";
      return "certificate not trusted";
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return "public key pin mismatch";
    case CURLE_SSL_CONNECT_ERROR:        return "handshake failed";
    case CURLE_SSL_CLIENTCERT:           return "client certificate required or refused";
    case CURLE_SSL_CERTPROBLEM:          return "client certificate or key unusable";
    case CURLE_SSL_CACERT_BADFILE:       return "CA file unusable";
    case CURLE_SSL_CIPHER:               return "no cipher in common";
    case CURLE_SSL_ISSUER_ERROR:         return "issuer check failed";
    case CURLE_SSL_INVALIDCERTSTATUS:    return "certificate status invalid";
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:    return "crypto engine unusable";
    case CURLE_SSL_SHUTDOWN_FAILED:      return "shutdown failed";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      /* Under TLS 1.3 a server refuses a client certificate after the handshake; one that
       * sends an alert shows up here as a read error with the alert in the detail. */
      if (strstr (detail, "certificate required") != NULL)
        return "client certificate required or refused";
      if (strstr (detail, "alert") != NULL && strstr (detail, "SSL") != NULL)
        return "the platform ended the session (alert)";
      return NULL;
    default:
      return NULL;
    }
}

/* A GIO/GnuTLS server (and others) that refuses a client certificate under TLS 1.3 just
 * closes the connection after the handshake: libcurl sees a failed send or receive. When
 * the server had asked for a certificate and nothing was answered, that is the likely
 * reason, and the one staff must hear. NULL: not this case. */
static const char *
client_cert_reason (const Exchange *x, CURLcode rc)
{
  if (!x->cert_requested || x->answered)
    return NULL;
  /* Not CURLE_GOT_NOTHING: a server that read the request and then closed cleanly (a
   * dropped answer) had accepted the certificate; a refusing one leaves the request unread
   * and the close turns into a reset. */
  if (rc != CURLE_SEND_ERROR && rc != CURLE_RECV_ERROR
      && rc != CURLE_SSL_CONNECT_ERROR && rc != CURLE_SSL_CLIENTCERT)
    return NULL;
  const HbHttpTls *tls = x->request->tls;
  if (tls == NULL || tls->client_cert == NULL)
    return "the platform requires a client certificate (none configured)";
  return "client certificate not accepted by the platform (connection closed after the "
         "handshake)";
}

static void
set_transport_error (GError **error, CURLcode rc, gboolean too_large, gsize limit,
                     const char *detail, const Exchange *x)
{
  GIOErrorEnum code;
  const char *tls;

  if (too_large || rc == CURLE_FILESIZE_EXCEEDED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "platform reply is larger than %" G_GSIZE_FORMAT " bytes", limit);
      return;
    }
  if (rc == CURLE_ABORTED_BY_CALLBACK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "platform request cancelled");
      return;
    }
  if ((tls = client_cert_reason (x, rc)) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "tls: %s", tls);
      return;
    }
  if ((tls = tls_reason (rc, detail)) != NULL)
    {
      if (*detail != '\0')
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "tls: %s (%s)", tls, detail);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "tls: %s", tls);
      return;
    }
  switch (rc)
    {
    case CURLE_OPERATION_TIMEDOUT:  code = G_IO_ERROR_TIMED_OUT; break;
    case CURLE_COULDNT_CONNECT:     code = G_IO_ERROR_CONNECTION_REFUSED; break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: code = G_IO_ERROR_HOST_NOT_FOUND; break;
    default:                        code = G_IO_ERROR_FAILED; break;
    }
  g_set_error (error, G_IO_ERROR, code, "platform unreachable: %s", curl_easy_strerror (rc));
}

/* libcurl's trace of received TLS handshake messages (type byte, 3-byte length, body): a
 * CertificateRequest (13) means the platform wants a client certificate. Only handshake
 * messages are looked at; everything else (bodies included) is ignored, never kept. */
static int
on_debug (CURL *curl, curl_infotype type, char *data, size_t size, void *user)
{
  Exchange *x = user;
  const guchar *b = (const guchar *) data;

  if (type == CURLINFO_SSL_DATA_IN && size >= 4 && b[0] == 13
      && ((gsize) b[1] << 16 | (gsize) b[2] << 8 | b[3]) == size - 4)
    x->cert_requested = TRUE;
  return 0;
}

/* Every exchange verifies the platform: curl_easy_reset restores libcurl's defaults,
 * which verify too, but they are set again here so no default can ever weaken them. */
static void
set_tls_options (CURL *curl, const HbHttpTls *tls, char *errbuf)
{
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (curl, CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
  if (tls == NULL)
    return;
  if (tls->ca_file != NULL)
    {
      /* Only this bundle: no CA directory, so the system store is out of the picture. */
      curl_easy_setopt (curl, CURLOPT_CAINFO, tls->ca_file);
      curl_easy_setopt (curl, CURLOPT_CAPATH, NULL);
    }
  if (tls->pins != NULL)
    curl_easy_setopt (curl, CURLOPT_PINNEDPUBLICKEY, tls->pins);
  if (tls->client_cert != NULL && tls->client_key != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_SSLCERT, tls->client_cert);
      curl_easy_setopt (curl, CURLOPT_SSLCERTTYPE, "PEM");
      curl_easy_setopt (curl, CURLOPT_SSLKEY, tls->client_key);
      curl_easy_setopt (curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
}

gboolean
hb_http_perform (CURL *curl, const HbHttpRequest *r, HbHttpReply *reply, GError **error)
{
  char errbuf[CURL_ERROR_SIZE] = "";
  Exchange x = { .request = r };
  struct curl_slist *headers = NULL;
  g_autofree char *h_terminal = NULL, *h_key = NULL, *h_etag = NULL;
  CURLcode rc;
  long status = 0;

  g_return_val_if_fail (curl != NULL && r != NULL && reply != NULL, FALSE);
  memset (reply, 0, sizeof *reply);

  /* hb_http_check_transport refused such a URL at start; this keeps it true for any caller. */
  if (g_ascii_strncasecmp (r->url, "https://", 8) != 0 && !hb_http_url_is_loopback (r->url))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "plain http:// is refused unless the platform is on loopback");
      return FALSE;
    }

  curl_easy_reset (curl);   /* keeps the connection cache */
  curl_easy_setopt (curl, CURLOPT_URL, r->url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) r->connect_timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) r->timeout_ms);
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) r->max_reply);
  /* Every coding libcurl decodes (gzip, deflate, br, zstd as built): a catalog is text that
   * compresses ~10:1. max_reply still bounds the decoded bytes (on_body counts them), so
   * a compression bomb stops at the limit. */
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "haoban/" HB_VERSION);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &x);
  set_tls_options (curl, r->tls, errbuf);
  if (g_ascii_strncasecmp (r->url, "https://", 8) == 0)
    {
      /* The trace is how we learn the platform asked for a client certificate; with a
       * debug function of ours, nothing is printed. */
      curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, on_debug);
      curl_easy_setopt (curl, CURLOPT_DEBUGDATA, &x);
      curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
    }

  headers = curl_slist_append (headers, "Accept: application/json");
  headers = curl_slist_append (headers, "Expect:");   /* no 100-continue round trip */
  if (r->terminal_id)
    {
      h_terminal = g_strconcat ("X-Terminal-Id: ", r->terminal_id, NULL);
      headers = curl_slist_append (headers, h_terminal);
    }
  if (r->idempotency_key)
    {
      h_key = g_strconcat ("Idempotency-Key: ", r->idempotency_key, NULL);
      headers = curl_slist_append (headers, h_key);
    }
  if (r->if_none_match)
    {
      h_etag = g_strconcat ("If-None-Match: ", r->if_none_match, NULL);
      headers = curl_slist_append (headers, h_etag);
    }

  if (r->body != NULL)
    {
      headers = curl_slist_append (headers, "Content-Type: application/json");
      /* POSTFIELDS (not COPYPOSTFIELDS): libcurl reads our buffer, making no extra copy. */
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, r->body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) r->body_length);
      if (g_strcmp0 (r->method, "POST") != 0)
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, r->method);
    }
  else if (g_strcmp0 (r->method, "GET") == 0)
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  else
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, r->method);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);

  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, NULL);
  /* errbuf and x are on this stack: the handle must not reach them later (closing a cached
   * connection in curl_easy_cleanup traces too). */
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt (curl, CURLOPT_VERBOSE, 0L);
  curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, NULL);
  curl_easy_setopt (curl, CURLOPT_DEBUGDATA, NULL);
  curl_slist_free_all (headers);

  if (rc != CURLE_OK)
    {
      errbuf[CURL_ERROR_SIZE - 1] = '\0';
      set_transport_error (error, rc, x.too_large, r->max_reply, errbuf, &x);
      if (x.data)
        explicit_bzero (x.data, x.capacity);
      g_free (x.data);
      g_free (x.etag);
      return FALSE;
    }
  reply->status = status;
  reply->body = x.data ? x.data : g_strdup ("");
  reply->body_length = x.length;
  reply->etag = x.etag;
  return TRUE;
}

void
hb_http_reply_clear (HbHttpReply *reply)
{
  if (reply == NULL)
    return;
  if (reply->body)
    explicit_bzero (reply->body, reply->body_length);
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->etag, g_free);
  reply->body_length = 0;
  reply->status = 0;
}
