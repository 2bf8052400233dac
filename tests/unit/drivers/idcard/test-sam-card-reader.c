/* Tests for drivers/idcard/hb-sam-card-reader.c: the read cycle against a simulated SAM
 * behind an in-memory pipe — cards in and out, the same-card rule, every fault kind,
 * unplug and replug. (The same driver over USB and serial: test-sam-usb.c, test-sam-serial.c.) */
#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/transport/hb-pipe-transport.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

#define SAMPLE_ID "310104198506151237"

typedef struct {
  HbSamSim        *sim;        /* owned by the transport */
  HbPipeTransport *pipe;
  HbSamCardReader *reader;
  GPtrArray       *cards;      /* HbIdCard* copies of what card-read delivered */
  guint            removed;
  guint            failed;
  GError          *last_failure;
  gboolean         opened;
  guint            onlines;   /* times the status became online */
} Fixture;

static GBytes *
peer (const guint8 *data, gsize len, gpointer user_data)
{
  return hb_sam_sim_process (user_data, data, len);
}

static void
on_card (HbCardReader *r, HbIdCard *card, Fixture *f)
{
  g_ptr_array_add (f->cards, hb_idcard_copy (card));
}

static void
on_removed (HbCardReader *r, Fixture *f)
{
  f->removed++;
}

static void
on_failed (HbCardReader *r, GError *error, Fixture *f)
{
  f->failed++;
  g_clear_error (&f->last_failure);
  f->last_failure = g_error_copy (error);
}

static void
on_status (HbDevice *device, Fixture *f)
{
  if (hb_device_get_status (device) == HB_DEVICE_STATUS_ONLINE)
    f->onlines++;
}

static void
opened (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  g_assert_true (hb_device_open_finish (HB_DEVICE (source), result, &error));
  f->opened = TRUE;
}

static gboolean
is_opened (gpointer data)
{
  return ((Fixture *) data)->opened;
}

static void
setup (Fixture *f, gconstpointer data)
{
  HbSamTiming timing;

  f->sim = hb_sam_sim_new ();
  f->pipe = hb_pipe_transport_new (peer, f->sim, (GDestroyNotify) hb_sam_sim_free);
  f->reader = hb_sam_card_reader_new (HB_TRANSPORT (f->pipe));
  f->cards = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_idcard_free);
  hb_sam_timing_init (&timing);
  /* Short enough to keep the fault tests quick, long enough for a loaded 2-core CI box. */
  timing.poll_ms = 20;
  timing.command_timeout_ms = 400;
  timing.read_timeout_ms = 800;
  timing.appended_timeout_ms = 400;
  timing.refused_retry_ms = 400;
  timing.reopen_ms = 30;
  hb_sam_card_reader_set_timing (f->reader, &timing);
  g_signal_connect (f->reader, "card-read", G_CALLBACK (on_card), f);
  g_signal_connect (f->reader, "card-removed", G_CALLBACK (on_removed), f);
  g_signal_connect (f->reader, "read-failed", G_CALLBACK (on_failed), f);
  g_signal_connect (f->reader, "status-changed", G_CALLBACK (on_status), f);
  /* data: a fault the module has from the start. */
  if (data)
    hb_sam_sim_set_fault (f->sim, GPOINTER_TO_INT (data), 0);
  hb_device_open_async (HB_DEVICE (f->reader), NULL, opened, f);
  g_assert_true (hb_test_wait_until (is_opened, f, 5000));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->reader);
  g_clear_object (&f->pipe);
  g_ptr_array_unref (f->cards);
  g_clear_error (&f->last_failure);
}

