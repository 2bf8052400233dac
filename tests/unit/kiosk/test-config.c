/* Tests for kiosk/hb-config.c: layered, validated configuration. */
#include "kiosk/hb-config.h"
#include "kiosk/hb-staff-auth.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static void
test_defaults_are_complete (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_assert_cmpstr (hb_config_get_string (c, "devices", "mode"), ==, "virtual");
  g_assert_cmpint (hb_config_get_int (c, "session", "idle_timeout"), ==, 90);
  g_assert_true (hb_config_get_bool (c, "ui", "fullscreen"));
  g_assert_true (g_path_is_absolute (hb_config_get_string (c, "paths", "data_dir")));
  g_assert_null (hb_config_get_source (c));
  /* Devices are discovered over USB unless a tty or a camera is named. */
  g_assert_null (hb_config_get_string (c, "devices", "idcard_serial"));
  g_assert_null (hb_config_get_string (c, "devices", "scanner_serial"));
  g_assert_cmpint (hb_config_get_int (c, "devices", "scanner_baud"), ==, 115200);
  g_assert_null (hb_config_get_string (c, "devices", "camera"));
}

static void
test_scanner_and_camera_keys (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_autoptr(GError) error = NULL;
  const char *file = "[devices]\nscanner_serial = /dev/serial/by-id/usb-Newland-if00\n"
                     "scanner_baud = 9600\ncamera = /dev/v4l/by-id/usb-cam-video-index0\n";

  g_assert_true (hb_config_merge_data (c, file, strlen (file), "test", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hb_config_get_string (c, "devices", "scanner_serial"), ==,
                   "/dev/serial/by-id/usb-Newland-if00");
  g_assert_cmpint (hb_config_get_int (c, "devices", "scanner_baud"), ==, 9600);
  g_assert_cmpstr (hb_config_get_string (c, "devices", "camera"), ==,
                   "/dev/v4l/by-id/usb-cam-video-index0");
}

static void
test_file_overrides_defaults (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_autoptr(GError) error = NULL;
  const char *file = "[terminal]\nid = SH-XH-0042\n[session]\nidle_timeout = 120\n[ui]\nfullscreen=false\n";
  g_assert_true (hb_config_merge_data (c, file, strlen (file), "test", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hb_config_get_string (c, "terminal", "id"), ==, "SH-XH-0042");
  g_assert_cmpint (hb_config_get_int (c, "session", "idle_timeout"), ==, 120);
  g_assert_false (hb_config_get_bool (c, "ui", "fullscreen"));
  /* untouched keys keep their defaults */
  g_assert_cmpstr (hb_config_get_string (c, "devices", "mode"), ==, "virtual");
}

static void
test_bad_file_changes_nothing (void)
{
  struct { const char *text; int code; const char *mentions; } bad[] = {
    { "[session]\nidle_timeout = 1\n", HB_CONFIG_ERROR_INVALID_VALUE, "idle_timeout" },
    { "[session]\nidle_timeout = ninety\n", HB_CONFIG_ERROR_INVALID_VALUE, "idle_timeout" },
    { "[devices]\nmode = magic\n", HB_CONFIG_ERROR_INVALID_VALUE, "mode" },
    { "[platform]\nurl = ftp://x\n", HB_CONFIG_ERROR_INVALID_VALUE, "url" },
    { "[paths]\ndata_dir = relative/dir\n", HB_CONFIG_ERROR_INVALID_VALUE, "data_dir" },
    { "[ui]\nfullscreen = yes\n", HB_CONFIG_ERROR_INVALID_VALUE, "fullscreen" },
    { "[devices]\ncamera = video0\n", HB_CONFIG_ERROR_INVALID_VALUE, "camera" },
    { "[devices]\nscanner_serial = ttyACM0\n", HB_CONFIG_ERROR_INVALID_VALUE, "scanner_serial" },
    { "[devices]\nscanner_baud = 12\n", HB_CONFIG_ERROR_INVALID_VALUE, "scanner_baud" },
    { "[session]\nidel_timeout = 30\n", HB_CONFIG_ERROR_UNKNOWN_KEY, "idel_timeout" },
    { "[sesion]\nidle_timeout = 30\n", HB_CONFIG_ERROR_UNKNOWN_KEY, "sesion" },
    { "not a key file", HB_CONFIG_ERROR_PARSE, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HbConfig) c = hb_config_new ();
      g_autoptr(GError) error = NULL;
      /* A valid key before the bad one must not be applied either. */
      g_autofree char *text = g_strconcat ("[terminal]\nid = CHANGED\n", bad[i].text, NULL);
      g_assert_false (hb_config_merge_data (c, text, strlen (text), "bad.conf", &error));
      g_assert_error (error, HB_CONFIG_ERROR, bad[i].code);
      g_assert_nonnull (strstr (error->message, "bad.conf"));
      if (bad[i].mentions)
        g_assert_nonnull (strstr (error->message, bad[i].mentions));
      g_assert_cmpstr (hb_config_get_string (c, "terminal", "id"), ==, "SH-DEMO-0001");
    }
}

static void
test_oversized_file_is_refused (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_autoptr(GError) error = NULL;
  gsize n = 300 * 1024;
  g_autofree char *big = g_malloc (n);
  memset (big, '#', n);
  g_assert_false (hb_config_merge_data (c, big, n, "big.conf", &error));
  g_assert_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_PARSE);
}

static void
test_environment_overrides_the_file (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("config");
  g_autofree char *file = g_build_filename (dir, "kiosk.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HbConfig) c = NULL;

  g_assert_true (g_file_set_contents (file, "[paths]\ndata_dir = /srv/from-file\n"
                                            "[platform]\nurl = http://10.0.0.1:1\n", -1, NULL));
  g_setenv ("HAOBAN_DATA_DIR", "/srv/from-env", TRUE);
  g_setenv ("HAOBAN_PLATFORM_URL", "http://127.0.0.1:9999", TRUE);
  c = hb_config_load (file, &error);
  g_unsetenv ("HAOBAN_DATA_DIR");
  g_unsetenv ("HAOBAN_PLATFORM_URL");
  g_assert_no_error (error);
  g_assert_cmpstr (hb_config_get_string (c, "paths", "data_dir"), ==, "/srv/from-env");
  g_assert_cmpstr (hb_config_get_string (c, "platform", "url"), ==, "http://127.0.0.1:9999");
  g_assert_cmpstr (hb_config_get_source (c), ==, file);
  hb_test_rmdir (dir);
}

static void
test_haoban_config_names_the_file (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("config");
  g_autofree char *file = g_build_filename (dir, "other.conf", NULL);
  g_autofree char *explicit = g_build_filename (dir, "explicit.conf", NULL);
  g_autoptr(HbConfig) from_env = NULL, from_arg = NULL;

  g_assert_true (g_file_set_contents (file, "[terminal]\nid = FROM-ENV\n", -1, NULL));
  g_assert_true (g_file_set_contents (explicit, "[terminal]\nid = FROM-ARG\n", -1, NULL));
  g_setenv ("HAOBAN_CONFIG", file, TRUE);
  from_env = hb_config_load (NULL, NULL);
  from_arg = hb_config_load (explicit, NULL);
  g_unsetenv ("HAOBAN_CONFIG");
  g_assert_cmpstr (hb_config_get_string (from_env, "terminal", "id"), ==, "FROM-ENV");
  g_assert_cmpstr (hb_config_get_string (from_arg, "terminal", "id"), ==, "FROM-ARG");
  hb_test_rmdir (dir);
}

static void
test_invalid_environment_is_ignored (void)
{
  g_autoptr(HbConfig) c = NULL;
  g_setenv ("HAOBAN_PLATFORM_URL", "not a url", TRUE);
  g_test_expect_message (NULL, G_LOG_LEVEL_WARNING, "*HAOBAN_PLATFORM_URL*");
  c = hb_config_load (NULL, NULL);
  g_test_assert_expected_messages ();
  g_unsetenv ("HAOBAN_PLATFORM_URL");
  g_assert_cmpstr (hb_config_get_string (c, "platform", "url"), ==, "http://127.0.0.1:8470");
}

static void
test_missing_file_is_an_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbConfig) c = hb_config_load ("/nonexistent/haoban.conf", &error);
  g_assert_null (c);
  g_assert_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_PARSE);
}

