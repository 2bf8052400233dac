/* hb-document.c — the receipt (办件回执) as PDF: laid out with pango, drawn with cairo.
 *
 * Every page is produced by the same layout pass run twice: once without a cairo context
 * to measure (the 80 mm receipt's height, the A4 page count for "page x of n"), then
 * for real on a PDF surface of the measured size. Both passes make identical decisions
 * because they share one PangoContext with hinting and glyph rounding switched off. */
#include "kiosk/hb-document.h"

#include "kiosk/hb-document-private.h"
#include "kiosk/hb-pdf-text.h"
#include "kiosk/hb-qr.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

G_DEFINE_QUARK (hb-document-error-quark, hb_document_error)
/* The HbPdfText of a document, on its PangoContext. */
static G_DEFINE_QUARK (hb-document-pdf-text, pdf_text)

#define HB_DOC_FONT_FAMILY HB_DOCUMENT_FONT_FAMILY
#define HB_DOC_CREATOR     "Haoban"

#define MM(v) ((v) * 72.0 / 25.4)
/* Background of the queued notice on A4 (laser printers reproduce the tint). */
#define HB_DOC_NOTICE_TINT 0.94
/* Largest page side PDF readers accept (ISO 32000 implementation limit: 200 in). */
#define HB_DOC_PDF_MAX_SIDE 14400.0

/* ---- fixed labels ----------------------------------------------------------------------
 * Chinese is the source language (marked with N_ for xgettext). The receipt's language is
 * its own, not the process's: the UI switches language at run time and may render a
 * receipt for a resident who chose English while gettext is set to Chinese, or the other
 * way round. So the label is picked here from the receipt's language, not through _(). */
typedef struct {
  const char *zh;
  const char *en;
} HbDocLabel;

static const HbDocLabel LABEL_CASE_NUMBER = { N_("办件编号"), "Case number" };
static const HbDocLabel LABEL_QUEUED_REF  = { N_("受理凭证号"), "Queued reference" };
static const HbDocLabel LABEL_NOTICE      = {
  N_("网络暂不可用，申请已安全保存在本机，恢复联网后自动提交，无需再次办理。"),
  "The network is unavailable. Your application is saved on this terminal and will be "
  "sent automatically when the connection returns; you do not need to apply again."
};
static const HbDocLabel LABEL_APPLICANT   = { N_("申请人"), "Applicant" };
static const HbDocLabel LABEL_SUBMITTED   = { N_("提交时间"), "Submitted" };
static const HbDocLabel LABEL_TERMINAL    = { N_("终端编号"), "Terminal" };
static const HbDocLabel LABEL_DETAILS     = { N_("申请信息"), "Application details" };
static const HbDocLabel LABEL_QR_CAPTION  = { N_("扫码查询办件"), "Scan to look up this case" };
static const HbDocLabel LABEL_NEXT_STEPS  = { N_("后续事项"), "Next steps" };
static const HbDocLabel LABEL_NEXT_STEP   = {
  N_("工作人员将按承诺时限审核办理，结果以短信通知。"),
  "Staff will review your application within the promised time; you will be told the "
  "result by text message."
};
static const HbDocLabel LABEL_NEXT_STEP_QUEUED = {
  N_("恢复联网后自动提交，提交成功后将以短信通知您。"),
  "It will be sent when the connection returns; a text message will confirm it."
};
static const HbDocLabel LABEL_COLLECT_AT  = {
  N_("领取方式以申请信息为准；窗口领取请携带本人身份证件及本回执。"),
  "Collect the result as chosen in your application; at a counter, bring your ID card "
  "and this receipt."
};
static const HbDocLabel LABEL_PROGRESS    = {
  N_("扫描二维码、登录“随申办”或拨打 12345，凭编号查询办理进度。"),
  "Scan the QR code, use the Suishenban app or call 12345 with this number to check "
  "progress."
};
static const HbDocLabel LABEL_CONTINUED   = { N_("（续）"), " (continued)" };
static const HbDocLabel LABEL_FOOTER      = {
  N_("咨询电话 12345 · 上海市一网通办"), "Hotline 12345 · Shanghai One Network"
};

/* ---- page styles ----------------------------------------------------------------------- */
typedef struct {
  double   page_width;
  double   page_height;     /* 0: computed from the content */
  double   margin_x, margin_top, margin_bottom;
  double   title_pt, service_pt, ref_label_pt, ref_pt, body_pt, notice_pt, small_pt;
  double   qr_target;       /* preferred QR side, quiet zone included */
  double   qr_min_module;
  double   qr_snap;         /* module and origin on this grid (printer dots); 0: none */
  double   label_min;       /* label column width bounds */
  double   label_max_frac;
  double   gap;             /* between the label and value columns */
  double   para;            /* between blocks */
  double   value_max_h;     /* one row value at most this tall (then ellipsized) */
  gboolean greys;           /* laser: greys and tints; thermal: black only */
} HbDocStyle;

static const HbDocStyle STYLE_A4 = {
  .page_width = 595.2756, .page_height = 841.8898,
  .margin_x = MM (20), .margin_top = MM (18), .margin_bottom = MM (14),
  .title_pt = 20, .service_pt = 13, .ref_label_pt = 10, .ref_pt = 22,
  .body_pt = 11, .notice_pt = 11.5, .small_pt = 9,
  .qr_target = MM (36), .qr_min_module = MM (0.35), .qr_snap = 0,
  .label_min = MM (22), .label_max_frac = 0.38, .gap = MM (4), .para = MM (5),
  .value_max_h = 400, .greys = TRUE,
};

