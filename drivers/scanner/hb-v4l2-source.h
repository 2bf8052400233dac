/* hb-v4l2-source.h — frames from a V4L2 capture device (/dev/videoN), as Y800.
 *
 * start: open O_RDWR|O_NONBLOCK; VIDIOC_QUERYCAP (video capture + streaming, else
 * HB_DEVICE_ERROR_NOT_SUPPORTED "not a V4L2 capture device"); VIDIOC_S_FMT GREY, else
 * YUYV, at the asked size (the driver may pick another; it is taken as given, within
 * HB_QR_FRAME_MAX_SIDE); mmap streaming: REQBUFS (HB_V4L2_BUFFERS), QUERYBUF + mmap,
 * QBUF all, STREAMON.
 * next_frame: poll with the timeout (and the cancellable's fd) → DQBUF → copy out as
 * Y800 (GREY rows as they are, YUYV's luma bytes) → QBUF. A vanished device (ENODEV,
 * POLLERR/POLLHUP) fails with HB_DEVICE_ERROR_NO_DEVICE; no frame in time with _TIMEOUT.
 * A missing path is _NO_DEVICE, no permission _HARDWARE (the message says which). */
#pragma once

#include "drivers/scanner/hb-frame-source.h"

G_BEGIN_DECLS

#define HB_V4L2_DEFAULT_WIDTH  640
#define HB_V4L2_DEFAULT_HEIGHT 480
#define HB_V4L2_BUFFERS        4

#define HB_TYPE_V4L2_SOURCE (hb_v4l2_source_get_type ())
G_DECLARE_FINAL_TYPE (HbV4l2Source, hb_v4l2_source, HB, V4L2_SOURCE, HbFrameSource)

/* width/height 0: HB_V4L2_DEFAULT_WIDTH × HB_V4L2_DEFAULT_HEIGHT. Nothing is opened yet. */
HbV4l2Source *hb_v4l2_source_new (const char *device_path, guint width, guint height);
const char   *hb_v4l2_source_get_path (HbV4l2Source *self);
/* After start: the negotiated format ("GREY" or "YUYV") and size. */
const char   *hb_v4l2_source_get_format (HbV4l2Source *self);
void          hb_v4l2_source_get_size   (HbV4l2Source *self, guint *width, guint *height);

/* YUYV (Y0 U Y1 V …) rows → Y800: the luma bytes, every second byte. src_stride is the
 * YUYV row length in bytes (≥ 2 × width); dst holds width × height. Pure. */
void          hb_yuyv_to_y800 (const guint8 *src, gsize src_stride, guint width, guint height,
                               guint8 *dst);

G_END_DECLS
