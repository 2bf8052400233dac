/* hb-idcard-dump.c — frames from a file → cards, all or nothing. */
#include "kiosk/hb-idcard-dump.h"
#include "kiosk/hb-person.h"
#include "drivers/idcard/hb-sam-frame.h"
#include "drivers/idcard/hb-sam-text.h"

#include <string.h>

static gboolean
is_hex_text (const guint8 *in, gsize len)
{
  gsize digits = 0;
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = in[i];
      if (g_ascii_isxdigit (c))
        digits++;
      else if (!(g_ascii_isspace (c) || c == ',' || c == 'x' || c == 'X'))
        return FALSE;
    }
  return digits > 0;
}

/* Hex text → bytes: pairs of digits; whitespace and commas between pairs; an optional
 * "0x" before a pair. */
static GByteArray *
decode_hex (const guint8 *in, gsize len, GError **error)
{
  GByteArray *out = g_byte_array_sized_new ((guint) (len / 2));
  int high = -1;

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = in[i];
      if (c == '0' && high < 0 && i + 1 < len && (in[i + 1] == 'x' || in[i + 1] == 'X'))
        {
          i++;
          continue;
        }
      if (g_ascii_isxdigit (c))
        {
          if (high < 0)
            high = g_ascii_xdigit_value (c);
          else
            {
              guint8 b = (guint8) (high << 4 | g_ascii_xdigit_value (c));
              g_byte_array_append (out, &b, 1);
              high = -1;
            }
          continue;
        }
      if (high >= 0 || !(g_ascii_isspace (c) || c == ','))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "hex text: unexpected character at offset %" G_GSIZE_FORMAT, i);
          g_byte_array_unref (out);
          return NULL;
        }
    }
  if (high >= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "hex text: odd number of digits");
      g_byte_array_unref (out);
      return NULL;
    }
  return out;
}

static void
wipe_array (GByteArray *a)
{
  if (a == NULL)
    return;
  explicit_bzero (a->data, a->len);
  g_byte_array_unref (a);
}

/* DATA of a base-info response: which layout, if any. */
static gboolean
base_info_layout (const guint8 *d, gsize n, gboolean *with_fp)
{
  if (n >= 6 && d[0] == 0x01 && d[1] == 0x00 && d[2] == 0x04 && d[3] == 0x00)
    {
      gsize fp = (gsize) d[4] << 8 | d[5];
      if (n == 4 + HB_SAM_TEXT_LEN + HB_SAM_PHOTO_LEN)
        {
          *with_fp = FALSE;
          return TRUE;
        }
      if (n == 6 + HB_SAM_TEXT_LEN + HB_SAM_PHOTO_LEN + fp)
        {
          *with_fp = TRUE;
          return TRUE;
        }
    }
  return FALSE;
}

