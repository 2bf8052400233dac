/* hb-core.c — wiring of config, store, devices, sync, session and printing. */
#include "kiosk/hb-core.h"
#include "kiosk/hb-document.h"
#include "kiosk/hb-i18n.h"
#include "kiosk/hb-code-identity.h"
#include "kiosk/hb-certificate.h"
#include "kiosk/hb-code-slip.h"
#include "kiosk/hb-benefits.h"
#include "kiosk/hb-cases.h"
#include "kiosk/hb-guidance.h"
#include "kiosk/hb-questions.h"
#include "kiosk/hb-licences.h"
#include "kiosk/hb-profile.h"
#include "kiosk/hb-enterprise-login.h"
#include "kiosk/hb-rating.h"
#include "kiosk/hb-report.h"
#include "kiosk/hb-receipt-ticket.h"
#include "kiosk/hb-offline-code.h"
#include "kiosk/hb-ops-report.h"
#include "kiosk/hb-maintenance.h"   /* H31: maintenance mode */
#include "common/hb-json.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <errno.h>
#include <sys/statvfs.h>
#include <unistd.h>

G_DEFINE_QUARK (hb-core-error-quark, hb_core_error)

#define REPLY_MAX_BYTES (64 * 1024)
#define STATUS_DEBOUNCE_MS 200

struct _HbCore
{
  GObject          parent_instance;

  HbConfig        *config;
  HbStore         *store;
  guint            rated_visit;   /* the visit (hb_session_get_visit_number) last rated */
  GHashTable      *benefit_keys;  /* benefit id → Idempotency-Key, for benefit_keys_visit */
  GStrv            licences;      /* the visit's electronic licence types, once known */
  GHashTable      *answers;       /* 情形: situation id → option value, for the service */
  GCancellable    *licences_fetch;
  GCancellable    *profile_fetch;    /* 智能预填: POST /v1/profile in flight */
  GCancellable    *enterprise_login; /* 企业登录 in flight */
  guint            benefit_keys_visit;
  HbCatalog       *catalog;
  HbOutbox        *outbox;
  HbDeviceManager *devices;
  HbSync          *sync;
  HbSession       *session;
  HbPrintService  *printer;

  /* Submissions are written on worker threads through a connection of their own, so a
   * commit's fsync never holds the main thread's connection (WAL: readers don't wait). */
  HbStore         *writer_store;
  HbOutbox        *writer_outbox;
  HbCatalog       *writer_catalog;
  GMutex           writer_lock;   /* one writer job at a time on that connection */
  GHashTable      *services;      /* code → HbService (parsed cache) */
  GCancellable    *resolving;     /* 随申码 resolution in flight */
  /* What staff must see (status.json "attention"): the last print that failed, and a
   * resident waiting for a clerk. */
  char            *print_failure;
  gint64           print_failure_at;
  guint            print_failures;
  char            *help_requested;
  gint64           help_requested_at;
  guint            status_source;
  gboolean         started;
  gint             storage_full;  /* atomic: the last submission was refused for disk space */
  /* Out of service (platform command, later staff): no new visit starts. Kept in
   * data_dir/out-of-service so a restart does not reopen a closed terminal. */
  gboolean         out_of_service;
  char            *out_of_service_reason;
  gint64           out_of_service_since;
  /* Usage counters (H29, hb-usage.h): the visit being counted and the device states last
   * recorded (-1 unknown, 0 not usable, 1 usable). */
  HbUsage         *usage;
  gint64           usage_visit_start;  /* 0: no visit counted */
  gboolean         usage_visit_submitted;
  int              usage_device[HB_DEVICE_N_KINDS];
  guint            usage_report_source;  /* the monthly operations report check */
  /* Maintenance mode (H31, hb-maintenance.h): takes cards and scans while it is open. */
  HbMaintenance   *maintenance;
  /* Audit log (H27, hb-audit.h): audit on the main connection (staff actions through
   * hb_audit_append_async, reads, the head in the status); writer_audit on the writer
   * connection, for submissions in the enqueue thread. */
  HbAudit         *audit;
  HbAudit         *writer_audit;
  /* Staff entry (H28, hb-staff-auth.h) and whether an allow-list refresh is in flight. */
  HbStaffAuth     *staff_auth;
  gboolean         staff_refreshing;
};

G_DEFINE_FINAL_TYPE (HbCore, hb_core, G_TYPE_OBJECT)

enum { SIGNAL_IDENTIFY_FAILED, SIGNAL_CATALOG_CHANGED, SIGNAL_STATUS_CHANGED,
       SIGNAL_PLACE_SCANNED, SIGNAL_CASE_SCANNED, SIGNAL_LICENCES_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void write_status_soon (HbCore *self);
static void audit_describe (HbCore *self, JsonBuilder *b);
static const char *resident_id_number (HbCore *self);
static void load_out_of_service (HbCore *self);
static GPtrArray *visit_services (HbCore *self);

/* --- object ----------------------------------------------------------------------- */

static void
hb_core_dispose (GObject *object)
{
  HbCore *self = HB_CORE (object);

  hb_core_stop (self);
  g_clear_object (&self->maintenance);   /* H31: it borrows the core */
  g_clear_object (&self->session);
  g_clear_object (&self->printer);
  g_clear_object (&self->sync);
  g_clear_object (&self->devices);
  g_clear_object (&self->outbox);
  g_clear_object (&self->writer_outbox);
  g_clear_object (&self->writer_catalog);
  g_clear_handle_id (&self->usage_report_source, g_source_remove);
  g_clear_object (&self->usage);   /* commits what it still holds */
  g_clear_object (&self->staff_auth);   /* H28 */
  g_clear_object (&self->writer_audit);
  g_clear_object (&self->audit);
  g_clear_object (&self->writer_store);
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_pointer (&self->services, g_hash_table_unref);
  G_OBJECT_CLASS (hb_core_parent_class)->dispose (object);
}

static void
hb_core_finalize (GObject *object)
{
  HbCore *self = HB_CORE (object);
  g_mutex_clear (&self->writer_lock);
  g_free (self->print_failure);
  g_free (self->help_requested);
  g_free (self->out_of_service_reason);
  g_hash_table_unref (self->benefit_keys);
  g_hash_table_unref (self->answers);
  g_strfreev (self->licences);
  g_clear_object (&self->licences_fetch);
  g_clear_object (&self->profile_fetch);
  g_clear_object (&self->enterprise_login);
  G_OBJECT_CLASS (hb_core_parent_class)->finalize (object);
}

static void
hb_core_class_init (HbCoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = hb_core_dispose;
  object_class->finalize = hb_core_finalize;

  signals[SIGNAL_IDENTIFY_FAILED] =
    g_signal_new ("identify-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_PLACE_SCANNED] =
    g_signal_new ("place-scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, HB_TYPE_PLACE | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_LICENCES_CHANGED] =
    g_signal_new ("licences-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CASE_SCANNED] =
    g_signal_new ("case-scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CATALOG_CHANGED] =
    g_signal_new ("catalog-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
hb_core_init (HbCore *self)
{
  g_mutex_init (&self->writer_lock);
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->benefit_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < HB_DEVICE_N_KINDS; i++)
    self->usage_device[i] = -1;
}

HbCore *
hb_core_new (HbConfig *config)
{
  HbCore *self = g_object_new (HB_TYPE_CORE, NULL);
  self->config = g_object_ref (config);
  self->session = hb_session_new ((guint) hb_config_get_int (config, "session", "idle_timeout"),
                                  (guint) hb_config_get_int (config, "session", "warning_seconds"));
  self->maintenance = hb_maintenance_new (self);   /* H31 */
  return self;
}

HbConfig        *hb_core_get_config  (HbCore *self) { return self->config; }
HbSession       *hb_core_get_session (HbCore *self) { return self->session; }
HbDeviceManager *hb_core_get_devices (HbCore *self) { return self->devices; }
HbCatalog       *hb_core_get_catalog (HbCore *self) { return self->catalog; }
HbOutbox        *hb_core_get_outbox  (HbCore *self) { return self->outbox; }
HbSync          *hb_core_get_sync    (HbCore *self) { return self->sync; }
HbStore         *hb_core_get_store   (HbCore *self) { return self->store; }
HbMaintenance   *hb_core_get_maintenance (HbCore *self) { return self->maintenance; }
gboolean         hb_core_is_started  (HbCore *self) { return self->started; }

/* --- identification --------------------------------------------------------------- */

static void
identify_person (HbCore *self, HbPerson *person)
{
  if (hb_session_get_state (self->session) != HB_SESSION_ATTRACT)
    {
      /* A card laid on the reader mid-visit is not a new visit. */
      g_debug ("core: identity event during a visit ignored");
      return;
    }
  if (self->out_of_service)
    {
      /* The attract screen already says 暂停服务 and where to go instead. */
      g_message ("core: out of service: identification ignored");
      return;
    }
  hb_session_identify (self->session, person);
}

static void
identify (HbCore *self, const HbIdCard *card, HbIdentitySource source)
{
  g_autoptr(HbPerson) person = hb_person_new (card, source);
  identify_person (self, person);
}

static void
on_card_read (HbCardReader *reader, HbIdCard *card, HbCore *self)
{
  /* H31: while maintenance is open a card is a staff card (or a 测试读卡), not a visit. */
  if (hb_maintenance_take_card (self->maintenance, card->id_number, card->name))
    return;
  identify (self, card, HB_IDENTITY_ID_CARD);
}

static void
on_card_read_failed (HbCardReader *reader, GError *error, HbCore *self)
{
  g_message ("core: card could not be read: %s", error ? error->message : "?");
  g_signal_emit (self, signals[SIGNAL_IDENTIFY_FAILED], 0,
                 _("未能读取身份证，请将身份证平放在读卡区，稍候再试"));
}

/* A resolved code: a resident or a business starts a visit; a place is shown to whoever
 * scanned it (no visit, nothing personal). */
static void
route_identity (HbCore *self, const HbCodeIdentity *id, HbIdentitySource source)
{
  g_autoptr(HbPerson) person = NULL;

  switch (id->kind)
    {
    case HB_CODE_IDENTITY_PERSON:
      person = hb_person_new (id->card, source);
      break;
    case HB_CODE_IDENTITY_ENTERPRISE:
      person = hb_person_new_enterprise (NULL, id->org_name, id->uscc, id->legal_person,
                                         source);
      break;
    case HB_CODE_IDENTITY_PLACE:
    default:
      if (hb_session_get_state (self->session) == HB_SESSION_ATTRACT)
        g_signal_emit (self, signals[SIGNAL_PLACE_SCANNED], 0, id->place);
      return;
    }
  identify_person (self, person);
}

static void
code_resolved (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCore) self = data;
  g_autoptr(GError) error = NULL;
  guint status = 0;
  g_autofree char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);

  g_clear_object (&self->resolving);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (body == NULL)
    {
      g_message ("core: code resolution failed: %s", error->message);
      g_signal_emit (self, signals[SIGNAL_IDENTIFY_FAILED], 0,
                     _("网络暂不可用，无法识别随申码，请使用身份证"));
      return;
    }
  if (status != 200)
    {
      g_message ("core: code resolution answered %u", status);
      g_signal_emit (self, signals[SIGNAL_IDENTIFY_FAILED], 0,
                     status == 410 ? _("随申码已过期，请刷新后重新扫码")
                                   : _("无法识别此码，请出示随申码或使用身份证"));
      return;
    }
  g_autoptr(HbCodeIdentity) id = hb_code_identity_parse (body, strlen (body), &error);
  hb_secure_free (g_steal_pointer (&body));
  if (id == NULL)
    {
      g_warning ("core: platform sent an unusable identity: %s", error->message);
      g_signal_emit (self, signals[SIGNAL_IDENTIFY_FAILED], 0,
                     _("无法识别此码，请出示随申码或使用身份证"));
      return;
    }
  route_identity (self, id, HB_IDENTITY_CODE);
}

/* --- offline codes (docs/suishenma-offline.md) --------------------------------------- */

typedef struct {
  HbKeyring       *keyring;
  char            *text;
  gint64           now;
  HbCodeVerdict    verdict;
  HbOfflineClaims *claims;
} OfflineJob;

static void
offline_job_free (gpointer data)
{
  OfflineJob *j = data;
  g_clear_object (&j->keyring);
  hb_secure_free (j->text);
  hb_offline_claims_free (j->claims);
  g_free (j);
}

/* SM2 verification takes about a millisecond: off the UI thread all the same. */
static void
offline_verify_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OfflineJob *j = data;
  j->verdict = hb_offline_code_verify (j->keyring, j->text, strlen (j->text), j->now,
                                       &j->claims);
  g_task_return_boolean (task, TRUE);
}

static const char *
offline_verdict_message (HbCodeVerdict verdict)
{
  switch (verdict)
    {
    case HB_CODE_VERDICT_EXPIRED:
      return _("此离线码已过期，请使用身份证，或在办事后打印新的离线码");
    case HB_CODE_VERDICT_REVOKED:
      return _("此离线码已作废，请使用身份证或到窗口咨询");
    case HB_CODE_VERDICT_NOT_YET_VALID:
      return _("此离线码尚未生效，请使用身份证或联系工作人员");
    case HB_CODE_VERDICT_UNKNOWN_KEY:
      /* The terminal has not synced the key yet (new key, long offline). */
      return _("本机暂时无法验证此离线码，请使用身份证");
    case HB_CODE_VERDICT_OK:
    case HB_CODE_VERDICT_BAD_SIGNATURE:
    case HB_CODE_VERDICT_MALFORMED:
    case HB_CODE_VERDICT_TOO_LONG:
    default:
      return _("无法识别此码，请出示随申码或使用身份证");
    }
}

static void
offline_verified (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCore) self = data;
  OfflineJob *j = g_task_get_task_data (G_TASK (result));
  g_autoptr(HbPerson) person = NULL;
  gboolean cancelled = g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result)));

  g_clear_object (&self->resolving);
  if (cancelled)
    return;
  g_message ("core: offline code %s (%s)", hb_code_verdict_to_string (j->verdict),
             j->claims ? hb_offline_kind_to_string (j->claims->kind) : "-");
  if (j->verdict != HB_CODE_VERDICT_OK)
    {
      g_signal_emit (self, signals[SIGNAL_IDENTIFY_FAILED], 0,
                     offline_verdict_message (j->verdict));
      return;
    }
  switch (j->claims->kind)
    {
    case HB_OFFLINE_KIND_PERSON:
      person = hb_person_new_subject (j->claims->sub, j->claims->name,
                                      HB_IDENTITY_OFFLINE_CODE);
      break;
    case HB_OFFLINE_KIND_ENTERPRISE:
      person = hb_person_new_enterprise (j->claims->sub, j->claims->name, NULL, NULL,
                                         HB_IDENTITY_OFFLINE_CODE);
      break;
    case HB_OFFLINE_KIND_PLACE:
    default:
      {
        HbPlace place = { j->claims->sub, j->claims->name, NULL, NULL, NULL };
        if (hb_session_get_state (self->session) == HB_SESSION_ATTRACT)
          g_signal_emit (self, signals[SIGNAL_PLACE_SCANNED], 0, &place);
        return;
      }
    }
  identify_person (self, person);
}

