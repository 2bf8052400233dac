/* test-sam-sim.c — the simulated SAM module: a conversation for every command, the
 * same-card rule, requests in any chunking, and each scripted fault. */
#include "drivers/idcard/hb-sam-sim.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-text.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static HbIdCard *
card_zhang (void)
{
  g_autoptr(GError) error = NULL;
  HbIdCard *card = hb_idcard_new_from_json_data (
    "{\"type\":\"resident\",\"name\":\"张伟\",\"sex\":\"male\",\"nation\":\"汉\","
    "\"birth_date\":\"19850615\",\"address\":\"上海市徐汇区漕溪北路88号5号楼1203室\","
    "\"id_number\":\"310104198506151237\",\"issuer\":\"上海市公安局徐汇分局\","
    "\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}", -1, &error);

  g_assert_no_error (error);
  return card;
}

static HbIdCard *
card_li (void)
{
  g_autoptr(GError) error = NULL;
  HbIdCard *card = hb_idcard_new_from_json_data (
    "{\"type\":\"resident\",\"name\":\"李秀英\",\"sex\":\"female\",\"nation\":\"汉\","
    "\"birth_date\":\"19520308\",\"address\":\"上海市杨浦区控江路1555弄12号602室\","
    "\"id_number\":\"310110195203082426\",\"issuer\":\"上海市公安局杨浦分局\","
    "\"valid_from\":\"20120715\",\"valid_to\":\"长期\"}", -1, &error);

  g_assert_no_error (error);
  return card;
}

/* Sends one request (whole) and returns everything the module answered. */
static GBytes *
send_raw (HbSamSim *sim, HbSamCommand command, const guint8 *data, gsize len)
{
  g_autoptr(GBytes) request = hb_sam_request_build (command, data, len);
  gsize n;
  const guint8 *p = g_bytes_get_data (request, &n);

  return hb_sam_sim_process (sim, p, n);
}

/* One response, parsed and copied out (its DATA is kept alive by *frame). */
typedef struct {
  GBytes       *frame;
  HbSamResponse r;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->frame, g_bytes_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
parse_reply (GBytes *frame, Reply *reply)
{
  g_autoptr(GError) error = NULL;
  gsize n;
  const guint8 *p = g_bytes_get_data (frame, &n);

  reply->frame = g_bytes_ref (frame);
  g_assert_true (hb_sam_response_parse (p, n, &reply->r, &error));
  g_assert_no_error (error);
}

/* Sends @command and expects exactly one well-formed response with @sw3. */
static void
expect (HbSamSim *sim, HbSamCommand command, const guint8 *data, gsize len, guint8 sw3,
        Reply *reply)
{
  g_autoptr(GBytes) out = send_raw (sim, command, data, len);

  parse_reply (out, reply);
  if (reply->r.sw3 != sw3)
    g_error ("command %04X: SW3 %02X, expected %02X", command, reply->r.sw3, sw3);
  g_assert_cmpuint (reply->r.sw1, ==, 0);
  g_assert_cmpuint (reply->r.sw2, ==, 0);
}

static void
expect_status (HbSamSim *sim, HbSamCommand command, guint8 sw3)
{
  g_auto(Reply) reply = { 0 };
  expect (sim, command, NULL, 0, sw3, &reply);
}

static void
assert_same_card (const HbIdCard *a, const HbIdCard *b)
{
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpint (a->sex, ==, b->sex);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->nation, ==, b->nation);
  g_assert_cmpstr (a->birth_date, ==, b->birth_date);
  g_assert_cmpstr (a->address, ==, b->address);
  g_assert_cmpstr (a->id_number, ==, b->id_number);
  g_assert_cmpstr (a->issuer, ==, b->issuer);
  g_assert_cmpstr (a->valid_from, ==, b->valid_from);
  g_assert_cmpstr (a->valid_to, ==, b->valid_to);
}

