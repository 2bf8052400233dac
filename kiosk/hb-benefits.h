/* hb-benefits.h — 免申即享: benefits the platform grants an identified resident without an
 * application (POST /v1/benefits), each confirmed with one tap (POST /v1/benefits/confirm).
 *
 * The parser is pure and bounded (tests/fuzz/fuzz-benefits.c): at most HB_BENEFITS_MAX
 * benefits, every text bounded, money as integer fen. */
#pragma once

#include "kiosk/hb-service.h"
#include "offline-cache/hb-sync.h"

G_BEGIN_DECLS

#define HB_BENEFITS_MAX        8
#define HB_BENEFITS_REPLY_MAX  (32 * 1024)

typedef struct {
  char  *id;              /* [A-Za-z0-9_-]{1,64} */
  HbText name;
  HbText description;
  char  *department;
  gint64 amount_fen;      /* ≥ 0; 0 = not money (a service, a card) */
  char  *period;          /* "month", "year", "once" */
  char  *case_number;     /* once confirmed, else NULL */
} HbBenefit;

void       hb_benefit_free (HbBenefit *benefit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbBenefit, hb_benefit_free)

/* {"benefits": [...]} → HbBenefit* (transfer full), or NULL with G_IO_ERROR_INVALID_DATA. */
GPtrArray *hb_benefits_parse (const char *data, gsize length, GError **error);
/* "150.00 元/月" in the UI language; "" for amount 0. (transfer full) */
char      *hb_benefit_dup_amount_text (const HbBenefit *benefit);

/* The resident's benefits (id_number travels in the body, never in a URL). */
void       hb_benefits_list_async  (HbSync *sync, const char *id_number,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
GPtrArray *hb_benefits_list_finish (GAsyncResult *result, GError **error);
/* Confirm one; key makes a retry the same confirmation. Returns the case number. */
void       hb_benefits_confirm_async  (HbSync *sync, const char *id_number,
                                       const char *benefit_id, const char *key,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
char      *hb_benefits_confirm_finish (GAsyncResult *result, GError **error);

G_END_DECLS
