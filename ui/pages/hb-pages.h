/* hb-pages.h — the kiosk's screens, one per step of a visit. */
#pragma once

#include "ui/hb-page.h"

G_BEGIN_DECLS

#define HB_TYPE_ATTRACT_PAGE (hb_attract_page_get_type ())
G_DECLARE_FINAL_TYPE (HbAttractPage, hb_attract_page, HB, ATTRACT_PAGE, HbPage)
#define HB_TYPE_IDENTIFY_PAGE (hb_identify_page_get_type ())
G_DECLARE_FINAL_TYPE (HbIdentifyPage, hb_identify_page, HB, IDENTIFY_PAGE, HbPage)
#define HB_TYPE_CATALOG_PAGE (hb_catalog_page_get_type ())
G_DECLARE_FINAL_TYPE (HbCatalogPage, hb_catalog_page, HB, CATALOG_PAGE, HbPage)
#define HB_TYPE_GUIDE_PAGE (hb_guide_page_get_type ())
G_DECLARE_FINAL_TYPE (HbGuidePage, hb_guide_page, HB, GUIDE_PAGE, HbPage)
#define HB_TYPE_FORM_PAGE (hb_form_page_get_type ())
G_DECLARE_FINAL_TYPE (HbFormPage, hb_form_page, HB, FORM_PAGE, HbPage)
#define HB_TYPE_CHECK_PAGE (hb_check_page_get_type ())
G_DECLARE_FINAL_TYPE (HbCheckPage, hb_check_page, HB, CHECK_PAGE, HbPage)
#define HB_TYPE_RESULT_PAGE (hb_result_page_get_type ())
G_DECLARE_FINAL_TYPE (HbResultPage, hb_result_page, HB, RESULT_PAGE, HbPage)
#define HB_TYPE_PRINT_PAGE (hb_print_page_get_type ())
G_DECLARE_FINAL_TYPE (HbPrintPage, hb_print_page, HB, PRINT_PAGE, HbPage)
#define HB_TYPE_RATING_PAGE (hb_rating_page_get_type ())
G_DECLARE_FINAL_TYPE (HbRatingPage, hb_rating_page, HB, RATING_PAGE, HbPage)
#define HB_TYPE_PLACE_PAGE (hb_place_page_get_type ())
G_DECLARE_FINAL_TYPE (HbPlacePage, hb_place_page, HB, PLACE_PAGE, HbPage)
#define HB_TYPE_SITUATION_PAGE (hb_situation_page_get_type ())
G_DECLARE_FINAL_TYPE (HbSituationPage, hb_situation_page, HB, SITUATION_PAGE, HbPage)
#define HB_TYPE_PROGRESS_PAGE (hb_progress_page_get_type ())
G_DECLARE_FINAL_TYPE (HbProgressPage, hb_progress_page, HB, PROGRESS_PAGE, HbPage)
#define HB_TYPE_BUSINESS_PAGE (hb_business_page_get_type ())
G_DECLARE_FINAL_TYPE (HbBusinessPage, hb_business_page, HB, BUSINESS_PAGE, HbPage)

/* What the form page shows when shown next: the question on field_id of part (0: the
 * service or bundle, n: a bundle's member n; HbQuestion.part) — the check page's "修改", or a
 * problem found before submitting (message, then under the field) — after which "下一步"
 * returns to the check page; or the last question (back from the check page). Otherwise it
 * starts at the first question that needs asking. */
void hb_form_page_open_question (HbFormPage *self, guint part, const char *field_id,
                                 const char *message);
void hb_form_page_open_last     (HbFormPage *self);
/* The question on screen (FALSE when none), and showing it again on a new page: the
 * window rebuilds its pages for a language or 长辈模式 switch and the resident stays on
 * the question they were answering (the answers live in the session's form). */
gboolean hb_form_page_get_question    (HbFormPage *self, guint *part, const char **field_id,
                                       gboolean *changing);
void     hb_form_page_resume_question (HbFormPage *self, guint part, const char *field_id,
                                       gboolean changing);

/* A print page built to replace old (the window rebuilds its pages for a language or
 * 长辈模式 switch) shows what old showed, in its own words, without printing again; a
 * print or send in flight reports to it. */
void hb_print_page_take_over (HbPrintPage *self, HbPrintPage *old);
/* Likewise a rating page keeps the level chosen and the indicators ticked on old; a
 * rating already submitted shows its thanks and is not sent again. */
void hb_rating_page_take_over (HbRatingPage *self, HbRatingPage *old);

/* The place the place page shows (copied). */
void hb_place_page_set_place (HbPlacePage *self, const HbPlace *place);
const HbPlace *hb_place_page_get_place (HbPlacePage *self);   /* NULL when none */
/* What the progress page looks up when shown next: a receipt's number, or NULL for every
 * case of the identified resident. */
void hb_progress_page_set_reference (HbProgressPage *self, const char *reference);
const char *hb_progress_page_get_reference (HbProgressPage *self);
/* Shows a failed identification (a code scanned on the attract screen). */
void hb_identify_page_show_error (HbIdentifyPage *self, const char *message);

G_END_DECLS
