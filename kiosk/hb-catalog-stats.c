/* hb-catalog-stats.c — count what the synced catalog offers. */
#include "kiosk/hb-catalog-stats.h"
#include "kiosk/hb-service.h"

#include <gio/gio.h>
#include <string.h>

static void
count_service (HbService *s, HbCatalogStats *st)
{
  GPtrArray *fields = hb_service_get_fields (s);
  GPtrArray *materials = hb_service_get_materials (s);

  if (hb_service_get_kind (s) == HB_SERVICE_KIND_BUNDLE)
    st->bundles++;
  st->form_fields += fields->len;
  for (guint i = 0; i < fields->len; i++)
    if (((HbFormField *) fields->pdata[i])->prefill)
      st->prefilled_fields++;
  if (hb_service_get_prereview (s)->len > 0)
    st->prereviewed++;
  if (hb_service_get_situations (s)->len > 0)
    st->with_situations++;
  for (guint i = 0; i < materials->len; i++)
    if (((HbMaterial *) materials->pdata[i])->licence)
      {
        st->with_licence_materials++;
        break;
      }
}

gboolean
hb_catalog_stats_compute (HbCatalog *catalog, HbCatalogStats *st, GError **error)
{
  g_autoptr(GPtrArray) list = hb_catalog_list (catalog);

  memset (st, 0, sizeof *st);
  if (list == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the catalog cannot be read");
      return FALSE;
    }
  for (guint i = 0; i < list->len; i++)
    {
      const HbCatalogEntry *e = list->pdata[i];
      g_autofree char *json = NULL;
      g_autoptr(HbService) s = NULL;
      g_autoptr(GError) local = NULL;

      st->services++;
      if (e->audience & HB_AUDIENCE_PERSON)
        st->person++;
      if (e->audience & HB_AUDIENCE_ENTERPRISE)
        st->legal++;
      json = hb_catalog_dup_service_json (catalog, e->code, &local);
      if (json == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      s = hb_service_new_from_json (json, -1, &local);
      if (s == NULL)
        {
          /* The terminal shows it as unavailable; the lint test names the problem. */
          g_debug ("catalog stats: %s", local->message);
          st->invalid++;
          continue;
        }
      count_service (s, st);
    }
  st->prefilled_share = st->form_fields ? (double) st->prefilled_fields / st->form_fields : 0;
  st->prereviewed_share = st->services ? (double) st->prereviewed / st->services : 0;
  return TRUE;
}

static void
add_int (JsonBuilder *b, const char *name, guint v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

/* Four decimals: a figure, not float noise. */
static double
round4 (double v)
{
  return (double) (gint64) (v * 10000 + 0.5) / 10000;
}

static void
add_share (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, round4 (v));
}

JsonNode *
hb_catalog_stats_to_json (const HbCatalogStats *st)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_int (b, "person", st->person);
  add_int (b, "legal", st->legal);
  add_int (b, "bundles", st->bundles);
  add_int (b, "services", st->services);
  add_int (b, "invalid", st->invalid);
  add_int (b, "form_fields", st->form_fields);
  add_int (b, "prefilled_fields", st->prefilled_fields);
  add_share (b, "prefilled_share", st->prefilled_share);
  add_int (b, "prereviewed", st->prereviewed);
  add_share (b, "prereviewed_share", st->prereviewed_share);
  add_int (b, "with_situations", st->with_situations);
  add_int (b, "with_licence_materials", st->with_licence_materials);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
hb_catalog_stats_to_text (const HbCatalogStats *st)
{
  char pre[G_ASCII_DTOSTR_BUF_SIZE], rev[G_ASCII_DTOSTR_BUF_SIZE];

  /* json-glib prints doubles with 17 digits (0.94610000000000005); write this one by hand
   * with the C locale's decimal point. */
  g_ascii_formatd (pre, sizeof pre, "%.4f", round4 (st->prefilled_share));
  g_ascii_formatd (rev, sizeof rev, "%.4f", round4 (st->prereviewed_share));
  return g_strdup_printf ("{\"person\":%u,\"legal\":%u,\"bundles\":%u,\"services\":%u,"
                          "\"invalid\":%u,\"form_fields\":%u,\"prefilled_fields\":%u,"
                          "\"prefilled_share\":%s,\"prereviewed\":%u,\"prereviewed_share\":%s,"
                          "\"with_situations\":%u,\"with_licence_materials\":%u}",
                          st->person, st->legal, st->bundles, st->services, st->invalid,
                          st->form_fields, st->prefilled_fields, pre, st->prereviewed, rev,
                          st->with_situations, st->with_licence_materials);
}
