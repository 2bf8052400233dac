/* test-sam-frame.c — SAM frames: the captured frames of the reference (§2, §3), checksum,
 * length bounds, the status table, and the stream receiver's resynchronisation. */
#include "drivers/idcard/hb-sam-frame.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

/* Hex text ("AA AA AA 96 69 …", spaces optional) → bytes. */
static GBytes *
hex (const char *text)
{
  GByteArray *a = g_byte_array_new ();

  for (const char *p = text; *p;)
    {
      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }
      g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
      guint8 b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
      g_byte_array_append (a, &b, 1);
      p += 2;
    }
  return g_byte_array_free_to_bytes (a);
}

static void
assert_bytes_hex (GBytes *bytes, const char *expected)
{
  g_autoptr(GBytes) want = hex (expected);
  gsize a, b;
  const guint8 *x = g_bytes_get_data (bytes, &a), *y = g_bytes_get_data (want, &b);

  g_assert_cmpmem (x, a, y, b);
}

/* A 1295-byte "read base info" response with recognisable DATA: every DATA byte is 0x5A
 * except the length words. Stands in for card data in tests that must not see it quoted. */
static GBytes *
big_response (void)
{
  guint8 data[1284];

  memset (data, 0x5A, sizeof data);
  data[0] = 0x01; data[1] = 0x00; data[2] = 0x04; data[3] = 0x00;
  return hb_sam_response_build (0, 0, 0x90, data, sizeof data);
}

/* --- captured frames (§3) ----------------------------------------------------------- */

static const struct {
  const char *name;
  const char *frame;
  guint8      sw3;
  gsize       data_len;
  guint8      expected;    /* what the command that got it expects */
  int         error;       /* -1: check passes */
} captured[] = {
  { "status ok",          "AA AA AA 96 69 00 04 00 00 90 94", 0x90, 0, 0x90, -1 },
  { "self-test failed",   "AA AA AA 96 69 00 04 00 00 60 64", 0x60, 0, 0x90, HB_SAM_ERROR_SAM_FAULT },
  { "find ok",            "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", 0x9F, 4, 0x9F, -1 },
  { "no card",            "AA AA AA 96 69 00 04 00 00 80 84", 0x80, 0, 0x9F, HB_SAM_ERROR_NO_CARD },
  { "select ok",          "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", 0x90, 8, 0x90, -1 },
  { "select failed",      "AA AA AA 96 69 00 04 00 00 81 85", 0x81, 0, 0x90, HB_SAM_ERROR_SELECT_FAILED },
  { "read failed",        "AA AA AA 96 69 00 04 00 00 41 45", 0x41, 0, 0x90, HB_SAM_ERROR_READ_FAILED },
  { "no appended address","AA AA AA 96 69 00 04 00 00 91 95", 0x91, 0, 0x90, HB_SAM_ERROR_NO_ITEM },
  { "host checksum",      "AA AA AA 96 69 00 04 00 00 10 14", 0x10, 0, 0x90, HB_SAM_ERROR_PROTOCOL },
};

