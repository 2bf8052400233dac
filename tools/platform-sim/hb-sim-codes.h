/* hb-sim-codes.h — 随申码 resolution for POST /v1/codes/resolve (DATA/sample-cards.json). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HB_SIM_CODES_MAX_SIZE (1024u * 1024u)

#define HB_TYPE_SIM_CODES (hb_sim_codes_get_type ())
G_DECLARE_FINAL_TYPE (HbSimCodes, hb_sim_codes, HB, SIM_CODES, GObject)

typedef enum {
  HB_SIM_CODE_UNKNOWN,
  HB_SIM_CODE_VALID,
  HB_SIM_CODE_EXPIRED,
} HbSimCodeState;

/* Loads path: {"cards":[{…card…}], "codes":[{"text":…, "expired":bool, and one of
 *   "card":N (1-based; a resident),
 *   "enterprise":{"name","uscc" (18 of 0-9 A-Z),"legal_person" (masked)},
 *   "place":{"id","name","address","hours","notice"}}]}.
 * A missing file is not an error (every code is then unknown); a malformed one is. */
HbSimCodes     *hb_sim_codes_new (const char *path, GError **error);

/* Looks text up (re-reading the file if it changed). For a valid code, *card is the
 * POST /v1/codes/resolve answer (transfer full): the card object without its "label" plus
 * "kind":"person", or {"kind":"enterprise","enterprise":{…}}, or {"kind":"place","place":{…}}. */
HbSimCodeState  hb_sim_codes_resolve (HbSimCodes *self, const char *text, JsonNode **card);

G_END_DECLS
