/* hb-sim-profile.h — POST /v1/profile (the platform's profile of a resident and the values
 * of their earlier submissions, for pre-fill) and POST /v1/licences (their electronic
 * licences, for 两个免于提交). Made up from the ID number (hb-sim-person.h). */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"
#include "tools/platform-sim/hb-sim-http.h"
#include "tools/platform-sim/hb-sim-person.h"

G_BEGIN_DECLS

/* History keeps at most this many field values (the latest win). */
#define HB_SIM_PROFILE_MAX_HISTORY 200u

void     hb_sim_profile_handle  (HbSimContext *ctx, HbSimRequest *req);
void     hb_sim_licences_handle (HbSimContext *ctx, HbSimRequest *req);

/* Whether the person holds this licence type (the same answer /v1/licences gives). */
gboolean hb_sim_profile_has_licence (const HbSimPerson *p, const char *id_number, const char *type);

/* Whether an accepted application's body is this person's (by ID number, or by the
 * subject an offline code gave them). */
gboolean hb_sim_profile_is_applicant (HbSimContext *ctx, JsonObject *body, const char *id_number);

/* The body {"id_number": …} of these endpoints: answers 405/400 and returns NULL when it
 * is not one. (transfer full: the caller wipes it) */
char    *hb_sim_request_id_number (HbSimRequest *req, JsonNode **root);

G_END_DECLS
