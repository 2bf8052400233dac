/* fuzz-provision-reply.c — the parser of POST /v1/terminals/register answers
 * (kiosk/hb-provision.h). */
#include "kiosk/hb-provision.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  HbProvisionReply reply;

  if (!hb_provision_parse_reply ((const char *) data, size, &reply, &error))
    {
      g_assert_true (error != NULL && error->domain == HB_PROVISION_ERROR &&
                     error->code == HB_PROVISION_ERROR_INVALID_REPLY);
      g_assert_null (reply.terminal_id);
      g_assert_null (reply.certificate);
      return 0;
    }
  g_assert_cmpuint (strlen (reply.terminal_id), >, 0);
  g_assert_cmpuint (strlen (reply.terminal_id), <=, HB_PROVISION_ID_MAX);
  g_assert_cmpuint (strlen (reply.certificate), <=, HB_PROVISION_PEM_MAX);
  g_assert_cmpuint (strlen (reply.ca), <=, HB_PROVISION_PEM_MAX);
  g_assert_cmpuint (strlen (reply.platform_url), <=, HB_PROVISION_URL_MAX);
  g_assert_nonnull (strstr (reply.certificate, "-----BEGIN CERTIFICATE-----"));
  hb_provision_reply_clear (&reply);
  return 0;
}
