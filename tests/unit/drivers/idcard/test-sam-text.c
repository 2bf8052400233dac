/* test-sam-text.c — the SAM text block in all four layouts: the reference's synthetic
 * frame byte for byte (§10.2), round trips of every card type, and refusal of every kind
 * of corruption with an error that names the field and does not quote it. */
#include "drivers/idcard/hb-sam-text.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

/* §10.2 of the reference. */
#define REFERENCE_SHA256 "8d7ecaf3b62380bbaff68d6137667914044974567e1b2d3fc9ba596150cc5904"
static const char reference_text_hex[] =
  "4B6DD58B20002000200020002000200020002000200020002000200020003200"
  "30003100310039003400390031003200330031001753AC4E025E1D6733963A53"
  "4B6DD58BEF8D3100F75320002000200020002000200020002000200020002000"
  "2000200020002000200020002000200020002000200020002000310031003000"
  "3100300035003100390034003900310032003300310030003000320058001753"
  "AC4E025E6C51895B405C1D6733960652405C2000200020002000200032003000"
  "3200300030003100300031003200300034003000300031003000310020002000"
  "2000200020002000200020002000200020002000200020002000200020002000";

/* --- cards -------------------------------------------------------------------------- */

static HbIdCard *
reference_card (void)
{
  HbIdCard *c = hb_idcard_new ();
  guint8 *photo = g_malloc0 (HB_SAM_PHOTO_LEN);
  static const guint8 wlt[] = { 0x57, 0x4C, 0x66, 0x00, 0x7E, 0x00, 0x32, 0x00 };

  c->type = HB_IDCARD_TYPE_RESIDENT;
  c->name = g_strdup ("测试");
  c->sex = HB_SEX_FEMALE;
  c->nation = g_strdup ("汉");
  c->birth_date = g_strdup ("19491231");
  c->address = g_strdup ("北京市朝阳区测试路1号");
  c->id_number = g_strdup ("11010519491231002X");
  c->issuer = g_strdup ("北京市公安局朝阳分局");
  c->valid_from = g_strdup ("20200101");
  c->valid_to = g_strdup ("20400101");
  memcpy (photo, wlt, sizeof wlt);
  c->photo = g_bytes_new_take (photo, HB_SAM_PHOTO_LEN);
  return c;
}

static HbIdCard *
hmt_card (void)
{
  HbIdCard *c = hb_idcard_new ();

  c->type = HB_IDCARD_TYPE_HMT_RESIDENCE;
  c->name = g_strdup ("陈嘉欣");
  c->sex = HB_SEX_FEMALE;
  c->birth_date = g_strdup ("19900512");
  c->address = g_strdup ("上海市静安区南京西路1266号2号楼1508室");
  c->id_number = g_strdup ("810000199005120020");
  c->issuer = g_strdup ("上海市公安局静安分局");
  c->valid_from = g_strdup ("20220901");
  c->valid_to = g_strdup ("20270901");
  c->pass_number = g_strdup ("H60123456");
  c->issue_count = g_strdup ("01");
  return c;
}

static HbIdCard *
foreign_2017_card (void)
{
  HbIdCard *c = hb_idcard_new ();

  c->type = HB_IDCARD_TYPE_FOREIGN_PERMANENT;
  c->name_en = g_strdup ("MUELLER, ANNA MARIA");
  c->name = g_strdup ("穆安娜");
  c->sex = HB_SEX_FEMALE;
  c->birth_date = g_strdup ("19880315");
  c->id_number = g_strdup ("DEU310880315023");
  c->nationality = g_strdup ("DEU");
  c->valid_from = g_strdup ("20180601");
  c->valid_to = g_strdup ("20280601");
  c->card_version = g_strdup ("01");
  c->issuer_code = g_strdup ("3100");
  return c;
}

static HbIdCard *
foreign_2023_card (void)
{
  HbIdCard *c = hb_idcard_new ();

  c->type = HB_IDCARD_TYPE_FOREIGN_PERMANENT_2023;
  c->name = g_strdup ("威廉森");
  c->name_en = g_strdup ("WILLIAMSON-FITZGERALD, ALEXANDER JONATHAN");
  c->sex = HB_SEX_MALE;
  c->birth_date = g_strdup ("19850704");
  c->id_number = g_strdup ("931826198507040136");
  c->nationality = g_strdup ("GBR");
  c->valid_from = g_strdup ("20240110");
  c->valid_to = g_strdup ("20340110");
  c->renewal_count = g_strdup ("00");
  c->previous_number = g_strdup ("A01");
  return c;
}

typedef HbIdCard *(*CardFunc) (void);
static const CardFunc every_card[] = { reference_card, hmt_card, foreign_2017_card, foreign_2023_card };

/* Blank and absent are the same on a card. */
static gboolean
same_string (const char *a, const char *b)
{
  return g_strcmp0 (a && *a ? a : NULL, b && *b ? b : NULL) == 0;
}

static void
assert_same_card (const HbIdCard *a, const HbIdCard *b)
{
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpint (a->sex, ==, b->sex);
#define SAME(f) if (!same_string (a->f, b->f)) g_error ("field " #f " differs")
  SAME (name); SAME (name_en); SAME (nation); SAME (birth_date); SAME (address);
  SAME (id_number); SAME (issuer); SAME (valid_from); SAME (valid_to); SAME (pass_number);
  SAME (issue_count); SAME (nationality); SAME (card_version); SAME (issuer_code);
  SAME (renewal_count); SAME (previous_number);
#undef SAME
}

/* Encodes @card's text block into @text (must succeed). */
static void
encode (const HbIdCard *card, guint8 text[HB_SAM_TEXT_LEN])
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_sam_encode_text (card, text, &error));
  g_assert_no_error (error);
}

/* Writes @value (UTF-8) as padded UCS-2LE into text[at, at + size). */
static void
put (guint8 *text, gsize at, gsize size, const char *value)
{
  glong n = 0;
  g_autofree gunichar2 *u = g_utf8_to_utf16 (value, -1, NULL, &n, NULL);

  g_assert_cmpint (n * 2, <=, (glong) size);
  for (gsize i = 0; i < size / 2; i++)
    {
      gunichar2 c = (glong) i < n ? u[i] : 0x20;
      text[at + 2 * i] = (guint8) c;
      text[at + 2 * i + 1] = (guint8) (c >> 8);
    }
}

