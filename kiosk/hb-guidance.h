/* hb-guidance.h — smart guidance (智能导办): the situation questions (情形) one at a time,
 * then the personal list of materials this resident needs, with those an electronic
 * licence replaces marked 免于提交 (docs/service-format.md "Situations", "A material").
 *
 * A condition the terminal cannot decide (hb_condition_eval3 UNKNOWN: no licences fetched,
 * no age known) asks the question and lists the material.
 *
 * answers maps situation id → chosen option value. An answer to a situation whose ask_if
 * no longer holds (an earlier answer changed) is ignored, so callers may keep stale
 * answers; hb_guidance_prune_answers drops them. */
#pragma once

#include "kiosk/hb-service.h"

G_BEGIN_DECLS

typedef struct {
  const HbMaterial *material;   /* owned by the service */
  gboolean          exempt;     /* 免于提交: the resident holds material->licence */
} HbGuideItem;

/* The first situation, in order, that applies (ask_if holds) and has no answer; NULL when
 * every applicable situation is answered. answers may be NULL. */
const HbSituation *hb_guidance_next_situation (HbService *service, GHashTable *answers);

/* The situations that apply to these answers, in order (HbSituation*, owned by the
 * service): what a check-answers page lists. (transfer container) */
GPtrArray  *hb_guidance_asked_situations (HbService *service, GHashTable *answers);

/* Remove answers of situations that no longer apply, and answers that are not one of the
 * situation's options or name no situation. Returns how many were removed. */
guint       hb_guidance_prune_answers (HbService *service, GHashTable *answers);
/* The same for a 一件事 bundle and its members, which share one set of answers: an answer
 * stays when it applies to any of the n services. */
guint       hb_guidance_prune_answers_of (HbService *const *services, guint n,
                                          GHashTable *answers);

/* The materials this resident needs (required_if holds for the applicable answers), in
 * guide order, each marked exempt when its licence type is in licences (NULL-terminated
 * types from POST /v1/licences; may be NULL). person (may be NULL) is for conditions on
 * age or sex. Element type HbGuideItem*. (transfer full) */
GPtrArray  *hb_guidance_materials (HbService *service, GHashTable *answers, HbPerson *person,
                                   const char *const *licences);

G_END_DECLS
