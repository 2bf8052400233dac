/* transport-test.h — what the transport tests share: one SAM exchange over a transport,
 * a check of the answer, and a read blocked on another thread (for cancel and unplug). */
#pragma once

#include "drivers/transport/hb-transport.h"
#include "drivers/idcard/hb-sam-frame.h"

#define TIMEOUT 5000

/* An invented person with a valid check digit (data/sample-cards.json, card 1). */
static const char CARD_JSON[] G_GNUC_UNUSED =
  "{\"type\":\"resident\",\"name\":\"张伟\",\"sex\":\"male\",\"nation\":\"汉\","
  "\"birth_date\":\"19850615\",\"address\":\"上海市徐汇区漕溪北路88号5号楼1203室\","
  "\"id_number\":\"310104198506151237\",\"issuer\":\"上海市公安局徐汇分局\","
  "\"valid_from\":\"20160302\",\"valid_to\":\"20360302\"}";

#define READ_FRAME_LEN   1295   /* 30 01: header 7 + LEN 1288 */
#define STATUS_FRAME_LEN 11

static inline gboolean
send_request (HbTransport *t, HbSamCommand command, GError **error)
{
  g_autoptr(GBytes) request = hb_sam_request_build (command, NULL, 0);

  return hb_transport_write (t, g_bytes_get_data (request, NULL), g_bytes_get_size (request),
                             TIMEOUT, NULL, error);
}

/* One whole response frame, by the LEN of its header. */
static inline GBytes *
read_frame (HbTransport *t, guint timeout_ms, GCancellable *cancellable, GError **error)
{
  guint8 *frame = g_malloc (HB_SAM_FRAME_MAX);
  gsize len;

  if (!hb_transport_read_exact (t, frame, HB_SAM_HEADER_LEN, timeout_ms, cancellable, error))
    {
      g_free (frame);
      return NULL;
    }
  len = HB_SAM_HEADER_LEN + ((gsize) frame[5] << 8 | frame[6]);
  g_assert_cmpuint (len, <=, HB_SAM_FRAME_MAX);
  if (!hb_transport_read_exact (t, frame + HB_SAM_HEADER_LEN, len - HB_SAM_HEADER_LEN,
                                timeout_ms, cancellable, error))
    {
      g_free (frame);
      return NULL;
    }
  return g_bytes_new_take (frame, len);
}

static inline GBytes *
exchange (HbTransport *t, HbSamCommand command, GError **error)
{
  if (!send_request (t, command, error))
    return NULL;
  return read_frame (t, TIMEOUT, NULL, error);
}

static inline void
assert_response (GBytes *frame, guint8 sw3, gsize len)
{
  g_autoptr(GError) error = NULL;
  HbSamResponse response;

  g_assert_nonnull (frame);
  g_assert_cmpuint (g_bytes_get_size (frame), ==, len);
  g_assert_true (hb_sam_response_parse (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
                                        &response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (response.sw3, ==, sw3);
}

/* A read on another thread. timeout_ms 0 = a minute (longer than any test waits). */
typedef struct
{
  HbTransport  *transport;
  GCancellable *cancellable;
  guint         timeout_ms;
  gint          started;
  gint          done;
  gssize        result;
  GError       *error;
} Reader;

static inline gpointer
reader_thread (gpointer data)
{
  Reader *r = data;
  guint8 buf[16];

  g_atomic_int_set (&r->started, TRUE);
  r->result = hb_transport_read (r->transport, buf, sizeof buf,
                                 r->timeout_ms ? r->timeout_ms : 60000, r->cancellable,
                                 &r->error);
  g_atomic_int_set (&r->done, TRUE);
  return NULL;
}

static inline gboolean
flag_set (gpointer data)
{
  return g_atomic_int_get ((gint *) data);
}