/* find → select → read, returning the decoded card. */
static HbIdCard *
full_read (HbSamSim *sim)
{
  g_auto(Reply) reply = { 0 };
  g_autoptr(GError) error = NULL;
  HbIdCard *card;

  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_FIND_OK);
  expect_status (sim, HB_SAM_CMD_SELECT, HB_SAM_SW3_OK);
  expect (sim, HB_SAM_CMD_READ_BASE, NULL, 0, HB_SAM_SW3_OK, &reply);
  card = hb_sam_decode_base_info (reply.r.data, reply.r.data_len, FALSE, &error);
  g_assert_no_error (error);
  return card;
}

/* --- commands ----------------------------------------------------------------------- */

static void
test_sam_commands_answer (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_auto(Reply) id = { 0 };
  g_autofree char *text = NULL;
  static const guint8 rf = 0x50;

  expect_status (sim, HB_SAM_CMD_STATUS, 0x90);
  expect_status (sim, HB_SAM_CMD_RESET, 0x90);
  {
    g_auto(Reply) r = { 0 };
    expect (sim, HB_SAM_CMD_SET_MAX_RF, &rf, 1, 0x90, &r);
  }
  expect (sim, HB_SAM_CMD_SAM_ID, NULL, 0, 0x90, &id);
  g_assert_cmpuint (id.r.data_len, ==, HB_SAM_ID_LEN);
  text = hb_sam_format_sam_id (id.r.data, id.r.data_len, NULL);
  g_assert_cmpstr (text, ==, "0500-0100-15CD5B07-78563412-2A000000");
  /* The SAM ID is fixed. */
  {
    g_auto(Reply) again = { 0 };
    expect (sim, HB_SAM_CMD_SAM_ID, NULL, 0, 0x90, &again);
    g_assert_true (g_bytes_equal (id.frame, again.frame));
  }
}

static void
test_without_a_card_nothing_is_found (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();

  g_assert_false (hb_sam_sim_has_card (sim));
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_NO_CARD);
  expect_status (sim, HB_SAM_CMD_SELECT, HB_SAM_SW3_SELECT_FAILED);
  expect_status (sim, HB_SAM_CMD_READ_BASE, HB_SAM_SW3_READ_FAILED);
  expect_status (sim, HB_SAM_CMD_READ_BASE_FP, HB_SAM_SW3_READ_FAILED);
  expect_status (sim, HB_SAM_CMD_READ_APPENDED, HB_SAM_SW3_READ_FAILED);
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 0);
}

static void
test_full_read_gives_the_card (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();
  g_autoptr(HbIdCard) back = NULL;

  hb_sam_sim_set_card (sim, card, NULL);
  g_assert_true (hb_sam_sim_has_card (sim));
  {
    g_auto(Reply) find = { 0 }, select = { 0 };
    expect (sim, HB_SAM_CMD_FIND, NULL, 0, 0x9F, &find);
    g_assert_cmpuint (find.r.data_len, ==, 4);
    expect (sim, HB_SAM_CMD_SELECT, NULL, 0, 0x90, &select);
    g_assert_cmpuint (select.r.data_len, ==, 8);
  }
  {
    g_auto(Reply) read = { 0 };
    g_autoptr(GError) error = NULL;
    expect (sim, HB_SAM_CMD_READ_BASE, NULL, 0, 0x90, &read);
    g_assert_cmpuint (g_bytes_get_size (read.frame), ==, 1295);
    back = hb_sam_decode_base_info (read.r.data, read.r.data_len, FALSE, &error);
    g_assert_no_error (error);
  }
  assert_same_card (card, back);
  g_assert_cmpuint (g_bytes_get_size (back->photo), ==, HB_SAM_PHOTO_LEN);
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 1);

  /* The module kept a copy: changing ours changes nothing. */
  g_free (card->name);
  card->name = g_strdup ("王五");
  {
    g_auto(Reply) read = { 0 };
    g_autoptr(HbIdCard) again = NULL;
    expect (sim, HB_SAM_CMD_READ_BASE, NULL, 0, 0x90, &read);
    again = hb_sam_decode_base_info (read.r.data, read.r.data_len, FALSE, NULL);
    g_assert_cmpstr (again->name, ==, "张伟");
  }
}

