/* hb-ticket.c — a bounded, structured receipt for thermal printers. */
#define G_LOG_DOMAIN "hb-drivers"

#include "drivers/printer/hb-ticket.h"

#include <string.h>

struct _HbTicket
{
  GArray *items;   /* HbTicketItem, owns the strings */
  gsize   text_bytes;
};

G_DEFINE_BOXED_TYPE (HbTicket, hb_ticket, hb_ticket_copy, hb_ticket_free)
G_DEFINE_QUARK (hb-ticket-error-quark, hb_ticket_error)

static void
wipe_string (char *s)
{
  if (s != NULL)
    {
      explicit_bzero (s, strlen (s));
      g_free (s);
    }
}

static void
item_clear (gpointer data)
{
  HbTicketItem *item = data;

  wipe_string (item->text);
  wipe_string (item->value);
  g_clear_pointer (&item->bitmap, g_bytes_unref);
}

HbTicket *
hb_ticket_new (void)
{
  HbTicket *ticket = g_new0 (HbTicket, 1);

  ticket->items = g_array_new (FALSE, TRUE, sizeof (HbTicketItem));
  g_array_set_clear_func (ticket->items, item_clear);
  return ticket;
}

HbTicket *
hb_ticket_copy (const HbTicket *ticket)
{
  HbTicket *copy;

  g_return_val_if_fail (ticket != NULL, NULL);
  copy = hb_ticket_new ();
  for (guint i = 0; i < ticket->items->len; i++)
    {
      HbTicketItem item = g_array_index (ticket->items, HbTicketItem, i);

      item.text = g_strdup (item.text);
      item.value = g_strdup (item.value);
      if (item.bitmap)
        g_bytes_ref (item.bitmap);
      g_array_append_val (copy->items, item);
    }
  copy->text_bytes = ticket->text_bytes;
  return copy;
}

void
hb_ticket_free (HbTicket *ticket)
{
  if (ticket == NULL)
    return;
  g_array_unref (ticket->items);
  g_free (ticket);
}

/* Printable UTF-8 of at most @max bytes; @what names the field in the error. */
static gboolean
check_text (const char *text, gsize max, const char *what, GError **error)
{
  gsize len;

  if (text == NULL)
    {
      g_set_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID, "The %s is missing", what);
      return FALSE;
    }
  len = strlen (text);
  if (len > max)
    {
      g_set_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_TOO_LARGE,
                   "The %s is longer than %" G_GSIZE_FORMAT " bytes", what, max);
      return FALSE;
    }
  if (!g_utf8_validate (text, (gssize) len, NULL))
    {
      g_set_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID, "The %s is not UTF-8", what);
      return FALSE;
    }
  /* Control bytes would be ESC/POS commands on the wire. */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c))
        {
          g_set_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID,
                       "The %s contains a control character", what);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_item (HbTicket *ticket, HbTicketItem *item, GError **error)
{
  gsize bytes = (item->text ? strlen (item->text) : 0) + (item->value ? strlen (item->value) : 0);

  if (ticket->items->len >= HB_TICKET_MAX_ITEMS)
    {
      g_set_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_TOO_LARGE,
                   "A ticket has at most %d items", HB_TICKET_MAX_ITEMS);
      item_clear (item);
      return FALSE;
    }
  if (ticket->text_bytes + bytes > HB_TICKET_MAX_TEXT)
    {
      g_set_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_TOO_LARGE,
                   "A ticket holds at most %d bytes of text", HB_TICKET_MAX_TEXT);
      item_clear (item);
      return FALSE;
    }
  ticket->text_bytes += bytes;
  g_array_append_val (ticket->items, *item);
  return TRUE;
}