static void
test_derived_paths_follow_data_dir (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_autofree char *db = NULL, *sock = NULL, *spool = NULL;
  g_assert_true (hb_config_set (c, "paths", "data_dir", "/var/lib/haoban", NULL));
  db = hb_config_dup_db_path (c);
  sock = hb_config_dup_sim_socket (c);
  spool = hb_config_dup_spool_dir (c);
  g_assert_cmpstr (db, ==, "/var/lib/haoban/haoban.db");
  g_assert_cmpstr (sock, ==, "/var/lib/haoban/sim.sock");
  g_assert_cmpstr (spool, ==, "/var/lib/haoban/spool");
  g_assert_true (hb_config_set (c, "devices", "sim_socket", "/run/haoban/sim.sock", NULL));
  g_free (sock);
  sock = hb_config_dup_sim_socket (c);
  g_assert_cmpstr (sock, ==, "/run/haoban/sim.sock");
}

static void
test_dump_names_every_origin (void)
{
  g_autoptr(HbConfig) c = hb_config_new ();
  g_autofree char *dump = NULL;
  g_autofree char *hash = hb_staff_auth_hash_pin ("246801", 100000, NULL);
  g_assert_true (hb_config_set (c, "terminal", "id", "T-1", NULL));
  g_assert_true (hb_config_set (c, "maintenance", "staff_pin_hash", hash, NULL));
  dump = hb_config_dump (c);
  g_assert_nonnull (strstr (dump, "terminal.id = T-1 (override)"));
  g_assert_nonnull (strstr (dump, "session.idle_timeout = 90 (default)"));
  /* a PIN hash is named as set, never printed */
  g_assert_nonnull (strstr (dump, "maintenance.staff_pin_hash = (set) (override)"));
  g_assert_null (strstr (dump, hash));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/config/defaults-are-complete", test_defaults_are_complete);
  g_test_add_func ("/kiosk/config/file-overrides-defaults", test_file_overrides_defaults);
  g_test_add_func ("/kiosk/config/scanner-and-camera-keys", test_scanner_and_camera_keys);
  g_test_add_func ("/kiosk/config/bad-file-is-rejected-whole-naming-the-key", test_bad_file_changes_nothing);
  g_test_add_func ("/kiosk/config/oversized-file-is-refused", test_oversized_file_is_refused);
  g_test_add_func ("/kiosk/config/environment-overrides-the-file", test_environment_overrides_the_file);
  g_test_add_func ("/kiosk/config/haoban-config-names-the-file-and-argument-wins", test_haoban_config_names_the_file);
  g_test_add_func ("/kiosk/config/invalid-environment-is-ignored-with-a-warning", test_invalid_environment_is_ignored);
  g_test_add_func ("/kiosk/config/missing-file-is-an-error", test_missing_file_is_an_error);
  g_test_add_func ("/kiosk/config/derived-paths-follow-data-dir", test_derived_paths_follow_data_dir);
  g_test_add_func ("/kiosk/config/dump-names-every-origin", test_dump_names_every_origin);
  return g_test_run ();
}
