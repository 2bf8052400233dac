/* test-browse.c — browsing the catalog through the core (hb_core_browse_async,
 * hb_core_list_facets_async) against the shipped catalog: a resident and a business each
 * see only their own services, events and departments; most used first, and a service
 * chosen here moves up among equals; an unknown life event is an empty list. */
#include "visit-fixture.h"

#define ENTERPRISE_SAMPLE "3"

typedef struct { gboolean done; GPtrArray *list; GError *error; } Browse;

static void
browsed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Browse *b = data;
  b->list = hb_core_browse_finish (HB_CORE (source), result, &b->error);
  b->done = TRUE;
}

static void
faceted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Browse *b = data;
  b->list = hb_core_list_facets_finish (HB_CORE (source), result, &b->error);
  b->done = TRUE;
}

static gboolean
browse_done (gpointer data)
{
  return ((Browse *) data)->done;
}

/* The services of a life event and/or department (HbCatalogEntry*); NULL + error. */
static GPtrArray *
browse (Visit *v, const char *event, const char *dept, GError **error)
{
  Browse b = { 0 };
  hb_core_browse_async (v->core, event, dept, NULL, browsed_cb, &b);
  g_assert_true (hb_test_wait_until (browse_done, &b, 15000));
  if (b.error)
    g_propagate_error (error, b.error);
  return b.list;
}

static GPtrArray *
facets (Visit *v, const char *member, GError **error)
{
  Browse b = { 0 };
  hb_core_list_facets_async (v->core, member, NULL, faceted_cb, &b);
  g_assert_true (hb_test_wait_until (browse_done, &b, 30000));
  if (b.error)
    g_propagate_error (error, b.error);
  return b.list;
}

static gint64
popularity (Visit *v, const char *code)
{
  g_autoptr(HbService) s = hb_core_get_service (v->core, code, NULL);
  g_assert_nonnull (s);
  return hb_service_get_popularity (s);
}

static int
index_of (GPtrArray *entries, const char *code)
{
  for (guint i = 0; i < entries->len; i++)
    if (g_str_equal (((HbCatalogEntry *) entries->pdata[i])->code, code))
      return (int) i;
  return -1;
}

static guint
facet_count (GPtrArray *list, const char *value)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((HbCatalogFacet *) list->pdata[i])->value, value))
      return ((HbCatalogFacet *) list->pdata[i])->services;
  return 0;
}

