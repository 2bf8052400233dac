/* hb-help-call.c — 帮办 request and countdown (see the header). */
#include "kiosk/hb-help-call.h"
#include "common/hb-json.h"

#include <string.h>

#define REPLY_MAX (16 * 1024)
#define ID_MAX    64

struct _HbHelpCall
{
  GObject       parent_instance;
  HbSync       *sync;
  char         *terminal_id, *service_code, *page, *language;
  char         *key;            /* the request's Idempotency-Key: a retry is the same call */
  char         *id;             /* the desk's id, once known */
  guint         poll_ms;
  HbHelpState   state;
  guint         target_s;
  gint64        started_us;     /* monotonic, at the desk's answer */
  char         *agent_name, *agent_number;
  GCancellable *cancellable;
  guint         poll_source, tick_source;
};

G_DEFINE_FINAL_TYPE (HbHelpCall, hb_help_call, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
changed (HbHelpCall *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
stop_timers (HbHelpCall *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_handle_id (&self->tick_source, g_source_remove);
}

static void
set_state (HbHelpCall *self, HbHelpState state)
{
  self->state = state;
  if (state != HB_HELP_WAITING && state != HB_HELP_CALLING)
    stop_timers (self);
  changed (self);
}

/* A short text from the desk (an id, a status, a name that is shown), or NULL when absent,
 * empty or not printable text. (transfer full) */
static char *
member_text (JsonObject *o, const char *name, gsize max)
{
  gboolean bad = FALSE;
  char *s = o ? hb_json_dup_text_member (o, name, max, &bad) : NULL;
  if (s && *s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

static gboolean poll_now (gpointer data);

static void
apply_status (HbHelpCall *self, JsonObject *o)
{
  g_autofree char *status = member_text (o, "status", 32);
  JsonObject *agent = o && json_object_has_member (o, "agent")
                      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "agent"))
                      ? json_object_get_object_member (o, "agent") : NULL;

  if (g_strcmp0 (status, "connected") == 0)
    {
      g_free (self->agent_name);
      g_free (self->agent_number);
      self->agent_name = member_text (agent, "name", 64);
      self->agent_number = member_text (agent, "number", 32);
      set_state (self, HB_HELP_CONNECTED);
    }
  else if (g_strcmp0 (status, "closed") == 0)
    set_state (self, HB_HELP_CLOSED);
}

static void
polled (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbHelpCall) self = data;
  g_autoptr(GError) error = NULL;
  guint status = 0;
  g_autofree char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  g_autoptr(JsonObject) o = NULL;

  if (self->state != HB_HELP_WAITING)
    return;   /* cancelled or ended meanwhile */
  if (body && status == 200)
    o = hb_json_parse_object (body, -1, REPLY_MAX, 4, NULL);
  if (o)
    apply_status (self, o);
  /* A failed poll is not the end: the desk has the request; ask again later. */
  if (self->state == HB_HELP_WAITING
      && hb_help_call_get_waited_seconds (self) >= HB_HELP_CALL_MAX_WAIT_S)
    set_state (self, HB_HELP_CLOSED);
  else if (self->state == HB_HELP_WAITING)
    self->poll_source = g_timeout_add (self->poll_ms, poll_now, self);
}

static gboolean
poll_now (gpointer data)
{
  HbHelpCall *self = data;
  g_autofree char *path = g_strdup_printf ("/v1/help-requests/%s", self->id);
  self->poll_source = 0;
  hb_sync_request_async (self->sync, "GET", path, NULL, self->cancellable, polled,
                         g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static gboolean
tick (gpointer data)
{
  changed (data);   /* the countdown moved */
  return G_SOURCE_CONTINUE;
}

/* The desk's id goes into a URL path: only [A-Za-z0-9_-]. */
static gboolean
id_ok (const char *id)
{
  if (id == NULL || strlen (id) > ID_MAX)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static void
requested (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbHelpCall) self = data;
  g_autoptr(GError) error = NULL;
  guint status = 0;
  g_autofree char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  g_autoptr(JsonObject) o = NULL;
  g_autofree char *id = NULL;

  if (self->state != HB_HELP_CALLING)
    return;
  if (body && (status == 200 || status == 201))
    o = hb_json_parse_object (body, -1, REPLY_MAX, 4, NULL);
  id = member_text (o, "id", ID_MAX);
  if (o == NULL || !id_ok (id))
    {
      g_message ("help: the help desk cannot be reached (%s)",
                 error ? error->message : "no usable answer");
      set_state (self, HB_HELP_OFFLINE);
      return;
    }
  self->id = g_steal_pointer (&id);
  if (json_object_has_member (o, "target_seconds")
      && JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "target_seconds")))
    {
      gint64 t = json_object_get_int_member (o, "target_seconds");
      if (t > 0 && t <= HB_HELP_CALL_MAX_WAIT_S)
        self->target_s = (guint) t;
    }
  self->started_us = g_get_monotonic_time ();
  g_message ("help: request %s waiting for an agent", self->id);
  self->state = HB_HELP_WAITING;
  apply_status (self, o);   /* the desk may answer at once */
  if (self->state != HB_HELP_WAITING)
    return;
  changed (self);
  self->tick_source = g_timeout_add_seconds (1, tick, self);
  self->poll_source = g_timeout_add (self->poll_ms, poll_now, self);
}

void
hb_help_call_start (HbHelpCall *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (self->state == HB_HELP_CALLING && self->key == NULL);
  self->key = g_uuid_string_random ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, self->terminal_id);
  if (self->service_code)
    {
      json_builder_set_member_name (b, "service_code");
      json_builder_add_string_value (b, self->service_code);
    }
  json_builder_set_member_name (b, "page");
  json_builder_add_string_value (b, self->page);
  json_builder_set_member_name (b, "language");
  json_builder_add_string_value (b, self->language);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);
  changed (self);
  hb_sync_request_with_key_async (self->sync, "POST", "/v1/help-requests", body, self->key,
                                  self->cancellable, requested, g_object_ref (self));
}

