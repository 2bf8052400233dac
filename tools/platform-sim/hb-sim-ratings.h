/* hb-sim-ratings.h — the checks of a 好差评 rating (POST /v1/ratings) beyond the key
 * handling it shares with applications: level 1–5, the level's indicators, the outcome,
 * and one rating per case. */
#pragma once

#include "tools/platform-sim/hb-sim-context.h"

G_BEGIN_DECLS

/* The indicator set the terminal shows (an offline channel: 服务效率, 服务水平, 服务态度). */
#define HB_SIM_RATING_INDICATOR_VERSION "offline-2019"
#define HB_SIM_RATING_COMMENT_MAX_CHARS 500

/* The indicators of a level (1–5), NULL-terminated; NULL for another level. */
const char *const *hb_sim_rating_indicators (gint64 level);

/* 0 when body may be recorded; else the status (400 invalid-rating, 409 already-rated)
 * with *code and *message for the error answer. */
guint hb_sim_ratings_check (HbSimContext *ctx, JsonObject *body, const char **code,
                            const char **message);

G_END_DECLS
