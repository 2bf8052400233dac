/* fuzz-benefits.c — the 免申即享 reply parser (kiosk/hb-benefits.c): whatever the bytes, no
 * crash, and what it accepts holds its bounds. */
#include "kiosk/hb-benefits.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = hb_benefits_parse ((const char *) data, size, &error);
  g_assert_true ((list == NULL) == (error != NULL));
  for (guint i = 0; list && i < list->len; i++)
    {
      HbBenefit *b = list->pdata[i];
      g_assert_true (list->len <= HB_BENEFITS_MAX);
      g_assert_nonnull (b->id);
      g_assert_true (strchr (b->id, '/') == NULL);
      g_assert_cmpint (b->amount_fen, >=, 0);
      g_free (hb_benefit_dup_amount_text (b));
    }
  return 0;
}
