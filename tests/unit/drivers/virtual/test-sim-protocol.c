/* test-sim-protocol.c — the simulator's line protocol parser (pure). */
#include "drivers/virtual/hb-sim-protocol.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static HbSimCommand *
parse_ok (const char *line)
{
  g_autoptr(GError) error = NULL;
  HbSimCommand *cmd = hb_sim_command_parse (line, strlen (line), &error);

  g_assert_no_error (error);
  g_assert_nonnull (cmd);
  return cmd;
}

static void
assert_parse_fails (const char *line, gsize length, const char *must_not_contain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbSimCommand) cmd = hb_sim_command_parse (line, length, &error);

  g_assert_null (cmd);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, !=, "");
  if (must_not_contain)
    g_assert_null (strstr (error->message, must_not_contain));
}

static void
test_parses_every_command (void)
{
  struct { const char *line; HbSimCommandType type; } cases[] = {
    { "CARD-INSERT {\"a\":1}", HB_SIM_CMD_CARD_INSERT },
    { "CARD-REMOVE", HB_SIM_CMD_CARD_REMOVE },
    { "SCAN hello", HB_SIM_CMD_SCAN },
    { "PAPER-OUT on", HB_SIM_CMD_PAPER_OUT },
    { "UNPLUG printer", HB_SIM_CMD_UNPLUG },
    { "PLUG scanner", HB_SIM_CMD_PLUG },
    { "STATUS", HB_SIM_CMD_STATUS },
    { "status", HB_SIM_CMD_STATUS },         /* command names are case-insensitive */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HbSimCommand) cmd = parse_ok (cases[i].line);
      g_assert_cmpint (cmd->type, ==, cases[i].type);
    }
}

static void
test_reads_arguments (void)
{
  g_autoptr(HbSimCommand) insert = parse_ok ("CARD-INSERT {\"name\":\"张伟\"}");
  g_autoptr(HbSimCommand) off = parse_ok ("PAPER-OUT off");
  g_autoptr(HbSimCommand) on = parse_ok ("PAPER-OUT  ON ");
  g_autoptr(HbSimCommand) unplug = parse_ok ("UNPLUG idcard");
  g_autoptr(HbSimCommand) plug = parse_ok ("PLUG printer");
  g_autoptr(HbSimCommand) remove = parse_ok ("CARD-REMOVE");

  g_assert_cmpstr (insert->argument, ==, "{\"name\":\"张伟\"}");
  g_assert_false (off->on);
  g_assert_true (on->on);
  g_assert_cmpint (unplug->kind, ==, HB_DEVICE_KIND_IDCARD);
  g_assert_cmpint (plug->kind, ==, HB_DEVICE_KIND_PRINTER);
  g_assert_null (remove->argument);
  g_assert_cmpint (off->kind, ==, HB_DEVICE_KIND_PRINTER);   /* PAPER-OUT defaults to A4 */
}

static void
test_names_the_receipt_printer (void)
{
  g_autoptr(HbSimCommand) paper = parse_ok ("PAPER-OUT on receipt-printer");
  g_autoptr(HbSimCommand) paper_a4 = parse_ok ("PAPER-OUT off  printer ");
  g_autoptr(HbSimCommand) unplug = parse_ok ("UNPLUG receipt-printer");
  g_autoptr(HbSimCommand) plug = parse_ok ("PLUG Receipt-Printer");

  g_assert_true (paper->on);
  g_assert_cmpint (paper->kind, ==, HB_DEVICE_KIND_RECEIPT_PRINTER);
  g_assert_false (paper_a4->on);
  g_assert_cmpint (paper_a4->kind, ==, HB_DEVICE_KIND_PRINTER);
  g_assert_cmpint (unplug->kind, ==, HB_DEVICE_KIND_RECEIPT_PRINTER);
  g_assert_cmpint (plug->kind, ==, HB_DEVICE_KIND_RECEIPT_PRINTER);
  assert_parse_fails ("PAPER-OUT on scanner", 20, NULL);
  assert_parse_fails ("PAPER-OUT receipt-printer", 25, NULL);
  assert_parse_fails ("PAPER-OUT on receipt-printer x", 30, NULL);
}

static void
test_strips_newline_and_crlf (void)
{
  const char *lines[] = { "SCAN abc\n", "SCAN abc\r\n", "SCAN abc" };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(HbSimCommand) cmd = parse_ok (lines[i]);
      g_assert_cmpint (cmd->type, ==, HB_SIM_CMD_SCAN);
      g_assert_cmpstr (cmd->argument, ==, "abc");
    }
}

static void
test_scan_keeps_the_text_verbatim (void)
{
  g_autoptr(HbSimCommand) spaced = parse_ok ("SCAN  SSM1:DEMO:7F3A 9C21 ");
  g_autoptr(HbSimCommand) gs1 = parse_ok ("SCAN ]C1\x1d" "0104012345678901");

  g_assert_cmpstr (spaced->argument, ==, " SSM1:DEMO:7F3A 9C21 ");
  g_assert_cmpstr (gs1->argument, ==, "]C1\x1d" "0104012345678901");
}

