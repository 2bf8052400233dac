/* hb-sam-text.c — the 256-byte text block of a SAM read, in its four layouts, both ways.
 * Reference: ../shared/reference/idcard-sam-protocol.md §5–§9, §11; decisions and what is
 * unverified: docs/idcard-sam.md. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/idcard/hb-sam-text.h"
#include "drivers/idcard/hb-sam-frame.h"

#include <stdarg.h>
#include <string.h>

/* --- errors ------------------------------------------------------------------------- */

static gboolean refuse (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Every message names a field and never quotes its value: values are personal data. */
static gboolean
refuse (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (HB_SAM_ERROR, HB_SAM_ERROR_DATA, format, args));
  va_end (args);
  return FALSE;
}

/* --- UCS-2LE → UTF-8 ---------------------------------------------------------------- */

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/* Decodes into @out (room for 3 bytes per code unit), returning the UTF-8 length or -1.
 * Reads the bytes directly: no intermediate UTF-16 array to wipe. */
static gssize
ucs2_to_utf8 (const guint8 *bytes, gsize len, const char *field, char *out, GError **error)
{
  gsize n = len / 2, o = 0;

  if (len % 2 != 0)
    {
      refuse (error, "Card field \"%s\" has an odd number of bytes (%" G_GSIZE_FORMAT
              ") for UCS-2", field, len);
      return -1;
    }
  /* Padding: trailing spaces, and trailing NULs to be safe (§6). */
  while (n > 0)
    {
      guint u = bytes[2 * n - 2] | (guint) bytes[2 * n - 1] << 8;
      if (u != 0x0020 && u != 0x0000)
        break;
      n--;
    }
  for (gsize i = 0; i < n; i++)
    {
      gunichar c = bytes[2 * i] | (gunichar) bytes[2 * i + 1] << 8;

      if (c >= 0xD800 && c <= 0xDBFF)
        {
          gunichar low = i + 1 < n ? (bytes[2 * i + 2] | (gunichar) bytes[2 * i + 3] << 8) : 0;
          if (low < 0xDC00 || low > 0xDFFF)
            {
              refuse (error, "Card field \"%s\" has an unpaired UTF-16 surrogate at character %"
                      G_GSIZE_FORMAT, field, i + 1);
              return -1;
            }
          c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
          i++;
        }
      else if (c >= 0xDC00 && c <= 0xDFFF)
        {
          refuse (error, "Card field \"%s\" has an unpaired UTF-16 surrogate at character %"
                  G_GSIZE_FORMAT, field, i + 1);
          return -1;
        }
      else if (is_control (c))
        {
          refuse (error, "Card field \"%s\" contains a control character at character %"
                  G_GSIZE_FORMAT, field, i + 1);
          return -1;
        }
      o += (gsize) g_unichar_to_utf8 (c, out + o);
    }
  return (gssize) o;
}

char *
hb_sam_ucs2_field (const guint8 *bytes, gsize len, const char *field, GError **error)
{
  char stack[3 * HB_SAM_TEXT_LEN / 2];
  gsize room = len / 2 * 3;     /* a BMP character takes at most 3 bytes of UTF-8 */
  char *out = room <= sizeof stack ? stack : g_malloc (room);
  gssize n;
  char *result = NULL;

  g_return_val_if_fail (bytes != NULL || len == 0, NULL);

  n = ucs2_to_utf8 (bytes, len, field ? field : "text", out, error);
  if (n >= 0)
    result = g_strndup (out, (gsize) n);
  /* Also after a failure half-way: what was decoded so far is personal data. */
  explicit_bzero (out, room);
  if (out != stack)
    g_free (out);
  return result;
}

/* --- code tables -------------------------------------------------------------------- */

/* GB 3304 (§7.2). 46 is 德昂 (hev's table has the typo 德昴). */
static const char *const nations[] = {
  NULL,
  "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
  "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
  "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
  "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
  "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
  "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
};

const char *
hb_sam_nation_name (guint code)
{
  if (code >= 1 && code < G_N_ELEMENTS (nations))
    return nations[code];
  if (code == 97)
    return "其他";
  if (code == 98)
    return "外国血统中国籍人士";
  return NULL;
}