/* Checked on the terminal: works without network, which is the point of the code. */
static void
identify_with_offline_code (HbCore *self, const char *text)
{
  g_autoptr(GTask) task = NULL;
  OfflineJob *j = g_new0 (OfflineJob, 1);

  j->keyring = g_object_ref (hb_sync_get_keyring (self->sync));
  j->text = g_strdup (text);
  j->now = g_get_real_time () / G_USEC_PER_SEC;
  self->resolving = g_cancellable_new ();
  task = g_task_new (NULL, self->resolving, offline_verified, g_object_ref (self));
  g_task_set_source_tag (task, identify_with_offline_code);
  g_task_set_task_data (task, j, offline_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, offline_verify_thread);
}

void
hb_core_identify_with_code (HbCore *self, const char *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  if (hb_session_get_state (self->session) != HB_SESSION_ATTRACT || self->sync == NULL)
    return;
  if (self->resolving)
    return;   /* one resolution at a time; a phone held still scans repeatedly */
  if (hb_offline_code_looks_offline (text, strlen (text)))
    {
      identify_with_offline_code (self, text);
      return;
    }
  /* A receipt's QR carries its case number: show the case, start no visit. */
  if (hb_cases_is_reference (text))
    {
      g_signal_emit (self, signals[SIGNAL_CASE_SCANNED], 0, text);
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);

  self->resolving = g_cancellable_new ();
  hb_sync_request_async (self->sync, "POST", "/v1/codes/resolve", body, self->resolving,
                         code_resolved, g_object_ref (self));
}

static void
on_code_scanned (HbScanner *scanner, const char *text, HbCore *self)
{
  if (hb_maintenance_take_scan (self->maintenance, text))   /* H31: 测试扫码 */
    return;
  hb_core_identify_with_code (self, text);
}

static void
on_device_added (HbDeviceManager *devices, HbDevice *device, HbCore *self)
{
  if (HB_IS_CARD_READER (device))
    {
      g_signal_connect_object (device, "card-read", G_CALLBACK (on_card_read), self, 0);
      g_signal_connect_object (device, "read-failed", G_CALLBACK (on_card_read_failed), self, 0);
    }
  else if (HB_IS_SCANNER (device))
    g_signal_connect_object (device, "code-scanned", G_CALLBACK (on_code_scanned), self, 0);
}

static void
on_session_wiped (HbSession *session, int reason, HbCore *self)
{
  /* The visit is over: stop whatever the devices were doing for it. */
  if (self->devices)
    hb_device_manager_cancel_all (self->devices);
  if (self->resolving)
    g_cancellable_cancel (self->resolving);
  /* The resident who asked for a clerk has gone. */
  g_clear_pointer (&self->help_requested, g_free);
  /* Their licences too. */
  if (self->licences_fetch)
    g_cancellable_cancel (self->licences_fetch);
  g_clear_object (&self->licences_fetch);
  g_clear_pointer (&self->licences, g_strfreev);
  /* The profile and a business login too (the session wiped what had arrived). */
  if (self->profile_fetch)
    g_cancellable_cancel (self->profile_fetch);
  g_clear_object (&self->profile_fetch);
  if (self->enterprise_login)
    g_cancellable_cancel (self->enterprise_login);
  g_clear_object (&self->enterprise_login);
  g_hash_table_remove_all (self->answers);
  write_status_soon (self);
}

static void
licences_fetched (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCore) self = data;
  g_autoptr(GError) error = NULL;
  GStrv types = hb_licences_fetch_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the visit ended; a newer fetch may be running */
  g_clear_object (&self->licences_fetch);
  if (types == NULL)
    {
      g_message ("core: electronic licences unknown: %s", error->message);
      return;   /* every material is asked for, as without the platform */
    }
  if (hb_session_get_person (self->session) == NULL)
    {
      g_strfreev (types);
      return;
    }
  g_strfreev (self->licences);
  self->licences = types;
  g_message ("core: %u electronic licences on file", g_strv_length (types));
  g_signal_emit (self, signals[SIGNAL_LICENCES_CHANGED], 0);
}

static void
profile_fetched (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCore) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HbProfile) profile = hb_profile_fetch_finish (result, &error);

  /* The visit ended (and a newer visit's fetch may be running): not for this one. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_task_get_cancellable (G_TASK (result)) != self->profile_fetch)
    return;
  g_clear_object (&self->profile_fetch);
  if (profile == NULL)
    {
      /* Offline or refused: the form is pre-filled from the card alone. */
      g_message ("core: no profile: %s", error->message);
      return;
    }
  HbPrefill sources = { profile->profile, profile->history, NULL };
  hb_session_set_prefill (self->session, &sources);   /* copies; ours is wiped when freed */
  g_message ("core: profile on file (%u fields of earlier answers)",
             json_object_get_size (profile->history));
}

static void
on_session_state (HbSession *session, HbSessionState old, HbSessionState state, HbCore *self)
{
  /* 两个免于提交: learn at once which materials electronic licences replace. */
  if (state == HB_SESSION_IDENTIFIED && old == HB_SESSION_ATTRACT && self->sync
      && resident_id_number (self) != NULL)
    {
      g_clear_object (&self->licences_fetch);
      self->licences_fetch = g_cancellable_new ();
      hb_licences_fetch_async (self->sync, resident_id_number (self), self->licences_fetch,
                               licences_fetched, g_object_ref (self));
      /* 智能预填: the platform's profile and earlier answers, beside the licences. */
      g_clear_object (&self->profile_fetch);
      self->profile_fetch = g_cancellable_new ();
      hb_profile_fetch_async (self->sync, resident_id_number (self), self->profile_fetch,
                              profile_fetched, g_object_ref (self));
    }
  write_status_soon (self);
}

const char *const *
hb_core_get_licences (HbCore *self)
{
  return (const char *const *) self->licences;
}

gboolean
hb_core_is_fetching_licences (HbCore *self)
{
  return self->licences_fetch != NULL;
}

gboolean
hb_core_is_fetching_profile (HbCore *self)
{
  return self->profile_fetch != NULL;
}

/* --- 企业登录 (business login) ---------------------------------------------------------- */

static void
cancel_login (GCancellable *caller, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

typedef struct {
  GCancellable *caller;
  gulong        handler;
} LoginJob;

static void
login_job_free (gpointer data)
{
  LoginJob *j = data;
  if (j->caller)
    g_cancellable_disconnect (j->caller, j->handler);
  g_clear_object (&j->caller);
  g_free (j);
}

static void
enterprise_logged_in (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbCore *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(HbEnterpriseLogin) login = hb_enterprise_login_finish (result, &error);
  g_autoptr(HbPerson) enterprise = NULL;
  g_autofree char *legal_rep = NULL;
  HbPerson *agent;

  gboolean current = g_task_get_cancellable (G_TASK (result)) == self->enterprise_login;

  /* Cancelled by the caller, or by the end of the visit (which already forgot it, and a
   * newer visit's login may be running): not for this visit. */
  if (current)
    g_clear_object (&self->enterprise_login);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !current)
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "the visit ended");
      g_task_return_error (task, error);
      return;
    }
  if (login == NULL)
    {
      g_message ("core: business login failed: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  agent = hb_session_get_person (self->session);
  if (hb_session_get_state (self->session) != HB_SESSION_IDENTIFIED || agent == NULL)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "the visit moved on during the business login");
      return;
    }
  if (json_object_has_member (login->enterprise, "legal_rep"))
    legal_rep = hb_mask_name (json_object_get_string_member (login->enterprise, "legal_rep"));
  enterprise = hb_person_new_enterprise (NULL, hb_enterprise_login_get_name (login),
                                         hb_enterprise_login_get_uscc (login), legal_rep,
                                         hb_person_get_source (agent));
  if (!hb_session_act_for_enterprise (self->session, enterprise,
                                      hb_enterprise_role_to_string (login->role)))
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "this visit cannot continue for a business");
      return;
    }
  HbPrefill sources = { NULL, NULL, login->enterprise };
  hb_session_set_prefill (self->session, &sources);
  /* The resident's electronic licences are not the business's: every material is asked. */
  g_clear_pointer (&self->licences, g_strfreev);
  g_signal_emit (self, signals[SIGNAL_LICENCES_CHANGED], 0);
  g_message ("core: visit continues for a business (%s)", hb_enterprise_role_to_string (login->role));
  write_status_soon (self);
  g_task_return_boolean (task, TRUE);
}

void
hb_core_login_enterprise_async (HbCore *self, const char *uscc, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  const char *id_number = resident_id_number (self);

  g_task_set_source_tag (task, hb_core_login_enterprise_async);
  if (!self->started || id_number == NULL || self->enterprise_login != NULL
      || hb_session_get_state (self->session) != HB_SESSION_IDENTIFIED)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "a business login needs a resident identified by card or code, "
                               "before a service is chosen");
      g_object_unref (task);
      return;
    }
  /* Cancelled with the visit (on_session_wiped) as well as by the caller. */
  self->enterprise_login = g_cancellable_new ();
  if (cancellable)
    {
      LoginJob *j = g_new0 (LoginJob, 1);
      j->caller = g_object_ref (cancellable);
      j->handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_login),
                                          g_object_ref (self->enterprise_login), g_object_unref);
      g_task_set_task_data (task, j, login_job_free);
    }
  hb_enterprise_login_async (self->sync, uscc, id_number, self->enterprise_login,
                             enterprise_logged_in, task);
}

gboolean
hb_core_login_enterprise_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* 企业登录: who acts for the business, beside the applicant (docs/platform-api.md). */
static void
add_agent (JsonBuilder *b, HbSession *session)
{
  HbPerson *agent = hb_session_get_agent (session);

  if (agent == NULL)
    return;
  json_builder_set_member_name (b, "agent");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, hb_session_get_agent_role (session));
  json_builder_set_member_name (b, "id_type");
  json_builder_add_string_value (b, hb_idcard_type_to_string (hb_person_get_card_type (agent)));
  json_builder_set_member_name (b, "id_number");
  json_builder_add_string_value (b, hb_person_get_id_number (agent));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, hb_person_get_name (agent));
  json_builder_end_object (b);
}

GHashTable *
hb_core_get_answers (HbCore *self)
{
  return self->answers;
}

void
hb_core_set_answer (HbCore *self, const char *situation, const char *value)
{
  HbService *service = hb_session_get_service (self->session);

  g_return_if_fail (situation != NULL);
  if (value)
    g_hash_table_insert (self->answers, g_strdup (situation), g_strdup (value));
  else
    g_hash_table_remove (self->answers, situation);
  /* An earlier answer changed: answers to questions that no longer apply go. */
  if (service)
    {
      g_autoptr(GPtrArray) parts = visit_services (self);
      hb_guidance_prune_answers_of ((HbService *const *) parts->pdata, parts->len,
                                    self->answers);
    }
}

/* The service of the visit, then a bundle's members (HbService*, not owned). */
static GPtrArray *
visit_services (HbCore *self)
{
  GPtrArray *out = g_ptr_array_new ();
  GPtrArray *forms = hb_session_get_member_forms (self->session);

  if (hb_session_get_service (self->session))
    g_ptr_array_add (out, hb_session_get_service (self->session));
  for (guint i = 0; forms && i < forms->len; i++)
    g_ptr_array_add (out, hb_form_get_service (forms->pdata[i]));
  return out;
}

const HbSituation *
hb_core_next_situation (HbCore *self)
{
  g_autoptr(GPtrArray) parts = visit_services (self);

  /* A member's situation with a bundle situation's id takes the bundle's answer. */
  for (guint i = 0; i < parts->len; i++)
    {
      const HbSituation *next = hb_guidance_next_situation (parts->pdata[i], self->answers);
      if (next)
        return next;
    }
  return NULL;
}

GPtrArray *
hb_core_asked_situations (HbCore *self)
{
  g_autoptr(GPtrArray) parts = visit_services (self);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < parts->len; i++)
    {
      g_autoptr(GPtrArray) asked = hb_guidance_asked_situations (parts->pdata[i],
                                                                 self->answers);
      for (guint j = 0; j < asked->len; j++)
        {
          HbSituation *s = asked->pdata[j];
          if (g_hash_table_add (seen, s->id))
            g_ptr_array_add (out, s);
        }
    }
  return out;
}

static void
questions_scope (HbCore *self, HbQuestionsScope *scope)
{
  HbService *service = hb_session_get_service (self->session);

  scope->form = hb_session_get_form (self->session);
  scope->members = hb_session_get_member_forms (self->session);
  scope->shared = service ? hb_service_get_bundle_shared (service) : NULL;
  scope->person = hb_session_get_person (self->session);
  scope->answers = self->answers;
  scope->licences = (const char *const *) self->licences;
}