/* 80 mm roll, 72 mm printed; 203 dpi heads print 8 dots per mm. */
static const HbDocStyle STYLE_RECEIPT = {
  .page_width = MM (80), .page_height = 0,
  .margin_x = MM (4), .margin_top = MM (4), .margin_bottom = MM (6),
  .title_pt = 13, .service_pt = 10, .ref_label_pt = 8.5, .ref_pt = 15,
  .body_pt = 8.5, .notice_pt = 9, .small_pt = 7.5,
  .qr_target = MM (30), .qr_min_module = MM (0.25), .qr_snap = MM (0.125),
  .label_min = MM (12), .label_max_frac = 0.40, .gap = MM (2), .para = MM (3),
  .value_max_h = 600, .greys = FALSE,
};

/* ---- renderer state --------------------------------------------------------------------- */
typedef struct {
  const HbReceipt      *receipt;
  HbPaperFormat         format;
  const HbDocStyle     *st;
  gboolean              en;
  PangoContext         *pc;
  HbQrCode             *qr;
  char                 *submitted;    /* "YYYY-MM-DD HH:MM" or NULL */
  cairo_t              *cr;           /* NULL while measuring */
  double                page_height;
  double                content_w;
  double                content_bottom;
  double                label_w;        /* label column of the form rows */
  double                fixed_label_w;  /* … of applicant / submitted / terminal */
  double                y;
  double                page_top;       /* where content starts on this page */
  guint                 page;
  guint                 n_pages;
  HbDocumentLayoutInfo  info;
} HbDoc;

static const char *
doc_label (const HbDoc *d, const HbDocLabel *label)
{
  return d->en ? label->en : label->zh;
}

static gboolean
language_is_english (const char *language)
{
  return language != NULL
         && g_ascii_strncasecmp (language, "en", 2) == 0
         && (language[2] == '\0' || language[2] == '_' || language[2] == '-'
             || language[2] == '.');
}

/* Control characters other than newlines would print as hex boxes, and bidirectional
 * overrides could make a typed-in value display as something else: dropped. */
static gboolean
is_bidi_control (gunichar c)
{
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E
         || c == 0x200F || c == 0x061C;
}

#define wipe_string hb_document_wipe_string

static char *
doc_clean_text (const char *text)
{
  GString *s = g_string_sized_new (text != NULL ? strlen (text) : 0);
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if ((c < 0x20 && c != '\n') || c == 0x7F)
        g_string_append_c (s, ' ');
      else if (!is_bidi_control (c))
        g_string_append_unichar (s, c);
    }
  return g_string_free (s, FALSE);
}

void
hb_document_wipe_string (char *s)
{
  if (s != NULL)
    {
      explicit_bzero (s, strlen (s));
      g_free (s);
    }
}

/* width ≤ 0: one unwrapped line per paragraph. max_h > 0: lines past it are dropped and
 * the last one ellipsized, so pathological values cannot outgrow a page. */