guint
hb_sam_nation_code (const char *name)
{
  if (name == NULL)
    return 0;
  for (guint code = 1; code < G_N_ELEMENTS (nations); code++)
    if (g_str_equal (name, nations[code]))
      return code;
  if (g_str_equal (name, "其他"))
    return 97;
  if (g_str_equal (name, "外国血统中国籍人士"))
    return 98;
  return 0;
}

/* --- layouts (§6, §9) --------------------------------------------------------------- */

typedef enum {
  KIND_TEXT,
  KIND_SEX,      /* one digit of GB/T 2261.1 */
  KIND_NATION,   /* two digits of GB 3304 */
} SlotKind;

/* One field: where it is in the block (a second part for the 2023 English name, which is
 * split in two) and which HbIdCard member holds it. */
typedef struct {
  const char *field;
  SlotKind    kind;
  glong       member;
  guint16     at, size;
  guint16     at2, size2;
} Slot;

#define M(m) G_STRUCT_OFFSET (HbIdCard, m)
#define TEXT(f, m, at, size)  { f, KIND_TEXT, M (m), at, size, 0, 0 }

#define RESIDENT_SLOTS \
  TEXT ("name", name, 0, 30), \
  { "sex", KIND_SEX, 0, 30, 2, 0, 0 }, \
  { "nation", KIND_NATION, M (nation), 32, 4, 0, 0 }, \
  TEXT ("birth_date", birth_date, 36, 16), \
  TEXT ("address", address, 52, 70), \
  TEXT ("id_number", id_number, 122, 36), \
  TEXT ("issuer", issuer, 158, 30), \
  TEXT ("valid_from", valid_from, 188, 16), \
  TEXT ("valid_to", valid_to, 204, 16)

static const Slot resident_slots[] = { RESIDENT_SLOTS };

static const Slot hmt_slots[] = {
  RESIDENT_SLOTS,
  TEXT ("pass_number", pass_number, 220, 18),
  TEXT ("issue_count", issue_count, 238, 4),
};

static const Slot foreign_2017_slots[] = {
  TEXT ("name_en", name_en, 0, 120),
  { "sex", KIND_SEX, 0, 120, 2, 0, 0 },
  TEXT ("id_number", id_number, 122, 30),
  TEXT ("nationality", nationality, 152, 6),
  TEXT ("name", name, 158, 30),
  TEXT ("valid_from", valid_from, 188, 16),
  TEXT ("valid_to", valid_to, 204, 16),
  TEXT ("birth_date", birth_date, 220, 16),
  TEXT ("card_version", card_version, 236, 4),
  TEXT ("issuer_code", issuer_code, 240, 8),
};

static const Slot foreign_2023_slots[] = {
  TEXT ("name", name, 0, 30),
  { "sex", KIND_SEX, 0, 30, 2, 0, 0 },
  TEXT ("renewal_count", renewal_count, 32, 4),
  TEXT ("birth_date", birth_date, 36, 16),
  { "name_en", KIND_TEXT, M (name_en), 52, 70, 220, 22 },
  TEXT ("id_number", id_number, 122, 36),
  TEXT ("valid_from", valid_from, 188, 16),
  TEXT ("valid_to", valid_to, 204, 16),
  TEXT ("nationality", nationality, 242, 6),
  TEXT ("previous_number", previous_number, 250, 6),
};

#define FLAG_AT 248

typedef struct {
  HbIdCardType type;
  guint8       flag;        /* UCS-2 character at 248, 0 for the resident card */
  const char  *label;
  const Slot  *slots;
  guint        n_slots;
} Layout;

static const Layout layouts[] = {
  { HB_IDCARD_TYPE_RESIDENT, 0, "resident card", resident_slots, G_N_ELEMENTS (resident_slots) },
  { HB_IDCARD_TYPE_HMT_RESIDENCE, 'J', "HK/Macao/Taiwan residence permit", hmt_slots,
    G_N_ELEMENTS (hmt_slots) },
  { HB_IDCARD_TYPE_FOREIGN_PERMANENT, 'I', "2017 foreign permanent resident card",
    foreign_2017_slots, G_N_ELEMENTS (foreign_2017_slots) },
  { HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023, 'Y', "2023 foreign permanent resident card",
    foreign_2023_slots, G_N_ELEMENTS (foreign_2023_slots) },
};

static const Layout *
layout_for_type (HbIdCardType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    if (layouts[i].type == type)
      return &layouts[i];
  return NULL;
}

