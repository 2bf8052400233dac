/* test-escpos.c — the ESC/POS encoder (byte-exact) and the DLE EOT status decoder. */
#include "drivers/printer/hb-escpos.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

/* The ticket the golden transcript tests/data/escpos/queue-ticket.bin was made from. */
static HbTicket *
golden_ticket (void)
{
  HbTicket *t = hb_ticket_new ();

  g_assert_true (hb_ticket_add_text (t, "办理回执", HB_TICKET_SIZE_DOUBLE, TRUE,
                                     HB_TICKET_ALIGN_CENTER, NULL));
  g_assert_true (hb_ticket_add_separator (t, NULL));
  g_assert_true (hb_ticket_add_row (t, "事项", "居住证办理", NULL));
  g_assert_true (hb_ticket_add_row (t, "受理时间", "2026-01-01 10:00", NULL));
  g_assert_true (hb_ticket_add_row (t, "Case", "K001-000123", NULL));
  g_assert_true (hb_ticket_add_qr (t, "https://example.invalid/q?c=K001-000123", NULL));
  g_assert_true (hb_ticket_add_text (t, "咨询电话 12345", HB_TICKET_SIZE_NORMAL, FALSE,
                                     HB_TICKET_ALIGN_RIGHT, NULL));
  g_assert_true (hb_ticket_add_cut (t, NULL));
  return t;
}

static GBytes *
read_golden (const char *name)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "tests", "data", "escpos", name,
                                            NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("Cannot read the golden transcript %s: %s", path, error->message);
  return g_bytes_new_take (contents, len);
}

static void
test_ticket_matches_the_golden_transcript (void)
{
  g_autoptr(HbTicket) ticket = golden_ticket ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) out = hb_escpos_encode_ticket (ticket, &error);
  g_autoptr(GBytes) golden = read_golden ("queue-ticket.bin");
  gsize len;
  const guint8 *want = g_bytes_get_data (golden, &len);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  if (g_getenv ("HB_ESCPOS_WRITE_GOLDEN"))
    g_file_set_contents (g_getenv ("HB_ESCPOS_WRITE_GOLDEN"), (const char *) out->data,
                         out->len, NULL);
  g_assert_cmpmem (out->data, out->len, want, len);
}

/* Pieces of the golden transcript checked against the reference, so the golden file is
 * not merely "what the encoder printed once". */
static guint
count (const GByteArray *a, const void *needle, gsize n)
{
  guint found = 0;

  for (gsize i = 0; i + n <= a->len; i++)
    if (memcmp (a->data + i, needle, n) == 0)
      found++;
  return found;
}

static gboolean
contains (const GByteArray *a, const void *needle, gsize n)
{
  return count (a, needle, n) > 0;
}

static void
test_ticket_commands_follow_the_reference (void)
{
  g_autoptr(HbTicket) ticket = golden_ticket ();
  g_autoptr(GByteArray) out = hb_escpos_encode_ticket (ticket, NULL);
  /* centre, double size, bold, FS & 办理回执 (GB18030) FS ., LF */
  static const guint8 title[] = { 0x1b, 0x61, 0x01, 0x1d, 0x21, 0x11, 0x1b, 0x45, 0x01,
                                  0x1c, 0x26, 0xb0, 0xec, 0xc0, 0xed, 0xbb, 0xd8, 0xd6, 0xb4,
                                  0x1c, 0x2e, 0x0a };
  static const guint8 qr_head[] = { 0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,
                                    0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x06,
                                    0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31,
                                    0x1d, 0x28, 0x6b, 0x2a, 0x00, 0x31, 0x50, 0x30 };
  static const guint8 qr_print[] = { 0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30 };
  static const guint8 cut[] = { 0x1b, 0x64, 0x04, 0x1d, 0x56, 0x01 };
  /* "Case" + 33 spaces + "K001-000123" = 48 columns */
  g_autofree char *row = g_strdup_printf ("Case%*sK001-000123\n", 33, "");

  g_assert_nonnull (out);
  g_assert_cmpmem (out->data, 2, "\x1b\x40", 2);
  g_assert_cmpmem (out->data + 2, sizeof title, title, sizeof title);
  g_assert_true (contains (out, qr_head, sizeof qr_head));
  g_assert_true (contains (out, qr_print, sizeof qr_print));
  g_assert_true (contains (out, row, strlen (row)));
  g_assert_cmpmem (out->data + out->len - sizeof cut, sizeof cut, cut, sizeof cut);
  /* exactly one cut: the ticket's own, none added */
  g_assert_cmpuint (count (out, cut, sizeof cut), ==, 1);
}