PangoLayout *
hb_document_layout_new (PangoContext *pc, const char *text, double size_pt, gboolean bold,
                        double width, PangoAlignment align, double max_h)
{
  PangoLayout *layout = pango_layout_new (pc);
  PangoFontDescription *font = pango_font_description_new ();
  pango_font_description_set_family_static (font, HB_DOC_FONT_FAMILY);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_size (font, (int) lround (size_pt * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  if (width > 0)
    {
      pango_layout_set_width (layout, (int) floor (width * PANGO_SCALE));
      /* Words where possible; long case numbers and IDs break anywhere. */
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      if (max_h > 0)
        {
          pango_layout_set_height (layout, (int) floor (max_h * PANGO_SCALE));
          pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
        }
    }
  pango_layout_set_alignment (layout, align);

  char *clean = doc_clean_text (text);
  pango_layout_set_text (layout, clean, -1);
  wipe_string (clean);
  return layout;
}

static PangoLayout *
doc_text (HbDoc *d, const char *text, double size_pt, gboolean bold, double width,
          PangoAlignment align, double max_h)
{
  return hb_document_layout_new (d->pc, text, size_pt, bold, width, align, max_h);
}

double
hb_document_layout_height (PangoLayout *layout)
{
  PangoRectangle logical;
  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

double
hb_document_layout_width (PangoLayout *layout)
{
  PangoRectangle logical;
  pango_layout_get_extents (layout, NULL, &logical);
  return (double) (logical.x + logical.width) / PANGO_SCALE;
}

/* Text is normally drawn through a subset of its font made for the document
 * (hb-pdf-text.c): the measuring pass (cr NULL) collects the glyphs, the drawing pass
 * shows them. A layout the measuring pass did not see is drawn twice instead. What prints
 * is then the glyph outlines, filled as paths: cairo 1.16's own CFF subsetter miscounts
 * hint-mask bytes when a glyph's first hintmask follows path operators, drops subroutines
 * such glyphs call, and some Noto Sans CJK glyphs (e.g. “如”) then print blank or as a box.
 * Underneath, the same layout as real text in the colour of the background, so the PDF
 * still carries searchable, copyable text (pdftotext, screen readers).
 * grey: 0 black … 1 white (thermal pages print everything black); bg: what lies below. */
void
hb_document_draw_layout (cairo_t *cr, PangoLayout *layout, double x, double y, double grey,
                         double bg)
{
  HbPdfText *text = g_object_get_qdata (G_OBJECT (pango_layout_get_context (layout)),
                                        pdf_text_quark ());
  if (cr == NULL)
    {
      if (text != NULL)
        hb_pdf_text_collect (text, layout);
      return;
    }
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_set_source_rgb (cr, grey, grey, grey);
  if (text != NULL && hb_pdf_text_draw (text, cr, layout, x, y))
    {
      cairo_restore (cr);
      return;
    }

  cairo_set_source_rgb (cr, bg, bg, bg);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);

  cairo_new_path (cr);
  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_move_to (cr, x, y);
  pango_cairo_layout_path (cr, layout);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
doc_draw_on (HbDoc *d, PangoLayout *layout, double x, double y, double grey, double bg)
{
  hb_document_draw_layout (d->cr, layout, x, y, d->st->greys ? grey : 0, bg);
}

static void
doc_draw (HbDoc *d, PangoLayout *layout, double x, double y, double grey)
{
  doc_draw_on (d, layout, x, y, grey, 1.0);
}

static void
doc_rule (HbDoc *d, double y, double line_width, double grey, gboolean dashed)
{
  if (d->cr == NULL)
    return;
  cairo_save (d->cr);
  cairo_set_source_rgb (d->cr, d->st->greys ? grey : 0, d->st->greys ? grey : 0,
                        d->st->greys ? grey : 0);
  cairo_set_line_width (d->cr, line_width);
  if (dashed)
    {
      const double dash[] = { MM (1.2), MM (0.8) };
      cairo_set_dash (d->cr, dash, G_N_ELEMENTS (dash), 0);
    }
  cairo_move_to (d->cr, d->st->margin_x, y);
  cairo_line_to (d->cr, d->st->margin_x + d->content_w, y);
  cairo_stroke (d->cr);
  cairo_restore (d->cr);
}

/* ---- pages (A4 paginates; the receipt is one page as long as its content) ------------- */
static double
doc_footer_height (HbDoc *d)
{
  g_autoptr(PangoLayout) l = doc_text (d, doc_label (d, &LABEL_FOOTER), d->st->small_pt,
                                       FALSE, d->content_w, PANGO_ALIGN_CENTER, 0);
  return MM (3) + MM (2) + hb_document_layout_height (l);
}

static void
doc_draw_a4_footer (HbDoc *d)
{
  double top = d->content_bottom + MM (3);
  doc_rule (d, top, 0.6, 0.55, FALSE);

  g_autoptr(PangoLayout) l = doc_text (d, doc_label (d, &LABEL_FOOTER), d->st->small_pt,
                                       FALSE, d->content_w, PANGO_ALIGN_CENTER, 0);
  doc_draw (d, l, d->st->margin_x, top + MM (2), 0.3);

  if (d->n_pages > 1)
    {
      g_autofree char *text = d->en
        ? g_strdup_printf ("Page %u of %u", d->page, d->n_pages)
        : g_strdup_printf ("第 %u 页 / 共 %u 页", d->page, d->n_pages);
      g_autoptr(PangoLayout) pl = doc_text (d, text, d->st->small_pt, FALSE, d->content_w,
                                            PANGO_ALIGN_RIGHT, 0);
      doc_draw (d, pl, d->st->margin_x, top + MM (2), 0.3);
    }
}

static void
doc_finish_page (HbDoc *d)
{
  if (d->format == HB_PAPER_A4)
    doc_draw_a4_footer (d);
  if (d->cr != NULL)
    cairo_show_page (d->cr);
}

/* A continued A4 page says whose receipt it is. */
static char *
doc_shorten (const char *text, glong max_chars)
{
  if (g_utf8_strlen (text, -1) <= max_chars)
    return g_strdup (text);
  g_autofree char *head = g_utf8_substring (text, 0, max_chars - 1);
  return g_strconcat (head, "…", NULL);
}

static void
doc_continuation_header (HbDoc *d)
{
  /* Shortened so the "continued" mark always shows. */
  g_autofree char *title = doc_shorten (d->receipt->title, 40);
  g_autofree char *reference = doc_shorten (d->receipt->reference, 40);
  g_autofree char *text =
    g_strdup_printf ("%s%s · %s %s", title, doc_label (d, &LABEL_CONTINUED),
                     doc_label (d, d->receipt->queued ? &LABEL_QUEUED_REF : &LABEL_CASE_NUMBER),
                     reference);
  g_autoptr(PangoLayout) l = doc_text (d, text, d->st->small_pt, FALSE, d->content_w,
                                       PANGO_ALIGN_LEFT, d->st->small_pt * 3);
  doc_draw (d, l, d->st->margin_x, d->y, 0.3);
  d->y += hb_document_layout_height (l) + MM (1.5);
  doc_rule (d, d->y, 0.6, 0.55, FALSE);
  d->y += MM (3);
}

static void
doc_ensure_space (HbDoc *d, double height)
{
  /* A block taller than a page cannot be helped by a fresh one (caps prevent this). */
  if (d->format != HB_PAPER_A4 || d->y + height <= d->content_bottom || d->y <= d->page_top)
    return;
  doc_finish_page (d);
  d->page++;
  d->y = d->st->margin_top;
  doc_continuation_header (d);
  d->page_top = d->y;
}

/* ---- blocks --------------------------------------------------------------------------- */
static void
doc_title_block (HbDoc *d)
{
  const HbDocStyle *st = d->st;
  g_autoptr(PangoLayout) title = doc_text (d, d->receipt->title, st->title_pt, TRUE,
                                           d->content_w, PANGO_ALIGN_CENTER,
                                           st->title_pt * 1.5 * 3);
  doc_draw (d, title, st->margin_x, d->y, 0);
  d->y += hb_document_layout_height (title) + MM (1);

  g_autoptr(PangoLayout) service = doc_text (d, d->receipt->service_name, st->service_pt,
                                             FALSE, d->content_w, PANGO_ALIGN_CENTER,
                                             st->service_pt * 1.5 * 3);
  doc_draw (d, service, st->margin_x, d->y, 0.2);
  d->y += hb_document_layout_height (service) + MM (2.5);

  if (d->format == HB_PAPER_A4)
    {
      /* The double rule of an official form's header. */
      doc_rule (d, d->y, 1.6, 0, FALSE);
      doc_rule (d, d->y + 3, 0.5, 0, FALSE);
      d->y += 3;
    }
  else
    doc_rule (d, d->y, 0.8, 0, TRUE);
  d->y += st->para;
}

/* The two columns of a table row, and the row's height. */
static double
doc_row_layouts (HbDoc *d, double width, double label_w, const char *label,
                 const char *value, double max_h, gboolean ruled,
                 PangoLayout **ll, PangoLayout **vl)
{
  const HbDocStyle *st = d->st;
  *ll = doc_text (d, label, st->body_pt, FALSE, label_w, PANGO_ALIGN_LEFT,
                  st->body_pt * 1.5 * 4);
  *vl = doc_text (d, value != NULL && *value != '\0' ? value : "—", st->body_pt, FALSE,
                  width - label_w - st->gap, PANGO_ALIGN_LEFT, max_h);
  return MAX (hb_document_layout_height (*ll), hb_document_layout_height (*vl)) + 2 * (ruled ? MM (1.5) : MM (0.7));
}

/* One "label  value" line of the table; the value wraps in its column, up to max_h.
 * Returns the height used. paginate: may move to a new page first (A4 flow only). */
static double
doc_row (HbDoc *d, double x, double *y, double width, double label_w, const char *label,
         const char *value, double max_h, gboolean ruled, gboolean paginate)
{
  const HbDocStyle *st = d->st;
  double pad = ruled ? MM (1.5) : MM (0.7);
  g_autoptr(PangoLayout) ll = NULL;
  g_autoptr(PangoLayout) vl = NULL;
  double h = doc_row_layouts (d, width, label_w, label, value, max_h, ruled, &ll, &vl);

  if (paginate)
    doc_ensure_space (d, h);
  doc_draw (d, ll, x, *y + pad, 0.38);
  doc_draw (d, vl, x + label_w + st->gap, *y + pad, 0);
  if (ruled && d->cr != NULL)
    {
      cairo_save (d->cr);
      cairo_set_source_rgb (d->cr, 0.82, 0.82, 0.82);
      cairo_set_line_width (d->cr, 0.5);
      cairo_move_to (d->cr, x, *y + h);
      cairo_line_to (d->cr, x + width, *y + h);
      cairo_stroke (d->cr);
      cairo_restore (d->cr);
    }
  *y += h;
  return h;
}

/* Applicant, submitted time, terminal: whichever the receipt has. Each is one short line
 * in practice; at most three, so the A4 header always fits on the first page. */
static void
doc_fixed_rows (HbDoc *d, double x, double *y, double width)
{
  double max_h = d->st->body_pt * 1.5 * 3;
  if (d->receipt->applicant != NULL && *d->receipt->applicant != '\0')
    doc_row (d, x, y, width, d->fixed_label_w, doc_label (d, &LABEL_APPLICANT),
             d->receipt->applicant, max_h, FALSE, FALSE);
  if (d->submitted != NULL)
    doc_row (d, x, y, width, d->fixed_label_w, doc_label (d, &LABEL_SUBMITTED), d->submitted,
             max_h, FALSE, FALSE);
  if (d->receipt->terminal_id != NULL && *d->receipt->terminal_id != '\0')
    doc_row (d, x, y, width, d->fixed_label_w, doc_label (d, &LABEL_TERMINAL),
             d->receipt->terminal_id, max_h, FALSE, FALSE);
}

static double
doc_snap (const HbDoc *d, double v)
{
  return d->st->qr_snap > 0 ? round (v / d->st->qr_snap) * d->st->qr_snap : v;
}

/* Module size: the preferred symbol size, never below the smallest module the printer
 * reproduces; on the thermal roll a whole number of printer dots. */
static double
doc_qr_module (const HbDoc *d)
{
  double module = d->st->qr_target / hb_qr_code_full_size (d->qr);
  if (d->st->qr_snap > 0)
    module = floor (module / d->st->qr_snap) * d->st->qr_snap;
  return MAX (module, d->st->qr_min_module);
}

static void
doc_qr (HbDoc *d, double x, double y, double module)
{
  d->info.qr_x = x;
  d->info.qr_y = y;
  d->info.qr_size = module * hb_qr_code_full_size (d->qr);
  d->info.qr_modules = hb_qr_code_full_size (d->qr);
  if (d->cr != NULL)
    hb_qr_draw (d->qr, d->cr, x, y, module);
}

static const HbDocLabel *
doc_reference_label (const HbDoc *d)
{
  return d->receipt->queued ? &LABEL_QUEUED_REF : &LABEL_CASE_NUMBER;
}

/* A4: reference and personal lines on the left, the QR code on the right. */
static void
doc_a4_header (HbDoc *d)
{
  const HbDocStyle *st = d->st;
  double module = doc_qr_module (d);
  double qr_size = module * hb_qr_code_full_size (d->qr);
  /* Wide enough for the caption on one line, within reason. */
  g_autoptr(PangoLayout) probe = doc_text (d, doc_label (d, &LABEL_QR_CAPTION), st->small_pt,
                                           FALSE, 0, PANGO_ALIGN_CENTER, 0);
  double right_w = MAX (qr_size, MIN (ceil (hb_document_layout_width (probe)) + 2, MM (50)));
  right_w = MAX (right_w, MM (36));
  double left_w = d->content_w - right_w - MM (8);
  double x = st->margin_x;
  double y0 = d->y;

  double qx = x + d->content_w - right_w + (right_w - qr_size) / 2;
  doc_qr (d, qx, y0, module);
  g_autoptr(PangoLayout) caption = doc_text (d, doc_label (d, &LABEL_QR_CAPTION),
                                             st->small_pt, FALSE, right_w,
                                             PANGO_ALIGN_CENTER, st->small_pt * 1.5 * 2);
  doc_draw (d, caption, x + d->content_w - right_w, y0 + qr_size, 0.3);
  double right_bottom = y0 + qr_size + hb_document_layout_height (caption);

  /* Start the text level with the symbol, not with its quiet zone. */
  double y = y0 + HB_QR_QUIET_ZONE * module - MM (1);
  g_autoptr(PangoLayout) label = doc_text (d, doc_label (d, doc_reference_label (d)),
                                           st->ref_label_pt, FALSE, left_w,
                                           PANGO_ALIGN_LEFT, 0);
  doc_draw (d, label, x, y, 0.38);
  y += hb_document_layout_height (label);

  g_autoptr(PangoLayout) ref = doc_text (d, d->receipt->reference, st->ref_pt, TRUE, left_w,
                                         PANGO_ALIGN_LEFT, st->ref_pt * 1.5 * 4);
  doc_draw (d, ref, x, y, 0);
  y += hb_document_layout_height (ref) + MM (4);

  doc_fixed_rows (d, x, &y, left_w);

  d->y = MAX (y, right_bottom) + st->para;
}

/* 80 mm: the reference centred and large, for the resident and the clerk alike. */
static void
doc_receipt_reference (HbDoc *d)
{
  const HbDocStyle *st = d->st;
  g_autoptr(PangoLayout) label = doc_text (d, doc_label (d, doc_reference_label (d)),
                                           st->ref_label_pt, FALSE, d->content_w,
                                           PANGO_ALIGN_CENTER, 0);
  doc_draw (d, label, st->margin_x, d->y, 0);
  d->y += hb_document_layout_height (label) + MM (0.5);

  g_autoptr(PangoLayout) ref = doc_text (d, d->receipt->reference, st->ref_pt, TRUE,
                                         d->content_w, PANGO_ALIGN_CENTER,
                                         st->ref_pt * 1.5 * 4);
  doc_draw (d, ref, st->margin_x, d->y, 0);
  d->y += hb_document_layout_height (ref) + st->para;
}

/* Queued: the resident must leave knowing nothing more is needed from them. */
static void
doc_notice (HbDoc *d)
{
  const HbDocStyle *st = d->st;
  gboolean a4 = d->format == HB_PAPER_A4;
  double border = a4 ? 1.2 : 1.5;
  double pad = a4 ? MM (3.5) : MM (2);
  double text_w = d->content_w - 2 * pad;
  g_autoptr(PangoLayout) l = doc_text (d, doc_label (d, &LABEL_NOTICE), st->notice_pt, TRUE,
                                       text_w, a4 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER, 0);
  double h = hb_document_layout_height (l) + 2 * pad;

  doc_ensure_space (d, h);
  if (d->cr != NULL)
    {
      cairo_save (d->cr);
      cairo_rectangle (d->cr, st->margin_x + border / 2, d->y + border / 2,
                       d->content_w - border, h - border);
      if (a4)
        {
          cairo_set_source_rgb (d->cr, HB_DOC_NOTICE_TINT, HB_DOC_NOTICE_TINT,
                                HB_DOC_NOTICE_TINT);
          cairo_fill_preserve (d->cr);
        }
      cairo_set_source_rgb (d->cr, 0, 0, 0);
      cairo_set_line_width (d->cr, border);
      cairo_stroke (d->cr);
      cairo_restore (d->cr);
    }
  doc_draw_on (d, l, st->margin_x + pad, d->y + pad, 0, a4 ? HB_DOC_NOTICE_TINT : 1.0);
  d->y += h + st->para;
}

static void
doc_rows (HbDoc *d)
{
  const HbReceipt *r = d->receipt;
  const HbDocStyle *st = d->st;
  gboolean a4 = d->format == HB_PAPER_A4;

  if (r->n_rows == 0)
    return;

  if (a4)
    {
      g_autoptr(PangoLayout) head = doc_text (d, doc_label (d, &LABEL_DETAILS), st->body_pt + 1,
                                              TRUE, d->content_w, PANGO_ALIGN_LEFT, 0);
      /* Keep the heading with the first row. */
      g_autoptr(PangoLayout) ll = NULL;
      g_autoptr(PangoLayout) vl = NULL;
      double first = doc_row_layouts (d, d->content_w, d->label_w, r->rows[0].label,
                                      r->rows[0].value, st->value_max_h, TRUE, &ll, &vl);
      doc_ensure_space (d, hb_document_layout_height (head) + MM (1) + first);
      doc_draw (d, head, st->margin_x, d->y, 0);
      d->y += hb_document_layout_height (head) + MM (1);
      doc_rule (d, d->y, 1.0, 0, FALSE);
    }

  for (gsize i = 0; i < r->n_rows; i++)
    doc_row (d, st->margin_x, &d->y, d->content_w, d->label_w, r->rows[i].label,
             r->rows[i].value, st->value_max_h, a4, a4);
}

/* What happens now, where to collect, how to check progress: numbered, each from the
 * receipt or its fixed text. Kept together on one A4 page. */
static void
doc_next_steps (HbDoc *d)
{
  const HbReceipt *r = d->receipt;
  const HbDocStyle *st = d->st;
  gboolean a4 = d->format == HB_PAPER_A4;
  const char *given[] = { r->next_step, r->collect_at, r->progress_hint };
  const HbDocLabel *fixed[] = {
    r->queued ? &LABEL_NEXT_STEP_QUEUED : &LABEL_NEXT_STEP, &LABEL_COLLECT_AT, &LABEL_PROGRESS,
  };
  PangoLayout *items[G_N_ELEMENTS (given)];
  double num_w = a4 ? MM (5) : MM (3.5);
  double text_w = d->content_w - num_w;
  double cap = st->body_pt * 1.5 * 6;

  if (!a4)
    {
      doc_rule (d, d->y, 0.8, 0, TRUE);
      d->y += st->para;
    }
  g_autoptr(PangoLayout) head = doc_text (d, doc_label (d, &LABEL_NEXT_STEPS), st->body_pt + 1,
                                          TRUE, d->content_w, PANGO_ALIGN_LEFT, 0);
  double h = hb_document_layout_height (head) + MM (1.5);
  for (gsize i = 0; i < G_N_ELEMENTS (given); i++)
    {
      const char *text = given[i] != NULL && *given[i] != '\0' ? given[i] : doc_label (d, fixed[i]);
      items[i] = doc_text (d, text, st->body_pt, FALSE, text_w, PANGO_ALIGN_LEFT, cap);
      h += hb_document_layout_height (items[i]) + MM (1);
    }
  if (a4)
    d->y += MM (2);
  doc_ensure_space (d, h);
  doc_draw (d, head, st->margin_x, d->y, 0);
  d->y += hb_document_layout_height (head) + MM (1.5);
  for (gsize i = 0; i < G_N_ELEMENTS (given); i++)
    {
      char num[8];
      g_snprintf (num, sizeof num, "%u.", (guint) i + 1);
      g_autoptr(PangoLayout) nl = doc_text (d, num, st->body_pt, FALSE, 0, PANGO_ALIGN_LEFT, 0);
      doc_draw (d, nl, st->margin_x, d->y, 0);
      doc_draw (d, items[i], st->margin_x + num_w, d->y, 0);
      d->y += hb_document_layout_height (items[i]) + MM (1);
      g_object_unref (items[i]);
    }
}

static void
doc_receipt_tail (HbDoc *d)
{
  const HbDocStyle *st = d->st;

  d->y += MM (1);
  doc_rule (d, d->y, 0.8, 0, TRUE);
  d->y += st->para;

  double module = doc_qr_module (d);
  double qr_size = module * hb_qr_code_full_size (d->qr);
  /* On the printer's dot grid, so every module is the same number of dots. */
  double qx = doc_snap (d, st->margin_x + (d->content_w - qr_size) / 2);
  /* Half the quiet zone may reach up into the space below the rule, never onto it. */
  double qy = doc_snap (d, d->y - MIN (HB_QR_QUIET_ZONE * module / 2, st->para - MM (1)));
  doc_qr (d, qx, qy, module);
  d->y = qy + qr_size;

  g_autoptr(PangoLayout) caption = doc_text (d, doc_label (d, &LABEL_QR_CAPTION),
                                             st->small_pt, FALSE, d->content_w,
                                             PANGO_ALIGN_CENTER, st->small_pt * 1.5 * 2);
  doc_draw (d, caption, st->margin_x, d->y - MM (1), 0);
  d->y += hb_document_layout_height (caption) - MM (1) + MM (2);

  doc_rule (d, d->y, 0.8, 0, TRUE);
  d->y += MM (2);

  g_autoptr(PangoLayout) footer = doc_text (d, doc_label (d, &LABEL_FOOTER), st->small_pt,
                                            FALSE, d->content_w, PANGO_ALIGN_CENTER, 0);
  doc_draw (d, footer, st->margin_x, d->y, 0);
  d->y += hb_document_layout_height (footer);
}

/* The whole document, measuring (d->cr == NULL) or drawing. */
static void
doc_pass (HbDoc *d)
{
  d->page = 1;
  d->y = d->page_top = d->st->margin_top;
  memset (&d->info, 0, sizeof d->info);

  doc_title_block (d);
  if (d->format == HB_PAPER_A4)
    {
      doc_a4_header (d);
      if (d->receipt->queued)
        doc_notice (d);
      doc_rows (d);
      doc_next_steps (d);
    }
  else
    {
      doc_receipt_reference (d);
      if (d->receipt->queued)
        doc_notice (d);
      doc_rule (d, d->y - d->st->para / 2, 0.8, 0, TRUE);
      d->y += d->st->para / 2;
      double fixed_top = d->y;
      doc_fixed_rows (d, d->st->margin_x, &d->y, d->content_w);
      if (d->y > fixed_top && d->receipt->n_rows > 0)
        {
          /* The resident's own lines, then what they answered. */
          d->y += MM (1.5);
          doc_rule (d, d->y, 0.5, 0, TRUE);
          d->y += MM (1.5);
        }
      doc_rows (d);
      d->y += MM (1);
      doc_next_steps (d);
      doc_receipt_tail (d);
    }
  doc_finish_page (d);
}

/* ---- validation ------------------------------------------------------------------------- */
static gboolean
check_field (const char *value, const char *field, gboolean required, GError **error)
{
  if (value == NULL || *value == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "receipt field “%s” is required", field);
      return FALSE;
    }
  gsize len = strnlen (value, HB_DOCUMENT_MAX_FIELD_BYTES + 1);
  if (len > HB_DOCUMENT_MAX_FIELD_BYTES)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "receipt field “%s” is longer than %u bytes", field,
                   HB_DOCUMENT_MAX_FIELD_BYTES);
      return FALSE;
    }
  if (!g_utf8_validate (value, (gssize) len, NULL))
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "receipt field “%s” is not valid UTF-8", field);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_receipt (const HbReceipt *r, HbPaperFormat format, GError **error)
{
  if (format != HB_PAPER_A4 && format != HB_PAPER_RECEIPT_80MM)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "unknown paper format %d", (int) format);
      return FALSE;
    }
  if (!check_field (r->title, "title", TRUE, error)
      || !check_field (r->service_name, "service_name", TRUE, error)
      || !check_field (r->reference, "reference", TRUE, error)
      || !check_field (r->applicant, "applicant", FALSE, error)
      || !check_field (r->terminal_id, "terminal_id", FALSE, error)
      || !check_field (r->language, "language", FALSE, error)
      || !check_field (r->next_step, "next_step", FALSE, error)
      || !check_field (r->collect_at, "collect_at", FALSE, error)
      || !check_field (r->progress_hint, "progress_hint", FALSE, error))
    return FALSE;

  if (r->n_rows > HB_DOCUMENT_MAX_ROWS)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "receipt field “rows” has %" G_GSIZE_FORMAT " rows, more than %u",
                   r->n_rows, HB_DOCUMENT_MAX_ROWS);
      return FALSE;
    }
  if (r->n_rows > 0 && r->rows == NULL)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "receipt field “rows” is missing");
      return FALSE;
    }
  for (gsize i = 0; i < r->n_rows; i++)
    {
      char field[48];
      g_snprintf (field, sizeof field, "rows[%" G_GSIZE_FORMAT "].label", i);
      if (!check_field (r->rows[i].label, field, TRUE, error))
        return FALSE;
      g_snprintf (field, sizeof field, "rows[%" G_GSIZE_FORMAT "].value", i);
      if (!check_field (r->rows[i].value, field, FALSE, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- rendering ------------------------------------------------------------------------- */
static cairo_status_t
pdf_sink_write (void *closure, const unsigned char *data, unsigned int length)
{
  HbDocumentPdfSink *sink = closure;
  if (sink->overflow || length > HB_DOCUMENT_MAX_PDF_BYTES - sink->bytes->len)
    {
      sink->overflow = TRUE;
      return CAIRO_STATUS_WRITE_ERROR;
    }
  g_byte_array_append (sink->bytes, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
doc_clear (HbDoc *d)
{
  hb_qr_code_free (d->qr);
  wipe_string (d->submitted);
  g_clear_object (&d->pc);
}

cairo_surface_t *
hb_document_pdf_surface_new (HbDocumentPdfSink *sink, double width, double height,
                             const char *title, GDateTime *created)
{
  sink->bytes = g_byte_array_sized_new (64 * 1024);
  sink->overflow = FALSE;
  cairo_surface_t *surface =
    cairo_pdf_surface_create_for_stream (pdf_sink_write, sink, width, height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, HB_DOC_CREATOR);
  if (created != NULL)
    {
      /* The same document always gives the same bytes (reprints, tests). */
      g_autofree char *date = g_date_time_format (created, "%Y-%m-%dT%H:%M:%S%:z");
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    }
  return surface;
}

GBytes *
hb_document_pdf_finish (HbDocumentPdfSink *sink, cairo_surface_t *surface,
                        cairo_status_t status, GError **error)
{
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS || sink->overflow)
    {
      if (sink->overflow)
        g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_RENDER,
                     "PDF is larger than %u bytes", HB_DOCUMENT_MAX_PDF_BYTES);
      else
        g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_RENDER,
                     "cairo failed: %s", cairo_status_to_string (status));
      g_byte_array_unref (sink->bytes);
      sink->bytes = NULL;
      return NULL;
    }
  GByteArray *bytes = g_steal_pointer (&sink->bytes);
  return g_byte_array_free_to_bytes (bytes);
}

/* One font map per thread, kept: loading Noto Sans CJK's faces and their coverage is a
 * fixed cost of every render otherwise (about 10 ms). Still confined to its thread, as
 * pango wants, and freed with it. */
static GPrivate font_map_key = G_PRIVATE_INIT (g_object_unref);

PangoContext *
hb_document_pango_context_new (GError **error)
{
  PangoFontMap *font_map = g_private_get (&font_map_key);
  PangoContext *pc;

  if (font_map == NULL)
    {
      font_map = pango_cairo_font_map_new ();
      g_private_set (&font_map_key, font_map);
    }
  pc = pango_font_map_create_context (font_map);
  /* PDF units are points: lay out at 72 dpi with outline metrics, so what is measured is
   * exactly what is drawn, at any printer resolution. */
  pango_cairo_context_set_resolution (pc, 72.0);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pc, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (pc, FALSE);
  pango_context_set_language (pc, pango_language_from_string ("zh-cn"));
  g_object_set_qdata_full (G_OBJECT (pc), pdf_text_quark (), hb_pdf_text_new (),
                           (GDestroyNotify) hb_pdf_text_free);

  /* Without a CJK font every label would print as boxes: better no document than that. */
  g_autoptr(PangoLayout) probe = hb_document_layout_new (pc, LABEL_CASE_NUMBER.zh, 10, FALSE,
                                                         0, PANGO_ALIGN_LEFT, 0);
  if (pango_layout_get_unknown_glyphs_count (probe) > 0)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_RENDER,
                   "no font with Chinese glyphs is installed (need %s, fonts-noto-cjk)",
                   HB_DOC_FONT_FAMILY);
      g_clear_object (&probe);
      g_object_unref (pc);
      return NULL;
    }
  return pc;
}

