/* hb-certificate.c — proofs, certificates and e-licence copies: the platform's JSON parsed
 * (bounded), then laid out on A4 in two passes like the receipt (measure to count pages
 * for "page x of n", then draw). Text is drawn with hb_document_draw_layout, so it stays
 * extractable; the watermark of a licence copy is drawn last, as translucent outlines
 * only, so it neither hides nor interleaves with the text below. */
#include "kiosk/hb-certificate.h"

#include "common/hb-json.h"
#include "kiosk/hb-document-private.h"
#include "kiosk/hb-qr.h"

#include <math.h>
#include <string.h>

#define MM HB_DOCUMENT_MM

struct _HbCertificate {
  HbCertificateKind kind;
  char       *title, *issuer, *serial, *verify_url, *watermark;
  GDateTime  *issued_at;
  GPtrArray  *holder_labels, *holder_values;   /* char *; values already masked */
  GPtrArray  *columns;                          /* char * */
  GPtrArray  *cells;                            /* char *, n_rows × columns->len; NULL = — */
  guint       n_rows;
  GPtrArray  *notes;                            /* char * */
};

static void
wipe_free (gpointer p)
{
  hb_document_wipe_string (p);
}

void
hb_certificate_free (HbCertificate *cert)
{
  if (cert == NULL)
    return;
  hb_document_wipe_string (cert->title);
  hb_document_wipe_string (cert->issuer);
  hb_document_wipe_string (cert->serial);
  hb_document_wipe_string (cert->verify_url);
  hb_document_wipe_string (cert->watermark);
  g_clear_pointer (&cert->issued_at, g_date_time_unref);
  g_clear_pointer (&cert->holder_labels, g_ptr_array_unref);
  g_clear_pointer (&cert->holder_values, g_ptr_array_unref);
  g_clear_pointer (&cert->columns, g_ptr_array_unref);
  g_clear_pointer (&cert->cells, g_ptr_array_unref);
  g_clear_pointer (&cert->notes, g_ptr_array_unref);
  g_free (cert);
}

/* ---- masking ------------------------------------------------------------------------- */
char *
hb_certificate_mask (const char *value, HbCertificateMask mask)
{
  glong n = g_utf8_strlen (value, -1);
  glong keep_head = 0, keep_tail = 0;
  GString *s = g_string_new (NULL);

  switch (mask)
    {
    case HB_CERTIFICATE_MASK_NONE:
      keep_head = n;
      break;
    case HB_CERTIFICATE_MASK_NAME:
      keep_head = MIN (n, 1);
      break;
    case HB_CERTIFICATE_MASK_ID_NUMBER:
    case HB_CERTIFICATE_MASK_PHONE:
      /* Short values would be given away by head and tail: masked whole. */
      if (n > 7)
        keep_head = 3, keep_tail = 4;
      break;
    case HB_CERTIFICATE_MASK_ADDRESS:
      keep_head = MIN (n, 6);
      break;
    case HB_CERTIFICATE_MASK_ALL:
    default:
      break;
    }
  glong i = 0;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p), i++)
    {
      if (i < keep_head || i >= n - keep_tail)
        g_string_append_unichar (s, g_utf8_get_char (p));
      else if (mask == HB_CERTIFICATE_MASK_ADDRESS)
        {
          g_string_append (s, "***");
          break;
        }
      else
        g_string_append_c (s, '*');
    }
  return g_string_free (s, FALSE);
}

/* ---- parsing ------------------------------------------------------------------------- */
/* "certificate member “M” PROBLEM": names the member, never its value. */
static gboolean
invalid (GError **error, const char *member, const char *problem)
{
  g_set_error (error, HB_DOCUMENT_ERROR, HB_DOCUMENT_ERROR_INVALID,
               "certificate member “%s” %s", member, problem);
  return FALSE;
}

/* A string member (or array element node) within bounds. NULL node: absent. */
static gboolean
take_string (JsonNode *node, const char *member, gboolean required, char **out,
             GError **error)
{
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? invalid (error, member, "is required") : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, member, "is not a string");
  const char *s = json_node_get_string (node);
  gsize len = strlen (s);
  if (len > HB_CERTIFICATE_MAX_FIELD_BYTES)
    return invalid (error, member, "is too long");
  if (len == 0 && required)
    return invalid (error, member, "is empty");
  *out = g_strdup (s);
  return TRUE;
}

