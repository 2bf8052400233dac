/* hb-hid-wedge.h — HID boot-keyboard reports from a keyboard-wedge scanner → text.
 *
 * Pure: no I/O, no clock of its own. The caller feeds each 8-byte boot report
 * (modifiers, reserved, six usages on the Keyboard page 0x07) with the monotonic time it
 * arrived, and calls hb_hid_wedge_expire() when nothing arrived for a while.
 *
 * Decoding (US layout, as the scanner must be set up): a character is typed on the
 * key-down edge only (a usage absent from the previous report), so key-up reports and
 * repeated reports of a held key add nothing; Shift is modifier bits 0x22. A code ends
 * with Enter or keypad Enter (and Tab when tab_terminates). Alt+keypad digits (the
 * scanners' "Unicode" output mode) type the code point with that decimal number when
 * Alt is released; a number that is not a Unicode scalar value spoils the code.
 *
 * A code is rejected (an error, never truncated) when it is longer than max_length bytes,
 * holds control keys (Esc, Backspace, Ctrl/GUI chords, F-keys…) or an invalid Alt code;
 * after a rejection the decoder resynchronises on the next terminator. An inter-character
 * gap longer than gap_ms ABORTS a partial code: scanners send a whole code in one burst
 * ending with the terminator, so a burst that stops is a misread or someone typing, and
 * must not be delivered. Errors never quote the scanned text (it may be a personal code). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_HID_BOOT_REPORT_LEN 8

typedef struct {
  gsize    max_length;      /* bytes of text (HB_SCANNER_CODE_MAX) */
  guint    gap_ms;          /* inter-report gap that aborts a partial code (200) */
  gboolean tab_terminates;  /* Tab ends a code like Enter (FALSE: Tab spoils it) */
} HbHidWedgeOptions;

void hb_hid_wedge_options_init (HbHidWedgeOptions *options);

typedef struct _HbHidWedge HbHidWedge;

/* options: NULL for the defaults; copied. */
HbHidWedge *hb_hid_wedge_new   (const HbHidWedgeOptions *options);
/* Wipes what it holds. */
void        hb_hid_wedge_free  (HbHidWedge *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbHidWedge, hb_hid_wedge_free)
/* Drop any partial code and the key state (a new visit, a replugged scanner). */
void        hb_hid_wedge_reset (HbHidWedge *self);

/* Feed one report that arrived at now_us (g_get_monotonic_time()). Returns TRUE when the
 * report was taken; *code (NUL-terminated, *code_len bytes, valid UTF-8; wipe it with
 * explicit_bzero before g_free) is set when it completed a code, else NULL. Returns FALSE
 * with HB_DEVICE_ERROR_PROTOCOL when the report is malformed (ignored) or it completed a
 * code that is rejected. */
gboolean    hb_hid_wedge_feed  (HbHidWedge *self, const guint8 *report, gsize len,
                                gint64 now_us, char **code, gsize *code_len, GError **error);
/* Nothing arrived until now_us: abort a partial code older than the gap. Returns TRUE
 * when one was dropped. */
gboolean    hb_hid_wedge_expire (HbHidWedge *self, gint64 now_us);
/* Something between two reports was lost (a failed transfer): a code in progress is
 * rejected at its terminator instead of being delivered without its middle. */
void        hb_hid_wedge_spoil (HbHidWedge *self);
/* TRUE while a code is being assembled. */
gboolean    hb_hid_wedge_in_code (HbHidWedge *self);

/* The boot report(s) a US-layout wedge sends for one ASCII character (press + release),
 * for fakes and tests: fills out (two reports, 16 bytes) and returns TRUE; FALSE for a
 * character it cannot type. '\r' gives Enter, '\t' Tab. */
gboolean    hb_hid_wedge_encode_char (char c, guint8 out[2 * HB_HID_BOOT_REPORT_LEN]);

G_END_DECLS
