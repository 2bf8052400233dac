/* Tests for offline-cache/hb-catalog-browse.c: browsing by life event, by department and by
 * use — what a resident who does not know a service's name needs. */
#define CATALOG_FIXTURE_DIR "catalog-browse"
#include "tests/unit/offline-cache/catalog-fixture.h"

static const char CATALOG[] =
  "{\"version\":\"b1\",\"services\":["
  "{\"code\":\"A\",\"name\":\"出生医学证明\",\"department\":\"上海市卫生健康委员会\","
  " \"life_events\":[\"birth\"],\"popularity\":10},"
  "{\"code\":\"B\",\"name\":\"新生儿户口登记\",\"department\":\"上海市公安局\","
  " \"life_events\":[\"birth\",\"residence\"],\"popularity\":500},"
  "{\"code\":\"C\",\"name\":\"居住证签注\",\"department\":\"上海市公安局\","
  " \"life_events\":[\"residence\"],\"popularity\":900},"
  "{\"code\":\"D\",\"name\":\"退休申请\",\"department\":\"上海市人力资源和社会保障局\","
  " \"life_events\":[\"retirement\"],\"popularity\":50},"
  "{\"code\":\"E\",\"name\":\"无事件的事项\"}]}";

static char *
browse (CatalogFixture *f, const char *event, const char *dept, gboolean most_used)
{
  g_autoptr(GError) error = NULL;
  HbCatalogBrowse b = { event, dept, most_used };
  g_autoptr(GPtrArray) list = hb_catalog_browse (f->catalog, &b, &error);
  g_assert_no_error (error);
  return catalog_fixture_join_codes (list);
}

static void
test_by_life_event_and_department (CatalogFixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, CATALOG, "\"b1\"");
  g_autofree char *birth = browse (f, "birth", NULL, FALSE);
  g_autofree char *police = browse (f, NULL, "上海市公安局", FALSE);
  g_autofree char *both = browse (f, "residence", "上海市公安局", FALSE);
  g_autofree char *none = browse (f, "marriage", NULL, FALSE);
  g_autofree char *all = browse (f, NULL, NULL, FALSE);
  g_assert_cmpstr (birth, ==, "A,B");
  g_assert_cmpstr (police, ==, "B,C");
  g_assert_cmpstr (both, ==, "B,C");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (all, ==, "A,B,C,D,E");
}

static void
test_most_used_first_counts_this_terminal_too (CatalogFixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, CATALOG, "\"b1\"");
  g_autofree char *popular = browse (f, NULL, NULL, TRUE);
  g_assert_cmpstr (popular, ==, "C,B,D,A,E");
  /* Uses here move a service up among its peers. */
  for (guint i = 0; i < 600; i++)
    g_assert_true (hb_catalog_note_use (f->catalog, "A", NULL));
  g_autofree char *births = browse (f, "birth", NULL, TRUE);
  g_assert_cmpstr (births, ==, "A,B");
}

static void
test_facets_say_what_there_is_to_browse (CatalogFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  catalog_fixture_apply (f, CATALOG, "\"b1\"");
  g_autoptr(GPtrArray) events = hb_catalog_facets (f->catalog, "life_events", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 3);
  HbCatalogFacet *first = events->pdata[0];
  g_assert_true (g_str_equal (first->value, "birth") || g_str_equal (first->value, "residence"));
  g_assert_cmpuint (first->services, ==, 2);
  g_autoptr(GPtrArray) depts = hb_catalog_facets (f->catalog, "department", &error);
  g_assert_cmpuint (depts->len, ==, 3);
  g_assert_cmpstr (((HbCatalogFacet *) depts->pdata[0])->value, ==, "上海市公安局");
  g_assert_null (hb_catalog_facets (f->catalog, "summary", NULL));
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/offline-cache/catalog-browse/" path, CatalogFixture, NULL, \
                                  catalog_fixture_setup, fn, catalog_fixture_teardown)
  ADD ("by-life-event-and-department", test_by_life_event_and_department);
  ADD ("most-used-first-counts-this-terminal-too", test_most_used_first_counts_this_terminal_too);
  ADD ("facets-say-what-there-is-to-browse", test_facets_say_what_there_is_to_browse);
  return g_test_run ();
}
