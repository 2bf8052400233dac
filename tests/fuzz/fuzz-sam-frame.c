/* fuzz-sam-frame.c — SAM frames from an arbitrary byte stream: the receiver (fed byte by
 * byte, in exactly the chunks it asks for, and in arbitrary chunks), then parse and check
 * of every frame it hands out, and parse of the whole input as one frame.
 * (Responses or requests: the first byte picks which receiver.)
 * Invariants: the receiver only hands out well-formed frames (preamble, LEN in bounds,
 * size 7 + LEN); feeding at most what it wants loses nothing, so byte-by-byte and wanted-
 * sized feeding agree frame for frame; a frame that parses rebuilds byte for byte. */
#include "drivers/idcard/hb-sam-frame.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)

static void
check_parsed (const guint8 *f, gsize len, gboolean request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) rebuilt = NULL;
  g_autofree char *summary = hb_sam_frame_summary (f, len);

  CHECK (summary != NULL);
  if (request)
    {
      HbSamCommand command;
      const guint8 *d = NULL;
      gsize dlen = 0;
      if (!hb_sam_request_parse (f, len, &command, &d, &dlen, &error))
        {
          CHECK (error != NULL && error->domain == HB_SAM_ERROR && error->code == HB_SAM_ERROR_FRAME);
          return;
        }
      CHECK (dlen == len - 10);
      rebuilt = hb_sam_request_build (command, d, dlen);
    }
  else
    {
      HbSamResponse r;
      if (!hb_sam_response_parse (f, len, &r, &error))
        {
          CHECK (error != NULL && error->domain == HB_SAM_ERROR && error->code == HB_SAM_ERROR_FRAME);
          return;
        }
      CHECK (r.data_len == len - 11);
      CHECK (r.data_len == 0 || r.data == f + 10);
      rebuilt = hb_sam_response_build (r.sw1, r.sw2, r.sw3, r.data, r.data_len);
      if (!hb_sam_response_check (&r, r.sw3 == 0x9F ? 0x9F : 0x90, &error))
        {
          CHECK (error != NULL && error->domain == HB_SAM_ERROR);
          CHECK (error->code != HB_SAM_ERROR_FRAME && error->code != HB_SAM_ERROR_DATA);
        }
      CHECK (hb_sam_status_describe (r.sw3, TRUE) != NULL);
      CHECK (hb_sam_status_describe (r.sw3, FALSE) != NULL);
    }
  {
    gsize n;
    const guint8 *p = g_bytes_get_data (rebuilt, &n);
    CHECK (n == len && memcmp (p, f, n) == 0);
  }
}

/* Every frame a receiver hands out is well-formed except, possibly, for its checksum. */
static void
check_frame (GBytes *frame, gboolean request)
{
  gsize len;
  const guint8 *f = g_bytes_get_data (frame, &len);
  gsize body;

  CHECK (len >= HB_SAM_HEADER_LEN && len <= HB_SAM_FRAME_MAX);
  CHECK (memcmp (f, hb_sam_preamble, HB_SAM_PREAMBLE_LEN) == 0);
  body = (gsize) f[5] << 8 | f[6];
  CHECK (len == HB_SAM_HEADER_LEN + body);
  CHECK (body >= (request ? 3u : 4u));
  check_parsed (f, len, request);
}

typedef enum { BYTEWISE, WANTED, ARBITRARY } Feeding;

/* Runs the stream through a receiver; returns the frames (and checks each). */
static GPtrArray *
receive (const uint8_t *data, size_t size, gboolean request, Feeding feeding, gsize *dropped)
{
  g_autoptr(HbSamReceiver) rx = request ? hb_sam_receiver_new_for_requests () : hb_sam_receiver_new ();
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize at = 0;
  guint32 seed = (guint32) size * 2654435761u;

  while (at < size)
    {
      gsize want = hb_sam_receiver_wanted (rx), n;
      GBytes *f;

      CHECK (want <= HB_SAM_FRAME_MAX);
      switch (feeding)
        {
        case BYTEWISE: n = 1; break;
        case WANTED:   n = want; break;
        default:
          seed = seed * 1103515245u + 12345u;
          n = 1 + (seed >> 16) % 1500;
          break;
        }
      if (n == 0)                         /* a complete frame is queued */
        f = hb_sam_receiver_feed (rx, NULL, 0);
      else
        {
          n = MIN (n, size - at);
          f = hb_sam_receiver_feed (rx, data + at, n);
          at += n;
        }
      while (f != NULL)
        {
          check_frame (f, request);
          g_ptr_array_add (frames, f);
          f = hb_sam_receiver_feed (rx, NULL, 0);
        }
    }
  CHECK (hb_sam_receiver_wanted (rx) >= 1 && hb_sam_receiver_wanted (rx) <= HB_SAM_FRAME_MAX);
  *dropped = hb_sam_receiver_dropped (rx);
  hb_sam_receiver_reset (rx);
  CHECK (hb_sam_receiver_dropped (rx) == 0 && hb_sam_receiver_wanted (rx) == HB_SAM_HEADER_LEN);
  return frames;
}

static void
compare (GPtrArray *a, GPtrArray *b)
{
  CHECK (a->len == b->len);
  for (guint i = 0; i < a->len; i++)
    CHECK (g_bytes_equal (a->pdata[i], b->pdata[i]));
}

/* The receiver's state after a few frames' worth of bytes is all there is to it: longer
 * inputs only slow the byte-by-byte pass down (libFuzzer runs up to -max_len). */
#define STREAM_MAX (2 * HB_SAM_FRAME_MAX)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  check_parsed (data, size, FALSE);
  check_parsed (data, size, TRUE);

  /* One direction per input (its first byte decides), to keep runs fast. */
  if (size > 0)
    {
      int request = data[0] & 1;
      gsize d1 = 0, d2 = 0, d3 = 0, total = 0;

      size = MIN (size, STREAM_MAX);
      g_autoptr(GPtrArray) bytewise = receive (data, size, request, BYTEWISE, &d1);
      g_autoptr(GPtrArray) wanted = receive (data, size, request, WANTED, &d2);
      g_autoptr(GPtrArray) arbitrary = receive (data, size, request, ARBITRARY, &d3);

      compare (bytewise, wanted);
      CHECK (d1 == d2);
      /* Nothing is invented: frames and drops never exceed the input. */
      for (guint i = 0; i < bytewise->len; i++)
        total += g_bytes_get_size (bytewise->pdata[i]);
      CHECK (total + d1 <= size);
      CHECK (size - total - d1 < HB_SAM_FRAME_MAX);   /* what is left is one partial frame */
      total = 0;
      for (guint i = 0; i < arbitrary->len; i++)
        total += g_bytes_get_size (arbitrary->pdata[i]);
      CHECK (total + d3 <= size);
    }
  return 0;
}