GPtrArray *
hb_core_list_questions (HbCore *self)
{
  HbQuestionsScope scope;

  questions_scope (self, &scope);
  if (scope.form == NULL)
    return g_ptr_array_new_with_free_func (g_free);
  return hb_questions_list (&scope);
}

GPtrArray *
hb_core_check_answers (HbCore *self)
{
  HbQuestionsScope scope;

  questions_scope (self, &scope);
  if (scope.form == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) hb_question_problem_free);
  return hb_questions_check (&scope, NULL);
}

/* --- catalog ---------------------------------------------------------------------- */

static void
on_catalog_updated (HbSync *sync, const char *version, HbCore *self)
{
  g_message ("core: catalog %s in use", version);
  g_hash_table_remove_all (self->services);
  g_signal_emit (self, signals[SIGNAL_CATALOG_CHANGED], 0);
  write_status_soon (self);
}

/* A terminal installed without network still needs services: seed the cache from the
 * catalog shipped in share_dir until the platform sends its own. */
static void
seed_catalog (HbCore *self)
{
  g_autofree char *version = hb_catalog_dup_version (self->catalog);
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  if (version != NULL)
    return;
  path = g_build_filename (hb_config_get_share_dir (self->config), "catalog.json", NULL);
  if (!g_file_get_contents (path, &data, &length, NULL))
    return;
  if (!hb_catalog_apply_json (self->catalog, data, length, NULL, &error))
    g_warning ("core: shipped catalog %s rejected: %s", path, error->message);
  else
    g_message ("core: catalog seeded from %s", path);
}

/* A business sees the services for businesses, everyone else those for residents. */
static HbAudience
current_audience (HbCore *self)
{
  HbPerson *person = hb_session_get_person (self->session);
  return person && hb_person_get_principal (person) == HB_PRINCIPAL_ENTERPRISE
         ? HB_AUDIENCE_ENTERPRISE : HB_AUDIENCE_PERSON;
}

static GPtrArray *
for_audience (GPtrArray *entries, HbAudience want)
{
  /* One pass, order kept (removing one by one from a 10,000-entry array is quadratic). */
  GPtrArray *kept = g_ptr_array_new_full (entries->len, (GDestroyNotify) hb_catalog_entry_free);
  for (guint i = 0; i < entries->len; i++)
    if (((HbCatalogEntry *) entries->pdata[i])->audience & want)
      {
        g_ptr_array_add (kept, entries->pdata[i]);
        entries->pdata[i] = NULL;   /* moved: the old array frees the rest */
      }
  g_ptr_array_unref (entries);
  return kept;
}

static GPtrArray *
for_current_audience (HbCore *self, GPtrArray *entries)
{
  return for_audience (entries, current_audience (self));
}

GPtrArray *
hb_core_list_services (HbCore *self)
{
  return for_current_audience (self, hb_catalog_list (self->catalog));
}

/* The listing runs on a worker with the writer connection's catalog: reading 10,000 rows
 * takes longer than a frame, and must not hold the main connection either. */
static void
list_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  HbCore *self = source;
  HbAudience want = GPOINTER_TO_INT (data);
  GPtrArray *entries = hb_catalog_list (self->writer_catalog);
  g_task_return_pointer (task, for_audience (entries, want), (GDestroyNotify) g_ptr_array_unref);
}

void
hb_core_list_services_async (HbCore *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hb_core_list_services_async);
  if (self->writer_catalog == NULL)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "not started");
      return;
    }
  /* Whose list: decided now, on the main thread, where the session lives. */
  g_task_set_task_data (task, GINT_TO_POINTER (current_audience (self)), NULL);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
hb_core_list_services_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
hb_core_search_services (HbCore *self, const char *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *r = hb_catalog_search (self->catalog, query, &error);
  if (r == NULL)
    {
      g_message ("core: search failed: %s", error->message);
      r = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_entry_free);
    }
  return for_current_audience (self, r);
}

/* --- browse: by life event, by department, most used first ------------------------- */

typedef struct {
  HbCatalog  *catalog;      /* the writer connection's, kept alive for the worker */
  HbAudience  want;
  char       *life_event;
  char       *department;
  char       *member;
} BrowseQuery;

static void
browse_query_free (BrowseQuery *q)
{
  g_clear_object (&q->catalog);
  g_free (q->life_event);
  g_free (q->department);
  g_free (q->member);
  g_free (q);
}

/* A task for a worker reading the catalog for whoever is identified now; NULL (and the
 * task completed) when the core is not started. */
static GTask *
browse_task (HbCore *self, gpointer tag, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data, BrowseQuery **query)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  BrowseQuery *q;

  g_task_set_source_tag (task, tag);
  if (self->writer_catalog == NULL)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "not started");
      g_object_unref (task);
      return NULL;
    }
  q = g_new0 (BrowseQuery, 1);
  q->catalog = g_object_ref (self->writer_catalog);
  /* Whose list: decided now, on the main thread, where the session lives. */
  q->want = current_audience (self);
  g_task_set_task_data (task, q, (GDestroyNotify) browse_query_free);
  *query = q;
  return task;
}

static void
browse_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  BrowseQuery *q = data;
  HbCatalogBrowse b = { q->life_event, q->department, TRUE };
  GError *error = NULL;
  GPtrArray *entries = hb_catalog_browse (q->catalog, &b, &error);

  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, for_audience (entries, q->want),
                           (GDestroyNotify) g_ptr_array_unref);
}

void
hb_core_browse_async (HbCore *self, const char *life_event, const char *department,
                      GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  BrowseQuery *q = NULL;
  g_autoptr(GTask) task = browse_task (self, hb_core_browse_async, cancellable, callback,
                                       user_data, &q);
  if (task == NULL)
    return;
  q->life_event = g_strdup (life_event);
  q->department = g_strdup (department);
  g_task_run_in_thread (task, browse_thread);
}

GPtrArray *
hb_core_browse_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static int
facet_cmp (gconstpointer a, gconstpointer b)
{
  const HbCatalogFacet *x = *(HbCatalogFacet *const *) a, *y = *(HbCatalogFacet *const *) b;
  if (x->services != y->services)
    return x->services > y->services ? -1 : 1;
  return g_strcmp0 (x->value, y->value);
}

/* The catalog counts facets over every service; the visitor's counts take one browse per
 * value (a few dozen values; each a scan of the services' JSON on this worker). */
static void
facets_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  BrowseQuery *q = data;
  gboolean by_event = g_strcmp0 (q->member, "life_events") == 0;
  GError *error = NULL;
  g_autoptr(GPtrArray) all = hb_catalog_facets (q->catalog, q->member, &error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_catalog_facet_free);

  if (all == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < all->len; i++)
    {
      HbCatalogFacet *f = all->pdata[i];
      HbCatalogBrowse b = { by_event ? f->value : NULL, by_event ? NULL : f->value, FALSE };
      g_autoptr(GPtrArray) entries = NULL;
      guint n = 0;

      if (g_task_return_error_if_cancelled (task))
        return;
      entries = hb_catalog_browse (q->catalog, &b, &error);
      if (entries == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      for (guint j = 0; j < entries->len; j++)
        if (((HbCatalogEntry *) entries->pdata[j])->audience & q->want)
          n++;
      if (n > 0)
        {
          HbCatalogFacet *mine = g_new0 (HbCatalogFacet, 1);
          mine->value = g_strdup (f->value);
          mine->value_en = g_strdup (f->value_en);
          mine->services = n;
          g_ptr_array_add (out, mine);
        }
    }
  g_ptr_array_sort (out, facet_cmp);
  g_task_return_pointer (task, g_steal_pointer (&out), (GDestroyNotify) g_ptr_array_unref);
}

void
hb_core_list_facets_async (HbCore *self, const char *member, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  BrowseQuery *q = NULL;
  g_autoptr(GTask) task = browse_task (self, hb_core_list_facets_async, cancellable, callback,
                                       user_data, &q);
  if (task == NULL)
    return;
  q->member = g_strdup (member);
  g_task_run_in_thread (task, facets_thread);
}

GPtrArray *
hb_core_list_facets_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

HbService *
hb_core_get_service (HbCore *self, const char *code, GError **error)
{
  HbService *service = g_hash_table_lookup (self->services, code);
  g_autofree char *json = NULL;
  g_autoptr(GError) local = NULL;

  if (service)
    return g_object_ref (service);
  json = hb_catalog_dup_service_json (self->catalog, code, &local);
  if (json == NULL)
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_UNKNOWN_SERVICE,
                   "unknown service %s: %s", code, local->message);
      return NULL;
    }
  service = hb_service_new_from_json (json, -1, error);
  if (service == NULL)
    return NULL;
  g_hash_table_insert (self->services, g_strdup (code), g_object_ref (service));
  return service;
}

gboolean
hb_core_choose_service (HbCore *self, const char *code, GError **error)
{
  g_autoptr(HbService) service = NULL;
  g_autoptr(GPtrArray) offered = NULL;
  gboolean found = FALSE;

  if (self->catalog == NULL)
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "not started");
      return FALSE;
    }
  offered = hb_core_list_services (self);

  /* A business cannot start a resident's service, nor the other way round. */
  for (guint i = 0; i < offered->len && !found; i++)
    found = g_strcmp0 (((HbCatalogEntry *) offered->pdata[i])->code, code) == 0;
  if (!found)
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_UNKNOWN_SERVICE,
                   "service %s is not offered to this visitor", code);
      return FALSE;
    }
  service = hb_core_get_service (self, code, error);
  if (service == NULL)
    return FALSE;
  if (hb_session_get_state (self->session) == HB_SESSION_IN_SERVICE)
    hb_session_leave_service (self->session);
  g_hash_table_remove_all (self->answers);   /* a service's situations are its own */
  if (!hb_session_begin_service (self->session, service))
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                   "service %s cannot start in state %s", code,
                   hb_session_state_to_string (hb_session_get_state (self->session)));
      return FALSE;
    }
  /* 一件事: each member's form is filled in the same visit. */
  for (const char *const *m = hb_service_get_bundle_members (service); *m; m++)
    {
      g_autoptr(HbService) member = hb_core_get_service (self, *m, error);
      if (member == NULL || !hb_session_add_member (self->session, member))
        {
          hb_session_leave_service (self->session);
          if (error && *error == NULL)
            g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_UNKNOWN_SERVICE,
                         "member %s of %s cannot start", *m, code);
          return FALSE;
        }
    }
  /* Popular here ranks higher in search. A commit (fsync): off the UI thread, on the
   * writer connection so it never holds up the main connection's reads. */
  if (self->writer_catalog)
    hb_catalog_note_use_async (self->writer_catalog, code, NULL, NULL, NULL);
  return TRUE;
}

/* --- status ----------------------------------------------------------------------- */

