/* Tests for drivers/scanner/hb-v4l2-source.c.
 *
 * Real files first: a missing path, /dev/null, a regular file and a pty are refused with
 * clear errors; the YUYV → Y800 conversion. Then the whole capture path against a fake
 * camera: this program defines open, close, ioctl and poll, which take precedence over
 * libc's for the driver code linked into it (as LD_PRELOAD would). They serve FAKE_PATH
 * from a memfd — so the driver's real mmap of its buffers works — answer the V4L2 ioctls
 * (QUERYCAP, S_FMT, REQBUFS, QUERYBUF, QBUF, DQBUF, STREAMON/OFF) like a UVC camera, and
 * signal a filled buffer through an eventfd that poll watches instead; every other fd
 * goes to the real calls. Not covered: a real uvcvideo driver's timing, MJPEG-only
 * cameras (refused), V4L2_CAP_READWRITE-only devices (refused), DMABUF/USERPTR. */
#include "drivers/scanner/hb-v4l2-source.h"
#include "drivers/scanner/hb-camera-scanner.h"
#include "drivers/scanner/hb-qr-decoder.h"
#include "drivers/hb-device.h"
#include "tests/support/hb-qr-image.h"
#include "tests/common/hb-test-util.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define FAKE_PATH "/hb-fake/video0"
#define FAKE_BUFFERS_MAX 8

/* --- the fake camera ------------------------------------------------------------------ */

typedef struct {
  GMutex   lock;
  int      fd;             /* the memfd open() handed out; -1 when closed */
  int      event_fd;       /* readable while a filled buffer waits */
  /* what the camera is */
  guint32  caps;
  guint32  offered[3];
  guint    n_offered;
  guint    width, height;  /* the only size it has */
  guint    pad;            /* bytes at the end of each row */
  gboolean unplugged;
  /* its state */
  guint32  format;
  gsize    bytesperline, buf_size;
  guint    n_buffers;
  guint8  *map;            /* the test's own view of the buffers */
  gboolean queued[FAKE_BUFFERS_MAX];
  GQueue   filled;         /* indices, GUINT_TO_POINTER (i + 1) */
  gboolean streaming;
  guint    opens, streamoffs, qbufs, dqbufs;
} FakeCamera;

static FakeCamera fake = { .fd = -1, .event_fd = -1 };

static int (*real_open) (const char *, int, ...);
static int (*real_close) (int);
static int (*real_ioctl) (int, unsigned long, ...);
static int (*real_poll) (struct pollfd *, nfds_t, int);

static void
resolve (void)
{
  if (real_open == NULL)
    {
      real_open = (int (*) (const char *, int, ...)) dlsym (RTLD_NEXT, "open");
      real_close = (int (*) (int)) dlsym (RTLD_NEXT, "close");
      real_ioctl = (int (*) (int, unsigned long, ...)) dlsym (RTLD_NEXT, "ioctl");
      real_poll = (int (*) (struct pollfd *, nfds_t, int)) dlsym (RTLD_NEXT, "poll");
    }
}

static void
fake_reset (guint32 caps, const guint32 *offered, guint n_offered, guint width, guint height,
            guint pad)
{
  g_mutex_lock (&fake.lock);
  fake.caps = caps;
  memcpy (fake.offered, offered, n_offered * sizeof *offered);
  fake.n_offered = n_offered;
  fake.width = width;
  fake.height = height;
  fake.pad = pad;
  fake.unplugged = FALSE;
  fake.opens = fake.streamoffs = fake.qbufs = fake.dqbufs = 0;
  g_mutex_unlock (&fake.lock);
}

static void
fake_release_buffers (void)
{
  if (fake.map)
    munmap (fake.map, fake.buf_size * fake.n_buffers);
  fake.map = NULL;
  fake.n_buffers = 0;
  memset (fake.queued, 0, sizeof fake.queued);
  g_queue_clear (&fake.filled);
}

int open (const char *path, int flags, ...);
int close (int fd);
int ioctl (int fd, unsigned long request, ...);
int poll (struct pollfd *fds, nfds_t n, int timeout);

