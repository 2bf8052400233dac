/* hb-report.h — 办不成事 ("I couldn't get it done"): the reasons a resident can give, and the
 * report the platform receives (POST /v1/reports, queued in the outbox like an application,
 * so it is delivered exactly once even offline). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_REPORT_DETAIL_MAX 200   /* characters */

/* The documented reasons (docs/platform-api.md), as sent; untranslated: _() them to show.
 * NULL-terminated. */
const char *const *hb_report_reasons (void);

typedef struct {
  const char *idempotency_key;
  const char *terminal_id;
  const char *service_code;    /* may be NULL (reported from the catalog or attract page) */
  const char *step;            /* the page: "form", "guide" … */
  const char *reason;          /* one of hb_report_reasons () */
  const char *detail;          /* may be NULL */
  const char *contact_phone;   /* may be NULL: 11-digit mobile, for the call back */
  const char *reported_at;     /* ISO 8601 */
} HbReport;

/* The JSON body, or NULL with G_IO_ERROR_INVALID_ARGUMENT (unknown reason, detail too
 * long, a phone that is not a mobile number). The error never quotes the phone. */
char *hb_report_build_body (const HbReport *report, GError **error);

G_END_DECLS