static void
test_captured_frames_parse_to_their_status (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (captured); i++)
    {
      g_autoptr(GBytes) f = hex (captured[i].frame);
      g_autoptr(GError) error = NULL;
      HbSamResponse r;
      gsize len;
      const guint8 *p = g_bytes_get_data (f, &len);

      g_test_message ("%s", captured[i].name);
      g_assert_true (hb_sam_response_parse (p, len, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (r.sw1, ==, 0);
      g_assert_cmpuint (r.sw2, ==, 0);
      g_assert_cmphex (r.sw3, ==, captured[i].sw3);
      g_assert_cmpuint (r.data_len, ==, captured[i].data_len);
      if (r.data_len)
        g_assert_true (r.data == p + 10);

      if (captured[i].error < 0)
        {
          g_assert_true (hb_sam_response_check (&r, captured[i].expected, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (hb_sam_response_check (&r, captured[i].expected, &error));
          g_assert_error (error, HB_SAM_ERROR, captured[i].error);
        }
    }
}

static void
test_captured_frames_rebuild_byte_exact (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (captured); i++)
    {
      g_autoptr(GBytes) f = hex (captured[i].frame);
      g_autoptr(GBytes) built = NULL;
      HbSamResponse r;
      gsize len;
      const guint8 *p = g_bytes_get_data (f, &len);

      g_assert_true (hb_sam_response_parse (p, len, &r, NULL));
      built = hb_sam_response_build (r.sw1, r.sw2, r.sw3, r.data, r.data_len);
      g_assert_true (g_bytes_equal (built, f));
    }
}

static void
test_requests_are_built_byte_exact (void)
{
  static const struct { HbSamCommand cmd; const char *frame; } requests[] = {
    { HB_SAM_CMD_RESET,         "AA AA AA 96 69 00 03 10 FF EC" },
    { HB_SAM_CMD_STATUS,        "AA AA AA 96 69 00 03 11 FF ED" },
    { HB_SAM_CMD_SAM_ID,        "AA AA AA 96 69 00 03 12 FF EE" },
    { HB_SAM_CMD_FIND,          "AA AA AA 96 69 00 03 20 01 22" },
    { HB_SAM_CMD_SELECT,        "AA AA AA 96 69 00 03 20 02 21" },
    { HB_SAM_CMD_READ_BASE,     "AA AA AA 96 69 00 03 30 01 32" },
    { HB_SAM_CMD_READ_APPENDED, "AA AA AA 96 69 00 03 30 03 30" },
    { HB_SAM_CMD_READ_BASE_FP,  "AA AA AA 96 69 00 03 30 10 23" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GBytes) built = hb_sam_request_build (requests[i].cmd, NULL, 0);
      assert_bytes_hex (built, requests[i].frame);
    }
  {
    static const guint8 max_rf = 0x50;
    g_autoptr(GBytes) built = hb_sam_request_build (HB_SAM_CMD_SET_MAX_RF, &max_rf, 1);
    assert_bytes_hex (built, "AA AA AA 96 69 00 04 61 FF 50 CA");
  }
}

static void
test_requests_parse_back (void)
{
  static const guint8 max_rf = 0x50;
  g_autoptr(GBytes) f = hb_sam_request_build (HB_SAM_CMD_SET_MAX_RF, &max_rf, 1);
  g_autoptr(GBytes) g = hex ("AA AA AA 96 69 00 03 20 01 22");
  g_autoptr(GError) error = NULL;
  HbSamCommand cmd = 0;
  const guint8 *data = NULL;
  gsize len, data_len = 99;
  const guint8 *p = g_bytes_get_data (f, &len);

  g_assert_true (hb_sam_request_parse (p, len, &cmd, &data, &data_len, &error));
  g_assert_no_error (error);
  g_assert_cmphex (cmd, ==, HB_SAM_CMD_SET_MAX_RF);
  g_assert_cmpuint (data_len, ==, 1);
  g_assert_cmphex (data[0], ==, 0x50);

  p = g_bytes_get_data (g, &len);
  g_assert_true (hb_sam_request_parse (p, len, &cmd, &data, &data_len, &error));
  g_assert_cmphex (cmd, ==, HB_SAM_CMD_FIND);
  g_assert_cmpuint (data_len, ==, 0);
  g_assert_null (data);

  /* A request's LEN may be 3, a response's may not. */
  {
    HbSamResponse r;
    g_assert_false (hb_sam_response_parse (p, len, &r, &error));
    g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME);
    g_assert_nonnull (strstr (error->message, "LEN 0x0003"));
  }
}

/* --- malformed frames --------------------------------------------------------------- */

static void
assert_frame_error (const guint8 *p, gsize len, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  HbSamResponse r;

  g_assert_false (hb_sam_response_parse (p, len, &r, &error));
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME);
  if (fragment)
    {
      if (strstr (error->message, fragment) == NULL)
        g_error ("\"%s\" does not contain \"%s\"", error->message, fragment);
    }
}

static void
test_bad_checksum_is_refused (void)
{
  g_autoptr(GBytes) f = hex ("AA AA AA 96 69 00 04 00 00 90 95");
  gsize len;
  const guint8 *p = g_bytes_get_data (f, &len);

  assert_frame_error (p, len, "checksum mismatch: frame says 0x95, computed 0x94");
}

