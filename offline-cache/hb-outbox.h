/* hb-outbox.h — the durable queue of what residents submitted.
 *
 * Every item carries an idempotency key (UUIDv4) made when it is enqueued; the platform
 * deduplicates on it, so the sync engine may retry blindly and the effect is exactly
 * once. Rows are committed with synchronous=FULL before the resident is told anything.
 * The body (personal data) is encrypted at rest with AES-256-GCM under the store key;
 * the idempotency key is bound as associated data (a body cannot be moved to another row).
 * Sent rows are kept (without body) for a retention period for the maintenance screen. */
#pragma once

#include "offline-cache/hb-store.h"
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_OUTBOX_BODY_MAX (1024 * 1024)

typedef enum {
  HB_OUTBOX_PENDING,
  HB_OUTBOX_SENT,
  HB_OUTBOX_DEAD,      /* rejected by the platform (4xx other than 409/429); kept for staff */
  HB_OUTBOX_PARKED,    /* kept failing (or staff parked it): not retried automatically, kept
                        * with its body and last reason until staff retry it; never dropped */
} HbOutboxState;

/* "pending","sent","dead","parked" */
const char *hb_outbox_state_to_string (HbOutboxState state);

typedef struct {
  gint64        id;            /* delivery order */
  char         *key;           /* idempotency key */
  char         *kind;          /* "application", "rating", … */
  char         *path;          /* platform path, e.g. "/v1/applications" */
  char         *body;          /* decrypted JSON (personal data: wiped on free); NULL once sent */
  HbOutboxState state;
  gint64        created_at;    /* unix seconds */
  guint         attempts;
  gint64        next_try_at;   /* unix seconds */
  char         *last_error;    /* may be NULL */
  char         *response;      /* platform reply JSON once sent; may be NULL */
  guint         failures;      /* tries the platform answered with a failure */
  gint64        parked_at;     /* unix seconds; 0 unless parked */
} HbOutboxItem;

void hb_outbox_item_free (HbOutboxItem *item);   /* wipes body */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbOutboxItem, hb_outbox_item_free)

typedef struct {
  guint  pending;
  guint  dead;
  guint  sent;
  gint64 oldest_pending_age;   /* seconds; 0 when nothing is pending */
  guint  parked;
  gint64 oldest_parked_age;    /* seconds since the oldest parked item was created; 0 if none */
} HbOutboxStats;

/* When a failing item is parked (HbSyncOptions carries them; 0 = the default). Only tries
 * the platform answered count as failures: an unreachable platform parks nothing. */
#define HB_OUTBOX_PARK_AFTER_FAILURES 20
#define HB_OUTBOX_PARK_AFTER_S        (72 * 3600)
/* Age alone parks an item only once it has failed this often (a backlog that waited out a
 * long outage is not parked by the first 503 after it). */
#define HB_OUTBOX_PARK_MIN_FAILURES   3

#define HB_TYPE_OUTBOX (hb_outbox_get_type ())
G_DECLARE_FINAL_TYPE (HbOutbox, hb_outbox, HB, OUTBOX, GObject)

HbOutbox *hb_outbox_new (HbStore *store);

/* Durably enqueue; returns the new idempotency key (transfer full) or NULL + error.
 * When the commit fails the item may still be durable (SQLite cannot tell), so callers
 * that retry look it up by key first (hb_outbox_lookup).
 * body_json must be a JSON object ({…}, at most HB_OUTBOX_BODY_MAX bytes); the new key is
 * added to it as "idempotency_key" (the platform wants it in the body too), so the caller
 * must not put one there. Errors never quote the body. */
char         *hb_outbox_enqueue (HbOutbox *self, const char *kind, const char *path,
                                 const char *body_json, GError **error);
/* Same, with a caller-chosen key (enqueueing an existing key is a no-op returning TRUE).
 * The body is stored as given: it should already carry "idempotency_key": key. */
gboolean      hb_outbox_enqueue_with_key (HbOutbox *self, const char *key, const char *kind,
                                          const char *path, const char *body_json,
                                          GError **error);
/* The same, as one item of a visit (visit: an id shared by the visit's items, e.g. its
 * application's key; NULL: none). Within a visit items are delivered in the order they
 * were enqueued: a later one waits while an earlier one is pending or parked. */
