/* hb-session.h — one resident's visit as an explicit state machine.
 *
 *   ATTRACT ──identify──▶ IDENTIFIED ──begin_service──▶ IN_SERVICE ──complete──▶ DONE
 *      ▲                      │  ▲                          │                    │
 *      │                      │  └──────leave_service───────┘                    ▼
 *      │                      └──abandon──▶ ABANDONED ◀──abandon──┘           RATING
 *      │                                        │                                │
 *      └──────────── WIPED ◀────────finish──────┴────────────finish──────────────┘
 *
 * The session owns every piece of personal data of the visit (HbPerson, HbForm, the
 * submission) and wipes it on every way out: finish, abandon-then-finish, the idle
 * timeout, and dispose. WIPED is passed through on the way back to ATTRACT so watchers
 * can clear their widgets.
 *
 * Idle timeout: outside ATTRACT, after idle_timeout seconds without hb_session_touch()
 * the session emits "idle-warning" (seconds left) and counts down warning_seconds;
 * hb_session_extend() (or touch) cancels the warning; at zero it wipes with reason
 * HB_WIPE_TIMEOUT. No timer runs at ATTRACT, so an idle terminal costs no wake-ups. */
#pragma once

#include "kiosk/hb-person.h"
#include "kiosk/hb-service.h"
#include "kiosk/hb-form.h"

G_BEGIN_DECLS

typedef enum {
  HB_SESSION_ATTRACT,
  HB_SESSION_IDENTIFIED,
  HB_SESSION_IN_SERVICE,
  HB_SESSION_DONE,
  HB_SESSION_ABANDONED,
  HB_SESSION_RATING,
  HB_SESSION_WIPED,
} HbSessionState;

typedef enum {
  HB_WIPE_FINISHED,   /* the resident completed (and rated or skipped rating) */
  HB_WIPE_TIMEOUT,    /* nobody answered the idle warning */
  HB_WIPE_CANCELLED,  /* the resident pressed 退出 / the session was disposed */
} HbWipeReason;

GType hb_session_state_get_type (void);
#define HB_TYPE_SESSION_STATE (hb_session_state_get_type ())
const char *hb_session_state_to_string (HbSessionState state);

/* The outcome of a submission. */
typedef struct {
  char    *idempotency_key;
  char    *reference;       /* what the resident takes away: case number, or queued reference */
  char    *case_number;     /* NULL while queued */
  gboolean queued;
} HbSubmission;

HbSubmission *hb_submission_new  (const char *key, const char *case_number,
                                  const char *queued_reference);
void          hb_submission_free (HbSubmission *submission);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbSubmission, hb_submission_free)

#define HB_TYPE_SESSION (hb_session_get_type ())
G_DECLARE_FINAL_TYPE (HbSession, hb_session, HB, SESSION, GObject)

HbSession      *hb_session_new (guint idle_timeout_s, guint warning_s);
void            hb_session_set_timeouts (HbSession *self, guint idle_timeout_ms,
                                         guint warning_ms);

HbSessionState  hb_session_get_state   (HbSession *self);
HbPerson       *hb_session_get_person  (HbSession *self);   /* NULL outside a visit */
HbService      *hb_session_get_service (HbSession *self);
HbForm         *hb_session_get_form    (HbSession *self);
const HbSubmission *hb_session_get_submission (HbSession *self);
/* Monotonic count of visits started; lets watchers tell one visit from the next. */
guint           hb_session_get_visit_number (HbSession *self);

/* Transitions return FALSE (and change nothing) when not allowed from the current state. */
gboolean hb_session_identify      (HbSession *self, HbPerson *person);
gboolean hb_session_begin_service (HbSession *self, HbService *service);
gboolean hb_session_leave_service (HbSession *self);
gboolean hb_session_complete      (HbSession *self, HbSubmission *submission); /* takes ownership */
gboolean hb_session_abandon       (HbSession *self);
gboolean hb_session_begin_rating  (HbSession *self);
/* From DONE, ABANDONED or RATING: wipe and return to ATTRACT. */
gboolean hb_session_finish        (HbSession *self);
/* From anywhere: wipe everything and return to ATTRACT. */
void     hb_session_wipe          (HbSession *self, HbWipeReason reason);

/* The resident did something: restart the idle clock (and cancel a warning). */
void     hb_session_touch  (HbSession *self);
/* "继续": the same as touch, named for the warning dialog. */
void     hb_session_extend (HbSession *self);
gboolean hb_session_is_warning (HbSession *self);
/* Keep the idle clock from running (e.g. while a submission or print is in flight). */
void     hb_session_hold_idle    (HbSession *self);
void     hb_session_release_idle (HbSession *self);

/* Signals:
 *   "state-changed"  (HbSessionState old, HbSessionState new)
 *   "idle-warning"   (guint seconds_left) — emitted when the warning starts and every second
 *   "idle-extended"  ()                   — the warning was cancelled
 *   "wiped"          (HbWipeReason reason) */

G_END_DECLS