JsonNode *
hb_core_describe (HbCore *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *version = self->catalog ? hb_catalog_dup_version (self->catalog) : NULL;
  HbOutboxStats stats = { 0 };
  gboolean have_stats = FALSE;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);

  if (self->outbox)
    have_stats = hb_outbox_get_stats (self->outbox, g_get_real_time () / G_USEC_PER_SEC,
                                      &stats, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, hb_config_get_string (self->config, "terminal", "id"));
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, HB_VERSION);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, getpid ());
  json_builder_set_member_name (b, "updated_at");
  json_builder_add_string_value (b, stamp);

  json_builder_set_member_name (b, "session");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, hb_session_state_to_string (hb_session_get_state (self->session)));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "devices");
  if (self->devices)
    hb_device_manager_describe (self->devices, b);
  else
    {
      json_builder_begin_array (b);
      json_builder_end_array (b);
    }

  json_builder_set_member_name (b, "catalog");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  if (version)
    json_builder_add_string_value (b, version);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "services");
  json_builder_add_int_value (b, self->catalog ? hb_catalog_count (self->catalog) : 0);
  json_builder_set_member_name (b, "applied_at");
  json_builder_add_int_value (b, self->catalog ? hb_catalog_get_applied_at (self->catalog) : 0);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "outbox");
  hb_outbox_stats_build_json (have_stats ? &stats : NULL, b);

  json_builder_set_member_name (b, "attention");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "print_failures");
  json_builder_add_int_value (b, self->print_failures);
  json_builder_set_member_name (b, "last_print_failure");
  if (self->print_failure)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, self->print_failure);
      json_builder_set_member_name (b, "at");
      json_builder_add_int_value (b, self->print_failure_at);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "out_of_service");
  if (self->out_of_service)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, self->out_of_service_reason ? self->out_of_service_reason : "");
      json_builder_set_member_name (b, "since");
      json_builder_add_int_value (b, self->out_of_service_since);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "storage_full");
  json_builder_add_boolean_value (b, g_atomic_int_get (&self->storage_full) != 0);
  json_builder_set_member_name (b, "store_rebuilt");
  if (self->store != NULL && hb_store_was_rebuilt (self->store))
    {
      guint salvaged = 0, unreadable = 0;
      hb_store_get_salvage (self->store, &salvaged, &unreadable);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "salvaged");
      json_builder_add_int_value (b, salvaged);
      json_builder_set_member_name (b, "unreadable");
      json_builder_add_int_value (b, unreadable);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "help_requested");
  if (self->help_requested)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "why");
      json_builder_add_string_value (b, self->help_requested);
      json_builder_set_member_name (b, "at");
      json_builder_add_int_value (b, self->help_requested_at);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "platform");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, hb_config_get_string (self->config, "platform", "url"));
  json_builder_set_member_name (b, "reachable");
  json_builder_add_boolean_value (b, self->sync && hb_sync_get_reachable (self->sync));
  json_builder_set_member_name (b, "last_contact");
  json_builder_add_int_value (b, self->sync ? hb_sync_get_last_contact (self->sync) : 0);
  json_builder_end_object (b);
  audit_describe (self, b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
hb_core_dup_status_path (HbCore *self)
{
  return hb_config_dup_data_path (self->config, "status.json");
}

static void
status_write_thread (GTask *task, gpointer source, gpointer data, GCancellable *c)
{
  const char *path = g_object_get_data (G_OBJECT (task), "path");
  g_autoptr(GError) error = NULL;
  if (!g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    g_message ("core: cannot write status: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static gboolean
write_status_now (gpointer data)
{
  HbCore *self = data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GTask) task = NULL;

  self->status_source = 0;
  if (!self->started)
    return G_SOURCE_REMOVE;
  node = hb_core_describe (self);
  /* The same picture goes up with the next heartbeat (devices, attention, session state:
   * nothing personal). */
  if (self->sync)
    hb_sync_set_heartbeat_status (self->sync, json_node_get_object (node));
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_object_set_data_full (G_OBJECT (task), "path", hb_core_dup_status_path (self), g_free);
  g_task_set_task_data (task, hb_json_to_string (node), g_free);
  g_task_run_in_thread (task, status_write_thread);
  g_signal_emit (self, signals[SIGNAL_STATUS_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

/* Status changes come in bursts (a device and the platform at once): write once. */
static void
write_status_soon (HbCore *self)
{
  if (self->status_source == 0 && self->started)
    self->status_source = g_timeout_add (STATUS_DEBOUNCE_MS, write_status_now, self);
}

static void
on_status_event (HbCore *self)
{
  write_status_soon (self);
}

/* A command from the platform, through the heartbeat (HbSync has checked its shape and
 * the config allow-list, and never emits an id twice). Applied so that no visit is cut
 * short: going out of service only stops the next visit from starting. */
static void
on_platform_command (HbSync *sync, const char *id, const char *name, JsonObject *args,
                     HbCore *self)
{
  if (g_str_equal (name, "out-of-service"))
    {
      gboolean on = args && json_object_has_member (args, "on") &&
                    json_object_get_boolean_member_with_default (args, "on", FALSE);
      const char *reason = args ? json_object_get_string_member_with_default (args, "reason", NULL)
                                : NULL;
      g_message ("core: platform command %s: out of service %s", id, on ? "on" : "off");
      hb_core_set_out_of_service (self, on, reason ? reason : _("平台指令"));
      hb_sync_request_heartbeat (sync);
      return;
    }
  if (g_str_equal (name, "config") && args != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (args);
      for (GList *m = members; m; m = m->next)
        {
          const char *gk = m->data;
          const char *dot = strchr (gk, '.');
          JsonNode *v = json_object_get_member (args, gk);
          g_autoptr(GError) error = NULL;
          if (dot == NULL || v == NULL || json_node_get_value_type (v) != G_TYPE_STRING)
            continue;
          g_autofree char *group = g_strndup (gk, (gsize) (dot - gk));
          /* hb_config_set checks type and range: a bad value changes nothing. */
          if (!hb_config_set (self->config, group, dot + 1, json_node_get_string (v), &error))
            g_message ("core: platform command %s: %s not changed: %s", id, gk, error->message);
          else
            g_message ("core: platform command %s: %s changed", id, gk);
        }
      write_status_soon (self);
      return;
    }
  g_message ("core: platform command %s (%s) not applied here", id, name);
}

/* --- usage counters (H29; docs/operations-report.md) ------------------------------- */

/* Records an event; counters are statistics, so a refused one is only logged. HbUsage
 * queues in memory and writes on its own thread: nothing here touches the disk. */
static void
usage_record (HbCore *self, HbUsageKind kind, const char *key, gint64 value)
{
  g_autoptr(GError) error = NULL;

  if (self->usage && !hb_usage_record (self->usage, kind, 0, key, value, &error))
    g_message ("core: usage event not recorded: %s", error->message);
}

static const char *
usage_service_code (HbCore *self)
{
  HbService *service = hb_session_get_service (self->session);
  return service ? hb_service_get_code (service) : NULL;
}

/* A visit starts when a resident is identified and ends at the wipe: completed when it
 * submitted something, abandoned otherwise (退出, idle timeout, stop). */
static void
on_usage_session_state (HbSession *session, HbSessionState old, HbSessionState state,
                        HbCore *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  switch (state)
    {
    case HB_SESSION_IDENTIFIED:
      if (old == HB_SESSION_ATTRACT)
        {
          self->usage_visit_start = now;
          self->usage_visit_submitted = FALSE;
          usage_record (self, HB_USAGE_VISIT_STARTED, NULL, 0);
        }
      break;
    case HB_SESSION_IN_SERVICE:
      if (old == HB_SESSION_IDENTIFIED && usage_service_code (self))
        usage_record (self, HB_USAGE_SERVICE_CHOSEN, usage_service_code (self), 0);
      break;
    case HB_SESSION_DONE:
      self->usage_visit_submitted = TRUE;
      usage_record (self, HB_USAGE_SUBMITTED, usage_service_code (self), 0);
      break;
    case HB_SESSION_WIPED:
      if (self->usage_visit_start > 0)
        usage_record (self, self->usage_visit_submitted ? HB_USAGE_VISIT_COMPLETED
                                                        : HB_USAGE_VISIT_ABANDONED,
                      NULL, MAX (0, now - self->usage_visit_start));
      self->usage_visit_start = 0;
      self->usage_visit_submitted = FALSE;
      break;
    case HB_SESSION_ATTRACT:
    case HB_SESSION_ABANDONED:
    case HB_SESSION_RATING:
    default:
      break;
    }
}

/* Usable: online or busy, and a printer that has paper. Recorded only when it changes. */
static void
usage_device_check (HbCore *self, HbDevice *device, gboolean present)
{
  HbDeviceKind kind = hb_device_get_kind (device);
  HbDeviceStatus st = hb_device_get_status (device);
  int usable = present && (st == HB_DEVICE_STATUS_ONLINE || st == HB_DEVICE_STATUS_BUSY);

  if (usable && HB_IS_PRINTER (device) && hb_printer_get_paper (HB_PRINTER (device)) == HB_PAPER_OUT)
    usable = 0;
  if (kind >= HB_DEVICE_N_KINDS || self->usage_device[kind] == usable)
    return;
  /* A device still starting is not yet an outage. */
  if (present && st == HB_DEVICE_STATUS_STARTING && self->usage_device[kind] < 0)
    return;
  self->usage_device[kind] = usable;
  usage_record (self, HB_USAGE_DEVICE_STATUS, hb_device_kind_to_string (kind), usable);
}

static void
on_usage_device_status (HbDeviceManager *devices, HbDevice *device, HbCore *self)
{
  usage_device_check (self, device, TRUE);
}

static void
on_usage_paper (HbDevice *device, GParamSpec *pspec, HbCore *self)
{
  usage_device_check (self, device, TRUE);
}

static void
on_usage_device_added (HbDeviceManager *devices, HbDevice *device, HbCore *self)
{
  if (HB_IS_PRINTER (device))
    g_signal_connect_object (device, "notify::paper", G_CALLBACK (on_usage_paper), self, 0);
  usage_device_check (self, device, TRUE);
}

static void
on_usage_device_removed (HbDeviceManager *devices, HbDevice *device, HbCore *self)
{
  usage_device_check (self, device, FALSE);
}

static void
on_usage_delivered (HbSync *sync, const char *key, const char *response, HbCore *self)
{
  g_autoptr(GError) error = NULL;

  if (self->usage && !hb_usage_record_delivery (self->usage, key, 0, &error))
    g_message ("core: delivery not counted: %s", error->message);
}

/* The monthly operations report (docs/operations-report.md): at start and every few hours
 * the previous month's report is queued in the outbox once (a key per terminal and month),
 * rendered on a worker thread; the sync engine uploads it like any other item. */
#define USAGE_REPORT_CHECK_S (6 * 3600)
#define USAGE_REPORT_FIRST_S 60

typedef struct {
  char *terminal;
  char *month;
} UsageReportJob;

static void
usage_report_job_free (gpointer data)
{
  UsageReportJob *job = data;
  g_free (job->terminal);
  g_free (job->month);
  g_free (job);
}

static void
usage_report_thread (GTask *task, gpointer source, gpointer data, GCancellable *c)
{
  HbCore *self = source;
  UsageReportJob *job = data;
  g_autofree char *key = hb_ops_report_auto_key (job->terminal, job->month);
  g_autoptr(HbOutboxItem) queued = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autofree char *body = NULL;
  GError *error = NULL;
  gboolean ok;

  g_mutex_lock (&self->writer_lock);
  queued = hb_outbox_lookup (self->writer_outbox, key, NULL);
  names = queued ? NULL : hb_catalog_dup_names (self->writer_catalog);
  g_mutex_unlock (&self->writer_lock);
  if (queued != NULL)
    {
      g_task_return_boolean (task, FALSE);   /* done before */
      return;
    }
  body = hb_ops_report_build_upload (self->usage, job->terminal, job->month, names, key, &error);
  if (body == NULL)
    {
      if (error)
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, FALSE);   /* nothing happened that month */
      return;
    }
  g_mutex_lock (&self->writer_lock);
  ok = hb_outbox_enqueue_with_key (self->writer_outbox, key, HB_OPS_REPORT_OUTBOX_KIND,
                                   HB_OPS_REPORT_PATH, body, &error);
  g_mutex_unlock (&self->writer_lock);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
usage_report_queued (GObject *source, GAsyncResult *result, gpointer data)
{
  HbCore *self = HB_CORE (source);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_message ("core: the monthly operations report was queued for the platform");
      if (self->sync)
        hb_sync_kick (self->sync);
    }
  else if (error)
    g_warning ("core: operations report not queued: %s", error->message);
}

void
hb_core_queue_operations_report (HbCore *self)
{
  g_autoptr(GTask) task = NULL;
  UsageReportJob *job;

  g_return_if_fail (HB_IS_CORE (self));
  if (!self->started || self->usage == NULL)
    return;
  job = g_new0 (UsageReportJob, 1);
  job->terminal = g_strdup (hb_config_get_string (self->config, "terminal", "id"));
  job->month = hb_ops_report_previous_month (g_get_real_time () / G_USEC_PER_SEC);
  task = g_task_new (self, NULL, usage_report_queued, NULL);
  g_task_set_task_data (task, job, usage_report_job_free);
  g_task_run_in_thread (task, usage_report_thread);
}

static gboolean
usage_report_check (gpointer data)
{
  hb_core_queue_operations_report (data);
  return G_SOURCE_CONTINUE;
}

/* The first check a minute after start (not in the start's rush); then every few hours. */
static gboolean
usage_report_first_check (gpointer data)
{
  HbCore *self = data;

  hb_core_queue_operations_report (self);
  self->usage_report_source = g_timeout_add_seconds (USAGE_REPORT_CHECK_S, usage_report_check,
                                                     self);
  return G_SOURCE_REMOVE;
}

static void
usage_start (HbCore *self)
{
  self->usage = hb_usage_new (self->writer_store);
  g_signal_connect_object (self->session, "state-changed", G_CALLBACK (on_usage_session_state),
                           self, 0);
  g_signal_connect_object (self->devices, "device-added", G_CALLBACK (on_usage_device_added),
                           self, 0);
  g_signal_connect_object (self->devices, "device-removed",
                           G_CALLBACK (on_usage_device_removed), self, 0);
  g_signal_connect_object (self->devices, "status-changed", G_CALLBACK (on_usage_device_status),
                           self, 0);
  for (guint kind = 0; kind < HB_DEVICE_N_KINDS; kind++)
    if (hb_device_manager_get_device (self->devices, kind))
      on_usage_device_added (self->devices, hb_device_manager_get_device (self->devices, kind),
                             self);
  g_signal_connect_object (self->sync, "delivered", G_CALLBACK (on_usage_delivered), self, 0);
  self->usage_report_source = g_timeout_add_seconds (USAGE_REPORT_FIRST_S,
                                                     usage_report_first_check, self);
}

HbUsage *
hb_core_get_usage (HbCore *self)
{
  g_return_val_if_fail (HB_IS_CORE (self), NULL);
  return self->usage;
}

/* --- audit log (H27; docs/audit-log.md) ------------------------------------------- */

HbAudit *
hb_core_get_audit (HbCore *self)
{
  g_return_val_if_fail (HB_IS_CORE (self), NULL);
  return self->audit;
}

/* On the enqueue thread, once the applications are durable in the outbox: one record per
 * application (subject its idempotency key, detail its service code). The submission
 * stands either way, so a refused record is only logged. */
static void
audit_submission (HbCore *self, const char *const *keys, const char *const *codes, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      if (!hb_audit_append (self->writer_audit, "resident", "submission", keys[i], codes[i],
                            &error))
        g_message ("core: submission %s not in the audit log: %s", keys[i], error->message);
    }
}

/* A crash between a submission's outbox commit and its audit record leaves it without
 * one: add those now (on the thread that opens the store; usually nothing to do). */
static void
audit_catch_up (HbStore *writer)
{
  g_autoptr(HbAudit) audit = hb_audit_new (writer);
  g_autoptr(GError) error = NULL;
  guint added = 0;

  if (!hb_audit_record_missing_submissions (audit, &added, &error))
    g_message ("core: audit catch-up failed: %s", error->message);
  else if (added > 0)
    g_message ("core: %u submission(s) added to the audit log after a restart", added);
}

/* The head goes into the status, and so with every heartbeat to the platform, which keeps
 * it: a log cut short on the terminal (anchor included) still shows against that copy. */
static void
audit_describe (HbCore *self, JsonBuilder *b)
{
  g_autofree char *hash = NULL;
  gint64 seq = 0;

  if (self->audit == NULL || !hb_audit_get_head (self->audit, &seq, &hash, NULL))
    return;
  json_builder_set_member_name (b, "audit_head");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, seq);
  json_builder_set_member_name (b, "hash");
  json_builder_add_string_value (b, hash);
  json_builder_end_object (b);
}

/* --- staff entry (H28; docs/maintenance-access.md) ---------------------------------- */

/* A cached allow-list older than this is refreshed after a catalog check. Only then: an
 * extra request at every start would change what tests and benches with injected platform
 * faults see; the maintenance entry refreshes on demand anyway. */
#define STAFF_LIST_MAX_AGE_S (24 * 3600)

HbStaffAuth *
hb_core_get_staff_auth (HbCore *self)
{
  g_return_val_if_fail (HB_IS_CORE (self), NULL);
  return self->staff_auth;
}

static void
staff_refreshed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbCore) self = data;
  g_autoptr(GError) error = NULL;

  self->staff_refreshing = FALSE;
  if (!hb_staff_auth_refresh_finish (HB_STAFF_AUTH (source), result, NULL, &error))
    g_message ("core: staff allow-list kept: %s", error->message);
}

void
hb_core_refresh_staff (HbCore *self)
{
  g_return_if_fail (HB_IS_CORE (self));
  if (self->staff_auth == NULL || self->sync == NULL || self->staff_refreshing)
    return;
  self->staff_refreshing = TRUE;
  hb_staff_auth_refresh_async (self->staff_auth, self->sync, NULL, staff_refreshed,
                               g_object_ref (self));
}

static void
on_catalog_checked_staff (HbSync *sync, guint status, HbCore *self)
{
  gint64 stored_at = 0;

  hb_staff_auth_get_allowlist_info (self->staff_auth, NULL, NULL, &stored_at);
  if (stored_at > 0 && g_get_real_time () / G_USEC_PER_SEC - stored_at >= STAFF_LIST_MAX_AGE_S)
    hb_core_refresh_staff (self);
}

static void
staff_start (HbCore *self)
{
  if (self->staff_auth == NULL)
    self->staff_auth = hb_staff_auth_new (self->config, self->store, self->audit);
  hb_staff_auth_set_sync (self->staff_auth, self->sync);
  g_signal_connect_object (self->sync, "catalog-checked", G_CALLBACK (on_catalog_checked_staff),
                           self, 0);
}

/* --- start / stop ----------------------------------------------------------------- */

/* The main connection and the writer connection; the first open runs the integrity
 * check and migrations. */
static HbStore *
open_stores (HbCore *self, HbStore **writer, GError **error)
{
  g_autofree char *db = hb_config_dup_db_path (self->config);
  g_autofree char *key = hb_config_dup_key_path (self->config);
  g_autoptr(HbStore) store = hb_store_open (db, key, error);

  if (store == NULL)
    return NULL;
  *writer = hb_store_open (db, key, error);
  if (*writer == NULL)
    return NULL;
  audit_catch_up (*writer);
  return g_steal_pointer (&store);
}

static void
open_store_thread (GTask *task, gpointer source, gpointer data, GCancellable *c)
{
  HbCore *self = source;
  GError *error = NULL;
  HbStore *store = open_stores (self, &self->writer_store, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

static gboolean
finish_start (HbCore *self, HbStore *store, GError **error)
{
  HbConfig *c = self->config;
  HbDeviceMode mode = HB_DEVICE_MODE_VIRTUAL;
  g_autofree char *socket = hb_config_dup_sim_socket (c);
  g_autofree char *spool = hb_config_dup_spool_dir (c);

  load_out_of_service (self);
  self->store = store;
  self->catalog = hb_catalog_new (store);
  self->outbox = hb_outbox_new (store);
  self->writer_outbox = hb_outbox_new (self->writer_store);
  self->writer_catalog = hb_catalog_new (self->writer_store);
  self->audit = hb_audit_new (store);
  self->writer_audit = hb_audit_new (self->writer_store);
  seed_catalog (self);

  hb_device_mode_from_string (hb_config_get_string (c, "devices", "mode"), &mode);
  if (g_mkdir_with_parents (spool, 0700) != 0)
    g_warning ("core: cannot create %s", spool);
  self->devices = hb_device_manager_new (mode, socket, spool);
  if (hb_config_get_string (c, "devices", "idcard_serial"))
    hb_device_manager_set_idcard_serial (self->devices,
                                         hb_config_get_string (c, "devices", "idcard_serial"),
                                         (guint) hb_config_get_int (c, "devices", "idcard_baud"));
  if (hb_config_get_string (c, "devices", "scanner_serial"))
    hb_device_manager_set_scanner_serial (self->devices,
                                          hb_config_get_string (c, "devices", "scanner_serial"),
                                          (guint) hb_config_get_int (c, "devices", "scanner_baud"));
  if (hb_config_get_string (c, "devices", "camera"))
    hb_device_manager_set_camera (self->devices, hb_config_get_string (c, "devices", "camera"));
  if (hb_config_get_string (c, "devices", "cups_queue") ||
      hb_config_get_string (c, "devices", "cups_server"))
    hb_device_manager_set_cups (self->devices, hb_config_get_string (c, "devices", "cups_server"),
                                hb_config_get_string (c, "devices", "cups_queue"));
  if (!hb_device_manager_start (self->devices, error))
    return FALSE;
  self->printer = hb_print_service_new (self->devices);

  /* A USB reader may be plugged in (or replaced) at any time: listen to every device the
   * manager adds, and to those it already has. */
  g_signal_connect_object (self->devices, "device-added", G_CALLBACK (on_device_added), self,
                           0);
  for (guint kind = 0; kind < HB_DEVICE_N_KINDS; kind++)
    if (hb_device_manager_get_device (self->devices, kind))
      on_device_added (self->devices, hb_device_manager_get_device (self->devices, kind), self);
  g_signal_connect_object (self->devices, "status-changed", G_CALLBACK (on_status_event),
                           self, G_CONNECT_SWAPPED);

  self->sync = hb_core_new_sync (c);
  g_signal_connect_object (self->sync, "catalog-updated", G_CALLBACK (on_catalog_updated),
                           self, 0);
  g_signal_connect_object (self->sync, "notify::reachable", G_CALLBACK (on_status_event),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "delivered", G_CALLBACK (on_status_event), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "command", G_CALLBACK (on_platform_command), self, 0);
  g_signal_connect_object (self->sync, "parked", G_CALLBACK (on_status_event), self,
                           G_CONNECT_SWAPPED);
  if (!hb_sync_start (self->sync, error))
    return FALSE;
  staff_start (self);   /* H28 */

  g_signal_connect_object (self->session, "wiped", G_CALLBACK (on_session_wiped), self, 0);
  g_signal_connect_object (self->session, "state-changed", G_CALLBACK (on_session_state),
                           self, 0);
  if (self->usage == NULL)
    usage_start (self);
  self->started = TRUE;
  write_status_soon (self);
  g_message ("core: terminal %s started (%s devices, platform %s)",
             hb_config_get_string (c, "terminal", "id"), hb_config_get_string (c, "devices", "mode"),
             hb_config_get_string (c, "platform", "url"));
  return TRUE;
}

/* --- out of service ------------------------------------------------------------------ */

#define OUT_OF_SERVICE_FILE   "out-of-service"
#define OUT_OF_SERVICE_REASON_MAX 256

static char *
out_of_service_path (HbCore *self)
{
  return g_build_filename (hb_config_get_string (self->config, "paths", "data_dir"),
                           OUT_OF_SERVICE_FILE, NULL);
}

/* The reason as a staff member or the platform wrote it: one line, bounded, UTF-8. */
static char *
clean_reason (const char *reason)
{
  if (reason == NULL || !g_utf8_validate (reason, -1, NULL))
    return g_strdup ("");
  g_autofree char *cut = g_utf8_substring (reason, 0, MIN (g_utf8_strlen (reason, -1),
                                                            OUT_OF_SERVICE_REASON_MAX));
  for (char *p = cut; *p; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  return g_strdup (g_strstrip (cut));
}

static void
load_out_of_service (HbCore *self)
{
  g_autofree char *path = out_of_service_path (self);
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, NULL) || len > 4 * OUT_OF_SERVICE_REASON_MAX)
    return;
  self->out_of_service = TRUE;
  self->out_of_service_reason = clean_reason (text);
  GStatBuf st;
  self->out_of_service_since = g_stat (path, &st) == 0 ? (gint64) st.st_mtime : 0;
  g_message ("core: out of service since the last start (%s)", self->out_of_service_reason);
}

void
hb_core_set_out_of_service (HbCore *self, gboolean on, const char *reason)
{
  g_return_if_fail (HB_IS_CORE (self));
  g_autofree char *path = out_of_service_path (self);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->out_of_service_reason, g_free);
  self->out_of_service = on;
  if (on)
    {
      self->out_of_service_reason = clean_reason (reason);
      self->out_of_service_since = g_get_real_time () / G_USEC_PER_SEC;
      if (!g_file_set_contents_full (path, self->out_of_service_reason, -1,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        g_warning ("core: out of service, but not kept across a restart: %s", error->message);
    }
  else
    {
      self->out_of_service_since = 0;
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("core: %s could not be removed: %s", path, g_strerror (errno));
    }
  /* A visit in progress goes on to its end; only the next one is refused. */
  g_message ("core: %s service%s%s", on ? "out of" : "back in",
             on && *self->out_of_service_reason ? ": " : "",
             on ? self->out_of_service_reason : "");
  write_status_soon (self);
  g_signal_emit (self, signals[SIGNAL_STATUS_CHANGED], 0);
}

gboolean
hb_core_get_out_of_service (HbCore *self, const char **reason)
{
  g_return_val_if_fail (HB_IS_CORE (self), FALSE);
  if (reason)
    *reason = self->out_of_service ? self->out_of_service_reason : NULL;
  return self->out_of_service;
}

static gboolean
prepare_data_dir (HbCore *self, GError **error)
{
  const char *dir = hb_config_get_string (self->config, "paths", "data_dir");
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create data folder %s", dir);
      return FALSE;
    }
  return TRUE;
}

static void
store_opened (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbCore *self = HB_CORE (source);
  GError *error = NULL;
  HbStore *store = g_task_propagate_pointer (G_TASK (result), &error);

  if (store == NULL || !finish_start (self, store, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
hb_core_start_async (HbCore *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  g_autoptr(GTask) open = NULL;

  g_task_set_source_tag (task, hb_core_start_async);
  if (!prepare_data_dir (self, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  open = g_task_new (self, cancellable, store_opened, task);
  g_task_run_in_thread (open, open_store_thread);
}

gboolean
hb_core_start_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
hb_core_start (HbCore *self, GError **error)
{
  HbStore *store;

  if (!prepare_data_dir (self, error))
    return FALSE;
  store = open_stores (self, &self->writer_store, error);
  if (store == NULL)
    return FALSE;
  return finish_start (self, store, error);
}

void
hb_core_stop (HbCore *self)
{
  if (!self->started)
    return;
  self->started = FALSE;
  g_clear_handle_id (&self->status_source, g_source_remove);
  if (self->resolving)
    g_cancellable_cancel (self->resolving);
  hb_session_wipe (self->session, HB_WIPE_CANCELLED);
  if (self->sync)
    hb_sync_stop (self->sync);
  if (self->devices)
    hb_device_manager_stop (self->devices);
  g_message ("core: stopped");
}

/* --- submission ------------------------------------------------------------------- */

static char *
iso8601_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
}

static const char *
identified_by (HbPerson *person)
{
  switch (hb_person_get_source (person))
    {
    case HB_IDENTITY_CODE:         return "code";
    case HB_IDENTITY_OFFLINE_CODE: return "offline_code";
    case HB_IDENTITY_ID_CARD:
    default:                       return "id_card";
    }
}

/* Who applies: a resident with card data, a resident known by subject (the platform fills
 * in the rest), or a business. docs/platform-api.md, POST /v1/applications. */
static void
add_applicant (JsonBuilder *b, HbPerson *person)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, hb_person_get_principal (person) == HB_PRINCIPAL_ENTERPRISE
                                    ? "enterprise" : "person");
  if (hb_person_get_subject (person))
    {
      json_builder_set_member_name (b, "subject");
      json_builder_add_string_value (b, hb_person_get_subject (person));
    }
  if (hb_person_get_principal (person) == HB_PRINCIPAL_ENTERPRISE)
    {
      if (hb_person_get_enterprise_uscc (person))
        {
          json_builder_set_member_name (b, "uscc");
          json_builder_add_string_value (b, hb_person_get_enterprise_uscc (person));
        }
      if (hb_person_get_enterprise_name (person))
        {
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, hb_person_get_enterprise_name (person));
        }
    }
  else if (hb_person_has_card_data (person))
    {
      json_builder_set_member_name (b, "id_type");
      json_builder_add_string_value (b, hb_idcard_type_to_string (hb_person_get_card_type (person)));
      json_builder_set_member_name (b, "id_number");
      json_builder_add_string_value (b, hb_person_get_id_number (person));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, hb_person_get_name (person));
    }
  json_builder_set_member_name (b, "identified_by");
  json_builder_add_string_value (b, identified_by (person));
  json_builder_end_object (b);
}

/* The application of one part of the visit (0: a plain service; 1…n: a bundle's member n,
 * which names its bundle and the visit's first key so the platform can link them). */
static char *
build_application (HbCore *self, guint part, const char *key, const char *bundle_key)
{
  HbPerson *person = hb_session_get_person (self->session);
  HbService *service = hb_session_get_service (self->session);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *now = iso8601_now ();
  HbQuestionsScope scope;
  GPtrArray *members;
  HbForm *form;

  questions_scope (self, &scope);   /* first: it may bring the forms up to date */
  members = scope.members;
  form = part == 0 ? scope.form : members->pdata[part - 1];
  g_return_val_if_fail (person && service && form, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "idempotency_key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "service_code");
  json_builder_add_string_value (b, hb_service_get_code (hb_form_get_service (form)));
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, hb_config_get_string (self->config, "terminal", "id"));
  json_builder_set_member_name (b, "submitted_at");
  json_builder_add_string_value (b, now);
  json_builder_set_member_name (b, "language");
  json_builder_add_string_value (b, hb_i18n_get_language ());
  if (part > 0)
    {
      json_builder_set_member_name (b, "bundle");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, hb_service_get_code (service));
      json_builder_set_member_name (b, "first_key");
      json_builder_add_string_value (b, bundle_key);
      json_builder_set_member_name (b, "part");
      json_builder_add_int_value (b, part);
      json_builder_set_member_name (b, "of");
      json_builder_add_int_value (b, members->len);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "applicant");
  add_applicant (b, person);
  add_agent (b, self->session);   /* 企业登录 (H21) */
  json_builder_set_member_name (b, "form");
  /* Only what was asked: a value left in a field no longer asked is not sent. */
  json_builder_add_value (b, hb_questions_part_json (&scope, part));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return hb_json_to_string (root);
}

char *
hb_core_build_application (HbCore *self, const char *key)
{
  return build_application (self, 0, key, NULL);
}

/* What the resident takes away while the application waits in the outbox: the date and
 * the start of the idempotency key, which staff can look up on the terminal. */
static char *
queued_reference (const char *key)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");
  g_autofree char *head = g_ascii_strup (key, 8);
  return g_strdup_printf ("HB%s-%s", day, head);
}