static void
test_read_with_fingerprint_has_fp_len_zero (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();
  g_auto(Reply) read = { 0 };
  g_autoptr(HbIdCard) back = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *f;

  hb_sam_sim_set_card (sim, card, NULL);
  expect (sim, HB_SAM_CMD_READ_BASE_FP, NULL, 0, 0x90, &read);
  f = g_bytes_get_data (read.frame, NULL);
  g_assert_cmpuint (g_bytes_get_size (read.frame), ==, 1297);
  g_assert_cmphex (f[5], ==, 0x05);
  g_assert_cmphex (f[6], ==, 0x0A);
  g_assert_cmphex (f[14], ==, 0x00);
  g_assert_cmphex (f[15], ==, 0x00);
  back = hb_sam_decode_base_info (read.r.data, read.r.data_len, TRUE, &error);
  g_assert_no_error (error);
  assert_same_card (card, back);
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 1);
}

static void
test_appended_address_or_no_item (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();

  hb_sam_sim_set_card (sim, card, NULL);
  expect_status (sim, HB_SAM_CMD_READ_APPENDED, HB_SAM_SW3_NO_ITEM);

  hb_sam_sim_set_card (sim, card, "上海市闵行区莘庄镇1号");
  {
    g_auto(Reply) r = { 0 };
    g_autofree char *address = NULL;
    expect (sim, HB_SAM_CMD_READ_APPENDED, NULL, 0, 0x90, &r);
    g_assert_cmpuint (g_bytes_get_size (r.frame), ==, 81);   /* §5.3: 3 + 70 + 1 + 7 */
    address = hb_sam_decode_appended_address (r.r.data, r.r.data_len, NULL);
    g_assert_cmpstr (address, ==, "上海市闵行区莘庄镇1号");
  }

  /* A card carrying its own appended address (as JSON cards may). */
  card->address_appended = g_strdup ("上海市嘉定区2号");
  hb_sam_sim_set_card (sim, card, NULL);
  {
    g_auto(Reply) r = { 0 };
    g_autofree char *address = NULL;
    expect (sim, HB_SAM_CMD_READ_APPENDED, NULL, 0, 0x90, &r);
    address = hb_sam_decode_appended_address (r.r.data, r.r.data_len, NULL);
    g_assert_cmpstr (address, ==, "上海市嘉定区2号");
  }
}

/* --- the same-card rule ------------------------------------------------------------- */

static void
test_same_card_is_not_found_again_after_a_read (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();
  g_autoptr(HbIdCard) back = NULL;

  hb_sam_sim_set_card (sim, card, NULL);
  /* Finding and selecting alone do not count as a read. */
  expect_status (sim, HB_SAM_CMD_FIND, 0x9F);
  expect_status (sim, HB_SAM_CMD_SELECT, 0x90);
  expect_status (sim, HB_SAM_CMD_FIND, 0x9F);
  back = full_read (sim);
  assert_same_card (card, back);

  /* Still lying there: find is quiet, select and read still work (§4, same-card). */
  for (int i = 0; i < 3; i++)
    expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_NO_CARD);
  expect_status (sim, HB_SAM_CMD_SELECT, HB_SAM_SW3_OK);
  expect_status (sim, HB_SAM_CMD_READ_BASE, HB_SAM_SW3_OK);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_NO_CARD);
  g_assert_true (hb_sam_sim_has_card (sim));

  /* Taken away: nothing; laid on again: found again. */
  hb_sam_sim_set_card (sim, NULL, NULL);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_NO_CARD);
  expect_status (sim, HB_SAM_CMD_SELECT, HB_SAM_SW3_SELECT_FAILED);
  hb_sam_sim_set_card (sim, card, NULL);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_FIND_OK);
}

