/* hb-sam-sim.c — a simulated SAM module speaking the real frame protocol (see the header
 * for its behaviour, docs/idcard-sam.md for the choices where real modules are unknown). */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/idcard/hb-sam-sim.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-text.h"

#include <string.h>

/* A fixed, made-up SAM ID (16 bytes, §5.4). */
static const guint8 sim_sam_id[HB_SAM_ID_LEN] = {
  0x05, 0x00, 0x01, 0x00, 0x15, 0xCD, 0x5B, 0x07,
  0x78, 0x56, 0x34, 0x12, 0x2A, 0x00, 0x00, 0x00,
};

/* Line noise for FAULT_GARBAGE: a broken preamble, a preamble without its last byte, and a
 * trailing AA that, with the response's own AA AA AA 96 69, reads AA AA AA AA 96 69 — the
 * receiver must find the frame one byte in. */
static const guint8 sim_noise[] = {
  0x00, 0xFF, 0xAA, 0xAA, 0x96, 0x69, 0x13, 0xAA, 0xAA, 0xAA, 0x96, 0x00, 0xAA,
};

struct _HbSamSim
{
  GMutex         lock;
  HbIdCard      *card;
  char          *appended;
  gboolean       card_read;     /* a full read was served since this card was laid on */
  HbSamSimFault  fault;
  guint          fault_left;    /* uses left; 0 with a fault armed = until cleared */
  HbSamReceiver *rx;
  GHashTable    *requests;      /* command → count */
  guint          reads;
};

HbSamSim *
hb_sam_sim_new (void)
{
  HbSamSim *sim = g_new0 (HbSamSim, 1);

  g_mutex_init (&sim->lock);
  sim->rx = hb_sam_receiver_new_for_requests ();
  sim->requests = g_hash_table_new (NULL, NULL);
  return sim;
}

static void
wipe_free (char *s)
{
  if (s != NULL)
    explicit_bzero (s, strlen (s));
  g_free (s);
}

void
hb_sam_sim_free (HbSamSim *sim)
{
  if (sim == NULL)
    return;
  g_clear_pointer (&sim->card, hb_idcard_free);
  g_clear_pointer (&sim->appended, wipe_free);
  hb_sam_receiver_free (sim->rx);
  g_hash_table_unref (sim->requests);
  g_mutex_clear (&sim->lock);
  g_free (sim);
}

void
hb_sam_sim_set_card (HbSamSim *sim, const HbIdCard *card, const char *appended_address)
{
  HbIdCard *copy;
  const char *appended;
  char *appended_copy;

  g_return_if_fail (sim != NULL);

  copy = hb_idcard_copy (card);
  /* Without an explicit one, the card's own appended address (JSON cards carry it). */
  appended = appended_address ? appended_address : card ? card->address_appended : NULL;
  appended_copy = card && appended && *appended ? g_strdup (appended) : NULL;

  g_mutex_lock (&sim->lock);
  g_clear_pointer (&sim->card, hb_idcard_free);
  g_clear_pointer (&sim->appended, wipe_free);
  sim->card = copy;
  sim->appended = appended_copy;
  /* Laying a card on (even the same one again) makes it findable; so does taking it off. */
  sim->card_read = FALSE;
  g_mutex_unlock (&sim->lock);
}

gboolean
hb_sam_sim_has_card (HbSamSim *sim)
{
  gboolean has;

  g_return_val_if_fail (sim != NULL, FALSE);
  g_mutex_lock (&sim->lock);
  has = sim->card != NULL;
  g_mutex_unlock (&sim->lock);
  return has;
}

void
hb_sam_sim_set_fault (HbSamSim *sim, HbSamSimFault fault, guint times)
{
  g_return_if_fail (sim != NULL);
  g_mutex_lock (&sim->lock);
  sim->fault = fault;
  sim->fault_left = fault == HB_SAM_SIM_FAULT_NONE ? 0 : times;
  g_mutex_unlock (&sim->lock);
}

guint
hb_sam_sim_count_requests (HbSamSim *sim, guint16 command)
{
  guint n;

  g_return_val_if_fail (sim != NULL, 0);
  g_mutex_lock (&sim->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (sim->requests, GUINT_TO_POINTER ((guint) command)));
  g_mutex_unlock (&sim->lock);
  return n;
}

