/* hb-maintenance.h — maintenance mode without a display: who is logged in with which
 * role, and what staff may do on the touch screen (docs/maintenance.md).
 *
 * The core owns one (hb_core_get_maintenance). While it is active (the staff entry or the
 * dashboard is open) the core hands it every ID card read and every scan instead of
 * starting a visit: a card is a staff card to check (or the card of a 测试读卡), a scan a
 * 测试扫码. It is never opened during a visit. Every action is checked against the role and
 * appended to the audit log (actor "staff:<id>" / "technician:<id>"); logins, failures and
 * lockouts are HbStaffAuth's to log and audit. Logged out on hb_maintenance_close and after
 * [maintenance] idle_timeout seconds (180) without hb_maintenance_touch. */
#pragma once

#include "kiosk/hb-core.h"
#include "kiosk/hb-staff-auth.h"

G_BEGIN_DECLS

/* Exit codes of haoban-kiosk the kiosk session acts on (docs/maintenance.md): RESTART is
 * started again at once, LEAVE ends the kiosk session (the technician's desktop/console). */
#define HB_MAINTENANCE_EXIT_RESTART 75
#define HB_MAINTENANCE_EXIT_LEAVE   77

#define HB_MAINTENANCE_ERROR (hb_maintenance_error_quark ())
GQuark hb_maintenance_error_quark (void);
typedef enum {
  HB_MAINTENANCE_ERROR_NOT_LOGGED_IN,
  HB_MAINTENANCE_ERROR_FORBIDDEN,     /* the role may not do this (staff: technician actions) */
  HB_MAINTENANCE_ERROR_VISIT,         /* a visit is in progress: maintenance does not open */
  HB_MAINTENANCE_ERROR_NO_DEVICE,     /* no such device / no such outbox item */
  HB_MAINTENANCE_ERROR_FAILED,
} HbMaintenanceError;

typedef enum {
  HB_MAINTENANCE_ACTION_TEST_CARD,
  HB_MAINTENANCE_ACTION_TEST_SCAN,
  HB_MAINTENANCE_ACTION_TEST_PRINT,
  HB_MAINTENANCE_ACTION_RECHECK,        /* 重新检测 */
  HB_MAINTENANCE_ACTION_SYNC_NOW,
  HB_MAINTENANCE_ACTION_OUTBOX,         /* list, retry, park */
  HB_MAINTENANCE_ACTION_OUT_OF_SERVICE,
  HB_MAINTENANCE_ACTION_RESTART,
  HB_MAINTENANCE_ACTION_EXPORT,         /* diagnostics */
  HB_MAINTENANCE_ACTION_DEVICE_CONFIG,  /* technician only */
  HB_MAINTENANCE_ACTION_LEAVE_KIOSK,    /* technician only */
} HbMaintenanceAction;

#define HB_TYPE_MAINTENANCE (hb_maintenance_get_type ())
G_DECLARE_FINAL_TYPE (HbMaintenance, hb_maintenance, HB, MAINTENANCE, GObject)

/* core: borrowed (the core owns the controller and outlives it). */
HbMaintenance *hb_maintenance_new (HbCore *core);

/* --- entry and login ------------------------------------------------------------------- */

/* Open the staff entry: from now on cards and scans come here. Refused with
 * HB_MAINTENANCE_ERROR_VISIT while a visit is in progress (the session is not at ATTRACT). */
gboolean     hb_maintenance_open (HbMaintenance *self, GError **error);
/* Log out (audited when someone was logged in; why: "exit", "idle") and let cards and
 * scans go to visits again. */
void         hb_maintenance_close (HbMaintenance *self, const char *why);
gboolean     hb_maintenance_is_active (HbMaintenance *self);

/* A PIN from the entry pad (HbStaffAuth checks it off the main thread). Completes TRUE when
 * logged in; else HB_STAFF_AUTH_ERROR_* with *retry_after_s (locked) — the UI reads
 * hb_maintenance_get_attempts_left for "还可尝试 N 次". */
