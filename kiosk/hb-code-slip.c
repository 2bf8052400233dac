/* hb-code-slip.c — the offline code slip as PDF (and as pixels for tests).
 *
 * One drawing function serves both: it lays the panel out in points with the documents'
 * pango context and text drawing (hb-document-private.h: no hinting, and the outline
 * layer that works around cairo 1.16's CFF subsetter) on whatever cairo context it gets. */
#include "kiosk/hb-code-slip-private.h"

#include "kiosk/hb-document-private.h"
#include "kiosk/hb-qr.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#define MM(v) HB_DOCUMENT_MM (v)
#define SLIP_CODE_MAX    2048
#define A4_W             MM (210)
#define A4_H             MM (297)
#define PANEL_X          MM (20)
#define PANEL_Y          MM (20)
#define PANEL_W          MM (90)
#define PANEL_H          MM (135)
#define PANEL_PAD        MM (6)
#define QR_TARGET        MM (64)
/* Below this a phone-screen scanner or a worn print loses modules. */
#define QR_MIN_MODULE    MM (0.33)

typedef struct {
  PangoContext *pc;
  HbQrCode     *qr;
  char         *expires;
  char         *footer;
} Slip;

static void
slip_clear (Slip *s)
{
  hb_qr_code_free (s->qr);
  g_free (s->expires);
  g_free (s->footer);
  g_clear_object (&s->pc);
}

/* Draws text centred in the panel at *y (two lines at most: a name or a date never pushes
 * the QR code off the panel) and moves *y below it. */
static void
slip_line (Slip *s, cairo_t *cr, const char *text, double pt, gboolean bold, double *y)
{
  g_autoptr(PangoLayout) l = hb_document_layout_new (s->pc, text, pt, bold,
                                                     PANEL_W - 2 * PANEL_PAD,
                                                     PANGO_ALIGN_CENTER, 3 * pt);

  hb_document_draw_layout (cr, l, PANEL_PAD, *y, 0.0, 1.0);
  *y += hb_document_layout_height (l) + MM (1.5);
}

static gboolean
slip_setup (Slip *s, const HbCodeSlip *slip, GError **error)
{
  gsize len = slip->code ? strlen (slip->code) : 0;

  if (len == 0 || len > SLIP_CODE_MAX)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "offline code is empty or longer than %u characters", SLIP_CODE_MAX);
      return FALSE;
    }
  /* base64url and dots only: anything else is not a code the platform issued. */
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (slip->code[i]) && strchr ("-_.", slip->code[i]) == NULL)
      {
        g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                     "offline code has a character outside base64url");
        return FALSE;
      }
  if (slip->expires == NULL ||
      (slip->masked_name && !g_utf8_validate (slip->masked_name, -1, NULL)) ||
      (slip->masked_name && g_utf8_strlen (slip->masked_name, -1) > 64))
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "offline code slip without expiry, or with an unusable name");
      return FALSE;
    }

  s->pc = hb_document_pango_context_new (error);
  if (s->pc == NULL)
    return FALSE;
  s->qr = hb_qr_encode (slip->code, error);
  if (s->qr == NULL)
    return FALSE;
  if (QR_TARGET / hb_qr_code_full_size (s->qr) < QR_MIN_MODULE)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "offline code too long for a scannable symbol on the slip");
      return FALSE;
    }
  g_autofree char *date = g_date_time_format (slip->expires, "%Y-%m-%d");
  s->expires = g_strdup_printf (_("有效期至 %s"), date);
  if (slip->issued_at)
    {
      g_autofree char *at = g_date_time_format (slip->issued_at, "%Y-%m-%d %H:%M");
      s->footer = g_strdup_printf (_("终端 %s 打印于 %s"),
                                   slip->terminal_id ? slip->terminal_id : "-", at);
    }
  return TRUE;
}

/* The panel with its top-left corner at the origin of cr; cr NULL: the measuring pass, which
 * shows the text to the document's font subsets (hb_document_draw_layout). */
