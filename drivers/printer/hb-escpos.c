/* hb-escpos.c — ESC/POS encoder and DLE EOT status decoder (pure, bounded). */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/printer/hb-escpos.h"

#include <string.h>

G_DEFINE_QUARK (hb-escpos-error-quark, hb_escpos_error)

#define ESC 0x1b
#define GS  0x1d
#define FS  0x1c
#define DLE 0x10
#define EOT 0x04
#define LF  0x0a

/* Feed before the cut so the last line clears the cutter. */
#define CUT_FEED_LINES 4

static gboolean
room (GByteArray *out, gsize more, GError **error)
{
  if (more > HB_ESCPOS_JOB_MAX || out->len + more > HB_ESCPOS_JOB_MAX)
    {
      g_set_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_TOO_LARGE,
                   "The receipt is larger than %d bytes", HB_ESCPOS_JOB_MAX);
      return FALSE;
    }
  return TRUE;
}

static void
put (GByteArray *out, const guint8 *bytes, gsize n)
{
  g_byte_array_append (out, bytes, (guint) n);
}

/* Fixed-size commands are small; the job bound is enforced by the variable-size ones and
 * by hb_escpos_encode_ticket's final check. */
void
hb_escpos_init (GByteArray *out)
{
  static const guint8 cmd[] = { ESC, '@' };
  put (out, cmd, sizeof cmd);
}

void
hb_escpos_align (GByteArray *out, HbTicketAlign align)
{
  guint8 cmd[] = { ESC, 'a', (guint8) (align == HB_TICKET_ALIGN_CENTER ? 1
                                       : align == HB_TICKET_ALIGN_RIGHT ? 2 : 0) };
  put (out, cmd, sizeof cmd);
}

void
hb_escpos_size (GByteArray *out, HbTicketSize size)
{
  /* High nibble: width − 1, low nibble: height − 1. */
  guint8 cmd[] = { GS, '!', (guint8) (size == HB_TICKET_SIZE_DOUBLE ? 0x11 : 0x00) };
  put (out, cmd, sizeof cmd);
}

void
hb_escpos_bold (GByteArray *out, gboolean bold)
{
  guint8 cmd[] = { ESC, 'E', (guint8) (bold ? 1 : 0) };
  put (out, cmd, sizeof cmd);
}

void
hb_escpos_feed (GByteArray *out, guint8 lines)
{
  guint8 cmd[] = { ESC, 'd', lines };
  put (out, cmd, sizeof cmd);
}

void
hb_escpos_cut (GByteArray *out)
{
  static const guint8 cmd[] = { GS, 'V', 1 };
  put (out, cmd, sizeof cmd);
}

void
hb_escpos_status_request (GByteArray *out)
{
  static const guint8 cmd[] = { DLE, EOT, 1, DLE, EOT, 2, DLE, EOT, 3, DLE, EOT, 4 };
  put (out, cmd, sizeof cmd);
}

/* TRUE if the GB18030 bytes contain a 4-byte sequence (second byte is a digit 0x30..0x39):
 * outside GBK, which thermal printer fonts stop at. */
static gboolean
has_four_byte (const guint8 *gb, gsize n)
{
  for (gsize i = 0; i < n;)
    {
      if (gb[i] < 0x80)
        i++;
      else if (i + 1 < n && gb[i + 1] >= 0x30 && gb[i + 1] <= 0x39)
        return TRUE;
      else
        i += 2;
    }
  return FALSE;
}