static void
test_one_flipped_bit_anywhere_is_refused (void)
{
  g_autoptr(GBytes) big = big_response ();
  GBytes *frames[G_N_ELEMENTS (captured) + 1];

  for (guint i = 0; i < G_N_ELEMENTS (captured); i++)
    frames[i] = hex (captured[i].frame);
  frames[G_N_ELEMENTS (captured)] = g_bytes_ref (big);

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      gsize len;
      g_autofree guint8 *copy = g_bytes_unref_to_data (frames[i], &len);

      for (gsize byte = 0; byte < len; byte++)
        for (int bit = 0; bit < 8; bit++)
          {
            HbSamResponse r;
            copy[byte] ^= (guint8) (1u << bit);
            if (hb_sam_response_parse (copy, len, &r, NULL))
              g_error ("frame %u with bit %d of byte %" G_GSIZE_FORMAT " flipped was accepted",
                       i, bit, byte);
            copy[byte] ^= (guint8) (1u << bit);
          }
      /* And unflipped it is fine. */
      {
        HbSamResponse r;
        g_assert_true (hb_sam_response_parse (copy, len, &r, NULL));
      }
    }
}

static void
test_truncated_frames_are_refused (void)
{
  g_autoptr(GBytes) big = big_response ();
  gsize len;
  const guint8 *p = g_bytes_get_data (big, &len);

  g_assert_cmpuint (len, ==, 1295);
  for (gsize n = 0; n < len; n++)
    assert_frame_error (p, n, NULL);
  assert_frame_error (p, 14, "LEN 0x0508 but only 14 bytes");
  assert_frame_error (p, 3, "shorter than the 7-byte header");
  assert_frame_error (NULL, 0, "shorter than the 7-byte header");
}

static void
test_trailing_bytes_are_refused (void)
{
  g_autoptr(GBytes) f = hex ("AA AA AA 96 69 00 04 00 00 90 94 00");
  gsize len;
  const guint8 *p = g_bytes_get_data (f, &len);

  assert_frame_error (p, len, "1 trailing");
}

static void
test_oversized_len_is_refused (void)
{
  /* 7 + 0x0FFA = 4097: one byte over the limit. */
  g_autoptr(GBytes) over = hex ("AA AA AA 96 69 0F FA 00 00 90");
  g_autoptr(GBytes) huge = hex ("AA AA AA 96 69 FF FF 00 00 90");
  g_autoptr(GBytes) small = hex ("AA AA AA 96 69 00 03 00 00 90");
  gsize len;
  const guint8 *p;

  p = g_bytes_get_data (over, &len);
  assert_frame_error (p, len, "LEN 0x0FFA");
  assert_frame_error (p, len, "over the 4096-byte limit");
  p = g_bytes_get_data (huge, &len);
  assert_frame_error (p, len, "LEN 0xFFFF");
  p = g_bytes_get_data (small, &len);
  assert_frame_error (p, len, "below the minimum of 4");
}

static void
test_frame_at_the_size_limit_is_accepted (void)
{
  gsize n = HB_SAM_FRAME_MAX - 11, len;
  g_autofree guint8 *data = g_malloc0 (n);
  g_autoptr(GBytes) f = hb_sam_response_build (0, 0, 0x90, data, n);
  const guint8 *p = g_bytes_get_data (f, &len);
  HbSamResponse r;

  g_assert_cmpuint (len, ==, HB_SAM_FRAME_MAX);
  g_assert_true (hb_sam_response_parse (p, len, &r, NULL));
  g_assert_cmpuint (r.data_len, ==, n);
}

static void
test_wrong_preamble_is_refused (void)
{
  const char *bad[] = {
    "AB AA AA 96 69 00 04 00 00 90 94",
    "AA AA AA 69 96 00 04 00 00 90 94",
    "00 AA AA AA 96 69 00 04 00 00 90",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) f = hex (bad[i]);
      gsize len;
      const guint8 *p = g_bytes_get_data (f, &len);
      assert_frame_error (p, len, "preamble");
    }
}