static void
test_another_card_laid_on_is_found (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) zhang = card_zhang ();
  g_autoptr(HbIdCard) li = card_li ();
  g_autoptr(HbIdCard) a = NULL, b = NULL;

  hb_sam_sim_set_card (sim, zhang, NULL);
  a = full_read (sim);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_NO_CARD);
  hb_sam_sim_set_card (sim, li, NULL);
  b = full_read (sim);
  assert_same_card (zhang, a);
  assert_same_card (li, b);
  g_assert_cmpstr (b->valid_to, ==, "长期");
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 2);
}

/* --- malformed requests ------------------------------------------------------------- */

static void
test_bad_requests_get_their_codes (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  static const guint8 extra = 0x01;

  /* Checksum: 10. */
  {
    g_autoptr(GBytes) req = hb_sam_request_build (HB_SAM_CMD_STATUS, NULL, 0);
    gsize n;
    g_autofree guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (req), &n);
    g_autoptr(GBytes) out = NULL;
    g_auto(Reply) r = { 0 };

    copy[n - 1] ^= 0x01;
    out = hb_sam_sim_process (sim, copy, n);
    parse_reply (out, &r);
    g_assert_cmphex (r.r.sw3, ==, HB_SAM_SW3_HOST_CHECKSUM);
    g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_STATUS), ==, 0);
  }
  /* Unknown command: 21. Known command with the wrong DATA length: 11. */
  expect_status (sim, (HbSamCommand) 0x3002, HB_SAM_SW3_HOST_COMMAND);
  expect_status (sim, (HbSamCommand) 0x60FF, HB_SAM_SW3_HOST_COMMAND);
  {
    g_auto(Reply) r = { 0 };
    expect (sim, HB_SAM_CMD_FIND, &extra, 1, HB_SAM_SW3_HOST_LENGTH, &r);
  }
  expect_status (sim, HB_SAM_CMD_SET_MAX_RF, HB_SAM_SW3_HOST_LENGTH);
}

static void
test_requests_in_any_chunking (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();
  g_autoptr(GBytes) find = hb_sam_request_build (HB_SAM_CMD_FIND, NULL, 0);
  g_autoptr(GBytes) select = hb_sam_request_build (HB_SAM_CMD_SELECT, NULL, 0);
  g_autoptr(GBytes) read = hb_sam_request_build (HB_SAM_CMD_READ_BASE, NULL, 0);
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  static const guint8 noise[] = { 0x00, 0xAA, 0xAA, 0x96, 0x55, 0xAA };
  GBytes *parts[] = { find, select, read };

  hb_sam_sim_set_card (sim, card, NULL);
  g_byte_array_append (stream, noise, sizeof noise);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      gsize n;
      const guint8 *p = g_bytes_get_data (parts[i], &n);
      g_byte_array_append (stream, p, (guint) n);
    }

  for (int round = 0; round < 40; round++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
      guint8 expected[] = { 0x9F, 0x90, 0x90 };
      gsize at = 0;

      hb_sam_sim_set_card (sim, card, NULL);     /* findable again */
      while (at < stream->len)
        {
          /* Round 0 byte by byte, round 1 all at once, then random chunks. */
          gsize n = round == 0 ? 1 : round == 1 ? stream->len : (gsize) g_test_rand_int_range (1, 20);
          g_autoptr(GBytes) answer = NULL;
          gsize len;
          const guint8 *p;

          n = MIN (n, stream->len - at);
          answer = hb_sam_sim_process (sim, stream->data + at, n);
          at += n;
          p = g_bytes_get_data (answer, &len);
          g_byte_array_append (out, p, (guint) len);
        }
      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        {
          g_autoptr(GBytes) frame = hb_sam_receiver_feed (rx, i == 0 ? out->data : NULL,
                                                          i == 0 ? out->len : 0);
          g_auto(Reply) r = { 0 };
          g_assert_nonnull (frame);
          parse_reply (frame, &r);
          g_assert_cmphex (r.r.sw3, ==, expected[i]);
        }
      g_assert_null (hb_sam_receiver_feed (rx, NULL, 0));
      g_assert_cmpuint (hb_sam_receiver_dropped (rx), ==, 0);
    }
  g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_FIND), ==, 40);
  g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_READ_BASE), ==, 40);
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 40);
}

