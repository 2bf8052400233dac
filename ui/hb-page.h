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

  gpointer padding[8];
};

HbWindow *hb_page_get_window (HbPage *self);
HbCore   *hb_page_get_core   (HbPage *self);
HbSession *hb_page_get_session (HbPage *self);
void      hb_page_show (HbPage *self, HbPageId id);

/* For HbWindow. */
void      hb_page_set_window (HbPage *self, HbWindow *window);
void      hb_page_switch_to   (HbPage *self);
void      hb_page_switch_from (HbPage *self);

G_END_DECLS
