/* test-printer-reasons.c — printer-state-reasons keywords to status, paper and messages. */
#include "drivers/printer/hb-printer-reasons.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static void
eval (const char *list, int state, HbPrinterCondition *c)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) reasons = hb_printer_reasons_parse (list, strlen (list), &error);
  g_assert_no_error (error);
  hb_printer_reasons_evaluate ((const char *const *) reasons, state, c);
}

static void
test_suffix_is_stripped (void)
{
  static const char *const forms[] = { "media-empty", "media-empty-report",
                                       "media-empty-warning", "media-empty-error" };
  static const HbPrinterReasonSeverity sev[] = { HB_PRINTER_REASON_NO_SUFFIX,
    HB_PRINTER_REASON_REPORT, HB_PRINTER_REASON_WARNING, HB_PRINTER_REASON_ERROR };
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      char base[HB_PRINTER_REASON_MAX_LEN + 1];
      HbPrinterReasonSeverity s;
      HbPrinterCondition c;
      g_assert_true (hb_printer_reason_split (forms[i], base, &s));
      g_assert_cmpstr (base, ==, "media-empty");
      g_assert_cmpint (s, ==, sev[i]);
      eval (forms[i], HB_IPP_PRINTER_IDLE, &c);
      g_assert_cmpint (c.fault, ==, HB_PRINTER_FAULT_PAPER_OUT);
      g_assert_cmpint (c.paper, ==, HB_PAPER_OUT);
      g_assert_cmpint (c.status, ==, HB_DEVICE_STATUS_USER_ERROR);
      g_assert_cmpstr (c.detail, ==, forms[i]);
      hb_printer_condition_clear (&c);
    }
}

static void
test_prefix_is_not_enough (void)
{
  HbPrinterCondition c;
  /* "media-empty-tray" is not "media-empty": only the RFC suffixes are stripped. */
  eval ("media-empty-tray-report,cover-opened", HB_IPP_PRINTER_IDLE, &c);
  g_assert_cmpint (c.fault, ==, HB_PRINTER_FAULT_NONE);
  g_assert_cmpint (c.status, ==, HB_DEVICE_STATUS_ONLINE);
  hb_printer_condition_clear (&c);
}

typedef struct {
  const char     *reasons;
  int             state;
  HbPrinterFault  fault;
  HbDeviceStatus  status;
  HbPaperStatus   paper;
  const char     *message_part;
} Case;