static void
test_errors_never_quote_data (void)
{
  g_autoptr(GBytes) big = big_response ();
  gsize len;
  g_autofree guint8 *f = g_bytes_unref_to_data (g_bytes_ref (big), &len);
  const char *needles[] = { "5A", "5a", "Z" };
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  HbSamResponse r;
  GError *error = NULL;

  hb_sam_response_parse (f, 700, &r, &error);
  g_ptr_array_add (messages, g_strdup (error->message));
  g_clear_error (&error);
  f[500] ^= 0x01;
  hb_sam_response_parse (f, len, &r, &error);
  g_ptr_array_add (messages, g_strdup (error->message));
  g_clear_error (&error);
  g_ptr_array_add (messages, hb_sam_frame_summary (f, len));
  g_ptr_array_add (messages, hb_sam_frame_summary (f, 700));

  for (guint i = 0; i < messages->len; i++)
    for (guint j = 0; j < G_N_ELEMENTS (needles); j++)
      if (strstr (messages->pdata[i], needles[j]) != NULL)
        g_error ("\"%s\" quotes DATA", (char *) messages->pdata[i]);
}

/* --- status ------------------------------------------------------------------------- */

static const struct { guint8 sw3; int error; const char *zh; } status_table[] = {
  { 0x91, HB_SAM_ERROR_NO_ITEM, "居民身份证中此项无内容" },
  { 0x10, HB_SAM_ERROR_PROTOCOL, "接收业务终端数据的校验和错" },
  { 0x11, HB_SAM_ERROR_PROTOCOL, "接收业务终端数据的长度错" },
  { 0x21, HB_SAM_ERROR_PROTOCOL, "接收业务终端的命令错误，包括命令中的各种数值或逻辑搭配错误" },
  { 0x23, HB_SAM_ERROR_SAM_FAULT, "越权操作" },
  { 0x24, HB_SAM_ERROR_PROTOCOL, "无法识别的错误" },
  { 0x31, HB_SAM_ERROR_AUTH_FAILED, "居民身份证认证 SAM_A(V) 失败" },
  { 0x32, HB_SAM_ERROR_AUTH_FAILED, "SAM_A(V) 认证居民身份证失败" },
  { 0x33, HB_SAM_ERROR_AUTH_FAILED, "信息验证失败/错误" },
  { 0x37, HB_SAM_ERROR_AUTH_FAILED, "指纹信息验证错误" },
  { 0x3F, HB_SAM_ERROR_PROTOCOL, "信息长度错误" },
  { 0x40, HB_SAM_ERROR_INVALID_MEDIA, "无法识别的居民身份证类型" },
  { 0x41, HB_SAM_ERROR_READ_FAILED, "读居民身份证操作失败" },
  { 0x47, HB_SAM_ERROR_AUTH_FAILED, "取随机数失败" },
  { 0x60, HB_SAM_ERROR_SAM_FAULT, "SAM_A(V) 自检失败，不能接收命令" },
  { 0x66, HB_SAM_ERROR_SAM_FAULT, "SAM_A(V) 没经过授权，无法使用" },
  { 0x80, HB_SAM_ERROR_NO_CARD, "寻找居民身份证失败" },
  { 0x81, HB_SAM_ERROR_SELECT_FAILED, "选取居民身份证失败" },
  { 0x9F, HB_SAM_ERROR_UNKNOWN, "寻找居民身份证成功" },   /* where 0x90 was expected */
  { 0x55, HB_SAM_ERROR_UNKNOWN, NULL },
  { 0x00, HB_SAM_ERROR_UNKNOWN, NULL },
};

static void
test_check_maps_every_status_to_its_error (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_table); i++)
    {
      HbSamResponse r = { 0, 0, status_table[i].sw3, NULL, 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *code = g_strdup_printf ("0x%02X", status_table[i].sw3);

      g_assert_false (hb_sam_response_check (&r, 0x90, &error));
      g_assert_error (error, HB_SAM_ERROR, status_table[i].error);
      g_assert_nonnull (strstr (error->message, code));
    }
  {
    /* Success only for the code that command expects. */
    HbSamResponse r = { 0, 0, 0x90, NULL, 0 };
    g_autoptr(GError) error = NULL;
    g_assert_true (hb_sam_response_check (&r, 0x90, NULL));
    g_assert_false (hb_sam_response_check (&r, 0x9F, &error));
    g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_UNKNOWN);
  }
}

static void
test_check_refuses_card_status_words (void)
{
  HbSamResponse a = { 0x01, 0x00, 0x90, NULL, 0 }, b = { 0x00, 0x6A, 0x90, NULL, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_sam_response_check (&a, 0x90, &error));
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_CARD_STATUS);
  g_clear_error (&error);
  g_assert_false (hb_sam_response_check (&b, 0x90, &error));
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_CARD_STATUS);
  g_assert_nonnull (strstr (error->message, "SW2 0x6A"));
}

