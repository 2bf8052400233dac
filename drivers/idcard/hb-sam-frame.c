/* hb-sam-frame.c — SAM frames: build, parse, check, receive from a byte stream.
 * Reference: ../shared/reference/idcard-sam-protocol.md §1–§4. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/idcard/hb-sam-frame.h"

#include <string.h>

G_DEFINE_QUARK (hb-sam-error-quark, hb_sam_error)

const guint8 hb_sam_preamble[HB_SAM_PREAMBLE_LEN] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69 };

/* Smallest LEN of each direction: CMD PARA CHK, and SW1 SW2 SW3 CHK. */
#define REQUEST_LEN_MIN  3
#define RESPONSE_LEN_MIN 4

/* --- wiped buffers ------------------------------------------------------------------ */

typedef struct {
  gsize  size;
  guint8 data[];
} WipedBlock;

static void
wiped_block_free (gpointer user_data)
{
  WipedBlock *block = user_data;

  explicit_bzero (block->data, block->size);
  g_free (block);
}

GBytes *
hb_sam_wiped_bytes_new (gsize len, guint8 **data)
{
  WipedBlock *block = g_malloc0 (sizeof (WipedBlock) + len);

  block->size = len;
  if (data)
    *data = block->data;
  return g_bytes_new_with_free_func (block->data, len, wiped_block_free, block);
}

/* --- status table (§4) -------------------------------------------------------------- */

static const struct {
  guint8      sw3;
  const char *zh;
  const char *en;
} statuses[] = {
  { 0x90, "操作成功", "success" },
  { 0x91, "居民身份证中此项无内容", "no such item on the card" },
  { 0x9F, "寻找居民身份证成功", "find card succeeded" },
  { 0x10, "接收业务终端数据的校验和错", "checksum error in the frame from the host" },
  { 0x11, "接收业务终端数据的长度错", "length error in the frame from the host" },
  { 0x21, "接收业务终端的命令错误，包括命令中的各种数值或逻辑搭配错误",
    "invalid command or parameter combination" },
  { 0x23, "越权操作", "unauthorized operation" },
  { 0x24, "无法识别的错误", "unrecognized error" },
  { 0x31, "居民身份证认证 SAM_A(V) 失败", "the card failed to authenticate the SAM" },
  { 0x32, "SAM_A(V) 认证居民身份证失败", "the SAM failed to authenticate the card" },
  { 0x33, "信息验证失败/错误", "information verification failed" },
  { 0x37, "指纹信息验证错误", "fingerprint information verification error" },
  { 0x3F, "信息长度错误", "information length error" },
  { 0x40, "无法识别的居民身份证类型", "unrecognized card type" },
  { 0x41, "读居民身份证操作失败", "read failed (usually the card moved or was removed)" },
  { 0x47, "取随机数失败", "get-random failed" },
  { 0x60, "SAM_A(V) 自检失败，不能接收命令", "SAM self-test failed; it cannot accept commands" },
  { 0x66, "SAM_A(V) 没经过授权，无法使用", "SAM not authorized" },
  { 0x80, "寻找居民身份证失败", "find failed (no card in the field)" },
  { 0x81, "选取居民身份证失败", "select failed" },
};

const char *
hb_sam_status_describe (guint8 sw3, gboolean english)
{
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (statuses[i].sw3 == sw3)
      return english ? statuses[i].en : statuses[i].zh;
  return english ? "unknown status" : "未知状态";
}

static HbSamError
status_error (guint8 sw3)
{
  switch (sw3)
    {
    case HB_SAM_SW3_NO_CARD:       return HB_SAM_ERROR_NO_CARD;
    case HB_SAM_SW3_SELECT_FAILED: return HB_SAM_ERROR_SELECT_FAILED;
    case HB_SAM_SW3_READ_FAILED:   return HB_SAM_ERROR_READ_FAILED;
    case HB_SAM_SW3_NO_ITEM:       return HB_SAM_ERROR_NO_ITEM;
    case HB_SAM_SW3_CARD_TYPE:     return HB_SAM_ERROR_INVALID_MEDIA;
    case HB_SAM_SW3_CARD_AUTH:
    case HB_SAM_SW3_SAM_AUTH:
    case HB_SAM_SW3_VERIFY:
    case HB_SAM_SW3_FP_VERIFY:
    case HB_SAM_SW3_RANDOM:        return HB_SAM_ERROR_AUTH_FAILED;
    case HB_SAM_SW3_SELF_TEST:
    case HB_SAM_SW3_NOT_AUTHORIZED:
    case HB_SAM_SW3_UNAUTHORIZED:  return HB_SAM_ERROR_SAM_FAULT;
    case HB_SAM_SW3_HOST_CHECKSUM:
    case HB_SAM_SW3_HOST_LENGTH:
    case HB_SAM_SW3_HOST_COMMAND:
    case HB_SAM_SW3_UNRECOGNIZED:
    case HB_SAM_SW3_INFO_LENGTH:   return HB_SAM_ERROR_PROTOCOL;
    default:                       return HB_SAM_ERROR_UNKNOWN;
    }
}