static gboolean
member_string (JsonObject *o, const char *name, const char *path, gboolean required,
               char **out, GError **error)
{
  return take_string (json_object_get_member (o, name), path, required, out, error);
}

/* An optional array member of at most max elements. */
static gboolean
member_array (JsonObject *o, const char *name, guint max, JsonArray **out, GError **error)
{
  JsonNode *node = json_object_get_member (o, name);
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, name, "is not an array");
  *out = json_node_get_array (node);
  if (json_array_get_length (*out) > max)
    return invalid (error, name, "has too many elements");
  return TRUE;
}

static gboolean
parse_mask (const char *text, HbCertificateMask *mask)
{
  static const struct { const char *name; HbCertificateMask mask; } masks[] = {
    { "none", HB_CERTIFICATE_MASK_NONE }, { "name", HB_CERTIFICATE_MASK_NAME },
    { "id_number", HB_CERTIFICATE_MASK_ID_NUMBER }, { "phone", HB_CERTIFICATE_MASK_PHONE },
    { "address", HB_CERTIFICATE_MASK_ADDRESS }, { "all", HB_CERTIFICATE_MASK_ALL },
  };
  /* Absent: masked whole — the platform must say what may print. */
  *mask = HB_CERTIFICATE_MASK_ALL;
  if (text == NULL)
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (masks); i++)
    if (strcmp (text, masks[i].name) == 0)
      {
        *mask = masks[i].mask;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_holder (HbCertificate *cert, JsonObject *root, GError **error)
{
  JsonArray *holder;
  if (!member_array (root, "holder", HB_CERTIFICATE_MAX_HOLDER, &holder, error))
    return FALSE;
  for (guint i = 0; holder != NULL && i < json_array_get_length (holder); i++)
    {
      JsonNode *n = json_array_get_element (holder, i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return invalid (error, "holder", "has an element that is not an object");
      JsonObject *o = json_node_get_object (n);
      g_autofree char *mask_name = NULL;
      char *label = NULL, *value = NULL;
      HbCertificateMask mask;
      if (!member_string (o, "label", "holder[].label", TRUE, &label, error))
        return FALSE;
      g_ptr_array_add (cert->holder_labels, label);
      if (!member_string (o, "mask", "holder[].mask", FALSE, &mask_name, error))
        return FALSE;
      if (!parse_mask (mask_name, &mask))
        return invalid (error, "holder[].mask", "is not a known mask");
      if (!member_string (o, "value", "holder[].value", FALSE, &value, error))
        return FALSE;
      g_ptr_array_add (cert->holder_values, value != NULL ? hb_certificate_mask (value, mask)
                                                          : g_strdup (""));
      hb_document_wipe_string (value);
    }
  return TRUE;
}

static gboolean
parse_table (HbCertificate *cert, JsonObject *root, GError **error)
{
  JsonNode *node = json_object_get_member (root, "table");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "table", "is not an object");
  JsonObject *table = json_node_get_object (node);
  JsonArray *columns, *rows;
  if (!member_array (table, "columns", HB_CERTIFICATE_MAX_COLUMNS, &columns, error)
      || !member_array (table, "rows", HB_CERTIFICATE_MAX_ROWS, &rows, error))
    return FALSE;
  if (columns == NULL || json_array_get_length (columns) == 0)
    return invalid (error, "table.columns", "is required");
  guint n_cols = json_array_get_length (columns);
  for (guint c = 0; c < n_cols; c++)
    {
      char *s;
      if (!take_string (json_array_get_element (columns, c), "table.columns[]", TRUE, &s, error))
        return FALSE;
      g_ptr_array_add (cert->columns, s);
    }
  for (guint r = 0; rows != NULL && r < json_array_get_length (rows); r++)
    {
      JsonNode *rn = json_array_get_element (rows, r);
      if (!JSON_NODE_HOLDS_ARRAY (rn) || json_array_get_length (json_node_get_array (rn)) != n_cols)
        return invalid (error, "table.rows",
                        "has a row that is not an array of one string per column");
      JsonArray *row = json_node_get_array (rn);
      for (guint c = 0; c < n_cols; c++)
        {
          char *s;
          if (!take_string (json_array_get_element (row, c), "table.rows[][]", FALSE, &s, error))
            return FALSE;
          g_ptr_array_add (cert->cells, s);
        }
      cert->n_rows++;
    }
  return TRUE;
}

static gboolean
parse_watermark (HbCertificate *cert, JsonObject *root, GError **error)
{
  JsonNode *node = json_object_get_member (root, "watermark");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return cert->kind != HB_CERTIFICATE_LICENCE_COPY
           || invalid (error, "watermark", "is required for a licence copy");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "watermark", "is not an object");
  JsonObject *o = json_node_get_object (node);
  g_autofree char *purpose = NULL, *date = NULL, *text = NULL;
  if (!member_string (o, "purpose", "watermark.purpose", TRUE, &purpose, error)
      || !member_string (o, "date", "watermark.date", FALSE, &date, error)
      || !member_string (o, "text", "watermark.text", FALSE, &text, error))
    return FALSE;
  if (date == NULL)
    date = g_date_time_format (cert->issued_at, "%Y-%m-%d");
  if (text != NULL)
    cert->watermark = g_strdup_printf ("%s · %s", text, date);
  else
    cert->watermark = g_strdup_printf ("仅供%s使用，再次复印无效 · %s", purpose, date);
  return TRUE;
}