static char **
member (HbIdCard *card, const Slot *slot)
{
  return G_STRUCT_MEMBER_P (card, slot->member);
}

/* --- validation --------------------------------------------------------------------- */

static gboolean
all_digits (const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
require (const char *value, const char *field, GError **error)
{
  if (value == NULL)
    return refuse (error, "Card field \"%s\" is blank", field);
  return TRUE;
}

static gboolean
check_date (const char *value, const char *field, GError **error)
{
  if (!require (value, field, error))
    return FALSE;
  if (!hb_idcard_date_is_valid (value))
    return refuse (error, "Card field \"%s\" is not a real date (YYYYMMDD)", field);
  return TRUE;
}

/* valid_to: a date, or text such as 长期 — the first character decides (§6). */
static gboolean
check_valid_to (const char *value, GError **error)
{
  if (!require (value, "valid_to", error))
    return FALSE;
  if (g_ascii_isdigit (value[0]) && !hb_idcard_date_is_valid (value))
    return refuse (error, "Card field \"%s\" is not a real date (YYYYMMDD) nor text such as 长期",
                   "valid_to");
  return TRUE;
}

/* The 18-character number of resident cards and 'J' permits (§11): shape, check digit,
 * birth date (digits 7–14) and sex (digit 17 odd for men, even for women). */
static gboolean
check_citizen_number (HbIdCard *card, gboolean hmt, GError **error)
{
  char *id = card->id_number;
  int sex_digit;

  if (!require (id, "id_number", error))
    return FALSE;
  if (strlen (id) != 18)
    return refuse (error, "Card field \"%s\" is not 18 characters", "id_number");
  id[17] = g_ascii_toupper (id[17]);
  if (!all_digits (id, 17) || !(g_ascii_isdigit (id[17]) || id[17] == 'X'))
    return refuse (error, "Card field \"%s\" is not 17 digits and a check character", "id_number");
  if (!hb_idcard_number_is_valid (id))
    return refuse (error, "Card field \"%s\" has a wrong check digit", "id_number");
  if (hmt && !(id[0] == '8' && (id[1] == '1' || id[1] == '2' || id[1] == '3')))
    return refuse (error, "Card field \"%s\" of a residence permit does not start with 81, 82 "
                   "or 83", "id_number");
  if (memcmp (id + 6, card->birth_date, 8) != 0)
    return refuse (error, "Card field \"%s\" does not match the birth date inside \"%s\"",
                   "birth_date", "id_number");
  sex_digit = id[16] - '0';
  if ((card->sex == HB_SEX_MALE && sex_digit % 2 == 0) ||
      (card->sex == HB_SEX_FEMALE && sex_digit % 2 == 1))
    return refuse (error, "Card field \"%s\" does not match the sex digit inside \"%s\"",
                   "sex", "id_number");
  return TRUE;
}

static gboolean
check_names (const HbIdCard *card, gboolean foreign, GError **error)
{
  /* Foreigners may have no Chinese name; nobody has no name (as in the JSON form). */
  if (foreign && card->name_en == NULL && card->name == NULL)
    return refuse (error, "Card fields \"%s\" and \"%s\" are both blank", "name_en", "name");
  if (!foreign)
    return require (card->name, "name", error);
  return TRUE;
}

static gboolean
validate (HbIdCard *card, GError **error)
{
  switch (card->type)
    {
    case HB_IDCARD_TYPE_RESIDENT:
    case HB_IDCARD_TYPE_HMT_RESIDENCE:
      {
        gboolean hmt = card->type == HB_IDCARD_TYPE_HMT_RESIDENCE;
        if (!check_names (card, FALSE, error) ||
            (!hmt && !require (card->nation, "nation", error)) ||
            !check_date (card->birth_date, "birth_date", error) ||
            !require (card->address, "address", error) ||
            !check_citizen_number (card, hmt, error) ||
            !require (card->issuer, "issuer", error) ||
            !check_date (card->valid_from, "valid_from", error) ||
            !check_valid_to (card->valid_to, error))
          return FALSE;
        if (hmt)
          {
            if (!require (card->pass_number, "pass_number", error) ||
                !require (card->issue_count, "issue_count", error))
              return FALSE;
            if (!all_digits (card->issue_count, strlen (card->issue_count)))
              return refuse (error, "Card field \"%s\" is not a number", "issue_count");
          }
        return TRUE;
      }

    case HB_IDCARD_TYPE_FOREIGN_PERMANENT:
      if (!check_names (card, TRUE, error) ||
          !check_date (card->birth_date, "birth_date", error) ||
          !require (card->id_number, "id_number", error))
        return FALSE;
      /* 15 letters and digits; no check digit is published for this edition. */
      if (strlen (card->id_number) != 15)
        return refuse (error, "Card field \"%s\" is not 15 characters", "id_number");
      for (char *p = card->id_number; *p; p++)
        {
          if (!g_ascii_isalnum (*p))
            return refuse (error, "Card field \"%s\" is not letters and digits", "id_number");
          *p = g_ascii_toupper (*p);     /* stored uppercase, as the JSON form does */
        }
      return check_date (card->valid_from, "valid_from", error) &&
             check_valid_to (card->valid_to, error);

    case HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023:
      if (!check_names (card, TRUE, error) ||
          !check_date (card->birth_date, "birth_date", error) ||
          !require (card->id_number, "id_number", error))
        return FALSE;
      /* An ID-number-style 18 characters with the ISO 7064 check digit. Where birth date
       * and sex sit inside it is not documented well enough to check. */
      if (strlen (card->id_number) != 18)
        return refuse (error, "Card field \"%s\" is not 18 characters", "id_number");
      card->id_number[17] = g_ascii_toupper (card->id_number[17]);
      if (!hb_idcard_number_is_valid (card->id_number))
        return refuse (error, "Card field \"%s\" has a wrong check digit", "id_number");
      if (card->renewal_count && !all_digits (card->renewal_count, strlen (card->renewal_count)))
        return refuse (error, "Card field \"%s\" is not a number", "renewal_count");
      return check_date (card->valid_from, "valid_from", error) &&
             check_valid_to (card->valid_to, error);

    default:
      return refuse (error, "Card type %d has no layout", (int) card->type);
    }
}

/* --- decoding ----------------------------------------------------------------------- */

/* One slot → UTF-8, NULL when blank. The split English name is joined before trimming so
 * a space at the split survives. */
static gboolean
decode_slot (const guint8 *text, const Slot *slot, char **out, GError **error)
{
  guint8 joined[HB_SAM_TEXT_LEN];
  const guint8 *bytes = text + slot->at;
  gsize len = slot->size;
  char *s;

  if (slot->size2)
    {
      memcpy (joined, text + slot->at, slot->size);
      memcpy (joined + slot->size, text + slot->at2, slot->size2);
      bytes = joined;
      len += slot->size2;
    }
  s = hb_sam_ucs2_field (bytes, len, slot->field, error);
  if (slot->size2)
    explicit_bzero (joined, len);
  if (s == NULL)
    return FALSE;
  if (*s == '\0')
    g_clear_pointer (&s, g_free);
  *out = s;
  return TRUE;
}

static gboolean
decode_sex (const char *s, HbSex *out, GError **error)
{
  if (s == NULL)
    return refuse (error, "Card field \"%s\" is blank", "sex");
  if (strlen (s) != 1 || strchr ("0129", s[0]) == NULL)
    return refuse (error, "Card field \"%s\" is not one of the codes 0, 1, 2, 9", "sex");
  *out = (HbSex) (s[0] - '0');
  return TRUE;
}

/* "01" → "汉"; a well-formed code outside the table stays its digits (§7.2). */
static gboolean
decode_nation (char **value, GError **error)
{
  const char *name;
  char *s = *value;

  if (s == NULL)
    return TRUE;
  if (strlen (s) != 2 || !all_digits (s, 2))
    return refuse (error, "Card field \"%s\" is not a 2-digit code", "nation");
  name = hb_sam_nation_name ((guint) ((s[0] - '0') * 10 + (s[1] - '0')));
  if (name != NULL)
    {
      g_free (s);
      *value = g_strdup (name);
    }
  return TRUE;
}

static const Layout *
layout_for_flag (const guint8 *text, GError **error)
{
  guint flag = text[FLAG_AT] | (guint) text[FLAG_AT + 1] << 8;

  /* A resident card leaves the flag blank; an unknown flag is refused rather than read as
   * a resident card (docs/idcard-sam.md: a misread layout is a wrong identity). */
  if (flag == 0x0020 || flag == 0x0000)
    return &layouts[0];
  for (guint i = 1; i < G_N_ELEMENTS (layouts); i++)
    if (flag == layouts[i].flag)
      return &layouts[i];
  refuse (error, "Card type flag U+%04X at offset %d is not 'I', 'J', 'Y' or blank", flag, FLAG_AT);
  return NULL;
}

HbIdCard *
hb_sam_decode_text (const guint8 *text, gsize len, GError **error)
{
  g_autoptr(HbIdCard) card = NULL;
  const Layout *layout;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len != HB_SAM_TEXT_LEN)
    {
      refuse (error, "Card text block is %" G_GSIZE_FORMAT " bytes, expected %d", len,
              HB_SAM_TEXT_LEN);
      return NULL;
    }
  layout = layout_for_flag (text, error);
  if (layout == NULL)
    return NULL;

  card = hb_idcard_new ();
  card->type = layout->type;
  for (guint i = 0; i < layout->n_slots; i++)
    {
      const Slot *slot = &layout->slots[i];
      char *value = NULL;
      gboolean ok;

      if (!decode_slot (text, slot, &value, error))
        return NULL;
      switch (slot->kind)
        {
        case KIND_SEX:
          ok = decode_sex (value, &card->sex, error);
          g_free (value);   /* one ASCII digit: nothing personal to wipe */
          break;
        case KIND_NATION:
          ok = decode_nation (&value, error);
          *member (card, slot) = value;
          break;
        case KIND_TEXT:
        default:
          *member (card, slot) = value;
          ok = TRUE;
          break;
        }
      if (!ok)
        return NULL;
    }
  if (!validate (card, error))
    return NULL;
  return g_steal_pointer (&card);
}

