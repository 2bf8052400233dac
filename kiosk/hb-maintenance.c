/* hb-maintenance.c — maintenance mode controller (see the header; docs/maintenance.md). */
#include "kiosk/hb-maintenance.h"
#include "kiosk/hb-person.h"
#include "kiosk/hb-log.h"
#include "kiosk/hb-diagnostics.h"
#include "kiosk/hb-config-file.h"
#include "offline-cache/hb-audit.h"
#include "drivers/printer/hb-receipt-printer.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (hb-maintenance-error-quark, hb_maintenance_error)

#define RECENT_ERRORS_TAIL (64 * 1024)
#define OUTBOX_LIST_MAX    50

typedef enum { TEST_NONE, TEST_CARD, TEST_SCAN } PendingTest;

struct _HbMaintenance
{
  GObject       parent_instance;
  HbCore       *core;          /* borrowed: the core owns us */
  gboolean      active;
  HbStaffRole   role;
  char         *staff_id;
  char         *actor;
  guint         idle_source;
  PendingTest   pending_test;
  int           exit_code;
  gint64        started_at;    /* monotonic µs */
  GCancellable *card_check;
};

G_DEFINE_FINAL_TYPE (HbMaintenance, hb_maintenance, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, SIGNAL_CARD_CHECKED, SIGNAL_TEST_DONE, SIGNAL_EXIT_REQUESTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
hb_maintenance_dispose (GObject *object)
{
  HbMaintenance *self = HB_MAINTENANCE (object);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->card_check)
    g_cancellable_cancel (self->card_check);
  g_clear_object (&self->card_check);
  G_OBJECT_CLASS (hb_maintenance_parent_class)->dispose (object);
}

static void
hb_maintenance_finalize (GObject *object)
{
  HbMaintenance *self = HB_MAINTENANCE (object);
  g_free (self->staff_id);
  g_free (self->actor);
  G_OBJECT_CLASS (hb_maintenance_parent_class)->finalize (object);
}

