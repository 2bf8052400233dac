/* hb-log.h — the terminal's log: GLib structured logging to a size-capped file under
 * [paths] data_dir/logs and to stderr.
 *
 * Code must never pass personal data to a log call (HbPerson has masked accessors).
 * As defence in depth every message is scrubbed before it is written: anything shaped
 * like a resident ID number or a mobile phone number is masked. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Install the writer. log_dir is created (0700). level: "debug", "info" or "warning".
 * max_bytes: the file is rotated to haoban.log.1 beyond this size. Safe to call again
 * (the later call wins); hb_log_shutdown() flushes and closes. */
gboolean hb_log_init (const char *log_dir, const char *level, gsize max_bytes, GError **error);
void     hb_log_shutdown (void);
/* Path of the current log file, or NULL before init. */
const char *hb_log_get_path (void);

/* Mask ID-number-shaped runs (17 digits + digit/X → 310***********123X) and mobile
 * numbers (1[3-9] + 9 digits → 138****5678) in text. Pure; returns a new string. */
char    *hb_log_scrub (const char *text);

G_END_DECLS
