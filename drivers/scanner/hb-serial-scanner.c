/* hb-serial-scanner.c — CDC-ACM / virtual-COM scanners: lines from a tty, on our own
 * thread, codes emitted from the main context. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-serial-scanner.h"
#include "drivers/scanner/hb-scanner-private.h"
#include "drivers/hb-device-private.h"
#include "common/hb-context.h"

#include <string.h>

#define READ_CHUNK 256

struct _HbSerialScanner
{
  HbScanner             parent_instance;

  HbTransport          *transport;
  HbSerialScannerTiming timing;
  GMainContext         *context;

  GMutex                lock;        /* guards what follows */
  GCond                 wake;
  GCond                 checked_cond;
  GThread              *thread;
  GCancellable         *cancellable; /* the thread's reads; cancelled to stop */
  gboolean              stopping;
  gboolean              checked;
  guint                 generation;
  HbSerialScannerStats  stats;
};

G_DEFINE_FINAL_TYPE (HbSerialScanner, hb_serial_scanner, HB_TYPE_SCANNER)

enum { PROP_0, PROP_TRANSPORT, N_PROPS };
static GParamSpec *props[N_PROPS];

void
hb_serial_scanner_timing_init (HbSerialScannerTiming *t)
{
  *t = (HbSerialScannerTiming) { .slice_ms = 100, .gap_ms = 200, .reopen_ms = 2000 };
}

/* --- events ------------------------------------------------------------------------------ */

typedef struct
{
  GWeakRef       scanner;
  guint          generation;
  gboolean       is_code;
  HbDeviceStatus status;
  char          *detail;
  char          *code;
  gsize          code_len;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;

  g_weak_ref_clear (&ev->scanner);
  g_free (ev->detail);
  if (ev->code)
    explicit_bzero (ev->code, ev->code_len);
  g_free (ev->code);
  g_free (ev);
}

static gboolean
event_dispatch (gpointer data)
{
  Event *ev = data;
  g_autoptr(HbSerialScanner) self = g_weak_ref_get (&ev->scanner);
  guint generation;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  g_mutex_lock (&self->lock);
  generation = self->generation;
  g_mutex_unlock (&self->lock);
  if (generation != ev->generation)
    return G_SOURCE_REMOVE;   /* from before a close */
  if (ev->is_code)
    hb_scanner_emit_code (HB_SCANNER (self), ev->code, ev->code_len);
  else
    hb_device_set_status (HB_DEVICE (self), ev->status, ev->detail);
  return G_SOURCE_REMOVE;
}

/* --- the reader thread -------------------------------------------------------------------- */

typedef struct
{
  HbSerialScanner *self;
  guint            generation;
  GCancellable    *cancellable;
  gboolean         open;
  gboolean         lost;        /* the line was open once and went away */
  HbDeviceStatus   reported;
  /* the line being assembled */
  char            *line;        /* HB_SCANNER_CODE_MAX */
  gsize            len;
  gboolean         started;
  gboolean         overflow;
  gint64           last_us;
  guint8           chunk[READ_CHUNK];
} Reader;

static void
post (Reader *r, Event *ev)
{
  g_weak_ref_init (&ev->scanner, r->self);
  ev->generation = r->generation;
  hb_context_post (r->self->context, "[haoban] scanner event", event_dispatch, ev, event_free);
}

static void
report (Reader *r, HbDeviceStatus status, const char *detail)
{
  Event *ev;

  if (r->reported == status)
    return;
  r->reported = status;
  ev = g_new0 (Event, 1);
  ev->status = status;
  ev->detail = g_strdup (detail);
  post (r, ev);
}

static void
count (Reader *r, guint *field)
{
  g_mutex_lock (&r->self->lock);
  (*field)++;
  g_mutex_unlock (&r->self->lock);
}

static gboolean
nap (HbSerialScanner *self, guint ms)
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

static gboolean
stopping (HbSerialScanner *self)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  stop = self->stopping;
  g_mutex_unlock (&self->lock);
  return stop;
}

static void
drop_line (Reader *r, gboolean count_it)
{
  if (r->started && count_it)
    count (r, &r->self->stats.aborted);
  explicit_bzero (r->line, HB_SCANNER_CODE_MAX);
  r->len = 0;
  r->started = FALSE;
  r->overflow = FALSE;
}