static void
test_describe_has_chinese_and_english_for_every_code (void)
{
  static const guint8 codes[] = { 0x90, 0x91, 0x9F, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32,
                                  0x33, 0x37, 0x3F, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81 };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      const char *zh = hb_sam_status_describe (codes[i], FALSE);
      const char *en = hb_sam_status_describe (codes[i], TRUE);

      g_assert_true (g_utf8_validate (zh, -1, NULL));
      g_assert_false (g_str_is_ascii (zh));
      g_assert_true (g_str_is_ascii (en));
      g_assert_cmpuint (strlen (en), >, 3);
      g_assert_cmpstr (en, !=, "unknown status");
      g_assert_false (g_hash_table_contains (seen, en));
      g_hash_table_add (seen, (gpointer) en);
    }
  for (guint i = 0; i < G_N_ELEMENTS (status_table); i++)
    if (status_table[i].zh)
      g_assert_cmpstr (hb_sam_status_describe (status_table[i].sw3, FALSE), ==, status_table[i].zh);
  g_assert_cmpstr (hb_sam_status_describe (0x90, FALSE), ==, "操作成功");
  g_assert_cmpstr (hb_sam_status_describe (0x41, TRUE), ==,
                   "read failed (usually the card moved or was removed)");
  g_assert_cmpstr (hb_sam_status_describe (0x55, TRUE), ==, "unknown status");
  g_assert_cmpstr (hb_sam_status_describe (0x55, FALSE), ==, "未知状态");
}

/* --- receiver ----------------------------------------------------------------------- */

/* A stream of frames with garbage before, between and after them. */
typedef struct {
  GByteArray *stream;
  GPtrArray  *frames;     /* GBytes, in order */
  gsize       garbage;
} Stream;

static void
stream_add (Stream *s, GBytes *frame)
{
  gsize n;
  const guint8 *p = g_bytes_get_data (frame, &n);
  g_byte_array_append (s->stream, p, (guint) n);
  g_ptr_array_add (s->frames, g_bytes_ref (frame));
}

static void
stream_noise (Stream *s, const char *hex_text)
{
  g_autoptr(GBytes) b = hex (hex_text);
  gsize n;
  const guint8 *p = g_bytes_get_data (b, &n);
  g_byte_array_append (s->stream, p, (guint) n);
  s->garbage += n;
}

static Stream *
stream_new (void)
{
  Stream *s = g_new0 (Stream, 1);
  g_autoptr(GBytes) big = big_response ();

  s->stream = g_byte_array_new ();
  s->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  stream_noise (s, "00 13 37 AA AA 96 69");                   /* two AA only */
  for (guint i = 0; i < G_N_ELEMENTS (captured); i++)
    {
      g_autoptr(GBytes) f = hex (captured[i].frame);
      stream_add (s, f);
      if (i == 2)
        stream_noise (s, "AA");                              /* AA AA AA AA 96 69 */
      if (i == 4)
        stream_noise (s, "AA AA AA 96 69 FF FF");            /* impossible LEN */
      if (i == 5)
        stream_noise (s, "AA AA AA 96 69 00 02");            /* LEN below the minimum */
    }
  stream_add (s, big);
  stream_noise (s, "FF FF AA AA AA 96");
  {
    g_autoptr(GBytes) f = hex (captured[0].frame);
    stream_add (s, f);
  }
  return s;
}