static void
test_table (void)
{
  static const Case cases[] = {
    { "none", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_NONE, HB_DEVICE_STATUS_ONLINE, HB_PAPER_FULL, NULL },
    { "", HB_IPP_PRINTER_PROCESSING, HB_PRINTER_FAULT_NONE, HB_DEVICE_STATUS_BUSY, HB_PAPER_FULL, NULL },
    { "media-needed-warning", HB_IPP_PRINTER_PROCESSING, HB_PRINTER_FAULT_PAPER_OUT, HB_DEVICE_STATUS_USER_ERROR, HB_PAPER_OUT, "缺纸" },
    { "media-jam-error", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_PAPER_JAM, HB_DEVICE_STATUS_HARDWARE_ERROR, HB_PAPER_FULL, "卡纸" },
    { "cover-open-report", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_COVER_OPEN, HB_DEVICE_STATUS_USER_ERROR, HB_PAPER_FULL, "盖子" },
    { "door-open", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_COVER_OPEN, HB_DEVICE_STATUS_USER_ERROR, HB_PAPER_FULL, "盖子" },
    { "toner-empty-error", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_SUPPLY_EMPTY, HB_DEVICE_STATUS_USER_ERROR, HB_PAPER_FULL, "墨粉" },
    { "marker-supply-empty-warning", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_SUPPLY_EMPTY, HB_DEVICE_STATUS_USER_ERROR, HB_PAPER_FULL, "墨粉" },
    { "offline-report", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_OFFLINE, HB_DEVICE_STATUS_OFFLINE, HB_PAPER_FULL, "连接" },
    { "paused", HB_IPP_PRINTER_STOPPED, HB_PRINTER_FAULT_STOPPED, HB_DEVICE_STATUS_OFFLINE, HB_PAPER_FULL, "暂停" },
    { "none", HB_IPP_PRINTER_STOPPED, HB_PRINTER_FAULT_STOPPED, HB_DEVICE_STATUS_OFFLINE, HB_PAPER_FULL, "暂停" },
    { "spool-area-full", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_SPOOL_FULL, HB_DEVICE_STATUS_HARDWARE_ERROR, HB_PAPER_FULL, "任务" },
    /* Warnings keep the printer printing. */
    { "media-low-report,toner-low-warning", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_NONE, HB_DEVICE_STATUS_ONLINE, HB_PAPER_LOW, NULL },
    { "cups-waiting-for-job-completed", HB_IPP_PRINTER_PROCESSING, HB_PRINTER_FAULT_NONE, HB_DEVICE_STATUS_BUSY, HB_PAPER_FULL, NULL },
    { "connecting-to-device", HB_IPP_PRINTER_PROCESSING, HB_PRINTER_FAULT_NONE, HB_DEVICE_STATUS_BUSY, HB_PAPER_FULL, NULL },
    /* Unknown keywords block only as errors. */
    { "vendor-thing-warning", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_NONE, HB_DEVICE_STATUS_ONLINE, HB_PAPER_FULL, NULL },
    { "vendor-thing-error", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_OTHER, HB_DEVICE_STATUS_HARDWARE_ERROR, HB_PAPER_FULL, "故障" },
    /* The worst fault wins; paper still reads out. */
    { "media-empty-error,paused", HB_IPP_PRINTER_STOPPED, HB_PRINTER_FAULT_PAPER_OUT, HB_DEVICE_STATUS_USER_ERROR, HB_PAPER_OUT, "缺纸" },
    { "media-empty-report,media-jam-error", HB_IPP_PRINTER_IDLE, HB_PRINTER_FAULT_PAPER_JAM, HB_DEVICE_STATUS_HARDWARE_ERROR, HB_PAPER_OUT, "卡纸" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HbPrinterCondition c;
      g_test_message ("case %u: %s (state %d)", i, cases[i].reasons, cases[i].state);
      eval (cases[i].reasons, cases[i].state, &c);
      g_assert_cmpint (c.fault, ==, cases[i].fault);
      g_assert_cmpint (c.status, ==, cases[i].status);
      g_assert_cmpint (c.paper, ==, cases[i].paper);
      if (cases[i].message_part)
        g_assert_nonnull (strstr (hb_printer_fault_message (c.fault), cases[i].message_part));
      else
        g_assert_null (hb_printer_fault_message (c.fault));
      hb_printer_condition_clear (&c);
    }
}

static void
test_supply_low_is_reported (void)
{
  HbPrinterCondition c;
  eval ("marker-supply-low-report", HB_IPP_PRINTER_IDLE, &c);
  g_assert_true (c.supply_low);
  g_assert_cmpint (c.fault, ==, HB_PRINTER_FAULT_NONE);
  g_assert_cmpstr (c.detail, ==, "marker-supply-low-report");
  hb_printer_condition_clear (&c);
}

static void
test_parse_is_bounded (void)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) reasons = NULL;
  char big[HB_PRINTER_REASON_MAX_LEN + 2];

  for (int i = 0; i < 100; i++)
    g_string_append (list, i ? ",media-low" : "media-low");
  reasons = hb_printer_reasons_parse (list->str, list->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (reasons), ==, HB_PRINTER_REASONS_MAX);
  g_clear_pointer (&reasons, g_strfreev);

  /* Too long a keyword, capitals, spaces inside: skipped, the rest kept. */
  memset (big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  g_string_printf (list, "%s,MEDIA-EMPTY,a b, cover-open ,,", big);
  reasons = hb_printer_reasons_parse (list->str, list->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (reasons), ==, 1);
  g_assert_cmpstr (reasons[0], ==, "cover-open");
  g_clear_pointer (&reasons, g_strfreev);

  /* Not UTF-8, and too long: errors. */
  reasons = hb_printer_reasons_parse ("media\xff", 6, &error);
  g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
  g_assert_null (reasons);
  g_clear_error (&error);
  {
    g_autofree char *huge = g_malloc0 (HB_PRINTER_REASONS_TEXT_MAX + 2);
    memset (huge, 'a', HB_PRINTER_REASONS_TEXT_MAX + 1);
    reasons = hb_printer_reasons_parse (huge, HB_PRINTER_REASONS_TEXT_MAX + 1, &error);
    g_assert_error (error, HB_DEVICE_ERROR, HB_DEVICE_ERROR_PROTOCOL);
    g_assert_null (reasons);
  }
}

static void
test_fault_error_codes (void)
{
  g_assert_cmpint (hb_printer_fault_error_code (HB_PRINTER_FAULT_PAPER_OUT), ==, HB_DEVICE_ERROR_USER);
  g_assert_cmpint (hb_printer_fault_error_code (HB_PRINTER_FAULT_COVER_OPEN), ==, HB_DEVICE_ERROR_USER);
  g_assert_cmpint (hb_printer_fault_error_code (HB_PRINTER_FAULT_PAPER_JAM), ==, HB_DEVICE_ERROR_HARDWARE);
  g_assert_cmpint (hb_printer_fault_error_code (HB_PRINTER_FAULT_SERVICE_DOWN), ==, HB_DEVICE_ERROR_NO_DEVICE);
  g_assert_cmpstr (hb_printer_fault_to_string (HB_PRINTER_FAULT_PAPER_OUT), ==, "paper-out");
  g_assert_cmpstr (hb_printer_fault_to_string (HB_PRINTER_FAULT_NONE), ==, "none");
  g_assert_nonnull (hb_printer_fault_message (HB_PRINTER_FAULT_SERVICE_DOWN));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/drivers/printer/reasons/suffix-is-stripped", test_suffix_is_stripped);
  g_test_add_func ("/drivers/printer/reasons/prefix-alone-does-not-match", test_prefix_is_not_enough);
  g_test_add_func ("/drivers/printer/reasons/keywords-map-to-status-paper-and-message", test_table);
  g_test_add_func ("/drivers/printer/reasons/supply-low-is-reported-not-blocking", test_supply_low_is_reported);
  g_test_add_func ("/drivers/printer/reasons/parse-is-bounded", test_parse_is_bounded);
  g_test_add_func ("/drivers/printer/reasons/faults-give-error-codes", test_fault_error_codes);
  return g_test_run ();
}
