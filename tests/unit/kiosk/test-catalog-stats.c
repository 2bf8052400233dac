/* Tests for kiosk/hb-catalog-stats.c and `haobanctl catalog stats`: the issue-7 figures
 * from the catalog synced into the store. */
#include "kiosk/hb-catalog-stats.h"
#include "kiosk/hb-config.h"
#include "kiosk-test-data.h"
#include "kiosk-v2-sample.h"

#include <gio/gio.h>
#include <string.h>

#define ENTERPRISE_SERVICE \
  "{\"code\":\"310000-SC-0001\",\"name\":\"食品经营许可\",\"audience\":\"enterprise\"," \
  " \"form\":{\"fields\":[{\"id\":\"company\",\"label\":\"企业名称\",\"type\":\"text\",\"prefill\":\"enterprise.name\"}," \
  "                      {\"id\":\"shop\",\"label\":\"经营场所\",\"type\":\"text\"}]}}"
#define BOTH_SERVICE \
  "{\"code\":\"310000-GJJ-0001\",\"name\":\"公积金查询\",\"audience\":[\"person\",\"enterprise\"]," \
  " \"form\":{\"fields\":[{\"id\":\"year\",\"label\":\"年份\",\"type\":\"number\"}]}," \
  " \"prereview\":[{\"id\":\"recent\",\"kind\":\"format\",\"field\":\"year\"," \
  "   \"require\":{\"field\":\"year\",\"op\":\"ge\",\"value\":2000},\"message\":\"年份须在2000年以后\"}]}"
#define BUNDLE \
  "{\"code\":\"310000-YJS-0001\",\"name\":\"结婚一件事\",\"kind\":\"bundle\"," \
  " \"bundle\":{\"members\":[\"" V2_CODE "\",\"310000-GJJ-0001\"],\"shared\":[\"name\"]}," \
  " \"form\":{\"fields\":[{\"id\":\"name\",\"label\":\"姓名\",\"type\":\"text\",\"prefill\":\"person.name\"}]}}"
#define INVALID_SERVICE \
  "{\"code\":\"310000-BAD-0001\",\"name\":\"坏数据\",\"type\":\"ZZ\"," \
  " \"form\":{\"fields\":[{\"id\":\"a\",\"label\":\"a\",\"type\":\"text\",\"prefill\":\"person.name\"}]}}"

/* A store under dir (as HAOBAN_DATA_DIR) holding catalog document doc. */
static HbCatalog *
catalog_in (const char *dir, const char *doc, gsize length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbConfig) config = NULL;
  g_autoptr(HbStore) store = NULL;
  g_autofree char *db = NULL, *key = NULL;
  HbCatalog *catalog;

  g_setenv ("HAOBAN_DATA_DIR", dir, TRUE);
  config = hb_config_load (NULL, &error);
  g_assert_no_error (error);
  db = hb_config_dup_db_path (config);
  key = hb_config_dup_key_path (config);
  store = hb_store_open (db, key, &error);
  g_assert_no_error (error);
  g_unsetenv ("HAOBAN_DATA_DIR");
  catalog = hb_catalog_new (store);
  g_assert_true (hb_catalog_apply_json (catalog, doc, length, "\"e1\"", &error));
  g_assert_no_error (error);
  return catalog;
}

static char *
small_catalog (void)
{
  return g_strdup_printf ("{\"version\":\"t1\",\"services\":[%s,%s,%s,%s,%s]}", V2_SERVICE,
                          ENTERPRISE_SERVICE, BOTH_SERVICE, BUNDLE, INVALID_SERVICE);
}

static void
assert_small_figures (JsonObject *o)
{
  g_assert_cmpint (json_object_get_int_member (o, "services"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (o, "person"), ==, 4);   /* both counts twice */
  g_assert_cmpint (json_object_get_int_member (o, "legal"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "bundles"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "invalid"), ==, 1);
  /* 13 + 2 + 1 + 1 fields; 9 + 1 + 0 + 1 with a source; the invalid one counts nowhere. */
  g_assert_cmpint (json_object_get_int_member (o, "form_fields"), ==, 17);
  g_assert_cmpint (json_object_get_int_member (o, "prefilled_fields"), ==, 11);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "prefilled_share"),
                                  11.0 / 17, 0.0001);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "prereviewed_share"),
                                  2.0 / 5, 0.0001);
  g_assert_cmpint (json_object_get_int_member (o, "with_situations"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "with_licence_materials"), ==, 1);
}

