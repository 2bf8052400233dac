/* hb-frame-source.c — the frame source interface, HbFrame, and the in-memory source. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-frame-source.h"
#include "drivers/hb-device.h"

/* --- HbFrame ----------------------------------------------------------------------------- */

HbFrame *
hb_frame_new (guint width, guint height, gsize stride, GBytes *pixels, gint64 timestamp_us)
{
  HbFrame *frame;
  gsize size;

  g_return_val_if_fail (pixels != NULL, NULL);
  size = g_bytes_get_size (pixels);
  g_return_val_if_fail (width > 0 && height > 0 && stride >= width, NULL);
  g_return_val_if_fail (stride <= G_MAXSIZE / height && size >= stride * (height - 1) + width, NULL);

  frame = g_atomic_rc_box_new0 (HbFrame);
  frame->width = width;
  frame->height = height;
  frame->stride = stride;
  frame->bytes = g_bytes_ref (pixels);
  frame->data = g_bytes_get_data (pixels, NULL);
  frame->size = size;
  frame->timestamp_us = timestamp_us;
  return frame;
}

HbFrame *
hb_frame_restamp (HbFrame *frame, guint64 sequence, gint64 timestamp_us)
{
  HbFrame *copy = hb_frame_new (frame->width, frame->height, frame->stride, frame->bytes,
                                timestamp_us);
  copy->sequence = sequence;
  return copy;
}

HbFrame *
hb_frame_ref (HbFrame *frame)
{
  return g_atomic_rc_box_acquire (frame);
}

static void
frame_clear (gpointer data)
{
  HbFrame *frame = data;
  g_bytes_unref (frame->bytes);
}

void
hb_frame_unref (HbFrame *frame)
{
  if (frame)
    g_atomic_rc_box_release_full (frame, frame_clear);
}

/* --- HbFrameSource ------------------------------------------------------------------------ */

typedef struct
{
  char *description;
} HbFrameSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HbFrameSource, hb_frame_source, G_TYPE_OBJECT)