static void
withdrawn (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_free (hb_sync_request_finish (HB_SYNC (source), result, NULL, &error));
  if (error)
    g_message ("help: could not withdraw the request: %s", error->message);
}

void
hb_help_call_cancel (HbHelpCall *self)
{
  g_cancellable_cancel (self->cancellable);
  stop_timers (self);
  /* The resident left before an agent answered: tell the desk, so nobody calls an empty
   * terminal (best effort; the desk closes stale requests itself). */
  if (self->state == HB_HELP_WAITING && self->id)
    {
      g_autofree char *path = g_strdup_printf ("/v1/help-requests/%s", self->id);
      hb_sync_request_async (self->sync, "DELETE", path, NULL, NULL, withdrawn, NULL);
    }
  if (self->state == HB_HELP_CALLING || self->state == HB_HELP_WAITING)
    self->state = HB_HELP_CLOSED;
}

HbHelpState
hb_help_call_get_state (HbHelpCall *self)
{
  return self->state;
}

const char *
hb_help_call_get_id (HbHelpCall *self)
{
  return self->id;
}

guint
hb_help_call_get_waited_seconds (HbHelpCall *self)
{
  if (self->started_us == 0)
    return 0;
  return (guint) ((g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC);
}

guint
hb_help_call_get_seconds_left (HbHelpCall *self)
{
  guint waited = hb_help_call_get_waited_seconds (self);
  return waited >= self->target_s ? 0 : self->target_s - waited;
}

const char *
hb_help_call_get_agent_name (HbHelpCall *self)
{
  return self->agent_name;
}

const char *
hb_help_call_get_agent_number (HbHelpCall *self)
{
  return self->agent_number;
}

HbHelpCall *
hb_help_call_new (HbSync *sync, const char *terminal_id, const char *service_code,
                  const char *page, const char *language, guint poll_ms)
{
  HbHelpCall *self = g_object_new (HB_TYPE_HELP_CALL, NULL);
  self->sync = g_object_ref (sync);
  self->terminal_id = g_strdup (terminal_id ? terminal_id : "");
  self->service_code = g_strdup (service_code);
  self->page = g_strdup (page ? page : "unknown");
  self->language = g_strdup (language ? language : "zh_CN");
  self->poll_ms = poll_ms ? poll_ms : 2000;
  return self;
}

static void
hb_help_call_dispose (GObject *object)
{
  HbHelpCall *self = HB_HELP_CALL (object);
  g_cancellable_cancel (self->cancellable);
  stop_timers (self);
  g_clear_object (&self->sync);
  G_OBJECT_CLASS (hb_help_call_parent_class)->dispose (object);
}

static void
hb_help_call_finalize (GObject *object)
{
  HbHelpCall *self = HB_HELP_CALL (object);
  g_free (self->terminal_id);
  g_free (self->service_code);
  g_free (self->page);
  g_free (self->language);
  g_free (self->key);
  g_free (self->id);
  g_free (self->agent_name);
  g_free (self->agent_number);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (hb_help_call_parent_class)->finalize (object);
}

static void
hb_help_call_class_init (HbHelpCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = hb_help_call_dispose;
  object_class->finalize = hb_help_call_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
hb_help_call_init (HbHelpCall *self)
{
  self->cancellable = g_cancellable_new ();
  self->target_s = HB_HELP_CALL_TARGET_S;
  self->state = HB_HELP_CALLING;
}
