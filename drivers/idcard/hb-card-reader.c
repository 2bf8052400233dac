/* hb-card-reader.c — the ID card reader kind: media state and card events. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/idcard/hb-card-reader.h"
#include "drivers/hb-device-private.h"

G_DEFINE_ENUM_TYPE (HbCardMedia, hb_card_media,
  G_DEFINE_ENUM_VALUE (HB_CARD_MEDIA_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (HB_CARD_MEDIA_NOT_PRESENT, "not-present"),
  G_DEFINE_ENUM_VALUE (HB_CARD_MEDIA_PRESENT, "present"))

const char *
hb_card_media_to_string (HbCardMedia media)
{
  switch (media)
    {
    case HB_CARD_MEDIA_NOT_PRESENT: return "not-present";
    case HB_CARD_MEDIA_PRESENT:     return "present";
    case HB_CARD_MEDIA_UNKNOWN:
    default:                        return "unknown";
    }
}

typedef struct
{
  HbCardMedia media;
} HbCardReaderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HbCardReader, hb_card_reader, HB_TYPE_DEVICE)

enum {
  PROP_0,
  PROP_MEDIA,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_CARD_READ,
  SIGNAL_CARD_REMOVED,
  SIGNAL_READ_FAILED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
hb_card_reader_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_MEDIA:
      g_value_set_enum (value, hb_card_reader_get_media (HB_CARD_READER (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hb_card_reader_describe (HbDevice *device, JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "media");
  json_builder_add_string_value (builder,
                                 hb_card_media_to_string (hb_card_reader_get_media (HB_CARD_READER (device))));
}

static void
hb_card_reader_class_init (HbCardReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HbDeviceClass *device_class = HB_DEVICE_CLASS (klass);

  object_class->get_property = hb_card_reader_get_property;
  device_class->kind = HB_DEVICE_KIND_IDCARD;
  device_class->describe = hb_card_reader_describe;

  props[PROP_MEDIA] =
    g_param_spec_enum ("media", NULL, NULL, HB_TYPE_CARD_MEDIA, HB_CARD_MEDIA_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* The card is only valid during emission (static scope): handlers copy what they keep. */
  signals[SIGNAL_CARD_READ] =
    g_signal_new ("card-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HB_TYPE_IDCARD | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_CARD_REMOVED] =
    g_signal_new ("card-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_READ_FAILED] =
    g_signal_new ("read-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hb_card_reader_init (HbCardReader *self)
{
}

HbCardMedia
hb_card_reader_get_media (HbCardReader *self)
{
  HbCardReaderPrivate *priv;

  g_return_val_if_fail (HB_IS_CARD_READER (self), HB_CARD_MEDIA_UNKNOWN);
  priv = hb_card_reader_get_instance_private (self);
  return priv->media;
}

void
hb_card_reader_set_media (HbCardReader *self, HbCardMedia media)
{
  HbCardReaderPrivate *priv;
  HbCardMedia old;

  g_return_if_fail (HB_IS_CARD_READER (self));
  priv = hb_card_reader_get_instance_private (self);
  if (priv->media == media)
    return;
  old = priv->media;
  priv->media = media;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MEDIA]);
  /* The card left (or we can no longer tell that it is there, e.g. unplugged). */
  if (old == HB_CARD_MEDIA_PRESENT)
    g_signal_emit (self, signals[SIGNAL_CARD_REMOVED], 0);
}

void
hb_card_reader_emit_card (HbCardReader *self, const HbIdCard *card)
{
  g_return_if_fail (HB_IS_CARD_READER (self));
  g_return_if_fail (card != NULL);

  g_signal_emit (self, signals[SIGNAL_CARD_READ], 0, card);
}

void
hb_card_reader_emit_failed (HbCardReader *self, const GError *error)
{
  g_return_if_fail (HB_IS_CARD_READER (self));
  g_return_if_fail (error != NULL);

  g_signal_emit (self, signals[SIGNAL_READ_FAILED], 0, error);
}