static void
stream_free (Stream *s)
{
  g_byte_array_unref (s->stream);
  g_ptr_array_unref (s->frames);
  g_free (s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stream, stream_free)

/* Feeds the stream in chunks of chunk() bytes, draining after each; returns the frames. */
static GPtrArray *
receive (HbSamReceiver *rx, const GByteArray *stream, gsize (*chunk) (void))
{
  GPtrArray *got = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize at = 0;

  while (at < stream->len)
    {
      gsize n = chunk ();   /* not inside MIN (): it would be called twice */
      n = MIN (n, stream->len - at);
      GBytes *f = hb_sam_receiver_feed (rx, stream->data + at, n);
      at += n;
      while (f != NULL)
        {
          g_ptr_array_add (got, f);
          f = hb_sam_receiver_feed (rx, NULL, 0);
        }
    }
  return got;
}

static gsize one (void) { return 1; }
static gsize random_chunk (void) { return (gsize) g_test_rand_int_range (1, 700); }

static void
assert_received (Stream *s, HbSamReceiver *rx, GPtrArray *got)
{
  g_assert_cmpuint (got->len, ==, s->frames->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_true (g_bytes_equal (got->pdata[i], s->frames->pdata[i]));
  g_assert_cmpuint (hb_sam_receiver_dropped (rx), ==, s->garbage);
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, HB_SAM_HEADER_LEN);
}

static void
test_receiver_one_byte_at_a_time (void)
{
  g_autoptr(Stream) s = stream_new ();
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  g_autoptr(GPtrArray) got = receive (rx, s->stream, one);

  assert_received (s, rx, got);
}

static void
test_receiver_random_chunks (void)
{
  for (int round = 0; round < 50; round++)
    {
      g_autoptr(Stream) s = stream_new ();
      g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
      g_autoptr(GPtrArray) got = receive (rx, s->stream, random_chunk);

      assert_received (s, rx, got);
    }
}

static void
test_receiver_whole_stream_at_once (void)
{
  g_autoptr(Stream) s = stream_new ();
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *f;

  g_assert_cmpuint (s->stream->len, <=, HB_SAM_FRAME_MAX);
  f = hb_sam_receiver_feed (rx, s->stream->data, s->stream->len);
  while (f != NULL)
    {
      g_ptr_array_add (got, f);
      f = hb_sam_receiver_feed (rx, NULL, 0);
    }
  assert_received (s, rx, got);
}

static void
test_receiver_finds_preamble_inside_four_aa (void)
{
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  g_autoptr(GBytes) in = hex ("AA AA AA AA 96 69 00 04 00 00 80 84");
  g_autoptr(GBytes) want = hex ("AA AA AA 96 69 00 04 00 00 80 84");
  gsize len;
  const guint8 *p = g_bytes_get_data (in, &len);
  g_autoptr(GBytes) f = hb_sam_receiver_feed (rx, p, len);

  g_assert_nonnull (f);
  g_assert_true (g_bytes_equal (f, want));
  g_assert_cmpuint (hb_sam_receiver_dropped (rx), ==, 1);
}

static void
test_receiver_drops_impossible_len_bytewise (void)
{
  /* A preamble whose LEN is impossible is garbage — but only its first byte is dropped
   * before looking again, so a frame starting inside it would still be found. */
  const char *cases[] = {
    "AA AA AA 96 69 FF FF",
    "AA AA AA 96 69 0F FA",
    "AA AA AA 96 69 00 03",
    "AA AA AA 96 69 00 00",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
      g_autoptr(GBytes) noise = hex (cases[i]);
      g_autoptr(GBytes) frame = hex ("AA AA AA 96 69 00 04 00 00 41 45");
      g_autoptr(GBytes) f = NULL;
      gsize n;
      const guint8 *p = g_bytes_get_data (noise, &n);

      g_assert_null (hb_sam_receiver_feed (rx, p, n));
      g_assert_cmpuint (hb_sam_receiver_dropped (rx), ==, n);
      p = g_bytes_get_data (frame, &n);
      f = hb_sam_receiver_feed (rx, p, n);
      g_assert_true (f != NULL && g_bytes_equal (f, frame));
    }
}

static void
test_receiver_never_buffers_more_than_max (void)
{
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  gsize n = 100000;
  g_autofree guint8 *junk = g_malloc (n);
  g_autoptr(GBytes) max_frame = NULL;
  gsize len;
  const guint8 *p;
  g_autoptr(GBytes) f = NULL;

  /* A megabyte-ish of preamble-like garbage: nothing kept but a possible header start. */
  for (gsize i = 0; i < n; i++)
    junk[i] = i % 3 ? 0xAA : 0x96;
  g_assert_null (hb_sam_receiver_feed (rx, junk, n));
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), >=, 1);
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), <=, HB_SAM_HEADER_LEN);
  g_assert_cmpuint (hb_sam_receiver_dropped (rx), >=, n - HB_SAM_HEADER_LEN);
  hb_sam_receiver_reset (rx);
  g_assert_cmpuint (hb_sam_receiver_dropped (rx), ==, 0);

  /* The largest frame, then far more input than fits behind it. */
  {
    g_autofree guint8 *data = g_malloc0 (HB_SAM_FRAME_MAX - 11);
    max_frame = hb_sam_response_build (0, 0, 0x90, data, HB_SAM_FRAME_MAX - 11);
  }
  p = g_bytes_get_data (max_frame, &len);
  {
    g_autofree guint8 *in = g_malloc (len + n);
    memcpy (in, p, len);
    memset (in + len, 0xAA, n);
    f = hb_sam_receiver_feed (rx, in, len + n);
  }
  g_assert_true (f != NULL && g_bytes_equal (f, max_frame));
  /* What did not fit was dropped and counted; the queue holds at most one frame's worth. */
  g_assert_cmpuint (hb_sam_receiver_dropped (rx), >=, n - HB_SAM_FRAME_MAX);
  g_assert_null (hb_sam_receiver_feed (rx, NULL, 0));
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), <=, HB_SAM_HEADER_LEN);
}