/* Decoding must fail with DATA naming @field and not containing @secret. */
static void
assert_refused (const guint8 *text, const char *field, const char *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_sam_decode_text (text, HB_SAM_TEXT_LEN, &error);
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", field);

  g_assert_null (card);
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
  if (strstr (error->message, quoted) == NULL)
    g_error ("\"%s\" does not name %s", error->message, quoted);
  if (secret && strstr (error->message, secret) != NULL)
    g_error ("\"%s\" quotes the value", error->message);
}

static HbIdCard *
decode_ok (const guint8 *text)
{
  g_autoptr(GError) error = NULL;
  HbIdCard *card = hb_sam_decode_text (text, HB_SAM_TEXT_LEN, &error);

  g_assert_no_error (error);
  g_assert_nonnull (card);
  return card;
}

static char *
to_hex (const guint8 *p, gsize n)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02X", p[i]);
  return g_string_free (s, FALSE);
}

/* --- the reference frame (§10.2) ---------------------------------------------------- */

static GBytes *
reference_frame (void)
{
  g_autoptr(HbIdCard) card = reference_card ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = hb_sam_encode_base_info (card, &error);
  gsize len;
  const guint8 *d;

  g_assert_no_error (error);
  d = g_bytes_get_data (data, &len);
  return hb_sam_response_build (0, 0, HB_SAM_SW3_OK, d, len);
}

static void
test_reference_frame_is_byte_identical (void)
{
  g_autoptr(GBytes) frame = reference_frame ();
  gsize len;
  const guint8 *f = g_bytes_get_data (frame, &len);
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, f, len);
  g_autofree char *head = to_hex (f, 14);
  g_autofree char *text = to_hex (f + 14, HB_SAM_TEXT_LEN);

  g_assert_cmpuint (len, ==, 1295);
  g_assert_cmpstr (head, ==, "AAAAAA9669050800009001000400");
  g_assert_cmphex (f[len - 1], ==, 0xD7);
  g_assert_cmpstr (text, ==, reference_text_hex);
  g_assert_cmpstr (sha, ==, REFERENCE_SHA256);
}

static void
test_reference_frame_decodes_to_its_fields (void)
{
  g_autoptr(GBytes) frame = reference_frame ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;
  HbSamResponse r;
  gsize len;
  const guint8 *f = g_bytes_get_data (frame, &len), *photo;

  g_assert_true (hb_sam_response_parse (f, len, &r, &error));
  g_assert_true (hb_sam_response_check (&r, HB_SAM_SW3_OK, &error));
  card = hb_sam_decode_base_info (r.data, r.data_len, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card->type, ==, HB_IDCARD_TYPE_RESIDENT);
  g_assert_cmpstr (card->name, ==, "测试");
  g_assert_cmpint (card->sex, ==, HB_SEX_FEMALE);
  g_assert_cmpstr (card->nation, ==, "汉");
  g_assert_cmpstr (card->birth_date, ==, "19491231");
  g_assert_cmpstr (card->address, ==, "北京市朝阳区测试路1号");
  g_assert_cmpstr (card->id_number, ==, "11010519491231002X");
  g_assert_cmpstr (card->issuer, ==, "北京市公安局朝阳分局");
  g_assert_cmpstr (card->valid_from, ==, "20200101");
  g_assert_cmpstr (card->valid_to, ==, "20400101");
  g_assert_null (card->name_en);
  g_assert_null (card->pass_number);
  g_assert_null (card->address_appended);
  photo = g_bytes_get_data (card->photo, &len);
  g_assert_cmpuint (len, ==, HB_SAM_PHOTO_LEN);
  g_assert_cmphex (photo[0], ==, 0x57);
  g_assert_cmphex (photo[1], ==, 0x4C);
  g_assert_cmphex (photo[2], ==, 0x66);
  g_assert_cmphex (photo[4], ==, 0x7E);
}

/* The 30 10 variant (§5.2, §10.2): fp_len 0 → 1297 bytes, CHK D5; with a 1024-byte
 * fingerprint LEN 09 0A; the fingerprint is not kept. */
static void
test_fingerprint_variants_decode (void)
{
  g_autoptr(HbIdCard) card = reference_card ();
  g_autoptr(GBytes) info = hb_sam_encode_base_info (card, NULL);
  gsize n;
  const guint8 *d = g_bytes_get_data (info, &n);

  for (guint fp = 0; fp <= 1024; fp += 1024)
    {
      g_autofree guint8 *data = g_malloc0 (n + 2 + fp);
      g_autoptr(GBytes) frame = NULL;
      g_autoptr(HbIdCard) back = NULL;
      g_autoptr(GError) error = NULL;
      HbSamResponse r;
      gsize len;
      const guint8 *f;

      memcpy (data, d, 4);
      data[4] = (guint8) (fp >> 8);
      data[5] = (guint8) fp;
      memcpy (data + 6, d + 4, n - 4);
      memset (data + 2 + n, 0xEE, fp);
      frame = hb_sam_response_build (0, 0, 0x90, data, n + 2 + fp);
      f = g_bytes_get_data (frame, &len);
      if (fp == 0)
        {
          g_assert_cmpuint (len, ==, 1297);
          g_assert_cmphex (f[6], ==, 0x0A);
          g_assert_cmphex (f[len - 1], ==, 0xD5);
        }
      else
        {
          g_assert_cmpuint (len, ==, 2321);
          g_assert_cmphex (f[5], ==, 0x09);
          g_assert_cmphex (f[6], ==, 0x0A);
        }
      g_assert_true (hb_sam_response_parse (f, len, &r, NULL));
      back = hb_sam_decode_base_info (r.data, r.data_len, TRUE, &error);
      g_assert_no_error (error);
      assert_same_card (card, back);
      g_assert_true (g_bytes_equal (back->photo, card->photo));
      /* Read as a 30 01 answer, the same bytes do not add up. */
      g_clear_pointer (&back, hb_idcard_free);
      back = hb_sam_decode_base_info (r.data, r.data_len, FALSE, &error);
      g_assert_null (back);
      g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
    }
}

/* --- round trips -------------------------------------------------------------------- */

