/* hb-serial-scanner.c — CDC-ACM / virtual-COM scanners: lines from a tty, on our own
 * thread, codes emitted from the main context. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-serial-scanner.h"
#include "drivers/scanner/hb-scanner-private.h"
#include "drivers/scanner/hb-scanner-worker.h"
#include "drivers/hb-device-private.h"

#include <string.h>

#define READ_CHUNK 256

struct _HbSerialScanner
{
  HbScanner             parent_instance;

  HbTransport          *transport;
  HbSerialScannerTiming timing;
  HbScannerWorker       worker;      /* its cancellable stops the thread's reads */
  HbSerialScannerStats  stats;       /* under worker.lock */
};

G_DEFINE_FINAL_TYPE (HbSerialScanner, hb_serial_scanner, HB_TYPE_SCANNER)

enum { PROP_0, PROP_TRANSPORT, N_PROPS };
static GParamSpec *props[N_PROPS];

void
hb_serial_scanner_timing_init (HbSerialScannerTiming *t)
{
  *t = (HbSerialScannerTiming) { .slice_ms = 100, .gap_ms = 200, .reopen_ms = 2000 };
}

/* --- the reader thread -------------------------------------------------------------------- */

typedef struct
{
  HbSerialScanner *self;
  HbScannerWorker *w;
  gboolean         open;
  gboolean         lost;        /* the line was open once and went away */
  /* the line being assembled */
  char            *line;        /* HB_SCANNER_CODE_MAX */
  gsize            len;
  gboolean         started;
  gboolean         overflow;
  gint64           last_us;
  guint8           chunk[READ_CHUNK];
} Reader;

static void
drop_line (Reader *r, gboolean count_it)
{
  if (r->started && count_it)
    hb_scanner_worker_count (r->w, &r->self->stats.aborted);
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
      hb_scanner_worker_count (r->w, &r->self->stats.rejected);
    }
  else
    {
      hb_scanner_worker_count (r->w, &r->self->stats.codes);
      hb_scanner_worker_post_code (r->w, g_strndup (r->line, r->len), r->len);
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
  hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
}

static gpointer
reader_thread (gpointer data)
{
  HbSerialScanner *self = data;
  Reader *r = g_new0 (Reader, 1);

  r->self = self;
  r->w = &self->worker;
  r->line = g_malloc0 (HB_SCANNER_CODE_MAX);

  while (!hb_scanner_worker_stopping (r->w))
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      if (!r->open)
        {
          if (!hb_transport_open (self->transport, &error))
            {
              g_debug ("scanner: %s not available: %s",
                       hb_transport_get_description (self->transport), error->message);
              hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_NO_DEVICE,
                                        r->lost ? "unplugged" : "not connected");
              hb_scanner_worker_checked (r->w);
              hb_scanner_worker_nap (r->w, self->timing.reopen_ms);
              continue;
            }
          if (r->lost)
            hb_scanner_worker_count (r->w, &self->stats.reopened);
          g_message ("scanner: reading %s", hb_transport_get_description (self->transport));
          r->open = TRUE;
          hb_transport_flush (self->transport);   /* half a code from before is no code */
          hb_scanner_worker_report (r->w, HB_DEVICE_STATUS_ONLINE, NULL);
          hb_scanner_worker_checked (r->w);
        }

      n = hb_transport_read (self->transport, r->chunk, sizeof r->chunk,
                             MAX (self->timing.slice_ms, 1u), r->w->cancellable, &error);
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
          hb_scanner_worker_nap (r->w, self->timing.reopen_ms);
        }
    }

  if (r->open)
    hb_transport_close (self->transport);
  hb_scanner_worker_checked (r->w);
  drop_line (r, FALSE);
  g_free (r->line);
  g_free (r);
  return NULL;
}

/* --- device vfuncs ------------------------------------------------------------------------- */

static void
hb_serial_scanner_open (HbDevice *device, GTask *task)
{
  HbSerialScanner *self = HB_SERIAL_SCANNER (device);

  /* Opening a tty is quick; wait for it so open reports online or no-device. */
  hb_scanner_worker_open_task (&self->worker, task, "hb-scanner", reader_thread, self, 3000);
}

static void
hb_serial_scanner_close (HbDevice *device, GTask *task)
{
  hb_scanner_worker_close_task (&HB_SERIAL_SCANNER (device)->worker, task);
}

/* --- object ----------------------------------------------------------------------------------- */

static void
hb_serial_scanner_dispose (GObject *object)
{
  HbSerialScanner *self = HB_SERIAL_SCANNER (object);

  hb_scanner_worker_stop (&self->worker);
  if (self->transport)
    hb_transport_close (self->transport);
  g_clear_object (&self->transport);
  G_OBJECT_CLASS (hb_serial_scanner_parent_class)->dispose (object);
}

static void
hb_serial_scanner_finalize (GObject *object)
{
  HbSerialScanner *self = HB_SERIAL_SCANNER (object);

  hb_scanner_worker_clear (&self->worker);
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
  hb_scanner_worker_init (&self->worker, HB_SCANNER (self), "[haoban] scanner event",
                          HB_SCANNER_WORKER_DEDUP_STATUS);
  hb_serial_scanner_timing_init (&self->timing);
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
  g_return_if_fail (!hb_scanner_worker_is_running (&self->worker));
  self->timing = *timing;
}

void
hb_serial_scanner_get_stats (HbSerialScanner *self, HbSerialScannerStats *stats)
{
  g_return_if_fail (HB_IS_SERIAL_SCANNER (self));
  g_mutex_lock (&self->worker.lock);
  *stats = self->stats;
  g_mutex_unlock (&self->worker.lock);
}