gboolean
hb_ticket_add_text (HbTicket *ticket, const char *text, HbTicketSize size, gboolean bold,
                    HbTicketAlign align, GError **error)
{
  HbTicketItem item = { .type = HB_TICKET_ITEM_TEXT, .size = size, .bold = bold, .align = align };

  g_return_val_if_fail (ticket != NULL, FALSE);
  g_return_val_if_fail (size <= HB_TICKET_SIZE_DOUBLE && align <= HB_TICKET_ALIGN_RIGHT, FALSE);
  if (!check_text (text, HB_TICKET_MAX_TEXT, "text", error))
    return FALSE;
  item.text = g_strdup (text);
  return add_item (ticket, &item, error);
}

gboolean
hb_ticket_add_row (HbTicket *ticket, const char *label, const char *value, GError **error)
{
  HbTicketItem item = { .type = HB_TICKET_ITEM_ROW, .align = HB_TICKET_ALIGN_LEFT };

  g_return_val_if_fail (ticket != NULL, FALSE);
  if (!check_text (label, HB_TICKET_MAX_TEXT, "label", error) ||
      !check_text (value, HB_TICKET_MAX_TEXT, "value", error))
    return FALSE;
  item.text = g_strdup (label);
  item.value = g_strdup (value);
  return add_item (ticket, &item, error);
}

gboolean
hb_ticket_add_qr (HbTicket *ticket, const char *payload, GError **error)
{
  HbTicketItem item = { .type = HB_TICKET_ITEM_QR, .align = HB_TICKET_ALIGN_CENTER };

  g_return_val_if_fail (ticket != NULL, FALSE);
  if (!check_text (payload, HB_TICKET_QR_MAX, "QR payload", error))
    return FALSE;
  if (*payload == '\0')
    {
      g_set_error_literal (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID,
                           "The QR payload is empty");
      return FALSE;
    }
  item.text = g_strdup (payload);
  return add_item (ticket, &item, error);
}

gboolean
hb_ticket_add_separator (HbTicket *ticket, GError **error)
{
  HbTicketItem item = { .type = HB_TICKET_ITEM_SEPARATOR };

  g_return_val_if_fail (ticket != NULL, FALSE);
  return add_item (ticket, &item, error);
}

gboolean
hb_ticket_add_logo (HbTicket *ticket, const guint8 *bits, gsize length, guint width,
                    guint height, GError **error)
{
  HbTicketItem item = { .type = HB_TICKET_ITEM_LOGO, .align = HB_TICKET_ALIGN_CENTER,
                        .width = width, .height = height };

  g_return_val_if_fail (ticket != NULL, FALSE);
  if (bits == NULL || width == 0 || height == 0 || width > HB_TICKET_LOGO_MAX_W ||
      height > HB_TICKET_LOGO_MAX_H || length != (gsize) (width + 7) / 8 * height)
    {
      g_set_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_INVALID,
                   "A logo is 1..%d × 1..%d dots, in rows of (width + 7) / 8 bytes",
                   HB_TICKET_LOGO_MAX_W, HB_TICKET_LOGO_MAX_H);
      return FALSE;
    }
  item.bitmap = g_bytes_new (bits, length);
  return add_item (ticket, &item, error);
}

gboolean
hb_ticket_add_cut (HbTicket *ticket, GError **error)
{
  HbTicketItem item = { .type = HB_TICKET_ITEM_CUT };

  g_return_val_if_fail (ticket != NULL, FALSE);
  return add_item (ticket, &item, error);
}

guint
hb_ticket_get_n_items (const HbTicket *ticket)
{
  g_return_val_if_fail (ticket != NULL, 0);
  return ticket->items->len;
}

const HbTicketItem *
hb_ticket_get_item (const HbTicket *ticket, guint index)
{
  g_return_val_if_fail (ticket != NULL, NULL);
  g_return_val_if_fail (index < ticket->items->len, NULL);
  return &g_array_index (ticket->items, HbTicketItem, index);
}

gboolean
hb_ticket_ends_with_cut (const HbTicket *ticket)
{
  g_return_val_if_fail (ticket != NULL, FALSE);
  return ticket->items->len > 0 &&
         g_array_index (ticket->items, HbTicketItem, ticket->items->len - 1).type ==
           HB_TICKET_ITEM_CUT;
}