static void
test_every_card_type_round_trips (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (every_card); i++)
    {
      g_autoptr(HbIdCard) card = every_card[i] ();
      g_autoptr(HbIdCard) back = NULL;
      g_autoptr(GBytes) info = NULL;
      g_autoptr(GError) error = NULL;
      guint8 text[HB_SAM_TEXT_LEN], again[HB_SAM_TEXT_LEN];
      gsize n;
      const guint8 *d;

      encode (card, text);
      back = decode_ok (text);
      assert_same_card (card, back);
      /* And back to the same bytes. */
      encode (back, again);
      g_assert_cmpmem (text, sizeof text, again, sizeof again);

      /* Through the whole 30 01 DATA. */
      g_clear_pointer (&back, hb_idcard_free);
      info = hb_sam_encode_base_info (card, &error);
      g_assert_no_error (error);
      d = g_bytes_get_data (info, &n);
      g_assert_cmpuint (n, ==, 4 + HB_SAM_TEXT_LEN + HB_SAM_PHOTO_LEN);
      back = hb_sam_decode_base_info (d, n, FALSE, &error);
      g_assert_no_error (error);
      assert_same_card (card, back);
    }
}

static void
test_type_flags_sit_at_248 (void)
{
  static const guint8 flags[] = { 0x20, 'J', 'I', 'Y' };

  for (guint i = 0; i < G_N_ELEMENTS (every_card); i++)
    {
      g_autoptr(HbIdCard) card = every_card[i] ();
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      g_assert_cmphex (text[248], ==, flags[i]);
      g_assert_cmphex (text[249], ==, 0);
    }
}

static void
test_foreign_2017_fields_sit_where_the_reference_says (void)
{
  g_autoptr(HbIdCard) card = foreign_2017_card ();
  guint8 text[HB_SAM_TEXT_LEN], want[HB_SAM_TEXT_LEN];

  encode (card, text);
  memset (want, 0, sizeof want);
  put (want, 0, 120, "MUELLER, ANNA MARIA");
  put (want, 120, 2, "2");
  put (want, 122, 30, "DEU310880315023");
  put (want, 152, 6, "DEU");
  put (want, 158, 30, "穆安娜");
  put (want, 188, 16, "20180601");
  put (want, 204, 16, "20280601");
  put (want, 220, 16, "19880315");
  put (want, 236, 4, "01");
  put (want, 240, 8, "3100");
  put (want, 248, 2, "I");
  put (want, 250, 6, "");
  g_assert_cmpmem (text, sizeof text, want, sizeof want);
}

static void
test_foreign_2023_fields_sit_where_the_reference_says (void)
{
  g_autoptr(HbIdCard) card = foreign_2023_card ();
  guint8 text[HB_SAM_TEXT_LEN], want[HB_SAM_TEXT_LEN];

  encode (card, text);
  memset (want, 0, sizeof want);
  put (want, 0, 30, "威廉森");
  put (want, 30, 2, "1");
  put (want, 32, 4, "00");
  put (want, 36, 16, "19850704");
  put (want, 52, 70, "WILLIAMSON-FITZGERALD, ALEXANDER JO");   /* characters 1–35 */
  put (want, 122, 36, "931826198507040136");
  put (want, 158, 30, "");
  put (want, 188, 16, "20240110");
  put (want, 204, 16, "20340110");
  put (want, 220, 22, "NATHAN");                                /* characters 36–46 */
  put (want, 242, 6, "GBR");
  put (want, 248, 2, "Y");
  put (want, 250, 6, "A01");
  g_assert_cmpmem (text, sizeof text, want, sizeof want);
}

static void
test_hmt_fields_sit_where_the_reference_says (void)
{
  g_autoptr(HbIdCard) card = hmt_card ();
  guint8 text[HB_SAM_TEXT_LEN];
  g_autofree char *pass = NULL, *issues = NULL, *nation = NULL;

  encode (card, text);
  pass = hb_sam_ucs2_field (text + 220, 18, "pass_number", NULL);
  issues = hb_sam_ucs2_field (text + 238, 4, "issue_count", NULL);
  nation = hb_sam_ucs2_field (text + 32, 4, "nation", NULL);
  g_assert_cmpstr (pass, ==, "H60123456");
  g_assert_cmpstr (issues, ==, "01");
  g_assert_cmpstr (nation, ==, "");
}

static void
test_english_name_split_keeps_a_space_at_the_split (void)
{
  g_autoptr(HbIdCard) card = foreign_2023_card ();
  g_autoptr(HbIdCard) back = NULL;
  guint8 text[HB_SAM_TEXT_LEN];
  /* 34 letters, a space as character 35, and 11 more: exactly 46. */
  const char *name = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH IJKLMNOPQRS";

  g_assert_cmpuint (strlen (name), ==, 46);
  g_free (card->name_en);
  card->name_en = g_strdup (name);
  encode (card, text);
  back = decode_ok (text);
  g_assert_cmpstr (back->name_en, ==, name);

  /* One more does not fit. */
  {
    g_autoptr(GError) error = NULL;
    g_free (card->name_en);
    card->name_en = g_strconcat (name, "T", NULL);
    g_assert_false (hb_sam_encode_text (card, text, &error));
    g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
    g_assert_nonnull (strstr (error->message, "\"name_en\""));
    g_assert_nonnull (strstr (error->message, "46"));
  }
}

static void
test_decoded_cards_survive_the_json_form (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (every_card); i++)
    {
      g_autoptr(HbIdCard) card = every_card[i] ();
      g_autoptr(HbIdCard) back = NULL, again = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      back = decode_ok (text);
      back->address_appended = back->type == HB_IDCARD_TYPE_RESIDENT ? g_strdup ("上海市追加住址9号") : NULL;
      node = hb_idcard_to_json (back);
      json = json_to_string (node, FALSE);
      again = hb_idcard_new_from_json_data (json, -1, &error);
      g_assert_no_error (error);
      assert_same_card (back, again);
      g_assert_cmpstr (back->address_appended, ==, again->address_appended);
    }
}

/* --- validation --------------------------------------------------------------------- */

