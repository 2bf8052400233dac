/* fuzz-sam-text.c — card data inside SAM responses, and the simulated SAM.
 * The first byte picks the target, the rest is its input:
 *   0  a 256-byte text block (padded with spaces or cut)   3  a 30 03 appended address
 *   1  30 01 base info DATA                                 4  one UCS-2 field, a SAM ID
 *   2  30 10 base info DATA (with fp_len)                   5  the simulated SAM, fed the
 *                                                              rest as host bytes
 * Invariants: a decoded card is whole and encodes back to a text block that decodes to
 * the same card; its JSON form reads back the same; an error is HB_SAM_ERROR_DATA and
 * quotes nothing of the card (its only non-ASCII text is "长期" of the valid_to message). */
#include "drivers/idcard/hb-sam-text.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-sim.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)

static void
check_error (const GError *error)
{
  const char *m;

  CHECK (error != NULL && error->domain == HB_SAM_ERROR && error->code == HB_SAM_ERROR_DATA);
  for (m = error->message; *m; m++)
    {
      if (strncmp (m, "长期", strlen ("长期")) == 0)
        m += strlen ("长期") - 1;
      else
        CHECK ((guchar) *m < 0x80);
    }
}

static gboolean
same (const char *a, const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

static gboolean
same_card (const HbIdCard *a, const HbIdCard *b)
{
  return a->type == b->type && a->sex == b->sex && same (a->name, b->name) &&
         same (a->name_en, b->name_en) && same (a->nation, b->nation) &&
         same (a->birth_date, b->birth_date) && same (a->address, b->address) &&
         same (a->id_number, b->id_number) && same (a->issuer, b->issuer) &&
         same (a->valid_from, b->valid_from) && same (a->valid_to, b->valid_to) &&
         same (a->pass_number, b->pass_number) && same (a->issue_count, b->issue_count) &&
         same (a->nationality, b->nationality) && same (a->card_version, b->card_version) &&
         same (a->issuer_code, b->issuer_code) && same (a->renewal_count, b->renewal_count) &&
         same (a->previous_number, b->previous_number);
}

static void
check_card (const HbIdCard *card)
{
  guint8 text[HB_SAM_TEXT_LEN];
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) back = NULL;
  g_autoptr(HbIdCard) copy = hb_idcard_copy (card);

  CHECK (card->birth_date && card->id_number && card->valid_from && card->valid_to);
  CHECK (card->name || card->name_en);
  CHECK (hb_idcard_date_is_valid (card->birth_date) && hb_idcard_date_is_valid (card->valid_from));
  if (card->type == HB_IDCARD_TYPE_RESIDENT || card->type == HB_IDCARD_TYPE_HMT_RESIDENCE)
    CHECK (hb_idcard_number_is_valid (card->id_number) && card->address && card->issuer);
  CHECK (same_card (card, copy));

  /* The encoder is the exact inverse. */
  CHECK (hb_sam_encode_text (card, text, &error));
  back = hb_sam_decode_text (text, sizeof text, &error);
  CHECK (back != NULL && same_card (card, back));

  /* The JSON form holds it too (it knows 长期 as the only non-date valid_to). */
  if (hb_idcard_date_is_valid (card->valid_to) || same (card->valid_to, HB_IDCARD_LONG_TERM))
    {
      g_autoptr(JsonNode) node = hb_idcard_to_json (card);
      g_autofree char *json = json_to_string (node, FALSE);
      g_autoptr(HbIdCard) again = hb_idcard_new_from_json_data (json, -1, &error);
      CHECK (again != NULL && same_card (card, again));
    }
}

static void
fuzz_text (const guint8 *p, gsize n)
{
  guint8 text[HB_SAM_TEXT_LEN];
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;

  for (gsize i = 0; i < sizeof text; i++)
    text[i] = i % 2 ? 0x00 : 0x20;
  memcpy (text, p, MIN (n, sizeof text));
  card = hb_sam_decode_text (text, sizeof text, &error);
  if (card)
    check_card (card);
  else
    check_error (error);
  /* The raw length too: anything but 256 is refused. */
  g_clear_error (&error);
  g_clear_pointer (&card, hb_idcard_free);
  card = hb_sam_decode_text (p, n, &error);
  CHECK (n == HB_SAM_TEXT_LEN || card == NULL);
  if (card)
    check_card (card);
  else
    check_error (error);
}

static void
fuzz_base_info (const guint8 *p, gsize n, gboolean fp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = hb_sam_decode_base_info (p, n, fp, &error);

  if (card == NULL)
    {
      check_error (error);
      return;
    }
  check_card (card);
  CHECK (card->photo == NULL || g_bytes_get_size (card->photo) <= HB_SAM_PHOTO_LEN);
  {
    /* Encoded again as 30 01 DATA, it decodes to the same card. */
    g_autoptr(GBytes) again = hb_sam_encode_base_info (card, NULL);
    if (again)
      {
        g_autoptr(HbIdCard) back = hb_sam_decode_base_info (g_bytes_get_data (again, NULL),
                                                           g_bytes_get_size (again), FALSE, NULL);
        CHECK (back != NULL && same_card (card, back));
      }
  }
}

