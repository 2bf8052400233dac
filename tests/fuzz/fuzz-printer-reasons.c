/* fuzz-printer-reasons.c — printer-state-reasons lists as cupsd or a printer sends them. */
#include "drivers/printer/hb-printer-reasons.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  char **reasons = hb_printer_reasons_parse ((const char *) data, size, &error);

  if (reasons == NULL)
    {
      g_assert (error != NULL);
      g_error_free (error);
      return 0;
    }
  g_assert (g_strv_length (reasons) <= HB_PRINTER_REASONS_MAX);
  for (int state = 0; state <= 6; state++)
    {
      HbPrinterCondition c = { 0 };
      hb_printer_reasons_evaluate ((const char *const *) reasons, state, &c);
      g_assert (c.paper != HB_PAPER_UNKNOWN);
      g_assert ((c.fault == HB_PRINTER_FAULT_NONE) == (hb_printer_fault_message (c.fault) == NULL));
      if (c.detail)
        g_assert (strlen (c.detail) <= (HB_PRINTER_REASON_MAX_LEN + 1) * HB_PRINTER_REASONS_MAX + 16);
      hb_printer_condition_clear (&c);
    }
  g_strfreev (reasons);
  return 0;
}