static void
test_bad_check_digit_is_refused (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HbIdCard) card = i == 0 ? reference_card () : hmt_card ();
      guint8 text[HB_SAM_TEXT_LEN];
      char *id = card->id_number;

      id[17] = id[17] == '0' ? '1' : '0';
      encode (card, text);
      assert_refused (text, "id_number", card->id_number);
      assert_refused (text, "id_number", card->id_number + 6);   /* not even in part */
    }
}

static void
test_birth_date_mismatch_is_refused (void)
{
  g_autoptr(HbIdCard) card = reference_card ();
  guint8 text[HB_SAM_TEXT_LEN];

  g_free (card->birth_date);
  card->birth_date = g_strdup ("19491230");
  encode (card, text);
  assert_refused (text, "birth_date", "19491230");
  assert_refused (text, "birth_date", "19491231");
}

static void
test_sex_mismatch_is_refused (void)
{
  g_autoptr(HbIdCard) card = reference_card ();
  guint8 text[HB_SAM_TEXT_LEN];

  card->sex = HB_SEX_MALE;          /* digit 17 is 2: a woman's */
  encode (card, text);
  assert_refused (text, "sex", card->id_number);

  /* 0 and 9 say nothing, so there is nothing to disagree with. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HbIdCard) back = NULL;
      card->sex = i == 0 ? HB_SEX_UNKNOWN : HB_SEX_UNSPECIFIED;
      encode (card, text);
      back = decode_ok (text);
      g_assert_cmpint (back->sex, ==, card->sex);
    }
}

static void
test_unknown_sex_codes_are_refused (void)
{
  const char *bad[] = { "3", "M", "男", "" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      put (text, 30, 2, bad[i]);
      assert_refused (text, "sex", NULL);
    }
}

static void
test_impossible_dates_are_refused (void)
{
  static const struct { const char *field; gsize at; const char *value; } bad[] = {
    { "birth_date", 36, "19490230" },
    { "birth_date", 36, "1949123" },
    { "birth_date", 36, "1949123X" },
    { "birth_date", 36, "长期" },
    { "valid_from", 188, "20201301" },
    { "valid_from", 188, "20230229" },
    { "valid_to", 204, "20400132" },
    { "valid_to", 204, "2040010" },
    { "valid_to", 204, "2040长期" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      put (text, bad[i].at, 16, bad[i].value);
      assert_refused (text, bad[i].field, bad[i].value);
    }
}

static void
test_long_term_validity_is_text (void)
{
  const char *texts[] = { "长期", "永久" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      g_autoptr(HbIdCard) back = NULL;
      guint8 text[HB_SAM_TEXT_LEN];

      g_free (card->valid_to);
      card->valid_to = g_strdup (texts[i]);
      encode (card, text);
      back = decode_ok (text);
      g_assert_cmpstr (back->valid_to, ==, texts[i]);
    }
}

static void
test_blank_required_fields_are_refused (void)
{
  static const struct { const char *field; gsize at, size; } fields[] = {
    { "name", 0, 30 }, { "sex", 30, 2 }, { "nation", 32, 4 }, { "birth_date", 36, 16 },
    { "address", 52, 70 }, { "id_number", 122, 36 }, { "issuer", 158, 30 },
    { "valid_from", 188, 16 }, { "valid_to", 204, 16 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      put (text, fields[i].at, fields[i].size, "");
      assert_refused (text, fields[i].field, NULL);
    }
  {
    /* The same with NUL padding instead of spaces. */
    g_autoptr(HbIdCard) card = reference_card ();
    guint8 text[HB_SAM_TEXT_LEN];
    encode (card, text);
    memset (text + 52, 0, 70);
    assert_refused (text, "address", NULL);
  }
}

static void
test_odd_ucs2_is_refused (void)
{
  static const guint8 bytes[] = { 0x4B, 0x6D, 0xD5 };
  g_autoptr(GError) error = NULL;
  char *s = hb_sam_ucs2_field (bytes, sizeof bytes, "name", &error);

  g_assert_null (s);
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "\"name\""));
  g_assert_nonnull (strstr (error->message, "odd"));
  g_clear_error (&error);

  s = hb_sam_decode_appended_address (bytes, sizeof bytes, &error);
  g_assert_null (s);
  g_assert_nonnull (strstr (error->message, "\"address_appended\""));
  g_clear_error (&error);

  g_assert_null (hb_sam_decode_text (bytes, sizeof bytes, &error));
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
}

static void
test_unpaired_surrogates_are_refused (void)
{
  static const guint16 bad[][3] = {
    { 0xD840, 0x0041, 0x0020 },   /* high then a letter */
    { 0xDC00, 0x0041, 0x0020 },   /* a lone low */
    { 0x0041, 0xD840, 0x0020 },   /* high at the end of the text (before padding) */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      for (guint j = 0; j < 3; j++)
        {
          text[2 * j] = (guint8) bad[i][j];
          text[2 * j + 1] = (guint8) (bad[i][j] >> 8);
        }
      assert_refused (text, "name", NULL);
    }
}

static void
test_paired_surrogates_decode (void)
{
  /* A rare character outside the BMP (U+20000) in a name, as UTF-16 allows. */
  g_autoptr(HbIdCard) card = reference_card ();
  g_autoptr(HbIdCard) back = NULL;
  guint8 text[HB_SAM_TEXT_LEN];

  g_free (card->name);
  card->name = g_strdup ("张\xF0\xA0\x80\x80");
  encode (card, text);
  g_assert_cmphex (text[2], ==, 0x40);
  g_assert_cmphex (text[3], ==, 0xD8);
  back = decode_ok (text);
  g_assert_cmpstr (back->name, ==, card->name);
}

static void
test_control_characters_are_refused (void)
{
  static const guint16 controls[] = { 0x0000, 0x000A, 0x001B, 0x007F, 0x0085 };

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      text[52 + 2] = (guint8) controls[i];       /* second character of the address */
      text[52 + 3] = (guint8) (controls[i] >> 8);
      assert_refused (text, "address", "北京");
    }
}

