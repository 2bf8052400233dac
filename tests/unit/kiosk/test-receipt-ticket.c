/* Tests for kiosk/hb-receipt-ticket.c: the receipt on the 80 mm roll carries the same
 * facts as the A4 PDF, masked the same way, and a QR code of the reference. */
#include "kiosk/hb-receipt-ticket.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static const HbDocumentRow rows[] = {
  { "本市居住地址", "上海市徐汇****" },
  { "联系电话", "138****5678" },
  { "备注", "第一行\n第二行" },
};

static HbReceipt
sample (GDateTime *when, gboolean queued)
{
  HbReceipt r = {
    .title = "居住证签注办件回执", .service_name = "居住证签注",
    .reference = queued ? "HB20261127-04753F37" : "SH20261127000001", .queued = queued,
    .applicant = "张* 310***********1237", .terminal_id = "SH-XH-0001", .submitted_at = when,
    .rows = rows, .n_rows = G_N_ELEMENTS (rows), .language = "zh_CN",
    .next_step = "3 个工作日内审核", .collect_at = NULL, .progress_hint = "拨打 12345 查询",
  };
  return r;
}

/* Every text on the ticket, one per line, for assertions. */
static char *
dump (const HbTicket *t)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < hb_ticket_get_n_items (t); i++)
    {
      const HbTicketItem *it = hb_ticket_get_item (t, i);
      g_string_append_printf (s, "%d|%s|%s\n", it->type, it->text ? it->text : "",
                              it->value ? it->value : "");
    }
  return g_string_free (s, FALSE);
}

static void
test_ticket_carries_the_receipt (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 11, 27, 10, 15, 0);
  HbReceipt r = sample (when, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTicket) t = hb_receipt_ticket_new (&r, &error);
  g_autofree char *text = NULL;
  gboolean qr = FALSE;

  g_assert_no_error (error);
  text = dump (t);
  g_assert_nonnull (strstr (text, "居住证签注办件回执"));
  g_assert_nonnull (strstr (text, "办件编号"));
  g_assert_nonnull (strstr (text, "SH20261127000001"));
  g_assert_nonnull (strstr (text, "张* 310***********1237"));
  g_assert_nonnull (strstr (text, "2026-11-27 10:15"));
  g_assert_nonnull (strstr (text, "138****5678"));
  g_assert_nonnull (strstr (text, "3 个工作日内审核"));
  /* A line break typed into a form answer does not break the ticket. */
  g_assert_nonnull (strstr (text, "第一行 第二行"));
  for (guint i = 0; i < hb_ticket_get_n_items (t); i++)
    {
      const HbTicketItem *it = hb_ticket_get_item (t, i);
      if (it->type == HB_TICKET_ITEM_QR)
        {
          g_assert_cmpstr (it->text, ==, "SH20261127000001");
          qr = TRUE;
        }
    }
  g_assert_true (qr);
  g_assert_true (hb_ticket_ends_with_cut (t));
}

static void
test_queued_ticket_says_so (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 11, 27, 10, 15, 0);
  HbReceipt r = sample (when, TRUE);
  g_autoptr(HbTicket) t = hb_receipt_ticket_new (&r, NULL);
  g_autofree char *text = dump (t);

  g_assert_nonnull (strstr (text, "受理凭证号"));
  g_assert_nonnull (strstr (text, "联网后自动提交"));
  g_assert_null (strstr (text, "办件编号"));
}

static void
test_too_many_rows_fail_cleanly (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 11, 27, 10, 15, 0);
  HbReceipt r = sample (when, FALSE);
  HbDocumentRow many[200];
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTicket) t = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    many[i] = (HbDocumentRow) { "字段", "值" };
  r.rows = many;
  r.n_rows = G_N_ELEMENTS (many);
  t = hb_receipt_ticket_new (&r, &error);
  g_assert_null (t);
  g_assert_error (error, HB_TICKET_ERROR, HB_TICKET_ERROR_TOO_LARGE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/receipt-ticket/carries-the-receipt", test_ticket_carries_the_receipt);
  g_test_add_func ("/kiosk/receipt-ticket/queued-ticket-says-so", test_queued_ticket_says_so);
  g_test_add_func ("/kiosk/receipt-ticket/too-many-rows-fail-cleanly", test_too_many_rows_fail_cleanly);
  return g_test_run ();
}