static void
test_qr_store_block_matches_the_published_example (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  static const guint8 want_store[] = { 0x1d, 0x28, 0x6b, 0x06, 0x00, 0x31, 0x50, 0x30,
                                       0x41, 0x42, 0x43 };

  g_assert_true (hb_escpos_qr (out, "ABC", 3, HB_ESCPOS_ECC_L, NULL));
  g_assert_cmpuint (out->len, ==, 9 + 8 + 8 + sizeof want_store + 8);
  g_assert_cmpmem (out->data + 25, sizeof want_store, want_store, sizeof want_store);
}

static void
test_qr_refuses_bad_arguments (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree char *big = g_strnfill (HB_TICKET_QR_MAX + 1, 'x');
  GError *error = NULL;

  g_assert_false (hb_escpos_qr (out, "", 3, HB_ESCPOS_ECC_M, &error));
  g_assert_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hb_escpos_qr (out, big, 3, HB_ESCPOS_ECC_M, &error));
  g_clear_error (&error);
  g_assert_false (hb_escpos_qr (out, "A", 0, HB_ESCPOS_ECC_M, &error));
  g_clear_error (&error);
  g_assert_false (hb_escpos_qr (out, "A", 17, HB_ESCPOS_ECC_M, &error));
  g_clear_error (&error);
  g_assert_false (hb_escpos_qr (out, "A", 3, (HbEscposEcc) 'x', &error));
  g_clear_error (&error);
  g_assert_cmpuint (out->len, ==, 0);
}

static void
test_text_is_gb18030_between_fs_and_fs_dot (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  static const guint8 want[] = { 0x1c, 0x26, 0xb0, 0xec, 0xc0, 0xed, 0x20, 'A', '1', 0x1c, 0x2e };

  g_assert_true (hb_escpos_text (out, "办理 A1", NULL));
  g_assert_cmpmem (out->data, out->len, want, sizeof want);

  /* ASCII alone needs no Chinese mode. */
  g_byte_array_set_size (out, 0);
  g_assert_true (hb_escpos_text (out, "No. 12", NULL));
  g_assert_cmpmem (out->data, out->len, "No. 12", 6);
}

static void
test_text_refuses_what_the_font_cannot_print (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  GError *error = NULL;

  /* 𠮷 (U+20BB7) is 95 34 B2 35 in GB18030: outside GBK. */
  g_assert_false (hb_escpos_text (out, "\xf0\xa0\xae\xb7", &error));
  g_assert_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_UNPRINTABLE);
  g_clear_error (&error);
  /* Control bytes would be commands. */
  g_assert_false (hb_escpos_text (out, "a\x1b@b", &error));
  g_assert_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_UNPRINTABLE);
  g_clear_error (&error);
  g_assert_false (hb_escpos_text (out, "\xff\xfe", &error));
  g_assert_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_UNPRINTABLE);
  g_clear_error (&error);
  g_assert_cmpuint (out->len, ==, 0);
}

static void
test_raster_is_gs_v_0 (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  /* 10 dots wide (2 bytes per row), 2 rows; stride 4; dots past 10 must come out white */
  static const guint8 bits[] = { 0xff, 0xff, 0xaa, 0xaa, 0x81, 0xc3, 0x55, 0x55 };
  static const guint8 want[] = { 0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00,
                                 0xff, 0xc0, 0x81, 0xc0 };
  GError *error = NULL;

  g_assert_true (hb_escpos_raster (out, bits, 4, 10, 2, NULL));
  g_assert_cmpmem (out->data, out->len, want, sizeof want);

  g_byte_array_set_size (out, 0);
  g_assert_false (hb_escpos_raster (out, bits, 4, HB_ESCPOS_RASTER_MAX_W + 1, 1, &error));
  g_assert_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hb_escpos_raster (out, bits, 1, 10, 2, &error));   /* stride too short */
  g_clear_error (&error);
  g_assert_false (hb_escpos_raster (out, bits, 4, 10, 0, &error));
  g_clear_error (&error);
  g_assert_cmpuint (out->len, ==, 0);
}