gboolean
hb_escpos_text (GByteArray *out, const char *utf8, GError **error)
{
  g_autofree char *gb = NULL;
  g_autoptr(GError) local = NULL;
  gsize len, n = 0;
  gboolean ascii = TRUE;

  g_return_val_if_fail (out != NULL && utf8 != NULL, FALSE);

  len = strlen (utf8);
  if (!room (out, len * 2 + 4, error))
    return FALSE;
  if (!g_utf8_validate (utf8, (gssize) len, NULL))
    {
      g_set_error_literal (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_UNPRINTABLE,
                           "The text is not UTF-8");
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    {
      /* Control bytes would be commands on the wire. */
      if ((guint8) utf8[i] < 0x20 || utf8[i] == 0x7f)
        {
          g_set_error_literal (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_UNPRINTABLE,
                               "The text contains a control character");
          return FALSE;
        }
      if ((guint8) utf8[i] >= 0x80)
        ascii = FALSE;
    }
  if (ascii)
    {
      put (out, (const guint8 *) utf8, len);
      return TRUE;
    }

  gb = g_convert (utf8, (gssize) len, "GB18030", "UTF-8", NULL, &n, &local);
  if (gb == NULL)
    {
      /* The message never quotes the text: it may be personal. */
      g_set_error_literal (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_UNPRINTABLE,
                           "The text has characters the receipt printer cannot encode");
      return FALSE;
    }
  if (has_four_byte ((const guint8 *) gb, n))
    {
      explicit_bzero (gb, n);
      g_set_error_literal (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_UNPRINTABLE,
                           "The text has characters outside GBK the printer font lacks");
      return FALSE;
    }
  {
    static const guint8 on[] = { FS, '&' }, off[] = { FS, '.' };
    put (out, on, sizeof on);
    put (out, (const guint8 *) gb, n);
    put (out, off, sizeof off);
  }
  explicit_bzero (gb, n);
  return TRUE;
}

gboolean
hb_escpos_raster (GByteArray *out, const guint8 *bits, gsize stride, guint width,
                  guint height, GError **error)
{
  guint row_bytes = (width + 7) / 8;
  guint8 head[] = { GS, 'v', '0', 0, (guint8) (row_bytes & 0xff), (guint8) (row_bytes >> 8),
                    (guint8) (height & 0xff), (guint8) (height >> 8) };

  g_return_val_if_fail (out != NULL, FALSE);
  if (width == 0 || height == 0 || width > HB_ESCPOS_RASTER_MAX_W ||
      height > HB_ESCPOS_RASTER_MAX_H || bits == NULL || stride < row_bytes)
    {
      g_set_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_INVALID,
                   "A raster image is 1..%d dots wide and 1..%d high, rows of at least "
                   "its width in bytes", HB_ESCPOS_RASTER_MAX_W, HB_ESCPOS_RASTER_MAX_H);
      return FALSE;
    }
  if (!room (out, sizeof head + (gsize) row_bytes * height, error))
    return FALSE;
  put (out, head, sizeof head);
  for (guint y = 0; y < height; y++)
    {
      const guint8 *row = bits + (gsize) y * stride;
      put (out, row, row_bytes);
      /* Dots past @width in the last byte stay white. */
      if (width % 8)
        out->data[out->len - 1] &= (guint8) (0xff << (8 - width % 8));
    }
  return TRUE;
}

gboolean
hb_escpos_qr (GByteArray *out, const char *data, guint8 module, HbEscposEcc ecc,
              GError **error)
{
  gsize k, n;

  g_return_val_if_fail (out != NULL && data != NULL, FALSE);
  k = strlen (data);
  if (k == 0 || k > HB_TICKET_QR_MAX || module < 1 || module > 16 ||
      (ecc != HB_ESCPOS_ECC_L && ecc != HB_ESCPOS_ECC_M && ecc != HB_ESCPOS_ECC_Q &&
       ecc != HB_ESCPOS_ECC_H))
    {
      g_set_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_INVALID,
                   "A QR code holds 1..%d bytes, modules of 1..16 dots, level L/M/Q/H",
                   HB_TICKET_QR_MAX);
      return FALSE;
    }
  n = k + 3;   /* pL + pH·256 counts cn fn m and the data */
  if (!room (out, 9 + 8 + 8 + 8 + k + 8, error))
    return FALSE;
  {
    const guint8 model[] = { GS, '(', 'k', 4, 0, 0x31, 'A', 0x32, 0 };
    const guint8 size[]  = { GS, '(', 'k', 3, 0, 0x31, 'C', module };
    const guint8 level[] = { GS, '(', 'k', 3, 0, 0x31, 'E', (guint8) ecc };
    const guint8 store[] = { GS, '(', 'k', (guint8) (n & 0xff), (guint8) (n >> 8), 0x31, 'P', '0' };
    const guint8 print[] = { GS, '(', 'k', 3, 0, 0x31, 'Q', '0' };

    put (out, model, sizeof model);
    put (out, size, sizeof size);
    put (out, level, sizeof level);
    put (out, store, sizeof store);
    put (out, (const guint8 *) data, k);
    put (out, print, sizeof print);
  }
  return TRUE;
}