static HbIdCard *
sample_card (guint n)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "sample-cards.json", NULL);
  g_autofree char *text = hb_test_read_file (path, NULL);
  g_autoptr(JsonParser) p = json_parser_new ();
  JsonArray *cards;
  JsonObject *o;
  g_autoptr(GError) error = NULL;
  HbIdCard *card;

  g_assert_true (json_parser_load_from_data (p, text, -1, NULL));
  cards = json_object_get_array_member (json_node_get_object (json_parser_get_root (p)), "cards");
  g_assert_cmpuint (n, <=, json_array_get_length (cards));
  o = json_array_get_object_element (cards, n - 1);
  json_object_remove_member (o, "label");
  card = hb_idcard_new_from_json (o, &error);
  g_assert_no_error (error);
  return card;
}

static void
lay (Fixture *f, guint sample, const char *appended)
{
  g_autoptr(HbIdCard) card = sample_card (sample);
  hb_sam_sim_set_card (f->sim, card, appended);
}

typedef struct { Fixture *f; guint n; } Count;

static gboolean
cards_at_least (gpointer data)
{
  Count *c = data;
  return c->f->cards->len >= c->n;
}

static gboolean
removed_at_least (gpointer data)
{
  Count *c = data;
  return c->f->removed >= c->n;
}

static gboolean
failed_at_least (gpointer data)
{
  Count *c = data;
  return c->f->failed >= c->n;
}

static void
wait_cards (Fixture *f, guint n)
{
  Count c = { f, n };
  if (!hb_test_wait_until (cards_at_least, &c, 5000))
    g_error ("expected %u card(s), got %u", n, f->cards->len);
}

static void
wait_removed (Fixture *f, guint n)
{
  Count c = { f, n };
  if (!hb_test_wait_until (removed_at_least, &c, 5000))
    g_error ("expected %u removal(s), got %u", n, f->removed);
}

typedef struct { HbDevice *d; HbDeviceStatus s; } StatusWait;

static gboolean
status_is (gpointer data)
{
  StatusWait *w = data;
  return hb_device_get_status (w->d) == w->s;
}

static void
wait_status (Fixture *f, HbDeviceStatus status)
{
  StatusWait w = { HB_DEVICE (f->reader), status };
  if (!hb_test_wait_until (status_is, &w, 5000))
    g_error ("status is %s, expected %s", hb_device_status_to_string (hb_device_get_status (w.d)),
             hb_device_status_to_string (status));
}

static HbIdCard *
card_at (Fixture *f, guint i)
{
  return f->cards->pdata[i];
}

static gboolean
has_sam_id (gpointer data)
{
  g_autofree char *id = hb_sam_card_reader_dup_sam_id (data);
  return id != NULL;
}

/* --- tests ----------------------------------------------------------------------------- */

static void
test_comes_online_and_reads_a_card (Fixture *f, gconstpointer data)
{
  g_autofree char *sam_id = NULL;

  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  /* The SAM ID is asked for once the module answers; a slow answer is asked again on the
   * next poll, so it may trail ONLINE by a cycle. */
  g_assert_true (hb_test_wait_until (has_sam_id, f->reader, 5000));
  sam_id = hb_sam_card_reader_dup_sam_id (f->reader);
  g_assert_nonnull (sam_id);
  g_assert_cmpint (hb_card_reader_get_media (HB_CARD_READER (f->reader)), ==, HB_CARD_MEDIA_NOT_PRESENT);
  lay (f, 1, NULL);
  wait_cards (f, 1);
  g_assert_cmpstr (card_at (f, 0)->id_number, ==, SAMPLE_ID);
  g_assert_cmpstr (card_at (f, 0)->name, ==, "张伟");
  g_assert_cmpstr (card_at (f, 0)->nation, ==, "汉");
  g_assert_nonnull (card_at (f, 0)->photo);
  g_assert_cmpuint (g_bytes_get_size (card_at (f, 0)->photo), ==, 1024);
  g_assert_null (card_at (f, 0)->address_appended);
  g_assert_cmpint (hb_card_reader_get_media (HB_CARD_READER (f->reader)), ==, HB_CARD_MEDIA_PRESENT);
}

