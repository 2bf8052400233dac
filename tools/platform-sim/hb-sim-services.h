/* hb-sim-services.h — what the resident-service endpoints keep (docs/platform-api.md
 * "Resident services"): the answers of their idempotent POSTs, help requests, 办不成事
 * reports, confirmed benefits and the /_sim/help and /_sim/cases knobs. With a state file
 * (--state FILE) the answers, reports, confirmations and numbers are also kept in
 * FILE.services, so a restarted sim still deduplicates; help requests and knobs live in
 * memory only. /_sim/reset forgets it (numbers continue). Main context only. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Idempotent POSTs of these endpoints; keys are compared per kind. */
typedef enum {
  HB_SIM_SVC_CONFIRM,    /* POST /v1/benefits/confirm */
  HB_SIM_SVC_HELP,       /* POST /v1/help-requests */
  HB_SIM_SVC_REPORT,     /* POST /v1/reports */
  HB_SIM_SVC_N_KINDS
} HbSimSvcKind;

#define HB_SIM_SVC_MAX_RECORDS     10000u   /* per kind: then 507 storage-full */
#define HB_SIM_SVC_MAX_HELP        1000u    /* help requests kept (the oldest forgotten) */
#define HB_SIM_SVC_HELP_DEFAULT_MS 3000
#define HB_SIM_SVC_HELP_MAX_MS     600000
#define HB_SIM_SVC_STEP_DEFAULT_MS 60000
#define HB_SIM_SVC_STEP_MAX_MS     (24 * 3600 * 1000)

typedef struct {
  char   *id;             /* HR<YYYYMMDD><6 digits> */
  gint64  created_us;     /* monotonic */
  gint64  connected_us;   /* monotonic; 0: not (yet) */
  gint64  closed_us;      /* monotonic; 0: open */
  guint   agent;          /* index into the sim's agents */
  JsonNode *body;         /* the request body (no personal data is asked for) */
  char   *created_at;
} HbSimHelpRequest;

typedef struct {
  GHashTable *replays[HB_SIM_SVC_N_KINDS];   /* key → HbSimReplay* (private) */
  guint       sequence[HB_SIM_SVC_N_KINDS];  /* last number handed out */
  gint        help_after_ms;                 /* -1: never */
  gint        case_step_ms;
  GQueue      help;                          /* HbSimHelpRequest*, oldest first */
  GPtrArray  *reports;                       /* JsonNode* for GET /_sim/reports */
  GHashTable *confirmed;                     /* "<person key>/<benefit id>" → JsonNode* record */
  GPtrArray  *confirmations;                 /* the same records, in order (borrowed) */
  char       *catalog_etag;                  /* the catalog version service_names is from */
  GHashTable *service_names;                 /* code → JsonNode* {"name","name_en"} */
  GPtrArray  *service_codes;                 /* the catalog's codes in order (borrowed) */
} HbSimServices;

void        hb_sim_services_init   (HbSimServices *self);
void        hb_sim_services_clear  (HbSimServices *self);
/* Forget everything but the sequences; knobs back to their defaults (memory only). */
void        hb_sim_services_forget (HbSimServices *self);
/* POST /_sim/reset: forget, and write the emptied state file. */
gboolean    hb_sim_services_reset  (HbSimServices *self, GError **error);

/* The folder of sample-cards.json and sample-enterprises.json (the sim's --data). Set by
 * main before the platform starts; default HB_SOURCE_DATADIR. */
void        hb_sim_services_set_data_dir (const char *dir);
const char *hb_sim_services_get_data_dir (void);
/* FILE.services for --state FILE (NULL: memory only). Set by main before the platform
 * starts; the file is loaded by hb_sim_services_init (a malformed one is reported on stderr
 * and set aside as FILE.services.bad, so the sim still starts). */
void        hb_sim_services_set_state_path (const char *path);

typedef enum {
  HB_SIM_SVC_NEW,
  HB_SIM_SVC_REPLAY,     /* *status and *response: the first answer */
  HB_SIM_SVC_CONFLICT,   /* the key came with another body */
} HbSimSvcLookup;

HbSimSvcLookup hb_sim_services_lookup (HbSimServices *self, HbSimSvcKind kind, const char *key,
                                       GBytes *body, guint *status, const char **response);
/* Records the answer to a new key and saves the state file. FALSE with
 * HB_SIM_STORE_ERROR_FULL when the kind is full, HB_SIM_STORE_ERROR_SAVE when the file could
 * not be written (the key is then not recorded). */
gboolean    hb_sim_services_record (HbSimServices *self, HbSimSvcKind kind, const char *key,
                                    GBytes *body, guint status, const char *response,
                                    GError **error);
gboolean    hb_sim_services_full   (HbSimServices *self, HbSimSvcKind kind);
/* The next number of a kind (1 … 999999, wrapping; never reused while it runs). */
guint       hb_sim_services_next_number (HbSimServices *self, HbSimSvcKind kind);

/* A new help request (takes body); the oldest is forgotten beyond HB_SIM_SVC_MAX_HELP. */
HbSimHelpRequest *hb_sim_services_add_help  (HbSimServices *self, const char *id, JsonNode *body);
HbSimHelpRequest *hb_sim_services_find_help (HbSimServices *self, const char *id);

G_END_DECLS
