/* fuzz-catalog-search.c — arbitrary bytes as a search query (hb_catalog_search) over a small
 * fixed catalog, and through the pinyin functions. For 1–2 character queries (the gram
 * index, all ours) the answer is checked against a brute-force scan of the same texts.
 * One store in a private temp folder for the whole run. */
#include "offline-cache/hb-pinyin.h"
#include "tests/fuzz/catalog-fixture.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char catalog_json[] =
  "{\"version\":\"f-1\",\"services\":["
  "{\"code\":\"A\",\"name\":\"居住证签注\",\"name_en\":\"Residence permit\",\"summary\":\"每年一次\"},"
  "{\"code\":\"B\",\"name\":\"社保卡申领\",\"summary\":\"首次申领 100% 免费_\",\"popularity\":9},"
  "{\"code\":\"C\",\"name\":\"ETC卡办理\",\"name_en\":\"ETC \\\"card\\\"\"},"
  "{\"code\":\"D\",\"name\":\"校长信箱\",\"summary\":\"Ünïcödé ÉÀ ǅ ß\"},"
  "{\"code\":\"E\",\"name\":\"证\",\"popularity\":1000}"
  "]}";

static void
init_once (void)
{
  g_autoptr(GError) error = NULL;

  fuzz_catalog_open ("hb-fuzz-search-XXXXXX");
  g_assert_true (hb_catalog_apply_json (catalog, catalog_json, strlen (catalog_json), NULL,
                                        &error));
  g_assert_no_error (error);
}

static gboolean
contains_folded (const char *text, const char *key)
{
  g_autofree char *folded = text ? g_utf8_strdown (text, -1) : NULL;
  return folded != NULL && strstr (folded, key) != NULL;
}

/* Brute force: does service e hold the folded 1–2 character key anywhere we index? */
static gboolean
service_has (HbCatalogEntry *e, const char *key)
{
  g_auto(GStrv) initials = hb_pinyin_initials_variants (e->name, 4);
  if (contains_folded (e->name, key) || contains_folded (e->name_en, key)
      || contains_folded (e->summary, key))
    return TRUE;
  for (guint i = 0; initials[i]; i++)
    if (strstr (initials[i], key))
      return TRUE;
  return FALSE;
}

static void
check_pinyin (const char *text)
{
  g_autofree char *ini = hb_pinyin_initials (text);
  g_autofree char *full = hb_pinyin_full (text);
  g_auto(GStrv) variants = hb_pinyin_initials_variants (text, 4);

  for (const char *p = ini; *p; p++)
    g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p));
  for (const char *p = full; *p; p++)
    g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p));
  g_assert_cmpstr (variants[0], ==, ini);
  g_assert_cmpuint (g_strv_length (variants), <=, 4);
  for (guint i = 1; variants[i]; i++)
    g_assert_cmpuint (strlen (variants[i]), ==, strlen (ini));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *query = g_strndup ((const char *) data, MIN (size, 512));
  g_autoptr(GPtrArray) hits = NULL;

  if (catalog == NULL)
    init_once ();

  check_pinyin (query);

  hits = hb_catalog_search (catalog, query, &error);
  if (hits == NULL)
    {
      g_assert_true (g_error_matches (error, HB_STORE_ERROR, HB_STORE_ERROR_INVALID));
      return 0;
    }
  g_assert_cmpuint (hits->len, <=, HB_CATALOG_SEARCH_MAX_RESULTS);

  /* The gram path against brute force, both ways. */
  g_autofree char *trimmed = g_strstrip (g_strdup (query));
  g_autofree char *key = g_utf8_strdown (trimmed, -1);
  glong chars = g_utf8_strlen (key, -1);
  if (chars >= 1 && chars <= 2)
    {
      g_autoptr(GPtrArray) all = hb_catalog_list (catalog);
      g_autoptr(GHashTable) found = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < hits->len; i++)
        {
          HbCatalogEntry *e = hits->pdata[i];
          g_assert_true (service_has (e, key));
          g_hash_table_add (found, e->code);
        }
      for (guint i = 0; i < all->len; i++)
        {
          HbCatalogEntry *e = all->pdata[i];
          /* Grams never hold blanks or control characters. */
          gboolean blank = FALSE;
          for (const char *p = key; *p; p++)
            blank |= (guchar) *p <= 0x20;
          if (!blank && service_has (e, key))
            g_assert_true (g_hash_table_contains (found, e->code));
        }
    }
  return 0;
}
