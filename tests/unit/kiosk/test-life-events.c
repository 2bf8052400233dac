/* Tests for kiosk/hb-life-events.c: every life event the catalog browses by has a name in
 * both languages — a new id in data/catalog.json without one fails here. */
#include "kiosk/hb-life-events.h"
#include "kiosk/hb-i18n.h"
#include "common/hb-json.h"
#include "tests/common/hb-test-util.h"

#include <string.h>

static void
test_every_catalog_life_event_has_a_label (void)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *services;
  guint seen = 0;

  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  root = hb_json_parse (data, (gssize) length, 64 << 20, 64, &error);
  g_assert_no_error (error);
  services = json_object_get_array_member (json_node_get_object (root), "services");
  g_assert_cmpuint (json_array_get_length (services), >, 0);
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonObject *s = json_array_get_object_element (services, i);
      JsonArray *events = json_object_has_member (s, "life_events")
                          ? json_object_get_array_member (s, "life_events") : NULL;
      for (guint j = 0; events && j < json_array_get_length (events); j++)
        {
          const char *id = json_array_get_string_element (events, j);
          if (hb_life_event_lookup (id) == NULL)
            g_error ("life event \"%s\" of %s has no label in kiosk/hb-life-events.c", id,
                     json_object_get_string_member (s, "code"));
          seen++;
        }
    }
  g_assert_cmpuint (seen, >, 0);
}

static void
test_table_is_complete_and_unique (void)
{
  guint n = 0;
  const HbLifeEvent *all = hb_life_events_all (&n);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  /* docs/service-format.md lists 19 ids. */
  g_assert_cmpuint (n, ==, 19);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (g_hash_table_add (ids, (gpointer) all[i].id));
      g_assert_cmpuint (strlen (all[i].zh), >, 0);
      g_assert_cmpuint (strlen (all[i].en), >, 0);
      /* One character: the badge is a circle sized for one. */
      g_assert_cmpint (g_utf8_strlen (all[i].glyph, -1), ==, 1);
      g_assert_true (hb_life_event_lookup (all[i].id) == &all[i]);
    }
}

static void
test_labels_follow_the_language (void)
{
  hb_i18n_set_language ("zh_CN");
  g_assert_cmpstr (hb_life_event_label ("birth"), ==, "出生");
  g_assert_cmpstr (hb_life_event_label ("business_start"), ==, "开办企业");
  hb_i18n_set_language ("en");
  g_assert_cmpstr (hb_life_event_label ("birth"), ==, "Birth");
  g_assert_cmpstr (hb_life_event_label ("death"), ==, "After a death");
  hb_i18n_set_language ("zh_CN");
  g_assert_cmpstr (hb_life_event_glyph ("birth"), ==, "婴");
}

static void
test_an_unknown_id_is_shown_as_itself (void)
{
  hb_i18n_set_language ("zh_CN");
  g_assert_null (hb_life_event_lookup ("party"));
  g_assert_null (hb_life_event_lookup (NULL));
  g_assert_cmpstr (hb_life_event_label ("party"), ==, "party");
  g_assert_cmpstr (hb_life_event_label (NULL), ==, "");
  g_assert_cmpstr (hb_life_event_glyph ("party"), ==, "");
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/life-events/every-catalog-life-event-has-a-label",
                   test_every_catalog_life_event_has_a_label);
  g_test_add_func ("/kiosk/life-events/table-is-complete-and-unique",
                   test_table_is_complete_and_unique);
  g_test_add_func ("/kiosk/life-events/labels-follow-the-language",
                   test_labels_follow_the_language);
  g_test_add_func ("/kiosk/life-events/an-unknown-id-is-shown-as-itself",
                   test_an_unknown_id_is_shown_as_itself);
  return g_test_run ();
}