static void
end_line (Reader *r)
{
  g_autoptr(GError) error = NULL;

  if (!r->started)
    return;   /* the LF of CR LF, or a blank line */
  if (r->overflow)
    g_set_error (&error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                 "Scanned code is longer than %d bytes; dropped", HB_SCANNER_CODE_MAX);
  else
    hb_scanner_check_code (r->line, r->len, &error);
  if (error)
    {
      g_message ("scanner: %s", error->message);   /* never the text itself */
      count (r, &r->self->stats.rejected);
    }
  else
    {
      Event *ev = g_new0 (Event, 1);

      ev->is_code = TRUE;
      ev->code = g_strndup (r->line, r->len);
      ev->code_len = r->len;
      count (r, &r->self->stats.codes);
      post (r, ev);
    }
  drop_line (r, FALSE);
}

static void
expire (Reader *r, gint64 now)
{
  if (r->started && now - r->last_us > (gint64) r->self->timing.gap_ms * 1000)
    {
      g_message ("scanner: a partial line timed out and was dropped");
      drop_line (r, TRUE);
    }
}

static void
feed (Reader *r, const guint8 *data, gsize n)
{
  gint64 now = g_get_monotonic_time ();

  expire (r, now);
  r->last_us = now;
  for (gsize i = 0; i < n; i++)
    {
      guint8 b = data[i];

      if (b == '\r' || b == '\n')
        {
          end_line (r);
          continue;
        }
      r->started = TRUE;
      if (r->len < HB_SCANNER_CODE_MAX)
        r->line[r->len++] = (char) b;
      else
        r->overflow = TRUE;
    }
}

static void
lose_line (Reader *r, const GError *error)
{
  HbSerialScanner *self = r->self;

  g_message ("scanner: %s lost (%s)", hb_transport_get_description (self->transport),
             error ? error->message : "?");
  hb_transport_close (self->transport);
  r->open = FALSE;
  r->lost = TRUE;
  drop_line (r, TRUE);
  report (r, HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
}

static void
first_check_done (HbSerialScanner *self)
{
  g_mutex_lock (&self->lock);
  if (!self->checked)
    {
      self->checked = TRUE;
      g_cond_broadcast (&self->checked_cond);
    }
  g_mutex_unlock (&self->lock);
}

static gpointer
reader_thread (gpointer data)
{
  HbSerialScanner *self = data;
  Reader *r = g_new0 (Reader, 1);

  r->self = self;
  r->reported = HB_DEVICE_STATUS_STARTING;
  r->line = g_malloc0 (HB_SCANNER_CODE_MAX);
  g_mutex_lock (&self->lock);
  r->generation = self->generation;
  r->cancellable = g_object_ref (self->cancellable);
  g_mutex_unlock (&self->lock);

  while (!stopping (self))
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      if (!r->open)
        {
          if (!hb_transport_open (self->transport, &error))
            {
              g_debug ("scanner: %s not available: %s",
                       hb_transport_get_description (self->transport), error->message);
              report (r, HB_DEVICE_STATUS_NO_DEVICE, r->lost ? "unplugged" : "not connected");
              first_check_done (self);
              nap (self, self->timing.reopen_ms);
              continue;
            }
          if (r->lost)
            count (r, &self->stats.reopened);
          g_message ("scanner: reading %s", hb_transport_get_description (self->transport));
          r->open = TRUE;
          hb_transport_flush (self->transport);   /* half a code from before is no code */
          report (r, HB_DEVICE_STATUS_ONLINE, NULL);
          first_check_done (self);
        }

      n = hb_transport_read (self->transport, r->chunk, sizeof r->chunk,
                             MAX (self->timing.slice_ms, 1u), r->cancellable, &error);
      if (n > 0)
        {
          feed (r, r->chunk, (gsize) n);
          explicit_bzero (r->chunk, (gsize) n);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        expire (r, g_get_monotonic_time ());
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
      else
        {
          lose_line (r, error);
          nap (self, self->timing.reopen_ms);
        }
    }

  if (r->open)
    hb_transport_close (self->transport);
  first_check_done (self);
  drop_line (r, FALSE);
  g_free (r->line);
  g_object_unref (r->cancellable);
  g_free (r);
  return NULL;
}

/* --- device vfuncs ------------------------------------------------------------------------- */

static void
stop_thread (HbSerialScanner *self)
{
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (g_steal_pointer (&self->thread));
}

static void
open_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  HbSerialScanner *self = source;
  gint64 end;

  g_mutex_lock (&self->lock);
  self->stopping = FALSE;
  self->checked = FALSE;
  self->generation++;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_mutex_unlock (&self->lock);
  self->thread = g_thread_new ("hb-scanner", reader_thread, self);

  /* Opening a tty is quick; wait for it so open reports online or no-device. */
  end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  g_mutex_lock (&self->lock);
  while (!self->checked && g_cond_wait_until (&self->checked_cond, &self->lock, end))
    ;
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
hb_serial_scanner_open (HbDevice *device, GTask *task)
{
  g_task_run_in_thread (task, open_thread);
}

static void
close_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  stop_thread (HB_SERIAL_SCANNER (source));
  g_task_return_boolean (task, TRUE);
}