HbCertificate *
hb_certificate_parse (const char *data, gsize length, GError **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_autoptr(JsonObject) root = hb_json_parse_object (data, (gssize) length,
                                                     HB_CERTIFICATE_MAX_BYTES,
                                                     HB_CERTIFICATE_MAX_DEPTH, error);
  if (root == NULL)
    return NULL;

  g_autoptr(HbCertificate) cert = g_new0 (HbCertificate, 1);
  cert->holder_labels = g_ptr_array_new_with_free_func (g_free);
  cert->holder_values = g_ptr_array_new_with_free_func (wipe_free);
  cert->columns = g_ptr_array_new_with_free_func (g_free);
  cert->cells = g_ptr_array_new_with_free_func (wipe_free);
  cert->notes = g_ptr_array_new_with_free_func (g_free);

  g_autofree char *kind = NULL, *issued = NULL;
  if (!member_string (root, "kind", "kind", FALSE, &kind, error))
    return NULL;
  if (kind == NULL || strcmp (kind, "proof") == 0)
    cert->kind = HB_CERTIFICATE_PROOF;
  else if (strcmp (kind, "licence_copy") == 0)
    cert->kind = HB_CERTIFICATE_LICENCE_COPY;
  else
    {
      invalid (error, "kind", "is not proof or licence_copy");
      return NULL;
    }

  if (!member_string (root, "title", "title", TRUE, &cert->title, error)
      || !member_string (root, "issuer", "issuer", TRUE, &cert->issuer, error)
      || !member_string (root, "serial", "serial", TRUE, &cert->serial, error)
      || !member_string (root, "verify_url", "verify_url", TRUE, &cert->verify_url, error)
      || !member_string (root, "issued_at", "issued_at", TRUE, &issued, error))
    return NULL;
  if (!g_str_has_prefix (cert->verify_url, "https://"))
    {
      invalid (error, "verify_url", "is not an https:// URL");
      return NULL;
    }
  cert->issued_at = g_date_time_new_from_iso8601 (issued, NULL);
  if (cert->issued_at == NULL)
    {
      invalid (error, "issued_at", "is not an ISO 8601 time with a zone");
      return NULL;
    }

  JsonArray *notes;
  if (!parse_holder (cert, root, error) || !parse_table (cert, root, error)
      || !member_array (root, "notes", HB_CERTIFICATE_MAX_NOTES, &notes, error))
    return NULL;
  for (guint i = 0; notes != NULL && i < json_array_get_length (notes); i++)
    {
      char *s;
      if (!take_string (json_array_get_element (notes, i), "notes[]", TRUE, &s, error))
        return NULL;
      g_ptr_array_add (cert->notes, s);
    }
  if (!parse_watermark (cert, root, error))
    return NULL;
  return g_steal_pointer (&cert);
}

HbCertificateKind
hb_certificate_get_kind (const HbCertificate *cert)
{
  return cert->kind;
}

const char *
hb_certificate_get_title (const HbCertificate *cert)
{
  return cert->title;
}

