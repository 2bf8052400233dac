/* hb-sync.h — keeps the terminal and the central platform in step, on its own thread.
 *
 * Pulls the catalog at start and every catalog_interval (If-None-Match/ETag), pushes the
 * outbox (oldest first, Idempotency-Key header), and backs off exponentially with jitter
 * when the platform fails. Owns its own HbStore connection and its own libcurl handle.
 * Never blocks the caller: signals are emitted on the main context that created it. */
#pragma once

#include <gio/gio.h>

#include "offline-cache/hb-keyring.h"
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *db_path;            /* the HbStore file */
  const char *key_path;           /* the HbStore key file */
  const char *platform_url;       /* "http://127.0.0.1:8470" (no trailing /v1) */
  const char *terminal_id;
  guint       catalog_interval_s; /* default 300 */
  guint       retry_base_ms;      /* first backoff, default 1000 */
  guint       retry_cap_ms;       /* longest backoff, default 300000 */
  guint       connect_timeout_ms; /* default 3000 */
  guint       request_timeout_ms; /* whole request, default 10000 */
  /* H12 (issue 6): heartbeat, parking, assets. 0 / NULL = default. */
  guint       heartbeat_interval_s;  /* POST /v1/heartbeat period, default 60 */
  guint       park_after_failures;   /* HB_OUTBOX_PARK_AFTER_FAILURES (20) */
  guint       park_after_s;          /* HB_OUTBOX_PARK_AFTER_S (72 h) */
  const char *assets_dir;            /* default: "assets" beside db_path */
  /* H10 (issue 6): transport security, docs/transport-security.md. NULL = unset. Peer and
   * host verification are always on, TLS >= 1.2. hb_sync_start refuses an http:// URL
   * whose host is not loopback, and unreadable or mismatched files, with a GError. */
  const char *tls_ca_file;           /* PEM bundle trusted for the platform (else the system's) */
  const char *tls_pin_sha256;        /* "sha256//<base64>;sha256//<base64>" SPKI pins, or NULL */
  const char *tls_client_cert;       /* PEM certificate for mutual TLS (with tls_client_key) */
  const char *tls_client_key;        /* its unencrypted PEM key */
} HbSyncOptions;

#define HB_TYPE_SYNC (hb_sync_get_type ())
G_DECLARE_FINAL_TYPE (HbSync, hb_sync, HB, SYNC, GObject)

HbSync  *hb_sync_new   (const HbSyncOptions *options);
/* Opens the sync thread's own store connection and starts the thread. */
gboolean hb_sync_start (HbSync *self, GError **error);
/* Stops the thread (interrupts a transfer in progress) and joins it. */
void     hb_sync_stop  (HbSync *self);
/* Wake the thread now: an item was enqueued, or staff asked for a sync. Resets backoff. */
void     hb_sync_kick  (HbSync *self);
/* Ask for a catalog pull at the next wake-up. */
void     hb_sync_request_catalog (HbSync *self);

/* One-off request on a worker thread (own CURL handle, same timeouts and limits) for
 * online-only calls such as POST /v1/codes/resolve. Returns the body and the HTTP status;
 * a transport failure is a G_IO_ERROR with a clear message.
 * path: "/v1/…"; body_json may be NULL; reply limit 64 KiB. The body is returned for any
 * HTTP answer, 4xx/5xx included (transfer full; it may hold personal data: wipe it after
 * use). Transport failures: G_IO_ERROR_CANCELLED, _TIMED_OUT, _MESSAGE_TOO_LARGE,
 * _CONNECTION_REFUSED, _HOST_NOT_FOUND, _FAILED; bad arguments: _INVALID_ARGUMENT. */
void     hb_sync_request_async  (HbSync *self, const char *method, const char *path,
                                 const char *body_json, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* The same with an Idempotency-Key header (a short printable token), for online calls that
 * create something at the platform and may be retried by the caller. Finish with
 * hb_sync_request_finish. */
void     hb_sync_request_with_key_async (HbSync *self, const char *method, const char *path,
                                         const char *body_json, const char *idempotency_key,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
char    *hb_sync_request_finish (HbSync *self, GAsyncResult *result, guint *http_status,
                                 GError **error);

/* The offline-code keys (transfer none; never NULL, the same object for the life of the
 * HbSync). hb_sync_start fills it from the store (the last accepted GET /v1/keys document,
 * so a terminal that starts offline still verifies); the sync thread replaces its content
 * after each successful pull, which runs at start and with every catalog pull. A rejected
 * document leaves the previous keys in place. Thread-safe reads. */
HbKeyring *hb_sync_get_keyring (HbSync *self);

/* What the kiosk reports in every heartbeat (device statuses, counters, software version…):
 * a JSON object copied now (any thread; NULL clears). Its members are sent at the top
 * level of the heartbeat body, except the ones HbSync fills itself ("terminal_id",
 * "sent_at", "catalog_version", "outbox", "acks"), which are ignored. At most 32 KiB. */
void     hb_sync_set_heartbeat_status (HbSync *self, JsonObject *status);
/* Ask for a heartbeat at the next wake-up (e.g. right after going out of service). */
void     hb_sync_request_heartbeat (HbSync *self);

/* Last known platform reachability (property "reachable"). */
gboolean hb_sync_get_reachable (HbSync *self);
/* Unix time of the last successful exchange with the platform; 0 if never. */
gint64   hb_sync_get_last_contact (HbSync *self);

/* Signals (main context):
 *   "delivered"        (const char *key, const char *response_json) — an outbox item was
 *                       accepted (or recognised as a duplicate) by the platform
 *   "rejected"         (const char *key, const char *error) — marked dead
 *   "catalog-updated"  (const char *version)
 *   "catalog-checked"  (guint http_status) — a catalog pull got an answer (200 or 304)
 *   "keys-updated"     (guint n_keys) — a new /v1/keys document was accepted and stored
 *   "command"          (const char *id, const char *name, JsonObject *args) — a command
 *                       from a heartbeat reply for the kiosk to apply, emitted at most once
 *                       per id (ids are persisted): "out-of-service" {on: bool, reason?:
 *                       string}, "config" {"group.key": "value", …} (allow-listed keys,
 *                       docs/platform-api.md). "sync-now" is handled here, not emitted.
 *   "heartbeat-sent"   (guint http_status) — a heartbeat got an answer
 *   "parked"           (const char *key, const char *reason) — an outbox item kept failing
 *                       and waits for staff (hb_outbox_unpark)
 *   "assets-synced"    (guint n_failed) — a run of the asset downloader ended (0: every
 *                       asset the catalog references is on the terminal, verified)
 *   notify::reachable */

G_END_DECLS
