/* hb-sim-platform.c — the HTTP side of haoban-platform-sim. */
#include "tools/platform-sim/hb-sim-platform.h"

#include "tools/platform-sim/hb-sim-api.h"
#include "tools/platform-sim/hb-sim-catalog.h"
#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-fault-writer.h"
#include "tools/platform-sim/hb-sim-http.h"
#include "tools/platform-sim/hb-sim-test-api.h"

#include <libsoup/soup.h>
#include <string.h>

/* The request body as it arrives, collected by us rather than by libsoup so that its
 * size stays bounded even for chunked uploads without a Content-Length. */
typedef struct {
  GByteArray *data;
  gsize       limit;
  gboolean    oversize;
} BodyBuffer;

static GQuark
body_buffer_quark (void)
{
  return g_quark_from_static_string ("hb-sim-body");
}

/* A /v1 request held back by a delay_ms fault (the message is paused meanwhile). */
typedef struct {
  HbSimPlatform  *server;
  HbSimRequest *req;
  HbSimEndpoint endpoint;
  HbSimFaultPlan faults;
  guint         source;
} Delayed;

struct _HbSimPlatform
{
  GObject       parent_instance;
  SoupServer   *soup;
  HbSimContext  ctx;
  GHashTable   *delayed;   /* Delayed* set, owns */
  HbSimFaultWriters *writers;   /* answers being trickled */
  guint16       port;
  SoupServer   *second;        /* H10: the wrong-CA listener (same handlers), or NULL */
  guint16       second_port;
  gboolean      tls;           /* the main listener speaks HTTPS */
};

G_DEFINE_FINAL_TYPE (HbSimPlatform, hb_sim_platform, G_TYPE_OBJECT)

static GQuark
answered_quark (void)
{
  return g_quark_from_static_string ("hb-sim-answered");
}

/* Remembers the status we answered with, to tell our 500s from libsoup's (below). */
static void
mark_answered (SoupServerMessage *msg)
{
  g_object_set_qdata (G_OBJECT (msg), answered_quark (),
                      GUINT_TO_POINTER (soup_server_message_get_status (msg)));
}

static void
body_buffer_free (gpointer data)
{
  BodyBuffer *buf = data;
  if (buf->data->len > 0)
    explicit_bzero (buf->data->data, buf->data->len);
  g_byte_array_unref (buf->data);
  g_free (buf);
}

static void
delayed_free (gpointer data)
{
  Delayed *d = data;
  g_clear_handle_id (&d->source, g_source_remove);
  hb_sim_request_free (d->req);
  g_free (d);
}

/* --- logging ---------------------------------------------------------------------- */

/* Paths are logged only when they are ours: an unknown path might carry anything. */
static const char *
log_path (SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  if (hb_sim_api_route (path) != HB_SIM_EP_UNKNOWN || hb_sim_test_api_knows (path))
    return path;
  return "(unknown path)";
}

/* One line per request: method, path, status, idempotency key, notes — never the body. */
static void
log_request (SoupServerMessage *msg, const char *outcome)
{
  const char *key = NULL;
  const char *key_text;
  switch (hb_sim_request_key (msg, &key))
    {
    case HB_SIM_KEY_OK:      key_text = key; break;
    case HB_SIM_KEY_INVALID: key_text = "(invalid)"; break;
    case HB_SIM_KEY_MISSING:
    default:                 key_text = "-"; break;
    }
  g_autofree char *status = outcome ? g_strdup (outcome)
                                    : g_strdup_printf ("%u", soup_server_message_get_status (msg));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");
  const char *note = hb_sim_get_note (msg);
  g_printerr ("haoban-platform-sim: %s.%03d %s %s %s key=%s%s%s\n", stamp,
              g_date_time_get_microsecond (now) / 1000, soup_server_message_get_method (msg),
              log_path (msg), status, key_text, note ? " " : "", note ? note : "");
}