gboolean
hb_sam_response_check (const HbSamResponse *response, guint8 expected_sw3, GError **error)
{
  g_return_val_if_fail (response != NULL, FALSE);

  if (response->sw1 != 0 || response->sw2 != 0)
    {
      g_set_error (error, HB_SAM_ERROR, HB_SAM_ERROR_CARD_STATUS,
                   "card status SW1 0x%02X SW2 0x%02X (SW3 0x%02X), expected 00 00",
                   response->sw1, response->sw2, response->sw3);
      return FALSE;
    }
  if (response->sw3 == expected_sw3)
    return TRUE;
  g_set_error (error, HB_SAM_ERROR, status_error (response->sw3),
               "SAM status 0x%02X (%s) where 0x%02X was expected", response->sw3,
               hb_sam_status_describe (response->sw3, TRUE), expected_sw3);
  return FALSE;
}

/* --- building ----------------------------------------------------------------------- */

static GBytes *
frame_build (guint8 b0, guint8 b1, guint8 b2, gsize n_head, const guint8 *data, gsize len)
{
  gsize body = n_head + len + 1;     /* LEN: head bytes + DATA + CHK */
  gsize size = HB_SAM_HEADER_LEN + body;
  guint8 *f, x = 0;
  GBytes *bytes = hb_sam_wiped_bytes_new (size, &f);

  memcpy (f, hb_sam_preamble, HB_SAM_PREAMBLE_LEN);
  f[5] = (guint8) (body >> 8);
  f[6] = (guint8) body;
  f[7] = b0;
  f[8] = b1;
  if (n_head == 3)
    f[9] = b2;
  if (len)
    memcpy (f + 7 + n_head, data, len);
  for (gsize i = 5; i < size - 1; i++)
    x ^= f[i];
  f[size - 1] = x;
  return bytes;
}

GBytes *
hb_sam_request_build (HbSamCommand command, const guint8 *data, gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (len <= HB_SAM_FRAME_MAX - HB_SAM_HEADER_LEN - REQUEST_LEN_MIN, NULL);

  return frame_build ((guint8) ((guint) command >> 8), (guint8) command, 0, 2, data, len);
}

GBytes *
hb_sam_response_build (guint8 sw1, guint8 sw2, guint8 sw3, const guint8 *data, gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (len <= HB_SAM_FRAME_MAX - HB_SAM_HEADER_LEN - RESPONSE_LEN_MIN, NULL);

  return frame_build (sw1, sw2, sw3, 3, data, len);
}

/* --- parsing ------------------------------------------------------------------------ */

/* Preamble, LEN bounds, exact size and checksum of one frame. Messages say what is wrong
 * in numbers and never quote DATA. */
static gboolean
frame_verify (const guint8 *frame, gsize len, guint len_min, GError **error)
{
  guint body;
  guint8 x = 0;

  if (frame == NULL || len < HB_SAM_HEADER_LEN)
    {
      g_set_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME,
                   "frame is %" G_GSIZE_FORMAT " bytes, shorter than the %d-byte header",
                   frame ? len : 0, HB_SAM_HEADER_LEN);
      return FALSE;
    }
  if (memcmp (frame, hb_sam_preamble, HB_SAM_PREAMBLE_LEN) != 0)
    {
      g_set_error_literal (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME,
                           "frame does not start with the AA AA AA 96 69 preamble");
      return FALSE;
    }
  body = (guint) frame[5] << 8 | frame[6];
  if (body < len_min)
    {
      g_set_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME,
                   "LEN 0x%04X is below the minimum of %u", body, len_min);
      return FALSE;
    }
  if (HB_SAM_HEADER_LEN + body > HB_SAM_FRAME_MAX)
    {
      g_set_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME,
                   "LEN 0x%04X announces a %u-byte frame, over the %d-byte limit",
                   body, HB_SAM_HEADER_LEN + body, HB_SAM_FRAME_MAX);
      return FALSE;
    }
  if (len < HB_SAM_HEADER_LEN + body)
    {
      g_set_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME,
                   "LEN 0x%04X but only %" G_GSIZE_FORMAT " bytes (frame truncated)", body, len);
      return FALSE;
    }
  if (len > HB_SAM_HEADER_LEN + body)
    {
      g_set_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME,
                   "LEN 0x%04X but %" G_GSIZE_FORMAT " bytes (%" G_GSIZE_FORMAT " trailing)",
                   body, len, len - HB_SAM_HEADER_LEN - body);
      return FALSE;
    }
  for (gsize i = 5; i < len - 1; i++)
    x ^= frame[i];
  if (x != frame[len - 1])
    {
      g_set_error (error, HB_SAM_ERROR, HB_SAM_ERROR_FRAME,
                   "checksum mismatch: frame says 0x%02X, computed 0x%02X", frame[len - 1], x);
      return FALSE;
    }
  return TRUE;
}

