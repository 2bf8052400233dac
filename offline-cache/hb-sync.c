/* hb-sync.c — the sync thread: catalog pulls, outbox pushes, backoff; signals on the main
 * context. Talks to the platform only through docs/platform-api.md. */
#include "offline-cache/hb-sync.h"
#include "offline-cache/hb-assets-private.h"
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-catalog-delta-private.h"
#include "offline-cache/hb-heartbeat-private.h"
#include "offline-cache/hb-http-private.h"
#include "offline-cache/hb-keyring.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-platform-reply.h"
#include "offline-cache/hb-store-private.h"
#include "common/hb-context.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_CATALOG_INTERVAL_S 300
#define DEFAULT_RETRY_BASE_MS      1000
#define DEFAULT_RETRY_CAP_MS       300000
#define DEFAULT_CONNECT_TIMEOUT_MS 3000
#define DEFAULT_REQUEST_TIMEOUT_MS 10000
#define DEFAULT_HEARTBEAT_INTERVAL_S 60
#define REQUEST_BODY_MAX           (1024 * 1024)     /* docs/platform-api.md */
#define PURGE_INTERVAL_US          ((gint64) G_USEC_PER_SEC * 3600)

/* Exponential backoff state of one kind of exchange (catalog pulls, outbox pushes): kept
 * apart so a broken catalog endpoint cannot hold up deliveries, nor the other way round. */
typedef struct {
  gint64 until;      /* monotonic µs */
  guint  failures;   /* consecutive */
} Backoff;

/* Lets queued emissions find out whether their HbSync still exists: the sync thread and
 * request workers never hold a reference of their own, so an emission may outlive it. */
typedef struct {
  gatomicrefcount ref;
  GMutex          lock;
  HbSync         *owner;   /* NULL once disposed */
} Guard;

struct _HbSync
{
  GObject       parent_instance;

  /* Set in hb_sync_new, read-only afterwards (so any thread may read them). */
  char         *db_path;
  char         *key_path;
  char         *platform_url;
  char         *terminal_id;
  guint         catalog_interval_s;
  guint         retry_base_ms;
  guint         retry_cap_ms;
  guint         connect_timeout_ms;
  guint         request_timeout_ms;
  HbHttpTls     tls;          /* H10: its strings are owned (tls_* below) */
  char         *tls_ca_file;
  char         *tls_pins;
  char         *tls_client_cert;
  char         *tls_client_key;
  guint         heartbeat_interval_s;   /* H12: heartbeat, parking, assets */
  guint         park_after_failures;
  gint64        park_after_s;
  char         *assets_dir;
  GMainContext *context;
  Guard        *guard;
  HbKeyring    *keyring;      /* thread-safe itself */

  /* Under lock. */
  GMutex        lock;
  GCond         cond;
  GThread      *thread;
  gboolean      kicked;
  gboolean      catalog_requested;
  gboolean      stop_requested;
  gint64        last_contact;
  char         *heartbeat_status;   /* the kiosk's object as JSON text, or NULL */
  gboolean      heartbeat_requested;

  gint          stopping;     /* atomic; polled by libcurl's progress callback */
  gint          reachable;    /* atomic */

  /* The sync thread's own; created in start, destroyed after the join in stop. */
  HbStore      *store;
  HbCatalog    *catalog;
  HbOutbox     *outbox;
  CURL         *curl;
  gint64        next_catalog_at;   /* monotonic µs */
  Backoff       catalog_backoff;
  Backoff       push_backoff;
  gboolean      drain;             /* push everything pending now (kick, platform back) */
  gint64        next_purge_at;     /* monotonic µs */
  gint64        next_heartbeat_at; /* monotonic µs */
  gboolean      assets_due;        /* a catalog was applied (or start): fetch its assets */
  gint64        next_assets_at;    /* monotonic µs; retry of failed downloads */
};

G_DEFINE_TYPE (HbSync, hb_sync, G_TYPE_OBJECT)

enum { PROP_0, PROP_REACHABLE, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIG_DELIVERED, SIG_REJECTED, SIG_CATALOG_UPDATED, SIG_CATALOG_CHECKED, SIG_KEYS_UPDATED,
       SIG_PARKED, SIG_COMMAND, SIG_HEARTBEAT_SENT, SIG_ASSETS_SYNCED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- guard and emissions --------------------------------------------------------------- */

static Guard *
guard_ref (Guard *g)
{
  g_atomic_ref_count_inc (&g->ref);
  return g;
}

static void
guard_unref (Guard *g)
{
  if (g_atomic_ref_count_dec (&g->ref))
    {
      g_mutex_clear (&g->lock);
      g_free (g);
    }
}

typedef enum { EMIT_SIGNAL, EMIT_NOTIFY_REACHABLE } EmitKind;

typedef struct {
  Guard   *guard;
  EmitKind kind;
  guint    signal;
  char    *a;
  char    *b;
  guint    status;
  JsonObject *args;   /* SIG_COMMAND */
} Emission;

static void
emission_free (gpointer data)
{
  Emission *e = data;
  guard_unref (e->guard);
  g_free (e->a);
  g_free (e->b);
  if (e->args)
    json_object_unref (e->args);
  g_free (e);
}

static gboolean
emission_dispatch (gpointer data)
{
  Emission *e = data;
  HbSync *self = NULL;

  g_mutex_lock (&e->guard->lock);
  if (e->guard->owner != NULL)
    self = g_object_ref (e->guard->owner);
  g_mutex_unlock (&e->guard->lock);
  if (self == NULL)
    return G_SOURCE_REMOVE;

  if (e->kind == EMIT_NOTIFY_REACHABLE)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REACHABLE]);
  else if (e->signal == signals[SIG_CATALOG_CHECKED] || e->signal == signals[SIG_KEYS_UPDATED]
           || e->signal == signals[SIG_HEARTBEAT_SENT] || e->signal == signals[SIG_ASSETS_SYNCED])
    g_signal_emit (self, e->signal, 0, e->status);
  else if (e->signal == signals[SIG_COMMAND])
    g_signal_emit (self, e->signal, 0, e->a, e->b, e->args);
  else if (e->signal == signals[SIG_CATALOG_UPDATED])
    g_signal_emit (self, e->signal, 0, e->a);
  else
    g_signal_emit (self, e->signal, 0, e->a, e->b);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* Deferred to the creator's context (hb_context_post: never on this thread). */
