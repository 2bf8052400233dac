/* `haobanctl print` as a technician runs it against a real cupsd (private, on loopback,
 * with an IPP Everywhere printer behind it): it waits for the job's final state, exits 0
 * only when the printer confirmed the job, and otherwise names the printer's state. */
#include "tests/support/hb-test-cupsd.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
  HbTestCupsd *cupsd;
  char        *dir;
  char        *pdf;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  f->cupsd = hb_test_cupsd_start (&error);
  if (f->cupsd == NULL)
    {
      g_test_skip_printf ("no private cupsd here: %s", error->message);
      return;
    }
  f->dir = hb_test_mkdtemp ("print");
  f->pdf = g_build_filename (f->dir, "test.pdf", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->cupsd, hb_test_cupsd_free);
  if (f->dir)
    hb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->pdf);
}

static int
print (Fixture *f, const char *what, char **out, char **err)
{
  g_setenv ("HAOBAN_DATA_DIR", f->dir, TRUE);
  return hb_test_run_program (out, err, 120000, "haobanctl", "print", what, "--to", "doc",
                              "--cups-server", hb_test_cupsd_get_server (f->cupsd),
                              "--printer", hb_test_cupsd_get_queue (f->cupsd),
                              "--timeout", "60", NULL);
}

static void
test_test_page_prints_and_exits_0 (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  if (f->cupsd == NULL)
    return;
  if (print (f, "test", &out, &err) != 0)
    g_error ("haobanctl print failed: %s%s", out ? out : "", err ? err : "");
  g_assert_nonnull (strstr (out, "completed"));
  g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, 1);
}

static void
test_a_pdf_file_prints (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *page = NULL;

  if (f->cupsd == NULL)
    return;
  /* A PDF of our own to send: the test page, written by the same command's renderer. */
  g_assert_cmpint (print (f, "test", NULL, NULL), ==, 0);
  {
    g_autoptr(GDir) d = NULL;
    const char *name;
    g_autofree char *outdir = g_build_filename (hb_test_cupsd_get_dir (f->cupsd), "out", NULL);
    d = g_dir_open (outdir, 0, NULL);
    g_assert_nonnull (d);
    while ((name = g_dir_read_name (d)) != NULL && page == NULL)
      page = g_build_filename (outdir, name, NULL);
  }
  g_assert_nonnull (page);
  {
    g_autofree char *bytes = NULL;
    gsize len = 0;
    g_assert_true (g_file_get_contents (page, &bytes, &len, NULL));
    g_assert_true (g_file_set_contents (f->pdf, bytes, (gssize) len, NULL));
  }
  g_assert_cmpint (print (f, f->pdf, &out, &err), ==, 0);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, 2);
}

static void
test_paper_out_exits_1_naming_the_reason (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  if (f->cupsd == NULL)
    return;
  hb_test_cupsd_set_fault (f->cupsd, "media-empty");
  g_assert_cmpint (print (f, "test", &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "media-empty"));
  g_assert_null (strstr (out, "completed"));
}

static void
test_bad_input_is_a_usage_error (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;

  if (f->cupsd == NULL)
    return;
  g_assert_true (g_file_set_contents (f->pdf, "not a pdf", -1, NULL));
  g_assert_cmpint (print (f, f->pdf, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "not a PDF"));
  g_assert_cmpint (hb_test_run_program (NULL, NULL, 10000, "haobanctl", "print", "test", NULL),
                   ==, 2);
  g_assert_cmpint (hb_test_run_program (NULL, NULL, 10000, "haobanctl", "print", "test", "--to",
                                        "fax", NULL), ==, 2);
  g_assert_cmpuint (hb_test_cupsd_count_printed (f->cupsd), ==, 0);
}

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  ADD ("/integration/haobanctl/print/test-page-prints-and-exits-0", test_test_page_prints_and_exits_0);
  ADD ("/integration/haobanctl/print/a-pdf-file-prints", test_a_pdf_file_prints);
  ADD ("/integration/haobanctl/print/paper-out-exits-1-naming-the-reason",
       test_paper_out_exits_1_naming_the_reason);
  ADD ("/integration/haobanctl/print/bad-input-is-a-usage-error", test_bad_input_is_a_usage_error);
  return g_test_run ();
}
