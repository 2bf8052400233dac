/* fuzz-licences.c — the electronic-licence reply parser (kiosk/hb-licences.c): whatever the
 * bytes, no crash; accepted types are short, distinct and safe to compare. */
#include "kiosk/hb-licences.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) types = hb_licences_parse ((const char *) data, size, &error);
  g_assert_true ((types == NULL) == (error != NULL));
  for (guint i = 0; types && types[i]; i++)
    {
      g_assert_cmpuint (strlen (types[i]), <=, 32);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (types[i], !=, types[j]);
    }
  return 0;
}