/* Display columns of UTF-8 text in font A: wide (CJK) characters take two. */
static guint
columns (const char *utf8)
{
  guint cols = 0;

  for (const char *p = utf8; *p; p = g_utf8_next_char (p))
    cols += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  return cols;
}

typedef struct {
  HbTicketAlign align;
  HbTicketSize  size;
  gboolean      bold;
} Modes;

/* Emits only the mode commands that change something, so the transcript stays short. */
static void
set_modes (GByteArray *out, Modes *cur, HbTicketAlign align, HbTicketSize size, gboolean bold)
{
  if (cur->align != align)
    hb_escpos_align (out, align);
  if (cur->size != size)
    hb_escpos_size (out, size);
  if (cur->bold != bold)
    hb_escpos_bold (out, bold);
  cur->align = align;
  cur->size = size;
  cur->bold = bold;
}

static void
line_feed (GByteArray *out)
{
  static const guint8 lf[] = { LF };
  put (out, lf, 1);
}

static gboolean
encode_row (GByteArray *out, Modes *modes, const HbTicketItem *item, GError **error)
{
  guint used = columns (item->text) + columns (item->value);

  set_modes (out, modes, HB_TICKET_ALIGN_LEFT, HB_TICKET_SIZE_NORMAL, FALSE);
  if (!hb_escpos_text (out, item->text, error))
    return FALSE;
  if (used + 1 <= HB_TICKET_COLUMNS)
    {
      /* "label ....... value" on one line */
      guint pad = HB_TICKET_COLUMNS - used;
      if (!room (out, pad, error))
        return FALSE;
      for (guint i = 0; i < pad; i++)
        g_byte_array_append (out, (const guint8 *) " ", 1);
    }
  else
    {
      /* Too long: the value goes right-aligned on its own line. */
      line_feed (out);
      set_modes (out, modes, HB_TICKET_ALIGN_RIGHT, HB_TICKET_SIZE_NORMAL, FALSE);
    }
  if (!hb_escpos_text (out, item->value, error))
    return FALSE;
  line_feed (out);
  return TRUE;
}

GByteArray *
hb_escpos_encode_ticket (const HbTicket *ticket, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (1024);
  Modes modes = { HB_TICKET_ALIGN_LEFT, HB_TICKET_SIZE_NORMAL, FALSE };
  guint n;

  g_return_val_if_fail (ticket != NULL, NULL);

  hb_escpos_init (out);
  n = hb_ticket_get_n_items (ticket);
  for (guint i = 0; i < n; i++)
    {
      const HbTicketItem *item = hb_ticket_get_item (ticket, i);

      switch (item->type)
        {
        case HB_TICKET_ITEM_TEXT:
          set_modes (out, &modes, item->align, item->size, item->bold);
          if (!hb_escpos_text (out, item->text, error))
            return NULL;
          line_feed (out);
          break;
        case HB_TICKET_ITEM_ROW:
          if (!encode_row (out, &modes, item, error))
            return NULL;
          break;
        case HB_TICKET_ITEM_QR:
          set_modes (out, &modes, HB_TICKET_ALIGN_CENTER, HB_TICKET_SIZE_NORMAL, FALSE);
          if (!hb_escpos_qr (out, item->text, HB_ESCPOS_QR_MODULE, HB_ESCPOS_ECC_M, error))
            return NULL;
          line_feed (out);
          break;
        case HB_TICKET_ITEM_SEPARATOR:
          set_modes (out, &modes, HB_TICKET_ALIGN_LEFT, HB_TICKET_SIZE_NORMAL, FALSE);
          for (guint c = 0; c < HB_TICKET_COLUMNS; c++)
            g_byte_array_append (out, (const guint8 *) "-", 1);
          line_feed (out);
          break;
        case HB_TICKET_ITEM_LOGO:
          {
            gsize n;
            const guint8 *bits = g_bytes_get_data (item->bitmap, &n);

            set_modes (out, &modes, HB_TICKET_ALIGN_CENTER, HB_TICKET_SIZE_NORMAL, FALSE);
            if (!hb_escpos_raster (out, bits, (item->width + 7) / 8, item->width, item->height,
                                   error))
              return NULL;
            line_feed (out);
          }
          break;
        case HB_TICKET_ITEM_CUT:
          hb_escpos_feed (out, CUT_FEED_LINES);
          hb_escpos_cut (out);
          break;
        default:
          g_assert_not_reached ();
        }
      if (!room (out, 0, error))
        return NULL;
    }
  if (!hb_ticket_ends_with_cut (ticket))
    {
      hb_escpos_feed (out, CUT_FEED_LINES);
      hb_escpos_cut (out);
    }
  if (!room (out, 0, error))
    return NULL;
  return g_steal_pointer (&out);
}