static void
test_incomplete_request_gets_no_answer_yet (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(GBytes) req = hb_sam_request_build (HB_SAM_CMD_STATUS, NULL, 0);
  gsize n;
  const guint8 *p = g_bytes_get_data (req, &n);
  g_autoptr(GBytes) first = hb_sam_sim_process (sim, p, n - 1);
  g_autoptr(GBytes) second = hb_sam_sim_process (sim, p + n - 1, 1);
  g_autoptr(GBytes) want = hb_sam_response_build (0, 0, 0x90, NULL, 0);

  g_assert_nonnull (first);
  g_assert_cmpuint (g_bytes_get_size (first), ==, 0);
  g_assert_true (g_bytes_equal (second, want));
}

static void
test_counters_count_each_command (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  static const guint8 rf = 0x50;

  for (int i = 0; i < 3; i++)
    expect_status (sim, HB_SAM_CMD_FIND, 0x80);
  expect_status (sim, HB_SAM_CMD_STATUS, 0x90);
  {
    g_auto(Reply) r = { 0 };
    expect (sim, HB_SAM_CMD_SET_MAX_RF, &rf, 1, 0x90, &r);
  }
  g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_FIND), ==, 3);
  g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_STATUS), ==, 1);
  g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_SET_MAX_RF), ==, 1);
  g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_SELECT), ==, 0);
}

/* --- faults ------------------------------------------------------------------------- */

static void
test_fault_no_card (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();

  hb_sam_sim_set_card (sim, card, NULL);
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_NO_CARD, 2);
  expect_status (sim, HB_SAM_CMD_STATUS, 0x90);          /* not a matching request */
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_NO_CARD);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_NO_CARD);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_FIND_OK);

  /* times 0: until cleared. */
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_NO_CARD, 0);
  for (int i = 0; i < 5; i++)
    expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_NO_CARD);
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_NONE, 0);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_FIND_OK);
}

static void
test_fault_select (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();

  hb_sam_sim_set_card (sim, card, NULL);
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_SELECT, 1);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_FIND_OK);
  expect_status (sim, HB_SAM_CMD_SELECT, HB_SAM_SW3_SELECT_FAILED);
  expect_status (sim, HB_SAM_CMD_SELECT, HB_SAM_SW3_OK);
}

static void
test_fault_read (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();
  g_autoptr(HbIdCard) back = NULL;

  hb_sam_sim_set_card (sim, card, NULL);
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_READ, 2);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_FIND_OK);
  expect_status (sim, HB_SAM_CMD_SELECT, HB_SAM_SW3_OK);
  expect_status (sim, HB_SAM_CMD_READ_BASE, HB_SAM_SW3_READ_FAILED);
  expect_status (sim, HB_SAM_CMD_READ_BASE_FP, HB_SAM_SW3_READ_FAILED);
  /* A failed read is no read: the card is still findable, and the retry works. */
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 0);
  back = full_read (sim);
  assert_same_card (card, back);
}

static void
test_fault_bad_checksum (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  HbSamResponse r;
  gsize n;
  const guint8 *p;

  hb_sam_sim_set_card (sim, card, NULL);
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_BAD_CHECKSUM, 1);
  out = send_raw (sim, HB_SAM_CMD_READ_BASE, NULL, 0);
  p = g_bytes_get_data (out, &n);
  g_assert_cmpuint (n, ==, 1295);
  g_assert_false (hb_sam_response_parse (p, n, &r, &error));
  g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME);
  g_assert_nonnull (strstr (error->message, "checksum mismatch"));
  /* Only the next one. */
  expect_status (sim, HB_SAM_CMD_READ_BASE, HB_SAM_SW3_OK);
}

