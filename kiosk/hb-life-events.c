/* hb-life-events.c — names of the life events the catalog is browsed by. */
#include "kiosk/hb-life-events.h"
#include "kiosk/hb-i18n.h"

/* The catalog names the events; their names are the terminal's (the platform's data sends
 * only ids), so they are here, in both languages, rather than in po/ — the catalog lint and
 * tests/unit/kiosk/test-life-events.c hold them to data/catalog.json. */
static const HbLifeEvent EVENTS[] = {
  { "birth",              "出生",       "Birth",                "婴" },
  { "schooling",          "上学",       "Schooling",            "学" },
  { "employment",         "就业",       "Work",                 "业" },
  { "marriage",           "婚育",       "Marriage and children", "婚" },
  { "housing",            "住房",       "Housing",              "房" },
  { "health",             "就医",       "Health care",          "医" },
  { "retirement",         "退休",       "Retirement",           "休" },
  { "elderly",            "养老",       "Old age",              "老" },
  { "disability",         "助残",       "Disability",           "助" },
  { "death",              "身后事",     "After a death",        "故" },
  { "residence",          "户籍与居住", "Household and residence", "户" },
  { "travel",             "出行",       "Travel and driving",   "行" },
  { "social_aid",         "救助",       "Social assistance",    "救" },
  { "business_start",     "开办企业",   "Starting a business",  "创" },
  { "business_change",    "企业变更",   "Changing a business",  "变" },
  { "business_operation", "经营许可",   "Operating licences",   "营" },
  { "hiring",             "用工",       "Hiring staff",         "聘" },
  { "tax",                "纳税",       "Tax",                  "税" },
  { "business_close",     "注销",       "Closing a business",   "销" },
};

const HbLifeEvent *
hb_life_events_all (guint *n_events)
{
  if (n_events)
    *n_events = G_N_ELEMENTS (EVENTS);
  return EVENTS;
}

const HbLifeEvent *
hb_life_event_lookup (const char *id)
{
  if (id == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (EVENTS); i++)
    if (g_str_equal (EVENTS[i].id, id))
      return &EVENTS[i];
  return NULL;
}

const char *
hb_life_event_label (const char *id)
{
  const HbLifeEvent *e = hb_life_event_lookup (id);
  if (e == NULL)
    return id ? id : "";
  return hb_i18n_pick (e->zh, e->en);
}

const char *
hb_life_event_glyph (const char *id)
{
  const HbLifeEvent *e = hb_life_event_lookup (id);
  return e ? e->glyph : "";
}
