/* test-config-file.c — kiosk/hb-config-file.c: the one writer of config keys keeps comments
 * and other keys, removes with NULL, keeps the file's mode, refuses a config the kiosk
 * would not load and a folder that does not exist. */
#include "kiosk/hb-config-file.h"
#include "kiosk/hb-config.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#define CONF "# Terminal 0042, 漕溪北路\n[terminal]\nid=SH-T-0042\n\n" \
             "[devices]\n# the real devices arrive next week\nmode=virtual\ncamera=/dev/video0\n"

static char *
write_conf (const char *dir, int mode)
{
  char *path = g_build_filename (dir, "kiosk.conf", NULL);
  g_assert_true (g_file_set_contents (path, CONF, -1, NULL));
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

static char *
read_all (const char *path)
{
  char *data = NULL;
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

static void
test_sets_keys_and_keeps_comments_and_other_keys (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("config-file");
  g_autofree char *path = write_conf (dir, 0640);
  const char *kv[] = { "devices", "mode", "real", "devices", "receipt_paper", "roll", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autoptr(HbConfig) config = NULL;
  GStatBuf st;

  g_assert_true (hb_config_file_set_keys (path, kv, &error));
  g_assert_no_error (error);
  data = read_all (path);
  g_assert_nonnull (strstr (data, "# Terminal 0042, 漕溪北路"));
  g_assert_nonnull (strstr (data, "# the real devices arrive next week"));
  config = hb_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hb_config_get_string (config, "devices", "mode"), ==, "real");
  g_assert_cmpstr (hb_config_get_string (config, "devices", "receipt_paper"), ==, "roll");
  g_assert_cmpstr (hb_config_get_string (config, "devices", "camera"), ==, "/dev/video0");
  g_assert_cmpstr (hb_config_get_string (config, "terminal", "id"), ==, "SH-T-0042");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);
  hb_test_rmdir (dir);
}

static void
test_null_value_removes_the_key (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("config-file");
  g_autofree char *path = write_conf (dir, 0644);
  const char *kv[] = { "devices", "camera", NULL, "devices", "scanner_serial", NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;

  g_assert_true (hb_config_file_set_keys (path, kv, &error));
  g_assert_no_error (error);
  data = read_all (path);
  g_assert_null (strstr (data, "camera"));
  g_assert_nonnull (strstr (data, "mode=virtual"));
  hb_test_rmdir (dir);
}

static void
test_invalid_value_leaves_the_file_as_it_was (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("config-file");
  g_autofree char *path = write_conf (dir, 0644);
  const char *kv[] = { "devices", "receipt_paper", "a3", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;

  g_assert_false (hb_config_file_set_keys (path, kv, &error));
  g_assert_error (error, HB_CONFIG_ERROR, HB_CONFIG_ERROR_INVALID_VALUE);
  data = read_all (path);
  g_assert_cmpstr (data, ==, CONF);
  hb_test_rmdir (dir);
}

static void
test_missing_folder_is_an_error (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("config-file");
  g_autofree char *path = g_build_filename (dir, "no-such-dir", "kiosk.conf", NULL);
  const char *kv[] = { "devices", "mode", "real", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (hb_config_file_set_keys (path, kv, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  hb_test_rmdir (dir);
}

static void
test_missing_file_is_created_readable (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("config-file");
  g_autofree char *path = g_build_filename (dir, "kiosk.conf", NULL);
  const char *kv[] = { "devices", "mode", "real", NULL };
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (hb_config_file_set_keys (path, kv, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/config-file/sets-keys-and-keeps-comments-and-other-keys",
                   test_sets_keys_and_keeps_comments_and_other_keys);
  g_test_add_func ("/kiosk/config-file/null-value-removes-the-key", test_null_value_removes_the_key);
  g_test_add_func ("/kiosk/config-file/invalid-value-leaves-the-file-as-it-was",
                   test_invalid_value_leaves_the_file_as_it_was);
  g_test_add_func ("/kiosk/config-file/missing-folder-is-an-error", test_missing_folder_is_an_error);
  g_test_add_func ("/kiosk/config-file/missing-file-is-created-readable",
                   test_missing_file_is_created_readable);
  return g_test_run ();
}