static void
emit_on_main (HbSync *self, EmitKind kind, guint signal, const char *a, const char *b,
              guint status)
{
  Emission *e = g_new0 (Emission, 1);

  e->guard = guard_ref (self->guard);
  e->kind = kind;
  e->signal = signal;
  e->a = g_strdup (a);
  e->b = g_strdup (b);
  e->status = status;
  hb_context_post (self->context, "[haoban] sync emission", emission_dispatch, e,
                   emission_free);
}

/* Any thread. Success also records the time of contact. */
static void
set_reachable (HbSync *self, gboolean reachable)
{
  if (reachable)
    {
      g_mutex_lock (&self->lock);
      self->last_contact = g_get_real_time () / G_USEC_PER_SEC;
      g_mutex_unlock (&self->lock);
    }
  if (g_atomic_int_compare_and_exchange (&self->reachable, !reachable, reachable))
    {
      g_message ("sync: platform %s", reachable ? "reachable" : "unreachable");
      emit_on_main (self, EMIT_NOTIFY_REACHABLE, 0, NULL, NULL, 0);
    }
}

/* --- backoff --------------------------------------------------------------------------- */

/* min(cap, base · 2^attempts) × uniform jitter in [0.5, 1.5), in ms. */
static gint64
backoff_ms (HbSync *self, guint attempts)
{
  double d = (double) self->retry_base_ms * (double) (1u << MIN (attempts, 30u));
  d = MIN (d, (double) self->retry_cap_ms);
  return (gint64) (d * g_random_double_range (0.5, 1.5));
}

static gboolean
stopping (HbSync *self)
{
  return g_atomic_int_get (&self->stopping) != 0;
}

static gboolean
abort_if_stopping (gpointer data)
{
  return stopping (data);
}

/* An exchange failed: wait before the next one of its kind, longer each time. */
static void
note_failure (HbSync *self, Backoff *b, gboolean unreachable)
{
  gint64 delay = backoff_ms (self, b->failures);
  if (b->failures < G_MAXUINT)
    b->failures++;
  b->until = g_get_monotonic_time () + delay * 1000;
  g_debug ("sync: %s backing off %" G_GINT64_FORMAT " ms (failure %u)",
           b == &self->catalog_backoff ? "catalog" : "outbox", delay, b->failures);
  if (unreachable)
    set_reachable (self, FALSE);
}

static void
reset_backoff (Backoff *b)
{
  b->until = 0;
  b->failures = 0;
}

/* The platform answered. When it was unreachable until now, everything waits no longer:
 * both backoffs end and everything pending goes out at once. */
static void
note_answer (HbSync *self, Backoff *b)
{
  if (!g_atomic_int_get (&self->reachable))
    {
      reset_backoff (&self->catalog_backoff);
      reset_backoff (&self->push_backoff);
      self->drain = TRUE;
    }
  reset_backoff (b);
  set_reachable (self, TRUE);
}

static HbHttpRequest
base_request (HbSync *self, const char *method, const char *url, gsize max_reply)
{
  HbHttpRequest r = {
    .method = method,
    .url = url,
    .terminal_id = self->terminal_id,
    .max_reply = max_reply,
    .connect_timeout_ms = self->connect_timeout_ms,
    .timeout_ms = self->request_timeout_ms,
    .should_abort = abort_if_stopping,
    .abort_data = self,
    .tls = &self->tls,
  };
  return r;
}

/* --- catalog --------------------------------------------------------------------------- */

/* allow_delta: ask for a delta from the stored version (?since=); FALSE after a delta that
 * did not apply, so the fallback is one full pull. */
static void
pull_catalog_from (HbSync *self, gboolean allow_delta)
{
  g_autofree char *version_in_hand = allow_delta ? hb_catalog_dup_version (self->catalog) : NULL;
  g_autofree char *since = version_in_hand
    ? g_uri_escape_string (version_in_hand, NULL, FALSE) : NULL;
  g_autofree char *url = g_strconcat (self->platform_url, "/v1/catalog",
                                      since ? "?since=" : NULL, since, NULL);
  g_autofree char *etag = hb_catalog_dup_etag (self->catalog);
  g_autoptr(GError) error = NULL;
  HbHttpRequest req = base_request (self, "GET", url, HB_CATALOG_MAX_BYTES);
  HbHttpReply reply;
  gboolean fall_back = FALSE;

  req.if_none_match = hb_platform_etag_is_valid (etag) ? etag : NULL;
  if (!hb_http_perform (self->curl, &req, &reply, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("sync: GET /v1/catalog failed: %s", error->message);
          note_failure (self, &self->catalog_backoff,
                        !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE));
        }
      return;
    }

  g_debug ("sync: GET /v1/catalog -> %ld", reply.status);
  if (reply.status != 304 && hb_platform_status_is_transient (reply.status))
    {
      g_message ("sync: GET /v1/catalog answered %ld; will retry", reply.status);
      note_failure (self, &self->catalog_backoff, TRUE);
      hb_http_reply_clear (&reply);
      return;
    }

  note_answer (self, &self->catalog_backoff);
  self->next_catalog_at = g_get_monotonic_time ()
                          + (gint64) self->catalog_interval_s * G_USEC_PER_SEC;
  if (reply.status == 200)
    {
      gboolean was_delta = FALSE;
      if (hb_catalog_apply_reply (self->catalog, reply.body, reply.body_length, reply.etag,
                                  &was_delta, &error))
        {
          g_autofree char *version = hb_catalog_dup_version (self->catalog);
          g_message ("sync: catalog %s applied%s", version, was_delta ? " (delta)" : "");
          self->assets_due = TRUE;
          emit_on_main (self, EMIT_SIGNAL, signals[SIG_CATALOG_UPDATED], version, NULL, 0);
        }
      else if (was_delta)
        {
          /* Nothing changed; the full catalog settles it (one more request, at once). */
          g_message ("sync: catalog delta not applied (%s); pulling the full catalog",
                     error->message);
          fall_back = TRUE;
        }
      else
        /* The old catalog stays; the next pull is at the normal interval. */
        g_message ("sync: catalog from the platform rejected: %s", error->message);
      if (!fall_back)
        emit_on_main (self, EMIT_SIGNAL, signals[SIG_CATALOG_CHECKED], NULL, NULL, 200);
    }
  else if (reply.status == 304)
    emit_on_main (self, EMIT_SIGNAL, signals[SIG_CATALOG_CHECKED], NULL, NULL, 304);
  else
    g_message ("sync: GET /v1/catalog answered %ld", reply.status);
  hb_http_reply_clear (&reply);
  if (fall_back && !stopping (self))
    pull_catalog_from (self, FALSE);
}

