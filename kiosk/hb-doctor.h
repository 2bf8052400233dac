/* hb-doctor.h — "what is wrong with this terminal, and how do I fix it".
 *
 * A list of checks, each with a level, one line saying what was found and (unless OK) one
 * line saying what to do. Shared by `haobanctl doctor` (kiosk/hb-doctor-command.h), the
 * maintenance dashboard, the diagnostics bundle and the installer's check (issue 10).
 * docs/haobanctl.md "doctor" lists every check.
 *
 * Check ids (stable; scripts and tests match on them):
 *   config, data-dir, disk, store, outbox, platform, clock, tls, device-idcard,
 *   device-scanner, device-printer, device-receipt-printer, fonts, kiosk.
 * Nothing a check prints holds personal data: paths, counts, ages, HTTP codes, device ids.
 *
 * hb_doctor_run blocks (disk, SQLite integrity_check, a bounded HTTP probe, CUPS): call it
 * from a worker thread or a command-line tool; the UI uses hb_doctor_run_async. */
#pragma once

#include "kiosk/hb-config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  HB_DOCTOR_OK,
  HB_DOCTOR_WARN,
  HB_DOCTOR_FAIL,
} HbDoctorLevel;

typedef struct {
  char          *id;     /* "disk", "platform", … (see above) */
  HbDoctorLevel  level;
  char          *what;   /* what was found, one line */
  char          *fix;    /* what to do, one line; NULL when level is OK */
} HbDoctorCheck;

void           hb_doctor_check_free (HbDoctorCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbDoctorCheck, hb_doctor_check_free)
/* (transfer full) a new check; fix may be NULL. */
HbDoctorCheck *hb_doctor_check_new  (const char *id, HbDoctorLevel level, const char *what,
                                     const char *fix);

/* "OK", "WARN", "FAIL". */
const char    *hb_doctor_level_to_string (HbDoctorLevel level);

/* Thresholds and limits. Tests inject small/large values (a full disk is hard to make). */
typedef struct {
  guint64  disk_warn_bytes;      /* free space in data_dir below this: WARN (1 GiB) */
  guint64  disk_fail_bytes;      /* below this: FAIL (200 MiB) */
  gint64   clock_warn_s;         /* |local clock − platform Date| above this: WARN (60) */
  gint64   cert_warn_days;       /* a TLS certificate expiring within this: WARN (30) */
  gint64   status_fresh_s;       /* status.json older than this: the kiosk is stuck (120) */
  guint    platform_timeout_ms;  /* the probe's connect + total timeout (5000) */
  gint64   outbox_warn_age_s;    /* oldest pending item older than this: WARN (3600) */
  const char *sys_usb_dir;       /* where USB devices are listed (/sys/bus/usb/devices) */
  const char *font_family;       /* the family documents use ("Noto Sans CJK SC") */
  gboolean skip_platform;        /* do not probe the network (platform, clock: WARN "skipped") */
  gboolean skip_devices;         /* do not look at devices (device-*: OK "not checked") */
  gint64   clock_offset_s;       /* tests: pretend the local clock is this far ahead (0) */
} HbDoctorOptions;

/* Fills opts with the defaults above. */
void       hb_doctor_options_init (HbDoctorOptions *opts);

/* Runs every check in the order of the ids above. config NULL: the configuration did not
 * load (config_error says why; it becomes the FAIL of the "config" check and the checks
 * that need a configuration are skipped). Returns the checks (element type HbDoctorCheck,
 * owned), or NULL with G_IO_ERROR_CANCELLED when cancelled. Blocking: threads only. */
GPtrArray *hb_doctor_run      (HbConfig *config, GCancellable *cancellable, GError **error);
GPtrArray *hb_doctor_run_full (HbConfig *config, const GError *config_error,
                               const HbDoctorOptions *opts /* nullable: defaults */,
                               GCancellable *cancellable, GError **error);

/* The same in a worker thread (defaults); finish returns the GPtrArray (transfer full). */
void       hb_doctor_run_async  (HbConfig *config, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *hb_doctor_run_finish (GAsyncResult *result, GError **error);

/* Is the kiosk running? TRUE when data_dir/status.json names a live process; *pid (may be
 * NULL) gets it. (haobanctl devices test refuses to take the kiosk's devices.) */
gboolean   hb_doctor_kiosk_running (HbConfig *config, gint64 *pid);

/* The worst level in checks (OK for an empty list). */
HbDoctorLevel hb_doctor_worst (GPtrArray *checks);
/* Text report: one line per check "OK|WARN|FAIL  id  what", then "      fix: …" when it
 * has a fix. (transfer full) */
char      *hb_doctor_format_text (GPtrArray *checks);
/* JSON: {"ok":bool,"worst":"OK|WARN|FAIL","checks":[{"id","level","what","fix"}…]}. */
JsonNode  *hb_doctor_to_json (GPtrArray *checks);

G_END_DECLS