static void
identify_resident (Visit *v)
{
  g_free (visit_ctl (v, NULL, "sim", "card-insert", "--sample", "1", NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
}

static void
identify_business (Visit *v)
{
  g_free (visit_ctl (v, NULL, "sim", "scan", "--sample", ENTERPRISE_SAMPLE, NULL));
  visit_wait_state (v, HB_SESSION_IDENTIFIED);
  g_assert_cmpint (hb_person_get_principal (hb_session_get_person (hb_core_get_session (v->core))),
                   ==, HB_PRINCIPAL_ENTERPRISE);
}

static gboolean
is_bundle (Visit *v, const char *code)
{
  g_autoptr(HbService) s = hb_core_get_service (v->core, code, NULL);
  g_assert_nonnull (s);
  return hb_service_get_kind (s) == HB_SERVICE_KIND_BUNDLE;
}

/* Every entry is for want, and they come most popular first — after a life event's 一件事
 * bundles, which lead its list. */
static void
assert_for_and_most_used_first (Visit *v, GPtrArray *list, HbAudience want)
{
  gboolean past_bundles = FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      HbCatalogEntry *e = list->pdata[i];
      gboolean bundle = is_bundle (v, e->code);
      g_assert_true (e->audience & want);
      g_assert_false (bundle && past_bundles);
      if (i > 0 && !bundle && past_bundles)
        g_assert_cmpint (popularity (v, ((HbCatalogEntry *) list->pdata[i - 1])->code), >=,
                         popularity (v, e->code));
      past_bundles |= !bundle;
    }
}

static void
test_a_resident_browses_a_life_event_most_used_first (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  identify_resident (v);

  g_autoptr(GPtrArray) births = browse (v, "birth", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (births->len, >=, 5);
  assert_for_and_most_used_first (v, births, HB_AUDIENCE_PERSON);
  /* The shipped catalog: 新生儿出生一件事 leads; then the social security card is asked for
   * most, and 出生登记 is one. */
  g_assert_cmpstr (((HbCatalogEntry *) births->pdata[0])->name, ==, "新生儿出生一件事");
  g_assert_cmpstr (((HbCatalogEntry *) births->pdata[1])->name, ==, "社会保障卡申领");
  g_assert_cmpint (index_of (births, "310000-GA-HJ-0102"), >, 0);
  for (guint i = 0; i < births->len; i++)
    {
      g_autoptr(HbService) s = hb_core_get_service (v->core, ((HbCatalogEntry *) births->pdata[i])->code, NULL);
      g_assert_true (g_strv_contains (hb_service_get_life_events (s), "birth"));
    }

  g_autoptr(GPtrArray) police = browse (v, NULL, "上海市公安局", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (police->len, >, 0);
  g_assert_cmpint (index_of (police, JZZ_CODE), >=, 0);
  assert_for_and_most_used_first (v, police, HB_AUDIENCE_PERSON);

  /* Both at once: the intersection. */
  g_autoptr(GPtrArray) both = browse (v, "residence", "上海市公安局", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (both->len, >, 0);
  g_assert_cmpuint (both->len, <=, police->len);
  for (guint i = 0; i < both->len; i++)
    g_assert_cmpint (index_of (police, ((HbCatalogEntry *) both->pdata[i])->code), >=, 0);
}

static void
test_facets_count_only_the_visitors_services (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  identify_resident (v);

  g_autoptr(GPtrArray) events = facets (v, "life_events", &error);
  g_assert_no_error (error);
  g_autoptr(GPtrArray) depts = facets (v, "department", &error);
  g_assert_no_error (error);
  /* Business-only events and departments are not a resident's to browse. */
  g_assert_cmpuint (facet_count (events, "birth"), >, 0);
  g_assert_cmpuint (facet_count (events, "hiring"), ==, 0);
  g_assert_cmpuint (facet_count (events, "business_operation"), ==, 0);
  g_assert_cmpuint (facet_count (depts, "上海市公安局"), >, 0);
  g_assert_cmpuint (facet_count (depts, "上海市药品监督管理局"), ==, 0);
  /* Each count is what browsing it lists; most services first. */
  for (guint i = 0; i < events->len; i++)
    {
      HbCatalogFacet *f = events->pdata[i];
      g_autoptr(GPtrArray) list = browse (v, f->value, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->len, ==, f->services);
      if (i > 0)
        g_assert_cmpuint (((HbCatalogFacet *) events->pdata[i - 1])->services, >=, f->services);
    }
  for (guint i = 0; i < depts->len; i++)
    {
      HbCatalogFacet *f = depts->pdata[i];
      g_autoptr(GPtrArray) list = browse (v, NULL, f->value, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->len, ==, f->services);
      g_assert_cmpuint (f->services, >, 0);
    }
}

static void
test_a_business_sees_business_events_and_departments (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  identify_business (v);

  g_autoptr(GPtrArray) events = facets (v, "life_events", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facet_count (events, "hiring"), >, 0);
  g_assert_cmpuint (facet_count (events, "birth"), ==, 0);
  g_autoptr(GPtrArray) depts = facets (v, "department", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facet_count (depts, "上海市药品监督管理局"), >, 0);
  g_assert_cmpuint (facet_count (depts, "上海市公安局出入境管理局"), ==, 0);

  g_autoptr(GPtrArray) births = browse (v, "birth", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (births->len, ==, 0);
  g_autoptr(GPtrArray) hiring = browse (v, "hiring", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hiring->len, ==, facet_count (events, "hiring"));
  assert_for_and_most_used_first (v, hiring, HB_AUDIENCE_ENTERPRISE);
}

static void
test_a_service_chosen_here_moves_up_among_equals (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL;
  gboolean lifted = FALSE;

  identify_resident (v);
  /* Two neighbours as popular as each other: catalog order decides until one is used. */
  {
    g_autoptr(GPtrArray) all = browse (v, NULL, NULL, &error);
    g_assert_no_error (error);
    for (guint i = 1; i < all->len && second == NULL; i++)
      {
        const char *a = ((HbCatalogEntry *) all->pdata[i - 1])->code;
        const char *b = ((HbCatalogEntry *) all->pdata[i])->code;
        if (popularity (v, a) == popularity (v, b))
          {
            first = g_strdup (a);
            second = g_strdup (b);
          }
      }
  }
  g_assert_nonnull (second);   /* the shipped catalog has ties (居住登记, 异地就医备案) */

  g_assert_true (hb_core_choose_service (v->core, second, &error));
  g_assert_no_error (error);
  /* The use is saved on a worker: look until it shows, with a deadline. */
  for (guint round = 0; round < 300 && !lifted; round++)
    {
      g_autoptr(GPtrArray) all = browse (v, NULL, NULL, &error);
      g_assert_no_error (error);
      lifted = index_of (all, second) >= 0 && index_of (all, second) < index_of (all, first);
      if (!lifted)
        hb_test_spin (50);
    }
  g_assert_true (lifted);
}

static void
test_an_unknown_life_event_is_an_empty_list (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  identify_resident (v);

  g_autoptr(GPtrArray) party = browse (v, "party", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (party->len, ==, 0);
  g_autoptr(GPtrArray) nobody = browse (v, NULL, "上海市不存在局", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nobody->len, ==, 0);
  g_assert_null (facets (v, "summary", &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
}

static void
test_browsing_needs_a_started_core (Visit *v, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_null (browse (v, "birth", NULL, &error));
  g_assert_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_null (facets (v, "life_events", &error));
  g_assert_error (error, HB_CORE_ERROR, HB_CORE_ERROR_STATE);
}

static void
setup_unstarted (Visit *v, gconstpointer data)
{
  visit_setup_full (v, 4000, FALSE);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/integration/browse/" path, Visit, NULL, \
                                  visit_setup, fn, visit_teardown)
  ADD ("a-resident-browses-a-life-event-most-used-first",
       test_a_resident_browses_a_life_event_most_used_first);
  ADD ("facets-count-only-the-visitors-services", test_facets_count_only_the_visitors_services);
  ADD ("a-business-sees-business-events-and-departments",
       test_a_business_sees_business_events_and_departments);
  ADD ("a-service-chosen-here-moves-up-among-equals",
       test_a_service_chosen_here_moves_up_among_equals);
  ADD ("an-unknown-life-event-is-an-empty-list", test_an_unknown_life_event_is_an_empty_list);
  g_test_add ("/integration/browse/browsing-needs-a-started-core", Visit, NULL,
              setup_unstarted, test_browsing_needs_a_started_core, visit_teardown);
  return g_test_run ();
}
