/* hb-life-events.h — the life events (人生事件) a resident browses the catalog by: the ids of
 * docs/service-format.md ("birth" …) with their names in Chinese and English and a one-
 * character badge for the grid on the catalog page. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *id;      /* as in the catalog's "life_events" */
  const char *zh;      /* 出生 */
  const char *en;      /* Birth */
  const char *glyph;   /* one Chinese character for the badge (no emoji font on terminals) */
} HbLifeEvent;

/* Every life event the terminal knows, in the order of docs/service-format.md (personal
 * ones first, then business ones); n_events gets how many. */
const HbLifeEvent *hb_life_events_all (guint *n_events);
/* The entry for id, or NULL for an id this table does not know. */
const HbLifeEvent *hb_life_event_lookup (const char *id);
/* The name of id in the current UI language (hb-i18n.h); an unknown id is shown as itself
 * (a new event in the platform's catalog stays browsable before the terminal knows it). */
const char        *hb_life_event_label (const char *id);
/* The badge character of id; "" for an unknown id. */
const char        *hb_life_event_glyph (const char *id);

G_END_DECLS
