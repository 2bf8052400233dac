/* hb-sam-card-reader.c — the SAM ID card reader driver: read cycle on its own thread. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/idcard/hb-sam-card-reader.h"
#include "drivers/idcard/hb-sam-text.h"
#include "drivers/hb-device-private.h"
#include "common/hb-context.h"

#include <string.h>

/* The vendor-bulk readers with public evidence (reference §13). Readers behind USB-serial
 * bridges are ttys owned by the kernel and are configured by path instead. */
static const HbDeviceIdEntry id_table[] = {
  { .vid = 0x0400, .pid = 0xc35a },   /* 精伦 iDR200 and clones (reused id) */
  { .vid = 0x0483, .pid = 0x5652 },   /* MTReader (STMicroelectronics VID) */
  { .vid = 0, .virtual_id = NULL },
};

typedef enum {
  CARD_ABSENT,
  CARD_PRESENT,     /* read and handed over; waiting for it to leave */
  CARD_REFUSED,     /* lies there but could not be read */
} CardState;

typedef struct
{
  HbTransport  *transport;
  HbSamTiming   timing;
  GMainContext *context;      /* where signals are emitted */

  GMutex        lock;         /* guards what follows */
  GCond         wake;
  GThread      *thread;
  gboolean      stopping;
  gboolean      checked;      /* the cycle has asked the SAM once (open waits for it) */
  GCond         checked_cond;
  gboolean      start_gone;   /* the transport could not be opened: start unplugged */
  GCancellable *read_cancellable;   /* the read in progress, if any */
  char         *sam_id;
  HbSamReaderStats stats;
} HbSamCardReaderPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (HbSamCardReader, hb_sam_card_reader, HB_TYPE_CARD_READER)

enum { PROP_0, PROP_TRANSPORT, N_PROPS };
static GParamSpec *props[N_PROPS];

void
hb_sam_timing_init (HbSamTiming *t)
{
  *t = (HbSamTiming) {
    .poll_ms = 400,
    .command_timeout_ms = 500,
    .read_timeout_ms = 3500,
    .appended_timeout_ms = 1500,
    .retries = 1,
    .silent_polls_for_fault = 3,
    .refused_retry_ms = 3000,
    .reopen_ms = 2000,
    .read_appended = TRUE,
  };
}

/* --- the read itself ------------------------------------------------------------- */

