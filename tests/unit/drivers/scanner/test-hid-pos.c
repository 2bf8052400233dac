/* test-hid-pos.c — HID POS scanned-data reports → text. */
#include "drivers/scanner/hb-hid-pos.h"
#include "drivers/scanner/hb-scanner.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define MS 1000

/* Feeds every 64-byte report of bytes, 1 ms apart; returns the code (or NULL) and counts
 * rejections. */
static char *
feed_reports (HbHidPos *p, GBytes *bytes, gint64 *clock, guint *rejected)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  char *found = NULL;

  for (gsize off = 0; off < len; off += HB_HID_POS_REPORT_LEN)
    {
      g_autoptr(GError) error = NULL;
      char *code = NULL;
      gsize code_len = 0;

      *clock += MS;
      if (!hb_hid_pos_feed (p, data + off, MIN (len - off, (gsize) HB_HID_POS_REPORT_LEN),
                            *clock, &code, &code_len, &error))
        {
          g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
          if (rejected)
            (*rejected)++;
          continue;
        }
      if (code)
        {
          g_assert_null (found);
          g_assert_cmpuint (strlen (code), ==, code_len);
          found = code;
        }
    }
  return found;
}

static char *
round_trip (const char *text, gsize len, guint *n_reports, guint *rejected)
{
  g_autoptr(HbHidPos) p = hb_hid_pos_new (0, 0);
  g_autoptr(GBytes) r = hb_hid_pos_encode ((const guint8 *) text, len, n_reports);
  gint64 clock = 0;

  return feed_reports (p, r, &clock, rejected);
}

static void
test_utf8_codes_round_trip_byte_for_byte (void)
{
  static const char *texts[] = {
    "社保查询",
    "https://ywtb.sh.gov.cn/ssm?c=Zx9-Q_a1b2C3d4&t=1732700000",
    "居住证办理 ¥100 元 请插入身份证",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      guint rejected = 0;
      g_autofree char *code = round_trip (texts[i], strlen (texts[i]), NULL, &rejected);
      g_assert_cmpstr (code, ==, texts[i]);
      g_assert_cmpuint (rejected, ==, 0);
    }
}

static void
test_offline_code_over_many_reports (void)
{
  GString *s = g_string_new ("HB1.");
  guint n = 0;
  g_autofree char *code = NULL;

  while (s->len < 1500)
    g_string_append (s, "eyJ2IjoxLCJraWQiOiJrMSJ9-_");
  g_string_append_c (s, '.');
  while (s->len < 2100)
    g_string_append (s, "MEUCIQDx_-9");
  code = round_trip (s->str, s->len, &n, NULL);
  g_assert_cmpuint (n, ==, (s->len + HB_HID_POS_DATA_MAX - 1) / HB_HID_POS_DATA_MAX);
  g_assert_cmpstr (code, ==, s->str);
  g_string_free (s, TRUE);
}

/* The same code cut into two reports at every possible point (the scanner decides where a
 * report ends, not us). */
static void
test_a_code_split_at_any_point_assembles (void)
{
  static const char text[] = "HB1.eyJ2IjoxfQ.MEUCIQ-_社保查询";
  gsize len = strlen (text);

  for (gsize k = 0; k <= len; k++)
    {
      g_autoptr(HbHidPos) p = hb_hid_pos_new (0, 0);
      guint8 r1[HB_HID_POS_REPORT_LEN] = { HB_HID_POS_REPORT_ID, (guint8) k, ']', 'Q', '1' };
      guint8 r2[HB_HID_POS_REPORT_LEN] = { HB_HID_POS_REPORT_ID, (guint8) (len - k), ']', 'Q', '1' };
      char *code = NULL;
      gsize code_len = 0;

      memcpy (r1 + 5, text, k);
      r1[63] = 1;
      memcpy (r2 + 5, text + k, len - k);
      g_assert_true (hb_hid_pos_feed (p, r1, sizeof r1, 0, &code, &code_len, NULL));
      g_assert_null (code);
      g_assert_true (hb_hid_pos_feed (p, r2, sizeof r2, 1000, &code, &code_len, NULL));
      g_assert_cmpstr (code, ==, text);
      g_assert_cmpuint (code_len, ==, len);
      g_free (code);
    }
}