int
open (const char *path, int flags, ...)
{
  mode_t mode = 0;

  resolve ();
  if (flags & (O_CREAT | O_TMPFILE))
    {
      va_list ap;
      va_start (ap, flags);
      mode = va_arg (ap, mode_t);
      va_end (ap);
    }
  if (strcmp (path, FAKE_PATH) != 0)
    return real_open (path, flags, mode);

  g_mutex_lock (&fake.lock);
  if (fake.unplugged || fake.fd >= 0)
    {
      g_mutex_unlock (&fake.lock);
      errno = fake.unplugged ? ENOENT : EBUSY;
      return -1;
    }
  fake.fd = memfd_create ("hb-fake-v4l2", MFD_CLOEXEC);
  fake.event_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  fake.opens++;
  g_mutex_unlock (&fake.lock);
  return fake.fd;
}

int
close (int fd)
{
  resolve ();
  g_mutex_lock (&fake.lock);
  if (fd >= 0 && fd == fake.fd)
    {
      fake_release_buffers ();
      fake.streaming = FALSE;
      real_close (fake.event_fd);
      fake.event_fd = -1;
      fake.fd = -1;
    }
  g_mutex_unlock (&fake.lock);
  return real_close (fd);
}

static int
fail (int err)
{
  errno = err;
  return -1;
}

static gboolean
offers (guint32 format)
{
  for (guint i = 0; i < fake.n_offered; i++)
    if (fake.offered[i] == format)
      return TRUE;
  return FALSE;
}

static int
fake_ioctl (unsigned long request, void *arg)
{
  if (fake.unplugged)
    return fail (ENODEV);
  switch (request)
    {
    case VIDIOC_QUERYCAP:
      {
        struct v4l2_capability *cap = arg;
        memset (cap, 0, sizeof *cap);
        g_strlcpy ((char *) cap->driver, "uvcvideo", sizeof cap->driver);
        g_strlcpy ((char *) cap->card, "Fake Kiosk Camera", sizeof cap->card);
        cap->capabilities = fake.caps | V4L2_CAP_DEVICE_CAPS;
        cap->device_caps = fake.caps;
        return 0;
      }
    case VIDIOC_S_FMT:
      {
        struct v4l2_format *fmt = arg;
        guint bpp;
        if (fmt->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || fake.n_offered == 0)
          return fail (EINVAL);
        /* Like real drivers: an unknown format is replaced by one it has. */
        if (!offers (fmt->fmt.pix.pixelformat))
          fmt->fmt.pix.pixelformat = fake.offered[0];
        bpp = fmt->fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV ? 2 : 1;
        fmt->fmt.pix.width = fake.width;
        fmt->fmt.pix.height = fake.height;
        fmt->fmt.pix.bytesperline = fake.width * bpp + fake.pad;
        fmt->fmt.pix.sizeimage = fmt->fmt.pix.bytesperline * fake.height;
        fake.format = fmt->fmt.pix.pixelformat;
        fake.bytesperline = fmt->fmt.pix.bytesperline;
        return 0;
      }
    case VIDIOC_REQBUFS:
      {
        struct v4l2_requestbuffers *req = arg;
        if (req->memory != V4L2_MEMORY_MMAP || fake.streaming)
          return fail (EINVAL);
        fake_release_buffers ();
        if (req->count == 0)
          return 0;
        req->count = MIN (req->count, FAKE_BUFFERS_MAX);
        fake.n_buffers = req->count;
        /* Page-aligned offsets, as drivers give them (mmap needs them). */
        fake.buf_size = (fake.bytesperline * fake.height + 4095) & ~(gsize) 4095;
        if (ftruncate (fake.fd, (off_t) (fake.buf_size * fake.n_buffers)) < 0)
          return -1;
        fake.map = mmap (NULL, fake.buf_size * fake.n_buffers, PROT_READ | PROT_WRITE,
                         MAP_SHARED, fake.fd, 0);
        g_assert_true (fake.map != MAP_FAILED);
        return 0;
      }
    case VIDIOC_QUERYBUF:
      {
        struct v4l2_buffer *buf = arg;
        if (buf->index >= fake.n_buffers)
          return fail (EINVAL);
        buf->length = (guint32) fake.buf_size;
        buf->m.offset = (guint32) (buf->index * fake.buf_size);
        return 0;
      }
    case VIDIOC_QBUF:
      {
        struct v4l2_buffer *buf = arg;
        if (buf->index >= fake.n_buffers || fake.queued[buf->index])
          return fail (EINVAL);
        fake.queued[buf->index] = TRUE;
        fake.qbufs++;
        return 0;
      }
    case VIDIOC_DQBUF:
      {
        struct v4l2_buffer *buf = arg;
        guint index;
        eventfd_t drained;
        if (!fake.streaming)
          return fail (EINVAL);
        if (g_queue_is_empty (&fake.filled))
          return fail (EAGAIN);
        index = GPOINTER_TO_UINT (g_queue_pop_head (&fake.filled)) - 1;
        if (g_queue_is_empty (&fake.filled))
          eventfd_read (fake.event_fd, &drained);
        fake.queued[index] = FALSE;
        fake.dqbufs++;
        buf->index = index;
        buf->bytesused = (guint32) fake.buf_size;
        buf->flags = V4L2_BUF_FLAG_DONE;
        return 0;
      }
    case VIDIOC_STREAMON:
      fake.streaming = TRUE;
      return 0;
    case VIDIOC_STREAMOFF:
      fake.streaming = FALSE;
      fake.streamoffs++;
      g_queue_clear (&fake.filled);
      memset (fake.queued, 0, sizeof fake.queued);
      return 0;
    default:
      return fail (ENOTTY);
    }
}