HbIdCard *
hb_sam_decode_base_info (const guint8 *data, gsize len, gboolean with_fingerprint,
                         GError **error)
{
  gsize header = with_fingerprint ? 6 : 4, total;
  guint text_len, photo_len, fp_len = 0;
  HbIdCard *card;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < header)
    {
      refuse (error, "Base info is %" G_GSIZE_FORMAT " bytes, shorter than its %" G_GSIZE_FORMAT
              "-byte length header", len, header);
      return NULL;
    }
  text_len = (guint) data[0] << 8 | data[1];
  photo_len = (guint) data[2] << 8 | data[3];
  if (with_fingerprint)
    fp_len = (guint) data[4] << 8 | data[5];
  if (text_len != HB_SAM_TEXT_LEN)
    {
      refuse (error, "Base info text length is %u, expected %d", text_len, HB_SAM_TEXT_LEN);
      return NULL;
    }
  if (photo_len > HB_SAM_PHOTO_LEN)
    {
      refuse (error, "Base info photo length is %u, over %d", photo_len, HB_SAM_PHOTO_LEN);
      return NULL;
    }
  if (fp_len > HB_SAM_FP_MAX)
    {
      refuse (error, "Base info fingerprint length is %u, over %d", fp_len, HB_SAM_FP_MAX);
      return NULL;
    }
  total = header + text_len + photo_len + fp_len;
  if (len != total)
    {
      refuse (error, "Base info is %" G_GSIZE_FORMAT " bytes but its lengths announce %"
              G_GSIZE_FORMAT, len, total);
      return NULL;
    }

  card = hb_sam_decode_text (data + header, text_len, error);
  if (card == NULL)
    return NULL;
  if (photo_len > 0)
    {
      /* g_free-owned, so hb_idcard_wipe() can steal and wipe it. */
      card->photo = g_bytes_new_take (g_memdup2 (data + header + text_len, photo_len), photo_len);
    }
  /* The fingerprint templates are not kept (no service needs them). */
  return card;
}