GPtrArray *
hb_idcard_dump_parse (const guint8 *input, gsize len, GError **error)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_idcard_free);
  g_autoptr(HbSamReceiver) receiver = NULL;
  GByteArray *hex = NULL;
  const guint8 *bytes = input;
  gsize n = len, fed = 0;
  guint index = 0;
  GBytes *frame;

  if (len > HB_IDCARD_DUMP_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "input larger than %d bytes",
                   HB_IDCARD_DUMP_MAX);
      return NULL;
    }
  if (is_hex_text (input, len))
    {
      hex = decode_hex (input, len, error);
      if (hex == NULL)
        return NULL;
      bytes = hex->data;
      n = hex->len;
    }

  receiver = hb_sam_receiver_new ();
  frame = hb_sam_receiver_feed (receiver, bytes, n);
  fed = n;
  for (; frame != NULL; frame = hb_sam_receiver_feed (receiver, NULL, 0))
    {
      g_autoptr(GBytes) owned = frame;
      gsize flen = 0;
      const guint8 *f = g_bytes_get_data (owned, &flen);
      HbSamResponse r;
      gboolean with_fp;
      GError *local = NULL;

      index++;
      if (hb_sam_receiver_dropped (receiver) > 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%" G_GSIZE_FORMAT " byte(s) before frame %u are not part of any frame",
                       hb_sam_receiver_dropped (receiver), index);
          goto fail;
        }
      if (!hb_sam_response_parse (f, flen, &r, &local))
        {
          g_propagate_prefixed_error (error, local, "frame %u: ", index);
          goto fail;
        }
      if (r.sw3 != HB_SAM_SW3_OK || r.sw1 != 0 || r.sw2 != 0)
        continue;   /* find, select, errors: no card in them */
      if (base_info_layout (r.data, r.data_len, &with_fp))
        {
          HbIdCard *card = hb_sam_decode_base_info (r.data, r.data_len, with_fp, &local);
          if (card == NULL)
            {
              g_propagate_prefixed_error (error, local, "frame %u: ", index);
              goto fail;
            }
          g_ptr_array_add (cards, card);
        }
      else if (r.data_len == HB_SAM_APPENDED_LEN)
        {
          HbIdCard *last = cards->len ? cards->pdata[cards->len - 1] : NULL;
          char *address;
          if (last == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "frame %u: an appended address with no card before it", index);
              goto fail;
            }
          address = hb_sam_decode_appended_address (r.data, r.data_len, &local);
          if (address == NULL)
            {
              g_propagate_prefixed_error (error, local, "frame %u: ", index);
              goto fail;
            }
          hb_secure_free (last->address_appended);
          last->address_appended = *address ? address : NULL;
          if (!*address)
            g_free (address);
        }
    }
  if (hb_sam_receiver_wanted (receiver) != HB_SAM_HEADER_LEN || hb_sam_receiver_dropped (receiver) > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the input ends inside a frame or with bytes that are not a frame "
                   "(%" G_GSIZE_FORMAT " bytes read, frame %u incomplete)", fed, index + 1);
      goto fail;
    }
  if (cards->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%u frame(s), none carries card data", index);
      goto fail;
    }
  wipe_array (hex);
  return g_steal_pointer (&cards);

fail:
  wipe_array (hex);
  return NULL;
}

static void
member (JsonBuilder *b, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* Masked or not, into the builder; frees what it masks. */
static void
member_masked (JsonBuilder *b, const char *name, const char *value, gboolean reveal,
               char *(*mask) (const char *))
{
  g_autofree char *masked = NULL;
  if (value == NULL)
    return;
  if (!reveal)
    masked = mask (value);
  member (b, name, reveal ? value : masked);
}

static char *
mask_birth (const char *date)
{
  /* The year stays: enough to tell a card apart, not enough to identify. */
  return strlen (date) >= 4 ? g_strdup_printf ("%.4s****", date) : g_strdup ("****");
}

static const char *
sex_name (HbSex sex)
{
  switch (sex)
    {
    case HB_SEX_MALE:        return "male";
    case HB_SEX_FEMALE:      return "female";
    case HB_SEX_UNSPECIFIED: return "unspecified";
    case HB_SEX_UNKNOWN:
    default:                 return "unknown";
    }
}

JsonNode *
hb_idcard_dump_to_json (const HbIdCard *card, gboolean reveal)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  member (b, "card_type", hb_idcard_type_to_string (card->type));
  member_masked (b, "name", card->name, reveal, hb_mask_name);
  member_masked (b, "name_en", card->name_en, reveal, hb_mask_name);
  member (b, "sex", sex_name (card->sex));
  member (b, "nation", card->nation);
  member_masked (b, "birth", card->birth_date, reveal, mask_birth);
  member_masked (b, "address", card->address, reveal, hb_mask_address);
  member_masked (b, "address_appended", card->address_appended, reveal, hb_mask_address);
  member_masked (b, "id_number", card->id_number, reveal, hb_mask_id_number);
  member (b, "issuer", card->issuer);
  member (b, "valid_from", card->valid_from);
  member (b, "valid_to", card->valid_to);
  member_masked (b, "pass_number", card->pass_number, reveal, hb_mask_id_number);
  member (b, "issue_count", card->issue_count);
  member (b, "nationality", card->nationality);
  member (b, "card_version", card->card_version);
  member (b, "issuer_code", card->issuer_code);
  member (b, "renewal_count", card->renewal_count);
  member_masked (b, "previous_number", card->previous_number, reveal, hb_mask_id_number);
  if (card->photo)
    {
      json_builder_set_member_name (b, "photo_bytes");
      json_builder_add_int_value (b, (gint64) g_bytes_get_size (card->photo));
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
