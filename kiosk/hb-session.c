/* hb-session.c — the visit state machine and its idle timeout. */
#include "kiosk/hb-session.h"
#include "common/hb-json.h"

#include <string.h>

struct _HbSession
{
  GObject         parent_instance;
  HbSessionState  state;
  HbPerson       *person;
  HbService      *service;
  HbForm         *form;
  GPtrArray      *members;         /* a bundle's: its members' forms (HbForm*), in order */
  HbSubmission   *submission;
  guint           visit_number;
  /* Pre-fill sources besides the person (hb_session_set_prefill): deep copies, wiped with
   * the visit. A form made before a source arrived is made again while untouched. */
  HbPrefill       prefill;
  guint           prefill_serial;  /* bumped whenever a source arrives */
  guint           form_serial;     /* the prefill_serial self->form was made with */
  gboolean        form_touched;    /* the resident changed self->form */
  HbPerson       *agent;           /* 企业登录: the resident acting for the business */
  char           *agent_role;

  guint           idle_ms;
  guint           warning_ms;
  guint           idle_source;     /* fires when the idle period ends */
  guint           tick_source;     /* 1 s countdown during the warning */
  gint64          warning_deadline;
  guint           hold;            /* idle clock held while > 0 */
};

G_DEFINE_FINAL_TYPE (HbSession, hb_session, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (HbSessionState, hb_session_state,
  G_DEFINE_ENUM_VALUE (HB_SESSION_ATTRACT, "attract"),
  G_DEFINE_ENUM_VALUE (HB_SESSION_IDENTIFIED, "identified"),
  G_DEFINE_ENUM_VALUE (HB_SESSION_IN_SERVICE, "in-service"),
  G_DEFINE_ENUM_VALUE (HB_SESSION_DONE, "done"),
  G_DEFINE_ENUM_VALUE (HB_SESSION_ABANDONED, "abandoned"),
  G_DEFINE_ENUM_VALUE (HB_SESSION_RATING, "rating"),
  G_DEFINE_ENUM_VALUE (HB_SESSION_WIPED, "wiped"))

enum { SIGNAL_STATE_CHANGED, SIGNAL_IDLE_WARNING, SIGNAL_IDLE_EXTENDED, SIGNAL_WIPED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *props[N_PROPS];

const char *
hb_session_state_to_string (HbSessionState state)
{
  GEnumClass *klass = g_type_class_ref (HB_TYPE_SESSION_STATE);
  GEnumValue *v = g_enum_get_value (klass, state);
  g_type_class_unref (klass);   /* static type: the class stays alive */
  return v ? v->value_nick : "unknown";
}

HbSubmission *
hb_submission_new (const char *key, const char *case_number, const char *queued_reference)
{
  HbSubmission *s = g_new0 (HbSubmission, 1);
  s->idempotency_key = g_strdup (key);
  s->case_number = g_strdup (case_number);
  s->queued = case_number == NULL;
  s->reference = g_strdup (case_number ? case_number : queued_reference);
  return s;
}

void
hb_submission_free (HbSubmission *s)
{
  if (s == NULL)
    return;
  g_free (s->idempotency_key);
  g_free (s->reference);
  g_free (s->case_number);
  g_free (s->service_code);
  g_clear_pointer (&s->members, g_ptr_array_unref);
  g_free (s);
}

/* --- idle clock ------------------------------------------------------------------- */

static void
stop_timers (HbSession *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->tick_source, g_source_remove);
}

static guint
seconds_left (HbSession *self)
{
  gint64 left = self->warning_deadline - g_get_monotonic_time ();
  return left <= 0 ? 0 : (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

static gboolean
on_tick (gpointer data)
{
  HbSession *self = data;
  guint left = seconds_left (self);

  if (left == 0)
    {
      self->tick_source = 0;
      g_message ("session: idle timeout, wiping visit %u", self->visit_number);
      hb_session_wipe (self, HB_WIPE_TIMEOUT);
      return G_SOURCE_REMOVE;
    }
  g_signal_emit (self, signals[SIGNAL_IDLE_WARNING], 0, left);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_idle_expired (gpointer data)
{
  HbSession *self = data;
  guint tick_ms = MIN (1000u, self->warning_ms);

  self->idle_source = 0;
  self->warning_deadline = g_get_monotonic_time () + (gint64) self->warning_ms * 1000;
  g_debug ("session: idle, warning for %u ms", self->warning_ms);
  g_signal_emit (self, signals[SIGNAL_IDLE_WARNING], 0, seconds_left (self));
  self->tick_source = g_timeout_add (tick_ms, on_tick, self);
  return G_SOURCE_REMOVE;
}

static void
restart_idle (HbSession *self)
{
  gboolean was_warning = self->tick_source != 0;

  stop_timers (self);
  if (self->state != HB_SESSION_ATTRACT && self->state != HB_SESSION_WIPED && self->hold == 0)
    self->idle_source = g_timeout_add (self->idle_ms, on_idle_expired, self);
  if (was_warning)
    g_signal_emit (self, signals[SIGNAL_IDLE_EXTENDED], 0);
}

void
hb_session_touch (HbSession *self)
{
  g_return_if_fail (HB_IS_SESSION (self));
  if (self->state == HB_SESSION_ATTRACT)
    return;
  restart_idle (self);
}

void
hb_session_extend (HbSession *self)
{
  hb_session_touch (self);
}

gboolean
hb_session_is_warning (HbSession *self)
{
  return self->tick_source != 0;
}

void
hb_session_hold_idle (HbSession *self)
{
  self->hold++;
  restart_idle (self);
}

void
hb_session_release_idle (HbSession *self)
{
  g_return_if_fail (self->hold > 0);
  self->hold--;
  restart_idle (self);
}

/* --- state ------------------------------------------------------------------------ */

static void
set_state (HbSession *self, HbSessionState state)
{
  HbSessionState old = self->state;
  if (old == state)
    return;
  self->state = state;
  g_debug ("session: %s → %s", hb_session_state_to_string (old),
           hb_session_state_to_string (state));
  restart_idle (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, old, state);
}

static void
wipe_members (HbSession *self)
{
  for (guint i = 0; self->members && i < self->members->len; i++)
    hb_form_wipe (self->members->pdata[i]);
  g_clear_pointer (&self->members, g_ptr_array_unref);
}

/* --- pre-fill sources and 企业登录 (H21) ------------------------------------------------ */

static void
drop_source (JsonObject **o)
{
  if (*o == NULL)
    return;
  hb_json_object_wipe (*o);
  g_clear_pointer (o, json_object_unref);
}

static void
clear_prefill (HbSession *self)
{
  drop_source (&self->prefill.profile);
  drop_source (&self->prefill.history);
  drop_source (&self->prefill.enterprise);
  if (self->agent)
    hb_person_wipe (self->agent);
  g_clear_object (&self->agent);
  g_clear_pointer (&self->agent_role, g_free);
}

static void
on_form_changed (HbForm *form, const char *field_id, HbSession *self)
{
  if (form == self->form)
    self->form_touched = TRUE;
}

/* The form of service for whoever the visit is for: the resident acting for a business
 * fills in their own details (经办人) beside the enterprise's. */
static HbForm *
make_form (HbSession *self, HbService *service)
{
  HbForm *form = hb_form_new_full (service, self->agent ? self->agent : self->person,
                                   &self->prefill);
  g_signal_connect_object (form, "changed", G_CALLBACK (on_form_changed), self, 0);
  self->form_serial = self->prefill_serial;
  self->form_touched = FALSE;
  return form;
}

/* A copy of the scalar members (sources are flat): new strings, as the caller wipes and
 * frees its own (json_node_copy would share them). */
static JsonObject *
copy_source (JsonObject *o)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *v;

  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &name, &v))
    {
      if (!JSON_NODE_HOLDS_VALUE (v))
        continue;
      if (json_node_get_value_type (v) == G_TYPE_STRING)
        json_object_set_string_member (copy, name, json_node_get_string (v));
      else if (json_node_get_value_type (v) == G_TYPE_INT64)
        json_object_set_int_member (copy, name, json_node_get_int (v));
      /* no form field takes the others */
    }
  return copy;
}

void
hb_session_set_prefill (HbSession *self, const HbPrefill *prefill)
{
  g_return_if_fail (HB_IS_SESSION (self) && prefill != NULL);
  if (self->state == HB_SESSION_ATTRACT || self->state == HB_SESSION_WIPED)
    return;   /* the visit it was fetched for is over */
  if (prefill->profile)
    {
      drop_source (&self->prefill.profile);
      self->prefill.profile = copy_source (prefill->profile);
    }
  if (prefill->history)
    {
      drop_source (&self->prefill.history);
      self->prefill.history = copy_source (prefill->history);
    }
  if (prefill->enterprise)
    {
      drop_source (&self->prefill.enterprise);
      self->prefill.enterprise = copy_source (prefill->enterprise);
    }
  self->prefill_serial++;
}

const HbPrefill *
hb_session_get_prefill (HbSession *self)
{
  return &self->prefill;
}

gboolean
hb_session_act_for_enterprise (HbSession *self, HbPerson *enterprise, const char *role)
{
  g_return_val_if_fail (HB_IS_PERSON (enterprise), FALSE);
  if (self->state != HB_SESSION_IDENTIFIED || self->agent != NULL || self->person == NULL
      || hb_person_get_principal (self->person) != HB_PRINCIPAL_PERSON
      || hb_person_get_principal (enterprise) != HB_PRINCIPAL_ENTERPRISE)
    return FALSE;
  self->agent = g_steal_pointer (&self->person);
  self->agent_role = g_strdup (role);
  self->person = g_object_ref (enterprise);
  g_message ("session: visit %u continues for a business", self->visit_number);
  return TRUE;
}

HbPerson   *hb_session_get_agent      (HbSession *self) { return self->agent; }
const char *hb_session_get_agent_role (HbSession *self) { return self->agent_role; }

static void
clear_visit (HbSession *self)
{
  clear_prefill (self);
  wipe_members (self);
  if (self->form)
    hb_form_wipe (self->form);
  g_clear_object (&self->form);
  g_clear_object (&self->service);
  if (self->person)
    hb_person_wipe (self->person);
  g_clear_object (&self->person);
  g_clear_pointer (&self->submission, hb_submission_free);
}

void
hb_session_wipe (HbSession *self, HbWipeReason reason)
{
  g_return_if_fail (HB_IS_SESSION (self));
  gboolean had_visit = self->state != HB_SESSION_ATTRACT;

  stop_timers (self);
  self->hold = 0;
  clear_visit (self);
  if (!had_visit)
    return;
  set_state (self, HB_SESSION_WIPED);
  g_signal_emit (self, signals[SIGNAL_WIPED], 0, reason);
  set_state (self, HB_SESSION_ATTRACT);
}

gboolean
hb_session_identify (HbSession *self, HbPerson *person)
{
  g_return_val_if_fail (HB_IS_PERSON (person), FALSE);
  if (self->state != HB_SESSION_ATTRACT)
    return FALSE;
  self->person = g_object_ref (person);
  self->visit_number++;
  g_message ("session: visit %u started", self->visit_number);
  set_state (self, HB_SESSION_IDENTIFIED);
  return TRUE;
}

gboolean
hb_session_begin_service (HbSession *self, HbService *service)
{
  g_return_val_if_fail (HB_IS_SERVICE (service), FALSE);
  if (self->state != HB_SESSION_IDENTIFIED || !hb_service_is_available (service))
    return FALSE;
  self->service = g_object_ref (service);
  self->form = make_form (self, service);
  g_message ("session: visit %u service %s (pre-filled %u%%)", self->visit_number,
             hb_service_get_code (service), hb_form_get_prefill_percent (self->form));
  set_state (self, HB_SESSION_IN_SERVICE);
  return TRUE;
}

gboolean
hb_session_add_member (HbSession *self, HbService *member)
{
  HbForm *form;

  g_return_val_if_fail (HB_IS_SERVICE (member), FALSE);
  if (self->state != HB_SESSION_IN_SERVICE ||
      hb_service_get_kind (self->service) != HB_SERVICE_KIND_BUNDLE)
    return FALSE;
  form = hb_form_new_full (member, self->agent ? self->agent : self->person, &self->prefill);
  if (self->members == NULL)
    self->members = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->members, form);
  return TRUE;
}

