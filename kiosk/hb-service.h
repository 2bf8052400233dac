/* hb-service.h — one government service (事项) as the terminal offers it: its guide
 * (办事指南), its form and its receipt, parsed from the catalog's service object
 * (docs/service-format.md). Immutable once parsed. */
#pragma once

#include <glib-object.h>

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
} HbFormField;

typedef struct {
  HbText name;
  HbText note;
  char  *form;                /* "original", "copy", "electronic" */
} HbMaterial;

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

G_END_DECLS
