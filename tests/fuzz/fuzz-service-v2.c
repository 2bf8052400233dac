/* fuzz-service-v2.c — a version-2 service object (hb_service_new_from_json) and, when it
 * parses, every condition in it (situations' ask_if, materials' required_if, fields'
 * ask_if, prereview when/require) evaluated against an empty context, then guidance and
 * pre-review over an empty form: what a resident's first page does with catalog data. */
#include "kiosk/hb-service.h"
#include "kiosk/hb-guidance.h"
#include "kiosk/hb-prereview.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbService) service = hb_service_new_from_json ((const char *) data, (gssize) size, &error);
  static const HbConditionContext empty = { 0 };
  g_autoptr(HbForm) form = NULL;
  g_autoptr(GPtrArray) items = NULL, problems = NULL, asked = NULL;
  GPtrArray *a;

  if (service == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  a = hb_service_get_situations (service);
  for (guint i = 0; i < a->len; i++)
    (void) hb_condition_eval (((HbSituation *) a->pdata[i])->ask_if, &empty);
  a = hb_service_get_materials (service);
  for (guint i = 0; i < a->len; i++)
    (void) hb_condition_eval (((HbMaterial *) a->pdata[i])->required_if, &empty);
  a = hb_service_get_fields (service);
  for (guint i = 0; i < a->len; i++)
    (void) hb_condition_eval (((HbFormField *) a->pdata[i])->ask_if, &empty);
  a = hb_service_get_prereview (service);
  for (guint i = 0; i < a->len; i++)
    {
      HbPrereviewRule *r = a->pdata[i];
      (void) hb_condition_eval (r->when, &empty);
      (void) hb_condition_eval (r->require, &empty);
    }
  (void) hb_guidance_next_situation (service, NULL);
  items = hb_guidance_materials (service, NULL, NULL, NULL);
  form = hb_form_new (service, NULL);
  problems = hb_prereview_run (form, NULL, NULL, NULL, NULL);
  asked = hb_prereview_asked_fields (form, NULL, NULL, NULL);
  g_assert_cmpuint (asked->len, <=, hb_service_get_fields (service)->len);
  return 0;
}