static void
on_request_finished (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  log_request (msg, NULL);
}

static void
on_request_aborted (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  /* libsoup reports every 500 answer as aborted, as it uses 500 for its own I/O errors
   * (a client that went away, for one): only a 500 we chose was really answered. */
  guint ours = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (msg), answered_quark ()));
  gboolean answered = ours == SOUP_STATUS_INTERNAL_SERVER_ERROR
                      && soup_server_message_get_status (msg) == ours;
  log_request (msg, answered ? NULL : "aborted");
}

/* --- request bodies --------------------------------------------------------------- */

/* A catalog published through /_sim/catalog may be as large as one served from a file;
 * every other body is small. */
static gsize
body_limit (const char *path)
{
  return g_strcmp0 (path, "/_sim/catalog") == 0 ? HB_SIM_CATALOG_MAX_SIZE : HB_SIM_MAX_BODY;
}

static void
reply_too_large (SoupServerMessage *msg, gsize limit)
{
  g_autofree char *text = g_strdup_printf ("request bodies here are limited to %" G_GSIZE_FORMAT
                                           " bytes", limit);
  /* Close afterwards: the rest of the body may still be on its way. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  hb_sim_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", text);
}

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  BodyBuffer *buf = g_object_get_qdata (G_OBJECT (msg), body_buffer_quark ());
  gsize n = 0;
  const guint8 *data = g_bytes_get_data (chunk, &n);
  if (buf == NULL || buf->oversize)
    return;
  if (n > buf->limit - buf->data->len)
    {
      buf->oversize = TRUE;
      if (buf->data->len > 0)
        explicit_bzero (buf->data->data, buf->data->len);
      g_byte_array_set_size (buf->data, 0);
      return;
    }
  g_byte_array_append (buf->data, data, (guint) n);
}

/* Runs after the request headers, before the body is read. */
static void
early_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) body_limit (path))
    {
      reply_too_large (msg, body_limit (path));   /* libsoup then skips the body */
      mark_answered (msg);
      return;
    }
  BodyBuffer *buf = g_new0 (BodyBuffer, 1);
  buf->data = g_byte_array_new ();
  buf->limit = body_limit (path);
  g_object_set_qdata_full (G_OBJECT (msg), body_buffer_quark (), buf, body_buffer_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), NULL);
}

/* --- /v1 with faults -------------------------------------------------------------- */

/* Answers a /v1 request under the faults that apply to it. FALSE when the connection
 * was dropped or taken over to send a broken answer (the message must not be touched
 * again). */
