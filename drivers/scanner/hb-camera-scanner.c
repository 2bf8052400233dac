/* hb-camera-scanner.c — camera frames → ZBar → debounced "code-scanned", on its own thread. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-camera-scanner.h"
#include "drivers/scanner/hb-qr-decoder.h"
#include "drivers/scanner/hb-v4l2-source.h"
#include "drivers/hb-device-private.h"
#include "common/hb-context.h"

#include <string.h>

/* Codes tracked at once; a frame rarely holds more than one or two. */
#define TRACKED_MAX 16

struct _HbCameraScanner
{
  HbScanner      parent_instance;

  HbFrameSource *source;
  HbCameraTiming timing;
  GMainContext  *context;      /* where signals are emitted */

  GMutex         lock;         /* guards what follows */
  GCond          wake;
  GThread       *thread;
  gboolean       stopping;
  gboolean       checked;      /* first frame or failure known (open waits for it) */
  GCond          checked_cond;
  GCancellable  *wait_cancellable;   /* the wait for a frame in progress */
  HbCameraStats  stats;
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

/* --- events to the main context ------------------------------------------------------ */

typedef struct
{
  GWeakRef       scanner;
  gboolean       is_code;
  HbDeviceStatus status;
  char          *detail;
  char          *text;
  gsize          length;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;
  g_weak_ref_clear (&ev->scanner);
  g_free (ev->detail);
  if (ev->text)
    explicit_bzero (ev->text, ev->length);
  g_free (ev->text);
  g_free (ev);
}

static gboolean
event_dispatch (gpointer data)
{
  Event *ev = data;
  g_autoptr(HbCameraScanner) self = g_weak_ref_get (&ev->scanner);

  if (self == NULL)
    return G_SOURCE_REMOVE;
  if (ev->is_code)
    hb_scanner_emit_code (HB_SCANNER (self), ev->text, ev->length);
  else
    hb_device_set_status (HB_DEVICE (self), ev->status, ev->detail);
  return G_SOURCE_REMOVE;
}

static void
post (HbCameraScanner *self, Event *ev)
{
  g_weak_ref_init (&ev->scanner, self);
  hb_context_post (self->context, "[haoban] camera scanner event", event_dispatch, ev, event_free);
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
          Event *ev = g_new0 (Event, 1);
          ev->is_code = TRUE;
          ev->text = g_strndup (code->text, code->length);
          ev->length = code->length;
          post (self, ev);
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
  HbDeviceStatus   reported;
  char            *reported_detail;
} Cycle;

static gboolean
nap (HbCameraScanner *self, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean running;

  g_mutex_lock (&self->lock);
  while (!self->stopping && g_cond_wait_until (&self->wake, &self->lock, end))
    ;
  running = !self->stopping;
  g_mutex_unlock (&self->lock);
  return running;
}

static void
report (Cycle *c, HbDeviceStatus status, const char *detail)
{
  Event *ev;

  if (c->reported == status && g_strcmp0 (c->reported_detail, detail) == 0)
    return;
  c->reported = status;
  g_free (c->reported_detail);
  c->reported_detail = g_strdup (detail);
  ev = g_new0 (Event, 1);
  ev->status = status;
  ev->detail = g_strdup (detail);
  post (c->self, ev);
}

static void
first_check_done (Cycle *c)
{
  HbCameraScanner *self = c->self;
  g_mutex_lock (&self->lock);
  if (!self->checked)
    {
      self->checked = TRUE;
      g_cond_broadcast (&self->checked_cond);
    }
  g_mutex_unlock (&self->lock);
}

/* A failed source: say why, stop it, and try it again later. */
static void
source_failed (Cycle *c, const GError *error)
{
  if (g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE))
    report (c, HB_DEVICE_STATUS_NO_DEVICE, c->ever_started ? "unplugged" : "not connected");
  else if (g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_TIMEOUT))
    report (c, HB_DEVICE_STATUS_HARDWARE_ERROR, "no frames");
  else if (g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_SUPPORTED))
    report (c, HB_DEVICE_STATUS_HARDWARE_ERROR, "not a usable camera");
  else
    report (c, HB_DEVICE_STATUS_HARDWARE_ERROR, "camera fault");
  g_message ("camera: %s", error->message);
  /* Whatever was in view is gone with the picture: a code shown again is a new scan. */
  g_ptr_array_set_size (c->tracked, 0);
  if (c->started)
    hb_frame_source_stop (c->self->source);
  c->started = FALSE;
  first_check_done (c);
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
  g_mutex_lock (&self->lock);
  self->stats.frames++;
  self->stats.codes_emitted += emitted;
  self->stats.rejected += hb_qr_decoder_get_rejected (c->decoder) - rejected_before;
  self->stats.bad_frames += codes == NULL;
  self->stats.last_decode_us = spent;
  self->stats.total_decode_us += spent;
  g_mutex_unlock (&self->lock);
}

