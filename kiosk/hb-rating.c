/* hb-rating.c — 好差评 levels, indicators and the rating body. */
#include "kiosk/hb-rating.h"
#include "common/hb-json.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <string.h>

static const char *const LEVELS[] = {
  NULL, N_("非常不满意"), N_("不满意"), N_("基本满意"), N_("满意"), N_("非常满意"),
};

/* The national offline set (自助终端 is an offline channel), as docs/platform-api.md lists
 * it: the id sent is the indicator itself. No local additions (GB/T 39734). */
static const HbRatingIndicator GOOD[] = {
  { "服务效率高", N_("服务效率高") },
  { "服务水平高", N_("服务水平高") },
  { "服务态度好", N_("服务态度好") },
};

static const HbRatingIndicator FAIR[] = {
  { "服务效率一般", N_("服务效率一般") },
  { "服务水平一般", N_("服务水平一般") },
  { "服务态度一般", N_("服务态度一般") },
};

static const HbRatingIndicator BAD[] = {
  { "服务效率低", N_("服务效率低") },
  { "服务水平低", N_("服务水平低") },
  { "服务态度差", N_("服务态度差") },
};

const char *
hb_rating_level_label (int level)
{
  return level >= 1 && level <= 5 ? LEVELS[level] : NULL;
}

gboolean
hb_rating_level_is_bad (int level)
{
  return level == 1 || level == 2;
}

const HbRatingIndicator *
hb_rating_indicators (int level, guint *n)
{
  if (level < 1 || level > 5)
    {
      *n = 0;
      return NULL;
    }
  if (hb_rating_level_is_bad (level))
    {
      *n = G_N_ELEMENTS (BAD);
      return BAD;
    }
  *n = level == 3 ? G_N_ELEMENTS (FAIR) : G_N_ELEMENTS (GOOD);
  return level == 3 ? FAIR : GOOD;
}

static gboolean
offered (int level, const char *id)
{
  guint n = 0;
  const HbRatingIndicator *all = hb_rating_indicators (level, &n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (all[i].id, id) == 0)
      return TRUE;
  return FALSE;
}

static void
add_string_or_null (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

char *
hb_rating_build_body (const HbRating *r, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint count = r->indicators ? g_strv_length ((char **) r->indicators) : 0;

  if (hb_rating_level_label (r->level) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "level %d is not 1–5", r->level);
      return NULL;
    }
  for (guint i = 0; i < count; i++)
    {
      if (!offered (r->level, r->indicators[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "indicator \"%s\" is not offered with level %d", r->indicators[i], r->level);
          return NULL;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (r->indicators[i], r->indicators[j]))
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "indicator \"%s\" given twice", r->indicators[i]);
            return NULL;
          }
    }
  if (hb_rating_level_is_bad (r->level) && count == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a rating of %d needs at least one indicator", r->level);
      return NULL;
    }
  if (r->comment && g_utf8_strlen (r->comment, -1) > HB_RATING_MAX_COMMENT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "comment longer than %d characters", HB_RATING_MAX_COMMENT);
      return NULL;
    }

  json_builder_begin_object (b);
  add_string_or_null (b, "idempotency_key", r->idempotency_key);
  add_string_or_null (b, "case_number", r->case_number);
  add_string_or_null (b, "service_code", r->service_code);
  add_string_or_null (b, "terminal_id", r->terminal_id);
  json_builder_set_member_name (b, "level");
  json_builder_add_int_value (b, r->level);
  json_builder_set_member_name (b, "indicators");
  json_builder_begin_array (b);
  for (guint i = 0; i < count; i++)
    json_builder_add_string_value (b, r->indicators[i]);
  json_builder_end_array (b);
  add_string_or_null (b, "indicator_version", HB_RATING_INDICATOR_VERSION);
  if (r->comment && *r->comment)
    add_string_or_null (b, "comment", r->comment);
  add_string_or_null (b, "outcome", r->outcome == HB_RATING_COMPLETED ? "completed" : "abandoned");
  add_string_or_null (b, "rated_at", r->rated_at);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return hb_json_to_string (root);
}
