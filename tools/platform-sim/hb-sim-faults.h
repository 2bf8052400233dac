/* hb-sim-faults.h — faults injected into /v1 answers (POST /_sim/faults).
 *
 * Two kinds that combine freely: fixed faults (status, delay_ms, drop, fail_after_commit:
 * every request while set, optionally for `times` requests) and rates (each request draws
 * each rate independently from a seeded PRNG, so a run with the same seed and the same
 * request sequence injects the same faults). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_SIM_FAULT_MAX_DELAY_MS    60000u
#define HB_SIM_FAULT_MAX_BYTES_PER_S 10000000u
/* Seeds are JSON integers: keep them exact in any JSON reader (2^53 - 1). */
#define HB_SIM_FAULT_MAX_SEED        G_GINT64_CONSTANT (9007199254740991)

typedef struct {
  /* fixed */
  guint    status;                  /* answer with this status (400..599); 0: none */
  guint    delay_ms;                /* wait this long before answering; 0: none */
  gboolean drop;                    /* close the connection without an answer */
  gboolean fail_after_commit;       /* record an application/rating, then answer 503 */
  guint    times;                   /* affect only this many more requests; 0: until cleared */
  /* rates, each in [0, 1] */
  double   drop_rate;               /* close without an answer */
  double   error_rate;              /* answer error_status instead */
  guint    error_status;            /* 400..599, default 503 */
  double   fail_after_commit_rate;  /* record, then answer 503 */
  double   truncate_rate;           /* full Content-Length, connection closed half-way */
  double   garble_rate;             /* body bytes flipped, same length */
  double   slow_rate;               /* body trickled at slow_bytes_per_s */
  guint    slow_bytes_per_s;
  guint    latency_min_ms;          /* extra delay drawn uniformly per request; */
  guint    latency_max_ms;          /*   latency_max_ms 0: none */
  gint64   seed;                    /* set whenever a rate is (drawn if not given) */
  guint64  rng;                     /* PRNG state, advanced by each request */
} HbSimFaults;

/* What happens to one /v1 request. */
typedef struct {
  guint       delay_ms;             /* delay_ms + latency */
  gboolean    latency;              /* a latency was drawn (for the counters) */
  gboolean    drop;
  guint       status;               /* answer this instead; 0: none */
  const char *status_what;          /* "status" (fixed) or "error" (error_rate) */
  gboolean    fail_after_commit;
  gboolean    truncate;
  gboolean    garble;
  guint       slow_bytes_per_s;     /* 0: at full speed */
  guint64     noise;                /* seeds which bytes garble flips */
} HbSimFaultPlan;

/* Parses a fault set ({} is the empty set). Unknown members and out-of-range values are
 * errors, so a typo in a test does not silently inject nothing. A set with rates and no
 * "seed" gets a random one, shown by hb_sim_faults_to_json so the run can be replayed. */
gboolean  hb_sim_faults_parse (JsonNode *node, HbSimFaults *out, GError **error);
JsonNode *hb_sim_faults_to_json (const HbSimFaults *faults);
gboolean  hb_sim_faults_is_empty (const HbSimFaults *faults);

/* The faults that apply to one /v1 request (commits: the request records something, so
 * fail_after_commit can apply). When any applies, one of active->times is used up and
 * the set clears itself at zero. Advances active's PRNG. */
HbSimFaultPlan hb_sim_faults_take (HbSimFaults *active, gboolean commits);
gboolean       hb_sim_fault_plan_shapes_body (const HbSimFaultPlan *plan);

/* Garbling: flips the top bit of a few bytes (chosen by noise) of data. On UTF-8 text
 * that always leaves invalid UTF-8, so a reader that validates (as the terminal must)
 * can tell; the length is unchanged. */
void  hb_sim_faults_garble (guint8 *data, gsize len, guint64 noise);
/* How many body bytes a truncated answer sends: half, rounded down. */
gsize hb_sim_faults_truncated_length (gsize len);

G_END_DECLS
