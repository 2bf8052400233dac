/* hb-diagnostics.h — the diagnostics bundle a clerk or technician hands to support.
 *
 * Writes DIR/haoban-diag-<terminal>-<YYYYmmdd-HHMMSS>.tar.gz (DIR: a USB stick's mount
 * path, or any directory) holding, under haoban-diag-<terminal>-<stamp>/:
 *   logs/haoban.log, logs/haoban.log.1   the kiosk's log files, each scrubbed again on the
 *                                        way out (hb_log_scrub: ID and phone numbers
 *                                        masked) and cut to its newest max_log_bytes
 *   config.txt                           every setting and its origin; secrets (keys whose
 *                                        name holds token, secret, password, passphrase,
 *                                        hash, pin, key) replaced by "(set)"
 *   status.json                          the kiosk's status (the one given, else the data
 *                                        dir's status.json), scrubbed
 *   outbox.json                          outbox counts and items (keys, kinds, states,
 *                                        ages, last errors — never bodies), scrubbed
 *   doctor.txt, doctor.json              hb_doctor's report
 *   versions.txt                         Haoban, GLib, SQLite, libcurl, OpenSSL, kernel
 * ustar inside gzip (no libarchive), the whole bundle bounded by max_bundle_bytes: files
 * that no longer fit are left out and named in MANIFEST.txt. It is written to a hidden
 * temporary name in DIR, fsync'ed, then renamed: a pulled stick never holds half a bundle
 * under the final name. docs/diagnostics.md describes it. */
#pragma once

#include "kiosk/hb-config.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define HB_DIAGNOSTICS_ERROR (hb_diagnostics_error_quark ())
GQuark hb_diagnostics_error_quark (void);
typedef enum {
  HB_DIAGNOSTICS_ERROR_NO_DIR,       /* DIR missing or not a directory (no USB stick) */
  HB_DIAGNOSTICS_ERROR_NOT_WRITABLE, /* DIR read-only, full, or the write failed */
  HB_DIAGNOSTICS_ERROR_FAILED,
} HbDiagnosticsError;

typedef struct {
  gsize    max_log_bytes;     /* per log file: its newest bytes (4 MiB) */
  gsize    max_bundle_bytes;  /* the uncompressed tar (32 MiB) */
  gboolean run_doctor;        /* include the doctor's report (TRUE) */
  gboolean doctor_skip_platform; /* the doctor does not probe the network (FALSE) */
} HbDiagnosticsOptions;

void   hb_diagnostics_options_init (HbDiagnosticsOptions *opts);

/* Runs in a worker thread. status_json: the running kiosk's status (nullable: read the
 * data dir's status.json, if any). */
void   hb_diagnostics_export_async  (HbConfig *config, const char *status_json,
                                     const char *dir, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
/* The path of the file written (transfer full), or NULL with an HB_DIAGNOSTICS_ERROR
 * whose message the UI can show as it is. */
char  *hb_diagnostics_export_finish (GAsyncResult *result, GError **error);

/* Blocking variant (haobanctl, tests); opts nullable: defaults. */
char  *hb_diagnostics_export (HbConfig *config, const char *status_json, const char *dir,
                              const HbDiagnosticsOptions *opts, GCancellable *cancellable,
                              GError **error);

/* The config dump with secrets replaced by "(set)" (transfer full). */
char  *hb_diagnostics_redact_config (HbConfig *config);
/* Is group.key a secret (its value never leaves the terminal)? */
gboolean hb_diagnostics_key_is_secret (const char *key);

G_END_DECLS