static void
test_unknown_type_flags_are_refused (void)
{
  static const guint16 flags[] = { 'Z', 'i', 'j', 0x4A01, 0x0049 | 0x0100, 0x3000, 0xFFFF };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      g_autoptr(GError) error = NULL;
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      text[248] = (guint8) flags[i];
      text[249] = (guint8) (flags[i] >> 8);
      g_assert_null (hb_sam_decode_text (text, sizeof text, &error));
      g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
      g_assert_nonnull (strstr (error->message, "type flag"));
    }
  {
    /* NUL instead of a space is a resident card too. */
    g_autoptr(HbIdCard) card = reference_card ();
    g_autoptr(HbIdCard) back = NULL;
    guint8 text[HB_SAM_TEXT_LEN];
    encode (card, text);
    text[248] = 0;
    back = decode_ok (text);
    g_assert_cmpint (back->type, ==, HB_IDCARD_TYPE_RESIDENT);
  }
}

static void
test_id_number_shapes_are_refused (void)
{
  const char *bad[] = { "11010519491231002", "1101051949123100XX", "11010519491231002Y",
                        "1101051949123A002X", "１１０１０５１９４９１２３１００２X" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      guint8 text[HB_SAM_TEXT_LEN];

      encode (card, text);
      put (text, 122, 36, bad[i]);
      assert_refused (text, "id_number", bad[i]);
    }
}

static void
test_lowercase_x_is_stored_uppercase (void)
{
  g_autoptr(HbIdCard) card = reference_card ();
  g_autoptr(HbIdCard) back = NULL;
  guint8 text[HB_SAM_TEXT_LEN];

  encode (card, text);
  put (text, 122, 36, "11010519491231002x");
  back = decode_ok (text);
  g_assert_cmpstr (back->id_number, ==, "11010519491231002X");
}

static void
test_hmt_permit_checks (void)
{
  {
    /* A resident number with a valid check digit is not a permit number. */
    g_autoptr(HbIdCard) card = hmt_card ();
    guint8 text[HB_SAM_TEXT_LEN];
    g_free (card->id_number);
    card->id_number = g_strdup ("310101199005120024");
    g_assert_true (hb_idcard_number_is_valid (card->id_number));
    encode (card, text);
    assert_refused (text, "id_number", "310101");
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HbIdCard) card = hmt_card ();
      guint8 text[HB_SAM_TEXT_LEN];
      g_clear_pointer (i == 0 ? &card->pass_number : &card->issue_count, g_free);
      encode (card, text);
      assert_refused (text, i == 0 ? "pass_number" : "issue_count", NULL);
    }
  {
    g_autoptr(HbIdCard) card = hmt_card ();
    guint8 text[HB_SAM_TEXT_LEN];
    g_free (card->issue_count);
    card->issue_count = g_strdup ("0A");
    encode (card, text);
    assert_refused (text, "issue_count", "0A");
  }
  {
    /* A permit may carry a nation; if it does it is decoded like a resident card's. */
    g_autoptr(HbIdCard) card = hmt_card ();
    g_autoptr(HbIdCard) back = NULL;
    guint8 text[HB_SAM_TEXT_LEN];
    card->nation = g_strdup ("汉");
    encode (card, text);
    back = decode_ok (text);
    g_assert_cmpstr (back->nation, ==, "汉");
  }
  for (guint p = 0; p < 3; p++)
    {
      static const char *ids[] = { "820000197802230014", "83000020010830004X", "810000199005120020" };
      static const char *births[] = { "19780223", "20010830", "19900512" };
      static const HbSex sexes[] = { HB_SEX_MALE, HB_SEX_FEMALE, HB_SEX_FEMALE };
      g_autoptr(HbIdCard) card = hmt_card ();
      g_autoptr(HbIdCard) back = NULL;
      guint8 text[HB_SAM_TEXT_LEN];
      g_free (card->id_number);
      g_free (card->birth_date);
      card->id_number = g_strdup (ids[p]);
      card->birth_date = g_strdup (births[p]);
      card->sex = sexes[p];
      encode (card, text);
      back = decode_ok (text);
      assert_same_card (card, back);
    }
}

static void
test_foreign_cards_checks (void)
{
  {
    g_autoptr(HbIdCard) card = foreign_2017_card ();
    guint8 text[HB_SAM_TEXT_LEN];
    g_free (card->id_number);
    card->id_number = g_strdup ("DEU31088031502");
    encode (card, text);
    assert_refused (text, "id_number", "DEU31088031502");
    put (text, 122, 30, "DEU-10880315023");
    assert_refused (text, "id_number", "DEU-10880315023");
  }
  {
    /* No Chinese name is fine; no name at all is not. */
    g_autoptr(HbIdCard) card = foreign_2017_card ();
    g_autoptr(HbIdCard) back = NULL;
    guint8 text[HB_SAM_TEXT_LEN];
    g_clear_pointer (&card->name, g_free);
    encode (card, text);
    back = decode_ok (text);
    g_assert_null (back->name);
    g_assert_cmpstr (back->name_en, ==, "MUELLER, ANNA MARIA");
    put (text, 0, 120, "");
    assert_refused (text, "name_en", NULL);
  }
  {
    g_autoptr(HbIdCard) card = foreign_2017_card ();
    guint8 text[HB_SAM_TEXT_LEN];
    encode (card, text);
    put (text, 220, 16, "19880230");
    assert_refused (text, "birth_date", "19880230");
  }
  {
    g_autoptr(HbIdCard) card = foreign_2023_card ();
    guint8 text[HB_SAM_TEXT_LEN];
    card->id_number[17] = '7';
    encode (card, text);
    assert_refused (text, "id_number", "931826");
  }
  {
    g_autoptr(HbIdCard) card = foreign_2023_card ();
    guint8 text[HB_SAM_TEXT_LEN];
    encode (card, text);
    put (text, 32, 4, "A1");
    assert_refused (text, "renewal_count", "A1");
    put (text, 32, 4, "00");
    put (text, 188, 16, "2024011");
    assert_refused (text, "valid_from", "2024011");
  }
}