void         hb_maintenance_login_pin_async  (HbMaintenance *self, const char *pin,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
gboolean     hb_maintenance_login_pin_finish (HbMaintenance *self, GAsyncResult *result,
                                              gint64 *retry_after_s, GError **error);
/* For tests and haobanctl-free tools: log in directly with a role (audited as a login). */
void         hb_maintenance_login_as (HbMaintenance *self, HbStaffRole role, const char *staff_id);

HbStaffRole  hb_maintenance_get_role (HbMaintenance *self);
/* "staff:S0012" / "technician:T0003" while logged in, else NULL. */
const char  *hb_maintenance_get_actor (HbMaintenance *self);
gint64       hb_maintenance_get_locked_for (HbMaintenance *self);
guint        hb_maintenance_get_attempts_left (HbMaintenance *self);
/* Staff activity: restarts the idle clock. */
void         hb_maintenance_touch (HbMaintenance *self);

/* For the core: a card read / a code scanned. TRUE when maintenance took it (it is active),
 * FALSE when it is the visit's. Nothing of the card is kept. */
gboolean     hb_maintenance_take_card (HbMaintenance *self, const char *id_number,
                                       const char *name);
gboolean     hb_maintenance_take_scan (HbMaintenance *self, const char *text);

/* --- actions (each checks the role, touches, and is audited) ------------------------- */

gboolean     hb_maintenance_can (HbMaintenance *self, HbMaintenanceAction action);

/* 测试读卡 / 测试扫码: the next card / scan is a test; the outcome comes as "test-done". */
gboolean     hb_maintenance_test_card (HbMaintenance *self, GError **error);
gboolean     hb_maintenance_test_scan (HbMaintenance *self, GError **error);
/* A test page on the A4 printer (HB_DEVICE_KIND_PRINTER) or a test ticket on the receipt
 * printer (HB_DEVICE_KIND_RECEIPT_PRINTER). Completes with the job id. */
void         hb_maintenance_test_print_async  (HbMaintenance *self, HbDeviceKind kind,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
guint        hb_maintenance_test_print_finish (HbMaintenance *self, GAsyncResult *result,
                                               GError **error);
/* 重新检测: reopen devices that are not open (failed to open, closed) and publish the status
 * again; the answer comes as the core's "status-changed". */
gboolean     hb_maintenance_recheck (HbMaintenance *self, GError **error);
gboolean     hb_maintenance_sync_now (HbMaintenance *self, GError **error);
/* Pending, parked and dead items, oldest first (HbOutboxItem*, without bodies). */
GPtrArray   *hb_maintenance_list_outbox (HbMaintenance *self, GError **error);
/* 重试: a parked item goes back in the queue (and sync is woken); a pending one is tried now.
 * 搁置: a pending item is parked with the reason "staff". */
gboolean     hb_maintenance_retry_item (HbMaintenance *self, const char *key, GError **error);
gboolean     hb_maintenance_park_item  (HbMaintenance *self, const char *key, GError **error);
gboolean     hb_maintenance_set_out_of_service (HbMaintenance *self, gboolean on,
                                                GError **error);
/* Where diagnostics go: [maintenance] export_dir, else the first USB stick mounted under
 * /media, else the data dir. (transfer full) */
char        *hb_maintenance_dup_export_dir (HbMaintenance *self);
void         hb_maintenance_export_async  (HbMaintenance *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
char        *hb_maintenance_export_finish (HbMaintenance *self, GAsyncResult *result,
                                           GError **error);
/* Technician: the device lines of the configuration ("devices.mode = virtual (default)"…),
 * audited "config.view". The touch-screen editor writes with
 * hb_maintenance_configure_devices_async below. (transfer full) */
char        *hb_maintenance_dup_device_config (HbMaintenance *self, GError **error);
/* Technician: writes [devices] keys (NULL-terminated triples "devices", key, value; a NULL
 * value removes the key) into the config file in use (hb_config_get_source; none →
 * HB_MAINTENANCE_ERROR_FAILED) with hb_config_file_set_keys on a worker thread; _finish
 * audits a success as "devices.configure" with the keys' names as detail (never values or
 * paths), so always call it. Pass only changed keys. Takes effect at the next start
 * (重启程序). Only the devices group is accepted. */
void         hb_maintenance_configure_devices_async  (HbMaintenance *self,
                                                      const char *const *group_key_values,
                                                      GCancellable *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer user_data);
gboolean     hb_maintenance_configure_devices_finish (HbMaintenance *self, GAsyncResult *result,
                                                      GError **error);
/* 重启程序 (any role) or 退出 kiosk (technician): logs out and emits "exit-requested" with
 * HB_MAINTENANCE_EXIT_RESTART / _LEAVE; the UI quits with hb_maintenance_get_exit_code. */
gboolean     hb_maintenance_request_exit (HbMaintenance *self, int code, GError **error);
/* 0 until an exit was requested. */
int          hb_maintenance_get_exit_code (HbMaintenance *self);

/* --- what the dashboard shows ---------------------------------------------------------- */

/* What staff should do about a device state, or NULL when nothing (pure; translated):
 * "打印纸用完 — 打开前盖装入 A4 纸，然后点 重新检测". paper: HbPaperStatus (printers),
 * else HB_PAPER_UNKNOWN. */
const char  *hb_maintenance_device_advice (HbDeviceKind kind, HbDeviceStatus status,
                                           const char *detail, int paper);
/* The device's name for staff: "身份证阅读器", "扫码器", "A4 打印机", "小票打印机". */
const char  *hb_maintenance_device_title (HbDeviceKind kind);
/* The last max warnings/errors of the log file (newest last), scrubbed of ID and phone
 * numbers (transfer full; empty when none). Reads at most the last 64 KiB. */
GStrv        hb_maintenance_recent_errors (const char *log_path, guint max);
/* Seconds since the kiosk (this controller) started. */
gint64       hb_maintenance_get_uptime (HbMaintenance *self);

/* Signals:
 *   "changed"        () — opened, closed, logged in or out
 *   "card-checked"   (const GError *error) — a staff card was checked at the entry and
 *                    refused (a success logs in and emits "changed")
 *   "test-done"      (const char *what, gboolean ok, const char *message) — what: "card",
 *                    "scan"; message shown as is (masked name, never an ID number)
 *   "exit-requested" (int code) */

G_END_DECLS
