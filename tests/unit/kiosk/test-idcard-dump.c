/* Tests for kiosk/hb-idcard-dump.c: reader response frames from a file → cards, all or
 * nothing, and the masked report. */
#include "kiosk/hb-idcard-dump.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-text.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define SAMPLE_ID "310104198506151237"

static HbIdCard *
sample (const char *id)
{
  g_autofree char *json = g_strdup_printf (
    "{\"type\":\"resident\",\"name\":\"张伟\",\"sex\":\"male\",\"nation\":\"汉\","
    "\"birth_date\":\"19850615\",\"address\":\"上海市徐汇区漕溪北路88号5号楼1203室\","
    "\"id_number\":\"%s\",\"issuer\":\"上海市公安局徐汇分局\","
    "\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}", id);
  g_autoptr(GError) error = NULL;
  HbIdCard *card = hb_idcard_new_from_json_data (json, -1, &error);
  g_assert_no_error (error);
  return card;
}

/* Frames as a reader sends them: find, select, read (card), appended address. */
static GByteArray *
capture (const HbIdCard *card, const char *appended)
{
  GByteArray *out = g_byte_array_new ();
  const guint8 find_ok[4] = { 0 }, select_ok[8] = { 0 };
  g_autoptr(GBytes) f1 = hb_sam_response_build (0, 0, HB_SAM_SW3_FIND_OK, find_ok, 4);
  g_autoptr(GBytes) f2 = hb_sam_response_build (0, 0, HB_SAM_SW3_OK, select_ok, 8);
  g_autoptr(GBytes) base = hb_sam_encode_base_info (card, NULL);
  g_autoptr(GBytes) f3 = NULL;
  g_autoptr(GBytes) f4 = NULL;

  g_assert_nonnull (base);
  f3 = hb_sam_response_build (0, 0, HB_SAM_SW3_OK, g_bytes_get_data (base, NULL), g_bytes_get_size (base));
  g_byte_array_append (out, g_bytes_get_data (f1, NULL), (guint) g_bytes_get_size (f1));
  g_byte_array_append (out, g_bytes_get_data (f2, NULL), (guint) g_bytes_get_size (f2));
  g_byte_array_append (out, g_bytes_get_data (f3, NULL), (guint) g_bytes_get_size (f3));
  if (appended)
    {
      g_autoptr(GBytes) a = hb_sam_encode_appended_address (appended, NULL);
      f4 = hb_sam_response_build (0, 0, HB_SAM_SW3_OK, g_bytes_get_data (a, NULL), g_bytes_get_size (a));
    }
  else
    f4 = hb_sam_response_build (0, 0, HB_SAM_SW3_NO_ITEM, NULL, 0);
  g_byte_array_append (out, g_bytes_get_data (f4, NULL), (guint) g_bytes_get_size (f4));
  return out;
}

static char *
to_hex (const guint8 *b, gsize n, const char *sep, guint per_line)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    {
      g_string_append_printf (s, "%02X", b[i]);
      if (i + 1 < n)
        g_string_append (s, per_line && (i + 1) % per_line == 0 ? "\n" : sep);
    }
  return g_string_free (s, FALSE);
}