static gboolean
answer_v1 (HbSimPlatform *self, HbSimRequest *req, HbSimEndpoint endpoint, const HbSimFaultPlan *faults)
{
  if (faults->drop)
    {
      self->ctx.stats.faulted++;
      self->ctx.stats.dropped++;
      log_request (req->msg, "dropped");
      /* Taking the connection from libsoup and closing it leaves the client with an
       * empty reply (curl: "Empty reply from server"). */
      GIOStream *stream = soup_server_message_steal_connection (req->msg);
      if (stream)
        {
          g_io_stream_close (stream, NULL, NULL);
          g_object_unref (stream);
        }
      return FALSE;
    }
  if (faults->status)
    hb_sim_api_reply_fault (&self->ctx, req->msg, faults->status, faults->status_what);
  else
    hb_sim_api_handle (&self->ctx, req, endpoint, faults->fail_after_commit);
  /* Truncated, garbled or slow: whatever was answered (a commit included) is sent broken. */
  if (hb_sim_fault_writers_send (self->writers, req->msg, faults, &self->ctx.stats))
    {
      log_request (req->msg, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_delay_done (gpointer data)
{
  Delayed *d = data;
  d->source = 0;
  if (answer_v1 (d->server, d->req, d->endpoint, &d->faults))
    {
      mark_answered (d->req->msg);
      soup_server_message_unpause (d->req->msg);
    }
  g_hash_table_remove (d->server->delayed, d);
  return G_SOURCE_REMOVE;
}

static void
handle_v1 (HbSimPlatform *self, HbSimRequest *req)
{
  HbSimEndpoint endpoint = hb_sim_api_route (req->path);
  hb_sim_api_count (&self->ctx, endpoint);
  /* The fault set is fixed when the request arrives: clearing faults during a delay
   * does not change how a held request is answered. */
  HbSimFaultPlan faults = hb_sim_faults_take (&self->ctx.faults,
                                              hb_sim_api_commits (endpoint, req->method));
  self->ctx.stats.latency += faults.latency;
  if (faults.delay_ms == 0)
    {
      if (answer_v1 (self, req, endpoint, &faults))
        mark_answered (req->msg);
      hb_sim_request_free (req);
      return;
    }

  /* Pause rather than sleep, so other requests (and /_sim/) are served meanwhile. */
  Delayed *d = g_new0 (Delayed, 1);
  d->server = self;
  d->req = req;
  d->endpoint = endpoint;
  d->faults = faults;
  self->ctx.stats.delayed++;
  hb_sim_note (req->msg, "delayed");
  soup_server_message_pause (req->msg);
  d->source = g_timeout_add (faults.delay_ms, on_delay_done, d);
  g_hash_table_add (self->delayed, d);
}

static void
handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  HbSimPlatform *self = user_data;
  BodyBuffer *buf = g_object_get_qdata (G_OBJECT (msg), body_buffer_quark ());
  g_autoptr(GBytes) body = NULL;

  if (buf && buf->oversize)
    {
      reply_too_large (msg, buf->limit);
      mark_answered (msg);
      return;
    }
  if (buf)
    body = hb_sim_bytes_new_wiped (buf->data->data, buf->data->len);

  HbSimRequest *req = hb_sim_request_new (msg, path, body);
  if (g_str_has_prefix (path, "/_sim/"))
    {
      hb_sim_test_api_handle (&self->ctx, req);
      mark_answered (msg);
      hb_sim_request_free (req);
    }
  else if (g_str_equal (path, "/v1") || g_str_has_prefix (path, "/v1/"))
    handle_v1 (self, req);   /* takes req */
  else
    {
      hb_sim_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "no such endpoint");
      mark_answered (msg);
      hb_sim_request_free (req);
    }
}

/* --- object ----------------------------------------------------------------------- */

static void
hb_sim_platform_dispose (GObject *object)
{
  HbSimPlatform *self = HB_SIM_PLATFORM (object);
  /* Requests still held by a delay are never answered: their clients see the
   * connection close when the server goes. */
  g_clear_pointer (&self->delayed, g_hash_table_unref);
  g_clear_pointer (&self->writers, hb_sim_fault_writers_free);
  if (self->soup)
    {
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  if (self->second)
    {
      soup_server_disconnect (self->second);
      g_clear_object (&self->second);
    }
  G_OBJECT_CLASS (hb_sim_platform_parent_class)->dispose (object);
}

static void
hb_sim_platform_finalize (GObject *object)
{
  HbSimPlatform *self = HB_SIM_PLATFORM (object);
  hb_sim_context_clear (&self->ctx);
  G_OBJECT_CLASS (hb_sim_platform_parent_class)->finalize (object);
}

static void
hb_sim_platform_class_init (HbSimPlatformClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = hb_sim_platform_dispose;
  object_class->finalize = hb_sim_platform_finalize;
}

static void
hb_sim_platform_init (HbSimPlatform *self)
{
  self->delayed = g_hash_table_new_full (g_direct_hash, g_direct_equal, delayed_free, NULL);
  self->writers = hb_sim_fault_writers_new ();
}

/* A server answering with our handlers; every listener is one (they share self->ctx). */
static SoupServer *
new_soup (HbSimPlatform *self)
{
  SoupServer *soup = soup_server_new ("server-header", "haoban-platform-sim", NULL);
  soup_server_add_early_handler (soup, NULL, early_handler, NULL, NULL);
  soup_server_add_handler (soup, NULL, handler, self, NULL);
  g_signal_connect (soup, "request-finished", G_CALLBACK (on_request_finished), NULL);
  g_signal_connect (soup, "request-aborted", G_CALLBACK (on_request_aborted), NULL);
  return soup;
}

HbSimPlatform *
hb_sim_platform_new (HbSimCatalog *catalog, HbSimCodes *codes, HbSimStore *store,
                     HbSimKeys *keys)
{
  HbSimPlatform *self = g_object_new (HB_TYPE_SIM_PLATFORM, NULL);
  hb_sim_context_init (&self->ctx, catalog, codes, store, keys);
  self->soup = new_soup (self);
  return self;
}

/* A GIO TLS server accepts a client certificate only when someone says so, even one that
 * verified: we accept exactly those that verified against the client CA. */
static gboolean
on_accept_client_certificate (SoupServerMessage *msg, GTlsCertificate *cert,
                              GTlsCertificateFlags errors, gpointer user_data)
{
  if (errors != 0)
    hb_sim_note (msg, "client-cert-refused");
  return errors == 0;
}

/* Each connection's first message exists before its handshake (which runs at the first
 * read), so its accept-certificate signal is connected in time. */
static void
on_request_started_mtls (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_client_certificate), NULL);
}