gboolean      hb_outbox_enqueue_in_visit (HbOutbox *self, const char *key, const char *visit,
                                          const char *kind, const char *path,
                                          const char *body_json, GError **error);

/* Several items of one visit, in one transaction: all are durable or none is (a key already
 * queued is left as it is). Items are delivered in this order. */
typedef struct {
  const char *key;
  const char *kind;
  const char *path;
  const char *body_json;   /* should carry "idempotency_key": key */
} HbOutboxEntry;
gboolean      hb_outbox_enqueue_batch (HbOutbox *self, const char *visit,
                                       const HbOutboxEntry *entries, guint n, GError **error);

/* The oldest pending item whose next_try_at <= now, or NULL.
 * Items of one kind go in id order: an item waits while an older pending item of its kind
 * waits (so only the oldest pending item of each kind is ever due). A parked item does not
 * hold later items of its kind (docs/offline-cache.md "Parked items"). An item whose stored
 * body fails authentication (tampered, wrong key) is marked dead here — kept for staff,
 * never sent — and NULL is returned with HB_STORE_ERROR_CRYPTO; call again for the next. */
HbOutboxItem *hb_outbox_next_due (HbOutbox *self, gint64 now, GError **error);
/* Earliest next_try_at among the items next_due may return; G_MAXINT64 when none. */
gint64        hb_outbox_next_due_time (HbOutbox *self);
HbOutboxItem *hb_outbox_lookup (HbOutbox *self, const char *key, GError **error);

gboolean hb_outbox_mark_sent  (HbOutbox *self, gint64 id, const char *response_json, GError **error);
gboolean hb_outbox_mark_retry (HbOutbox *self, gint64 id, gint64 next_try_at,
                               const char *last_error, GError **error);
gboolean hb_outbox_mark_dead  (HbOutbox *self, gint64 id, const char *last_error, GError **error);
/* The platform answered this try with a transient failure (5xx, 429, an unreadable 2xx…):
 * counts the try and the failure, and parks the item (state parked, reason kept) when it
 * has now failed park_after_failures times, or is older than park_after_s and failed at
 * least HB_OUTBOX_PARK_MIN_FAILURES times; otherwise it waits until next_try_at. *parked
 * (may be NULL) tells which. Zero limits take the defaults above. */
gboolean hb_outbox_mark_failed (HbOutbox *self, gint64 id, gint64 next_try_at,
                                const char *last_error, guint park_after_failures,
                                gint64 park_after_s, gboolean *parked, GError **error);
/* Staff: park a pending item by hand (reason kept as last_error), or put a parked item back
 * in the queue (pending, due now, failure count reset; attempts are kept for the record).
 * HB_STORE_ERROR_NOT_FOUND when no item with that key is in the expected state. */
gboolean hb_outbox_park   (HbOutbox *self, const char *key, const char *reason, GError **error);
gboolean hb_outbox_unpark (HbOutbox *self, const char *key, GError **error);
/* Every parked item back in the queue; *n_unparked may be NULL. */
gboolean hb_outbox_unpark_all (HbOutbox *self, guint *n_unparked, GError **error);
/* Items in one state, oldest first, at most limit (0: 1000) — WITHOUT bodies (body is NULL:
 * a list for the maintenance screen or haobanctl never decrypts personal data). */
GPtrArray *hb_outbox_list (HbOutbox *self, HbOutboxState state, guint limit, GError **error);

gboolean hb_outbox_get_stats (HbOutbox *self, gint64 now, HbOutboxStats *stats, GError **error);
/* The stats as a JSON object {"pending","oldest_pending_age_s","dead","sent","parked",
 * "oldest_parked_age_s"} added to
 * builder (status, heartbeat); NULL stats give -1 for each (unknown). */
void     hb_outbox_stats_build_json (const HbOutboxStats *stats, JsonBuilder *builder);

/* How long sent rows (without body) are kept for the maintenance screen. */
#define HB_OUTBOX_SENT_RETENTION_S (30 * 24 * 3600)
#define HB_OUTBOX_RESPONSE_MAX     (64 * 1024)
/* Deletes sent rows sent before older_than (unix seconds); *n_deleted may be NULL. */
gboolean hb_outbox_purge_sent (HbOutbox *self, gint64 older_than, guint *n_deleted,
                               GError **error);

G_END_DECLS
