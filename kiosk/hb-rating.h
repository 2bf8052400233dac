/* hb-rating.h — 好差评: the five national levels, the indicators offered with each, and the
 * rating the platform receives (POST /v1/ratings).
 *
 * Indicators are the national offline set (服务效率, 服务水平, 服务态度), said for the level:
 * 高/好 for 4–5, 一般 for 3, 低/差 for 1–2 (docs/platform-api.md "POST /v1/ratings").
 * docs/decisions.md says why. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_RATING_INDICATOR_VERSION "offline-2019"
#define HB_RATING_MAX_COMMENT 500   /* characters */

typedef struct {
  const char *id;      /* what the platform receives: the indicator itself */
  const char *label;   /* untranslated (N_); _() it to show */
} HbRatingIndicator;

/* The national labels: 5 非常满意 … 1 非常不满意 (untranslated). NULL outside 1–5. */
const char *hb_rating_level_label (int level);
/* Levels 1–2 are 差评: at least one indicator must say what went wrong. */
gboolean    hb_rating_level_is_bad (int level);
/* The indicators offered with a level (NULL-terminated by id; static). */
const HbRatingIndicator *hb_rating_indicators (int level, guint *n);

typedef enum {
  HB_RATING_COMPLETED,
  HB_RATING_ABANDONED,
} HbRatingOutcome;

typedef struct {
  const char        *idempotency_key;
  const char        *case_number;     /* NULL when nothing was submitted */
  const char        *service_code;    /* may be NULL */
  const char        *terminal_id;
  int                level;
  const char *const *indicators;      /* ids from hb_rating_indicators (level); may be NULL */
  const char        *comment;         /* may be NULL */
  HbRatingOutcome    outcome;
  const char        *rated_at;        /* ISO 8601 */
} HbRating;

/* The JSON body, or NULL with G_IO_ERROR_INVALID_ARGUMENT: level outside 1–5, an indicator
 * not offered with the level (or repeated), none for a 差评, a comment too long. */
char *hb_rating_build_body (const HbRating *rating, GError **error);

G_END_DECLS
