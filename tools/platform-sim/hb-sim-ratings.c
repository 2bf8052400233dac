/* hb-sim-ratings.c — what a 好差评 rating must be, and one rating per case. */
#include "tools/platform-sim/hb-sim-ratings.h"

#include "tools/platform-sim/hb-sim-cases.h"
#include "tools/platform-sim/hb-sim-http.h"
#include "tools/platform-sim/hb-sim-json.h"

#include <string.h>

#define MAX_INDICATORS 8

/* Levels 4–5 say what was good, 3 what was only fair, 1–2 what was wrong. */
static const char *const good[] = { "服务效率高", "服务水平高", "服务态度好", NULL };
static const char *const fair[] = { "服务效率一般", "服务水平一般", "服务态度一般", NULL };
static const char *const bad[] = { "服务效率低", "服务水平低", "服务态度差", NULL };

const char *const *
hb_sim_rating_indicators (gint64 level)
{
  switch (level)
    {
    case 5: case 4: return good;
    case 3:         return fair;
    case 2: case 1: return bad;
    default:        return NULL;
    }
}

/* The set terminals sent before issue 7 (GB/T 39735 online set): still accepted, so
 * ratings that waited in an outbox are not refused. */
#define LEGACY_VERSION "GB/T39735-2020/online/1"
static const char *const legacy_good[] = { "efficiency", "guide_accuracy", "convenience", "usability", NULL };
static const char *const legacy_bad[] = { "efficiency", "guide_accuracy", "convenience", "usability",
                                          "not_done", NULL };

static const char *const *
indicators_of (const char *version, gint64 level)
{
  if (g_strcmp0 (version, LEGACY_VERSION) == 0)
    return level >= 1 && level <= 2 ? legacy_bad : level >= 3 && level <= 5 ? legacy_good : NULL;
  if (g_strcmp0 (version, HB_SIM_RATING_INDICATOR_VERSION) == 0)
    return hb_sim_rating_indicators (level);
  return NULL;
}

static gboolean
in_list (const char *const *list, const char *s)
{
  for (; s && list && *list; list++)
    if (g_str_equal (*list, s))
      return TRUE;
  return FALSE;
}

static gboolean
optional_string (JsonObject *o, const char *member, const char **out)
{
  JsonNode *n = json_object_get_member (o, member);
  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  *out = hb_sim_json_get_string (o, member);
  return *out != NULL;
}

static gboolean
indicators_valid (JsonObject *body, gint64 level)
{
  const char *version = NULL;
  JsonNode *n = json_object_get_member (body, "indicators");
  if (!optional_string (body, "indicator_version", &version))
    return FALSE;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  JsonArray *a = hb_sim_json_get_array (body, "indicators");
  if (a == NULL || json_array_get_length (a) > MAX_INDICATORS)
    return FALSE;
  if (json_array_get_length (a) > 0 && indicators_of (version, level) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      const char *s = JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
                      ? json_node_get_string (e) : NULL;
      if (!in_list (indicators_of (version, level), s))
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (json_array_get_string_element (a, j), s) == 0)
          return FALSE;
    }
  return TRUE;
}

/* The case a rating is about, as the sim knows it (a queued reference becomes its case). */
static char *
canonical_case (HbSimContext *ctx, JsonArray *applications, const char *case_number)
{
  char *resolved = hb_sim_cases_resolve_in (ctx, applications, case_number);
  return resolved ? resolved : g_strdup (case_number);
}

static gboolean
already_rated (HbSimContext *ctx, const char *case_number)
{
  g_autoptr(JsonNode) apps = hb_sim_store_list (ctx->store, HB_SIM_KIND_APPLICATION);
  JsonArray *applications = json_node_get_array (apps);
  g_autofree char *mine = canonical_case (ctx, applications, case_number);
  g_autoptr(JsonNode) list = hb_sim_store_list (ctx->store, HB_SIM_KIND_RATING);
  JsonArray *a = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      const char *other = hb_sim_json_get_string (json_array_get_object_element (a, i), "case_number");
      if (other == NULL)
        continue;
      g_autofree char *theirs = canonical_case (ctx, applications, other);
      if (g_str_equal (mine, theirs))
        return TRUE;
    }
  return FALSE;
}

guint
hb_sim_ratings_check (HbSimContext *ctx, JsonObject *body, const char **code, const char **message)
{
  gint64 level = 0;
  const char *case_number = NULL, *outcome = NULL, *comment = NULL;
  gboolean ok = hb_sim_json_get_int (body, "level", &level) && level >= 1 && level <= 5
                && optional_string (body, "case_number", &case_number)
                && optional_string (body, "outcome", &outcome)
                && optional_string (body, "comment", &comment)
                && (outcome == NULL || g_str_equal (outcome, "completed") || g_str_equal (outcome, "abandoned"))
                /* A completed service has a case; an abandoned one may have none. */
                && (case_number != NULL || g_strcmp0 (outcome, "abandoned") == 0)
                && (case_number == NULL || (*case_number != '\0' && strlen (case_number) <= HB_SIM_CASE_NUMBER_MAX))
                && (comment == NULL || g_utf8_strlen (comment, -1) <= HB_SIM_RATING_COMMENT_MAX_CHARS)
                && indicators_valid (body, level);
  *code = "invalid-rating";
  if (!ok)
    {
      *message = "a level from 1 to 5, a case_number (optional when outcome is abandoned), "
                 "outcome completed or abandoned, indicators of the level's list with "
                 "indicator_version " HB_SIM_RATING_INDICATOR_VERSION ", a comment of at most 500 characters";
      return SOUP_STATUS_BAD_REQUEST;
    }
  if (case_number != NULL && already_rated (ctx, case_number))
    {
      *code = "already-rated";
      *message = "this case has been rated already (one rating per case)";
      return SOUP_STATUS_CONFLICT;
    }
  return 0;
}