HbIdCard *
hb_sam_read_card (HbSamLink *link, const HbSamTiming *timing, GCancellable *cancellable,
                  GError **error)
{
  HbSamResponse r;
  g_autoptr(HbIdCard) card = NULL;

  if (!hb_sam_link_expect (link, HB_SAM_CMD_SELECT, HB_SAM_SW3_OK, timing->command_timeout_ms,
                           cancellable, &r, error))
    return NULL;
  if (!hb_sam_link_expect (link, HB_SAM_CMD_READ_BASE, HB_SAM_SW3_OK, timing->read_timeout_ms,
                           cancellable, &r, error))
    return NULL;
  card = hb_sam_decode_base_info (r.data, r.data_len, FALSE, error);
  if (card == NULL)
    return NULL;

  if (timing->read_appended)
    {
      g_autoptr(GError) local = NULL;
      if (hb_sam_link_expect (link, HB_SAM_CMD_READ_APPENDED, HB_SAM_SW3_OK,
                              timing->appended_timeout_ms, cancellable, &r, &local))
        {
          char *address = hb_sam_decode_appended_address (r.data, r.data_len, &local);
          if (address == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          if (*address)
            card->address_appended = address;
          else
            g_free (address);
        }
      else if (!g_error_matches (local, HB_SAM_ERROR, HB_SAM_ERROR_NO_ITEM))
        {
          /* Without the appended address the identity would be out of date. */
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  return g_steal_pointer (&card);
}

/* --- events to the main context ---------------------------------------------------- */

typedef enum { EV_STATUS, EV_CARD, EV_REMOVED, EV_FAILED } EventType;

typedef struct
{
  GWeakRef       reader;
  EventType      type;
  HbDeviceStatus status;
  char          *detail;
  HbIdCard      *card;
  GError        *error;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;
  g_weak_ref_clear (&ev->reader);
  g_free (ev->detail);
  hb_idcard_free (ev->card);     /* wipes */
  g_clear_error (&ev->error);
  g_free (ev);
}

static gboolean
event_dispatch (gpointer data)
{
  Event *ev = data;
  g_autoptr(HbSamCardReader) self = g_weak_ref_get (&ev->reader);
  HbCardReader *reader = HB_CARD_READER (self);

  if (self == NULL)
    return G_SOURCE_REMOVE;
  switch (ev->type)
    {
    case EV_STATUS:
      hb_device_set_status (HB_DEVICE (self), ev->status, ev->detail);
      if (ev->status == HB_DEVICE_STATUS_NO_DEVICE)
        hb_card_reader_set_media (reader, HB_CARD_MEDIA_UNKNOWN);
      else if (hb_card_reader_get_media (reader) == HB_CARD_MEDIA_UNKNOWN &&
               ev->status == HB_DEVICE_STATUS_ONLINE)
        hb_card_reader_set_media (reader, HB_CARD_MEDIA_NOT_PRESENT);
      break;
    case EV_CARD:
      hb_card_reader_set_media (reader, HB_CARD_MEDIA_PRESENT);
      hb_card_reader_emit_card (reader, ev->card);
      break;
    case EV_REMOVED:
      hb_card_reader_set_media (reader, HB_CARD_MEDIA_NOT_PRESENT);
      break;
    case EV_FAILED:
      hb_card_reader_emit_failed (reader, ev->error);
      break;
    default:
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
post (HbSamCardReader *self, Event *ev)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  g_weak_ref_init (&ev->reader, self);
  hb_context_post (priv->context, "[haoban] idcard event", event_dispatch, ev, event_free);
}

static void
post_status (HbSamCardReader *self, HbDeviceStatus status, const char *detail)
{
  Event *ev = g_new0 (Event, 1);
  ev->type = EV_STATUS;
  ev->status = status;
  ev->detail = g_strdup (detail);
  post (self, ev);
}

static void
post_simple (HbSamCardReader *self, EventType type, HbIdCard *card, const GError *error)
{
  Event *ev = g_new0 (Event, 1);
  ev->type = type;
  ev->card = card;
  ev->error = error ? g_error_copy (error) : NULL;
  post (self, ev);
}

/* --- the cycle ----------------------------------------------------------------------- */

typedef struct
{
  HbSamCardReader *self;      /* alive while the thread runs: close/dispose join it */
  HbSamLink       *link;
  CardState        card;
  gint64           refused_until;
  guint            silent;    /* unanswered polls in a row */
  gboolean         sam_ok;
  gboolean         gone;      /* the transport reported the device unplugged */
  gboolean         checked;   /* first_check_done ran */
  HbDeviceStatus   reported;
} Cycle;

/* Sleep until the deadline or until stop is requested. Returns FALSE when stopping. */
static gboolean
nap (HbSamCardReader *self, guint ms)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean running;

  g_mutex_lock (&priv->lock);
  while (!priv->stopping && g_cond_wait_until (&priv->wake, &priv->lock, end))
    ;
  running = !priv->stopping;
  g_mutex_unlock (&priv->lock);
  return running;
}

static void
report (Cycle *c, HbDeviceStatus status, const char *detail)
{
  if (c->reported == status)
    return;
  c->reported = status;
  post_status (c->self, status, detail);
}

static gboolean
is_unplugged (const GError *error)
{
  return g_error_matches (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_NO_DEVICE);
}

/* A command got no usable answer: count it; a few in a row is a fault. */
static void
note_silence (Cycle *c, const GError *error)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (c->self);
  if (is_unplugged (error))
    {
      g_message ("idcard: %s unplugged", hb_transport_get_description (priv->transport));
      c->gone = TRUE;
      report (c, HB_DEVICE_STATUS_NO_DEVICE, "unplugged");
      return;
    }
  if (++c->silent >= priv->timing.silent_polls_for_fault)
    {
      g_message ("idcard: the reader stopped answering (%s)", error ? error->message : "?");
      report (c, HB_DEVICE_STATUS_HARDWARE_ERROR, "not answering");
    }
}

static void
note_answer (Cycle *c)
{
  c->silent = 0;
  if (c->sam_ok)
    report (c, HB_DEVICE_STATUS_ONLINE, NULL);
}

static void
check_sam (Cycle *c)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (c->self);
  g_autoptr(GError) error = NULL;
  HbSamResponse r;

  if (!hb_sam_link_expect (c->link, HB_SAM_CMD_STATUS, HB_SAM_SW3_OK,
                           priv->timing.command_timeout_ms, NULL, &r, &error))
    {
      if (g_error_matches (error, HB_SAM_ERROR, HB_SAM_ERROR_SAM_FAULT))
        {
          c->silent = 0;
          c->sam_ok = FALSE;
          report (c, HB_DEVICE_STATUS_HARDWARE_ERROR, "SAM fault");
        }
      else
        note_silence (c, error);
      return;
    }
  c->sam_ok = TRUE;
  if (priv->sam_id == NULL &&
      hb_sam_link_expect (c->link, HB_SAM_CMD_SAM_ID, HB_SAM_SW3_OK,
                          priv->timing.command_timeout_ms, NULL, &r, NULL))
    {
      char *id = hb_sam_format_sam_id (r.data, r.data_len, NULL);
      g_mutex_lock (&priv->lock);
      priv->sam_id = id;
      g_mutex_unlock (&priv->lock);
      if (id)
        g_message ("idcard: SAM %s ready on %s", id, hb_transport_get_description (priv->transport));
    }
  note_answer (c);
}

static GCancellable *
begin_read (HbSamCardReader *self)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  GCancellable *cancellable = g_cancellable_new ();
  g_mutex_lock (&priv->lock);
  g_set_object (&priv->read_cancellable, cancellable);
  g_mutex_unlock (&priv->lock);
  return cancellable;
}

