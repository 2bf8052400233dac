/* hb-sync.c — the sync thread: catalog pulls, outbox pushes, backoff; signals on the main
 * context. Talks to the platform only through docs/platform-api.md. */
#include "offline-cache/hb-sync.h"
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-http-private.h"
#include "offline-cache/hb-keyring.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-platform-reply.h"
#include "offline-cache/hb-store-private.h"
#include "common/hb-context.h"

#include <string.h>

#define DEFAULT_CATALOG_INTERVAL_S 300
#define DEFAULT_RETRY_BASE_MS      1000
#define DEFAULT_RETRY_CAP_MS       300000
#define DEFAULT_CONNECT_TIMEOUT_MS 3000
#define DEFAULT_REQUEST_TIMEOUT_MS 10000
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
};

G_DEFINE_TYPE (HbSync, hb_sync, G_TYPE_OBJECT)

enum { PROP_0, PROP_REACHABLE, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIG_DELIVERED, SIG_REJECTED, SIG_CATALOG_UPDATED, SIG_CATALOG_CHECKED, SIG_KEYS_UPDATED,
       N_SIGNALS };
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
} Emission;

static void
emission_free (gpointer data)
{
  Emission *e = data;
  guard_unref (e->guard);
  g_free (e->a);
  g_free (e->b);
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
  else if (e->signal == signals[SIG_CATALOG_CHECKED] || e->signal == signals[SIG_KEYS_UPDATED])
    g_signal_emit (self, e->signal, 0, e->status);
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
  };
  return r;
}

/* --- catalog --------------------------------------------------------------------------- */

static void
pull_catalog (HbSync *self)
{
  g_autofree char *url = g_strconcat (self->platform_url, "/v1/catalog", NULL);
  g_autofree char *etag = hb_catalog_dup_etag (self->catalog);
  g_autoptr(GError) error = NULL;
  HbHttpRequest req = base_request (self, "GET", url, HB_CATALOG_MAX_BYTES);
  HbHttpReply reply;

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
      if (hb_catalog_apply_json (self->catalog, reply.body, reply.body_length, reply.etag,
                                 &error))
        {
          g_autofree char *version = hb_catalog_dup_version (self->catalog);
          g_message ("sync: catalog %s applied", version);
          emit_on_main (self, EMIT_SIGNAL, signals[SIG_CATALOG_UPDATED], version, NULL, 0);
        }
      else
        /* The old catalog stays; the next pull is at the normal interval. */
        g_message ("sync: catalog from the platform rejected: %s", error->message);
      emit_on_main (self, EMIT_SIGNAL, signals[SIG_CATALOG_CHECKED], NULL, NULL, 200);
    }
  else if (reply.status == 304)
    emit_on_main (self, EMIT_SIGNAL, signals[SIG_CATALOG_CHECKED], NULL, NULL, 304);
  else
    g_message ("sync: GET /v1/catalog answered %ld", reply.status);
  hb_http_reply_clear (&reply);
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

static void
retry_item (HbSync *self, HbOutboxItem *item, const char *why, gboolean unreachable)
{
  g_autoptr(GError) error = NULL;
  gint64 delay = backoff_ms (self, item->attempts);
  gint64 next = (g_get_real_time () / 1000 + delay) / 1000;

  g_message ("sync: %s key %s not delivered (%s); attempt %u, next in %" G_GINT64_FORMAT " ms",
             item->path, item->key, why, item->attempts + 1, delay);
  if (!hb_outbox_mark_retry (self->outbox, item->id, next, why, &error))
    g_message ("sync: cannot record the retry of %s: %s", item->key, error->message);
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
      g_autofree char *why = g_strdup_printf ("network: %s", error->message);
      retry_item (self, item, why,
                  !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE));
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
          retry_item (self, item, why, FALSE);
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
      retry_item (self, item, why, TRUE);
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
  return wake;
}

static gpointer
sync_thread (gpointer data)
{
  HbSync *self = data;

  g_mutex_lock (&self->lock);
  while (!self->stop_requested)
    {
      gboolean kicked = self->kicked;
      gboolean want_catalog = self->catalog_requested;
      gint64 now, wake;

      self->kicked = FALSE;
      self->catalog_requested = FALSE;
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
      wake = next_wake (self);

      g_mutex_lock (&self->lock);
      if (!self->stop_requested && !self->kicked && !self->catalog_requested)
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

void
hb_sync_request_async (HbSync *self, const char *method, const char *path,
                       const char *body_json, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  RequestData *d;
  static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", NULL };

  g_return_if_fail (HB_IS_SYNC (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_sync_request_async);
  g_task_set_name (task, "[haoban] platform request");

  if (method == NULL || !g_strv_contains (methods, method) || !path_ok (path))
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