static void
pull_catalog (HbSync *self)
{
  pull_catalog_from (self, TRUE);
}

/* --- keys ------------------------------------------------------------------------------ */

/* GET /v1/keys, in the catalog's cycle (only after the catalog pull got an answer, so an
 * unreachable platform costs one failed request per cycle, not two). A failure is logged
 * and retried with the next cycle; the keys in hand stay. */
static void
pull_keys (HbSync *self)
{
  g_autofree char *url = g_strconcat (self->platform_url, "/v1/keys", NULL);
  g_autoptr(GError) error = NULL;
  HbHttpRequest req = base_request (self, "GET", url, HB_KEYRING_MAX_BYTES);
  g_autoptr(HbKeyring) scratch = hb_keyring_new ();   /* validates before anything changes */
  HbHttpReply reply;

  if (!hb_http_perform (self->curl, &req, &reply, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("sync: GET /v1/keys failed: %s", error->message);
      return;
    }
  g_debug ("sync: GET /v1/keys -> %ld", reply.status);
  if (reply.status != 200)
    g_message ("sync: GET /v1/keys answered %ld; keeping the keys in hand", reply.status);
  else if (!hb_keyring_load_json (scratch, reply.body, reply.body_length, &error))
    g_message ("sync: keys from the platform rejected (keeping the previous): %s", error->message);
  else
    {
      guint n;
      /* Stored before it is used: whoever sees the new keys also finds them after a reboot. */
      if (!hb_store_set_keys_document (self->store, reply.body, reply.body_length, &error))
        {
          g_message ("sync: cannot keep the keys document: %s", error->message);
          g_clear_error (&error);
        }
      if (!hb_keyring_load_json (self->keyring, reply.body, reply.body_length, &error))
        g_warning ("sync: a validated keys document failed to load: %s", error->message);
      n = hb_keyring_get_n_keys (self->keyring);
      g_message ("sync: %u offline-code keys, %u revocations", n,
                 hb_keyring_get_n_revoked (self->keyring));
      emit_on_main (self, EMIT_SIGNAL, signals[SIG_KEYS_UPDATED], NULL, NULL, n);
    }
  hb_http_reply_clear (&reply);
}

/* Before the thread runs: the keys the terminal had when it last synced. */
static void
load_stored_keys (HbSync *self)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *doc = hb_store_dup_keys_document (self->store, &len);

  if (doc == NULL)
    return;
  if (!hb_keyring_load_json (self->keyring, doc, len, &error))
    g_message ("sync: the stored keys document is unusable: %s", error->message);
  else
    g_debug ("sync: %u offline-code keys from the store", hb_keyring_get_n_keys (self->keyring));
}

/* --- outbox ---------------------------------------------------------------------------- */

/* answered: the platform sent an HTTP answer (a failure it may keep giving for this item,
 * so it counts toward parking); a transport failure says nothing about the item. */
static void
retry_item (HbSync *self, HbOutboxItem *item, const char *why, gboolean unreachable,
            gboolean answered)
{
  g_autoptr(GError) error = NULL;
  gint64 delay = backoff_ms (self, item->attempts);
  gint64 next = (g_get_real_time () / 1000 + delay) / 1000;
  gboolean parked = FALSE;

  g_message ("sync: %s key %s not delivered (%s); attempt %u, next in %" G_GINT64_FORMAT " ms",
             item->path, item->key, why, item->attempts + 1, delay);
  if (!(answered
        ? hb_outbox_mark_failed (self->outbox, item->id, next, why, self->park_after_failures,
                                 self->park_after_s, &parked, &error)
        : hb_outbox_mark_retry (self->outbox, item->id, next, why, &error)))
    g_message ("sync: cannot record the retry of %s: %s", item->key, error->message);
  else if (parked)
    {
      g_message ("sync: %s key %s parked after %u failures (%s); staff can retry it",
                 item->path, item->key, item->failures + 1, why);
      emit_on_main (self, EMIT_SIGNAL, signals[SIG_PARKED], item->key, why, 0);
    }
  note_failure (self, &self->push_backoff, unreachable);
}

