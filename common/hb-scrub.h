/* hb-scrub.h — masking of personal-data shapes in free text, shared by the log
 * (kiosk/hb-log) and the audit log (offline-cache/hb-audit), which cannot call each other.
 *
 * Defence in depth only: code must not pass personal data to either in the first place. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Mask ID-number-shaped runs (17 digits + digit/X → 310***********123X) and mobile
 * numbers (1[3-9] + 9 digits → 138****5678) in text. Only digit runs that start a "word"
 * are looked at, so digits inside longer numbers are not half-masked. Pure; returns a new
 * string (NULL for NULL). */
char *hb_scrub_personal (const char *text);

G_END_DECLS
