/* hb-v4l2-source.c — V4L2 mmap streaming capture, delivered as Y800 frames. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-v4l2-source.h"
#include "drivers/scanner/hb-qr-decoder.h"
#include "drivers/hb-device.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct
{
  void  *start;
  gsize  length;
} Buffer;

struct _HbV4l2Source
{
  HbFrameSource parent_instance;

  char    *path;
  guint    want_width, want_height;

  /* Used by the one thread that starts, reads and stops the source. */
  int      fd;
  guint32  pixelformat;
  guint    width, height;
  gsize    bytesperline;
  Buffer   buffers[HB_V4L2_BUFFERS];
  guint    n_buffers;
  gboolean streaming;
  guint64  sequence;
};

G_DEFINE_FINAL_TYPE (HbV4l2Source, hb_v4l2_source, HB_TYPE_FRAME_SOURCE)

void
hb_yuyv_to_y800 (const guint8 *src, gsize src_stride, guint width, guint height, guint8 *dst)
{
  for (guint y = 0; y < height; y++)
    {
      const guint8 *row = src + (gsize) y * src_stride;
      guint8 *out = dst + (gsize) y * width;
      for (guint x = 0; x < width; x++)
        out[x] = row[2 * x];
    }
}

/* ioctl, restarted after a signal. */
static int
xioctl (int fd, unsigned long request, void *arg)
{
  int r;
  do
    r = ioctl (fd, request, arg);
  while (r < 0 && errno == EINTR);
  return r;
}

static void
set_errno_error (HbV4l2Source *self, GError **error, int err, const char *what)
{
  HbDeviceError code = HB_DEVICE_ERROR_HARDWARE;

  if (err == ENODEV || err == ENOENT || err == ENXIO)
    code = HB_DEVICE_ERROR_NO_DEVICE;
  else if (err == ENOTTY || err == EINVAL)
    code = HB_DEVICE_ERROR_NOT_SUPPORTED;
  else if (err == ETIMEDOUT)
    code = HB_DEVICE_ERROR_TIMEOUT;
  g_set_error (error, HB_DEVICE_ERROR, code, "%s: %s: %s", self->path, what, g_strerror (err));
}

static void
release (HbV4l2Source *self)
{
  if (self->streaming)
    {
      enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      xioctl (self->fd, VIDIOC_STREAMOFF, &type);
      self->streaming = FALSE;
    }
  for (guint i = 0; i < self->n_buffers; i++)
    if (self->buffers[i].start != MAP_FAILED && self->buffers[i].start != NULL)
      munmap (self->buffers[i].start, self->buffers[i].length);
  memset (self->buffers, 0, sizeof self->buffers);
  if (self->n_buffers > 0 && self->fd >= 0)
    {
      /* Hand the driver's buffers back so another open can have them. */
      struct v4l2_requestbuffers req = { .count = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                         .memory = V4L2_MEMORY_MMAP };
      xioctl (self->fd, VIDIOC_REQBUFS, &req);
    }
  self->n_buffers = 0;
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
}

static gboolean
negotiate (HbV4l2Source *self, GError **error)
{
  static const guint32 formats[] = { V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_YUYV };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
      fmt.fmt.pix.width = self->want_width;
      fmt.fmt.pix.height = self->want_height;
      fmt.fmt.pix.pixelformat = formats[i];
      fmt.fmt.pix.field = V4L2_FIELD_NONE;
      if (xioctl (self->fd, VIDIOC_S_FMT, &fmt) < 0)
        {
          if (errno == EINVAL)
            continue;
          set_errno_error (self, error, errno, "VIDIOC_S_FMT");
          return FALSE;
        }
      /* Drivers answer with the nearest format they have: only ours will do. */
      if (fmt.fmt.pix.pixelformat != formats[i])
        continue;
      {
        gsize min_line = (gsize) fmt.fmt.pix.width * (formats[i] == V4L2_PIX_FMT_YUYV ? 2 : 1);
        if (fmt.fmt.pix.width == 0 || fmt.fmt.pix.height == 0 ||
            fmt.fmt.pix.width > HB_QR_FRAME_MAX_SIDE || fmt.fmt.pix.height > HB_QR_FRAME_MAX_SIDE)
          {
            g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED,
                         "%s: the driver offers %ux%u, outside 1..%u", self->path,
                         fmt.fmt.pix.width, fmt.fmt.pix.height, HB_QR_FRAME_MAX_SIDE);
            return FALSE;
          }
        self->pixelformat = formats[i];
        self->width = fmt.fmt.pix.width;
        self->height = fmt.fmt.pix.height;
        self->bytesperline = MAX ((gsize) fmt.fmt.pix.bytesperline, min_line);
        return TRUE;
      }
    }
  g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED,
               "%s: offers neither GREY nor YUYV capture", self->path);
  return FALSE;
}