static void
test_same_card_is_read_once (Fixture *f, gconstpointer data)
{
  lay (f, 1, NULL);
  wait_cards (f, 1);
  /* Twenty more polls with the card still there: no second visit. */
  hb_test_spin (500);
  g_assert_cmpuint (f->cards->len, ==, 1);
  g_assert_cmpuint (hb_sam_sim_count_reads (f->sim), ==, 1);
  g_assert_cmpuint (f->removed, ==, 0);
}

static void
test_removal_is_noticed_and_the_card_can_come_back (Fixture *f, gconstpointer data)
{
  lay (f, 1, NULL);
  wait_cards (f, 1);
  hb_sam_sim_set_card (f->sim, NULL, NULL);
  wait_removed (f, 1);
  g_assert_cmpint (hb_card_reader_get_media (HB_CARD_READER (f->reader)), ==, HB_CARD_MEDIA_NOT_PRESENT);
  lay (f, 1, NULL);
  wait_cards (f, 2);
  g_assert_cmpstr (card_at (f, 1)->id_number, ==, SAMPLE_ID);
}

static void
test_another_card_replaces_the_first (Fixture *f, gconstpointer data)
{
  lay (f, 1, NULL);
  wait_cards (f, 1);
  lay (f, 2, NULL);     /* swapped without a gap the poll could see */
  wait_cards (f, 2);
  g_assert_cmpuint (f->removed, >=, 1);
  g_assert_cmpstr (card_at (f, 1)->id_number, ==, "310110195203082426");
}

static void
test_appended_address_is_read (Fixture *f, gconstpointer data)
{
  lay (f, 1, "上海市静安区新闸路100号");
  wait_cards (f, 1);
  g_assert_cmpstr (card_at (f, 0)->address_appended, ==, "上海市静安区新闸路100号");
}

static void
test_read_failure_is_retried_once (Fixture *f, gconstpointer data)
{
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_READ, 1);
  lay (f, 1, NULL);
  wait_cards (f, 1);
  g_assert_cmpuint (f->failed, ==, 0);
}

static void
test_select_failure_is_retried_once (Fixture *f, gconstpointer data)
{
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_SELECT, 1);
  lay (f, 1, NULL);
  wait_cards (f, 1);
  g_assert_cmpuint (f->failed, ==, 0);
}

static void
test_unreadable_card_is_reported_once_then_retried (Fixture *f, gconstpointer data)
{
  Count c = { f, 1 };
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_READ, 0);
  lay (f, 1, NULL);
  g_assert_true (hb_test_wait_until (failed_at_least, &c, 5000));
  g_assert_error (f->last_failure, HB_SAM_ERROR, HB_SAM_ERROR_READ_FAILED);
  /* Not one report per poll. */
  hb_test_spin (200);
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_cmpuint (f->cards->len, ==, 0);
  /* Once the card reads again, it is read (after the back-off). */
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_NONE, 0);
  wait_cards (f, 1);
}

static void
test_corrupt_frames_are_resent (Fixture *f, gconstpointer data)
{
  HbSamSimFault faults[] = { HB_SAM_SIM_FAULT_BAD_CHECKSUM, HB_SAM_SIM_FAULT_SHORT_FRAME,
                             HB_SAM_SIM_FAULT_STALL, HB_SAM_SIM_FAULT_GARBAGE };
  for (gsize i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      hb_sam_sim_set_fault (f->sim, faults[i], 1);
      lay (f, 1 + (guint) (i % 2), NULL);
      wait_cards (f, (guint) i + 1);
      hb_sam_sim_set_card (f->sim, NULL, NULL);
      wait_removed (f, (guint) i + 1);
    }
  g_assert_cmpuint (f->failed, ==, 0);
}