typedef struct {
  HbCore *core;
  char   *key;
  char   *body;          /* personal data: wiped */
  char   *kind;
  char   *path;
  gulong  delivered_id;
  gulong  rejected_id;
  guint   timeout_id;
  gboolean holding;
  char   *visit;         /* the visit's application key: its items go out in order */
  char   *data_dir;      /* where the database lives, and the free space it must keep */
  guint64 min_free;
} OutboxJob;

static void
outbox_job_free (OutboxJob *job)
{
  if (job->delivered_id)
    g_signal_handler_disconnect (job->core->sync, job->delivered_id);
  if (job->rejected_id)
    g_signal_handler_disconnect (job->core->sync, job->rejected_id);
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  if (job->holding)
    hb_session_release_idle (job->core->session);
  hb_secure_free (job->body);
  g_free (job->key);
  g_free (job->kind);
  g_free (job->path);
  g_free (job->data_dir);
  g_free (job->visit);
  g_object_unref (job->core);
  g_free (job);
}

/* Refuse before the disk is full, not after: a write that cannot complete must never be
 * the one that holds a resident's application. Unknown free space is not refused. */
static gboolean
storage_refused (HbCore *self, OutboxJob *job, GError **error)
{
  struct statvfs st;

  if (job->data_dir != NULL && statvfs (job->data_dir, &st) == 0 &&
      (guint64) st.f_bavail * st.f_frsize < job->min_free)
    {
      g_atomic_int_set (&self->storage_full, 1);
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STORAGE_FULL,
                   "less than %" G_GUINT64_FORMAT " MiB free in %s: new submissions are "
                   "refused", job->min_free >> 20, job->data_dir);
      return TRUE;
    }
  return FALSE;
}