gboolean
hb_escpos_decode_status (const guint8 *reply, gsize length, HbEscposStatus *status,
                         GError **error)
{
  HbEscposStatus st = 0;

  g_return_val_if_fail (status != NULL, FALSE);
  if (reply == NULL || length != HB_ESCPOS_STATUS_LEN)
    {
      g_set_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_STATUS,
                   "A status reply is %d bytes, got %" G_GSIZE_FORMAT,
                   HB_ESCPOS_STATUS_LEN, reply ? length : 0);
      return FALSE;
    }
  for (guint i = 0; i < HB_ESCPOS_STATUS_LEN; i++)
    if ((reply[i] & 0x93) != 0x12)   /* fixed bits: b0 = 0, b1 = 1, b4 = 1, b7 = 0 */
      {
        g_set_error (error, HB_ESCPOS_ERROR, HB_ESCPOS_ERROR_STATUS,
                     "Status byte %u (0x%02x) is not a DLE EOT reply", i + 1, reply[i]);
        return FALSE;
      }
  if (reply[0] & 0x08)
    st |= HB_ESCPOS_STATUS_OFFLINE;
  if (reply[1] & 0x04)
    st |= HB_ESCPOS_STATUS_COVER_OPEN;
  if ((reply[1] & 0x20) || (reply[3] & 0x60))
    st |= HB_ESCPOS_STATUS_PAPER_OUT;
  if (reply[3] & 0x0c)
    st |= HB_ESCPOS_STATUS_PAPER_LOW;
  if (reply[1] & 0x40)
    st |= HB_ESCPOS_STATUS_ERROR;
  if (reply[2] & 0x08)
    st |= HB_ESCPOS_STATUS_CUTTER_ERROR;
  if (reply[2] & 0x20)
    st |= HB_ESCPOS_STATUS_UNRECOVERABLE;
  if (reply[2] & 0x40)
    st |= HB_ESCPOS_STATUS_AUTO_RECOVERABLE;
  *status = st;
  return TRUE;
}

void
hb_escpos_status_to_device (HbEscposStatus status, HbDeviceStatus *device_status,
                            const char **detail, HbPaperStatus *paper)
{
  HbDeviceStatus ds = HB_DEVICE_STATUS_ONLINE;
  const char *d = NULL;

  /* Hardware faults first: a person fixing paper would not fix those. */
  if (status & HB_ESCPOS_STATUS_CUTTER_ERROR)
    ds = HB_DEVICE_STATUS_HARDWARE_ERROR, d = "cutter jam";
  else if (status & (HB_ESCPOS_STATUS_UNRECOVERABLE | HB_ESCPOS_STATUS_AUTO_RECOVERABLE))
    ds = HB_DEVICE_STATUS_HARDWARE_ERROR, d = "printer error";
  else if (status & HB_ESCPOS_STATUS_COVER_OPEN)
    ds = HB_DEVICE_STATUS_USER_ERROR, d = "cover open";
  else if (status & HB_ESCPOS_STATUS_PAPER_OUT)
    ds = HB_DEVICE_STATUS_USER_ERROR, d = "paper out";
  else if (status & HB_ESCPOS_STATUS_ERROR)
    ds = HB_DEVICE_STATUS_HARDWARE_ERROR, d = "printer error";
  else if (status & HB_ESCPOS_STATUS_OFFLINE)
    ds = HB_DEVICE_STATUS_OFFLINE, d = "offline";

  if (device_status)
    *device_status = ds;
  if (detail)
    *detail = d;
  if (paper)
    *paper = (status & HB_ESCPOS_STATUS_PAPER_OUT) ? HB_PAPER_OUT
             : (status & HB_ESCPOS_STATUS_PAPER_LOW) ? HB_PAPER_LOW : HB_PAPER_FULL;
}