const char *
hb_certificate_get_serial (const HbCertificate *cert)
{
  return cert->serial;
}

guint
hb_certificate_get_n_rows (const HbCertificate *cert)
{
  return cert->n_rows;
}

const char *
hb_certificate_get_holder_value (const HbCertificate *cert, guint i)
{
  return i < cert->holder_values->len ? g_ptr_array_index (cert->holder_values, i) : NULL;
}

const char *
hb_certificate_get_watermark (const HbCertificate *cert)
{
  return cert->watermark;
}

/* ---- layout -------------------------------------------------------------------------- */
#define PAGE_W       595.2756
#define PAGE_H       841.8898
#define MARGIN_X     MM (20)
#define MARGIN_TOP   MM (15)
#define MARGIN_BOT   MM (14)
#define TITLE_PT     18
#define BODY_PT      10.5
#define TABLE_PT     9.5
#define SMALL_PT     8.5
#define CELL_PAD     MM (1.2)
#define CELL_MAX_H   (TABLE_PT * 1.5 * 6)
#define HEADER_TINT  0.92
#define QR_SIDE      MM (28)
/* Columns are sized from the header and at most this many rows (enough to see the data's
 * shape; measuring 2,000 rows would double the render time). */
#define SIZE_SAMPLE_ROWS 60

typedef struct {
  const HbCertificate *cert;
  PangoContext *pc;
  HbQrCode     *qr;
  cairo_t      *cr;          /* NULL while measuring */
  double        content_w, content_bottom, y;
  double        col_x[HB_CERTIFICATE_MAX_COLUMNS + 1];
  guint         page, n_pages;
  char         *issued;      /* "YYYY-MM-DD" */
  cairo_pattern_t *watermark; /* the repeating tile, made once per document */
} HbCert;

static PangoLayout *
text (HbCert *c, const char *s, double pt, gboolean bold, double width, PangoAlignment align,
      double max_h)
{
  return hb_document_layout_new (c->pc, s, pt, bold, width, align, max_h);
}

static void
rule (HbCert *c, double y, double width, double grey)
{
  if (c->cr == NULL)
    return;
  cairo_save (c->cr);
  cairo_set_source_rgb (c->cr, grey, grey, grey);
  cairo_set_line_width (c->cr, width);
  cairo_move_to (c->cr, MARGIN_X, y);
  cairo_line_to (c->cr, MARGIN_X + c->content_w, y);
  cairo_stroke (c->cr);
  cairo_restore (c->cr);
}

static double
footer_height (HbCert *c)
{
  g_autoptr(PangoLayout) l = text (c, "第 1 页 / 共 1 页", SMALL_PT, FALSE, 0, PANGO_ALIGN_LEFT, 0);
  double h = MM (3) + hb_document_layout_height (l);
  if (c->cert->watermark != NULL)
    h += hb_document_layout_height (l) + MM (1);
  return h;
}

/* Issuer and serial at the top of every page; page 1 then has the title. */
static void
page_header (HbCert *c)
{
  g_autofree char *serial = g_strdup_printf ("编号 %s", c->cert->serial);
  double half = c->content_w / 2 - MM (2);
  g_autoptr(PangoLayout) il = text (c, c->cert->issuer, SMALL_PT, FALSE, half, PANGO_ALIGN_LEFT,
                                    SMALL_PT * 1.5 * 2);
  g_autoptr(PangoLayout) sl = text (c, serial, SMALL_PT, FALSE, half, PANGO_ALIGN_RIGHT,
                                    SMALL_PT * 1.5 * 2);
  c->y = MARGIN_TOP;
  hb_document_draw_layout (c->cr, il, MARGIN_X, c->y, 0.3, 1.0);
  hb_document_draw_layout (c->cr, sl, MARGIN_X + c->content_w - half, c->y, 0.3, 1.0);
  c->y += MAX (hb_document_layout_height (il), hb_document_layout_height (sl)) + MM (1.5);
  rule (c, c->y, 0.6, 0.55);
  c->y += MM (3);
  if (c->page > 1)
    {
      g_autofree char *cont = g_strdup_printf ("%s（续）", c->cert->title);
      g_autoptr(PangoLayout) tl = text (c, cont, BODY_PT + 1, TRUE, c->content_w,
                                        PANGO_ALIGN_LEFT, (BODY_PT + 1) * 1.5 * 2);
      hb_document_draw_layout (c->cr, tl, MARGIN_X, c->y, 0, 1.0);
      c->y += hb_document_layout_height (tl) + MM (3);
    }
}

