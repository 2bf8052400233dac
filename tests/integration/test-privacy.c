/* Integration: after full visits (online and queued, with receipt and rating) nothing the
 * terminal wrote — logs, its stderr, database and WAL, status file, spooled receipts —
 * contains the resident's ID number, name, address or phone number in the clear. */
#include "visit-fixture.h"

#include <glib/gstdio.h>
#include <fcntl.h>
#include <unistd.h>

static const char *const secrets[] = {
  SAMPLE_ID,                            /* sample card 1 */
  "310110195203082426",                 /* sample card 2 */
  "张伟", "李秀英",
  "漕溪北路88号",                        /* addresses */
  "控江路1555弄",
  "13812345678",                         /* the phone typed into the form */
};

typedef struct {
  guint files;
  guint log_bytes;
  GString *report;
} Scan;

static char *
pdf_text (const char *path)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "pdftotext", "-q", path, "-", NULL };
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
scan_bytes (Scan *scan, const char *what, const char *data, gsize len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (memmem (data, len, secrets[i], strlen (secrets[i])) != NULL)
      g_string_append_printf (scan->report, "%s contains \"%s\"\n", what, secrets[i]);
}

static void
scan_dir (Scan *scan, const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          scan_dir (scan, path);
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;   /* the simulator socket */
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      scan->files++;
      scan_bytes (scan, path, data, len);
      if (g_str_has_suffix (name, ".pdf"))
        {
          /* PDF text is compressed: look at what a reader would see. */
          g_autofree char *text = pdf_text (path);
          g_autofree char *what = g_strconcat (path, " (text)", NULL);
          scan_bytes (scan, what, text, strlen (text));
          /* Masked is fine: a receipt shows the masked ID number, the offline-code slip
           * only the masked name. */
          if (strstr (text, "离线码") != NULL)
            g_assert_nonnull (strstr (text, "张*"));
          else
            g_assert_nonnull (strstr (text, "310***********"));
        }
      if (strstr (name, ".log") || g_str_equal (name, "stderr.txt"))
        scan->log_bytes += (guint) len;
    }
}

static void
test_nothing_personal_left_in_the_clear (Visit *v, gconstpointer data)
{
  g_autofree char *stderr_path = g_build_filename (v->dir, "stderr.txt", NULL);
  int saved = dup (STDERR_FILENO);
  int fd = g_open (stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  Scan scan = { 0, 0, g_string_new (NULL) };
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  /* Everything the terminal (and the platform-sim it started) prints to stderr is
   * captured too. */
  g_assert_cmpint (fd, >=, 0);
  dup2 (fd, STDERR_FILENO);
  close (fd);

  /* An online visit with receipt and rating; the resident also has an offline 随申码
   * printed (its slip must carry no more than the masked name). */
  visit_identify_and_fill (v, 1);
  g_assert_cmpuint (visit_print_offline_code (v, &error), >, 0);
  g_assert_no_error (error);
  g_assert_false (visit_submit (v)->queued);
  g_assert_cmpuint (visit_print (v, &error), >, 0);
  g_assert_no_error (error);
  visit_rate_and_finish (v, 5);

  /* A queued one by the second resident, identified by 随申码-free ID card, then sent. */
  visit_fault (v, "{\"status\":503}");
  visit_identify_and_fill (v, 2);
  g_assert_true (visit_submit (v)->queued);
  g_assert_cmpuint (visit_print (v, &error), >, 0);
  g_assert_no_error (error);
  visit_rate_and_finish (v, 2);
  visit_fault (v, "{}");
  g_assert_true (visit_wait_platform (v, "/_sim/applications", 2, 20000));

  /* A third by 随申码: the platform sends the whole identity to the terminal. */
  g_free (visit_ctl (v, NULL, "sim", "scan", "--sample", "1", NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  g_assert_true (hb_core_choose_service (v->core, JZZ_CODE, &error));
  g_assert_true (hb_form_set_value (hb_session_get_form (hb_core_get_session (v->core)),
                                    "phone", "13812345678"));
  g_assert_false (visit_submit (v)->queued);
  visit_rate_and_finish (v, 4);
  hb_test_spin (600);   /* status.json */

  hb_core_stop (v->core);
  fflush (stderr);
  dup2 (saved, STDERR_FILENO);
  close (saved);

  scan_dir (&scan, v->dir);
  if (scan.report->len)
    g_error ("personal data in the clear:\n%s", scan.report->str);
  /* The scan looked at something real: the database, the log, two receipts… */
  g_assert_cmpuint (scan.files, >=, 6);
  log = hb_test_read_file (hb_log_get_path (), NULL);
  g_assert_nonnull (strstr (log, "visit 2 submitted (queued)"));
  g_assert_cmpuint (scan.log_bytes, >, 1000);
  g_string_free (scan.report, TRUE);
}

static void
test_the_scan_can_fail (void)
{
  /* The detector itself: a planted ID number is found. */
  Scan scan = { 0, 0, g_string_new (NULL) };
  const char *line = "2026-11-27 MESSAGE: id=" SAMPLE_ID;
  scan_bytes (&scan, "planted", line, strlen (line));
  g_assert_nonnull (strstr (scan.report->str, SAMPLE_ID));
  g_string_free (scan.report, TRUE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/integration/privacy/the-scan-finds-a-planted-id-number", test_the_scan_can_fail);
  g_test_add ("/integration/privacy/no-log-or-file-of-a-full-visit-holds-personal-data",
              Visit, NULL, visit_setup, test_nothing_personal_left_in_the_clear, visit_teardown);
  return g_test_run ();
}