static void
test_fault_short_frame (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  gsize n;
  const guint8 *p;

  hb_sam_sim_set_card (sim, card, NULL);
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_SHORT_FRAME, 1);
  out = send_raw (sim, HB_SAM_CMD_READ_BASE, NULL, 0);
  p = g_bytes_get_data (out, &n);
  g_assert_cmpuint (n, ==, 1295 / 2);
  g_assert_null (hb_sam_receiver_feed (rx, p, n));
  g_assert_cmpuint (hb_sam_receiver_wanted (rx), ==, 1295 - n);
  expect_status (sim, HB_SAM_CMD_READ_BASE, HB_SAM_SW3_OK);
}

static void
test_fault_stall (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(GBytes) out = NULL;

  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_STALL, 1);
  out = send_raw (sim, HB_SAM_CMD_STATUS, NULL, 0);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 0);
  g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_STATUS), ==, 1);
  expect_status (sim, HB_SAM_CMD_STATUS, 0x90);
}

static void
test_fault_garbage (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) want = hb_sam_response_build (0, 0, 0x90, NULL, 0);
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  HbSamResponse r;
  gsize n;
  const guint8 *p;

  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_GARBAGE, 1);
  out = send_raw (sim, HB_SAM_CMD_STATUS, NULL, 0);
  p = g_bytes_get_data (out, &n);
  g_assert_cmpuint (n, >, 11);
  /* Not a frame as it stands… */
  g_assert_false (hb_sam_response_parse (p, n, &r, NULL));
  /* …but the receiver finds it behind the noise, one byte into AA AA AA AA 96 69. */
  for (gsize i = 0; i < n && frame == NULL; i++)
    frame = hb_sam_receiver_feed (rx, p + i, 1);
  g_assert_true (frame != NULL && g_bytes_equal (frame, want));
  g_assert_cmpuint (hb_sam_receiver_dropped (rx), ==, n - 11);
  expect_status (sim, HB_SAM_CMD_STATUS, 0x90);
}

static void
test_fault_sam_answers_60_to_everything (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();
  static const HbSamCommand commands[] = {
    HB_SAM_CMD_STATUS, HB_SAM_CMD_RESET, HB_SAM_CMD_SAM_ID, HB_SAM_CMD_FIND,
    HB_SAM_CMD_SELECT, HB_SAM_CMD_READ_BASE, HB_SAM_CMD_READ_APPENDED, (HbSamCommand) 0x4242,
  };

  hb_sam_sim_set_card (sim, card, NULL);
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_SAM, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    expect_status (sim, commands[i], HB_SAM_SW3_SELF_TEST);
  {
    /* The reader sees it as a SAM fault. */
    g_auto(Reply) reply = { 0 };
    g_autoptr(GError) error = NULL;
    expect (sim, HB_SAM_CMD_STATUS, NULL, 0, HB_SAM_SW3_SELF_TEST, &reply);
    g_assert_false (hb_sam_response_check (&reply.r, HB_SAM_SW3_OK, &error));
    g_assert_error (error, HB_SAM_ERROR, HB_SAM_ERROR_SAM_FAULT);
  }
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 0);
  hb_sam_sim_set_fault (sim, HB_SAM_SIM_FAULT_NONE, 0);
  expect_status (sim, HB_SAM_CMD_STATUS, HB_SAM_SW3_OK);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_FIND_OK);
}

static void
test_card_no_module_could_hold_fails_to_read (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = card_zhang ();

  g_free (card->address);
  card->address = g_strnfill (40, 'A');        /* 40 characters: the slot holds 35 */
  hb_sam_sim_set_card (sim, card, NULL);
  expect_status (sim, HB_SAM_CMD_FIND, HB_SAM_SW3_FIND_OK);
  expect_status (sim, HB_SAM_CMD_READ_BASE, HB_SAM_SW3_READ_FAILED);
  g_assert_cmpuint (hb_sam_sim_count_reads (sim), ==, 0);
}

/* --- threads ------------------------------------------------------------------------ */

typedef struct {
  HbSamSim *sim;
  gint      stop;
} Toggler;