gboolean
hb_sam_response_parse (const guint8 *frame, gsize len, HbSamResponse *out, GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (!frame_verify (frame, len, RESPONSE_LEN_MIN, error))
    return FALSE;
  out->sw1 = frame[7];
  out->sw2 = frame[8];
  out->sw3 = frame[9];
  out->data_len = len - 11;
  out->data = out->data_len ? frame + 10 : NULL;
  return TRUE;
}

gboolean
hb_sam_request_parse (const guint8 *frame, gsize len, HbSamCommand *command,
                      const guint8 **data, gsize *data_len, GError **error)
{
  gsize n;

  if (!frame_verify (frame, len, REQUEST_LEN_MIN, error))
    return FALSE;
  n = len - 10;
  if (command)
    *command = (HbSamCommand) ((guint) frame[7] << 8 | frame[8]);
  if (data)
    *data = n ? frame + 9 : NULL;
  if (data_len)
    *data_len = n;
  return TRUE;
}

/* --- receiver ----------------------------------------------------------------------- */

struct _HbSamReceiver
{
  guint  len_min;         /* smallest LEN a header of this direction may announce */
  gsize  start, end;      /* queued bytes are buf[start, end) */
  gsize  dropped;
  guint8 buf[HB_SAM_FRAME_MAX];
};

static HbSamReceiver *
receiver_new (guint len_min)
{
  HbSamReceiver *r = g_new0 (HbSamReceiver, 1);

  r->len_min = len_min;
  return r;
}

HbSamReceiver *
hb_sam_receiver_new (void)
{
  return receiver_new (RESPONSE_LEN_MIN);
}

HbSamReceiver *
hb_sam_receiver_new_for_requests (void)
{
  return receiver_new (REQUEST_LEN_MIN);
}

void
hb_sam_receiver_free (HbSamReceiver *receiver)
{
  if (receiver == NULL)
    return;
  explicit_bzero (receiver, sizeof *receiver);
  g_free (receiver);
}

void
hb_sam_receiver_reset (HbSamReceiver *receiver)
{
  g_return_if_fail (receiver != NULL);

  explicit_bzero (receiver->buf, sizeof receiver->buf);
  receiver->start = receiver->end = 0;
  receiver->dropped = 0;
}

gsize
hb_sam_receiver_dropped (HbSamReceiver *receiver)
{
  g_return_val_if_fail (receiver != NULL, 0);
  return receiver->dropped;
}

/* Whether the queued bytes can still begin a frame: the preamble so far, and once LEN is
 * there, a LEN this direction allows. */
static gboolean
plausible_start (const HbSamReceiver *r)
{
  const guint8 *p = r->buf + r->start;
  gsize n = r->end - r->start;
  guint body;

  if (memcmp (p, hb_sam_preamble, MIN (n, (gsize) HB_SAM_PREAMBLE_LEN)) != 0)
    return FALSE;
  if (n < HB_SAM_HEADER_LEN)
    return TRUE;
  body = (guint) p[5] << 8 | p[6];
  return body >= r->len_min && HB_SAM_HEADER_LEN + body <= HB_SAM_FRAME_MAX;
}

/* Drops garbage at the front one byte at a time until the queue starts like a frame.
 * Dropping a single byte (not the whole bad header) matters: AA AA AA AA 96 69 holds a
 * preamble that starts at its second byte. */
