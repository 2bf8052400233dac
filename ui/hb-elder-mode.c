/* hb-elder-mode.c — 长辈模式 state, its timeouts and its end with the visit. */
#include "ui/hb-elder-mode.h"

struct _HbElderMode
{
  GObject   parent_instance;
  HbCore   *core;      /* owned */
  gboolean  active;
};

G_DEFINE_FINAL_TYPE (HbElderMode, hb_elder_mode, G_TYPE_OBJECT)

enum { PROP_0, PROP_ACTIVE, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
apply_timeouts (HbElderMode *self)
{
  HbConfig *config = hb_core_get_config (self->core);
  const char *idle = self->active ? "elder_idle_timeout" : "idle_timeout";
  const char *warning = self->active ? "elder_warning_seconds" : "warning_seconds";

  hb_session_set_idle_seconds (hb_core_get_session (self->core),
                               (guint) hb_config_get_int (config, "session", idle),
                               (guint) hb_config_get_int (config, "session", warning));
}

gboolean
hb_elder_mode_get_active (HbElderMode *self)
{
  g_return_val_if_fail (HB_IS_ELDER_MODE (self), FALSE);
  return self->active;
}

void
hb_elder_mode_set_active (HbElderMode *self, gboolean active)
{
  g_return_if_fail (HB_IS_ELDER_MODE (self));
  active = !!active;
  if (self->active == active)
    return;
  self->active = active;
  g_message ("elder mode: %s", active ? "on" : "off");
  apply_timeouts (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE]);
}

guint
hb_elder_mode_columns (gboolean active, guint standard_columns)
{
  return active ? 1 : MAX (standard_columns, 1u);
}

/* The mode belongs to one visit: the next resident starts in the standard mode. */
static void
on_state_changed (HbSession *session, HbSessionState old, HbSessionState state,
                  HbElderMode *self)
{
  if (state == HB_SESSION_WIPED)
    hb_elder_mode_set_active (self, FALSE);
}

static void
hb_elder_mode_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  HbElderMode *self = HB_ELDER_MODE (object);
  switch (id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_elder_mode_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  HbElderMode *self = HB_ELDER_MODE (object);
  switch (id)
    {
    case PROP_ACTIVE:
      hb_elder_mode_set_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_elder_mode_dispose (GObject *object)
{
  HbElderMode *self = HB_ELDER_MODE (object);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (hb_elder_mode_parent_class)->dispose (object);
}

static void
hb_elder_mode_class_init (HbElderModeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hb_elder_mode_dispose;
  object_class->get_property = hb_elder_mode_get_property;
  object_class->set_property = hb_elder_mode_set_property;
  props[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
hb_elder_mode_init (HbElderMode *self)
{
}

HbElderMode *
hb_elder_mode_new (HbCore *core)
{
  HbElderMode *self = g_object_new (HB_TYPE_ELDER_MODE, NULL);

  self->core = g_object_ref (core);
  g_signal_connect_object (hb_core_get_session (core), "state-changed",
                           G_CALLBACK (on_state_changed), self, 0);
  return self;
}
