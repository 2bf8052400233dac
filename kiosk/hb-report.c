/* hb-report.c — 办不成事 reasons and the report body. */
#include "kiosk/hb-report.h"
#include "common/hb-json.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

static const char *const REASONS[] = {
  N_("不会操作"), N_("材料不全"), N_("系统故障"), N_("设备故障"), N_("不符合条件"), N_("其他"), NULL,
};

const char *const *
hb_report_reasons (void)
{
  return REASONS;
}

static gboolean
mobile_ok (const char *s)
{
  if (strlen (s) != 11 || s[0] != '1')
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
add (JsonBuilder *b, const char *member, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

char *
hb_report_build_body (const HbReport *r, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (r->reason == NULL || !g_strv_contains (REASONS, r->reason))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown reason");
      return NULL;
    }
  if (r->detail && g_utf8_strlen (r->detail, -1) > HB_REPORT_DETAIL_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "detail longer than %d characters", HB_REPORT_DETAIL_MAX);
      return NULL;
    }
  if (r->contact_phone && *r->contact_phone && !mobile_ok (r->contact_phone))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the contact phone is not an 11-digit mobile number");
      return NULL;
    }
  json_builder_begin_object (b);
  add (b, "idempotency_key", r->idempotency_key);
  add (b, "terminal_id", r->terminal_id);
  add (b, "service_code", r->service_code);
  add (b, "step", r->step ? r->step : "unknown");
  add (b, "reason", r->reason);
  if (r->detail && *r->detail)
    add (b, "detail", r->detail);
  if (r->contact_phone && *r->contact_phone)
    add (b, "contact_phone", r->contact_phone);
  add (b, "reported_at", r->reported_at);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return hb_json_to_string (root);
}
