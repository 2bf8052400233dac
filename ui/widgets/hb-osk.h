/* hb-osk.h — the on-screen keyboard: the kiosk runs in a cage session with no input method
 * and no physical keyboard, so every text field carries one of these. Three layouts:
 *   拼音  Latin letters compose pinyin (kiosk/hb-ime.h); a candidate bar of big buttons,
 *         paged; 空格 takes the first candidate; 退格 edits the pinyin first, then the text.
 *   英文  Latin letters (大写 toggles case), digits, - @ . ' and 空格.
 *   数字  digits, optionally one extra key (X for ID numbers).
 * It types into its target GtkEditable at the cursor. Keys never take the focus from it.
 *
 * Accessible names (what a screen reader says and the UI tests press), zh_CN / en:
 *   letters "字母 a" / "Letter a" (upper case when 大写 is on), digits "数字 1", symbols
 *   "符号 @", candidates "候选 上海", 空格, 退格, 清空, 大写, "上一页候选", "下一页候选",
 *   and the layout switches "拼音键盘", "英文键盘", "数字键盘". */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  HB_OSK_PINYIN,
  HB_OSK_LATIN,
  HB_OSK_DIGITS,
} HbOskLayout;

#define HB_OSK_CANDIDATES_PER_PAGE 6

#define HB_TYPE_OSK (hb_osk_get_type ())
G_DECLARE_FINAL_TYPE (HbOsk, hb_osk, HB, OSK, GtkWidget)

GtkWidget  *hb_osk_new             (GtkEditable *target, HbOskLayout layout);
void        hb_osk_set_layout      (HbOsk *self, HbOskLayout layout);
HbOskLayout hb_osk_get_layout      (HbOsk *self);
/* One more key on the 数字 layout, left of 0 (e.g. "X" for ID numbers); NULL: none. */
void        hb_osk_set_extra_digit (HbOsk *self, const char *key);
/* Start the 英文 layout in upper case (codes such as the USCC). */
void        hb_osk_set_upper_case  (HbOsk *self, gboolean upper);
/* The pinyin typed and not yet turned into characters ("" when none). */
const char *hb_osk_get_pinyin      (HbOsk *self);

G_END_DECLS