static void
end_read (HbSamCardReader *self)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  g_mutex_lock (&priv->lock);
  g_clear_object (&priv->read_cancellable);
  g_mutex_unlock (&priv->lock);
}

static gboolean
moved (const GError *error)
{
  return g_error_matches (error, HB_SAM_ERROR, HB_SAM_ERROR_READ_FAILED) ||
         g_error_matches (error, HB_SAM_ERROR, HB_SAM_ERROR_SELECT_FAILED);
}

/* find said 9F: read it (once more if it moved), hand it over or report why not. */
static void
read_found_card (Cycle *c)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (c->self);
  g_autoptr(GCancellable) cancellable = begin_read (c->self);
  g_autoptr(GError) error = NULL;
  HbIdCard *card = NULL;
  guint64 before = hb_transport_get_bytes_read (priv->transport) +
                   hb_transport_get_bytes_written (priv->transport);
  gint64 start = g_get_monotonic_time ();

  for (int attempt = 0; attempt < 2 && card == NULL; attempt++)
    {
      g_clear_error (&error);
      card = hb_sam_read_card (c->link, &priv->timing, cancellable, &error);
      if (card == NULL && !moved (error))
        break;
    }
  end_read (c->self);

  if (card != NULL)
    {
      g_mutex_lock (&priv->lock);
      priv->stats.reads++;
      priv->stats.last_read_us = g_get_monotonic_time () - start;
      priv->stats.last_read_bytes = hb_transport_get_bytes_read (priv->transport) +
                                    hb_transport_get_bytes_written (priv->transport) - before;
      g_mutex_unlock (&priv->lock);
      g_message ("idcard: card read (%s) in %" G_GINT64_FORMAT " ms",
                 hb_idcard_type_to_string (card->type), priv->stats.last_read_us / 1000);
      note_answer (c);
      c->card = CARD_PRESENT;
      post_simple (c->self, EV_CARD, card, NULL);   /* the event owns and wipes it */
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("idcard: read cancelled");
      return;   /* try again at the next poll: the card may still be there */
    }
  if (is_unplugged (error) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      note_silence (c, error);
      return;
    }
  if (g_error_matches (error, HB_SAM_ERROR, HB_SAM_ERROR_SAM_FAULT))
    {
      c->sam_ok = FALSE;
      report (c, HB_DEVICE_STATUS_HARDWARE_ERROR, "SAM fault");
      return;
    }
  /* The card is there but cannot be read (moved twice, unreadable, refused data). */
  g_message ("idcard: card could not be read: %s", error->message);
  note_answer (c);
  c->card = CARD_REFUSED;
  c->refused_until = g_get_monotonic_time () + (gint64) priv->timing.refused_retry_ms * 1000;
  post_simple (c->self, EV_FAILED, NULL, error);
}