char *
hb_sam_decode_appended_address (const guint8 *data, gsize len, GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > HB_SAM_APPENDED_LEN)
    {
      refuse (error, "Card field \"%s\" is %" G_GSIZE_FORMAT " bytes, over %d",
              "address_appended", len, HB_SAM_APPENDED_LEN);
      return NULL;
    }
  return hb_sam_ucs2_field (data, len, "address_appended", error);
}

char *
hb_sam_format_sam_id (const guint8 *data, gsize len, GError **error)
{
  /* Raw bytes in order, grouped as the SDKs split them: two 16-bit words, then three
   * 32-bit numbers (§5.4). The SDKs' decimal rendering is unverified; hex is exact. */
  static const guint8 groups[] = { 2, 2, 4, 4, 4 };
  GString *s;
  gsize at = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len != HB_SAM_ID_LEN)
    {
      g_set_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA,
                   "SAM ID is %" G_GSIZE_FORMAT " bytes, expected %d", len, HB_SAM_ID_LEN);
      return NULL;
    }
  s = g_string_sized_new (40);
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      if (g > 0)
        g_string_append_c (s, '-');
      for (guint i = 0; i < groups[g]; i++)
        g_string_append_printf (s, "%02X", data[at++]);
    }
  return g_string_free (s, FALSE);
}

