/* `haobanctl print … --to receipt` against a fake ESC/POS receipt printer on a umockdev USB
 * bus, through the real libusb: the command finds the printer as the kiosk does, prints,
 * and exits 0 only once the printer took the whole ticket; a printer out of paper, or none
 * at all, gives a non-zero exit and a message that says why. The command runs in this
 * process (hb_print_command_run): the fake device lives here, under umockdev's preload. */
#include "kiosk/hb-config.h"
#include "kiosk/hb-print-command.h"
#include "tests/support/hb-fake-escpos.h"
#include "tests/support/hb-fake-sam.h"
#include "tests/common/hb-test-util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const guint8 PAPER_OUT[4] = { 0x12, 0x32, 0x12, 0x72 };

typedef struct {
  HbFakeEscpos *fake;
  char         *dir;
} Fixture;

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->fake = hb_fake_escpos_new (NULL, &error);
  g_assert_no_error (error);
  f->dir = hb_test_mkdtemp ("haobanctl-receipt");
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->fake, hb_fake_escpos_free);
  hb_test_rmdir (f->dir);
  g_free (f->dir);
}

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* Runs the command with stdout and stderr captured in files. */
static Run
print_command (Fixture *f, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(HbConfig) config = hb_config_new ();
  g_autofree char *out_path = g_build_filename (f->dir, "stdout", NULL);
  g_autofree char *err_path = g_build_filename (f->dir, "stderr", NULL);
  Run r = { 0 };
  va_list ap;

  g_ptr_array_add (argv, (gpointer) "print");
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  fflush (stdout);
  fflush (stderr);
  int saved_out = dup (STDOUT_FILENO), saved_err = dup (STDERR_FILENO);
  int out = open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = open (err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (out, >=, 0);
  g_assert_cmpint (err, >=, 0);
  dup2 (out, STDOUT_FILENO);
  dup2 (err, STDERR_FILENO);
  r.status = hb_print_command_run (config, (int) argv->len - 1, (char **) argv->pdata);
  fflush (stdout);
  fflush (stderr);
  dup2 (saved_out, STDOUT_FILENO);
  dup2 (saved_err, STDERR_FILENO);
  close (out);
  close (err);
  close (saved_out);
  close (saved_err);
  g_assert_true (g_file_get_contents (out_path, &r.out, NULL, NULL));
  g_assert_true (g_file_get_contents (err_path, &r.err, NULL, NULL));
  g_test_message ("exit %d; stdout: %s; stderr: %s", r.status, r.out, r.err);
  return r;
}

static gboolean
bytes_contain (GBytes *bytes, const void *needle, gsize len)
{
  gsize n = 0;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  return n >= len && memmem (data, n, needle, len) != NULL;
}

static void
test_test_ticket_prints_and_exits_zero (Fixture *f, gconstpointer data)
{
  Run r = print_command (f, "test", "--to", "receipt", "--timeout", "20", NULL);
  g_autoptr(GBytes) printed = hb_fake_escpos_get_data (f->fake);
  static const guint8 init[] = { 0x1b, 0x40 };
  static const guint8 cut[] = { 0x1d, 0x56 };

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "printed on"));
  g_assert_true (bytes_contain (printed, init, sizeof init));
  g_assert_true (bytes_contain (printed, cut, sizeof cut));
  run_clear (&r);
}

static void
test_text_file_prints_in_gb18030 (Fixture *f, gconstpointer data)
{
  g_autofree char *file = g_build_filename (f->dir, "note.txt", NULL);
  /* 你好 in GB18030: C4 E3 BA C3. */
  static const guint8 nihao[] = { 0xc4, 0xe3, 0xba, 0xc3 };

  g_assert_true (g_file_set_contents (file, "你好 Haoban\n第二行\n", -1, NULL));
  Run r = print_command (f, file, "--to", "receipt", NULL);
  g_autoptr(GBytes) printed = hb_fake_escpos_get_data (f->fake);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (bytes_contain (printed, nihao, sizeof nihao));
  g_assert_true (bytes_contain (printed, "Haoban", 6));
  run_clear (&r);

  /* Not text: refused before anything reaches the printer. */
  static const char binary[] = { 'a', (char) 0xff, (char) 0xfe, 'b' };
  g_assert_true (g_file_set_contents (file, binary, sizeof binary, NULL));
  r = print_command (f, file, "--to", "receipt", NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "UTF-8"));
  run_clear (&r);
}

static void
test_paper_out_exits_non_zero_and_says_so (Fixture *f, gconstpointer data)
{
  hb_fake_escpos_set_status (f->fake, PAPER_OUT);
  Run r = print_command (f, "test", "--to", "receipt", "--timeout", "20", NULL);
  g_autoptr(GBytes) printed = hb_fake_escpos_get_data (f->fake);

  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "print failed"));
  /* The plain reason: paper (in the process's language). */
  g_assert_true (strstr (r.err, "paper") != NULL || strstr (r.err, "纸") != NULL);
  g_assert_cmpuint (g_bytes_get_size (printed), ==, 0);
  run_clear (&r);
}

static void
test_no_printer_exits_non_zero (Fixture *f, gconstpointer data)
{
  hb_fake_escpos_unplug (f->fake);
  Run r = print_command (f, "test", "--to", "receipt", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "no receipt printer found"));
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  if (!hb_fake_reexec_under_umockdev (argc, argv))
    {
      g_printerr ("umockdev-wrapper is missing: make deps installs it\n");
      return 1;
    }
  hb_test_init (&argc, &argv);
#define ADD(path, fn) \
  g_test_add ("/integration/haobanctl/print-receipt/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("test-ticket-prints-and-exits-zero", test_test_ticket_prints_and_exits_zero);
  ADD ("text-file-prints-in-gb18030", test_text_file_prints_in_gb18030);
  ADD ("paper-out-exits-non-zero-and-says-so", test_paper_out_exits_non_zero_and_says_so);
  ADD ("no-printer-exits-non-zero", test_no_printer_exits_non_zero);
#undef ADD
  return g_test_run ();
}