GPtrArray *
hb_session_get_member_forms (HbSession *self)
{
  return self->members;
}

gboolean
hb_session_leave_service (HbSession *self)
{
  if (self->state != HB_SESSION_IN_SERVICE)
    return FALSE;
  wipe_members (self);
  if (self->form)
    hb_form_wipe (self->form);
  g_clear_object (&self->form);
  g_clear_object (&self->service);
  set_state (self, HB_SESSION_IDENTIFIED);
  return TRUE;
}

gboolean
hb_session_complete (HbSession *self, HbSubmission *submission)
{
  if (self->state != HB_SESSION_IN_SERVICE)
    {
      hb_submission_free (submission);
      return FALSE;
    }
  g_clear_pointer (&self->submission, hb_submission_free);
  self->submission = submission;
  g_message ("session: visit %u submitted (%s)", self->visit_number,
             submission->queued ? "queued" : "accepted");
  set_state (self, HB_SESSION_DONE);
  return TRUE;
}

gboolean
hb_session_abandon (HbSession *self)
{
  if (self->state != HB_SESSION_IDENTIFIED && self->state != HB_SESSION_IN_SERVICE)
    return FALSE;
  for (guint i = 0; self->members && i < self->members->len; i++)
    hb_form_wipe (self->members->pdata[i]);
  if (self->form)
    hb_form_wipe (self->form);
  set_state (self, HB_SESSION_ABANDONED);
  return TRUE;
}