static gpointer
toggle_card (gpointer data)
{
  Toggler *t = data;
  g_autoptr(HbIdCard) card = card_zhang ();

  while (!g_atomic_int_get (&t->stop))
    {
      hb_sam_sim_set_card (t->sim, card, NULL);
      hb_sam_sim_set_card (t->sim, NULL, NULL);
    }
  return NULL;
}

static void
test_card_can_change_while_the_reader_talks (void)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  Toggler t = { sim, 0 };
  GThread *thread = g_thread_new ("toggle", toggle_card, &t);
  g_autoptr(HbIdCard) expected = card_zhang ();

  for (int i = 0; i < 300; i++)
    {
      g_autoptr(GBytes) out = send_raw (sim, HB_SAM_CMD_READ_BASE, NULL, 0);
      g_auto(Reply) r = { 0 };

      parse_reply (out, &r);
      if (r.r.sw3 == HB_SAM_SW3_OK)
        {
          g_autoptr(HbIdCard) back = hb_sam_decode_base_info (r.r.data, r.r.data_len, FALSE, NULL);
          assert_same_card (expected, back);
        }
      else
        g_assert_cmphex (r.r.sw3, ==, HB_SAM_SW3_READ_FAILED);
    }
  g_atomic_int_set (&t.stop, 1);
  g_thread_join (thread);
  g_assert_cmpuint (hb_sam_sim_count_requests (sim, HB_SAM_CMD_READ_BASE), ==, 300);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/drivers/idcard/sam-sim/sam-commands-answer", test_sam_commands_answer);
  g_test_add_func ("/drivers/idcard/sam-sim/without-a-card-nothing-is-found", test_without_a_card_nothing_is_found);
  g_test_add_func ("/drivers/idcard/sam-sim/full-read-gives-the-card", test_full_read_gives_the_card);
  g_test_add_func ("/drivers/idcard/sam-sim/read-with-fingerprint-has-fp-len-zero", test_read_with_fingerprint_has_fp_len_zero);
  g_test_add_func ("/drivers/idcard/sam-sim/appended-address-or-no-item", test_appended_address_or_no_item);
  g_test_add_func ("/drivers/idcard/sam-sim/same-card-is-not-found-again-after-a-read", test_same_card_is_not_found_again_after_a_read);
  g_test_add_func ("/drivers/idcard/sam-sim/another-card-laid-on-is-found", test_another_card_laid_on_is_found);
  g_test_add_func ("/drivers/idcard/sam-sim/bad-requests-get-their-codes", test_bad_requests_get_their_codes);
  g_test_add_func ("/drivers/idcard/sam-sim/requests-in-any-chunking", test_requests_in_any_chunking);
  g_test_add_func ("/drivers/idcard/sam-sim/incomplete-request-gets-no-answer-yet", test_incomplete_request_gets_no_answer_yet);
  g_test_add_func ("/drivers/idcard/sam-sim/counters-count-each-command", test_counters_count_each_command);
  g_test_add_func ("/drivers/idcard/sam-sim/fault/no-card", test_fault_no_card);
  g_test_add_func ("/drivers/idcard/sam-sim/fault/select", test_fault_select);
  g_test_add_func ("/drivers/idcard/sam-sim/fault/read", test_fault_read);
  g_test_add_func ("/drivers/idcard/sam-sim/fault/bad-checksum", test_fault_bad_checksum);
  g_test_add_func ("/drivers/idcard/sam-sim/fault/short-frame", test_fault_short_frame);
  g_test_add_func ("/drivers/idcard/sam-sim/fault/stall", test_fault_stall);
  g_test_add_func ("/drivers/idcard/sam-sim/fault/garbage", test_fault_garbage);
  g_test_add_func ("/drivers/idcard/sam-sim/fault/sam-answers-60-to-everything", test_fault_sam_answers_60_to_everything);
  g_test_add_func ("/drivers/idcard/sam-sim/card-no-module-could-hold-fails-to-read", test_card_no_module_could_hold_fails_to_read);
  g_test_add_func ("/drivers/idcard/sam-sim/card-can-change-while-the-reader-talks", test_card_can_change_while_the_reader_talks);

  return g_test_run ();
}
