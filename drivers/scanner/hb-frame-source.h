/* hb-frame-source.h — where a camera scanner gets its pictures: 8-bit grey (Y800) frames.
 *
 * HbFrameSource is abstract: a V4L2 camera (hb-v4l2-source.h) or the memory source below
 * (tests, benchmark). start, next_frame and stop block and are called from one worker
 * thread (the camera scanner's); only the memory source's feeding calls are for other
 * threads. Failures use HB_DEVICE_ERROR: NO_DEVICE (missing, unplugged), NOT_SUPPORTED
 * (not a capture device, no usable format), TIMEOUT (no frame in time), HARDWARE. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One frame: width × height grey pixels, rows stride bytes apart. Immutable and
 * reference counted, so a source can hand the same pixels out again. */
typedef struct {
  guint         width;
  guint         height;
  gsize         stride;
  const guint8 *data;
  gsize         size;           /* bytes at data: ≥ stride × (height − 1) + width */
  guint64       sequence;       /* set by the source, counting from 0 after start */
  gint64        timestamp_us;   /* g_get_monotonic_time () clock */
  /*< private >*/
  GBytes       *bytes;
} HbFrame;

/* NULL (and a g_critical) when pixels is too short for the geometry. Refs pixels. */
HbFrame *hb_frame_new   (guint width, guint height, gsize stride, GBytes *pixels,
                         gint64 timestamp_us);
/* The same pixels under another sequence number and time. */
HbFrame *hb_frame_restamp (HbFrame *frame, guint64 sequence, gint64 timestamp_us);
HbFrame *hb_frame_ref   (HbFrame *frame);
void     hb_frame_unref (HbFrame *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbFrame, hb_frame_unref)

#define HB_TYPE_FRAME_SOURCE (hb_frame_source_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbFrameSource, hb_frame_source, HB, FRAME_SOURCE, GObject)

struct _HbFrameSourceClass
{
  GObjectClass parent_class;

  gboolean  (*start)      (HbFrameSource *self, GError **error);
  /* The next frame, waiting at most timeout_ms; NULL with an error otherwise
   * (G_IO_ERROR_CANCELLED when cancellable fired). */
  HbFrame  *(*next_frame) (HbFrameSource *self, guint timeout_ms, GCancellable *cancellable,
                           GError **error);
  void      (*stop)       (HbFrameSource *self);

  gpointer padding[8];
};

gboolean    hb_frame_source_start      (HbFrameSource *self, GError **error);
HbFrame    *hb_frame_source_next_frame (HbFrameSource *self, guint timeout_ms,
                                        GCancellable *cancellable, GError **error);
/* Safe when not started. */
void        hb_frame_source_stop       (HbFrameSource *self);
/* Property "description" (construct): "/dev/video0", "memory" … for logs and status. */
const char *hb_frame_source_get_description (HbFrameSource *self);

/* --- memory source -------------------------------------------------------------------- */

#define HB_TYPE_MEMORY_FRAME_SOURCE (hb_memory_frame_source_get_type ())
G_DECLARE_FINAL_TYPE (HbMemoryFrameSource, hb_memory_frame_source, HB, MEMORY_FRAME_SOURCE,
                      HbFrameSource)

/* Hands out the frames pushed to it, in order; waits (up to the timeout) when it has
 * none. A frame pushed with timestamp 0 is stamped when it is handed out. */
HbMemoryFrameSource *hb_memory_frame_source_new (void);
/* Any thread. */
void     hb_memory_frame_source_push     (HbMemoryFrameSource *self, HbFrame *frame);
/* Loop: every frame handed out goes back to the end of the queue (benchmarks, a code
 * held in front of the camera). */
void     hb_memory_frame_source_set_loop (HbMemoryFrameSource *self, gboolean loop);
/* While set, start and next_frame fail with a copy of error (an unplugged or broken
 * camera); NULL clears it. Frames still queued stay queued. */
void     hb_memory_frame_source_set_error (HbMemoryFrameSource *self, const GError *error);
/* Frames handed out since creation; frames still queued. */
guint64  hb_memory_frame_source_get_delivered (HbMemoryFrameSource *self);
guint    hb_memory_frame_source_get_queued    (HbMemoryFrameSource *self);
/* Times start succeeded. */
guint    hb_memory_frame_source_get_starts    (HbMemoryFrameSource *self);

G_END_DECLS