/* A private font map per render: pango objects are then confined to the calling thread
 * (worker or UI), and nothing is left behind in a thread-pool thread. Pango ≥ 1.32.6 would
 * also give each thread its own default map, but on the UI thread that one is GTK's. */
static gboolean
doc_setup (HbDoc *d, const HbReceipt *r, HbPaperFormat format, GError **error)
{
  d->receipt = r;
  d->format = format;
  d->st = format == HB_PAPER_A4 ? &STYLE_A4 : &STYLE_RECEIPT;
  d->en = language_is_english (r->language);
  d->content_w = d->st->page_width - 2 * d->st->margin_x;

  d->pc = hb_document_pango_context_new (error);
  if (d->pc == NULL)
    return FALSE;

  d->qr = hb_qr_encode (r->reference, error);
  if (d->qr == NULL)
    return FALSE;

  if (r->submitted_at != NULL)
    d->submitted = g_date_time_format (r->submitted_at, "%Y-%m-%d %H:%M");

  /* Label columns as wide as their longest label, within bounds (longer labels wrap). */
  const char *fixed[] = {
    doc_label (d, &LABEL_APPLICANT), doc_label (d, &LABEL_SUBMITTED),
    doc_label (d, &LABEL_TERMINAL),
  };
  double widest_fixed = 0, widest_row = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (fixed) + r->n_rows; i++)
    {
      gboolean is_fixed = i < G_N_ELEMENTS (fixed);
      const char *label = is_fixed ? fixed[i] : r->rows[i - G_N_ELEMENTS (fixed)].label;
      g_autoptr(PangoLayout) l = doc_text (d, label, d->st->body_pt, FALSE, 0,
                                           PANGO_ALIGN_LEFT, 0);
      double w = hb_document_layout_width (l);
      if (is_fixed)
        widest_fixed = MAX (widest_fixed, w);
      else
        widest_row = MAX (widest_row, w);
    }
  double max_label = d->content_w * d->st->label_max_frac;
  if (format == HB_PAPER_RECEIPT_80MM)
    /* One flow on the roll: all its label columns line up. */
    widest_fixed = widest_row = MAX (widest_fixed, widest_row);
  d->fixed_label_w = CLAMP (ceil (widest_fixed) + 1, d->st->label_min, max_label);
  d->label_w = CLAMP (ceil (widest_row) + 1, d->st->label_min, max_label);

  if (format == HB_PAPER_A4)
    {
      d->page_height = d->st->page_height;
      d->content_bottom = d->page_height - d->st->margin_bottom - doc_footer_height (d);
    }
  else
    d->content_bottom = G_MAXDOUBLE;
  return TRUE;
}