/* The watermark: the line repeated along diagonal rows across the whole page, light grey
 * and translucent, as outlines (no text objects: extraction sees the page's text only).
 * Drawn once into a tile of two staggered copies that the PDF repeats (a tiling pattern):
 * every page then carries a few hundred bytes for it instead of each copy's outlines. */
static cairo_pattern_t *
watermark_tile (HbCert *c)
{
  g_autoptr(PangoLayout) l = text (c, c->cert->watermark, 15, FALSE, 0, PANGO_ALIGN_LEFT, 0);
  double w = ceil (hb_document_layout_width (l) + MM (18));
  double h = ceil (hb_document_layout_height (l) + MM (22));
  cairo_rectangle_t extents = { 0, 0, w, 2 * h };
  cairo_surface_t *tile = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &extents);
  cairo_t *cr = cairo_create (tile);

  cairo_move_to (cr, 0, 0);
  pango_cairo_layout_path (cr, l);
  cairo_move_to (cr, w / 2, h);
  pango_cairo_layout_path (cr, l);
  cairo_move_to (cr, -w / 2, h);  /* the staggered copy's left half, wrapped */
  pango_cairo_layout_path (cr, l);
  cairo_set_source_rgba (cr, 0.55, 0.55, 0.55, 0.28);
  cairo_fill (cr);
  cairo_destroy (cr);

  cairo_pattern_t *pattern = cairo_pattern_create_for_surface (tile);
  cairo_surface_destroy (tile);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_REPEAT);
  return pattern;
}

static void
page_watermark (HbCert *c)
{
  if (c->cr == NULL || c->cert->watermark == NULL)
    return;
  if (c->watermark == NULL)
    c->watermark = watermark_tile (c);
  cairo_t *cr = c->cr;
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, PAGE_W, PAGE_H);
  cairo_clip (cr);
  cairo_translate (cr, PAGE_W / 2, PAGE_H / 2);
  cairo_rotate (cr, -G_PI / 6);
  cairo_set_source (cr, c->watermark);
  cairo_paint (cr);
  cairo_restore (cr);
}

static void
finish_page (HbCert *c)
{
  double top = c->content_bottom + MM (3);
  rule (c, top - MM (1), 0.6, 0.55);
  if (c->cert->watermark != NULL)
    {
      /* The copy's restriction also as text, so it is read out and searchable. */
      g_autoptr(PangoLayout) wl = text (c, c->cert->watermark, SMALL_PT, FALSE, c->content_w,
                                        PANGO_ALIGN_CENTER, SMALL_PT * 1.5);
      hb_document_draw_layout (c->cr, wl, MARGIN_X, top, 0.3, 1.0);
      top += hb_document_layout_height (wl) + MM (1);
    }
  g_autofree char *page = g_strdup_printf ("第 %u 页 / 共 %u 页", c->page, c->n_pages);
  g_autoptr(PangoLayout) pl = text (c, page, SMALL_PT, FALSE, c->content_w, PANGO_ALIGN_RIGHT, 0);
  g_autoptr(PangoLayout) il = text (c, c->cert->issuer, SMALL_PT, FALSE, c->content_w * 0.7,
                                    PANGO_ALIGN_LEFT, SMALL_PT * 1.5);
  hb_document_draw_layout (c->cr, il, MARGIN_X, top, 0.3, 1.0);
  hb_document_draw_layout (c->cr, pl, MARGIN_X, top, 0.3, 1.0);
  page_watermark (c);
  if (c->cr != NULL)
    cairo_show_page (c->cr);
}

static void
new_page (HbCert *c)
{
  finish_page (c);
  c->page++;
  page_header (c);
}

/* TRUE when a new page was started. */
static gboolean
ensure_space (HbCert *c, double height)
{
  if (c->y + height <= c->content_bottom)
    return FALSE;
  new_page (c);
  return TRUE;
}