/* The store's verdict on a failed enqueue: a full disk is its own error. */
static void
return_enqueue_error (HbCore *self, GTask *task, GError *error)
{
  if (g_error_matches (error, HB_STORE_ERROR, HB_STORE_ERROR_FULL))
    {
      /* SQLite rolled the transaction back: nothing half-written, nothing to clean up. */
      g_atomic_int_set (&self->storage_full, 1);
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STORAGE_FULL,
                               "the disk is full: %s", error->message);
      g_error_free (error);
    }
  else
    g_task_return_error (task, error);
}

static void
enqueue_thread (GTask *task, gpointer source, gpointer data, GCancellable *c)
{
  HbCore *self = source;
  OutboxJob *job = data;
  GError *error = NULL;
  gboolean ok;

  if (storage_refused (self, job, &error))
    {
      hb_secure_free (g_steal_pointer (&job->body));
      g_task_return_error (task, error);
      return;
    }

  g_mutex_lock (&self->writer_lock);
  ok = hb_outbox_enqueue_in_visit (self->writer_outbox, job->key, job->visit, job->kind,
                                   job->path, job->body, &error);
  if (!ok)
    {
      /* SQLite cannot always tell whether a failed commit reached the disk: look. */
      g_autoptr(HbOutboxItem) item = hb_outbox_lookup (self->writer_outbox, job->key, NULL);
      if (item != NULL)
        {
          g_clear_error (&error);
          ok = TRUE;
        }
    }
  g_mutex_unlock (&self->writer_lock);
  hb_secure_free (g_steal_pointer (&job->body));
  if (ok)
    {
      g_atomic_int_set (&self->storage_full, 0);
      g_task_return_boolean (task, TRUE);
    }
  else
    return_enqueue_error (self, task, error);
}

/* A submission: one application, or one per member of a 一件事, saved together and then
 * waited for together. */
typedef struct {
  HbCore    *core;
  GPtrArray *jobs;          /* OutboxJob*, one per application, in order */
  GStrv      codes;         /* each application's service code */
  GStrv      case_numbers;  /* each one's case number once the platform gave it */
  guint      waiting;       /* applications the platform has not answered yet */
  gulong     delivered_id;
  gulong     rejected_id;
  guint      timeout_id;
} SubmitJob;

static void
submit_job_disconnect (SubmitJob *sj)
{
  if (sj->delivered_id)
    g_signal_handler_disconnect (sj->core->sync, sj->delivered_id);
  if (sj->rejected_id)
    g_signal_handler_disconnect (sj->core->sync, sj->rejected_id);
  sj->delivered_id = sj->rejected_id = 0;
  g_clear_handle_id (&sj->timeout_id, g_source_remove);
}

static void
submit_job_free (SubmitJob *sj)
{
  submit_job_disconnect (sj);
  hb_session_release_idle (sj->core->session);
  for (guint i = 0; i < sj->jobs->len; i++)   /* not a GStrv: may have holes */
    g_free (sj->case_numbers[i]);
  g_free (sj->case_numbers);
  g_ptr_array_unref (sj->jobs);
  g_strfreev (sj->codes);
  g_object_unref (sj->core);
  g_free (sj);
}

static int
submit_job_index (SubmitJob *sj, const char *key)
{
  for (guint i = 0; i < sj->jobs->len; i++)
    if (g_strcmp0 (((OutboxJob *) sj->jobs->pdata[i])->key, key) == 0)
      return (int) i;
  return -1;
}

static HbSubmission *
part_submission (SubmitJob *sj, guint i)
{
  OutboxJob *job = sj->jobs->pdata[i];
  g_autofree char *ref = queued_reference (job->key);
  HbSubmission *s = hb_submission_new (job->key, sj->case_numbers[i], ref);
  return s;
}

static void
submit_complete (GTask *task)
{
  SubmitJob *sj = g_task_get_task_data (task);
  HbCore *self = sj->core;
  HbSubmission *s = part_submission (sj, 0);

  if (hb_service_get_kind (hb_session_get_service (self->session)) == HB_SERVICE_KIND_BUNDLE)
    {
      s->members = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_submission_free);
      for (guint i = 0; i < sj->jobs->len; i++)
        {
          HbSubmission *m = part_submission (sj, i);
          m->service_code = g_strdup (sj->codes[i]);
          g_ptr_array_add (s->members, m);
        }
    }
  if (!hb_session_complete (self->session, s))
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "the visit ended before the submission completed");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_submit_delivered (HbSync *sync, const char *key, const char *response, GTask *task)
{
  SubmitJob *sj = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  const char *case_number = NULL;
  int i = submit_job_index (sj, key);

  if (i < 0 || sj->case_numbers[i] != NULL)
    return;
  reply = hb_json_parse_object (response, -1, REPLY_MAX_BYTES, HB_JSON_DEFAULT_MAX_DEPTH, &error);
  if (reply)
    case_number = json_object_get_string_member_with_default (reply, "case_number", NULL);
  if (case_number == NULL || *case_number == '\0' || strlen (case_number) > 64)
    /* Delivered, but no usable number: the resident keeps the queued reference. */
    g_warning ("core: platform accepted %s without a case number", key);
  else
    sj->case_numbers[i] = g_strdup (case_number);
  if (--sj->waiting > 0)
    return;
  submit_job_disconnect (sj);
  submit_complete (task);
  g_object_unref (task);
}

static void
on_submit_rejected (HbSync *sync, const char *key, const char *message, GTask *task)
{
  SubmitJob *sj = g_task_get_task_data (task);
  if (submit_job_index (sj, key) < 0)
    return;
  submit_job_disconnect (sj);
  g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_REJECTED,
                           "the platform rejected the application");
  g_object_unref (task);
}

static gboolean
on_submit_timeout (gpointer data)
{
  GTask *task = data;
  SubmitJob *sj = g_task_get_task_data (task);

  sj->timeout_id = 0;
  submit_job_disconnect (sj);
  g_message ("core: %s queued; the platform did not answer in time",
             ((OutboxJob *) sj->jobs->pdata[0])->key);
  submit_complete (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* Saves every application of the submission in one transaction (all or none). */
static void
enqueue_submission_thread (GTask *task, gpointer source, gpointer data, GCancellable *c)
{
  HbCore *self = source;
  SubmitJob *sj = data;
  OutboxJob *first = sj->jobs->pdata[0];
  g_autofree HbOutboxEntry *entries = g_new0 (HbOutboxEntry, sj->jobs->len);
  GError *error = NULL;
  gboolean ok;

  if (!storage_refused (self, first, &error))
    {
      for (guint i = 0; i < sj->jobs->len; i++)
        {
          OutboxJob *job = sj->jobs->pdata[i];
          entries[i] = (HbOutboxEntry) { job->key, job->kind, job->path, job->body };
        }
      g_mutex_lock (&self->writer_lock);
      ok = hb_outbox_enqueue_batch (self->writer_outbox, first->visit, entries,
                                    sj->jobs->len, &error);
      if (!ok)
        {
          /* SQLite cannot always tell whether a failed commit reached the disk: look. */
          g_autoptr(HbOutboxItem) item =
            hb_outbox_lookup (self->writer_outbox,
                              ((OutboxJob *) sj->jobs->pdata[sj->jobs->len - 1])->key, NULL);
          if (item != NULL)
            {
              g_clear_error (&error);
              ok = TRUE;
            }
        }
      g_mutex_unlock (&self->writer_lock);
    }
  for (guint i = 0; i < sj->jobs->len; i++)
    hb_secure_free (g_steal_pointer (&((OutboxJob *) sj->jobs->pdata[i])->body));
  if (error == NULL)
    {
      g_autofree const char **keys = g_new0 (const char *, sj->jobs->len);
      for (guint i = 0; i < sj->jobs->len; i++)
        keys[i] = ((OutboxJob *) sj->jobs->pdata[i])->key;
      audit_submission (self, keys, (const char *const *) sj->codes, sj->jobs->len);
      g_atomic_int_set (&self->storage_full, 0);
      g_task_return_boolean (task, TRUE);
    }
  else
    return_enqueue_error (self, task, error);
}

static void
enqueued_for_submit (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;   /* owned by the waiters from now on */
  SubmitJob *sj = g_task_get_task_data (task);
  HbCore *self = sj->core;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* A full disk is an expected condition with its own screen and status, not a bug. */
      if (g_error_matches (error, HB_CORE_ERROR, HB_CORE_ERROR_STORAGE_FULL))
        g_message ("core: application refused: %s", error->message);
      else
        g_warning ("core: could not save the application: %s", error->message);
      write_status_soon (self);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_message ("core: %u application(s) saved, first %s", sj->jobs->len,
             ((OutboxJob *) sj->jobs->pdata[0])->key);
  sj->delivered_id = g_signal_connect (self->sync, "delivered",
                                       G_CALLBACK (on_submit_delivered), task);
  sj->rejected_id = g_signal_connect (self->sync, "rejected",
                                      G_CALLBACK (on_submit_rejected), task);
  sj->timeout_id = g_timeout_add ((guint) hb_config_get_int (self->config, "session",
                                                             "submit_wait_ms") + 1,
                                  on_submit_timeout, task);
  hb_sync_kick (self->sync);
}

static OutboxJob *
outbox_job_new (HbCore *self, const char *key, const char *visit, const char *kind,
                const char *path, char *body)
{
  OutboxJob *job = g_new0 (OutboxJob, 1);
  job->core = g_object_ref (self);
  job->visit = g_strdup (visit);
  job->data_dir = g_strdup (hb_config_get_string (self->config, "paths", "data_dir"));
  job->min_free = (guint64) hb_config_get_int (self->config, "store", "min_free_mb") << 20;
  job->key = g_strdup (key);
  job->kind = g_strdup (kind);
  job->path = g_strdup (path);
  job->body = body;
  return job;
}

void
hb_core_submit_async (HbCore *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GTask) enqueue = NULL;
  GPtrArray *members;
  SubmitJob *sj;
  guint first_part, n;

  g_task_set_source_tag (task, hb_core_submit_async);
  if (!self->started || hb_session_get_state (self->session) != HB_SESSION_IN_SERVICE)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "nothing to submit in this state");
      g_object_unref (task);
      return;
    }
  /* The same checks the resident saw: fields, then pre-review rules. */
  problems = hb_core_check_answers (self);
  if (problems->len > 0)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_INVALID,
                               "the form has %u problem(s)", problems->len);
      g_object_unref (task);
      return;
    }

  /* A plain service sends its form; a 一件事 one application per member, not its own. */
  members = hb_session_get_member_forms (self->session);
  first_part = members && members->len > 0 ? 1 : 0;
  n = members && members->len > 0 ? members->len : 1;
  sj = g_new0 (SubmitJob, 1);
  sj->core = g_object_ref (self);
  sj->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) outbox_job_free);
  sj->codes = g_new0 (char *, n + 1);
  sj->case_numbers = g_new0 (char *, n + 1);
  sj->waiting = n;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      const char *visit = i == 0 ? key : ((OutboxJob *) sj->jobs->pdata[0])->key;
      HbForm *form = first_part == 0 ? hb_session_get_form (self->session)
                                     : members->pdata[i];
      g_ptr_array_add (sj->jobs,
                       outbox_job_new (self, key, visit, "application", "/v1/applications",
                                       build_application (self, first_part + i, key, visit)));
      sj->codes[i] = g_strdup (hb_service_get_code (hb_form_get_service (form)));
    }
  hb_session_hold_idle (self->session);
  g_task_set_task_data (task, sj, (GDestroyNotify) submit_job_free);

  enqueue = g_task_new (self, NULL, enqueued_for_submit, task);
  g_task_set_task_data (enqueue, sj, NULL);
  g_task_run_in_thread (enqueue, enqueue_submission_thread);
}