GBytes *
hb_document_render_receipt_with_info (const HbReceipt *receipt, HbPaperFormat format,
                                      HbDocumentLayoutInfo *info, GError **error)
{
  g_return_val_if_fail (receipt != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_receipt (receipt, format, error))
    return NULL;

  HbDoc d = { 0 };
  if (!doc_setup (&d, receipt, format, error))
    {
      doc_clear (&d);
      return NULL;
    }

  /* Measure: page count (A4) or page height (receipt). */
  doc_pass (&d);
  d.n_pages = d.page;
  if (format == HB_PAPER_RECEIPT_80MM)
    d.page_height = ceil (d.y + d.st->margin_bottom);
  if (d.page_height > HB_DOC_PDF_MAX_SIDE)
    {
      g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
                   "receipt is too long for the 80 mm roll (%.0f mm); print it on A4",
                   d.page_height * 25.4 / 72.0);
      doc_clear (&d);
      return NULL;
    }

  HbDocumentPdfSink sink;
  cairo_surface_t *surface = hb_document_pdf_surface_new (&sink, d.st->page_width,
                                                          d.page_height, receipt->title,
                                                          receipt->submitted_at);
  d.cr = cairo_create (surface);
  doc_pass (&d);
  cairo_status_t status = cairo_status (d.cr);
  cairo_destroy (d.cr);
  d.cr = NULL;
  GBytes *pdf = hb_document_pdf_finish (&sink, surface, status, error);
  if (pdf == NULL)
    {
      doc_clear (&d);
      return NULL;
    }

  if (info != NULL)
    {
      *info = d.info;
      info->n_pages = d.n_pages;
      info->page_width = d.st->page_width;
      info->page_height = d.page_height;
    }
  doc_clear (&d);
  return pdf;
}