static void
test_binary_capture_gives_the_card (void)
{
  g_autoptr(HbIdCard) card = sample (SAMPLE_ID);
  g_autoptr(GByteArray) cap = capture (card, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards = hb_idcard_dump_parse (cap->data, cap->len, &error);
  HbIdCard *got;

  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  got = cards->pdata[0];
  g_assert_cmpstr (got->id_number, ==, SAMPLE_ID);
  g_assert_cmpstr (got->name, ==, "张伟");
  g_assert_null (got->address_appended);
}

static void
test_hex_text_in_any_layout (void)
{
  g_autoptr(HbIdCard) card = sample (SAMPLE_ID);
  g_autoptr(GByteArray) cap = capture (card, "上海市静安区新闸路100号");
  const char *seps[] = { " ", "", ", 0x", "\t" };

  for (gsize i = 0; i < G_N_ELEMENTS (seps); i++)
    {
      g_autofree char *hex = to_hex (cap->data, cap->len, seps[i], 16);
      g_autofree char *text = g_str_equal (seps[i], ", 0x") ? g_strconcat ("0x", hex, "\n", NULL)
                                                              : g_strconcat (hex, "\n", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) cards = hb_idcard_dump_parse ((const guint8 *) text, strlen (text), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cards->len, ==, 1);
      g_assert_cmpstr (((HbIdCard *) cards->pdata[0])->address_appended, ==, "上海市静安区新闸路100号");
    }
}

static void
test_several_cards (void)
{
  g_autoptr(HbIdCard) a = sample (SAMPLE_ID);
  g_autoptr(HbIdCard) b = sample ("11010519491231002X");
  g_autoptr(GByteArray) cap = capture (a, NULL);
  g_autoptr(GByteArray) cap2 = capture (b, NULL);
  g_autoptr(GPtrArray) cards = NULL;

  g_byte_array_append (cap, cap2->data, cap2->len);
  /* b's birth date does not match its number: refused, and with it the whole file. */
  cards = hb_idcard_dump_parse (cap->data, cap->len, NULL);
  g_assert_null (cards);
}

static void
test_corruption_is_refused_naming_it (void)
{
  g_autoptr(HbIdCard) card = sample (SAMPLE_ID);

  /* One flipped bit inside the card frame's text: checksum. */
  {
    g_autoptr(GByteArray) cap = capture (card, NULL);
    g_autoptr(GError) error = NULL;
    cap->data[40 + 30 + 2 + 100] ^= 0x04;
    g_assert_null (hb_idcard_dump_parse (cap->data, cap->len, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "frame 3"));
  }
  /* Cut short. */
  {
    g_autoptr(GByteArray) cap = capture (card, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_null (hb_idcard_dump_parse (cap->data, cap->len - 500, &error));
    g_assert_nonnull (strstr (error->message, "ends inside a frame"));
  }
  /* Noise before the first frame. */
  {
    g_autoptr(GByteArray) cap = capture (card, NULL);
    g_autoptr(GError) error = NULL;
    const guint8 noise[3] = { 0x12, 0x34, 0x56 };
    g_byte_array_prepend (cap, noise, 3);
    g_assert_null (hb_idcard_dump_parse (cap->data, cap->len, &error));
    g_assert_nonnull (strstr (error->message, "not part of any frame"));
  }
  /* Only status frames. */
  {
    const guint8 no_card[] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x80, 0x84 };
    g_autoptr(GError) error = NULL;
    g_assert_null (hb_idcard_dump_parse (no_card, sizeof no_card, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
  /* Hex that is not. */
  {
    g_autoptr(GError) error = NULL;
    const char *odd = "AA AA AA 96 6";
    g_assert_null (hb_idcard_dump_parse ((const guint8 *) odd, strlen (odd), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
  /* A lone appended address. */
  {
    g_autoptr(GBytes) a = hb_sam_encode_appended_address ("上海市", NULL);
    g_autoptr(GBytes) f = hb_sam_response_build (0, 0, HB_SAM_SW3_OK, g_bytes_get_data (a, NULL),
                                                 g_bytes_get_size (a));
    g_autoptr(GError) error = NULL;
    g_assert_null (hb_idcard_dump_parse (g_bytes_get_data (f, NULL), g_bytes_get_size (f), &error));
    g_assert_nonnull (strstr (error->message, "no card before it"));
  }
}

static void
test_errors_never_quote_the_card (void)
{
  /* The card's own data is wrong (check digit): the message names the field, not the value. */
  g_autoptr(HbIdCard) card = sample (SAMPLE_ID);
  g_autoptr(GByteArray) cap = NULL;
  g_autoptr(GError) error = NULL;
  g_free (card->id_number);
  card->id_number = g_strdup ("310104198506151238");
  cap = capture (card, NULL);
  g_assert_null (hb_idcard_dump_parse (cap->data, cap->len, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "310104198506151238"));
  g_assert_null (strstr (error->message, "张伟"));
}

static void
test_report_is_masked_unless_revealed (void)
{
  g_autoptr(HbIdCard) card = sample (SAMPLE_ID);
  g_autoptr(JsonNode) masked = hb_idcard_dump_to_json (card, FALSE);
  g_autoptr(JsonNode) revealed = hb_idcard_dump_to_json (card, TRUE);
  JsonObject *m = json_node_get_object (masked), *r = json_node_get_object (revealed);

  g_assert_cmpstr (json_object_get_string_member (m, "card_type"), ==, "resident");
  g_assert_cmpstr (json_object_get_string_member (m, "id_number"), ==, "310***********1237");
  g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, "张*");
  g_assert_cmpstr (json_object_get_string_member (m, "birth"), ==, "1985****");
  g_assert_cmpstr (json_object_get_string_member (m, "address"), ==, "上海市徐汇区****");
  g_assert_cmpstr (json_object_get_string_member (m, "sex"), ==, "male");
  g_assert_cmpstr (json_object_get_string_member (m, "nation"), ==, "汉");
  g_assert_cmpstr (json_object_get_string_member (m, "valid_to"), ==, "20360302");
  g_assert_cmpstr (json_object_get_string_member (r, "id_number"), ==, SAMPLE_ID);
  g_assert_cmpstr (json_object_get_string_member (r, "birth"), ==, "19850615");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/idcard-dump/binary-capture-gives-the-card", test_binary_capture_gives_the_card);
  g_test_add_func ("/kiosk/idcard-dump/hex-text-in-any-layout-with-appended-address", test_hex_text_in_any_layout);
  g_test_add_func ("/kiosk/idcard-dump/one-bad-card-refuses-the-whole-file", test_several_cards);
  g_test_add_func ("/kiosk/idcard-dump/corruption-is-refused-naming-what", test_corruption_is_refused_naming_it);
  g_test_add_func ("/kiosk/idcard-dump/errors-never-quote-the-card", test_errors_never_quote_the_card);
  g_test_add_func ("/kiosk/idcard-dump/report-is-masked-unless-revealed", test_report_is_masked_unless_revealed);
  return g_test_run ();
}