gboolean
hb_core_submit_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- rating ----------------------------------------------------------------------- */

static void
enqueued_rating (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbCore *self = HB_CORE (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("core: could not save the rating: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  hb_sync_kick (self->sync);
  g_task_return_boolean (task, TRUE);
}

/* --- 办不成事 and 帮办 ----------------------------------------------------------------- */

void
hb_core_report_async (HbCore *self, const char *step, const char *reason, const char *detail,
                      const char *contact_phone, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const HbSubmission *sub = hb_session_get_submission (self->session);
  HbService *service = hb_session_get_service (self->session);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *now = iso8601_now ();
  g_autoptr(GError) error = NULL;
  HbReport report = {
    .idempotency_key = key,
    .terminal_id = hb_config_get_string (self->config, "terminal", "id"),
    .service_code = service ? hb_service_get_code (service) : NULL,
    .step = step,
    .reason = reason,
    .detail = detail,
    .contact_phone = contact_phone,
    .reported_at = now,
  };
  char *body;
  OutboxJob *job;
  GTask *enqueue;

  g_task_set_source_tag (task, hb_core_report_async);
  if (!self->started)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "not started");
      return;
    }
  body = hb_report_build_body (&report, &error);
  if (body == NULL)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "%s", error->message);
      return;
    }
  g_message ("core: 办不成事 reported at %s (%s)", report.step ? report.step : "?", reason);
  usage_record (self, HB_USAGE_REPORT, reason, 0);   /* one of hb_report_reasons () */
  /* Queued like an application: delivered exactly once, offline included; after the
   * visit's own items (order within the visit). */
  job = outbox_job_new (self, key, sub ? sub->idempotency_key : NULL, "report", "/v1/reports",
                        body);
  enqueue = g_task_new (self, NULL, enqueued_rating, g_steal_pointer (&task));
  g_task_set_task_data (enqueue, job, (GDestroyNotify) outbox_job_free);
  g_task_run_in_thread (enqueue, enqueue_thread);
  g_object_unref (enqueue);
}

gboolean
hb_core_report_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- 免申即享 --------------------------------------------------------------------------- */

/* The identified resident's ID number, or NULL (an offline code names a subject only; a
 * business login is not a resident). */
static const char *
resident_id_number (HbCore *self)
{
  HbPerson *person = hb_session_get_person (self->session);
  if (person == NULL || hb_person_get_principal (person) != HB_PRINCIPAL_PERSON
      || !hb_person_has_card_data (person))
    return NULL;
  return hb_person_get_id_number (person);
}

/* Hands the pointer result of a platform call (the GTasks of kiosk/hb-benefits.c,
 * hb-cases.c) to the core's own task; free_func frees it if the caller never takes it. */
static void
forward_pointer (GTask *outer, GAsyncResult *inner, GDestroyNotify free_func)
{
  GError *error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (inner), &error);
  if (value == NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, value, free_func);
}

/* The online calls below start with a check: TRUE to go on; else the task (owned) answers
 * HB_CORE_ERROR_STATE with why and is dropped. */
static gboolean
go_on_if (GTask *task, gboolean ok, const char *why)
{
  if (ok)
    return TRUE;
  g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "%s", why);
  g_object_unref (task);
  return FALSE;
}

/* The finish of those calls: the pointer the task of this core returns. */
static gpointer
core_task_pointer (HbCore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
benefits_listed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  forward_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

void
hb_core_list_benefits_async (HbCore *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  const char *id_number = resident_id_number (self);

  g_task_set_source_tag (task, hb_core_list_benefits_async);
  if (go_on_if (task, self->started && id_number != NULL,
                "benefits are looked up for a resident identified by card"))
    hb_benefits_list_async (self->sync, id_number, cancellable, benefits_listed, task);
}

GPtrArray *
hb_core_list_benefits_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return core_task_pointer (self, result, error);
}

static void
benefit_confirmed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  g_message ("core: benefit confirmation answered");
  forward_pointer (task, result, g_free);
}

void
hb_core_confirm_benefit_async (HbCore *self, const char *benefit_id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  const char *id_number = resident_id_number (self);
  guint visit = hb_session_get_visit_number (self->session);
  const char *key;

  g_task_set_source_tag (task, hb_core_confirm_benefit_async);
  if (!go_on_if (task, self->started && id_number != NULL && benefit_id != NULL,
                 "benefits are confirmed for a resident identified by card"))
    return;
  /* One key per benefit per visit: a second tap (or a retry after a lost answer) is the
   * same confirmation at the platform, never a second one. */
  if (self->benefit_keys_visit != visit)
    {
      g_hash_table_remove_all (self->benefit_keys);
      self->benefit_keys_visit = visit;
    }
  key = g_hash_table_lookup (self->benefit_keys, benefit_id);
  if (key == NULL)
    {
      char *k = g_uuid_string_random ();
      g_hash_table_insert (self->benefit_keys, g_strdup (benefit_id), k);
      key = k;
    }
  hb_benefits_confirm_async (self->sync, id_number, benefit_id, key, cancellable,
                             benefit_confirmed, task);
}

char *
hb_core_confirm_benefit_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return core_task_pointer (self, result, error);
}

/* --- 进度查询 ---------------------------------------------------------------------------- */

static void
cases_queried (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  forward_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

void
hb_core_query_cases_async (HbCore *self, const char *reference, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  const char *id_number = reference ? NULL : resident_id_number (self);

  g_task_set_source_tag (task, hb_core_query_cases_async);
  if (go_on_if (task, self->started && (reference != NULL || id_number != NULL)
                      && (reference == NULL || hb_cases_is_reference (reference)),
                "cases are looked up by a receipt's number or for a resident identified by "
                "card"))
    hb_cases_query_async (self->sync, reference, id_number, cancellable, cases_queried, task);
}

GPtrArray *
hb_core_query_cases_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return core_task_pointer (self, result, error);
}

HbHelpCall *
hb_core_call_help (HbCore *self, const char *page)
{
  HbService *service = hb_session_get_service (self->session);
  HbHelpCall *call;

  g_return_val_if_fail (self->started, NULL);
  hb_core_request_help (self, "resident");   /* staff on site see it too */
  call = hb_help_call_new (self->sync, hb_config_get_string (self->config, "terminal", "id"),
                           service ? hb_service_get_code (service) : NULL, page,
                           hb_i18n_get_language (),
                           (guint) hb_config_get_int (self->config, "platform", "help_poll_ms"));
  hb_help_call_start (call);
  return call;
}

void
hb_core_rate_async (HbCore *self, int level, const char *const *indicators,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const HbSubmission *sub = hb_session_get_submission (self->session);
  HbService *service = hb_session_get_service (self->session);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *now = iso8601_now ();
  g_autoptr(GError) error = NULL;
  guint visit = hb_session_get_visit_number (self->session);
  char *body;
  OutboxJob *job;
  GTask *enqueue;

  g_task_set_source_tag (task, hb_core_rate_async);
  if (!self->started ||
      (hb_session_get_state (self->session) != HB_SESSION_RATING &&
       hb_session_get_state (self->session) != HB_SESSION_DONE &&
       hb_session_get_state (self->session) != HB_SESSION_ABANDONED))
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "no visit to rate");
      return;
    }
  /* 一事一评: one rating per case, and so per visit. */
  if (self->rated_visit == visit)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "this visit is already rated");
      return;
    }
  HbRating rating = {
    .idempotency_key = key,
    .case_number = sub ? sub->reference : NULL,
    .service_code = service ? hb_service_get_code (service) : NULL,
    .terminal_id = hb_config_get_string (self->config, "terminal", "id"),
    .level = level,
    .indicators = indicators,
    .outcome = sub ? HB_RATING_COMPLETED : HB_RATING_ABANDONED,
    .rated_at = now,
  };
  body = hb_rating_build_body (&rating, &error);
  if (body == NULL)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "%s", error->message);
      return;
    }
  self->rated_visit = visit;
  usage_record (self, HB_USAGE_RATING, rating.service_code, level);

  job = outbox_job_new (self, key, sub ? sub->idempotency_key : NULL, "rating", "/v1/ratings",
                        body);
  enqueue = g_task_new (self, NULL, enqueued_rating, g_steal_pointer (&task));
  g_task_set_task_data (enqueue, job, (GDestroyNotify) outbox_job_free);
  g_task_run_in_thread (enqueue, enqueue_thread);
  g_object_unref (enqueue);
}

gboolean
hb_core_rate_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- a document sent instead of printed ----------------------------------------------- */

const char *
hb_delivery_channel_to_string (HbDeliveryChannel channel)
{
  return channel == HB_DELIVERY_MAIL ? "mail" : "suishenban";
}

static void
enqueued_delivery (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbCore *self = HB_CORE (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("core: could not save the delivery request: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  g_message ("core: receipt to be sent by %s instead of printed",
             (const char *) g_task_get_task_data (task));
  hb_sync_kick (self->sync);
  g_task_return_boolean (task, TRUE);
}

void
hb_core_send_receipt_async (HbCore *self, HbDeliveryChannel channel, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const HbSubmission *sub = hb_session_get_submission (self->session);
  HbService *service = hb_session_get_service (self->session);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *now = iso8601_now ();
  OutboxJob *job;
  GTask *enqueue;

  g_task_set_source_tag (task, hb_core_send_receipt_async);
  g_task_set_task_data (task, (gpointer) hb_delivery_channel_to_string (channel), NULL);
  if (!self->started || sub == NULL || service == NULL)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "no submission whose receipt could be sent");
      return;
    }
  /* Durable like the application itself: queued in the outbox, delivered exactly once
   * whenever the platform is reachable. The platform knows the applicant from the case. */
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "idempotency_key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "reference");
  json_builder_add_string_value (b, sub->reference);
  json_builder_set_member_name (b, "queued");
  json_builder_add_boolean_value (b, sub->queued);
  json_builder_set_member_name (b, "application_key");
  json_builder_add_string_value (b, sub->idempotency_key);
  json_builder_set_member_name (b, "service_code");
  json_builder_add_string_value (b, hb_service_get_code (service));
  json_builder_set_member_name (b, "terminal_id");
  json_builder_add_string_value (b, hb_config_get_string (self->config, "terminal", "id"));
  json_builder_set_member_name (b, "channel");
  json_builder_add_string_value (b, hb_delivery_channel_to_string (channel));
  json_builder_set_member_name (b, "document");
  json_builder_add_string_value (b, "receipt");
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, "printer-unavailable");
  json_builder_set_member_name (b, "requested_at");
  json_builder_add_string_value (b, now);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  job = outbox_job_new (self, key, sub->idempotency_key, "delivery", "/v1/deliveries",
                        hb_json_to_string (root));
  enqueue = g_task_new (self, NULL, enqueued_delivery, g_steal_pointer (&task));
  g_task_set_task_data (enqueue, job, (GDestroyNotify) outbox_job_free);
  g_task_run_in_thread (enqueue, enqueue_thread);
  g_object_unref (enqueue);
}

gboolean
hb_core_send_receipt_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hb_core_request_help (HbCore *self, const char *why)
{
  /* Staff see it in the status (maintenance screen, haobanctl status, heartbeat). */
  g_free (self->help_requested);
  self->help_requested = g_strdup (why ? why : "resident");
  self->help_requested_at = g_get_real_time () / G_USEC_PER_SEC;
  g_message ("core: a resident asks for a clerk (%s)", self->help_requested);
  write_status_soon (self);
  g_signal_emit (self, signals[SIGNAL_STATUS_CHANGED], 0);
}

/* --- receipt ---------------------------------------------------------------------- */

typedef struct {
  HbReceipt      receipt;
  GPtrArray     *strings;   /* owns every string the receipt points to */
  HbDocumentRow *rows;
  GDateTime     *when;
} ReceiptData;

static void
receipt_data_free (ReceiptData *d)
{
  g_ptr_array_unref (d->strings);
  g_free (d->rows);
  g_clear_pointer (&d->when, g_date_time_unref);
  g_free (d);
}

static const char *
keep (ReceiptData *d, char *s)
{
  g_ptr_array_add (d->strings, s);
  return s;
}