static void
test_simple_commands (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  static const guint8 want[] = { 0x1b, 0x40, 0x1b, 0x61, 0x02, 0x1d, 0x21, 0x00, 0x1b, 0x45, 0x00,
                                 0x1b, 0x64, 0x03, 0x1d, 0x56, 0x01,
                                 0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x03,
                                 0x10, 0x04, 0x04 };

  hb_escpos_init (out);
  hb_escpos_align (out, HB_TICKET_ALIGN_RIGHT);
  hb_escpos_size (out, HB_TICKET_SIZE_NORMAL);
  hb_escpos_bold (out, FALSE);
  hb_escpos_feed (out, 3);
  hb_escpos_cut (out);
  hb_escpos_status_request (out);
  g_assert_cmpmem (out->data, out->len, want, sizeof want);
}

static void
test_a_ticket_without_a_cut_gets_one (void)
{
  g_autoptr(HbTicket) t = hb_ticket_new ();
  g_autoptr(GByteArray) out = NULL;

  g_assert_true (hb_ticket_add_text (t, "A023", HB_TICKET_SIZE_NORMAL, FALSE,
                                     HB_TICKET_ALIGN_LEFT, NULL));
  out = hb_escpos_encode_ticket (t, NULL);
  g_assert_nonnull (out);
  g_assert_cmpmem (out->data, out->len, "\x1b\x40" "A023\n" "\x1b\x64\x04\x1d\x56\x01", 13);
}

static void
test_long_row_wraps_the_value (void)
{
  g_autoptr(HbTicket) t = hb_ticket_new ();
  g_autoptr(GByteArray) out = NULL;
  g_autofree char *label = g_strnfill (40, 'L');
  g_autofree char *expect = NULL;

  g_assert_true (hb_ticket_add_row (t, label, "VALUE-0123", NULL));
  out = hb_escpos_encode_ticket (t, NULL);
  expect = g_strdup_printf ("\x1b\x40%s\n\x1b\x61\x02VALUE-0123\n", label);
  g_assert_nonnull (out);
  g_assert_cmpmem (out->data, strlen (expect), expect, strlen (expect));
}

static void
test_logo_is_a_centred_raster (void)
{
  g_autoptr(HbTicket) t = hb_ticket_new ();
  g_autoptr(GByteArray) out = NULL;
  /* 12 × 2 dots: rows of two bytes; the 4 dots past the width are cleared */
  static const guint8 bits[] = { 0xff, 0xff, 0x81, 0x8f };
  static const guint8 want[] = { 0x1b, 0x40, 0x1b, 0x61, 0x01,
                                 0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00,
                                 0xff, 0xf0, 0x81, 0x80, 0x0a,
                                 0x1b, 0x64, 0x04, 0x1d, 0x56, 0x01 };
  GError *error = NULL;

  g_assert_true (hb_ticket_add_logo (t, bits, sizeof bits, 12, 2, NULL));
  out = hb_escpos_encode_ticket (t, NULL);
  g_assert_nonnull (out);
  g_assert_cmpmem (out->data, out->len, want, sizeof want);

  /* Wrong length, too wide, too tall, empty: refused. */
  g_assert_false (hb_ticket_add_logo (t, bits, 3, 12, 2, &error));
  g_assert_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hb_ticket_add_logo (t, bits, sizeof bits, HB_TICKET_LOGO_MAX_W + 8, 1, &error));
  g_clear_error (&error);
  g_assert_false (hb_ticket_add_logo (t, bits, sizeof bits, 8, HB_TICKET_LOGO_MAX_H + 1, &error));
  g_clear_error (&error);
  g_assert_false (hb_ticket_add_logo (t, bits, 0, 0, 0, &error));
  g_clear_error (&error);
  g_assert_cmpuint (hb_ticket_get_n_items (t), ==, 1);
}

