/* hb-core.h — the terminal without a display: configuration, store, devices, sync,
 * session and printing wired together, as the UI, haobanctl and the tests use it.
 *
 * Data flow of a visit (ARCHITECTURE.md): card/code event → HbSession.identify →
 * catalog → service + form → hb_core_submit_async (outbox, then sync) → case number or
 * queued reference → hb_core_print_receipt_async → hb_core_rate_async → wipe. */
#pragma once

#include "kiosk/hb-config.h"
#include "kiosk/hb-session.h"
#include "kiosk/hb-print-service.h"
#include "kiosk/hb-code-identity.h"
#include "kiosk/hb-help-call.h"
#include "kiosk/hb-questions.h"
#include "drivers/hb-device-manager.h"
#include "offline-cache/hb-store.h"
#include "offline-cache/hb-catalog.h"
#include "offline-cache/hb-outbox.h"
#include "offline-cache/hb-sync.h"
#include "offline-cache/hb-usage.h"
#include "offline-cache/hb-audit.h"
#include "kiosk/hb-staff-auth.h"   /* H28 */

G_BEGIN_DECLS

#define HB_CORE_ERROR (hb_core_error_quark ())
GQuark hb_core_error_quark (void);
typedef enum {
  HB_CORE_ERROR_STATE,       /* the session is not where the call needs it */
  HB_CORE_ERROR_INVALID,     /* the form has problems */
  HB_CORE_ERROR_REJECTED,    /* the platform refused the application */
  HB_CORE_ERROR_UNKNOWN_SERVICE,
  HB_CORE_ERROR_NO_RECORD,   /* the platform holds no such record for this resident */
  HB_CORE_ERROR_STORAGE_FULL, /* too little disk left to accept a submission safely */
} HbCoreError;

#define HB_TYPE_CORE (hb_core_get_type ())
G_DECLARE_FINAL_TYPE (HbCore, hb_core, HB, CORE, GObject)

HbCore   *hb_core_new (HbConfig *config);

/* Opens the store on a worker thread (it may run an integrity check), then starts
 * devices and sync on the calling thread's main context. */