static void
test_suffix_is_stripped_once (void)
{
  g_autofree char *a = round_trip ("abc\r\n", 5, NULL, NULL);
  g_autofree char *b = round_trip ("abc\r", 4, NULL, NULL);
  g_autofree char *c = round_trip ("a\rb\n", 4, NULL, NULL);
  g_autofree char *d = round_trip ("x\n\n", 3, NULL, NULL);

  g_assert_cmpstr (a, ==, "abc");
  g_assert_cmpstr (b, ==, "abc");
  g_assert_cmpstr (c, ==, "a\rb");   /* only the suffix goes */
  g_assert_cmpstr (d, ==, "x\n");
}

static void
test_non_utf8_and_nul_are_rejected (void)
{
  static const char gbk[] = "\xc9\xe7\xb1\xa3";          /* 社保 in GBK */
  static const char sjis_mojibake_is_fine[] = "遉ｾ菫晄衍隸｢"; /* valid UTF-8, delivered */
  static const char nul[] = "ab\0cd";
  guint rejected = 0;

  g_assert_null (round_trip (gbk, 4, NULL, &rejected));
  g_assert_cmpuint (rejected, ==, 1);
  g_assert_null (round_trip (nul, 5, NULL, &rejected));
  g_assert_cmpuint (rejected, ==, 2);
  {
    g_autofree char *ok = round_trip (sjis_mojibake_is_fine, strlen (sjis_mojibake_is_fine),
                                      NULL, &rejected);
    g_assert_cmpstr (ok, ==, sjis_mojibake_is_fine);
  }
}

static void
test_over_length_is_rejected_then_resyncs (void)
{
  g_autoptr(HbHidPos) p = hb_hid_pos_new (0, 0);
  g_autofree char *big = g_strnfill (HB_SCANNER_CODE_MAX + 1, 'x');
  g_autofree char *exact = g_strnfill (HB_SCANNER_CODE_MAX, 'y');
  g_autoptr(GBytes) r1 = hb_hid_pos_encode ((const guint8 *) big, strlen (big), NULL);
  g_autoptr(GBytes) r2 = hb_hid_pos_encode ((const guint8 *) "after", 5, NULL);
  g_autoptr(GBytes) r3 = hb_hid_pos_encode ((const guint8 *) exact, strlen (exact), NULL);
  gint64 clock = 0;
  guint rejected = 0;
  g_autofree char *c2 = NULL, *c3 = NULL;

  g_assert_null (feed_reports (p, r1, &clock, &rejected));
  g_assert_cmpuint (rejected, ==, 1);
  c2 = feed_reports (p, r2, &clock, &rejected);
  g_assert_cmpstr (c2, ==, "after");
  c3 = feed_reports (p, r3, &clock, &rejected);
  g_assert_cmpuint (strlen (c3), ==, HB_SCANNER_CODE_MAX);
  g_assert_cmpuint (rejected, ==, 1);
}

static void
test_gap_aborts_a_multi_report_code (void)
{
  g_autoptr(HbHidPos) p = hb_hid_pos_new (0, 100);
  g_autofree char *text = g_strnfill (150, 'q');
  g_autoptr(GBytes) r = hb_hid_pos_encode ((const guint8 *) text, 150, NULL);
  g_autoptr(GBytes) first = g_bytes_new_from_bytes (r, 0, HB_HID_POS_REPORT_LEN);
  gint64 clock = 0;
  g_autofree char *code = NULL;

  g_assert_null (feed_reports (p, first, &clock, NULL));
  g_assert_true (hb_hid_pos_in_code (p));
  g_assert_false (hb_hid_pos_expire (p, clock + 100 * MS));
  g_assert_true (hb_hid_pos_expire (p, clock + 101 * MS));
  g_assert_false (hb_hid_pos_in_code (p));
  clock += 200 * MS;
  /* The rest of the old code alone would be a wrong code: with the first report fed
   * late, it is aborted again, and the whole code sent afresh is read. */
  g_assert_null (feed_reports (p, first, &clock, NULL));
  clock += 300 * MS;
  code = feed_reports (p, r, &clock, NULL);
  g_assert_cmpstr (code, ==, text);
}

