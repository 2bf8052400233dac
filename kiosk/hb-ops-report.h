/* hb-ops-report.h — the monthly operations report (运营报告): an A4 PDF made on the terminal
 * from its own usage counters (offline-cache/hb-usage.h) — visits, completion and abandon
 * rates, 办不成事 reasons, rating distribution, device availability, outbox delivery delays —
 * with charts (kiosk/hb-chart.h). Nothing personal is in it: the counters hold none.
 * Rendering is pure (no devices, no files, no network): PDF bytes out.
 * docs/operations-report.md describes the content. */
#pragma once

#include "offline-cache/hb-usage.h"

G_BEGIN_DECLS

typedef struct {
  const char           *terminal_id;   /* printed in the title */
  const char           *month;         /* "YYYY-MM", printed in the title */
  const HbUsageSummary *summary;       /* the month's counters */
  GDateTime            *generated_at;  /* local time; NULL: now */
  /* Names for service codes (code → 服务名称, const char * both); may be NULL, and a code
   * without a name prints as the code. 办不成事 reasons print as recorded (they are the
   * Chinese names the platform API uses). */
  GHashTable           *service_names;
} HbOpsReport;

/* Render synchronously (haobanctl, tests). Errors: HB_DOCUMENT_ERROR (kiosk/hb-document.h):
 * _INVALID (missing terminal id / month / summary), _RENDER. */
GBytes *hb_ops_report_render (const HbOpsReport *report, GError **error);

/* ---- upload (POST /v1/operations-reports, docs/platform-api.md) ------------------------ */

#define HB_OPS_REPORT_OUTBOX_KIND "operations-report"
#define HB_OPS_REPORT_PATH        "/v1/operations-reports"

/* The JSON body for pdf. key: its idempotency key; NULL: derived from terminal, month and
 * the PDF's SHA-256 (the same PDF is one upload), returned in *key_out (may be NULL).
 * (transfer full) */
char   *hb_ops_report_upload_body (const char *terminal_id, const char *month, GBytes *pdf,
                                   const char *key, char **key_out);
/* The key of the report the kiosk queues by itself once per terminal and month. */
char   *hb_ops_report_auto_key (const char *terminal_id, const char *month);
/* "YYYY-MM" of the calendar month before the one holding `now` (unix s, local time). */
char   *hb_ops_report_previous_month (gint64 now);

/* Summarizes month from usage, renders the report and returns its upload body with key
 * (blocking: a worker thread). NULL without an error when the month holds no event at all
 * (nothing to report, e.g. a terminal installed since). service_names as in HbOpsReport. */
char   *hb_ops_report_build_upload (HbUsage *usage, const char *terminal_id, const char *month,
                                    GHashTable *service_names, const char *key,
                                    GError **error);

G_END_DECLS