/* Pushes one item. FALSE: stop pushing for this round. */
static gboolean
push_item (HbSync *self, HbOutboxItem *item)
{
  g_autofree char *url = g_strconcat (self->platform_url, item->path, NULL);
  g_autoptr(GError) error = NULL;
  HbHttpRequest req = base_request (self, "POST", url, HB_PLATFORM_REPLY_MAX);
  HbPlatformReply parsed;
  HbHttpReply reply;
  gboolean go_on = TRUE;

  req.idempotency_key = item->key;
  req.body = item->body;
  req.body_length = strlen (item->body);
  if (!hb_http_perform (self->curl, &req, &reply, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return FALSE;   /* stopping: not an attempt */
      /* A TLS failure reads "tls: …" for staff; anything else is the network. */
      g_autofree char *why = g_str_has_prefix (error->message, "tls: ")
                             ? g_strdup (error->message)
                             : g_strdup_printf ("network: %s", error->message);
      retry_item (self, item, why,
                  !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE),
                  g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE));
      return FALSE;
    }

  g_debug ("sync: POST %s key %s -> %ld", item->path, item->key, reply.status);
  if ((reply.status >= 200 && reply.status < 300) || reply.status == 409)
    {
      if (!hb_platform_reply_parse (reply.body, reply.body_length, &parsed, &error))
        {
          /* Accepted, but we cannot read the result: ask again (the platform replays it). */
          g_autofree char *why = g_strdup_printf ("http %ld with an unreadable reply",
                                                  reply.status);
          note_answer (self, &self->push_backoff);
          retry_item (self, item, why, FALSE, TRUE);
          go_on = FALSE;
        }
      else
        {
          const char *response = reply.body_length > 0 ? reply.body : NULL;
          hb_platform_reply_clear (&parsed);
          note_answer (self, &self->push_backoff);
          if (!hb_outbox_mark_sent (self->outbox, item->id, response, &error))
            {
              /* Still pending: the next attempt gets the replay. */
              g_message ("sync: cannot mark %s sent: %s", item->key, error->message);
              note_failure (self, &self->push_backoff, FALSE);
              go_on = FALSE;
            }
          else
            {
              g_message ("sync: %s key %s delivered (%ld)", item->path, item->key, reply.status);
              emit_on_main (self, EMIT_SIGNAL, signals[SIG_DELIVERED], item->key, response, 0);
            }
        }
    }
  else if (hb_platform_status_is_transient (reply.status))
    {
      g_autofree char *why = g_strdup_printf ("http %ld", reply.status);
      /* 502, 503, 504, 408, 425, 429 say the platform (or a proxy before it) cannot take
       * anything now — a maintenance window, an overload — not that this item is wrong:
       * they never count toward parking, or an outage would park every queued item. A
       * 500 (or any other 5xx) answered for this item does. */
      gboolean item_failed = reply.status == 500 ||
                             (reply.status > 504 && reply.status < 600);
      retry_item (self, item, why, TRUE, item_failed);
      go_on = FALSE;
    }
  else
    {
      /* A permanent rejection: keep the row (dead) for staff, never retry it. */
      g_autofree char *why = NULL;
      if (hb_platform_reply_parse (reply.body, reply.body_length, &parsed, NULL)
          && parsed.error_code != NULL)
        why = g_strdup_printf ("http %ld %s", reply.status, parsed.error_code);
      else
        why = g_strdup_printf ("http %ld", reply.status);
      hb_platform_reply_clear (&parsed);
      note_answer (self, &self->push_backoff);
      g_message ("sync: %s key %s rejected (%s)", item->path, item->key, why);
      if (!hb_outbox_mark_dead (self->outbox, item->id, why, &error))
        {
          g_message ("sync: cannot mark %s dead: %s", item->key, error->message);
          note_failure (self, &self->push_backoff, FALSE);
          go_on = FALSE;
        }
      else
        emit_on_main (self, EMIT_SIGNAL, signals[SIG_REJECTED], item->key, why, 0);
    }
  hb_http_reply_clear (&reply);
  return go_on;
}

static void
push_outbox (HbSync *self)
{
  while (!stopping (self) && g_get_monotonic_time () >= self->push_backoff.until)
    {
      g_autoptr(GError) error = NULL;
      /* A drain (kick, or the platform just came back) ignores per-item backoff. */
      gint64 horizon = self->drain ? G_MAXINT64 : g_get_real_time () / G_USEC_PER_SEC;
      g_autoptr(HbOutboxItem) item = hb_outbox_next_due (self->outbox, horizon, &error);

      if (item == NULL)
        {
          if (g_error_matches (error, HB_STORE_ERROR, HB_STORE_ERROR_CRYPTO))
            continue;   /* that item is dead now; carry on with the next */
          if (error != NULL)
            {
              g_message ("sync: cannot read the outbox: %s", error->message);
              note_failure (self, &self->push_backoff, FALSE);
            }
          break;
        }
      if (!push_item (self, item))
        break;
    }
  if (g_get_monotonic_time () >= self->push_backoff.until)
    self->drain = FALSE;

  if (g_get_monotonic_time () >= self->next_purge_at)
    {
      g_autoptr(GError) error = NULL;
      guint n = 0;
      gint64 cutoff = g_get_real_time () / G_USEC_PER_SEC - HB_OUTBOX_SENT_RETENTION_S;
      if (!hb_outbox_purge_sent (self->outbox, cutoff, &n, &error))
        g_message ("sync: cannot purge old sent items: %s", error->message);
      else if (n > 0)
        g_debug ("sync: purged %u sent items", n);
      self->next_purge_at = g_get_monotonic_time () + PURGE_INTERVAL_US;
    }
}

/* --- assets ---------------------------------------------------------------------------- */

/* After a catalog applied (and at start): fetch what it references. Failures keep the old
 * files and are retried a minute later (or at the next catalog change). */