static void
title_block (HbCert *c)
{
  const HbCertificate *cert = c->cert;
  g_autoptr(PangoLayout) tl = text (c, cert->title, TITLE_PT, TRUE, c->content_w,
                                    PANGO_ALIGN_CENTER, TITLE_PT * 1.5 * 3);
  hb_document_draw_layout (c->cr, tl, MARGIN_X, c->y, 0, 1.0);
  c->y += hb_document_layout_height (tl) + MM (5);

  /* Holder fields and the issue date as label/value lines. */
  double label_w = MM (28);
  guint n = cert->holder_labels->len + 1;
  for (guint i = 0; i < n; i++)
    {
      gboolean date = i == cert->holder_labels->len;
      const char *label = date ? "出具日期" : g_ptr_array_index (cert->holder_labels, i);
      const char *value = date ? c->issued : g_ptr_array_index (cert->holder_values, i);
      g_autoptr(PangoLayout) ll = text (c, label, BODY_PT, FALSE, label_w, PANGO_ALIGN_LEFT,
                                        BODY_PT * 1.5 * 2);
      g_autoptr(PangoLayout) vl = text (c, *value != '\0' ? value : "—", BODY_PT, FALSE,
                                        c->content_w - label_w - MM (3), PANGO_ALIGN_LEFT,
                                        BODY_PT * 1.5 * 3);
      double h = MAX (hb_document_layout_height (ll), hb_document_layout_height (vl)) + MM (1);
      ensure_space (c, h);
      hb_document_draw_layout (c->cr, ll, MARGIN_X, c->y, 0.38, 1.0);
      hb_document_draw_layout (c->cr, vl, MARGIN_X + label_w + MM (3), c->y, 0, 1.0);
      c->y += h;
    }
  c->y += MM (4);
}

/* Column widths from natural widths (header and a sample of rows): fill the width when
 * the content is narrower, shrink proportionally (each ≥ half an even share) otherwise. */
static void
size_columns (HbCert *c)
{
  const HbCertificate *cert = c->cert;
  guint n = cert->columns->len;
  double nat[HB_CERTIFICATE_MAX_COLUMNS] = { 0 }, sum = 0;
  guint sample = MIN (cert->n_rows, SIZE_SAMPLE_ROWS);
  for (guint col = 0; col < n; col++)
    {
      for (guint r = 0; r <= sample; r++)
        {
          const char *s = r == 0 ? g_ptr_array_index (cert->columns, col)
                                 : g_ptr_array_index (cert->cells, (r - 1) * n + col);
          if (s == NULL)
            continue;
          g_autoptr(PangoLayout) l = text (c, s, TABLE_PT, r == 0, 0, PANGO_ALIGN_LEFT, 0);
          nat[col] = MAX (nat[col], hb_document_layout_width (l) + 2 * CELL_PAD + 1);
        }
      nat[col] = MIN (nat[col], c->content_w * 0.6);
      sum += nat[col];
    }
  double floor_w = c->content_w / n / 2;
  double total = 0;
  for (guint col = 0; col < n; col++)
    {
      nat[col] = MAX (nat[col] * c->content_w / sum, floor_w);
      total += nat[col];
    }
  c->col_x[0] = MARGIN_X;
  for (guint col = 0; col < n; col++)
    c->col_x[col + 1] = c->col_x[col] + nat[col] * c->content_w / total;
}

