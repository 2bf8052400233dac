/* hb-condition.h — the small condition language of the catalog (docs/service-format.md
 * "Conditions"): required_if, ask_if, prereview when/require.
 *
 * A condition is JSON, parsed once when a service is parsed (regular expressions are
 * compiled then) and checked against the service's situations and fields; evaluation is
 * pure and never fails. A field value that is missing, not a date or number where one is
 * needed, or that a regex cannot match within PCRE's match limit makes its test false.
 * What the terminal cannot know is UNKNOWN (hb_condition_eval3): a person's age or sex when
 * there is no person or the identity carries no card data (an offline code, a business),
 * and licences when the caller has not fetched them (licences == NULL). all/any/not follow
 * Kleene's three-valued logic; hb_condition_eval counts UNKNOWN as not holding.
 * Errors name where the condition is (the caller's `where`, e.g. the service code and the
 * rule), never a resident's value. */
#pragma once

#include <json-glib/json-glib.h>
#include "kiosk/hb-person.h"

G_BEGIN_DECLS

/* Conditions may nest all/any/not this deep (a lone leaf is depth 1). */
#define HB_CONDITION_MAX_DEPTH     8
#define HB_CONDITION_MAX_CHILDREN  50
#define HB_CONDITION_REGEX_MAX     256     /* bytes of a "matches" pattern */
#define HB_CONDITION_VALUE_MAX     2048    /* longer values never match a regex */

typedef struct _HbCondition HbCondition;

/* What a condition may refer to. situations: id → GStrv of its option values (only the
 * situations already known at that point: ask_if refers to earlier ones); fields: id →
 * anything (a set). Either may be NULL (= none). */
typedef struct {
  GHashTable *situations;
  GHashTable *fields;
} HbConditionScope;

/* Where the answers come from. Every member may be NULL/0: an empty context. */
typedef struct {
  GHashTable *answers;                 /* situation id → chosen value */
  const char *(*field_value) (gpointer data, const char *field_id);
  gpointer    field_data;
  HbPerson   *person;
  const char *const *licences;         /* NULL-terminated licence types the resident holds;
                                        * NULL = not known (an empty list: holds none) */
  GDateTime  *today;                   /* NULL = now (local time) */
} HbConditionContext;

/* HB_SERVICE_ERROR_INVALID-style errors are the caller's to wrap; this one sets
 * G_IO_ERROR_INVALID_DATA with "<where>: <what is wrong>". */
HbCondition *hb_condition_parse (JsonNode *node, const HbConditionScope *scope,
                                 const char *where, GError **error);
void         hb_condition_free  (HbCondition *condition);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbCondition, hb_condition_free)

typedef enum {
  HB_CONDITION_FALSE,
  HB_CONDITION_TRUE,
  HB_CONDITION_UNKNOWN,
} HbConditionResult;

/* NULL condition: TRUE. NULL context: an empty one. */
HbConditionResult hb_condition_eval3 (const HbCondition *condition,
                                      const HbConditionContext *context);
/* hb_condition_eval3 () == HB_CONDITION_TRUE */
gboolean     hb_condition_eval  (const HbCondition *condition, const HbConditionContext *context);

/* The field a leaf {"field": …} condition tests, else NULL (prereview uses it). */
const char  *hb_condition_get_field (const HbCondition *condition);

/* [a-z0-9_]{1,32}: the ids of situations, fields, materials, rules and licence types. */
gboolean     hb_catalog_id_is_valid (const char *id);

/* "YYYY-MM-DD" (or the card's "YYYYMMDD") that is a real calendar date → TRUE and the
 * Julian day number. */
gboolean     hb_condition_parse_date (const char *text, guint32 *julian);

G_END_DECLS
