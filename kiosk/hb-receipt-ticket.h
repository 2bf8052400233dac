/* hb-receipt-ticket.h — the receipt (办件回执) as an 80 mm thermal ticket: the same facts as
 * the PDF of hb-document.h — service, reference, applicant (masked), time, terminal, the
 * answers, the next steps and a QR code of the reference — laid out for 48 columns. */
#pragma once

#include "kiosk/hb-document.h"
#include "drivers/printer/hb-ticket.h"

G_BEGIN_DECLS

/* Fails (HB_TICKET_ERROR) only when the receipt cannot fit a ticket's bounds; the caller
 * then prints the A4 receipt instead. */
HbTicket *hb_receipt_ticket_new (const HbReceipt *receipt, GError **error);

G_END_DECLS
