/* Tests for kiosk/hb-licences.c: the electronic licence types a resident holds. */
#include "kiosk/hb-licences.h"
#include "tests/common/hb-test-util.h"

#include <gio/gio.h>
#include <string.h>

static void
test_keeps_the_distinct_types_only (void)
{
  const char *json = "{\"licences\":[{\"type\":\"id_card\",\"name\":\"居民身份证\","
                     "\"number\":\"310***\",\"trust_level\":\"A\"},{\"type\":\"hukou_book\"},"
                     "{\"type\":\"id_card\"}]}";
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) types = hb_licences_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (types), ==, 2);
  g_assert_cmpstr (types[0], ==, "id_card");
  g_assert_cmpstr (types[1], ==, "hukou_book");
}

static void
test_refuses_a_reply_that_is_not_a_licence_list (void)
{
  const char *bad[] = { "", "{}", "{\"licences\":{}}", "{\"licences\":[{}]}",
                        "{\"licences\":[{\"type\":\"Hukou Book\"}]}",
                        "{\"licences\":[{\"type\":\"../x\"}]}", "{\"licences\":[1]}" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) types = hb_licences_parse (bad[i], strlen (bad[i]), &error);
      if (types)
        g_error ("accepted %s", bad[i]);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
  g_autoptr(GString) many = g_string_new ("{\"licences\":[");
  for (guint i = 0; i <= HB_LICENCES_MAX; i++)
    g_string_append_printf (many, "%s{\"type\":\"t%u\"}", i ? "," : "", i);
  g_string_append (many, "]}");
  g_auto(GStrv) none = hb_licences_parse (many->str, many->len, NULL);
  g_assert_null (none);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/licences/keeps-the-distinct-types-only", test_keeps_the_distinct_types_only);
  g_test_add_func ("/kiosk/licences/refuses-a-reply-that-is-not-a-licence-list",
                   test_refuses_a_reply_that_is_not_a_licence_list);
  return g_test_run ();
}