/* One poll. */
static void
poll_once (Cycle *c)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (c->self);
  g_autoptr(GError) error = NULL;
  HbSamResponse r;

  if (!hb_sam_link_command (c->link, HB_SAM_CMD_FIND, NULL, 0, priv->timing.command_timeout_ms,
                            NULL, &r, &error))
    {
      note_silence (c, error);
      return;
    }
  if (r.sw3 == HB_SAM_SW3_FIND_OK && r.sw1 == 0 && r.sw2 == 0)
    {
      note_answer (c);
      if (c->card == CARD_PRESENT)
        {
          /* Found afresh: the card we read left and another one (or it again) came. */
          c->card = CARD_ABSENT;
          post_simple (c->self, EV_REMOVED, NULL, NULL);
        }
      if (c->card == CARD_REFUSED && g_get_monotonic_time () < c->refused_until)
        return;
      read_found_card (c);
      return;
    }
  if (!hb_sam_response_check (&r, HB_SAM_SW3_NO_CARD, &error) &&
      !g_error_matches (error, HB_SAM_ERROR, HB_SAM_ERROR_NO_CARD))
    {
      if (g_error_matches (error, HB_SAM_ERROR, HB_SAM_ERROR_SAM_FAULT))
        {
          c->sam_ok = FALSE;
          report (c, HB_DEVICE_STATUS_HARDWARE_ERROR, "SAM fault");
        }
      else
        note_silence (c, error);
      return;
    }
  note_answer (c);
  if (c->card == CARD_ABSENT)
    return;

  /* A card we handled lies there, or has gone: find cannot tell, select can. */
  g_clear_error (&error);
  if (hb_sam_link_command (c->link, HB_SAM_CMD_SELECT, NULL, 0,
                           priv->timing.command_timeout_ms, NULL, &r, &error))
    {
      if (r.sw3 == HB_SAM_SW3_SELECT_FAILED)
        {
          c->card = CARD_ABSENT;
          post_simple (c->self, EV_REMOVED, NULL, NULL);
        }
    }
  else
    note_silence (c, error);
}

static gboolean
reopen (Cycle *c)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (c->self);
  g_autoptr(GError) error = NULL;

  hb_transport_close (priv->transport);
  if (!hb_transport_open (priv->transport, &error))
    return FALSE;
  g_message ("idcard: %s is back", hb_transport_get_description (priv->transport));
  c->gone = FALSE;
  c->silent = 0;
  c->sam_ok = FALSE;
  c->reported = HB_DEVICE_STATUS_STARTING;
  if (c->card != CARD_ABSENT)
    {
      c->card = CARD_ABSENT;
      post_simple (c->self, EV_REMOVED, NULL, NULL);
    }
  return TRUE;
}

/* The first status check is done and its outcome posted: open may complete. A reader
 * that has not answered yet stays "starting", not "online". */
static void
first_check_done (Cycle *c)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (c->self);

  if (c->checked)
    return;
  c->checked = TRUE;
  if (c->reported == HB_DEVICE_STATUS_STARTING)
    post_status (c->self, HB_DEVICE_STATUS_STARTING, "waiting for the reader to answer");
  g_mutex_lock (&priv->lock);
  priv->checked = TRUE;
  g_cond_broadcast (&priv->checked_cond);
  g_mutex_unlock (&priv->lock);
}