static void
test_sam_fault_is_a_hardware_error_until_it_recovers (Fixture *f, gconstpointer data)
{
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_SAM, 0);
  wait_status (f, HB_DEVICE_STATUS_HARDWARE_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->reader)), ==, "SAM fault");
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_NONE, 0);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  lay (f, 1, NULL);
  wait_cards (f, 1);
}

static void
test_silence_is_a_hardware_error (Fixture *f, gconstpointer data)
{
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_STALL, 0);
  wait_status (f, HB_DEVICE_STATUS_HARDWARE_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->reader)), ==, "not answering");
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_NONE, 0);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
}

/* Open completes with what the module said: a reader that has not answered is never
 * shown online, not even for a moment. */
static void
test_a_mute_reader_opens_starting_not_online (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->reader)), ==, HB_DEVICE_STATUS_STARTING);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->reader)), ==,
                   "waiting for the reader to answer");
  wait_status (f, HB_DEVICE_STATUS_HARDWARE_ERROR);
  g_assert_cmpuint (f->onlines, ==, 0);
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_NONE, 0);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpuint (f->onlines, ==, 1);
}

static void
test_a_sam_fault_at_open_is_a_hardware_error_at_once (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->reader)), ==, HB_DEVICE_STATUS_HARDWARE_ERROR);
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (f->reader)), ==, "SAM fault");
  g_assert_cmpuint (f->onlines, ==, 0);
}

static void
test_open_completes_online_with_no_card (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (hb_device_get_status (HB_DEVICE (f->reader)), ==, HB_DEVICE_STATUS_ONLINE);
  g_assert_cmpint (hb_card_reader_get_media (HB_CARD_READER (f->reader)), ==, HB_CARD_MEDIA_NOT_PRESENT);
}

static void
test_unplug_mid_read_then_replug (Fixture *f, gconstpointer data)
{
  /* A stalled read lets the line vanish while the driver waits for the card data. */
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_STALL, 0);
  lay (f, 1, NULL);
  hb_test_spin (100);
  hb_pipe_transport_set_connected (f->pipe, FALSE);
  wait_status (f, HB_DEVICE_STATUS_NO_DEVICE);
  g_assert_cmpuint (f->cards->len, ==, 0);
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_NONE, 0);
  hb_pipe_transport_set_connected (f->pipe, TRUE);
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  wait_cards (f, 1);
}

static void
test_replug_a_hundred_times (Fixture *f, gconstpointer data)
{
  wait_status (f, HB_DEVICE_STATUS_ONLINE);
  for (int i = 0; i < 100; i++)
    {
      hb_pipe_transport_set_connected (f->pipe, FALSE);
      wait_status (f, HB_DEVICE_STATUS_NO_DEVICE);
      hb_pipe_transport_set_connected (f->pipe, TRUE);
      wait_status (f, HB_DEVICE_STATUS_ONLINE);
    }
  lay (f, 1, NULL);
  wait_cards (f, 1);
}

static void
test_cancel_aborts_a_read (Fixture *f, gconstpointer data)
{
  /* The read hangs; cancelling (the visit ended) gives up on it without a card. */
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_STALL, 0);
  lay (f, 1, NULL);
  hb_test_spin (100);
  hb_device_cancel (HB_DEVICE (f->reader));
  hb_test_spin (100);
  g_assert_cmpuint (f->cards->len, ==, 0);
  g_assert_cmpuint (f->failed, ==, 0);
  hb_sam_sim_set_fault (f->sim, HB_SAM_SIM_FAULT_NONE, 0);
  wait_cards (f, 1);
}