static gboolean
map_buffers (HbV4l2Source *self, GError **error)
{
  struct v4l2_requestbuffers req = { .count = HB_V4L2_BUFFERS,
                                     .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                     .memory = V4L2_MEMORY_MMAP };

  if (xioctl (self->fd, VIDIOC_REQBUFS, &req) < 0)
    {
      set_errno_error (self, error, errno, "VIDIOC_REQBUFS (mmap streaming)");
      return FALSE;
    }
  if (req.count < 2)
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_HARDWARE,
                   "%s: the driver granted %u capture buffers", self->path, req.count);
      return FALSE;
    }
  self->n_buffers = MIN (req.count, (guint) HB_V4L2_BUFFERS);
  for (guint i = 0; i < self->n_buffers; i++)
    {
      struct v4l2_buffer buf = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                 .memory = V4L2_MEMORY_MMAP, .index = i };
      if (xioctl (self->fd, VIDIOC_QUERYBUF, &buf) < 0)
        {
          set_errno_error (self, error, errno, "VIDIOC_QUERYBUF");
          return FALSE;
        }
      self->buffers[i].length = buf.length;
      self->buffers[i].start = mmap (NULL, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED,
                                     self->fd, buf.m.offset);
      if (self->buffers[i].start == MAP_FAILED)
        {
          self->buffers[i].start = NULL;
          set_errno_error (self, error, errno, "mmap");
          return FALSE;
        }
    }
  for (guint i = 0; i < self->n_buffers; i++)
    {
      struct v4l2_buffer buf = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                 .memory = V4L2_MEMORY_MMAP, .index = i };
      if (xioctl (self->fd, VIDIOC_QBUF, &buf) < 0)
        {
          set_errno_error (self, error, errno, "VIDIOC_QBUF");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
v4l2_start (HbFrameSource *source, GError **error)
{
  HbV4l2Source *self = HB_V4L2_SOURCE (source);
  struct v4l2_capability cap = { 0 };
  enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  guint32 caps;

  g_return_val_if_fail (self->fd < 0, FALSE);
  self->fd = open (self->path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (self->fd < 0)
    {
      set_errno_error (self, error, errno, "open");
      return FALSE;
    }
  if (xioctl (self->fd, VIDIOC_QUERYCAP, &cap) < 0)
    {
      int err = errno;
      if (err == ENOTTY || err == EINVAL)
        g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED,
                     "%s is not a V4L2 device (VIDIOC_QUERYCAP: %s)", self->path, g_strerror (err));
      else
        set_errno_error (self, error, err, "VIDIOC_QUERYCAP");
      release (self);
      return FALSE;
    }
  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING))
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED,
                   "%s is not a V4L2 capture device with streaming I/O", self->path);
      release (self);
      return FALSE;
    }
  if (!negotiate (self, error) || !map_buffers (self, error))
    {
      release (self);
      return FALSE;
    }
  if (xioctl (self->fd, VIDIOC_STREAMON, &type) < 0)
    {
      set_errno_error (self, error, errno, "VIDIOC_STREAMON");
      release (self);
      return FALSE;
    }
  self->streaming = TRUE;
  self->sequence = 0;
  g_message ("camera: %s (%.32s) streams %s %ux%u", self->path, (const char *) cap.card,
             hb_v4l2_source_get_format (self), self->width, self->height);
  return TRUE;
}

static HbFrame *
copy_out (HbV4l2Source *self, const struct v4l2_buffer *buf)
{
  const guint8 *src = self->buffers[buf->index].start;
  gsize have = MIN ((gsize) buf->bytesused, self->buffers[buf->index].length);
  gsize need = self->bytesperline * (self->height - 1) +
               (self->pixelformat == V4L2_PIX_FMT_YUYV ? 2 * (gsize) self->width : self->width);
  guint8 *y800;
  g_autoptr(GBytes) bytes = NULL;

  if (have < need)
    return NULL;     /* a short (damaged) frame: skip it */
  y800 = g_malloc ((gsize) self->width * self->height);
  if (self->pixelformat == V4L2_PIX_FMT_YUYV)
    hb_yuyv_to_y800 (src, self->bytesperline, self->width, self->height, y800);
  else
    for (guint y = 0; y < self->height; y++)
      memcpy (y800 + (gsize) y * self->width, src + (gsize) y * self->bytesperline, self->width);
  bytes = g_bytes_new_take (y800, (gsize) self->width * self->height);
  {
    HbFrame *frame = hb_frame_new (self->width, self->height, self->width, bytes,
                                   g_get_monotonic_time ());
    frame->sequence = self->sequence++;
    return frame;
  }
}

