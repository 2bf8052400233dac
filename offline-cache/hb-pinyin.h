/* hb-pinyin.h — pinyin of hanzi for search (`jzz` → 居住证签注).
 *
 * One reading per character: the most common one (see tools/gen-pinyin-table.py), toneless,
 * ü written "v". Pure functions, no locale, safe from any thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Initials: each hanzi → first letter of its reading (居住证 → "jzz"; 社保 → "sb"); ASCII
 * letters and digits are kept, lower-cased ("ETC卡" → "etck"); everything else (blanks,
 * punctuation, hanzi without a known reading, invalid UTF-8) is skipped. Never NULL. */
char  *hb_pinyin_initials (const char *utf8);

/* Full pinyin, syllables run together with the same rules (居住证 → "juzhuzheng"). */
char  *hb_pinyin_full (const char *utf8);

/* Initials as spelled with other readings of polyphones whose other readings begin with
 * another letter (长 chang/zhang: 校长 → "xc", "xz"). The first element is always
 * hb_pinyin_initials (utf8); at most max_variants (≥ 1) distinct strings, the most common
 * readings first. NULL-terminated. */
GStrv  hb_pinyin_initials_variants (const char *utf8, guint max_variants);

G_END_DECLS
