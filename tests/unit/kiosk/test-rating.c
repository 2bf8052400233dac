/* Tests for kiosk/hb-rating.c: 好差评 levels, their indicators and the rating body. */
#include "kiosk/hb-rating.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>

static JsonObject *
build (int level, const char *const *indicators, const char *comment, GError **error)
{
  HbRating r = {
    .idempotency_key = "key-1", .case_number = "SH2026-1", .service_code = "310000-X",
    .terminal_id = "SH-T-1", .level = level, .indicators = indicators, .comment = comment,
    .outcome = HB_RATING_COMPLETED, .rated_at = "2026-11-27T20:00:00+08:00",
  };
  g_autofree char *body = hb_rating_build_body (&r, error);
  return body ? hb_json_parse_object (body, -1, 65536, 8, NULL) : NULL;
}

static void
test_five_national_levels_with_two_bad_ones (void)
{
  g_assert_cmpstr (hb_rating_level_label (5), ==, "非常满意");
  g_assert_cmpstr (hb_rating_level_label (1), ==, "非常不满意");
  g_assert_null (hb_rating_level_label (0));
  g_assert_null (hb_rating_level_label (6));
  for (int level = 1; level <= 5; level++)
    {
      guint n = 0;
      const HbRatingIndicator *all = hb_rating_indicators (level, &n);
      g_assert_cmpuint (n, ==, 3);
      g_assert_cmpint (hb_rating_level_is_bad (level), ==, level <= 2);
      /* The offline set, worded for the level. */
      const char *efficiency = level >= 4 ? "服务效率高" : level == 3 ? "服务效率一般" : "服务效率低";
      g_assert_cmpstr (all[0].id, ==, efficiency);
      g_assert_true (g_str_has_prefix (all[2].id, "服务态度"));
    }
}

static void
test_body_carries_level_indicators_version_and_outcome (void)
{
  const char *const ids[] = { "服务效率高", "服务态度好", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = build (4, ids, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (o, "level"), ==, 4);
  JsonArray *a = json_object_get_array_member (o, "indicators");
  g_assert_cmpuint (json_array_get_length (a), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (a, 1), ==, "服务态度好");
  g_assert_cmpstr (json_object_get_string_member (o, "indicator_version"), ==,
                   HB_RATING_INDICATOR_VERSION);
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "completed");
  g_assert_cmpstr (json_object_get_string_member (o, "case_number"), ==, "SH2026-1");
  g_assert_false (json_object_has_member (o, "comment"));
}

static void
test_a_bad_rating_must_say_what_went_wrong (void)
{
  const char *const why[] = { "服务效率低", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) none = build (2, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_autoptr(JsonObject) ok = build (1, why, "等了很久", NULL);
  g_assert_nonnull (ok);
  g_assert_cmpstr (json_object_get_string_member (ok, "comment"), ==, "等了很久");
  /* A good rating needs none. */
  g_autoptr(JsonObject) good = build (5, NULL, NULL, NULL);
  g_assert_nonnull (good);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (good, "indicators")), ==, 0);
}

static void
test_indicators_must_belong_to_the_level (void)
{
  const char *const wrong[] = { "服务效率低", NULL };          /* not offered with 5 */
  const char *const unknown[] = { "价格便宜", NULL };
  const char *const twice[] = { "服务效率高", "服务效率高", NULL };
  g_autofree char *long_comment = g_strnfill (HB_RATING_MAX_COMMENT + 1, 'x');
  const char *const why[] = { "服务态度差", NULL };
  g_assert_null (build (5, wrong, NULL, NULL));
  g_assert_null (build (3, unknown, NULL, NULL));
  g_assert_null (build (4, twice, NULL, NULL));
  g_assert_null (build (0, NULL, NULL, NULL));
  g_assert_null (build (1, why, long_comment, NULL));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/rating/five-national-levels-with-two-bad-ones",
                   test_five_national_levels_with_two_bad_ones);
  g_test_add_func ("/kiosk/rating/body-carries-level-indicators-version-and-outcome",
                   test_body_carries_level_indicators_version_and_outcome);
  g_test_add_func ("/kiosk/rating/a-bad-rating-must-say-what-went-wrong",
                   test_a_bad_rating_must_say_what_went_wrong);
  g_test_add_func ("/kiosk/rating/indicators-must-belong-to-the-level",
                   test_indicators_must_belong_to_the_level);
  return g_test_run ();
}