int
ioctl (int fd, unsigned long request, ...)
{
  va_list ap;
  void *arg;
  int r;

  va_start (ap, request);
  arg = va_arg (ap, void *);
  va_end (ap);
  resolve ();
  g_mutex_lock (&fake.lock);
  if (fd < 0 || fd != fake.fd)
    {
      g_mutex_unlock (&fake.lock);
      return real_ioctl (fd, request, arg);
    }
  r = fake_ioctl (request, arg);
  g_mutex_unlock (&fake.lock);
  return r;
}

int
poll (struct pollfd *fds, nfds_t n, int timeout)
{
  int camera = -1, event_fd, r;

  resolve ();
  g_mutex_lock (&fake.lock);
  for (nfds_t i = 0; i < n; i++)
    if (fake.fd >= 0 && fds[i].fd == fake.fd)
      camera = (int) i;
  if (camera >= 0 && fake.unplugged)
    {
      for (nfds_t i = 0; i < n; i++)
        fds[i].revents = 0;
      fds[camera].revents = POLLERR | POLLHUP;
      g_mutex_unlock (&fake.lock);
      return 1;
    }
  event_fd = fake.event_fd;
  g_mutex_unlock (&fake.lock);
  if (camera < 0)
    return real_poll (fds, n, timeout);
  fds[camera].fd = event_fd;
  r = real_poll (fds, n, timeout);
  g_mutex_lock (&fake.lock);
  fds[camera].fd = fake.fd;
  g_mutex_unlock (&fake.lock);
  return r;
}

/* The camera takes a picture: into the next queued buffer, as its format and rows say.
 * FALSE when every buffer is with the host (the frame is dropped, as a camera would). */
static gboolean
fake_capture (const guint8 *y800)
{
  gboolean done = FALSE;

  g_mutex_lock (&fake.lock);
  if (fake.streaming)
    for (guint i = 0; i < fake.n_buffers && !done; i++)
      {
        guint8 *buf;
        if (!fake.queued[i] || g_queue_find (&fake.filled, GUINT_TO_POINTER (i + 1)))
          continue;
        buf = fake.map + i * fake.buf_size;
        memset (buf, 0xA5, fake.buf_size);      /* padding is garbage, as on hardware */
        for (guint y = 0; y < fake.height; y++)
          {
            guint8 *row = buf + y * fake.bytesperline;
            const guint8 *src = y800 + (gsize) y * fake.width;
            if (fake.format == V4L2_PIX_FMT_YUYV)
              for (guint x = 0; x < fake.width; x++)
                {
                  row[2 * x] = src[x];
                  row[2 * x + 1] = x % 2 ? 0x60 : 0x90;   /* V / U: must be ignored */
                }
            else
              memcpy (row, src, fake.width);
          }
        g_queue_push_tail (&fake.filled, GUINT_TO_POINTER (i + 1));
        eventfd_write (fake.event_fd, 1);
        done = TRUE;
      }
  g_mutex_unlock (&fake.lock);
  return done;
}