gboolean
hb_session_begin_rating (HbSession *self)
{
  if (self->state != HB_SESSION_DONE && self->state != HB_SESSION_ABANDONED)
    return FALSE;
  set_state (self, HB_SESSION_RATING);
  return TRUE;
}

gboolean
hb_session_finish (HbSession *self)
{
  if (self->state != HB_SESSION_DONE && self->state != HB_SESSION_ABANDONED &&
      self->state != HB_SESSION_RATING)
    return FALSE;
  hb_session_wipe (self, HB_WIPE_FINISHED);
  return TRUE;
}

HbSessionState      hb_session_get_state   (HbSession *self) { return self->state; }
HbPerson           *hb_session_get_person  (HbSession *self) { return self->person; }
HbService          *hb_session_get_service (HbSession *self) { return self->service; }

HbForm *
hb_session_get_form (HbSession *self)
{
  /* A profile that arrived after the service was chosen: an untouched form is made again
   * with it, so the next page that asks shows it (a form being edited is never replaced). */
  if (self->form && self->state == HB_SESSION_IN_SERVICE && !self->form_touched
      && self->form_serial != self->prefill_serial)
    {
      HbService *service = hb_form_get_service (self->form);
      HbForm *old = self->form;
      self->form = make_form (self, service);
      g_object_unref (old);   /* wiped on finalize; a page still holding it keeps working */
      /* A bundle's members too: their questions come after the bundle's. */
      for (guint i = 0; self->members && i < self->members->len; i++)
        {
          HbForm *member = self->members->pdata[i];
          self->members->pdata[i] =
            hb_form_new_full (hb_form_get_service (member),
                              self->agent ? self->agent : self->person, &self->prefill);
          g_object_unref (member);
        }
      g_message ("session: visit %u form made again with the profile (pre-filled %u%%)",
                 self->visit_number, hb_form_get_prefill_percent (self->form));
    }
  return self->form;
}
const HbSubmission *hb_session_get_submission (HbSession *self) { return self->submission; }
guint               hb_session_get_visit_number (HbSession *self) { return self->visit_number; }

