/* hb-sim-faults.h — faults injected into /v1 answers (POST /_sim/faults). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_SIM_FAULT_MAX_DELAY_MS 60000u

typedef struct {
  guint    status;             /* answer with this status (400..599); 0: none */
  guint    delay_ms;           /* wait this long before answering; 0: none */
  gboolean drop;               /* close the connection without an answer */
  gboolean fail_after_commit;  /* record an application/rating, then answer 503 */
  guint    times;              /* affect only this many more requests; 0: until cleared */
} HbSimFaults;

/* Parses a fault set ({} is the empty set). Unknown members and out-of-range values are
 * errors, so a typo in a test does not silently inject nothing. */
gboolean  hb_sim_faults_parse (JsonNode *node, HbSimFaults *out, GError **error);
JsonNode *hb_sim_faults_to_json (const HbSimFaults *faults);
gboolean  hb_sim_faults_is_empty (const HbSimFaults *faults);

/* The faults that apply to one /v1 request (commits: the request records something, so
 * fail_after_commit can apply). When any applies, one of active->times is used up and
 * the set clears itself at zero. */
HbSimFaults hb_sim_faults_take (HbSimFaults *active, gboolean commits);

G_END_DECLS
