/* bench-idcard.c — what the host adds to an ID card read on top of the serial line.
 *
 * A simulated SAM behind a pty paced at 115200 baud (10 bits a byte, absolute deadlines)
 * answers the real driver code: HbSerialTransport (termios) → HbSamLink → select, 30 01
 * read, 30 03 appended address → decode. The wire time of a read is what its bytes take
 * on the line both ways; host overhead is the measured time beyond it. Then the codec
 * alone: parse + decode of the 1295-byte response, as frames per second.
 * Prints one JSON object on stdout. Usage: bench-idcard [ROUNDS] */
#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/idcard/hb-sam-sim.h"
#include "drivers/idcard/hb-sam-text.h"
#include "drivers/transport/hb-serial-transport.h"
#include "tests/support/hb-fake-sam.h"
#include "tests/common/hb-test-util.h"
#include "tests/bench/bench-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAUD 115200

static HbIdCard *
sample (void)
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

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 30;
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HbFakeSerialSam) line = hb_fake_serial_sam_new (BAUD, hb_fake_sam_sim_peer, sim, &error);
  g_autoptr(HbSerialTransport) serial = NULL;
  g_autoptr(HbSamLink) link = NULL;
  double *measured = g_new (double, rounds), *wire = g_new (double, rounds),
         *overhead = g_new (double, rounds);
  HbSamTiming timing;
  HbSamResponse r;
  guint64 frame_bytes = 0;

  g_assert_no_error (error);
  serial = hb_serial_transport_new (hb_fake_serial_sam_get_path (line), BAUD);
  g_assert_true (hb_transport_open (HB_TRANSPORT (serial), &error));
  hb_sam_timing_init (&timing);
  link = hb_sam_link_new (HB_TRANSPORT (serial), timing.retries);
  g_assert_true (hb_sam_link_expect (link, HB_SAM_CMD_STATUS, HB_SAM_SW3_OK, 1000, NULL, &r, &error));

  for (guint i = 0; i < rounds; i++)
    {
      guint64 before, after;
      gint64 t0, t1;
      g_autoptr(HbIdCard) got = NULL;

      hb_sam_sim_set_card (sim, card, i % 2 ? "上海市静安区新闸路100号" : NULL);
      g_assert_true (hb_sam_link_command (link, HB_SAM_CMD_FIND, NULL, 0, 1000, NULL, &r, &error));
      g_assert_cmpint (r.sw3, ==, HB_SAM_SW3_FIND_OK);

      before = hb_transport_get_bytes_written (HB_TRANSPORT (serial)) +
               hb_transport_get_bytes_read (HB_TRANSPORT (serial));
      t0 = g_get_monotonic_time ();
      got = hb_sam_read_card (link, &timing, NULL, &error);
      t1 = g_get_monotonic_time ();
      g_assert_no_error (error);
      g_assert_cmpstr (got->id_number, ==, card->id_number);
      after = hb_transport_get_bytes_written (HB_TRANSPORT (serial)) +
              hb_transport_get_bytes_read (HB_TRANSPORT (serial));

      measured[i] = (double) (t1 - t0) / 1000.0;
      wire[i] = (double) (after - before) * 10.0 / BAUD * 1000.0;
      overhead[i] = measured[i] - wire[i];
      hb_sam_sim_set_card (sim, NULL, NULL);
    }

  /* The codec alone on the 1295-byte response. */
  {
    g_autoptr(GBytes) data = hb_sam_encode_base_info (card, &error);
    g_autoptr(GBytes) frame = NULL;
    const guint8 *f;
    gsize flen, dlen;
    const guint8 *d = g_bytes_get_data (data, &dlen);
    guint n = 20000;
    gint64 t0, t1;

    frame = hb_sam_response_build (0, 0, HB_SAM_SW3_OK, d, dlen);
    f = g_bytes_get_data (frame, &flen);
    frame_bytes = flen;
    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < n; i++)
      {
        HbSamResponse resp;
        HbIdCard *c;
        g_assert_true (hb_sam_response_parse (f, flen, &resp, NULL));
        c = hb_sam_decode_base_info (resp.data, resp.data_len, FALSE, NULL);
        g_assert_nonnull (c);
        hb_idcard_free (c);
      }
    t1 = g_get_monotonic_time ();
    {
      double per_frame_us = (double) (t1 - t0) / n;
      double wire_ms = (double) flen * 10.0 / BAUD * 1000.0;
      double m = bench_median (measured, rounds), w = bench_median (wire, rounds), o = bench_median (overhead, rounds);
      printf ("{\"baud\": %d, \"rounds\": %u,\n"
              " \"read_ms\": %.2f, \"wire_ms\": %.2f, \"host_overhead_ms\": %.2f,"
              " \"host_overhead_ratio\": %.4f,\n"
              " \"parse_frame_bytes\": %" G_GUINT64_FORMAT ", \"parse_us_per_frame\": %.2f,"
              " \"parse_frames_per_s\": %.0f, \"parse_mb_per_s\": %.1f,"
              " \"parse_vs_wire_ratio\": %.6f}\n",
              BAUD, rounds, m, w, o, o / w, frame_bytes, per_frame_us,
              1e6 / per_frame_us, (double) flen / per_frame_us, per_frame_us / 1000.0 / wire_ms);
    }
  }
  g_free (measured);
  g_free (wire);
  g_free (overhead);
  return 0;
}
