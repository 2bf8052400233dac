/* Integration: `haobanctl selftest visits` — the real binary runs whole visits with its own
 * virtual devices and data dir against a real haoban-platform-sim; the platform's records
 * must hold every application exactly once, also when the platform fails on the way. */
#include "visit-fixture.h"

#include <glib/gstdio.h>

typedef struct {
  int    status;
  char  *out;
  char  *err;
  char **lines;
} Selftest;

static void
selftest_clear (Selftest *r)
{
  g_free (r->out);
  g_free (r->err);
  g_strfreev (r->lines);
}

static void
run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Selftest *r = data;
  g_autoptr(GError) error = NULL;
  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
}

static gboolean
run_finished (gpointer data)
{
  return ((Selftest *) data)->out != NULL;
}

static gboolean
dir_is_empty (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  return d != NULL && g_dir_read_name (d) == NULL;
}

/* `haobanctl --config kiosk.conf selftest visits ARGS…` for the terminal of v (which is not
 * running); its temporary data dir goes under tmp. The main loop keeps the sim served. */
static Selftest
selftest (Visit *v, const char *tmp, const char *first, ...)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = g_build_filename (v->platform_dir, "kiosk.conf", NULL);
  g_autofree char *share = g_build_filename (hb_test_srcdir (), "data", NULL);
  g_autofree char *text = NULL;
  Selftest r = { .status = -1 };
  va_list ap;

  /* The technician's kiosk.conf: the selftest takes the platform settings from it. */
  text = g_strdup_printf ("[paths]\nshare_dir = %s\n"
                          "[platform]\nretry_base_ms = 100\nretry_cap_ms = 400\n"
                          "connect_timeout_ms = 1000\nrequest_timeout_ms = 3000\n", share);
  g_assert_true (g_file_set_contents (conf, text, -1, NULL));

  g_ptr_array_add (argv, g_build_filename (hb_test_builddir (), "haobanctl", NULL));
  g_ptr_array_add (argv, g_strdup ("--config"));
  g_ptr_array_add (argv, g_strdup (conf));
  g_ptr_array_add (argv, g_strdup ("selftest"));
  g_ptr_array_add (argv, g_strdup ("visits"));
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (l, "HAOBAN_DATA_DIR", v->dir, TRUE);
  g_subprocess_launcher_setenv (l, "HAOBAN_PLATFORM_URL", hb_test_sim_url (v->sim), TRUE);
  g_subprocess_launcher_setenv (l, "TMPDIR", tmp, TRUE);
  g_subprocess_launcher_unsetenv (l, "HAOBAN_CONFIG");
  proc = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, run_done, &r);
  g_assert_true (hb_test_wait_until (run_finished, &r, 120000));
  if (r.status != 0)
    g_printerr ("haobanctl selftest exited %d:\n%s\n%s\n", r.status, r.out, r.err);
  r.lines = g_strsplit (r.out, "\n", -1);
  return r;
}

/* The run printed "queued K" then "delivered K CASE" for count applications, and the
 * platform holds exactly those applications, once each, with those case numbers. */
