/* hb-prereview.h — smart pre-review (智能预审): a service's prereview rules checked on the
 * terminal before submit (docs/service-format.md "Pre-review").
 *
 * Fields whose ask_if does not hold are not asked: their values count as absent, and rules
 * that put their message at such a field are not checked. A `format` or `consistency` rule
 * at a field that is empty is not checked either: formats are checked on what was entered;
 * a missing answer is the business of `required` and `completeness` rules.
 *
 * A rule is reported only when its `when` surely holds and its `require` surely does not
 * (hb_condition_eval3): what the terminal cannot know — the age of a resident known by an
 * offline code, licences not fetched (licences NULL; pass an empty list when the resident
 * holds none) — is left to the platform. A field whose ask_if cannot be decided is asked. */
#pragma once

#include "kiosk/hb-form.h"

G_BEGIN_DECLS

typedef struct {
  const char *rule_id;    /* owned by the service */
  HbRuleKind  kind;
  const char *field_id;   /* where the inline message goes, or NULL: summary only */
  char       *message;    /* in the current language; says how to fix it */
} HbPrereviewProblem;

void        hb_prereview_problem_free (HbPrereviewProblem *problem);

/* The fields asked for these answers, in form order (HbFormField*, owned by the service):
 * a field's ask_if sees situation answers and the values of earlier asked fields.
 * answers (situation id → value), person, licences may be NULL. (transfer container) */
GPtrArray  *hb_prereview_asked_fields (HbForm *form, HbPerson *person, GHashTable *answers,
                                       const char *const *licences);

/* hb_form_validate for the asked fields only (HbFormProblem*, in form order): a required
 * field that is not asked is not missing. (transfer full) */
GPtrArray  *hb_prereview_validate_asked (HbForm *form, HbPerson *person, GHashTable *answers,
                                         const char *const *licences);

/* hb_form_to_json with the asked fields only: a value left in a field that is no longer
 * asked (an answer changed, or a default) is not sent. (transfer full) */
JsonNode   *hb_prereview_asked_json (HbForm *form, HbPerson *person, GHashTable *answers,
                                     const char *const *licences);

/* Failed rules in rule order (HbPrereviewProblem*); empty when all pass. today NULL = now.
 * (transfer full) */
GPtrArray  *hb_prereview_run (HbForm *form, HbPerson *person, GHashTable *answers,
                              const char *const *licences, GDateTime *today);

G_END_DECLS