static void
sync_assets (HbSync *self)
{
  g_autoptr(GError) error = NULL;
  HbHttpRequest base = base_request (self, "GET", NULL, HB_ASSET_MAX_BYTES);
  HbAssetsResult result;

  self->assets_due = FALSE;
  if (!hb_assets_sync (self->store, self->assets_dir, self->curl, &base, self->platform_url,
                       &result, &error))
    {
      g_message ("sync: assets: %s", error->message);
      result.failed = MAX (result.failed, 1);
    }
  else if (result.fetched > 0 || result.deleted > 0 || result.failed > 0)
    g_message ("sync: assets: %u referenced, %u fetched, %u failed, %u deleted",
               result.referenced, result.fetched, result.failed, result.deleted);
  if (result.failed > 0 && !stopping (self))
    {
      self->assets_due = TRUE;
      self->next_assets_at = g_get_monotonic_time ()
                             + (gint64) MIN (60000u, self->retry_cap_ms) * 1000;
    }
  emit_on_main (self, EMIT_SIGNAL, signals[SIG_ASSETS_SYNCED], NULL, NULL, result.failed);
}

/* --- heartbeat ------------------------------------------------------------------------- */

/* One command from a heartbeat reply: recorded (so it never applies twice), then applied —
 * sync-now here, the rest by the kiosk through "command". TRUE when it was new. */
static gboolean
apply_command (HbSync *self, HbHeartbeatCommand *c)
{
  g_autoptr(GError) error = NULL;
  gboolean rejected = c->kind == HB_COMMAND_REJECTED;
  gboolean already = FALSE;

  if (!hb_heartbeat_record (self->store, c->id, rejected ? "rejected" : "applied", c->reason,
                            &already, &error))
    {
      /* Not recorded, so not applied: the platform sends it again without our ack. */
      g_message ("sync: cannot record command %s: %s", c->id, error->message);
      return FALSE;
    }
  if (already)
    {
      g_message ("sync: command %s (%s) seen before; acknowledged again, not applied",
                 c->id, c->name);
      return FALSE;
    }
  if (rejected)
    {
      g_message ("sync: command %s (%s) rejected: %s", c->id, c->name, c->reason);
      return TRUE;
    }
  g_message ("sync: command %s (%s) applied", c->id, c->name);
  if (c->kind == HB_COMMAND_SYNC_NOW)
    {
      reset_backoff (&self->catalog_backoff);
      reset_backoff (&self->push_backoff);
      self->next_catalog_at = 0;
      self->drain = TRUE;
      self->assets_due = TRUE;
    }
  else
    {
      Emission *e = g_new0 (Emission, 1);
      e->guard = guard_ref (self->guard);
      e->kind = EMIT_SIGNAL;
      e->signal = signals[SIG_COMMAND];
      e->a = g_strdup (c->id);
      e->b = g_strdup (c->name);
      e->args = json_object_ref (c->args);
      hb_context_post (self->context, "[haoban] sync command", emission_dispatch, e,
                       emission_free);
    }
  return TRUE;
}

static void
send_heartbeat (HbSync *self)
{
  g_autofree char *url = g_strconcat (self->platform_url, "/v1/heartbeat", NULL);
  g_autofree char *status = NULL;
  g_autofree char *version = hb_catalog_dup_version (self->catalog);
  g_autofree char *acks = hb_heartbeat_dup_acks (self->store);
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  HbHttpRequest req = base_request (self, "POST", url, HB_HEARTBEAT_REPLY_MAX);
  HbOutboxStats stats;
  gboolean have_stats;
  HbHttpReply reply;
  HbHeartbeatReply parsed;
  gboolean hurry = FALSE;

  self->next_heartbeat_at = g_get_monotonic_time ()
                            + (gint64) self->heartbeat_interval_s * G_USEC_PER_SEC;
  g_mutex_lock (&self->lock);
  status = g_strdup (self->heartbeat_status);
  g_mutex_unlock (&self->lock);
  have_stats = hb_outbox_get_stats (self->outbox, g_get_real_time () / G_USEC_PER_SEC, &stats,
                                    NULL);
  body = hb_heartbeat_build (self->terminal_id, status, version, have_stats ? &stats : NULL,
                             acks);
  req.body = body;
  req.body_length = strlen (body);
  if (!hb_http_perform (self->curl, &req, &reply, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("sync: POST /v1/heartbeat failed: %s", error->message);
      return;
    }
  g_debug ("sync: POST /v1/heartbeat -> %ld", reply.status);
  if (reply.status == 200)
    {
      if (!hb_heartbeat_acks_sent (self->store, acks, &error))
        {
          g_message ("sync: cannot forget sent acknowledgements: %s", error->message);
          g_clear_error (&error);
        }
      if (!hb_heartbeat_reply_parse (reply.body, reply.body_length, &parsed, &error))
        g_message ("sync: heartbeat reply ignored: %s", error->message);
      else
        for (guint i = 0; i < parsed.commands->len; i++)
          hurry |= apply_command (self, g_ptr_array_index (parsed.commands, i));
      hb_heartbeat_reply_clear (&parsed);
    }
  else
    g_message ("sync: POST /v1/heartbeat answered %ld", reply.status);
  if (hurry)   /* acknowledge new commands soon rather than a whole interval later */
    self->next_heartbeat_at = g_get_monotonic_time () + G_USEC_PER_SEC;
  emit_on_main (self, EMIT_SIGNAL, signals[SIG_HEARTBEAT_SENT], NULL, NULL, (guint) reply.status);
  hb_http_reply_clear (&reply);
}

void
hb_sync_set_heartbeat_status (HbSync *self, JsonObject *status)
{
  g_autofree char *text = NULL;

  g_return_if_fail (HB_IS_SYNC (self));
  if (status != NULL)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, status);
      text = json_to_string (node, FALSE);
      if (strlen (text) > HB_HEARTBEAT_STATUS_MAX)
        {
          g_warning ("sync: heartbeat status larger than %d bytes ignored",
                     HB_HEARTBEAT_STATUS_MAX);
          return;
        }
    }
  g_mutex_lock (&self->lock);
  g_free (self->heartbeat_status);
  self->heartbeat_status = g_steal_pointer (&text);
  g_mutex_unlock (&self->lock);
}

