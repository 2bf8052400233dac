/* hb-idcard.h — the data read from an identity card, as the drivers hand it upward.
 *
 * Holds personal data: every string is owned and wiped (explicit_bzero) by
 * hb_idcard_free(). Never log a field of it; kiosk/HbPerson has the masked accessors. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  HB_IDCARD_TYPE_RESIDENT,                /* 居民身份证 (second generation) */
  HB_IDCARD_TYPE_FOREIGN_PERMANENT,       /* 外国人永久居留身份证, 2017 edition ('I') */
  HB_IDCARD_TYPE_HMT_RESIDENCE,           /* 港澳台居民居住证 ('J') */
  HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023,  /* 外国人永久居留身份证, 2023 edition ('Y') */
} HbIdCardType;

/* GB/T 2261.1 codes, which are also the digit on the card. */
typedef enum {
  HB_SEX_UNKNOWN     = 0,
  HB_SEX_MALE        = 1,
  HB_SEX_FEMALE      = 2,
  HB_SEX_UNSPECIFIED = 9,   /* 未说明的性别 */
} HbSex;

/* Longest field we accept from any source, in bytes of UTF-8 (the SAM text block holds
 * 70 UCS-2 characters of address at most; 256 leaves room for appended addresses). */
#define HB_IDCARD_FIELD_MAX 256
#define HB_IDCARD_PHOTO_MAX 1024

typedef struct {
  HbIdCardType type;
  char   *name;          /* 姓名 (UTF-8) */
  char   *name_en;       /* foreign cards: English name; else NULL */
  HbSex   sex;
  char   *nation;        /* 民族 name, e.g. "汉" (a code outside GB 3304 stays its 2 digits);
                            NULL for foreign cards, and for 'J' permits that leave it blank */
  char   *birth_date;    /* "YYYYMMDD" */
  char   *address;       /* 住址 */
  char   *id_number;     /* 18 characters, uppercase X ('I' cards: 15 letters and digits) */
  char   *issuer;        /* 签发机关 */
  char   *valid_from;    /* "YYYYMMDD" */
  char   *valid_to;      /* "YYYYMMDD" or "长期" (from a SAM: any text not starting with a digit) */
  GBytes *photo;         /* opaque WLT bytes, may be NULL; never written to disk */
  /* Fields only some layouts carry (NULL elsewhere, or when blank on the card). */
  char   *pass_number;       /* 'J': 通行证号码 (9 characters) */
  char   *issue_count;       /* 'J': 签发次数 (2 digits) */
  char   *nationality;       /* 'I', 'Y': nationality/region code (3 characters) */
  char   *card_version;      /* 'I': 证件版本号 (2 characters) */
  char   *issuer_code;       /* 'I': 当次申请受理机关代码 (4 characters) */
  char   *renewal_count;     /* 'Y': 换证次数 (2 characters) */
  char   *previous_number;   /* 'Y': 既往版本证件号码关联项 (3 characters) */
  char   *address_appended;  /* 追加住址 from a 30 03 read; NULL when the card has none */
} HbIdCard;

GType     hb_idcard_get_type (void);
#define HB_TYPE_IDCARD (hb_idcard_get_type ())

HbIdCard *hb_idcard_new  (void);
HbIdCard *hb_idcard_copy (const HbIdCard *card);
/* Wipes every field, then frees. NULL-safe. */
void      hb_idcard_free (HbIdCard *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbIdCard, hb_idcard_free)

/* Parse the JSON form used by virtual readers and sample cards (data/sample-cards.json):
 *   {"type":"resident","name":"…","sex":"male","nation":"汉","birth_date":"19850615",
 *    "address":"…","id_number":"…","issuer":"…","valid_from":"20150101","valid_to":"20350101"}
 * plus, where the card carries them, "pass_number", "issue_count", "nationality",
 * "card_version", "issuer_code", "renewal_count", "previous_number", "address_appended"
 * and "photo" (base64). "sex" is male, female, unknown or unspecified.
 * Bounded: each string ≤ HB_IDCARD_FIELD_MAX bytes and valid UTF-8; id_number must be 18
 * characters with a correct ISO 7064 MOD 11-2 check digit (a 2017 foreign permanent
 * card, "foreign-permanent", may instead carry its 15-character number of letters and
 * digits); dates must be real dates.
 * Errors are HB_IDCARD_ERROR_INVALID with a message naming the field (never its value). */
HbIdCard *hb_idcard_new_from_json (JsonObject *object, GError **error);
HbIdCard *hb_idcard_new_from_json_data (const char *data, gssize length, GError **error);
/* The same JSON form (for sending a sample card over the simulator socket). */
JsonNode *hb_idcard_to_json (const HbIdCard *card);

/* ISO 7064 MOD 11-2 check of an 18-character resident ID number (accepts lowercase x). */
gboolean  hb_idcard_number_is_valid (const char *id_number);
/* A real calendar date "YYYYMMDD" between 1800 and 2199. */
gboolean  hb_idcard_date_is_valid (const char *yyyymmdd);
/* The long-term validity text of valid_to. */
#define HB_IDCARD_LONG_TERM "长期"

#define HB_IDCARD_ERROR (hb_idcard_error_quark ())
GQuark hb_idcard_error_quark (void);
typedef enum {
  HB_IDCARD_ERROR_INVALID,
} HbIdCardError;

/* "resident", "foreign-permanent", "hmt-residence", "foreign-permanent-2023" */
const char *hb_idcard_type_to_string (HbIdCardType type);
gboolean    hb_idcard_type_from_string (const char *s, HbIdCardType *out);

G_END_DECLS
