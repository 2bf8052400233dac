/* hb-cases.h — 进度查询: a resident's cases and their status timelines
 * (POST /v1/cases/query), by the number on a receipt (typed or its QR scanned) or for the
 * identified resident. The parser is pure and bounded (tests/fuzz/fuzz-cases.c). */
#pragma once

#include "kiosk/hb-service.h"
#include "offline-cache/hb-sync.h"

G_BEGIN_DECLS

#define HB_CASES_MAX        20
#define HB_CASES_STEPS_MAX  12
#define HB_CASES_REPLY_MAX  (64 * 1024)

typedef struct {
  char  *status;      /* "submitted", "accepted", "in_review", "completed" … */
  char  *at;          /* ISO 8601 as sent */
  HbText note;
} HbCaseStep;

typedef struct {
  char      *case_number;
  char      *service_code;
  HbText     service_name;
  char      *submitted_at;
  char      *status;
  HbText     status_name;
  GPtrArray *timeline;   /* HbCaseStep*, oldest first */
} HbCase;

void       hb_case_free (HbCase *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbCase, hb_case_free)

/* {"cases": [...]} → HbCase* (transfer full), or NULL with G_IO_ERROR_INVALID_DATA. */
GPtrArray *hb_cases_parse (const char *data, gsize length, GError **error);

/* Whether text is a number a receipt carries: a case number (SH…, MS…: letters then
 * digits) or a queued reference (HB<YYYYMMDD>-<8 hex>). Spaces ignored. */
gboolean   hb_cases_is_reference (const char *text);

/* Exactly one of case_number / id_number. An unknown case number is G_IO_ERROR_NOT_FOUND. */
void       hb_cases_query_async  (HbSync *sync, const char *case_number, const char *id_number,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
GPtrArray *hb_cases_query_finish (GAsyncResult *result, GError **error);

G_END_DECLS
