/* fuzz-profile.c — the profile reply parser (kiosk/hb-profile.c): whatever the bytes, no
 * crash; what is accepted holds only short text or integers under safe names. */
#include "kiosk/hb-profile.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (JsonObject *o, guint max)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *v;

  g_assert_nonnull (o);
  g_assert_cmpuint (json_object_get_size (o), <=, max);
  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &name, &v))
    {
      g_assert_cmpuint (strlen (name), >=, 1);
      g_assert_cmpuint (strlen (name), <=, HB_PROFILE_NAME_MAX);
      g_assert_true (JSON_NODE_HOLDS_VALUE (v));
      if (json_node_get_value_type (v) == G_TYPE_STRING)
        g_assert_cmpuint (strlen (json_node_get_string (v)), <=, HB_PROFILE_VALUE_MAX);
      else
        g_assert_true (json_node_get_value_type (v) == G_TYPE_INT64);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbProfile) p = hb_profile_parse ((const char *) data, size, &error);
  g_assert_true ((p == NULL) == (error != NULL));
  if (p)
    {
      check (p->profile, HB_PROFILE_MAX_MEMBERS);
      check (p->history, HB_PROFILE_MAX_HISTORY);
    }
  return 0;
}