guint
hb_sam_sim_count_reads (HbSamSim *sim)
{
  guint n;

  g_return_val_if_fail (sim != NULL, 0);
  g_mutex_lock (&sim->lock);
  n = sim->reads;
  g_mutex_unlock (&sim->lock);
  return n;
}

/* --- answering (with the lock held) ------------------------------------------------- */

/* Whether the armed fault is @fault and applies now; uses one of its times. */
static gboolean
take_fault (HbSamSim *sim, HbSamSimFault fault)
{
  if (sim->fault != fault)
    return FALSE;
  if (sim->fault_left > 0 && --sim->fault_left == 0)
    sim->fault = HB_SAM_SIM_FAULT_NONE;
  return TRUE;
}

static GBytes *
status (guint8 sw3)
{
  return hb_sam_response_build (0, 0, sw3, NULL, 0);
}

/* DATA of 30 01, or of 30 10 with fp_len 0 (two zero bytes after photo_len). */
static GBytes *
read_base (HbSamSim *sim, gboolean with_fingerprint)
{
  g_autoptr(GBytes) info = NULL;
  g_autoptr(GBytes) data = NULL;
  const guint8 *src;
  guint8 *dst;
  gsize len;

  if (sim->card == NULL)
    return status (HB_SAM_SW3_READ_FAILED);
  info = hb_sam_encode_base_info (sim->card, NULL);
  if (info == NULL)
    return status (HB_SAM_SW3_READ_FAILED);   /* a card no module could hold */

  src = g_bytes_get_data (info, &len);
  if (with_fingerprint)
    {
      data = hb_sam_wiped_bytes_new (len + 2, &dst);
      memcpy (dst, src, 4);
      memcpy (dst + 6, src + 4, len - 4);
      src = g_bytes_get_data (data, &len);
    }
  sim->card_read = TRUE;
  sim->reads++;
  return hb_sam_response_build (0, 0, HB_SAM_SW3_OK, src, len);
}

static GBytes *
read_appended (HbSamSim *sim)
{
  g_autoptr(GBytes) data = NULL;
  gsize len;
  const guint8 *d;

  if (sim->card == NULL)
    return status (HB_SAM_SW3_READ_FAILED);
  if (sim->appended == NULL)
    return status (HB_SAM_SW3_NO_ITEM);
  data = hb_sam_encode_appended_address (sim->appended, NULL);
  if (data == NULL)
    return status (HB_SAM_SW3_READ_FAILED);
  d = g_bytes_get_data (data, &len);
  return hb_sam_response_build (0, 0, HB_SAM_SW3_OK, d, len);
}

/* The answer to one well-formed request, before line faults. NULL = no answer (stall). */
static GBytes *
answer (HbSamSim *sim, HbSamCommand command, gsize data_len)
{
  static const guint8 zeros[8] = { 0 };
  gsize expected_len = command == HB_SAM_CMD_SET_MAX_RF ? 1 : 0;
  gboolean known;

  switch (command)
    {
    case HB_SAM_CMD_RESET: case HB_SAM_CMD_STATUS: case HB_SAM_CMD_SAM_ID:
    case HB_SAM_CMD_FIND: case HB_SAM_CMD_SELECT: case HB_SAM_CMD_READ_BASE:
    case HB_SAM_CMD_READ_APPENDED: case HB_SAM_CMD_READ_BASE_FP: case HB_SAM_CMD_SET_MAX_RF:
      known = TRUE;
      break;
    default:
      known = FALSE;
      break;
    }

  if (take_fault (sim, HB_SAM_SIM_FAULT_SAM))
    return status (HB_SAM_SW3_SELF_TEST);
  if (take_fault (sim, HB_SAM_SIM_FAULT_STALL))
    return NULL;
  if (!known)
    return status (HB_SAM_SW3_HOST_COMMAND);
  if (data_len != expected_len)
    return status (HB_SAM_SW3_HOST_LENGTH);

  switch (command)
    {
    case HB_SAM_CMD_RESET:
    case HB_SAM_CMD_STATUS:
    case HB_SAM_CMD_SET_MAX_RF:
      return status (HB_SAM_SW3_OK);
    case HB_SAM_CMD_SAM_ID:
      return hb_sam_response_build (0, 0, HB_SAM_SW3_OK, sim_sam_id, sizeof sim_sam_id);
    case HB_SAM_CMD_FIND:
      /* After a full read the module stays quiet about the same card until it leaves. */
      if (take_fault (sim, HB_SAM_SIM_FAULT_NO_CARD) || sim->card == NULL || sim->card_read)
        return status (HB_SAM_SW3_NO_CARD);
      return hb_sam_response_build (0, 0, HB_SAM_SW3_FIND_OK, zeros, 4);
    case HB_SAM_CMD_SELECT:
      if (take_fault (sim, HB_SAM_SIM_FAULT_SELECT) || sim->card == NULL)
        return status (HB_SAM_SW3_SELECT_FAILED);
      return hb_sam_response_build (0, 0, HB_SAM_SW3_OK, zeros, 8);
    case HB_SAM_CMD_READ_BASE:
    case HB_SAM_CMD_READ_BASE_FP:
      if (take_fault (sim, HB_SAM_SIM_FAULT_READ))
        return status (HB_SAM_SW3_READ_FAILED);
      return read_base (sim, command == HB_SAM_CMD_READ_BASE_FP);
    case HB_SAM_CMD_READ_APPENDED:
      return read_appended (sim);
    default:
      return status (HB_SAM_SW3_HOST_COMMAND);
    }
}