void
hb_sync_request_heartbeat (HbSync *self)
{
  g_return_if_fail (HB_IS_SYNC (self));
  g_mutex_lock (&self->lock);
  self->heartbeat_requested = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* --- the thread ------------------------------------------------------------------------ */

/* When something is next due (monotonic µs): the catalog pull or the next outbox item,
 * each no earlier than its backoff allows. */
static gint64
next_wake (HbSync *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 interval = (gint64) self->catalog_interval_s * G_USEC_PER_SEC;
  gint64 wake = MAX (self->next_catalog_at, self->catalog_backoff.until);
  gint64 due = hb_outbox_next_due_time (self->outbox);

  if (due != G_MAXINT64)
    {
      gint64 push_at = now;
      if (!self->drain)
        {
          /* next_try_at is a wall-clock second: wake when the clock reaches it. */
          gint64 delta = due >= G_MAXINT64 / G_USEC_PER_SEC - 1 ? interval
                         : due * G_USEC_PER_SEC - g_get_real_time ();
          push_at = now + CLAMP (delta, 0, interval);
        }
      wake = MIN (wake, MAX (push_at, self->push_backoff.until));
    }
  wake = MIN (wake, self->next_heartbeat_at);
  if (self->assets_due && g_atomic_int_get (&self->reachable))
    wake = MIN (wake, self->next_assets_at);
  return wake;
}

/* On Linux a thread has its own nice value: the sync (parsing, indexing a catalog of
 * thousands of services) yields a busy CPU to the UI thread, which must never wait for a
 * frame; with a CPU free it runs at full speed all the same. */
#define SYNC_THREAD_NICE 10

static gpointer
sync_thread (gpointer data)
{
  HbSync *self = data;

  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), SYNC_THREAD_NICE) != 0)
    g_debug ("sync: thread priority unchanged: %s", g_strerror (errno));
  g_mutex_lock (&self->lock);
  while (!self->stop_requested)
    {
      gboolean kicked = self->kicked;
      gboolean want_catalog = self->catalog_requested;
      gboolean want_heartbeat = self->heartbeat_requested;
      gint64 now, wake;

      self->kicked = FALSE;
      self->catalog_requested = FALSE;
      self->heartbeat_requested = FALSE;
      g_mutex_unlock (&self->lock);

      if (kicked)
        {
          reset_backoff (&self->catalog_backoff);
          reset_backoff (&self->push_backoff);
          self->drain = TRUE;
        }
      if (want_catalog)
        self->next_catalog_at = 0;

      now = g_get_monotonic_time ();
      if (now >= self->catalog_backoff.until && now >= self->next_catalog_at && !stopping (self))
        {
          pull_catalog (self);
          if (self->catalog_backoff.failures == 0 && !stopping (self))
            pull_keys (self);
        }
      if (!stopping (self))
        push_outbox (self);
      if (!stopping (self) && (want_heartbeat || g_get_monotonic_time () >= self->next_heartbeat_at))
        send_heartbeat (self);
      if (!stopping (self) && self->assets_due && g_get_monotonic_time () >= self->next_assets_at
          && g_atomic_int_get (&self->reachable))
        sync_assets (self);
      wake = next_wake (self);

      g_mutex_lock (&self->lock);
      if (!self->stop_requested && !self->kicked && !self->catalog_requested
          && !self->heartbeat_requested)
        g_cond_wait_until (&self->cond, &self->lock, wake);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* --- public ---------------------------------------------------------------------------- */

static gboolean
terminal_id_ok (const char *id)
{
  gsize n = id ? strlen (id) : 0;
  if (n == 0 || n > 64)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '_' && id[i] != '.')
      return FALSE;
  return TRUE;
}

HbSync *
hb_sync_new (const HbSyncOptions *options)
{
  HbSync *self;
  const char *url;
  gsize len;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->db_path != NULL && options->key_path != NULL, NULL);
  url = options->platform_url;
  g_return_val_if_fail (url != NULL
                        && (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"))
                        && strpbrk (url, " \t\r\n") == NULL, NULL);
  g_return_val_if_fail (terminal_id_ok (options->terminal_id), NULL);

  self = g_object_new (HB_TYPE_SYNC, NULL);
  self->db_path = g_strdup (options->db_path);
  self->key_path = g_strdup (options->key_path);
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    len--;
  self->platform_url = g_strndup (url, len);
  self->terminal_id = g_strdup (options->terminal_id);
  self->catalog_interval_s = options->catalog_interval_s ? options->catalog_interval_s
                                                         : DEFAULT_CATALOG_INTERVAL_S;
  self->retry_base_ms = options->retry_base_ms ? options->retry_base_ms : DEFAULT_RETRY_BASE_MS;
  self->retry_cap_ms = options->retry_cap_ms ? options->retry_cap_ms : DEFAULT_RETRY_CAP_MS;
  self->retry_cap_ms = MAX (self->retry_cap_ms, self->retry_base_ms);
  self->connect_timeout_ms = options->connect_timeout_ms ? options->connect_timeout_ms
                                                         : DEFAULT_CONNECT_TIMEOUT_MS;
  self->request_timeout_ms = options->request_timeout_ms ? options->request_timeout_ms
                                                         : DEFAULT_REQUEST_TIMEOUT_MS;
  self->heartbeat_interval_s = options->heartbeat_interval_s ? options->heartbeat_interval_s
                                                             : DEFAULT_HEARTBEAT_INTERVAL_S;
  self->park_after_failures = options->park_after_failures;   /* 0: hb-outbox's default */
  self->park_after_s = options->park_after_s;
  if (options->assets_dir != NULL)
    self->assets_dir = g_strdup (options->assets_dir);
  else
    self->assets_dir = hb_assets_default_dir (options->db_path);
  self->tls_ca_file = g_strdup (options->tls_ca_file);
  self->tls_pins = hb_http_normalize_pins (options->tls_pin_sha256);
  self->tls_client_cert = g_strdup (options->tls_client_cert);
  self->tls_client_key = g_strdup (options->tls_client_key);
  self->tls.ca_file = self->tls_ca_file;
  self->tls.pins = self->tls_pins;
  self->tls.client_cert = self->tls_client_cert;
  self->tls.client_key = self->tls_client_key;
  self->context = g_main_context_ref_thread_default ();
  return self;
}

