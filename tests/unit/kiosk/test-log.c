/* Tests for kiosk/hb-log.c: the log file and its personal-data scrubber. */
#include "kiosk/hb-log.h"
#include "tests/common/hb-test-util.h"

#include <glib/gstdio.h>

#include <string.h>

static void
test_scrub_masks_id_numbers (void)
{
  g_autofree char *a = hb_log_scrub ("id=310104198506151237 done");
  g_autofree char *b = hb_log_scrub ("11010519491231002X");
  g_autofree char *c = hb_log_scrub ("lower 11010519491231002x end");
  g_assert_cmpstr (a, ==, "id=310***********1237 done");
  g_assert_cmpstr (b, ==, "110***********002X");
  g_assert_cmpstr (c, ==, "lower 110***********002x end");
}

static void
test_scrub_masks_mobile_numbers (void)
{
  g_autofree char *a = hb_log_scrub ("call 13812345678.");
  g_assert_cmpstr (a, ==, "call 138****5678.");
}

static void
test_scrub_leaves_other_numbers (void)
{
  const char *keep[] = {
    "case SH20261127000001",            /* 14 digits after letters */
    "elapsed 1234567890123 us",         /* 13 digits */
    "key 12345678901234567890",         /* 20 digits: not an ID */
    "port 8470, 10086, 2026-11-27",
    "",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (keep); i++)
    {
      g_autofree char *s = hb_log_scrub (keep[i]);
      g_assert_cmpstr (s, ==, keep[i]);
    }
}

static void
test_scrub_handles_adjacent_numbers (void)
{
  g_autofree char *s = hb_log_scrub ("310104198506151237,310110195203082426");
  g_assert_cmpstr (s, ==, "310***********1237,310***********2426");
}

static void
test_file_receives_scrubbed_messages (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("log");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (hb_log_init (dir, "info", 1024 * 1024, &error));
  g_assert_no_error (error);
  g_message ("visit for %s", "310104198506151237");
  g_info ("phone %s", "13812345678");
  g_debug ("debug lines stay out at level info");
  text = hb_test_read_file (hb_log_get_path (), NULL);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "visit for 310***********1237"));
  g_assert_nonnull (strstr (text, "phone 138****5678"));
  g_assert_null (strstr (text, "310104198506151237"));
  g_assert_null (strstr (text, "debug lines"));
  hb_log_shutdown ();
  hb_test_rmdir (dir);
}

static void
test_file_is_rotated_at_its_limit (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("log");
  g_autofree char *old = NULL;

  g_assert_true (hb_log_init (dir, "info", 65536, NULL));
  for (int i = 0; i < 2000; i++)
    g_message ("line %d of a long enough message to fill the log file quickly", i);
  old = g_strconcat (hb_log_get_path (), ".1", NULL);
  g_assert_true (g_file_test (old, G_FILE_TEST_EXISTS));
  GStatBuf st;
  g_assert_cmpint (g_stat (hb_log_get_path (), &st), ==, 0);
  g_assert_cmpint (st.st_size, <=, 65536 + 256);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
  hb_log_shutdown ();
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/log/scrub-masks-id-numbers", test_scrub_masks_id_numbers);
  g_test_add_func ("/kiosk/log/scrub-masks-mobile-numbers", test_scrub_masks_mobile_numbers);
  g_test_add_func ("/kiosk/log/scrub-leaves-other-numbers", test_scrub_leaves_other_numbers);
  g_test_add_func ("/kiosk/log/scrub-handles-adjacent-numbers", test_scrub_handles_adjacent_numbers);
  g_test_add_func ("/kiosk/log/file-receives-only-scrubbed-messages", test_file_receives_scrubbed_messages);
  g_test_add_func ("/kiosk/log/file-is-rotated-at-its-limit-and-private", test_file_is_rotated_at_its_limit);
  return g_test_run ();
}
