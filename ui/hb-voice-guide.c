/* hb-voice-guide.c — what the kiosk says, and when. */
#include "ui/hb-voice-guide.h"
#include "ui/hb-window.h"
#include "kiosk/hb-i18n.h"

struct _HbVoiceGuide
{
  GObject       parent_instance;
  HbWindow     *window;      /* borrowed: the window owns the guide */
  HbCore       *core;
  HbVoice      *voice;       /* built the first time guidance is on */
  gboolean      broken;      /* the voice could not be built: silent */
  gboolean      enabled;
  guint         page_idle;
  GPtrArray    *after;       /* char*: said after the page text */
};

G_DEFINE_FINAL_TYPE (HbVoiceGuide, hb_voice_guide, G_TYPE_OBJECT)

enum { PROP_0, PROP_ENABLED, N_PROPS };
static GParamSpec *props[N_PROPS];
enum { SIGNAL_QUEUED, N_SIGNALS };
static guint signals[N_SIGNALS];

static HbVoice *
ensure_voice (HbVoiceGuide *self)
{
  g_autoptr(GError) error = NULL;

  if (self->voice || self->broken)
    return self->voice;
  self->voice = hb_voice_new_from_config (hb_core_get_config (self->core), &error);
  if (self->voice == NULL)
    {
      /* A terminal without speech still serves: say why once, then stay silent. */
      g_message ("voice: guidance is silent: %s", error->message);
      self->broken = TRUE;
    }
  return self->voice;
}

static void
queue (HbVoiceGuide *self, const char *text, HbVoiceWhen when)
{
  HbVoice *voice = ensure_voice (self);
  guint id;

  if (voice == NULL || text == NULL || *text == '\0')
    return;
  id = hb_voice_say (voice, hb_i18n_is_english () ? HB_VOICE_EN : HB_VOICE_ZH, text, when);
  if (id != 0)
    g_signal_emit (self, signals[SIGNAL_QUEUED], 0,
                   hb_page_id_to_string (hb_window_get_page_id (self->window)), id, text);
}

static gboolean
speak_page (gpointer data)
{
  HbVoiceGuide *self = data;
  HbPage *page = hb_window_get_page (self->window, hb_window_get_page_id (self->window));
  g_autofree char *text = page ? hb_page_get_spoken_text (page) : NULL;

  self->page_idle = 0;
  if (text)
    queue (self, text, HB_VOICE_SAY_NOW);
  else if (self->voice)
    hb_voice_stop (self->voice);   /* a silent page still silences the old one */
  for (guint i = 0; i < self->after->len; i++)
    queue (self, self->after->pdata[i], text || i > 0 ? HB_VOICE_SAY_AFTER : HB_VOICE_SAY_NOW);
  g_ptr_array_set_size (self->after, 0);
  return G_SOURCE_REMOVE;
}

void
hb_voice_guide_page_changed (HbVoiceGuide *self)
{
  g_return_if_fail (HB_IS_VOICE_GUIDE (self));
  if (!self->enabled || self->page_idle != 0)
    return;
  self->page_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, speak_page, self, NULL);
}

void
hb_voice_guide_say (HbVoiceGuide *self, const char *text)
{
  g_return_if_fail (HB_IS_VOICE_GUIDE (self));
  if (!self->enabled || text == NULL || *text == '\0')
    return;
  if (self->page_idle != 0)
    g_ptr_array_add (self->after, g_strdup (text));
  else
    queue (self, text, HB_VOICE_SAY_NOW);
}

static void
silence (HbVoiceGuide *self)
{
  g_clear_handle_id (&self->page_idle, g_source_remove);
  g_ptr_array_set_size (self->after, 0);
  if (self->voice)
    hb_voice_stop (self->voice);
}

void
hb_voice_guide_set_enabled (HbVoiceGuide *self, gboolean enabled)
{
  g_return_if_fail (HB_IS_VOICE_GUIDE (self));
  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_message ("voice: guidance %s", enabled ? "on" : "off");
  if (enabled)
    hb_voice_guide_page_changed (self);   /* say where the resident is */
  else
    silence (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ENABLED]);
}

gboolean
hb_voice_guide_get_enabled (HbVoiceGuide *self)
{
  g_return_val_if_fail (HB_IS_VOICE_GUIDE (self), FALSE);
  return self->enabled;
}

HbVoice *
hb_voice_guide_get_voice (HbVoiceGuide *self)
{
  g_return_val_if_fail (HB_IS_VOICE_GUIDE (self), NULL);
  return self->voice;
}

/* H23's window property: 长辈模式 for this visit. */
static gboolean
has_elder_mode (HbVoiceGuide *self)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (self->window), "elder-mode") != NULL;
}

static gboolean
default_enabled (HbVoiceGuide *self)
{
  gboolean elder = FALSE;
  if (has_elder_mode (self))
    g_object_get (self->window, "elder-mode", &elder, NULL);
  return elder || hb_config_get_bool (hb_core_get_config (self->core), "voice", "enabled_default");
}

static void
on_elder_mode (HbVoiceGuide *self)
{
  hb_voice_guide_set_enabled (self, default_enabled (self));
}

static void
on_page_shown (HbWindow *window, int id, HbPage *page, HbVoiceGuide *self)
{
  hb_voice_guide_page_changed (self);
}

/* Guidance is per visit: a switch flipped by one resident does not carry to the next. */
static void
on_state_changed (HbSession *session, HbSessionState old, HbSessionState state,
                  HbVoiceGuide *self)
{
  if (state == HB_SESSION_WIPED)
    hb_voice_guide_set_enabled (self, default_enabled (self));
}

static void
hb_voice_guide_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
    case PROP_ENABLED:
      g_value_set_boolean (value, HB_VOICE_GUIDE (object)->enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_voice_guide_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
    case PROP_ENABLED:
      hb_voice_guide_set_enabled (HB_VOICE_GUIDE (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_voice_guide_dispose (GObject *object)
{
  HbVoiceGuide *self = HB_VOICE_GUIDE (object);

  g_clear_handle_id (&self->page_idle, g_source_remove);
  g_clear_object (&self->voice);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (hb_voice_guide_parent_class)->dispose (object);
}

static void
hb_voice_guide_finalize (GObject *object)
{
  g_ptr_array_unref (HB_VOICE_GUIDE (object)->after);
  G_OBJECT_CLASS (hb_voice_guide_parent_class)->finalize (object);
}

static void
hb_voice_guide_class_init (HbVoiceGuideClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = hb_voice_guide_get_property;
  object_class->set_property = hb_voice_guide_set_property;
  object_class->dispose = hb_voice_guide_dispose;
  object_class->finalize = hb_voice_guide_finalize;

  props[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, FALSE,
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                              G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_QUEUED] =
    g_signal_new ("queued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
}

static void
hb_voice_guide_init (HbVoiceGuide *self)
{
  self->after = g_ptr_array_new_with_free_func (g_free);
}

HbVoiceGuide *
hb_voice_guide_new (HbWindow *window, HbCore *core)
{
  HbVoiceGuide *self = g_object_new (HB_TYPE_VOICE_GUIDE, NULL);

  self->window = window;
  self->core = g_object_ref (core);
  g_signal_connect_object (hb_core_get_session (core), "state-changed",
                           G_CALLBACK (on_state_changed), self, 0);
  g_signal_connect_object (window, "page-shown", G_CALLBACK (on_page_shown), self, 0);
  if (has_elder_mode (self))
    g_signal_connect_object (window, "notify::elder-mode", G_CALLBACK (on_elder_mode), self,
                             G_CONNECT_SWAPPED);
  self->enabled = default_enabled (self);
  return self;
}
