/* hb-help-call.h — 帮办: one call for human help from a resident, with its countdown.
 *
 * POST /v1/help-requests asks the platform's help desk for an agent (target: one minute);
 * the call then polls GET /v1/help-requests/{id} until an agent answers, the desk closes
 * it, or the resident closes the panel. Without the platform (no network, 5xx) the call
 * ends OFFLINE at once, and the resident is told the 12345 hotline. Every request is bounded
 * by HbSync's timeouts; polling stops after HB_HELP_CALL_MAX_WAIT_S. */
#pragma once

#include "offline-cache/hb-sync.h"

G_BEGIN_DECLS

#define HB_HELP_CALL_TARGET_S    60     /* when the platform does not say */
#define HB_HELP_CALL_MAX_WAIT_S  600

typedef enum {
  HB_HELP_CALLING,     /* the request is on its way */
  HB_HELP_WAITING,     /* the desk has it; counting down to its target */
  HB_HELP_CONNECTED,   /* an agent answers */
  HB_HELP_CLOSED,      /* the desk closed it, or nobody answered within the max wait */
  HB_HELP_OFFLINE,     /* the platform cannot be reached: call 12345 */
} HbHelpState;

#define HB_TYPE_HELP_CALL (hb_help_call_get_type ())
G_DECLARE_FINAL_TYPE (HbHelpCall, hb_help_call, HB, HELP_CALL, GObject)

/* service_code may be NULL; page names where the resident is ("form", "catalog" …). */
HbHelpCall  *hb_help_call_new (HbSync *sync, const char *terminal_id, const char *service_code,
                               const char *page, const char *language, guint poll_ms);
void         hb_help_call_start  (HbHelpCall *self);
/* The resident closed the panel: no more polling; a request still waiting is withdrawn
 * (DELETE). */
void         hb_help_call_cancel (HbHelpCall *self);

HbHelpState  hb_help_call_get_state (HbHelpCall *self);
/* The desk's id of the request once it has one (WAITING and after), else NULL. */
const char  *hb_help_call_get_id (HbHelpCall *self);
/* Seconds left to the desk's target (0 once passed); the panel's countdown. */
guint        hb_help_call_get_seconds_left (HbHelpCall *self);
guint        hb_help_call_get_waited_seconds (HbHelpCall *self);
/* While CONNECTED: the agent's name and number (may be NULL). */
const char  *hb_help_call_get_agent_name   (HbHelpCall *self);
const char  *hb_help_call_get_agent_number (HbHelpCall *self);

/* Signal "changed" (): the state, the countdown (each second while WAITING) or the agent. */

G_END_DECLS