/* --- encoding ----------------------------------------------------------------------- */

/* Writes @value as UTF-16LE into @units (capacity @cap code units). Returns the number of
 * units, or -1 with an error for what the block cannot hold. */
static gssize
utf8_to_units (const char *value, const char *field, guint16 *units, gsize cap, GError **error)
{
  gsize n = 0;
  const char *p = value;
  gsize len = strlen (value);

  if (!g_utf8_validate_len (value, len, NULL))
    {
      refuse (error, "Card field \"%s\" is not valid UTF-8", field);
      return -1;
    }
  if (len > 0 && (value[len - 1] == ' '))
    {
      /* Indistinguishable from the padding: it would not come back. */
      refuse (error, "Card field \"%s\" ends with a space, which the text block cannot hold", field);
      return -1;
    }
  for (; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_control (c))
        {
          refuse (error, "Card field \"%s\" contains control characters", field);
          return -1;
        }
      if (n + (c >= 0x10000 ? 2 : 1) > cap)
        {
          refuse (error, "Card field \"%s\" is longer than its %" G_GSIZE_FORMAT " characters",
                  field, cap);
          return -1;
        }
      if (c >= 0x10000)
        {
          c -= 0x10000;
          units[n++] = (guint16) (0xD800 + (c >> 10));
          units[n++] = (guint16) (0xDC00 + (c & 0x3FF));
        }
      else
        units[n++] = (guint16) c;
    }
  return (gssize) n;
}

static void
put_units (guint8 *out, const guint16 *units, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      out[2 * i] = (guint8) units[i];
      out[2 * i + 1] = (guint8) (units[i] >> 8);
    }
}

static gboolean
encode_slot (const Slot *slot, const char *value, guint8 *out, GError **error)
{
  guint16 units[HB_SAM_TEXT_LEN / 2];
  gsize cap1 = slot->size / 2, cap = cap1 + slot->size2 / 2;
  gssize n;

  if (value == NULL || *value == '\0')
    return TRUE;                                  /* stays padding */
  n = utf8_to_units (value, slot->field, units, cap, error);
  if (n >= 0)
    {
      put_units (out + slot->at, units, MIN ((gsize) n, cap1));
      if ((gsize) n > cap1)
        put_units (out + slot->at2, units + cap1, (gsize) n - cap1);
    }
  explicit_bzero (units, sizeof units);
  return n >= 0;
}