static void
test_receiver_wanted_says_what_is_missing (void)
{
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  g_autoptr(GBytes) frame = hex ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97");
  gsize len;
  const guint8 *p = g_bytes_get_data (frame, &len);
  g_autoptr(GBytes) f = NULL;

  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 7);
  g_assert_null (hb_sam_receiver_feed (rx, p, 3));
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 4);
  g_assert_null (hb_sam_receiver_feed (rx, p + 3, 4));
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 8);
  g_assert_null (hb_sam_receiver_feed (rx, p + 7, 5));
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 3);
  f = hb_sam_receiver_feed (rx, p + 12, 3);
  g_assert_true (f != NULL && g_bytes_equal (f, frame));
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 7);
  g_assert_cmpuint (hb_sam_receiver_dropped (rx), ==, 0);
}

static void
test_receiver_queues_back_to_back_frames (void)
{
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  g_autoptr(GBytes) three = hex ("AA AA AA 96 69 00 04 00 00 80 84"
                                 "AA AA AA 96 69 00 04 00 00 81 85"
                                 "AA AA AA 96 69 00 04 00 00 41 45 AA AA");
  gsize len;
  const guint8 *p = g_bytes_get_data (three, &len);
  guint8 sw3[3] = { 0x80, 0x81, 0x41 };

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) f = hb_sam_receiver_feed (rx, i == 0 ? p : NULL, i == 0 ? len : 0);
      HbSamResponse r;
      gsize n;
      const guint8 *q;

      g_assert_nonnull (f);
      q = g_bytes_get_data (f, &n);
      g_assert_true (hb_sam_response_parse (q, n, &r, NULL));
      g_assert_cmphex (r.sw3, ==, sw3[i]);
      if (i < 2)
        g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 0);
    }
  g_assert_null (hb_sam_receiver_feed (rx, NULL, 0));
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 5);   /* AA AA of a next header */
}

static void
test_receiver_reset_forgets_a_partial_frame (void)
{
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  g_autoptr(GBytes) frame = hex ("AA AA AA 96 69 00 04 00 00 80 84");
  gsize len;
  const guint8 *p = g_bytes_get_data (frame, &len);
  g_autoptr(GBytes) f = NULL;

  g_assert_null (hb_sam_receiver_feed (rx, p, 9));
  hb_sam_receiver_reset (rx);
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 7);
  f = hb_sam_receiver_feed (rx, p, len);
  g_assert_true (f != NULL && g_bytes_equal (f, frame));
}

static void
test_receiver_request_mode_takes_len_three (void)
{
  g_autoptr(HbSamReceiver) requests = hb_sam_receiver_new_for_requests ();
  g_autoptr(HbSamReceiver) responses = hb_sam_receiver_new ();
  g_autoptr(GBytes) find = hex ("AA AA AA 96 69 00 03 20 01 22");
  gsize len;
  const guint8 *p = g_bytes_get_data (find, &len);
  g_autoptr(GBytes) f = hb_sam_receiver_feed (requests, p, len);

  g_assert_true (f != NULL && g_bytes_equal (f, find));
  g_assert_null (hb_sam_receiver_feed (responses, p, len));
  g_assert_cmpuint (hb_sam_receiver_dropped (responses), ==, len);
}