/* --- object ----------------------------------------------------------------------- */

static void
hb_session_dispose (GObject *object)
{
  HbSession *self = HB_SESSION (object);
  stop_timers (self);
  clear_visit (self);
  G_OBJECT_CLASS (hb_session_parent_class)->dispose (object);
}

static void
hb_session_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  HbSession *self = HB_SESSION (object);
  switch (id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
hb_session_class_init (HbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hb_session_dispose;
  object_class->get_property = hb_session_get_property;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HB_TYPE_SESSION_STATE,
                                         HB_SESSION_ATTRACT,
                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, HB_TYPE_SESSION_STATE, HB_TYPE_SESSION_STATE);
  signals[SIGNAL_IDLE_WARNING] =
    g_signal_new ("idle-warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_IDLE_EXTENDED] =
    g_signal_new ("idle-extended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_WIPED] =
    g_signal_new ("wiped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
hb_session_init (HbSession *self)
{
  self->state = HB_SESSION_ATTRACT;
  self->idle_ms = 90 * 1000;
  self->warning_ms = 30 * 1000;
}

HbSession *
hb_session_new (guint idle_timeout_s, guint warning_s)
{
  HbSession *self = g_object_new (HB_TYPE_SESSION, NULL);
  hb_session_set_idle_seconds (self, idle_timeout_s, warning_s);
  return self;
}

void
hb_session_set_idle_seconds (HbSession *self, guint idle_timeout_s, guint warning_s)
{
  /* WCAG 2.2.1: whoever reads slowly gets at least 30 s to answer the warning. */
  if (warning_s < HB_SESSION_MIN_WARNING_S)
    {
      g_message ("session: idle warning of %u s raised to %u s (WCAG 2.2.1)", warning_s,
                 HB_SESSION_MIN_WARNING_S);
      warning_s = HB_SESSION_MIN_WARNING_S;
    }
  hb_session_set_timeouts (self, idle_timeout_s * 1000, warning_s * 1000);
}

void
hb_session_set_timeouts (HbSession *self, guint idle_timeout_ms, guint warning_ms)
{
  self->idle_ms = MAX (idle_timeout_ms, 10u);
  self->warning_ms = MAX (warning_ms, 10u);
  restart_idle (self);
}