GBytes *
hb_document_render_receipt (const HbReceipt *receipt, HbPaperFormat format, GError **error)
{
  return hb_document_render_receipt_with_info (receipt, format, NULL, error);
}

/* ---- async ------------------------------------------------------------------------------ */
typedef struct {
  HbReceipt      receipt;   /* its strings and rows are the copies below */
  HbDocumentRow *rows;
  HbPaperFormat  format;
} HbReceiptJob;

static void
receipt_job_free (gpointer data)
{
  HbReceiptJob *job = data;
  /* The copies hold personal data (masked applicant, form answers). */
  wipe_string ((char *) job->receipt.title);
  wipe_string ((char *) job->receipt.service_name);
  wipe_string ((char *) job->receipt.reference);
  wipe_string ((char *) job->receipt.applicant);
  wipe_string ((char *) job->receipt.terminal_id);
  wipe_string ((char *) job->receipt.language);
  wipe_string ((char *) job->receipt.next_step);
  wipe_string ((char *) job->receipt.collect_at);
  wipe_string ((char *) job->receipt.progress_hint);
  for (gsize i = 0; i < job->receipt.n_rows; i++)
    {
      wipe_string ((char *) job->rows[i].label);
      wipe_string ((char *) job->rows[i].value);
    }
  g_free (job->rows);
  g_clear_pointer (&job->receipt.submitted_at, g_date_time_unref);
  g_free (job);
}

