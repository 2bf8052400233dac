/* test-virtual-card-reader.c — HbVirtualCardReader: the real SAM driver against a simulated
 * SAM, driven the way the simulator socket drives it. (The read cycle itself, with every
 * fault, is tested in idcard/test-sam-card-reader.c.) */
#include "drivers/virtual/hb-virtual-card-reader.h"
#include "drivers/virtual/hb-virtual-device.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static const char *CARD =
  "{\"type\":\"resident\",\"name\":\"李秀英\",\"sex\":\"female\",\"nation\":\"汉\","
  "\"birth_date\":\"19520308\",\"address\":\"上海市杨浦区控江路1555弄12号602室\","
  "\"id_number\":\"310110195203082426\",\"issuer\":\"上海市公安局杨浦分局\","
  "\"valid_from\":\"20120715\",\"valid_to\":\"长期\"}";

static const char *OTHER =
  "{\"type\":\"resident\",\"name\":\"张伟\",\"sex\":\"male\",\"nation\":\"汉\","
  "\"birth_date\":\"19850615\",\"address\":\"上海市徐汇区漕溪北路88号5号楼1203室\","
  "\"id_number\":\"310104198506151237\",\"issuer\":\"上海市公安局徐汇分局\","
  "\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}";

typedef struct
{
  HbVirtualCardReader *reader;
  guint                reads;
  guint                removals;
  guint                failures;
  HbIdCard            *last;       /* copy taken in the handler */
} Fixture;

static void
on_card_read (HbCardReader *reader, HbIdCard *card, gpointer user_data)
{
  Fixture *f = user_data;

  f->reads++;
  hb_idcard_free (f->last);
  f->last = hb_idcard_copy (card);
}

static void
on_card_removed (HbCardReader *reader, gpointer user_data)
{
  ((Fixture *) user_data)->removals++;
}

static void
on_read_failed (HbCardReader *reader, GError *error, gpointer user_data)
{
  ((Fixture *) user_data)->failures++;
}

static gboolean
is_online (gpointer data)
{
  return hb_device_get_status (HB_DEVICE (data)) == HB_DEVICE_STATUS_ONLINE &&
         hb_device_is_open (HB_DEVICE (data));
}

static gboolean
is_no_device (gpointer data)
{
  return hb_device_get_status (HB_DEVICE (data)) == HB_DEVICE_STATUS_NO_DEVICE;
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->reader = hb_virtual_card_reader_new ();
  g_signal_connect (f->reader, "card-read", G_CALLBACK (on_card_read), f);
  g_signal_connect (f->reader, "card-removed", G_CALLBACK (on_card_removed), f);
  g_signal_connect (f->reader, "read-failed", G_CALLBACK (on_read_failed), f);
  if (data == NULL)
    {
      hb_device_open_async (HB_DEVICE (f->reader), NULL, NULL, NULL);
      g_assert_true (hb_test_wait_until (is_online, f->reader, 5000));
    }
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->reader);
  g_clear_pointer (&f->last, hb_idcard_free);
}

typedef struct { Fixture *f; guint n; } Count;

static gboolean
reads_reach (gpointer data)
{
  return ((Count *) data)->f->reads >= ((Count *) data)->n;
}

static gboolean
removals_reach (gpointer data)
{
  return ((Count *) data)->f->removals >= ((Count *) data)->n;
}

static void
wait_reads (Fixture *f, guint n)
{
  Count c = { f, n };
  g_assert_true (hb_test_wait_until (reads_reach, &c, 5000));
}

static void
wait_removals (Fixture *f, guint n)
{
  Count c = { f, n };
  g_assert_true (hb_test_wait_until (removals_reach, &c, 5000));
}

static void
test_identity (Fixture *f, gconstpointer data)
{
  HbDeviceClass *klass = HB_DEVICE_GET_CLASS (f->reader);

  g_assert_true (HB_IS_CARD_READER (f->reader));
  g_assert_true (HB_IS_SAM_CARD_READER (f->reader));
  g_assert_cmpint (hb_device_get_kind (HB_DEVICE (f->reader)), ==, HB_DEVICE_KIND_IDCARD);
  g_assert_cmpstr (hb_device_get_driver_id (HB_DEVICE (f->reader)), ==, "virtual-idcard");
  g_assert_cmpstr (klass->id_table[0].virtual_id, ==, "virtual-idcard");
  g_assert_null (klass->id_table[1].virtual_id);
  g_assert_true (hb_virtual_device_is_virtual (HB_DEVICE (f->reader)));
  g_assert_nonnull (hb_virtual_card_reader_get_sim (f->reader));
}

static void
test_open_reports_no_card (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (hb_card_reader_get_media (HB_CARD_READER (f->reader)), ==, HB_CARD_MEDIA_NOT_PRESENT);
  g_assert_cmpstr (hb_card_media_to_string (HB_CARD_MEDIA_NOT_PRESENT), ==, "not-present");
  g_assert_cmpstr (hb_card_media_to_string (HB_CARD_MEDIA_PRESENT), ==, "present");
  g_assert_cmpstr (hb_card_media_to_string (HB_CARD_MEDIA_UNKNOWN), ==, "unknown");
}

