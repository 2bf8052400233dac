/* hb-sam-link.c — request/response over a transport with bounded retries. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/idcard/hb-sam-link.h"
#include "drivers/hb-device.h"

#include <string.h>

/* One read asks for at most what a frame can still need: the transport may deliver less. */
#define READ_CHUNK HB_SAM_FRAME_MAX

struct _HbSamLink
{
  HbTransport   *transport;
  guint          retries;
  guint          retries_used;
  HbSamReceiver *receiver;
  GBytes        *frame;      /* last response frame (personal data: wiped on replace) */
  guint8        *buffer;
};

HbSamLink *
hb_sam_link_new (HbTransport *transport, guint retries)
{
  HbSamLink *link = g_new0 (HbSamLink, 1);
  link->transport = transport;
  link->retries = retries;
  link->receiver = hb_sam_receiver_new ();
  link->buffer = g_malloc (READ_CHUNK);
  return link;
}

static void
wipe_bytes (GBytes *bytes)
{
  gsize len = 0;
  gconstpointer data;

  if (bytes == NULL)
    return;
  data = g_bytes_get_data (bytes, &len);
  /* The frame is ours alone (made by the receiver); its storage can be cleared. */
  if (data != NULL)
    explicit_bzero ((gpointer) data, len);
  g_bytes_unref (bytes);
}

void
hb_sam_link_free (HbSamLink *link)
{
  if (link == NULL)
    return;
  wipe_bytes (link->frame);
  hb_sam_receiver_free (link->receiver);
  explicit_bzero (link->buffer, READ_CHUNK);
  g_free (link->buffer);
  g_free (link);
}

guint
hb_sam_link_get_retries_used (HbSamLink *link)
{
  return link->retries_used;
}

/* Read until one frame is complete or the deadline passes. */
static GBytes *
receive_frame (HbSamLink *link, gint64 deadline, GCancellable *cancellable, GError **error)
{
  GBytes *frame = hb_sam_receiver_feed (link->receiver, NULL, 0);

  while (frame == NULL)
    {
      gint64 now = g_get_monotonic_time ();
      gsize want = MIN (hb_sam_receiver_wanted (link->receiver), (gsize) READ_CHUNK);
      gssize n;

      if (now >= deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "no complete response from the SAM in time");
          return NULL;
        }
      n = hb_transport_read (link->transport, link->buffer, MAX (want, (gsize) 1),
                             (guint) ((deadline - now + 999) / 1000), cancellable, error);
      if (n < 0)
        return NULL;
      frame = hb_sam_receiver_feed (link->receiver, link->buffer, (gsize) n);
    }
  return frame;
}

gboolean
hb_sam_link_command (HbSamLink *link, HbSamCommand command, const guint8 *data, gsize len,
                     guint timeout_ms, GCancellable *cancellable, HbSamResponse *response,
                     GError **error)
{
  g_autoptr(GBytes) request = hb_sam_request_build (command, data, len);
  g_autoptr(GError) last = NULL;

  for (guint attempt = 0; attempt <= link->retries; attempt++)
    {
      gsize request_len = 0;
      const guint8 *request_data = g_bytes_get_data (request, &request_len);
      gint64 deadline;
      GBytes *frame;

      if (attempt > 0)
        {
          link->retries_used++;
          g_debug ("sam: retrying %04x (%s)", (guint) command, last ? last->message : "?");
        }
      g_clear_error (&last);

      /* Whatever is still waiting belongs to an earlier, abandoned exchange. */
      hb_transport_flush (link->transport);
      hb_sam_receiver_reset (link->receiver);
      if (!hb_transport_write (link->transport, request_data, request_len, timeout_ms,
                               cancellable, &last))
        {
          if (!g_error_matches (last, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            break;
          continue;
        }

      deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
      frame = receive_frame (link, deadline, cancellable, &last);
      if (frame == NULL)
        {
          if (!g_error_matches (last, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            break;   /* cancelled, unplugged, broken: retrying will not help */
          continue;
        }

      wipe_bytes (link->frame);
      link->frame = frame;
      {
        gsize frame_len = 0;
        const guint8 *bytes = g_bytes_get_data (frame, &frame_len);
        if (hb_sam_response_parse (bytes, frame_len, response, &last))
          return TRUE;
      }
      /* A corrupt frame: the line garbled it; ask again. */
    }
  g_propagate_error (error, g_steal_pointer (&last));
  return FALSE;
}

gboolean
hb_sam_link_expect (HbSamLink *link, HbSamCommand command, guint8 expected_sw3,
                    guint timeout_ms, GCancellable *cancellable, HbSamResponse *response,
                    GError **error)
{
  return hb_sam_link_command (link, command, NULL, 0, timeout_ms, cancellable, response, error) &&
         hb_sam_response_check (response, expected_sw3, error);
}
