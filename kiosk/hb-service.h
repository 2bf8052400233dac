/* hb-service.h — one government service (事项) as the terminal offers it: its guide
 * (办事指南), its form and its receipt, parsed from the catalog's service object
 * (docs/service-format.md). Immutable once parsed. */
#pragma once

#include <glib-object.h>
#include "kiosk/hb-condition.h"

G_BEGIN_DECLS

/* A text in Chinese with an optional English sibling ("x" / "x_en" in the data). */
typedef struct {
  char *zh;
  char *en;   /* may be NULL */
} HbText;

/* The text for the current UI language (hb-i18n.h); "" for NULL. */
const char *hb_text_get (const HbText *text);

typedef enum {
  HB_FIELD_TEXT,
  HB_FIELD_ID_NUMBER,
  HB_FIELD_PHONE,
  HB_FIELD_CHOICE,
  HB_FIELD_DATE,       /* YYYY-MM-DD, a real calendar date */
  HB_FIELD_NUMBER,     /* a whole number */
  HB_FIELD_USCC,       /* 统一社会信用代码: 18 characters, GB 32100 check character */
  HB_FIELD_POSTCODE,   /* 6 digits */
} HbFieldType;

typedef struct {
  char  *value;
  HbText label;
} HbFieldOption;

typedef struct {
  char       *id;             /* [a-z0-9_]{1,32}, unique in the form */
  HbText      label;
  HbText      hint;
  HbFieldType type;
  char       *prefill;        /* "person.name" … or NULL */
  char       *default_value;  /* or NULL */
  gboolean    readonly;
  gboolean    required;
  gboolean    sensitive;      /* shown and printed masked */
  guint       max_length;     /* characters; 0 = the type's default */
  GPtrArray  *options;        /* HbFieldOption*, CHOICE only */
  HbCondition *ask_if;        /* asked only when it holds; NULL = always */
} HbFormField;

typedef struct {
  HbText name;
  HbText note;
  char  *form;                /* "original", "copy", "electronic" */
  char  *id;                  /* [a-z0-9_]{1,32}, unique; NULL in version-1 data */
  guint  count;               /* copies; 1 when absent */
  char  *licence;             /* electronic licence type that replaces it, or NULL */
  HbCondition *required_if;   /* over the situations; NULL = always needed */
} HbMaterial;

/* A situation question (情形): asked one per page before the personal guide. */
typedef struct {
  char        *id;            /* [a-z0-9_]{1,32}, unique */
  HbText       question;
  HbText       hint;
  GPtrArray   *options;       /* HbFieldOption*, 2–8 */
  HbCondition *ask_if;        /* refers only to earlier situations; NULL = always */
} HbSituation;

typedef enum {
  HB_RULE_ELIGIBILITY,        /* 资格 */
  HB_RULE_CONSISTENCY,        /* 前后一致 */
  HB_RULE_FORMAT,             /* 格式 */
  HB_RULE_COMPLETENESS,       /* 完整 */
} HbRuleKind;

/* A pre-review rule (智能预审): fails when `when` holds (or is NULL) and `require` does not. */
typedef struct {
  char        *id;
  HbRuleKind   kind;
  HbCondition *when;          /* or NULL */
  HbCondition *require;
  char        *field;         /* where the inline message goes, or NULL (summary only) */
  HbText       message;
} HbPrereviewRule;

typedef enum {
  HB_SERVICE_KIND_SERVICE,
  HB_SERVICE_KIND_BUNDLE,     /* 一件事 */
} HbServiceKind;

typedef enum {
  HB_SERVICE_FOR_PERSON     = 1 << 0,
  HB_SERVICE_FOR_ENTERPRISE = 1 << 1,
} HbServiceAudience;

#define HB_SERVICE_ERROR (hb_service_error_quark ())
GQuark hb_service_error_quark (void);
typedef enum {
  HB_SERVICE_ERROR_INVALID,
} HbServiceError;