/* Line faults: what happens to a response on its way to the host. */
static GBytes *
mangle (HbSamSim *sim, GBytes *response)
{
  gsize len;
  const guint8 *src = g_bytes_get_data (response, &len);
  guint8 *dst;
  GBytes *out;

  if (take_fault (sim, HB_SAM_SIM_FAULT_BAD_CHECKSUM))
    {
      out = hb_sam_wiped_bytes_new (len, &dst);
      memcpy (dst, src, len);
      dst[len - 1] ^= 0xFF;
    }
  else if (take_fault (sim, HB_SAM_SIM_FAULT_SHORT_FRAME))
    {
      out = hb_sam_wiped_bytes_new (len / 2, &dst);
      memcpy (dst, src, len / 2);
    }
  else if (take_fault (sim, HB_SAM_SIM_FAULT_GARBAGE))
    {
      out = hb_sam_wiped_bytes_new (sizeof sim_noise + len, &dst);
      memcpy (dst, sim_noise, sizeof sim_noise);
      memcpy (dst + sizeof sim_noise, src, len);
    }
  else
    return response;
  g_bytes_unref (response);
  return out;
}

static GBytes *
handle_request (HbSamSim *sim, GBytes *frame)
{
  g_autoptr(GError) error = NULL;
  HbSamCommand command;
  gsize len, data_len = 0;
  const guint8 *f = g_bytes_get_data (frame, &len);
  GBytes *response;

  if (!hb_sam_request_parse (f, len, &command, NULL, &data_len, &error))
    {
      /* The receiver vouches for preamble and LEN: only the checksum can be wrong. */
      response = take_fault (sim, HB_SAM_SIM_FAULT_SAM) ? status (HB_SAM_SW3_SELF_TEST)
                                                          : status (HB_SAM_SW3_HOST_CHECKSUM);
    }
  else
    {
      gpointer key = GUINT_TO_POINTER ((guint) command);
      g_hash_table_insert (sim->requests, key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (sim->requests, key)) + 1));
      response = answer (sim, command, data_len);
    }
  return response ? mangle (sim, response) : NULL;
}

GBytes *
hb_sam_sim_process (HbSamSim *sim, const guint8 *data, gsize len)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize total = 0, at = 0;
  guint8 *out;
  GBytes *result;

  g_return_val_if_fail (sim != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  g_mutex_lock (&sim->lock);
  for (;;)
    {
      /* Never more than the receiver asks for, so no request is ever dropped. */
      gsize want = hb_sam_receiver_wanted (sim->rx), take = MIN (want, len);
      g_autoptr(GBytes) frame = NULL;

      if (want > 0 && take == 0)
        break;
      frame = hb_sam_receiver_feed (sim->rx, take ? data : NULL, take);
      if (take)
        {
          data += take;
          len -= take;
        }
      if (frame)
        {
          GBytes *response = handle_request (sim, frame);
          if (response)
            {
              total += g_bytes_get_size (response);
              g_ptr_array_add (parts, response);
            }
        }
    }
  g_mutex_unlock (&sim->lock);

  result = hb_sam_wiped_bytes_new (total, &out);
  for (guint i = 0; i < parts->len; i++)
    {
      gsize n;
      const guint8 *p = g_bytes_get_data (parts->pdata[i], &n);
      memcpy (out + at, p, n);
      at += n;
    }
  return result;
}
