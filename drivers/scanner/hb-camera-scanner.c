/* hb-camera-scanner.c — camera frames → ZBar → debounced "code-scanned", on its own thread. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-camera-scanner.h"
#include "drivers/scanner/hb-qr-decoder.h"
#include "drivers/scanner/hb-v4l2-source.h"
#include "drivers/scanner/hb-scanner-worker.h"
#include "drivers/hb-device-private.h"

#include <string.h>

/* Codes tracked at once; a frame rarely holds more than one or two. */
#define TRACKED_MAX 16

struct _HbCameraScanner
{
  HbScanner      parent_instance;

  HbFrameSource *source;
  HbCameraTiming timing;
  /* Open completes when the source started or failed; stopping cancels a frame wait. */
  HbScannerWorker worker;
  HbCameraStats  stats;        /* under worker.lock */
};

G_DEFINE_FINAL_TYPE (HbCameraScanner, hb_camera_scanner, HB_TYPE_SCANNER)

enum { PROP_0, PROP_SOURCE, N_PROPS };
static GParamSpec *props[N_PROPS];

void
hb_camera_timing_init (HbCameraTiming *t)
{
  *t = (HbCameraTiming) {
    .frame_timeout_ms = 2000,
    .absent_frames = 3,
    .repeat_ms = 5000,
    .restart_ms = 2000,
    .density = 1,
  };
}

/* --- debounce -------------------------------------------------------------------------- */

typedef struct
{
  char   *text;
  gsize   length;
  guint   missed;        /* frames in a row without it */
  gint64  emitted_us;    /* frame time of the last scan it produced */
  gboolean seen;         /* in the current frame */
} Tracked;

static void
tracked_free (gpointer data)
{
  Tracked *t = data;
  explicit_bzero (t->text, t->length);
  g_free (t->text);
  g_free (t);
}

static Tracked *
tracked_find (GPtrArray *tracked, const HbQrSymbol *code)
{
  for (guint i = 0; i < tracked->len; i++)
    {
      Tracked *t = tracked->pdata[i];
      if (t->length == code->length && memcmp (t->text, code->text, code->length) == 0)
        return t;
    }
  return NULL;
}

/* Which of the frame's codes are scans; ages and forgets the codes that are gone. */
static guint
debounce (HbCameraScanner *self, GPtrArray *tracked, GPtrArray *codes, gint64 frame_us)
{
  guint emitted = 0;

  for (guint i = 0; i < tracked->len; i++)
    ((Tracked *) tracked->pdata[i])->seen = FALSE;

  for (guint i = 0; i < codes->len; i++)
    {
      HbQrSymbol *code = codes->pdata[i];
      Tracked *t = tracked_find (tracked, code);
      gboolean scan;

      if (t != NULL && t->seen)
        continue;                    /* the same code twice in one frame: one scan */
      if (t == NULL)
        {
          if (tracked->len >= TRACKED_MAX)
            g_ptr_array_remove_index (tracked, 0);
          t = g_new0 (Tracked, 1);
          t->text = g_strndup (code->text, code->length);
          t->length = code->length;
          g_ptr_array_add (tracked, t);
          scan = TRUE;
        }
      else
        scan = self->timing.repeat_ms > 0 &&
               frame_us - t->emitted_us >= (gint64) self->timing.repeat_ms * 1000;
      t->seen = TRUE;
      t->missed = 0;
      if (scan)
        {
          hb_scanner_worker_post_code (&self->worker, g_strndup (code->text, code->length),
                                       code->length);
          t->emitted_us = frame_us;
          emitted++;
        }
    }

  for (guint i = tracked->len; i-- > 0;)
    {
      Tracked *t = tracked->pdata[i];
      if (!t->seen && ++t->missed >= MAX (self->timing.absent_frames, 1u))
        g_ptr_array_remove_index (tracked, i);   /* it left the view */
    }
  return emitted;
}

/* --- the thread ------------------------------------------------------------------------- */

typedef struct
{
  HbCameraScanner *self;      /* alive while the thread runs: close/dispose join it */
  HbQrDecoder     *decoder;
  GPtrArray       *tracked;
  gboolean         started;
  gboolean         ever_started;   /* a camera that was there and went is "unplugged" */
} Cycle;

