/* test-catalog.c — offline-cache/hb-catalog.c: atomic apply, list, read back (search:
 * test-catalog-search.c). */
#include "offline-cache/hb-catalog-private.h"
#include "offline-cache/hb-store-private.h"
#include "tests/common/hb-test-util.h"
#define CATALOG_FIXTURE_DIR "catalog"
#include "tests/unit/offline-cache/catalog-fixture.h"

#include <json-glib/json-glib.h>
#include <string.h>

typedef CatalogFixture Fixture;

/* A small catalog whose texts are chosen for the search tests. */
static const char fixture_catalog[] =
  "{\"version\":\"t-1\",\"services\":["
  " {\"code\":\"T-1\",\"name\":\"社保卡申领\",\"name_en\":\"Social security card\","
  "  \"summary\":\"首次申领社会保障卡\",\"keywords\":[\"医保卡\"],\"guide\":{\"fee\":0}},"
  " {\"code\":\"T-2\",\"name\":\"居住证签注\",\"name_en\":\"Residence permit endorsement\","
  "  \"summary\":\"每年签注一次\"},"
  " {\"code\":\"T-3\",\"name\":\"个人所得税查询\",\"name_en\":\"Tax \\\"certificate\\\" lookup\","
  "  \"summary\":\"打印 100% 完税证明_记录\"},"
  " {\"code\":\"T-4\",\"name\":\"公积金提取\",\"summary\":\"可用于补缴社保以外的用途\","
  "  \"category\":\"住房\"}"
  "]}";

static char *
list_codes (Fixture *f)
{
  g_autoptr(GPtrArray) all = hb_catalog_list (f->catalog);
  return catalog_fixture_join_codes (all);
}

/* --- apply ----------------------------------------------------------------------------- */

static void
test_demo_catalog_applies (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *json = hb_test_read_file (path, &len);
  g_assert_nonnull (json);

  g_assert_null (hb_catalog_dup_version (f->catalog));
  g_assert_cmpuint (hb_catalog_count (f->catalog), ==, 0);
  g_assert_cmpint (hb_catalog_get_applied_at (f->catalog), ==, 0);

  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (hb_catalog_apply_json (f->catalog, json, len, "\"2026.11.27-1\"", &error));
  g_assert_no_error (error);
  /* when it was applied: the maintenance dashboard shows the catalog's age */
  g_assert_cmpint (hb_catalog_get_applied_at (f->catalog), >=, before);
  g_assert_cmpint (hb_catalog_get_applied_at (f->catalog), <=, g_get_real_time () / G_USEC_PER_SEC);

  /* Compare with the file itself. */
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, (gssize) len, NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *services = json_object_get_array_member (root, "services");

  g_autofree char *version = hb_catalog_dup_version (f->catalog);
  g_autofree char *etag = hb_catalog_dup_etag (f->catalog);
  g_assert_cmpstr (version, ==, json_object_get_string_member (root, "version"));
  g_assert_cmpstr (etag, ==, "\"2026.11.27-1\"");
  g_assert_cmpuint (hb_catalog_count (f->catalog), ==, json_array_get_length (services));

  g_autoptr(GPtrArray) all = hb_catalog_list (f->catalog);
  g_autoptr(GHashTable) names = hb_catalog_dup_names (f->catalog);
  g_assert_cmpuint (all->len, ==, json_array_get_length (services));
  g_assert_cmpuint (g_hash_table_size (names), ==, all->len);
  g_assert_cmpstr (g_hash_table_lookup (names, ((HbCatalogEntry *) all->pdata[0])->code), ==,
                   ((HbCatalogEntry *) all->pdata[0])->name);
  for (guint i = 0; i < all->len; i++)
    {
      HbCatalogEntry *e = all->pdata[i];
      JsonObject *s = json_array_get_object_element (services, i);
      g_assert_cmpstr (e->code, ==, json_object_get_string_member (s, "code"));
      g_assert_cmpstr (e->name, ==, json_object_get_string_member (s, "name"));
      g_assert_cmpstr (e->name_en, ==, json_object_get_string_member_with_default (s, "name_en", NULL));
      g_assert_cmpstr (e->category, ==, json_object_get_string_member_with_default (s, "category", NULL));
      g_assert_cmpstr (e->summary, ==, json_object_get_string_member_with_default (s, "summary", NULL));

      /* The full service object comes back as the platform sent it. */
      g_autofree char *full = hb_catalog_dup_service_json (f->catalog, e->code, &error);
      g_assert_no_error (error);
      g_autoptr(JsonNode) stored = json_from_string (full, &error);
      g_assert_no_error (error);
      g_assert_true (json_node_equal (stored, json_array_get_element (services, i)));
    }

  /* 居住证 (3 characters: trigram) finds the residence-permit services, and only services
   * that mention it. */
  g_autofree char *hits = catalog_fixture_search_codes (f, "居住证");
  g_auto(GStrv) codes = g_strsplit (hits, ",", -1);
  g_assert_true (g_strv_contains ((const char *const *) codes, "310000-GA-JZZ-0003"));
  g_assert_true (g_strv_contains ((const char *const *) codes, "310000-RS-JZZJF-0007"));
  for (guint i = 0; codes[i]; i++)
    {
      g_autofree char *full = hb_catalog_dup_service_json (f->catalog, codes[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (full, "居住证"));
    }
}

static void
test_unknown_service_is_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  catalog_fixture_apply (f, fixture_catalog, NULL);
  g_autofree char *json = hb_catalog_dup_service_json (f->catalog, "NOPE", &error);
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_NOT_FOUND);
  g_assert_null (json);
  g_assert_null (hb_catalog_dup_etag (f->catalog));   /* applied without an ETag */
}

