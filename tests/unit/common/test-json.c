/* Tests for common/hb-json.c: bounded parsing of outside JSON. */
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static void
test_parses_an_object (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = hb_json_parse_object ("{\"a\":[1,2,{\"b\":\"社保\"}]}", -1, 1024, 8, &error);
  g_assert_no_error (error);
  g_assert_nonnull (o);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "a")), ==, 3);
}

static void
test_rejects_deep_nesting_before_parsing (void)
{
  /* 100000 levels crash json-glib 1.6 itself; the guard must stop it first. */
  gsize n = 100000;
  g_autofree char *deep = g_malloc (2 * n + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  memset (deep, '[', n);
  memset (deep + n, ']', n);
  deep[2 * n] = '\0';
  node = hb_json_parse (deep, -1, 4 * n, HB_JSON_DEFAULT_MAX_DEPTH, &error);
  g_assert_null (node);
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_TOO_DEEP);
}

static void
test_depth_ignores_brackets_in_strings (void)
{
  const char *s = "{\"x\":\"[[[[[[[[[[\\\"[[[[\"}";
  g_assert_cmpuint (hb_json_depth (s, strlen (s), 4), ==, 1);
  g_autoptr(JsonNode) node = hb_json_parse (s, -1, 1024, 2, NULL);
  g_assert_nonnull (node);
}

static void
test_depth_counts_exactly (void)
{
  g_assert_cmpuint (hb_json_depth ("[[[]]]", 6, 10), ==, 3);
  g_assert_cmpuint (hb_json_depth ("[][][]", 6, 10), ==, 1);
  g_assert_cmpuint (hb_json_depth ("42", 2, 10), ==, 0);
  g_autoptr(JsonNode) ok = hb_json_parse ("[[[]]]", -1, 64, 3, NULL);
  g_autoptr(JsonNode) too_deep = hb_json_parse ("[[[[]]]]", -1, 64, 3, NULL);
  g_assert_nonnull (ok);
  g_assert_null (too_deep);
}

static void
test_rejects_oversized_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hb_json_parse ("[1,2,3,4,5]", -1, 5, 8, &error);
  g_assert_null (node);
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_TOO_LARGE);
}

static void
test_rejects_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hb_json_parse ("{\"a\":\"\xff\xfe\"}", -1, 64, 8, &error);
  g_assert_null (node);
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID);
}

/* json-glib 1.6 would turn these into strings that are not what was sent. */
static void
test_rejects_escapes_json_glib_mangles (void)
{
  const char *bad[] = {
    "[\"ab\\700u\"]",          /* unknown escape: a stray 0xC0 byte */
    "[\"a\\ud800b\"]",         /* lone high surrogate */
    "[\"a\\udc00b\"]",         /* lone low surrogate */
    "[\"a\\ud800\\u0041\"]",  /* high surrogate with a non-low partner */
    "[\"a\\u0000b\"]",         /* NUL: json-glib cuts the string there */
    "[\"a\\u12\"]",            /* short \u */
    "{\"k\\x\":1}",             /* in a member name too */
    "[\"a\\",                  /* escape at the very end */
  };
  const char *good[] = {
    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
    "[\"\\u793e\\u4fdd\"]",           /* 社保 */
    "[\"\\ud83d\\ude00\"]",           /* a proper pair */
    "[\"\\u0001\"]",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = hb_json_parse (bad[i], -1, 1024, 8, &error);
      g_assert_null (node);
      g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = hb_json_parse (good[i], -1, 1024, 8, &error);
      g_assert_no_error (error);
      g_assert_true (g_utf8_validate (json_array_get_string_element (json_node_get_array (node), 0),
                                      -1, NULL));
    }
}

static void
test_rejects_malformed_and_empty (void)
{
  const char *bad[] = { "", "{", "{\"a\":}", "nul", "[1,]x", "   " };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = hb_json_parse (bad[i], -1, 64, 8, &error);
      g_assert_null (node);
      g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID);
    }
}

static void
test_object_required_for_parse_object (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = hb_json_parse_object ("[1]", -1, 64, 8, &error);
  g_assert_null (o);
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID);
}

static void
test_length_limits_what_is_read (void)
{
  /* Only the first `length` bytes count: the rest is not the document. */
  g_autoptr(JsonNode) node = hb_json_parse ("[1]garbage", 3, 64, 8, NULL);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
}

static void
test_text_members_are_bounded_and_printable (void)
{
  g_autoptr(JsonObject) o = hb_json_parse_object (
    "{\"ok\":\"上海\",\"null\":null,\"num\":1,\"ctl\":\"a\\u0007\",\"long\":\"abcdef\"}",
    -1, 1024, 4, NULL);
  gboolean bad = FALSE;
  g_autofree char *ok = hb_json_dup_text_member (o, "ok", 16, &bad);
  g_assert_cmpstr (ok, ==, "上海");
  g_assert_null (hb_json_dup_text_member (o, "absent", 16, &bad));
  g_assert_null (hb_json_dup_text_member (o, "null", 16, &bad));
  g_assert_false (bad);
  g_assert_null (hb_json_dup_text_member (o, "num", 16, &bad));
  g_assert_true (bad);
  bad = FALSE;
  g_assert_null (hb_json_dup_text_member (o, "ctl", 16, &bad));
  g_assert_true (bad);
  bad = FALSE;
  g_assert_null (hb_json_dup_text_member (o, "long", 5, &bad));
  g_assert_true (bad);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/common/json/parses-an-object", test_parses_an_object);
  g_test_add_func ("/common/json/rejects-escapes-json-glib-mangles", test_rejects_escapes_json_glib_mangles);
  g_test_add_func ("/common/json/rejects-deep-nesting-before-json-glib-sees-it", test_rejects_deep_nesting_before_parsing);
  g_test_add_func ("/common/json/depth-ignores-brackets-inside-strings", test_depth_ignores_brackets_in_strings);
  g_test_add_func ("/common/json/depth-is-counted-exactly", test_depth_counts_exactly);
  g_test_add_func ("/common/json/rejects-oversized-input", test_rejects_oversized_input);
  g_test_add_func ("/common/json/rejects-invalid-utf8", test_rejects_invalid_utf8);
  g_test_add_func ("/common/json/rejects-malformed-and-empty-documents", test_rejects_malformed_and_empty);
  g_test_add_func ("/common/json/parse-object-requires-an-object", test_object_required_for_parse_object);
  g_test_add_func ("/common/json/length-bounds-what-is-read", test_length_limits_what_is_read);
  g_test_add_func ("/common/json/text-members-are-bounded-and-printable",
                   test_text_members_are_bounded_and_printable);
  return g_test_run ();
}
