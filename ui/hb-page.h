/* hb-page.h — base of every screen of the kiosk (modelled on gnome-software's GsPage).
 *
 * A page is built lazily from its .ui template the first time it is shown, talks only to
 * the HbCore/HbSession it is given, and is destroyed when a visit is wiped, so no widget
 * outlives the personal data it showed. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-core.h"

G_BEGIN_DECLS

typedef enum {
  HB_PAGE_ATTRACT,
  HB_PAGE_IDENTIFY,
  HB_PAGE_CATALOG,
  HB_PAGE_GUIDE,
  HB_PAGE_FORM,
  HB_PAGE_CHECK,
  HB_PAGE_RESULT,
  HB_PAGE_PRINT,
  HB_PAGE_RATING,
  HB_PAGE_PLACE,      /* a place code was scanned (no visit) */
  HB_PAGE_PROGRESS,   /* 进度查询: a receipt's QR scanned (no visit), or a resident's cases */
  HB_PAGE_SITUATION,  /* 情形: the service's situation questions, one per page */
  HB_PAGE_BUSINESS,   /* 企业登录: the 统一社会信用代码 pad */
} HbPageId;
#define HB_N_PAGES 13

const char *hb_page_id_to_string (HbPageId id);   /* "attract", "identify" … */

typedef struct _HbWindow HbWindow;

#define HB_TYPE_PAGE (hb_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (HbPage, hb_page, HB, PAGE, GtkWidget)

struct _HbPageClass
{
  GtkWidgetClass parent_class;

  /* Called when the page becomes visible; fill widgets from the session here. */
  void (*switch_to)   (HbPage *page);
  /* Called when another page replaces it. */
  void (*switch_from) (HbPage *page);
  /* What voice guidance says when the page is shown (transfer full; NULL: nothing). The
   * default: the visible titles (.page-title, .hero-title, .question, .way-title and
   * .way-text, the ways to identify) and the first visible
   * .lead, in order, skipping labels with the HB_PAGE_UNSPOKEN class (e.g. a greeting
   * with the resident's name). */
  char *(*get_spoken_text) (HbPage *page);

  gpointer padding[7];
};

/* CSS class of a label voice guidance must not read out. */
#define HB_PAGE_UNSPOKEN "unspoken"

HbWindow *hb_page_get_window (HbPage *self);
HbCore   *hb_page_get_core   (HbPage *self);
HbSession *hb_page_get_session (HbPage *self);
void      hb_page_show (HbPage *self, HbPageId id);

/* For HbWindow. */
void      hb_page_set_window (HbPage *self, HbWindow *window);
void      hb_page_switch_to   (HbPage *self);
void      hb_page_switch_from (HbPage *self);

/* Voice guidance (ui/hb-voice-guide.h); each does nothing while guidance is off. */
char     *hb_page_get_spoken_text (HbPage *self);
/* The page's content changed in place (a new question, a print outcome): say it again. */
void      hb_page_spoken_text_changed (HbPage *self);
/* Say an error or outcome the page shows (in the UI language, never personal data). */
void      hb_page_speak (HbPage *self, const char *text);

G_END_DECLS
