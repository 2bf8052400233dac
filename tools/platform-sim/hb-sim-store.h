/* hb-sim-store.h — accepted applications and ratings, their idempotency keys and answers,
 * optionally persisted to a state file so a restarted sim still deduplicates. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_SIM_STORE_ERROR (hb_sim_store_error_quark ())
GQuark hb_sim_store_error_quark (void);

typedef enum {
  HB_SIM_STORE_ERROR_STATE,   /* the state file is unreadable or malformed */
  HB_SIM_STORE_ERROR_SAVE,    /* the state file could not be written */
  HB_SIM_STORE_ERROR_FULL,    /* HB_SIM_STORE_MAX_RECORDS reached */
} HbSimStoreError;

/* Bounds memory and the state file; far beyond any test or demo day. */
#define HB_SIM_STORE_MAX_RECORDS 100000u

typedef enum {
  HB_SIM_KIND_APPLICATION,
  HB_SIM_KIND_RATING,
  HB_SIM_KIND_DELIVERY,     /* a document sent instead of printed (POST /v1/deliveries) */
  HB_SIM_N_KINDS
} HbSimKind;

typedef enum {
  HB_SIM_LOOKUP_NEW,        /* key never seen */
  HB_SIM_LOOKUP_REPLAY,     /* seen with the same body: *response is the first answer */
  HB_SIM_LOOKUP_CONFLICT,   /* seen with a different body */
} HbSimLookup;

#define HB_TYPE_SIM_STORE (hb_sim_store_get_type ())
G_DECLARE_FINAL_TYPE (HbSimStore, hb_sim_store, HB, SIM_STORE, GObject)

/* state_path NULL keeps everything in memory. An existing state file is loaded; a
 * malformed one is an error (silently starting empty would break deduplication). */
HbSimStore  *hb_sim_store_new (const char *state_path, GError **error);

/* Keys are compared per kind; bodies by their SHA-256. */
HbSimLookup  hb_sim_store_lookup (HbSimStore *self, HbSimKind kind, const char *key,
                                  GBytes *body, const char **response);

/* Records a new submission (body is its parsed form) and returns the JSON text of its
 * 201 answer, owned by the store: {"case_number","status","received_at"} for an
 * application, {"rating_id","status"} for a rating. With a state file, the record is
 * on disk before this returns; on failure nothing is recorded. */
const char  *hb_sim_store_accept (HbSimStore *self, HbSimKind kind, const char *key,
                                  GBytes *body, JsonNode *parsed, GError **error);

/* For GET /_sim/applications and /_sim/ratings: an array in arrival order. */
JsonNode    *hb_sim_store_list (HbSimStore *self, HbSimKind kind);
guint        hb_sim_store_count (HbSimStore *self, HbSimKind kind);

/* Forgets every record. Case and rating sequences continue, so numbers are never reused. */
gboolean     hb_sim_store_reset (HbSimStore *self, GError **error);

G_END_DECLS