static void
hunt (HbSamReceiver *r)
{
  while (r->end > r->start && !plausible_start (r))
    {
      const guint8 *next;

      r->start++;
      r->dropped++;
      /* Every preamble starts with AA: skip straight to the next one. */
      next = memchr (r->buf + r->start, hb_sam_preamble[0], r->end - r->start);
      if (next == NULL)
        {
          r->dropped += r->end - r->start;
          r->start = r->end;
        }
      else
        {
          r->dropped += (gsize) (next - (r->buf + r->start));
          r->start = (gsize) (next - r->buf);
        }
    }
  if (r->start == r->end)
    r->start = r->end = 0;
}

/* Size of the complete frame at the front, or 0. Call after hunt(). */
static gsize
complete_frame (const HbSamReceiver *r)
{
  const guint8 *p = r->buf + r->start;
  gsize n = r->end - r->start, size;

  if (n < HB_SAM_HEADER_LEN)
    return 0;
  size = HB_SAM_HEADER_LEN + ((gsize) p[5] << 8 | p[6]);
  return n >= size ? size : 0;
}

gsize
hb_sam_receiver_wanted (HbSamReceiver *receiver)
{
  gsize n;

  g_return_val_if_fail (receiver != NULL, 0);

  n = receiver->end - receiver->start;
  if (n < HB_SAM_HEADER_LEN)
    return HB_SAM_HEADER_LEN - n;
  n = complete_frame (receiver) ? 0 :
      HB_SAM_HEADER_LEN + ((gsize) receiver->buf[receiver->start + 5] << 8 |
                           receiver->buf[receiver->start + 6]) - n;
  return n;
}

GBytes *
hb_sam_receiver_feed (HbSamReceiver *receiver, const guint8 *data, gsize len)
{
  HbSamReceiver *r = receiver;
  GBytes *out = NULL;

  g_return_val_if_fail (receiver != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  for (;;)
    {
      gsize size, space, take;

      hunt (r);
      if (out == NULL && (size = complete_frame (r)) > 0)
        {
          guint8 *copy;
          out = hb_sam_wiped_bytes_new (size, &copy);
          memcpy (copy, r->buf + r->start, size);
          explicit_bzero (r->buf + r->start, size);
          r->start += size;
          continue;
        }
      if (len == 0)
        break;

      space = sizeof r->buf - r->end;
      if (space < len && r->start > 0)
        {
          gsize n = r->end - r->start;
          memmove (r->buf, r->buf + r->start, n);
          explicit_bzero (r->buf + n, r->end - n);
          r->start = 0;
          r->end = n;
          space = sizeof r->buf - r->end;
        }
      if (space == 0)
        {
          /* Only reachable with a complete frame queued behind the one being returned:
           * the queue is full, and the rest of this input has nowhere to go. */
          r->dropped += len;
          break;
        }
      take = MIN (space, len);
      memcpy (r->buf + r->end, data, take);
      r->end += take;
      data += take;
      len -= take;
    }
  return out;
}

/* --- logging ------------------------------------------------------------------------ */

char *
hb_sam_frame_summary (const guint8 *frame, gsize len)
{
  GString *s;
  gsize body, data_len;

  if (frame == NULL || len < HB_SAM_HEADER_LEN ||
      memcmp (frame, hb_sam_preamble, HB_SAM_PREAMBLE_LEN) != 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes without a SAM header", frame ? len : 0);

  s = g_string_sized_new (96);
  body = (gsize) frame[5] << 8 | frame[6];
  g_string_append_printf (s, "AA AA AA 96 69 | LEN %04X", (guint) body);
  if (len < 10)
    {
      g_string_append_printf (s, " | %" G_GSIZE_FORMAT " bytes (short)", len);
      return g_string_free (s, FALSE);
    }
  g_string_append_printf (s, " | %02X %02X %02X", frame[7], frame[8], frame[9]);
  if (len != HB_SAM_HEADER_LEN + body || body < RESPONSE_LEN_MIN)
    {
      g_string_append_printf (s, " | %" G_GSIZE_FORMAT " bytes (LEN wants %" G_GSIZE_FORMAT ")",
                              len, HB_SAM_HEADER_LEN + body);
      return g_string_free (s, FALSE);
    }
  data_len = len - 11;
  /* Short DATA (find, select, SAM ID) is shown; longer DATA is card data and is not. */
  if (data_len > 0 && data_len <= 16)
    {
      g_string_append (s, " |");
      for (gsize i = 0; i < data_len; i++)
        g_string_append_printf (s, " %02X", frame[10 + i]);
    }
  else if (data_len > 16)
    g_string_append_printf (s, " | %" G_GSIZE_FORMAT " DATA bytes", data_len);
  g_string_append_printf (s, " | CHK %02X", frame[len - 1]);
  return g_string_free (s, FALSE);
}
