/* fuzz-cases.c — the 进度查询 reply parser and the receipt-number check (kiosk/hb-cases.c):
 * whatever the bytes, no crash, and what is accepted holds its bounds. */
#include "kiosk/hb-cases.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = hb_cases_parse ((const char *) data, size, &error);
  g_autofree char *text = g_strndup ((const char *) data, MIN (size, 128));
  g_assert_true ((cases == NULL) == (error != NULL));
  for (guint i = 0; cases && i < cases->len; i++)
    {
      HbCase *c = cases->pdata[i];
      g_assert_nonnull (c->case_number);
      g_assert_cmpuint (c->timeline->len, <=, HB_CASES_STEPS_MAX);
    }
  (void) hb_cases_is_reference (text);
  return 0;
}
