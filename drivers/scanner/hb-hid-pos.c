/* hb-hid-pos.c — HID POS scanned-data reports → text, across several reports. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/scanner/hb-hid-pos.h"
#include "drivers/scanner/hb-scanner.h"

#include <string.h>

#define OFF_COUNT 1
#define OFF_AIM   2
#define OFF_DATA  5
#define OFF_MORE  63

struct _HbHidPos
{
  gsize    max_length;
  guint    gap_ms;
  guint8  *buf;          /* max_length + 2: room for a suffix to strip */
  gsize    len;
  gboolean started;
  gboolean overflow;
  gboolean spoiled;      /* a report in the middle may be missing */
  gint64   last_us;
};

HbHidPos *
hb_hid_pos_new (gsize max_length, guint gap_ms)
{
  HbHidPos *self = g_new0 (HbHidPos, 1);

  self->max_length = max_length ? max_length : HB_SCANNER_CODE_MAX;
  self->gap_ms = gap_ms ? gap_ms : 200;
  self->buf = g_malloc0 (self->max_length + 2);
  return self;
}

void
hb_hid_pos_reset (HbHidPos *self)
{
  explicit_bzero (self->buf, self->max_length + 2);
  self->len = 0;
  self->started = FALSE;
  self->overflow = FALSE;
  self->spoiled = FALSE;
}

void
hb_hid_pos_free (HbHidPos *self)
{
  if (self == NULL)
    return;
  hb_hid_pos_reset (self);
  g_free (self->buf);
  g_free (self);
}

gboolean
hb_hid_pos_in_code (HbHidPos *self)
{
  return self->started;
}

void
hb_hid_pos_spoil (HbHidPos *self)
{
  if (self->started)
    self->spoiled = TRUE;
}

gboolean
hb_hid_pos_expire (HbHidPos *self, gint64 now_us)
{
  if (!self->started || now_us - self->last_us <= (gint64) self->gap_ms * 1000)
    return FALSE;
  hb_hid_pos_reset (self);
  return TRUE;
}

static gboolean
fail (HbHidPos *self, GError **error, const char *problem)
{
  hb_hid_pos_reset (self);
  g_set_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL, "%s", problem);
  return FALSE;
}

gboolean
hb_hid_pos_feed (HbHidPos *self, const guint8 *report, gsize len, gint64 now_us,
                 char **code, gsize *code_len, GError **error)
{
  gsize n, keep;
  gboolean more;

  *code = NULL;
  *code_len = 0;
  if (report == NULL || len == 0 || len > HB_HID_POS_REPORT_LEN)
    return fail (self, error, "HID POS report of a bad size");
  if (report[0] != HB_HID_POS_REPORT_ID)
    return TRUE;   /* another report (status, trigger): not scanned data */

  hb_hid_pos_expire (self, now_us);
  self->last_us = now_us;

  if (len < OFF_DATA)
    return fail (self, error, "HID POS report too short");
  n = report[OFF_COUNT];
  if (n > HB_HID_POS_DATA_MAX || OFF_DATA + n > len)
    return fail (self, error, "HID POS report claims more data than it holds");
  more = len > OFF_MORE && report[OFF_MORE] != 0;

  self->started = TRUE;
  /* Room for max_length plus a two-byte suffix that is stripped below. */
  keep = self->overflow ? 0 : n;
  if (!self->overflow && self->len + n > self->max_length + 2)
    {
      self->overflow = TRUE;
      keep = 0;
    }
  memcpy (self->buf + self->len, report + OFF_DATA, keep);
  self->len += keep;
  if (more)
    return TRUE;

  /* The last report: strip the suffix, check, hand over. */
  {
    gsize total = self->len;
    const char *problem = NULL;

    if (total > 0 && self->buf[total - 1] == '\n')
      total--;
    if (total > 0 && self->buf[total - 1] == '\r')
      total--;
    if (self->overflow || total > self->max_length)
      problem = "Scanned code is longer than the limit; dropped";
    else if (self->spoiled)
      problem = "Scanned code lost a report; dropped";
    else if (total == 0)
      problem = NULL;
    else if (memchr (self->buf, '\0', total) != NULL)
      problem = "Scanned code holds a NUL byte; dropped";
    else if (!g_utf8_validate ((const char *) self->buf, (gssize) total, NULL))
      problem = "Scanned code is not valid UTF-8; dropped";

    if (problem)
      return fail (self, error, problem);
    if (total > 0)
      {
        *code = g_strndup ((const char *) self->buf, total);
        *code_len = total;
      }
    hb_hid_pos_reset (self);
    return TRUE;
  }
}

GBytes *
hb_hid_pos_encode (const guint8 *data, gsize len, guint *n_reports)
{
  GByteArray *out = g_byte_array_new ();
  gsize pos = 0;
  guint count = 0;

  do
    {
      guint8 r[HB_HID_POS_REPORT_LEN] = { 0 };
      gsize n = MIN (len - pos, (gsize) HB_HID_POS_DATA_MAX);

      r[0] = HB_HID_POS_REPORT_ID;
      r[OFF_COUNT] = (guint8) n;
      memcpy (r + OFF_AIM, "]Q1", 3);
      if (n)
        memcpy (r + OFF_DATA, data + pos, n);
      r[61] = 's';
      pos += n;
      r[OFF_MORE] = pos < len ? 1 : 0;
      g_byte_array_append (out, r, sizeof r);
      count++;
    }
  while (pos < len);
  if (n_reports)
    *n_reports = count;
  return g_byte_array_free_to_bytes (out);
}
