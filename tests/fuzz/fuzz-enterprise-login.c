/* fuzz-enterprise-login.c — the 企业登录 reply parser and the USCC checks
 * (kiosk/hb-enterprise-login.c): whatever the bytes, no crash; an accepted reply names an
 * enterprise with a valid code; a code is described as wrong exactly when it is invalid. */
#include "kiosk/hb-enterprise-login.h"
#include "kiosk/hb-form.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbEnterpriseLogin) login = hb_enterprise_login_parse ((const char *) data, size, &error);
  g_autofree char *code = g_strndup ((const char *) data, MIN (size, 64));
  g_autofree char *problem = hb_uscc_describe_problem (code);

  g_assert_true ((login == NULL) == (error != NULL));
  if (login)
    {
      g_assert_true (hb_uscc_is_valid (hb_enterprise_login_get_uscc (login)));
      g_assert_cmpuint (strlen (hb_enterprise_login_get_name (login)), >=, 1);
      g_assert_cmpuint (strlen (hb_enterprise_login_get_name (login)), <=, 256);
    }
  g_assert_true ((problem == NULL) == hb_uscc_is_valid (code));
  return 0;
}