static gpointer
cycle_thread (gpointer data)
{
  HbSamCardReader *self = data;
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  Cycle c = { .self = self, .card = CARD_ABSENT, .reported = HB_DEVICE_STATUS_STARTING };

  c.link = hb_sam_link_new (priv->transport, priv->timing.retries);
  if (priv->start_gone)
    {
      c.gone = TRUE;
      report (&c, HB_DEVICE_STATUS_NO_DEVICE, "not connected");
    }
  for (;;)
    {
      guint wait;

      if (!c.gone || reopen (&c))
        {
          if (!c.sam_ok)
            check_sam (&c);
          first_check_done (&c);
          if (c.sam_ok && !c.gone)
            poll_once (&c);
        }
      first_check_done (&c);
      /* Unplugged: try the transport again now and then. A faulty SAM: recheck slowly. */
      wait = c.gone ? priv->timing.reopen_ms
           : c.sam_ok ? priv->timing.poll_ms
           : MAX (priv->timing.poll_ms * 5, 1000u);
      if (!nap (self, wait))
        break;
    }

  hb_sam_link_free (c.link);
  return NULL;
}

/* --- device vfuncs --------------------------------------------------------------------- */

static void
start_cycle (HbSamCardReader *self)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  g_mutex_lock (&priv->lock);
  priv->stopping = FALSE;
  priv->checked = FALSE;
  g_mutex_unlock (&priv->lock);
  priv->thread = g_thread_new ("hb-idcard", cycle_thread, self);
}

static void
stop_cycle (HbSamCardReader *self)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  if (priv->thread == NULL)
    return;
  g_mutex_lock (&priv->lock);
  priv->stopping = TRUE;
  if (priv->read_cancellable)
    g_cancellable_cancel (priv->read_cancellable);
  g_cond_broadcast (&priv->wake);
  g_mutex_unlock (&priv->lock);
  g_thread_join (g_steal_pointer (&priv->thread));
}

static void
open_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  HbSamCardReader *self = source;
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  /* A reader that is not there yet (a serial adapter plugged in later) is not a failure
   * to open: the driver reads no-device and keeps trying the line. */
  priv->start_gone = !hb_transport_open (priv->transport, &error);
  if (priv->start_gone)
    g_message ("idcard: %s not available yet: %s",
               hb_transport_get_description (priv->transport), error->message);
  start_cycle (self);

  /* Complete the open with what the SAM said (online, fault, no answer yet), bounded by
   * the status command's own retries. */
  {
    guint attempts = priv->timing.retries + 1;
    gint64 end = g_get_monotonic_time () +
                 ((gint64) priv->timing.command_timeout_ms * attempts * 2 + 1000) * 1000;
    g_mutex_lock (&priv->lock);
    while (!priv->checked && !priv->stopping &&
           g_cond_wait_until (&priv->checked_cond, &priv->lock, end))
      ;
    g_mutex_unlock (&priv->lock);
  }
  g_task_return_boolean (task, TRUE);
}

static void
hb_sam_card_reader_open (HbDevice *device, GTask *task)
{
  /* Opening a tty or claiming a USB interface blocks: not on the caller's thread. */
  g_task_run_in_thread (task, open_thread);
}

static void
close_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  HbSamCardReader *self = source;
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);

  stop_cycle (self);
  hb_transport_close (priv->transport);
  g_task_return_boolean (task, TRUE);
}

static void
hb_sam_card_reader_close (HbDevice *device, GTask *task)
{
  g_task_run_in_thread (task, close_thread);
}

static void
hb_sam_card_reader_cancel (HbDevice *device)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (HB_SAM_CARD_READER (device));
  g_mutex_lock (&priv->lock);
  if (priv->read_cancellable)
    g_cancellable_cancel (priv->read_cancellable);
  g_mutex_unlock (&priv->lock);
}

/* --- object ------------------------------------------------------------------------------ */

