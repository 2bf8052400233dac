/* hb-person.h — the resident of the current visit.
 *
 * Made from an ID card read or a resolved 随申码; owned by HbSession and wiped with it.
 * Anything shown on a screen that does not need the full value, and everything that
 * goes to a log, uses the masked accessors. */
#pragma once

#include <glib-object.h>
#include "drivers/idcard/hb-idcard.h"

G_BEGIN_DECLS

typedef enum {
  HB_IDENTITY_ID_CARD,       /* read from the card on the reader */
  HB_IDENTITY_CODE,          /* 随申码 resolved by the platform */
  HB_IDENTITY_OFFLINE_CODE,  /* offline 随申码 verified on the terminal (signature) */
} HbIdentitySource;

/* 自然人 or 法人: an enterprise's code opens the business services. */
typedef enum {
  HB_PRINCIPAL_PERSON,
  HB_PRINCIPAL_ENTERPRISE,
} HbPrincipal;

#define HB_TYPE_PERSON (hb_person_get_type ())
G_DECLARE_FINAL_TYPE (HbPerson, hb_person, HB, PERSON, GObject)

/* A resident with the data of an ID card (copied). */
HbPerson        *hb_person_new (const HbIdCard *card, HbIdentitySource source);
/* A resident known only by the platform's opaque subject id and a name the platform
 * already masked (an offline code): no ID number, no address. Fields of a form that
 * would be pre-filled from the card are left to the platform (hb_person_has_card_data). */
HbPerson        *hb_person_new_subject (const char *subject, const char *masked_name,
                                        HbIdentitySource source);
/* A business (法人). name and uscc (统一社会信用代码) may be NULL when the code carried
 * only a subject; legal_person comes masked. */
HbPerson        *hb_person_new_enterprise (const char *subject, const char *name,
                                           const char *uscc, const char *legal_person,
                                           HbIdentitySource source);

HbIdentitySource hb_person_get_source (HbPerson *self);
HbPrincipal      hb_person_get_principal (HbPerson *self);
/* The platform's subject id (offline codes), or NULL. */
const char      *hb_person_get_subject (HbPerson *self);
/* TRUE when the identity came with an ID card's fields (card read, or a code the
 * platform resolved to a person). */
gboolean         hb_person_has_card_data (HbPerson *self);
HbIdCardType     hb_person_get_card_type (HbPerson *self);
/* Enterprise fields; NULL for a resident. */
const char      *hb_person_get_enterprise_name (HbPerson *self);
const char      *hb_person_get_enterprise_uscc (HbPerson *self);
const char      *hb_person_get_legal_person    (HbPerson *self);   /* masked */

/* Full values: for pre-filling a form and the platform payload only. NULL after wipe,
 * and NULL for what the identity does not carry (a subject's name is masked). */
const char      *hb_person_get_name       (HbPerson *self);
const char      *hb_person_get_id_number  (HbPerson *self);
const char      *hb_person_get_address    (HbPerson *self);
const char      *hb_person_get_birth_date (HbPerson *self);
HbSex            hb_person_get_sex        (HbPerson *self);
/* Age in whole years on date (or today when NULL); -1 if unknown. */
int              hb_person_get_age (HbPerson *self, GDateTime *date);

/* Masked copies for screens and logs. */
char            *hb_person_dup_masked_name (HbPerson *self);     /* 张*, 张*伟, 欧**峰; a
                                                                  * business: its name */
char            *hb_person_dup_masked_id   (HbPerson *self);     /* 310***********1237 */
char            *hb_person_dup_masked_address (HbPerson *self);  /* first 6 characters + **** */

/* Pure masking helpers (also used for form values). */
char            *hb_mask_id_number (const char *id_number);
char            *hb_mask_name      (const char *name);
char            *hb_mask_phone     (const char *phone);          /* 138****5678 */
char            *hb_mask_address   (const char *address);

/* Value of a pre-fill source: "person.name", "person.id_number", "person.address",
 * "person.birth_date", "person.sex" ("男"/"女" or "male"/"female" by language), "person.nation",
 * "enterprise.name", "enterprise.uscc", "enterprise.legal_person". NULL for an unknown
 * source or one this identity does not carry. (transfer full) */
char            *hb_person_dup_prefill (HbPerson *self, const char *source);

/* Zero every personal field now (also done on finalize). Idempotent. */
void             hb_person_wipe (HbPerson *self);
gboolean         hb_person_is_wiped (HbPerson *self);

/* Zero and free a string that held personal data. NULL-safe. */
void             hb_secure_free (char *text);

G_END_DECLS
