/* fuzz-json.c — the bounded JSON front door every parser of outside JSON goes through
 * (common/hb-json.c): whatever the bytes, no crash, and the depth bound holds. */
#include "common/hb-json.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hb_json_parse ((const char *) data, (gssize) size, 1 << 20, 8, &error);
  g_assert_true ((node == NULL) == (error != NULL));
  if (node)
    {
      g_autofree char *text = hb_json_to_string (node);
      g_assert_cmpuint (hb_json_depth (text, strlen (text), 9), <=, 8);
    }
  return 0;
}