static void
test_ticket_is_bounded (void)
{
  g_autoptr(HbTicket) t = hb_ticket_new ();
  g_autofree char *big = g_strnfill (HB_TICKET_MAX_TEXT / 2, 'x');
  GError *error = NULL;
  guint n;

  for (n = 0; n < HB_TICKET_MAX_ITEMS; n++)
    g_assert_true (hb_ticket_add_separator (t, NULL));
  g_assert_false (hb_ticket_add_cut (t, &error));
  g_assert_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_cmpuint (hb_ticket_get_n_items (t), ==, HB_TICKET_MAX_ITEMS);

  hb_ticket_free (g_steal_pointer (&t));
  t = hb_ticket_new ();
  g_assert_true (hb_ticket_add_text (t, big, 0, FALSE, 0, NULL));
  g_assert_true (hb_ticket_add_text (t, big, 0, FALSE, 0, NULL));
  g_assert_false (hb_ticket_add_text (t, "x", 0, FALSE, 0, &error));
  g_assert_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Line breaks and other control characters are refused; invalid UTF-8 too. */
  g_assert_false (hb_ticket_add_text (t, "a\nb", 0, FALSE, 0, &error));
  g_assert_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hb_ticket_add_row (t, "a", "\xc3", &error));
  g_assert_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hb_ticket_add_qr (t, "", &error));
  g_assert_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_ticket_copy_is_deep (void)
{
  g_autoptr(HbTicket) t = golden_ticket ();
  g_autoptr(HbTicket) copy = hb_ticket_copy (t);
  g_autoptr(GByteArray) a = hb_escpos_encode_ticket (t, NULL);
  g_autoptr(GByteArray) b = NULL;

  hb_ticket_free (g_steal_pointer (&t));
  b = hb_escpos_encode_ticket (copy, NULL);
  g_assert_cmpmem (a->data, a->len, b->data, b->len);
  g_assert_true (hb_ticket_ends_with_cut (copy));
}

static void
test_status_normal (void)
{
  static const guint8 normal[4] = { 0x12, 0x12, 0x12, 0x12 };
  HbEscposStatus st = 0xff;
  HbDeviceStatus ds;
  HbPaperStatus paper;
  const char *detail = "x";

  g_assert_true (hb_escpos_decode_status (normal, 4, &st, NULL));
  g_assert_cmpuint (st, ==, 0);
  hb_escpos_status_to_device (st, &ds, &detail, &paper);
  g_assert_cmpint (ds, ==, HB_DEVICE_STATUS_ONLINE);
  g_assert_null (detail);
  g_assert_cmpint (paper, ==, HB_PAPER_FULL);
}

