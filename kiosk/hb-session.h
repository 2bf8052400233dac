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
  char    *service_code;    /* set for a bundle's members; NULL otherwise */
  GPtrArray *members;       /* a bundle's: one HbSubmission per member application, in
                             * order (the outer one is the first member's); else NULL */
} HbSubmission;

HbSubmission *hb_submission_new  (const char *key, const char *case_number,
                                  const char *queued_reference);
void          hb_submission_free (HbSubmission *submission);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbSubmission, hb_submission_free)

#define HB_TYPE_SESSION (hb_session_get_type ())
G_DECLARE_FINAL_TYPE (HbSession, hb_session, HB, SESSION, GObject)

/* The shortest idle warning the terminal shows (WCAG 2.2.1, and Visa's 30 s to respond). */
#define HB_SESSION_MIN_WARNING_S 30
/* The configured timeouts, in seconds: a warning shorter than HB_SESSION_MIN_WARNING_S is
 * raised to it (with a log message). hb_session_new applies them the same way. */
HbSession      *hb_session_new (guint idle_timeout_s, guint warning_s);
void            hb_session_set_idle_seconds (HbSession *self, guint idle_timeout_s,
                                             guint warning_s);
/* Raw timeouts in milliseconds, no floor: for tests that cannot wait 30 s. */
void            hb_session_set_timeouts (HbSession *self, guint idle_timeout_ms,
                                         guint warning_ms);

HbSessionState  hb_session_get_state   (HbSession *self);
HbPerson       *hb_session_get_person  (HbSession *self);   /* NULL outside a visit */
HbService      *hb_session_get_service (HbSession *self);
/* The service's form. Made with the pre-fill sources known then; when a source arrives
 * later (hb_session_set_prefill) and the resident has not changed the form yet, the next
 * call makes it again with them (a page holding the old one keeps a working copy, wiped
 * when released). A form being edited is never replaced. */
HbForm         *hb_session_get_form    (HbSession *self);
const HbSubmission *hb_session_get_submission (HbSession *self);
/* Monotonic count of visits started; lets watchers tell one visit from the next. */
guint           hb_session_get_visit_number (HbSession *self);

/* Transitions return FALSE (and change nothing) when not allowed from the current state. */
gboolean hb_session_identify      (HbSession *self, HbPerson *person);
gboolean hb_session_begin_service (HbSession *self, HbService *service);
gboolean hb_session_leave_service (HbSession *self);
/* 一件事: in a bundle's service, add a member service; its form (pre-filled like the
 * bundle's) is wiped with the visit. FALSE outside a bundle. */
gboolean hb_session_add_member    (HbSession *self, HbService *member);
/* The members' forms in order (HbForm*), or NULL when the service is not a bundle. */
GPtrArray *hb_session_get_member_forms (HbSession *self);
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

/* 智能预填 and 企业登录 (docs/platform-api.md "Profile and business login").
 * Pre-fill sources besides the person: set the members that arrived (the profile and
 * history of POST /v1/profile, the enterprise of POST /v1/enterprises/login); NULL members
 * keep what the session has. Deep copies, personal data: zeroed on every way out of the
 * visit. Ignored at ATTRACT (the visit they were fetched for is over). */
void             hb_session_set_prefill (HbSession *self, const HbPrefill *prefill);
const HbPrefill *hb_session_get_prefill (HbSession *self);   /* members NULL until known */
/* From IDENTIFIED, a resident (HB_PRINCIPAL_PERSON) continues the visit for a business:
 * the person becomes enterprise (HB_PRINCIPAL_ENTERPRISE: business services, the
 * application's applicant) and the resident its agent, whose own details still pre-fill
 * the forms (经办人). role: "legal_rep" or "agent". Once per visit. */
gboolean    hb_session_act_for_enterprise (HbSession *self, HbPerson *enterprise,
                                           const char *role);
HbPerson   *hb_session_get_agent      (HbSession *self);   /* NULL unless acting for a business */
const char *hb_session_get_agent_role (HbSession *self);

/* Signals:
 *   "state-changed"  (HbSessionState old, HbSessionState new)
 *   "idle-warning"   (guint seconds_left) — emitted when the warning starts and every second
 *   "idle-extended"  ()                   — the warning was cancelled
 *   "wiped"          (HbWipeReason reason) */

G_END_DECLS
