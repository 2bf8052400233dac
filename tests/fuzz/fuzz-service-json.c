/* fuzz-service-json.c — a service object from the platform's catalog
 * (hb_service_new_from_json), then a form built on it with and without a person, and its
 * validation and display: everything a page does with catalog data. */
#include "kiosk/hb-service.h"
#include "kiosk/hb-form.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbService) service = hb_service_new_from_json ((const char *) data, (gssize) size, &error);
  g_autoptr(HbForm) form = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(JsonNode) json = NULL;
  GPtrArray *fields;

  if (service == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_nonnull (hb_service_get_code (service));
  g_assert_nonnull (hb_text_get (hb_service_get_name (service)));
  form = hb_form_new (service, NULL);
  fields = hb_service_get_fields (service);
  for (guint i = 0; i < fields->len; i++)
    {
      const HbFormField *f = fields->pdata[i];
      g_free (hb_form_dup_display_value (form, f->id));
      g_free (hb_form_dup_receipt_value (form, f->id));
      hb_form_set_value (form, f->id, "13812345678");
      g_free (hb_form_validate_field (form, f->id));
    }
  problems = hb_form_validate (form);
  json = hb_form_to_json (form);
  g_assert_nonnull (json);
  return 0;
}