static void
test_insert_reads_the_card (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HbCardMedia media;

  g_assert_true (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), &error));
  g_assert_no_error (error);
  wait_reads (f, 1);
  /* Through the simulated SAM: the codec decoded what the simulator encoded. */
  g_assert_cmpstr (f->last->id_number, ==, "310110195203082426");
  g_assert_cmpstr (f->last->name, ==, "李秀英");
  g_assert_cmpint (f->last->sex, ==, HB_SEX_FEMALE);
  g_assert_cmpstr (f->last->valid_to, ==, "长期");
  g_assert_nonnull (f->last->photo);
  g_object_get (f->reader, "media", &media, NULL);
  g_assert_cmpint (media, ==, HB_CARD_MEDIA_PRESENT);
  g_assert_cmpuint (f->removals, ==, 0);
  g_assert_cmpuint (hb_sam_sim_count_reads (hb_virtual_card_reader_get_sim (f->reader)), ==, 1);
}

static void
test_remove_emits_card_removed (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), &error));
  wait_reads (f, 1);
  g_assert_true (hb_virtual_card_reader_remove (f->reader, &error));
  g_assert_no_error (error);
  wait_removals (f, 1);
  g_assert_cmpint (hb_card_reader_get_media (HB_CARD_READER (f->reader)), ==, HB_CARD_MEDIA_NOT_PRESENT);

  /* Nothing on the reader: removing again is a no-op, not a second event. */
  g_assert_true (hb_virtual_card_reader_remove (f->reader, &error));
  hb_test_spin (600);
  g_assert_cmpuint (f->removals, ==, 1);
}

static void
test_card_left_lying_is_not_read_again (Fixture *f, gconstpointer data)
{
  g_assert_true (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), NULL));
  wait_reads (f, 1);
  hb_test_spin (1000);   /* four polls */
  g_assert_cmpuint (f->reads, ==, 1);
}

static void
test_insert_over_a_card_swaps_it (Fixture *f, gconstpointer data)
{
  g_assert_true (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), NULL));
  wait_reads (f, 1);
  g_assert_true (hb_virtual_card_reader_insert (f->reader, OTHER, strlen (OTHER), NULL));
  wait_reads (f, 2);
  g_assert_cmpstr (f->last->id_number, ==, "310104198506151237");
  g_assert_cmpuint (f->removals, ==, 1);
}

static void
test_bad_card_is_rejected_without_emitting (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = g_strdup (CARD);
  /* A wrong check digit: the simulator refuses to lay it on. */
  *strstr (bad, "2426") = '3';

  g_assert_false (hb_virtual_card_reader_insert (f->reader, bad, strlen (bad), &error));
  g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hb_virtual_card_reader_insert (f->reader, "{nope", 5, &error));
  g_assert_error (error, HB_IDCARD_ERROR, HB_IDCARD_ERROR_INVALID);
  hb_test_spin (600);
  g_assert_cmpuint (f->reads, ==, 0);
  g_assert_false (hb_sam_sim_has_card (hb_virtual_card_reader_get_sim (f->reader)));
}

static void
test_insert_while_unplugged_fails (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  hb_virtual_device_set_plugged (HB_DEVICE (f->reader), FALSE);
  g_assert_true (hb_test_wait_until (is_no_device, f->reader, 5000));
  g_assert_false (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);

  hb_virtual_device_set_plugged (HB_DEVICE (f->reader), TRUE);
  g_assert_true (hb_test_wait_until (is_online, f->reader, 5000));
  g_assert_true (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), NULL));
  wait_reads (f, 1);
}

static void
test_unplug_with_a_card_removes_it (Fixture *f, gconstpointer data)
{
  g_assert_true (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), NULL));
  wait_reads (f, 1);
  hb_virtual_device_set_plugged (HB_DEVICE (f->reader), FALSE);
  g_assert_true (hb_test_wait_until (is_no_device, f->reader, 5000));
  wait_removals (f, 1);
  g_assert_cmpint (hb_card_reader_get_media (HB_CARD_READER (f->reader)), ==, HB_CARD_MEDIA_UNKNOWN);
}

static void
test_describe_adds_media (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  json_builder_begin_object (b);
  hb_device_describe (HB_DEVICE (f->reader), b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "idcard");
  g_assert_cmpstr (json_object_get_string_member (o, "media"), ==, "not-present");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "online");
}

static void
test_unreadable_card_is_reported (Fixture *f, gconstpointer data)
{
  hb_sam_sim_set_fault (hb_virtual_card_reader_get_sim (f->reader), HB_SAM_SIM_FAULT_READ, 0);
  g_assert_true (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), NULL));
  while (f->failures == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->reads, ==, 0);
}

static void
test_insert_before_open_fails (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_false (hb_virtual_card_reader_insert (f->reader, CARD, strlen (CARD), &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/drivers/virtual/card-reader/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("is-the-sam-driver-on-a-simulated-sam", test_identity);
  ADD ("open-reports-no-card", test_open_reports_no_card);
  ADD ("insert-reads-the-card-through-the-codec", test_insert_reads_the_card);
  ADD ("remove-emits-card-removed", test_remove_emits_card_removed);
  ADD ("a-card-left-lying-is-not-read-again", test_card_left_lying_is_not_read_again);
  ADD ("insert-over-a-card-swaps-it", test_insert_over_a_card_swaps_it);
  ADD ("bad-card-is-rejected-without-emitting", test_bad_card_is_rejected_without_emitting);
  ADD ("insert-while-unplugged-fails-until-plugged", test_insert_while_unplugged_fails);
  ADD ("unplug-with-a-card-removes-it", test_unplug_with_a_card_removes_it);
  ADD ("describe-adds-media", test_describe_adds_media);
  ADD ("unreadable-card-is-reported", test_unreadable_card_is_reported);
#undef ADD
  g_test_add ("/drivers/virtual/card-reader/insert-before-open-fails", Fixture, "closed",
              setup, test_insert_before_open_fails, teardown);
  return g_test_run ();
}
