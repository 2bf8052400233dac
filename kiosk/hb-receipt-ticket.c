/* hb-receipt-ticket.c — the receipt laid out as a ticket. */
#include "kiosk/hb-receipt-ticket.h"

#include <string.h>

typedef struct {
  const char *zh;
  const char *en;
} Label;

static const Label L_REFERENCE = { "办件编号", "Case number" };
static const Label L_QUEUED    = { "受理凭证号", "Queued reference" };
static const Label L_QUEUED_NOTE = { "已保存在本机，联网后自动提交", "Saved here; sent when online" };
static const Label L_APPLICANT = { "申请人", "Applicant" };
static const Label L_SUBMITTED = { "提交时间", "Submitted" };
static const Label L_TERMINAL  = { "终端编号", "Terminal" };
static const Label L_NEXT      = { "后续事项", "Next steps" };
static const Label L_QR        = { "扫码查询办件", "Scan to look up this case" };

static const char *
pick (const HbReceipt *r, const Label *l)
{
  return r->language && g_str_has_prefix (r->language, "en") ? l->en : l->zh;
}

/* Control characters cannot go on a ticket line: a form answer typed with a line break
 * becomes a space. */
static char *
clean (const char *text)
{
  char *s = g_strdup (text ? text : "");
  for (char *p = s; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return s;
}

static gboolean
row (HbTicket *t, const char *label, const char *value, GError **error)
{
  g_autofree char *l = clean (label);
  g_autofree char *v = clean (value);
  if (*v == '\0')
    return TRUE;
  return hb_ticket_add_row (t, l, v, error);
}

static gboolean
text (HbTicket *t, const char *s, HbTicketSize size, gboolean bold, HbTicketAlign align,
      GError **error)
{
  g_autofree char *c = clean (s);
  if (*c == '\0')
    return TRUE;
  return hb_ticket_add_text (t, c, size, bold, align, error);
}

HbTicket *
hb_receipt_ticket_new (const HbReceipt *r, GError **error)
{
  g_autoptr(HbTicket) t = hb_ticket_new ();
  g_autofree char *when = r->submitted_at
                          ? g_date_time_format (r->submitted_at, "%Y-%m-%d %H:%M") : NULL;

  g_return_val_if_fail (r != NULL && r->reference != NULL, NULL);
  if (!text (t, r->title, HB_TICKET_SIZE_DOUBLE, TRUE, HB_TICKET_ALIGN_CENTER, error) ||
      !text (t, r->service_name, HB_TICKET_SIZE_NORMAL, FALSE, HB_TICKET_ALIGN_CENTER, error) ||
      !hb_ticket_add_separator (t, error) ||
      !text (t, pick (r, r->queued ? &L_QUEUED : &L_REFERENCE), HB_TICKET_SIZE_NORMAL, FALSE,
             HB_TICKET_ALIGN_CENTER, error) ||
      !text (t, r->reference, HB_TICKET_SIZE_DOUBLE, TRUE, HB_TICKET_ALIGN_CENTER, error) ||
      (r->queued && !text (t, pick (r, &L_QUEUED_NOTE), HB_TICKET_SIZE_NORMAL, FALSE,
                           HB_TICKET_ALIGN_CENTER, error)) ||
      !hb_ticket_add_separator (t, error) ||
      !row (t, pick (r, &L_APPLICANT), r->applicant, error) ||
      !row (t, pick (r, &L_SUBMITTED), when, error) ||
      !row (t, pick (r, &L_TERMINAL), r->terminal_id, error))
    return NULL;
  for (gsize i = 0; i < r->n_rows; i++)
    if (!row (t, r->rows[i].label, r->rows[i].value, error))
      return NULL;
  if (!hb_ticket_add_separator (t, error) ||
      !text (t, pick (r, &L_NEXT), HB_TICKET_SIZE_NORMAL, TRUE, HB_TICKET_ALIGN_LEFT, error) ||
      !text (t, r->next_step, HB_TICKET_SIZE_NORMAL, FALSE, HB_TICKET_ALIGN_LEFT, error) ||
      !text (t, r->collect_at, HB_TICKET_SIZE_NORMAL, FALSE, HB_TICKET_ALIGN_LEFT, error) ||
      !text (t, r->progress_hint, HB_TICKET_SIZE_NORMAL, FALSE, HB_TICKET_ALIGN_LEFT, error) ||
      !hb_ticket_add_qr (t, r->reference, error) ||
      !text (t, pick (r, &L_QR), HB_TICKET_SIZE_NORMAL, FALSE, HB_TICKET_ALIGN_CENTER, error) ||
      !hb_ticket_add_cut (t, error))
    return NULL;
  return g_steal_pointer (&t);
}