static void
fuzz_appended (const guint8 *p, gsize n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = hb_sam_decode_appended_address (p, n, &error);

  if (address == NULL)
    {
      check_error (error);
      return;
    }
  CHECK (g_utf8_validate (address, -1, NULL));
  {
    g_autoptr(GBytes) again = hb_sam_encode_appended_address (address, &error);
    g_autofree char *back = NULL;
    CHECK (again != NULL);
    back = hb_sam_decode_appended_address (g_bytes_get_data (again, NULL), g_bytes_get_size (again),
                                           &error);
    CHECK (back != NULL && same (back, address));
  }
}

static void
fuzz_field (const guint8 *p, gsize n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *s = hb_sam_ucs2_field (p, n, "name", &error);
  g_autofree char *id = NULL;

  if (s)
    CHECK (g_utf8_validate (s, -1, NULL) && !g_str_has_suffix (s, " "));
  else
    check_error (error);
  g_clear_error (&error);
  id = hb_sam_format_sam_id (p, n, &error);
  CHECK ((id != NULL) == (n == HB_SAM_ID_LEN));
  CHECK (id == NULL || strlen (id) == 36);
}

static HbIdCard *
sim_card (void)
{
  HbIdCard *c = hb_idcard_new ();

  c->type = HB_IDCARD_TYPE_RESIDENT;
  c->name = g_strdup ("测试");
  c->sex = HB_SEX_FEMALE;
  c->nation = g_strdup ("汉");
  c->birth_date = g_strdup ("19491231");
  c->address = g_strdup ("北京市朝阳区测试路1号");
  c->id_number = g_strdup ("11010519491231002X");
  c->issuer = g_strdup ("北京市公安局朝阳分局");
  c->valid_from = g_strdup ("20200101");
  c->valid_to = g_strdup ("20400101");
  return c;
}

static void
fuzz_sim (const guint8 *p, gsize n)
{
  g_autoptr(HbSamSim) sim = hb_sam_sim_new ();
  g_autoptr(HbIdCard) card = sim_card ();
  g_autoptr(HbSamReceiver) rx = hb_sam_receiver_new ();
  gsize at = 0;
  gboolean line_faults = FALSE;

  if (n >= 2)
    {
      HbSamSimFault fault = (HbSamSimFault) ((p[0] & 0x0F) % (HB_SAM_SIM_FAULT_SAM + 1));
      /* These corrupt the byte stream: what the receiver makes of it is not a card. */
      line_faults = fault == HB_SAM_SIM_FAULT_BAD_CHECKSUM || fault == HB_SAM_SIM_FAULT_SHORT_FRAME ||
                    fault == HB_SAM_SIM_FAULT_GARBAGE;
      hb_sam_sim_set_fault (sim, fault, p[1] % 4);
      if (p[0] & 0x80)
        hb_sam_sim_set_card (sim, card, (p[1] & 0x80) ? "上海市追加住址1号" : NULL);
      p += 2;
      n -= 2;
    }
  while (at < n)
    {
      /* Chunk sizes taken from the input itself. */
      gsize k = 1 + p[at] % 37;
      g_autoptr(GBytes) out = NULL;
      gsize len;
      const guint8 *o;

      k = MIN (k, n - at);
      out = hb_sam_sim_process (sim, p + at, k);
      at += k;
      CHECK (out != NULL);
      o = g_bytes_get_data (out, &len);
      for (gsize i = 0; i < len;)
        {
          gsize w = hb_sam_receiver_wanted (rx);
          g_autoptr(GBytes) frame = NULL;

          if (w == 0)
            frame = hb_sam_receiver_feed (rx, NULL, 0);
          else
            {
              w = MIN (w, len - i);
              frame = hb_sam_receiver_feed (rx, o + i, w);
              i += w;
            }
          if (frame && !line_faults)
            {
              HbSamResponse r;
              gsize fl;
              const guint8 *f = g_bytes_get_data (frame, &fl);
              if (hb_sam_response_parse (f, fl, &r, NULL) && r.sw3 == HB_SAM_SW3_OK && r.data_len > 16 &&
                  r.data_len != HB_SAM_APPENDED_LEN)
                {
                  g_autoptr(HbIdCard) back = hb_sam_decode_base_info (r.data, r.data_len,
                                                                      r.data_len == 4 + 2 + 256 + 1024, NULL);
                  CHECK (back != NULL && same_card (back, card));
                }
            }
        }
    }
  (void) hb_sam_sim_count_reads (sim);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  switch (data[0] % 6)
    {
    case 0: fuzz_text (data + 1, size - 1); break;
    case 1: fuzz_base_info (data + 1, size - 1, FALSE); break;
    case 2: fuzz_base_info (data + 1, size - 1, TRUE); break;
    case 3: fuzz_appended (data + 1, size - 1); break;
    case 4: fuzz_field (data + 1, size - 1); break;
    default: fuzz_sim (data + 1, size - 1); break;
    }
  return 0;
}