/* Limits on what a service object may hold. */
#define HB_SERVICE_MAX_BYTES   (256 * 1024)
#define HB_SERVICE_MAX_FIELDS  50
#define HB_SERVICE_MAX_OPTIONS 50
#define HB_SERVICE_MAX_ITEMS   50      /* conditions, materials */
#define HB_SERVICE_TEXT_MAX    2048    /* bytes per string */
#define HB_SERVICE_MAX_BUNDLE_MEMBERS 20

#define HB_TYPE_SERVICE (hb_service_get_type ())
G_DECLARE_FINAL_TYPE (HbService, hb_service, HB, SERVICE, GObject)

HbService    *hb_service_new_from_json (const char *data, gssize length, GError **error);

const char   *hb_service_get_code        (HbService *self);
const HbText *hb_service_get_name        (HbService *self);
const HbText *hb_service_get_summary     (HbService *self);
const HbText *hb_service_get_category    (HbService *self);
const HbText *hb_service_get_department  (HbService *self);
/* Offered at this terminal (kiosk.available); otherwise guide only. */
gboolean      hb_service_is_available    (HbService *self);
gboolean      hb_service_needs_hardware  (HbService *self, const char *kind);

/* Guide */
GPtrArray    *hb_service_get_conditions  (HbService *self);   /* HbText* */
GPtrArray    *hb_service_get_materials   (HbService *self);   /* HbMaterial* */
const HbText *hb_service_get_time_limit  (HbService *self);
const HbText *hb_service_get_fee         (HbService *self);
const char   *hb_service_get_consult_phone (HbService *self);
const HbText *hb_service_get_channel_note  (HbService *self);
int           hb_service_get_visits_required (HbService *self);

/* Form */
GPtrArray    *hb_service_get_fields      (HbService *self);   /* HbFormField* */
const HbFormField *hb_service_find_field (HbService *self, const char *id);
const HbText *hb_service_get_receipt_title (HbService *self);

/* Version 2 (docs/service-format.md) */
HbServiceKind hb_service_get_kind        (HbService *self);
/* "XK", "QR", "CJ", "GF", "JL", "BA", "QT", "GG", or NULL when absent. */
const char   *hb_service_get_service_type (HbService *self);
HbServiceAudience hb_service_get_audience (HbService *self);   /* absent = PERSON */
const char *const *hb_service_get_life_events (HbService *self);   /* never NULL */
const char *const *hb_service_get_keywords    (HbService *self);   /* never NULL */
gint64        hb_service_get_popularity  (HbService *self);
GPtrArray    *hb_service_get_situations  (HbService *self);   /* HbSituation*, in order */
const HbSituation *hb_service_find_situation (HbService *self, const char *id);
GPtrArray    *hb_service_get_process     (HbService *self);   /* HbText*, in order */
GPtrArray    *hb_service_get_legal_basis (HbService *self);   /* HbText* */
gboolean      hb_service_is_fee_charged  (HbService *self);
const HbText *hb_service_get_fee_basis   (HbService *self);
/* Workdays by law (法定) and as promised (承诺); -1 when absent. */
int           hb_service_get_legal_workdays    (HbService *self);
int           hb_service_get_promised_workdays (HbService *self);
gboolean      hb_service_is_instant      (HbService *self);
GPtrArray    *hb_service_get_prereview   (HbService *self);   /* HbPrereviewRule*, in order */
/* Bundles: member service codes (in order) and the field ids their forms take from the
 * bundle's form. Empty for a plain service; never NULL. */
const char *const *hb_service_get_bundle_members (HbService *self);
const char *const *hb_service_get_bundle_shared  (HbService *self);
/* A field's ask_if holds or cannot be decided for these answers (fields without ask_if are
 * always asked). */
gboolean      hb_service_field_is_asked  (HbService *self, const HbFormField *field,
                                          const HbConditionContext *context);

G_END_DECLS