/* With a client CA, a client without a certificate it issued is refused in the handshake,
 * before any request is read. */
static void
set_server_tls (SoupServer *soup, GTlsCertificate *cert, GTlsDatabase *client_ca)
{
  soup_server_set_tls_certificate (soup, cert);
  if (client_ca != NULL)
    {
      soup_server_set_tls_database (soup, client_ca);
      soup_server_set_tls_auth_mode (soup, G_TLS_AUTHENTICATION_REQUIRED);
      g_signal_connect (soup, "request-started", G_CALLBACK (on_request_started_mtls), NULL);
    }
}

/* Listens on 127.0.0.1:port (0: any free port); *actual is the port listened on. */
static gboolean
listen_loopback (SoupServer *soup, guint16 port, SoupServerListenOptions options,
                 guint16 *actual, GError **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (soup, address, options, error))
    return FALSE;

  GSList *uris = soup_server_get_uris (soup);
  *actual = uris ? (guint16) g_uri_get_port (uris->data) : port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

void
hb_sim_platform_set_tls (HbSimPlatform *self, GTlsCertificate *cert, GTlsDatabase *client_ca)
{
  g_return_if_fail (G_IS_TLS_CERTIFICATE (cert));
  set_server_tls (self->soup, cert, client_ca);
  self->tls = TRUE;
}

gboolean
hb_sim_platform_listen_second (HbSimPlatform *self, guint16 port, GTlsCertificate *cert,
                               GTlsDatabase *client_ca, GError **error)
{
  g_return_val_if_fail (self->second == NULL, FALSE);
  self->second = new_soup (self);
  set_server_tls (self->second, cert, client_ca);
  return listen_loopback (self->second, port, SOUP_SERVER_LISTEN_HTTPS, &self->second_port,
                          error);
}

guint16
hb_sim_platform_get_second_port (HbSimPlatform *self)
{
  return self->second_port;
}

gboolean
hb_sim_platform_get_tls (HbSimPlatform *self)
{
  return self->tls;
}

gboolean
hb_sim_platform_listen (HbSimPlatform *self, guint16 port, GError **error)
{
  return listen_loopback (self->soup, port, self->tls ? SOUP_SERVER_LISTEN_HTTPS : 0,
                          &self->port, error);
}

guint16
hb_sim_platform_get_port (HbSimPlatform *self)
{
  return self->port;
}
