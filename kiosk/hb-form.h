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

/* Pre-fills from person (may be NULL) and applies defaults. */
HbForm     *hb_form_new (HbService *service, HbPerson *person);
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