enum { PROP_0, PROP_DESCRIPTION, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
hb_frame_source_finalize (GObject *object)
{
  HbFrameSourcePrivate *priv = hb_frame_source_get_instance_private (HB_FRAME_SOURCE (object));
  g_free (priv->description);
  G_OBJECT_CLASS (hb_frame_source_parent_class)->finalize (object);
}

static void
hb_frame_source_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  HbFrameSourcePrivate *priv = hb_frame_source_get_instance_private (HB_FRAME_SOURCE (object));
  switch (id)
    {
    case PROP_DESCRIPTION:
      g_free (priv->description);
      priv->description = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_frame_source_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  HbFrameSourcePrivate *priv = hb_frame_source_get_instance_private (HB_FRAME_SOURCE (object));
  switch (id)
    {
    case PROP_DESCRIPTION:
      g_value_set_string (value, priv->description);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_frame_source_class_init (HbFrameSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hb_frame_source_finalize;
  object_class->set_property = hb_frame_source_set_property;
  object_class->get_property = hb_frame_source_get_property;

  props[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, "frame source",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_frame_source_init (HbFrameSource *self)
{
}

gboolean
hb_frame_source_start (HbFrameSource *self, GError **error)
{
  g_return_val_if_fail (HB_IS_FRAME_SOURCE (self), FALSE);
  return HB_FRAME_SOURCE_GET_CLASS (self)->start (self, error);
}

HbFrame *
hb_frame_source_next_frame (HbFrameSource *self, guint timeout_ms, GCancellable *cancellable,
                            GError **error)
{
  g_return_val_if_fail (HB_IS_FRAME_SOURCE (self), NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return HB_FRAME_SOURCE_GET_CLASS (self)->next_frame (self, timeout_ms, cancellable, error);
}

void
hb_frame_source_stop (HbFrameSource *self)
{
  g_return_if_fail (HB_IS_FRAME_SOURCE (self));
  HB_FRAME_SOURCE_GET_CLASS (self)->stop (self);
}

const char *
hb_frame_source_get_description (HbFrameSource *self)
{
  HbFrameSourcePrivate *priv = hb_frame_source_get_instance_private (self);
  return priv->description;
}

/* --- memory source ------------------------------------------------------------------------- */

struct _HbMemoryFrameSource
{
  HbFrameSource parent_instance;

  GMutex   lock;       /* guards everything below */
  GCond    changed;
  GQueue   frames;     /* HbFrame* */
  gboolean loop;
  gboolean started;
  GError  *error;
  guint64  delivered;
  guint64  sequence;
  guint    starts;
};

G_DEFINE_FINAL_TYPE (HbMemoryFrameSource, hb_memory_frame_source, HB_TYPE_FRAME_SOURCE)

static gboolean
memory_start (HbFrameSource *source, GError **error)
{
  HbMemoryFrameSource *self = HB_MEMORY_FRAME_SOURCE (source);
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = self->error == NULL;
  if (ok)
    {
      self->started = TRUE;
      self->sequence = 0;
      self->starts++;
    }
  else
    g_propagate_error (error, g_error_copy (self->error));
  g_mutex_unlock (&self->lock);
  return ok;
}

static void
wake_on_cancel (GCancellable *cancellable, gpointer data)
{
  HbMemoryFrameSource *self = data;
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

static HbFrame *
memory_next_frame (HbFrameSource *source, guint timeout_ms, GCancellable *cancellable,
                   GError **error)
{
  HbMemoryFrameSource *self = HB_MEMORY_FRAME_SOURCE (source);
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gulong handler = 0;
  HbFrame *frame = NULL;

  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_on_cancel), self, NULL);
  g_mutex_lock (&self->lock);
  for (;;)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (self->error)
        {
          g_propagate_error (error, g_error_copy (self->error));
          break;
        }
      if (!self->started)
        {
          g_set_error_literal (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NOT_OPEN,
                               "The frame source is not started");
          break;
        }
      if (!g_queue_is_empty (&self->frames))
        {
          HbFrame *queued = g_queue_pop_head (&self->frames);
          frame = hb_frame_restamp (queued, self->sequence++,
                                    queued->timestamp_us ? queued->timestamp_us
                                                         : g_get_monotonic_time ());
          if (self->loop)
            g_queue_push_tail (&self->frames, queued);
          else
            hb_frame_unref (queued);
          self->delivered++;
          break;
        }
      if (!g_cond_wait_until (&self->changed, &self->lock, end))
        {
          g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_TIMEOUT,
                       "No frame within %u ms", timeout_ms);
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  if (handler)
    g_cancellable_disconnect (cancellable, handler);
  return frame;
}

static void
memory_stop (HbFrameSource *source)
{
  HbMemoryFrameSource *self = HB_MEMORY_FRAME_SOURCE (source);
  g_mutex_lock (&self->lock);
  self->started = FALSE;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

static void
hb_memory_frame_source_finalize (GObject *object)
{
  HbMemoryFrameSource *self = HB_MEMORY_FRAME_SOURCE (object);
  g_queue_clear_full (&self->frames, (GDestroyNotify) hb_frame_unref);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  G_OBJECT_CLASS (hb_memory_frame_source_parent_class)->finalize (object);
}

static void
hb_memory_frame_source_class_init (HbMemoryFrameSourceClass *klass)
{
  HbFrameSourceClass *source_class = HB_FRAME_SOURCE_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = hb_memory_frame_source_finalize;
  source_class->start = memory_start;
  source_class->next_frame = memory_next_frame;
  source_class->stop = memory_stop;
}

static void
hb_memory_frame_source_init (HbMemoryFrameSource *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  g_queue_init (&self->frames);
}

HbMemoryFrameSource *
hb_memory_frame_source_new (void)
{
  return g_object_new (HB_TYPE_MEMORY_FRAME_SOURCE, "description", "memory", NULL);
}

void
hb_memory_frame_source_push (HbMemoryFrameSource *self, HbFrame *frame)
{
  g_return_if_fail (HB_IS_MEMORY_FRAME_SOURCE (self) && frame != NULL);
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->frames, hb_frame_ref (frame));
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

void
hb_memory_frame_source_set_loop (HbMemoryFrameSource *self, gboolean loop)
{
  g_mutex_lock (&self->lock);
  self->loop = loop;
  g_mutex_unlock (&self->lock);
}

void
hb_memory_frame_source_set_error (HbMemoryFrameSource *self, const GError *error)
{
  g_mutex_lock (&self->lock);
  g_clear_error (&self->error);
  if (error)
    self->error = g_error_copy (error);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

guint64
hb_memory_frame_source_get_delivered (HbMemoryFrameSource *self)
{
  guint64 n;
  g_mutex_lock (&self->lock);
  n = self->delivered;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
hb_memory_frame_source_get_queued (HbMemoryFrameSource *self)
{
  guint n;
  g_mutex_lock (&self->lock);
  n = self->frames.length;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
hb_memory_frame_source_get_starts (HbMemoryFrameSource *self)
{
  guint n;
  g_mutex_lock (&self->lock);
  n = self->starts;
  g_mutex_unlock (&self->lock);
  return n;
}