static ReceiptData *
receipt_for_session (HbCore *self, GError **error)
{
  const HbSubmission *sub = hb_session_get_submission (self->session);
  HbService *service = hb_session_get_service (self->session);
  HbPerson *person = hb_session_get_person (self->session);
  HbForm *form = hb_session_get_form (self->session);
  ReceiptData *d;
  GPtrArray *fields;
  g_autofree char *name = NULL, *id = NULL;

  if (sub == NULL || service == NULL || person == NULL || form == NULL)
    {
      g_set_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "no submission to print");
      return NULL;
    }
  d = g_new0 (ReceiptData, 1);
  d->strings = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_secure_free);
  fields = hb_service_get_fields (service);
  d->rows = g_new0 (HbDocumentRow, fields->len + (sub->members ? sub->members->len : 0));
  d->when = g_date_time_new_now_local ();
  name = hb_person_dup_masked_name (person);
  id = hb_person_dup_masked_id (person);

  d->receipt.title = keep (d, g_strdup (hb_text_get (hb_service_get_receipt_title (service))));
  d->receipt.service_name = keep (d, g_strdup (hb_text_get (hb_service_get_name (service))));
  d->receipt.reference = keep (d, g_strdup (sub->reference));
  d->receipt.queued = sub->queued;
  if (hb_person_get_principal (person) == HB_PRINCIPAL_ENTERPRISE)
    d->receipt.applicant = keep (d, g_strdup_printf ("%s %s", name ? name : "",
                                                     hb_person_get_enterprise_uscc (person)
                                                     ? hb_person_get_enterprise_uscc (person) : ""));
  else if (id == NULL)
    d->receipt.applicant = keep (d, g_strdup_printf ("%s %s", name ? name : "", _("（随申码）")));
  else
    d->receipt.applicant = keep (d, g_strdup_printf ("%s %s", name, id));
  d->receipt.terminal_id = keep (d, g_strdup (hb_config_get_string (self->config, "terminal", "id")));
  d->receipt.submitted_at = d->when;
  d->receipt.language = hb_i18n_get_language ();
  for (guint i = 0; i < fields->len; i++)
    {
      const HbFormField *f = fields->pdata[i];
      /* Name and ID number are already in the applicant line. */
      if (g_strcmp0 (f->prefill, "person.name") == 0 || f->type == HB_FIELD_ID_NUMBER)
        continue;
      d->rows[d->receipt.n_rows].label = keep (d, g_strdup (hb_text_get (&f->label)));
      d->rows[d->receipt.n_rows].value = keep (d, hb_form_dup_receipt_value (form, f->id));
      d->receipt.n_rows++;
    }
  /* 一件事: each member application with its own number. */
  for (guint i = 0; sub->members && i < sub->members->len; i++)
    {
      const HbSubmission *m = sub->members->pdata[i];
      g_autoptr(HbService) ms = hb_core_get_service (self, m->service_code, NULL);
      d->rows[d->receipt.n_rows].label =
        keep (d, g_strdup (ms ? hb_text_get (hb_service_get_name (ms)) : m->service_code));
      d->rows[d->receipt.n_rows].value = keep (d, g_strdup (m->reference));
      d->receipt.n_rows++;
    }
  d->receipt.rows = d->rows;
  return d;
}

GBytes *
hb_core_render_receipt (HbCore *self, GError **error)
{
  ReceiptData *d = receipt_for_session (self, error);
  GBytes *pdf;
  if (d == NULL)
    return NULL;
  pdf = hb_document_render_receipt (&d->receipt, HB_PAPER_A4, error);
  receipt_data_free (d);
  return pdf;
}

static void
note_print_failure (HbCore *self, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_free (self->print_failure);
  self->print_failure = g_strdup (error->message);
  self->print_failure_at = g_get_real_time () / G_USEC_PER_SEC;
  self->print_failures++;
  write_status_soon (self);
}

static void
printed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  /* A PDF job or a ticket: both complete a task of the print service with the job id. */
  gssize n = g_task_propagate_int (G_TASK (result), &error);
  guint job = n > 0 ? (guint) n : 0;
  if (error)
    {
      note_print_failure (g_task_get_source_object (task), error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_int (task, job);
}

static void
rendered (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbCore *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GBytes) pdf = hb_document_render_receipt_finish (result, &error);

  if (pdf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  GCancellable *cancellable = g_task_get_cancellable (task);
  const char *title = hb_text_get (hb_service_get_receipt_title (hb_session_get_service (self->session)));
  hb_print_service_print_async (self->printer, pdf, title, cancellable, printed,
                                g_steal_pointer (&task));
}

static void
release_hold (gpointer data)
{
  HbCore *self = data;
  hb_session_release_idle (self->session);
  g_object_unref (self);
}

void
hb_core_print_receipt_async (HbCore *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  ReceiptData *d;

  g_task_set_source_tag (task, hb_core_print_receipt_async);
  if (!self->started)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE, "not started");
      return;
    }
  d = receipt_for_session (self, &error);
  if (d == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The resident is waiting at the printer: the idle clock must not wipe meanwhile. */
  hb_session_hold_idle (self->session);
  g_task_set_task_data (task, g_object_ref (self), release_hold);
  /* On the 80 mm roll when the terminal is set up so and the roll can print now; else A4
   * (also when a roll job failed and the resident presses 重新打印). */
  if (g_strcmp0 (hb_config_get_string (self->config, "devices", "receipt_paper"), "roll") == 0 &&
      hb_print_service_roll_is_ready (self->printer))
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(HbTicket) ticket = hb_receipt_ticket_new (&d->receipt, &local);
      if (ticket != NULL)
        {
          hb_print_service_print_ticket_async (self->printer, ticket, cancellable, printed,
                                               g_steal_pointer (&task));
          receipt_data_free (d);
          return;
        }
      g_message ("core: receipt does not fit a ticket (%s): printing on A4", local->message);
    }
  hb_document_render_receipt_async (&d->receipt, HB_PAPER_A4, cancellable, rendered,
                                    g_steal_pointer (&task));
  receipt_data_free (d);
}

guint
hb_core_print_receipt_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  gssize job = g_task_propagate_int (G_TASK (result), error);
  return job > 0 ? (guint) job : 0;
}

/* --- printing a new offline code --------------------------------------------------------- */

#define OFFLINE_REPLY_MAX (16 * 1024)

static void
slip_rendered (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbCore *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GBytes) pdf = hb_code_slip_render_finish (result, &error);

  if (pdf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  GCancellable *cancellable = g_task_get_cancellable (task);
  hb_print_service_print_async (self->printer, pdf, _("随申码离线码"), cancellable,
                                printed, g_steal_pointer (&task));
}

/* {"code":"HB1…","exp":unix} — bounded; the code is checked by the slip renderer. */
static gboolean
parse_issued (const char *body, char **code, gint64 *exp, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonObject) obj = hb_json_parse_object (body, -1, OFFLINE_REPLY_MAX, 4, &local);
  JsonNode *c, *e;

  if (obj == NULL ||
      (c = json_object_get_member (obj, "code")) == NULL ||
      json_node_get_value_type (c) != G_TYPE_STRING ||
      (e = json_object_get_member (obj, "exp")) == NULL ||
      json_node_get_value_type (e) != G_TYPE_INT64 ||
      !hb_offline_code_looks_offline (json_node_get_string (c),
                                      strlen (json_node_get_string (c))))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "platform answered the offline code request with an unusable reply");
      return FALSE;
    }
  *code = g_strdup (json_node_get_string (c));
  *exp = json_node_get_int (e);
  return TRUE;
}

static void
offline_code_issued (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbCore *self = g_task_get_source_object (task);
  GError *error = NULL;
  guint status = 0;
  g_autofree char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);
  g_autofree char *code = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = NULL;
  gint64 exp = 0;

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (status != 200)
    {
      hb_secure_free (g_steal_pointer (&body));
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_REJECTED,
                               "platform refused to issue an offline code (HTTP %u)", status);
      return;
    }
  if (!parse_issued (body, &code, &exp, &error))
    {
      hb_secure_free (g_steal_pointer (&body));
      g_task_return_error (task, error);
      return;
    }
  hb_secure_free (g_steal_pointer (&body));
  expires = g_date_time_new_from_unix_local (exp);
  if (expires == NULL || hb_session_get_person (self->session) == NULL)
    {
      hb_secure_free (g_steal_pointer (&code));
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "the visit ended before the offline code arrived");
      return;
    }
  name = hb_person_dup_masked_name (hb_session_get_person (self->session));
  HbCodeSlip slip = {
    .code = code, .masked_name = name, .expires = expires,
    .terminal_id = hb_config_get_string (self->config, "terminal", "id"), .issued_at = now,
  };
  GCancellable *cancellable = g_task_get_cancellable (task);
  hb_code_slip_render_async (&slip, cancellable, slip_rendered, g_steal_pointer (&task));
  hb_secure_free (g_steal_pointer (&code));
}

void
hb_core_print_offline_code_async (HbCore *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  HbPerson *person = hb_session_get_person (self->session);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  g_task_set_source_tag (task, hb_core_print_offline_code_async);
  if (!self->started || person == NULL ||
      hb_person_get_principal (person) != HB_PRINCIPAL_PERSON)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "an offline code is printed for an identified resident only");
      return;
    }
  b = json_builder_new ();
  add_applicant (b, person);
  root = json_builder_get_root (b);
  body = hb_json_to_string (root);
  hb_session_hold_idle (self->session);
  g_task_set_task_data (task, g_object_ref (self), release_hold);
  hb_sync_request_async (self->sync, "POST", "/v1/codes/offline", body, cancellable,
                         offline_code_issued, g_steal_pointer (&task));
  hb_secure_free (g_steal_pointer (&body));
}

guint
hb_core_print_offline_code_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  gssize job = g_task_propagate_int (G_TASK (result), error);
  return job > 0 ? (guint) job : 0;
}

/* --- printing a proof or an e-licence copy ------------------------------------------------ */

/* The platform's document is bounded again by hb_certificate_parse (512 KiB). */
#define PROOF_REPLY_MAX HB_CERTIFICATE_MAX_BYTES

static void
proof_rendered (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  HbCore *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GBytes) pdf = hb_certificate_render_json_finish (result, &title, &error);

  if (pdf == NULL)
    {
      /* The platform's document could not be printed: its problem, not the resident's. */
      g_message ("core: proof not rendered: %s", error->message);
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_REJECTED,
                               "the platform's document cannot be printed: %s", error->message);
      g_error_free (error);
      return;
    }
  if (hb_session_get_person (self->session) == NULL)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "the visit ended before the document was ready");
      return;
    }
  GCancellable *cancellable = g_task_get_cancellable (task);
  hb_print_service_print_async (self->printer, pdf, title, cancellable, printed,
                                g_steal_pointer (&task));
}

static void
proof_fetched (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  guint status = 0;
  char *body = hb_sync_request_finish (HB_SYNC (source), result, &status, &error);

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (status != 200)
    {
      hb_secure_free (body);
      if (status == 404)
        g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_NO_RECORD,
                                 "the platform holds no such record for this resident");
      else
        g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_REJECTED,
                                 "platform refused the document (HTTP %u)", status);
      return;
    }
  GCancellable *cancellable = g_task_get_cancellable (task);
  hb_certificate_render_json_async (body, strlen (body), cancellable, proof_rendered,
                                    g_steal_pointer (&task));
  hb_secure_free (body);
}

void
hb_core_print_proof_async (HbCore *self, const char *proof, const char *licence,
                           const char *purpose, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  HbPerson *person = hb_session_get_person (self->session);

  g_task_set_source_tag (task, hb_core_print_proof_async);
  g_return_if_fail (proof != NULL);
  if (!self->started || person == NULL ||
      hb_person_get_principal (person) != HB_PRINCIPAL_PERSON)
    {
      g_task_return_new_error (task, HB_CORE_ERROR, HB_CORE_ERROR_STATE,
                               "proofs are printed for an identified resident only");
      return;
    }
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "proof");
  json_builder_add_string_value (b, proof);
  if (licence != NULL)
    {
      json_builder_set_member_name (b, "licence");
      json_builder_add_string_value (b, licence);
    }
  if (purpose != NULL)
    {
      json_builder_set_member_name (b, "purpose");
      json_builder_add_string_value (b, purpose);
    }
  json_builder_set_member_name (b, "applicant");
  add_applicant (b, person);
  json_builder_end_object (b);
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  char *body = hb_json_to_string (root);

  hb_session_hold_idle (self->session);
  g_task_set_task_data (task, g_object_ref (self), release_hold);
  hb_sync_request_async (self->sync, "POST", "/v1/proofs", body, cancellable, proof_fetched,
                         g_steal_pointer (&task));
  hb_secure_free (body);
}

guint
hb_core_print_proof_finish (HbCore *self, GAsyncResult *result, GError **error)
{
  gssize job = g_task_propagate_int (G_TASK (result), error);
  return job > 0 ? (guint) job : 0;
}

/* H14 (haobanctl sync). The same options as finish_start() gives the kiosk's engine;
 * finish_start could call this instead of building its own. */
HbSync *
hb_core_new_sync (HbConfig *c)
{
  g_autofree char *db = hb_config_dup_db_path (c);
  g_autofree char *key = hb_config_dup_key_path (c);
  g_autofree char *assets = hb_config_dup_data_path (c, "assets");
  HbSyncOptions opts = {
    .db_path = db,
    .key_path = key,
    .platform_url = hb_config_get_string (c, "platform", "url"),
    .terminal_id = hb_config_get_string (c, "terminal", "id"),
    .catalog_interval_s = (guint) hb_config_get_int (c, "platform", "catalog_interval"),
    .retry_base_ms = (guint) hb_config_get_int (c, "platform", "retry_base_ms"),
    .retry_cap_ms = (guint) hb_config_get_int (c, "platform", "retry_cap_ms"),
    .connect_timeout_ms = (guint) hb_config_get_int (c, "platform", "connect_timeout_ms"),
    .request_timeout_ms = (guint) hb_config_get_int (c, "platform", "request_timeout_ms"),
    /* docs/transport-security.md: checked by hb_sync_start before any connection. */
    .tls_ca_file = hb_config_get_string (c, "platform", "ca_file"),
    .tls_pin_sha256 = hb_config_get_string (c, "platform", "pin_sha256"),
    .tls_client_cert = hb_config_get_string (c, "platform", "client_cert"),
    .tls_client_key = hb_config_get_string (c, "platform", "client_key"),
    .heartbeat_interval_s = (guint) hb_config_get_int (c, "platform", "heartbeat_interval"),
    .park_after_failures = (guint) hb_config_get_int (c, "platform", "park_after_failures"),
    .park_after_s = (guint) hb_config_get_int (c, "platform", "park_after_hours") * 3600u,
    .assets_dir = assets,
  };
  return hb_sync_new (&opts);
}