static HbReceiptJob *
receipt_job_new (const HbReceipt *r, HbPaperFormat format)
{
  HbReceiptJob *job = g_new0 (HbReceiptJob, 1);
  job->format = format;
  job->receipt.title = g_strdup (r->title);
  job->receipt.service_name = g_strdup (r->service_name);
  job->receipt.reference = g_strdup (r->reference);
  job->receipt.queued = r->queued;
  job->receipt.applicant = g_strdup (r->applicant);
  job->receipt.terminal_id = g_strdup (r->terminal_id);
  job->receipt.submitted_at = r->submitted_at ? g_date_time_ref (r->submitted_at) : NULL;
  job->receipt.language = g_strdup (r->language);
  job->receipt.next_step = g_strdup (r->next_step);
  job->receipt.collect_at = g_strdup (r->collect_at);
  job->receipt.progress_hint = g_strdup (r->progress_hint);
  job->rows = g_new0 (HbDocumentRow, MAX (r->n_rows, 1));
  for (gsize i = 0; i < r->n_rows; i++)
    {
      job->rows[i].label = g_strdup (r->rows[i].label);
      job->rows[i].value = g_strdup (r->rows[i].value);
    }
  job->receipt.rows = job->rows;
  job->receipt.n_rows = r->n_rows;
  return job;
}

static void
render_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  HbReceiptJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  GBytes *pdf = hb_document_render_receipt (&job->receipt, job->format, &error);
  if (pdf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pdf, (GDestroyNotify) g_bytes_unref);
}

void
hb_document_render_receipt_async (const HbReceipt *receipt, HbPaperFormat format,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (receipt != NULL);

  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hb_document_render_receipt_async);
  g_task_set_name (task, "hb-document-render-receipt");

  /* Validate before copying: the copy then only ever sees bounded strings. */
  GError *error = NULL;
  if (!validate_receipt (receipt, format, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, receipt_job_new (receipt, format), receipt_job_free);
  g_task_run_in_thread (task, render_thread);
}

GBytes *
hb_document_render_receipt_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == hb_document_render_receipt_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
