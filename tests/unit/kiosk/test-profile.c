/* Tests for kiosk/hb-profile.c: the platform's profile of a resident and their earlier
 * answers, the profile.* and history.* pre-fill sources. */
#include "kiosk/hb-profile.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <string.h>

static HbProfile *
parse (const char *json, GError **error)
{
  return hb_profile_parse (json, strlen (json), error);
}

static void
test_keeps_text_and_whole_numbers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbProfile) p = parse ("{\"profile\":{\"phone\":\"13812345678\",\"address\":\"上海市徐汇区漕溪北路88号\","
                                  "\"employer\":null,\"verified\":true,\"score\":1.5},"
                                  "\"history\":{\"pickup\":\"print\",\"employees\":12}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (p->profile, "phone"), ==, "13812345678");
  g_assert_cmpstr (json_object_get_string_member (p->profile, "address"), ==, "上海市徐汇区漕溪北路88号");
  /* null (nothing known), booleans and fractions are no form value */
  g_assert_false (json_object_has_member (p->profile, "employer"));
  g_assert_false (json_object_has_member (p->profile, "verified"));
  g_assert_false (json_object_has_member (p->profile, "score"));
  g_assert_cmpuint (json_object_get_size (p->profile), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (p->history, "pickup"), ==, "print");
  g_assert_cmpint (json_object_get_int_member (p->history, "employees"), ==, 12);
}

static void
test_history_is_optional (void)
{
  const char *ok[] = { "{\"profile\":{}}", "{\"profile\":{},\"history\":null}" };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbProfile) p = parse (ok[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (p->history);
      g_assert_cmpuint (json_object_get_size (p->history), ==, 0);
    }
}

static void
test_refuses_a_reply_that_breaks_the_contract (void)
{
  const char *bad[] = {
    "", "[]", "{}", "{\"profile\":[]}", "{\"profile\":\"x\"}", "{\"history\":{}}",
    "{\"profile\":{},\"history\":[]}",
    "{\"profile\":{\"phone\":{\"n\":\"1\"}}}",          /* not a scalar */
    "{\"profile\":{},\"history\":{\"a\":[1]}}",
    "{\"profile\":{\"Phone\":\"1\"}}",                  /* not a field id */
    "{\"profile\":{\"../x\":\"1\"}}",
    "{\"profile\":{\"\":\"1\"}}",
    "{\"profile\":{\"address\":\"a\\nb\"}}",             /* control character */
    "{\"profile\":{\"address\":\"a\\u0000b\"}}",
    "{\"profile\":{\"phone\":\"138\"}",                  /* not JSON */
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HbProfile) p = parse (bad[i], &error);
      if (p)
        g_error ("accepted %s", bad[i]);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
test_error_never_repeats_a_value (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbProfile) p = parse ("{\"profile\":{\"phone\":\"13812345678\",\"x\":{}}}", &error);
  g_assert_null (p);
  g_assert_null (strstr (error->message, "13812345678"));
}

static void
test_limits_sizes_and_counts (void)
{
  g_autoptr(GString) s = g_string_new ("{\"profile\":{\"address\":\"");
  for (guint i = 0; i <= HB_PROFILE_VALUE_MAX; i++)
    g_string_append_c (s, 'a');
  g_string_append (s, "\"}}");
  g_autoptr(HbProfile) long_value = parse (s->str, NULL);
  g_assert_null (long_value);

  /* exactly at the limit: fine */
  g_string_assign (s, "{\"profile\":{\"address\":\"");
  for (guint i = 0; i < HB_PROFILE_VALUE_MAX; i++)
    g_string_append_c (s, 'a');
  g_string_append (s, "\"}}");
  g_autoptr(HbProfile) at_limit = parse (s->str, NULL);
  g_assert_nonnull (at_limit);

  g_string_assign (s, "{\"profile\":{},\"history\":{");
  for (guint i = 0; i <= HB_PROFILE_MAX_HISTORY; i++)
    g_string_append_printf (s, "%s\"f%u\":\"v\"", i ? "," : "", i);
  g_string_append (s, "}}");
  g_autoptr(HbProfile) many = parse (s->str, NULL);
  g_assert_null (many);

  g_string_assign (s, "{\"profile\":{");
  for (guint i = 0; i <= HB_PROFILE_MAX_MEMBERS; i++)
    g_string_append_printf (s, "%s\"f%u\":\"v\"", i ? "," : "", i);
  g_string_append (s, "}}");
  g_autoptr(HbProfile) many_profile = parse (s->str, NULL);
  g_assert_null (many_profile);

  /* more than the reply limit, and deeper than anything the contract has */
  g_autofree char *huge = g_malloc0 (HB_PROFILE_REPLY_MAX + 2);
  memset (huge, ' ', HB_PROFILE_REPLY_MAX + 1);
  memcpy (huge, "{\"profile\":{}}", 14);
  g_autoptr(HbProfile) too_big = hb_profile_parse (huge, HB_PROFILE_REPLY_MAX + 1, NULL);
  g_assert_null (too_big);
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autoptr(HbProfile) too_deep = parse (deep, NULL);
  g_assert_null (too_deep);
}

static void
test_wipe_zeroes_the_strings_in_place (void)
{
  g_autoptr(HbProfile) p = parse ("{\"profile\":{\"phone\":\"13812345678\"},"
                                  "\"history\":{\"note\":\"secret\"}}", NULL);
  const char *phone = json_object_get_string_member (p->profile, "phone");
  const char *note = json_object_get_string_member (p->history, "note");
  hb_json_object_wipe (p->profile);
  hb_json_object_wipe (p->history);
  g_assert_cmpuint (strlen (phone), ==, 0);
  g_assert_cmpuint (strlen (note), ==, 0);
  hb_json_object_wipe (NULL);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/profile/keeps-text-and-whole-numbers", test_keeps_text_and_whole_numbers);
  g_test_add_func ("/kiosk/profile/history-is-optional", test_history_is_optional);
  g_test_add_func ("/kiosk/profile/refuses-a-reply-that-breaks-the-contract",
                   test_refuses_a_reply_that_breaks_the_contract);
  g_test_add_func ("/kiosk/profile/error-never-repeats-a-value", test_error_never_repeats_a_value);
  g_test_add_func ("/kiosk/profile/limits-sizes-and-counts", test_limits_sizes_and_counts);
  g_test_add_func ("/kiosk/profile/wipe-zeroes-the-strings-in-place",
                   test_wipe_zeroes_the_strings_in_place);
  return g_test_run ();
}