/* Fields a layout has no room for must be empty: the card would not come back equal. */
static gboolean
check_fits_layout (const HbIdCard *card, const Layout *layout, GError **error)
{
  static const struct { const char *field; glong member; } optional[] = {
    { "name", M (name) }, { "name_en", M (name_en) }, { "nation", M (nation) },
    { "address", M (address) }, { "issuer", M (issuer) }, { "pass_number", M (pass_number) },
    { "issue_count", M (issue_count) }, { "nationality", M (nationality) },
    { "card_version", M (card_version) }, { "issuer_code", M (issuer_code) },
    { "renewal_count", M (renewal_count) }, { "previous_number", M (previous_number) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (optional); i++)
    {
      const char *value = G_STRUCT_MEMBER (const char *, card, optional[i].member);
      gboolean has_slot = FALSE;

      if (value == NULL || *value == '\0')
        continue;
      for (guint j = 0; j < layout->n_slots && !has_slot; j++)
        has_slot = layout->slots[j].member == optional[i].member &&
                   layout->slots[j].kind != KIND_SEX;
      if (!has_slot)
        return refuse (error, "Card field \"%s\" has no place on a %s", optional[i].field,
                       layout->label);
    }
  return TRUE;
}

static gboolean
encode_text (const HbIdCard *card, guint8 *out, GError **error)
{
  const Layout *layout = layout_for_type (card->type);

  if (layout == NULL)
    return refuse (error, "Card type %d has no layout", (int) card->type);
  if (!check_fits_layout (card, layout, error))
    return FALSE;

  for (gsize i = 0; i < HB_SAM_TEXT_LEN; i += 2)
    {
      out[i] = 0x20;
      out[i + 1] = 0x00;
    }
  if (layout->flag)
    out[FLAG_AT] = layout->flag;

  for (guint i = 0; i < layout->n_slots; i++)
    {
      const Slot *slot = &layout->slots[i];
      char digits[3];
      const char *value;

      switch (slot->kind)
        {
        case KIND_SEX:
          if (card->sex != HB_SEX_UNKNOWN && card->sex != HB_SEX_MALE &&
              card->sex != HB_SEX_FEMALE && card->sex != HB_SEX_UNSPECIFIED)
            return refuse (error, "Card field \"%s\" is not one of the codes 0, 1, 2, 9", "sex");
          digits[0] = (char) ('0' + card->sex);
          digits[1] = '\0';
          value = digits;
          break;
        case KIND_NATION:
          value = card->nation;
          if (value != NULL && *value != '\0')
            {
              guint code = hb_sam_nation_code (value);
              if (code != 0)
                {
                  digits[0] = (char) ('0' + code / 10);
                  digits[1] = (char) ('0' + code % 10);
                  digits[2] = '\0';
                  value = digits;
                }
              else if (strlen (value) != 2 || !all_digits (value, 2))
                return refuse (error, "Card field \"%s\" is neither a GB 3304 name nor a "
                               "2-digit code", "nation");
            }
          break;
        case KIND_TEXT:
        default:
          value = *(char *const *) G_STRUCT_MEMBER_P (card, slot->member);
          break;
        }
      if (!encode_slot (slot, value, out, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
hb_sam_encode_text (const HbIdCard *card, guint8 out[HB_SAM_TEXT_LEN], GError **error)
{
  g_return_val_if_fail (card != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (encode_text (card, out, error))
    return TRUE;
  explicit_bzero (out, HB_SAM_TEXT_LEN);
  return FALSE;
}

GBytes *
hb_sam_encode_base_info (const HbIdCard *card, GError **error)
{
  gsize photo_len = card && card->photo ? g_bytes_get_size (card->photo) : 0;
  GBytes *bytes;
  guint8 *d;

  g_return_val_if_fail (card != NULL, NULL);

  if (photo_len > HB_SAM_PHOTO_LEN)
    {
      refuse (error, "Card photo is %" G_GSIZE_FORMAT " bytes, over %d", photo_len,
              HB_SAM_PHOTO_LEN);
      return NULL;
    }
  /* Real modules always send 1024 photo bytes; a card without a photo gets zeros. */
  if (photo_len == 0)
    photo_len = HB_SAM_PHOTO_LEN;

  bytes = hb_sam_wiped_bytes_new (4 + HB_SAM_TEXT_LEN + photo_len, &d);
  d[0] = HB_SAM_TEXT_LEN >> 8;
  d[1] = HB_SAM_TEXT_LEN & 0xFF;
  d[2] = (guint8) (photo_len >> 8);
  d[3] = (guint8) photo_len;
  if (!hb_sam_encode_text (card, d + 4, error))
    {
      g_bytes_unref (bytes);
      return NULL;
    }
  if (card->photo && g_bytes_get_size (card->photo) > 0)
    memcpy (d + 4 + HB_SAM_TEXT_LEN, g_bytes_get_data (card->photo, NULL), photo_len);
  return bytes;
}

GBytes *
hb_sam_encode_appended_address (const char *address, GError **error)
{
  static const Slot slot = TEXT ("address_appended", address_appended, 0, HB_SAM_APPENDED_LEN);
  GBytes *bytes;
  guint8 *d;

  bytes = hb_sam_wiped_bytes_new (HB_SAM_APPENDED_LEN, &d);
  for (gsize i = 0; i < HB_SAM_APPENDED_LEN; i += 2)
    d[i] = 0x20;
  if (!encode_slot (&slot, address, d, error))
    {
      g_bytes_unref (bytes);
      return NULL;
    }
  return bytes;
}