static void
fake_unplug (gboolean unplugged)
{
  g_mutex_lock (&fake.lock);
  fake.unplugged = unplugged;
  g_mutex_unlock (&fake.lock);
}

static const guint32 yuyv_only[] = { V4L2_PIX_FMT_YUYV };
static const guint32 grey_and_yuyv[] = { V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY };
static const guint32 mjpeg_only[] = { V4L2_PIX_FMT_MJPEG };
#define CAMERA_CAPS (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING)

static guint8 *
qr_picture (guint width, guint height, const char *text)
{
  g_autoptr(GError) error = NULL;
  HbQrScene scene = { .width = width, .height = height, .noise = 3, .seed = 5 };
  HbQrPlacement p = { .data = text, .length = -1, .cx = width / 2.0, .cy = height / 2.0,
                      .module_px = 5, .angle_deg = 10 };
  guint8 *pixels = hb_qr_image_render (&scene, &p, 1, &error);
  g_assert_no_error (error);
  return pixels;
}

/* --- real files ------------------------------------------------------------------------ */

static void
assert_start_fails (const char *path, HbDeviceError code, const char *phrase)
{
  g_autoptr(HbV4l2Source) source = hb_v4l2_source_new (path, 0, 0);
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_frame_source_start (HB_FRAME_SOURCE (source), &error));
  g_assert_error (error, HB_DEVICE_ERROR, (gint) code);
  g_test_message ("%s: %s", path, error->message);
  g_assert_nonnull (strstr (error->message, path));
  if (phrase)
    g_assert_nonnull (strstr (error->message, phrase));
  /* Nothing is left open: the same failure again, and stop is harmless. */
  g_clear_error (&error);
  g_assert_false (hb_frame_source_start (HB_FRAME_SOURCE (source), &error));
  g_assert_error (error, HB_DEVICE_ERROR, (gint) code);
  hb_frame_source_stop (HB_FRAME_SOURCE (source));
  g_assert_null (hb_v4l2_source_get_format (source));
}

static void
test_missing_device (void)
{
  assert_start_fails ("/nonexistent/video0", HB_DEVICE_ERROR_NO_DEVICE, "No such file");
}

static void
test_not_v4l2 (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("v4l2");
  g_autofree char *file = g_build_filename (dir, "video0", NULL);
  int master;

  g_assert_true (g_file_set_contents (file, "not a camera", -1, NULL));
  assert_start_fails ("/dev/null", HB_DEVICE_ERROR_NOT_SUPPORTED, "not a V4L2 device");
  assert_start_fails (file, HB_DEVICE_ERROR_NOT_SUPPORTED, "not a V4L2 device");

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  assert_start_fails (ptsname (master), HB_DEVICE_ERROR_NOT_SUPPORTED, "not a V4L2 device");
  close (master);
  hb_test_rmdir (dir);
}