/* A failed source: say why, stop it, and try it again later. */
static void
source_failed (Cycle *c, const GError *error)
{
  HbScannerWorker *w = &c->self->worker;

  if (g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE))
    hb_scanner_worker_report (w, HB_DEVICE_STATUS_NO_DEVICE,
                              c->ever_started ? "unplugged" : "not connected");
  else if (g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_TIMEOUT))
    hb_scanner_worker_report (w, HB_DEVICE_STATUS_HARDWARE_ERROR, "no frames");
  else if (g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED))
    hb_scanner_worker_report (w, HB_DEVICE_STATUS_HARDWARE_ERROR, "not a usable camera");
  else
    hb_scanner_worker_report (w, HB_DEVICE_STATUS_HARDWARE_ERROR, "camera fault");
  g_message ("camera: %s", error->message);
  /* Whatever was in view is gone with the picture: a code shown again is a new scan. */
  g_ptr_array_set_size (c->tracked, 0);
  if (c->started)
    hb_frame_source_stop (c->self->source);
  c->started = FALSE;
  hb_scanner_worker_checked (w);
}

static void
handle_frame (Cycle *c, HbFrame *frame)
{
  HbCameraScanner *self = c->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  gint64 t0 = g_get_monotonic_time (), spent;
  guint rejected_before = hb_qr_decoder_get_rejected (c->decoder);
  guint emitted = 0;

  codes = hb_qr_decoder_decode (c->decoder, frame->data, frame->size, frame->width,
                                frame->height, frame->stride, &error);
  spent = g_get_monotonic_time () - t0;
  if (codes != NULL)
    emitted = debounce (self, c->tracked, codes, frame->timestamp_us);
  else
    g_debug ("camera: frame %" G_GUINT64_FORMAT " refused: %s", frame->sequence, error->message);

  /* After the posts: a reader of the stats finds those events already queued. */
  g_mutex_lock (&self->worker.lock);
  self->stats.frames++;
  self->stats.codes_emitted += emitted;
  self->stats.rejected += hb_qr_decoder_get_rejected (c->decoder) - rejected_before;
  self->stats.bad_frames += codes == NULL;
  self->stats.last_decode_us = spent;
  self->stats.total_decode_us += spent;
  g_mutex_unlock (&self->worker.lock);
}

static gpointer
cycle_thread (gpointer data)
{
  HbCameraScanner *self = data;
  Cycle c = { .self = self };

  /* One decoder per thread, reused for every frame (ZBar's scanner keeps its buffers). */
  c.decoder = hb_qr_decoder_new ();
  hb_qr_decoder_set_density (c.decoder, self->timing.density);
  c.tracked = g_ptr_array_new_with_free_func (tracked_free);

  while (!hb_scanner_worker_stopping (&self->worker))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbFrame) frame = NULL;

      if (!c.started)
        {
          if (!hb_frame_source_start (self->source, &error))
            {
              source_failed (&c, error);
              if (!hb_scanner_worker_nap (&self->worker, self->timing.restart_ms))
                break;
              continue;
            }
          c.started = c.ever_started = TRUE;
          hb_scanner_worker_count (&self->worker, &self->stats.source_starts);
          g_message ("camera: %s started", hb_frame_source_get_description (self->source));
          hb_scanner_worker_report (&self->worker, HB_DEVICE_STATUS_STARTING,
                                    "waiting for the first frame");
          hb_scanner_worker_checked (&self->worker);
        }

      frame = hb_frame_source_next_frame (self->source, self->timing.frame_timeout_ms,
                                          self->worker.cancellable, &error);
      if (frame == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            continue;          /* stopping */
          source_failed (&c, error);
          if (!hb_scanner_worker_nap (&self->worker, self->timing.restart_ms))
            break;
          continue;
        }
      hb_scanner_worker_report (&self->worker, HB_DEVICE_STATUS_ONLINE, NULL);
      hb_scanner_worker_checked (&self->worker);
      handle_frame (&c, frame);
    }

  if (c.started)
    hb_frame_source_stop (self->source);
  hb_scanner_worker_checked (&self->worker);
  g_ptr_array_unref (c.tracked);
  hb_qr_decoder_free (c.decoder);
  return NULL;
}

/* --- device vfuncs ------------------------------------------------------------------------ */

static void
hb_camera_scanner_open (HbDevice *device, GTask *task)
{
  HbCameraScanner *self = HB_CAMERA_SCANNER (device);

  /* Complete once the source started (status "starting" until its first frame) or
   * failed to (the status says why), bounded in case a driver hangs in an ioctl. */
  hb_scanner_worker_open_task (&self->worker, task, "hb-camera", cycle_thread, self,
                               self->timing.frame_timeout_ms + 1000);
}

static void
hb_camera_scanner_close (HbDevice *device, GTask *task)
{
  hb_scanner_worker_close_task (&HB_CAMERA_SCANNER (device)->worker, task);
}

/* For haobanctl status and the heartbeat: is the camera delivering, and how fast do we
 * decode. Counts only, never a code. */
