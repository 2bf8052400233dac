/* hb-virtual-card-reader.c — ID card reader whose cards arrive over the simulator socket. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/virtual/hb-virtual-device-private.h"
#include "drivers/hb-device-private.h"

struct _HbVirtualCardReader
{
  HbCardReader parent_instance;

  HbVirtualPlug plug;
};

G_DEFINE_FINAL_TYPE (HbVirtualCardReader, hb_virtual_card_reader, HB_TYPE_CARD_READER)

static const HbDeviceIdEntry id_table[] = {
  { .virtual_id = "virtual-idcard" },
  { .vid = 0, .virtual_id = NULL },
};

static void
update_status (HbVirtualCardReader *self)
{
  hb_virtual_plug_update_status (&self->plug, HB_DEVICE (self), HB_DEVICE_STATUS_ONLINE, NULL);
}

static void
hb_virtual_card_reader_open (HbDevice *device, GTask *task)
{
  HbVirtualCardReader *self = HB_VIRTUAL_CARD_READER (device);

  self->plug.opened = TRUE;
  if (!self->plug.unplugged)
    hb_card_reader_set_media (HB_CARD_READER (self), HB_CARD_MEDIA_NOT_PRESENT);
  update_status (self);
  g_task_return_boolean (task, TRUE);
}

static void
hb_virtual_card_reader_close (HbDevice *device, GTask *task)
{
  HbVirtualCardReader *self = HB_VIRTUAL_CARD_READER (device);

  self->plug.opened = FALSE;
  hb_card_reader_set_media (HB_CARD_READER (self), HB_CARD_MEDIA_UNKNOWN);
  g_task_return_boolean (task, TRUE);
}

static void
hb_virtual_card_reader_class_init (HbVirtualCardReaderClass *klass)
{
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  device_class->driver_id = "virtual-idcard";
  device_class->full_name = "Virtual ID card reader";
  device_class->id_table = id_table;
  device_class->open = hb_virtual_card_reader_open;
  device_class->close = hb_virtual_card_reader_close;
}

static void
hb_virtual_card_reader_init (HbVirtualCardReader *self)
{
}

HbVirtualCardReader *
hb_virtual_card_reader_new (void)
{
  return g_object_new (HB_TYPE_VIRTUAL_CARD_READER, NULL);
}

gboolean
hb_virtual_card_reader_insert (HbVirtualCardReader *self, const char *json, gsize length,
                               GError **error)
{
  g_autoptr(HbIdCard) card = NULL;

  g_return_val_if_fail (HB_IS_VIRTUAL_CARD_READER (self), FALSE);
  g_return_val_if_fail (json != NULL || length == 0, FALSE);

  if (!hb_virtual_plug_check (&self->plug, "card reader", error))
    return FALSE;
  card = hb_idcard_new_from_json_data (json ? json : "", (gssize) length, error);
  if (card == NULL)
    return FALSE;

  /* Swapping cards quickly looks like remove + place to a real reader too. */
  if (hb_card_reader_get_media (HB_CARD_READER (self)) == HB_CARD_MEDIA_PRESENT)
    hb_card_reader_set_media (HB_CARD_READER (self), HB_CARD_MEDIA_NOT_PRESENT);
  hb_card_reader_set_media (HB_CARD_READER (self), HB_CARD_MEDIA_PRESENT);
  hb_card_reader_emit_card (HB_CARD_READER (self), card);
  /* g_autoptr wipes our copy (hb_idcard_free). */
  return TRUE;
}

gboolean
hb_virtual_card_reader_remove (HbVirtualCardReader *self, GError **error)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_CARD_READER (self), FALSE);

  if (!hb_virtual_plug_check (&self->plug, "card reader", error))
    return FALSE;
  hb_card_reader_set_media (HB_CARD_READER (self), HB_CARD_MEDIA_NOT_PRESENT);
  return TRUE;
}

void
hb_virtual_card_reader_set_plugged (HbVirtualCardReader *self, gboolean plugged)
{
  g_return_if_fail (HB_IS_VIRTUAL_CARD_READER (self));

  if (!hb_virtual_plug_set (&self->plug, HB_DEVICE (self), plugged))
    return;
  if (self->plug.unplugged)
    /* Gone with the reader: "card-removed" if a card was on it. */
    hb_card_reader_set_media (HB_CARD_READER (self), HB_CARD_MEDIA_UNKNOWN);
  else if (self->plug.opened)
    hb_card_reader_set_media (HB_CARD_READER (self), HB_CARD_MEDIA_NOT_PRESENT);
  update_status (self);
}

gboolean
hb_virtual_card_reader_get_plugged (HbVirtualCardReader *self)
{
  g_return_val_if_fail (HB_IS_VIRTUAL_CARD_READER (self), FALSE);
  return !self->plug.unplugged;
}