static void
test_summary_shows_header_not_card_data (void)
{
  g_autoptr(GBytes) big = big_response ();
  g_autoptr(GBytes) find = hex (captured[2].frame);
  gsize len;
  const guint8 *p = g_bytes_get_data (big, &len);
  g_autofree char *a = hb_sam_frame_summary (p, len);
  g_autofree char *b = NULL;
  g_autofree char *c = hb_sam_frame_summary (p + 1, len - 1);

  g_assert_nonnull (strstr (a, "LEN 0508"));
  g_assert_nonnull (strstr (a, "00 00 90"));
  g_assert_nonnull (strstr (a, "1284 DATA bytes"));
  g_assert_null (strstr (a, "5A"));
  g_assert_nonnull (strstr (c, "without a SAM header"));

  p = g_bytes_get_data (find, &len);
  b = hb_sam_frame_summary (p, len);
  g_assert_cmpstr (b, ==, "AA AA AA 96 69 | LEN 0008 | 00 00 9F | 00 00 00 00 | CHK 97");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/drivers/idcard/sam-frame/captured-frames-parse-to-their-status", test_captured_frames_parse_to_their_status);
  g_test_add_func ("/drivers/idcard/sam-frame/captured-frames-rebuild-byte-exact", test_captured_frames_rebuild_byte_exact);
  g_test_add_func ("/drivers/idcard/sam-frame/requests-are-built-byte-exact", test_requests_are_built_byte_exact);
  g_test_add_func ("/drivers/idcard/sam-frame/requests-parse-back", test_requests_parse_back);
  g_test_add_func ("/drivers/idcard/sam-frame/bad-checksum-is-refused", test_bad_checksum_is_refused);
  g_test_add_func ("/drivers/idcard/sam-frame/one-flipped-bit-anywhere-is-refused", test_one_flipped_bit_anywhere_is_refused);
  g_test_add_func ("/drivers/idcard/sam-frame/truncated-frames-are-refused", test_truncated_frames_are_refused);
  g_test_add_func ("/drivers/idcard/sam-frame/trailing-bytes-are-refused", test_trailing_bytes_are_refused);
  g_test_add_func ("/drivers/idcard/sam-frame/oversized-len-is-refused", test_oversized_len_is_refused);
  g_test_add_func ("/drivers/idcard/sam-frame/frame-at-the-size-limit-is-accepted", test_frame_at_the_size_limit_is_accepted);
  g_test_add_func ("/drivers/idcard/sam-frame/wrong-preamble-is-refused", test_wrong_preamble_is_refused);
  g_test_add_func ("/drivers/idcard/sam-frame/errors-never-quote-data", test_errors_never_quote_data);
  g_test_add_func ("/drivers/idcard/sam-frame/check-maps-every-status-to-its-error", test_check_maps_every_status_to_its_error);
  g_test_add_func ("/drivers/idcard/sam-frame/check-refuses-card-status-words", test_check_refuses_card_status_words);
  g_test_add_func ("/drivers/idcard/sam-frame/describe-has-chinese-and-english-for-every-code", test_describe_has_chinese_and_english_for_every_code);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/takes-one-byte-at-a-time", test_receiver_one_byte_at_a_time);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/takes-random-chunks", test_receiver_random_chunks);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/takes-the-whole-stream-at-once", test_receiver_whole_stream_at_once);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/finds-the-preamble-inside-four-aa", test_receiver_finds_preamble_inside_four_aa);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/drops-impossible-len-bytewise", test_receiver_drops_impossible_len_bytewise);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/never-buffers-more-than-a-frame", test_receiver_never_buffers_more_than_max);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/wanted-says-what-is-missing", test_receiver_wanted_says_what_is_missing);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/queues-back-to-back-frames", test_receiver_queues_back_to_back_frames);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/reset-forgets-a-partial-frame", test_receiver_reset_forgets_a_partial_frame);
  g_test_add_func ("/drivers/idcard/sam-frame/receiver/request-mode-takes-len-three", test_receiver_request_mode_takes_len_three);
  g_test_add_func ("/drivers/idcard/sam-frame/summary-shows-header-not-card-data", test_summary_shows_header_not_card_data);

  return g_test_run ();
}