static void
hb_camera_scanner_describe (HbDevice *device, JsonBuilder *builder)
{
  HbDeviceClass *parent = HB_DEVICE_CLASS (hb_camera_scanner_parent_class);
  HbCameraStats stats;

  if (parent->describe)
    parent->describe (device, builder);
  hb_camera_scanner_get_stats (HB_CAMERA_SCANNER (device), &stats);
  json_builder_set_member_name (builder, "camera");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, (gint64) stats.frames);
  json_builder_set_member_name (builder, "scans");
  json_builder_add_int_value (builder, (gint64) stats.codes_emitted);
  json_builder_set_member_name (builder, "rejected");
  json_builder_add_int_value (builder, (gint64) stats.rejected);
  json_builder_set_member_name (builder, "decode_ms_avg");
  json_builder_add_double_value (builder, stats.frames ? stats.total_decode_us / 1000.0 / stats.frames : 0);
  json_builder_end_object (builder);
}

/* --- object --------------------------------------------------------------------------------- */

static void
hb_camera_scanner_dispose (GObject *object)
{
  HbCameraScanner *self = HB_CAMERA_SCANNER (object);

  hb_scanner_worker_stop (&self->worker);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (hb_camera_scanner_parent_class)->dispose (object);
}

static void
hb_camera_scanner_finalize (GObject *object)
{
  HbCameraScanner *self = HB_CAMERA_SCANNER (object);

  hb_scanner_worker_clear (&self->worker);
  G_OBJECT_CLASS (hb_camera_scanner_parent_class)->finalize (object);
}

static void
hb_camera_scanner_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  HbCameraScanner *self = HB_CAMERA_SCANNER (object);
  switch (id)
    {
    case PROP_SOURCE:
      self->source = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_camera_scanner_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  HbCameraScanner *self = HB_CAMERA_SCANNER (object);
  switch (id)
    {
    case PROP_SOURCE:
      g_value_set_object (value, self->source);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_camera_scanner_constructed (GObject *object)
{
  HbCameraScanner *self = HB_CAMERA_SCANNER (object);

  G_OBJECT_CLASS (hb_camera_scanner_parent_class)->constructed (object);
  g_return_if_fail (self->source != NULL);
  hb_device_set_name (HB_DEVICE (self), hb_frame_source_get_description (self->source));
}

static void
hb_camera_scanner_class_init (HbCameraScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);
  static const HbDeviceIdEntry id_table[] = { { .vid = 0, .virtual_id = NULL } };

  object_class->dispose = hb_camera_scanner_dispose;
  object_class->finalize = hb_camera_scanner_finalize;
  object_class->set_property = hb_camera_scanner_set_property;
  object_class->get_property = hb_camera_scanner_get_property;
  object_class->constructed = hb_camera_scanner_constructed;

  device_class->driver_id = "camera";
  device_class->full_name = "QR scanner (camera, ZBar)";
  /* Cameras are configured by path ([devices] camera), not matched by USB id. */
  device_class->id_table = id_table;
  device_class->open = hb_camera_scanner_open;
  device_class->close = hb_camera_scanner_close;
  device_class->describe = hb_camera_scanner_describe;

  props[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, HB_TYPE_FRAME_SOURCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_camera_scanner_init (HbCameraScanner *self)
{
  /* A status with a new detail ("waiting for the first frame") is news here. */
  hb_scanner_worker_init (&self->worker, HB_SCANNER (self), "[haoban] camera scanner event",
                          HB_SCANNER_WORKER_DEDUP_STATUS_AND_DETAIL);
  hb_camera_timing_init (&self->timing);
}

HbCameraScanner *
hb_camera_scanner_new (HbFrameSource *source)
{
  g_return_val_if_fail (HB_IS_FRAME_SOURCE (source), NULL);
  return g_object_new (HB_TYPE_CAMERA_SCANNER, "source", source, NULL);
}

HbCameraScanner *
hb_camera_scanner_new_v4l2 (const char *device_path)
{
  g_autoptr(HbV4l2Source) source = NULL;

  g_return_val_if_fail (device_path != NULL, NULL);
  source = hb_v4l2_source_new (device_path, 0, 0);
  return hb_camera_scanner_new (HB_FRAME_SOURCE (source));
}

HbFrameSource *
hb_camera_scanner_get_source (HbCameraScanner *self)
{
  return self->source;
}

void
hb_camera_scanner_set_timing (HbCameraScanner *self, const HbCameraTiming *timing)
{
  g_return_if_fail (!hb_scanner_worker_is_running (&self->worker));
  self->timing = *timing;
}

void
hb_camera_scanner_get_stats (HbCameraScanner *self, HbCameraStats *stats)
{
  g_mutex_lock (&self->worker.lock);
  *stats = self->stats;
  g_mutex_unlock (&self->worker.lock);
}