/* One table row (header when cells is the column names). */
static double
table_row (HbCert *c, char *const *cells, gboolean header, gboolean measure_only)
{
  guint n = c->cert->columns->len;
  PangoLayout *ls[HB_CERTIFICATE_MAX_COLUMNS];
  double h = 0;
  for (guint col = 0; col < n; col++)
    {
      const char *s = cells[col] != NULL && *cells[col] != '\0' ? cells[col] : "—";
      ls[col] = text (c, s, TABLE_PT, header, c->col_x[col + 1] - c->col_x[col] - 2 * CELL_PAD,
                      PANGO_ALIGN_LEFT, CELL_MAX_H);
      h = MAX (h, hb_document_layout_height (ls[col]));
    }
  h += 2 * CELL_PAD;
  if (!measure_only && c->cr != NULL)
    {
      cairo_t *cr = c->cr;
      cairo_save (cr);
      if (header)
        {
          cairo_set_source_rgb (cr, HEADER_TINT, HEADER_TINT, HEADER_TINT);
          cairo_rectangle (cr, MARGIN_X, c->y, c->content_w, h);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
      cairo_set_line_width (cr, 0.5);
      for (guint col = 0; col <= n; col++)
        {
          cairo_move_to (cr, c->col_x[col], c->y);
          cairo_line_to (cr, c->col_x[col], c->y + h);
        }
      cairo_move_to (cr, MARGIN_X, c->y + h);
      cairo_line_to (cr, MARGIN_X + c->content_w, c->y + h);
      if (header)
        {
          cairo_move_to (cr, MARGIN_X, c->y);
          cairo_line_to (cr, MARGIN_X + c->content_w, c->y);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  for (guint col = 0; col < n; col++)
    {
      if (!measure_only)
        hb_document_draw_layout (c->cr, ls[col], c->col_x[col] + CELL_PAD, c->y + CELL_PAD, 0,
                                 header ? HEADER_TINT : 1.0);
      g_object_unref (ls[col]);
    }
  return h;
}

static void
table_block (HbCert *c)
{
  const HbCertificate *cert = c->cert;
  guint n = cert->columns->len;
  if (n == 0)
    return;
  char **head = (char **) cert->columns->pdata;
  double head_h = table_row (c, head, TRUE, TRUE);
  /* The header with at least the first row. */
  double first = cert->n_rows > 0 ? table_row (c, (char **) cert->cells->pdata, FALSE, TRUE) : 0;
  ensure_space (c, head_h + first);
  c->y += table_row (c, head, TRUE, FALSE);
  for (guint r = 0; r < cert->n_rows; r++)
    {
      char **cells = (char **) cert->cells->pdata + (gsize) r * n;
      double h = table_row (c, cells, FALSE, TRUE);
      /* Every continued page repeats the column names above its rows. */
      if (ensure_space (c, h + (c->y + h > c->content_bottom ? head_h : 0)))
        c->y += table_row (c, head, TRUE, FALSE);
      c->y += table_row (c, cells, FALSE, FALSE);
    }
  c->y += MM (5);
}

static void
notes_block (HbCert *c)
{
  GPtrArray *notes = c->cert->notes;
  if (notes->len == 0)
    return;
  g_autoptr(PangoLayout) head = text (c, "备注", BODY_PT, TRUE, c->content_w, PANGO_ALIGN_LEFT, 0);
  g_autoptr(PangoLayout) first = text (c, g_ptr_array_index (notes, 0), BODY_PT, FALSE,
                                       c->content_w - MM (5), PANGO_ALIGN_LEFT, BODY_PT * 1.5 * 8);
  ensure_space (c, hb_document_layout_height (head) + MM (1) + hb_document_layout_height (first));
  hb_document_draw_layout (c->cr, head, MARGIN_X, c->y, 0, 1.0);
  c->y += hb_document_layout_height (head) + MM (1);
  for (guint i = 0; i < notes->len; i++)
    {
      g_autofree char *num = g_strdup_printf ("%u.", i + 1);
      g_autoptr(PangoLayout) nl = text (c, num, BODY_PT, FALSE, 0, PANGO_ALIGN_LEFT, 0);
      g_autoptr(PangoLayout) l = text (c, g_ptr_array_index (notes, i), BODY_PT, FALSE,
                                       c->content_w - MM (5), PANGO_ALIGN_LEFT, BODY_PT * 1.5 * 8);
      ensure_space (c, hb_document_layout_height (l));
      hb_document_draw_layout (c->cr, nl, MARGIN_X, c->y, 0, 1.0);
      hb_document_draw_layout (c->cr, l, MARGIN_X + MM (5), c->y, 0, 1.0);
      c->y += hb_document_layout_height (l) + MM (1);
    }
  c->y += MM (4);
}

/* The verification QR with the URL and serial beside it, kept together. */
static void
verify_block (HbCert *c)
{
  double module = QR_SIDE / hb_qr_code_full_size (c->qr);
  double text_x = MARGIN_X + QR_SIDE + MM (4);
  double text_w = c->content_w - QR_SIDE - MM (4);
  g_autoptr(PangoLayout) cap = text (c, "扫码或访问以下网址核验真伪", BODY_PT, TRUE, text_w,
                                     PANGO_ALIGN_LEFT, 0);
  g_autoptr(PangoLayout) url = text (c, c->cert->verify_url, SMALL_PT, FALSE, text_w,
                                     PANGO_ALIGN_LEFT, SMALL_PT * 1.5 * 6);
  ensure_space (c, QR_SIDE);
  if (c->cr != NULL)
    hb_qr_draw (c->qr, c->cr, MARGIN_X, c->y, module);
  double ty = c->y + HB_QR_QUIET_ZONE * module;
  hb_document_draw_layout (c->cr, cap, text_x, ty, 0, 1.0);
  ty += hb_document_layout_height (cap) + MM (1);
  hb_document_draw_layout (c->cr, url, text_x, ty, 0.2, 1.0);
  c->y += QR_SIDE;
}

static void
cert_pass (HbCert *c)
{
  c->page = 1;
  page_header (c);
  title_block (c);
  table_block (c);
  notes_block (c);
  verify_block (c);
  finish_page (c);
}

GBytes *
hb_certificate_render_with_pages (const HbCertificate *cert, guint *n_pages, GError **error)
{
  g_return_val_if_fail (cert != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  HbCert c = { .cert = cert, .content_w = PAGE_W - 2 * MARGIN_X };
  GBytes *pdf = NULL;
  c.pc = hb_document_pango_context_new (error);
  if (c.pc == NULL)
    return NULL;
  c.qr = hb_qr_encode (cert->verify_url, error);
  if (c.qr == NULL)
    goto out;
  c.issued = g_date_time_format (cert->issued_at, "%Y-%m-%d");
  c.content_bottom = PAGE_H - MARGIN_BOT - footer_height (&c);
  if (cert->columns->len > 0)
    size_columns (&c);

  cert_pass (&c);     /* measure: the page count */
  c.n_pages = c.page;

  HbDocumentPdfSink sink;
  cairo_surface_t *surface = hb_document_pdf_surface_new (&sink, PAGE_W, PAGE_H, cert->title,
                                                          cert->issued_at);
  c.cr = cairo_create (surface);
  cert_pass (&c);
  cairo_status_t status = cairo_status (c.cr);
  cairo_destroy (c.cr);
  c.cr = NULL;
  pdf = hb_document_pdf_finish (&sink, surface, status, error);
  if (pdf != NULL && n_pages != NULL)
    *n_pages = c.n_pages;

out:
  hb_qr_code_free (c.qr);
  g_free (c.issued);
  g_clear_pointer (&c.watermark, cairo_pattern_destroy);
  g_object_unref (c.pc);
  return pdf;
}

GBytes *
hb_certificate_render (const HbCertificate *cert, GError **error)
{
  return hb_certificate_render_with_pages (cert, NULL, error);
}

/* ---- async: parse and render off the calling thread ------------------------------------- */

typedef struct {
  char  *json;      /* personal data: wiped */
  gsize  length;
  char  *title;
} CertJob;

static void
cert_job_free (gpointer data)
{
  CertJob *j = data;

  if (j->json != NULL)
    explicit_bzero (j->json, j->length);
  g_free (j->json);
  g_free (j->title);
  g_free (j);
}

static void
cert_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CertJob *j = task_data;
  GError *error = NULL;
  g_autoptr(HbCertificate) cert = hb_certificate_parse (j->json, j->length, &error);
  GBytes *pdf = NULL;

  explicit_bzero (j->json, j->length);
  if (cert != NULL)
    {
      j->title = g_strdup (hb_certificate_get_title (cert));
      pdf = hb_certificate_render (cert, &error);
    }
  if (pdf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pdf, (GDestroyNotify) g_bytes_unref);
}

void
hb_certificate_render_json_async (const char *data, gsize length, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  CertJob *j = g_new0 (CertJob, 1);

  g_task_set_source_tag (task, hb_certificate_render_json_async);
  j->json = g_memdup2 (data, length);
  j->length = length;
  g_task_set_task_data (task, j, cert_job_free);
  g_task_run_in_thread (task, cert_thread);
}

GBytes *
hb_certificate_render_json_finish (GAsyncResult *result, char **title, GError **error)
{
  GBytes *pdf = g_task_propagate_pointer (G_TASK (result), error);
  CertJob *j = g_task_get_task_data (G_TASK (result));

  if (title != NULL)
    *title = pdf != NULL ? g_strdup (j->title) : NULL;
  return pdf;
}