static void
test_malformed_reports_are_refused_and_other_ids_ignored (void)
{
  g_autoptr(HbHidPos) p = hb_hid_pos_new (0, 0);
  guint8 r[HB_HID_POS_REPORT_LEN] = { HB_HID_POS_REPORT_ID, 57 };
  guint8 status[4] = { 0x04, 1, 2, 3 };
  g_autoptr(GError) error = NULL;
  char *code = NULL;
  gsize len = 0;

  g_assert_false (hb_hid_pos_feed (p, r, sizeof r, 0, &code, &len, &error));   /* n > 56 */
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  r[1] = 10;
  g_assert_false (hb_hid_pos_feed (p, r, 12, 0, &code, &len, &error));        /* short */
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (hb_hid_pos_feed (p, r, 65, 0, &code, &len, &error));        /* too big */
  g_clear_error (&error);
  g_assert_false (hb_hid_pos_feed (p, r, 3, 0, &code, &len, &error));
  g_clear_error (&error);
  g_assert_true (hb_hid_pos_feed (p, status, sizeof status, 0, &code, &len, &error));
  g_assert_no_error (error);
  g_assert_null (code);
  /* A short report that holds its data is fine (continuation then reads 0). */
  memcpy (r + 5, "short-rep!", 10);
  g_assert_true (hb_hid_pos_feed (p, r, 15, 0, &code, &len, &error));
  g_assert_cmpstr (code, ==, "short-rep!");
  g_free (code);
}

static void
test_spoil_rejects_the_code_in_progress_only (void)
{
  g_autoptr(HbHidPos) p = hb_hid_pos_new (0, 0);
  g_autofree char *text = g_strnfill (100, 'k');
  g_autoptr(GBytes) r = hb_hid_pos_encode ((const guint8 *) text, 100, NULL);
  g_autoptr(GBytes) first = g_bytes_new_from_bytes (r, 0, HB_HID_POS_REPORT_LEN);
  g_autoptr(GBytes) second = g_bytes_new_from_bytes (r, HB_HID_POS_REPORT_LEN, HB_HID_POS_REPORT_LEN);
  gint64 clock = 0;
  guint rejected = 0;
  g_autofree char *code = NULL;

  hb_hid_pos_spoil (p);
  g_assert_null (feed_reports (p, first, &clock, &rejected));
  hb_hid_pos_spoil (p);
  g_assert_null (feed_reports (p, second, &clock, &rejected));
  g_assert_cmpuint (rejected, ==, 1);
  code = feed_reports (p, r, &clock, &rejected);
  g_assert_cmpstr (code, ==, text);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/drivers/scanner/hid-pos/utf8-codes-round-trip-byte-for-byte", test_utf8_codes_round_trip_byte_for_byte);
  g_test_add_func ("/drivers/scanner/hid-pos/2100-char-offline-code-over-many-reports", test_offline_code_over_many_reports);
  g_test_add_func ("/drivers/scanner/hid-pos/a-code-split-at-any-point-assembles", test_a_code_split_at_any_point_assembles);
  g_test_add_func ("/drivers/scanner/hid-pos/only-the-suffix-is-stripped", test_suffix_is_stripped_once);
  g_test_add_func ("/drivers/scanner/hid-pos/non-utf8-and-nul-are-rejected", test_non_utf8_and_nul_are_rejected);
  g_test_add_func ("/drivers/scanner/hid-pos/over-length-is-rejected-not-truncated-then-resyncs", test_over_length_is_rejected_then_resyncs);
  g_test_add_func ("/drivers/scanner/hid-pos/gap-aborts-a-multi-report-code", test_gap_aborts_a_multi_report_code);
  g_test_add_func ("/drivers/scanner/hid-pos/malformed-reports-refused-other-ids-ignored", test_malformed_reports_are_refused_and_other_ids_ignored);
  g_test_add_func ("/drivers/scanner/hid-pos/spoil-rejects-only-the-code-in-progress", test_spoil_rejects_the_code_in_progress_only);
  return g_test_run ();
}