static void
hb_maintenance_class_init (HbMaintenanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = hb_maintenance_dispose;
  object_class->finalize = hb_maintenance_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_CARD_CHECKED] =
    g_signal_new ("card-checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_TEST_DONE] =
    g_signal_new ("test-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);
  signals[SIGNAL_EXIT_REQUESTED] =
    g_signal_new ("exit-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
hb_maintenance_init (HbMaintenance *self)
{
  self->started_at = g_get_monotonic_time ();
}

HbMaintenance *
hb_maintenance_new (HbCore *core)
{
  HbMaintenance *self = g_object_new (HB_TYPE_MAINTENANCE, NULL);
  self->core = core;
  return self;
}

/* --- helpers -------------------------------------------------------------------------- */

/* The core's gate (H28): PINs, staff cards, the lockout shared with haobanctl. */
static HbStaffAuth *
get_auth (HbMaintenance *self)
{
  return hb_core_is_started (self->core) ? hb_core_get_staff_auth (self->core) : NULL;
}

static void
audited (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  if (!hb_audit_append_finish (HB_AUDIT (source), result, &error))
    g_warning ("maintenance: audit append failed: %s", error->message);
}

/* Staff actions go into the SM3 chain, committed on a worker thread (never an fsync on the
 * UI thread); a failure is logged, it never hides the action. */
static void
audit (HbMaintenance *self, const char *action, const char *subject, const char *detail)
{
  HbAudit *log = hb_core_is_started (self->core) ? hb_core_get_audit (self->core) : NULL;

  g_message ("maintenance: %s %s%s%s", self->actor ? self->actor : "-", action,
             subject ? " " : "", subject ? subject : "");
  if (log)
    hb_audit_append_async (log, self->actor ? self->actor : "system", action, subject, detail,
                           NULL, audited, NULL);
}

static gboolean
on_idle (gpointer data)
{
  HbMaintenance *self = data;
  self->idle_source = 0;
  g_message ("maintenance: idle for %" G_GINT64_FORMAT " s: leaving",
             hb_config_get_int (hb_core_get_config (self->core), "maintenance", "idle_timeout"));
  hb_maintenance_close (self, "idle");
  return G_SOURCE_REMOVE;
}

void
hb_maintenance_touch (HbMaintenance *self)
{
  g_return_if_fail (HB_IS_MAINTENANCE (self));
  if (!self->active)
    return;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  self->idle_source =
    g_timeout_add_seconds ((guint) hb_config_get_int (hb_core_get_config (self->core),
                                                      "maintenance", "idle_timeout"),
                           on_idle, self);
}

static void
set_login (HbMaintenance *self, HbStaffRole role, const char *staff_id)
{
  g_clear_pointer (&self->staff_id, g_free);
  g_clear_pointer (&self->actor, g_free);
  self->role = role;
  if (role != HB_STAFF_ROLE_NONE)
    {
      self->staff_id = g_strdup (staff_id ? staff_id : "?");
      self->actor = g_strdup_printf ("%s:%s", hb_staff_role_to_string (role), self->staff_id);
    }
  self->pending_test = TEST_NONE;
  hb_maintenance_touch (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Checks the login and the role; a read (the list a refresh redraws) is not activity. */
static gboolean
require_quiet (HbMaintenance *self, HbMaintenanceAction action, GError **error)
{
  if (!self->active || self->role == HB_STAFF_ROLE_NONE)
    {
      g_set_error_literal (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NOT_LOGGED_IN,
                           _("请先登录维护模式"));
      return FALSE;
    }
  if (!hb_maintenance_can (self, action))
    {
      g_message ("maintenance: %s may not do action %d", self->actor, (int) action);
      g_set_error_literal (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_FORBIDDEN,
                           _("此操作仅限技术人员"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
require (HbMaintenance *self, HbMaintenanceAction action, GError **error)
{
  if (!require_quiet (self, action, error))
    return FALSE;
  hb_maintenance_touch (self);
  return TRUE;
}

/* --- entry and login ------------------------------------------------------------------ */

gboolean
hb_maintenance_open (HbMaintenance *self, GError **error)
{
  g_return_val_if_fail (HB_IS_MAINTENANCE (self), FALSE);
  /* A visit is never interrupted. */
  if (hb_session_get_state (hb_core_get_session (self->core)) != HB_SESSION_ATTRACT)
    {
      g_set_error_literal (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_VISIT,
                           _("正在办理业务，不能进入维护模式"));
      return FALSE;
    }
  if (!self->active)
    {
      self->active = TRUE;
      hb_maintenance_touch (self);
      g_message ("maintenance: entry opened");
      /* A staff card added at the platform a minute ago should work now. */
      hb_core_refresh_staff (self->core);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
  return TRUE;
}

void
hb_maintenance_close (HbMaintenance *self, const char *why)
{
  g_return_if_fail (HB_IS_MAINTENANCE (self));
  if (!self->active)
    return;
  if (self->role != HB_STAFF_ROLE_NONE)
    audit (self, "maintenance.logout", NULL, why);
  if (self->card_check)
    g_cancellable_cancel (self->card_check);
  g_clear_object (&self->card_check);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  self->active = FALSE;
  set_login (self, HB_STAFF_ROLE_NONE, NULL);
  g_clear_handle_id (&self->idle_source, g_source_remove);
}

gboolean
hb_maintenance_is_active (HbMaintenance *self)
{
  g_return_val_if_fail (HB_IS_MAINTENANCE (self), FALSE);
  return self->active;
}

HbStaffRole
hb_maintenance_get_role (HbMaintenance *self)
{
  g_return_val_if_fail (HB_IS_MAINTENANCE (self), HB_STAFF_ROLE_NONE);
  return self->active ? self->role : HB_STAFF_ROLE_NONE;
}

const char *
hb_maintenance_get_actor (HbMaintenance *self)
{
  g_return_val_if_fail (HB_IS_MAINTENANCE (self), NULL);
  return self->actor;
}

gint64
hb_maintenance_get_locked_for (HbMaintenance *self)
{
  HbStaffAuth *auth = get_auth (self);
  return auth ? hb_staff_auth_locked_for (auth) : 0;
}

guint
hb_maintenance_get_attempts_left (HbMaintenance *self)
{
  HbStaffAuth *auth = get_auth (self);
  return auth ? hb_staff_auth_attempts_left (auth) : HB_STAFF_MAX_FAILURES;
}

void
hb_maintenance_login_as (HbMaintenance *self, HbStaffRole role, const char *staff_id)
{
  g_return_if_fail (HB_IS_MAINTENANCE (self));
  self->active = TRUE;
  set_login (self, role, staff_id);
  audit (self, "maintenance.login", NULL, "direct");
}

static void
pin_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbMaintenance *self = g_task_get_source_object (task);
  g_autofree char *staff_id = NULL;
  gint64 retry_after = 0;
  GError *error = NULL;
  HbStaffRole role = hb_staff_auth_check_pin_finish (HB_STAFF_AUTH (source), result, &staff_id,
                                                     &retry_after, &error);

  g_task_set_task_data (task, g_memdup2 (&retry_after, sizeof retry_after), g_free);
  if (role == HB_STAFF_ROLE_NONE)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!self->active)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "entry closed");
      return;
    }
  set_login (self, role, staff_id);
  g_task_return_boolean (task, TRUE);
}

void
hb_maintenance_login_pin_async (HbMaintenance *self, const char *pin, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  HbStaffAuth *auth = get_auth (self);

  g_task_set_source_tag (task, hb_maintenance_login_pin_async);
  if (!self->active || auth == NULL)
    {
      g_task_return_new_error (task, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NOT_LOGGED_IN,
                               "%s", _("维护入口未打开"));
      return;
    }
  hb_maintenance_touch (self);
  hb_staff_auth_check_pin_async (auth, pin, cancellable, pin_checked, g_steal_pointer (&task));
}

gboolean
hb_maintenance_login_pin_finish (HbMaintenance *self, GAsyncResult *result,
                                 gint64 *retry_after_s, GError **error)
{
  gint64 *retry = g_task_get_task_data (G_TASK (result));
  if (retry_after_s)
    *retry_after_s = retry ? *retry : 0;
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  HbMaintenance *self;
  GCancellable  *cancellable;   /* this check's: a newer check has another */
} CardCheck;

static void
card_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  CardCheck *check = data;
  HbMaintenance *self = check->self;
  g_autofree char *staff_id = NULL;
  g_autoptr(GError) error = NULL;
  HbStaffRole role = hb_staff_auth_check_card_finish (HB_STAFF_AUTH (source), result, &staff_id,
                                                      NULL, &error);

  /* The entry closed (or the controller went) while the card was checked: nothing to do. */
  if (self->card_check == check->cancellable && !g_cancellable_is_cancelled (check->cancellable))
    {
      g_clear_object (&self->card_check);
      if (role != HB_STAFF_ROLE_NONE && self->active)
        set_login (self, role, staff_id);
      else if (error)
        g_signal_emit (self, signals[SIGNAL_CARD_CHECKED], 0, error);
    }
  g_object_unref (check->cancellable);
  g_object_unref (check->self);
  g_free (check);
}

gboolean
hb_maintenance_take_card (HbMaintenance *self, const char *id_number, const char *name)
{
  g_return_val_if_fail (HB_IS_MAINTENANCE (self), FALSE);
  if (!self->active)
    return FALSE;
  hb_maintenance_touch (self);
  if (self->role == HB_STAFF_ROLE_NONE)
    {
      HbStaffAuth *auth = get_auth (self);
      if (auth == NULL || id_number == NULL || self->card_check != NULL)
        return TRUE;
      CardCheck *check = g_new0 (CardCheck, 1);
      self->card_check = g_cancellable_new ();
      check->self = g_object_ref (self);
      check->cancellable = g_object_ref (self->card_check);
      hb_staff_auth_check_card_async (auth, id_number, self->card_check, card_checked, check);
      return TRUE;
    }
  if (self->pending_test == TEST_CARD)
    {
      /* Only the masked name is shown: the reader works, nothing of the card stays. */
      g_autofree char *masked = hb_mask_name (name ? name : "");
      g_autofree char *message = g_strdup_printf (_("读卡正常：%s"), masked ? masked : "");
      self->pending_test = TEST_NONE;
      audit (self, "test.card-read", "idcard", "ok");
      g_signal_emit (self, signals[SIGNAL_TEST_DONE], 0, "card", TRUE, message);
    }
  return TRUE;
}

gboolean
hb_maintenance_take_scan (HbMaintenance *self, const char *text)
{
  g_return_val_if_fail (HB_IS_MAINTENANCE (self), FALSE);
  if (!self->active)
    return FALSE;
  hb_maintenance_touch (self);
  if (self->pending_test == TEST_SCAN && self->role != HB_STAFF_ROLE_NONE)
    {
      /* A code may carry a personal identity: only its length is shown. */
      g_autofree char *message =
        g_strdup_printf (_("扫码正常：读到 %u 个字符"), (guint) g_utf8_strlen (text ? text : "", -1));
      self->pending_test = TEST_NONE;
      audit (self, "test.scan", "scanner", "ok");
      g_signal_emit (self, signals[SIGNAL_TEST_DONE], 0, "scan", TRUE, message);
    }
  return TRUE;
}

/* --- actions -------------------------------------------------------------------------- */

gboolean
hb_maintenance_can (HbMaintenance *self, HbMaintenanceAction action)
{
  g_return_val_if_fail (HB_IS_MAINTENANCE (self), FALSE);
  if (!self->active || self->role == HB_STAFF_ROLE_NONE)
    return FALSE;
  switch (action)
    {
    case HB_MAINTENANCE_ACTION_DEVICE_CONFIG:
    case HB_MAINTENANCE_ACTION_LEAVE_KIOSK:
      return self->role == HB_STAFF_ROLE_TECHNICIAN;
    default:
      return TRUE;
    }
}

gboolean
hb_maintenance_test_card (HbMaintenance *self, GError **error)
{
  if (!require (self, HB_MAINTENANCE_ACTION_TEST_CARD, error))
    return FALSE;
  self->pending_test = TEST_CARD;
  return TRUE;
}

gboolean
hb_maintenance_test_scan (HbMaintenance *self, GError **error)
{
  if (!require (self, HB_MAINTENANCE_ACTION_TEST_SCAN, error))
    return FALSE;
  self->pending_test = TEST_SCAN;
  return TRUE;
}

static cairo_status_t
pdf_write (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* One A4 page that says what it is, where and when: no personal data. */
static GBytes *
test_page (HbMaintenance *self)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (pdf_write, out, 595, 842);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Noto Sans CJK SC 18");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  g_autofree char *text = g_strdup_printf ("%s\n%s\n%s\n%s", _("打印测试页"),
                                           hb_config_get_string (hb_core_get_config (self->core),
                                                                 "terminal", "id"),
                                           stamp, self->actor ? self->actor : "");

  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, 72, 72);
  pango_cairo_show_layout (cr, layout);
  cairo_rectangle (cr, 36, 36, 595 - 72, 842 - 72);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
  pango_font_description_free (font);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

static HbTicket *
test_ticket (HbMaintenance *self, GError **error)
{
  g_autoptr(HbTicket) ticket = hb_ticket_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");

  if (!hb_ticket_add_text (ticket, _("小票打印测试"), HB_TICKET_SIZE_DOUBLE, TRUE,
                           HB_TICKET_ALIGN_CENTER, error) ||
      !hb_ticket_add_separator (ticket, error) ||
      !hb_ticket_add_row (ticket, _("终端"), hb_config_get_string (hb_core_get_config (self->core),
                                                                 "terminal", "id"), error) ||
      !hb_ticket_add_row (ticket, _("时间"), stamp, error) ||
      !hb_ticket_add_cut (ticket, error))
    return NULL;
  return g_steal_pointer (&ticket);
}

static void
test_printed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbMaintenance *self = g_task_get_source_object (task);
  GError *error = NULL;
  guint job = HB_IS_RECEIPT_PRINTER (source)
              ? hb_receipt_printer_print_ticket_finish (HB_RECEIPT_PRINTER (source), result, &error)
              : hb_printer_print_finish (HB_PRINTER (source), result, &error);
  const char *kind = hb_device_kind_to_string (hb_device_get_kind (HB_DEVICE (source)));

  audit (self, "print.test", kind, job ? "ok" : "failed");
  if (job == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, job);
}

void
hb_maintenance_test_print_async (HbMaintenance *self, HbDeviceKind kind,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  HbDevice *device = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, hb_maintenance_test_print_async);
  if (!require (self, HB_MAINTENANCE_ACTION_TEST_PRINT, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (hb_core_is_started (self->core))
    device = hb_device_manager_get_device (hb_core_get_devices (self->core), kind);
  if (device == NULL || !HB_IS_PRINTER (device))
    {
      g_task_return_new_error (task, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NO_DEVICE,
                               "%s", _("没有这台打印机"));
      return;
    }
  if (HB_IS_RECEIPT_PRINTER (device))
    {
      g_autoptr(HbTicket) ticket = test_ticket (self, &error);
      if (ticket == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      hb_receipt_printer_print_ticket_async (HB_RECEIPT_PRINTER (device), ticket, cancellable,
                                             test_printed, g_steal_pointer (&task));
    }
  else
    {
      g_autoptr(GBytes) pdf = test_page (self);
      hb_printer_print_async (HB_PRINTER (device), pdf, _("打印测试页"), cancellable,
                              test_printed, g_steal_pointer (&task));
    }
}

guint
hb_maintenance_test_print_finish (HbMaintenance *self, GAsyncResult *result, GError **error)
{
  gssize job = g_task_propagate_int (G_TASK (result), error);
  return job > 0 ? (guint) job : 0;
}

static void
reopened (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  if (!hb_device_open_finish (HB_DEVICE (source), result, &error))
    g_message ("maintenance: %s still does not open: %s",
               hb_device_kind_to_string (hb_device_get_kind (HB_DEVICE (source))), error->message);
}

gboolean
hb_maintenance_recheck (HbMaintenance *self, GError **error)
{
  HbDeviceManager *devices;

  if (!require (self, HB_MAINTENANCE_ACTION_RECHECK, error))
    return FALSE;
  audit (self, "devices.recheck", NULL, NULL);
  if (!hb_core_is_started (self->core))
    return TRUE;
  devices = hb_core_get_devices (self->core);
  for (int kind = 0; kind < HB_DEVICE_N_KINDS; kind++)
    {
      HbDevice *device = hb_device_manager_get_device (devices, (HbDeviceKind) kind);
      HbDeviceStatus status = device ? hb_device_get_status (device) : HB_DEVICE_STATUS_NO_DEVICE;
      /* A device that failed to open (or was closed) gets another try; one that is open
       * reports its own changes (paper back, cover closed) as they happen. */
      if (device && !hb_device_is_open (device) && status != HB_DEVICE_STATUS_STARTING
          && status != HB_DEVICE_STATUS_NO_DEVICE)
        hb_device_open_async (device, NULL, reopened, NULL);
    }
  g_signal_emit_by_name (self->core, "status-changed");
  return TRUE;
}

gboolean
hb_maintenance_sync_now (HbMaintenance *self, GError **error)
{
  if (!require (self, HB_MAINTENANCE_ACTION_SYNC_NOW, error))
    return FALSE;
  audit (self, "sync.now", NULL, NULL);
  if (hb_core_is_started (self->core))
    {
      hb_sync_request_catalog (hb_core_get_sync (self->core));
      hb_sync_request_heartbeat (hb_core_get_sync (self->core));
      hb_sync_kick (hb_core_get_sync (self->core));
    }
  return TRUE;
}

static gint
by_id (gconstpointer a, gconstpointer b)
{
  const HbOutboxItem *x = *(HbOutboxItem *const *) a, *y = *(HbOutboxItem *const *) b;
  return x->id < y->id ? -1 : x->id > y->id;
}

GPtrArray *
hb_maintenance_list_outbox (HbMaintenance *self, GError **error)
{
  static const HbOutboxState states[] = { HB_OUTBOX_PARKED, HB_OUTBOX_DEAD, HB_OUTBOX_PENDING };
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_outbox_item_free);

  if (!require_quiet (self, HB_MAINTENANCE_ACTION_OUTBOX, error))
    return NULL;
  if (!hb_core_is_started (self->core))
    return g_steal_pointer (&all);
  for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(GPtrArray) some = hb_outbox_list (hb_core_get_outbox (self->core), states[i],
                                                  OUTBOX_LIST_MAX, error);
      if (some == NULL)
        return NULL;
      for (guint j = 0; j < some->len; j++)
        g_ptr_array_add (all, g_ptr_array_steal_index (some, j--));
    }
  g_ptr_array_sort (all, by_id);
  return g_steal_pointer (&all);
}

static HbOutboxItem *
lookup (HbMaintenance *self, const char *key, GError **error)
{
  HbOutboxItem *item = key && hb_core_is_started (self->core)
                       ? hb_outbox_lookup (hb_core_get_outbox (self->core), key, NULL) : NULL;
  if (item == NULL)
    g_set_error_literal (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_NO_DEVICE,
                         _("找不到这一件待发送事项"));
  return item;
}

gboolean
hb_maintenance_retry_item (HbMaintenance *self, const char *key, GError **error)
{
  g_autoptr(HbOutboxItem) item = NULL;

  if (!require (self, HB_MAINTENANCE_ACTION_OUTBOX, error) || !(item = lookup (self, key, error)))
    return FALSE;
  if (item->state == HB_OUTBOX_PARKED &&
      !hb_outbox_unpark (hb_core_get_outbox (self->core), key, error))
    return FALSE;
  if (item->state != HB_OUTBOX_PARKED && item->state != HB_OUTBOX_PENDING)
    {
      g_set_error_literal (error, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_FAILED,
                           _("这一件已发送或已被平台拒收，不能重试"));
      return FALSE;
    }
  audit (self, "outbox.retry", key, item->kind);
  hb_sync_kick (hb_core_get_sync (self->core));
  g_signal_emit_by_name (self->core, "status-changed");
  return TRUE;
}

gboolean
hb_maintenance_park_item (HbMaintenance *self, const char *key, GError **error)
{
  g_autoptr(HbOutboxItem) item = NULL;

  if (!require (self, HB_MAINTENANCE_ACTION_OUTBOX, error) || !(item = lookup (self, key, error)))
    return FALSE;
  if (!hb_outbox_park (hb_core_get_outbox (self->core), key, "staff", error))
    return FALSE;
  audit (self, "outbox.park", key, item->kind);
  g_signal_emit_by_name (self->core, "status-changed");
  return TRUE;
}

gboolean
hb_maintenance_set_out_of_service (HbMaintenance *self, gboolean on, GError **error)
{
  g_autofree char *reason = NULL;

  if (!require (self, HB_MAINTENANCE_ACTION_OUT_OF_SERVICE, error))
    return FALSE;
  reason = g_strdup_printf ("%s (%s)", _("工作人员暂停服务"), self->actor);
  hb_core_set_out_of_service (self->core, on, on ? reason : NULL);
  audit (self, "service.out-of-service", NULL, on ? "on" : "off");
  return TRUE;
}

/* The first removable medium mounted under /media (udisks: /media/<user>/<label>). */
static char *
first_usb_stick (void)
{
  g_autofree char *mounts = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/mounts", &mounts, NULL, NULL))
    return NULL;
  lines = g_strsplit (mounts, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 4);
      if (g_strv_length (fields) >= 2 && g_str_has_prefix (fields[1], "/media/") &&
          g_file_test (fields[1], G_FILE_TEST_IS_DIR))
        return g_strcompress (fields[1]);   /* /proc/mounts escapes spaces as \040 */
    }
  return NULL;
}

char *
hb_maintenance_dup_export_dir (HbMaintenance *self)
{
  const char *dir = hb_config_get_string (hb_core_get_config (self->core), "maintenance",
                                          "export_dir");
  char *stick;

  if (dir && *dir)
    return g_strdup (dir);
  if ((stick = first_usb_stick ()) != NULL)
    return stick;
  return hb_config_dup_data_path (hb_core_get_config (self->core), "");
}

static void
exported (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbMaintenance *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *path = hb_diagnostics_export_finish (result, &error);

  if (path == NULL)
    {
      audit (self, "diagnostics.export", NULL, "failed");
      g_task_return_error (task, error);
      return;
    }
  {
    g_autofree char *base = g_path_get_basename (path);
    audit (self, "diagnostics.export", base, NULL);
  }
  g_task_return_pointer (task, path, g_free);
}

void
hb_maintenance_export_async (HbMaintenance *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *dir = NULL;
  g_autofree char *status = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, hb_maintenance_export_async);
  if (!require (self, HB_MAINTENANCE_ACTION_EXPORT, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  dir = hb_maintenance_dup_export_dir (self);
  if (hb_core_is_started (self->core))
    {
      g_autoptr(JsonNode) node = hb_core_describe (self->core);
      status = json_to_string (node, TRUE);
    }
  hb_diagnostics_export_async (hb_core_get_config (self->core), status, dir, cancellable,
                               exported, g_steal_pointer (&task));
}

char *
hb_maintenance_export_finish (HbMaintenance *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
hb_maintenance_dup_device_config (HbMaintenance *self, GError **error)
{
  g_autofree char *dump = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out;

  if (!require (self, HB_MAINTENANCE_ACTION_DEVICE_CONFIG, error))
    return NULL;
  audit (self, "config.view", "devices", NULL);
  dump = hb_config_dump (hb_core_get_config (self->core));
  lines = g_strsplit (dump, "\n", -1);
  out = g_string_new (NULL);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "devices."))
      g_string_append_printf (out, "%s\n", lines[i]);
  return g_string_free (out, FALSE);
}

typedef struct { char *path; GStrv kv; char *keys; } ConfigureJob;

static void
configure_job_free (gpointer data)
{
  ConfigureJob *job = data;
  g_free (job->path);
  g_strfreev (job->kv);
  g_free (job->keys);
  g_free (job);
}

static void
configure_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ConfigureJob *job = data;
  GError *error = NULL;
  if (hb_config_file_set_keys (job->path, (const char *const *) job->kv, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hb_maintenance_configure_devices_async (HbMaintenance *self, const char *const *group_key_values,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  const char *path;
  GPtrArray *kv;
  GString *keys;
  ConfigureJob *job;

  g_return_if_fail (HB_IS_MAINTENANCE (self) && group_key_values != NULL);
  g_task_set_source_tag (task, hb_maintenance_configure_devices_async);
  if (!require (self, HB_MAINTENANCE_ACTION_DEVICE_CONFIG, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  path = hb_config_get_source (hb_core_get_config (self->core));
  if (path == NULL)
    {
      g_task_return_new_error (task, HB_MAINTENANCE_ERROR, HB_MAINTENANCE_ERROR_FAILED,
                               _("本机没有使用配置文件，无法保存：请用 --config 指定 "
                                 "/etc/haoban/kiosk.conf 后重启程序"));
      return;
    }
  kv = g_ptr_array_new ();
  keys = g_string_new (NULL);
  for (const char *const *t = group_key_values; t[0] != NULL; t += 3)
    {
      /* The touch screen edits devices only: PIN hashes and the platform stay haobanctl's. */
      g_return_if_fail (g_str_equal (t[0], "devices") && t[1] != NULL);
      g_ptr_array_add (kv, g_strdup (t[0]));
      g_ptr_array_add (kv, g_strdup (t[1]));
      g_ptr_array_add (kv, g_strdup (t[2]));
      g_string_append_printf (keys, "%s%s", keys->len ? "," : "", t[1]);
    }
  g_ptr_array_add (kv, NULL);
  job = g_new0 (ConfigureJob, 1);
  job->path = g_strdup (path);
  job->kv = (GStrv) g_ptr_array_free (kv, FALSE);
  job->keys = g_string_free (keys, FALSE);
  g_task_set_task_data (task, job, configure_job_free);
  g_task_run_in_thread (task, configure_thread);
}

gboolean
hb_maintenance_configure_devices_finish (HbMaintenance *self, GAsyncResult *result,
                                         GError **error)
{
  ConfigureJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &local))
    {
      if (job)
        g_message ("maintenance: saving the device configuration failed: %s", local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  audit (self, "devices.configure", "devices", job->keys);
  return TRUE;
}

gboolean
hb_maintenance_request_exit (HbMaintenance *self, int code, GError **error)
{
  gboolean leave = code == HB_MAINTENANCE_EXIT_LEAVE;

  g_return_val_if_fail (code == HB_MAINTENANCE_EXIT_RESTART || leave, FALSE);
  if (!require (self, leave ? HB_MAINTENANCE_ACTION_LEAVE_KIOSK : HB_MAINTENANCE_ACTION_RESTART,
                error))
    return FALSE;
  audit (self, leave ? "kiosk.leave" : "kiosk.restart", NULL, NULL);
  self->exit_code = code;
  hb_maintenance_close (self, "exit");
  g_signal_emit (self, signals[SIGNAL_EXIT_REQUESTED], 0, code);
  return TRUE;
}

int
hb_maintenance_get_exit_code (HbMaintenance *self)
{
  g_return_val_if_fail (HB_IS_MAINTENANCE (self), 0);
  return self->exit_code;
}

/* --- what the dashboard shows --------------------------------------------------------- */

const char *
hb_maintenance_device_title (HbDeviceKind kind)
{
  switch (kind)
    {
    case HB_DEVICE_KIND_IDCARD:          return _("身份证阅读器");
    case HB_DEVICE_KIND_SCANNER:         return _("扫码器");
    case HB_DEVICE_KIND_PRINTER:         return _("A4 打印机");
    case HB_DEVICE_KIND_RECEIPT_PRINTER: return _("小票打印机");
    default:                             return "?";
    }
}

static gboolean
is_printer (HbDeviceKind kind)
{
  return kind == HB_DEVICE_KIND_PRINTER || kind == HB_DEVICE_KIND_RECEIPT_PRINTER;
}

const char *
hb_maintenance_device_advice (HbDeviceKind kind, HbDeviceStatus status, const char *detail,
                              int paper)
{
  gboolean receipt = kind == HB_DEVICE_KIND_RECEIPT_PRINTER;

  if (is_printer (kind) && paper == HB_PAPER_OUT)
    return receipt ? _("小票纸用完 — 打开小票打印机仓盖，装入 80 mm 热敏纸卷，然后点 重新检测")
                   : _("打印纸用完 — 打开前盖装入 A4 纸，然后点 重新检测");
  switch (status)
    {
    case HB_DEVICE_STATUS_ONLINE:
    case HB_DEVICE_STATUS_BUSY:
      if (is_printer (kind) && paper == HB_PAPER_LOW)
        return receipt ? _("小票纸快用完 — 请尽快换上新纸卷")
                       : _("打印纸快用完 — 请尽快补充 A4 纸");
      return NULL;
    case HB_DEVICE_STATUS_STARTING:
      return _("正在启动 — 稍等片刻；一分钟后仍如此，点 重新检测");
    case HB_DEVICE_STATUS_USER_ERROR:
      if (detail && strstr (detail, "cover"))
        return _("仓盖未关好 — 关紧仓盖，然后点 重新检测");
      if (kind == HB_DEVICE_KIND_IDCARD)
        return _("读卡区有异物或卡片放置不当 — 清理读卡区，然后点 重新检测");
      return _("需要人工处理 — 按设备提示处理，然后点 重新检测");
    case HB_DEVICE_STATUS_NO_DEVICE:
      return _("未连接 — 检查 USB 线和电源，然后点 重新检测");
    case HB_DEVICE_STATUS_HARDWARE_ERROR:
      return _("设备故障 — 关闭设备电源再打开，然后点 重新检测；仍不行请联系技术人员");
    case HB_DEVICE_STATUS_OFFLINE:
    default:
      return _("未打开 — 点 重新检测；仍不行请点 重启程序");
    }
}

GStrv
hb_maintenance_recent_errors (const char *log_path, guint max)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree char *buf = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) hits = g_ptr_array_new ();
  goffset size;
  gsize got = 0;

  if (log_path == NULL || max == 0)
    return g_strv_builder_end (builder);
  file = g_file_new_for_path (log_path);
  in = g_file_read (file, NULL, NULL);
  if (in == NULL)
    return g_strv_builder_end (builder);
  g_seekable_seek (G_SEEKABLE (in), 0, G_SEEK_END, NULL, NULL);
  size = g_seekable_tell (G_SEEKABLE (in));
  g_seekable_seek (G_SEEKABLE (in), MAX (0, size - RECENT_ERRORS_TAIL), G_SEEK_SET, NULL, NULL);
  buf = g_malloc0 (RECENT_ERRORS_TAIL + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), buf, RECENT_ERRORS_TAIL, &got, NULL, NULL))
    return g_strv_builder_end (builder);
  buf[got] = '\0';
  lines = g_strsplit (buf, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if ((strstr (lines[i], " WARNING ") || strstr (lines[i], " CRITICAL ") ||
         strstr (lines[i], " ERROR ")) && g_utf8_validate (lines[i], -1, NULL))
      g_ptr_array_add (hits, lines[i]);
  for (guint i = hits->len > max ? hits->len - max : 0; i < hits->len; i++)
    {
      /* Scrubbed again on the way to the screen: defence in depth. */
      g_autofree char *clean = hb_log_scrub (hits->pdata[i]);
      g_strv_builder_add (builder, clean);
    }
  return g_strv_builder_end (builder);
}

gint64
hb_maintenance_get_uptime (HbMaintenance *self)
{
  return (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
}