static GCancellable *
begin_wait (HbCameraScanner *self)
{
  GCancellable *cancellable = g_cancellable_new ();
  g_mutex_lock (&self->lock);
  g_set_object (&self->wait_cancellable, cancellable);
  if (self->stopping)
    g_cancellable_cancel (cancellable);
  g_mutex_unlock (&self->lock);
  return cancellable;
}

static void
end_wait (HbCameraScanner *self)
{
  g_mutex_lock (&self->lock);
  g_clear_object (&self->wait_cancellable);
  g_mutex_unlock (&self->lock);
}

static gpointer
cycle_thread (gpointer data)
{
  HbCameraScanner *self = data;
  Cycle c = { .self = self, .reported = HB_DEVICE_STATUS_STARTING };

  /* One decoder per thread, reused for every frame (ZBar's scanner keeps its buffers). */
  c.decoder = hb_qr_decoder_new ();
  hb_qr_decoder_set_density (c.decoder, self->timing.density);
  c.tracked = g_ptr_array_new_with_free_func (tracked_free);

  while (!g_atomic_int_get (&self->stopping))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GCancellable) cancellable = NULL;
      g_autoptr(HbFrame) frame = NULL;

      if (!c.started)
        {
          if (!hb_frame_source_start (self->source, &error))
            {
              source_failed (&c, error);
              if (!nap (self, self->timing.restart_ms))
                break;
              continue;
            }
          c.started = c.ever_started = TRUE;
          g_mutex_lock (&self->lock);
          self->stats.source_starts++;
          g_mutex_unlock (&self->lock);
          g_message ("camera: %s started", hb_frame_source_get_description (self->source));
          report (&c, HB_DEVICE_STATUS_STARTING, "waiting for the first frame");
          first_check_done (&c);
        }

      cancellable = begin_wait (self);
      frame = hb_frame_source_next_frame (self->source, self->timing.frame_timeout_ms,
                                          cancellable, &error);
      end_wait (self);
      if (frame == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            continue;          /* stopping */
          source_failed (&c, error);
          if (!nap (self, self->timing.restart_ms))
            break;
          continue;
        }
      report (&c, HB_DEVICE_STATUS_ONLINE, NULL);
      first_check_done (&c);
      handle_frame (&c, frame);
    }

  if (c.started)
    hb_frame_source_stop (self->source);
  first_check_done (&c);
  g_ptr_array_unref (c.tracked);
  hb_qr_decoder_free (c.decoder);
  g_free (c.reported_detail);
  return NULL;
}

/* --- device vfuncs ------------------------------------------------------------------------ */

static void
stop_cycle (HbCameraScanner *self)
{
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  g_atomic_int_set (&self->stopping, TRUE);
  if (self->wait_cancellable)
    g_cancellable_cancel (self->wait_cancellable);
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (g_steal_pointer (&self->thread));
}

static void
open_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  HbCameraScanner *self = source;
  gint64 end;

  g_mutex_lock (&self->lock);
  self->stopping = FALSE;
  self->checked = FALSE;
  g_mutex_unlock (&self->lock);
  self->thread = g_thread_new ("hb-camera", cycle_thread, self);

  /* Complete once the source started (status "starting" until its first frame) or
   * failed to (the status says why), bounded in case a driver hangs in an ioctl. */
  end = g_get_monotonic_time () + ((gint64) self->timing.frame_timeout_ms + 1000) * 1000;
  g_mutex_lock (&self->lock);
  while (!self->checked && g_cond_wait_until (&self->checked_cond, &self->lock, end))
    ;
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
hb_camera_scanner_open (HbDevice *device, GTask *task)
{
  g_task_run_in_thread (task, open_thread);
}

static void
close_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  stop_cycle (HB_CAMERA_SCANNER (source));
  g_task_return_boolean (task, TRUE);
}

static void
hb_camera_scanner_close (HbDevice *device, GTask *task)
{
  g_task_run_in_thread (task, close_thread);
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

  stop_cycle (self);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (hb_camera_scanner_parent_class)->dispose (object);
}

static void
hb_camera_scanner_finalize (GObject *object)
{
  HbCameraScanner *self = HB_CAMERA_SCANNER (object);

  g_clear_object (&self->wait_cancellable);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  g_cond_clear (&self->checked_cond);
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
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  g_cond_init (&self->checked_cond);
  hb_camera_timing_init (&self->timing);
  self->context = g_main_context_ref_thread_default ();
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
  g_return_if_fail (self->thread == NULL);
  self->timing = *timing;
}

void
hb_camera_scanner_get_stats (HbCameraScanner *self, HbCameraStats *stats)
{
  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}