static void
test_rejects_unknown_and_empty (void)
{
  assert_parse_fails ("", 0, NULL);
  assert_parse_fails ("\n", 1, NULL);
  assert_parse_fails ("\r\n", 2, NULL);
  assert_parse_fails ("EJECT-SECRET now", 16, "SECRET");
  assert_parse_fails ("SCANX abc", 9, NULL);
  assert_parse_fails (" STATUS", 7, NULL);
}

static void
test_rejects_bad_arguments (void)
{
  const char *bad[] = {
    "CARD-INSERT", "CARD-INSERT ", "SCAN", "SCAN ", "PAPER-OUT", "PAPER-OUT maybe",
    "UNPLUG", "UNPLUG camera", "PLUG", "PLUG idcard scanner", "STATUS now", "CARD-REMOVE x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_parse_fails (bad[i], strlen (bad[i]), NULL);

  /* Trailing blanks after a keyword are forgiven. */
  {
    g_autoptr(HbSimCommand) cmd = parse_ok ("STATUS  ");
    g_assert_cmpint (cmd->type, ==, HB_SIM_CMD_STATUS);
  }
}

static void
test_rejects_over_long_line (void)
{
  gsize len = HB_SIM_LINE_MAX + 1;
  g_autofree char *line = g_malloc (len);

  memcpy (line, "SCAN ", 5);
  memset (line + 5, 'a', len - 5);
  assert_parse_fails (line, len, "aaaa");

  /* Exactly the limit, newline included, is accepted. */
  line[HB_SIM_LINE_MAX - 1] = '\n';
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HbSimCommand) cmd = hb_sim_command_parse (line, HB_SIM_LINE_MAX, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strlen (cmd->argument), ==, HB_SIM_LINE_MAX - 6);
  }
}

static void
test_rejects_nul_bad_utf8_and_inner_breaks (void)
{
  assert_parse_fails ("SCAN a\0b", 8, NULL);
  assert_parse_fails ("SCAN \xff\xfe", 7, NULL);
  assert_parse_fails ("SCAN a\nSTATUS", 13, NULL);
  assert_parse_fails ("SCAN a\rb", 8, NULL);
  assert_parse_fails ("SCAN a\n\n", 8, NULL);
}

static void
test_to_line_round_trips (void)
{
  const char *lines[] = {
    "CARD-INSERT {\"type\":\"resident\"}", "CARD-REMOVE", "SCAN  two  spaces ",
    "PAPER-OUT on", "PAPER-OUT off", "UNPLUG idcard", "UNPLUG scanner", "PLUG printer",
    "PAPER-OUT on receipt-printer", "UNPLUG receipt-printer", "STATUS",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(HbSimCommand) cmd = parse_ok (lines[i]);
      g_autofree char *line = hb_sim_command_to_line (cmd);
      g_autoptr(HbSimCommand) again = parse_ok (line);

      g_assert_cmpstr (line, ==, lines[i]);
      g_assert_cmpint (again->type, ==, cmd->type);
      g_assert_cmpstr (again->argument, ==, cmd->argument);
    }

  /* Normalises case and spacing of keywords. */
  {
    g_autoptr(HbSimCommand) cmd = parse_ok ("paper-out  ON");
    g_autofree char *line = hb_sim_command_to_line (cmd);
    g_assert_cmpstr (line, ==, "PAPER-OUT on");
  }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

  g_test_add_func ("/drivers/virtual/sim-protocol/parses-every-command", test_parses_every_command);
  g_test_add_func ("/drivers/virtual/sim-protocol/names-the-receipt-printer",
                   test_names_the_receipt_printer);
  g_test_add_func ("/drivers/virtual/sim-protocol/reads-arguments", test_reads_arguments);
  g_test_add_func ("/drivers/virtual/sim-protocol/strips-newline-and-crlf", test_strips_newline_and_crlf);
  g_test_add_func ("/drivers/virtual/sim-protocol/scan-keeps-the-text-verbatim", test_scan_keeps_the_text_verbatim);
  g_test_add_func ("/drivers/virtual/sim-protocol/rejects-unknown-and-empty", test_rejects_unknown_and_empty);
  g_test_add_func ("/drivers/virtual/sim-protocol/rejects-bad-arguments", test_rejects_bad_arguments);
  g_test_add_func ("/drivers/virtual/sim-protocol/rejects-over-long-line", test_rejects_over_long_line);
  g_test_add_func ("/drivers/virtual/sim-protocol/rejects-nul-bad-utf8-and-inner-breaks", test_rejects_nul_bad_utf8_and_inner_breaks);
  g_test_add_func ("/drivers/virtual/sim-protocol/to-line-round-trips", test_to_line_round_trips);

  return g_test_run ();
}
