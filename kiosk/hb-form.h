/* hb-form.h — the answers of one service form for one resident: pre-fill from the
 * person, defaults, validation with messages that say what is wrong and how to fix it,
 * masked display values, and the JSON the platform receives.
 * Values are personal data: wiped on hb_form_wipe() and on finalize. */
#pragma once

#include "kiosk/hb-service.h"
#include "kiosk/hb-person.h"

G_BEGIN_DECLS

typedef struct {
  const HbFormField *field;
  char              *message;   /* translated; never contains the value */
} HbFormProblem;

void hb_form_problem_free (HbFormProblem *problem);

#define HB_TYPE_FORM (hb_form_get_type ())
G_DECLARE_FINAL_TYPE (HbForm, hb_form, HB, FORM, GObject)

/* Where pre-filled values come from besides the ID card (docs/service-format.md
 * "Pre-fill sources"). Any member may be NULL. The objects are only read while the form is
 * made; the form keeps copies of the values it takes (wiped with it).
 *   profile:    POST /v1/profile's "profile"  → profile.phone, profile.address, …
 *   history:    POST /v1/profile's "history"  → history.<field id>
 *   enterprise: POST /v1/enterprises/login's "enterprise" → enterprise.name, .uscc,
 *               .legal_rep, .address, .type, .registered_capital (from registered_capital_fen,
 *               in yuan) */
typedef struct {
  JsonObject *profile;
  JsonObject *history;
  JsonObject *enterprise;
} HbPrefill;

/* Pre-fills from person (may be NULL) and applies defaults. */
HbForm     *hb_form_new (HbService *service, HbPerson *person);
/* Same, with the platform's sources too (sources may be NULL). A source that has no value
 * for a field leaves it to its default. Values longer than HB_SERVICE_TEXT_MAX bytes or not
 * UTF-8 are not taken. */
HbForm     *hb_form_new_full (HbService *service, HbPerson *person, const HbPrefill *sources);
HbService  *hb_form_get_service (HbForm *self);

const char *hb_form_get_value (HbForm *self, const char *field_id);
/* FALSE for an unknown or read-only field. Emits "changed" (field id). */
gboolean    hb_form_set_value (HbForm *self, const char *field_id, const char *value);
/* TRUE when the value came from the person and was not edited. */
gboolean    hb_form_is_prefilled (HbForm *self, const char *field_id);
/* TRUE for a read-only field pre-filled from the ID card when the resident is known only
 * by a subject (offline code): it has no value here, is not validated, is left out of
 * hb_form_to_json, and the platform fills it from the subject. */
gboolean    hb_form_is_filled_by_platform (HbForm *self, const char *field_id);
/* What to show or print: masked for sensitive fields (and phones), the option label for
 * choices, "" when empty. (transfer full) */
char       *hb_form_dup_display_value (HbForm *self, const char *field_id);

/* What a printed receipt shows: paper leaves the terminal and may be left behind, so
 * ID numbers, phone numbers and free text are masked; choices print their label. */
char       *hb_form_dup_receipt_value (HbForm *self, const char *field_id);

/* A field value as conditions read it (hb-condition.h's field_value; data is the form). */
const char *hb_form_lookup_value (gpointer form, const char *field_id);

/* GB 32100 统一社会信用代码: 18 characters of 0-9 and A-Z without I, O, S, V, Z, the last
 * a check character. */
gboolean    hb_uscc_is_valid (const char *code);

/* NULL when the field's value is acceptable, else a translated message. */
char       *hb_form_validate_field (HbForm *self, const char *field_id);
/* All problems in field order (element type HbFormProblem*); empty when valid. */
GPtrArray  *hb_form_validate (HbForm *self);

/* {"field_id": "value", …} for the application body. (transfer full) */
JsonNode   *hb_form_to_json (HbForm *self);
/* Percentage (0–100) of fields that arrived filled (pre-fill or default). */
guint       hb_form_get_prefill_percent (HbForm *self);

void        hb_form_wipe (HbForm *self);

G_END_DECLS
