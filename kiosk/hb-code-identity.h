/* hb-code-identity.h — what a scanned 随申码 stands for, as the platform resolved it
 * (POST /v1/codes/resolve, docs/platform-api.md): a resident, a business or a place.
 *
 * Pure and bounded (bytes in, struct out; tests/fuzz/fuzz-code-identity.c). Errors never
 * quote the reply: it carries personal data. */
#pragma once

#include "drivers/idcard/hb-idcard.h"

G_BEGIN_DECLS

#define HB_CODE_IDENTITY_MAX_BYTES (64 * 1024)
#define HB_CODE_FIELD_MAX          256     /* bytes of any text member */

typedef enum {
  HB_CODE_IDENTITY_PERSON,
  HB_CODE_IDENTITY_ENTERPRISE,
  HB_CODE_IDENTITY_PLACE,
} HbCodeIdentityKind;

const char *hb_code_identity_kind_to_string (HbCodeIdentityKind kind);

/* A place (场所码): shown to whoever scanned it; no personal data. The *_en texts are
 * the platform's English (each may be NULL: the Chinese is shown then). */
typedef struct {
  char *id;
  char *name;
  char *address;   /* may be NULL */
  char *hours;     /* may be NULL */
  char *notice;    /* may be NULL */
  char *name_en, *address_en, *hours_en, *notice_en;
} HbPlace;

HbPlace *hb_place_copy (const HbPlace *place);
void     hb_place_free (HbPlace *place);
GType    hb_place_get_type (void);
#define HB_TYPE_PLACE (hb_place_get_type ())
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbPlace, hb_place_free)

typedef struct {
  HbCodeIdentityKind kind;
  HbIdCard  *card;          /* PERSON: the resident's card data */
  char      *org_name;      /* ENTERPRISE */
  char      *uscc;          /* ENTERPRISE: 统一社会信用代码, 18 characters */
  char      *legal_person;  /* ENTERPRISE: masked, may be NULL */
  HbPlace   *place;         /* PLACE */
} HbCodeIdentity;

/* {"kind":"person", …card members…} (a reply without "kind" is a person, as before
 * kinds existed), {"kind":"enterprise","enterprise":{"name","uscc","legal_person"}},
 * {"kind":"place","place":{"id","name","address","hours","notice"}}.
 * Errors: G_IO_ERROR_INVALID_DATA / MESSAGE_TOO_LARGE, or the card parser's. */
HbCodeIdentity *hb_code_identity_parse (const char *data, gsize length, GError **error);
/* Wipes the personal fields. NULL-safe. */
void            hb_code_identity_free  (HbCodeIdentity *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbCodeIdentity, hb_code_identity_free)

G_END_DECLS