static HbFrame *
v4l2_next_frame (HbFrameSource *source, guint timeout_ms, GCancellable *cancellable,
                 GError **error)
{
  HbV4l2Source *self = HB_V4L2_SOURCE (source);
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GPollFD cancel_fd = { .fd = -1 };
  gboolean have_cancel_fd;

  if (self->fd < 0 || !self->streaming)
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN, "%s is not started", self->path);
      return NULL;
    }
  have_cancel_fd = cancellable && g_cancellable_make_pollfd (cancellable, &cancel_fd);

  for (;;)
    {
      struct pollfd fds[2] = { { .fd = self->fd, .events = POLLIN } };
      struct v4l2_buffer buf = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
      gint64 left = end - g_get_monotonic_time ();
      HbFrame *frame;
      int n;

      if (have_cancel_fd)
        fds[1] = (struct pollfd) { .fd = cancel_fd.fd, .events = POLLIN };
      if (left <= 0)
        {
          g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_TIMEOUT,
                       "%s: no frame within %u ms", self->path, timeout_ms);
          break;
        }
      n = poll (fds, have_cancel_fd ? 2 : 1, (int) ((left + 999) / 1000));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (self, error, errno, "poll");
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (n == 0)
        continue;                                   /* the deadline check reports it */
      if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
        {
          /* uvcvideo signals an unplugged camera this way (and ENODEV on ioctls). */
          int err = xioctl (self->fd, VIDIOC_DQBUF, &buf) < 0 ? errno : 0;
          if (err == 0)
            xioctl (self->fd, VIDIOC_QBUF, &buf);
          g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE,
                       "%s: the device went away (%s)", self->path,
                       err ? g_strerror (err) : "poll error");
          break;
        }
      if (!(fds[0].revents & POLLIN))
        continue;
      if (xioctl (self->fd, VIDIOC_DQBUF, &buf) < 0)
        {
          if (errno == EAGAIN)
            continue;
          set_errno_error (self, error, errno, "VIDIOC_DQBUF");
          break;
        }
      if (buf.index >= self->n_buffers)
        {
          g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                       "%s: the driver returned buffer %u of %u", self->path, buf.index,
                       self->n_buffers);
          break;
        }
      frame = (buf.flags & V4L2_BUF_FLAG_ERROR) ? NULL : copy_out (self, &buf);
      if (xioctl (self->fd, VIDIOC_QBUF, &buf) < 0)
        {
          hb_frame_unref (frame);
          set_errno_error (self, error, errno, "VIDIOC_QBUF");
          break;
        }
      if (frame)
        {
          if (have_cancel_fd)
            g_cancellable_release_fd (cancellable);
          return frame;
        }
    }
  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);
  return NULL;
}

static void
v4l2_stop (HbFrameSource *source)
{
  release (HB_V4L2_SOURCE (source));
}

static void
hb_v4l2_source_finalize (GObject *object)
{
  HbV4l2Source *self = HB_V4L2_SOURCE (object);
  release (self);
  g_free (self->path);
  G_OBJECT_CLASS (hb_v4l2_source_parent_class)->finalize (object);
}

static void
hb_v4l2_source_class_init (HbV4l2SourceClass *klass)
{
  HbFrameSourceClass *source_class = HB_FRAME_SOURCE_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = hb_v4l2_source_finalize;
  source_class->start = v4l2_start;
  source_class->next_frame = v4l2_next_frame;
  source_class->stop = v4l2_stop;
}

static void
hb_v4l2_source_init (HbV4l2Source *self)
{
  self->fd = -1;
}

HbV4l2Source *
hb_v4l2_source_new (const char *device_path, guint width, guint height)
{
  HbV4l2Source *self;

  g_return_val_if_fail (device_path != NULL, NULL);
  self = g_object_new (HB_TYPE_V4L2_SOURCE, "description", device_path, NULL);
  self->path = g_strdup (device_path);
  self->want_width = width ? width : HB_V4L2_DEFAULT_WIDTH;
  self->want_height = height ? height : HB_V4L2_DEFAULT_HEIGHT;
  return self;
}

const char *
hb_v4l2_source_get_path (HbV4l2Source *self)
{
  return self->path;
}

const char *
hb_v4l2_source_get_format (HbV4l2Source *self)
{
  return self->pixelformat == V4L2_PIX_FMT_GREY ? "GREY"
       : self->pixelformat == V4L2_PIX_FMT_YUYV ? "YUYV" : NULL;
}

void
hb_v4l2_source_get_size (HbV4l2Source *self, guint *width, guint *height)
{
  if (width)
    *width = self->width;
  if (height)
    *height = self->height;
}
