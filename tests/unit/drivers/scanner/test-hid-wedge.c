/* test-hid-wedge.c — keyboard-wedge boot reports → text. */
#include "drivers/scanner/hb-hid-wedge.h"
#include "drivers/scanner/hb-scanner.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define MS 1000

/* The reports a US-layout wedge sends for text (press + release per character), then
 * Enter. */
static GByteArray *
reports_for (const char *text, gboolean enter)
{
  GByteArray *out = g_byte_array_new ();
  guint8 r[2 * HB_HID_BOOT_REPORT_LEN];

  for (const char *p = text; *p; p++)
    {
      g_assert_true (hb_hid_wedge_encode_char (*p, r));
      g_byte_array_append (out, r, sizeof r);
    }
  if (enter)
    {
      g_assert_true (hb_hid_wedge_encode_char ('\r', r));
      g_byte_array_append (out, r, sizeof r);
    }
  return out;
}

/* Feeds reports 1 ms apart; returns the one code they complete (or NULL), counting
 * rejections. */
static char *
feed_all (HbHidWedge *w, const guint8 *data, gsize len, gint64 *clock, guint *rejected)
{
  char *found = NULL;

  g_assert_cmpuint (len % HB_HID_BOOT_REPORT_LEN, ==, 0);
  for (gsize off = 0; off < len; off += HB_HID_BOOT_REPORT_LEN)
    {
      g_autoptr(GError) error = NULL;
      char *code = NULL;
      gsize code_len = 0;

      *clock += MS;
      if (!hb_hid_wedge_feed (w, data + off, HB_HID_BOOT_REPORT_LEN, *clock, &code, &code_len,
                              &error))
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
decode (const char *text)
{
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  g_autoptr(GByteArray) r = reports_for (text, TRUE);
  gint64 clock = 0;
  guint rejected = 0;
  char *code = feed_all (w, r->data, r->len, &clock, &rejected);

  g_assert_cmpuint (rejected, ==, 0);
  return code;
}

static void
test_reference_example (void)
{
  /* examples/hid-wedge-decode.c: A b 1 : / ? x = _ Enter */
  static const guint8 rep[][8] = {
    {0x02,0,0x04}, {0}, {0,0,0x05}, {0}, {0,0,0x1E}, {0}, {0x20,0,0x33}, {0},
    {0,0,0x38}, {0}, {0x02,0,0x38}, {0}, {0,0,0x1B}, {0}, {0,0,0x2E}, {0},
    {0x02,0,0x2D}, {0}, {0,0,0x28}, {0} };
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  gint64 clock = 0;
  g_autofree char *code = feed_all (w, &rep[0][0], sizeof rep, &clock, NULL);

  g_assert_cmpstr (code, ==, "Ab1:/?x=_");
}

static void
test_every_printable_ascii_round_trips (void)
{
  GString *all = g_string_new (NULL);
  g_autofree char *code = NULL;

  for (int c = 0x20; c < 0x7f; c++)
    g_string_append_c (all, (char) c);
  code = decode (all->str);
  g_assert_cmpstr (code, ==, all->str);
  g_string_free (all, TRUE);
}

static void
test_suishenma_and_offline_codes_round_trip (void)
{
  static const char *codes[] = {
    "https://ywtb.sh.gov.cn/ssm?c=Zx9-Q_a1b2C3d4&t=1732700000",
    "{\"type\":\"ssm\",\"v\":2,\"tok\":\"AbCdEf0123456789+/=\"}",
  };
  GString *offline = g_string_new ("HB1.");

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *code = decode (codes[i]);
      g_assert_cmpstr (code, ==, codes[i]);
    }
  /* The offline format at full size: HB1.<base64url>.<base64url>, 2,100 characters. */
  while (offline->len < 1400)
    g_string_append (offline, "eyJ2IjoxLCJraWQiOiJrMSJ9-_AZaz09");
  g_string_append_c (offline, '.');
  while (offline->len < 2100)
    g_string_append (offline, "MEUCIQDx_-9");
  {
    g_autofree char *code = decode (offline->str);
    g_assert_cmpuint (strlen (code), ==, offline->len);
    g_assert_cmpstr (code, ==, offline->str);
  }
  g_string_free (offline, TRUE);
}

static void
test_shift_selects_the_upper_symbol (void)
{
  /* The same usage, with left and with right Shift, and without. */
  static const guint8 rep[][8] = {
    {0,0,0x1F}, {0}, {0x02,0,0x1F}, {0}, {0x20,0,0x1F}, {0}, {0x22,0,0x31}, {0},
    {0,0,0x31}, {0}, {0,0,0x58}, {0} };
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  gint64 clock = 0;
  g_autofree char *code = feed_all (w, &rep[0][0], sizeof rep, &clock, NULL);

  g_assert_cmpstr (code, ==, "2@@|\\");
}

static void
test_held_and_repeated_reports_type_once (void)
{
  /* "aab": a, a held (repeated report), released, a again, then b pressed while a is
   * still down (rollover of two keys), phantom report ignored. */
  static const guint8 rep[][8] = {
    {0,0,0x04}, {0,0,0x04}, {0,0,0x04}, {0}, {0,0,0x04}, {0,0,0x04,0x05},
    {0,0,1,1,1,1,1,1}, {0,0,0x05}, {0}, {0,0,0x28}, {0,0,0x28}, {0} };
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  gint64 clock = 0;
  g_autofree char *code = feed_all (w, &rep[0][0], sizeof rep, &clock, NULL);

  g_assert_cmpstr (code, ==, "aab");
}

static void
test_reports_split_anywhere_between_calls (void)
{
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  g_autoptr(GByteArray) r = reports_for ("split-me", TRUE);
  gint64 clock = 0;
  g_autofree char *first = NULL, *second = NULL;
  gsize half = r->len / 2 / HB_HID_BOOT_REPORT_LEN * HB_HID_BOOT_REPORT_LEN;

  /* The code's reports arrive in two bursts (two reads), then a second code. */
  first = feed_all (w, r->data, half, &clock, NULL);
  g_assert_null (first);
  g_assert_true (hb_hid_wedge_in_code (w));
  first = feed_all (w, r->data + half, r->len - half, &clock, NULL);
  g_assert_cmpstr (first, ==, "split-me");
  g_assert_false (hb_hid_wedge_in_code (w));
  second = feed_all (w, r->data, r->len, &clock, NULL);
  g_assert_cmpstr (second, ==, "split-me");
}

/* Reports arrive in reads of any size: every cut of the report stream gives the code. */
static void
test_every_cut_of_the_stream_gives_the_code (void)
{
  g_autoptr(GByteArray) r = reports_for ("Cut~Me:1", TRUE);

  for (gsize k = 0; k <= r->len; k += HB_HID_BOOT_REPORT_LEN)
    {
      g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
      gint64 clock = 0;
      g_autofree char *a = feed_all (w, r->data, k, &clock, NULL);
      g_autofree char *b = feed_all (w, r->data + k, r->len - k, &clock, NULL);

      g_assert_cmpstr (a ? a : b, ==, "Cut~Me:1");
      g_assert_true (a == NULL || b == NULL);
    }
}

static void
test_malformed_reports_are_refused (void)
{
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  static const guint8 nine[9] = { 0, 0, 0x04 };
  g_autoptr(GError) error = NULL;
  char *code = NULL;
  gsize len = 0;

  g_assert_false (hb_hid_wedge_feed (w, nine, 9, 0, &code, &len, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (hb_hid_wedge_feed (w, nine, 7, 0, &code, &len, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_assert_null (code);
}

static void
test_a_gap_longer_than_the_timeout_aborts_a_partial_code (void)
{
  HbHidWedgeOptions o;
  g_autoptr(HbHidWedge) w = NULL;
  g_autoptr(GByteArray) head = reports_for ("PART", FALSE);
  g_autoptr(GByteArray) tail = reports_for ("tail", TRUE);
  gint64 clock = 0;
  g_autofree char *code = NULL, *code2 = NULL;

  hb_hid_wedge_options_init (&o);
  o.gap_ms = 100;
  w = hb_hid_wedge_new (&o);

  g_assert_null (feed_all (w, head->data, head->len, &clock, NULL));
  /* Within the gap nothing is dropped... */
  g_assert_false (hb_hid_wedge_expire (w, clock + 100 * MS));
  /* ...past it the partial code goes (reported once), */
  g_assert_true (hb_hid_wedge_expire (w, clock + 101 * MS));
  g_assert_false (hb_hid_wedge_expire (w, clock + 200 * MS));
  g_assert_false (hb_hid_wedge_in_code (w));
  clock += 200 * MS;
  code = feed_all (w, tail->data, tail->len, &clock, NULL);
  g_assert_cmpstr (code, ==, "tail");

  /* The same when the late report itself notices the gap (no expire call). */
  g_assert_null (feed_all (w, head->data, head->len, &clock, NULL));
  clock += 500 * MS;
  code2 = feed_all (w, tail->data, tail->len, &clock, NULL);
  g_assert_cmpstr (code2, ==, "tail");
}

static void
test_over_length_is_rejected_then_resyncs (void)
{
  HbHidWedgeOptions o;
  g_autoptr(HbHidWedge) w = NULL;
  g_autofree char *big = g_strnfill (HB_SCANNER_CODE_MAX + 1, 'x');
  g_autofree char *exact = g_strnfill (HB_SCANNER_CODE_MAX, 'y');
  g_autoptr(GByteArray) r1 = reports_for (big, TRUE);
  g_autoptr(GByteArray) r2 = reports_for ("ok-after", TRUE);
  g_autoptr(GByteArray) r3 = reports_for (exact, TRUE);
  gint64 clock = 0;
  guint rejected = 0;
  g_autofree char *c1 = NULL, *c2 = NULL, *c3 = NULL;

  hb_hid_wedge_options_init (&o);
  w = hb_hid_wedge_new (&o);
  c1 = feed_all (w, r1->data, r1->len, &clock, &rejected);
  g_assert_null (c1);                 /* not truncated: nothing at all */
  g_assert_cmpuint (rejected, ==, 1);
  c2 = feed_all (w, r2->data, r2->len, &clock, &rejected);
  g_assert_cmpstr (c2, ==, "ok-after");
  c3 = feed_all (w, r3->data, r3->len, &clock, &rejected);
  g_assert_cmpuint (strlen (c3), ==, HB_SCANNER_CODE_MAX);
  g_assert_cmpuint (rejected, ==, 1);
}

static void
test_control_keys_spoil_a_code (void)
{
  /* "ab" Esc "c" Enter; Backspace; Ctrl+v; F1; then a clean code is still read. */
  static const guint8 esc[][8] = {
    {0,0,0x04}, {0}, {0,0,0x05}, {0}, {0,0,0x29}, {0}, {0,0,0x06}, {0}, {0,0,0x28}, {0} };
  static const guint8 bksp[][8] = { {0,0,0x04}, {0}, {0,0,0x2A}, {0}, {0,0,0x28}, {0} };
  static const guint8 ctrl[][8] = { {0x01,0,0x19}, {0}, {0,0,0x28}, {0} };
  static const guint8 fkey[][8] = { {0,0,0x3A}, {0}, {0,0,0x28}, {0} };
  static const guint8 tab[][8] = { {0,0,0x04}, {0}, {0,0,0x2B}, {0}, {0,0,0x28}, {0} };
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  gint64 clock = 0;
  guint rejected = 0;

  g_assert_null (feed_all (w, &esc[0][0], sizeof esc, &clock, &rejected));
  g_assert_null (feed_all (w, &bksp[0][0], sizeof bksp, &clock, &rejected));
  g_assert_null (feed_all (w, &ctrl[0][0], sizeof ctrl, &clock, &rejected));
  g_assert_null (feed_all (w, &fkey[0][0], sizeof fkey, &clock, &rejected));
  g_assert_null (feed_all (w, &tab[0][0], sizeof tab, &clock, &rejected));
  g_assert_cmpuint (rejected, ==, 5);
  {
    g_autofree char *code = decode ("clean");
    g_assert_cmpstr (code, ==, "clean");
  }
}

static void
test_tab_terminates_when_configured (void)
{
  static const guint8 rep[][8] = { {0,0,0x04}, {0}, {0,0,0x2B}, {0} };
  HbHidWedgeOptions o;
  g_autoptr(HbHidWedge) w = NULL;
  gint64 clock = 0;
  g_autofree char *code = NULL;

  hb_hid_wedge_options_init (&o);
  o.tab_terminates = TRUE;
  w = hb_hid_wedge_new (&o);
  code = feed_all (w, &rep[0][0], sizeof rep, &clock, NULL);
  g_assert_cmpstr (code, ==, "a");
}

static void
test_lone_enter_is_no_code (void)
{
  static const guint8 rep[][8] = { {0,0,0x28}, {0}, {0,0,0x58}, {0} };
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  gint64 clock = 0;
  guint rejected = 0;

  g_assert_null (feed_all (w, &rep[0][0], sizeof rep, &clock, &rejected));
  g_assert_cmpuint (rejected, ==, 0);
}

/* Alt held, keypad digits of the decimal code point, Alt released. */
static void
append_alt (GByteArray *out, guint32 cp)
{
  g_autofree char *digits = g_strdup_printf ("%u", cp);
  guint8 r[8] = { 0x04 };

  g_byte_array_append (out, r, 8);
  for (const char *d = digits; *d; d++)
    {
      guint8 down[8] = { 0x04, 0, *d == '0' ? 0x62 : (guint8) (0x59 + (*d - '1')) };
      guint8 up[8] = { 0x04 };
      g_byte_array_append (out, down, 8);
      g_byte_array_append (out, up, 8);
    }
  memset (r, 0, sizeof r);
  g_byte_array_append (out, r, 8);
}

static void
test_alt_numpad_types_unicode (void)
{
  static const char text[] = "社保查询¥100元";
  g_autoptr(GByteArray) r = g_byte_array_new ();
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  guint8 enter[16];
  gint64 clock = 0;
  g_autofree char *code = NULL;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    append_alt (r, g_utf8_get_char (p));
  hb_hid_wedge_encode_char ('\r', enter);
  g_byte_array_append (r, enter, sizeof enter);
  code = feed_all (w, r->data, r->len, &clock, NULL);
  g_assert_cmpstr (code, ==, text);
}

static void
test_alt_codes_outside_unicode_are_rejected (void)
{
  const guint32 bad[] = { 0xD800, 0x110000, 7, 12345678 };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GByteArray) r = g_byte_array_new ();
      g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
      guint8 enter[16];
      gint64 clock = 0;
      guint rejected = 0;

      append_alt (r, 'a');
      append_alt (r, bad[i]);
      hb_hid_wedge_encode_char ('\r', enter);
      g_byte_array_append (r, enter, sizeof enter);
      g_assert_null (feed_all (w, r->data, r->len, &clock, &rejected));
      g_assert_cmpuint (rejected, ==, 1);
    }
}

static void
test_reset_drops_a_partial_code (void)
{
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  g_autoptr(GByteArray) head = reports_for ("left", FALSE);
  g_autoptr(GByteArray) full = reports_for ("right", TRUE);
  gint64 clock = 0;
  g_autofree char *code = NULL;

  feed_all (w, head->data, head->len, &clock, NULL);
  hb_hid_wedge_reset (w);
  code = feed_all (w, full->data, full->len, &clock, NULL);
  g_assert_cmpstr (code, ==, "right");
}

static void
test_spoil_rejects_the_code_in_progress_only (void)
{
  g_autoptr(HbHidWedge) w = hb_hid_wedge_new (NULL);
  g_autoptr(GByteArray) head = reports_for ("he", FALSE);
  g_autoptr(GByteArray) tail = reports_for ("ad", TRUE);
  g_autoptr(GByteArray) next = reports_for ("next", TRUE);
  gint64 clock = 0;
  guint rejected = 0;
  g_autofree char *code = NULL;

  hb_hid_wedge_spoil (w);              /* between codes: nothing to spoil */
  feed_all (w, head->data, head->len, &clock, &rejected);
  hb_hid_wedge_spoil (w);              /* a transfer failed in the middle */
  g_assert_null (feed_all (w, tail->data, tail->len, &clock, &rejected));
  g_assert_cmpuint (rejected, ==, 1);
  code = feed_all (w, next->data, next->len, &clock, &rejected);
  g_assert_cmpstr (code, ==, "next");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/drivers/scanner/hid-wedge/decodes-the-reference-example", test_reference_example);
  g_test_add_func ("/drivers/scanner/hid-wedge/every-printable-ascii-round-trips", test_every_printable_ascii_round_trips);
  g_test_add_func ("/drivers/scanner/hid-wedge/suishenma-and-2100-char-offline-codes-round-trip", test_suishenma_and_offline_codes_round_trip);
  g_test_add_func ("/drivers/scanner/hid-wedge/shift-selects-the-upper-symbol", test_shift_selects_the_upper_symbol);
  g_test_add_func ("/drivers/scanner/hid-wedge/held-and-repeated-reports-type-once", test_held_and_repeated_reports_type_once);
  g_test_add_func ("/drivers/scanner/hid-wedge/reports-split-across-reads-assemble", test_reports_split_anywhere_between_calls);
  g_test_add_func ("/drivers/scanner/hid-wedge/every-cut-of-the-report-stream-gives-the-code", test_every_cut_of_the_stream_gives_the_code);
  g_test_add_func ("/drivers/scanner/hid-wedge/malformed-reports-are-refused", test_malformed_reports_are_refused);
  g_test_add_func ("/drivers/scanner/hid-wedge/gap-longer-than-timeout-aborts-partial-code", test_a_gap_longer_than_the_timeout_aborts_a_partial_code);
  g_test_add_func ("/drivers/scanner/hid-wedge/over-length-is-rejected-not-truncated-then-resyncs", test_over_length_is_rejected_then_resyncs);
  g_test_add_func ("/drivers/scanner/hid-wedge/control-keys-spoil-a-code", test_control_keys_spoil_a_code);
  g_test_add_func ("/drivers/scanner/hid-wedge/tab-terminates-when-configured", test_tab_terminates_when_configured);
  g_test_add_func ("/drivers/scanner/hid-wedge/lone-enter-is-no-code", test_lone_enter_is_no_code);
  g_test_add_func ("/drivers/scanner/hid-wedge/alt-numpad-types-unicode", test_alt_numpad_types_unicode);
  g_test_add_func ("/drivers/scanner/hid-wedge/alt-codes-outside-unicode-are-rejected", test_alt_codes_outside_unicode_are_rejected);
  g_test_add_func ("/drivers/scanner/hid-wedge/reset-drops-a-partial-code", test_reset_drops_a_partial_code);
  g_test_add_func ("/drivers/scanner/hid-wedge/spoil-rejects-only-the-code-in-progress", test_spoil_rejects_the_code_in_progress_only);
  return g_test_run ();
}
