/* hb-hid-wedge.c — keyboard-wedge boot reports → text (US layout, edge-triggered). */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-hid-wedge.h"
#include "drivers/scanner/hb-scanner.h"

#include <string.h>

#define MOD_CTRL  0x11
#define MOD_SHIFT 0x22
#define MOD_ALT   0x44
#define MOD_GUI   0x88

#define USAGE_ENTER    0x28
#define USAGE_TAB      0x2B
#define USAGE_KP_ENTER 0x58
#define USAGE_ROLLOVER 0x01

/* Usages 0x04..0x38, unshifted and shifted; 0 = not a character (Enter, Esc, Backspace,
 * Tab are handled apart). */
static const char kb_plain[] = "abcdefghijklmnopqrstuvwxyz1234567890\0\0\0\0 -=[]\\#;'`,./";
static const char kb_shift[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()\0\0\0\0 _+{}|~:\"~<>?";

/* Longest Alt code we accumulate: "1114111" has 7 digits. */
#define ALT_DIGITS_MAX 7

struct _HbHidWedge
{
  HbHidWedgeOptions opt;
  guint8   prev[6];       /* usages held in the previous report */
  guint8   prev_mods;
  char    *buf;           /* max_length + 1 */
  gsize    len;
  gboolean started;       /* a code is being assembled (even if nothing is kept) */
  gboolean overflow;      /* longer than max_length: rejected at the terminator */
  gboolean spoiled;       /* a control key or an invalid Alt code */
  gint64   last_us;
  guint32  alt_value;
  guint    alt_digits;
};

void
hb_hid_wedge_options_init (HbHidWedgeOptions *o)
{
  *o = (HbHidWedgeOptions) {
    .max_length = HB_SCANNER_CODE_MAX,
    .gap_ms = 200,
    .tab_terminates = FALSE,
  };
}

HbHidWedge *
hb_hid_wedge_new (const HbHidWedgeOptions *options)
{
  HbHidWedge *self = g_new0 (HbHidWedge, 1);

  if (options)
    self->opt = *options;
  else
    hb_hid_wedge_options_init (&self->opt);
  if (self->opt.max_length == 0)
    self->opt.max_length = HB_SCANNER_CODE_MAX;
  self->buf = g_malloc0 (self->opt.max_length + 1);
  return self;
}

static void
drop_code (HbHidWedge *self)
{
  explicit_bzero (self->buf, self->opt.max_length + 1);
  self->len = 0;
  self->started = FALSE;
  self->overflow = FALSE;
  self->spoiled = FALSE;
  self->alt_value = 0;
  self->alt_digits = 0;
}

void
hb_hid_wedge_reset (HbHidWedge *self)
{
  drop_code (self);
  memset (self->prev, 0, sizeof self->prev);
  self->prev_mods = 0;
}

void
hb_hid_wedge_free (HbHidWedge *self)
{
  if (self == NULL)
    return;
  drop_code (self);
  g_free (self->buf);
  g_free (self);
}

void
hb_hid_wedge_spoil (HbHidWedge *self)
{
  if (self->started)
    self->spoiled = TRUE;
}

gboolean
hb_hid_wedge_in_code (HbHidWedge *self)
{
  return self->started;
}

static void
append (HbHidWedge *self, const char *bytes, gsize n)
{
  self->started = TRUE;
  if (self->overflow || self->len + n > self->opt.max_length)
    {
      self->overflow = TRUE;
      return;
    }
  memcpy (self->buf + self->len, bytes, n);
  self->len += n;
}

/* Alt released: type the accumulated code point. */
static void
finish_alt (HbHidWedge *self)
{
  char utf8[6];
  guint32 cp = self->alt_value;

  if (self->alt_digits == 0)
    return;
  self->alt_digits = 0;
  self->alt_value = 0;
  if (cp < 0x20 || cp == 0x7f || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    {
      self->started = TRUE;
      self->spoiled = TRUE;
      return;
    }
  append (self, utf8, (gsize) g_unichar_to_utf8 (cp, utf8));
}

/* Keypad digit for usage, or -1. */
static int
keypad_digit (guint8 u)
{
  if (u >= 0x59 && u <= 0x61)
    return 1 + (u - 0x59);
  if (u == 0x62)
    return 0;
  return -1;
}

static char
usage_char (guint8 u, gboolean shift)
{
  int d;

  if (u >= 0x04 && u <= 0x38)
    return shift ? kb_shift[u - 0x04] : kb_plain[u - 0x04];
  d = keypad_digit (u);
  if (d >= 0)
    return (char) ('0' + d);
  switch (u)
    {
    case 0x54: return '/';
    case 0x55: return '*';
    case 0x56: return '-';
    case 0x57: return '+';
    case 0x63: return '.';
    case 0x67: return '=';
    default:   return 0;
    }
}

static gboolean
complete (HbHidWedge *self, char **code, gsize *code_len, GError **error)
{
  const char *problem = NULL;
  gsize len = self->len;

  if (self->overflow)
    problem = "is longer than the limit";
  else if (self->spoiled)
    problem = "holds control keys or lost reports";
  else if (!g_utf8_validate (self->buf, (gssize) len, NULL))
    problem = "is not valid UTF-8";

  if (problem == NULL && len > 0)
    {
      *code = g_strndup (self->buf, len);
      *code_len = len;
    }
  drop_code (self);
  if (problem == NULL)
    return TRUE;
  g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
               "Scanned code %s; dropped", problem);
  return FALSE;
}

gboolean
hb_hid_wedge_expire (HbHidWedge *self, gint64 now_us)
{
  if (!self->started || now_us - self->last_us <= (gint64) self->opt.gap_ms * 1000)
    return FALSE;
  drop_code (self);
  return TRUE;
}

gboolean
hb_hid_wedge_feed (HbHidWedge *self, const guint8 *report, gsize len, gint64 now_us,
                   char **code, gsize *code_len, GError **error)
{
  const guint8 *keys;
  guint8 mods;
  gboolean shift, alt, chord, done = FALSE;

  *code = NULL;
  *code_len = 0;
  if (report == NULL || len != HB_HID_BOOT_REPORT_LEN)
    {
      g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL,
                   "Keyboard report of %" G_GSIZE_FORMAT " bytes, not %d", len,
                   HB_HID_BOOT_REPORT_LEN);
      return FALSE;
    }
  hb_hid_wedge_expire (self, now_us);
  self->last_us = now_us;

  keys = report + 2;
  /* Phantom state (too many keys): the report says nothing about which keys are down. */
  for (int i = 0; i < 6; i++)
    if (keys[i] == USAGE_ROLLOVER)
      return TRUE;

  mods = report[0];
  shift = (mods & MOD_SHIFT) != 0;
  alt = (mods & MOD_ALT) != 0;
  chord = (mods & (MOD_CTRL | MOD_GUI)) != 0;

  if (!alt && (self->prev_mods & MOD_ALT))
    finish_alt (self);

  for (int i = 0; i < 6 && !done; i++)
    {
      guint8 u = keys[i];
      char c;

      if (u == 0 || memchr (self->prev, u, sizeof self->prev) != NULL)
        continue;   /* nothing, or held since the last report */

      if (u == USAGE_ENTER || u == USAGE_KP_ENTER ||
          (u == USAGE_TAB && self->opt.tab_terminates))
        {
          done = TRUE;
          break;
        }
      if (alt && keypad_digit (u) >= 0)
        {
          self->started = TRUE;
          if (++self->alt_digits > ALT_DIGITS_MAX)
            self->spoiled = TRUE;
          else
            self->alt_value = self->alt_value * 10 + (guint32) keypad_digit (u);
          continue;
        }
      c = usage_char (u, shift);
      if (c == 0 || chord || alt)
        {
          /* Esc, Backspace, Tab, F-keys, arrows, Ctrl/GUI/Alt chords: never text. */
          self->started = TRUE;
          self->spoiled = TRUE;
          continue;
        }
      append (self, &c, 1);
    }

  memcpy (self->prev, keys, sizeof self->prev);
  self->prev_mods = mods;
  if (done)
    {
      /* Alt held over the terminator: its digits belong to this code. */
      finish_alt (self);
      if (!self->started)
        return TRUE;   /* a lone Enter: nothing scanned */
      return complete (self, code, code_len, error);
    }
  return TRUE;
}

gboolean
hb_hid_wedge_encode_char (char c, guint8 out[2 * HB_HID_BOOT_REPORT_LEN])
{
  guint8 usage = 0, mods = 0;

  memset (out, 0, 2 * HB_HID_BOOT_REPORT_LEN);
  if (c == '\r' || c == '\n')
    usage = USAGE_ENTER;
  else if (c == '\t')
    usage = USAGE_TAB;
  else
    for (guint i = 0; i < sizeof kb_plain - 1 && usage == 0; i++)
      {
        if (kb_plain[i] == c && c != 0)
          usage = (guint8) (0x04 + i);
        else if (kb_shift[i] == c && c != 0)
          {
            usage = (guint8) (0x04 + i);
            mods = 0x02;
          }
      }
  if (usage == 0)
    return FALSE;
  out[0] = mods;
  out[2] = usage;
  return TRUE;
}