static void
assert_delivered_exactly_once (Visit *v, const Selftest *r, guint count)
{
  g_autoptr(GHashTable) queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonArray) apps = visit_platform_list (v, "/_sim/applications");
  g_autofree char *summary = g_strdup_printf ("selftest: %u/%u visits delivered exactly once",
                                              count, count);
  guint n_delivered = 0;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (g_str_has_prefix (r->lines[0], "platform "));
  for (guint i = 0; r->lines[i]; i++)
    {
      g_auto(GStrv) w = g_strsplit (r->lines[i], " ", -1);
      if (w[0] == NULL)
        continue;
      if (g_str_equal (w[0], "queued"))
        {
          g_assert_cmpuint (g_strv_length (w), ==, 2);
          g_assert_false (g_hash_table_contains (queued, w[1]));
          g_hash_table_insert (queued, g_strdup (w[1]), g_strdup (""));
        }
      else if (g_str_equal (w[0], "delivered"))
        {
          g_assert_cmpuint (g_strv_length (w), ==, 3);
          /* never before its "queued" line, never twice */
          g_assert_cmpstr (g_hash_table_lookup (queued, w[1]), ==, "");
          g_assert_true (g_str_has_prefix (w[2], "SH"));
          g_hash_table_insert (queued, g_strdup (w[1]), g_strdup (w[2]));
          n_delivered++;
        }
    }
  g_assert_cmpuint (g_hash_table_size (queued), ==, count);
  g_assert_cmpuint (n_delivered, ==, count);
  g_assert_nonnull (strstr (r->out, summary));

  g_assert_cmpuint (json_array_get_length (apps), ==, count);
  for (guint i = 0; i < count; i++)
    {
      JsonObject *app = json_array_get_object_element (apps, i);
      const char *key = json_object_get_string_member (app, "idempotency_key");
      g_assert_cmpstr (g_hash_table_lookup (queued, key), ==,
                       json_object_get_string_member (app, "case_number"));
    }
  g_assert_cmpint (hb_test_sim_count (v->sim, "/_sim/ratings"), ==, (int) count);
  /* The output never shows a resident. */
  g_assert_null (strstr (r->out, SAMPLE_ID));
}

static void
setup_without_terminal (Visit *v, gconstpointer data)
{
  visit_setup_full (v, 4000, FALSE);
}

/* data: a fault for the platform to play first (NULL: none). With {"status":503,"times":2}
 * the first exchanges fail and are retried; with {"fail_after_commit":true,"times":3} the
 * platform records the first three submissions but their answers are lost, so the retries
 * must be recognised as the same submissions. */
static void
test_three_visits (Visit *v, gconstpointer data)
{
  g_autofree char *tmp = hb_test_mkdtemp ("selftest-tmp");
  g_autofree char *db = g_build_filename (v->dir, "haoban.db", NULL);
  Selftest r;

  if (data)
    visit_fault (v, data);
  r = selftest (v, tmp, "--count", "3", NULL);
  assert_delivered_exactly_once (v, &r, 3);
  /* Its own data dir is gone, and the terminal's was never touched. */
  g_assert_true (dir_is_empty (tmp));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  selftest_clear (&r);
  hb_test_rmdir (tmp);
}

static void
test_unreachable_platform_fails (Visit *v, gconstpointer data)
{
  g_autofree char *tmp = hb_test_mkdtemp ("selftest-tmp");
  Selftest r;

  hb_test_sim_kill (v->sim);
  r = selftest (v, tmp, "--count", "1", "--timeout", "2", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_null (strstr (r.out, "queued "));
  g_assert_nonnull (strstr (r.err, "did not answer"));
  /* A failed run keeps its data dir for the technician, and says where. */
  g_assert_false (dir_is_empty (tmp));
  g_assert_nonnull (strstr (r.err, tmp));
  selftest_clear (&r);
  hb_test_rmdir (tmp);
}

static void
test_usage_errors (Visit *v, gconstpointer data)
{
  g_autofree char *tmp = hb_test_mkdtemp ("selftest-tmp");
  Selftest r = selftest (v, tmp, "--count", "0", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (dir_is_empty (tmp));
  selftest_clear (&r);
  hb_test_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add ("/integration/haobanctl/selftest-three-visits-are-delivered-exactly-once", Visit,
              NULL, setup_without_terminal, test_three_visits, visit_teardown);
  g_test_add ("/integration/haobanctl/selftest-503s-are-retried-and-delivered-exactly-once",
              Visit, "{\"status\":503,\"times\":2}", setup_without_terminal, test_three_visits,
              visit_teardown);
  g_test_add ("/integration/haobanctl/selftest-lost-answers-are-not-duplicates", Visit,
              "{\"fail_after_commit\":true,\"times\":3}", setup_without_terminal,
              test_three_visits, visit_teardown);
  g_test_add ("/integration/haobanctl/selftest-fails-when-the-platform-is-unreachable", Visit,
              NULL, setup_without_terminal, test_unreachable_platform_fails, visit_teardown);
  g_test_add ("/integration/haobanctl/selftest-count-zero-is-a-usage-error", Visit, NULL,
              setup_without_terminal, test_usage_errors, visit_teardown);
  return g_test_run ();
}
