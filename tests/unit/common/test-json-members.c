/* Tests for common/hb-json-members.c: top-level slices of JSON text without a tree. */
#include "common/hb-json.h"
#include "common/hb-json-members.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static char *
slice_dup (const HbJsonSlice *s)
{
  return g_strndup (s->text, s->length);
}

static void
test_members_come_in_order_as_their_own_text (void)
{
  const char *doc = " { \"version\" : \"v1\" ,\"services\":[{\"a\":\"}]\\\"{\"},[1,[2]],3 ],"
                    "\"n\":-1.5e3, \"t\" :true ,\"z\":null}\n";
  const char *numbers[] = { "0", "-0", "12", "-3.25", "1e9", "2E-3", "0.5e+2" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) m = hb_json_object_members (doc, strlen (doc), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (m->len, ==, 5);
  const char *keys[] = { "version", "services", "n", "t", "z" };
  const char *values[] = { "\"v1\"", "[{\"a\":\"}]\\\"{\"},[1,[2]],3 ]", "-1.5e3", "true", "null" };
  for (guint i = 0; i < 5; i++)
    {
      HbJsonMember *x = &g_array_index (m, HbJsonMember, i);
      g_autofree char *v = slice_dup (&x->value);
      g_assert_cmpstr (x->key, ==, keys[i]);
      g_assert_cmpstr (v, ==, values[i]);
    }
  g_autofree char *services = slice_dup (hb_json_members_lookup (m, "services"));
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autofree char *one = g_strdup_printf ("{\"x\":%s}", numbers[i]);
      g_autoptr(GArray) ok = hb_json_object_members (one, strlen (one), NULL);
      if (ok == NULL)
        g_error ("refused %s", one);
    }
  g_assert_null (hb_json_members_lookup (m, "absent"));

  g_autoptr(GArray) e = hb_json_array_elements (services, strlen (services), 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (e->len, ==, 3);
  g_autofree char *e0 = slice_dup (&g_array_index (e, HbJsonSlice, 0));
  g_autofree char *e1 = slice_dup (&g_array_index (e, HbJsonSlice, 1));
  g_autofree char *e2 = slice_dup (&g_array_index (e, HbJsonSlice, 2));
  g_assert_cmpstr (e0, ==, "{\"a\":\"}]\\\"{\"}");
  g_assert_cmpstr (e1, ==, "[1,[2]]");
  g_assert_cmpstr (e2, ==, "3");
}

static void
test_escaped_keys_are_decoded (void)
{
  const char *doc = "{\"ver\\u0073ion\":1,\"\\u670d\\u52a1\":2}";
  g_autoptr(GArray) m = hb_json_object_members (doc, strlen (doc), NULL);
  g_assert_nonnull (m);
  g_assert_nonnull (hb_json_members_lookup (m, "version"));
  g_assert_nonnull (hb_json_members_lookup (m, "服务"));
}

static void
test_empty_containers_are_fine (void)
{
  g_autoptr(GArray) m = hb_json_object_members ("{ }", 3, NULL);
  g_autoptr(GArray) e = hb_json_array_elements ("[]", 2, 0, NULL);
  g_assert_nonnull (m);
  g_assert_cmpuint (m->len, ==, 0);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->len, ==, 0);
}

static void
test_broken_structure_is_refused (void)
{
  const char *bad[] = {
    "", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{a:1}",
    "{\"a\":[1,2}", "{\"a\":{\"b\":1]}", "{\"a\":\"x}", "{\"a\":1}}", "{\"a\":1} x",
    "{\"a\":1,\"a\":2}", "{\"a\":\"tab\there\"}", "{\"a\":[}", "{\"a\":]}", "{\"a\":1:2}",
    /* scalars json-glib takes alone but not inside a document */
    "{\"a\":.}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}",
    "{\"a\":+1}", "{\"a\":.5}", "{\"a\":0x1}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) m = hb_json_object_members (bad[i], strlen (bad[i]), &error);
      if (m != NULL)
        g_error ("accepted %s", bad[i]);
      g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID);
    }
  const char *bad_arrays[] = { "{}", "[1,]", "[,1]", "[1 2]", "[1]]", "[[1]", "[1] [", "[.]" };
  for (guint i = 0; i < G_N_ELEMENTS (bad_arrays); i++)
    {
      g_autoptr(GArray) e = hb_json_array_elements (bad_arrays[i], strlen (bad_arrays[i]), 10, NULL);
      if (e != NULL)
        g_error ("accepted %s", bad_arrays[i]);
    }
}

static void
test_too_many_elements_are_refused_while_splitting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) e = hb_json_array_elements ("[1,2,3,4]", 9, 3, &error);
  g_assert_null (e);
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_TOO_LARGE);
  g_autoptr(GArray) ok = hb_json_array_elements ("[1,2,3]", 7, 3, NULL);
  g_assert_nonnull (ok);
}

static void
test_nesting_beyond_the_limit_is_refused (void)
{
  guint n = HB_JSON_MEMBERS_MAX_DEPTH + 1;
  g_autoptr(GString) s = g_string_new ("{\"a\":");
  for (guint i = 0; i < n; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < n; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) m = hb_json_object_members (s->str, s->len, &error);
  g_assert_null (m);
  g_assert_error (error, HB_JSON_ERROR, HB_JSON_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/common/json-members/members-come-in-order-as-their-own-text",
                   test_members_come_in_order_as_their_own_text);
  g_test_add_func ("/common/json-members/escaped-keys-are-decoded", test_escaped_keys_are_decoded);
  g_test_add_func ("/common/json-members/empty-containers-are-fine", test_empty_containers_are_fine);
  g_test_add_func ("/common/json-members/broken-structure-is-refused",
                   test_broken_structure_is_refused);
  g_test_add_func ("/common/json-members/too-many-elements-are-refused-while-splitting",
                   test_too_many_elements_are_refused_while_splitting);
  g_test_add_func ("/common/json-members/nesting-beyond-the-limit-is-refused",
                   test_nesting_beyond_the_limit_is_refused);
  return g_test_run ();
}