static void
hb_serial_scanner_close (HbDevice *device, GTask *task)
{
  g_task_run_in_thread (task, close_thread);
}

/* --- object ----------------------------------------------------------------------------------- */

static void
hb_serial_scanner_dispose (GObject *object)
{
  HbSerialScanner *self = HB_SERIAL_SCANNER (object);

  stop_thread (self);
  if (self->transport)
    hb_transport_close (self->transport);
  g_clear_object (&self->transport);
  G_OBJECT_CLASS (hb_serial_scanner_parent_class)->dispose (object);
}

static void
hb_serial_scanner_finalize (GObject *object)
{
  HbSerialScanner *self = HB_SERIAL_SCANNER (object);

  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  g_cond_clear (&self->checked_cond);
  G_OBJECT_CLASS (hb_serial_scanner_parent_class)->finalize (object);
}

static void
hb_serial_scanner_set_property (GObject *object, guint id, const GValue *value,
                                GParamSpec *pspec)
{
  switch (id)
    {
    case PROP_TRANSPORT:
      HB_SERIAL_SCANNER (object)->transport = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_serial_scanner_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
    case PROP_TRANSPORT:
      g_value_set_object (value, HB_SERIAL_SCANNER (object)->transport);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_serial_scanner_constructed (GObject *object)
{
  HbSerialScanner *self = HB_SERIAL_SCANNER (object);

  G_OBJECT_CLASS (hb_serial_scanner_parent_class)->constructed (object);
  g_return_if_fail (self->transport != NULL);
  hb_device_set_name (HB_DEVICE (self), hb_transport_get_description (self->transport));
}

static void
hb_serial_scanner_class_init (HbSerialScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  object_class->dispose = hb_serial_scanner_dispose;
  object_class->finalize = hb_serial_scanner_finalize;
  object_class->set_property = hb_serial_scanner_set_property;
  object_class->get_property = hb_serial_scanner_get_property;
  object_class->constructed = hb_serial_scanner_constructed;

  device_class->driver_id = "serial-scanner";
  device_class->full_name = "Serial / CDC-ACM barcode scanner";
  device_class->open = hb_serial_scanner_open;
  device_class->close = hb_serial_scanner_close;

  props[PROP_TRANSPORT] =
    g_param_spec_object ("transport", NULL, NULL, HB_TYPE_TRANSPORT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_serial_scanner_init (HbSerialScanner *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  g_cond_init (&self->checked_cond);
  hb_serial_scanner_timing_init (&self->timing);
  self->context = g_main_context_ref_thread_default ();
}

HbSerialScanner *
hb_serial_scanner_new (HbTransport *transport)
{
  return g_object_new (HB_TYPE_SERIAL_SCANNER, "transport", transport, NULL);
}

HbTransport *
hb_serial_scanner_get_transport (HbSerialScanner *self)
{
  g_return_val_if_fail (HB_IS_SERIAL_SCANNER (self), NULL);
  return self->transport;
}

void
hb_serial_scanner_set_timing (HbSerialScanner *self, const HbSerialScannerTiming *timing)
{
  g_return_if_fail (HB_IS_SERIAL_SCANNER (self));
  g_return_if_fail (self->thread == NULL);
  self->timing = *timing;
}

void
hb_serial_scanner_get_stats (HbSerialScanner *self, HbSerialScannerStats *stats)
{
  g_return_if_fail (HB_IS_SERIAL_SCANNER (self));
  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}