gboolean
hb_sync_start (HbSync *self, GError **error)
{
  g_autoptr(HbStore) store = NULL;
  CURL *curl;

  g_return_val_if_fail (HB_IS_SYNC (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->thread != NULL)
    return TRUE;

  /* A transport mistake (plain http to a remote host, a missing CA file) is one clear
   * error now rather than a failed exchange every backoff period. */
  if (!hb_http_check_transport (self->platform_url, &self->tls, error))
    return FALSE;

  store = hb_store_open (self->db_path, self->key_path, error);
  if (store == NULL)
    return FALSE;
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create a libcurl handle");
      return FALSE;
    }

  self->store = g_steal_pointer (&store);
  self->catalog = hb_catalog_new (self->store);
  self->outbox = hb_outbox_new (self->store);
  self->curl = curl;
  load_stored_keys (self);
  self->next_catalog_at = 0;     /* pull at start */
  reset_backoff (&self->catalog_backoff);
  reset_backoff (&self->push_backoff);
  self->drain = TRUE;            /* whatever waited while we were not running */
  self->next_purge_at = 0;
  self->next_heartbeat_at = 0;   /* one at start: the platform sees the terminal come up */
  self->assets_due = TRUE;
  self->next_assets_at = 0;
  self->stop_requested = FALSE;
  self->kicked = FALSE;
  self->catalog_requested = FALSE;
  g_atomic_int_set (&self->stopping, 0);

  self->thread = g_thread_try_new ("hb-sync", sync_thread, self, error);
  if (self->thread == NULL)
    {
      g_clear_object (&self->catalog);
      g_clear_object (&self->outbox);
      g_clear_object (&self->store);
      g_clear_pointer (&self->curl, curl_easy_cleanup);
      return FALSE;
    }
  g_message ("sync: started against %s as %s", self->platform_url, self->terminal_id);
  return TRUE;
}

void
hb_sync_stop (HbSync *self)
{
  g_return_if_fail (HB_IS_SYNC (self));

  if (self->thread == NULL)
    return;
  g_atomic_int_set (&self->stopping, 1);   /* aborts a transfer at libcurl's next poll */
  g_mutex_lock (&self->lock);
  self->stop_requested = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  self->thread = NULL;

  g_clear_object (&self->catalog);
  g_clear_object (&self->outbox);
  g_clear_object (&self->store);
  g_clear_pointer (&self->curl, curl_easy_cleanup);
  g_message ("sync: stopped");
}

void
hb_sync_kick (HbSync *self)
{
  g_return_if_fail (HB_IS_SYNC (self));
  g_mutex_lock (&self->lock);
  self->kicked = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

void
hb_sync_request_catalog (HbSync *self)
{
  g_return_if_fail (HB_IS_SYNC (self));
  g_mutex_lock (&self->lock);
  self->catalog_requested = TRUE;
  g_mutex_unlock (&self->lock);
}

HbKeyring *
hb_sync_get_keyring (HbSync *self)
{
  g_return_val_if_fail (HB_IS_SYNC (self), NULL);
  return self->keyring;
}

gboolean
hb_sync_get_reachable (HbSync *self)
{
  g_return_val_if_fail (HB_IS_SYNC (self), FALSE);
  return g_atomic_int_get (&self->reachable) != 0;
}

gint64
hb_sync_get_last_contact (HbSync *self)
{
  gint64 t;
  g_return_val_if_fail (HB_IS_SYNC (self), 0);
  g_mutex_lock (&self->lock);
  t = self->last_contact;
  g_mutex_unlock (&self->lock);
  return t;
}

/* --- one-off requests ------------------------------------------------------------------ */

typedef struct {
  char  *method;
  char  *url;
  char  *path;
  char  *body;        /* may be personal data: wiped */
  gsize  body_length;
  char  *idempotency_key;   /* or NULL */
} RequestData;

typedef struct {
  char  *body;
  gsize  body_length;
  guint  status;
} RequestResult;

static void
request_data_free (gpointer data)
{
  RequestData *d = data;
  g_free (d->method);
  g_free (d->url);
  g_free (d->path);
  g_free (d->idempotency_key);
  if (d->body)
    explicit_bzero (d->body, d->body_length);
  g_free (d->body);
  g_free (d);
}

static void
request_result_free (gpointer data)
{
  RequestResult *r = data;
  if (r->body)
    explicit_bzero (r->body, r->body_length);
  g_free (r->body);
  g_free (r);
}

static gboolean
abort_if_cancelled (gpointer data)
{
  return data != NULL && g_cancellable_is_cancelled (data);
}

static void
request_worker (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  HbSync *self = source;
  RequestData *d = task_data;
  GError *error = NULL;
  HbHttpRequest req = base_request (self, d->method, d->url, HB_PLATFORM_REPLY_MAX);
  HbHttpReply reply;
  RequestResult *result;
  CURL *curl;
  gboolean ok;

  req.should_abort = abort_if_cancelled;
  req.abort_data = cancellable;
  req.body = d->body;
  req.body_length = d->body_length;
  req.idempotency_key = d->idempotency_key;

  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "cannot create a libcurl handle");
      return;
    }
  ok = hb_http_perform (curl, &req, &reply, &error);
  curl_easy_cleanup (curl);
  if (!ok)
    {
      g_message ("sync: %s %s failed: %s", d->method, d->path, error->message);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        set_reachable (self, FALSE);
      g_task_return_error (task, error);
      return;
    }
  g_debug ("sync: %s %s -> %ld", d->method, d->path, reply.status);
  set_reachable (self, !hb_platform_status_is_transient (reply.status));
  result = g_new0 (RequestResult, 1);
  result->status = (guint) reply.status;
  result->body = g_steal_pointer (&reply.body);
  result->body_length = reply.body_length;
  hb_http_reply_clear (&reply);
  g_task_return_pointer (task, result, request_result_free);
}