static void
hb_sam_card_reader_dispose (GObject *object)
{
  HbSamCardReader *self = HB_SAM_CARD_READER (object);
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);

  stop_cycle (self);
  if (priv->transport)
    hb_transport_close (priv->transport);
  g_clear_object (&priv->transport);
  G_OBJECT_CLASS (hb_sam_card_reader_parent_class)->dispose (object);
}

static void
hb_sam_card_reader_finalize (GObject *object)
{
  HbSamCardReaderPrivate *priv =
    hb_sam_card_reader_get_instance_private (HB_SAM_CARD_READER (object));
  g_free (priv->sam_id);
  g_clear_object (&priv->read_cancellable);
  g_main_context_unref (priv->context);
  g_mutex_clear (&priv->lock);
  g_cond_clear (&priv->wake);
  g_cond_clear (&priv->checked_cond);
  G_OBJECT_CLASS (hb_sam_card_reader_parent_class)->finalize (object);
}

static void
hb_sam_card_reader_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  HbSamCardReaderPrivate *priv =
    hb_sam_card_reader_get_instance_private (HB_SAM_CARD_READER (object));
  switch (id)
    {
    case PROP_TRANSPORT:
      priv->transport = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_sam_card_reader_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  HbSamCardReaderPrivate *priv =
    hb_sam_card_reader_get_instance_private (HB_SAM_CARD_READER (object));
  switch (id)
    {
    case PROP_TRANSPORT:
      g_value_set_object (value, priv->transport);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_sam_card_reader_constructed (GObject *object)
{
  HbSamCardReader *self = HB_SAM_CARD_READER (object);
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);

  G_OBJECT_CLASS (hb_sam_card_reader_parent_class)->constructed (object);
  g_return_if_fail (priv->transport != NULL);
  hb_device_set_name (HB_DEVICE (self), hb_transport_get_description (priv->transport));
}

static void
hb_sam_card_reader_class_init (HbSamCardReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  object_class->dispose = hb_sam_card_reader_dispose;
  object_class->finalize = hb_sam_card_reader_finalize;
  object_class->set_property = hb_sam_card_reader_set_property;
  object_class->get_property = hb_sam_card_reader_get_property;
  object_class->constructed = hb_sam_card_reader_constructed;

  device_class->driver_id = "sam";
  device_class->full_name = "ID card reader (SAM)";
  device_class->id_table = id_table;
  device_class->open = hb_sam_card_reader_open;
  device_class->close = hb_sam_card_reader_close;
  device_class->cancel = hb_sam_card_reader_cancel;

  props[PROP_TRANSPORT] =
    g_param_spec_object ("transport", NULL, NULL, HB_TYPE_TRANSPORT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_sam_card_reader_init (HbSamCardReader *self)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  g_mutex_init (&priv->lock);
  g_cond_init (&priv->wake);
  g_cond_init (&priv->checked_cond);
  hb_sam_timing_init (&priv->timing);
  priv->context = g_main_context_ref_thread_default ();
}

HbSamCardReader *
hb_sam_card_reader_new (HbTransport *transport)
{
  return g_object_new (HB_TYPE_SAM_CARD_READER, "transport", transport, NULL);
}

HbTransport *
hb_sam_card_reader_get_transport (HbSamCardReader *self)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  return priv->transport;
}

void
hb_sam_card_reader_set_timing (HbSamCardReader *self, const HbSamTiming *timing)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  g_return_if_fail (priv->thread == NULL);
  priv->timing = *timing;
}

char *
hb_sam_card_reader_dup_sam_id (HbSamCardReader *self)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  char *id;
  g_mutex_lock (&priv->lock);
  id = g_strdup (priv->sam_id);
  g_mutex_unlock (&priv->lock);
  return id;
}

void
hb_sam_card_reader_get_stats (HbSamCardReader *self, HbSamReaderStats *stats)
{
  HbSamCardReaderPrivate *priv = hb_sam_card_reader_get_instance_private (self);
  g_mutex_lock (&priv->lock);
  *stats = priv->stats;
  g_mutex_unlock (&priv->lock);
}
