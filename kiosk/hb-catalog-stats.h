/* hb-catalog-stats.h — the catalog figures of issue 7 (`haobanctl catalog stats`), computed
 * from the catalog synced into the terminal's store, parsing each service as the kiosk does
 * (docs/service-format.md: prefilled_share, prereviewed_share). */
#pragma once

#include "offline-cache/hb-catalog.h"
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  guint  services;                /* every entry, bundles included */
  guint  person;                  /* audience person (a service for both counts in both) */
  guint  legal;                   /* audience enterprise (法人) */
  guint  bundles;                 /* kind "bundle" (一件事) */
  guint  invalid;                 /* refused by hb_service_new_from_json: shown unavailable */
  guint  form_fields;             /* over every valid service */
  guint  prefilled_fields;        /* of those, with a "prefill" source */
  guint  prereviewed;             /* services with ≥ 1 prereview rule */
  guint  with_situations;         /* services with ≥ 1 situation */
  guint  with_licence_materials;  /* services with ≥ 1 material an e-licence replaces */
  double prefilled_share;         /* prefilled_fields / form_fields (0 when no fields) */
  double prereviewed_share;       /* prereviewed / services (0 when no services) */
} HbCatalogStats;

/* FALSE + error only when the store cannot be read; an invalid service is counted, not an
 * error. */
gboolean  hb_catalog_stats_compute (HbCatalog *catalog, HbCatalogStats *stats, GError **error);

/* {"person":N,"legal":N,"bundles":N,"services":N,"invalid":N,"form_fields":N,
 *  "prefilled_fields":N,"prefilled_share":x,"prereviewed":N,"prereviewed_share":x,
 *  "with_situations":N,"with_licence_materials":N} (transfer full) */
JsonNode *hb_catalog_stats_to_json (const HbCatalogStats *stats);
/* The same object as one line of text, shares with exactly four decimals (what
 * `haobanctl catalog stats --json` prints). (transfer full) */
char     *hb_catalog_stats_to_text (const HbCatalogStats *stats);

G_END_DECLS