static void
test_new_catalog_replaces_the_old_one (Fixture *f, gconstpointer data)
{
  catalog_fixture_apply (f, fixture_catalog, "\"t-1\"");
  catalog_fixture_apply (f, "{\"version\":\"t-2\",\"services\":["
                            "{\"code\":\"N-1\",\"name\":\"新生儿出生登记\"}]}", "\"t-2\"");

  g_autofree char *version = hb_catalog_dup_version (f->catalog);
  g_autofree char *etag = hb_catalog_dup_etag (f->catalog);
  g_autofree char *codes = list_codes (f);
  g_assert_cmpstr (version, ==, "t-2");
  g_assert_cmpstr (etag, ==, "\"t-2\"");
  g_assert_cmpstr (codes, ==, "N-1");
  /* The search index was replaced too. */
  g_autofree char *old = catalog_fixture_search_codes (f, "居住证");
  g_autofree char *old_short = catalog_fixture_search_codes (f, "社保");
  g_autofree char *fresh = catalog_fixture_search_codes (f, "出生登记");
  g_assert_cmpstr (old, ==, "");
  g_assert_cmpstr (old_short, ==, "");
  g_assert_cmpstr (fresh, ==, "N-1");
}

static void
assert_unchanged (Fixture *f)
{
  g_autofree char *version = hb_catalog_dup_version (f->catalog);
  g_autofree char *etag = hb_catalog_dup_etag (f->catalog);
  g_autofree char *codes = list_codes (f);
  g_autofree char *hits = catalog_fixture_search_codes (f, "居住证");
  g_assert_cmpstr (version, ==, "t-1");
  g_assert_cmpstr (etag, ==, "\"t-1\"");
  g_assert_cmpstr (codes, ==, "T-1,T-2,T-3,T-4");
  g_assert_cmpstr (hits, ==, "T-2");
}

