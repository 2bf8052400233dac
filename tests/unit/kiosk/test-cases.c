/* Tests for kiosk/hb-cases.c: what a receipt's number looks like, and the case reply parser. */
#include "kiosk/hb-cases.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <string.h>

static void
test_receipt_numbers_are_recognised (void)
{
  const char *yes[] = { "SH20261127000001", "MS20261127000001", "sh 2026 1127 0000 01",
                        "HB20261127-8F0C12AB", "hb20261127-8f0c12ab" };
  const char *no[] = { "", "SSM1:DEMO:7F3A9C21E5B04D18", "SH2026", "S20261127000001",
                       "HB20261127-8F0C12AG", "HB2026112-8F0C12AB", "SH20261127000001X",
                       "https://example.com/SH20261127000001", "SHABCD20261127000001" };
  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (!hb_cases_is_reference (yes[i]))
      g_error ("not recognised: %s", yes[i]);
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (hb_cases_is_reference (no[i]))
      g_error ("taken for a receipt: %s", no[i]);
}

static void
test_parses_a_case_with_its_timeline (void)
{
  const char *json =
    "{\"cases\":[{\"case_number\":\"SH20261127000001\",\"service_code\":\"310000-GA-JZZ-0003\","
    "\"service_name\":\"居住证签注\",\"service_name_en\":\"Residence permit\","
    "\"submitted_at\":\"2026-11-27T10:15:02+08:00\",\"status\":\"accepted\","
    "\"status_name\":\"已受理\",\"timeline\":[{\"status\":\"submitted\",\"at\":\"x\","
    "\"note\":\"已提交\"},{\"status\":\"accepted\",\"at\":\"y\",\"note\":\"已受理\"}]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = hb_cases_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 1);
  HbCase *c = cases->pdata[0];
  g_assert_cmpstr (c->status, ==, "accepted");
  g_assert_cmpuint (c->timeline->len, ==, 2);
  g_assert_cmpstr (((HbCaseStep *) c->timeline->pdata[1])->note.zh, ==, "已受理");
}

static void
test_refuses_what_is_not_a_case_list (void)
{
  const char *bad[] = {
    "{}", "{\"cases\":{}}", "{\"cases\":[{}]}", "{\"cases\":[{\"case_number\":\"x\"}]}",
    "{\"cases\":[{\"case_number\":\"x\",\"status\":\"a\",\"timeline\":[{}]}]}",
    "{\"cases\":[{\"case_number\":\"x\\n\",\"status\":\"a\"}]}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) cases = hb_cases_parse (bad[i], strlen (bad[i]), &error);
      if (cases)
        g_error ("accepted %s", bad[i]);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/cases/receipt-numbers-are-recognised", test_receipt_numbers_are_recognised);
  g_test_add_func ("/kiosk/cases/parses-a-case-with-its-timeline", test_parses_a_case_with_its_timeline);
  g_test_add_func ("/kiosk/cases/refuses-what-is-not-a-case-list", test_refuses_what_is_not_a_case_list);
  return g_test_run ();
}