static void
test_figures_of_a_small_catalog (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("stats");
  g_autofree char *doc = small_catalog ();
  g_autoptr(HbCatalog) catalog = catalog_in (dir, doc, strlen (doc));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  HbCatalogStats st;

  g_assert_true (hb_catalog_stats_compute (catalog, &st, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (st.prereviewed, ==, 2);
  node = hb_catalog_stats_to_json (&st);
  assert_small_figures (json_node_get_object (node));
  hb_test_rmdir (dir);
}

static void
test_an_empty_store_has_zero_figures (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("stats-empty");
  const char *doc = "{\"version\":\"t0\",\"services\":[]}";
  g_autoptr(HbCatalog) catalog = catalog_in (dir, doc, strlen (doc));
  HbCatalogStats st;
  g_assert_true (hb_catalog_stats_compute (catalog, &st, NULL));
  g_assert_cmpuint (st.services, ==, 0);
  g_assert_cmpfloat (st.prefilled_share, ==, 0);
  g_assert_cmpfloat (st.prereviewed_share, ==, 0);
  hb_test_rmdir (dir);
}

/* haobanctl with HAOBAN_DATA_DIR=dir (the store lives there). */
static char *
run_haobanctl (const char *dir, int *status, const char *extra)
{
  char *out = NULL;
  g_setenv ("HAOBAN_DATA_DIR", dir, TRUE);
  *status = hb_test_run_program (&out, NULL, 60000, "haobanctl", "catalog", "stats", extra, NULL);
  g_unsetenv ("HAOBAN_DATA_DIR");
  return out;
}

static void
test_haobanctl_prints_the_figures (void)
{
  g_autofree char *dir = hb_test_mkdtemp ("stats-ctl");
  g_autofree char *doc = small_catalog ();
  g_autoptr(HbCatalog) catalog = catalog_in (dir, doc, strlen (doc));
  g_autofree char *out = NULL, *text = NULL, *bad = NULL;
  g_autoptr(JsonObject) o = NULL;
  int status;

  g_clear_object (&catalog);
  out = run_haobanctl (dir, &status, "--json");
  g_assert_cmpint (status, ==, 0);
  o = hb_json_parse_object (out, -1, 65536, 8, NULL);
  g_assert_nonnull (o);
  assert_small_figures (o);
  g_assert_nonnull (strstr (out, "\"prefilled_share\":0.6471,"));   /* 11/17, 4 decimals */
  g_assert_nonnull (strstr (out, "\"prereviewed_share\":0.4000,"));
  text = run_haobanctl (dir, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (text, "11 of 17"));
  bad = run_haobanctl (dir, &status, "extra");
  g_assert_cmpint (status, ==, 2);
  hb_test_rmdir (dir);
}

/* H18's 双100 data (data/catalog.json) as platform-sim serves it: the targets.
 * Run alone with -p /kiosk/catalog-stats/data-catalog-json, skip with -s the same path. */
static void
test_data_catalog_meets_the_targets (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbTestSim) sim = hb_test_sim_start (NULL, &error);
  g_autofree char *dir = hb_test_mkdtemp ("stats-data");
  g_autoptr(HbCatalog) catalog = NULL;
  g_autofree char *doc = NULL, *text = NULL;
  long status = 0;
  HbCatalogStats st;

  g_assert_no_error (error);
  doc = hb_test_sim_request (sim, "GET", "/v1/catalog", NULL, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_nonnull (doc);
  catalog = catalog_in (dir, doc, strlen (doc));
  g_assert_true (hb_catalog_stats_compute (catalog, &st, &error));
  g_assert_no_error (error);
  text = hb_catalog_stats_to_text (&st);
  g_test_message ("data/catalog.json: %s", text);
  g_assert_cmpuint (st.invalid, ==, 0);
  g_assert_cmpuint (st.person, >=, 100);
  g_assert_cmpuint (st.legal, >=, 100);
  g_assert_cmpfloat (st.prefilled_share, >=, 0.70);
  g_assert_cmpfloat (st.prereviewed_share, >=, 0.90);
  g_assert_cmpuint (st.bundles, >=, 5);
  hb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);
  g_test_add_func ("/kiosk/catalog-stats/figures-of-a-small-catalog", test_figures_of_a_small_catalog);
  g_test_add_func ("/kiosk/catalog-stats/an-empty-store-has-zero-figures", test_an_empty_store_has_zero_figures);
  g_test_add_func ("/kiosk/catalog-stats/haobanctl-catalog-stats-prints-them", test_haobanctl_prints_the_figures);
  g_test_add_func ("/kiosk/catalog-stats/data-catalog-json/meets-the-issue-7-targets",
                   test_data_catalog_meets_the_targets);
  return g_test_run ();
}