void      hb_core_start_async  (HbCore *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean  hb_core_start_finish (HbCore *self, GAsyncResult *result, GError **error);
/* Blocking variant for haobanctl and tests. */
gboolean  hb_core_start (HbCore *self, GError **error);
void      hb_core_stop  (HbCore *self);
gboolean  hb_core_is_started (HbCore *self);

HbConfig        *hb_core_get_config  (HbCore *self);
HbSession       *hb_core_get_session (HbCore *self);
HbDeviceManager *hb_core_get_devices (HbCore *self);
HbCatalog       *hb_core_get_catalog (HbCore *self);
HbOutbox        *hb_core_get_outbox  (HbCore *self);
HbSync          *hb_core_get_sync    (HbCore *self);
/* Usage counters (offline-cache/hb-usage.h): NULL until the core is started. */
HbUsage         *hb_core_get_usage   (HbCore *self);
/* Queue the previous month's operations report (运营报告) for the platform now, unless it
 * was queued before or the month holds no events (docs/operations-report.md). The core
 * also does this by itself a minute after start and every 6 hours. Rendering runs on a
 * worker thread; nothing happens before the core is started. */
void             hb_core_queue_operations_report (HbCore *self);
/* The audit log (offline-cache/hb-audit.h), on the main connection: NULL until the core is
 * started. Staff actions from the UI go through hb_audit_append_async (an append waits for
 * a commit). Every submission is appended by the core once it is durable in the outbox. */
HbAudit         *hb_core_get_audit   (HbCore *self);
/* The main thread's store connection: NULL until the core is started. */
HbStore         *hb_core_get_store   (HbCore *self);
/* Maintenance mode (kiosk/hb-maintenance.h): always there, one per core. While it is
 * active, ID cards and scans go to it instead of starting a visit. */
typedef struct _HbMaintenance HbMaintenance;
HbMaintenance   *hb_core_get_maintenance (HbCore *self);
/* H28: staff entry (kiosk/hb-staff-auth.h), on the main store connection, audited, its
 * lockout reports kicked out through the core's sync: NULL until the core is started. */
HbStaffAuth     *hb_core_get_staff_auth (HbCore *self);
/* Fetch the staff allow-list now (GET /v1/staff, in the background; the cached list stays
 * when the platform cannot be reached). The maintenance entry calls it when it opens; the
 * core itself refreshes a list older than a day after a catalog check. No-op before start
 * or while a refresh is running. */
void             hb_core_refresh_staff  (HbCore *self);

/* Services of the catalog for whoever is identified (element type HbCatalogEntry*): a
 * business (法人) sees the services whose audience includes "enterprise", everyone
 * else — also before identification — those for residents. */
GPtrArray  *hb_core_list_services (HbCore *self);
/* The same off the main thread (a 10,000-service catalog takes longer than a frame to
 * list). finish: (transfer full) element type HbCatalogEntry*. */
void        hb_core_list_services_async  (HbCore *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *hb_core_list_services_finish (HbCore *self, GAsyncResult *result, GError **error);
GPtrArray  *hb_core_search_services (HbCore *self, const char *query);

/* Browsing (the catalog page's 最常用 / 按人生事件 / 按部门), off the main thread and for
 * whoever is identified when called (the audience rule of hb_core_list_services).
 * browse: the services of one life event (an id of docs/service-format.md, "birth" …)
 * and/or one department (as the catalog writes it), NULL for any; most used first
 * (popularity plus this terminal's uses, hb_core_choose_service adds one). An unknown
 * life event or department gives an empty array. finish: (transfer full) element type
 * HbCatalogEntry*; HB_CORE_ERROR_STATE before hb_core_start. */
void        hb_core_browse_async  (HbCore *self, const char *life_event, const char *department,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
GPtrArray  *hb_core_browse_finish (HbCore *self, GAsyncResult *result, GError **error);
/* What there is to browse by, member "life_events" or "department": each value with how
 * many of the visitor's services it has (values with none are left out: a resident never
 * sees a department that only serves businesses), most services first, then by value.
 * finish: (transfer full) element type HbCatalogFacet*; HB_STORE_ERROR_INVALID for
 * another member. */
void        hb_core_list_facets_async  (HbCore *self, const char *member,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *hb_core_list_facets_finish (HbCore *self, GAsyncResult *result, GError **error);
/* Parsed service (cached until the catalog changes). (transfer full) */
HbService  *hb_core_get_service (HbCore *self, const char *code, GError **error);
/* Session IDENTIFIED → IN_SERVICE with this service. */
gboolean    hb_core_choose_service (HbCore *self, const char *code, GError **error);

/* Identify with a scanned code text (also what a scanner event does at ATTRACT): an
 * offline code ("HB1.…") is verified on the terminal with the synced keyring; any other
 * code is resolved online by the platform. Failures arrive as "identify-failed". */
void        hb_core_identify_with_code (HbCore *self, const char *text);

/* Validate the form, enqueue the application durably, ask sync to send it, and wait
 * up to [session] submit_wait_ms for the case number. Completes the session (DONE) with
 * either the case number or a queued reference. */
void        hb_core_submit_async  (HbCore *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean    hb_core_submit_finish (HbCore *self, GAsyncResult *result, GError **error);

/* Render the receipt of the current submission and print it; completes with the job id
 * once the printer confirmed it, or an error (paper out, no printer…). */
void        hb_core_print_receipt_async  (HbCore *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
guint       hb_core_print_receipt_finish (HbCore *self, GAsyncResult *result, GError **error);
/* The receipt PDF of the current submission, synchronously (haobanctl, tests). */
GBytes     *hb_core_render_receipt (HbCore *self, GError **error);

/* Have the platform issue a new offline 随申码 for the identified resident (POST
 * /v1/codes/offline, online only) and print it as a slip (hb-code-slip.h). Completes with
 * the print job id; HB_CORE_ERROR_STATE for a business or before identification, the
 * network's error when offline, HB_CORE_ERROR_REJECTED when the platform refuses. */
void        hb_core_print_offline_code_async  (HbCore *self, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
guint       hb_core_print_offline_code_finish (HbCore *self, GAsyncResult *result,
                                               GError **error);

/* Have the platform issue a proof (proof: "social-insurance-payment",
 * "property-registration") or an e-licence copy (proof "licence-copy", licence
 * "household-register" or "marriage-certificate", purpose required: it is printed in the
 * watermark) for the identified resident (POST /v1/proofs, online only), render it
 * (hb-certificate.h) and print it on A4. Completes with the print job id once the printer
 * confirmed it; HB_CORE_ERROR_NO_RECORD when the platform has nothing for this resident,
 * HB_CORE_ERROR_STATE before identification or for a business, the network's error when
 * offline, the printer's error like hb_core_print_receipt_async. */
void        hb_core_print_proof_async  (HbCore *self, const char *proof, const char *licence,
                                        const char *purpose, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
guint       hb_core_print_proof_finish (HbCore *self, GAsyncResult *result, GError **error);

/* The printer failed: the receipt goes another way instead. Queued durably in the outbox
 * (POST /v1/deliveries, exactly once, also while offline): to the resident's 随申办 account,
 * or by post to the address the platform holds for the case. Completes once saved. */
typedef enum {
  HB_DELIVERY_SUISHENBAN,
  HB_DELIVERY_MAIL,
} HbDeliveryChannel;
const char *hb_delivery_channel_to_string (HbDeliveryChannel channel);   /* "suishenban", "mail" */
void        hb_core_send_receipt_async  (HbCore *self, HbDeliveryChannel channel,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean    hb_core_send_receipt_finish (HbCore *self, GAsyncResult *result, GError **error);

/* Out of service (a platform command through the heartbeat; staff, issue 9): no new visit
 * starts — identification at the attract screen fails with a plain message and the UI
 * shows 暂停服务 — while a visit in progress goes on to its end. Kept across restarts
 * (data_dir/out-of-service); in the status as "attention.out_of_service". reason: shown to
 * staff, at most 256 characters. */
void        hb_core_set_out_of_service (HbCore *self, gboolean on, const char *reason);
gboolean    hb_core_get_out_of_service (HbCore *self, const char **reason);

/* A resident asks for a clerk (why: a short keyword, e.g. "printer"): shown to staff in
 * the status ("attention") until the visit ends. */
void        hb_core_request_help (HbCore *self, const char *why);

/* 办不成事: queue a report (reason from hb_report_reasons (); detail and an 11-digit mobile
 * for the call back optional) for the page the resident is on (step). Works with or without
 * a visit; delivered exactly once through the outbox. */
void        hb_core_report_async  (HbCore *self, const char *step, const char *reason,
                                   const char *detail, const char *contact_phone,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean    hb_core_report_finish (HbCore *self, GAsyncResult *result, GError **error);

/* 免申即享: the benefits the identified resident (by card) gets without applying
 * (HbBenefit*, kiosk/hb-benefits.h), and the one-tap confirmation of one (returns the case
 * number; a repeat in the same visit is the same confirmation). Online only. */
void        hb_core_list_benefits_async  (HbCore *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *hb_core_list_benefits_finish (HbCore *self, GAsyncResult *result, GError **error);
void        hb_core_confirm_benefit_async  (HbCore *self, const char *benefit_id,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
char       *hb_core_confirm_benefit_finish (HbCore *self, GAsyncResult *result,
                                            GError **error);

/* 两个免于提交: the electronic licence types the platform holds for the identified
 * resident (fetched when a card identifies them; NULL until known, and without the
 * platform). "licences-changed" tells when they arrive. */
const char *const *hb_core_get_licences (HbCore *self);
/* TRUE while the platform is being asked for them. */
gboolean    hb_core_is_fetching_licences (HbCore *self);

/* 智能预填: when a resident with card data is identified (card, or a code resolved to a
 * person), the platform's profile and their earlier answers (POST /v1/profile) are fetched
 * beside the licences and handed to the session (hb_session_set_prefill): forms made after
 * they arrived are pre-filled from profile.* and history.* too; without the platform the
 * forms are pre-filled from the card alone. Cancelled and wiped with the visit. TRUE while
 * the platform is being asked. */
gboolean    hb_core_is_fetching_profile (HbCore *self);

/* 企业登录: the identified resident (card, or a code resolved to a person; at IDENTIFIED)
 * acts for the business with this 统一社会信用代码 (POST /v1/enterprises/login; the code is
 * checked on the terminal first). On success the visit continues for the business
 * (hb_session_act_for_enterprise): business services, forms pre-filled from enterprise.*
 * and the resident's details, applications carrying the enterprise and an "agent". Errors:
 * HB_ENTERPRISE_LOGIN_ERROR (kiosk/hb-enterprise-login.h: invalid code, unknown enterprise,
 * not authorised, platform failure), the network's G_IO_ERROR when offline,
 * HB_CORE_ERROR_STATE when not at IDENTIFIED, for a business or a resident without an ID
 * number, or while another login runs. */
void        hb_core_login_enterprise_async  (HbCore *self, const char *uscc,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean    hb_core_login_enterprise_finish (HbCore *self, GAsyncResult *result, GError **error);

/* 情形 (smart guidance): the answers to the current service's situation questions
 * (situation id → option value; transfer none), kept for the service and wiped with the
 * visit. Setting one (NULL removes it) drops answers that no longer apply
 * (hb_guidance_prune_answers). */
GHashTable *hb_core_get_answers (HbCore *self);
void        hb_core_set_answer  (HbCore *self, const char *situation, const char *value);
/* The next situation question of the visit (a bundle's, then each member's that the bundle
 * did not ask), or NULL when all that apply are answered; and those that apply, in order
 * (HbSituation*, owned by the services; transfer container). */
const HbSituation *hb_core_next_situation   (HbCore *self);
GPtrArray         *hb_core_asked_situations (HbCore *self);

/* One question per page (kiosk/hb-questions.h): the visit's asked fields, part by part
 * (HbQuestion*; transfer full), and everything in the way of submitting — field problems
 * and failed pre-review rules, each saying how to fix it (HbQuestionProblem*; transfer
 * full; empty when ready). hb_core_submit_async refuses while there are problems. */
GPtrArray  *hb_core_list_questions (HbCore *self);
GPtrArray  *hb_core_check_answers  (HbCore *self);

/* 进度查询: cases (HbCase*, kiosk/hb-cases.h) by a receipt's number (reference), or, with
 * reference NULL, every case of the resident identified by card. Online only; an unknown
 * number is G_IO_ERROR_NOT_FOUND. */
void        hb_core_query_cases_async  (HbCore *self, const char *reference,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *hb_core_query_cases_finish (HbCore *self, GAsyncResult *result, GError **error);

/* 帮办: call the platform's help desk from page (also flags staff on site, as
 * hb_core_request_help). The call is started; watch its "changed". (transfer full) */
HbHelpCall *hb_core_call_help (HbCore *self, const char *page);

/* Queue the visit's 好差评 rating (1 = 非常不满意 … 5 = 非常满意) with indicators offered for
 * the level (kiosk/hb-rating.h; at least one for 1–2). One rating per visit: a second one
 * fails with HB_CORE_ERROR_STATE. */
void        hb_core_rate_async  (HbCore *self, int level, const char *const *indicators,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean    hb_core_rate_finish (HbCore *self, GAsyncResult *result, GError **error);

/* The application body for the current session (exposed for tests). (transfer full) */
char       *hb_core_build_application (HbCore *self, const char *idempotency_key);
/* Status for haobanctl status --json and the maintenance screen. (transfer full) */
JsonNode   *hb_core_describe (HbCore *self);
/* Where the running kiosk publishes its status (data_dir/status.json). (transfer full) */
char       *hb_core_dup_status_path (HbCore *self);
/* A sync engine configured from config exactly like the kiosk's (URL, TLS, timeouts,
 * backoff, parking; not started), for haobanctl sync. (transfer full) */
HbSync     *hb_core_new_sync (HbConfig *config);

/* Signals:
 *   "identify-failed" (const char *message) — translated, for the screen
 *   "place-scanned"   (const HbPlace *place) — a place code (场所码) was scanned at ATTRACT:
 *                      show the place; no visit starts
 *   "case-scanned"    (const char *reference) — a receipt's QR (a case number) was scanned
 *                      at ATTRACT: show its progress; no visit starts
 *   "licences-changed" () — the visit's electronic licences are known
 *   "catalog-changed" ()
 *   "status-changed"  () — devices, reachability or outbox changed */

G_END_DECLS