static void
test_not_started (void)
{
  g_autoptr(HbV4l2Source) source = hb_v4l2_source_new ("/dev/null", 0, 0);
  g_autoptr(GError) error = NULL;
  guint w = 1, h = 1;

  g_assert_null (hb_frame_source_next_frame (HB_FRAME_SOURCE (source), 10, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN);
  hb_v4l2_source_get_size (source, &w, &h);
  g_assert_cmpuint (w, ==, 0);
  g_assert_cmpuint (h, ==, 0);
  g_assert_cmpstr (hb_v4l2_source_get_path (source), ==, "/dev/null");
  g_assert_cmpstr (hb_frame_source_get_description (HB_FRAME_SOURCE (source)), ==, "/dev/null");
}

static void
test_yuyv_to_y800 (void)
{
  /* 3×2 pixels, rows of 8 bytes (6 used + 2 padding). */
  const guint8 yuyv[] = { 10, 200, 11, 201, 12, 202, 99, 99,
                          20, 210, 21, 211, 22, 212, 99, 99 };
  guint8 out[6];
  const guint8 expected[] = { 10, 11, 12, 20, 21, 22 };

  hb_yuyv_to_y800 (yuyv, 8, 3, 2, out);
  g_assert_cmpmem (out, sizeof out, expected, sizeof expected);

  /* A QR frame through YUYV and back is the same frame, and still decodes. */
  {
    g_autofree guint8 *y800 = qr_picture (640, 480, "社保查询");
    gsize stride = 640 * 2 + 32;
    g_autofree guint8 *packed = g_malloc (stride * 480);
    g_autofree guint8 *back = g_malloc (640 * 480);
    g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
    g_autoptr(GPtrArray) codes = NULL;

    for (guint y = 0; y < 480; y++)
      for (guint x = 0; x < 640; x++)
        {
          packed[y * stride + 2 * x] = y800[y * 640 + x];
          packed[y * stride + 2 * x + 1] = 0x80;
        }
    hb_yuyv_to_y800 (packed, stride, 640, 480, back);
    g_assert_cmpmem (back, 640 * 480, y800, 640 * 480);
    codes = hb_qr_decoder_decode (decoder, back, 640 * 480, 640, 480, 640, NULL);
    g_assert_cmpuint (codes->len, ==, 1);
    g_assert_cmpstr (((HbQrSymbol *) codes->pdata[0])->text, ==, "社保查询");
  }
}

/* --- the fake camera --------------------------------------------------------------------- */

static HbFrame *
capture_one (HbV4l2Source *source, const guint8 *picture, GError **error)
{
  g_assert_true (fake_capture (picture));
  return hb_frame_source_next_frame (HB_FRAME_SOURCE (source), 2000, NULL, error);
}

static void
stream_and_compare (const guint32 *offered, guint n, guint pad, const char *expect_format)
{
  g_autoptr(HbV4l2Source) source = hb_v4l2_source_new (FAKE_PATH, 1280, 720);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *picture = qr_picture (640, 480, "居住证办理");
  g_autoptr(HbQrDecoder) decoder = hb_qr_decoder_new ();
  guint w, h;

  /* The camera has 640×480 only: asked for 1280×720, the driver's answer is taken. */
  fake_reset (CAMERA_CAPS, offered, n, 640, 480, pad);
  hb_frame_source_start (HB_FRAME_SOURCE (source), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hb_v4l2_source_get_format (source), ==, expect_format);
  hb_v4l2_source_get_size (source, &w, &h);
  g_assert_cmpuint (w, ==, 640);
  g_assert_cmpuint (h, ==, 480);
  g_assert_cmpuint (fake.n_buffers, ==, HB_V4L2_BUFFERS);
  g_assert_cmpuint (fake.qbufs, ==, HB_V4L2_BUFFERS);

  /* More frames than buffers: each one is handed back to the driver. */
  for (guint i = 0; i < 3 * HB_V4L2_BUFFERS; i++)
    {
      g_autoptr(HbFrame) frame = capture_one (source, picture, &error);
      g_autoptr(GPtrArray) codes = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (frame);
      g_assert_cmpuint (frame->width, ==, 640);
      g_assert_cmpuint (frame->height, ==, 480);
      g_assert_cmpuint (frame->sequence, ==, i);
      g_assert_cmpuint (frame->stride, ==, 640);
      /* Exactly the picture: no padding, no chroma. */
      g_assert_cmpmem (frame->data, 640 * 480, picture, 640 * 480);
      if (i == 0)
        {
          codes = hb_qr_decoder_decode (decoder, frame->data, frame->size, frame->width,
                                        frame->height, frame->stride, &error);
          g_assert_cmpuint (codes->len, ==, 1);
          g_assert_cmpstr (((HbQrSymbol *) codes->pdata[0])->text, ==, "居住证办理");
        }
    }
  g_assert_cmpuint (fake.dqbufs, ==, 3 * HB_V4L2_BUFFERS);
  g_assert_cmpuint (fake.qbufs, ==, 4 * HB_V4L2_BUFFERS);

  hb_frame_source_stop (HB_FRAME_SOURCE (source));
  g_assert_cmpuint (fake.streamoffs, ==, 1);
  g_assert_cmpint (fake.fd, ==, -1);
  g_assert_cmpuint (fake.n_buffers, ==, 0);    /* REQBUFS 0 gave them back */
}

static void
test_yuyv_camera (void)
{
  stream_and_compare (yuyv_only, G_N_ELEMENTS (yuyv_only), 64, "YUYV");
}

static void
test_grey_preferred (void)
{
  stream_and_compare (grey_and_yuyv, G_N_ELEMENTS (grey_and_yuyv), 0, "GREY");
}

static void
test_refused_cameras (void)
{
  g_autoptr(HbV4l2Source) source = hb_v4l2_source_new (FAKE_PATH, 0, 0);
  g_autoptr(GError) error = NULL;

  fake_reset (CAMERA_CAPS, mjpeg_only, 1, 640, 480, 0);
  g_assert_false (hb_frame_source_start (HB_FRAME_SOURCE (source), &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "neither GREY nor YUYV"));
  g_assert_cmpint (fake.fd, ==, -1);
  g_clear_error (&error);

  /* An output-only device (an encoder, a loopback sink). */
  fake_reset (V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_STREAMING, yuyv_only, 1, 640, 480, 0);
  g_assert_false (hb_frame_source_start (HB_FRAME_SOURCE (source), &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "capture device"));
  g_clear_error (&error);

  /* read() I/O only. */
  fake_reset (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_READWRITE, yuyv_only, 1, 640, 480, 0);
  g_assert_false (hb_frame_source_start (HB_FRAME_SOURCE (source), &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED);
  g_assert_cmpint (fake.fd, ==, -1);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (20 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_timeout_cancel_unplug (void)
{
  g_autoptr(HbV4l2Source) source = hb_v4l2_source_new (FAKE_PATH, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree guint8 *picture = qr_picture (640, 480, "社保查询");
  GThread *canceller;

  fake_reset (CAMERA_CAPS, yuyv_only, 1, 640, 480, 0);
  g_assert_true (hb_frame_source_start (HB_FRAME_SOURCE (source), &error));

  /* A camera that sends nothing: bounded by the timeout. */
  g_assert_null (hb_frame_source_next_frame (HB_FRAME_SOURCE (source), 50, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_TIMEOUT);
  g_clear_error (&error);

  /* Waiting is cancellable from another thread. */
  canceller = g_thread_new ("cancel", cancel_soon, cancellable);
  g_assert_null (hb_frame_source_next_frame (HB_FRAME_SOURCE (source), 60000, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_thread_join (canceller);

  /* Still streaming afterwards. */
  {
    g_autoptr(HbFrame) frame = capture_one (source, picture, &error);
    g_assert_no_error (error);
    g_assert_nonnull (frame);
  }

  /* Unplugged mid-stream. */
  fake_unplug (TRUE);
  g_assert_null (hb_frame_source_next_frame (HB_FRAME_SOURCE (source), 1000, NULL, &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  g_clear_error (&error);
  hb_frame_source_stop (HB_FRAME_SOURCE (source));
  g_assert_cmpint (fake.fd, ==, -1);
  g_assert_false (hb_frame_source_start (HB_FRAME_SOURCE (source), &error));
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
  fake_unplug (FALSE);
}

/* The camera scanner over the fake: scans, unplug, replug. */
typedef struct { GPtrArray *scans; HbDevice *device; HbDeviceStatus status; gboolean done; } Watch;

static void
on_code (HbScanner *scanner, const char *text, Watch *w)
{
  g_ptr_array_add (w->scans, g_strdup (text));
}

static gboolean
has_scans (gpointer data)
{
  Watch *w = data;
  if (w->scans->len == 0)
    fake_capture (g_object_get_data (G_OBJECT (w->device), "picture"));
  return w->scans->len > 0;
}

static gboolean
status_is (gpointer data)
{
  Watch *w = data;
  return hb_device_get_status (w->device) == w->status;
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Watch *w = data;
  g_autoptr(GError) error = NULL;
  g_assert_true (g_task_propagate_boolean (G_TASK (result), &error));
  w->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Watch *) data)->done;
}

static void
test_camera_scanner_over_v4l2 (void)
{
  g_autoptr(HbCameraScanner) scanner = hb_camera_scanner_new_v4l2 (FAKE_PATH);
  g_autoptr(GPtrArray) scans = g_ptr_array_new_with_free_func (g_free);
  Watch w = { scans, HB_DEVICE (scanner) };
  HbCameraTiming timing;
  guint8 *picture = qr_picture (640, 480, "社保查询");

  g_object_set_data_full (G_OBJECT (scanner), "picture", picture, g_free);
  fake_reset (CAMERA_CAPS, yuyv_only, 1, 640, 480, 16);
  hb_camera_timing_init (&timing);
  timing.restart_ms = 20;
  hb_camera_scanner_set_timing (scanner, &timing);
  g_signal_connect (scanner, "code-scanned", G_CALLBACK (on_code), &w);

  hb_device_open_async (HB_DEVICE (scanner), NULL, done_cb, &w);
  g_assert_true (hb_test_wait_until (is_done, &w, 10000));
  /* Keep showing the code until the scanner has it (frames are dropped while the host
   * holds every buffer, as a camera does). */
  g_assert_true (hb_test_wait_until (has_scans, &w, 10000));
  g_assert_cmpstr (scans->pdata[0], ==, "社保查询");
  w.status = HB_DEVICE_STATUS_ONLINE;
  g_assert_true (hb_test_wait_until (status_is, &w, 10000));

  fake_unplug (TRUE);
  w.status = HB_DEVICE_STATUS_NO_DEVICE;
  g_assert_true (hb_test_wait_until (status_is, &w, 10000));
  g_assert_cmpstr (hb_device_get_status_detail (HB_DEVICE (scanner)), ==, "unplugged");

  fake_unplug (FALSE);
  g_ptr_array_set_size (scans, 0);
  g_assert_true (hb_test_wait_until (has_scans, &w, 10000));   /* reopened by itself */
  w.status = HB_DEVICE_STATUS_ONLINE;
  g_assert_true (hb_test_wait_until (status_is, &w, 10000));
  g_assert_cmpuint (fake.opens, >=, 2);

  w.done = FALSE;
  hb_device_close_async (HB_DEVICE (scanner), NULL, done_cb, &w);
  g_assert_true (hb_test_wait_until (is_done, &w, 10000));
  g_assert_cmpint (fake.fd, ==, -1);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/drivers/scanner/v4l2/missing-device-is-no-device", test_missing_device);
  g_test_add_func ("/drivers/scanner/v4l2/non-v4l2-file-or-pty-is-refused-clearly", test_not_v4l2);
  g_test_add_func ("/drivers/scanner/v4l2/reading-before-start-fails", test_not_started);
  g_test_add_func ("/drivers/scanner/v4l2/yuyv-converts-to-y800", test_yuyv_to_y800);
  g_test_add_func ("/drivers/scanner/v4l2/fake/yuyv-camera-streams-exact-y800-frames", test_yuyv_camera);
  g_test_add_func ("/drivers/scanner/v4l2/fake/grey-is-preferred-over-yuyv", test_grey_preferred);
  g_test_add_func ("/drivers/scanner/v4l2/fake/mjpeg-output-and-read-only-devices-are-refused",
                   test_refused_cameras);
  g_test_add_func ("/drivers/scanner/v4l2/fake/timeout-cancel-and-unplug", test_timeout_cancel_unplug);
  g_test_add_func ("/drivers/scanner/v4l2/fake/camera-scanner-scans-and-survives-replug",
                   test_camera_scanner_over_v4l2);
  return g_test_run ();
}