static void
test_status_bits_decode (void)
{
  static const struct {
    guint8         reply[4];
    HbEscposStatus flags;
    HbDeviceStatus status;
    const char    *detail;
    HbPaperStatus  paper;
  } cases[] = {
    /* paper end: n2 0x20 and n4 0x60 (node escpos / python-escpos masks) */
    { { 0x12, 0x32, 0x12, 0x72 }, HB_ESCPOS_STATUS_PAPER_OUT, HB_DEVICE_STATUS_USER_ERROR,
      "paper out", HB_PAPER_OUT },
    /* n4 paper end alone */
    { { 0x12, 0x12, 0x12, 0x72 }, HB_ESCPOS_STATUS_PAPER_OUT, HB_DEVICE_STATUS_USER_ERROR,
      "paper out", HB_PAPER_OUT },
    /* near end: keeps printing */
    { { 0x12, 0x12, 0x12, 0x1e }, HB_ESCPOS_STATUS_PAPER_LOW, HB_DEVICE_STATUS_ONLINE, NULL,
      HB_PAPER_LOW },
    /* cover open: offline too (n1 0x08), cover wins */
    { { 0x1a, 0x16, 0x12, 0x12 }, HB_ESCPOS_STATUS_OFFLINE | HB_ESCPOS_STATUS_COVER_OPEN,
      HB_DEVICE_STATUS_USER_ERROR, "cover open", HB_PAPER_FULL },
    /* cutter jam with the error bit */
    { { 0x1a, 0x52, 0x1a, 0x12 },
      HB_ESCPOS_STATUS_OFFLINE | HB_ESCPOS_STATUS_ERROR | HB_ESCPOS_STATUS_CUTTER_ERROR,
      HB_DEVICE_STATUS_HARDWARE_ERROR, "cutter jam", HB_PAPER_FULL },
    /* unrecoverable */
    { { 0x12, 0x52, 0x32, 0x12 }, HB_ESCPOS_STATUS_ERROR | HB_ESCPOS_STATUS_UNRECOVERABLE,
      HB_DEVICE_STATUS_HARDWARE_ERROR, "printer error", HB_PAPER_FULL },
    /* auto-recoverable (head too hot) */
    { { 0x12, 0x12, 0x52, 0x12 }, HB_ESCPOS_STATUS_AUTO_RECOVERABLE,
      HB_DEVICE_STATUS_HARDWARE_ERROR, "printer error", HB_PAPER_FULL },
    /* offline alone */
    { { 0x1a, 0x12, 0x12, 0x12 }, HB_ESCPOS_STATUS_OFFLINE, HB_DEVICE_STATUS_OFFLINE,
      "offline", HB_PAPER_FULL },
    /* cover open and paper out: the cover first (close it, then the paper shows) */
    { { 0x1a, 0x36, 0x12, 0x72 },
      HB_ESCPOS_STATUS_OFFLINE | HB_ESCPOS_STATUS_COVER_OPEN | HB_ESCPOS_STATUS_PAPER_OUT,
      HB_DEVICE_STATUS_USER_ERROR, "cover open", HB_PAPER_OUT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HbEscposStatus st = 0;
      HbDeviceStatus ds;
      HbPaperStatus paper;
      const char *detail;
      g_autoptr(GError) error = NULL;

      g_assert_true (hb_escpos_decode_status (cases[i].reply, 4, &st, &error));
      g_assert_no_error (error);
      g_assert_cmphex (st, ==, cases[i].flags);
      hb_escpos_status_to_device (st, &ds, &detail, &paper);
      g_assert_cmpint (ds, ==, cases[i].status);
      g_assert_cmpstr (detail, ==, cases[i].detail);
      g_assert_cmpint (paper, ==, cases[i].paper);
    }
}

static void
test_status_refuses_what_is_not_a_reply (void)
{
  static const guint8 bad_fixed[4] = { 0x12, 0x12, 0x13, 0x12 };   /* bit 0 set */
  static const guint8 high_bit[4] = { 0x92, 0x12, 0x12, 0x12 };
  static const guint8 no_bit1[4] = { 0x12, 0x10, 0x12, 0x12 };
  static const guint8 ok[5] = { 0x12, 0x12, 0x12, 0x12, 0x12 };
  HbEscposStatus st = 0;
  GError *error = NULL;

  g_assert_false (hb_escpos_decode_status (bad_fixed, 4, &st, &error));
  g_assert_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_STATUS);
  g_clear_error (&error);
  g_assert_false (hb_escpos_decode_status (high_bit, 4, &st, &error));
  g_clear_error (&error);
  g_assert_false (hb_escpos_decode_status (no_bit1, 4, &st, &error));
  g_clear_error (&error);
  g_assert_false (hb_escpos_decode_status (ok, 3, &st, &error));
  g_assert_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_STATUS);
  g_clear_error (&error);
  g_assert_false (hb_escpos_decode_status (ok, 5, &st, &error));
  g_clear_error (&error);
  g_assert_false (hb_escpos_decode_status (NULL, 0, &st, &error));
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add_func ("/drivers/printer/escpos/" path, fn)
  ADD ("ticket-matches-the-golden-transcript", test_ticket_matches_the_golden_transcript);
  ADD ("ticket-commands-follow-the-reference", test_ticket_commands_follow_the_reference);
  ADD ("qr-store-block-matches-the-published-example",
       test_qr_store_block_matches_the_published_example);
  ADD ("qr-refuses-bad-arguments", test_qr_refuses_bad_arguments);
  ADD ("text-is-gb18030-between-fs-and-fs-dot", test_text_is_gb18030_between_fs_and_fs_dot);
  ADD ("text-refuses-what-the-font-cannot-print", test_text_refuses_what_the_font_cannot_print);
  ADD ("raster-is-gs-v-0-and-bounded", test_raster_is_gs_v_0);
  ADD ("simple-commands-are-byte-exact", test_simple_commands);
  ADD ("ticket-without-a-cut-gets-one", test_a_ticket_without_a_cut_gets_one);
  ADD ("long-row-puts-the-value-on-its-own-line", test_long_row_wraps_the_value);
  ADD ("logo-is-a-centred-raster", test_logo_is_a_centred_raster);
  ADD ("ticket-is-bounded-and-validated", test_ticket_is_bounded);
  ADD ("ticket-copy-is-deep", test_ticket_copy_is_deep);
  ADD ("status/all-normal", test_status_normal);
  ADD ("status/bits-decode-to-device-status", test_status_bits_decode);
  ADD ("status/refuses-what-is-not-a-reply", test_status_refuses_what_is_not_a_reply);
#undef ADD

  return g_test_run ();
}
