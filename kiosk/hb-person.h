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
  HB_IDENTITY_ID_CARD,     /* read from the card on the reader */
  HB_IDENTITY_CODE,        /* 随申码 resolved by the platform */
} HbIdentitySource;

#define HB_TYPE_PERSON (hb_person_get_type ())
G_DECLARE_FINAL_TYPE (HbPerson, hb_person, HB, PERSON, GObject)

/* Copies the card. */
HbPerson        *hb_person_new (const HbIdCard *card, HbIdentitySource source);

HbIdentitySource hb_person_get_source (HbPerson *self);
HbIdCardType     hb_person_get_card_type (HbPerson *self);

/* Full values: for pre-filling a form and the platform payload only. NULL after wipe. */
const char      *hb_person_get_name       (HbPerson *self);
const char      *hb_person_get_id_number  (HbPerson *self);
const char      *hb_person_get_address    (HbPerson *self);
const char      *hb_person_get_birth_date (HbPerson *self);
HbSex            hb_person_get_sex        (HbPerson *self);
/* Age in whole years on date (or today when NULL); -1 if unknown. */
int              hb_person_get_age (HbPerson *self, GDateTime *date);

/* Masked copies for screens and logs. */
char            *hb_person_dup_masked_name (HbPerson *self);     /* 张*, 张*伟, 欧**峰 */
char            *hb_person_dup_masked_id   (HbPerson *self);     /* 310***********1237 */
char            *hb_person_dup_masked_address (HbPerson *self);  /* first 6 characters + **** */

/* Pure masking helpers (also used for form values). */
char            *hb_mask_id_number (const char *id_number);
char            *hb_mask_name      (const char *name);
char            *hb_mask_phone     (const char *phone);          /* 138****5678 */
char            *hb_mask_address   (const char *address);

/* Value of a pre-fill source: "person.name", "person.id_number", "person.address",
 * "person.birth_date", "person.sex" ("男"/"女" or "male"/"female" by language). NULL for
 * an unknown source. (transfer full) */
char            *hb_person_dup_prefill (HbPerson *self, const char *source);

/* Zero every personal field now (also done on finalize). Idempotent. */
void             hb_person_wipe (HbPerson *self);
gboolean         hb_person_is_wiped (HbPerson *self);

/* Zero and free a string that held personal data. NULL-safe. */
void             hb_secure_free (char *text);

G_END_DECLS