static void
test_nation_table_is_complete (void)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint code = 1; code <= 56; code++)
    {
      const char *name = hb_sam_nation_name (code);
      g_assert_nonnull (name);
      g_assert_false (g_hash_table_contains (names, name));
      g_hash_table_add (names, (gpointer) name);
      g_assert_cmpuint (hb_sam_nation_code (name), ==, code);
      g_assert_null (g_utf8_strchr (name, -1, g_utf8_get_char ("族")));
    }
  g_assert_cmpstr (hb_sam_nation_name (1), ==, "汉");
  g_assert_cmpstr (hb_sam_nation_name (2), ==, "蒙古");
  g_assert_cmpstr (hb_sam_nation_name (3), ==, "回");
  g_assert_cmpstr (hb_sam_nation_name (29), ==, "柯尔克孜");
  g_assert_cmpstr (hb_sam_nation_name (43), ==, "乌孜别克");
  g_assert_cmpstr (hb_sam_nation_name (46), ==, "德昂");
  g_assert_cmpstr (hb_sam_nation_name (56), ==, "基诺");
  g_assert_cmpstr (hb_sam_nation_name (97), ==, "其他");
  g_assert_cmpstr (hb_sam_nation_name (98), ==, "外国血统中国籍人士");
  g_assert_cmpuint (hb_sam_nation_code ("其他"), ==, 97);
  g_assert_cmpuint (hb_sam_nation_code ("外国血统中国籍人士"), ==, 98);
  g_assert_cmpuint (hb_sam_nation_code ("德昴"), ==, 0);
  g_assert_cmpuint (hb_sam_nation_code ("汉族"), ==, 0);
  g_assert_cmpuint (hb_sam_nation_code (NULL), ==, 0);
  for (guint code = 0; code < 200; code++)
    if (code == 0 || (code > 56 && code != 97 && code != 98))
      g_assert_null (hb_sam_nation_name (code));
}

static void
test_every_nation_code_decodes (void)
{
  for (guint code = 1; code <= 98; code++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      g_autoptr(HbIdCard) back = NULL;
      g_autofree char *digits = g_strdup_printf ("%02u", code);
      guint8 text[HB_SAM_TEXT_LEN];
      const char *name = hb_sam_nation_name (code);

      encode (card, text);
      put (text, 32, 4, digits);
      back = decode_ok (text);
      /* Outside the table the code is shown as it is (§7.2). */
      g_assert_cmpstr (back->nation, ==, name ? name : digits);
    }
  {
    g_autoptr(HbIdCard) card = reference_card ();
    guint8 text[HB_SAM_TEXT_LEN];
    encode (card, text);
    put (text, 32, 4, "0A");
    assert_refused (text, "nation", "0A");
    put (text, 32, 4, "1");
    assert_refused (text, "nation", NULL);
  }
}

static void
test_padding_is_trimmed (void)
{
  g_autoptr(HbIdCard) card = reference_card ();
  g_autoptr(HbIdCard) a = NULL, b = NULL;
  guint8 text[HB_SAM_TEXT_LEN];

  encode (card, text);
  a = decode_ok (text);
  /* NUL padding after the name instead of spaces, and a leading space kept. */
  memset (text + 4, 0, 26);
  b = decode_ok (text);
  assert_same_card (a, b);
  put (text, 0, 30, " 测试");
  g_clear_pointer (&b, hb_idcard_free);
  b = decode_ok (text);
  g_assert_cmpstr (b->name, ==, " 测试");
}

/* --- encoder limits ----------------------------------------------------------------- */

