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

static void
set_transport_error (GError **error, CURLcode rc, gboolean too_large, gsize limit)
{
  GIOErrorEnum code;

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

gboolean
hb_http_perform (CURL *curl, const HbHttpRequest *r, HbHttpReply *reply, GError **error)
{
  Exchange x = { .request = r };
  struct curl_slist *headers = NULL;
  g_autofree char *h_terminal = NULL, *h_key = NULL, *h_etag = NULL;
  CURLcode rc;
  long status = 0;

  g_return_val_if_fail (curl != NULL && r != NULL && reply != NULL, FALSE);
  memset (reply, 0, sizeof *reply);

  curl_easy_reset (curl);   /* keeps the connection cache */
  curl_easy_setopt (curl, CURLOPT_URL, r->url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) r->connect_timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) r->timeout_ms);
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) r->max_reply);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "haoban/" HB_VERSION);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &x);

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
  curl_slist_free_all (headers);

  if (rc != CURLE_OK)
    {
      set_transport_error (error, rc, x.too_large, r->max_reply);
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
