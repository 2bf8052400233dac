/* hb-questions.h — what a visit asks, one question per page, and what it checks before it
 * submits: over the form of one service, or of a 一件事 bundle and its members' forms
 * (docs/service-format.md "Bundles").
 *
 * A bundle's own form asks the shared data once; each member's fields with a shared id take
 * the bundle's value (hb_questions_share) and are not asked again; the rest of each member's
 * form is asked after, member by member. Asked means: the field's ask_if does not surely
 * fail for these answers (hb-prereview.h). */
#pragma once

#include "kiosk/hb-prereview.h"

G_BEGIN_DECLS

typedef struct {
  HbForm            *form;     /* the part's form (not owned) */
  GPtrArray         *members;  /* HbForm* of a bundle's members in order, or NULL */
  const char *const *shared;   /* the field ids members take from form, or NULL */
  HbPerson          *person;
  GHashTable        *answers;  /* situation id → value, or NULL */
  const char *const *licences;
} HbQuestionsScope;

typedef struct {
  HbForm            *form;     /* the form the field belongs to (not owned) */
  const HbFormField *field;    /* owned by the form's service */
  guint              part;     /* 0: the service or bundle; 1…n: the bundle's member n */
} HbQuestion;

typedef struct {
  guint              part;
  HbForm            *form;
  const char        *field_id; /* where the inline message goes (owned by the service), or
                                * NULL: the summary only */
  char              *message;  /* translated; says how to fix it; never contains a value */
} HbQuestionProblem;

void        hb_question_problem_free (HbQuestionProblem *problem);

/* Copies the shared fields' values from the bundle's form into each member form that has
 * an editable field of that id. Nothing for a plain service. */
void        hb_questions_share (const HbQuestionsScope *scope);

/* Every asked field, part by part in form order, read-only ones included (the check page
 * shows them); a member part leaves out the shared fields. Element type HbQuestion*
 * (transfer full: free the array). */
GPtrArray  *hb_questions_list (const HbQuestionsScope *scope);

/* Whether a question gets a page of its own when the resident goes through the form: an
 * editable field that was not pre-filled from the resident's records (a pre-filled answer is
 * confirmed on the check page, where it can be changed). */
gboolean    hb_question_needs_page (const HbQuestion *question);

/* Index of the question on form/field_id in questions, or -1. */
int         hb_questions_find (GPtrArray *questions, HbForm *form, const char *field_id);

/* Everything in the way of submitting, part by part: each asked field's own problem
 * (required, format), then the part's failed pre-review rules. Shared values are copied
 * first; a shared answer is checked by the bundle's field and rules only (a member's rule
 * about it is the platform's business: members may disagree on it). today NULL = now.
 * Element type HbQuestionProblem* (transfer full); empty when ready. */
GPtrArray  *hb_questions_check (const HbQuestionsScope *scope, GDateTime *today);

/* The application's "form" object of one part: its asked fields only. (transfer full) */
JsonNode   *hb_questions_part_json (const HbQuestionsScope *scope, guint part);

G_END_DECLS