static void
slip_draw_panel (Slip *s, const HbCodeSlip *slip, cairo_t *cr)
{
  const double dash[] = { MM (2), MM (1.5) };
  double y = PANEL_PAD;
  double module = QR_TARGET / hb_qr_code_full_size (s->qr);
  double qr_size = module * hb_qr_code_full_size (s->qr);

  slip_line (s, cr, _("随申码 · 离线码"), 18, TRUE, &y);
  slip_line (s, cr, _("上海“一网通办”自助终端"), 9, FALSE, &y);
  if (slip->masked_name && *slip->masked_name)
    slip_line (s, cr, slip->masked_name, 16, TRUE, &y);
  y += MM (1);
  if (cr != NULL)
    hb_qr_draw (s->qr, cr, (PANEL_W - qr_size) / 2, y, module);
  y += qr_size + MM (2);
  slip_line (s, cr, s->expires, 13, TRUE, &y);
  slip_line (s, cr, _("办事时将此码对准自助终端的扫码口"), 9, FALSE, &y);
  slip_line (s, cr, _("请妥善保管；遗失请到窗口作废"), 9, FALSE, &y);
  if (s->footer)
    slip_line (s, cr, s->footer, 7, FALSE, &y);

  if (cr == NULL)
    return;
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 0.8);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_rectangle (cr, 0, 0, PANEL_W, PANEL_H);
  cairo_stroke (cr);
  cairo_restore (cr);
}

GBytes *
hb_code_slip_render (const HbCodeSlip *slip, GError **error)
{
  Slip s = { 0 };
  HbDocumentPdfSink sink;
  cairo_surface_t *surface = NULL;
  cairo_t *cr;
  cairo_status_t status;
  GBytes *pdf;

  g_return_val_if_fail (slip != NULL, NULL);
  if (!slip_setup (&s, slip, error))
    {
      slip_clear (&s);
      return NULL;
    }
  for (int pass = 0; pass < 2; pass++)
    {
      cr = NULL;
      if (pass == 1)
        {
          surface = hb_document_pdf_surface_new (&sink, A4_W, A4_H, _("随申码离线码"),
                                                 slip->issued_at);
          cr = cairo_create (surface);
          cairo_save (cr);
          cairo_translate (cr, PANEL_X, PANEL_Y);
        }
      slip_draw_panel (&s, slip, cr);
      double y = PANEL_Y + PANEL_H + MM (3);
      if (cr != NULL)
        {
          cairo_restore (cr);
          cairo_translate (cr, PANEL_X - PANEL_PAD, 0);
        }
      slip_line (&s, cr, _("✂ 请沿虚线剪下，随身携带"), 10, FALSE, &y);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  pdf = hb_document_pdf_finish (&sink, surface, status, error);
  slip_clear (&s);
  return pdf;
}

cairo_surface_t *
hb_code_slip_render_image (const HbCodeSlip *slip, double dpi, GError **error)
{
  Slip s = { 0 };
  double scale = dpi / 72.0;
  cairo_surface_t *surface;
  cairo_t *cr;

  if (!slip_setup (&s, slip, error))
    {
      slip_clear (&s);
      return NULL;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (PANEL_W * scale),
                                        (int) ceil (PANEL_H * scale));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  slip_draw_panel (&s, slip, cr);
  cairo_destroy (cr);
  slip_clear (&s);
  cairo_surface_flush (surface);
  return surface;
}

/* ---- async ------------------------------------------------------------------------------ */

typedef struct {
  char      *code;
  char      *name;
  GDateTime *expires;
  char      *terminal_id;
  GDateTime *issued_at;
} SlipJob;

static void
slip_job_free (gpointer data)
{
  SlipJob *j = data;
  if (j->code)
    explicit_bzero (j->code, strlen (j->code));
  if (j->name)
    explicit_bzero (j->name, strlen (j->name));
  g_free (j->code);
  g_free (j->name);
  g_free (j->terminal_id);
  g_clear_pointer (&j->expires, g_date_time_unref);
  g_clear_pointer (&j->issued_at, g_date_time_unref);
  g_free (j);
}

static void
slip_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SlipJob *j = task_data;
  HbCodeSlip slip = { j->code, j->name, j->expires, j->terminal_id, j->issued_at };
  GError *error = NULL;
  GBytes *pdf = hb_code_slip_render (&slip, &error);

  if (pdf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pdf, (GDestroyNotify) g_bytes_unref);
}

void
hb_code_slip_render_async (const HbCodeSlip *slip, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SlipJob *j = g_new0 (SlipJob, 1);

  g_task_set_source_tag (task, hb_code_slip_render_async);
  j->code = g_strdup (slip->code);
  j->name = g_strdup (slip->masked_name);
  j->expires = slip->expires ? g_date_time_ref (slip->expires) : NULL;
  j->terminal_id = g_strdup (slip->terminal_id);
  j->issued_at = slip->issued_at ? g_date_time_ref (slip->issued_at) : NULL;
  g_task_set_task_data (task, j, slip_job_free);
  g_task_run_in_thread (task, slip_thread);
}

GBytes *
hb_code_slip_render_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
