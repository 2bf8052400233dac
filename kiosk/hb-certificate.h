/* hb-certificate.h — proofs and certificates the platform issues (社保缴费证明, 不动产登记信息 …)
 * and copies of e-licences (电子证照复印件), parsed from the platform's JSON and rendered to
 * A4 PDF with a header and "page x of n" footer on every page and a verification QR.
 *
 * The JSON (docs/documents.md, "Certificates"):
 *   { "kind": "proof" | "licence_copy", "title": …, "issuer": …, "serial": …,
 *     "issued_at": "2024-05-01T10:30:00+08:00",
 *     "holder": [ { "label": "姓名", "value": "张三", "mask": "name" }, … ],
 *     "table": { "columns": [ … ], "rows": [ [ … ], … ] },
 *     "notes": [ … ], "verify_url": "https://…",
 *     "watermark": { "purpose": "办理入学手续", "date": "2024-05-02", "text": … } }
 * Holder values are masked here by their "mask" flag; the unmasked bytes are wiped.
 * A licence copy requires a watermark; it prints diagonally, repeated, in light grey on
 * every page, as outlines, so the text below stays extractable. */
#pragma once

#include "kiosk/hb-document.h"

G_BEGIN_DECLS

/* Bounds of the platform's document (checked while parsing). */
#define HB_CERTIFICATE_MAX_BYTES       (512u * 1024u)
#define HB_CERTIFICATE_MAX_DEPTH       6
#define HB_CERTIFICATE_MAX_FIELD_BYTES 1024
#define HB_CERTIFICATE_MAX_HOLDER      12
#define HB_CERTIFICATE_MAX_COLUMNS     8
#define HB_CERTIFICATE_MAX_ROWS        2000
#define HB_CERTIFICATE_MAX_NOTES       16

typedef enum {
  HB_CERTIFICATE_PROOF,          /* proof / certificate issued for the resident */
  HB_CERTIFICATE_LICENCE_COPY,   /* copy of an e-licence, watermarked */
} HbCertificateKind;

typedef enum {
  HB_CERTIFICATE_MASK_NONE,
  HB_CERTIFICATE_MASK_NAME,       /* 张三丰 → 张** */
  HB_CERTIFICATE_MASK_ID_NUMBER,  /* first 3 and last 4 kept */
  HB_CERTIFICATE_MASK_PHONE,      /* first 3 and last 4 kept */
  HB_CERTIFICATE_MASK_ADDRESS,    /* first 6 characters kept, then *** */
  HB_CERTIFICATE_MASK_ALL,        /* every character → * */
} HbCertificateMask;

typedef struct _HbCertificate HbCertificate;

/* Parse the platform's JSON (bounded by hb_json_parse). Errors: HB_DOCUMENT_ERROR_INVALID
 * naming the member (never its value), or HB_JSON_ERROR for size/depth/syntax. */
HbCertificate *hb_certificate_parse (const char *data, gsize length, GError **error);
void           hb_certificate_free  (HbCertificate *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbCertificate, hb_certificate_free)

HbCertificateKind hb_certificate_get_kind       (const HbCertificate *cert);
const char       *hb_certificate_get_title      (const HbCertificate *cert);
const char       *hb_certificate_get_serial     (const HbCertificate *cert);
guint             hb_certificate_get_n_rows     (const HbCertificate *cert);
/* Holder field i as it prints (masked); NULL past the end. */
const char       *hb_certificate_get_holder_value (const HbCertificate *cert, guint i);
/* The watermark line as it prints ("仅供…使用，再次复印无效 · 2024-05-02"); NULL if none. */
const char       *hb_certificate_get_watermark  (const HbCertificate *cert);

/* Mask a value by flag (transfer full). Exposed for tests. */
char *hb_certificate_mask (const char *value, HbCertificateMask mask);

/* A4 PDF. Fails HB_DOCUMENT_ERROR_RENDER (fonts, QR, cairo, size). */
GBytes *hb_certificate_render (const HbCertificate *cert, GError **error);
/* The same, also reporting the page count. */
GBytes *hb_certificate_render_with_pages (const HbCertificate *cert, guint *n_pages,
                                          GError **error);

/* Parse (a copy of) the platform's JSON and render it on a worker thread; the copy is
 * wiped. finish: the PDF and the document's title (for the print job), or the error of
 * hb_certificate_parse or hb_certificate_render. */
void    hb_certificate_render_json_async  (const char *data, gsize length,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GBytes *hb_certificate_render_json_finish (GAsyncResult *result, char **title, GError **error);

G_END_DECLS