static void
test_every_sample_card_type_reads (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "sample-cards.json", NULL);
  g_autofree char *text = hb_test_read_file (path, NULL);
  g_autoptr(JsonParser) p = json_parser_new ();
  guint n;
  GHashTable *types = g_hash_table_new (g_direct_hash, g_direct_equal);

  g_assert_true (json_parser_load_from_data (p, text, -1, NULL));
  n = json_array_get_length (json_object_get_array_member (json_node_get_object (json_parser_get_root (p)), "cards"));
  for (guint i = 1; i <= n; i++)
    {
      g_autoptr(HbIdCard) expected = sample_card (i);
      HbIdCard *got;
      lay (f, i, NULL);
      wait_cards (f, i);
      got = card_at (f, i - 1);
      g_assert_cmpint (got->type, ==, expected->type);
      g_assert_cmpstr (got->name, ==, expected->name);
      g_assert_cmpstr (got->id_number, ==, expected->id_number);
      g_assert_cmpstr (got->birth_date, ==, expected->birth_date);
      g_assert_cmpstr (got->valid_to, ==, expected->valid_to);
      g_hash_table_add (types, GINT_TO_POINTER (got->type));
      hb_sam_sim_set_card (f->sim, NULL, NULL);
      wait_removed (f, i);
    }
  /* data/sample-cards.json holds every card family. */
  g_assert_cmpuint (g_hash_table_size (types), ==, 4);
  g_hash_table_unref (types);
}

static void
test_statistics_count_the_wire (Fixture *f, gconstpointer data)
{
  HbSamReaderStats stats;
  lay (f, 1, NULL);
  wait_cards (f, 1);
  hb_sam_card_reader_get_stats (f->reader, &stats);
  g_assert_cmpuint (stats.reads, ==, 1);
  /* select 10+22, read 10+1295, appended 10+11 at least */
  g_assert_cmpuint (stats.last_read_bytes, >=, 1295 + 10);
  g_assert_cmpint (stats.last_read_us, >, 0);
}

#define ADD(path, fn) g_test_add ("/drivers/idcard/sam-reader/" path, Fixture, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("comes-online-and-reads-a-card", test_comes_online_and_reads_a_card);
  ADD ("the-same-card-lying-there-is-read-once", test_same_card_is_read_once);
  ADD ("removal-is-noticed-and-the-card-can-come-back", test_removal_is_noticed_and_the_card_can_come_back);
  ADD ("another-card-replaces-the-first", test_another_card_replaces_the_first);
  ADD ("appended-address-is-read", test_appended_address_is_read);
  ADD ("read-failure-is-retried-once", test_read_failure_is_retried_once);
  ADD ("select-failure-is-retried-once", test_select_failure_is_retried_once);
  ADD ("unreadable-card-is-reported-once-then-retried", test_unreadable_card_is_reported_once_then_retried);
  ADD ("corrupt-short-stalled-and-noisy-frames-are-resent", test_corrupt_frames_are_resent);
  ADD ("sam-fault-is-a-hardware-error-until-it-recovers", test_sam_fault_is_a_hardware_error_until_it_recovers);
  ADD ("silence-is-a-hardware-error", test_silence_is_a_hardware_error);
  ADD ("open-completes-online-with-no-card", test_open_completes_online_with_no_card);
  g_test_add ("/drivers/idcard/sam-reader/a-mute-reader-opens-starting-not-online", Fixture,
              GINT_TO_POINTER (HB_SAM_SIM_FAULT_STALL), setup,
              test_a_mute_reader_opens_starting_not_online, teardown);
  g_test_add ("/drivers/idcard/sam-reader/a-sam-fault-at-open-is-a-hardware-error-at-once", Fixture,
              GINT_TO_POINTER (HB_SAM_SIM_FAULT_SAM), setup,
              test_a_sam_fault_at_open_is_a_hardware_error_at_once, teardown);
  ADD ("unplug-mid-read-then-replug-recovers", test_unplug_mid_read_then_replug);
  ADD ("replug-a-hundred-times", test_replug_a_hundred_times);
  ADD ("cancel-aborts-a-read", test_cancel_aborts_a_read);
  ADD ("every-sample-card-type-reads", test_every_sample_card_type_reads);
  ADD ("statistics-count-the-wire", test_statistics_count_the_wire);
  return g_test_run ();
}
