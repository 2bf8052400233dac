/* fuzz-idcard-dump.c — what `haobanctl idcard parse` reads from a file (hb_idcard_dump_parse):
 * binary or hex frames. Any bytes: a clear error, or cards that passed every check. */
#include "kiosk/hb-idcard-dump.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards = hb_idcard_dump_parse (data, size, &error);

  g_assert_true ((cards == NULL) == (error != NULL));
  for (guint i = 0; cards && i < cards->len; i++)
    {
      const HbIdCard *card = cards->pdata[i];
      g_autoptr(JsonNode) masked = hb_idcard_dump_to_json (card, FALSE);
      g_assert_nonnull (masked);
      g_assert_true (hb_idcard_number_is_valid (card->id_number) || card->type != HB_IDCARD_TYPE_RESIDENT);
    }
  return 0;
}