static void
test_invalid_catalog_leaves_the_old_one (Fixture *f, gconstpointer data)
{
  g_autofree char *long_name = g_strnfill (HB_CATALOG_NAME_MAX + 1, 'a');
  g_autofree char *long_doc = g_strdup_printf (
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"%s\"}]}", long_name);
  g_autofree char *brackets = g_strnfill (40, '[');
  g_autofree char *deep = g_strconcat ("{\"version\":\"x\",\"services\":[{\"code\":\"A\","
                                       "\"name\":\"n\",\"guide\":", brackets, NULL);
  const char *bad[] = {
    "",
    "not json",
    "[]",
    "{\"services\":[]}",                                           /* no version */
    "{\"version\":7,\"services\":[]}",                             /* version not a string */
    "{\"version\":\"x\"}",                                         /* no services */
    "{\"version\":\"x\",\"services\":{}}",                         /* services not an array */
    "{\"version\":\"x\",\"services\":[{\"name\":\"无编码\"}]}",        /* no code */
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\"}]}",           /* no name */
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"\"}]}",
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":3}]}",
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"n\",\"summary\":[]}]}",
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"a\"},"
    "{\"code\":\"A\",\"name\":\"b\"}]}",                           /* duplicate code */
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"a\\u0007\"}]}",
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"a\",\"keywords\":\"k\"}]}",
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"a\"},7]}",
    "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"a\"}]} trailing",
    long_doc,
    deep,
  };

  catalog_fixture_apply (f, fixture_catalog, "\"t-1\"");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_test_message ("bad catalog %u", i);
      g_assert_false (hb_catalog_apply_json (f->catalog, bad[i], strlen (bad[i]), "\"bad\"", &error));
      g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
      assert_unchanged (f);
    }

  /* Not UTF-8, and an embedded NUL. */
  const char latin1[] = "{\"version\":\"x\",\"services\":[{\"code\":\"A\",\"name\":\"\xe9\"}]}";
  const char with_nul[] = "{\"version\":\"x\",\"services\":[]}\0";
  g_autoptr(GError) error = NULL;
  g_assert_false (hb_catalog_apply_json (f->catalog, latin1, strlen (latin1), NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hb_catalog_apply_json (f->catalog, with_nul, sizeof with_nul, NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* A valid document with an unusable ETag. */
  g_assert_false (hb_catalog_apply_json (f->catalog, fixture_catalog, strlen (fixture_catalog),
                                         "\"t\r\n2\"", &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  assert_unchanged (f);
}

static void
test_limits_are_enforced (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) many = g_string_new ("{\"version\":\"big\",\"services\":[");

  catalog_fixture_apply (f, fixture_catalog, "\"t-1\"");

  for (guint i = 0; i <= HB_CATALOG_MAX_SERVICES; i++)
    g_string_append_printf (many, "%s{\"code\":\"C%u\",\"name\":\"n\"}", i ? "," : "", i);
  g_string_append (many, "]}");
  g_assert_false (hb_catalog_apply_json (f->catalog, many->str, many->len, NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  assert_unchanged (f);

  /* Bigger than HB_CATALOG_MAX_BYTES: refused on size alone. */
  gsize huge_len = HB_CATALOG_MAX_BYTES + 1;
  g_autofree char *huge = g_malloc (huge_len);
  memset (huge, ' ', huge_len);
  g_assert_false (hb_catalog_apply_json (f->catalog, huge, huge_len, NULL, &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
  assert_unchanged (f);

  /* Exactly HB_CATALOG_MAX_SERVICES is fine. */
  g_string_assign (many, "{\"version\":\"big\",\"services\":[");
  for (guint i = 0; i < HB_CATALOG_MAX_SERVICES; i++)
    g_string_append_printf (many, "%s{\"code\":\"C%u\",\"name\":\"n\"}", i ? "," : "", i);
  g_string_append (many, "]}");
  g_clear_error (&error);
  g_assert_true (hb_catalog_apply_json (f->catalog, many->str, many->len, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hb_catalog_count (f->catalog), ==, HB_CATALOG_MAX_SERVICES);
}

static void
test_database_failure_rolls_back (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *boom = "{\"version\":\"t-2\",\"services\":["
                     "{\"code\":\"N-1\",\"name\":\"一\"},{\"code\":\"BOOM\",\"name\":\"二\"}]}";

  catalog_fixture_apply (f, fixture_catalog, "\"t-1\"");
  /* Valid JSON, but the database refuses the second row half-way through. */
  g_assert_true (hb_store_exec (f->store,
                                "CREATE TEMP TRIGGER boom BEFORE INSERT ON main.catalog_service"
                                " WHEN new.code = 'BOOM'"
                                " BEGIN SELECT RAISE (ABORT, 'injected failure'); END;", &error));
  g_assert_false (hb_catalog_apply_json (f->catalog, boom, strlen (boom), "\"t-2\"", &error));
  g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_SQL);
  assert_unchanged (f);
}

/* Residents' services by default; businesses' services say so. */
static void
test_audience_is_read_back (Fixture *f, gconstpointer data)
{
  static const char doc[] =
    "{\"version\":\"a1\",\"services\":["
    "{\"code\":\"P\",\"name\":\"居住证签注\"},"
    "{\"code\":\"E\",\"name\":\"单位参保证明打印\",\"audience\":\"enterprise\"},"
    "{\"code\":\"B\",\"name\":\"公积金查询\",\"audience\":[\"person\",\"enterprise\"]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) found = NULL;

  g_assert_true (hb_catalog_apply_json (f->catalog, doc, strlen (doc), NULL, &error));
  g_assert_no_error (error);
  list = hb_catalog_list (f->catalog);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (((HbCatalogEntry *) list->pdata[0])->audience, ==, HB_AUDIENCE_PERSON);
  g_assert_cmpint (((HbCatalogEntry *) list->pdata[1])->audience, ==, HB_AUDIENCE_ENTERPRISE);
  g_assert_cmpint (((HbCatalogEntry *) list->pdata[2])->audience, ==,
                   HB_AUDIENCE_PERSON | HB_AUDIENCE_ENTERPRISE);
  found = hb_catalog_search (f->catalog, "参保证明", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((HbCatalogEntry *) found->pdata[0])->audience, ==, HB_AUDIENCE_ENTERPRISE);
}

static void
test_bad_audience_is_refused (Fixture *f, gconstpointer data)
{
  static const char *bad[] = {
    "{\"version\":\"a\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"audience\":\"everyone\"}]}",
    "{\"version\":\"a\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"audience\":[]}]}",
    "{\"version\":\"a\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"audience\":7}]}",
    "{\"version\":\"a\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"audience\":[\"person\",\"enterprise\",\"person\"]}]}",
    "{\"version\":\"a\",\"services\":[{\"code\":\"X\",\"name\":\"x\",\"audience\":[\"person\",1]}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (hb_catalog_apply_json (f->catalog, bad[i], strlen (bad[i]), NULL, &error));
      g_assert_error (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "audience"));
    }
}

int
main (int argc, char **argv)
{
  hb_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/offline-cache/catalog/" path, Fixture, NULL, \
                                  catalog_fixture_setup, fn, catalog_fixture_teardown)
  ADD ("demo-catalog-applies-and-reads-back", test_demo_catalog_applies);
  ADD ("unknown-service-is-not-found", test_unknown_service_is_not_found);
  ADD ("new-catalog-replaces-the-old-one-completely", test_new_catalog_replaces_the_old_one);
  ADD ("invalid-catalog-leaves-the-old-one-intact", test_invalid_catalog_leaves_the_old_one);
  ADD ("limits-are-enforced", test_limits_are_enforced);
  ADD ("audience/is-read-back-person-by-default", test_audience_is_read_back);
  ADD ("audience/anything-else-is-refused", test_bad_audience_is_refused);
  ADD ("database-failure-mid-apply-rolls-back", test_database_failure_rolls_back);
#undef ADD

  return g_test_run ();
}
