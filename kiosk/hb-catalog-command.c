/* hb-catalog-command.c — `haobanctl catalog`. */
#include "kiosk/hb-catalog-command.h"
#include "kiosk/hb-catalog-stats.h"
#include "offline-cache/hb-catalog.h"
#include "common/hb-json.h"

#include <stdio.h>

static int
usage (void)
{
  fprintf (stderr, "usage: haobanctl catalog list [--json] | catalog search QUERY [--json] |"
           " catalog stats [--json]\n");
  return 2;
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
print_json (GPtrArray *list)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      const HbCatalogEntry *e = list->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "code", e->code);
      add_string (b, "name", e->name);
      add_string (b, "name_en", e->name_en);
      add_string (b, "category", e->category);
      add_string (b, "summary", e->summary);
      json_builder_set_member_name (b, "audience");
      json_builder_begin_array (b);
      if (e->audience & HB_AUDIENCE_PERSON)
        json_builder_add_string_value (b, "person");
      if (e->audience & HB_AUDIENCE_ENTERPRISE)
        json_builder_add_string_value (b, "enterprise");
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  text = hb_json_to_string (root);
  printf ("%s\n", text);
}

static int
print_stats (HbCatalog *catalog, gboolean as_json)
{
  g_autoptr(GError) error = NULL;
  HbCatalogStats st;

  if (!hb_catalog_stats_compute (catalog, &st, &error))
    {
      fprintf (stderr, "haobanctl: catalog: %s\n", error->message);
      return 1;
    }
  if (as_json)
    {
      g_autofree char *text = hb_catalog_stats_to_text (&st);
      printf ("%s\n", text);
      return 0;
    }
  printf ("services            %u (%u bundles, %u invalid)\n", st.services, st.bundles, st.invalid);
  printf ("personal / legal    %u / %u\n", st.person, st.legal);
  printf ("pre-filled fields   %u of %u (%.1f%%)\n", st.prefilled_fields, st.form_fields,
          st.prefilled_share * 100);
  printf ("pre-reviewed        %u services (%.1f%%)\n", st.prereviewed,
          st.prereviewed_share * 100);
  printf ("with situations     %u\n", st.with_situations);
  printf ("with e-licences     %u\n", st.with_licence_materials);
  return 0;
}

int
hb_catalog_command_run (HbConfig *config, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HbStore) store = NULL;
  g_autoptr(HbCatalog) catalog = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *db = hb_config_dup_db_path (config);
  g_autofree char *key = hb_config_dup_key_path (config);
  const char *query = NULL;
  gboolean as_json = FALSE, search, stats;

  if (argc < 1)
    return usage ();
  search = g_str_equal (argv[0], "search");
  stats = g_str_equal (argv[0], "stats");
  if (!search && !stats && !g_str_equal (argv[0], "list"))
    return usage ();
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        as_json = TRUE;
      else if (search && query == NULL)
        query = argv[i];   /* may start with "-": a query is any text */
      else
        return usage ();
    }
  if (search && query == NULL)
    return usage ();

  store = hb_store_open (db, key, &error);
  if (store == NULL)
    {
      fprintf (stderr, "haobanctl: store: %s\n", error->message);
      return 1;
    }
  catalog = hb_catalog_new (store);
  if (stats)
    return print_stats (catalog, as_json);
  list = search ? hb_catalog_search (catalog, query, &error) : hb_catalog_list (catalog);
  if (list == NULL)
    {
      fprintf (stderr, "haobanctl: catalog: %s\n", error ? error->message : "failed");
      return 1;
    }
  if (as_json)
    print_json (list);
  else
    for (guint i = 0; i < list->len; i++)
      {
        const HbCatalogEntry *e = list->pdata[i];
        printf ("%s\t%s\n", e->code, e->name);
      }
  return 0;
}
