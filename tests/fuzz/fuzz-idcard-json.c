/* fuzz-idcard-json.c — the identity card JSON parser: never crashes, never quotes its
 * input in an error, and a card it accepts survives hb_idcard_to_json unchanged. */
#include "drivers/idcard/hb-idcard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
same_card (const HbIdCard *a, const HbIdCard *b)
{
  return a->type == b->type && a->sex == b->sex &&
         g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->name_en, b->name_en) == 0 &&
         g_strcmp0 (a->nation, b->nation) == 0 && g_strcmp0 (a->birth_date, b->birth_date) == 0 &&
         g_strcmp0 (a->address, b->address) == 0 && g_strcmp0 (a->id_number, b->id_number) == 0 &&
         g_strcmp0 (a->issuer, b->issuer) == 0 && g_strcmp0 (a->valid_from, b->valid_from) == 0 &&
         g_strcmp0 (a->valid_to, b->valid_to) == 0 &&
         g_strcmp0 (a->pass_number, b->pass_number) == 0 &&
         g_strcmp0 (a->issue_count, b->issue_count) == 0 &&
         g_strcmp0 (a->nationality, b->nationality) == 0 &&
         g_strcmp0 (a->card_version, b->card_version) == 0 &&
         g_strcmp0 (a->issuer_code, b->issuer_code) == 0 &&
         g_strcmp0 (a->renewal_count, b->renewal_count) == 0 &&
         g_strcmp0 (a->previous_number, b->previous_number) == 0 &&
         g_strcmp0 (a->address_appended, b->address_appended) == 0 &&
         ((a->photo == NULL && b->photo == NULL) ||
          (a->photo && b->photo && g_bytes_equal (a->photo, b->photo)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbIdCard) card = NULL;
  g_autoptr(HbIdCard) again = NULL;
  g_autoptr(HbIdCard) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  card = hb_idcard_new_from_json_data ((const char *) data, (gssize) size, &error);
  if (card == NULL)
    {
      if (error == NULL || error->domain != HB_IDCARD_ERROR)
        abort ();
      return 0;
    }

  /* 18 characters with the check digit, or a 2017 foreign card's 15 letters and digits. */
  if (!hb_idcard_number_is_valid (card->id_number))
    {
      if (card->type != HB_IDCARD_TYPE_FOREIGN_PERMANENT || strlen (card->id_number) != 15)
        abort ();
      for (const char *c = card->id_number; *c; c++)
        if (!g_ascii_isdigit (*c) && !g_ascii_isupper (*c))
          abort ();
    }
  copy = hb_idcard_copy (card);
  node = hb_idcard_to_json (card);
  text = json_to_string (node, FALSE);
  again = hb_idcard_new_from_json_data (text, -1, NULL);
  if (again == NULL || !same_card (card, again) || !same_card (card, copy))
    abort ();
  return 0;
}