static void
test_encoder_refuses_what_does_not_fit (void)
{
  static const struct { const char *field; const char *value; } bad[] = {
    { "name", "一二三四五六七八九十一二三四五六" },          /* 16 characters, slot 15 */
    { "address", "0123456789012345678901234567890123456" },
    { "issuer", "trailing space " },
    { "name", "tab\tinside" },
    { "name", "bad \xC3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HbIdCard) card = reference_card ();
      g_autoptr(GError) error = NULL;
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", bad[i].field);
      guint8 text[HB_SAM_TEXT_LEN];
      char **slot = g_str_equal (bad[i].field, "name") ? &card->name :
                    g_str_equal (bad[i].field, "address") ? &card->address : &card->issuer;

      g_free (*slot);
      *slot = g_strdup (bad[i].value);
      memset (text, 0x77, sizeof text);
      g_assert_false (hb_sam_encode_text (card, text, &error));
      g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
      g_assert_nonnull (strstr (error->message, quoted));
      /* Nothing half-written is left behind. */
      for (guint j = 0; j < sizeof text; j++)
        g_assert_cmpuint (text[j], ==, 0);
    }
  {
    /* Exactly full is fine. */
    g_autoptr(HbIdCard) card = reference_card ();
    g_autoptr(HbIdCard) back = NULL;
    guint8 text[HB_SAM_TEXT_LEN];
    g_free (card->name);
    card->name = g_strdup ("一二三四五六七八九十一二三四五");
    encode (card, text);
    back = decode_ok (text);
    g_assert_cmpstr (back->name, ==, card->name);
  }
}

static void
test_encoder_refuses_fields_the_layout_lacks (void)
{
  static const struct { CardFunc make; const char *field; } bad[] = {
    { reference_card, "pass_number" }, { reference_card, "name_en" },
    { hmt_card, "nationality" }, { foreign_2017_card, "address" },
    { foreign_2017_card, "nation" }, { foreign_2023_card, "issuer" },
    { foreign_2023_card, "card_version" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HbIdCard) card = bad[i].make ();
      g_autoptr(GError) error = NULL;
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", bad[i].field);
      guint8 text[HB_SAM_TEXT_LEN];
      g_autoptr(JsonNode) node = NULL;
      JsonObject *o;
      g_autoptr(HbIdCard) tampered = NULL;

      /* Set the field through the JSON form, which accepts any of them. */
      node = hb_idcard_to_json (card);
      o = json_node_get_object (node);
      json_object_set_string_member (o, bad[i].field, "汉");
      tampered = hb_idcard_new_from_json (o, &error);
      g_assert_no_error (error);
      g_assert_false (hb_sam_encode_text (tampered, text, &error));
      g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
      g_assert_nonnull (strstr (error->message, quoted));
    }
  {
    g_autoptr(HbIdCard) card = reference_card ();
    g_autoptr(GError) error = NULL;
    guint8 text[HB_SAM_TEXT_LEN];
    card->sex = 5;
    g_assert_false (hb_sam_encode_text (card, text, &error));
    g_assert_nonnull (strstr (error->message, "\"sex\""));
    g_clear_error (&error);
    card->sex = HB_SEX_FEMALE;
    g_free (card->nation);
    card->nation = g_strdup ("火星");
    g_assert_false (hb_sam_encode_text (card, text, &error));
    g_assert_nonnull (strstr (error->message, "\"nation\""));
  }
}

/* --- base info, appended address, SAM ID ------------------------------------------- */

static void
test_base_info_lengths_are_checked (void)
{
  g_autoptr(HbIdCard) card = reference_card ();
  g_autoptr(GBytes) info = hb_sam_encode_base_info (card, NULL);
  gsize n;
  const guint8 *d = g_bytes_get_data (info, &n);
  g_autofree guint8 *copy = g_memdup2 (d, n);
  struct { gsize len; guint8 b0, b1, b2, b3; const char *fragment; } cases[] = {
    { 3, 0x01, 0x00, 0x04, 0x00, "length header" },
    { 0, 0x01, 0x00, 0x04, 0x00, "length header" },
    { 0, 0x00, 0xFF, 0x04, 0x00, "text length is 255" },
    { 0, 0x01, 0x00, 0x04, 0x01, "photo length is 1025" },
    { 0, 0x01, 0x00, 0x03, 0xFF, "lengths announce 1283" },
    { 1000, 0x01, 0x00, 0x04, 0x00, "1000 bytes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbIdCard) back = NULL;
      gsize len = cases[i].len ? cases[i].len : n;

      if (i == 1)
        len = 0;
      copy[0] = cases[i].b0; copy[1] = cases[i].b1; copy[2] = cases[i].b2; copy[3] = cases[i].b3;
      back = hb_sam_decode_base_info (copy, len, FALSE, &error);
      g_assert_null (back);
      g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
      if (strstr (error->message, cases[i].fragment) == NULL)
        g_error ("\"%s\" lacks \"%s\"", error->message, cases[i].fragment);
    }
  {
    /* A fingerprint length over the limit. */
    g_autofree guint8 *fp = g_malloc0 (6 + 256 + 1024);
    g_autoptr(GError) error = NULL;
    fp[0] = 0x01; fp[2] = 0x04; fp[4] = 0x08; fp[5] = 0x01;
    g_assert_null (hb_sam_decode_base_info (fp, 6 + 256 + 1024, TRUE, &error));
    g_assert_nonnull (strstr (error->message, "fingerprint length is 2049"));
  }
}

static void
test_photo_is_kept_opaque_and_bounded (void)
{
  g_autoptr(HbIdCard) card = reference_card ();
  g_autoptr(GError) error = NULL;
  static const guint8 small[] = { 1, 2, 3 };
  g_autoptr(GBytes) info = NULL;
  g_autoptr(HbIdCard) back = NULL;
  gsize n;
  const guint8 *d;

  /* No photo: 1024 zero bytes, as a module would send for a blank one. */
  g_clear_pointer (&card->photo, g_bytes_unref);
  info = hb_sam_encode_base_info (card, &error);
  g_assert_no_error (error);
  d = g_bytes_get_data (info, &n);
  g_assert_cmpuint (n, ==, 1284);
  back = hb_sam_decode_base_info (d, n, FALSE, &error);
  g_assert_cmpuint (g_bytes_get_size (back->photo), ==, 1024);

  g_clear_pointer (&info, g_bytes_unref);
  card->photo = g_bytes_new_static (small, sizeof small);
  info = hb_sam_encode_base_info (card, &error);
  d = g_bytes_get_data (info, &n);
  g_assert_cmpuint (n, ==, 4 + 256 + 3);
  g_clear_pointer (&back, hb_idcard_free);
  back = hb_sam_decode_base_info (d, n, FALSE, &error);
  g_assert_true (g_bytes_equal (back->photo, card->photo));

  g_clear_pointer (&card->photo, g_bytes_unref);
  card->photo = g_bytes_new_take (g_malloc0 (1025), 1025);
  g_assert_null (hb_sam_encode_base_info (card, &error));
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
}

static void
test_appended_address_round_trips (void)
{
  const char *addresses[] = { "上海市浦东新区世纪大道2001号3号楼801室",
                              "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五" };

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = hb_sam_encode_appended_address (addresses[i], &error);
      g_autofree char *back = NULL;
      gsize n;
      const guint8 *d;

      g_assert_no_error (error);
      d = g_bytes_get_data (data, &n);
      g_assert_cmpuint (n, ==, HB_SAM_APPENDED_LEN);
      back = hb_sam_decode_appended_address (d, n, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (back, ==, addresses[i]);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) blank = hb_sam_encode_appended_address ("", &error);
    g_autofree char *back = NULL;
    gsize n;
    const guint8 *d = g_bytes_get_data (blank, &n);
    g_autofree char *longer = g_strconcat (addresses[1], "六", NULL);

    back = hb_sam_decode_appended_address (d, n, &error);
    g_assert_cmpstr (back, ==, "");
    g_assert_null (hb_sam_encode_appended_address (longer, &error));
    g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
    g_assert_nonnull (strstr (error->message, "\"address_appended\""));
  }
  {
    guint8 big[72];
    g_autoptr(GError) error = NULL;
    memset (big, 0x20, sizeof big);
    g_assert_null (hb_sam_decode_appended_address (big, sizeof big, &error));
    g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
  }
}

static void
test_sam_id_is_formatted_as_hex_groups (void)
{
  guint8 id[17];
  g_autoptr(GError) error = NULL;
  g_autofree char *s = NULL;

  for (guint i = 0; i < sizeof id; i++)
    id[i] = (guint8) (i * 0x11);
  s = hb_sam_format_sam_id (id, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s, ==, "0011-2233-44556677-8899AABB-CCDDEEFF");
  g_assert_null (hb_sam_format_sam_id (id, 15, &error));
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
  g_clear_error (&error);
  g_assert_null (hb_sam_format_sam_id (id, 17, &error));
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
}

/* --- never a partial identity -------------------------------------------------------- */

static void
test_any_corrupted_byte_gives_a_whole_card_or_an_error (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (every_card); k++)
    {
      g_autoptr(HbIdCard) card = every_card[k] ();
      guint8 text[HB_SAM_TEXT_LEN];
      static const guint8 values[] = { 0x00, 0x20, 0x31, 0x58, 0xD8, 0xDC, 0xFF };

      encode (card, text);
      for (guint at = 0; at < HB_SAM_TEXT_LEN; at++)
        for (guint v = 0; v < G_N_ELEMENTS (values); v++)
          {
            guint8 copy[HB_SAM_TEXT_LEN];
            g_autoptr(GError) error = NULL;
            g_autoptr(HbIdCard) back = NULL;

            memcpy (copy, text, sizeof copy);
            copy[at] = values[v];
            back = hb_sam_decode_text (copy, sizeof copy, &error);
            if (back == NULL)
              {
                g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_DATA);
                continue;
              }
            g_assert_no_error (error);
            g_assert_nonnull (back->birth_date);
            g_assert_nonnull (back->id_number);
            g_assert_nonnull (back->valid_from);
            g_assert_nonnull (back->valid_to);
            g_assert_true (back->name != NULL || back->name_en != NULL);
            if (back->type == HB_IDCARD_TYPE_RESIDENT || back->type == HB_IDCARD_TYPE_HMT_RESIDENCE)
              {
                g_assert_true (hb_idcard_number_is_valid (back->id_number));
                g_assert_nonnull (back->address);
                g_assert_nonnull (back->issuer);
              }
          }
    }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/drivers/idcard/sam-text/reference-frame-is-byte-identical", test_reference_frame_is_byte_identical);
  g_test_add_func ("/drivers/idcard/sam-text/reference-frame-decodes-to-its-fields", test_reference_frame_decodes_to_its_fields);
  g_test_add_func ("/drivers/idcard/sam-text/fingerprint-variants-decode", test_fingerprint_variants_decode);
  g_test_add_func ("/drivers/idcard/sam-text/every-card-type-round-trips", test_every_card_type_round_trips);
  g_test_add_func ("/drivers/idcard/sam-text/type-flags-sit-at-248", test_type_flags_sit_at_248);
  g_test_add_func ("/drivers/idcard/sam-text/foreign-2017-fields-sit-where-the-reference-says", test_foreign_2017_fields_sit_where_the_reference_says);
  g_test_add_func ("/drivers/idcard/sam-text/foreign-2023-fields-sit-where-the-reference-says", test_foreign_2023_fields_sit_where_the_reference_says);
  g_test_add_func ("/drivers/idcard/sam-text/hmt-fields-sit-where-the-reference-says", test_hmt_fields_sit_where_the_reference_says);
  g_test_add_func ("/drivers/idcard/sam-text/english-name-split-keeps-a-space-at-the-split", test_english_name_split_keeps_a_space_at_the_split);
  g_test_add_func ("/drivers/idcard/sam-text/decoded-cards-survive-the-json-form", test_decoded_cards_survive_the_json_form);
  g_test_add_func ("/drivers/idcard/sam-text/bad-check-digit-is-refused", test_bad_check_digit_is_refused);
  g_test_add_func ("/drivers/idcard/sam-text/birth-date-mismatch-is-refused", test_birth_date_mismatch_is_refused);
  g_test_add_func ("/drivers/idcard/sam-text/sex-mismatch-is-refused", test_sex_mismatch_is_refused);
  g_test_add_func ("/drivers/idcard/sam-text/unknown-sex-codes-are-refused", test_unknown_sex_codes_are_refused);
  g_test_add_func ("/drivers/idcard/sam-text/impossible-dates-are-refused", test_impossible_dates_are_refused);
  g_test_add_func ("/drivers/idcard/sam-text/long-term-validity-is-text", test_long_term_validity_is_text);
  g_test_add_func ("/drivers/idcard/sam-text/blank-required-fields-are-refused", test_blank_required_fields_are_refused);
  g_test_add_func ("/drivers/idcard/sam-text/odd-ucs2-is-refused", test_odd_ucs2_is_refused);
  g_test_add_func ("/drivers/idcard/sam-text/unpaired-surrogates-are-refused", test_unpaired_surrogates_are_refused);
  g_test_add_func ("/drivers/idcard/sam-text/paired-surrogates-decode", test_paired_surrogates_decode);
  g_test_add_func ("/drivers/idcard/sam-text/control-characters-are-refused", test_control_characters_are_refused);
  g_test_add_func ("/drivers/idcard/sam-text/unknown-type-flags-are-refused", test_unknown_type_flags_are_refused);
  g_test_add_func ("/drivers/idcard/sam-text/id-number-shapes-are-refused", test_id_number_shapes_are_refused);
  g_test_add_func ("/drivers/idcard/sam-text/lowercase-x-is-stored-uppercase", test_lowercase_x_is_stored_uppercase);
  g_test_add_func ("/drivers/idcard/sam-text/hmt-permit-checks", test_hmt_permit_checks);
  g_test_add_func ("/drivers/idcard/sam-text/foreign-card-checks", test_foreign_cards_checks);
  g_test_add_func ("/drivers/idcard/sam-text/nation-table-is-complete", test_nation_table_is_complete);
  g_test_add_func ("/drivers/idcard/sam-text/every-nation-code-decodes", test_every_nation_code_decodes);
  g_test_add_func ("/drivers/idcard/sam-text/padding-is-trimmed", test_padding_is_trimmed);
  g_test_add_func ("/drivers/idcard/sam-text/encoder-refuses-what-does-not-fit", test_encoder_refuses_what_does_not_fit);
  g_test_add_func ("/drivers/idcard/sam-text/encoder-refuses-fields-the-layout-lacks", test_encoder_refuses_fields_the_layout_lacks);
  g_test_add_func ("/drivers/idcard/sam-text/base-info-lengths-are-checked", test_base_info_lengths_are_checked);
  g_test_add_func ("/drivers/idcard/sam-text/photo-is-kept-opaque-and-bounded", test_photo_is_kept_opaque_and_bounded);
  g_test_add_func ("/drivers/idcard/sam-text/appended-address-round-trips", test_appended_address_round_trips);
  g_test_add_func ("/drivers/idcard/sam-text/sam-id-is-formatted-as-hex-groups", test_sam_id_is_formatted_as_hex_groups);
  g_test_add_func ("/drivers/idcard/sam-text/any-corrupted-byte-gives-a-whole-card-or-an-error", test_any_corrupted_byte_gives_a_whole_card_or_an_error);

  return g_test_run ();
}
