/* hb-virtual-card-reader.c — the SAM driver over a pipe to a simulated SAM module. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/transport/hb-pipe-transport.h"
#include "drivers/hb-device-private.h"

/* Quick enough that a demo feels immediate, slow enough to cost nothing at idle. */
#define VIRTUAL_POLL_MS   250
#define VIRTUAL_REOPEN_MS 250

struct _HbVirtualCardReader
{
  HbSamCardReader parent_instance;
  HbSamSim       *sim;        /* owned by the transport (its peer) */
  gboolean        unplugged;
};

G_DEFINE_FINAL_TYPE (HbVirtualCardReader, hb_virtual_card_reader, HB_TYPE_SAM_CARD_READER)

static const HbDeviceIdEntry id_table[] = {
  { .virtual_id = "virtual-idcard" },
  { .vid = 0, .virtual_id = NULL },
};

static GBytes *
sim_peer (const guint8 *data, gsize len, gpointer user_data)
{
  return hb_sam_sim_process (user_data, data, len);
}

static void
hb_virtual_card_reader_class_init (HbVirtualCardReaderClass *klass)
{
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  device_class->driver_id = "virtual-idcard";
  device_class->full_name = "Virtual ID card reader (simulated SAM)";
  device_class->id_table = id_table;
}

static void
hb_virtual_card_reader_init (HbVirtualCardReader *self)
{
}

HbVirtualCardReader *
hb_virtual_card_reader_new (void)
{
  HbSamSim *sim = hb_sam_sim_new ();
  g_autoptr(HbPipeTransport) pipe =
    hb_pipe_transport_new (sim_peer, sim, (GDestroyNotify) hb_sam_sim_free);
  HbVirtualCardReader *self;
  HbSamTiming timing;

  hb_transport_set_description (HB_TRANSPORT (pipe), "pipe:virtual-sam");
  /* At the speed of a real reader's line, so a demo read takes as long as a real one
   * (≈ 120 ms) and the driver's timeouts meet realistic answers. */
  hb_pipe_transport_set_baud (pipe, 115200);
  self = g_object_new (HB_TYPE_VIRTUAL_CARD_READER, "transport", pipe, NULL);
  self->sim = sim;
  hb_sam_timing_init (&timing);
  timing.poll_ms = VIRTUAL_POLL_MS;
  timing.reopen_ms = VIRTUAL_REOPEN_MS;
  hb_sam_card_reader_set_timing (HB_SAM_CARD_READER (self), &timing);
  return self;
}

HbSamSim *
hb_virtual_card_reader_get_sim (HbVirtualCardReader *self)
{
  return self->sim;
}

static gboolean
check_usable (HbVirtualCardReader *self, GError **error)
{
  HbVirtualPlug plug = { .opened = hb_device_is_open (HB_DEVICE (self)),
                         .unplugged = self->unplugged };
  return hb_virtual_plug_check (&plug, "card reader", error);
}

gboolean
hb_virtual_card_reader_insert (HbVirtualCardReader *self, const char *json, gsize length,
                               GError **error)
{
  g_autoptr(HbIdCard) card = NULL;

  g_return_val_if_fail (HB_IS_VIRTUAL_CARD_READER (self), FALSE);
  if (!check_usable (self, error))
    return FALSE;
  card = hb_idcard_new_from_json_data (json ? json : "", (gssize) length, error);
  if (card == NULL)
    return FALSE;
  /* The SAM copies it; ours is wiped by g_autoptr. */
  hb_sam_sim_set_card (self->sim, card, card->address_appended);
  return TRUE;
}

gboolean
hb_virtual_card_reader_remove (HbVirtualCardReader *self, GError **error)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_CARD_READER (self), FALSE);
  if (!check_usable (self, error))
    return FALSE;
  hb_sam_sim_set_card (self->sim, NULL, NULL);
  return TRUE;
}

void
hb_virtual_card_reader_set_plugged (HbVirtualCardReader *self, gboolean plugged)
{
  g_return_if_fail (HB_IS_VIRTUAL_CARD_READER (self));
  if (self->unplugged == !plugged)
    return;
  self->unplugged = !plugged;
  if (self->unplugged)
    {
      /* Whatever lay on it leaves with the reader. */
      hb_sam_sim_set_card (self->sim, NULL, NULL);
      hb_device_cancel (HB_DEVICE (self));
    }
  /* The driver sees the line go and come back, as with a real USB-serial reader. */
  hb_pipe_transport_set_connected (HB_PIPE_TRANSPORT (hb_sam_card_reader_get_transport (HB_SAM_CARD_READER (self))),
                                   plugged);
}

gboolean
hb_virtual_card_reader_get_plugged (HbVirtualCardReader *self)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_CARD_READER (self), FALSE);
  return !self->unplugged;
}
