/* hb-ticket.h — a small structured receipt (queue ticket, short 回执) for an 80 mm thermal
 * printer: text lines, label/value rows, one QR code, separators and a cut.
 *
 * A ticket is plain data, built on the main thread and handed to an HbReceiptPrinter,
 * which copies it. It is bounded: at most HB_TICKET_MAX_ITEMS items and
 * HB_TICKET_MAX_TEXT bytes of UTF-8 text in all; additions beyond that fail with
 * HB_TICKET_ERROR_TOO_LARGE and leave the ticket unchanged. Text must be valid UTF-8
 * without control characters (a line break starts a new item, not a new line).
 *
 * Tickets carry no personal data by convention (queue number, service, case number,
 * time, terminal); the ticket still wipes its text when freed. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HB_TICKET_MAX_ITEMS 96
#define HB_TICKET_MAX_TEXT  (8 * 1024)
#define HB_TICKET_QR_MAX    512          /* bytes of QR payload (a URL or a case code) */
#define HB_TICKET_COLUMNS   48           /* font A columns on 80 mm paper (576 dots / 12) */
#define HB_TICKET_LOGO_MAX_W 576         /* dots: the print width */
#define HB_TICKET_LOGO_MAX_H 256         /* dots */

typedef enum {
  HB_TICKET_ALIGN_LEFT,
  HB_TICKET_ALIGN_CENTER,
  HB_TICKET_ALIGN_RIGHT,
} HbTicketAlign;

typedef enum {
  HB_TICKET_SIZE_NORMAL,
  HB_TICKET_SIZE_DOUBLE,   /* double width and height */
} HbTicketSize;

typedef enum {
  HB_TICKET_ITEM_TEXT,       /* text, size, bold, align */
  HB_TICKET_ITEM_ROW,        /* text = label, value = value: "label    value" */
  HB_TICKET_ITEM_QR,         /* text = payload, printed centred */
  HB_TICKET_ITEM_SEPARATOR,  /* a line of dashes */
  HB_TICKET_ITEM_CUT,        /* feed past the cutter and cut */
  HB_TICKET_ITEM_LOGO,       /* a 1-bit raster image (GS v 0), printed centred */
} HbTicketItemType;

typedef struct {
  HbTicketItemType type;
  char            *text;
  char            *value;
  HbTicketSize     size;
  gboolean         bold;
  HbTicketAlign    align;
  GBytes          *bitmap;     /* LOGO: rows of (width + 7) / 8 bytes, MSB first, 1 = black */
  guint            width;      /* LOGO: dots */
  guint            height;     /* LOGO: dots */
} HbTicketItem;

#define HB_TICKET_ERROR (hb_ticket_error_quark ())
GQuark hb_ticket_error_quark (void);
typedef enum {
  HB_TICKET_ERROR_INVALID,     /* not UTF-8, control characters, empty QR */
  HB_TICKET_ERROR_TOO_LARGE,   /* over one of the bounds above */
} HbTicketError;

typedef struct _HbTicket HbTicket;

GType     hb_ticket_get_type (void);
#define HB_TYPE_TICKET (hb_ticket_get_type ())

HbTicket *hb_ticket_new  (void);
HbTicket *hb_ticket_copy (const HbTicket *ticket);
void      hb_ticket_free (HbTicket *ticket);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbTicket, hb_ticket_free)

gboolean  hb_ticket_add_text      (HbTicket *ticket, const char *text, HbTicketSize size,
                                   gboolean bold, HbTicketAlign align, GError **error);
gboolean  hb_ticket_add_row       (HbTicket *ticket, const char *label, const char *value,
                                   GError **error);
gboolean  hb_ticket_add_qr        (HbTicket *ticket, const char *payload, GError **error);
gboolean  hb_ticket_add_separator (HbTicket *ticket, GError **error);
gboolean  hb_ticket_add_cut       (HbTicket *ticket, GError **error);
/* A logo: @bits holds @height rows of (width + 7) / 8 bytes (copied); at most
 * HB_TICKET_LOGO_MAX_W × HB_TICKET_LOGO_MAX_H dots. */
gboolean  hb_ticket_add_logo      (HbTicket *ticket, const guint8 *bits, gsize length,
                                   guint width, guint height, GError **error);

guint               hb_ticket_get_n_items (const HbTicket *ticket);
const HbTicketItem *hb_ticket_get_item    (const HbTicket *ticket, guint index);
/* TRUE when the last item is a cut (a printer adds one otherwise). */
gboolean            hb_ticket_ends_with_cut (const HbTicket *ticket);

G_END_DECLS