static gboolean
path_ok (const char *path)
{
  gsize n = path ? strlen (path) : 0;
  if (n < 5 || n > 256 || !g_str_has_prefix (path, "/v1/") || strstr (path, "..") != NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (path[i]) && strchr ("/-_.", path[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* What the platform takes as an Idempotency-Key (docs/platform-api.md): 1–128 printable
 * ASCII characters; ours are UUIDs. */
static gboolean
key_ok (const char *key)
{
  gsize n = strlen (key);
  if (n == 0 || n > 128)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (key[i] <= 0x20 || key[i] >= 0x7f)
      return FALSE;
  return TRUE;
}

void
hb_sync_request_async (HbSync *self, const char *method, const char *path,
                       const char *body_json, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  hb_sync_request_with_key_async (self, method, path, body_json, NULL, cancellable, callback,
                                  user_data);
}

void
hb_sync_request_with_key_async (HbSync *self, const char *method, const char *path,
                                const char *body_json, const char *idempotency_key,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  RequestData *d;
  static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", NULL };

  g_return_if_fail (HB_IS_SYNC (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_sync_request_async);
  g_task_set_name (task, "[haoban] platform request");

  if (method == NULL || !g_strv_contains (methods, method) || !path_ok (path)
      || (idempotency_key != NULL && !key_ok (idempotency_key)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "invalid platform request (method or path)");
      return;
    }
  if (body_json != NULL && strlen (body_json) > REQUEST_BODY_MAX)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "request body is larger than %d bytes", REQUEST_BODY_MAX);
      return;
    }
  d = g_new0 (RequestData, 1);
  d->method = g_strdup (method);
  d->path = g_strdup (path);
  d->url = g_strconcat (self->platform_url, path, NULL);
  d->idempotency_key = g_strdup (idempotency_key);
  if (body_json)
    {
      d->body_length = strlen (body_json);
      d->body = g_strndup (body_json, d->body_length);
    }
  g_task_set_task_data (task, d, request_data_free);
  g_task_run_in_thread (task, request_worker);
}

char *
hb_sync_request_finish (HbSync *self, GAsyncResult *result, guint *http_status,
                        GError **error)
{
  RequestResult *r;
  char *body;

  g_return_val_if_fail (HB_IS_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hb_sync_request_async, NULL);

  if (http_status)
    *http_status = 0;
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  if (http_status)
    *http_status = r->status;
  body = g_steal_pointer (&r->body);
  r->body_length = 0;
  request_result_free (r);
  return body;
}

/* --- GObject --------------------------------------------------------------------------- */

static void
hb_sync_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HbSync *self = HB_SYNC (object);
  switch (prop_id)
    {
    case PROP_REACHABLE:
      g_value_set_boolean (value, hb_sync_get_reachable (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hb_sync_dispose (GObject *object)
{
  HbSync *self = HB_SYNC (object);

  hb_sync_stop (self);
  g_mutex_lock (&self->guard->lock);
  self->guard->owner = NULL;
  g_mutex_unlock (&self->guard->lock);
  G_OBJECT_CLASS (hb_sync_parent_class)->dispose (object);
}

static void
hb_sync_finalize (GObject *object)
{
  HbSync *self = HB_SYNC (object);

  g_free (self->db_path);
  g_free (self->key_path);
  g_free (self->platform_url);
  g_free (self->terminal_id);
  g_free (self->assets_dir);
  g_free (self->heartbeat_status);
  g_free (self->tls_ca_file);
  g_free (self->tls_pins);
  g_free (self->tls_client_cert);
  g_free (self->tls_client_key);
  g_clear_pointer (&self->context, g_main_context_unref);
  guard_unref (self->guard);
  g_clear_object (&self->keyring);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (hb_sync_parent_class)->finalize (object);
}

static void
hb_sync_class_init (HbSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* Before any sync thread exists (libcurl asks for this once per process). */
  curl_global_init (CURL_GLOBAL_DEFAULT);

  object_class->get_property = hb_sync_get_property;
  object_class->dispose = hb_sync_dispose;
  object_class->finalize = hb_sync_finalize;

  props[PROP_REACHABLE] =
    g_param_spec_boolean ("reachable", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIG_DELIVERED] =
    g_signal_new ("delivered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIG_REJECTED] =
    g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIG_CATALOG_UPDATED] =
    g_signal_new ("catalog-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_CATALOG_CHECKED] =
    g_signal_new ("catalog-checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIG_KEYS_UPDATED] =
    g_signal_new ("keys-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIG_PARKED] =
    g_signal_new ("parked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIG_COMMAND] =
    g_signal_new ("command", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, JSON_TYPE_OBJECT);
  signals[SIG_ASSETS_SYNCED] =
    g_signal_new ("assets-synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIG_HEARTBEAT_SENT] =
    g_signal_new ("heartbeat-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
hb_sync_init (HbSync *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->guard = g_new0 (Guard, 1);
  g_atomic_ref_count_init (&self->guard->ref);
  g_mutex_init (&self->guard->lock);
  self->guard->owner = self;
  self->keyring = hb_keyring_new ();
}
