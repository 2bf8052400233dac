/* fuzz-staff-allowlist.c — the staff allow-list parser (GET /v1/staff, kiosk/hb-staff-auth.c)
 * and the PIN hash string parser (config): whatever the bytes, no crash; an accepted list
 * is bounded, its ids and digests well-formed and its digests distinct. */
#include "kiosk/hb-staff-auth.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStaffAllowlist) list = hb_staff_allowlist_parse ((const char *) data, size, &error);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_true ((list == NULL) == (error != NULL));
  if (list)
    {
      g_assert_cmpuint (strlen (list->version), >=, 1);
      g_assert_cmpuint (strlen (list->version), <=, 64);
      g_assert_cmpuint (list->entries->len, <=, HB_STAFF_ALLOWLIST_MAX);
      for (guint i = 0; i < list->entries->len; i++)
        {
          HbStaffEntry *e = list->entries->pdata[i];
          g_assert_cmpuint (strlen (e->staff_id), >=, 1);
          g_assert_cmpuint (strlen (e->staff_id), <=, 32);
          g_assert_cmpuint (strlen (e->id_number_sm3), ==, 64);
          g_assert_true (e->role == HB_STAFF_ROLE_STAFF || e->role == HB_STAFF_ROLE_TECHNICIAN);
          g_assert_false (g_hash_table_contains (seen, e->id_number_sm3));
          g_hash_table_add (seen, e->id_number_sm3);
        }
    }

  /* The same bytes as a config value: a hash string (short inputs only: a valid one costs
   * a PBKDF2 run in verify, which is not done here). */
  if (size <= 256)
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autoptr(GError) herr = NULL;
      gboolean ok = hb_staff_auth_validate_hash (text, &herr);
      g_assert_true (ok == (herr == NULL));
    }
  return 0;
}
